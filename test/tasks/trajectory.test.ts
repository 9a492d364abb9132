import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { generateTrajectories, trajectory, trajectoryCases, trajectoryRank } from '../../lib/tasks/trajectory';
import { close, lastItemModel, taskSplit, timeRecorder } from './fixtures';

before(async () => {
  await tf.setBackend('cpu');
});

// Discounts 1/log2(j + 1) for j = 1..4: 1, 0.630930, 0.5, 0.430677; Z_k their prefix sums:
// Z_1 = 1, Z_2 = 1.630930, Z_3 = 2.130930, Z_4 = 2.561606.
const Z = [1, 1.630930, 2.130930, 2.561606];

test('trajectoryRank, prefix reading: rel_j = [S_p[j] in S_f[:k]]', () => {
  const sp = [3, 1, 4, 2];
  const sf = [1, 2, 3, 5];
  // k=1 {1}: 3 no -> 0
  // k=2 {1, 2}: 3 no, 1 yes -> 0.630930 / Z_2
  // k=3 {1, 2, 3}: 3 yes, 1 yes, 4 no -> 1.630930 / Z_3
  // k=4 {1, 2, 3, 5}: 3, 1 yes, 4 no, 2 yes -> 2.061606 / Z_4
  const expected = [0, 0.630930 / Z[1], 1.630930 / Z[2], 2.061606 / Z[3]]; // 0, 0.386853, 0.765361, 0.804811
  for (let k = 1; k <= 4; k++) close(trajectoryRank(sp, sf, k, 'prefix'), expected[k - 1], 1e-5);
  close(trajectoryRank([5, 7], [7, 9], 2, 'prefix'), 0.386853, 1e-5);
});

test('trajectoryRank, position and future readings; TR@1 is the next-item hit under prefix and position', () => {
  const sp = [1, 3, 2, 5];
  const sf = [1, 2, 3, 5];
  // position: matches at j = 1 and 4 -> TR@1 1, TR@2 1/Z_2, TR@3 1/Z_3, TR@4 1.430677/Z_4
  const position = [1, 1 / Z[1], 1 / Z[2], 1.430677 / Z[3]];
  // prefix: k=1 {1} yes; k=2 {1, 2}: 1 yes, 3 no; k=3, 4: every predicted item is in S_f[:k]
  const prefix = [1, 1 / Z[1], 1, 1];
  for (let k = 1; k <= 4; k++) {
    close(trajectoryRank(sp, sf, k, 'position'), position[k - 1], 1e-5);
    close(trajectoryRank(sp, sf, k, 'prefix'), prefix[k - 1], 1e-5);
    close(trajectoryRank(sp, sf, k, 'future'), 1); // every predicted item is somewhere in S_f
  }
  close(trajectoryRank([2], [1, 2], 1, 'future'), 1);
  close(trajectoryRank([2], [1, 2], 1, 'prefix'), 0);
  assert.throws(() => trajectoryRank([1, 2], [1, 2, 3], 3, 'prefix'), /k must be an integer in \[1, 2\], got 3/);
});

// I = 5. Scores by the last input item:
//   after 1: item 2 -> 5, 1 -> 4, 3 -> 3: order 2, 1, 3, 4, 5
//   after 2: item 1 -> 5, 3 -> 4:         order 1, 3, 2, 4, 5
//   after 3: item 2 -> 5, 4 -> 4:         order 2, 4, 1, 3, 5
const ROWS = { 1: [0, 4, 5, 3, 0, 0], 2: [0, 5, 0, 4, 0, 0], 3: [0, 0, 5, 0, 4, 0] };

test('generateTrajectories: greedy, each item fed back, no repeats within a trajectory (history items allowed)', async () => {
  const m = lastItemModel(ROWS, 5);
  // From last item 1: 2; then after 2: 1 (in the history, allowed); after 1: 2 and 1 taken -> 3; after 3: 2 taken -> 4.
  const noRepeat = await generateTrajectories(m, 5, [Int32Array.of(4, 1)], [Int32Array.of(1, 1, 1, 1)], 4, true);
  assert.deepEqual(Array.from(noRepeat[0]), [2, 1, 3, 4]);
  // With repeats the chain alternates 2, 1, 2, 1.
  const repeats = await generateTrajectories(m, 5, [Int32Array.of(4, 1)], [Int32Array.of(1, 1, 1, 1)], 4, false);
  assert.deepEqual(Array.from(repeats[0]), [2, 1, 2, 1]);
  m.dispose();
});

