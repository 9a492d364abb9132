import { test } from 'node:test';
import assert from 'node:assert/strict';
import { toSequences, userItems, sequenceLengths } from '../../lib/data/sequences';
import type { Interactions } from '../../lib/data/types';
import { makeRng } from '../../lib/util/rng';

function make(rows: number[][], numUsers: number, numItems: number): Interactions {
  return {
    user: Int32Array.from(rows.map((r) => r[0])),
    item: Int32Array.from(rows.map((r) => r[1])),
    time: Float64Array.from(rows.map((r) => r[2])),
    numUsers,
    numItems,
    vocab: { userIds: Array.from({ length: numUsers }, (_, u) => `u${u}`), itemIds: ['', ...Array.from({ length: numItems }, (_, i) => `i${i + 1}`)] },
  };
}

test('toSequences sorts each user by time and keeps file order on ties', () => {
  // user 0 rows in file order: (i3,t5) (i1,t2) (i4,t5) (i2,t2) (i5,t1)
  //   by time: t1 i5; t2 i1 then i2 (file order); t5 i3 then i4 -> [5, 1, 2, 3, 4]
  // user 1 is empty; user 2: (i2,t9) (i1,t9) -> tie, file order [2, 1]
  const x = make(
    [
      [0, 3, 5],
      [2, 2, 9],
      [0, 1, 2],
      [0, 4, 5],
      [2, 1, 9],
      [0, 2, 2],
      [0, 5, 1],
    ],
    3,
    5,
  );
  const s = toSequences(x);
  assert.deepEqual([...s.offsets], [0, 5, 5, 7]);
  assert.deepEqual([...userItems(s, 0)], [5, 1, 2, 3, 4]);
  assert.deepEqual([...userItems(s, 1)], []);
  assert.deepEqual([...userItems(s, 2)], [2, 1]);
  assert.deepEqual([...s.times], [1, 2, 2, 5, 5, 9, 9]);
  assert.deepEqual([...sequenceLengths(s)], [5, 0, 2]);
  assert.equal(s.vocab, x.vocab);
  // input untouched
  assert.deepEqual([...x.item], [3, 2, 1, 4, 1, 2, 5]);
});

test('toSequences on already sorted and on empty input', () => {
  const s = toSequences(make([[1, 1, 1], [0, 2, 1], [1, 3, 2]], 2, 3));
  assert.deepEqual([...s.offsets], [0, 1, 3]);
  assert.deepEqual([...s.items], [2, 1, 3]);
  const e = toSequences(make([], 0, 0));
  assert.deepEqual([...e.offsets], [0]);
  assert.equal(e.items.length, 0);
});

test('toSequences rejects NaN times and out-of-range ids', () => {
  assert.throws(() => toSequences(make([[0, 1, NaN]], 1, 1)), /row 0: timestamp is NaN/);
  assert.throws(() => toSequences(make([[0, 1, 1], [1, 1, 1]], 1, 1)), /row 1: user id 1 is outside \[0, 1\)/);
  assert.throws(() => toSequences(make([[0, 0, 1]], 1, 1)), /row 0: item id 0 is outside \[1, 1\]/);
  assert.throws(() => toSequences(make([[0, 2, 1]], 1, 1)), /row 0: item id 2 is outside \[1, 1\]/);
});

test('toSequences matches a brute-force stable sort of row objects', () => {
  const rng = makeRng(3);
  for (let trial = 0; trial < 20; trial++) {
    const numUsers = 1 + rng.int(10);
    const rows = Array.from({ length: rng.int(200) }, () => [rng.int(numUsers), 1 + rng.int(9), rng.int(6)]);
    const s = toSequences(make(rows, numUsers, 9));
    // Array.prototype.sort is stable (ES2019): sort rows by (user, time), file order on ties.
    const expected = rows.map((r, idx) => ({ r, idx })).sort((a, b) => a.r[0] - b.r[0] || a.r[2] - b.r[2]);
    assert.deepEqual([...s.items], expected.map((e) => e.r[1]));
    assert.deepEqual([...s.times], expected.map((e) => e.r[2]));
  }
});

test('toSequences: fractional, negative and huge times take the comparator path, same rule', () => {
  const rng = makeRng(4);
  const draws = [() => rng.int(5) / 2, () => rng.int(7) - 3, () => 2 ** 31 + rng.int(3), () => rng.int(4)];
  for (const draw of draws) {
    const rows = Array.from({ length: 150 }, () => [rng.int(4), 1 + rng.int(9), draw()]);
    const s = toSequences(make(rows, 4, 9));
    const expected = rows.map((r, idx) => ({ r, idx })).sort((a, b) => a.r[0] - b.r[0] || a.r[2] - b.r[2]);
    assert.deepEqual([...s.items], expected.map((e) => e.r[1]));
    assert.deepEqual([...s.times], expected.map((e) => e.r[2]));
  }
});
