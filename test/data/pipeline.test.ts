import { test } from 'node:test';
import assert from 'node:assert/strict';
import { prepareData } from '../../lib/data/pipeline';
import { generateSynthetic, SYNTHETIC_PRESETS } from '../../lib/data/synthetic';
import { userItems } from '../../lib/data/sequences';
import type { Interactions } from '../../lib/data/types';

// rows [user, item, time]:
// u0: i1@3 i2@1 i3@2     u1: i1@1 i2@2 i3@3     u2: i4@1 i1@2
// 2-core: i4 has 1 row -> drop; u2 then has 1 -> drop (i1 keeps 2). Ids: u0->0, u1->1; i1..i3 -> 1..3.
// Sequences by time: u0 [2,3,1], u1 [1,2,3].
// Split: u0 train [2] valid 3 test 1 (1 is in u1's train); u1 train [1] valid 2 test 3 (u0's valid).
// Stats: 2 users, 3 items, 6 interactions, density 6 / (2 * 3) = 1, 2 test users.
function fixture(): Interactions {
  const rows = [[0, 1, 3], [0, 2, 1], [0, 3, 2], [1, 1, 1], [1, 2, 2], [1, 3, 3], [2, 4, 1], [2, 1, 2]];
  return {
    user: Int32Array.from(rows, (r) => r[0]),
    item: Int32Array.from(rows, (r) => r[1]),
    time: Float64Array.from(rows, (r) => r[2]),
    numUsers: 3,
    numItems: 4,
    vocab: { userIds: ['a', 'b', 'c'], itemIds: ['', 'w', 'x', 'y', 'z'] },
  };
}

test('prepareData composes k-core, sequences, leave-one-out and stats (hand-worked)', () => {
  const { filtered, sequences, split, stats } = prepareData({ interactions: fixture(), core: 2 });
  assert.equal(filtered.numUsers, 2);
  assert.deepEqual(filtered.vocab.userIds, ['a', 'b']);
  assert.deepEqual([...userItems(sequences, 0)], [2, 3, 1]);
  assert.deepEqual([...userItems(sequences, 1)], [1, 2, 3]);
  assert.deepEqual([...split.train.items], [2, 1]);
  assert.deepEqual([...split.valid], [3, 2]);
  assert.deepEqual([...split.test], [1, 3]);
  assert.equal(stats.users, 2);
  assert.equal(stats.items, 3);
  assert.equal(stats.interactions, 6);
  assert.equal(stats.density, 1);
  assert.equal(stats.testUsers, 2);
});

test('prepareData with core 0 (the default) filters nothing', () => {
  const x = fixture();
  const { filtered, stats } = prepareData({ interactions: x });
  assert.equal(filtered, x);
  // u2 [4, 1]: 2 interactions -> no target; u0 [2,3,1] test 1 and u1 [1,2,3] test 3 kept
  assert.equal(stats.interactions, 8);
  assert.equal(stats.testUsers, 2);
  assert.throws(() => prepareData({ interactions: x, core: -3 }), /minUser must be a non-negative integer, got -3/);
});

test('prepareData on the smoke synthetic data: thresholds hold and the parts agree', () => {
  const { filtered, sequences, split, stats } = prepareData({ interactions: generateSynthetic(SYNTHETIC_PRESETS.smoke), core: 5 });
  assert.equal(stats.users, filtered.numUsers);
  assert.equal(stats.items, filtered.numItems);
  assert.equal(stats.interactions, filtered.user.length);
  assert.ok(stats.minSeqLen >= 5);
  const itemCounts = new Int32Array(filtered.numItems + 1);
  filtered.item.forEach((i) => itemCounts[i]++);
  assert.ok(itemCounts.slice(1).every((c) => c >= 5));
  assert.equal(sequences.items.length, filtered.item.length);
  // every user has >= 5 interactions, so each has a validation target
  assert.ok(split.valid.every((v) => v > 0));
  assert.equal(split.train.items.length, filtered.item.length - 2 * filtered.numUsers);
});
