/**
 * Bootstrap bands for a fitted power law: refit on B resamples of the points and take the
 * percentile interval of each parameter and of the prediction at given sizes.
 * Resampling is two-level: draw as many sizes as there are distinct x, with replacement (the
 * "over points" bootstrap); for each drawn size draw its repeats (seeds) with replacement (the
 * "over seeds" bootstrap; a size with one run contributes that run). A resample with fewer than
 * 3 distinct x cannot be fitted and is drawn again (counted in `redrawn`).
 * Percentile interval at level l: [q((1 − l)/2), q((1 + l)/2)] of the B refits, with q the
 * linear-interpolation quantile (type 7, simple-statistics quantileSorted).
 * Deterministic for a seed (lib/util/rng.ts).
 */
import { quantileSorted } from 'simple-statistics';
import { makeRng, type Rng } from '../util/rng';
import { checkInteger, checkNumber } from '../util/validate';
import { fitPowerLaw, type PowerLawFitOptions } from './fit';
import { powerLaw, type PowerLawParams } from './laws';
import { checkPoints, groupByX, type PointGroup, type ScalingPoint } from './points';

/** A percentile interval [lo, hi]. */
export type Band = readonly [number, number];

export interface BootstrapOptions {
  /** Resamples B. */
  readonly samples: number;
  readonly seed: number;
  /** Central coverage of each band (0.9: the 5th to the 95th percentile). */
  readonly level: number;
  /** Sizes at which to band the prediction. */
  readonly at: readonly number[];
  readonly fit: Partial<PowerLawFitOptions>;
}

export const BOOTSTRAP_DEFAULTS: BootstrapOptions = { samples: 1000, seed: 0, level: 0.9, at: [], fit: {} };

/** The bootstrap distribution summarised. */
export interface PowerLawBootstrap {
  /** Resamples fitted (= options.samples). */
  readonly samples: number;
  /** Resamples drawn again because they held fewer than 3 distinct x. */
  readonly redrawn: number;
  /** Refits that came out flat (x0 = alpha = 0): they widen the x0 and alpha bands towards 0. */
  readonly degenerate: number;
  readonly level: number;
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

function checkBootstrapOptions(o: BootstrapOptions): void {
  checkInteger('BootstrapOptions.samples', o.samples, { min: 1 });
  checkInteger('BootstrapOptions.seed', o.seed);
  checkNumber('BootstrapOptions.level', o.level, { min: 0, max: 1, exclusiveMin: true, exclusiveMax: true });
  o.at.forEach((x, i) => checkNumber(`BootstrapOptions.at[${i}]`, x, { min: 0, exclusiveMin: true }));
}

/**
 * Bootstrap the fit of L(x) = E + (x0 / x)^alpha (see the header): B refits on resampled
 * points, percentile bands for E, x0, alpha and for L at each size in `at`.
 * @throws DataError when the points cannot be fitted at all (fewer than 3 distinct x)
 * @example bootstrapPowerLaw(points, { samples: 1000, seed: 0, at: [7.55e7] }).band.alpha // [lo, hi]
 */
export function bootstrapPowerLaw(points: readonly ScalingPoint[], options: Partial<BootstrapOptions> = {}): PowerLawBootstrap {
  const o = { ...BOOTSTRAP_DEFAULTS, ...options };
  checkBootstrapOptions(o);
  checkPoints(points);
  const groups = groupByX(points);
  const rng = makeRng(o.seed);
  const draws: PowerLawParams[] = [];
  let redrawn = 0, degenerate = 0;
  while (draws.length < o.samples) {
    const sample = resampleGroups(groups, rng);
    // At least 3 of the sizes must be drawn (a draw does so with probability >= 6/27).
    if (new Set(sample.map((p) => p.x)).size < 3) {
      redrawn++;
      continue;
    }
    const fit = fitPowerLaw(sample, o.fit);
    if (fit.degenerate) degenerate++;
    draws.push(fit.params);
  }
  const band = {
    E: percentileBand(draws.map((d) => d.E), o.level),
    x0: percentileBand(draws.map((d) => d.x0), o.level),
    alpha: percentileBand(draws.map((d) => d.alpha), o.level),
  };
  const predictions = o.at.map((x) => {
    const [lo, hi] = percentileBand(draws.map((d) => powerLaw(x, d)), o.level);
    return { x, lo, hi };
  });
  return { samples: draws.length, redrawn, degenerate, level: o.level, band, predictions, draws };
}
