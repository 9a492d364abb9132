/**
 * Bootstrap bands for a fitted power law: refit on B resampled data sets and take the
 * percentile interval of each parameter and of the law's value at given sizes. Two kinds:
 *
 * - `residual` (the default when some size has a single run): fit once, then for each resample
 *   keep the sizes and set y*_i = ŷ_i + e*_i / √w_i, with ŷ_i the fitted law and e*_i drawn with
 *   replacement from the modified residuals e_i = √w_i · r_i / √(1 − h_ii), centred on their
 *   mean (Davison & Hinkley 1997, alg. 6.3). h_ii is the leverage of point i in the law
 *   linearised at the fit, J_i = ∂L/∂(E, ln x0, alpha) = (1, alpha·t_i, (ln x0 − ln x_i)·t_i)
 *   with t_i = (x0/x_i)^alpha: h_ii = w_i J_iᵀ (JᵀWJ)⁻¹ J_i. Raw residuals are smaller than
 *   the noise (a 3-parameter fit to 4 points absorbs 3/4 of its variance, Σh = 3), so the
 *   scaling is what lets the band reach the noise level (`isLeverageScaled: false` turns it off; a
 *   point with h_ii = 1, as every point of a 3-point fit, has residual 0 and contributes 0).
 *   The residuals still carry only ν = n − 3 degrees of freedom about the noise level (one, for
 *   4 sizes), so a band read off them is as unsure as a z-interval with an estimated σ: the
 *   residuals are widened by t_ν((1 + l)/2) / z((1 + l)/2) (3.84 for 4 points at l = 0.9, 1.78
 *   for 5, 1.43 for 6), the Student correction a t-interval makes (`isStudentized: false` turns it
 *   off). Measured over 50 noise draws (sigma 0.002 on the paper's law, one run per size, 90%
 *   bands, the next size held out; test/scaling/bootstrap.test.ts), the prediction band covers
 *   the true value in 41, 45 and 44 of 50 draws at 4, 5 and 6 sizes (E, x0, alpha: 40-47);
 *   resampling the points instead covers it in 27, 45 and 49, the raw residuals in 16, 32, 33.
 *   Why not resample the points with one run per size: a point resample drops sizes and repeats
 *   others, and the refits of 4 points mostly pass through whichever 3 sizes were drawn, so they
 *   agree with each other and the band stays narrower than the noise.
 * - `points` (the default when every size has at least 2 runs, i.e. seeds): two-level
 *   resampling: draw as many sizes as there are distinct x, with replacement; for each drawn
 *   size draw its repeats (seeds) with replacement. The spread between seeds is then measured,
 *   not modelled. A resample with fewer than 3 distinct x cannot be fitted and is drawn again
 *   (counted in `redrawn`).
 *
 * The prediction band is for the law's value at x (what the size would average to over many
 * seeds), not for a single new run, which adds its own noise.
 * Percentile interval at level l: [q((1 − l)/2), q((1 + l)/2)] of the B refits, with q the
 * linear-interpolation quantile (type 7, simple-statistics quantileSorted).
 * Deterministic for a seed (lib/util/rng.ts).
 */
import { errorFunction, quantileSorted } from 'simple-statistics';
import { makeRng, type Rng } from '../util/rng';
import { checkInteger, checkNumber, checkOneOf } from '../util/validate';
import { fitPowerLaw, type PowerLawFit, type PowerLawFitOptions } from './fit';
import { solveSmall } from './linear';
import { powerLaw, type PowerLawParams } from './laws';
import { checkPoints, groupByX, type PointGroup, type ScalingPoint } from './points';

/** A percentile interval [lo, hi]. */
export type Band = readonly [number, number];

/** What is resampled (see the header); 'auto' picks by the number of runs per size. */
export type BootstrapKind = 'residual' | 'points';

export const BOOTSTRAP_KINDS: readonly (BootstrapKind | 'auto')[] = ['auto', 'residual', 'points'];

