/**
 * Run directories: one training run = one folder, written so that a killed run (even SIGKILL)
 * resumes with the same command and ends with exactly the metrics of an uninterrupted run.
 *
 *   config.json    the RunConfig (data spec, model spec, full TrainConfig); the data is the spec
 *                  as given (a name such as 'dataset:ml-100k' is resolved at load time, so the
 *                  file never holds the folder it was found in)
 *   curve.json     the learning curve, rewritten after every epoch
 *   last/          after every epoch: latest weights, optimizer state, best weights, state.json
 *   checkpoint/    the best weights by validation (weights.bin/.json) and info.json
 *   result.json    when done: valid and test metrics of the best weights, environment, wall time
 * Every file and directory is replaced atomically (temp + rename). The trainer makes everything
 * random a function of (seed, epoch, step), so resuming from last/ is exact on the same backend.
 * A finished run is not retrained: the same command returns its result; a different config in the
 * same directory is refused. `loadRun(dir)` reads a run back: model, split, config and result.
 */
import * as tf from '@tensorflow/tfjs';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { DataError } from '../util/errors';
import type { SeqModel } from '../models/types';
import type { LeaveOneOutSplit } from '../data/types';
import { writeJsonAtomic } from '../util/atomic';
import { gitCommit } from '../util/git';
import { loadJson, loadTensors, resolveDir, saveJson, saveTensors, writeDirAtomic } from '../train/checkpoint';
import { checkTrainConfig, TRAIN_DEFAULTS, trainModel, type CurveRow, type EpochReport, type EvaluateFn, type LossFn, type StepReport, type TrainConfig, type TrainState } from '../train/train';
import { disposeWeights, restoreWeights } from '../train/weights';
import { defaultRunDeps, type DataSpec, type ModelSpec } from './build';

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
  readonly env: { readonly backend: string; readonly tfjsVersion: string; readonly nodeVersion: string; readonly commit: string };
  /** Training wall time (summed over resumed sessions) and the final evaluation's. */
  readonly wallMs: number;
  readonly evalWallMs: number;
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
  /** One-line messages (resume, already finished, final metrics). */
  log?(msg: string): void;
}

/** The full config: TRAIN_DEFAULTS filled in, validated. */
export function normalizeRunConfig(input: RunConfigInput): RunConfig {
  return JSON.parse(JSON.stringify({ data: input.data, model: input.model, train: checkTrainConfig({ ...TRAIN_DEFAULTS, ...input.train }) }));
}

/** Dotted paths where two JSON values differ. */
function diffPaths(a: unknown, b: unknown, at = ''): string[] {
  if (a !== null && b !== null && typeof a === 'object' && typeof b === 'object' && !Array.isArray(a) && !Array.isArray(b)) {
    const keys = [...new Set([...Object.keys(a), ...Object.keys(b)])].sort();
    return keys.flatMap((k) => diffPaths((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k], at ? `${at}.${k}` : k));
  }
  return JSON.stringify(a) === JSON.stringify(b) ? [] : [at || '(root)'];
}

/** Refuse a directory that holds another run; true when it holds this run, finished. */
function checkRunDir(outDir: string, config: RunConfig): boolean {
  const configPath = join(outDir, 'config.json');
  if (!existsSync(configPath)) return false;
  const saved = JSON.parse(readFileSync(configPath, 'utf8')) as RunConfig;
  const isFinished = existsSync(join(outDir, 'result.json'));
  const diff = diffPaths(saved, config);
  if (diff.length > 0) {
    throw new DataError(
      `${outDir} already holds a ${isFinished ? 'finished' : 'started'} run with a different config (differs in ${diff.join(', ')}). ` +
        `Fix: choose another output directory, or delete ${outDir} to replace that run.`,
    );
  }
  return isFinished;
}

/** Persist an epoch: last/ always, then checkpoint/ when it is a new best, then curve.json. */
function saveEpoch(outDir: string, model: SeqModel, r: EpochReport): void {
  writeDirAtomic(join(outDir, 'last'), (dir) => {
    saveTensors(dir, 'weights', model.variables);
    saveTensors(dir, 'optimizer', r.optimizerTensors);
    saveTensors(dir, 'best', r.bestWeights);
    saveJson(dir, 'state.json', r.state);
  });
  if (r.isNewBest) saveBest(outDir, r.bestWeights, r.state);
  writeJsonAtomic(join(outDir, 'curve.json'), r.state.curve);
}

function saveBest(outDir: string, best: ReadonlyMap<string, tf.Tensor>, s: TrainState): void {
  writeDirAtomic(join(outDir, 'checkpoint'), (dir) => {
    saveTensors(dir, 'weights', best);
    saveJson(dir, 'info.json', { epoch: s.bestEpoch, metrics: s.bestMetrics });
  });
}

