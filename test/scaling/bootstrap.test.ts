import { test } from 'node:test';
import assert from 'node:assert/strict';
import { bootstrapPowerLaw, percentileBand, powerLawLeverages, resampleGroups, normalQuantile, studentQuantile, studentWidening, type BootstrapOptions } from '../../lib/scaling/bootstrap';
import { powerLaw } from '../../lib/scaling/laws';
import { groupByX } from '../../lib/scaling/points';
import { makeRng } from '../../lib/util/rng';
import { exactPoints, noisyPoints, PAPER_LAW, SIZES } from './paper';

const covers = (band: readonly [number, number], v: number) => band[0] <= v && v <= band[1];

test('percentileBand: type-7 quantiles at (1 − l)/2 and (1 + l)/2', () => {
  // Sorted 1..5, level 0.5: quantiles 0.25 and 0.75 at positions 1 and 3.
  assert.deepEqual(percentileBand([5, 1, 4, 2, 3], 0.5), [2, 4]);
  // 1..11, level 0.9: positions 0.5 and 9.5.
  assert.deepEqual(percentileBand(Array.from({ length: 11 }, (_, i) => i + 1), 0.9), [1.5, 10.5]);
});

test('resampleGroups: as many sizes as there are, each with as many runs as it has', () => {
  const groups = groupByX([{ x: 1, y: 1 }, { x: 1, y: 2 }, { x: 2, y: 3 }, { x: 3, y: 4 }, { x: 3, y: 5 }, { x: 3, y: 6 }]);
  const rng = makeRng(5);
  for (let t = 0; t < 20; t++) {
    const s = resampleGroups(groups, rng);
    // Every drawn point comes from a real group, and a group's runs stay within it.
    assert.ok(s.every((p) => groups.some((g) => g.points.includes(p))));
    assert.ok(s.length >= 3 && s.length <= 9);
  }
});

test('bootstrapPowerLaw: exact points give a zero-width band at the true values', () => {
  const b = bootstrapPowerLaw(exactPoints(SIZES), { samples: 200, at: [8e8] });
  assert.equal(b.samples, 200);
  assert.ok(b.band.alpha[1] - b.band.alpha[0] < 1e-9 && Math.abs(b.band.alpha[0] - 0.121) < 1e-9);
  assert.ok(Math.abs(b.predictions[0].lo - powerLaw(8e8, PAPER_LAW)) < 1e-9);
});

test('bootstrapPowerLaw: noisy points (3 seeds per size, sigma 0.003): the 90% band covers the true E, x0, alpha and L', () => {
  const pts = noisyPoints(SIZES, 0.003, 0, 3);
  const b = bootstrapPowerLaw(pts, { seed: 1, at: [75.5e6, 8e8] });
  assert.equal(b.level, 0.9);
  assert.ok(covers(b.band.E, 4.9), `E band ${b.band.E}`);
  assert.ok(covers(b.band.x0, 6.8e5), `x0 band ${b.band.x0}`);
  assert.ok(covers(b.band.alpha, 0.121), `alpha band ${b.band.alpha}`);
  // Informative, not vacuous: alpha known to within ±0.03.
  assert.ok(b.band.alpha[1] - b.band.alpha[0] < 0.06, `alpha band ${b.band.alpha}`);
  for (const p of b.predictions) assert.ok(p.lo <= powerLaw(p.x, PAPER_LAW) && powerLaw(p.x, PAPER_LAW) <= p.hi, JSON.stringify(p));
  assert.equal(b.degenerate, 0);
});

test('bootstrapPowerLaw: deterministic for a seed, different for another', () => {
  const pts = noisyPoints(SIZES, 0.003, 2, 2);
  const a = bootstrapPowerLaw(pts, { samples: 100, seed: 7 });
  assert.deepEqual(bootstrapPowerLaw(pts, { samples: 100, seed: 7 }), a);
  assert.notDeepEqual(bootstrapPowerLaw(pts, { samples: 100, seed: 8 }).band, a.band);
});

