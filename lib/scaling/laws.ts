/**
 * The scaling-law forms of the paper (Zhang et al., "Scaling Law of Large Sequential
 * Recommendation Models", section IV, eq. 2) and their joint extension in model and data size
 * (Kaplan et al. 2020, Hoffmann et al. 2022, applied to recommendation; beyond the paper).
 *   x, N   model size (non-embedding parameters) or any positive size
 *   D      data size (interactions, or tokens seen)
 *   L      the loss (test cross-entropy)
 *   E      the irreducible loss (the entropy of the data the law extrapolates to)
 */

/** L(x) = E + (x0 / x)^alpha. x0 = 0 is the flat law L = E (whatever alpha). */
export interface PowerLawParams {
  readonly E: number;
  readonly x0: number;
  readonly alpha: number;
}

/** L(N, D) = E + (N0 / N)^aN + (D0 / D)^aD. N0 = 0 (or D0 = 0) drops that term. */
export interface JointLawParams {
  readonly E: number;
  readonly N0: number;
  readonly aN: number;
  readonly D0: number;
  readonly aD: number;
}

/** The reducible part (s0 / s)^a of one term; 0 when s0 = 0 (a dropped term, even when a = 0). */
export function powerTerm(s: number, s0: number, a: number): number {
  return s0 === 0 ? 0 : Math.pow(s0 / s, a);
}

/**
 * The paper's law of loss in one size (eq. 2): L(x) = E + (x0 / x)^alpha.
 * @example powerLaw(6.8e5, { E: 4.9, x0: 6.8e5, alpha: 0.121 }) // 5.9 (at x = x0 the term is 1)
 */
export function powerLaw(x: number, p: PowerLawParams): number {
  return p.E + powerTerm(x, p.x0, p.alpha);
}

/**
 * The joint law in model size N and data size D: L(N, D) = E + (N0 / N)^aN + (D0 / D)^aD.
 * Each term vanishes as its size grows, so E is the loss of an infinite model on infinite data.
 * @example jointLaw(1e6, 1e7, { E: 2, N0: 1e6, aN: 0.3, D0: 1e7, aD: 0.2 }) // 2 + 1 + 1 = 4
 */
export function jointLaw(N: number, D: number, p: JointLawParams): number {
  return p.E + powerTerm(N, p.N0, p.aN) + powerTerm(D, p.D0, p.aD);
}
