/**
 * Data-parallel training on one machine: a pool of N replicas of the model (the main thread's
 * model and N - 1 worker threads, ./parallel-worker.ts, each with its own tfjs backend; tfjs-wasm
 * runs one thread per backend). Each step:
 *   1. the main thread writes the weights into shared memory (./parallel-protocol.ts);
 *   2. the batch is cut into N shares of consecutive rows (sizes differ by at most one); share k
 *      goes to thread k, share 0 stays on the main thread; a batch with times (a time-biased
 *      model, train.ts) hands each share its rows of the batch's timestamps;
 *   3. every replica computes the gradient of n_k / n x (mean loss of its share), where n_k are
 *      the share's target slots and n the batch's: the batch loss is a mean over target slots,
 *      so these gradients sum to the whole-batch gradient;
 *   4. the main thread sums the gradients in share order (0, 1, ..., N - 1) and returns them; the
 *      trainer takes one optimizer step with them, exactly as with one replica (train.ts).
 * Dropout: every share uses the step's seed, and computes its forward pass inside
 * withBatchShare (lib/ops/ops.ts), so its masks are its rows' part of the masks the whole batch
 * draws in one pass. For models whose dropout tensors are batch-major (LSRM, FMLP-Rec, Caser)
 * N replicas therefore train the same function as one, up to the order of float sums; for a
 * time-major one (GRU4Rec, [T·B, D]) the masks depend on the share bounds, so they are a
 * function of (seed, step, N). Either way a run is reproducible for a given N.
 *
 * The pool also runs a named function on every worker's replica (`map`), which evaluation uses
 * to rank slices of the users on all cores (lib/runs/parallel-eval.ts).
 * A worker that fails (an exception, or the thread dying) rejects the request with its message;
 * `close` terminates every thread, and the caller closes the pool in a finally block.
 */
