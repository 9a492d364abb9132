import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fitPowerLaw } from '../../lib/scaling/fit';
import { powerLaw } from '../../lib/scaling/laws';
import { exactPoints, noisyPoints, SIZES } from './paper';

const assertFinite = (fit: ReturnType<typeof fitPowerLaw>) => {
  for (const v of [fit.params.E, fit.params.x0, fit.params.alpha, fit.r2, fit.sse, ...fit.residuals]) assert.ok(Number.isFinite(v), `not finite: ${v}`);
};

test('fitPowerLaw: recovers the paper law exactly from its six sizes', () => {
  const fit = fitPowerLaw(exactPoints(SIZES));
  assert.ok(Math.abs(fit.params.alpha - 0.121) < 1e-6, `alpha ${fit.params.alpha}`);
  assert.ok(Math.abs(fit.params.E - 4.9) < 1e-6, `E ${fit.params.E}`);
  assert.ok(Math.abs(fit.params.x0 / 6.8e5 - 1) < 1e-6, `x0 ${fit.params.x0}`);
  assert.ok(fit.r2 > 1 - 1e-12);
  assert.ok(fit.residuals.every((r) => Math.abs(r) < 1e-9));
  assert.equal(fit.converged, true);
  assert.equal(fit.degenerate, false);
  assert.equal(fit.note, undefined);
});

test('fitPowerLaw: exact recovery from the paper\'s four fitted sizes (98.3K..9.4M), and from 3 points', () => {
  for (const xs of [SIZES.slice(0, 4), SIZES.slice(0, 3)]) {
    const { params } = fitPowerLaw(exactPoints(xs));
    assert.ok(Math.abs(params.alpha - 0.121) < 1e-6 && Math.abs(params.E - 4.9) < 1e-6 && Math.abs(params.x0 / 6.8e5 - 1) < 1e-5, JSON.stringify(params));
  }
});

test('fitPowerLaw: recovers a steep law (alpha = 1.5) and one with E = 0', () => {
  const steep = { E: 2.3, x0: 3e4, alpha: 1.5 };
  const a = fitPowerLaw(exactPoints([1e3, 1e4, 1e5, 1e6], steep)).params;
  assert.ok(Math.abs(a.alpha - 1.5) < 1e-6 && Math.abs(a.E - 2.3) < 1e-6, JSON.stringify(a));
  const pure = { E: 0, x0: 1e9, alpha: 0.3 };
  const b = fitPowerLaw(exactPoints([1e5, 1e6, 1e7, 1e8], pure)).params;
  assert.ok(Math.abs(b.alpha - 0.3) < 1e-6 && Math.abs(b.E) < 1e-6, JSON.stringify(b));
});

test('fitPowerLaw: noisy points (3 seeds per size, sigma 0.003) recover the law within stated tolerances', () => {
  // Seed 0 of the noise; over noise seeds 0..19 alpha stays within 0.118..0.127 (checked once).
  const fit = fitPowerLaw(noisyPoints(SIZES, 0.003, 0, 3));
  assert.ok(Math.abs(fit.params.alpha - 0.121) < 0.01, `alpha ${fit.params.alpha}`);
  assert.ok(Math.abs(fit.params.E - 4.9) < 0.05, `E ${fit.params.E}`);
  assert.ok(Math.abs(Math.log(fit.params.x0 / 6.8e5)) < Math.log(1.5), `x0 ${fit.params.x0}`);
  assert.ok(fit.r2 > 0.999 && fit.converged);
});

test('fitPowerLaw: weights pull the fit towards heavy points', () => {
  // The last point is off the law; a tiny weight makes the fit ignore it.
  const pts = exactPoints(SIZES).map((p, i) => (i === 5 ? { x: p.x, y: p.y + 0.1, weight: 1e-9 } : p));
  const fit = fitPowerLaw(pts);
  assert.ok(Math.abs(fit.params.alpha - 0.121) < 1e-4, `alpha ${fit.params.alpha}`);
  assert.ok(Math.abs(fit.residuals[5] - 0.1) < 1e-3);
});

test('fitPowerLaw: residuals are y − L(x) of the reported law, in input order', () => {
  const pts = noisyPoints([...SIZES].reverse(), 0.01, 3);
  const fit = fitPowerLaw(pts);
  pts.forEach((p, i) => assert.ok(Math.abs(fit.residuals[i] - (p.y - powerLaw(p.x, fit.params))) < 1e-15));
});

test('fitPowerLaw: points that rise with x stay finite: the flat law, with a note', () => {
  const rising = SIZES.map((x, i) => ({ x, y: 5 + 0.01 * i }));
  const fit = fitPowerLaw(rising);
  assertFinite(fit);
  assert.equal(fit.degenerate, true);
  assert.equal(fit.converged, false);
  // E = mean(5, 5.01, ..., 5.05) = 5.025; x0 = alpha = 0.
  assert.ok(Math.abs(fit.params.E - 5.025) < 1e-12);
  assert.deepEqual([fit.params.x0, fit.params.alpha], [0, 0]);
  assert.match(fit.note!, /do not fall with x: the best law is flat/);
  assert.equal(powerLaw(1e12, fit.params), fit.params.E);
});

test('fitPowerLaw: constant points stay finite (R² = 1 for an exact flat fit)', () => {
  const fit = fitPowerLaw(SIZES.map((x) => ({ x, y: 5 })));
  assertFinite(fit);
  assert.deepEqual(fit.params, { E: 5, x0: 0, alpha: 0 });
  assert.equal(fit.r2, 1);
});

test('fitPowerLaw: points falling ever faster stay finite, E held at 0, with a note', () => {
  // Concave in log x: no power law with E >= 0 bends that way; the best holds E at 0.
  const fit = fitPowerLaw(SIZES.map((x, i) => ({ x, y: 6 - 0.1 * i * i })));
  assertFinite(fit);
  assert.equal(fit.params.E, 0);
  assert.match(fit.note!, /E is held at its bound 0/);
});

test('fitPowerLaw: a straight line in log x runs alpha to the edge of its range, finite, with a note', () => {
  // y = 6 − 0.01 ln x is the alpha -> 0 limit of the law (E -> −∞ without the bound).
  const fit = fitPowerLaw(SIZES.map((x) => ({ x, y: 6 - 0.01 * Math.log(x) })), { nonNegativeE: false });
  assertFinite(fit);
  assert.equal(fit.converged, false);
  assert.ok(Math.abs(fit.params.alpha - 0.01) < 1e-12);
  assert.match(fit.note!, /alpha stopped at the edge of its search range \[0.01, 2\]: the points do not pin the exponent/);
});

test('fitPowerLaw: too few points, bad values and bad options are clear errors', () => {
  assert.throws(() => fitPowerLaw(exactPoints(SIZES.slice(0, 2))), {
    name: 'DataError', message: 'a power law has 3 parameters: need at least 3 points with distinct x, got 2',
  });
  assert.throws(() => fitPowerLaw([...exactPoints(SIZES.slice(0, 3)), { x: -1, y: 5 }]), /point 4 has x = -1: a size must be a positive finite number/);
  assert.throws(() => fitPowerLaw(exactPoints(SIZES), { alphaMax: 0.001 }), /PowerLawFitOptions.alphaMax must be a number > 0.01, got 0.001/);
});

test('fitPowerLaw: deterministic (the same input gives the same bits)', () => {
  const pts = noisyPoints(SIZES, 0.005, 9, 2);
  assert.deepEqual(fitPowerLaw(pts), fitPowerLaw(pts));
});