export interface BootstrapOptions {
  /** Resamples B. */
  readonly samples: number;
  readonly seed: number;
  /** Central coverage of each band (0.9: the 5th to the 95th percentile). */
  readonly level: number;
  /** Sizes at which to band the prediction. */
  readonly at: readonly number[];
  readonly fit: Partial<PowerLawFitOptions>;
  /** 'auto': residual unless every size has at least 2 runs, then points. */
  readonly kind: BootstrapKind | 'auto';
  /** Residual kind: scale each residual by 1/√(1 − h_ii) (see the header). */
  readonly isLeverageScaled: boolean;
  /** Residual kind: widen the residuals by the Student factor t_ν / z (see the header). */
  readonly isStudentized: boolean;
}

export const BOOTSTRAP_DEFAULTS: BootstrapOptions = { samples: 1000, seed: 0, level: 0.9, at: [], fit: {}, kind: 'auto', isLeverageScaled: true, isStudentized: true };

/** The bootstrap distribution summarised. */
export interface PowerLawBootstrap {
  /** The kind used ('auto' resolved). */
  readonly kind: BootstrapKind;
  /** Resamples fitted (= options.samples). */
  readonly samples: number;
  /** Resamples drawn again because they held fewer than 3 distinct x (points kind only). */
  readonly redrawn: number;
  /** Refits that came out flat (x0 = alpha = 0): they widen the x0 and alpha bands towards 0. */
  readonly degenerate: number;
  readonly level: number;
  /** The factor the residuals were multiplied by (1 for the points kind or without isStudentized). */
  readonly widen: number;
  readonly band: { readonly E: Band; readonly x0: Band; readonly alpha: Band };
  /** The prediction band at each size of options.at, in that order. */
  readonly predictions: { readonly x: number; readonly lo: number; readonly hi: number }[];
  /** Every refit's parameters, in draw order (for plotting a band as a curve). */
  readonly draws: PowerLawParams[];
}

/**
 * The percentile interval of `values` at central coverage `level`.
 * @example percentileBand([1, 2, 3, 4, 5], 0.5) // [2, 4]
 */
export function percentileBand(values: readonly number[], level: number): Band {
  const sorted = [...values].sort((a, b) => a - b);
  return [quantileSorted(sorted, (1 - level) / 2), quantileSorted(sorted, (1 + level) / 2)];
}

/** One two-level resample: sizes with replacement, then each size's runs with replacement. */
export function resampleGroups(groups: readonly PointGroup[], rng: Rng): ScalingPoint[] {
  const out: ScalingPoint[] = [];
  for (let g = 0; g < groups.length; g++) {
    const group = groups[rng.int(groups.length)];
    for (let k = 0; k < group.points.length; k++) out.push(group.points[rng.int(group.points.length)]);
  }
  return out;
}

/**
 * P(|T| <= t) for Student's t with an integer ν >= 1 degrees of freedom, in closed form
 * (Abramowitz & Stegun 26.7.3 and 26.7.4, θ = atan(t/√ν)):
 *   ν odd:  (2/π)·(θ + sin θ cos θ · (1 + (2/3)cos²θ + (2·4)/(3·5)cos⁴θ + ... up to cos^(ν−3)θ))  (ν = 1: 2θ/π)
 *   ν even: sin θ · (1 + (1/2)cos²θ + (1·3)/(2·4)cos⁴θ + ... up to cos^(ν−2)θ)
 * @example studentCentralProbability(6.314, 1) // 0.9
 */
export function studentCentralProbability(t: number, nu: number): number {
  const theta = Math.atan(Math.abs(t) / Math.sqrt(nu));
  const c2 = Math.cos(theta) ** 2;
  const isOdd = nu % 2 === 1;
  let term = 1, sum = nu > (isOdd ? 1 : 0) ? 1 : 0;
  for (let k = isOdd ? 3 : 2; k <= nu - 1; k += 2) {
    term *= (c2 * (k - 1)) / k;
    sum += term;
  }
  if (!isOdd) return Math.sin(theta) * sum;
  return (2 / Math.PI) * (theta + (nu > 1 ? Math.sin(theta) * Math.cos(theta) * sum : 0));
}

