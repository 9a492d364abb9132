/**
 * Seedable randomness. lib never calls Math.random: every random choice takes an Rng made
 * from an explicit seed, so splits, subsamples, synthetic data and evaluations reproduce.
 */

/** A seeded pseudo-random source. */
export interface Rng {
  /** Uniform float in [0, 1). */
  next(): number;
  /** Uniform integer in [0, n). */
  int(n: number): number;
  /** Standard normal (Box-Muller). */
  normal(): number;
}

/**
 * mulberry32: a 32-bit state generator, fast and good enough for sampling (not crypto).
 * @example const r = makeRng(42); r.next(); // same sequence for the same seed
 */
export function makeRng(seed: number): Rng {
  let a = (seed >>> 0) ^ 0x9e3779b9;
  let spare: number | undefined;
  const next = (): number => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return {
    next,
    int: (n) => Math.floor(next() * n),
    normal: () => {
      if (spare !== undefined) {
        const s = spare;
        spare = undefined;
        return s;
      }
      const u = 1 - next();
      const v = next();
      const r = Math.sqrt(-2 * Math.log(u));
      spare = r * Math.sin(2 * Math.PI * v);
      return r * Math.cos(2 * Math.PI * v);
    },
  };
}

/** Derive an independent 32-bit seed from a base seed and a stream label (e.g. epoch, step). */
export function deriveSeed(seed: number, ...stream: number[]): number {
  let h = (seed >>> 0) ^ 0x85ebca6b;
  for (const s of stream) {
    h = Math.imul(h ^ (s >>> 0), 0xcc9e2d51);
    h = (h << 15) | (h >>> 17);
    h = Math.imul(h, 0x1b873593) >>> 0;
  }
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  return h >>> 0;
}

/** Fisher-Yates shuffle of a copy of `xs`. */
export function shuffled<T extends ArrayLike<number>>(xs: T, rng: Rng): Int32Array {
  const out = Int32Array.from(xs as ArrayLike<number>);
  for (let i = out.length - 1; i > 0; i--) {
    const j = rng.int(i + 1);
    const t = out[i];
    out[i] = out[j];
    out[j] = t;
  }
  return out;
}
