/**
 * Deterministic minimisers for the nonlinear part of a fit (the exponents): a fixed grid, then
 * golden-section search in one dimension or Nelder-Mead in two. No randomness and no
 * wall-clock stopping: the same input gives the same steps and the same answer.
 */

/**
 * n points spaced evenly in log between lo and hi (both included).
 * @example logSpace(0.01, 1, 3) // [0.01, 0.1, 1]
 */
export function logSpace(lo: number, hi: number, n: number): number[] {
  if (n === 1) return [lo];
  const a = Math.log(lo), b = Math.log(hi);
  return Array.from({ length: n }, (_, i) => (i === 0 ? lo : i === n - 1 ? hi : Math.exp(a + ((b - a) * i) / (n - 1))));
}

/** A minimiser's answer: where and how low. */
export interface Minimum {
  readonly x: number;
  readonly fx: number;
}

const INV_PHI = (Math.sqrt(5) - 1) / 2; // 1/φ = 0.618...

/**
 * Golden-section search for a minimum of f on [a, b]: each step keeps the part of the bracket
 * that holds the lower of two interior points placed at ratios 1 − 1/φ and 1/φ, so the bracket
 * shrinks by 1/φ per step until it is narrower than `tol`. Returns the lowest point evaluated.
 * @example goldenSection((x) => (x - 2) ** 2, 0, 5).x // 2 (to 1e-10)
 */
export function goldenSection(f: (x: number) => number, a: number, b: number, tol = 1e-10, maxSteps = 200): Minimum {
  let c = b - INV_PHI * (b - a);
  let d = a + INV_PHI * (b - a);
  let fc = f(c), fd = f(d);
  for (let step = 0; step < maxSteps && Math.abs(b - a) > tol; step++) {
    if (fc <= fd) {
      b = d; d = c; fd = fc;
      c = b - INV_PHI * (b - a); fc = f(c);
    } else {
      a = c; c = d; fc = fd;
      d = a + INV_PHI * (b - a); fd = f(d);
    }
  }
  return fc <= fd ? { x: c, fx: fc } : { x: d, fx: fd };
}

/** A point in n dimensions and its value. */
export interface MinimumN {
  readonly x: number[];
  readonly fx: number;
  readonly steps: number;
}

/**
 * Nelder-Mead simplex search (standard coefficients: reflect 1, expand 2, contract 1/2,
 * shrink 1/2) from x0 with first steps `step` per coordinate. Stops when every vertex lies
 * within `tol` of the best in every coordinate, or after maxSteps.
 * @example nelderMead(([u, v]) => (u - 1) ** 2 + (v + 2) ** 2, [0, 0], [0.5, 0.5]).x // [1, -2]
 */
export function nelderMead(f: (x: number[]) => number, x0: number[], step: number[], tol = 1e-10, maxSteps = 2000): MinimumN {
  const n = x0.length;
  const evaluate = (x: number[]) => ({ x, fx: f(x) });
  let simplex = [x0, ...x0.map((_, i) => x0.map((v, j) => (i === j ? v + step[i] : v)))].map(evaluate);
  const at = (base: number[], dir: number[], t: number) => base.map((v, j) => v + t * (dir[j] - v));
  let steps = 0;
  for (; steps < maxSteps; steps++) {
    simplex.sort((p, q) => p.fx - q.fx);
    const best = simplex[0], worst = simplex[n];
    if (simplex.every((p) => p.x.every((v, j) => Math.abs(v - best.x[j]) <= tol))) break;
    const centroid = x0.map((_, j) => simplex.slice(0, n).reduce((s, p) => s + p.x[j], 0) / n);
    const r = at(centroid, worst.x, -1), fr = f(r);
    if (fr < best.fx) {
      const e = at(centroid, worst.x, -2), fe = f(e);
      simplex[n] = fe < fr ? { x: e, fx: fe } : { x: r, fx: fr };
    } else if (fr < simplex[n - 1].fx) {
      simplex[n] = { x: r, fx: fr };
    } else {
      const c = fr < worst.fx ? at(centroid, r, 0.5) : at(centroid, worst.x, 0.5);
      const fc = f(c);
      if (fc < Math.min(fr, worst.fx)) simplex[n] = { x: c, fx: fc };
      else simplex = simplex.map((p, i) => (i === 0 ? p : evaluate(at(best.x, p.x, 0.5))));
    }
  }
  simplex.sort((p, q) => p.fx - q.fx);
  return { ...simplex[0], steps };
}
