import { test } from 'node:test';
import assert from 'node:assert/strict';
import { logSlope, mean, meanInterval, median, pairedInterval, sampleStd, slopeDifference, tCentralProbability, tQuantile, welchInterval } from '../../lib/util/stats';

const close = (a: number, b: number, tol: number, what: string) => assert.ok(Math.abs(a - b) <= tol, `${what}: ${a} vs ${b}`);

test('mean and sampleStd by hand; one value has no spread; an empty list is an error', () => {
  assert.equal(mean([1, 2, 6]), 3);
  // ((1-3)² + (2-3)² + (6-3)²) / (3 - 1) = (4 + 1 + 9) / 2 = 7
  close(sampleStd([1, 2, 6]), Math.sqrt(7), 1e-15, 'std');
  assert.equal(sampleStd([5, 5, 5]), 0);
  assert.equal(mean([4]), 4);
  assert.ok(Number.isNaN(sampleStd([4])));
  assert.throws(() => mean([]), /mean of an empty list/);
});

test('tCentralProbability: the closed forms against known values', () => {
  // ν = 1 is the Cauchy distribution: P(|T| <= 1) = 2·atan(1)/π = 1/2.
  close(tCentralProbability(1, 1), 0.5, 1e-15, 'cauchy');
  // ν = 2: P(|T| <= t) = t / √(t² + 2); at t = 2: 2/√6.
  close(tCentralProbability(2, 2), 2 / Math.sqrt(6), 1e-15, 'nu 2');
  assert.equal(tCentralProbability(0, 7), 0);
  assert.equal(tCentralProbability(Infinity, 3), 1);
  close(tCentralProbability(-2, 2), tCentralProbability(2, 2), 0, 'symmetric');
  assert.throws(() => tCentralProbability(1, 0), /degrees of freedom must be a positive integer, got 0/);
  assert.throws(() => tCentralProbability(1, 2.5), /got 2\.5/);
});

test('tQuantile: the 97.5% critical values of t tables (ν = 1, 2, 3, 4, 5, 10, 30, 120)', () => {
  const table: [number, number][] = [[1, 12.7062], [2, 4.3027], [3, 3.1824], [4, 2.7764], [5, 2.5706], [10, 2.2281], [30, 2.0423], [120, 1.9799]];
  for (const [df, t] of table) close(tQuantile(0.975, df), t, 5e-5, `df ${df}`);
  close(tQuantile(0.025, 4), -2.7764, 5e-5, 'lower tail');
  close(tQuantile(0.5, 9), 0, 1e-9, 'median');
  assert.throws(() => tQuantile(1, 3), /p in \(0, 1\), got 1/);
});

test('meanInterval: mean, std and the 95% t half-width; one value has none', () => {
  // [1, 2, 6]: mean 3, s = √7, half-width = t(0.975, 2)·√7/√3 = 4.30265·1.52753 = 6.5725.
  const m = meanInterval([1, 2, 6]);
  assert.equal(m.n, 3);
  assert.equal(m.mean, 3);
  close(m.halfWidth!, 4.302653 * Math.sqrt(7 / 3), 1e-5, 'half-width');
  // 90%: t(0.95, 2) = 2.91999.
  close(meanInterval([1, 2, 6], 0.9).halfWidth!, 2.919986 * Math.sqrt(7 / 3), 1e-5, '90%');
  assert.deepEqual(meanInterval([0.25]), { n: 1, mean: 0.25, std: NaN, halfWidth: undefined });
  assert.equal(meanInterval([2, 2]).halfWidth, 0);
  assert.throws(() => meanInterval([1, 2], 1), /confidence level must be in \(0, 1\), got 1/);
});

test('welchInterval: difference of means, Welch df rounded down, worked by hand', () => {
  // a = [1, 2, 6]: mean 3, s² 7, s²/n 7/3; b = [0.5, 0.7, 0.9, 1.1]: mean 0.8, s² 1/15, s²/n 1/60.
  // se² = 2.35; ν = 2.35² / ((7/3)²/2 + (1/60)²/3) = 2.0286 -> df 2; t(0.975, 2) = 4.302653.
  const w = welchInterval([1, 2, 6], [0.5, 0.7, 0.9, 1.1]);
  assert.ok(Math.abs(w.diff - 2.2) < 1e-12);
  assert.equal(w.df, 2);
  assert.ok(Math.abs(w.halfWidth - 4.302653 * Math.sqrt(2.35)) < 1e-5, String(w.halfWidth));
  // Equal spreads and sizes: ν = 2(n - 1) exactly, the pooled t-interval's df.
  const e = welchInterval([1, 2, 3], [11, 12, 13]);
  assert.deepEqual([e.diff, e.df], [-10, 4]);
  assert.ok(Math.abs(e.halfWidth - tQuantile(0.975, 4) * Math.sqrt(2 / 3)) < 1e-9);
  // No spread at all: a zero-width interval.
  assert.deepEqual(welchInterval([2, 2], [1, 1, 1]), { diff: 1, halfWidth: 0, df: 3 });
  assert.throws(() => welchInterval([1], [1, 2]), /two or more values on each side, got 1 and 2/);
});

