import { test } from 'node:test';
import assert from 'node:assert/strict';
import { splitLeaveOneOut, countTargets } from '../../lib/data/split';
import { toSequences, userItems } from '../../lib/data/sequences';
import type { Interactions, Sequences } from '../../lib/data/types';

function seqs(lists: number[][], numItems: number): Sequences {
  const offsets = new Int32Array(lists.length + 1);
  lists.forEach((l, u) => (offsets[u + 1] = offsets[u] + l.length));
  const items = Int32Array.from(lists.flat());
  return {
    offsets,
    items,
    times: Float64Array.from(items, (_, j) => 100 + j),
    numUsers: lists.length,
    numItems,
    vocab: { userIds: lists.map((_, u) => `u${u}`), itemIds: ['', ...Array.from({ length: numItems }, (_, i) => `i${i + 1}`)] },
  };
}

// Worked by hand:
// u0 [1,2,3,4]   train [1,2]   valid 3  test 4  (4 is in u3's train -> kept)
// u1 [5]         train [5]     no targets (1 interaction)
// u2 [6,7]       train [6,7]   no targets (2 interactions)
// u3 [4,2,8,9,1] train [4,2,8] valid 9  test 1  (1 in u0's train)
// u4 [2,3,10]    train [2]     valid 3  test 10 -> 0 (10 is only ever a test target)
// u5 [1,11,6]    train [1]     valid 11 test 6  (6 is in u2's train: short users' train counts)
// u6 [3,12,11]   train [3]     valid 12 test 11 (11 is seen only as u5's validation target -> kept)
// u7 [7,13,13]   train [7]     valid 13 test 13 (seen as its own validation target -> kept)
// u8 [1,2,10]    train [1]     valid 2  test 10 -> 0 (u4's test does not count as seen)
const LISTS = [[1, 2, 3, 4], [5], [6, 7], [4, 2, 8, 9, 1], [2, 3, 10], [1, 11, 6], [3, 12, 11], [7, 13, 13], [1, 2, 10]];

test('splitLeaveOneOut: last is test, second last valid, short users train only, unseen tests dropped', () => {
  const s = seqs(LISTS, 13);
  const split = splitLeaveOneOut(s);
  assert.deepEqual([...split.valid], [3, 0, 0, 9, 3, 11, 12, 13, 2]);
  assert.deepEqual([...split.test], [4, 0, 0, 1, 0, 6, 11, 13, 0]);
  const train = LISTS.map((_, u) => [...userItems(split.train, u)]);
  assert.deepEqual(train, [[1, 2], [5], [6, 7], [4, 2, 8], [2], [1], [3], [7], [1]]);
  assert.deepEqual([...split.train.offsets], [0, 2, 3, 5, 8, 9, 10, 11, 12, 13]);
  // times follow the items: u3's train is s.times[5..8)
  assert.deepEqual([...split.train.times.subarray(5, 8)], [107, 108, 109]);
  assert.equal(split.numUsers, 9);
  assert.equal(split.numItems, 13);
  assert.equal(countTargets(split.test), 5);
  assert.equal(countTargets(split.valid), 7);
  // input untouched
  assert.deepEqual([...s.items], LISTS.flat());
});

test('splitLeaveOneOut with ties: the later row in the file is the later item', () => {
  // u0 rows: (i1,t1) (i3,t5) (i2,t5) -> sequence [1,3,2]: valid 3, test 2.
  // u1 rows: (i2,t0) (i1,t0) (i3,t0) -> [2,1,3]: train [2], valid 1, test 3 (3 is u0's valid -> kept).
  const x: Interactions = {
    user: Int32Array.from([0, 1, 0, 1, 0, 1]),
    item: Int32Array.from([1, 2, 3, 1, 2, 3]),
    time: Float64Array.from([1, 0, 5, 0, 5, 0]),
    numUsers: 2,
    numItems: 3,
    vocab: { userIds: ['a', 'b'], itemIds: ['', 'x', 'y', 'z'] },
  };
  const split = splitLeaveOneOut(toSequences(x));
  assert.deepEqual([...split.valid], [3, 1]);
  // u0's test 2 is in u1's train -> kept
  assert.deepEqual([...split.test], [2, 3]);
  assert.deepEqual([...split.train.items], [1, 2]);
});

test('splitLeaveOneOut on no users and on users without interactions', () => {
  const empty = splitLeaveOneOut(seqs([], 0));
  assert.equal(empty.valid.length, 0);
  assert.deepEqual([...empty.train.offsets], [0]);
  const split = splitLeaveOneOut(seqs([[], [1, 2, 1], []], 2));
  // u1 [1,2,1]: train [1], valid 2, test 1 (1 in its own train)
  assert.deepEqual([...split.test], [0, 1, 0]);
  assert.deepEqual([...split.train.offsets], [0, 0, 1, 1]);
});
