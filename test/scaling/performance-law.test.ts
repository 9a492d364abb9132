import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  compareHoldout, fitDataTerms, fitPerformanceLaw, lsrmSize, metricPowerLawHoldout, performanceLaw, performanceLawHoldout, performanceTerm,
  predictGrouped, type PerformanceLawParams, type PerformancePoint,
} from '../../lib/scaling/performance-law';
import { makeRng } from '../../lib/util/rng';

const close = (a: number, b: number, tol: number, what = '') => assert.ok(Math.abs(a - b) <= tol, `${what} ${a} vs ${b} (tol ${tol})`);
const rel = (a: number, b: number, tol: number, what = '') => close(a, b, tol * Math.abs(b), what);

/** f(x; w) written out independently of the library. */
const f = (x: number, w: number) => -1 / (2 * x ** w) - w * Math.log(x);

const TRUTH: PerformanceLawParams = { w1: 0.05, w2: 0.03, w3: -0.4, w4: -0.25, w5: -0.02, b: 0.5 };
const LAYERS = [1, 2, 4, 8], DIMS = [8, 16, 32, 64, 128], DATA = [1e5, 1e6, 1e7];

/** The law on a full grid of layers x dims x data (60 points), y = law (+ seeded noise). */
function grid(params: PerformanceLawParams, sigma = 0, seed = 1, data: readonly number[] = DATA): PerformancePoint[] {
  const rng = makeRng(seed);
  return LAYERS.flatMap((layers) => DIMS.flatMap((dim) => data.map((D) => ({
    layers, dim, data: D,
    y: params.w1 * f(layers, params.w3) + params.w2 * f(dim, params.w4) + f(D, params.w5!) + params.b + sigma * rng.normal(),
  }))));
}

test('the term by hand: f(1; w) = -1/2, f(4; -1/2) = -1 + ln 2 and its peak at x* = 2^(-1/w)', () => {
  for (const w of [-2, -0.3, 0.7]) assert.equal(performanceTerm(1, w), -0.5);
  close(performanceTerm(4, -0.5), -1 + Math.LN2, 1e-15);
  close(performanceTerm(Math.E, 1), -1 / (2 * Math.E) - 1, 1e-15);
  // w = -1/2: x* = 2^2 = 4 is a maximum.
  assert.ok(performanceTerm(4, -0.5) > performanceTerm(3.9, -0.5) && performanceTerm(4, -0.5) > performanceTerm(4.1, -0.5));
  // law: 2·f(1) + 3·f(1) + f(1) + 0 = -3; without a data term (w5 null) the data is ignored.
  assert.equal(performanceLaw({ layers: 1, dim: 1, data: 1 }, { w1: 2, w2: 3, w3: 1, w4: 1, w5: 1, b: 0 }), -3);
  assert.equal(performanceLaw({ layers: 1, dim: 1 }, { w1: 2, w2: 3, w3: 1, w4: 1, w5: null, b: 1 }), -1.5);
  assert.throws(() => performanceLaw({ layers: 1, dim: 1 }, TRUTH), /has a data term: give the point its data/);
});

test('exact points: the six parameters come back, the peaks are 2^(-1/w)', () => {
  const fit = fitPerformanceLaw(grid(TRUTH));
  for (const k of ['w1', 'w2', 'w3', 'w4', 'w5', 'b'] as const) rel(fit.params[k]!, TRUTH[k]!, 1e-6, k);
  assert.ok(fit.sse < 1e-20 && fit.r2 > 1 - 1e-12, `sse ${fit.sse}`);
  assert.equal(fit.converged, true);
  assert.equal(fit.degenerate, false);
  rel(fit.peaks.layers!, 2 ** (1 / 0.4), 1e-6, 'layers peak');
  rel(fit.peaks.dim!, 2 ** 4, 1e-6, 'dim peak'); // 2^(1/0.25) = 16
  // Same input, same answer (no randomness).
  assert.deepEqual(fitPerformanceLaw(grid(TRUTH)), fit);
});

