import { test } from 'node:test';
import assert from 'node:assert/strict';
import { holdOutUsers, selectUsers } from '../../lib/data/holdout';
import { userItems } from '../../lib/data/sequences';
import type { Sequences } from '../../lib/data/types';

function seqs(lists: number[][]): Sequences {
  const offsets = new Int32Array(lists.length + 1);
  lists.forEach((l, u) => (offsets[u + 1] = offsets[u] + l.length));
  const items = Int32Array.from(lists.flat());
  return { offsets, items, times: Float64Array.from(items, (i) => i * 10), numUsers: lists.length, numItems: 9, vocab: { userIds: [], itemIds: [] } };
}

test('selectUsers keeps ids and empties unselected users', () => {
  // users [1,2] [3] [] [4,5,6]; keep u1 and u3 -> offsets [0,0,1,1,4]
  const s = seqs([[1, 2], [3], [], [4, 5, 6]]);
  const t = selectUsers(s, Uint8Array.from([0, 1, 0, 1]));
  assert.deepEqual([...t.offsets], [0, 0, 1, 1, 4]);
  assert.deepEqual([...t.items], [3, 4, 5, 6]);
  assert.deepEqual([...t.times], [30, 40, 50, 60]);
  assert.equal(t.numUsers, 4);
});

test('holdOutUsers holds out round(fraction * active users), disjoint, ids unchanged', () => {
  // 100 users, every 10th one empty -> 90 active; 20% -> 18 held out.
  const lists = Array.from({ length: 100 }, (_, u) => (u % 10 === 0 ? [] : [1 + (u % 9), 1 + ((u * 7) % 9)]));
  const s = seqs(lists);
  const { kept, heldOut, users } = holdOutUsers(s, 0.2, 3);
  assert.equal(users.length, 18);
  for (let j = 1; j < users.length; j++) assert.ok(users[j] > users[j - 1]);
  users.forEach((u) => assert.notEqual(u % 10, 0, 'an empty user was held out'));
  const held = new Set(users);
  assert.equal(kept.numUsers, 100);
  assert.equal(heldOut.numUsers, 100);
  for (let u = 0; u < 100; u++) {
    const own = held.has(u) ? heldOut : kept;
    const other = held.has(u) ? kept : heldOut;
    assert.deepEqual([...userItems(own, u)], lists[u]);
    assert.equal(userItems(other, u).length, 0);
  }
  assert.equal(kept.items.length + heldOut.items.length, s.items.length);
});

test('holdOutUsers is deterministic per seed, differs across seeds, and handles 0 and 1', () => {
  const s = seqs(Array.from({ length: 50 }, (_, u) => [1 + (u % 9)]));
  assert.deepEqual([...holdOutUsers(s, 0.3, 9).users], [...holdOutUsers(s, 0.3, 9).users]);
  assert.notDeepEqual([...holdOutUsers(s, 0.3, 9).users], [...holdOutUsers(s, 0.3, 10).users]);
  assert.equal(holdOutUsers(s, 0, 1).users.length, 0);
  assert.equal(holdOutUsers(s, 1, 1).kept.items.length, 0);
  assert.throws(() => holdOutUsers(s, -0.1, 1), /holdOutUsers: fraction must be in \[0, 1\], got -0.1/);
});

test('holdOutUsers picks each active user with probability close to the fraction', () => {
  // 10 users, 30%: 3 held out per seed; over 2000 seeds each user ~600 times (sd ~20.5).
  const s = seqs(Array.from({ length: 10 }, () => [1]));
  const hits = new Array(10).fill(0);
  for (let seed = 0; seed < 2000; seed++) holdOutUsers(s, 0.3, seed).users.forEach((u) => hits[u]++);
  hits.forEach((h) => assert.ok(Math.abs(h - 600) < 5 * 20.5, `user hit ${h} times`));
});
