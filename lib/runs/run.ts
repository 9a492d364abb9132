/**
 * Run directories: one training run = one folder, written so that a killed run (even SIGKILL)
 * resumes with the same command and ends with exactly the metrics of an uninterrupted run.
 *
 *   config.json    the RunConfig (data spec, model spec, full TrainConfig); the data is the spec
 *                  as given (a name such as 'dataset:ml-100k' is resolved at load time, so the
 *                  file never holds the folder it was found in). Written only once the data
 *                  loaded and the model built (a start that fails leaves no config behind).
 *   data.json      the fingerprint of the prepared data (./fingerprint.ts)
 *   lock.json      { pid, host, startedAt } while a process trains the run (./lock.ts)
 *   curve.json     the learning curve, rewritten after every epoch
 *   last/          after every epoch: latest weights, optimizer state, best weights, state.json
 *                  and config.json (the config these epochs were trained with)
 *   checkpoint/    the best weights by validation (weights.bin/.json) and info.json
 *   result.json    when done: valid and test metrics of the best weights, environment, wall time
 * Every file and directory is replaced atomically (temp + rename); tensor files carry a SHA-256
 * that loading verifies. The trainer makes everything random a function of (seed, epoch, step),
 * so resuming from last/ is exact on the same backend.
 *
 * What a run folder refuses (a DataError naming the file, the problem and the fix; nothing is
 * changed): a folder that is not a run of ours (./run-dir.ts), a second process (the lock), a
 * different config or a config.json edited since last/ was written (./resume.ts), data that
 * changed since training (unless allowDataChange: then recorded in data.json and result.json).
 * What it repairs from what is intact, saying so: curve.json and checkpoint/ from last/, a
 * damaged last/ from last.old/ or by training again from epoch 1 (exact), a damaged config.json
 * from last/config.json, a damaged result.json by evaluating again.
 * A finished run is not retrained: the same command returns its result. `loadRun(dir)` reads a
 * run back: model, split, config and result.
 *
 * Workers (opts.workers, default 1): N replicas compute each batch's gradient and the evaluations
 * (lib/train/parallel.ts, ./parallel.ts). N is not part of the config, the run key or the
 * fingerprint: like the backend it decides how the arithmetic is spread over cores, not what is
 * computed (for batch-major models N replicas take the one-thread steps up to the order of float
 * sums), so a sweep's run and `lsrm train`'s are one run and a run may resume with another N. It
 * is recorded in result.json (env.workers, of the session that finished the run).
 */
import * as tf from '@tensorflow/tfjs';
import { existsSync, rmdirSync } from 'node:fs';
import { join } from 'node:path';
import { DataError } from '../util/errors';
import type { SeqModel } from '../models/types';
import type { LeaveOneOutSplit } from '../data/types';
import { writeJsonAtomic } from '../util/atomic';
import { gitCommit } from '../util/git';
import { fusedMatMuls } from '../ops/wasm-simd';
import { microBatchRows } from '../train/parallel-protocol';
import { saveJson, saveTensors, writeDirAtomic } from '../train/checkpoint';
import { checkTrainConfig, TRAIN_DEFAULTS, trainModel, type CurveRow, type EpochReport, type EvaluateFn, type LossFn, type StepReport, type TrainConfig, type TrainState } from '../train/train';
import type { ReplicaPool, ReplicaRecipe } from '../train/parallel';
import { checkRunWorkers, poolEvaluate, startRunPool } from './parallel';
import { defaultRunDeps, type DataSpec, type ModelSpec } from './build';
import { checkEvalData, checkTrainData, splitFingerprint, type DataChange } from './fingerprint';
import { acquireLock, RunLockedError, type HeldLock } from './lock';
import { checkSavedConfig, disposeLast, readLast, type LastState } from './resume';
import { checkOutDir, CONFIG_FILE, CURVE_FILE, removeOldCopy, removeStaleTemps, repairCheckpoint, repairCurve, RESULT_FILE } from './run-dir';
import { readBestWeights, readResult, readRunConfig, repairFinished, repairForLoad, restoreInto } from './load';

export { RunLockedError, readLock, isLockAlive, type RunLock } from './lock';
export type { DataChange } from './fingerprint';

export type { DataSpec, ModelSpec };

