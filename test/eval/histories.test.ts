import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildHistories, evalUsers, historyItems, targetsOf } from '../../lib/eval/histories';
import { makeSplit } from './fixtures';

// 5 users, 6 items:
//   u0 train [1, 2, 3]           valid 4  test 5
//   u1 train [2]                 valid 6  test 1   (one training item)
//   u2 train []                  valid 3  test 0   (empty history; no test target)
//   u3 train [5, 5, 1, 2, 3, 4]  valid 6  test 2   (longer than maxLen 4)
//   u4 train [1, 2]              valid 0  test 0   (two interactions: no targets)
const split = makeSplit([[1, 2, 3], [2], [], [5, 5, 1, 2, 3, 4], [1, 2]], [4, 6, 3, 6, 0], [5, 1, 0, 2, 0], 6);

test('evalUsers lists users with a target, ascending', () => {
  assert.deepEqual(Array.from(evalUsers(split, 'valid')), [0, 1, 2, 3]);
  assert.deepEqual(Array.from(evalUsers(split, 'test')), [0, 1, 3]);
  assert.equal(targetsOf(split, 'valid'), split.valid);
  assert.equal(targetsOf(split, 'test'), split.test);
});

test('valid histories: train only, left-padded, most recent last', () => {
  const h = buildHistories(split, Int32Array.of(0, 1, 2, 3, 4), 'valid', 4);
  assert.deepEqual(Array.from(h), [
    0, 1, 2, 3, // u0
    0, 0, 0, 2, // u1: one item
    0, 0, 0, 0, // u2: all padding
    1, 2, 3, 4, // u3: last 4 of 6
    0, 0, 1, 2, // u4: two items
  ]);
});

test('test histories: train followed by the validation item', () => {
  const h = buildHistories(split, Int32Array.of(0, 1, 2, 3, 4), 'test', 4);
  assert.deepEqual(Array.from(h), [
    1, 2, 3, 4, // u0: [1, 2, 3] + 4
    0, 0, 2, 6, // u1: [2] + 6
    0, 0, 0, 3, // u2: [] + 3
    2, 3, 4, 6, // u3: last 4 of [5, 5, 1, 2, 3, 4, 6]
    0, 0, 1, 2, // u4: no validation item to append
  ]);
});

test('user order follows the users argument; maxLen 1 keeps only the most recent item', () => {
  assert.deepEqual(Array.from(buildHistories(split, Int32Array.of(3, 1), 'test', 1)), [6, 6]);
  assert.deepEqual(Array.from(buildHistories(split, Int32Array.of(1, 0), 'valid', 2)), [0, 2, 2, 3]);
  assert.deepEqual(Array.from(buildHistories(split, new Int32Array(0), 'valid', 3)), []);
});

test('historyItems: full history, not truncated', () => {
  assert.deepEqual(Array.from(historyItems(split, 3, 'test')), [5, 5, 1, 2, 3, 4, 6]);
  assert.deepEqual(Array.from(historyItems(split, 3, 'valid')), [5, 5, 1, 2, 3, 4]);
  assert.deepEqual(Array.from(historyItems(split, 2, 'valid')), []);
  assert.deepEqual(Array.from(historyItems(split, 4, 'test')), [1, 2]);
});

test('errors name the problem', () => {
  assert.throws(() => buildHistories(split, Int32Array.of(0), 'valid', 0), /maxLen must be a positive integer, got 0/);
  assert.throws(() => buildHistories(split, Int32Array.of(5), 'valid', 3), /user 5 is outside \[0, 5\)/);
  assert.throws(() => historyItems(split, -1, 'test'), /user -1 is outside \[0, 5\)/);
});
