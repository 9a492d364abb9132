/**
 * User trajectory prediction (paper V-F, Figure 9).
 *
 * The paper: given a user's history S_h, the model "generates a sequence of items based on S_h
 * step by step (auto-regressive), ultimately producing a predicted trajectory S_p", compared with
 * the future trajectory S_f by Trajectory Rank, equation (4), printed as
 *   TR@k = (1/Z) Σ_{j=1..k} (2^{I(|S_f ∩ S_p[:k]|)} - 1) / log2(j + 1),  Z = Σ_{j=1..k} 1/log2(j + 1),
 * "where k denotes trajectory length ... and I(·) is an indicator function", for lengths 1..10,
 * "in which length 1 denotes the task of next-item recommendation". Figure 9 plots TR@k / TR@1.
 *
 * The printed summand does not depend on j, so it is garbled. Our reading (relevance 'prefix'):
 *   TR@k = (1/Z_k) Σ_{j=1..k} (2^{rel_j} - 1) / log2(j + 1),  rel_j = 1 if S_p[j] ∈ S_f[:k], else 0,
 * an NDCG over the first k generated items with the first k future items as the relevant set.
 * It keeps the printed pieces (an indicator of membership between S_f and S_p within the first
 * k, a DCG discount at position j, Z the ideal DCG) and makes TR@1 the next-item hit rate HR@1,
 * as the text says length 1 should be. Other readings, as options: 'future' (rel_j = 1 if
 * S_p[j] ∈ S_f, the whole future), 'position' (rel_j = 1 if S_p[j] = S_f[j]; TR@1 = HR@1 too).
 * Caution: under 'prefix' the relevant set grows with k, so TR@k / TR@1 tends to RISE with k,
 * while Figure 9 shows ratios that fall below 1 ("decreased ratio"); 'position' falls with k.
 * Measured (LSRM 2 layers, d 32, maxLen 20, 15 epochs on synthetic:smoke, 192 users): TR@10 /
 * TR@1 = 2.21 under 'prefix', 0.37 under 'position' (TR@1 = 0.182 for both). The printed ∩
 * supports 'prefix', the figure's shape 'position': the experiment should show both.
 *
 * Our choices, where the paper is vague (each an option):
 * - S_f = the last `length` (10) items of the user's whole sequence (train, valid, test of the
 *   split), S_h = the items before them; a user needs a test item (users whose test item was
 *   dropped as unseen are left out) and at least minHistory (1) history items. The models are
 *   the ladder's, trained on the usual split, so all but the last two items of S_f were in
 *   training: the paper does not say it held trajectories out, and neither do we;
 * - generation is greedy: at step j the input is S_h followed by S_p[1..j-1] (the last maxLen
 *   items of it), and S_p[j] is the best-scoring item (rank order of lib/eval/rank.ts: score
 *   desc, id asc) not already in S_p (`noRepeat`; items of S_h may be generated again);
 * - TR@k is averaged over users; the ratio TR@k / TR@1 is of the averages;
 * - times (a model with `usesTime` on data with event times: HSTU, FuXi-alpha): the generated
 *   item of step j takes the time of the j-th future event, and step j's target time is that
 *   of S_f[j]: the model is told when each next event happens, not what it is.
 *
 * Legend: U users, I items (1-based), L trajectory length, j, k positions 1..L.
 */
import type { LeaveOneOutSplit } from '../data/types';
import type { SeqModel } from '../models/types';
import { evaluateInputs } from '../eval/custom-inputs';
import { ValidationError } from '../util/errors';
import { fullSequence, fullSequenceTimes } from './common';
import { hasEventTimes } from '../data/split';

export type TrajectoryRelevance = 'prefix' | 'future' | 'position';
export const TRAJECTORY_RELEVANCES: readonly TrajectoryRelevance[] = ['prefix', 'future', 'position'];

export interface TrajectoryOptions {
  /** L: items generated and compared (paper: 10). */
  readonly length: number;
  /** Fewest history items before the future trajectory. */
  readonly minHistory: number;
  /** Never generate an item twice within one trajectory. */
  readonly noRepeat: boolean;
  readonly relevance: TrajectoryRelevance;
}

export const TRAJECTORY_DEFAULTS: TrajectoryOptions = { length: 10, minHistory: 1, noRepeat: true, relevance: 'prefix' };

export interface TrajectoryPosition {
  readonly k: number;
  /** Mean TR@k over users. */
  readonly TR: number;
  /** TR@k / TR@1 (null when TR@1 is 0), the y-axis of Figure 9. */
  readonly ratio: number | null;
}

export interface TrajectoryResult {
  readonly users: number;
  readonly length: number;
  readonly relevance: TrajectoryRelevance;
  readonly positions: readonly TrajectoryPosition[];
}

/** The users of the task with their histories S_h and futures S_f. */
export interface TrajectoryCases {
  readonly users: Int32Array;
  readonly histories: readonly Int32Array[];
  readonly futures: readonly Int32Array[];
}

/**
 * TR@k of one predicted trajectory against the future one (1-based positions in the formula,
 * 0-based arrays here); both need at least k items.
 * @throws RangeError when k is not in [1, min(|S_p|, |S_f|)]
 * @example trajectoryRank([5, 7], [7, 9], 2, 'prefix') // (0 + 1/log2 3) / (1 + 1/log2 3) = 0.38685
 */