test('bootstrapPowerLaw: four points, one run each: resamples with < 3 sizes are drawn again', () => {
  // P(a draw of 4 from 4 has <= 2 distinct) = (4 + 6·14) / 256 = 0.34: some redraws are expected.
  const b = bootstrapPowerLaw(noisyPoints(SIZES.slice(0, 4), 0.003, 4), { samples: 300, kind: 'points' });
  assert.equal(b.samples, 300);
  assert.ok(b.redrawn > 0);
  assert.ok([b.band.E, b.band.x0, b.band.alpha].flat().every(Number.isFinite));
});

test('bootstrapPowerLaw: rising points stay finite and count the flat refits', () => {
  const rising = SIZES.map((x, i) => ({ x, y: 5 + 0.01 * i }));
  const b = bootstrapPowerLaw(rising, { samples: 100, at: [1e9], kind: 'points' });
  assert.equal(b.degenerate, 100);
  assert.ok([b.band.E, b.band.x0, b.band.alpha, [b.predictions[0].lo, b.predictions[0].hi]].flat().every(Number.isFinite));
  // residuals about the flat fit: some resamples fall with x, the rest are flat again
  const r = bootstrapPowerLaw(rising, { samples: 100, at: [1e9] });
  assert.ok(r.kind === 'residual' && r.degenerate > 0 && r.degenerate < 100, `${r.degenerate}`);
  assert.ok([r.band.E, r.band.x0, r.band.alpha, [r.predictions[0].lo, r.predictions[0].hi]].flat().every(Number.isFinite));
});

test('bootstrapPowerLaw: bad options and too few points are clear errors', () => {
  assert.throws(() => bootstrapPowerLaw(exactPoints(SIZES), { level: 1 }), /BootstrapOptions.level must be a number in \(0, 1\), got 1/);
  assert.throws(() => bootstrapPowerLaw(exactPoints(SIZES), { samples: 0 }), /BootstrapOptions.samples must be a positive integer, got 0/);
  assert.throws(() => bootstrapPowerLaw(exactPoints(SIZES.slice(0, 2))), /need at least 3 points with distinct x, got 2/);
});

// Coverage over noise draws: the paper's law plus N(0, 0.002²) at the first n of 98.3K, 0.8M,
// 3.2M, 9.4M, 25M, 75.5M, 0.8B (n = 4, 5, 6), one run per size, the next size held out.
const COVERAGE_SIZES = [98.3e3, 0.8e6, 3.2e6, 9.4e6, 25e6, 75.5e6, 0.8e9];
function coverage(n: number, options: Partial<BootstrapOptions>): { prediction: number; E: number; x0: number; alpha: number } {
  const c = { prediction: 0, E: 0, x0: 0, alpha: 0 };
  const held = COVERAGE_SIZES[n];
  for (let draw = 0; draw < 50; draw++) {
    const b = bootstrapPowerLaw(noisyPoints(COVERAGE_SIZES.slice(0, n), 0.002, 1000 + draw), { samples: 200, seed: draw, at: [held], ...options });
    c.prediction += +covers([b.predictions[0].lo, b.predictions[0].hi], powerLaw(held, PAPER_LAW));
    c.E += +covers(b.band.E, PAPER_LAW.E);
    c.x0 += +covers(b.band.x0, PAPER_LAW.x0);
    c.alpha += +covers(b.band.alpha, PAPER_LAW.alpha);
  }
  return c;
}

test('bootstrapPowerLaw: one run per size: the residual kind by default; its 90% bands cover the truth in 80-98% of 50 noise draws', () => {
  const measured = [4, 5, 6].map((n) => coverage(n, {}));
  // Measured (of 50, at n = 4, 5, 6): prediction 41, 45, 44; E 40, 46, 46; x0 40, 46, 46; alpha 40, 47, 46.
  for (const c of measured) {
    for (const [name, k] of Object.entries(c)) assert.ok(k >= 38 && k <= 49, `${name} covered in ${k} of 50: ${JSON.stringify(measured)}`);
  }
});

