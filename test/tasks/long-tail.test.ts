import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { groupOfItems, itemPopularity, longTail, popularityOrder } from '../../lib/tasks/long-tail';
import { close, lastItemModel, taskSplit } from './fixtures';

before(async () => {
  await tf.setBackend('cpu');
});

// I = 8 items with raw ids '40', '10', '30', '20', '80', '60', '70', '50' (dense ids 1..8).
// Train parts (the test history adds the valid item last):
//   u0 [1, 2]        valid 5  test 2
//   u1 [1, 3, 4]     valid 6  test 3
//   u2 [1, 2, 3, 4]  valid 7  test 6
//   u3 [5, 6]        valid 7  test 8
//   u4 []            no targets
//   u5 []            valid 5  test 1
// Popularity (train parts only): 1 -> 3; 2, 3, 4 -> 2; 5, 6 -> 1; 7, 8 -> 0.
// Order, ties by raw id (numeric): 1 | 2 ('10'), 4 ('20'), 3 ('30') | 6 ('60'), 5 ('80') | 8 ('50'), 7 ('70')
//   = [1, 2, 4, 3, 6, 5, 8, 7]; 4 groups of 2: G1 {1, 2}, G2 {4, 3}, G3 {6, 5}, G4 {8, 7}.
const IDS = ['', '40', '10', '30', '20', '80', '60', '70', '50'];
const split = taskSplit([[1, 2], [1, 3, 4], [1, 2, 3, 4], [5, 6], [], []], [5, 6, 7, 7, 0, 5], [2, 3, 6, 8, 0, 1], 8, { itemIds: IDS });

// Scores by the last history item (the valid item):
//   last 5 (u0, u5): item 2 -> 9, 3 -> 8, 4 -> 7, 1 -> 5: order 2, 3, 4, 1, ... -> u0 target 2 rank 0, u5 target 1 rank 3
//   last 6 (u1): all 0, order by id -> target 3 rank 2
//   last 7 (u2, u3): 8 -> 3, 6 -> 2: order 8, 6, 1, ... -> u2 target 6 rank 1, u3 target 8 rank 0
const model = (): ReturnType<typeof lastItemModel> => lastItemModel({
  5: [0, 5, 9, 8, 7, 0, 0, 0, 0],
  7: [0, 0, 0, 0, 0, 0, 2, 0, 3],
}, 8);

test('itemPopularity counts the train parts only', () => {
  assert.deepEqual(Array.from(itemPopularity(split)), [0, 3, 2, 2, 2, 1, 1, 0, 0]);
});

test('popularityOrder: ties by raw id, numeric when every id is a number, else string order; or by dense id', () => {
  const pop = itemPopularity(split);
  assert.deepEqual(Array.from(popularityOrder(pop, IDS, 'raw-id')), [1, 2, 4, 3, 6, 5, 8, 7]);
  assert.deepEqual(Array.from(popularityOrder(pop, IDS, 'dense-id')), [1, 2, 3, 4, 5, 6, 7, 8]);
  // Numeric: 9 < 10 < 100 (string order would put '10' < '100' < '9').
  assert.deepEqual(Array.from(popularityOrder(Int32Array.of(0, 1, 1, 1), ['', '10', '9', '100'], 'raw-id')), [2, 1, 3]);
  // One non-numeric id -> string order: 'a10' < 'a9' < 'b'.
  assert.deepEqual(Array.from(popularityOrder(Int32Array.of(0, 1, 1, 1), ['', 'b', 'a10', 'a9'], 'raw-id')), [2, 3, 1]);
  // Popularity first: item 3 (5) before items 1 and 2 (tied at 2: numeric ids, 9 < 10, so item 2 first).
  assert.deepEqual(Array.from(popularityOrder(Int32Array.of(0, 2, 2, 5), ['', '10', '9', '100'], 'raw-id')), [3, 2, 1]);
});

