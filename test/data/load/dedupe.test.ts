import { test } from 'node:test';
import assert from 'node:assert/strict';
import { dropMasked, findDuplicates } from '../../../lib/data/load/dedupe';
import { loadMovieLens } from '../../../lib/data/load/movielens';
import { makeRng } from '../../../lib/util/rng';
import { rawRows, tempDir, writeFixture } from './tmp';

test('marks exactly the repeats of an earlier (user, item, time) triple', () => {
  // rows: 0 (0,1,5) 1 (0,1,5)* 2 (0,1,6) 3 (1,1,5) 4 (0,2,5) 5 (0,1,5)* 6 (1,1,5)*
  const user = Int32Array.of(0, 0, 0, 1, 0, 0, 1);
  const item = Int32Array.of(1, 1, 1, 1, 2, 1, 1);
  const time = Float64Array.of(5, 5, 6, 5, 5, 5, 5);
  const d = findDuplicates(user, item, time, 2);
  assert.deepEqual(Array.from(d.mask), [0, 1, 0, 0, 0, 1, 1]);
  assert.equal(d.count, 3);
  const kept = dropMasked(user, item, time, d.mask, d.count);
  assert.deepEqual(Array.from(kept.user), [0, 0, 1, 0]);
  assert.deepEqual(Array.from(kept.item), [1, 1, 1, 2]);
  assert.deepEqual(Array.from(kept.time), [5, 6, 5, 5]);
});

test('edge cases: empty input, users with no rows, large and fractional times', () => {
  assert.equal(findDuplicates(new Int32Array(0), new Int32Array(0), new Float64Array(0), 0).count, 0);
  const d = findDuplicates(Int32Array.of(2, 2, 2), Int32Array.of(1, 1, 1), Float64Array.of(1.5e12, 1.5e12 + 1, 1.5e12), 3);
  assert.deepEqual(Array.from(d.mask), [0, 0, 1]);
  const f = findDuplicates(Int32Array.of(0, 0), Int32Array.of(1, 1), Float64Array.of(0.25, 0.5), 1);
  assert.equal(f.count, 0);
});

test('matches a brute-force string-set check on random data with many collisions', () => {
  const rng = makeRng(7);
  const n = 5000;
  const user = new Int32Array(n);
  const item = new Int32Array(n);
  const time = new Float64Array(n);
  for (let r = 0; r < n; r++) {
    user[r] = rng.int(20);
    item[r] = 1 + rng.int(15);
    time[r] = 1e9 + rng.int(10);
  }
  const seen = new Set<string>();
  const expected = Array.from(user, (u, r) => {
    const key = `${u}|${item[r]}|${time[r]}`;
    const dup = seen.has(key);
    seen.add(key);
    return dup ? 1 : 0;
  });
  const d = findDuplicates(user, item, time, 20);
  assert.deepEqual(Array.from(d.mask), expected);
  assert.equal(d.count, n - seen.size);
  // the same rows grouped by user (user non-decreasing: the path without the sort)
  const order = Array.from(user, (_, r) => r).sort((a, b) => user[a] - user[b] || a - b);
  const [gu, gi, gt] = [Int32Array.from(order, (r) => user[r]), Int32Array.from(order, (r) => item[r]), Float64Array.from(order, (r) => time[r])];
  const grouped = findDuplicates(gu, gi, gt, 20);
  assert.deepEqual(Array.from(grouped.mask), order.map((r) => expected[r]), 'grouping keeps each user\'s row order, so the same rows repeat');
  assert.equal(grouped.count, d.count);
});

test("loader rule: 'first' (default) drops later repeats, 'keep' keeps them; both count them", async () => {
  // rows: (1,10,100) (1,10,100)* (1,10,101) (2,10,100) (1,10,100)*
  const file = writeFixture(tempDir(), 'u.data', '1\t10\t5\t100\n1\t10\t4\t100\n1\t10\t5\t101\n2\t10\t5\t100\n1\t10\t3\t100\n');
  const first = await loadMovieLens(file);
  assert.equal(first.duplicateRows, 2);
  assert.deepEqual(rawRows(first.interactions), [['1', '10', 100], ['1', '10', 101], ['2', '10', 100]]);
  const keep = await loadMovieLens(file, { duplicates: 'keep' });
  assert.equal(keep.duplicateRows, 2);
  assert.equal(keep.interactions.user.length, 5);
  assert.deepEqual(rawRows(keep.interactions)[4], ['1', '10', 100]);
});
