/**
 * Fit the paper's law L(x) = E + (x0 / x)^alpha (section IV-A, eq. 2) to measured points by
 * weighted nonlinear least squares on the loss itself:
 *   minimise SSE(E, x0, alpha) = Σ_i w_i (y_i − E − (x0 / x_i)^alpha)²
 * (least squares on y, not on log y: the noise of a measured loss is additive and of similar
 * size across x, and the fitted E keeps its meaning as a loss).
 *
 * Variable projection: write (x0 / x)^alpha = c · (x / x_ref)^−alpha with c = (x0 / x_ref)^alpha
 * >= 0, where x_ref is the geometric mean of the x (it keeps the column near 1 for any alpha).
 * For a fixed alpha the model is linear in (E, c), solved exactly with c >= 0 (and E >= 0 by
 * default: a loss is not negative) in closed form (linear.ts constrainedLine). What remains is
 * the 1-D profile SSE(alpha) = min over (E, c) of the SSE:
 *   1. evaluate it on a fixed grid of alpha, log-spaced over [alphaMin, alphaMax];
 *   2. refine by golden-section search in ln alpha between the best grid point's neighbours;
 *   3. x0 = x_ref · c^(1/alpha).
 * Deterministic: no random starts. When the points do not fall with x the best c is 0 at every
 * alpha: the flat law L = E, reported with x0 = 0 and alpha = 0 (`degenerate`, with a `note`).
 */
import { checkInteger, checkNumber } from '../util/validate';
import { powerLaw, type PowerLawParams } from './laws';
import { constrainedLine } from './linear';
import { checkPoints, type ScalingPoint } from './points';
import { goldenSection, logSpace } from './search';

/** How the exponent is searched; the defaults suit losses of recommendation models. */
export interface PowerLawFitOptions {
  /** Search range of alpha (the paper's 0.121 and language models' 0.07 sit well inside). */
  readonly alphaMin: number;
  readonly alphaMax: number;
  /** Grid points over the range before the golden-section refinement. */
  readonly gridSize: number;
  /** Hold E >= 0 (a cross-entropy is not negative). */
  readonly nonNegativeE: boolean;
}

export const POWER_LAW_FIT_DEFAULTS: PowerLawFitOptions = { alphaMin: 0.01, alphaMax: 2, gridSize: 100, nonNegativeE: true };

/** How well a fitted law fits: the fields every fit of lib/scaling/ reports. */
export interface FitQuality {
  /** Weighted R² = 1 − Σ w r² / Σ w (y − ȳ_w)² (1 when every y is equal and fitted exactly, else 0 then). */
  readonly r2: number;
  /** Σ_i w_i r_i². */
  readonly sse: number;
  /** r_i = y_i − law(x_i), in input order. */
  readonly residuals: number[];
  readonly n: number;
  /** False when an exponent stopped at the edge of its search range, or the fit is degenerate. */
  readonly converged: boolean;
  /** True when a term of the law vanished (its coefficient is 0), leaving its other parameters undetermined. */
  readonly degenerate: boolean;
  readonly note?: string;
}

/**
 * A fitted power law and how well it fits. Degenerate: the flat law (c = 0), x0 and alpha then
 * not determined (reported as 0); not converged also when alpha stopped at its search edge.
 */
export interface PowerLawFit extends FitQuality {
  readonly params: PowerLawParams;
}

/** Check the fit options (names as 'PowerLawFitOptions.alphaMin'). @throws ValidationError */
export function checkFitOptions(o: PowerLawFitOptions): void {
  checkNumber('PowerLawFitOptions.alphaMin', o.alphaMin, { min: 0, exclusiveMin: true });
  checkNumber('PowerLawFitOptions.alphaMax', o.alphaMax, { min: o.alphaMin, exclusiveMin: true });
  checkInteger('PowerLawFitOptions.gridSize', o.gridSize, { min: 3 });
}

/** Weighted R² (see PowerLawFit.r2). */
export function weightedR2(y: ArrayLike<number>, w: ArrayLike<number>, sse: number): number {
  let sw = 0, sy = 0;
  for (let i = 0; i < y.length; i++) { sw += w[i]; sy += w[i] * y[i]; }
  const mean = sy / sw;
  let sst = 0;
  for (let i = 0; i < y.length; i++) sst += w[i] * (y[i] - mean) ** 2;
  if (sst === 0) return sse === 0 ? 1 : 0;
  return 1 - sse / sst;
}

