/**
 * The synthetic leave-one-out split of the evaluation benchmark: MovieLens-20M's numbers of
 * users (138,493) and items (26,744), every user with a validation and a test target, item
 * popularity long-tailed as in the ML-20M-shaped CSV (ml20m-csv.ts). Only the last maxLen items of
 * a history reach the model, so each train prefix holds at most maxLen - 1 items; its length
 * is 28 + a log-normal extra (the 30-core leaves every user at least 30 interactions), so most
 * histories are full, as in ML-20M (median 78 interactions after the 30-core).
 * Seeded: the same config gives the same split in every thread.
 */
import { deriveSeed, makeRng } from '../util/rng';
import type { LeaveOneOutSplit } from '../data/types';
import { lowerBound, popularityCdf } from './ml20m-csv';

/** Size of the synthetic split. */
export interface EvalSplitShape {
  readonly numUsers: number;
  readonly numItems: number;
  readonly maxLen: number;
  readonly seed: number;
}

/**
 * Build the split (O(numUsers · maxLen) time and memory: 27 MB at ML-20M's size).
 * @example const split = syntheticEvalSplit({ numUsers: 1000, numItems: 500, maxLen: 50, seed: 0 });
 */
export function syntheticEvalSplit(s: EvalSplitShape): LeaveOneOutSplit {
  const rng = makeRng(deriveSeed(s.seed, 30));
  const cdf = popularityCdf(s.numItems);
  const draw = () => 1 + lowerBound(cdf, rng.next()); // item ids by popularity rank
  const offsets = new Int32Array(s.numUsers + 1);
  for (let u = 0; u < s.numUsers; u++) {
    const length = Math.min(s.maxLen - 1, 28 + Math.floor(Math.exp(3.6 + 1.2 * rng.normal())));
    offsets[u + 1] = offsets[u] + Math.max(1, length);
  }
  const items = new Int32Array(offsets[s.numUsers]);
  for (let j = 0; j < items.length; j++) items[j] = draw();
  const valid = Int32Array.from({ length: s.numUsers }, draw);
  const test = Int32Array.from({ length: s.numUsers }, draw);
  const vocab = {
    userIds: Array.from({ length: s.numUsers }, (_, u) => String(u + 1)),
    itemIds: Array.from({ length: s.numItems + 1 }, (_, i) => (i === 0 ? '' : String(i))),
  };
  const train = { offsets, items, times: new Float64Array(items.length), numUsers: s.numUsers, numItems: s.numItems, vocab };
  return { train, valid, test, numUsers: s.numUsers, numItems: s.numItems, vocab };
}