/** The t in [0, 1e4] where an increasing central probability reaches p (60 halvings). */
function bisectCentral(central: (t: number) => number, p: number): number {
  let lo = 0, hi = 1e4;
  for (let step = 0; step < 60; step++) {
    const mid = (lo + hi) / 2;
    if (central(mid) < p) lo = mid;
    else hi = mid;
  }
  return (lo + hi) / 2;
}

/**
 * The q-quantile (q > 0.5) of Student's t with integer ν >= 1 (bisection on
 * studentCentralProbability).
 * @example studentQuantile(0.95, 1) // 6.3138
 */
export function studentQuantile(q: number, nu: number): number {
  return bisectCentral((t) => studentCentralProbability(t, nu), 2 * q - 1);
}

/**
 * The q-quantile (q > 0.5) of the standard normal: bisection on P(|Z| <= z) = erf(z/√2)
 * (simple-statistics' probit is off by 1e-3 at 0.95).
 * @example normalQuantile(0.95) // 1.6449
 */
export function normalQuantile(q: number): number {
  return bisectCentral((z) => errorFunction(z / Math.SQRT2), 2 * q - 1);
}

/**
 * The residual widening t_ν((1 + l)/2) / z((1 + l)/2) with ν = n − 3 residual degrees of
 * freedom (1 when ν < 1: the residuals are then 0 anyway).
 * @example studentWidening(4, 0.9) // 6.314 / 1.645 = 3.84
 */
export function studentWidening(n: number, level: number): number {
  const nu = n - 3;
  if (nu < 1) return 1;
  const q = (1 + level) / 2;
  return studentQuantile(q, nu) / normalQuantile(q);
}

/** The kind 'auto' stands for: points when every size has at least 2 runs, else residual. */
export function autoBootstrapKind(groups: readonly PointGroup[]): BootstrapKind {
  return groups.every((g) => g.points.length >= 2) ? 'points' : 'residual';
}

/**
 * Leverages h_ii of the law linearised at the fit (see the header), in point order; undefined
 * when the linearisation is singular (a flat fit, or x0 at its overflow clamp).
 */
export function powerLawLeverages(points: readonly ScalingPoint[], params: PowerLawParams): number[] | undefined {
  const { x0, alpha } = params;
  if (!(x0 > 0 && alpha > 0 && x0 < Number.MAX_VALUE)) return undefined;
  const rows = points.map((p) => {
    const t = powerLaw(p.x, { E: 0, x0, alpha });
    return [1, alpha * t, (Math.log(x0) - Math.log(p.x)) * t];
  });
  const w = points.map((p) => p.weight ?? 1);
  const M = [0, 1, 2].map((a) => [0, 1, 2].map((b) => rows.reduce((s, r, i) => s + w[i] * r[a] * r[b], 0)));
  const h: number[] = [];
  for (let i = 0; i < rows.length; i++) {
    const v = solveSmall(M, rows[i]);
    if (!v) return undefined;
    h.push(Math.min(1, Math.max(0, w[i] * v.reduce((s, vj, j) => s + vj * rows[i][j], 0))));
  }
  return h;
}

/**
 * The centred modified residuals e_i = √w_i · r_i / √(1 − h_ii) of a fit (see the header);
 * a point with h_ii ≈ 1 (fitted exactly by construction) gives 0. Without leverages (a flat fit)
 * or with isLeverageScaled false the residuals are only weighted.
 */
export function modifiedResiduals(points: readonly ScalingPoint[], fit: PowerLawFit, isLeverageScaled: boolean): number[] {
  const h = isLeverageScaled ? powerLawLeverages(points, fit.params) : undefined;
  const e = points.map((p, i) => {
    const r = Math.sqrt(p.weight ?? 1) * fit.residuals[i];
    if (!h) return r;
    return 1 - h[i] > 1e-9 ? r / Math.sqrt(1 - h[i]) : 0;
  });
  const mean = e.reduce((s, v) => s + v, 0) / e.length;
  return e.map((v) => v - mean);
}

