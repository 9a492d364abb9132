/**
 * Fit the joint law L(N, D) = E + (N0 / N)^aN + (D0 / D)^aD (laws.ts; Kaplan et al. 2020 and
 * Hoffmann et al. 2022, applied to recommendation: beyond the paper) on a grid of runs, by
 * weighted least squares on the loss:
 *   minimise Σ_i w_i (y_i − E − (N0 / N_i)^aN − (D0 / D_i)^aD)²
 * Variable projection, as fit.ts: with cN = (N0 / N_ref)^aN and cD = (D0 / D_ref)^aD (N_ref,
 * D_ref the geometric means) the model is linear in (E, cN, cD) for fixed exponents, solved
 * exactly with cN, cD >= 0 (and E >= 0 by default). The exponents are then found by
 *   1. a fixed grid over (aN, aD), log-spaced over [alphaMin, alphaMax] on both axes;
 *   2. Nelder-Mead in (ln aN, ln aD) from the best grid point (steps of one grid cell);
 *   3. N0 = N_ref · cN^(1/aN), D0 = D_ref · cD^(1/aD).
 * A term whose coefficient comes out 0 is dropped (reported with its scale and exponent 0).
 */
import { DataError } from '../util/errors';
import { checkFitOptions, POWER_LAW_FIT_DEFAULTS, weightedR2, type FitQuality, type PowerLawFitOptions } from './fit';
import { jointLaw, type JointLawParams } from './laws';
import { constrainedLeastSquares, type LinearFit } from './linear';
import { logSpace, nelderMead } from './search';

/** One run of the grid: model size N, data size D, loss y, optional weight > 0. */
export interface JointPoint {
  readonly N: number;
  readonly D: number;
  readonly y: number;
  readonly weight?: number;
}

/** A fitted joint law and how well it fits (residuals y_i − L(N_i, D_i); degenerate when a term dropped out). */
export interface JointLawFit extends FitQuality {
  readonly params: JointLawParams;
}

/** The joint fit's search: as the power law's, with a coarser grid (it is two-dimensional). */
export const JOINT_FIT_DEFAULTS: PowerLawFitOptions = { ...POWER_LAW_FIT_DEFAULTS, gridSize: 40 };

/**
 * Throw a DataError unless each point has finite N, D > 0, finite y and weight > 0, and the
 * grid has at least 5 points with at least 3 distinct N and 3 distinct D (each term has a
 * scale and an exponent to pin beyond the shared E).
 */
export function checkJointPoints(points: readonly JointPoint[]): void {
  points.forEach((p, i) => {
    for (const [k, v] of [['N', p.N], ['D', p.D]] as const) {
      if (!(Number.isFinite(v) && v > 0)) throw new DataError(`point ${i + 1} has ${k} = ${v}: a size must be a positive finite number`);
    }
    if (!Number.isFinite(p.y)) throw new DataError(`point ${i + 1} has y = ${p.y}: a loss must be a finite number`);
    const w = p.weight ?? 1;
    if (!(Number.isFinite(w) && w > 0)) throw new DataError(`point ${i + 1} has weight ${w}: a weight must be a positive finite number`);
  });
  if (points.length < 5) throw new DataError(`the joint law has 5 parameters: need at least 5 points, got ${points.length}`);
  for (const k of ['N', 'D'] as const) {
    const d = new Set(points.map((p) => p[k])).size;
    if (d < 3) throw new DataError(`the joint law needs at least 3 distinct ${k} (a scale and an exponent besides E), got ${d}`);
  }
}

/** ln s − ln s_ref for each point, and ln s_ref (the geometric mean). */
function centredLogs(values: number[]): { l: Float64Array; lnRef: number } {
  const lnRef = values.reduce((s, v) => s + Math.log(v), 0) / values.length;
  return { l: Float64Array.from(values, (v) => Math.log(v) - lnRef), lnRef };
}

