/**
 * The Performance Law (Shen et al., "Predictive Models in Sequential Recommendations: Bridging
 * Performance Laws with Data Quality Insights", related work of the main paper; issue 15): a
 * ranking metric y (HR@10, NDCG@10) as a function of the number of layers N, the embedding width
 * h and a data term D,
 *   y = w1·f(N; w3) + w2·f(h; w4) + f(D; w5) + b,      f(x; w) = −1/(2·x^w) − w·ln x
 * (the authors' public fitting script, Performance_Law_Appendix_Result/performance_law_fitting.py,
 * with its constants pf1 = pf2 = 2; the D term has no weight of its own).
 * Shape of a term: f'(x; w) = (w/x)·(x^(−w)/2 − 1) is 0 at x* = 2^(−1/w), where f has its
 * maximum (f''(x*) = −w²·x*^(−w−2)/2 < 0). So c·f(x; w) rises and then falls around x* when its
 * weight c > 0; x* > 1 needs w < 0 (then f = −x^|w|/2 + |w|·ln x: a log rise, a power fall:
 * room for overfitting); with w > 0 the peak lies below 1 and the term only falls over x >= 1.
 * The fit keeps the signs free, as the authors' curve_fit does; `peaks` reports x* where c > 0.
 *
 * Two readings of D:
 * - fitPerformanceLaw: D given per point (training tokens, or tokens / ApEn as the authors
 *   report). One D for every point makes the D term a constant: it is folded into b, w5 is
 *   reported null, and the law has 5 parameters instead of 6.
 * - fitDataTerms: D unknown, one fitted data term per group (dataset, subsample): y = w1·f(N; w3)
 *   + w2·f(h; w4) + T_g. In the authors' script D is a fitted parameter; but f(D; w5) + b is one
 *   number per group whatever (D, w5, b) make it, so T_g (b included) is what the points
 *   determine, and what is compared with ApEn or tokens.
 *
 * Fitting: weighted least squares on y, by variable projection (as fit.ts): for fixed exponents
 * the law is linear in (w1, w2, b) or (w1, w2, T_g), solved exactly (linear.ts); the exponents
 * are searched over a fixed grid in v with w = wScale·sinh(v) (signed, log-spaced in |w| away
 * from 0, 0 itself skipped: there f is constant), then Nelder-Mead (search.ts) from the `starts`
 * best grid points; the lowest wins. No randomness: the same points give the same fit.
 *
 * Beside it, the plain power law of fit.ts on 1 − metric (metricPowerLawHoldout): a metric that
 * rises with size towards a ceiling <= 1 makes 1 − metric fall towards a floor E = 1 − ceiling,
 * the shape L(x) = E + (x0/x)^alpha describes.
 */
import { DataError } from '../util/errors';
import { checkInteger, checkNumber } from '../util/validate';
import { weightedR2 } from './fit';
import { constrainedLeastSquares } from './linear';
import { fitWithHoldout } from './predict';
import type { BootstrapOptions } from './bootstrap';
import { nelderMead } from './search';
import type { FitQuality, PowerLawFit } from './fit';

/** One measured run: layers N >= 1, embedding width h >= 1, optional data term D > 0, metric y. */
export interface PerformancePoint {
  readonly layers: number;
  readonly dim: number;
  readonly data?: number;
  readonly y: number;
  readonly weight?: number;
}

/** The law's parameters; w5 null when the data term is absent (one D for all points). */
export interface PerformanceLawParams {
  readonly w1: number;
  readonly w2: number;
  readonly w3: number;
  readonly w4: number;
  readonly w5: number | null;
  readonly b: number;
}

/** Where each term peaks (x* = 2^(−1/w), see the header); null where the term has no maximum. */
export interface TermPeaks {
  readonly layers: number | null;
  readonly dim: number | null;
  readonly data: number | null;
}

