/**
 * Small summary statistics over a handful of values (e.g. one metric over a few seeds): the
 * mean, the sample standard deviation and the two-sided Student-t confidence interval of the
 * mean. The t distribution's CDF uses the closed forms for an integer number of degrees of
 * freedom ν (Abramowitz & Stegun 26.7.3-4), with θ = atan(t / √ν):
 *   A(t | ν) = P(|T| <= t)
 *     ν = 1:     2θ / π
 *     ν odd:     (2/π) · (θ + sin θ · (cos θ + (2/3)cos³θ + ... + (2·4···(ν-3))/(3·5···(ν-2)) cos^(ν-2) θ))
 *     ν even:    sin θ · (1 + (1/2)cos²θ + (1·3)/(2·4) cos⁴θ + ... + (1·3···(ν-3))/(2·4···(ν-2)) cos^(ν-2) θ)
 * and its quantiles are found by bisection (to 1e-12).
 */

/**
 * The arithmetic mean.
 * @throws on an empty list
 * @example mean([1, 2, 6]) // 3
 */
export function mean(xs: readonly number[]): number {
  if (xs.length === 0) throw new Error('mean of an empty list');
  let s = 0;
  for (const x of xs) s += x;
  return s / xs.length;
}

/**
 * The median (the mean of the two middle values for an even count).
 * @throws on an empty list
 * @example median([5, 1, 3]) // 3; median([4, 1, 3, 2]) // 2.5
 */
export function median(xs: readonly number[]): number {
  if (xs.length === 0) throw new Error('median of an empty list');
  const s = [...xs].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 === 1 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
}

/**
 * The sample standard deviation (Bessel's correction: divides by n - 1); NaN for one value.
 * @throws on an empty list
 * @example sampleStd([1, 2, 6]) // sqrt(((1-3)² + (2-3)² + (6-3)²) / 2) = sqrt(7) = 2.6458
 */
export function sampleStd(xs: readonly number[]): number {
  const m = mean(xs);
  if (xs.length < 2) return NaN;
  let s = 0;
  for (const x of xs) s += (x - m) ** 2;
  return Math.sqrt(s / (xs.length - 1));
}

function checkDf(df: number): void {
  if (!Number.isInteger(df) || df < 1) throw new Error(`degrees of freedom must be a positive integer, got ${df}`);
}

/**
 * P(|T| <= t) for Student's t with `df` (integer) degrees of freedom (see the header).
 * @example tCentralProbability(4.302653, 2) // 0.95
 */
export function tCentralProbability(t: number, df: number): number {
  checkDf(df);
  if (t === Infinity) return 1;
  const theta = Math.atan(Math.abs(t) / Math.sqrt(df));
  const c = Math.cos(theta), s = Math.sin(theta);
  if (df % 2 === 1) {
    // Odd: terms c, (2/3)c³, (2·4)/(3·5)c⁵, ... up to c^(df-2).
    let term = c, sum = 0;
    for (let k = 1; 2 * k + 1 <= df; k++) {
      sum += term;
      term *= (c * c * (2 * k)) / (2 * k + 1);
    }
    return (2 / Math.PI) * (theta + s * sum);
  }
  // Even: terms 1, (1/2)c², (1·3)/(2·4)c⁴, ... up to c^(df-2).
  let term = 1, sum = 0;
  for (let k = 1; 2 * k <= df; k++) {
    sum += term;
    term *= (c * c * (2 * k - 1)) / (2 * k);
  }
  return s * sum;
}

/**
 * The p-quantile of Student's t with `df` degrees of freedom, for p in (0, 1).
 * @example tQuantile(0.975, 2) // 4.302653 (the 95% two-sided critical value at ν = 2)
 */
export function tQuantile(p: number, df: number): number {
  checkDf(df);
  if (!(p > 0 && p < 1)) throw new Error(`a quantile needs p in (0, 1), got ${p}`);
  if (p < 0.5) return -tQuantile(1 - p, df);
  const target = 2 * p - 1; // P(T <= t) = (1 + A(t)) / 2
  let lo = 0, hi = 1;
  while (tCentralProbability(hi, df) < target) hi *= 2;
  while (hi - lo > 1e-12 * Math.max(1, hi)) {
    const mid = (lo + hi) / 2;
    if (tCentralProbability(mid, df) < target) lo = mid;
    else hi = mid;
  }
  return (lo + hi) / 2;
}