test('groupOfItems: group g takes ranks [floor(g I / G), floor((g+1) I / G))', () => {
  const order = Int32Array.of(1, 2, 4, 3, 6, 5, 8, 7);
  // G = 3, I = 8: ranks [0, 2), [2, 5), [5, 8) -> {1, 2}, {4, 3, 6}, {5, 8, 7}
  assert.deepEqual(Array.from(groupOfItems(order, 3)), [-1, 0, 0, 1, 1, 2, 1, 2, 2]);
  // With dense-id ties the order is 1..8: {1, 2}, {3, 4, 5}, {6, 7, 8}: items 5 and 6 change groups.
  assert.deepEqual(Array.from(groupOfItems(Int32Array.of(1, 2, 3, 4, 5, 6, 7, 8), 3)), [-1, 0, 0, 1, 1, 1, 2, 2, 2]);
  // G = 5: boundaries 0, 1, 3, 4, 6, 8 -> sizes 1, 2, 1, 2, 2
  assert.deepEqual(Array.from(groupOfItems(order, 5)), [-1, 0, 1, 2, 1, 3, 3, 4, 4]);
  assert.throws(() => groupOfItems(order, 9), /long-tail numGroups must be an integer in \[1, 8\]/);
  assert.throws(() => groupOfItems(order, 0), /numGroups must be an integer in \[1, 8\] \(the number of items\), got 0/);
});

test('longTail: users, popularity range and HR / NDCG per group, worked by hand', async () => {
  const m = model();
  const r = await longTail(m, split, { ks: [1, 3] });
  // Ranks: u0 0, u1 2, u2 1, u3 0, u5 3. Groups of the test items: u0 (2) G1, u5 (1) G1, u1 (3) G2, u2 (6) G3, u3 (8) G4.
  assert.equal(r.users, 5);
  assert.deepEqual(r.groups.map((g) => [g.group, g.items, g.users, g.minPopularity, g.maxPopularity]),
    [['G1', 2, 2, 2, 3], ['G2', 2, 1, 2, 2], ['G3', 2, 1, 1, 1], ['G4', 2, 1, 0, 0]]);
  // G1 ranks {0, 3}: HR@1 = 1/2, HR@3 = 1/2, NDCG@3 = (1 + 0) / 2
  assert.deepEqual(r.groups[0].metrics, { 'HR@1': 0.5, 'HR@3': 0.5, 'NDCG@1': 0.5, 'NDCG@3': 0.5 });
  // G2 rank {2}: NDCG@3 = 1 / log2(4) = 0.5
  assert.deepEqual(r.groups[1].metrics, { 'HR@1': 0, 'HR@3': 1, 'NDCG@1': 0, 'NDCG@3': 0.5 });
  // G3 rank {1}: NDCG@3 = 1 / log2(3)
  close(r.groups[2].metrics['NDCG@3'], 0.6309298);
  assert.equal(r.groups[2].metrics['HR@1'], 0);
  // G4 rank {0}
  assert.deepEqual(r.groups[3].metrics, { 'HR@1': 1, 'HR@3': 1, 'NDCG@1': 1, 'NDCG@3': 1 });
  assert.deepEqual(Array.from(r.popularityCurve), [3, 2, 2, 2, 1, 1, 0, 0]);
  m.dispose();
});

test('longTail: a group without test users reports null metrics; the default is HR@10 / NDCG@10', async () => {
  const m = model();
  // 8 groups of one item each: items 1, 2, 3, 6, 8 hold test items; 4 (G3), 5 (G6), 7 (G8) none.
  const r = await longTail(m, split, { numGroups: 8 });
  assert.deepEqual(r.groups.map((g) => g.users), [1, 1, 0, 1, 1, 0, 1, 0]);
  assert.deepEqual(r.groups[2].metrics, { 'HR@10': null, 'NDCG@10': null });
  assert.deepEqual(r.groups[0].metrics['HR@10'], 1); // u5, rank 3 < 10
  await assert.rejects(longTail(m, split, { ks: [] }), /long-tail ks must be a non-empty list/);
  m.dispose();
});