/** Set the model's variables from `dir`/weights; a mismatch means the model code changed since. */
function loadWeightsInto(model: SeqModel, dir: string): void {
  const weights = loadTensors(dir, 'weights');
  try {
    restoreWeights(model.variables, weights);
  } catch (err) {
    model.dispose();
    throw new DataError(`${dir}: the saved weights do not fit the ${model.kind} model built from config.json (${(err as Error).message}). ` +
      'The model code probably changed since this run was trained. Fix: retrain it in a new directory, or use the code version in result.json (env.commit).');
  } finally {
    disposeWeights(weights);
  }
}

/** The resume state from last/, with the model's variables set to the latest weights. */
function loadResume(outDir: string, model: SeqModel) {
  const dir = resolveDir(join(outDir, 'last'));
  if (!dir) return undefined;
  loadWeightsInto(model, dir);
  const state = loadJson<TrainState>(dir, 'state.json');
  // checkpoint/ may lag last/ by one write if the run died between the two: rewrite it.
  const resume = { state, optimizerTensors: loadTensors(dir, 'optimizer'), bestWeights: loadTensors(dir, 'best') };
  saveBest(outDir, resume.bestWeights, state);
  return resume;
}

/**
 * Train (or resume, or load) the run `config` in `outDir` and return its result.json.
 * @throws DataError when outDir holds a run with a different config.
 */
export async function trainRun(input: RunConfigInput, outDir: string, opts: TrainRunOptions = {}): Promise<RunResultFile> {
  const config = normalizeRunConfig(input);
  const log = opts.log ?? (() => undefined);
  if (checkRunDir(outDir, config)) {
    log(`${outDir}: finished already, loading its result`);
    return JSON.parse(readFileSync(join(outDir, 'result.json'), 'utf8')) as RunResultFile;
  }
  writeJsonAtomic(join(outDir, 'config.json'), config);
  const deps = { ...defaultRunDeps(), ...opts.deps };
  const split = await deps.prepare(config.data);
  const model = deps.buildModel(config.model, split.numItems, config.train);
  const resume = loadResume(outDir, model);
  try {
    if (resume) log(`${outDir}: resuming after epoch ${resume.state.epoch} (step ${resume.state.step})`);
    const r = await trainModel(model, split, config.train, {
      lossFn: deps.lossFn,
      evaluate: deps.evaluate,
      resume,
      onStep: opts.onStep,
      onEpoch: (e) => {
        saveEpoch(outDir, model, e);
        opts.onEpoch?.(e.state.curve[e.state.curve.length - 1], e.state);
      },
    });
    if (resume) tf.dispose([...resume.optimizerTensors.values(), ...resume.bestWeights.values()]);
    const t0 = Date.now();
    const valid = (await deps.evaluate(model, split, { split: 'valid' })).metrics;
    const test = (await deps.evaluate(model, split, { split: 'test' })).metrics;
    const result: RunResultFile = {
      metrics: { valid, test },
      bestEpoch: r.bestEpoch, switchEpoch: r.switchEpoch, epochs: r.epochs, steps: r.steps, stoppedBy: r.stoppedBy,
      params: model.paramCounts(),
      data: { numUsers: split.numUsers, numItems: split.numItems, numTrainInteractions: split.train.items.length },
      env: { backend: tf.getBackend(), tfjsVersion: tf.version.tfjs, nodeVersion: process.version, commit: gitCommit() },
      wallMs: r.wallMs,
      evalWallMs: Date.now() - t0,
    };
    writeJsonAtomic(join(outDir, 'result.json'), result);
    return result;
  } finally {
    model.dispose();
  }
}

/** A run directory read back: the data, the best model, the config and the result if finished. */
export interface LoadedRun {
  readonly model: SeqModel;
  readonly split: LeaveOneOutSplit;
  readonly config: RunConfig;
  readonly result?: RunResultFile;
}

/**
 * Rebuild a run's data (from its saved data spec) and its best model, e.g. for `lsrm eval`.
 * The caller disposes `model`.
 * @throws DataError when the directory holds no run or no checkpoint yet.
 */
export async function loadRun(dir: string, deps: Partial<RunDeps> = {}): Promise<LoadedRun> {
  if (!existsSync(join(dir, 'config.json'))) throw new DataError(`${dir} holds no run (no config.json). Fix: train one with \`lsrm train --out ${dir} ...\`.`);
  const ckpt = resolveDir(join(dir, 'checkpoint'));
  if (!ckpt) throw new DataError(`${dir} has no checkpoint yet (no epoch finished). Fix: run the same \`lsrm train\` command to resume it.`);
  const config = JSON.parse(readFileSync(join(dir, 'config.json'), 'utf8')) as RunConfig;
  const d = { ...defaultRunDeps(), ...deps };
  const split = await d.prepare(config.data);
  const model = d.buildModel(config.model, split.numItems, config.train);
  loadWeightsInto(model, ckpt);
  const resultPath = join(dir, 'result.json');
  const result = existsSync(resultPath) ? (JSON.parse(readFileSync(resultPath, 'utf8')) as RunResultFile) : undefined;
  return { model, split, config, result };
}
