/**
 * The measured points a law is fitted to, and their checks. A point is one run: its size x
 * (model parameters, interactions, ...), its loss y and an optional weight. Several points at
 * the same x are taken as repeats of one size (different seeds); the bootstrap resamples them
 * within their x.
 */
import { DataError } from '../util/errors';

/** One measured run: size x > 0, loss y, optional weight w > 0 (default 1). */
export interface ScalingPoint {
  readonly x: number;
  readonly y: number;
  readonly weight?: number;
}

/** The points that share one x (one model size, several seeds). */
export interface PointGroup {
  readonly x: number;
  readonly points: readonly ScalingPoint[];
}

/**
 * Throw a DataError unless every point has a finite x > 0, a finite y and a finite weight > 0.
 * The message names the point (1-based) and the value: "point 3 has x = -5: a size must be a
 * positive finite number".
 */
export function checkPointValues(points: readonly ScalingPoint[]): void {
  points.forEach((p, i) => {
    if (!(Number.isFinite(p.x) && p.x > 0)) throw new DataError(`point ${i + 1} has x = ${p.x}: a size must be a positive finite number`);
    if (!Number.isFinite(p.y)) throw new DataError(`point ${i + 1} has y = ${p.y}: a loss must be a finite number`);
    const w = p.weight ?? 1;
    if (!(Number.isFinite(w) && w > 0)) throw new DataError(`point ${i + 1} has weight ${w}: a weight must be a positive finite number`);
  });
}

/** The distinct values of x, ascending. */
export function distinctXs(points: readonly ScalingPoint[]): number[] {
  return [...new Set(points.map((p) => p.x))].sort((a, b) => a - b);
}

/**
 * Check the values and that there are at least `numParams` distinct x (a law with that many
 * parameters is not determined by fewer).
 * @throws DataError "a power law has 3 parameters: need at least 3 points with distinct x, got 2"
 */
export function checkPoints(points: readonly ScalingPoint[], numParams = 3, what = 'a power law'): void {
  checkPointValues(points);
  const d = distinctXs(points).length;
  if (d < numParams) throw new DataError(`${what} has ${numParams} parameters: need at least ${numParams} points with distinct x, got ${d}`);
}

/** The points grouped by x, groups in ascending x, each group in input order. */
export function groupByX(points: readonly ScalingPoint[]): PointGroup[] {
  const byX = new Map<number, ScalingPoint[]>();
  for (const p of points) {
    const g = byX.get(p.x);
    if (g) g.push(p);
    else byX.set(p.x, [p]);
  }
  return [...byX.keys()].sort((a, b) => a - b).map((x) => ({ x, points: byX.get(x)! }));
}
