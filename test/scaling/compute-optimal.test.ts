import { test } from 'node:test';
import assert from 'node:assert/strict';
import { computeFrontier, computeOptimal, frontierExponent } from '../../lib/scaling/compute-optimal';
import { jointLaw, type JointLawParams } from '../../lib/scaling/laws';

const LAW: JointLawParams = { E: 4.9, N0: 6.8e5, aN: 0.3, D0: 2e6, aD: 0.25 };

/** Brute force: L(N, C / 6N) on a grid of 200,001 sizes log-spaced over [1, C / 6]. */
function bruteForce(p: JointLawParams, C: number): { N: number; loss: number } {
  let best = { N: 1, loss: Infinity };
  const hi = Math.log(C / 6);
  for (let i = 0; i <= 200_000; i++) {
    const N = Math.exp((hi * i) / 200_000);
    const loss = jointLaw(N, C / (6 * N), p);
    if (loss < best.loss) best = { N, loss };
  }
  return best;
}

test('computeOptimal: matches a brute-force grid search over N', () => {
  for (const C of [1e15, 1e18, 1e21]) {
    const opt = computeOptimal(LAW, C);
    const bf = bruteForce(LAW, C);
    // The grid step in ln N is ln(C/6) / 2e5 < 2.5e-4: N* agrees to that, the loss much closer.
    assert.ok(Math.abs(Math.log(opt.N / bf.N)) < 5e-4, `C ${C}: ${opt.N} vs ${bf.N}`);
    assert.ok(opt.loss <= bf.loss + 1e-12 && bf.loss - opt.loss < 1e-9);
    assert.ok(Math.abs(6 * opt.N * opt.D - C) < 1e-6 * C);
    assert.equal(opt.note, undefined);
  }
});

test('computeOptimal: the symmetric case by hand, N* = sqrt(C / 6)', () => {
  // N0 = D0 = 1, aN = aD = 1/2: L = E + N^-1/2 + (6N / C)^1/2 is least at N = sqrt(C / 6).
  const opt = computeOptimal({ E: 2, N0: 1, aN: 0.5, D0: 1, aD: 0.5 }, 6e8);
  assert.ok(Math.abs(opt.N - 1e4) < 1e-8 && Math.abs(opt.D - 1e4) < 1e-8);
  assert.ok(Math.abs(opt.loss - 2.02) < 1e-12);
});

test('computeFrontier: N* grows as C^(aD / (aN + aD))', () => {
  const f = computeFrontier(LAW, 1e15, 1e21, 7);
  assert.equal(f.length, 7);
  const k = frontierExponent(LAW)!; // 0.25 / 0.55
  for (let i = 1; i < f.length; i++) {
    const slope = Math.log(f[i].N / f[i - 1].N) / Math.log(f[i].C / f[i - 1].C);
    assert.ok(Math.abs(slope - k) < 1e-9, `slope ${slope}`);
    assert.ok(f[i].loss < f[i - 1].loss);
  }
});

test('computeOptimal: a range clamps, a missing term sends N* to a bound, with notes', () => {
  const clamped = computeOptimal(LAW, 1e18, { nMax: 1e3 });
  assert.equal(clamped.N, 1e3);
  assert.match(clamped.note!, /lies outside \[1, 1000\]: clamped/);
  const noData = computeOptimal({ ...LAW, D0: 0, aD: 0 }, 6e10);
  assert.equal(noData.N, 1e10); // all compute to the model: N = C / 6, D = 1
  assert.match(noData.note!, /no data-size term/);
  const noModel = computeOptimal({ ...LAW, N0: 0, aN: 0 }, 6e10);
  assert.equal(noModel.N, 1);
  assert.throws(() => computeOptimal(LAW, 0), /compute budget C must be a positive number, got 0/);
});
