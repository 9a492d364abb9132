import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { holdOutUsers } from '../../lib/data/holdout';
import { splitLeaveOneOut } from '../../lib/data/split';
import { checkTrainedWithout, coldStart, coldStartCases, holdOutSpecOf } from '../../lib/tasks/cold-start';
import { trainedItems } from '../../lib/tasks/common';
import { close, seqsOf, timeRecorder, voteModel } from './fixtures';

before(async () => {
  await tf.setBackend('cpu');
});

// Seven users, I = 7, whole sequences (the test item is the last):
//   u0 [1, 2, 3, 4, 5]   u1 [2, 3, 6]   u2 [4, 4, 1]   u3 [6, 5]
//   u4 [3, 1, 2, 5, 4]   u5 [6, 6, 2, 7]   u6 [6, 6, 6]
const full = seqsOf([[1, 2, 3, 4, 5], [2, 3, 6], [4, 4, 1], [6, 5], [3, 1, 2, 5, 4], [6, 6, 2, 7], [6, 6, 6]], 7);
// The seed that holds out users 0, 1, 3, 5 (4 of 7, so fraction 4/7), found through holdOutUsers itself.
const FRACTION = 4 / 7;
const SEED = (() => {
  for (let s = 0; s < 10_000; s++) if (holdOutUsers(full, FRACTION, s).users.join() === '0,1,3,5') return s;
  throw new Error('no seed holds out 0, 1, 3, 5');
})();
// The model's training split: kept users 2, 4, 6 only. Trained items (train parts and valid targets):
//   u2 train [4] valid 4; u4 train [3, 1, 2] valid 5; u6 train [6] valid 6 -> {1, 2, 3, 4, 5, 6}; 7 is unseen.
const train = splitLeaveOneOut(holdOutUsers(full, FRACTION, SEED).kept);
// Each input item i votes for VOTES[i]: 1 -> 5, 2 -> 6, 3 -> 1, 4 -> 4, 5 -> 2, 6 -> 3, 7 -> 7; score = votes, ties by id.
const VOTES = [0, 5, 6, 1, 4, 2, 3, 7];

test('coldStartCases: the items before the last as history; too short and unseen targets are skipped', () => {
  const c = coldStartCases(full, Int32Array.of(0, 1, 3, 5), trainedItems(train), 3);
  assert.deepEqual(Array.from(c.users), [0, 1]);
  assert.deepEqual(c.histories.map((h) => Array.from(h)), [[1, 2, 3, 4], [2, 3]]);
  assert.deepEqual(Array.from(c.targets), [5, 6]);
  assert.deepEqual(c.skipped, { tooShort: 1, unseenTarget: 1 }); // u3 has 2 items; u5's test item 7 is in no training data
  // minItems 2 lets u3 in: history [6], target 5.
  assert.deepEqual(Array.from(coldStartCases(full, Int32Array.of(3), trainedItems(train), 2).targets), [5]);
});

test('coldStart: NDCG, HR and Coverage per input length, worked by hand', async () => {
  const model = voteModel(VOTES, 7);
  const r = await coldStart(model, full, train, { holdOut: { fraction: FRACTION, seed: SEED }, lengths: [1, 2, 3, 5], ks: [2, 5], coverageK: 3 });
  // u0 (target 5, history [1, 2, 3, 4]):
  //   k=1 [4]          votes 4          -> order 4, 1, 2, 3, 5, ...  rank 4
  //   k=2 [3, 4]       votes 1, 4       -> order 1, 4, 2, 3, 5, ...  rank 4
  //   k=3 [2, 3, 4]    votes 6, 1, 4    -> order 1, 4, 6, 2, 3, 5    rank 5
  //   k=5 [1, 2, 3, 4] votes 5, 6, 1, 4 -> order 1, 4, 5, 6, 2, 3    rank 2 (short: 4 items)
  // u1 (target 6, history [2, 3]):
  //   k=1 [3] votes 1 -> order 1, 2, 3, 4, 5, 6: rank 5;  k>=2 [2, 3] votes 6, 1 -> order 1, 6, ...: rank 1 (short at k=3, 5)
  assert.deepEqual([r.heldOutUsers, r.evaluatedUsers], [4, 2]);
  assert.deepEqual(r.skipped, { tooShort: 1, unseenTarget: 1 });
  assert.deepEqual(r.holdOut, { fraction: FRACTION, seed: SEED });
  assert.deepEqual(r.lengths.map((l) => [l.length, l.users, l.shortUsers, l.meanInputLength]), [[1, 2, 0, 1], [2, 2, 0, 2], [3, 2, 1, 2.5], [5, 2, 2, 3]]);
  const g = (rank: number): number => (rank < 5 ? 1 / Math.log2(rank + 2) : 0);
  const ndcg5 = [(g(4) + g(5)) / 2, (g(4) + g(1)) / 2, (g(5) + g(1)) / 2, (g(2) + g(1)) / 2]; // 0.193426, 0.508891, 0.315465, 0.565465
  r.lengths.forEach((l, i) => close(l.metrics['NDCG@5'], ndcg5[i]));
  close(r.lengths[1].metrics['NDCG@5'], 0.508891);
  assert.deepEqual(r.lengths.map((l) => l.metrics['HR@5']), [0.5, 1, 0.5, 1]);
  assert.deepEqual(r.lengths.map((l) => l.metrics['HR@2']), [0, 0.5, 0.5, 0.5]);
  // Coverage@3 (top-3 lists): k=1 {4, 1, 2} u {1, 2, 3}; k=2 {1, 4, 2} u {1, 6, 2}; k=3 {1, 4, 6} u {1, 6, 2}; k=5 {1, 4, 5} u {1, 6, 2}
  assert.deepEqual(r.lengths.map((l) => l.metrics['Coverage@3']), [4 / 7, 4 / 7, 4 / 7, 5 / 7]);
  model.dispose();
});