test('one D for every point: the data term folds into b (w5 null, 5 parameters)', () => {
  const pts = grid(TRUTH, 0, 1, [1e6]);
  const fit = fitPerformanceLaw(pts);
  assert.equal(fit.params.w5, null);
  for (const k of ['w1', 'w2', 'w3', 'w4'] as const) rel(fit.params[k], TRUTH[k], 1e-6, k);
  rel(fit.params.b, TRUTH.b + f(1e6, TRUTH.w5!), 1e-9, 'b absorbs f(D; w5)');
  assert.match(fit.note!, /same data D: the data term is a constant, folded into b/);
  // Without any data the law is the same 5-parameter one.
  const bare = fitPerformanceLaw(pts.map(({ data: _d, ...p }) => p));
  rel(bare.params.b, fit.params.b, 1e-9);
});

test('noisy points (sigma 1e-4, seeded): parameters within a few percent, the fit within the noise', () => {
  const sigma = 1e-4;
  const fit = fitPerformanceLaw(grid(TRUTH, sigma, 1));
  rel(fit.params.w1, TRUTH.w1, 0.05, 'w1');
  rel(fit.params.w2, TRUTH.w2, 0.08, 'w2'); // the width term is the least pinned: w2 and w4 trade off
  rel(fit.params.w3, TRUTH.w3, 0.02, 'w3');
  rel(fit.params.w4, TRUTH.w4, 0.02, 'w4');
  rel(fit.params.w5!, TRUTH.w5!, 0.02, 'w5');
  rel(fit.params.b, TRUTH.b, 0.005, 'b');
  for (const p of grid(TRUTH)) close(performanceLaw(p, fit.params), p.y, 5 * sigma, 'law vs truth');
  // Residual variance near sigma^2 (60 points, 6 parameters: E[sse] = 54 sigma^2).
  assert.ok(fit.sse > 20 * sigma ** 2 && fit.sse < 120 * sigma ** 2, `sse ${fit.sse}`);
});

/** Solve the 3 x 3 normal equations of y − shift ≈ a·c1 + b·c2 + c·1 by Cramer's rule (independent of the library). */
function cramerSse(c1: number[], c2: number[], t: number[]): number {
  const cols = [c1, c2, c1.map(() => 1)];
  const G = cols.map((u) => cols.map((v) => u.reduce((s, x, i) => s + x * v[i], 0)));
  const m = cols.map((u) => u.reduce((s, x, i) => s + x * t[i], 0));
  const det = (A: number[][]) => A[0][0] * (A[1][1] * A[2][2] - A[1][2] * A[2][1]) - A[0][1] * (A[1][0] * A[2][2] - A[1][2] * A[2][0]) + A[0][2] * (A[1][0] * A[2][1] - A[1][1] * A[2][0]);
  const d = det(G);
  if (Math.abs(d) < 1e-300) return Infinity;
  const coef = [0, 1, 2].map((j) => det(G.map((row, i) => row.map((v, k) => (k === j ? m[i] : v)))) / d);
  return t.reduce((s, ti, i) => s + (ti - coef[0] * c1[i] - coef[1] * c2[i] - coef[2]) ** 2, 0);
}

test('the objective: fit.sse is Σ(y − law)², and no point of a brute-force exponent grid does better', () => {
  const pts = grid(TRUTH, 3e-4, 3); // a noise draw whose best fit lies away from the truth (w4 ~ -1.3)
  const fit = fitPerformanceLaw(pts);
  const direct = pts.reduce((s, p) => s + (p.y - (fit.params.w1 * f(p.layers, fit.params.w3) + fit.params.w2 * f(p.dim, fit.params.w4) + f(p.data!, fit.params.w5!) + fit.params.b)) ** 2, 0);
  rel(fit.sse, direct, 1e-9, 'sse');
  const y = pts.map((p) => p.y);
  const axis = (lo: number, hi: number, n: number) => Array.from({ length: n }, (_, i) => lo + ((hi - lo) * i) / (n - 1));
  let best = Infinity;
  for (const w3 of axis(-1.2, 0.6, 25)) for (const w4 of axis(-1.6, 0.6, 25)) for (const w5 of axis(-0.05, 0.01, 13)) {
    if (w3 === 0 || w4 === 0) continue;
    best = Math.min(best, cramerSse(pts.map((p) => f(p.layers, w3)), pts.map((p) => f(p.dim, w4)), y.map((v, i) => v - f(pts[i].data!, w5))));
  }
  assert.ok(fit.sse <= best * (1 + 1e-9), `fit ${fit.sse} vs brute force ${best}`);
});

