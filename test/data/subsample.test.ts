import { test } from 'node:test';
import assert from 'node:assert/strict';
import { subsampleInteractions, sampleSortedIndices } from '../../lib/data/subsample';
import { makeRng } from '../../lib/util/rng';
import type { Interactions } from '../../lib/data/types';

function log(n: number): Interactions {
  return {
    user: Int32Array.from({ length: n }, (_, r) => r % 7),
    item: Int32Array.from({ length: n }, (_, r) => 1 + (r % 11)),
    time: Float64Array.from({ length: n }, (_, r) => r),
    numUsers: 7,
    numItems: 11,
    vocab: { userIds: [], itemIds: [] },
  };
}

test('subsampleInteractions takes exactly round(fraction * n) rows, in file order, ids unchanged', () => {
  const x = log(1000);
  for (const [f, m] of [[0.1, 100], [0.5, 500], [0.0125, 13], [1, 1000], [0, 0]] as const) {
    const y = subsampleInteractions(x, f, 1);
    assert.equal(y.user.length, m, `fraction ${f}`);
    // time = row index, so increasing times prove the rows are distinct and in file order
    for (let j = 1; j < y.time.length; j++) assert.ok(y.time[j] > y.time[j - 1]);
    // each sampled row carries its own user/item
    y.time.forEach((r, j) => {
      assert.equal(y.user[j], r % 7);
      assert.equal(y.item[j], 1 + (r % 11));
    });
    assert.equal(y.numUsers, 7);
    assert.equal(y.numItems, 11);
    assert.equal(y.vocab, x.vocab);
  }
});

test('subsampleInteractions is deterministic per seed and differs across seeds', () => {
  const x = log(500);
  const a = subsampleInteractions(x, 0.3, 11);
  const b = subsampleInteractions(x, 0.3, 11);
  const c = subsampleInteractions(x, 0.3, 12);
  assert.deepEqual([...a.time], [...b.time]);
  assert.notDeepEqual([...a.time], [...c.time]);
});

test('subsampleInteractions checks the fraction', () => {
  assert.throws(() => subsampleInteractions(log(3), 1.5, 0), /fraction must be in \[0, 1\], got 1.5/);
  assert.throws(() => subsampleInteractions(log(3), NaN, 0), /fraction must be in \[0, 1\], got NaN/);
  assert.throws(() => sampleSortedIndices(3, 4, makeRng(0)), /m must be an integer in \[0, 3\], got 4/);
});

test('sampleSortedIndices is uniform over subsets (chi-square over all 3-of-10 subsets)', () => {
  const rng = makeRng(5);
  const trials = 24000;
  const counts = new Map<string, number>();
  const perIndex = new Array(10).fill(0);
  for (let t = 0; t < trials; t++) {
    const s = sampleSortedIndices(10, 3, rng);
    assert.equal(s.length, 3);
    assert.ok(s[0] < s[1] && s[1] < s[2]);
    s.forEach((i) => perIndex[i]++);
    const key = s.join(',');
    counts.set(key, (counts.get(key) ?? 0) + 1);
  }
  // C(10,3) = 120 subsets, each expected 200 times; chi-square with 119 dof has mean 119,
  // sd ~15.4; 99.99% quantile ~ 185.
  assert.equal(counts.size, 120);
  let chi2 = 0;
  for (const c of counts.values()) chi2 += (c - 200) ** 2 / 200;
  assert.ok(chi2 < 185, `chi2 ${chi2}`);
  // each index selected with probability 3/10: 7200 expected, sd sqrt(24000*.3*.7) = 71
  perIndex.forEach((c) => assert.ok(Math.abs(c - 7200) < 5 * 71, `index count ${c}`));
});
