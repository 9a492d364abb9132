import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fitWithHoldout } from '../../lib/scaling/predict';
import { exactPoints, noisyPoints, PAPER_SIZES } from './paper';

test('fitWithHoldout: the paper\'s test: four sizes (98.3K..9.4M) predict 75.5M and 0.8B exactly on exact points', () => {
  const r = fitWithHoldout(exactPoints(PAPER_SIZES), 2, { samples: 200 });
  assert.deepEqual(r.fitted.map((p) => p.x), PAPER_SIZES.slice(0, 4));
  assert.deepEqual(r.heldOut.map((h) => h.x), [75.5e6, 0.8e9]);
  for (const h of r.heldOut) {
    assert.ok(Math.abs(h.errorPct) < 1e-6, JSON.stringify(h));
    assert.ok(h.lo <= h.predicted + 1e-9 && h.predicted <= h.hi + 1e-9);
  }
});

test('fitWithHoldout: noisy points (sigma 0.003) predict 75.5M and 0.8B within 1%', () => {
  // Over noise seeds 100..104 the errors stay within 0.7% (checked once); seed 100 here.
  const r = fitWithHoldout(noisyPoints(PAPER_SIZES, 0.003, 100), 2, { seed: 0 });
  assert.equal(r.heldOut.length, 2);
  for (const h of r.heldOut) {
    assert.ok(Math.abs(h.errorPct) < 1, JSON.stringify(h));
    assert.equal(h.errorPct, (100 * (h.predicted - h.actual)) / h.actual);
    assert.ok(h.lo <= h.hi);
  }
});

test('fitWithHoldout: repeats at a held-out size average into `actual`', () => {
  const pts = [...exactPoints(PAPER_SIZES.slice(0, 4)), { x: 1e9, y: 5.3 }, { x: 1e9, y: 5.4 }];
  const r = fitWithHoldout(pts, 1, { samples: 50 });
  assert.equal(r.heldOut.length, 1);
  assert.ok(Math.abs(r.heldOut[0].actual - 5.35) < 1e-12);
});

test('fitWithHoldout: k = 0 fits everything; too many held out is a clear error', () => {
  const pts = exactPoints(PAPER_SIZES);
  const all = fitWithHoldout(pts, 0, { samples: 20 });
  assert.equal(all.fitted.length, 6);
  assert.deepEqual(all.heldOut, []);
  assert.throws(() => fitWithHoldout(pts, 4), { name: 'DataError', message: 'cannot hold out 4 of 6 sizes: the fit needs 3 distinct x; hold out at most 3' });
  assert.throws(() => fitWithHoldout(pts, -1), /must be an integer >= 0, got -1/);
});

test('fitWithHoldout: one run per size: the residual bootstrap by default; its band reaches the noise', () => {
  // Noise seed 102 (sigma 0.002): over the points the 75.5M band is [5.4671, 5.4751] and misses
  // the law's 5.4656; the residual band is [5.4592, 5.4822] (both measured once).
  const pts = noisyPoints(PAPER_SIZES, 0.002, 102);
  const truth = 4.9 + (6.8e5 / 75.5e6) ** 0.121;
  const byPoints = fitWithHoldout(pts, 2, { kind: 'points' });
  const byDefault = fitWithHoldout(pts, 2);
  assert.equal(byPoints.bootstrap.kind, 'points');
  assert.equal(byDefault.bootstrap.kind, 'residual');
  assert.ok(byPoints.heldOut[0].lo > truth, JSON.stringify(byPoints.heldOut[0]));
  assert.ok(byDefault.heldOut[0].lo <= truth && truth <= byDefault.heldOut[0].hi, JSON.stringify(byDefault.heldOut[0]));
  // the point prediction is the fit's, whatever the band
  assert.equal(byDefault.heldOut[0].predicted, byPoints.heldOut[0].predicted);
});
