/**
 * Training examples, language-model style (paper III-B: predict the item at t+1 from the items
 * up to t, at every position). Each user's training sequence s_0 .. s_{n-1} gives the n-1 targets
 * s_1 .. s_{n-1}; the sequence is cut into windows of at most T = maxLen targets so that every
 * training interaction except the user's first is a target exactly once per epoch (what "data
 * size" counts in Figure 2b).
 *
 * Window layout (LEFT-padded with item 0, the most recent item in slot T-1):
 *   inputs[t]  = s_j       targets[t] = s_{j+1}      (0 in both where padded)
 * The last window ends at the end of the sequence; earlier windows are full windows of T
 * targets going backwards; the first window of a long sequence is the partial one. A window
 * sees only its own T items as history (the model's context is T anyway).
 *
 * Times (only when asked, for models with a time bias): times[w·(T+1) + t] is the time of input
 * slot t and times[w·(T+1) + T] the time of the window's last target (the event its last slot
 * predicts), 0 at padding, as int32 seconds relative to the window's earliest item
 * (relativeTimes): only differences matter, float32 would round Unix seconds to 128 s, and int32
 * takes half the memory of float64. A batch's rows are windows, so its timestamps are theirs.
 *
 * Shapes: N windows, B batch, T = maxLen. Windows are stored flat in Int32Arrays [N * T].
 */
import * as tf from '@tensorflow/tfjs';
import type { Sequences } from './types';
import { deriveSeed, makeRng, shuffled } from '../util/rng';

/** All training windows of a split, as flat typed arrays. */
export interface TrainWindows {
  /** [N * T] input items, row-major: window w occupies [w*T, (w+1)*T). */
  readonly inputs: Int32Array;
  /** [N * T] next-item targets, 0 where padded. */
  readonly targets: Int32Array;
  /** User of each window [N]. */
  readonly user: Int32Array;
  /** Number of windows N. */
  readonly count: number;
  /** Window length T. */
  readonly maxLen: number;
  /** Number of non-zero targets (= sum over users of max(0, n_u - 1)). */
  readonly numTargets: number;
  /** [N * (T+1)] input times then the last target's time, relative int32 seconds (see header); only when asked. */
  readonly times?: Int32Array;
}

/** One batch as typed arrays: `size` windows, row-major [size * T]. */
export interface Batch {
  readonly inputs: Int32Array;
  readonly targets: Int32Array;
  readonly size: number;
  readonly maxLen: number;
  /** [size * (T+1)] the windows' relative times, when the windows have them. */
  readonly times?: Int32Array;
}

/** Options of buildWindows. */
export interface WindowOptions {
  /** Keep each window's times (TrainWindows.times) for a time-biased model. Default false. */
  readonly times?: boolean;
}

/** Number of windows a sequence of n items gives: ceil((n-1) / T), 0 when n < 2. */
export function windowCount(n: number, maxLen: number): number {
  return n < 2 ? 0 : Math.ceil((n - 1) / maxLen);
}

/**
 * Cut every user's training sequence into windows (see header).
 * @throws Error when maxLen is not a positive integer.
 * @example
 * // user 0: [5, 6, 7, 8], maxLen 2 -> targets 6,7,8 -> windows
 * //   inputs [0, 5] targets [0, 6]   (first, partial)
 * //   inputs [6, 7] targets [7, 8]   (ends at the end of the sequence)
 */
export function buildWindows(train: Sequences, maxLen: number, opts: WindowOptions = {}): TrainWindows {
  if (!Number.isInteger(maxLen) || maxLen < 1) throw new Error(`buildWindows: maxLen must be a positive integer, got ${maxLen}`);
  const { offsets, items, numUsers } = train;
  let count = 0;
  for (let u = 0; u < numUsers; u++) count += windowCount(offsets[u + 1] - offsets[u], maxLen);
  const inputs = new Int32Array(count * maxLen);
  const targets = new Int32Array(count * maxLen);
  const user = new Int32Array(count);
  const times = opts.times ? new Int32Array(count * (maxLen + 1)) : undefined;
  const raw = new Float64Array(maxLen + 1); // one window's times in seconds
  if (times && train.times.length !== items.length) throw new Error(`buildWindows: ${items.length} items but ${train.times.length} times`);
  let w = 0;
  let numTargets = 0;
  for (let u = 0; u < numUsers; u++) {
    const start = offsets[u];
    const n = offsets[u + 1] - start;
    // 1. Windows end at target positions n-1, n-1-T, ... ; enumerate them oldest first.
    const k = windowCount(n, maxLen);
    for (let j = 0; j < k; j++) {
      const lastTarget = n - 1 - (k - 1 - j) * maxLen; // index in the user's sequence
      const firstTarget = Math.max(1, lastTarget - maxLen + 1);
      const len = lastTarget - firstTarget + 1;
      // 2. Left padding: the window's slots T-len .. T-1 hold the targets first..last.
      const base = w * maxLen + (maxLen - len);
      for (let t = 0; t < len; t++) {
        inputs[base + t] = items[start + firstTarget - 1 + t];
        targets[base + t] = items[start + firstTarget + t];
      }
      if (times) {
        // 3. The same slots' times, then the last target's time in column T, relative to the first.
        raw.fill(0);
        raw.set(train.times.subarray(start + firstTarget - 1, start + lastTarget), maxLen - len);
        raw[maxLen] = train.times[start + lastTarget];
        relativeRow(raw, 0, inputs, w * maxLen, maxLen, times, w * (maxLen + 1));
      }
      user[w] = u;
      numTargets += len;
      w++;
    }
  }
  return times ? { inputs, targets, user, count, maxLen, numTargets, times } : { inputs, targets, user, count, maxLen, numTargets };
}

