/**
 * What a run folder says about the run it holds, checked before anything trains or loads:
 *   checkSavedConfig  config.json against the command's config and against last/config.json (the
 *                     config last/ was trained with): a changed command or a hand-edited
 *                     config.json is refused with the differing fields; a damaged config.json is
 *                     restored when last/ proves which config it was
 *   readLast          the resume state (last/, else last.old/), every file verified; when both
 *                     are damaged the run trains again from epoch 1 (see readLast for why)
 * See run.ts for the layout.
 */
import * as tf from '@tensorflow/tfjs';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { DataError } from '../util/errors';
import { CorruptFileError, loadJson, loadTensors } from '../train/checkpoint';
import type { TrainState } from '../train/train';
import { CONFIG_FILE, readRunJson, RESULT_FILE } from './run-dir';
import type { RunConfig } from './run';

/** Dotted paths where two JSON values differ. */
export function diffPaths(a: unknown, b: unknown, at = ''): string[] {
  if (a !== null && b !== null && typeof a === 'object' && typeof b === 'object' && !Array.isArray(a) && !Array.isArray(b)) {
    const keys = [...new Set([...Object.keys(a), ...Object.keys(b)])].sort();
    return keys.flatMap((k) => diffPaths((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k], at ? `${at}.${k}` : k));
  }
  return JSON.stringify(a) === JSON.stringify(b) ? [] : [at || '(root)'];
}

/** 'train.lrPeak=0.05, train.seed=5': the values of `paths` in `config`. */
function valuesAt(config: unknown, paths: readonly string[]): string {
  const at = (p: string) => p.split('.').reduce<unknown>((v, k) => (v !== null && typeof v === 'object' ? (v as Record<string, unknown>)[k] : undefined), config);
  return paths.map((p) => `${p}=${JSON.stringify(at(p)) ?? 'unset'}`).join(', ');
}

/** The config last/ (or last.old/) was trained with; undefined when absent or unreadable. */
export function trainedConfig(dir: string): RunConfig | undefined {
  for (const name of ['last', 'last.old']) {
    try {
      const c = readRunJson<RunConfig>(join(dir, name), CONFIG_FILE);
      if (c) return c;
    } catch {
      // a damaged last/ is handled by readLast
    }
  }
  return undefined;
}

/** The refusal for a config.json that no longer says what last/ was trained with. */
export function editedConfigError(dir: string, trained: RunConfig, saved: RunConfig): DataError {
  const paths = diffPaths(trained, saved);
  return new DataError(`${join(dir, CONFIG_FILE)} was changed after training started: last/ was trained with ${valuesAt(trained, paths)}, config.json says ${valuesAt(saved, paths)}. ` +
    'Continuing would mix two configs in one run while its files claim the new one. Nothing was changed. ' +
    `Fix: restore ${paths.join(', ')} in config.json (last/config.json holds the config it was trained with), or train the new settings in another output directory.`);
}

/**
 * config.json (undefined when missing or damaged, with the damage named) and last/config.json
 * (the config last/ was trained with).
 * @throws DataError when both exist and differ: config.json was edited after training started
 */
export function readSavedConfigs(dir: string): { readonly saved?: RunConfig; readonly damage?: string; readonly trained?: RunConfig } {
  let saved: RunConfig | undefined;
  let damage: string | undefined;
  try {
    saved = readRunJson<RunConfig>(dir, CONFIG_FILE);
  } catch (err) {
    if (!(err instanceof CorruptFileError)) throw err;
    damage = err.message;
  }
  const trained = trainedConfig(dir);
  if (saved && trained && diffPaths(trained, saved).length > 0) throw editedConfigError(dir, trained, saved);
  return { saved, damage, trained };
}

/**
 * Check `dir`'s config.json against `config` (the command's, normalized).
 * @returns true when config.json must be written (none yet, or a damaged one being restored)
 * @throws DataError when the folder holds another run, config.json was edited since last/ was
 *   written, or config.json is damaged and nothing proves which config it held
 */
