/**
 * Training windows with times (lib/data/batch.ts): each window's input times then its last
 * target's time, as int32 seconds relative to the window's earliest item, carried through
 * gatherBatch and epochBatches into batchTensors' timestamps; without the option nothing changes.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { batchTensors, batchTimestamps, buildWindows, epochBatches, gatherBatch, relativeTimes } from '../../lib/data/batch';
import type { Sequences } from '../../lib/data/types';
import { makeRng } from '../../lib/util/rng';
import { seqsOf } from '../train/tiny';

const rows = (a: ArrayLike<number>, width: number) => Array.from({ length: a.length / width }, (_, w) => Array.from(a).slice(w * width, (w + 1) * width));

/** seqsOf with times. */
function timed(seqs: number[][], times: number[][], numItems: number): Sequences {
  return { ...seqsOf(seqs, numItems), times: Float64Array.from(times.flat()) };
}

// user 0: items [5, 6, 7, 8] at [100, 160, 400, 1000]; user 1: [9] at [50] (no target);
// user 2: [3, 4] at [10, 20]. T = 2 (the windows of batch.test.ts):
//   w0 inputs [0, 5] -> targets [0, 6]: times [pad, 100 | 160]      relative [0, 0 | 60]
//   w1 inputs [6, 7] -> targets [7, 8]: times [160, 400 | 1000]     relative [0, 240 | 840]
//   w2 inputs [0, 3] -> targets [0, 4]: times [pad, 10 | 20]        relative [0, 0 | 10]
const SEQS = [[5, 6, 7, 8], [9], [3, 4]];
const TIMES = [[100, 160, 400, 1000], [50], [10, 20]];

test('buildWindows with times: input times, then the last target time, relative, 0 at padding (hand-worked)', () => {
  const w = buildWindows(timed(SEQS, TIMES, 9), 2, { times: true });
  assert.deepEqual(rows(w.inputs, 2), [[0, 5], [6, 7], [0, 3]], 'the windows themselves are unchanged');
  assert.equal(w.times instanceof Int32Array, true);
  assert.deepEqual(rows(w.times!, 3), [[0, 0, 60], [0, 240, 840], [0, 0, 10]]);
});

test('gatherBatch and batchTensors: relative int32 timestamps [B, T+1] in batch order', () => {
  const w = buildWindows(timed(SEQS, TIMES, 9), 2, { times: true });
  const batch = gatherBatch(w, Int32Array.of(2, 0, 1), 0, 3);
  assert.deepEqual(rows(batch.times!, 3), [[0, 0, 10], [0, 0, 60], [0, 240, 840]]);
  const { inputs, targets, timestamps } = batchTensors(batch);
  assert.equal(timestamps!.dtype, 'int32');
  assert.deepEqual(timestamps!.shape, [3, 3]);
  assert.deepEqual(timestamps!.arraySync(), [[0, 0, 10], [0, 0, 60], [0, 240, 840]]);
  assert.deepEqual(inputs.arraySync(), [[0, 3], [0, 5], [6, 7]]);
  tf.dispose([inputs, targets, timestamps!]);
});

test('without the option: no times anywhere, batchTensors gives inputs and targets only', () => {
  const s = timed(SEQS, TIMES, 9);
  const plain = buildWindows(s, 2);
  const off = buildWindows(s, 2, { times: false });
  for (const w of [plain, off]) {
    assert.deepEqual(Object.keys(w).sort(), ['count', 'inputs', 'maxLen', 'numTargets', 'targets', 'user']);
    const [batch] = [...epochBatches(w, 8, 0, 0)];
    assert.deepEqual(Object.keys(batch).sort(), ['inputs', 'maxLen', 'size', 'targets']);
    assert.equal(batchTimestamps(batch), undefined);
    const t = batchTensors(batch);
    assert.deepEqual(Object.keys(t).sort(), ['inputs', 'targets']);
    tf.dispose([t.inputs, t.targets]);
  }
});

test('relativeTimes: Unix seconds stay exact (float32 would round them to 128 s); far gaps clamp to int32', () => {
  const t0 = 1_600_000_000; // float32 spacing at 1.6e9 is 128
  assert.notEqual(Math.fround(t0 + 37) - Math.fround(t0), 37, 'float32 loses the seconds');
  const got = relativeTimes([0, t0, t0 + 37, t0 + 86_400], [0, 4, 7], 1, 3);
  assert.deepEqual(Array.from(got), [0, 0, 37, 86_400]);
  // A clock in milliseconds over 30 years: the gap exceeds 2^31 - 1 and is clamped there.
  assert.deepEqual(Array.from(relativeTimes([5, 5 + 1e12, 5 + 1e12], [1, 2], 1, 2)), [0, 2 ** 31 - 1, 2 ** 31 - 1]);
  // Fractional seconds round; a row without items is relative to its last column.
  assert.deepEqual(Array.from(relativeTimes([10, 11.6, 12.4], [1, 2], 1, 2)), [0, 2, 2]);
  assert.deepEqual(Array.from(relativeTimes([7, 7, 99], [0, 0], 1, 2)), [0, 0, 0]);
});

test('windows with times, brute force: every slot holds its item\'s time, the last column the last target\'s, less the earliest', () => {
  const rng = makeRng(3);
  for (const T of [1, 3, 7]) {
    // Unique items, so an item names its (user, position); its time is 1000·item + a random part.
    let next = 1;
    const seqs = Array.from({ length: 30 }, () => Array.from({ length: rng.int(17) }, () => next++));
    const timeOf = new Map<number, number>();
    const times = seqs.map((s) => s.map((it) => {
      const t = 1000 * it + rng.int(500);
      timeOf.set(it, t);
      return t;
    }));
    const w = buildWindows(timed(seqs, times, next - 1), T, { times: true });
    for (let k = 0; k < w.count; k++) {
      const row = Array.from(w.inputs.subarray(k * T, (k + 1) * T));
      const earliest = timeOf.get(row.find((x) => x !== 0)!)!; // times rise along a sequence
      row.forEach((item, s) => assert.equal(w.times![k * (T + 1) + s], item === 0 ? 0 : timeOf.get(item)! - earliest, `T ${T} window ${k} slot ${s}`));
      assert.equal(w.times![k * (T + 1) + T], timeOf.get(w.targets[k * T + T - 1])! - earliest, `T ${T} window ${k}: last target's time`);
    }
    // A batch's timestamps are its windows' rows.
    const order = Int32Array.from({ length: w.count }, (_, i) => w.count - 1 - i);
    const rel = batchTimestamps(gatherBatch(w, order, 0, w.count))!;
    order.forEach((k, b) => assert.deepEqual(rel.subarray(b * (T + 1), (b + 1) * (T + 1)), w.times!.subarray(k * (T + 1), (k + 1) * (T + 1))));
  }
});

test('buildWindows refuses times that do not match the items', () => {
  const s = { ...seqsOf([[1, 2, 3]], 3), times: new Float64Array(2) };
  assert.throws(() => buildWindows(s, 2, { times: true }), /buildWindows: 3 items but 2 times/);
});
