import { test } from 'node:test';
import assert from 'node:assert/strict';
import { isoLossCurve, isoLossN } from '../../lib/scaling/iso-loss';
import { jointLaw, type JointLawParams } from '../../lib/scaling/laws';
import { logSpace } from '../../lib/scaling/search';

const LAW: JointLawParams = { E: 4.9, N0: 6.8e5, aN: 0.3, D0: 2e6, aD: 0.25 };

test('isoLossN: hand-worked values', () => {
  // 2 + 100/N + 100/D = 4 with D = 100: 100/N = 1, N = 100; with D = 200: 100/N = 1.5, N = 66.67.
  const p = { E: 2, N0: 100, aN: 1, D0: 100, aD: 1 };
  assert.equal(isoLossN(p, 4, 100), 100);
  assert.ok(Math.abs(isoLossN(p, 4, 200)! - 200 / 3) < 1e-12);
  // D = 50: the data term alone is 2 = l − E: no finite N reaches it; below that neither.
  assert.equal(isoLossN(p, 4, 50), undefined);
  assert.equal(isoLossN(p, 4, 10), undefined);
  assert.equal(isoLossN(p, 2, 1e9), undefined, 'the level E itself is never reached');
});

test('each point of a curve lies on the law at that level; N falls as D grows', () => {
  for (const level of [5.2, 5.6, 6.5]) {
    const curve = isoLossCurve(LAW, level, logSpace(1e4, 1e10, 61));
    assert.ok(curve.length > 10, `${level}: ${curve.length} points`);
    for (const { N, D } of curve) assert.ok(Math.abs(jointLaw(N, D, LAW) - level) < 1e-9, `${level} at D ${D}`);
    for (let i = 1; i < curve.length; i++) assert.ok(curve[i].N < curve[i - 1].N && curve[i].D > curve[i - 1].D);
  }
});

test('a curve keeps only the N inside the range; a law without an N term has none', () => {
  const ds = logSpace(1e4, 1e10, 61);
  const all = isoLossCurve(LAW, 5.6, ds);
  const inRange = isoLossCurve(LAW, 5.6, ds, 1e5, 1e7);
  assert.deepEqual(inRange, all.filter((p) => p.N >= 1e5 && p.N <= 1e7));
  assert.ok(inRange.length > 0 && inRange.length < all.length);
  assert.deepEqual(isoLossCurve({ ...LAW, N0: 0, aN: 0 }, 5.6, ds), []);
});
