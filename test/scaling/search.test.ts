import { test } from 'node:test';
import assert from 'node:assert/strict';
import { goldenSection, logSpace, nelderMead } from '../../lib/scaling/search';

test('logSpace: even in log, ends exact', () => {
  const g = logSpace(0.01, 1, 3);
  assert.equal(g[0], 0.01);
  assert.ok(Math.abs(g[1] - 0.1) < 1e-15);
  assert.equal(g[2], 1);
  assert.deepEqual(logSpace(2, 5, 1), [2]);
});

test('goldenSection: the minimum of a parabola and of an asymmetric function', () => {
  assert.ok(Math.abs(goldenSection((x) => (x - 2) ** 2, 0, 5).x - 2) < 1e-9);
  // x − ln x has its minimum 1 at x = 1: f − 1 ≈ (x − 1)²/2 is lost below machine epsilon
  // once |x − 1| < ~1e-8, so that is the precision to expect (a zero minimum resolves finer).
  assert.ok(Math.abs(goldenSection((x) => x - Math.log(x), 0.1, 4).x - 1) < 1e-7);
  // A minimum at the bracket's end stays at the end.
  assert.ok(goldenSection((x) => x, 1, 2).x - 1 < 1e-9);
});

test('nelderMead: a narrow valley (Rosenbrock) and determinism', () => {
  const rosen = ([u, v]: number[]) => (1 - u) ** 2 + 100 * (v - u * u) ** 2;
  const a = nelderMead(rosen, [-1.2, 1], [0.5, 0.5], 1e-10, 5000);
  assert.ok(Math.abs(a.x[0] - 1) < 1e-6 && Math.abs(a.x[1] - 1) < 1e-6, String(a.x));
  assert.deepEqual(nelderMead(rosen, [-1.2, 1], [0.5, 0.5], 1e-10, 5000), a);
});