/** A fitted Performance Law (FitQuality: converged false when an exponent stopped at ±wMax; degenerate when a size term vanished, w1 = 0 or w2 = 0, e.g. flat points). */
export interface PerformanceLawFit extends FitQuality {
  readonly params: PerformanceLawParams;
  readonly peaks: TermPeaks;
}

/** The exponent search; defaults suit layers 1..100, widths 8..2,000 and D up to ~1e9. */
export interface PerformanceFitOptions {
  /** Largest |w| searched. */
  readonly wMax: number;
  /** w = wScale·sinh(v): below ~wScale the grid is linear in w, above it log-spaced. */
  readonly wScale: number;
  /** Grid points per exponent (even, so w = 0 is not one of them). */
  readonly gridSize: number;
  /** Nelder-Mead runs, from the best grid points. */
  readonly starts: number;
}

export const PERFORMANCE_FIT_DEFAULTS: PerformanceFitOptions = { wMax: 4, wScale: 1e-3, gridSize: 20, starts: 4 };

/**
 * One term of the law: f(x; w) = −1/(2·x^w) − w·ln x.
 * @example performanceTerm(1, 0.7) // -0.5 (ln 1 = 0 for every w)
 */
export function performanceTerm(x: number, w: number): number {
  return -0.5 * Math.pow(x, -w) - w * Math.log(x);
}

/**
 * The law at one point (see the header); the data term only when params.w5 is not null.
 * @throws DataError when the law has a data term and the point no data
 * @example performanceLaw({ layers: 1, dim: 1, data: 1 }, { w1: 2, w2: 3, w3: 1, w4: 1, w5: 1, b: 0 }) // -3
 */
export function performanceLaw(p: Pick<PerformancePoint, 'layers' | 'dim' | 'data'>, q: PerformanceLawParams): number {
  const model = q.w1 * performanceTerm(p.layers, q.w3) + q.w2 * performanceTerm(p.dim, q.w4) + q.b;
  if (q.w5 === null) return model;
  if (p.data === undefined) throw new DataError('this Performance Law has a data term: give the point its data (D)');
  return model + performanceTerm(p.data, q.w5);
}

/** x* = 2^(−1/w) where weight·f(x; w) peaks, or null (weight <= 0: a minimum or flat; w = 0: constant). */
function peakOf(weight: number, w: number): number | null {
  return weight > 0 && w !== 0 ? Math.pow(2, -1 / w) : null;
}

/** Check the search options (names as 'PerformanceFitOptions.wMax'). @throws ValidationError */
function checkOptions(o: PerformanceFitOptions): void {
  checkNumber('PerformanceFitOptions.wScale', o.wScale, { min: 0, exclusiveMin: true });
  checkNumber('PerformanceFitOptions.wMax', o.wMax, { min: o.wScale, exclusiveMin: true });
  checkInteger('PerformanceFitOptions.gridSize', o.gridSize, { min: 2 });
  checkInteger('PerformanceFitOptions.starts', o.starts, { min: 1 });
}

/** Throw a DataError naming the first point with a bad value ("point 3 has layers = 0: ..."). */
function checkValues(points: readonly { layers: number; dim: number; data?: number; y: number; weight?: number }[]): void {
  points.forEach((p, i) => {
    for (const [k, v] of [['layers', p.layers], ['dim', p.dim]] as const) {
      if (!(Number.isFinite(v) && v >= 1)) throw new DataError(`point ${i + 1} has ${k} = ${v}: it must be a finite number >= 1`);
    }
    if (p.data !== undefined && !(Number.isFinite(p.data) && p.data > 0)) throw new DataError(`point ${i + 1} has data = ${p.data}: a data term must be a positive finite number`);
    if (!Number.isFinite(p.y)) throw new DataError(`point ${i + 1} has y = ${p.y}: a metric must be a finite number`);
    const w = p.weight ?? 1;
    if (!(Number.isFinite(w) && w > 0)) throw new DataError(`point ${i + 1} has weight ${w}: a weight must be a positive finite number`);
  });
}

