import { test } from 'node:test';
import assert from 'node:assert/strict';
import { checkPoints, distinctXs, groupByX } from '../../lib/scaling/points';

test('checkPoints: fewer distinct x than parameters is a clear error', () => {
  // Three points but two sizes (two seeds of one size).
  assert.throws(() => checkPoints([{ x: 1e5, y: 6 }, { x: 1e5, y: 6.1 }, { x: 1e6, y: 5.8 }]), {
    name: 'DataError',
    message: 'a power law has 3 parameters: need at least 3 points with distinct x, got 2',
  });
  assert.throws(() => checkPoints([]), /need at least 3 points with distinct x, got 0/);
});

test('checkPoints: a non-positive or non-finite value names the point and the value', () => {
  assert.throws(() => checkPoints([{ x: 1, y: 1 }, { x: 2, y: 1 }, { x: -5, y: 1 }]), { message: 'point 3 has x = -5: a size must be a positive finite number' });
  assert.throws(() => checkPoints([{ x: 1, y: 1 }, { x: 0, y: 1 }, { x: 3, y: 1 }]), /point 2 has x = 0/);
  assert.throws(() => checkPoints([{ x: 1, y: NaN }, { x: 2, y: 1 }, { x: 3, y: 1 }]), /point 1 has y = NaN/);
  assert.throws(() => checkPoints([{ x: 1, y: 1, weight: 0 }, { x: 2, y: 1 }, { x: 3, y: 1 }]), /point 1 has weight 0/);
});

test('groupByX and distinctXs: ascending sizes, repeats kept in input order', () => {
  const pts = [{ x: 3, y: 1 }, { x: 1, y: 2 }, { x: 3, y: 3 }];
  assert.deepEqual(distinctXs(pts), [1, 3]);
  assert.deepEqual(groupByX(pts), [{ x: 1, points: [{ x: 1, y: 2 }] }, { x: 3, points: [{ x: 3, y: 1 }, { x: 3, y: 3 }] }]);
});
