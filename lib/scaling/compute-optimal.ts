/**
 * The compute-optimal model size under the joint law (joint.ts), with the training compute of
 * a transformer C ≈ 6·N·D FLOPs (2 per parameter per token forward, 4 backward; Kaplan et al.
 * 2020). Beyond the paper: Kaplan's and Chinchilla's question asked of recommendation.
 * For a budget C, D = C / (6N) and
 *   L(N) = E + A·N^−aN + B·N^aD,   A = N0^aN,  B = (6·D0 / C)^aD.
 * In u = ln N this is E plus a sum of two exponentials, so convex with one stationary point:
 *   dL/du = −aN·A·N^−aN + aD·B·N^aD = 0  ⇔  N^(aN + aD) = aN·A / (aD·B)
 *   ln N* = (ln aN + aN·ln N0 − ln aD − aD·ln(6·D0 / C)) / (aN + aD),   D* = C / (6·N*)
 * (no search is needed). Along the frontier N* ∝ C^(aD / (aN + aD)) and D* ∝ C^(aN / (aN + aD)).
 * Because L is convex in ln N, the optimum over a range [nMin, nMax] is N* clamped to it.
 */
import { checkInteger, checkNumber } from '../util/validate';
import { jointLaw, type JointLawParams } from './laws';
import { logSpace } from './search';

/** The best split of one compute budget. */
export interface ComputeOptimum {
  /** FLOPs. */
  readonly C: number;
  readonly N: number;
  readonly D: number;
  /** L(N, D) at the optimum. */
  readonly loss: number;
  /** Set when N* was clamped to the range, or a term of the law is missing. */
  readonly note?: string;
}

/** Bounds on the model size; the defaults keep N >= 1 and D >= 1 (N <= C / 6). */
export interface SizeRange {
  readonly nMin?: number;
  readonly nMax?: number;
}

/** Model-size exponent of the frontier, N* ∝ C^(aD / (aN + aD)) (undefined without both terms). */
export function frontierExponent(p: JointLawParams): number | undefined {
  return p.N0 > 0 && p.D0 > 0 && p.aN > 0 && p.aD > 0 ? p.aD / (p.aN + p.aD) : undefined;
}

/** ln N* of the header, or ±Infinity when a term is missing (no N term: as small as allowed). */
function unclampedLogN(p: JointLawParams, C: number): number {
  const hasN = p.N0 > 0 && p.aN > 0, hasD = p.D0 > 0 && p.aD > 0;
  if (!hasN) return -Infinity; // loss does not fall with N: spend everything on data
  if (!hasD) return Infinity; // loss does not fall with D: spend everything on the model
  return (Math.log(p.aN) + p.aN * Math.log(p.N0) - Math.log(p.aD) - p.aD * Math.log((6 * p.D0) / C)) / (p.aN + p.aD);
}

/**
 * The model size N*, data size D* = C / (6·N*) and loss L* that minimise L(N, C / (6N)) for the
 * budget C (closed form; see the header).
 * @throws ValidationError on a non-positive budget or an empty range
 * @example computeOptimal({ E: 2, N0: 1, aN: 0.5, D0: 1, aD: 0.5 }, 6e8).N // 1e4: N* = sqrt(C / 6)
 */
export function computeOptimal(p: JointLawParams, C: number, range: SizeRange = {}): ComputeOptimum {
  checkNumber('compute budget C', C, { min: 0, exclusiveMin: true });
  const nMin = checkNumber('SizeRange.nMin', range.nMin ?? 1, { min: 0, exclusiveMin: true });
  const nMax = checkNumber('SizeRange.nMax', range.nMax ?? C / 6, { min: nMin });
  const lnN = unclampedLogN(p, C);
  const N = Math.min(nMax, Math.max(nMin, Math.exp(lnN)));
  const D = C / (6 * N);
  let note: string | undefined;
  if (!Number.isFinite(lnN)) note = `the law has no ${lnN < 0 ? 'model-size' : 'data-size'} term: the optimum is the ${lnN < 0 ? 'smallest' : 'largest'} model allowed`;
  else if (N !== Math.exp(lnN)) note = `N* = ${Math.exp(lnN).toPrecision(4)} lies outside [${nMin}, ${nMax}]: clamped`;
  return { C, N, D, loss: jointLaw(N, D, p), ...(note ? { note } : {}) };
}

/**
 * The compute-optimal frontier: computeOptimal at `count` budgets log-spaced over [cMin, cMax].
 * @example computeFrontier(params, 1e15, 1e21, 7) // one optimum per decade of compute
 */
export function computeFrontier(p: JointLawParams, cMin: number, cMax: number, count: number, range: SizeRange = {}): ComputeOptimum[] {
  checkNumber('cMin', cMin, { min: 0, exclusiveMin: true });
  checkNumber('cMax', cMax, { min: cMin });
  checkInteger('count', count, { min: 1 });
  return logSpace(cMin, cMax, count).map((C) => computeOptimal(p, C, range));
}
