/**
 * Learning-rate schedule: linear warmup, then cosine decay to a floor (paper III-B "we use cosine
 * learning rate schedules ... following [55, 15]"; the shape of nanoGPT's get_lr), optionally after
 * a stretch at the peak (decayStart: warmup-stable-decay, for runs whose length is not known in
 * advance; the trainer's runSchedule picks the horizon). Steps are 0-based optimizer steps.
 */

/** Schedule parameters. */
export interface LrSchedule {
  /** Learning rate at the end of warmup. */
  readonly lrPeak: number;
  /** Steps of linear warmup (0 = start at lrPeak). */
  readonly warmupSteps: number;
  /** Step at which the cosine reaches lrMin; later steps stay at lrMin (Infinity = constant after warmup). */
  readonly totalSteps: number;
  /** Step at which the cosine leaves lrPeak (default warmupSteps; later = a constant stretch first). */
  readonly decayStart?: number;
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
  // 3. Before the decay starts: the peak.
  const start = Math.max(s.warmupSteps, s.decayStart ?? s.warmupSteps);
  if (step < start) return s.lrPeak;
  // 4. In between: cosine from lrPeak (at the start of the decay) down to lrMin (at totalSteps).
  const ratio = (step - start) / Math.max(1, s.totalSteps - start);
  const coeff = 0.5 * (1 + Math.cos(Math.PI * ratio)); // 1 -> 0
  return s.lrMin + coeff * (s.lrPeak - s.lrMin);
}
