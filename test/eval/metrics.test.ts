import { test } from 'node:test';
import assert from 'node:assert/strict';
import { coverage, hitRate, mrr, ndcg } from '../../lib/eval/metrics';
import { rankOfTarget, seenMask, topKItems } from '../../lib/eval/rank';
import { makeRng } from '../../lib/util/rng';
import { sortedItems } from './fixtures';

const close = (a: number, b: number, tol = 1e-5): void => assert.ok(Math.abs(a - b) < tol, `${a} != ${b}`);

test('hitRate, ndcg, mrr on hand-worked ranks', () => {
  const ranks = Int32Array.of(0, 1, 4, 9, 50);
  // HR@5: ranks 0, 1, 4 are < 5 -> 3/5
  assert.equal(hitRate(ranks, 5), 0.6);
  assert.equal(hitRate(ranks, 10), 0.8);
  // NDCG@5 = (1/log2(2) + 1/log2(3) + 1/log2(6)) / 5 = (1 + 0.630930 + 0.386853) / 5 = 0.403556
  close(ndcg(ranks, 5), 0.403556);
  // NDCG@10 adds 1/log2(11) = 0.289065 -> 2.306848 / 5 = 0.461370
  close(ndcg(ranks, 10), 0.461370);
  // MRR = (1 + 1/2 + 1/5 + 1/10 + 1/51) / 5 = 1.819608 / 5 = 0.363922; MRR@5 = 1.7 / 5 = 0.34
  close(mrr(ranks), 0.363922);
  close(mrr(ranks, 5), 0.34);
});

test('k larger than every rank (and than the item count) counts every user', () => {
  const ranks = [0, 1, 4, 9, 50];
  assert.equal(hitRate(ranks, 1000), 1);
  // NDCG@1000 adds 1/log2(52) = 0.175425 to the @10 sum: 2.482273 / 5 = 0.496455
  close(ndcg(ranks, 1000), 0.496455);
});

test('NDCG@1 equals HR@1; a single rank-0 user scores 1 everywhere', () => {
  const ranks = [0, 2, 0, 5];
  assert.equal(ndcg(ranks, 1), hitRate(ranks, 1));
  assert.equal(ndcg([0], 10), 1);
  assert.equal(hitRate([0], 1), 1);
});

// Hand-made score matrix, 4 users x 4 items (row j = item j + 1):
//   u0 [0.3, 0.9, 0.9, 0.1] target 3: item 2 ties with 3 and has the smaller id -> rank 1
//   u1 [NaN, 0.2, 0.2, 0.2] target 1: NaN is -Inf, items 2, 3, 4 ahead          -> rank 3
//   u2 [0, 0, 0, 0]         target 4: empty history (padding state), all tie    -> rank 3
//   u3 [0.8, 0.7, 0.6, 0.5] target 4, seen {1, 2}: rank 3; with masking only 3 ahead -> 1
const SCORES = [
  [0.3, 0.9, 0.9, 0.1],
  [NaN, 0.2, 0.2, 0.2],
  [0, 0, 0, 0],
  [0.8, 0.7, 0.6, 0.5],
].map((r) => Float32Array.from(r));
const TARGETS = [3, 1, 4, 4];
const SEEN = [[], [], [], [1, 2, 1]];

function pipeline(mask: boolean): { ranks: number[]; lists: Int32Array[] } {
  const masks = SCORES.map((_, u) => (mask ? seenMask(4, SEEN[u], TARGETS[u]) : undefined));
  return {
    ranks: SCORES.map((row, u) => rankOfTarget(row, TARGETS[u], masks[u])),
    lists: SCORES.map((row, u) => topKItems(row, 10, masks[u])),
  };
}

