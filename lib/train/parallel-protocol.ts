/**
 * What the main thread and the worker threads of data-parallel training (./parallel.ts,
 * ./parallel-worker.ts) share: the recipe a worker builds its replica from, the layout of the
 * weights and gradients in shared memory, the messages, and the one function both sides run to
 * compute the gradient of a share of a batch.
 *
 * Memory (SharedArrayBuffers, float32): `weights` holds every variable of the model, one after
 * another in the model's variable order (VarSlot.offset); the main thread writes it before each
 * request and bumps a version, a worker reads it when the version changed. Each worker thread
 * has its own `grads` region of the same layout, which it fills with the gradient of its share
 * and the main thread sums. The split, when given, is shared once (offsets, items and the two
 * target arrays; raw ids stay behind, evaluation does not read them; the times too, unless the
 * model is fed them: then train times and held-out times are shared as well). A share of a batch
 * carries its rows' timestamps when the batch has them.
 *
 * Shapes: B batch, T = maxLen, b rows of one share.
 */
import * as tf from '@tensorflow/tfjs';
import { batchTimestamps, type Batch } from '../data/batch';
import { countTargets } from '../data/split';
import type { LeaveOneOutSplit } from '../data/types';
import type { ForwardOptions, SeqModel } from '../models/types';
import type { BackendName } from '../ops/backend';
import { withBatchShare } from '../ops/ops';
import type { LossFn } from './train';

/** An export of a module a worker can require: the .ts source under tsx, the .js file from dist/. */
export interface FnRef {
  /** Absolute path of the module. */
  readonly module: string;
  readonly export: string;
}

/**
 * How a worker builds its replica: functions cannot cross threads, so they are named by module
 * and export. `model` is called with `args` and returns a SeqModel with the main model's variable
 * names and shapes (its initial values are overwritten by the first broadcast); `loss` is the
 * LossFn the main thread trains with.
 */
export interface ReplicaRecipe {
  readonly model: FnRef & { readonly args: readonly unknown[] };
  readonly loss: FnRef;
}

/** Where one variable lives in the shared weights and gradient buffers (in floats). */
export interface VarSlot {
  readonly name: string;
  readonly shape: readonly number[];
  readonly offset: number;
  readonly size: number;
}

/** A split as the workers see it: typed arrays on shared memory. */
export interface SharedSplit {
  readonly offsets: Int32Array;
  readonly items: Int32Array;
  readonly valid: Int32Array;
  readonly test: Int32Array;
  readonly numUsers: number;
  readonly numItems: number;
  /** Train times and held-out times, only for a model fed times (shareSplit's `times`). */
  readonly times?: { readonly train: Float64Array; readonly valid: Float64Array; readonly test: Float64Array };
}

/** One share of a batch: rows [from, from + rows) of B, their windows, and the loss weight. */
export interface ShareTask {
  readonly from: number;
  readonly rows: number;
  readonly maxLen: number;
  /** [rows * T] each. */
  readonly inputs: Int32Array;
  readonly targets: Int32Array;
  /** Targets of the share / targets of the batch: the share's mean loss times this sums to the batch mean. */
  readonly scale: number;
  /** Dropout seed of the step (the same for every share; see withBatchShare). */
  readonly seed: number;
  /** [rows * (T+1)] the rows' timestamps (lib/data/batch.ts batchTimestamps), when the batch has times. */
  readonly timestamps?: Int32Array;
  /** Rows of one pass (microBatchRows); a share of more rows runs as micro-batches. Absent = one pass. */
  readonly maxRows?: number;
}

/** workerData of a replica thread. */
export interface WorkerInit {
  readonly kind: 'lsrm:replica';
  /** 1-based thread number (share k of every batch). */
  readonly index: number;
  readonly backend: BackendName;
  readonly recipe: ReplicaRecipe;
  readonly slots: readonly VarSlot[];
  readonly weights: SharedArrayBuffer;
  readonly grads: SharedArrayBuffer;
  readonly split?: SharedSplit;
}

/** Main -> worker, before the pool numbers it. `version` names the weights in shared memory. */
export type RequestBody =
  | { readonly type: 'step'; readonly version: number; readonly share: ShareTask }
  | { readonly type: 'call'; readonly version: number; readonly fn: FnRef; readonly args: unknown };

/** Main -> worker. */
export type Request = RequestBody & { readonly id: number };

/** Worker -> main. */
export type Reply =
  | { readonly type: 'ready' }
  | { readonly type: 'done'; readonly id: number; readonly loss: number }
  | { readonly type: 'result'; readonly id: number; readonly result: unknown }
  | { readonly type: 'error'; readonly id?: number; readonly message: string };