/** Everything that determines a run's result. JSON-serializable; saved as config.json. */
export interface RunConfig {
  readonly data: DataSpec;
  readonly model: ModelSpec;
  readonly train: TrainConfig;
}

/** The input form: train settings may be partial (TRAIN_DEFAULTS fill the rest). */
export interface RunConfigInput {
  readonly data: DataSpec;
  readonly model: ModelSpec;
  readonly train?: Partial<TrainConfig>;
}

/** result.json. */
export interface RunResultFile {
  readonly metrics: { readonly valid: Record<string, number>; readonly test: Record<string, number> };
  readonly bestEpoch: number;
  readonly switchEpoch: number;
  readonly epochs: number;
  readonly steps: number;
  readonly stoppedBy: string;
  readonly params: { readonly embedding: number; readonly nonEmbedding: number; readonly total: number };
  readonly data: { readonly numUsers: number; readonly numItems: number; readonly numTrainInteractions: number };
  /** workers: replicas of the session that finished the run (absent in results written before it existed). */
  readonly env: { readonly backend: string; readonly tfjsVersion: string; readonly nodeVersion: string; readonly commit: string; readonly workers?: number; readonly fusedMatMuls?: boolean; readonly microBatchRows?: number };
  /** Training wall time (summed over resumed sessions) and the final evaluation's. */
  readonly wallMs: number;
  readonly evalWallMs: number;
  /** Data changes accepted with allowDataChange while the run trained (absent: none). */
  readonly dataChanges?: readonly DataChange[];
}

/** The pieces a run is built from; tests replace them with tiny ones. */
export interface RunDeps {
  prepare(data: DataSpec): Promise<LeaveOneOutSplit>;
  buildModel(spec: ModelSpec, numItems: number, train: TrainConfig): SeqModel;
  readonly lossFn: LossFn;
  readonly evaluate: EvaluateFn;
}

export interface TrainRunOptions {
  readonly deps?: Partial<RunDeps>;
  onStep?(r: StepReport): void;
  /** After an epoch is on disk. */
  onEpoch?(row: CurveRow, state: TrainState): void;
  /** One-line messages (resume, repairs, already finished). */
  log?(msg: string): void;
  /** Resume although the data changed since the run started (`--allow-data-change`); recorded in result.json. */
  readonly allowDataChange?: boolean;
  /** Replicas computing gradients and evaluations: this thread and workers - 1 threads (default 1; see the header). */
  readonly workers?: number;
  /** How worker threads build their replica, needed when deps.buildModel or deps.lossFn is replaced (default: ./build's model, the next-item loss). */
  readonly replica?: ReplicaRecipe;
  /** Save last/ inside an epoch at most this often (default train.ts CHECKPOINT_EVERY_MS, 10 minutes), for a resume mid-epoch. */
  readonly checkpointEveryMs?: number;
}

export interface LoadRunOptions {
  /** Load although the data changed since the run was trained (`--allow-data-change`); see LoadedRun.dataChange. */
  readonly allowDataChange?: boolean;
  /** One-line messages (repairs, data changes). */
  log?(msg: string): void;
}

/** The full config: TRAIN_DEFAULTS filled in, validated. */
export function normalizeRunConfig(input: RunConfigInput): RunConfig {
  return JSON.parse(JSON.stringify({ data: input.data, model: input.model, train: checkTrainConfig({ ...TRAIN_DEFAULTS, ...input.train }) }));
}

/** Persist the state to resume from: last/ (weights, optimizer, best weights, state, config); after an epoch or inside one (state.partial). */
function saveLast(outDir: string, model: SeqModel, r: EpochReport, config: RunConfig): void {
  writeDirAtomic(join(outDir, 'last'), (dir) => {
    saveTensors(dir, 'weights', model.variables);
    saveTensors(dir, 'optimizer', r.optimizerTensors);
    saveTensors(dir, 'best', r.bestWeights);
    saveJson(dir, 'state.json', r.state);
    saveJson(dir, CONFIG_FILE, config);
  });
}

