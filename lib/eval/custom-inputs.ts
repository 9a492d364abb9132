/**
 * Full-ranking evaluation on inputs that are not a split's own histories: the hard tasks of
 * paper V feed a model truncated histories (cold-start), perturbed ones (robustness) or
 * histories extended by its own predictions (trajectory).
 *
 * No second evaluation path: the inputs become a LeaveOneOutSplit with one row per input
 * (row r's train part = inputs[r], no validation target, test target = targets[r]) and go
 * through evaluateModel on its 'test' targets. So ranks, ties (score desc, id asc), losses,
 * top lists, maskSeen (the input's items) and the left-padding / maxLen truncation are those of
 * every other evaluation. An empty input is allowed: the model sees only padding.
 * Times: without `times` the split has none, so a model with a time bias (HSTU, FuXi-alpha) runs on
 * positions alone; with times (each input item's and each target's, in the data's clock) it is
 * fed them exactly as on a split's own histories (evaluate.ts).
 *
 * Shapes: n inputs; EvalResult.users holds the row indices 0..n-1.
 */
import type { LeaveOneOutSplit, Sequences } from '../data/types';
import type { SeqModel } from '../models/types';
import { evaluateModel, type EvalOptions, type EvalResult } from './evaluate';

/** Times of the inputs: times.inputs[r][j] of inputs[r][j], times.targets[r] of targets[r]. */
export interface InputTimes {
  readonly inputs: readonly ArrayLike<number>[];
  readonly targets: ArrayLike<number>;
}

/** Evaluation options of evaluateInputs: all of EvalOptions except the split and the users, and the inputs' times. */
export type InputEvalOptions = Omit<EvalOptions, 'split' | 'users'> & { readonly times?: InputTimes };

function checkItem(what: string, item: number, numItems: number): void {
  if (!Number.isInteger(item) || item < 1 || item > numItems) throw new RangeError(`evaluateInputs: ${what} is ${item}, not an item id in [1, ${numItems}]`);
}

/**
 * A split with one row per input: train[r] = inputs[r], valid[r] = 0, test[r] = targets[r]; with
 * `times`, train times and testTime from them (validTime NaN), else all train times 0 and no
 * held-out times.
 * @throws RangeError when lengths differ, an item or target is outside [1, numItems] or a time is not finite
 * @example inputSplit([[3, 5], []], [7, 2], 9).train.items // Int32Array [3, 5]
 */
export function inputSplit(inputs: readonly ArrayLike<number>[], targets: ArrayLike<number>, numItems: number, times?: InputTimes): LeaveOneOutSplit {
  const n = inputs.length;
  if (targets.length !== n) throw new RangeError(`evaluateInputs: ${n} inputs but ${targets.length} targets`);
  const offsets = new Int32Array(n + 1);
  for (let r = 0; r < n; r++) offsets[r + 1] = offsets[r] + inputs[r].length;
  const items = new Int32Array(offsets[n]);
  for (let r = 0; r < n; r++) {
    const row = inputs[r];
    for (let j = 0; j < row.length; j++) checkItem(`item ${j} of input ${r}`, row[j], numItems);
    items.set(row, offsets[r]);
    checkItem(`the target of input ${r}`, targets[r], numItems);
  }
  const vocab = {
    userIds: Array.from({ length: n }, (_, r) => String(r)),
    itemIds: Array.from({ length: numItems + 1 }, (_, i) => (i === 0 ? '' : String(i))),
  };
  const train: Sequences = { offsets, items, times: times ? inputTimes(times, offsets) : new Float64Array(items.length), numUsers: n, numItems, vocab };
  const split = { train, valid: new Int32Array(n), test: Int32Array.from(targets), numUsers: n, numItems, vocab };
  if (!times) return split;
  return { ...split, validTime: new Float64Array(n).fill(NaN), testTime: Float64Array.from({ length: n }, (_, r) => finite(`the time of target ${r}`, times.targets[r])) };
}

function finite(what: string, t: number): number {
  if (!Number.isFinite(t)) throw new RangeError(`evaluateInputs: ${what} is ${t}, not a finite time`);
  return t;
}

/** The inputs' times flat in CSR order. @throws RangeError when a row's length differs from its input's */
function inputTimes(times: InputTimes, offsets: Int32Array): Float64Array {
  const n = offsets.length - 1;
  if (times.inputs.length !== n || times.targets.length !== n) throw new RangeError(`evaluateInputs: ${n} inputs but times for ${times.inputs.length} inputs and ${times.targets.length} targets`);
  const out = new Float64Array(offsets[n]);
  for (let r = 0; r < n; r++) {
    const row = times.inputs[r];
    if (row.length !== offsets[r + 1] - offsets[r]) throw new RangeError(`evaluateInputs: input ${r} has ${offsets[r + 1] - offsets[r]} items but ${row.length} times`);
    for (let j = 0; j < row.length; j++) out[offsets[r] + j] = finite(`the time of item ${j} of input ${r}`, row[j]);
  }
  return out;
}

/**
 * Evaluate `model` on explicit inputs: row r is scored from the last maxLen items of inputs[r]
 * and ranked against targets[r] (full ranking over items 1..numItems).
 * @throws RangeError as inputSplit and evaluateModel (no inputs, bad options)
 * @example
 * const r = await evaluateInputs(model, 1682, [[1, 2, 3], [4]], [5, 6], { ks: [10], coverageKs: [] });
 * r.ranks // 0-based rank of 5 after [1, 2, 3], of 6 after [4]
 */
export async function evaluateInputs(model: SeqModel, numItems: number, inputs: readonly ArrayLike<number>[], targets: ArrayLike<number>,
  opts: InputEvalOptions = {}): Promise<EvalResult> {
  const { times, ...rest } = opts;
  const split = inputSplit(inputs, targets, numItems, times);
  return evaluateModel(model, split, { ...rest, split: 'test', users: Int32Array.from({ length: inputs.length }, (_, r) => r) });
}