import * as tf from '@tensorflow/tfjs';
import { extname, join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { batchTimestamps, type Batch } from '../data/batch';
import type { LeaveOneOutSplit } from '../data/types';
import type { SeqModel } from '../models/types';
import type { BackendName } from '../ops/backend';
import { microBatchRows, shareGradients, targetCount, shareSplit, slotsSize, varSlots, type FnRef, type ReplicaRecipe, type Reply, type Request, type RequestBody, type ShareTask, type VarSlot, type WorkerInit } from './parallel-protocol';
import { feedsTimes, type LossFn } from './train';

export type { FnRef, ReplicaRecipe } from './parallel-protocol';

/** What the trainer needs of a pool. */
export interface GradientPool {
  /** Replicas, the main thread's included. */
  readonly size: number;
  /**
   * Summed gradients of a batch by variable name (the caller disposes them) and the batch's mean
   * loss; each replica computes its share in passes of at most `maxRows` rows (default
   * microBatchRows of the model).
   */
  gradients(model: SeqModel, lossFn: LossFn, batch: Batch, seed: number, maxRows?: number): Promise<{ loss: number; grads: Map<string, tf.Tensor> }>;
}

/** A pool of replicas. */
export interface ReplicaPool extends GradientPool {
  /** Run `fn(replica, split, args[k])` on worker thread k + 1 (k < size - 1) with the model's current weights. */
  map<R>(model: SeqModel, fn: FnRef, args: readonly unknown[]): Promise<R[]>;
  /** Terminate every worker thread (idempotent). */
  close(): Promise<void>;
}

export interface PoolOptions {
  /** Replicas N (>= 1; N - 1 worker threads). */
  readonly size: number;
  readonly backend: BackendName;
  readonly recipe: ReplicaRecipe;
  /** Shared once with the workers, for `map`. */
  readonly split?: LeaveOneOutSplit;
}

/** A batch's share: rows [from, from + rows) and their target slots. */
export interface BatchShareRows {
  readonly from: number;
  readonly rows: number;
  readonly targets: number;
}

/**
 * Cut `batch` into min(n, size) shares of consecutive rows, sizes differing by at most one.
 * @example batchShares({ targets: Int32Array.of(1, 0, 2, 3, 0, 0), size: 3, maxLen: 2, inputs }, 2)
 * // [{ from: 0, rows: 2, targets: 2 }, { from: 2, rows: 1, targets: 0 }]
 */
export function batchShares(batch: Batch, n: number): BatchShareRows[] {
  if (!Number.isInteger(n) || n < 1) throw new RangeError(`batchShares: n must be a positive integer, got ${n}`);
  const k = Math.min(n, batch.size);
  const T = batch.maxLen;
  return Array.from({ length: k }, (_, i) => {
    const from = Math.floor((i * batch.size) / k);
    const rows = Math.floor(((i + 1) * batch.size) / k) - from;
    return { from, rows, targets: targetCount(batch.targets, from, rows, T) };
  });
}

/** Worker threads started here that have not exited yet (every pool's). */
let liveThreads = 0;

/** How many replica threads are running, over all pools (0 once every pool is closed). */
export function liveReplicaThreads(): number {
  return liveThreads;
}

/** One worker thread: requests by id, all rejected when the thread fails. */
interface Thread {
  readonly worker: Worker;
  readonly grads: Float32Array;
  send(req: RequestBody): Promise<Reply>;
}

/**
 * Start a worker on ./parallel-worker (its .ts source under tsx, .js from dist/). The thread
 * holds the process open only while a request is pending: a pool left unclosed never keeps
 * node from exiting.
 */
function startThread(init: WorkerInit, grads: Float32Array): { thread: Thread; ready: Promise<void> } {
  const entry = join(__dirname, `parallel-worker${extname(__filename)}`);
  const tsx = entry.endsWith('.ts') ? `require(${JSON.stringify(require.resolve('tsx/cjs/api'))}).register();` : '';
  const worker = new Worker(`${tsx} require(${JSON.stringify(entry)});`, { eval: true, workerData: init });
  liveThreads++;
  const name = `training worker ${init.index}`;
  const pending = new Map<number | 'ready', { resolve(r: Reply): void; reject(e: Error): void }>();
  let failure: Error | undefined;
  const settle = (key: number | 'ready', how: (p: { resolve(r: Reply): void; reject(e: Error): void }) => void) => {
    const p = pending.get(key);
    pending.delete(key);
    if (pending.size === 0) worker.unref();
    if (p) how(p);
  };
  const fail = (e: Error) => {
    failure ??= e;
    for (const key of [...pending.keys()]) settle(key, (p) => p.reject(failure!));
  };
  worker.on('message', (r: Reply) => {
    const key = r.type === 'ready' || (r.type === 'error' && r.id === undefined) ? 'ready' : r.id!;
    settle(key, (p) => (r.type === 'error' ? p.reject(new Error(`${name} failed: ${r.message}`)) : p.resolve(r)));
  });
  worker.on('error', (e) => fail(new Error(`${name} failed: ${e.message}`)));
  worker.on('exit', (code) => {
    liveThreads--;
    fail(new Error(`${name} exited (code ${code})`));
  });
  const ready = new Promise<void>((resolve, reject) => pending.set('ready', { resolve: () => resolve(), reject }));
  let nextId = 0;
  const send = (req: RequestBody): Promise<Reply> => {
    if (failure) return Promise.reject(failure);
    const id = nextId++;
    return new Promise<Reply>((resolve, reject) => {
      pending.set(id, { resolve, reject });
      worker.ref();
      worker.postMessage({ ...req, id } satisfies Request);
    });
  };
  return { thread: { worker, grads, send }, ready };
}

/** The rows of a share as a ShareTask; `timestamps` [B * (T+1)] are the whole batch's, when it has times. */
function shareTask(batch: Batch, s: BatchShareRows, total: number, seed: number, timestamps: Int32Array | undefined, maxRows: number): ShareTask {
  const T = batch.maxLen;
  const part = (a: Int32Array) => a.slice(s.from * T, (s.from + s.rows) * T);
  const task = { from: s.from, rows: s.rows, maxLen: T, inputs: part(batch.inputs), targets: part(batch.targets), scale: s.targets / total, seed, ...(Number.isFinite(maxRows) ? { maxRows } : {}) };
  return timestamps ? { ...task, timestamps: timestamps.slice(s.from * (T + 1), (s.from + s.rows) * (T + 1)) } : task;
}

/**
 * Start a pool of `opts.size` replicas of `model` (size - 1 worker threads, each building its
 * replica from the recipe and checking its variables against the model's).
 * @throws Error naming the worker and the cause when a replica cannot be built
 */
export async function startReplicaPool(model: SeqModel, opts: PoolOptions): Promise<ReplicaPool> {
  if (!Number.isInteger(opts.size) || opts.size < 1) throw new RangeError(`workers must be a positive integer, got ${opts.size}`);
  const slots = varSlots(model.variables);
  const floats = slotsSize(slots);
  const weights = new Float32Array(new SharedArrayBuffer(4 * floats));
  const split = opts.split && opts.size > 1 ? shareSplit(opts.split, { times: feedsTimes(model, opts.split) }) : undefined;
  const threads: Thread[] = [];
  const starts: Promise<void>[] = [];
  for (let index = 1; index < opts.size; index++) {
    const grads = new Float32Array(new SharedArrayBuffer(4 * floats));
    const init: WorkerInit = { kind: 'lsrm:replica', index, backend: opts.backend, recipe: opts.recipe, slots, weights: weights.buffer as SharedArrayBuffer, grads: grads.buffer as SharedArrayBuffer, ...(split ? { split } : {}) };
    const { thread, ready } = startThread(init, grads);
    threads.push(thread);
    starts.push(ready);
  }
  const pool = makePool(opts.size, slots, weights, threads);
  try {
    await Promise.all(starts);
  } catch (err) {
    await pool.close();
    throw err;
  }
  return pool;
}

function makePool(size: number, slots: readonly VarSlot[], weights: Float32Array, threads: Thread[]): ReplicaPool {
  let version = 0;
  const publish = (model: SeqModel) => {
    for (const s of slots) weights.set(model.variables.get(s.name)!.dataSync() as Float32Array, s.offset);
    return ++version;
  };
  const sum = new Float32Array(slotsSize(slots));
  let isClosed = false;
  return {
    size,
    async gradients(model, lossFn, batch, seed, rows) {
      const shares = batchShares(batch, size);
      const total = shares.reduce((n, s) => n + s.targets, 0);
      if (total === 0) throw new Error('a batch without targets (every target is padding)');
      const v = size > 1 ? publish(model) : version;
      const ts = batchTimestamps(batch); // relative per row, so a share's rows are a slice
      const maxRows = rows ?? microBatchRows(model.config, batch.maxLen);
      // Shares without targets add nothing (the loss of no slot is not defined).
      const replies = shares.slice(1).map((s, k) =>
        s.targets === 0 ? undefined : threads[k].send({ type: 'step', version: v, share: shareTask(batch, s, total, seed, ts, maxRows) }));
      let loss = 0;
      try {
        if (shares[0].targets > 0) loss += shareGradients(model, lossFn, slots, shareTask(batch, shares[0], total, seed, ts, maxRows), sum);
        else sum.fill(0);
      } catch (err) {
        for (const r of replies) r?.catch(() => undefined); // this error is the one to report
        throw err;
      }
      const done = await Promise.all(replies);
      done.forEach((r, k) => {
        if (r?.type !== 'done') return;
        loss += r.loss;
        const g = threads[k].grads;
        for (let i = 0; i < sum.length; i++) sum[i] += g[i];
      });
      const grads = new Map(slots.map((s) => [s.name, tf.tensor(sum.slice(s.offset, s.offset + s.size), s.shape as number[], 'float32')]));
      return { loss, grads };
    },
    async map<R>(model: SeqModel, fn: FnRef, args: readonly unknown[]): Promise<R[]> {
      if (args.length > threads.length) throw new RangeError(`map: ${args.length} tasks for ${threads.length} worker threads`);
      if (args.length === 0) return [];
      const v = publish(model);
      const replies = await Promise.all(args.map((a, k) => threads[k].send({ type: 'call', version: v, fn, args: a })));
      return replies.map((r) => (r.type === 'result' ? (r.result as R) : (undefined as R)));
    },
    async close() {
      if (isClosed) return;
      isClosed = true;
      await Promise.all(threads.map((t) => t.worker.terminate()));
    },
  };
}