test('bootstrapPowerLaw: without the leverage and Student scaling, or over points, 4 single runs give bands too narrow', () => {
  // Measured (of 50, prediction at 25M): points 27, raw residuals 16; the default 41.
  assert.ok(coverage(4, { kind: 'points' }).prediction <= 32);
  assert.ok(coverage(4, { isLeverageScaled: false, isStudentized: false }).prediction <= 25);
});

test('bootstrapPowerLaw: auto picks residual for single runs, points when every size has seeds', () => {
  assert.equal(bootstrapPowerLaw(noisyPoints(SIZES, 0.003, 1), { samples: 20 }).kind, 'residual');
  assert.equal(bootstrapPowerLaw(noisyPoints(SIZES, 0.003, 1, 2), { samples: 20 }).kind, 'points');
  // one size with a single run: its noise is not measured by seeds, so residual
  const mixed = [...noisyPoints(SIZES, 0.003, 1, 2), { x: 2e8, y: 5.4 }];
  assert.equal(bootstrapPowerLaw(mixed, { samples: 20 }).kind, 'residual');
  assert.equal(bootstrapPowerLaw(mixed, { samples: 20, kind: 'points' }).kind, 'points');
  const r = bootstrapPowerLaw(noisyPoints(SIZES, 0.003, 1), { samples: 50, seed: 3 });
  assert.deepEqual(bootstrapPowerLaw(noisyPoints(SIZES, 0.003, 1), { samples: 50, seed: 3 }), r);
  assert.equal(r.redrawn, 0);
  assert.ok(Math.abs(r.widen - 1.4307) < 1e-4, `t(0.95, 3) / z(0.95) = 2.3534 / 1.6449 = 1.4307, got ${r.widen}`);
  assert.throws(() => bootstrapPowerLaw(exactPoints(SIZES), { kind: 'cases' as 'points' }), /BootstrapOptions.kind must be one of auto, residual, points, got 'cases'/);
});

test('studentQuantile: the t table; studentWidening: 1 when no residual freedom is left', () => {
  // t(0.95): 6.3138 (ν 1), 2.9200 (2), 2.1318 (4); t(0.975, 10) = 2.2281
  for (const [q, nu, t] of [[0.95, 1, 6.3138], [0.95, 2, 2.92], [0.95, 4, 2.1318], [0.975, 10, 2.2281]]) {
    assert.ok(Math.abs(studentQuantile(q, nu) - t) < 1e-4, `${q} ${nu}`);
  }
  assert.equal(studentWidening(3, 0.9), 1);
  assert.ok(Math.abs(normalQuantile(0.95) - 1.644854) < 1e-6 && Math.abs(normalQuantile(0.975) - 1.959964) < 1e-6);
  assert.ok(Math.abs(studentWidening(4, 0.9) - 6.3138 / 1.6449) < 1e-3);
});

test('powerLawLeverages: sum to 3 (the parameters) and lie in [0, 1]; undefined for a flat law', () => {
  const pts = exactPoints(SIZES);
  const h = powerLawLeverages(pts, PAPER_LAW)!;
  assert.ok(Math.abs(h.reduce((s, v) => s + v, 0) - 3) < 1e-9, `${h}`);
  assert.ok(h.every((v) => v >= 0 && v <= 1));
  // 3 points, 3 parameters: each fitted exactly, leverage 1
  assert.ok(powerLawLeverages(pts.slice(0, 3), PAPER_LAW)!.every((v) => Math.abs(v - 1) < 1e-9));
  assert.equal(powerLawLeverages(pts, { E: 5, x0: 0, alpha: 0 }), undefined);
});