test('clear errors: too few points, a single layer count, data on some points only, bad values', () => {
  const six = grid(TRUTH).slice(0, 5);
  assert.throws(() => fitPerformanceLaw(six), /with a data term has 6 parameters \(w1\.\.w5, b\): need at least 6 distinct \(layers, dim, data\) points, got 5/);
  const four = [1, 2].flatMap((layers) => [8, 16].map((dim) => ({ layers, dim, y: 0.1 * layers + 0.01 * dim })));
  assert.throws(() => fitPerformanceLaw(four), /without a data term has 5 parameters \(w1\.\.w4, b\): need at least 5 .* got 4/);
  const oneLayer = [8, 16, 32, 64, 128, 256].map((dim) => ({ layers: 2, dim, y: Math.log(dim) }));
  assert.throws(() => fitPerformanceLaw(oneLayer), /layers term needs points at 2 or more values of layers .* got only layers = 2/);
  const mixed = grid(TRUTH).map((p, i) => (i === 0 ? { layers: p.layers, dim: p.dim, y: p.y } : p));
  assert.throws(() => fitPerformanceLaw(mixed), /59 of 60 points give data \(D\): give it for every point or for none/);
  assert.throws(() => fitPerformanceLaw([{ layers: 0, dim: 8, y: 1 }]), /point 1 has layers = 0: it must be a finite number >= 1/);
  assert.throws(() => fitPerformanceLaw([{ layers: 1, dim: 8, data: -1, y: 1 }]), /point 1 has data = -1/);
  assert.throws(() => fitPerformanceLaw(grid(TRUTH), { gridSize: 1 }), /PerformanceFitOptions\.gridSize must be an integer >= 2, got 1/);
  assert.throws(() => fitDataTerms([{ layers: 1, dim: 8, group: 'a', y: 0.1 }]), /4 \+ 1 = 5 parameters .* got 1/);
});

test('flat points: a finite constant law, marked degenerate', () => {
  for (const pts of [grid(TRUTH).map((p) => ({ ...p, y: 0.1 })), grid(TRUTH, 0, 1, [1e6]).map(({ data: _d, ...p }) => ({ ...p, y: 0.1 }))]) {
    const fit = fitPerformanceLaw(pts);
    assert.ok(Object.values(fit.params).every((v) => v === null || Number.isFinite(v)));
    assert.equal(fit.degenerate, true);
    assert.equal(fit.converged, false);
    assert.match(fit.note!, /points are flat/);
    for (const p of pts) close(performanceLaw(p, fit.params), 0.1, 1e-15);
  }
  const grouped = fitDataTerms(grid(TRUTH).map((p) => ({ layers: p.layers, dim: p.dim, group: String(p.data), y: 0.2 })));
  assert.deepEqual(grouped.terms.map((t) => t.term), [0.2, 0.2, 0.2]);
  assert.equal(grouped.degenerate, true);
});