/** Distinct values of one field. */
const distinct = (xs: readonly number[]): number => new Set(xs).size;

/** Each size term needs two values of its size (one makes it a constant, collinear with b). */
function checkSizeSpread(points: readonly { layers: number; dim: number }[], notes: string[]): void {
  for (const [k, w] of [['layers', 'w1 and w3'], ['dim', 'w2 and w4']] as const) {
    const d = distinct(points.map((p) => p[k]));
    if (d < 2) throw new DataError(`the Performance Law's ${k} term needs points at 2 or more values of ${k} (${w} are otherwise not determined), got only ${k} = ${points[0]?.[k]}`);
    if (d === 2) notes.push(`only 2 values of ${k}: ${w} trade off against each other and are not pinned`);
  }
}

/** The profile problem: columns and a fixed shift (y − shift ≈ cols · coef) for exponents ws. */
type Design = (ws: readonly number[]) => { cols: Float64Array[]; shift?: Float64Array };

/** Minimise the profiled SSE over the exponents (grid, then Nelder-Mead from the best starts). */
function searchExponents(k: number, design: Design, y: Float64Array, w: Float64Array, o: PerformanceFitOptions) {
  const vMax = Math.asinh(o.wMax / o.wScale);
  const clamp = (v: number) => Math.min(vMax, Math.max(-vMax, v));
  const toW = (v: readonly number[]) => v.map((x) => o.wScale * Math.sinh(clamp(x)));
  const solve = (v: readonly number[]) => {
    const { cols, shift } = design(toW(v));
    const target = shift ? y.map((yi, i) => yi - shift[i]) : y;
    return constrainedLeastSquares(cols, target, w, cols.map(() => false));
  };
  const sse = (v: number[]) => solve(v).sse;
  // 1. The grid: gridSize points per axis, evenly spaced in v over (−vMax, vMax), ends included.
  const axis = Array.from({ length: o.gridSize }, (_, i) => -vMax + (2 * vMax * i) / (o.gridSize - 1));
  const cells: { v: number[]; fx: number }[] = [];
  const walk = (prefix: number[]) => {
    if (prefix.length === k) cells.push({ v: prefix, fx: sse(prefix) });
    else for (const a of axis) walk([...prefix, a]);
  };
  walk([]);
  cells.sort((p, q) => p.fx - q.fx); // stable: ties keep grid order
  // 2. Nelder-Mead from the best starts, steps of one grid cell.
  const step = axis[1] - axis[0];
  let best = cells[0];
  for (const start of cells.slice(0, o.starts)) {
    const nm = nelderMead(sse, start.v, start.v.map(() => step), 1e-10, 4000);
    if (nm.fx < best.fx) best = { v: nm.x.map(clamp), fx: nm.fx };
  }
  const ws = toW(best.v);
  const atEdge = best.v.some((v) => Math.abs(v) >= vMax * (1 - 1e-9));
  return { ws, coef: solve(best.v).coef, atEdge };
}

/** Residuals, SSE and R² of a law over the points. */
function quality(points: readonly { y: number; weight?: number }[], law: (i: number) => number) {
  const y = points.map((p) => p.y), w = points.map((p) => p.weight ?? 1);
  const residuals = points.map((p, i) => p.y - law(i));
  const sse = residuals.reduce((s, r, i) => s + w[i] * r * r, 0);
  return { residuals, sse, r2: weightedR2(y, w, sse), n: points.length };
}

/** max − min of a column. */
const spread = (xs: ArrayLike<number>): number => Math.max(...Array.from(xs)) - Math.min(...Array.from(xs));

/**
 * Notes on the size terms and the exponent edge: a term is degenerate when its spread over the
 * points is below 1e-9 of the spread of y (its weight is then 0 up to rounding).
 */
