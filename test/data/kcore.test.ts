import { test } from 'node:test';
import assert from 'node:assert/strict';
import { filterKCore, kcoreMask, selectRows } from '../../lib/data/kcore';
import type { Interactions } from '../../lib/data/types';
import { makeRng } from '../../lib/util/rng';

/** Interactions from [user, item, time] rows; raw ids 'U<u>' and 'I<i>', item domain = i % 2. */
function make(rows: number[][], numUsers: number, numItems: number): Interactions {
  const itemDomain = new Int32Array(numItems + 1).map((_, i) => (i === 0 ? -1 : i % 2));
  return {
    user: Int32Array.from(rows.map((r) => r[0])),
    item: Int32Array.from(rows.map((r) => r[1])),
    time: Float64Array.from(rows.map((r) => r[2])),
    numUsers,
    numItems,
    vocab: {
      userIds: Array.from({ length: numUsers }, (_, u) => `U${u}`),
      itemIds: ['', ...Array.from({ length: numItems }, (_, i) => `I${i + 1}`)],
      itemDomain,
      domains: ['even', 'odd'],
    },
  };
}

// 2-core cascade. Counts: users 2,2,2,2; items i1:3 i2:2 i3:2 i4:1.
// i4 has 1 < 2 -> drop r5 -> u2 has 1 -> drop r4 -> i3 has 1 -> drop r3 -> u1 has 1 -> drop r2
// -> i1 has 2 (still ok). Left: r0 r1 r6 r7 = u0{i1,i2}, u3{i1,i2}.
// Dense ids: u0->0, u3->1; i1->1, i2->2. Row order kept. The scan order forces 4 removal passes.
const CASCADE = [
  [0, 1, 10], // r0
  [0, 2, 11], // r1
  [1, 1, 12], // r2
  [1, 3, 13], // r3
  [2, 3, 14], // r4
  [2, 4, 15], // r5
  [3, 1, 16], // r6
  [3, 2, 17], // r7
];

test('filterKCore resolves a cascade user -> item -> user -> item', () => {
  const x = make(CASCADE, 4, 4);
  assert.deepEqual([...kcoreMask(x, { minUser: 2, minItem: 2 })], [1, 1, 0, 0, 0, 0, 1, 1]);
  const y = filterKCore(x, { minUser: 2, minItem: 2 });
  assert.deepEqual([...y.user], [0, 0, 1, 1]);
  assert.deepEqual([...y.item], [1, 2, 1, 2]);
  assert.deepEqual([...y.time], [10, 11, 16, 17]);
  assert.equal(y.numUsers, 2);
  assert.equal(y.numItems, 2);
  assert.deepEqual(y.vocab.userIds, ['U0', 'U3']);
  assert.deepEqual(y.vocab.itemIds, ['', 'I1', 'I2']);
  // itemDomain follows the items: I1 -> 1, I2 -> 0; padding keeps -1; domain names kept.
  assert.deepEqual([...y.vocab.itemDomain!], [-1, 1, 0]);
  assert.deepEqual(y.vocab.domains, ['even', 'odd']);
});

test('filterKCore does not mutate its input', () => {
  const x = make(CASCADE, 4, 4);
  const before = JSON.stringify([[...x.user], [...x.item], [...x.time], x.vocab.userIds, [...x.vocab.itemDomain!]]);
  filterKCore(x, { minUser: 2, minItem: 2 });
  assert.equal(JSON.stringify([[...x.user], [...x.item], [...x.time], x.vocab.userIds, [...x.vocab.itemDomain!]]), before);
});

test('filterKCore with different user and item thresholds', () => {
  // minUser 3, minItem 1 on CASCADE: every user has 2 < 3 -> everything goes.
  const x = make(CASCADE, 4, 4);
  const y = filterKCore(x, { minUser: 3, minItem: 1 });
  assert.equal(y.user.length, 0);
  assert.equal(y.numUsers, 0);
  assert.equal(y.numItems, 0);
  assert.deepEqual(y.vocab.itemIds, ['']);
  // minUser 0, minItem 3: only i1 (3 rows) survives; users u0,u1,u3 keep one row each.
  // u2 loses all rows and disappears; ids: u0->0, u1->1, u3->2; i1->1.
  const z = filterKCore(x, { minUser: 0, minItem: 3 });
  assert.deepEqual([...z.user], [0, 1, 2]);
  assert.deepEqual([...z.item], [1, 1, 1]);
  assert.deepEqual([...z.time], [10, 12, 16]);
  assert.deepEqual(z.vocab.userIds, ['U0', 'U1', 'U3']);
});

