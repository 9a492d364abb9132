import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { crossDomain, domainClass } from '../../lib/tasks/cross-domain';
import { close, lastItemModel, taskSplit } from './fixtures';

before(async () => {
  await tf.setBackend('cpu');
});

// I = 6. Domains: items 1, 2 -> d0; 3, 4 -> d1; 5 -> d2; 6 -> none (-1).
const DOMAINS = [-1, 0, 0, 1, 1, 2, -1];
// Test histories (train + valid) and test items; the model's window is its maxLen, 2:
//   u0 [1, 3, 4] -> 2 (d0): window [3, 4] is all d1 -> diff-domain (window 3 would see item 1: mix)
//   u1 [3, 1]    -> 2 (d0): item 1 shares d0, item 3 does not -> mix-domain
//   u2 [2, 1]    -> 1 (d0): every input item in d0 -> mix-domain (strict: same-domain)
//   u3 [1, 2, 3] -> 6: no domain -> unclassified
//   u4 [5, 6, 6] -> 5 (d2): window [6, 6] has no domain -> diff-domain (window 3 sees item 5: mix)
const split = taskSplit([[1, 3], [3], [2], [1, 2], [5, 6]], [4, 1, 1, 3, 6], [2, 2, 1, 6, 5], 6, { itemDomain: DOMAINS });
// Scores by the last item: after 4: item 2 -> 5 (u0 rank 0); after 1: 1 -> 3, 3 -> 2, 2 -> 1:
// order 1, 3, 2, ... (u1 target 2 rank 2, u2 target 1 rank 0); after 6: all 0 (u4 target 5 rank 4).
const model = (): ReturnType<typeof lastItemModel> => lastItemModel({ 4: [0, 0, 5, 0, 0, 0, 0], 1: [0, 3, 1, 2, 0, 0, 0] }, 6, 2);

test('domainClass: some shared domain -> mix, none -> diff, all shared -> same when strict, target without domain -> undefined', () => {
  const d = Int32Array.from(DOMAINS);
  assert.equal(domainClass([3, 1], 2, d, false), 'mix-domain');
  assert.equal(domainClass([3, 4], 2, d, false), 'diff-domain');
  assert.equal(domainClass([2, 1], 1, d, false), 'mix-domain');
  assert.equal(domainClass([2, 1], 1, d, true), 'same-domain');
  assert.equal(domainClass([3, 1], 2, d, true), 'mix-domain');
  assert.equal(domainClass([6, 6], 5, d, false), 'diff-domain'); // no domain matches nothing
  assert.equal(domainClass([6, 1], 6, d, false), undefined);
});

test('crossDomain: users and metrics per class, worked by hand', async () => {
  const m = model();
  const r = await crossDomain(m, split, { ks: [1, 3] });
  assert.equal(r.window, 2);
  assert.equal(r.unclassified, 1);
  assert.deepEqual(r.classes.map((c) => [c.class, c.users]), [['mix-domain', 2], ['diff-domain', 2]]);
  // mix: u1 rank 2, u2 rank 0 -> HR@1 1/2, HR@3 1, NDCG@3 (1/log2(4) + 1) / 2 = 0.75
  assert.deepEqual(r.classes[0].metrics, { 'HR@1': 0.5, 'HR@3': 1, 'NDCG@1': 0.5, 'NDCG@3': 0.75 });
  // diff: u0 rank 0, u4 rank 4 -> HR@1 1/2, HR@3 1/2, NDCG@3 1/2
  assert.deepEqual(r.classes[1].metrics, { 'HR@1': 0.5, 'HR@3': 0.5, 'NDCG@1': 0.5, 'NDCG@3': 0.5 });
  m.dispose();
});

test('crossDomain: strict splits off same-domain users; a window of 3 moves u0 and u4 to mix', async () => {
  const m = model();
  const strict = await crossDomain(m, split, { ks: [1], strict: true });
  assert.deepEqual(strict.classes.map((c) => [c.class, c.users, c.metrics['HR@1']]), [['mix-domain', 1, 0], ['same-domain', 1, 1], ['diff-domain', 2, 0.5]]);
  const wide = await crossDomain(m, split, { ks: [3], window: 3 });
  // u0's window [1, 3, 4] holds item 1 (d0), u4's [5, 6, 6] holds item 5 (d2): every user is mix.
  // mix {u0 rank 0, u1 rank 2, u2 rank 0, u4 rank 4}: NDCG@3 (1 + 0.5 + 1 + 0) / 4; diff: no users, null
  assert.deepEqual(wide.classes.map((c) => [c.class, c.users]), [['mix-domain', 4], ['diff-domain', 0]]);
  close(wide.classes[0].metrics['NDCG@3'], 0.625);
  assert.equal(wide.classes[1].metrics['NDCG@3'], null);
  m.dispose();
});

test('crossDomain: data without item domains is refused with the fix', async () => {
  const m = model();
  const plain = taskSplit([[1, 3]], [4], [2], 6);
  await assert.rejects(crossDomain(m, plain), /cross-domain needs item domains, and this data has none .*Fix: use data whose loader reads them/);
  await assert.rejects(crossDomain(m, split, { window: 0 }), /cross-domain window must be a positive integer, got 0/);
  m.dispose();
});