function finishNotes(notes: string[], termSpreads: readonly number[], ySpread: number, atEdge: boolean, o: PerformanceFitOptions): { degenerate: boolean; converged: boolean } {
  const degenerate = termSpreads.some((s) => s <= 1e-9 * ySpread);
  if (degenerate) notes.push('a size term vanished (its weight is 0): its exponent is not determined');
  if (atEdge) notes.push(`an exponent stopped at the edge of its search range ±${o.wMax}: the points do not pin it`);
  return { degenerate, converged: !degenerate && !atEdge };
}

/** The note of flat points, whose law is the constant y (weights 0, exponents reported as 0). */
const FLAT_NOTE = 'the points are flat (every y equal): the law is that constant; the weights are 0 and the exponents, not determined, are reported as 0';

/**
 * Fit y = w1·f(N; w3) + w2·f(h; w4) [+ f(D; w5)] + b (see the header): the data term when the
 * points give 2 or more distinct D, else none (w5 null).
 * @throws DataError for a bad value, fewer than 2 values of layers or of dim, fewer distinct
 *   (layers, dim, data) points than parameters ("the Performance Law with a data term has 6
 *   parameters (w1..w5, b): need at least 6 distinct (layers, dim, data) points, got 4"), or
 *   data given for some points only
 * @example fitPerformanceLaw(runs.map((r) => ({ layers: r.L, dim: r.d, data: r.tokens, y: r.ndcg }))).params
 */
export function fitPerformanceLaw(points: readonly PerformancePoint[], options: Partial<PerformanceFitOptions> = {}): PerformanceLawFit {
  const o = { ...PERFORMANCE_FIT_DEFAULTS, ...options };
  checkOptions(o);
  checkValues(points);
  const withData = points.filter((p) => p.data !== undefined).length;
  if (withData !== 0 && withData !== points.length) throw new DataError(`${withData} of ${points.length} points give data (D): give it for every point or for none`);
  const notes: string[] = [];
  const dataCount = distinct(points.map((p) => p.data ?? 0));
  const hasData = dataCount >= 2;
  if (withData > 0 && !hasData) notes.push('every point has the same data D: the data term is a constant, folded into b (w5 reported null)');
  if (dataCount === 2) notes.push('only 2 values of D: w5 is pinned by a single difference');
  const numParams = hasData ? 6 : 5;
  const configs = new Set(points.map((p) => `${p.layers} ${p.dim} ${p.data}`)).size;
  if (configs < numParams) {
    const what = hasData ? 'with a data term has 6 parameters (w1..w5, b)' : 'without a data term has 5 parameters (w1..w4, b)';
    throw new DataError(`the Performance Law ${what}: need at least ${numParams} distinct (layers, dim, data) points, got ${configs}`);
  }
  if (configs === numParams) notes.push(`as many distinct points as parameters (${numParams}): the law interpolates them and R² says nothing`);
  checkSizeSpread(points, notes);
  const y = Float64Array.from(points, (p) => p.y), w = Float64Array.from(points, (p) => p.weight ?? 1);
  const ones = new Float64Array(points.length).fill(1);
  const design: Design = (ws) => ({
    cols: [Float64Array.from(points, (p) => performanceTerm(p.layers, ws[0])), Float64Array.from(points, (p) => performanceTerm(p.dim, ws[1])), ones],
    ...(hasData ? { shift: Float64Array.from(points, (p) => performanceTerm(p.data!, ws[2])) } : {}),
  });
  if (spread(y) === 0) {
    // f(D; 0) = −1/2 for every D, so b = y + 1/2 keeps the law at y.
    const params: PerformanceLawParams = { w1: 0, w2: 0, w3: 0, w4: 0, w5: hasData ? 0 : null, b: y[0] + (hasData ? 0.5 : 0) };
    return { params, peaks: { layers: null, dim: null, data: null }, ...quality(points, (i) => performanceLaw(points[i], params)), converged: false, degenerate: true, note: [...notes, FLAT_NOTE].join('; ') };
  }
  const s = searchExponents(hasData ? 3 : 2, design, y, w, o);
  const [w1, w2, b] = s.coef;
  const params: PerformanceLawParams = { w1, w2, w3: s.ws[0], w4: s.ws[1], w5: hasData ? s.ws[2] : null, b };
  const termSpreads = [spread(points.map((p) => w1 * performanceTerm(p.layers, params.w3))), spread(points.map((p) => w2 * performanceTerm(p.dim, params.w4)))];
  const flags = finishNotes(notes, termSpreads, spread(y), s.atEdge, o);
  const peaks: TermPeaks = { layers: peakOf(w1, params.w3), dim: peakOf(w2, params.w4), data: params.w5 === null ? null : peakOf(1, params.w5) };
  return { params, peaks, ...quality(points, (i) => performanceLaw(points[i], params)), ...flags, ...(notes.length ? { note: notes.join('; ') } : {}) };
}

