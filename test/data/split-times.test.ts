/**
 * The held-out times of the leave-one-out split (lib/data/split.ts) and the rule for when a split
 * has event times (hasEventTimes) or has them dropped (withoutTimes).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { hasEventTimes, splitLeaveOneOut, withoutTimes } from '../../lib/data/split';
import type { Sequences } from '../../lib/data/types';
import { trainableSplit } from '../../lib/runs/build';
import { seqsOf } from '../train/tiny';

function timed(seqs: number[][], times: number[][], numItems: number): Sequences {
  return { ...seqsOf(seqs, numItems), times: Float64Array.from(times.flat()) };
}

// u0 [1, 2, 3, 4] at [10, 20, 30, 40]: train [1, 2], valid 3 at 30, test 4 at 40 (4 is in u3's train)
// u1 [5]          at [7]:              no targets -> NaN, NaN
// u2 [2, 1, 6]    at [1, 2, 3]:        valid 1 at 2, test 6 -> dropped (6 is seen nowhere else) -> NaN
// u3 [4, 1, 2]    at [5, 6, 9]:        valid 1 at 6, test 2 at 9 (2 is in u0's train)
const SEQS = [[1, 2, 3, 4], [5], [2, 1, 6], [4, 1, 2]];
const TIMES = [[10, 20, 30, 40], [7], [1, 2, 3], [5, 6, 9]];

test('splitLeaveOneOut keeps the held-out times, NaN where there is no target (hand-worked)', () => {
  const split = splitLeaveOneOut(timed(SEQS, TIMES, 6));
  assert.deepEqual([...split.valid], [3, 0, 1, 1]);
  assert.deepEqual([...split.test], [4, 0, 0, 2]);
  assert.deepEqual([...split.validTime!], [30, NaN, 2, 6]);
  assert.deepEqual([...split.testTime!], [40, NaN, NaN, 9]);
  assert.deepEqual([...split.train.times], [10, 20, 7, 1, 5]);
  assert.equal(hasEventTimes(split), true);
});

test('hasEventTimes: false when every time is equal, when the held-out times are absent, after withoutTimes', () => {
  const flat = splitLeaveOneOut(timed(SEQS, TIMES.map((r) => r.map(() => 1_600_000_000)), 6));
  assert.equal(hasEventTimes(flat), false, 'one clock value for every row');
  // Only a held-out time differs: that is a clock.
  const oneLate = splitLeaveOneOut(timed(SEQS, TIMES.map((r, u) => r.map((_, j) => (u === 3 && j === 2 ? 5 : 4))), 6));
  assert.equal(hasEventTimes(oneLate), true);
  const dropped = withoutTimes(splitLeaveOneOut(timed(SEQS, TIMES, 6)));
  assert.equal(dropped.validTime, undefined);
  assert.equal(dropped.testTime, undefined);
  assert.equal(hasEventTimes(dropped), false);
  assert.deepEqual([...dropped.valid], [3, 0, 1, 1], 'the rest of the split is kept');
  // A split built by hand without held-out times (as the custom-input splits are).
  assert.equal(hasEventTimes(seqSplit()), false);
});

function seqSplit() {
  const train = timed([[1, 2]], [[1, 2]], 3);
  return { train, valid: Int32Array.of(3), test: Int32Array.of(0), numUsers: 1, numItems: 3, vocab: train.vocab };
}

test('trainableSplit (lib/runs/build.ts): data.times false drops the times; any other value is refused by name', () => {
  // 3 users x 4 rows over items 1..4 (every test item also in some train part), times 10 s apart.
  const user = Int32Array.of(0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2);
  const item = Int32Array.of(1, 2, 3, 4, 4, 3, 2, 1, 2, 4, 1, 3);
  const time = Float64Array.from(user, (_, r) => 1_000 + 10 * r);
  const vocab = { userIds: ['a', 'b', 'c'], itemIds: ['', 'w', 'x', 'y', 'z'] };
  const x = { user, item, time, numUsers: 3, numItems: 4, vocab };
  const timedSplit = trainableSplit(x, { source: 'test', core: 0 });
  assert.equal(hasEventTimes(timedSplit), true);
  assert.deepEqual([...timedSplit.testTime!], [1_030, 1_070, 1_110]);
  const dropped = trainableSplit(x, { source: 'test', core: 0, times: false });
  assert.equal(hasEventTimes(dropped), false);
  assert.deepEqual([...dropped.test], [...timedSplit.test], 'the same split otherwise');
  assert.throws(() => trainableSplit(x, { source: 'test', core: 0, times: 'no' as never }), /^ValidationError: data.times must be false \(or absent\), got 'no'\. Leave it out/);
});
