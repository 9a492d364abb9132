/**
 * A run on several cores (issue 12): the replica pool of a run (lib/train/parallel.ts), whose
 * worker threads build the run's model through the registry (./build.ts buildModel) and train
 * with the next-item loss, and full-ranking evaluation on that pool, so that evaluation during
 * training takes the same path over all cores as `lsrm bench eval` (lib/bench/eval.ts):
 *   the users with a target are cut into N contiguous slices; worker k evaluates slice k with its
 *   replica (the current weights broadcast) while the main thread evaluates slice 0; the ranks,
 *   losses and top lists are concatenated in user order and the metrics computed once
 *   (evalMetrics), as one evaluation over all users computes them.
 */
import * as tf from '@tensorflow/tfjs';
import { extname, join } from 'node:path';
import type { LeaveOneOutSplit } from '../data/types';
import type { SeqModel } from '../models/types';
import { EVAL_DEFAULTS, evalMetrics, evaluateModel, type EvalOptions, type EvalResult } from '../eval/evaluate';
import { evalUsers } from '../eval/histories';
import { startReplicaPool, type FnRef, type ReplicaPool, type ReplicaRecipe } from '../train/parallel';
import type { EvaluateFn, LossFn } from '../train/train';
import type { RunConfig } from './run';
import { concatTyped, evenSlices } from '../util/slices';

/** .ts under tsx, .js from dist/: the modules a worker requires have this file's extension. */
const EXT = extname(__filename);

/** The function a worker runs for its slice of an evaluation. */
const EVALUATE: FnRef = { module: join(__dirname, '..', 'eval', `evaluate${EXT}`), export: 'evaluateModel' };

/** The run's model (built by the registry, seeded as in the main thread) and loss, as a worker builds them. */
export function runReplica(config: RunConfig, numItems: number): ReplicaRecipe {
  return {
    model: { module: join(__dirname, `build${EXT}`), export: 'buildModel', args: [config.model, numItems, config.train] },
    loss: { module: join(__dirname, '..', 'train', `loss${EXT}`), export: 'nextItemLoss' },
  };
}

export interface RunPoolOptions {
  readonly config: RunConfig;
  /** Replicas (default 1: no pool). */
  readonly workers?: number;
  /** Replaces runReplica (needed when deps replace the model or the loss). */
  readonly replica?: ReplicaRecipe;
  readonly deps?: { readonly buildModel?: unknown; readonly lossFn?: LossFn };
  log(msg: string): void;
}

/**
 * Refuse a workers count that is not a positive integer, or workers > 1 where deps replace the
 * model or the loss and no replica recipe says how a worker thread builds them.
 * @throws RangeError, Error
 */
export function checkRunWorkers(opts: Pick<RunPoolOptions, 'workers' | 'replica' | 'deps'>): void {
  const workers = opts.workers ?? 1;
  if (!Number.isInteger(workers) || workers < 1) throw new RangeError(`workers must be a positive integer, got ${workers}`);
  if (workers > 1 && !opts.replica && (opts.deps?.buildModel || opts.deps?.lossFn)) {
    throw new Error('workers > 1 with a replaced buildModel or lossFn needs a replica recipe (how a worker thread builds them)');
  }
}

/**
 * The pool of a run with opts.workers replicas of `model`, or undefined for one replica or on the
 * tensorflow backend (which runs its own threads).
 * @throws as checkRunWorkers; Error naming the worker when a replica cannot be built
 */
export async function startRunPool(model: SeqModel, split: LeaveOneOutSplit, opts: RunPoolOptions): Promise<ReplicaPool | undefined> {
  checkRunWorkers(opts);
  const workers = opts.workers ?? 1;
  if (workers === 1) return undefined;
  const backend = tf.getBackend();
  if (backend !== 'wasm' && backend !== 'cpu') {
    opts.log(`workers ${workers} ignored: the ${backend} backend runs its own threads`);
    return undefined;
  }
  return startReplicaPool(model, { size: workers, backend, recipe: opts.replica ?? runReplica(opts.config, split.numItems), split });
}

/**
 * evaluateModel with the default cut-offs, on every replica of `pool` (see the header). The
 * workers rank against the split the pool was started with: evaluate that split only.
 */
export function poolEvaluate(pool: ReplicaPool): EvaluateFn {
  return async (model, split, { split: which }) => {
    const users = evalUsers(split, which);
    const k = Math.min(pool.size, users.length);
    if (k <= 1) return evaluateModel(model, split, { split: which });
    const width = Math.min(split.numItems, Math.max(...EVAL_DEFAULTS.coverageKs)); // the lists Coverage@k reads
    const tasks: EvalOptions[] = evenSlices(users.length, k).map(([from, to]) => ({ split: which, users: users.slice(from, to), topk: width }));
    const theirs = pool.map<EvalResult>(model, EVALUATE, tasks.slice(1)); // posted before this thread starts on its own slice
    const [mine, rest] = await Promise.all([evaluateModel(model, split, tasks[0]), theirs]);
    const parts = [mine, ...rest];
    const metrics = evalMetrics(
      concatTyped(parts.map((r) => r.ranks), (n) => new Int32Array(n)),
      concatTyped(parts.map((r) => r.losses), (n) => new Float32Array(n)),
      concatTyped(parts.map((r) => r.topk!), (n) => new Int32Array(n)),
      width,
      { ks: EVAL_DEFAULTS.ks, coverageKs: EVAL_DEFAULTS.coverageKs, numItems: split.numItems },
    );
    return { metrics };
  };
}
