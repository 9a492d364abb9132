import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { evaluateInputs, inputSplit } from '../../lib/eval/custom-inputs';
import { close, lastItemModel } from '../tasks/fixtures';

before(async () => {
  await tf.setBackend('cpu');
});

// I = 4. Scores after an input ending in item i (index 0 unused):
//   empty input: [_, 0, 0, 1, 0] -> order 3, 1, 2, 4
//   last 1:      [_, 0, 2, 1, 3] -> order 4, 2, 3, 1
//   last 2:      [_, 5, 0, 0, 0] -> order 1, 2, 3, 4
const ROWS = { 0: [0, 0, 0, 1, 0], 1: [0, 0, 2, 1, 3], 2: [0, 5, 0, 0, 0] };

test('inputSplit: one row per input, the input as its train part, the target as its test item', () => {
  const s = inputSplit([[3, 2], [], [4]], [1, 2, 3], 4);
  assert.deepEqual(Array.from(s.train.offsets), [0, 2, 2, 3]);
  assert.deepEqual(Array.from(s.train.items), [3, 2, 4]);
  assert.deepEqual(Array.from(s.valid), [0, 0, 0]);
  assert.deepEqual(Array.from(s.test), [1, 2, 3]);
  assert.equal(s.numUsers, 3);
  assert.equal(s.numItems, 4);
});

test('evaluateInputs: ranks from the last item of each input, empty inputs score from padding', async () => {
  const model = lastItemModel(ROWS, 4, 3);
  // row 0: [3, 1] ends in 1 -> order 4, 2, 3, 1: target 2 at rank 1
  // row 1: [] -> order 3, 1, 2, 4: target 4 at rank 3
  // row 2: [1, 1, 4, 2] ends in 2 (maxLen 3 keeps [1, 4, 2]) -> order 1, 2, 3, 4: target 1 at rank 0
  const r = await evaluateInputs(model, 4, [[3, 1], [], [1, 1, 4, 2]], [2, 4, 1], { ks: [1, 2], coverageKs: [2], topk: 2 });
  assert.deepEqual(Array.from(r.users), [0, 1, 2]);
  assert.deepEqual(Array.from(r.ranks), [1, 3, 0]);
  assert.deepEqual(Array.from(r.topk!), [4, 2, 3, 1, 1, 2]);
  close(r.metrics['HR@2'], 2 / 3);
  close(r.metrics['NDCG@2'], (1 / Math.log2(3) + 1) / 3);
  // Coverage@2: {4, 2} u {3, 1} u {1, 2} = all 4 items
  close(r.metrics['Coverage@2'], 1);
  model.dispose();
});

test('evaluateInputs: maskSeen masks the items of the input itself', async () => {
  const model = lastItemModel(ROWS, 4);
  // [4, 1]: order 4, 2, 3, 1; masking 4 and 1 -> 2, 3, then 1, 4: target 3 at rank 1 (rank 2 unmasked)
  const plain = await evaluateInputs(model, 4, [[4, 1]], [3], { ks: [1], coverageKs: [] });
  const masked = await evaluateInputs(model, 4, [[4, 1]], [3], { ks: [1], coverageKs: [], maskSeen: true });
  assert.equal(plain.ranks[0], 2);
  assert.equal(masked.ranks[0], 1);
  model.dispose();
});

test('evaluateInputs: bad inputs name the row', async () => {
  const model = lastItemModel(ROWS, 4);
  await assert.rejects(evaluateInputs(model, 4, [[1], [5]], [1, 1]), /item 0 of input 1 is 5, not an item id in \[1, 4\]/);
  await assert.rejects(evaluateInputs(model, 4, [[1]], [0]), /the target of input 0 is 0/);
  await assert.rejects(evaluateInputs(model, 4, [[1]], [1, 2]), /1 inputs but 2 targets/);
  await assert.rejects(evaluateInputs(model, 4, [], []), /no users/);
  model.dispose();
});