export function checkSavedConfig(dir: string, config: RunConfig, log: (msg: string) => void): boolean {
  const found = readSavedConfigs(dir);
  const { saved, trained } = found;
  let damage = found.damage;
  if (saved) {
    const diff = diffPaths(saved, config);
    if (diff.length === 0) return false;
    const state = existsSync(join(dir, RESULT_FILE)) ? 'finished' : 'started';
    throw new DataError(`${dir} already holds a ${state} run with a different config (differs in ${diff.join(', ')}). ` +
      `Fix: choose another output directory, or delete ${dir} to replace that run.`);
  }
  if (damage === undefined && !trained) return false; // a fresh start
  damage ??= `${join(dir, CONFIG_FILE)}: is missing`;
  if (trained) {
    const diff = diffPaths(trained, config);
    if (diff.length > 0) {
      throw new DataError(`${damage}; last/ was trained with another config than this command's (differs in ${diff.join(', ')}). Nothing was changed. ` +
        `Fix: run the command that trained it (see ${join(dir, 'last', CONFIG_FILE)}), or choose another output directory.`);
    }
    log(`${damage}: restoring it from last/config.json, which matches this command`);
    return true;
  }
  if (!existsSync(join(dir, 'last')) && !existsSync(join(dir, 'last.old')) && !existsSync(join(dir, RESULT_FILE))) {
    log(`${damage}: no epoch had finished, so it is written again from this command`);
    return true;
  }
  throw new DataError(`${damage}, and nothing else in ${dir} records which config was trained. Nothing was changed. ` +
    `Fix: restore config.json from a copy, or delete ${dir} to train the run again.`);
}

/** The resume state of a run: last/'s state and tensors (owned by the caller). */
export interface LastState {
  readonly dir: string;
  readonly state: TrainState;
  readonly weights: Map<string, tf.Tensor>;
  readonly optimizerTensors: Map<string, tf.Tensor>;
  readonly bestWeights: Map<string, tf.Tensor>;
}

/** Dispose the tensors of a LastState. */
export function disposeLast(last: LastState): void {
  tf.dispose([...last.weights.values(), ...last.optimizerTensors.values(), ...last.bestWeights.values()]);
}

/** Read and verify one last/ folder; nothing is kept when a file is damaged. */
function readLastDir(dir: string, config: RunConfig): LastState {
  const state = loadJson<TrainState>(dir, 'state.json');
  if (!state || !Number.isInteger(state.epoch) || !Array.isArray(state.curve) || state.curve.length !== state.epoch || typeof state.optimizer !== 'object') {
    throw new CorruptFileError('is damaged: not a training state', join(dir, 'state.json'));
  }
  const p = state.partial;
  if (p !== undefined && !(p !== null && Number.isInteger(p.batches) && p.batches >= 1 && [p.lossSum, p.targetSum, p.lr, p.epochStartWallMs].every((v) => typeof v === 'number' && Number.isFinite(v)))) {
    throw new CorruptFileError('is damaged: its unfinished epoch (partial) is not a batch count with loss sums', join(dir, 'state.json'));
  }
  const trained = readRunJson<RunConfig>(dir, CONFIG_FILE);
  if (trained && diffPaths(trained, config).length > 0) {
    throw new DataError(`${dir} was trained with another config (differs in ${diffPaths(trained, config).join(', ')}). Nothing was changed. Fix: run the command that trained it, or choose another output directory.`);
  }
  const groups: Map<string, tf.Tensor>[] = [];
  try {
    for (const g of ['weights', 'optimizer', 'best']) groups.push(loadTensors(dir, g));
  } catch (err) {
    for (const m of groups) tf.dispose([...m.values()]);
    throw err;
  }
  return { dir, state, weights: groups[0], optimizerTensors: groups[1], bestWeights: groups[2] };
}

/**
 * The state to resume from: last/, or last.old/ (an interrupted swap) when last/ is damaged.
 * When both are damaged the run trains again from epoch 1, with a message: checkpoint/ holds
 * only the best weights, without the optimizer's moments and the early-stopping counters, so
 * a run continued from it would not match an uninterrupted one; from scratch, it does.
 * @throws DataError when last/ was trained with another config
 */
export function readLast(dir: string, config: RunConfig, log: (msg: string) => void): LastState | undefined {
  const problems: string[] = [];
  for (const name of ['last', 'last.old']) {
    if (!existsSync(join(dir, name))) continue;
    try {
      const last = readLastDir(join(dir, name), config);
      if (problems.length > 0) log(`${dir}: ${problems.join('; ')}: resuming from ${name}/ (epoch ${last.state.epoch}) instead`);
      else if (name === 'last.old') log(`${dir}: the swap of last/ was interrupted: resuming from last.old/ (epoch ${last.state.epoch})`);
      return last;
    } catch (err) {
      if (!(err instanceof CorruptFileError)) throw err;
      problems.push(err.message);
    }
  }
  if (problems.length > 0) {
    log(`${dir}: cannot resume: ${problems.join('; ')}. checkpoint/ keeps only the best weights, without the optimizer state, ` +
      'so continuing from it would not match an uninterrupted run: training again from epoch 1, which does');
  }
  return undefined;
}
