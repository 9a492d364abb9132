import { test } from 'node:test';
import assert from 'node:assert/strict';
import { concatTyped, evenSlices } from '../../lib/util/slices';

test('evenSlices: contiguous, covering, sizes within one (more slices than items: empty ones)', () => {
  assert.deepEqual(evenSlices(10, 3), [[0, 3], [3, 6], [6, 10]]);
  assert.deepEqual(evenSlices(5, 1), [[0, 5]]);
  assert.deepEqual(evenSlices(2, 3), [[0, 0], [0, 1], [1, 2]]);
  for (const [n, k] of [[943, 2], [25_000, 7], [1, 1]]) {
    const s = evenSlices(n, k);
    assert.equal(s[0][0], 0);
    assert.equal(s[k - 1][1], n);
    s.slice(1).forEach(([from], i) => assert.equal(from, s[i][1]));
    const sizes = s.map(([a, b]) => b - a);
    assert.ok(Math.max(...sizes) - Math.min(...sizes) <= 1);
  }
});

test('concatTyped: the parts in order, in an array of the kind made', () => {
  const out = concatTyped([Float32Array.of(1.5), new Float32Array(0), Float32Array.of(2, 3)], (n) => new Float32Array(n));
  assert.ok(out instanceof Float32Array);
  assert.deepEqual([...out], [1.5, 2, 3]);
  assert.equal(concatTyped([], (n) => new Int32Array(n)).length, 0);
});
