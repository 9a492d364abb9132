/** A small split with real-looking times, for the tests of training and evaluation with times. */
import { splitLeaveOneOut } from '../../lib/data/split';
import type { LeaveOneOutSplit, Sequences } from '../../lib/data/types';
import { makeRng } from '../../lib/util/rng';
import { seqsOf } from './tiny';

/**
 * 24 users x 10 items over 16 items (i mostly followed by i + 1), Unix-second times with gaps
 * from 1 s to months (e^U(0, 16) s); with sameTime every time is one value. Leave-one-out split.
 */
export function timedSplit(seed: number, sameTime = false): LeaveOneOutSplit {
  const rng = makeRng(seed);
  const seqs: number[][] = [];
  const times: number[][] = [];
  for (let u = 0; u < 24; u++) {
    const s = [1 + rng.int(16)];
    const t = [1_500_000_000 + rng.int(1e7)];
    while (s.length < 10) {
      s.push(rng.next() < 0.7 ? (s[s.length - 1] % 16) + 1 : 1 + rng.int(16));
      t.push(t[t.length - 1] + Math.floor(Math.exp(rng.next() * 16)));
    }
    seqs.push(s);
    times.push(sameTime ? t.map(() => 1_500_000_000) : t);
  }
  const sequences: Sequences = { ...seqsOf(seqs, 16), times: Float64Array.from(times.flat()) };
  return splitLeaveOneOut(sequences);
}