/** One residual resample: the fitted law at each point plus a drawn residual (unweighted back). */
export function resampleResiduals(points: readonly ScalingPoint[], fitted: readonly number[], residuals: readonly number[], rng: Rng): ScalingPoint[] {
  return points.map((p, i) => ({ ...p, y: fitted[i] + residuals[rng.int(residuals.length)] / Math.sqrt(p.weight ?? 1) }));
}

function checkBootstrapOptions(o: BootstrapOptions): void {
  checkInteger('BootstrapOptions.samples', o.samples, { min: 1 });
  checkInteger('BootstrapOptions.seed', o.seed);
  checkNumber('BootstrapOptions.level', o.level, { min: 0, max: 1, exclusiveMin: true, exclusiveMax: true });
  checkOneOf('BootstrapOptions.kind', o.kind, BOOTSTRAP_KINDS);
  o.at.forEach((x, i) => checkNumber(`BootstrapOptions.at[${i}]`, x, { min: 0, exclusiveMin: true }));
}

/** The B refits of one kind, with the count of point resamples drawn again. */
function drawRefits(points: readonly ScalingPoint[], kind: BootstrapKind, o: BootstrapOptions): { fits: PowerLawFit[]; redrawn: number; widen: number } {
  const rng = makeRng(o.seed);
  const fits: PowerLawFit[] = [];
  let redrawn = 0;
  if (kind === 'residual') {
    const fit = fitPowerLaw(points, o.fit);
    const fitted = points.map((p) => powerLaw(p.x, fit.params));
    const widen = o.isStudentized ? studentWidening(points.length, o.level) : 1;
    const residuals = modifiedResiduals(points, fit, o.isLeverageScaled).map((e) => widen * e);
    while (fits.length < o.samples) fits.push(fitPowerLaw(resampleResiduals(points, fitted, residuals, rng), o.fit));
    return { fits, redrawn, widen };
  }
  const groups = groupByX(points);
  while (fits.length < o.samples) {
    const sample = resampleGroups(groups, rng);
    // At least 3 of the sizes must be drawn (a draw does so with probability >= 6/27).
    if (new Set(sample.map((p) => p.x)).size < 3) {
      redrawn++;
      continue;
    }
    fits.push(fitPowerLaw(sample, o.fit));
  }
  return { fits, redrawn, widen: 1 };
}

/**
 * Bootstrap the fit of L(x) = E + (x0 / x)^alpha (see the header): B refits on residual or
 * point resamples, percentile bands for E, x0, alpha and for L at each size in `at`.
 * @throws DataError when the points cannot be fitted at all (fewer than 3 distinct x)
 * @example bootstrapPowerLaw(points, { samples: 1000, seed: 0, at: [7.55e7] }).band.alpha // [lo, hi]
 */
export function bootstrapPowerLaw(points: readonly ScalingPoint[], options: Partial<BootstrapOptions> = {}): PowerLawBootstrap {
  const o = { ...BOOTSTRAP_DEFAULTS, ...options };
  checkBootstrapOptions(o);
  checkPoints(points);
  const kind = o.kind === 'auto' ? autoBootstrapKind(groupByX(points)) : o.kind;
  const { fits, redrawn, widen } = drawRefits(points, kind, o);
  const draws = fits.map((f) => f.params);
  const band = {
    E: percentileBand(draws.map((d) => d.E), o.level),
    x0: percentileBand(draws.map((d) => d.x0), o.level),
    alpha: percentileBand(draws.map((d) => d.alpha), o.level),
  };
  const predictions = o.at.map((x) => {
    const [lo, hi] = percentileBand(draws.map((d) => powerLaw(x, d)), o.level);
    return { x, lo, hi };
  });
  const degenerate = fits.filter((f) => f.degenerate).length;
  return { kind, samples: draws.length, redrawn, degenerate, level: o.level, widen, band, predictions, draws };
}