/** Persist an epoch: last/ always, then checkpoint/ when it is a new best, then curve.json. */
function saveEpoch(outDir: string, model: SeqModel, r: EpochReport, config: RunConfig): void {
  saveLast(outDir, model, r, config);
  if (r.isNewBest) {
    writeDirAtomic(join(outDir, 'checkpoint'), (dir) => {
      saveTensors(dir, 'weights', r.bestWeights);
      saveJson(dir, 'info.json', { epoch: r.state.bestEpoch, metrics: r.state.bestMetrics });
    });
  }
  writeJsonAtomic(join(outDir, CURVE_FILE), r.state.curve);
}

/** Train from `last` (or from scratch), holding the lock; see trainRun. */
async function trainLocked(config: RunConfig, outDir: string, opts: TrainRunOptions, log: (msg: string) => void): Promise<RunResultFile> {
  const removed = removeStaleTemps(outDir);
  if (removed.length > 0) log(`${outDir}: removed ${removed.join(', ')}, left by killed processes`);
  const mustWriteConfig = checkSavedConfig(outDir, config, log);
  const finished = readResult(outDir, log);
  if (finished) {
    if (mustWriteConfig) writeJsonAtomic(join(outDir, CONFIG_FILE), config);
    repairFinished(outDir, log);
    log(`${outDir}: finished already, loading its result`);
    return finished;
  }
  // Data and model first: a start that fails here writes nothing.
  const deps = { ...defaultRunDeps(), ...opts.deps };
  const split = await deps.prepare(config.data);
  const model = deps.buildModel(config.model, split.numItems, config.train);
  let last: LastState | undefined;
  let pool: ReplicaPool | undefined;
  try {
    last = readLast(outDir, config, log);
    if (last) restoreInto(model, last.weights, last.dir);
    const dataChanges = checkTrainData(outDir, config.data, splitFingerprint(split), last?.state.epoch ?? 0, opts.allowDataChange ?? false, log);
    if (mustWriteConfig || !existsSync(join(outDir, CONFIG_FILE))) writeJsonAtomic(join(outDir, CONFIG_FILE), config);
    if (last) {
      const p = last.state.partial;
      log(p ? `${outDir}: resuming inside epoch ${last.state.epoch + 1}, after its batch ${p.batches} (step ${last.state.step})` : `${outDir}: resuming after epoch ${last.state.epoch} (step ${last.state.step})`);
      repairCurve(outDir, last.state, log);
      repairCheckpoint(outDir, last.dir, last.state, log);
      removeOldCopy(outDir, 'checkpoint');
      if (last.dir === join(outDir, 'last')) removeOldCopy(outDir, 'last');
    }
    pool = await startRunPool(model, split, { ...opts, config, log });
    const evaluate = pool && !opts.deps?.evaluate ? poolEvaluate(pool) : deps.evaluate;
    const r = await trainModel(model, split, config.train, {
      lossFn: deps.lossFn,
      evaluate,
      pool,
      resume: last && { state: last.state, optimizerTensors: last.optimizerTensors, bestWeights: last.bestWeights },
      onStep: opts.onStep,
      onEpoch: (e) => {
        saveEpoch(outDir, model, e, config);
        opts.onEpoch?.(e.state.curve[e.state.curve.length - 1], e.state);
      },
      onPartial: (e) => saveLast(outDir, model, e, config),
      ...(opts.checkpointEveryMs !== undefined ? { checkpointEveryMs: opts.checkpointEveryMs } : {}),
    });
    const t0 = Date.now();
    const valid = (await evaluate(model, split, { split: 'valid' })).metrics;
    const test = (await evaluate(model, split, { split: 'test' })).metrics;
    const result: RunResultFile = {
      metrics: { valid, test },
      bestEpoch: r.bestEpoch, switchEpoch: r.switchEpoch, epochs: r.epochs, steps: r.steps, stoppedBy: r.stoppedBy,
      params: model.paramCounts(),
      data: { numUsers: split.numUsers, numItems: split.numItems, numTrainInteractions: split.train.items.length },
      env: { backend: tf.getBackend(), tfjsVersion: tf.version.tfjs, nodeVersion: process.version, commit: gitCommit(), workers: pool?.size ?? 1, ...(tf.getBackend() === 'wasm' ? { fusedMatMuls: fusedMatMuls() } : {}), ...passRows(model, config) },
      wallMs: r.wallMs,
      evalWallMs: Date.now() - t0,
      ...(dataChanges ? { dataChanges } : {}),
    };
    writeJsonAtomic(join(outDir, RESULT_FILE), result);
    return result;
  } finally {
    await pool?.close();
    if (last) disposeLast(last);
    model.dispose();
  }
}