/** The mean of some values with its spread and confidence interval. */
export interface MeanInterval {
  readonly n: number;
  readonly mean: number;
  /** Sample standard deviation (NaN for one value). */
  readonly std: number;
  /** Half-width of the two-sided t-interval, t((1 + level) / 2, n - 1) · std / √n; undefined for one value. */
  readonly halfWidth: number | undefined;
}

/**
 * Mean, sample std and the half-width of the two-sided `level` t-interval of the mean.
 * @throws on an empty list or a level outside (0, 1)
 * @example meanInterval([1, 2, 6]) // { n: 3, mean: 3, std: 2.6458, halfWidth: 4.3027 · 2.6458 / √3 = 6.5725 }
 */
export function meanInterval(xs: readonly number[], level = 0.95): MeanInterval {
  if (!(level > 0 && level < 1)) throw new Error(`a confidence level must be in (0, 1), got ${level}`);
  const m = mean(xs);
  const n = xs.length;
  const std = sampleStd(xs);
  const halfWidth = n < 2 ? undefined : (tQuantile((1 + level) / 2, n - 1) * std) / Math.sqrt(n);
  return { n, mean: m, std, halfWidth };
}

/** A difference of two means with its confidence interval. */
export interface DifferenceInterval {
  /** mean(a) - mean(b). */
  readonly diff: number;
  /** Half-width of the two-sided interval of the difference. */
  readonly halfWidth: number;
  /** Degrees of freedom used: Welch-Satterthwaite's, rounded down (a wider, conservative interval). */
  readonly df: number;
}

/**
 * Welch's interval for mean(a) - mean(b) with unequal variances: se = √(s_a²/n_a + s_b²/n_b),
 * ν = se⁴ / ((s_a²/n_a)²/(n_a - 1) + (s_b²/n_b)²/(n_b - 1)), half-width t((1 + level)/2, ⌊ν⌋)·se
 * (⌊ν⌋ because tQuantile takes integer degrees of freedom; rounding down widens the interval).
 * Equal values on both sides (se = 0) give half-width 0 with n_a + n_b - 2 degrees of freedom.
 * @throws when a side has fewer than two values, or for a level outside (0, 1)
 * @example welchInterval([1, 2, 6], [0.5, 0.7, 0.9, 1.1]) // diff 2.2, df 2 (ν 2.029), half-width 4.302653 · 1.532971 = 6.5958
 */
export function welchInterval(a: readonly number[], b: readonly number[], level = 0.95): DifferenceInterval {
  if (a.length < 2 || b.length < 2) throw new Error(`a difference interval needs two or more values on each side, got ${a.length} and ${b.length}`);
  if (!(level > 0 && level < 1)) throw new Error(`a confidence level must be in (0, 1), got ${level}`);
  const va = sampleStd(a) ** 2 / a.length;
  const vb = sampleStd(b) ** 2 / b.length;
  const diff = mean(a) - mean(b);
  const se2 = va + vb;
  if (se2 === 0) return { diff, halfWidth: 0, df: a.length + b.length - 2 };
  const nu = (se2 * se2) / ((va * va) / (a.length - 1) + (vb * vb) / (b.length - 1));
  const df = Math.max(1, Math.floor(nu + 1e-9)); // 1e-9: a ν of exactly 4 may compute as 3.9999999
  return { diff, halfWidth: tQuantile((1 + level) / 2, df) * Math.sqrt(se2), df };
}

/** A difference of paired means with its confidence interval. */
export interface PairedInterval extends DifferenceInterval {
  /** Number of pairs. */
  readonly n: number;
}

/**
 * The paired t-interval of mean(a - b) when a[i] and b[i] share a unit (a seed: the same
 * initial weights and batch order), so that unit's effect cancels: the mean of the differences
 * d_i = a_i - b_i, half-width t((1 + level)/2, n - 1)·s_d/√n, n - 1 degrees of freedom.
 * @throws when the lists differ in length or hold fewer than two pairs, or for a level outside (0, 1)
 * @example pairedInterval([6.10, 6.12, 6.17], [6.00, 6.01, 6.02]) // d = 0.10, 0.11, 0.15: diff 0.12, s_d 0.02646, df 2, half-width 4.302653 · 0.02646 / √3 = 0.0657
 */
