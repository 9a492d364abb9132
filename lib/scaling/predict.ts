/**
 * Predict held-out sizes from a law fitted on the smaller ones, the paper's test of predictable
 * scaling (section IV-A: four ML-20M models of 98.3K..9.4M parameters predict the 75.5M and
 * 0.8B models). The k largest distinct x are held out; the law is fitted on the rest and its
 * bootstrap band (bootstrap.ts) is taken at each held-out x: by default a residual bootstrap
 * when some fitted size has a single run (the bands then reach the measurement noise), over
 * points and seeds when every fitted size has several runs (options.kind overrides).
 *   predicted = E + (x0 / x)^alpha with the full fit's parameters
 *   actual    = the mean loss of the runs at x (several seeds average)
 *   errorPct  = 100 · (predicted − actual) / actual (signed: > 0 when the law predicts too high)
 */
import { DataError } from '../util/errors';
import { bootstrapPowerLaw, type BootstrapOptions, type PowerLawBootstrap } from './bootstrap';
import { fitPowerLaw, type PowerLawFit } from './fit';
import { powerLaw } from './laws';
import { checkPointValues, distinctXs, groupByX, type ScalingPoint } from './points';

/** The prediction of one held-out size against what was measured. */
export interface HeldOutPrediction {
  readonly x: number;
  readonly actual: number;
  readonly predicted: number;
  readonly lo: number;
  readonly hi: number;
  readonly errorPct: number;
}

/** A fit on the smaller sizes and its predictions of the larger ones. */
export interface HoldoutResult {
  readonly fit: PowerLawFit;
  readonly bootstrap: PowerLawBootstrap;
  /** The points the law was fitted on, in input order. */
  readonly fitted: ScalingPoint[];
  /** One entry per held-out x, ascending. */
  readonly heldOut: HeldOutPrediction[];
}

/**
 * The predicted loss at each x with its bootstrap band.
 * @example predictWithBand(fit, boot, [7.55e7]) // [{ x: 7.55e7, predicted, lo, hi }]
 */
export function predictWithBand(fit: PowerLawFit, boot: PowerLawBootstrap, xs: readonly number[]): { x: number; predicted: number; lo: number; hi: number }[] {
  return xs.map((x) => {
    const band = boot.predictions.find((p) => p.x === x);
    if (!band) throw new Error(`no bootstrap band at x = ${x}: pass it in BootstrapOptions.at`);
    return { x, predicted: powerLaw(x, fit.params), lo: band.lo, hi: band.hi };
  });
}

/**
 * Fit L(x) = E + (x0 / x)^alpha on all but the k largest distinct x and predict those, each
 * with its bootstrap band (see the header). k = 0 fits everything and predicts nothing.
 * @throws DataError when fewer than 3 distinct x would remain ("cannot hold out 2 of 4 sizes:
 *   the fit needs 3 distinct x; hold out at most 1")
 * @example fitWithHoldout(sixPaperPoints, 2).heldOut // 75.5M and 0.8B: actual, predicted, lo, hi, errorPct
 */
export function fitWithHoldout(points: readonly ScalingPoint[], k: number, options: Partial<BootstrapOptions> = {}): HoldoutResult {
  if (!(Number.isInteger(k) && k >= 0)) throw new DataError(`the number of held-out sizes must be an integer >= 0, got ${k}`);
  checkPointValues(points);
  const xs = distinctXs(points);
  if (k > 0 && xs.length - k < 3) {
    throw new DataError(`cannot hold out ${k} of ${xs.length} sizes: the fit needs 3 distinct x; hold out at most ${Math.max(0, xs.length - 3)}`);
  }
  const cut = k === 0 ? Infinity : xs[xs.length - k];
  const fitted = points.filter((p) => p.x < cut);
  const held = groupByX(points.filter((p) => p.x >= cut));
  const fit = fitPowerLaw(fitted, options.fit);
  const bootstrap = bootstrapPowerLaw(fitted, { ...options, at: held.map((g) => g.x) });
  const bands = predictWithBand(fit, bootstrap, held.map((g) => g.x));
  const heldOut = held.map((g, i) => {
    const actual = g.points.reduce((s, p) => s + p.y, 0) / g.points.length;
    const { predicted, lo, hi } = bands[i];
    return { x: g.x, actual, predicted, lo, hi, errorPct: (100 * (predicted - actual)) / actual };
  });
  return { fit, bootstrap, fitted, heldOut };
}
