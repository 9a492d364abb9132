/**
 * The linear inner step of variable projection: weighted least squares in a few coefficients,
 * some of them held >= 0. With k <= 3 columns the exact answer is found by enumerating the
 * active sets: for each subset F of the constrained coefficients left free (the others fixed
 * at 0; unconstrained coefficients always free), solve the normal equations
 *   (A_F^T W A_F) b_F = A_F^T W y
 * and keep the feasible solution (b_F >= 0 where constrained) of least weighted SSE
 *   SSE(b) = Σ_i w_i (y_i − Σ_j A_ij b_j)².
 * The true optimum of this convex problem is the free solution on its own active set, which
 * is feasible, so the least feasible candidate is the optimum (2^k solves; k <= 3 here).
 */

/** Coefficients and their weighted sum of squared residuals. */
export interface LinearFit {
  readonly coef: number[];
  readonly sse: number;
}

/**
 * Solve the small symmetric system M b = r by Gaussian elimination with partial pivoting;
 * undefined when a pivot falls below 1e-12 of the largest diagonal (a singular design).
 */
export function solveSmall(M: number[][], r: number[]): number[] | undefined {
  const n = r.length;
  const a = M.map((row, i) => [...row, r[i]]);
  const scale = Math.max(...M.map((row, i) => Math.abs(row[i])), 0);
  if (!(scale > 0)) return undefined;
  for (let c = 0; c < n; c++) {
    let p = c;
    for (let i = c + 1; i < n; i++) if (Math.abs(a[i][c]) > Math.abs(a[p][c])) p = i;
    if (Math.abs(a[p][c]) <= 1e-12 * scale) return undefined;
    [a[c], a[p]] = [a[p], a[c]];
    for (let i = c + 1; i < n; i++) {
      const f = a[i][c] / a[c][c];
      for (let j = c; j <= n; j++) a[i][j] -= f * a[c][j];
    }
  }
  const b = new Array<number>(n).fill(0);
  for (let i = n - 1; i >= 0; i--) {
    let s = a[i][n];
    for (let j = i + 1; j < n; j++) s -= a[i][j] * b[j];
    b[i] = s / a[i][i];
  }
  return b;
}

/** Σ_i w_i (y_i − Σ_j cols[j][i] b_j)², from the residuals (not from the Gram sums, which cancel). */
function weightedSse(cols: readonly Float64Array[], y: Float64Array, w: Float64Array, b: readonly number[]): number {
  let s = 0;
  for (let i = 0; i < y.length; i++) {
    let r = y[i];
    for (let j = 0; j < cols.length; j++) r -= cols[j][i] * b[j];
    s += w[i] * r * r;
  }
  return s;
}

/** The Gram matrix G = A^T W A and the moment vector m = A^T W y. */
function gram(cols: readonly Float64Array[], y: Float64Array, w: Float64Array): { G: number[][]; m: number[] } {
  const k = cols.length;
  const G = Array.from({ length: k }, () => new Array<number>(k).fill(0));
  const m = new Array<number>(k).fill(0);
  for (let i = 0; i < y.length; i++) {
    for (let j = 0; j < k; j++) {
      const wa = w[i] * cols[j][i];
      m[j] += wa * y[i];
      for (let l = j; l < k; l++) G[j][l] += wa * cols[l][i];
    }
  }
  for (let j = 0; j < k; j++) for (let l = 0; l < j; l++) G[j][l] = G[l][j];
  return { G, m };
}

/** The columns left free by each active set, most free first (ties keep the richer model). */
function freeSets(nonNeg: readonly boolean[]): number[][] {
  const key = nonNeg.join();
  const cached = FREE_SETS.get(key);
  if (cached) return cached;
  const k = nonNeg.length;
  const constrained = [...Array(k).keys()].filter((j) => nonNeg[j]);
  const sets: number[][] = [];
  for (let mask = (1 << constrained.length) - 1; mask >= 0; mask--) {
    sets.push([...Array(k).keys()].filter((j) => !nonNeg[j] || (mask >> constrained.indexOf(j)) & 1));
  }
  FREE_SETS.set(key, sets);
  return sets;
}

