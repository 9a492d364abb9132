import { test } from 'node:test';
import assert from 'node:assert/strict';
import { rankOfTarget, ranksOfTargets, seenMask, topKItems } from '../../lib/eval/rank';
import { makeRng } from '../../lib/util/rng';
import { sortedItems } from './fixtures';

test('rankOfTarget: strictly greater scores, then equal scores with a smaller id, come first', () => {
  // items 1..4 score [0.1, 0.9, 0.9, 0.5]; order: 2 (0.9), 3 (0.9, larger id), 4 (0.5), 1 (0.1)
  const row = new Float32Array([0.1, 0.9, 0.9, 0.5]);
  assert.equal(rankOfTarget(row, 2), 0);
  assert.equal(rankOfTarget(row, 3), 1);
  assert.equal(rankOfTarget(row, 4), 2);
  assert.equal(rankOfTarget(row, 1), 3);
});

test('rankOfTarget: all scores equal gives rank = id - 1 (stable order)', () => {
  const row = new Float32Array(5).fill(0.25);
  for (let t = 1; t <= 5; t++) assert.equal(rankOfTarget(row, t), t - 1);
});

test('NaN sorts as -Infinity, ties with -Infinity broken by id', () => {
  // items 1..4 score [NaN, 0.5, -Inf, NaN]: order 2, then 1, 3, 4 (all "-Inf", by id)
  const row = new Float32Array([NaN, 0.5, -Infinity, NaN]);
  assert.equal(rankOfTarget(row, 2), 0);
  assert.equal(rankOfTarget(row, 1), 1);
  assert.equal(rankOfTarget(row, 3), 2);
  assert.equal(rankOfTarget(row, 4), 3);
  assert.deepEqual(Array.from(topKItems(row, 4)), [2, 1, 3, 4]);
  // a finite score always beats NaN, however negative
  assert.equal(rankOfTarget(new Float32Array([NaN, -1e30]), 2), 0);
});

test('masking: seen items score -Infinity, the target never is masked', () => {
  // scores [5, 4, 3, 2]; seen = {1, 2, 4}, target 4 -> mask {1, 2}; order: 3 (3), 4 (2), 1, 2 (-Inf by id)
  const row = new Float32Array([5, 4, 3, 2]);
  const mask = seenMask(4, [1, 2, 4, 1], 4);
  assert.deepEqual(Array.from(mask), [0, 1, 1, 0, 0]);
  assert.equal(rankOfTarget(row, 4), 3);
  assert.equal(rankOfTarget(row, 4, mask), 1);
  assert.deepEqual(Array.from(topKItems(row, 4, mask)), [3, 4, 1, 2]);
  assert.deepEqual(Array.from(topKItems(row, 2, mask)), [3, 4]);
  // padding 0 in the seen list is ignored
  assert.deepEqual(Array.from(seenMask(3, [0, 0, 2], 1)), [0, 0, 1, 0]);
});

test('topKItems: k larger than the item count returns every item, in order', () => {
  const row = new Float32Array([0.2, 0.7, 0.2]);
  assert.deepEqual(Array.from(topKItems(row, 50)), [2, 1, 3]);
  assert.deepEqual(Array.from(topKItems(row, 1)), [2]);
});

test('brute force: rank = position in a stable sort, top-k = its prefix, rank < k <=> in top-k', () => {
  const rng = makeRng(7);
  const numItems = 23;
  for (let trial = 0; trial < 200; trial++) {
    // Few distinct values so ties are frequent; some NaN and infinities.
    const row = Float32Array.from({ length: numItems }, () => {
      const x = rng.int(12);
      return x === 0 ? NaN : x === 1 ? -Infinity : x === 2 ? Infinity : x / 4;
    });
    const masked = new Set<number>();
    const target = 1 + rng.int(numItems);
    const useMask = trial % 2 === 1;
    if (useMask) for (let i = 0; i < 5; i++) masked.add(1 + rng.int(numItems));
    masked.delete(target);
    const mask = useMask ? seenMask(numItems, [...masked], target) : undefined;
    const order = sortedItems(row, masked);
    const rank = rankOfTarget(row, target, mask);
    assert.equal(rank, order.indexOf(target), `trial ${trial}`);
    for (const k of [1, 3, 10, 23, 40]) {
      const top = Array.from(topKItems(row, k, mask));
      assert.deepEqual(top, order.slice(0, k), `trial ${trial} k ${k}`);
      assert.equal(rank < k, top.includes(target));
    }
  }
});

test('ranksOfTargets ranks each row of a flat matrix', () => {
  // row 0 = [1, 2]: target 1 is behind item 2 -> 1; row 1 = [2, 1]: target 1 first -> 0
  assert.deepEqual(Array.from(ranksOfTargets(new Float32Array([1, 2, 2, 1]), 2, Int32Array.of(1, 1))), [1, 0]);
  assert.throws(() => ranksOfTargets(new Float32Array(3), 2, Int32Array.of(1, 1)), /scores length 3 != 2 rows x 2 items/);
});

test('errors name the problem', () => {
  const row = new Float32Array(3);
  assert.throws(() => rankOfTarget(row, 0), /target 0 is not a real item id in \[1, 3\]/);
  assert.throws(() => rankOfTarget(row, 4), /target 4 is not a real item id/);
  assert.throws(() => rankOfTarget(row, 1, new Uint8Array(3)), /mask length 3 must be numItems \+ 1 = 4/);
  assert.throws(() => topKItems(row, 0), /k must be a positive integer, got 0/);
  assert.throws(() => topKItems(row, 1.5), /k must be a positive integer, got 1.5/);
  assert.throws(() => seenMask(3, [4], 1), /item 4 is outside \[0, 3\]/);
});
