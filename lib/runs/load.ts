/**
 * Reading a run folder back (loadRun, run.ts) and the repairs of a finished one, from what is
 * intact: the best weights from checkpoint/, else from last/best.* (the same tensors: last/ keeps
 * the best weights of every epoch so far); config.json from last/config.json; curve.json from
 * last/state.json. A loader writes only when something needs repair and no other process holds
 * the run's lock (the trainer repairs it then), so evaluating a healthy run writes nothing.
 */
import type * as tf from '@tensorflow/tfjs';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { DataError } from '../util/errors';
import { writeJsonAtomic } from '../util/atomic';
import { CorruptFileError, loadJson, loadTensors, resolveDir } from '../train/checkpoint';
import type { TrainState } from '../train/train';
import { restoreWeights, type Weights } from '../train/weights';
import type { SeqModel } from '../models/types';
import { acquireLock, RunLockedError } from './lock';
import { readSavedConfigs } from './resume';
import { checkpointProblem, CONFIG_FILE, curveProblem, readRunJson, removeOldCopy, repairCheckpoint, repairCurve, RESULT_FILE } from './run-dir';
import type { RunConfig, RunResultFile } from './run';

/** The last/ folder (last/, else last.old/) whose state.json reads, with that state. */
export function findLastState(dir: string): { readonly lastDir: string; readonly state: TrainState } | undefined {
  for (const name of ['last', 'last.old']) {
    try {
      const state = loadJson<TrainState>(join(dir, name), 'state.json');
      if (state && Array.isArray(state.curve) && Number.isInteger(state.bestEpoch)) return { lastDir: join(dir, name), state };
    } catch {
      // missing or damaged: try the next
    }
  }
  return undefined;
}

/** Repair curve.json and checkpoint/ of a run from last/ (the caller holds the lock), saying so. */
export function repairFinished(dir: string, log: (msg: string) => void): void {
  const found = findLastState(dir);
  if (!found) {
    if (!resolveDir(join(dir, 'checkpoint'))) {
      log(`${dir}: checkpoint/ is missing and no intact last/ can rebuild it: the run's trained weights are gone (result.json keeps its metrics). ` +
        `Fix: to evaluate the run again, delete ${dir} and train it again (the same command gives the same result).`);
    }
    return;
  }
  repairCurve(dir, found.state, log);
  try {
    repairCheckpoint(dir, found.lastDir, found.state, log);
    removeOldCopy(dir, 'checkpoint');
    if (found.lastDir === join(dir, 'last')) removeOldCopy(dir, 'last');
  } catch (err) {
    if (!(err instanceof CorruptFileError)) throw err;
    log(`${dir}: checkpoint/ cannot be rebuilt from last/: ${err.message}`);
  }
}

/**
 * Run `fn` holding the run's lock; skipped when another process holds it (it repairs the run
 * itself) or the folder cannot be written (a read-only copy): the loaded run is right either way.
 */
export function withLock(dir: string, log: (msg: string) => void, fn: () => void): void {
  let release: (() => void) | undefined;
  try {
    release = acquireLock(dir, log).release;
  } catch (err) {
    if (!(err instanceof RunLockedError)) log(`${dir}: not repaired (${(err as Error).message})`);
    return;
  }
  try {
    fn();
  } finally {
    release();
  }
}

/** loadRun's repairs: curve.json and checkpoint/ from last/, only when they need it. */
export function repairForLoad(dir: string, log: (msg: string) => void): void {
  const found = findLastState(dir);
  if (!found) return;
  if (curveProblem(dir, found.state) === undefined && checkpointProblem(dir, found.lastDir, found.state) === undefined) return;
  withLock(dir, log, () => repairFinished(dir, log));
}

/**
 * The config of a run folder: config.json, checked against last/config.json; a missing or
 * damaged config.json is replaced by last/config.json (saying so).
 * @throws DataError when the folder holds no run, config.json was edited since last/ was
 *   written, or config.json is damaged with no copy in last/
 */
export function readRunConfig(dir: string, log: (msg: string) => void): RunConfig {
  const { saved, damage, trained } = readSavedConfigs(dir);
  if (saved) return saved;
  if (trained) {
    log(`${damage ?? `${join(dir, CONFIG_FILE)} is missing`}: using last/config.json, the config the run was trained with`);
    withLock(dir, log, () => writeJsonAtomic(join(dir, CONFIG_FILE), trained));
    return trained;
  }
  if (damage) throw new DataError(`${damage}, and last/ holds no copy. Fix: restore config.json from a copy; without it the run's model cannot be rebuilt.`);
  throw new DataError(`${dir} holds no run (no config.json). Fix: train one with \`lsrm train --out ${dir} ...\`.`);
}

/**
 * The best weights of a run: checkpoint/ (verified), else last/best.* with a message.
 * The caller disposes the tensors.
 * @throws DataError naming the damaged file when neither is intact
 */
export function readBestWeights(dir: string, log: (msg: string) => void): { readonly weights: Map<string, tf.Tensor>; readonly dir: string } {
  let problem = `${join(dir, 'checkpoint')} is missing`;
  // A trainer may swap checkpoint/ while we read it: a file vanishing mid-read is retried.
  for (let attempt = 0; attempt < 3; attempt++) {
    const ckpt = resolveDir(join(dir, 'checkpoint'));
    if (!ckpt) break;
    try {
      return { weights: loadTensors(ckpt, 'weights'), dir: ckpt };
    } catch (err) {
      if (!(err instanceof CorruptFileError)) throw err;
      problem = err.message;
      if (err.problem !== 'is missing') break;
    }
  }
  const found = findLastState(dir);
  if (found) {
    try {
      const weights = loadTensors(found.lastDir, 'best');
      log(`${problem}: using ${found.lastDir}/best.bin instead (the best weights, epoch ${found.state.bestEpoch})`);
      return { weights, dir: found.lastDir };
    } catch (err) {
      if (!(err instanceof CorruptFileError)) throw err;
      problem = `${problem}; ${err.message}`;
    }
  } else if (existsSync(join(dir, 'last'))) {
    problem = `${problem}; ${join(dir, 'last', 'state.json')} is missing or damaged`;
  }
  throw new DataError(`${problem}: no intact copy of the run's best weights is left. ` +
    `Fix: delete ${dir} and train the run again (the same command gives the same result).`);
}

/** Set the model's variables to `weights` (read from `dir`); a mismatch means the model code changed since. */
export function restoreInto(model: SeqModel, weights: Weights, dir: string): void {
  try {
    restoreWeights(model.variables, weights);
  } catch (err) {
    throw new DataError(`${dir}: the saved weights do not fit the ${model.kind} model built from config.json (${(err as Error).message}). ` +
      'The model code probably changed since this run was trained. Fix: retrain it in a new directory, or use the code version in result.json (env.commit).');
  }
}

/** result.json, or undefined when missing or damaged (then computed again, saying so). */
export function readResult(outDir: string, log: (msg: string) => void): RunResultFile | undefined {
  try {
    const r = readRunJson<RunResultFile>(outDir, RESULT_FILE);
    if (r === undefined || (r?.metrics?.valid && r.metrics.test)) return r;
    throw new CorruptFileError('is damaged: it has no metrics', join(outDir, RESULT_FILE));
  } catch (err) {
    if (!(err instanceof CorruptFileError)) throw err;
    log(`${err.message}: computing it again (from last/ when intact: the final evaluation only)`);
    return undefined;
  }
}