/** A run whose data is known only by its group (a dataset or a subsample of one). */
export interface GroupedPoint extends Omit<PerformancePoint, 'data'> {
  readonly group: string;
}

/** The size part of the law and one fitted data term T_g per group (b included). */
export interface DataTermsFit extends FitQuality {
  readonly w1: number;
  readonly w2: number;
  readonly w3: number;
  readonly w4: number;
  /** In order of first appearance; n = points of the group. */
  readonly terms: readonly { readonly group: string; readonly term: number; readonly n: number }[];
  readonly peaks: Omit<TermPeaks, 'data'>;
}

/**
 * y of a point under a grouped fit: w1·f(N; w3) + w2·f(h; w4) + T_g.
 * @throws DataError for a group the fit does not know
 */
export function predictGrouped(p: Pick<GroupedPoint, 'layers' | 'dim' | 'group'>, fit: Pick<DataTermsFit, 'w1' | 'w2' | 'w3' | 'w4' | 'terms'>): number {
  const t = fit.terms.find((g) => g.group === p.group);
  if (!t) throw new DataError(`no data term for group '${p.group}': the fit knows ${fit.terms.map((g) => g.group).join(', ')}`);
  return fit.w1 * performanceTerm(p.layers, fit.w3) + fit.w2 * performanceTerm(p.dim, fit.w4) + t.term;
}

/**
 * Fit y = w1·f(N; w3) + w2·f(h; w4) + T_g, the size terms shared by every group (the law's claim:
 * data enters only through its term), one data term per group (see the header).
 * @throws DataError for a bad value, fewer than 2 values of layers or of dim, or fewer distinct
 *   (group, layers, dim) points than the 4 + G parameters
 * @example fitDataTerms([...ml100k, ...ml100kHalf]).terms // [{ group: 'ml-100k', term }, ...]
 */
export function fitDataTerms(points: readonly GroupedPoint[], options: Partial<PerformanceFitOptions> = {}): DataTermsFit {
  const o = { ...PERFORMANCE_FIT_DEFAULTS, ...options };
  checkOptions(o);
  checkValues(points);
  const groups = [...new Set(points.map((p) => p.group))];
  const numParams = 4 + groups.length;
  const configs = new Set(points.map((p) => `${p.group}\u0000${p.layers} ${p.dim}`)).size;
  if (configs < numParams) {
    throw new DataError(`the Performance Law with one data term per group has 4 + ${groups.length} = ${numParams} parameters (w1..w4 and a term per group): need at least ${numParams} distinct (group, layers, dim) points, got ${configs}`);
  }
  const notes: string[] = [];
  if (configs === numParams) notes.push(`as many distinct points as parameters (${numParams}): the law interpolates them`);
  checkSizeSpread(points, notes);
  const y = Float64Array.from(points, (p) => p.y), w = Float64Array.from(points, (p) => p.weight ?? 1);
  const indicators = groups.map((g) => Float64Array.from(points, (p) => (p.group === g ? 1 : 0)));
  const design: Design = (ws) => ({
    cols: [Float64Array.from(points, (p) => performanceTerm(p.layers, ws[0])), Float64Array.from(points, (p) => performanceTerm(p.dim, ws[1])), ...indicators],
  });
  const counts = groups.map((g) => points.filter((p) => p.group === g).length);
  if (spread(y) === 0) {
    const fit = { w1: 0, w2: 0, w3: 0, w4: 0, terms: groups.map((group, g) => ({ group, term: y[0], n: counts[g] })) };
    return { ...fit, peaks: { layers: null, dim: null }, ...quality(points, (i) => predictGrouped(points[i], fit)), converged: false, degenerate: true, note: [...notes, FLAT_NOTE].join('; ') };
  }
  const s = searchExponents(2, design, y, w, o);
  const [w1, w2, ...t] = s.coef;
  const fit = { w1, w2, w3: s.ws[0], w4: s.ws[1], terms: groups.map((group, g) => ({ group, term: t[g], n: counts[g] })) };
  const termSpreads = [spread(points.map((p) => w1 * performanceTerm(p.layers, fit.w3))), spread(points.map((p) => w2 * performanceTerm(p.dim, fit.w4)))];
  const flags = finishNotes(notes, termSpreads, spread(y), s.atEdge, o);
  return { ...fit, peaks: { layers: peakOf(w1, fit.w3), dim: peakOf(w2, fit.w4) }, ...quality(points, (i) => predictGrouped(points[i], fit)), ...flags, ...(notes.length ? { note: notes.join('; ') } : {}) };
}