/** The points as columns: y, w, ln(x / x_ref) and ln x_ref. */
function columns(points: readonly ScalingPoint[]) {
  const n = points.length;
  const lnRef = points.reduce((s, p) => s + Math.log(p.x), 0) / n;
  return {
    y: Float64Array.from(points, (p) => p.y),
    w: Float64Array.from(points, (p) => p.weight ?? 1),
    lx: Float64Array.from(points, (p) => Math.log(p.x) - lnRef),
    lnRef,
  };
}

/**
 * Fit L(x) = E + (x0 / x)^alpha by weighted least squares on y (see the header).
 * @throws DataError on fewer than 3 distinct x ("a power law has 3 parameters: need at least 3
 *   points with distinct x, got 2"), or a non-positive or non-finite value (naming the point)
 * @example fitPowerLaw([1e5, 1e6, 1e7, 1e8].map((x) => ({ x, y: 4.9 + (6.8e5 / x) ** 0.121 }))).params
 *   // { E: 4.9, x0: 6.8e5, alpha: 0.121 } (to ~1e-9)
 */
export function fitPowerLaw(points: readonly ScalingPoint[], options: Partial<PowerLawFitOptions> = {}): PowerLawFit {
  const o = { ...POWER_LAW_FIT_DEFAULTS, ...options };
  checkFitOptions(o);
  checkPoints(points);
  const { y, w, lx, lnRef } = columns(points);
  // The inner linear fit at alpha = e^u: y ≈ E + c · e^(−alpha · ln(x / x_ref)).
  const z = new Float64Array(points.length);
  const inner = (u: number) => {
    const a = Math.exp(u);
    for (let i = 0; i < z.length; i++) z[i] = Math.exp(-a * lx[i]);
    return constrainedLine(z, y, w, o.nonNegativeE);
  };
  const sse = (u: number) => inner(u).sse;
  // 1. The grid.
  const grid = logSpace(o.alphaMin, o.alphaMax, o.gridSize).map(Math.log);
  const values = grid.map(sse);
  const i = values.indexOf(Math.min(...values));
  // 2. Golden section between the neighbours (ties keep the grid point).
  const refined = goldenSection(sse, grid[Math.max(0, i - 1)], grid[Math.min(grid.length - 1, i + 1)], 1e-12);
  const u = refined.fx <= values[i] ? refined.x : grid[i];
  const { E, c } = inner(u);
  return finishFit(points, { E, c, alpha: Math.exp(u), lnRef }, y, w, o);
}

/** x0 = x_ref · c^(1/alpha) (clamped to a finite number), residuals, R² and the notes. */
function finishFit(points: readonly ScalingPoint[], s: { E: number; c: number; alpha: number; lnRef: number }, y: Float64Array, w: Float64Array, o: PowerLawFitOptions): PowerLawFit {
  const notes: string[] = [];
  const degenerate = !(s.c > 0);
  let params: PowerLawParams;
  if (degenerate) {
    params = { E: s.E, x0: 0, alpha: 0 };
    notes.push('the points do not fall with x: the best law is flat (L = E, the weighted mean loss); x0 and alpha are not determined and are reported as 0');
  } else {
    const lnX0 = s.lnRef + Math.log(s.c) / s.alpha;
    const overflow = lnX0 > Math.log(Number.MAX_VALUE);
    if (overflow) notes.push('x0 is beyond the largest finite number and is reported as Number.MAX_VALUE');
    params = { E: s.E, x0: overflow ? Number.MAX_VALUE : Math.exp(lnX0), alpha: s.alpha };
  }
  const atEdge = !degenerate && (s.alpha <= o.alphaMin * (1 + 1e-9) || s.alpha >= o.alphaMax * (1 - 1e-9));
  if (atEdge) notes.push(`alpha stopped at the edge of its search range [${o.alphaMin}, ${o.alphaMax}]: the points do not pin the exponent`);
  if (o.nonNegativeE && s.E === 0) notes.push('E is held at its bound 0 (a loss is not negative): the points fall faster than a power law with E >= 0 allows');
  // Residuals from the law as reported (so powerLaw(x, params) + r = y).
  const residuals = points.map((p) => p.y - powerLaw(p.x, params));
  const sse = residuals.reduce((acc, r, i) => acc + w[i] * r * r, 0);
  return {
    params, r2: weightedR2(y, w, sse), sse, residuals, n: points.length,
    converged: !atEdge && !degenerate, degenerate, ...(notes.length ? { note: notes.join('; ') } : {}),
  };
}