const FREE_SETS = new Map<string, number[][]>();

/**
 * Weighted least squares y ≈ Σ_j cols[j] b_j with b_j >= 0 where nonNeg[j] (see the header).
 * @param cols the design's columns (k <= 3 of them), each as long as y
 * @param w positive weights (all 1 for ordinary least squares)
 * @example constrainedLeastSquares([ones, z], y, w, [false, true]) // E free, c >= 0
 */
export function constrainedLeastSquares(cols: readonly Float64Array[], y: Float64Array, w: Float64Array, nonNeg: readonly boolean[]): LinearFit {
  const k = cols.length;
  const { G, m } = gram(cols, y, w);
  let best: LinearFit | undefined;
  for (const free of freeSets(nonNeg)) {
    const bF = free.length === 0 ? [] : solveSmall(free.map((j) => free.map((l) => G[j][l])), free.map((j) => m[j]));
    if (!bF) continue;
    const b = new Array<number>(k).fill(0);
    free.forEach((j, t) => (b[j] = bF[t]));
    if (b.some((v, j) => nonNeg[j] && v < 0)) continue;
    const sse = weightedSse(cols, y, w, b);
    if (!best || sse < best.sse) best = { coef: b, sse };
  }
  // Every free set singular and no coefficient constrained (a degenerate design): all zero.
  const zero = new Array<number>(k).fill(0);
  return best ?? { coef: zero, sse: weightedSse(cols, y, w, zero) };
}

/** Σ_i w_i (y_i − E − c z_i)². */
function lineSse(z: Float64Array, y: Float64Array, w: Float64Array, E: number, c: number): number {
  let s = 0;
  for (let i = 0; i < y.length; i++) {
    const r = y[i] - E - c * z[i];
    s += w[i] * r * r;
  }
  return s;
}

/**
 * The two-column case y ≈ E + c·z with c >= 0 (and E >= 0 when `nonNegE`), in closed form and
 * without allocation (the power-law fit calls it a few hundred times per fit). Free solution
 * from centred weighted moments: c = S_zy / S_zz, E = ȳ − c·z̄ with S_zy = Σ w (z − z̄)(y − ȳ);
 * then the active sets c = 0 (E = ȳ), E = 0 (c = Σ w z y / Σ w z²) and E = c = 0, as above.
 */
export function constrainedLine(z: Float64Array, y: Float64Array, w: Float64Array, nonNegE: boolean): { E: number; c: number; sse: number } {
  let sw = 0, sz = 0, sy = 0;
  for (let i = 0; i < y.length; i++) { sw += w[i]; sz += w[i] * z[i]; sy += w[i] * y[i]; }
  const zBar = sz / sw, yBar = sy / sw;
  let szz = 0, szy = 0, zz = 0, zy = 0;
  for (let i = 0; i < y.length; i++) {
    const dz = z[i] - zBar;
    szz += w[i] * dz * dz; szy += w[i] * dz * (y[i] - yBar);
    zz += w[i] * z[i] * z[i]; zy += w[i] * z[i] * y[i];
  }
  const candidates: [number, number][] = [];
  if (szz > 1e-12 * zz) candidates.push([yBar - (szy / szz) * zBar, szy / szz]);
  candidates.push([yBar, 0]);
  if (nonNegE && zz > 0) candidates.push([0, zy / zz]);
  if (nonNegE) candidates.push([0, 0]);
  let best = { E: 0, c: 0, sse: Infinity };
  for (const [E, c] of candidates) {
    if (c < 0 || (nonNegE && E < 0)) continue;
    const sse = lineSse(z, y, w, E, c);
    if (sse < best.sse) best = { E, c, sse };
  }
  return best;
}