test('filterKCore with k = 0 returns the input unchanged; k = 1 drops users/items without rows', () => {
  // numUsers 5 and numItems 5 although u4 and i5 have no rows.
  const x = make(CASCADE, 5, 5);
  assert.equal(filterKCore(x, { minUser: 0, minItem: 0 }), x);
  const y = filterKCore(x, { minUser: 1, minItem: 1 });
  assert.equal(y.numUsers, 4);
  assert.equal(y.numItems, 4);
  assert.deepEqual([...y.item], [...x.item]);
});

test('filterKCore on an empty log gives an empty log', () => {
  const y = filterKCore(make([], 0, 0), { minUser: 5, minItem: 5 });
  assert.equal(y.user.length, 0);
  assert.equal(y.numUsers, 0);
});

test('filterKCore checks its arguments', () => {
  const x = make(CASCADE, 4, 4);
  assert.throws(() => filterKCore(x, { minUser: -1, minItem: 2 }), /minUser must be a non-negative integer, got -1/);
  assert.throws(() => filterKCore(x, { minUser: 2, minItem: 1.5 }), /minItem must be a non-negative integer, got 1.5/);
  const bad = { ...x, time: new Float64Array(3) };
  assert.throws(() => filterKCore(bad, { minUser: 2, minItem: 2 }), /columns differ in length \(user 8, item 8, time 3\)/);
  assert.throws(() => selectRows(x, new Uint8Array(2)), /mask length 2 != rows 8/);
});

/** Brute force: recount from scratch over kept rows, drop every failing row, until stable. */
function naiveMask(x: Interactions, minUser: number, minItem: number): number[] {
  const keep = new Array(x.user.length).fill(1);
  for (;;) {
    const uc = new Map<number, number>();
    const ic = new Map<number, number>();
    keep.forEach((k, r) => {
      if (!k) return;
      uc.set(x.user[r], (uc.get(x.user[r]) ?? 0) + 1);
      ic.set(x.item[r], (ic.get(x.item[r]) ?? 0) + 1);
    });
    let changed = false;
    keep.forEach((k, r) => {
      if (k && (uc.get(x.user[r])! < minUser || ic.get(x.item[r])! < minItem)) {
        keep[r] = 0;
        changed = true;
      }
    });
    if (!changed) return keep;
  }
}

test('kcoreMask matches a brute-force fixed point on random logs', () => {
  const rng = makeRng(7);
  for (let trial = 0; trial < 30; trial++) {
    const numUsers = 5 + rng.int(30);
    const numItems = 5 + rng.int(30);
    const n = rng.int(300);
    const rows = Array.from({ length: n }, () => [rng.int(numUsers), 1 + Math.floor(numItems * rng.next() ** 2), rng.int(100)]);
    const x = make(rows, numUsers, numItems);
    const minUser = rng.int(6);
    const minItem = rng.int(6);
    const mask = [...kcoreMask(x, { minUser, minItem })];
    assert.deepEqual(mask, naiveMask(x, minUser, minItem), `trial ${trial}`);
    // And the filtered log satisfies the thresholds.
    const y = filterKCore(x, { minUser, minItem });
    const uc = new Int32Array(y.numUsers);
    const ic = new Int32Array(y.numItems + 1);
    y.user.forEach((u, r) => {
      uc[u]++;
      ic[y.item[r]]++;
    });
    if (minUser + minItem > 0) {
      assert.ok(uc.every((c) => c >= Math.max(1, minUser)));
      assert.ok(ic.slice(1).every((c) => c >= Math.max(1, minItem)));
    }
  }
});