export function trajectoryRank(predicted: ArrayLike<number>, future: ArrayLike<number>, k: number, relevance: TrajectoryRelevance): number {
  if (!Number.isInteger(k) || k < 1 || k > predicted.length || k > future.length) {
    throw new RangeError(`trajectoryRank: k must be an integer in [1, ${Math.min(predicted.length, future.length)}], got ${k}`);
  }
  const relevant = new Set<number>();
  const last = relevance === 'future' ? future.length : k;
  for (let j = 0; j < last; j++) relevant.add(future[j]);
  let dcg = 0;
  let z = 0;
  for (let j = 0; j < k; j++) {
    const discount = 1 / Math.log2(j + 2); // 1 / log2(position + 1), position = j + 1
    const rel = relevance === 'position' ? predicted[j] === future[j] : relevant.has(predicted[j]);
    if (rel) dcg += discount; // 2^1 - 1 = 1
    z += discount;
  }
  return dcg / z;
}

/**
 * The users with a test item and at least minHistory + length items: S_h and S_f of each.
 * @example trajectoryCases(split, 2, 1) // user with items [1..5]: history [1, 2, 3], future [4, 5]
 */
export function trajectoryCases(split: LeaveOneOutSplit, length: number, minHistory: number): TrajectoryCases {
  const users: number[] = [];
  const histories: Int32Array[] = [];
  const futures: Int32Array[] = [];
  for (let u = 0; u < split.numUsers; u++) {
    if (split.test[u] === 0) continue;
    const seq = fullSequence(split, u);
    if (seq.length < length + minHistory) continue;
    users.push(u);
    histories.push(seq.slice(0, seq.length - length));
    futures.push(seq.slice(seq.length - length));
  }
  return { users: Int32Array.from(users), histories, futures };
}

/**
 * Generate `length` items per history, greedily: step j appends to each input the best item not
 * yet generated for it (with noRepeat) and feeds it back. Each step is one full-ranking pass
 * (lib/eval/custom-inputs.ts) that keeps each row's top j items; `futures` serve as the passes'
 * targets only (their ranks are not used). `times[r]`, when given, are the times of history r
 * followed by those of its future trajectory (see the header).
 */
export async function generateTrajectories(model: SeqModel, numItems: number, histories: readonly Int32Array[], futures: readonly Int32Array[],
  length: number, noRepeat: boolean, times?: readonly Float64Array[]): Promise<Int32Array[]> {
  const predicted = histories.map(() => new Int32Array(length));
  for (let step = 0; step < length; step++) {
    const inputs = histories.map((h, r) => {
      const x = new Int32Array(h.length + step);
      x.set(h);
      x.set(predicted[r].subarray(0, step), h.length);
      return x;
    });
    const width = noRepeat ? step + 1 : 1; // at most `step` items are excluded, so the top step + 1 hold a new one
    // Times (see the header): the history's, then the future events' up to this step; the target's is S_f[step]'s.
    const stepTimes = times ? {
      inputs: histories.map((h, r) => times[r].subarray(0, h.length + step)),
      targets: histories.map((h, r) => times[r][h.length + step]),
    } : undefined;
    const r = await evaluateInputs(model, numItems, inputs, futures.map((f) => f[step]), { ks: [1], coverageKs: [], topk: width, ...(stepTimes ? { times: stepTimes } : {}) });
    for (let row = 0; row < histories.length; row++) {
      const top = r.topk!.subarray(row * width, (row + 1) * width);
      const taken = predicted[row].subarray(0, step);
      predicted[row][step] = noRepeat ? top.find((item) => !taken.includes(item))! : top[0];
    }
  }
  return predicted;
}

function checkOptions(opts: TrajectoryOptions, numItems: number): void {
  if (!Number.isInteger(opts.length) || opts.length < 1) throw new ValidationError('trajectory length', opts.length, 'a positive integer');
  if (opts.noRepeat && opts.length > numItems) throw new ValidationError('trajectory length', opts.length, `at most the number of items (${numItems}) without repeats`);
  if (!Number.isInteger(opts.minHistory) || opts.minHistory < 1) throw new ValidationError('trajectory minHistory', opts.minHistory, 'a positive integer');
  if (!TRAJECTORY_RELEVANCES.includes(opts.relevance)) throw new ValidationError('trajectory relevance', opts.relevance, `one of ${TRAJECTORY_RELEVANCES.join(', ')}`);
}

/**
 * Generate each eligible user's trajectory and report mean TR@k and TR@k / TR@1 for k = 1..L.
 * @throws ValidationError on bad options or when no user has length + minHistory items
 */
export async function trajectory(model: SeqModel, split: LeaveOneOutSplit, options: Partial<TrajectoryOptions> = {}): Promise<TrajectoryResult> {
  const opts = { ...TRAJECTORY_DEFAULTS, ...options };
  checkOptions(opts, split.numItems);
  const cases = trajectoryCases(split, opts.length, opts.minHistory);
  if (cases.users.length === 0) {
    throw new ValidationError('trajectory length', opts.length, `short enough that some user has length + minHistory (${opts.length} + ${opts.minHistory}) items and a test item`);
  }
  const timed = model.config.usesTime === true && hasEventTimes(split);
  const times = timed ? Array.from(cases.users, (u) => fullSequenceTimes(split, u)) : undefined; // S_h then S_f, item for item
  const predicted = await generateTrajectories(model, split.numItems, cases.histories, cases.futures, opts.length, opts.noRepeat, times);
  const positions: TrajectoryPosition[] = [];
  for (let k = 1; k <= opts.length; k++) {
    let sum = 0;
    predicted.forEach((p, r) => (sum += trajectoryRank(p, cases.futures[r], k, opts.relevance)));
    positions.push({ k, TR: sum / predicted.length, ratio: null });
  }
  const tr1 = positions[0].TR;
  return {
    users: cases.users.length, length: opts.length, relevance: opts.relevance,
    positions: positions.map((p) => ({ ...p, ratio: tr1 > 0 ? p.TR / tr1 : null })),
  };
}
