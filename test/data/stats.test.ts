import { test } from 'node:test';
import assert from 'node:assert/strict';
import { datasetStats, giniCoefficient, formatStats, PAPER_TABLE_2 } from '../../lib/data/stats';
import { toSequences } from '../../lib/data/sequences';
import { splitLeaveOneOut } from '../../lib/data/split';
import type { Interactions } from '../../lib/data/types';
import { makeRng } from '../../lib/util/rng';

// u0 [1,2,3,4]  u1 [1,2]  u2 [1,5,2]  u3 (none); item 6 never used.
// users 3, items 5, interactions 9, lengths 4,2,3 -> min 2, median 3, mean 3, max 4,
// density 9 / (3 * 5) = 0.6.
// Leave-one-out: u0 test 4 is seen nowhere else -> dropped; u1 has 2 -> no target;
// u2 test 2 is in u0's train -> kept. testUsers = 1.
// Item counts 3,3,1,1,1 -> sorted [1,1,1,3,3], n 5, sum 9,
// Gini = sum (2i - 6) x_i / (5 * 9) = (-4 - 2 + 0 + 6 + 12) / 45 = 12 / 45.
// Domains: a = {1,3,5}: 3 items, 3 + 1 + 1 = 5 rows; b = {2,4} (6 unused): 2 items, 3 + 1 = 4 rows.
function fixture(): Interactions {
  const rows = [[0, 1], [0, 2], [0, 3], [0, 4], [1, 1], [1, 2], [2, 1], [2, 5], [2, 2]];
  return {
    user: Int32Array.from(rows, (r) => r[0]),
    item: Int32Array.from(rows, (r) => r[1]),
    time: Float64Array.from(rows, (_, j) => j),
    numUsers: 4,
    numItems: 6,
    vocab: {
      userIds: ['u0', 'u1', 'u2', 'u3'],
      itemIds: ['', 'i1', 'i2', 'i3', 'i4', 'i5', 'i6'],
      itemDomain: Int32Array.from([-1, 0, 1, 0, 1, 0, 1]),
      domains: ['a', 'b'],
    },
  };
}

test('datasetStats on interactions and on sequences (hand-worked)', () => {
  for (const input of [fixture(), toSequences(fixture())]) {
    const s = datasetStats(input);
    assert.equal(s.users, 3);
    assert.equal(s.items, 5);
    assert.equal(s.interactions, 9);
    assert.equal(s.avgSeqLen, 3);
    assert.equal(s.minSeqLen, 2);
    assert.equal(s.medianSeqLen, 3);
    assert.equal(s.maxSeqLen, 4);
    assert.equal(s.density, 0.6);
    assert.equal(s.testUsers, 1);
    assert.ok(Math.abs(s.itemGini - 12 / 45) < 1e-12);
    assert.deepEqual(s.domains, [
      { domain: 'a', items: 3, interactions: 5 },
      { domain: 'b', items: 2, interactions: 4 },
    ]);
  }
});

test('datasetStats on a split counts train + valid + kept test', () => {
  // u0: train [1,2] + valid 3 (test dropped) = 3; u1: 2; u2: train [1] + valid 5 + test 2 = 3.
  // interactions 8, items used 1,2,3,5 -> 4 (item 4 was the dropped test).
  const s = datasetStats(splitLeaveOneOut(toSequences(fixture())));
  assert.equal(s.interactions, 8);
  assert.equal(s.users, 3);
  assert.equal(s.items, 4);
  assert.equal(s.medianSeqLen, 3);
  assert.equal(s.maxSeqLen, 3);
  assert.equal(s.testUsers, 1);
});

test('datasetStats on an empty log and without domains', () => {
  const x: Interactions = { user: new Int32Array(0), item: new Int32Array(0), time: new Float64Array(0), numUsers: 0, numItems: 0, vocab: { userIds: [], itemIds: [''] } };
  const s = datasetStats(x);
  assert.deepEqual(
    [s.users, s.items, s.interactions, s.avgSeqLen, s.density, s.testUsers, s.itemGini, s.medianSeqLen],
    [0, 0, 0, 0, 0, 0, 0, 0],
  );
  assert.equal(s.domains, undefined);
});

test('giniCoefficient: hand cases and the mean-absolute-difference definition', () => {
  assert.equal(giniCoefficient([]), 0);
  assert.equal(giniCoefficient([5, 5, 5]), 0);
  assert.equal(giniCoefficient(Int32Array.from([0, 0, 0, 4])), 0.75); // (2*4 - 5) * 4 / (4 * 4)
  const rng = makeRng(1);
  for (let t = 0; t < 10; t++) {
    const x = Array.from({ length: 1 + rng.int(30) }, () => rng.int(50));
    const n = x.length;
    const mean = x.reduce((a, b) => a + b, 0) / n;
    let mad = 0;
    for (const a of x) for (const b of x) mad += Math.abs(a - b);
    const expected = mean > 0 ? mad / (2 * n * n * mean) : 0;
    assert.ok(Math.abs(giniCoefficient(x) - expected) < 1e-12);
  }
});

test('formatStats prints every figure and PAPER_TABLE_2 has the paper values', () => {
  const text = formatStats(datasetStats(fixture()));
  assert.match(text, /users 3 {2}items 5 {2}interactions 9/);
  assert.match(text, /median 3 \/ mean 3 \/ max 4/);
  assert.match(text, /item Gini 0\.267 {2}test users 1/);
  assert.match(text, /domain a: 3 items, 5 interactions/);
  assert.deepEqual(PAPER_TABLE_2['MovieLens-20M'], { users: 138493, items: 26427, interactions: 18476840 });
  assert.deepEqual(PAPER_TABLE_2['Amazon (mix)'], { users: 367710, items: 240320, interactions: 21787957 });
});

test('datasetStats takes testUsers from a given split', () => {
  const seqs = toSequences(fixture());
  const split = splitLeaveOneOut(seqs);
  const fake = { ...split, test: Int32Array.from([1, 1, 1, 0]) }; // 3 targets: proves it is used
  assert.equal(datasetStats(seqs, fake).testUsers, 3);
  assert.equal(datasetStats(seqs, split).testUsers, 1);
});
