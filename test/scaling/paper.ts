/**
 * Shared fixtures of the scaling tests: the paper's ML-20M law (section IV-A: E = 4.9,
 * N0 = 6.8e5, alpha = 0.121, fitted on four models of 98.3K..9.4M parameters) and points drawn
 * from it, exact or with seeded Gaussian noise.
 */
import { powerLaw, type PowerLawParams } from '../../lib/scaling/laws';
import type { ScalingPoint } from '../../lib/scaling/points';
import { makeRng } from '../../lib/util/rng';

export const PAPER_LAW: PowerLawParams = { E: 4.9, x0: 6.8e5, alpha: 0.121 };

/** Model sizes of the paper's figures: 98.3K, 0.8M, 3.2M, 9.4M, 25M, 75.5M. */
export const SIZES = [98.3e3, 0.8e6, 3.2e6, 9.4e6, 25e6, 75.5e6];

/** The four fitted sizes, then the two the paper predicts (75.5M and 0.8B). */
export const PAPER_SIZES = [98.3e3, 0.8e6, 3.2e6, 9.4e6, 75.5e6, 0.8e9];

/** Points on the law, one per size. */
export function exactPoints(xs: readonly number[], p: PowerLawParams = PAPER_LAW): ScalingPoint[] {
  return xs.map((x) => ({ x, y: powerLaw(x, p) }));
}

/** `repeats` points per size, each the law plus N(0, sigma²) noise from a seeded rng. */
export function noisyPoints(xs: readonly number[], sigma: number, seed: number, repeats = 1, p: PowerLawParams = PAPER_LAW): ScalingPoint[] {
  const rng = makeRng(seed);
  return xs.flatMap((x) => Array.from({ length: repeats }, () => ({ x, y: powerLaw(x, p) + sigma * rng.normal() })));
}