export function pairedInterval(a: readonly number[], b: readonly number[], level = 0.95): PairedInterval {
  if (a.length !== b.length) throw new Error(`a paired interval needs as many values on each side, got ${a.length} and ${b.length}`);
  if (a.length < 2) throw new Error(`a paired interval needs two or more pairs, got ${a.length}`);
  const d = meanInterval(a.map((x, i) => x - b[i]), level);
  return { n: d.n, diff: d.mean, halfWidth: d.halfWidth ?? 0, df: d.n - 1 };
}

/** The least-squares slope of y on ln x with its confidence interval. */
export interface LogSlope {
  /** Points used. */
  readonly n: number;
  /** dy / d(ln x): the change of y per e-fold of x. */
  readonly slope: number;
  /** Its standard error, √(s² / Σ(u - ū)²) with s² = SSE / (n - 2) and u = ln x. */
  readonly se: number;
  /** Degrees of freedom of the residuals, n - 2. */
  readonly df: number;
  /** Half-width of the two-sided t-interval, t((1 + level) / 2, n - 2) · se; undefined for two points (no residual freedom). */
  readonly halfWidth: number | undefined;
}

/**
 * The ordinary least-squares slope of y against ln x, with its standard error and t-interval:
 * a fit-free way to say how fast a measure moves with size, which exists whatever the shape of
 * the points (a power law may stop at a bound; the slope still says which way and how surely).
 * @throws on fewer than two points, a non-positive x, or x all equal
 * @example logSlope([{ x: 1, y: 1 }, { x: Math.E, y: 2 }, { x: Math.E ** 2, y: 2 }])
 *   // u = 0, 1, 2: slope 1 / 2 = 0.5; residuals -1/6, 1/3, -1/6, SSE 1/6, s² 1/6, se √(1/12) = 0.288675,
 *   // df 1, half-width t(0.975, 1) · se = 12.7062 · 0.288675 = 3.6680
 */
export function logSlope(points: readonly { readonly x: number; readonly y: number }[], level = 0.95): LogSlope {
  if (points.length < 2) throw new Error(`a slope needs two or more points, got ${points.length}`);
  if (!(level > 0 && level < 1)) throw new Error(`a confidence level must be in (0, 1), got ${level}`);
  const bad = points.find((p) => !(p.x > 0) || !Number.isFinite(p.y));
  if (bad) throw new Error(`a slope against ln x needs x > 0 and a finite y, got x ${bad.x}, y ${bad.y}`);
  const u = points.map((p) => Math.log(p.x));
  const y = points.map((p) => p.y);
  const mu = mean(u), my = mean(y);
  let sxx = 0, sxy = 0;
  for (let i = 0; i < u.length; i++) { sxx += (u[i] - mu) ** 2; sxy += (u[i] - mu) * (y[i] - my); }
  if (sxx === 0) throw new Error('a slope against ln x needs two or more distinct x');
  const slope = sxy / sxx;
  const df = points.length - 2;
  let sse = 0;
  for (let i = 0; i < u.length; i++) sse += (y[i] - my - slope * (u[i] - mu)) ** 2;
  const se = df > 0 ? Math.sqrt(sse / df / sxx) : NaN;
  return { n: points.length, slope, se, df, halfWidth: df > 0 ? tQuantile((1 + level) / 2, df) * se : undefined };
}

/**
 * The difference of two independent slopes, a.slope - b.slope, with a conservative t-interval:
 * se = √(se_a² + se_b²), min(df_a, df_b) degrees of freedom; undefined half-width when either
 * slope has none.
 * @example slopeDifference({ n: 4, slope: -0.1, se: 0.02, df: 2, halfWidth: 0.086 }, { n: 4, slope: 0, se: 0.015, df: 2, halfWidth: 0.065 })
 *   // diff -0.1, se 0.025, df 2, half-width 4.302653 · 0.025 = 0.1076
 */
export function slopeDifference(a: LogSlope, b: LogSlope, level = 0.95): { readonly diff: number; readonly halfWidth: number | undefined; readonly df: number } {
  const df = Math.min(a.df, b.df);
  const diff = a.slope - b.slope;
  if (df < 1 || a.halfWidth === undefined || b.halfWidth === undefined) return { diff, halfWidth: undefined, df };
  return { diff, halfWidth: tQuantile((1 + level) / 2, df) * Math.sqrt(a.se ** 2 + b.se ** 2), df };
}
