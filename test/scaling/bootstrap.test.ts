import { test } from 'node:test';
import assert from 'node:assert/strict';
import { bootstrapPowerLaw, percentileBand, resampleGroups } from '../../lib/scaling/bootstrap';
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
  const b = bootstrapPowerLaw(noisyPoints(SIZES.slice(0, 4), 0.003, 4), { samples: 300 });
  assert.equal(b.samples, 300);
  assert.ok(b.redrawn > 0);
  assert.ok([b.band.E, b.band.x0, b.band.alpha].flat().every(Number.isFinite));
});

test('bootstrapPowerLaw: rising points stay finite and count the flat refits', () => {
  const b = bootstrapPowerLaw(SIZES.map((x, i) => ({ x, y: 5 + 0.01 * i })), { samples: 100, at: [1e9] });
  assert.equal(b.degenerate, 100);
  assert.ok([b.band.E, b.band.x0, b.band.alpha, [b.predictions[0].lo, b.predictions[0].hi]].flat().every(Number.isFinite));
});

test('bootstrapPowerLaw: bad options and too few points are clear errors', () => {
  assert.throws(() => bootstrapPowerLaw(exactPoints(SIZES), { level: 1 }), /BootstrapOptions.level must be a number in \(0, 1\), got 1/);
  assert.throws(() => bootstrapPowerLaw(exactPoints(SIZES), { samples: 0 }), /BootstrapOptions.samples must be a positive integer, got 0/);
  assert.throws(() => bootstrapPowerLaw(exactPoints(SIZES.slice(0, 2))), /need at least 3 points with distinct x, got 2/);
});