// Whole sequences (train + valid + test), trajectory length 4, minHistory 1:
//   u0 [4, 1, 2, 1, 3, 5]: S_h [4, 1], S_f [2, 1, 3, 5]
//   u1 [1, 2, 3]: 3 < 4 + 1 items -> left out
//   u2 [1, 2, 3, 4, 5, 1] with no targets (only a train part) -> left out
//   u3 [3, 2, 4, 1, 5]: S_h [3], S_f [2, 4, 1, 5]
const split = taskSplit([[4, 1, 2, 1], [1], [1, 2, 3, 4, 5, 1], [3, 2, 4]], [3, 2, 0, 1], [5, 3, 0, 5], 5);

test('trajectoryCases: the last L items as S_f, the rest as S_h, users with a test item and enough items', () => {
  const c = trajectoryCases(split, 4, 1);
  assert.deepEqual(Array.from(c.users), [0, 3]);
  assert.deepEqual(c.histories.map((h) => Array.from(h)), [[4, 1], [3]]);
  assert.deepEqual(c.futures.map((f) => Array.from(f)), [[2, 1, 3, 5], [2, 4, 1, 5]]);
  assert.deepEqual(Array.from(trajectoryCases(split, 4, 2).users), [0]); // u3 has one history item
});

test('trajectory: mean TR@k and TR@k / TR@1, worked by hand', async () => {
  const m = lastItemModel(ROWS, 5);
  const r = await trajectory(m, split, { length: 4 });
  // u0 generates from last item 1: [2, 1, 3, 4]; u3 from last item 3: 2, then as u0: [2, 1, 3, 4].
  // u0 vs [2, 1, 3, 5]: k=1..3 every item relevant -> 1; k=4: 4 not in S_f -> 2.130930 / Z_4 = 0.831873
  // u3 vs [2, 4, 1, 5]: k=1 {2}: 1; k=2 {2, 4}: 2 yes, 1 no -> 1/Z_2 = 0.613147;
  //   k=3 {2, 4, 1}: 2, 1 yes, 3 no -> 1.630930/Z_3 = 0.765361; k=4: 2, 1, 4 yes, 3 no -> 2.061606/Z_4 = 0.804811
  assert.equal(r.users, 2);
  assert.equal(r.relevance, 'prefix');
  const tr = [1, (1 + 0.613147) / 2, (1 + 0.765361) / 2, (0.831873 + 0.804811) / 2];
  r.positions.forEach((p, i) => {
    assert.equal(p.k, i + 1);
    close(p.TR, tr[i], 1e-5);
    close(p.ratio, tr[i] / tr[0], 1e-5);
  });
  m.dispose();
});

test('trajectory: options are checked; no eligible user is a clear error', async () => {
  const m = lastItemModel(ROWS, 5);
  await assert.rejects(trajectory(m, split, { length: 6 }), /trajectory length must be at most the number of items \(5\) without repeats, got 6/);
  await assert.rejects(trajectory(m, split, { length: 5, minHistory: 2 }), /short enough that some user has length \+ minHistory \(5 \+ 2\) items and a test item/);
  await assert.rejects(trajectory(m, split, { length: 4, relevance: 'exact' as never }), /trajectory relevance must be one of prefix, future, position/);
  m.dispose();
});

test('trajectory with a time-biased model: step j is told the time of the j-th future event', async () => {
  // u0's whole sequence [4, 1, 2, 1, 3, 5] at times 0, 1, 2, 3 (train), 10 (valid), 30 (test);
  // u3's [3, 2, 4, 1, 5] at 11, 12, 13 (train: CSR rows 11..13), 20 (valid), 40 (test). taskSplit's train times are the CSR row index.
  const timed = { ...split, validTime: Float64Array.of(10, 11, NaN, 20), testTime: Float64Array.of(30, 31, NaN, 40) };
  const base = lastItemModel(ROWS, 5, 8);
  const { model, seen } = timeRecorder(base);
  const r = await trajectory(model, timed, { length: 4 });
  assert.equal(seen.length, 4);
  // Step 0: u0's history [4, 1] at 0, 1, target S_f[0] at 2 -> window [..., 0, 1, 2]; u3's [3] at 11, target at 12 -> [0 (padding), 0, 1].
  assert.deepEqual(seen[0].map((row) => row.slice(-3)), [[0, 1, 2], [0, 0, 1]]);
  // Step 3: u0's history + 3 generated items at 0, 1, 2, 3, 10 and target S_f[3] at 30; u3's at 11, 12, 13, 20, target 40
  // (relative to the window's first item; padding 0).
  assert.deepEqual(seen[3].map((row) => row.slice(-6)), [[0, 1, 2, 3, 10, 30], [0, 0, 1, 2, 9, 29]]);
  // The items generated are the same as without times (this model ignores them).
  const plain = await trajectory(base, split, { length: 4 });
  assert.deepEqual(r.positions, plain.positions);
  base.dispose();
});