/** The slots of a model's variables, in its variable order. @throws Error on a non-float32 variable */
export function varSlots(variables: ReadonlyMap<string, tf.Variable>): VarSlot[] {
  let offset = 0;
  return [...variables].map(([name, v]) => {
    if (v.dtype !== 'float32') throw new Error(`data-parallel training needs float32 variables; '${name}' is ${v.dtype}`);
    const slot = { name, shape: [...v.shape], offset, size: v.size };
    offset += v.size;
    return slot;
  });
}

/** Floats of all slots. */
export function slotsSize(slots: readonly VarSlot[]): number {
  return slots.length === 0 ? 0 : slots[slots.length - 1].offset + slots[slots.length - 1].size;
}

/** One sentence naming the first difference between two slot lists, or undefined when they match. */
export function slotMismatch(expected: readonly VarSlot[], got: readonly VarSlot[]): string | undefined {
  const show = (s: VarSlot | undefined) => (s ? `'${s.name}' [${s.shape}]` : 'nothing');
  for (let i = 0; i < Math.max(expected.length, got.length); i++) {
    const a = expected[i], b = got[i];
    if (!a || !b || a.name !== b.name || a.shape.join(',') !== b.shape.join(',')) return `variable ${i} is ${show(b)} in the replica but ${show(a)} in the model`;
  }
  return undefined;
}

/** Copy a typed array onto shared memory. */
function shared<A extends Int32Array | Float64Array>(a: A): A {
  const out = new (a.constructor as new (b: SharedArrayBuffer) => A)(new SharedArrayBuffer(a.byteLength));
  out.set(a);
  return out;
}

/**
 * The part of a split evaluation reads, on shared memory (one copy for every worker); with
 * `times` (a model fed times) also the train and held-out times, when the split has them.
 */
export function shareSplit(split: LeaveOneOutSplit, opts: { readonly times?: boolean } = {}): SharedSplit {
  const { train, valid, test, validTime, testTime, numUsers, numItems } = split;
  const base = { offsets: shared(train.offsets), items: shared(train.items), valid: shared(valid), test: shared(test), numUsers, numItems };
  if (!opts.times || !validTime || !testTime) return base;
  return { ...base, times: { train: shared(train.times), valid: shared(validTime), test: shared(testTime) } };
}

/** A LeaveOneOutSplit over a shared split (no raw ids; times when they were shared). */
export function splitOfShared(s: SharedSplit): LeaveOneOutSplit {
  const vocab = { userIds: [], itemIds: [] };
  const train = { offsets: s.offsets, items: s.items, times: s.times?.train ?? new Float64Array(0), numUsers: s.numUsers, numItems: s.numItems, vocab };
  const base = { train, valid: s.valid, test: s.test, numUsers: s.numUsers, numItems: s.numItems, vocab };
  return s.times ? { ...base, validTime: s.times.valid, testTime: s.times.test } : base;
}

/** The export `ref` names, which must be a function. @throws Error naming the module and export */
export function loadExport(ref: FnRef): (...args: unknown[]) => unknown {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const f = (require(ref.module) as Record<string, unknown>)[ref.export];
  if (typeof f !== 'function') throw new Error(`${ref.module} has no function export '${ref.export}'`);
  return f as (...args: unknown[]) => unknown;
}

/**
 * Bytes of the activations one pass keeps for backprop, per batch row, of a model of L layers of
 * width d and H heads over T slots: 4·T·L·(144·d + 6·H·T). Calibrated on LSRM 8 x 128, T 50, on
 * wasm (tf.profile peakBytes of a step: 1,031 MB at 32 rows, 1,977 MB at 64, ~30 MB a row; the
 * formula gives 31 MB); the analytic count of estimate.ts (3.9 MB a row there) misses tfjs's
 * intermediate tensors. Models without layers or heads count 1.
 */
export function activationBytesPerRow(config: Readonly<Record<string, unknown>>, maxLen: number): number {
  const num = (k: string, fallback: number) => (typeof config[k] === 'number' && Number.isFinite(config[k]) ? (config[k] as number) : fallback);
  const L = Math.max(1, num('numLayers', 1));
  const d = Math.max(1, num('dim', 64));
  const H = Math.max(1, num('numHeads', 1));
  return 4 * maxLen * L * (144 * d + 6 * H * maxLen);
}

/**
 * Activations one pass may hold: 2 GiB. The wasm heap ends at 4 GiB (LSRM 8 x 128 at batch 256,
 * ~7.7 GB of activations, aborted with "Aborted()" at its first step); the weights, Adam's moments
 * and the softmax chunks (lib/ops/softmax-ce.ts) take part of the rest.
 */
export const MICRO_BATCH_BYTES = 2 * 2 ** 30;

/**
 * Rows one forward and backward pass computes at most (at least 1): a batch or share with more
 * rows is computed in micro-batches of consecutive rows whose gradients are summed, which is the
 * gradient of the whole (the same dropout masks, see withBatchShare), up to the order of float sums.
 * @example microBatchRows({ numLayers: 8, dim: 128, numHeads: 4 }, 50) // 68: a batch of 256 in 4 passes
 */