test('hand-made score matrix: ranks with ties, NaN, an all-padding user, masking', () => {
  const plain = pipeline(false);
  assert.deepEqual(plain.ranks, [1, 3, 3, 3]);
  assert.equal(hitRate(plain.ranks, 1), 0);
  assert.equal(hitRate(plain.ranks, 2), 0.25);
  assert.equal(hitRate(plain.ranks, 5), 1); // k = 5 > 4 items
  // NDCG@2 = (1/log2(3)) / 4 = 0.157732; NDCG@5 = (0.630930 + 3 / log2(5)) / 4 = (0.630930 + 1.292030) / 4 = 0.480740
  close(ndcg(plain.ranks, 2), 0.157732);
  close(ndcg(plain.ranks, 5), 0.480740);
  // top-2 lists: u0 [2, 3], u1 [2, 3], u2 [1, 2], u3 [1, 2] -> {1, 2, 3} / 4 = 0.75
  assert.equal(coverage(plain.lists, 2, 4), 0.75);
  assert.equal(coverage(plain.lists, 10, 4), 1); // k > item count: every list is whole

  const masked = pipeline(true);
  assert.deepEqual(masked.ranks, [1, 3, 3, 1]);
  close(ndcg(masked.ranks, 2), 0.315465); // 2 x 0.630930 / 4
  // u3's masked top-2 is [3, 4]: {1, 2, 3, 4} -> 1
  assert.equal(coverage(masked.lists, 2, 4), 1);
});

test('brute force: metrics from ranks equal metrics from sorted lists', () => {
  const rng = makeRng(11);
  const numItems = 17;
  const rows = Array.from({ length: 40 }, () => Float32Array.from({ length: numItems }, () => (rng.int(9) === 0 ? NaN : rng.int(6))));
  const targets = rows.map(() => 1 + rng.int(numItems));
  const ranks = rows.map((row, u) => rankOfTarget(row, targets[u]));
  for (const k of [1, 5, 10, 17, 50]) {
    let hits = 0;
    let gain = 0;
    const seen = new Set<number>();
    rows.forEach((row, u) => {
      const top = sortedItems(row).slice(0, k);
      const pos = top.indexOf(targets[u]);
      if (pos >= 0) { hits++; gain += Math.log(2) / Math.log(pos + 2); }
      top.forEach((i) => seen.add(i));
    });
    close(hitRate(ranks, k), hits / rows.length, 1e-12);
    close(ndcg(ranks, k), gain / rows.length, 1e-12);
    close(coverage(rows.map((r) => topKItems(r, k)), k, numItems), seen.size / numItems, 1e-12);
  }
});

test('coverage: denominator is the real item count (padding excluded); lists count only their first k', () => {
  // {1, 2, 4} of 5 items
  assert.equal(coverage([[1, 2, 3], [2, 4, 1]], 2, 5), 0.6);
  // shorter list than k counts whole
  assert.equal(coverage([Int32Array.of(3)], 10, 4), 0.25);
});

test('errors name the problem', () => {
  assert.throws(() => hitRate([], 5), /hitRate: no ranks \(empty input\)/);
  assert.throws(() => ndcg(new Int32Array(0), 5), /ndcg: no ranks \(empty input\)/);
  assert.throws(() => mrr([]), /mrr: no ranks \(empty input\)/);
  assert.throws(() => hitRate([1], 0), /hitRate: k must be a positive integer, got 0/);
  assert.throws(() => ndcg([1], 2.5), /ndcg: k must be a positive integer, got 2.5/);
  assert.throws(() => mrr([1], -1), /mrr: k must be a positive integer, got -1/);
  assert.throws(() => coverage([], 5, 3), /coverage: no top-k lists \(empty input\)/);
  assert.throws(() => coverage([[1]], 5, 0), /coverage: numItems must be a positive integer, got 0/);
  assert.throws(() => coverage([[0, 1]], 5, 3), /coverage: item 0 is outside \[1, 3\]/);
  assert.throws(() => coverage([[4]], 5, 3), /coverage: item 4 is outside \[1, 3\]/);
});
