import { test } from 'node:test';
import assert from 'node:assert/strict';
import { constrainedLeastSquares, constrainedLine, solveSmall } from '../../lib/scaling/linear';

const f64 = (xs: number[]) => Float64Array.from(xs);
const ones = (n: number) => new Float64Array(n).fill(1);

test('solveSmall: a 3x3 system, and undefined for a singular one', () => {
  // [2 1 0; 1 3 1; 0 1 4] b = [3, 5, 5] has b = [1, 1, 1].
  const b = solveSmall([[2, 1, 0], [1, 3, 1], [0, 1, 4]], [3, 5, 5])!;
  b.forEach((v) => assert.ok(Math.abs(v - 1) < 1e-14));
  assert.equal(solveSmall([[1, 2], [2, 4]], [1, 2]), undefined);
});

test('constrainedLine: the free fit when it is feasible', () => {
  // y = 1 + 2z exactly.
  const r = constrainedLine(f64([0, 1, 2]), f64([1, 3, 5]), ones(3), true);
  assert.ok(Math.abs(r.E - 1) < 1e-14 && Math.abs(r.c - 2) < 1e-14 && r.sse < 1e-28);
});

test('constrainedLine: a y falling with z (a loss rising with x) gives c = 0 and E = the mean', () => {
  // Free slope -1 < 0: c = 0, E = mean(3, 2, 1) = 2, SSE = 1 + 0 + 1.
  const r = constrainedLine(f64([0, 1, 2]), f64([3, 2, 1]), ones(3), true);
  assert.deepEqual(r, { E: 2, c: 0, sse: 2 });
});

test('constrainedLine: E >= 0 binds when the free intercept is negative', () => {
  // y = -1 + 2z freely; with E = 0: c = Σzy / Σz² = (1·1 + 2·3) / (1 + 4) = 1.4.
  const z = f64([1, 2]), y = f64([1, 3]);
  const free = constrainedLine(z, y, ones(2), false);
  assert.ok(Math.abs(free.E + 1) < 1e-14);
  const held = constrainedLine(z, y, ones(2), true);
  assert.equal(held.E, 0);
  assert.ok(Math.abs(held.c - 1.4) < 1e-14);
});

test('constrainedLeastSquares: matches constrainedLine on two columns, weights count', () => {
  const z = f64([0.5, 1, 2, 4]), y = f64([3.1, 2.2, 1.4, 1.05]), w = f64([1, 2, 1, 3]);
  const a = constrainedLeastSquares([ones(4), z], y, w, [true, true]);
  const b = constrainedLine(z, y, w, true);
  assert.ok(Math.abs(a.coef[0] - b.E) < 1e-12 && Math.abs(a.coef[1] - b.c) < 1e-12 && Math.abs(a.sse - b.sse) < 1e-12);
});

test('constrainedLeastSquares: three columns, one held at 0', () => {
  // y = 2 + 1·u − 0.5·v freely; with v's coefficient >= 0 the best has it at 0.
  const u = f64([0, 1, 2, 3, 4]), v = f64([1, 0, 2, 1, 3]);
  const y = u.map((ui, i) => 2 + ui - 0.5 * v[i]);
  const free = constrainedLeastSquares([ones(5), u, v], y, ones(5), [false, false, false]);
  assert.ok(Math.abs(free.coef[2] + 0.5) < 1e-12);
  const held = constrainedLeastSquares([ones(5), u, v], y, ones(5), [false, true, true]);
  assert.equal(held.coef[2], 0);
  assert.ok(held.sse > 0);
});
