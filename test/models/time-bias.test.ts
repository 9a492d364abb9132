/**
 * The time bias of HSTU and FuXi-alpha (hstu.ts header): buckets of |query time - key time|, the
 * query time of slot i being slot i + 1's (or the extra last column's), timestamps optional with
 * positions alone as the fallback, padding times ignored, bad timestamps rejected by name.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { modelEntry } from '../../lib/models';
import { timeBucket } from '../../lib/models/hstu';
import type { SeqModel } from '../../lib/models/types';
import { maxAbsDiff } from './contract';

test('timeBucket: floor(ln(max(|dt|, 1)) / 0.301), clamped to 128', () => {
  // ln 2 = 0.693 -> 2.30; ln 60 = 4.094 -> 13.60; ln 3600 = 8.189 -> 27.20; ln 86400 = 11.367 -> 37.76
  const cases: Array<[number, number]> = [[0, 0], [0.5, 0], [1, 0], [-1, 0], [2, 2], [60, 13], [3600, 27], [86_400, 37], [-86_400, 37], [1e300, 128]];
  for (const [dt, bucket] of cases) assert.equal(timeBucket(dt), bucket, `dt ${dt}`);
  // e^(0.301·k) is where bucket k starts: just below e^3.01 = 20.29 is bucket 9, just above 10.
  assert.equal(timeBucket(20.28), 9);
  assert.equal(timeBucket(20.30), 10);
});

const ROWS = [
  [0, 0, 3, 5, 7, 2, 9, 4],
  [1, 2, 3, 4, 5, 6, 7, 8],
];
// [B][T + 1] seconds: the input slots, then the last slot's query time.
const TIMES = [
  [0, 0, 100, 160, 3_760, 90_160, 90_161, 200_000, 300_000],
  [10, 20, 40, 80, 1_000, 5_000, 5_000, 86_400, 1_000_000],
];

const CONFIGS: Record<'hstu' | 'fuxi', { numItems: number } & Record<string, unknown>> = {
  hstu: { numItems: 20, maxLen: 10, dim: 8, numLayers: 2, numHeads: 2 },
  fuxi: { numItems: 20, maxLen: 10, dim: 8, numLayers: 2, numHeads: 2, innerSize: 12 },
};

function run(m: SeqModel, rows: number[][], times?: number[][]): number[][][] {
  return tf.tidy(() => {
    const timestamps = times ? tf.tensor2d(times, undefined, 'int32') : undefined;
    return m.encode(tf.tensor2d(rows, undefined, 'int32'), { isTraining: false, timestamps }).arraySync();
  });
}

/** Copy of `times` with entry [b][s] replaced. */
function withTime(times: number[][], b: number, s: number, value: number): number[][] {
  return times.map((row, r) => row.map((t, c) => (r === b && c === s ? value : t)));
}

for (const kind of ['hstu', 'fuxi'] as const) {
  const make = (seed: number) => modelEntry(kind).create(CONFIGS[kind], seed);

  test(`${kind}: timestamps move the outputs; with w_t = 0 they equal the positions-only pass`, () => {
    const m = make(1);
    const none = run(m, ROWS);
    assert.ok(maxAbsDiff(none, run(m, ROWS, TIMES)) > 1e-4, 'timestamps changed nothing');
    for (const [name, v] of m.variables) if (name.endsWith('.rabTime')) v.assign(tf.zerosLike(v));
    // HSTU adds w_t[bucket] = 0 to the scores; FuXi-alpha's temporal channel weights are all 0.
    assert.ok(maxAbsDiff(none, run(m, ROWS, TIMES)) <= 1e-6, 'a zero time table is not the positions-only model');
    m.dispose();
  });

  test(`${kind}: slot t reads the times of slots <= t + 1 only (t + 1: the event it predicts)`, () => {
    const m = make(2);
    const base = run(m, ROWS, TIMES);
    for (let t = 3; t < 7; t++) {
      // Move the time of slot t + 1 (row 1 is full): slots < t keep their outputs, slot t changes.
      const out = run(m, ROWS, withTime(TIMES, 1, t + 1, TIMES[1][t + 1] + 7_777_777));
      assert.ok(maxAbsDiff(base[1].slice(0, t), out[1].slice(0, t)) <= 1e-6, `slots < ${t} read slot ${t + 1}'s time`);
      assert.ok(maxAbsDiff(base[1][t], out[1][t]) > 1e-5, `slot ${t} ignored its query time`);
      assert.deepEqual(out[0], base[0], 'another row moved');
    }
    // The extra column is the last slot's query time only.
    const last = run(m, ROWS, withTime(TIMES, 0, 8, 9_999_999));
    assert.ok(maxAbsDiff(base[0].slice(0, 7), last[0].slice(0, 7)) <= 1e-6);
    assert.ok(maxAbsDiff(base[0][7], last[0][7]) > 1e-5);
    m.dispose();
  });

  test(`${kind}: [B, T] timestamps give the last slot its own time as query time; padding times are ignored`, () => {
    const m = make(3);
    const own = TIMES.map((row) => [...row.slice(0, 8), row[7]]); // query time of slot 7 = its own time
    assert.ok(maxAbsDiff(run(m, ROWS, TIMES.map((row) => row.slice(0, 8))), run(m, ROWS, own)) <= 1e-6);
    // Row 0 has padding at slots 0 and 1: their times feed no visible pair (slot 1's query time
    // is slot 2's, an item's).
    const padded = withTime(withTime(TIMES, 0, 0, 123_456_789), 0, 1, -5);
    assert.ok(maxAbsDiff(run(m, ROWS, TIMES)[0].slice(2), run(m, ROWS, padded)[0].slice(2)) <= 1e-6);
    m.dispose();
  });

  test(`${kind}: bad timestamps are named errors`, () => {
    const m = make(4);
    const bad: Array<[number[][], RegExp]> = [
      [TIMES.map((row) => [...row, 0]), new RegExp(`^Error: ${kind}.encode: timestamps must be a \\[B, T\\] or \\[B, T \\+ 1\\] tensor \\(\\[2, 8\\] or \\[2, 9\\]\\), got \\[2, 10\\]$`)],
      [TIMES.slice(0, 1), /timestamps must be a \[B, T\] or \[B, T \+ 1\] tensor \(\[2, 8\] or \[2, 9\]\), got \[1, 9\]/],
    ];
    for (const [times, message] of bad) assert.throws(() => run(m, ROWS, times), message);
    const nan = tf.tensor2d(withTime(TIMES, 1, 4, NaN));
    assert.throws(() => tf.tidy(() => m.encode(tf.tensor2d(ROWS, undefined, 'int32'), { isTraining: false, timestamps: nan })), new RegExp(`${kind}.encode: timestamps\\[1, 4\\] is NaN; times must be finite seconds`));
    // A NaN at a padding slot is ignored, like any padding time.
    const padNan = tf.tensor2d(withTime(TIMES, 0, 0, NaN));
    tf.tidy(() => m.encode(tf.tensor2d(ROWS, undefined, 'int32'), { isTraining: false, timestamps: padNan }));
    tf.dispose([nan, padNan]);
    m.dispose();
  });

  test(`${kind}: a sequence's outputs do not depend on the items after it or on the window length`, () => {
    // Positions count items from the oldest one in the window, relative biases see i - j only.
    const m = make(5);
    const short = run(m, [[5, 6]], [[100, 200, 300]]);
    const long = run(m, [[5, 6, 7]], [[100, 200, 300, 400]]);
    assert.ok(maxAbsDiff(short[0], long[0].slice(0, 2)) <= 1e-6);
    m.dispose();
  });
}