/** Number of batches of one epoch: ceil(N / B) (the last partial batch is kept). */
export function batchesPerEpoch(windows: TrainWindows, batchSize: number): number {
  return Math.ceil(windows.count / batchSize);
}

/** The window order of an epoch: a permutation of 0..N-1 seeded by deriveSeed(seed, epoch). */
export function epochOrder(count: number, seed: number, epoch: number): Int32Array {
  const ids = new Int32Array(count);
  for (let i = 0; i < count; i++) ids[i] = i;
  return shuffled(ids, makeRng(deriveSeed(seed, epoch)));
}

/** Gather windows `order[from .. from+size)` into one batch (copies, the windows stay intact). */
export function gatherBatch(windows: TrainWindows, order: Int32Array, from: number, size: number): Batch {
  const T = windows.maxLen;
  const inputs = new Int32Array(size * T);
  const targets = new Int32Array(size * T);
  const times = windows.times && new Int32Array(size * (T + 1));
  for (let b = 0; b < size; b++) {
    const w = order[from + b];
    inputs.set(windows.inputs.subarray(w * T, (w + 1) * T), b * T);
    targets.set(windows.targets.subarray(w * T, (w + 1) * T), b * T);
    times?.set(windows.times!.subarray(w * (T + 1), (w + 1) * (T + 1)), b * (T + 1));
  }
  return times ? { inputs, targets, size, maxLen: T, times } : { inputs, targets, size, maxLen: T };
}

/**
 * The batches of one epoch, in the seeded order, batch size fixed, last partial batch kept.
 * `skip` starts at a later batch (the order does not depend on it).
 * @throws Error when batchSize is not a positive integer.
 */
export function* epochBatches(windows: TrainWindows, batchSize: number, seed: number, epoch: number, skip = 0): Generator<Batch> {
  if (!Number.isInteger(batchSize) || batchSize < 1) throw new Error(`epochBatches: batchSize must be a positive integer, got ${batchSize}`);
  const order = epochOrder(windows.count, seed, epoch);
  for (let from = skip * batchSize; from < windows.count; from += batchSize) {
    yield gatherBatch(windows, order, from, Math.min(batchSize, windows.count - from));
  }
}

/** Largest int32: a gap beyond it (68 years in seconds) is clamped; its time bucket is 71 of 128. */
const INT32_MAX = 2 ** 31 - 1;

/**
 * Times relative to each row's earliest item, rounded to int32 seconds: rows of T item slots
 * (`items`, 0 = padding) and T + 1 times (`times`: the slots', then the predicted event's).
 * Padding slots get 0; a row without items is relative to its last column.
 * @example relativeTimes([0, 1e9, 1e9 + 60, 1e9 + 90], [0, 4, 7], 1, 3) // Int32Array [0, 0, 60, 90]
 */
export function relativeTimes(times: ArrayLike<number>, items: ArrayLike<number>, rows: number, maxLen: number): Int32Array {
  const out = new Int32Array(rows * (maxLen + 1));
  for (let r = 0; r < rows; r++) relativeRow(times, r * (maxLen + 1), items, r * maxLen, maxLen, out, r * (maxLen + 1));
  return out;
}

/** One row of relativeTimes: times[t0 .. t0+T], items[i0 .. i0+T) -> out[o0 .. o0+T]. */
function relativeRow(times: ArrayLike<number>, t0: number, items: ArrayLike<number>, i0: number, T: number, out: Int32Array, o0: number): void {
  let origin = times[t0 + T];
  for (let s = 0; s < T; s++) if (items[i0 + s] !== 0 && times[t0 + s] < origin) origin = times[t0 + s];
  for (let s = 0; s <= T; s++) {
    const isItem = s === T || items[i0 + s] !== 0;
    out[o0 + s] = isItem ? Math.max(-INT32_MAX, Math.min(INT32_MAX, Math.round(times[t0 + s] - origin))) : 0;
  }
}

/** A batch's timestamps [size * (T+1)] (relative int32 seconds), or undefined when it has no times. */
export function batchTimestamps(batch: Batch): Int32Array | undefined {
  return batch.times;
}

/**
 * Tensors of a batch: inputs and targets [B, T] int32, and timestamps [B, T+1] int32 (relative
 * seconds, batchTimestamps) when the batch has times. The caller disposes them.
 */
export function batchTensors(batch: Batch): { inputs: tf.Tensor2D; targets: tf.Tensor2D; timestamps?: tf.Tensor2D } {
  const shape: [number, number] = [batch.size, batch.maxLen];
  const inputs = tf.tensor2d(batch.inputs, shape, 'int32');
  const targets = tf.tensor2d(batch.targets, shape, 'int32');
  const ts = batchTimestamps(batch);
  return ts ? { inputs, targets, timestamps: tf.tensor2d(ts, [batch.size, batch.maxLen + 1], 'int32') } : { inputs, targets };
}