/** The LSRM's non-embedding parameters 12·L·d² (lib/models/params.ts): the size held-out points are picked by. */
export function lsrmSize(p: Pick<PerformancePoint, 'layers' | 'dim'>): number {
  return 12 * p.layers * p.dim * p.dim;
}

/** A held-out configuration: the mean of its runs and a law's prediction. */
export interface MetricPrediction {
  readonly layers: number;
  readonly dim: number;
  readonly data: number | null;
  readonly size: number;
  readonly actual: number;
  readonly predicted: number;
  /** 100·(predicted − actual)/actual. */
  readonly errorPct: number;
}

/** The Performance Law fitted on the smaller sizes and its predictions of the larger ones. */
export interface PerformanceHoldout {
  readonly fit: PerformanceLawFit;
  readonly fitted: PerformancePoint[];
  /** One entry per held-out configuration, by size then data. */
  readonly heldOut: MetricPrediction[];
}

/** Options of the held-out fits: the size that orders the points (default lsrmSize) and the search. */
export interface HoldoutOptions {
  readonly size?: (p: PerformancePoint) => number;
  readonly fit?: Partial<PerformanceFitOptions>;
}

/** The points split at the k largest distinct sizes. @throws DataError for a bad k */
function splitBySize(points: readonly PerformancePoint[], k: number, size: (p: PerformancePoint) => number) {
  if (!(Number.isInteger(k) && k >= 0)) throw new DataError(`the number of held-out sizes must be an integer >= 0, got ${k}`);
  const sizes = [...new Set(points.map(size))].sort((a, b) => a - b);
  if (k >= sizes.length) throw new DataError(`cannot hold out ${k} of ${sizes.length} sizes: nothing would be left to fit`);
  const cut = k === 0 ? Infinity : sizes[sizes.length - k];
  return { fitted: points.filter((p) => size(p) < cut), held: points.filter((p) => size(p) >= cut) };
}

/**
 * Fit the Performance Law on all but the k largest distinct sizes and predict each held-out
 * configuration (layers, dim, data): actual = the mean y of its runs.
 * @throws DataError for a bad k, or when the fitted part is too small for the law (fitPerformanceLaw)
 * @example performanceLawHoldout(ladder, 2).heldOut // [{ layers: 4, dim: 128, actual, predicted, errorPct }, ...]
 */