/**
 * Fit L(N, D) = E + (N0 / N)^aN + (D0 / D)^aD (see the header).
 * @throws DataError on too few points or sizes (checkJointPoints)
 * @example fitJointLaw(grid).params // { E, N0, aN, D0, aD }
 */
export function fitJointLaw(points: readonly JointPoint[], options: Partial<PowerLawFitOptions> = {}): JointLawFit {
  const o = { ...JOINT_FIT_DEFAULTS, ...options };
  checkFitOptions(o);
  checkJointPoints(points);
  const y = Float64Array.from(points, (p) => p.y);
  const w = Float64Array.from(points, (p) => p.weight ?? 1);
  const ones = new Float64Array(points.length).fill(1);
  const lN = centredLogs(points.map((p) => p.N)), lD = centredLogs(points.map((p) => p.D));
  const [uMin, uMax] = [Math.log(o.alphaMin), Math.log(o.alphaMax)];
  const clamp = (u: number) => Math.min(uMax, Math.max(uMin, u));
  const inner = ([uN, uD]: number[]): LinearFit => {
    const aN = Math.exp(clamp(uN)), aD = Math.exp(clamp(uD));
    const zN = lN.l.map((v) => Math.exp(-aN * v)), zD = lD.l.map((v) => Math.exp(-aD * v));
    return constrainedLeastSquares([ones, zN, zD], y, w, [o.nonNegativeE, true, true]);
  };
  // 1. The grid.
  const axis = logSpace(o.alphaMin, o.alphaMax, o.gridSize).map(Math.log);
  let start = [axis[0], axis[0]], best = Infinity;
  for (const uN of axis) for (const uD of axis) {
    const s = inner([uN, uD]).sse;
    if (s < best) { best = s; start = [uN, uD]; }
  }
  // 2. Nelder-Mead from there.
  const cell = axis[1] - axis[0];
  const nm = nelderMead((u) => inner(u).sse, start, [cell, cell], 1e-12);
  const u = (nm.fx <= best ? nm.x : start).map(clamp);
  const { coef: [E, cN, cD] } = inner(u);
  return finishJoint(points, { E, cN, cD, aN: Math.exp(u[0]), aD: Math.exp(u[1]), lnRefN: lN.lnRef, lnRefD: lD.lnRef }, y, w, o);
}

type JointSolution = { E: number; cN: number; cD: number; aN: number; aD: number; lnRefN: number; lnRefD: number };

/** The scales from the coefficients, residuals, R² and the notes. */
function finishJoint(points: readonly JointPoint[], s: JointSolution, y: Float64Array, w: Float64Array, o: PowerLawFitOptions): JointLawFit {
  const notes: string[] = [];
  const scale = (c: number, a: number, lnRef: number, name: string): [number, number] => {
    if (!(c > 0)) {
      notes.push(`the loss does not fall with ${name}: that term drops out (${name}0 and its exponent are reported as 0)`);
      return [0, 0];
    }
    const atEdge = a <= o.alphaMin * (1 + 1e-9) || a >= o.alphaMax * (1 - 1e-9);
    if (atEdge) notes.push(`a${name} stopped at the edge of its search range [${o.alphaMin}, ${o.alphaMax}]`);
    return [Math.min(Number.MAX_VALUE, Math.exp(lnRef + Math.log(c) / a)), a];
  };
  const [N0, aN] = scale(s.cN, s.aN, s.lnRefN, 'N');
  const [D0, aD] = scale(s.cD, s.aD, s.lnRefD, 'D');
  const params: JointLawParams = { E: s.E, N0, aN, D0, aD };
  const residuals = points.map((p) => p.y - jointLaw(p.N, p.D, params));
  const sse = residuals.reduce((acc, r, i) => acc + w[i] * r * r, 0);
  return {
    params, r2: weightedR2(y, w, sse), sse, residuals, n: points.length,
    converged: notes.length === 0, degenerate: N0 === 0 || D0 === 0,
    ...(notes.length ? { note: notes.join('; ') } : {}),
  };
}