export function microBatchRows(config: Readonly<Record<string, unknown>>, maxLen: number, budget = MICRO_BATCH_BYTES): number {
  return Math.max(1, Math.floor(budget / activationBytesPerRow(config, maxLen)));
}

/** Target slots (non-zero targets) of rows [from, from + rows) of a [rows·T] target array. */
export function targetCount(targets: Int32Array, from: number, rows: number, T: number): number {
  return countTargets(targets.subarray(from * T, (from + rows) * T));
}

/** Gradient of one pass over a share, written into `out` (see shareGradients). */
function passGradients(model: SeqModel, lossFn: LossFn, slots: readonly VarSlot[], share: ShareTask, out: Float32Array): number {
  const vars = slots.map((s) => model.variables.get(s.name)!);
  return tf.tidy(() => {
    const inputs = tf.tensor2d(share.inputs, [share.rows, share.maxLen], 'int32'); // [b, T]
    const targets = tf.tensor2d(share.targets, [share.rows, share.maxLen], 'int32'); // [b, T]
    const opts: ForwardOptions = share.timestamps
      ? { isTraining: true, seed: share.seed, timestamps: tf.tensor2d(share.timestamps, [share.rows, share.maxLen + 1], 'int32') } // [b, T+1]
      : { isTraining: true, seed: share.seed };
    const f = () => withBatchShare(share, () => tf.mul(lossFn(model, inputs, targets, opts), share.scale) as tf.Scalar);
    const { value, grads } = tf.variableGrads(f, vars);
    slots.forEach((s, i) => {
      const g = grads[vars[i].name]; // absent for a variable the loss does not reach
      if (g) out.set(g.dataSync(), s.offset);
      else out.fill(0, s.offset, s.offset + s.size);
    });
    return value.dataSync()[0];
  });
}

/**
 * Gradient of share.scale x (mean loss of the share), with the share's part of the batch's
 * dropout masks, written into `out` at the slots' offsets. Returns the scaled loss. A share of
 * more than `share.maxRows` rows runs as micro-batches of consecutive rows (each scaled by its
 * part of the share's targets; a micro-batch without targets is skipped), summed into `out`.
 */
export function shareGradients(model: SeqModel, lossFn: LossFn, slots: readonly VarSlot[], share: ShareTask, out: Float32Array): number {
  const maxRows = share.maxRows ?? Infinity;
  if (share.rows <= maxRows) return passGradients(model, lossFn, slots, share, out);
  const T = share.maxLen;
  const total = targetCount(share.targets, 0, share.rows, T);
  const part = new Float32Array(out.length);
  out.fill(0);
  let loss = 0;
  for (let r0 = 0; r0 < share.rows; r0 += maxRows) {
    const rows = Math.min(maxRows, share.rows - r0);
    const n = targetCount(share.targets, r0, rows, T);
    if (n === 0) continue;
    const micro: ShareTask = {
      from: share.from + r0, rows, maxLen: T, seed: share.seed, scale: (share.scale * n) / total,
      inputs: share.inputs.subarray(r0 * T, (r0 + rows) * T), targets: share.targets.subarray(r0 * T, (r0 + rows) * T),
      ...(share.timestamps ? { timestamps: share.timestamps.subarray(r0 * (T + 1), (r0 + rows) * (T + 1)) } : {}),
    };
    loss += passGradients(model, lossFn, slots, micro, part);
    for (let i = 0; i < out.length; i++) out[i] += part[i];
  }
  return loss;
}

/**
 * The gradient of a whole batch in this thread, in micro-batches of at most `maxRows` rows
 * (shareGradients), for a batch too large for one pass (microBatchRows): the summed gradients by
 * variable name (the caller disposes them) and the batch's mean loss.
 */
export function microBatchGradients(model: SeqModel, lossFn: LossFn, batch: Batch, seed: number, maxRows: number): { loss: number; grads: Map<string, tf.Tensor> } {
  const total = targetCount(batch.targets, 0, batch.size, batch.maxLen);
  if (total === 0) throw new Error('a batch without targets (every target is padding)');
  const slots = varSlots(model.variables);
  const sum = new Float32Array(slotsSize(slots));
  const ts = batchTimestamps(batch);
  const share: ShareTask = { from: 0, rows: batch.size, maxLen: batch.maxLen, inputs: batch.inputs, targets: batch.targets, scale: 1, seed, maxRows, ...(ts ? { timestamps: ts } : {}) };
  const loss = shareGradients(model, lossFn, slots, share, sum);
  return { loss, grads: new Map(slots.map((s) => [s.name, tf.tensor(sum.subarray(s.offset, s.offset + s.size), s.shape as number[], 'float32')])) };
}
