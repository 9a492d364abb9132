/**
 * Pieces the five hard tasks (paper V-B..V-F) share: a user's whole sequence back from a
 * leave-one-out split, the items a model was trained on, the model's input window, metrics of a
 * subset of evaluated users (through lib/eval/metrics.ts) and percent changes between models.
 *
 * Legend: U users (0-based), I items (1-based, 0 = padding), n evaluated users.
 */
import type { LeaveOneOutSplit } from '../data/types';
import type { SeqModel } from '../models/types';
import { EVAL_DEFAULTS } from '../eval/evaluate';
import { hitRate, ndcg } from '../eval/metrics';
import { ValidationError } from '../util/errors';

/** A metric value per name ('HR@10', 'NDCG@10'); null where a group has no users. */
export type Metrics = Record<string, number | null>;

/**
 * User u's whole sequence as the split holds it, oldest first: train[u], then valid[u] and
 * test[u] where they are non-zero. (A test item that splitLeaveOneOut dropped, because no
 * training history holds it, is not recoverable from the split.)
 * @example fullSequence(split, 0) // [...train[0], valid[0], test[0]]
 */
export function fullSequence(split: LeaveOneOutSplit, u: number): Int32Array {
  const { offsets, items } = split.train;
  const train = items.subarray(offsets[u], offsets[u + 1]);
  const tail = [split.valid[u], split.test[u]].filter((x) => x !== 0);
  const out = new Int32Array(train.length + tail.length);
  out.set(train);
  out.set(tail, train.length);
  return out;
}

/**
 * The times of fullSequence(split, u), item for item: the train times, then the validation and
 * test targets' times (validTime, testTime). Needs a split with held-out times.
 * @throws RangeError when the split has no held-out times
 */
export function fullSequenceTimes(split: LeaveOneOutSplit, u: number): Float64Array {
  if (!split.validTime || !split.testTime) throw new RangeError('fullSequenceTimes: the split has no held-out times (validTime, testTime)');
  const { offsets, times } = split.train;
  const tail = [[split.valid[u], split.validTime[u]], [split.test[u], split.testTime[u]]].filter(([x]) => x !== 0).map(([, t]) => t);
  return Float64Array.from([...times.subarray(offsets[u], offsets[u + 1]), ...tail]);
}

/**
 * Items a model trained on the split has seen: those in some user's train part or a
 * validation target (the rule splitLeaveOneOut uses to drop unseen test items).
 * @example trainedItems(split)[i] // 1 when item i occurs in training
 */
export function trainedItems(split: LeaveOneOutSplit): Uint8Array {
  const seen = new Uint8Array(split.numItems + 1);
  for (const item of split.train.items) seen[item] = 1;
  for (const item of split.valid) seen[item] = 1;
  seen[0] = 0;
  return seen;
}

/** The input window of a model: its config's maxLen, else the evaluator's default (50). */
export function modelMaxLen(model: SeqModel): number {
  const m = model.config.maxLen;
  return typeof m === 'number' && Number.isInteger(m) && m > 0 ? m : EVAL_DEFAULTS.maxLen;
}

/**
 * HR@k and NDCG@k (lib/eval/metrics.ts) over the evaluated users at positions `rows` of
 * `ranks`; every value null when `rows` is empty.
 * @example subsetMetrics(Int32Array.of(0, 12, 3), [0, 2], [10]) // { 'HR@10': 1, 'NDCG@10': (1 + 1/log2(5)) / 2 }
 */
export function subsetMetrics(ranks: Int32Array, rows: ArrayLike<number>, ks: readonly number[]): Metrics {
  const picked = Int32Array.from(rows as ArrayLike<number>, (r) => ranks[r]);
  const out: Metrics = {};
  for (const k of ks) out[`HR@${k}`] = picked.length > 0 ? hitRate(picked, k) : null;
  for (const k of ks) out[`NDCG@${k}`] = picked.length > 0 ? ndcg(picked, k) : null;
  return out;
}

/**
 * 100 * (value - base) / base: the percent improvement of `value` over `base` (negative = worse);
 * null when either is null or base is 0.
 * @example percentChange(0.2, 0.25) // 25
 */
export function percentChange(base: number | null, value: number | null): number | null {
  if (base === null || value === null || base === 0) return null;
  return (100 * (value - base)) / base;
}

/**
 * A list of distinct positive integers, ascending.
 * @throws ValidationError naming `name` when empty or a value is not a positive integer
 */
export function checkCutoffs(name: string, ks: readonly number[], max = Infinity): number[] {
  if (ks.length === 0) throw new ValidationError(name, ks, 'a non-empty list');
  for (const k of ks) {
    if (!Number.isInteger(k) || k < 1 || k > max) throw new ValidationError(name, ks, max === Infinity ? 'a list of positive integers' : `a list of integers in [1, ${max}]`);
  }
  return [...new Set(ks)].sort((a, b) => a - b);
}
