/**
 * Learning-rate schedule: linear warmup, then cosine decay to a floor (paper III-B "we use cosine
 * learning rate schedules ... following [55, 15]"; the shape of nanoGPT's get_lr).
 * Steps are 0-based optimizer steps.
 */

/** Schedule parameters. */
export interface LrSchedule {
  /** Learning rate at the end of warmup. */
  readonly lrPeak: number;
  /** Steps of linear warmup (0 = start at lrPeak). */
  readonly warmupSteps: number;
  /** Step at which the cosine reaches lrMin; later steps stay at lrMin. */
  readonly totalSteps: number;
  /** Floor of the decay. */
  readonly lrMin: number;
}

/**
 * Learning rate at `step`.
 * @throws Error on a negative or non-finite step.
 * @example learningRate(0, { lrPeak: 1e-3, warmupSteps: 10, totalSteps: 100, lrMin: 1e-5 }) // 1e-4
 */
export function learningRate(step: number, s: LrSchedule): number {
  if (!Number.isFinite(step) || step < 0) throw new Error(`learningRate: step must be >= 0, got ${step}`);
  // 1. Linear warmup: step 0 already gets a non-zero rate, step warmupSteps-1 reaches lrPeak.
  if (step < s.warmupSteps) return (s.lrPeak * (step + 1)) / s.warmupSteps;
  // 2. Past the end of the decay: the floor.
  if (step >= s.totalSteps) return s.lrMin;
  // 3. In between: cosine from lrPeak (at warmupSteps) down to lrMin (at totalSteps).
  const ratio = (step - s.warmupSteps) / Math.max(1, s.totalSteps - s.warmupSteps);
  const coeff = 0.5 * (1 + Math.cos(Math.PI * ratio)); // 1 -> 0
  return s.lrMin + coeff * (s.lrPeak - s.lrMin);
}
