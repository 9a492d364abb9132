/**
 * Iso-loss curves of the joint law L(N, D) = E + (N0 / N)^aN + (D0 / D)^aD (laws.ts): for a
 * loss level l, the model sizes N that reach l with D interactions,
 *   (N0 / N)^aN = l − E − (D0 / D)^aD   ⇔   N(D) = N0 · (l − E − (D0 / D)^aD)^(−1 / aN),
 * defined where the right side is positive: D must exceed the data size at which the data term
 * alone is l − E, D_min = D0 · (l − E)^(−1 / aD); N(D) falls towards N0 · (l − E)^(−1 / aN) as D
 * grows. Figure 2b draws a few such curves in the (D, N) plane with the compute-optimal frontier
 * (compute-optimal.ts) across them.
 */
import { powerTerm, type JointLawParams } from './laws';

/** A point of an iso-loss curve. */
export interface IsoLossPoint {
  readonly D: number;
  readonly N: number;
}

/**
 * The model size that reaches `loss` with `D` interactions, or undefined when none does (the
 * level is at or below what infinite N reaches at this D, or the law has no N term).
 * @example isoLossN({ E: 2, N0: 100, aN: 1, D0: 100, aD: 1 }, 4, 100) // 100: 2 + 100/N + 1 = 4
 */
export function isoLossN(p: JointLawParams, loss: number, D: number): number | undefined {
  const room = loss - p.E - powerTerm(D, p.D0, p.aD);
  if (!(room > 0) || !(p.N0 > 0 && p.aN > 0)) return undefined;
  return p.N0 * Math.pow(room, -1 / p.aN);
}

/**
 * The iso-loss curve of `loss` over the data sizes `ds`: the points where it is defined and N
 * lies in [nMin, nMax] (the plot's range), in the order of `ds`.
 * @example isoLossCurve(law, 5.5, logSpace(1e5, 1e8, 40), 1e3, 1e8)
 */
export function isoLossCurve(p: JointLawParams, loss: number, ds: readonly number[], nMin = 0, nMax = Infinity): IsoLossPoint[] {
  const out: IsoLossPoint[] = [];
  for (const D of ds) {
    const N = isoLossN(p, loss, D);
    if (N !== undefined && N >= nMin && N <= nMax) out.push({ D, N });
  }
  return out;
}