test('pairedInterval: the t-interval of the per-pair differences, worked by hand, narrower than Welch when pairs share an offset', () => {
  // d = 0.10, 0.11, 0.15: mean 0.12, s_d² = (0.0004 + 0.0001 + 0.0009) / 2 = 0.0007; t(0.975, 2) = 4.302653.
  const p = pairedInterval([6.10, 6.12, 6.17], [6.00, 6.01, 6.02]);
  assert.ok(Math.abs(p.diff - 0.12) < 1e-12);
  assert.deepEqual([p.n, p.df], [3, 2]);
  assert.ok(Math.abs(p.halfWidth - (4.302653 * Math.sqrt(0.0007)) / Math.sqrt(3)) < 1e-6, String(p.halfWidth));
  // A large per-seed offset shared by both sides: Welch sees the spread, the pairs do not.
  const a = [1.0, 2.0, 3.0].map((x) => x + 0.05), b = [1.0, 2.0, 3.0];
  assert.ok(welchInterval(a, b).halfWidth > 1);
  assert.ok(pairedInterval(a, b).halfWidth < 1e-9);
  assert.throws(() => pairedInterval([1, 2], [1, 2, 3]), /as many values on each side, got 2 and 3/);
  assert.throws(() => pairedInterval([1], [2]), /two or more pairs, got 1/);
});

test('median: the middle value, or the mean of the two middle ones; an empty list is an error', () => {
  assert.equal(median([5, 1, 3]), 3);
  assert.equal(median([4, 1, 3, 2]), 2.5);
  assert.equal(median([7]), 7);
  assert.throws(() => median([]), /empty/);
});

test('logSlope: the hand-worked three points (u = 0, 1, 2; y = 1, 2, 2)', () => {
  const s = logSlope([{ x: 1, y: 1 }, { x: Math.E, y: 2 }, { x: Math.E ** 2, y: 2 }]);
  assert.equal(s.n, 3);
  assert.equal(s.df, 1);
  assert.ok(Math.abs(s.slope - 0.5) < 1e-12);
  assert.ok(Math.abs(s.se - Math.sqrt(1 / 12)) < 1e-12);
  assert.ok(Math.abs(s.halfWidth! - 12.706205 * Math.sqrt(1 / 12)) < 1e-5);
});

test('logSlope: an exact line in ln x has its slope and zero error, in any order; two points have no interval', () => {
  const pts = [3, 100, 7, 4096].map((x) => ({ x, y: 2 - 0.25 * Math.log(x) }));
  const s = logSlope(pts);
  assert.ok(Math.abs(s.slope + 0.25) < 1e-12);
  assert.ok(s.se < 1e-7 && s.halfWidth! < 1e-6);
  assert.ok(Math.abs(logSlope([...pts].reverse()).slope - s.slope) < 1e-12);
  // The slope of y on ln x does not depend on the base of the size unit: x · 1000 shifts u only.
  assert.ok(Math.abs(logSlope(pts.map((p) => ({ x: p.x * 1000, y: p.y }))).slope - s.slope) < 1e-12);
  const two = logSlope(pts.slice(0, 2));
  assert.equal(two.halfWidth, undefined);
  assert.throws(() => logSlope([{ x: 2, y: 1 }, { x: 2, y: 3 }]), /distinct x/);
  assert.throws(() => logSlope([{ x: 0, y: 1 }, { x: 2, y: 3 }]), /x > 0/);
});

test('slopeDifference: se adds in quadrature over the smaller df', () => {
  const a = { n: 4, slope: -0.1, se: 0.02, df: 2, halfWidth: 0.086 };
  const b = { n: 5, slope: 0, se: 0.015, df: 3, halfWidth: 0.05 };
  const d = slopeDifference(a, b);
  assert.ok(Math.abs(d.diff + 0.1) < 1e-12);
  assert.equal(d.df, 2);
  assert.ok(Math.abs(d.halfWidth! - tQuantile(0.975, 2) * 0.025) < 1e-12);
  assert.equal(slopeDifference(a, { ...b, df: 0, halfWidth: undefined }).halfWidth, undefined);
});
