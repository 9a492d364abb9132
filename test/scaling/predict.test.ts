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