/** `microBatchRows` for result.json's env when a batch is computed in several passes a replica (train.ts); else nothing. */
function passRows(model: SeqModel, config: RunConfig): { microBatchRows?: number } {
  const rows = microBatchRows(model.config, config.model.maxLen);
  return rows < config.train.batchSize ? { microBatchRows: rows } : {};
}

/**
 * Train (or resume, or load) the run `config` in `outDir` and return its result.json.
 * @throws DataError when outDir is not a run folder of ours, holds a run with a different
 *   config, is locked by another process, or the data changed (see the header); RunLockedError
 *   (./lock.ts) for the lock, so a sweep can tell a run that is training elsewhere
 */
export async function trainRun(input: RunConfigInput, outDir: string, opts: TrainRunOptions = {}): Promise<RunResultFile> {
  const config = normalizeRunConfig(input);
  const log = opts.log ?? (() => undefined);
  checkRunWorkers(opts);
  checkOutDir(outDir);
  const isNewDir = !existsSync(outDir);
  let lock: HeldLock;
  try {
    lock = acquireLock(outDir, log);
  } catch (err) {
    // A finished run can be read while another process holds its lock (an eval repairing it).
    const finished = err instanceof RunLockedError && existsSync(join(outDir, RESULT_FILE)) && !checkSavedConfig(outDir, config, log) ? readResult(outDir, log) : undefined;
    if (!finished) throw err;
    log(`${outDir}: finished already, loading its result`);
    return finished;
  }
  let isDone = false;
  try {
    const result = await trainLocked(config, outDir, opts, log);
    isDone = true;
    return result;
  } finally {
    lock.release();
    if (!isDone && isNewDir) {
      try {
        rmdirSync(outDir); // only when empty: a failed first start leaves no folder behind
      } catch {
        // not empty: something was written, keep it
      }
    }
  }
}

/** A run directory read back: the data, the best model, the config and the result if finished. */
export interface LoadedRun {
  readonly model: SeqModel;
  readonly split: LeaveOneOutSplit;
  readonly config: RunConfig;
  readonly result?: RunResultFile;
  /** The data change accepted by allowDataChange (the current data differs from the trained one). */
  readonly dataChange?: DataChange;
}

/**
 * Rebuild a run's data (from its saved data spec) and its best model, e.g. for `lsrm eval`.
 * Damaged or missing files are replaced from what is intact (checkpoint/ from last/best,
 * curve.json from last/state.json, config.json from last/config.json), saying so through
 * `opts.log`; the folder is written only while no other process holds its lock.
 * The caller disposes `model`.
 * @throws DataError when the directory holds no run or no checkpoint yet, the data changed
 *   (unless opts.allowDataChange), or a file is damaged with no intact copy (naming it)
 */
export async function loadRun(dir: string, deps: Partial<RunDeps> = {}, opts: LoadRunOptions = {}): Promise<LoadedRun> {
  const log = opts.log ?? (() => undefined);
  const config = readRunConfig(dir, log);
  if (![CURVE_FILE, RESULT_FILE, 'checkpoint', 'checkpoint.old', 'last', 'last.old'].some((d) => existsSync(join(dir, d)))) {
    throw new DataError(`${dir} has no checkpoint yet (no epoch finished). Fix: run the same \`lsrm train\` command to resume it.`);
  }
  const d = { ...defaultRunDeps(), ...deps };
  const split = await d.prepare(config.data);
  const dataChange = checkEvalData(dir, config.data, splitFingerprint(split), opts.allowDataChange ?? false, log);
  const model = d.buildModel(config.model, split.numItems, config.train);
  try {
    const best = readBestWeights(dir, log);
    try {
      restoreInto(model, best.weights, best.dir);
    } finally {
      tf.dispose([...best.weights.values()]);
    }
  } catch (err) {
    model.dispose();
    throw err;
  }
  repairForLoad(dir, log);
  const result = readResult(dir, log);
  return { model, split, config, result, ...(dataChange ? { dataChange } : {}) };
}