test('coldStart refuses a model trained on the held-out users, naming the fix', async () => {
  const model = voteModel(VOTES, 7);
  const everyone = splitLeaveOneOut(full);
  const spec = { fraction: FRACTION, seed: SEED };
  assert.throws(() => checkTrainedWithout(everyone, full, Int32Array.of(0, 1, 3, 5), spec),
    /the run was trained on 4 of the 4 users that cold-start holds out .*Fix: train the run with data\.holdOutUsers/);
  await assert.rejects(coldStart(model, full, everyone, { holdOut: spec }), /trained on 4 of the 4 users/);
  // A split that dropped users instead of emptying them cannot be matched to the data.
  const fewer = splitLeaveOneOut(seqsOf([[1, 2, 3]], 7));
  assert.throws(() => checkTrainedWithout(fewer, full, Int32Array.of(0), spec), /the run's split has 1 users and 7 items, its data after the k-core 7 and 7/);
  model.dispose();
});

test('holdOutSpecOf reads data.holdOutUsers and refuses a malformed one', () => {
  assert.equal(holdOutSpecOf({ source: 'synthetic:smoke', core: 0 }), undefined);
  const data = { source: 'synthetic:smoke', core: 0, holdOutUsers: { fraction: 0.2, seed: 3 } };
  assert.deepEqual(holdOutSpecOf(data), { fraction: 0.2, seed: 3 });
  assert.throws(() => holdOutSpecOf({ ...data, holdOutUsers: { fraction: 1.5, seed: 3 } }), /data\.holdOutUsers is \{"fraction":1\.5,"seed":3\}; it must be/);
  assert.throws(() => holdOutSpecOf({ ...data, holdOutUsers: { fraction: 0.2 } as { fraction: number; seed: number } }), /it must be \{ "fraction": a number in \(0, 1\), "seed": an integer \}/);
});

test('coldStart gives a time-biased model each input item\'s and the target\'s own time', async () => {
  // The same data with times j² (j = the row's index in the CSR arrays): u0 0, 1, 4, 9, 16; u1 25, 36, 49.
  const timed = { ...full, times: Float64Array.from(full.items, (_, j) => j * j) };
  const timedTrain = splitLeaveOneOut(holdOutUsers(timed, FRACTION, SEED).kept);
  const base = voteModel(VOTES, 7);
  const { model, seen, plain: m2, calls: plain } = timeRecorder(base);
  await coldStart(model, timed, timedTrain, { holdOut: { fraction: FRACTION, seed: SEED }, lengths: [1, 2], ks: [5], coverageK: 3 });
  // Rows: [window times..., target time], relative to the window's first item. Length 1: u0 input [4] at 9,
  // target 5 at 16; u1 input [3] at 36, target at 49. Length 2: u0 [3, 4] at 4, 9; u1 [2, 3] at 25, 36.
  const tail = (row: number[], n: number) => row.slice(row.length - n);
  assert.deepEqual(seen[0].map((row) => tail(row, 2)), [[0, 7], [0, 13]]);
  assert.deepEqual(seen[1].map((row) => tail(row, 3)), [[0, 5, 12], [0, 11, 24]]);
  // The same model without usesTime runs on positions alone.
  await coldStart(m2, timed, timedTrain, { holdOut: { fraction: FRACTION, seed: SEED }, lengths: [1], ks: [5], coverageK: 3 });
  assert.deepEqual(plain, [0]);
  base.dispose();
});