export function performanceLawHoldout(points: readonly PerformancePoint[], k: number, opts: HoldoutOptions = {}): PerformanceHoldout {
  checkValues(points);
  const size = opts.size ?? lsrmSize;
  const { fitted, held } = splitBySize(points, k, size);
  const fit = fitPerformanceLaw(fitted, opts.fit);
  const byConfig = new Map<string, PerformancePoint[]>();
  for (const p of held) byConfig.set(`${p.layers} ${p.dim} ${p.data}`, [...(byConfig.get(`${p.layers} ${p.dim} ${p.data}`) ?? []), p]);
  const heldOut = [...byConfig.values()].map((runs) => {
    const p = runs[0];
    const actual = runs.reduce((s, r) => s + r.y, 0) / runs.length;
    const predicted = performanceLaw(p, fit.params);
    return { layers: p.layers, dim: p.dim, data: p.data ?? null, size: size(p), actual, predicted, errorPct: (100 * (predicted - actual)) / actual };
  }).sort((a, b) => a.size - b.size || (a.data ?? 0) - (b.data ?? 0));
  return { fit, fitted, heldOut };
}

/** The power law on 1 − metric and its held-out predictions, in metric units. */
export interface MetricPowerLawHoldout {
  /** The fit of L(x) = E + (x0/x)^alpha to 1 − metric. */
  readonly fit: PowerLawFit;
  /** 1 − E: the metric the law approaches at infinite size. */
  readonly ceiling: number;
  /** Per held-out size: mean metric, predicted 1 − L(x) and its bootstrap band. */
  readonly heldOut: { readonly x: number; readonly actual: number; readonly predicted: number; readonly lo: number; readonly hi: number; readonly errorPct: number }[];
}

/**
 * The plain power law of the scaling issue for a metric that rises with size: fitWithHoldout
 * (predict.ts) on 1 − metric, predictions and bands mapped back (metric = 1 − L, so a band
 * [lo, hi] of L is [1 − hi, 1 − lo] of the metric).
 * @throws DataError for a metric outside [0, 1], or too few sizes (fitWithHoldout)
 * @example metricPowerLawHoldout(ladder.map((r) => ({ x: r.params, y: r.ndcg })), 2).heldOut
 */
export function metricPowerLawHoldout(points: readonly { x: number; y: number; weight?: number }[], k: number, options: Partial<BootstrapOptions> = {}): MetricPowerLawHoldout {
  points.forEach((p, i) => {
    if (!(p.y >= 0 && p.y <= 1)) throw new DataError(`point ${i + 1} has a metric of ${p.y}: HR and NDCG lie in [0, 1]`);
  });
  const h = fitWithHoldout(points.map((p) => ({ ...p, y: 1 - p.y })), k, options);
  const heldOut = h.heldOut.map((p) => {
    const actual = 1 - p.actual, predicted = 1 - p.predicted;
    return { x: p.x, actual, predicted, lo: 1 - p.hi, hi: 1 - p.lo, errorPct: (100 * (predicted - actual)) / actual };
  });
  return { fit: h.fit, ceiling: 1 - h.fit.params.E, heldOut };
}

/** Both laws on the same points and held-out sizes. */
export interface HoldoutComparison {
  readonly performanceLaw: PerformanceHoldout;
  readonly powerLaw: MetricPowerLawHoldout;
}

/**
 * Hold out the k largest sizes and predict them with the Performance Law and with the power law
 * on 1 − metric in the size (one data level: the power law has no data term).
 * @throws DataError when the points hold more than one D, or either fit cannot be made
 */
export function compareHoldout(points: readonly PerformancePoint[], k: number, opts: HoldoutOptions & { readonly bootstrap?: Partial<BootstrapOptions> } = {}): HoldoutComparison {
  if (distinct(points.map((p) => p.data ?? 0)) > 1) throw new DataError('the power law compares at one data size: give points of a single D (or none)');
  const size = opts.size ?? lsrmSize;
  const performanceLaw = performanceLawHoldout(points, k, opts);
  const powerLaw = metricPowerLawHoldout(points.map((p) => ({ x: size(p), y: p.y, ...(p.weight ? { weight: p.weight } : {}) })), k, opts.bootstrap);
  return { performanceLaw, powerLaw };
}