test('data terms per group: T_g = f(D_g; w5) + b by hand, the size terms shared', () => {
  const pts = grid(TRUTH).map((p) => ({ layers: p.layers, dim: p.dim, group: `D=${p.data}`, y: p.y }));
  const fit = fitDataTerms(pts);
  for (const k of ['w1', 'w2', 'w3', 'w4'] as const) rel(fit[k], TRUTH[k], 1e-6, k);
  assert.deepEqual(fit.terms.map((t) => [t.group, t.n]), [['D=100000', 20], ['D=1000000', 20], ['D=10000000', 20]]);
  fit.terms.forEach((t, g) => close(t.term, f(DATA[g], TRUTH.w5!) + TRUTH.b, 1e-9, t.group));
  close(predictGrouped({ layers: 2, dim: 32, group: 'D=100000' }, fit), TRUTH.w1 * f(2, -0.4) + TRUTH.w2 * f(32, -0.25) + f(1e5, -0.02) + 0.5, 1e-9);
  assert.throws(() => predictGrouped({ layers: 2, dim: 32, group: 'x' }, fit), /no data term for group 'x': the fit knows D=100000, D=1000000, D=10000000/);
  // One group: the same law as fitPerformanceLaw without data (T = b).
  const one = pts.filter((p) => p.group === 'D=1000000');
  rel(fitDataTerms(one).terms[0].term, fitPerformanceLaw(one.map(({ group: _g, ...p }) => p)).params.b, 1e-9);
});

test('held out: the k largest sizes (12·L·d²) are predicted; an exact law predicts them exactly', () => {
  const pts = grid(TRUTH, 0, 1, [1e6]).filter((p) => p.dim <= 64); // 4 x 4 configurations
  const h = performanceLawHoldout(pts, 2);
  // Sizes L·d²: the two largest are 8x64 (32,768) and 4x64 (16,384); every other is smaller.
  assert.deepEqual(h.heldOut.map((p) => [p.layers, p.dim, p.size]), [[4, 64, lsrmSize({ layers: 4, dim: 64 })], [8, 64, 12 * 8 * 64 * 64]]);
  assert.equal(h.fitted.length, 14);
  for (const p of h.heldOut) close(p.errorPct, 0, 1e-6, `${p.layers}x${p.dim}`);
  // L·d² takes 10 distinct values over the 16 configurations (e.g. 1x16 = 4x8 = 256).
  assert.throws(() => performanceLawHoldout(pts, 10), /cannot hold out 10 of 10 sizes: nothing would be left to fit/);
  assert.throws(() => performanceLawHoldout(pts, 1.5), /an integer >= 0, got 1\.5/);
});

test('power law on 1 − metric: an exact law is predicted exactly, bands map back, ceiling = 1 − E', () => {
  // metric = 1 − (0.7 + (10/x)^0.5): 0.2 at x = 1e3 rising to 0.299 at 1e7.
  const xs = [1e3, 1e4, 1e5, 1e6, 1e7, 1e8];
  const pts = xs.map((x) => ({ x, y: 1 - (0.7 + Math.sqrt(10 / x)) }));
  const h = metricPowerLawHoldout(pts, 2, { samples: 200 });
  close(h.ceiling, 0.3, 1e-7);
  assert.deepEqual(h.heldOut.map((p) => p.x), [1e7, 1e8]);
  for (const p of h.heldOut) {
    close(p.predicted, 1 - (0.7 + Math.sqrt(10 / p.x)), 1e-7);
    close(p.actual, 1 - (0.7 + Math.sqrt(10 / p.x)), 1e-15);
    assert.ok(p.lo <= p.predicted + 1e-12 && p.predicted <= p.hi + 1e-12, `${p.lo} ${p.predicted} ${p.hi}`);
  }
  assert.throws(() => metricPowerLawHoldout([{ x: 1, y: 1.2 }], 0), /point 1 has a metric of 1\.2: HR and NDCG lie in \[0, 1\]/);
});

test('compare: both laws on the same held-out sizes; one data size only', () => {
  const pts = grid(TRUTH, 0, 1, [1e6]).filter((p) => p.dim <= 64).map(({ data: _d, ...p }) => p);
  const c = compareHoldout(pts, 2, { bootstrap: { samples: 100 } });
  assert.deepEqual(c.powerLaw.heldOut.map((p) => p.x), c.performanceLaw.heldOut.map((p) => p.size));
  for (const p of c.performanceLaw.heldOut) close(p.errorPct, 0, 1e-6);
  // The power law sees only 12·L·d² and its held-out errors are finite numbers (here not 0).
  for (const p of c.powerLaw.heldOut) assert.ok(Number.isFinite(p.errorPct));
  assert.throws(() => compareHoldout(grid(TRUTH), 2), /the power law compares at one data size/);
});
