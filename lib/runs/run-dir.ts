/**
 * The files of a run folder, what may be in it, and the repairs made from what is intact:
 *   checkOutDir       refuse a folder that is not ours before anything is written (a user's
 *                     checkpoint/model.pt is never replaced)
 *   removeStaleTemps  temp files and folders of killed processes (called under the run's lock)
 *   repairCurve       curve.json rebuilt from last/state.json when it lags (a kill between the
 *                     last/ swap and the curve write)
 *   repairCheckpoint  checkpoint/ rebuilt from last/best.* when it is missing, damaged or lags
 * See run.ts for the layout.
 */
import { existsSync, readdirSync, rmSync, statSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { DataError } from '../util/errors';
import { tempOwner, writeJsonAtomic } from '../util/atomic';
import { CorruptFileError, copyTensors, loadJson, saveJson, verifyTensors, writeDirAtomic } from '../train/checkpoint';
import type { CurveRow, TrainState } from '../train/train';
import { DATA_FILE } from './fingerprint';
import { isLockAlive, LOCK_FILE } from './lock';

export const CONFIG_FILE = 'config.json';
export const CURVE_FILE = 'curve.json';
export const RESULT_FILE = 'result.json';
/** Checkpoint folders (and their copies during a swap) and the files they may hold. */
const CHECKPOINT_DIRS = ['last', 'checkpoint', 'last.old', 'checkpoint.old'];
const CHECKPOINT_FILES = new Set(['weights.bin', 'weights.json', 'optimizer.bin', 'optimizer.json', 'best.bin', 'best.json', 'state.json', 'info.json', CONFIG_FILE]);
/** What a run folder may hold before its config.json is written. */
const START_FILES = new Set([DATA_FILE, LOCK_FILE, `${LOCK_FILE}.takeover`]);

/** Does `config` look like a RunConfig ({ data, model, train })? */
export function isRunConfigShape(config: unknown): boolean {
  const c = config as { data?: { source?: unknown }; model?: { kind?: unknown }; train?: unknown } | null;
  return !!c && typeof c === 'object' && typeof c.data?.source === 'string' && typeof c.model?.kind === 'string' && !!c.train && typeof c.train === 'object';
}

/** Entries of `dir` that a run of ours would not have written (relative paths). */
function foreignEntries(dir: string, isRun: boolean): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir).sort()) {
    if (tempOwner(name) || START_FILES.has(name) || name === CONFIG_FILE) continue;
    const isDir = statSync(join(dir, name)).isDirectory();
    if (!isRun) {
      const inside = isDir ? readdirSync(join(dir, name)).sort().map((f) => `${name}/${f}`) : [];
      out.push(...(inside.length > 0 ? inside : [isDir ? `${name}/` : name]));
    } else if (CHECKPOINT_DIRS.includes(name)) {
      if (!isDir) out.push(name);
      else for (const f of readdirSync(join(dir, name)).sort()) if (!CHECKPOINT_FILES.has(f)) out.push(`${name}/${f}`);
    }
  }
  return out;
}

/** What `dir`/config.json holds: a run config ('ok'), something else ('foreign'), nothing readable ('damaged'), or no file. */
function configState(dir: string): 'ok' | 'foreign' | 'damaged' | 'missing' {
  try {
    return isRunConfigShape(loadJson(dir, CONFIG_FILE)) ? 'ok' : 'foreign';
  } catch (err) {
    return err instanceof CorruptFileError && err.problem === 'is missing' ? 'missing' : 'damaged';
  }
}

/**
 * Refuse `dir` as a run folder unless it is new, empty, or a run folder of ours; writes nothing.
 * Ours: config.json (or last/config.json) holds a run config, or config.json is damaged and other
 * files of a run are there. A folder that is not a run may hold only what a start writes before
 * config.json (data.json, the lock, temps); the checkpoint folders of a run may hold only
 * checkpoint files, since they are replaced as a whole.
 * @throws DataError naming the files that are not ours
 */
export function checkOutDir(dir: string): void {
  const st = statSync(dir, { throwIfNoEntry: false });
  if (!st) return;
  const fix = 'Nothing was changed. Fix: choose a new or empty folder for the run (--out)';
  if (!st.isDirectory()) throw new DataError(`is a file, not a folder. ${fix}.`, dir);
  const top = configState(dir);
  if (top === 'foreign') throw new DataError(`${dir} is not a run folder of lsrm: its config.json is not a run config ({ data, model, train }). ${fix}.`);
  const isTrained = ['last', 'last.old'].some((n) => configState(join(dir, n)) === 'ok');
  const hasRunFiles = isTrained || [DATA_FILE, CURVE_FILE, RESULT_FILE, 'last', 'checkpoint'].some((n) => existsSync(join(dir, n)));
  if (top === 'damaged' && !hasRunFiles) {
    throw new DataError(`${dir} does not look like a run folder of lsrm: its config.json is not readable JSON and no other file of a run is there. ${fix}.`);
  }
  const isRun = top !== 'missing' || isTrained;
  const foreign = foreignEntries(dir, isRun);
  if (foreign.length === 0) return;
  const list = foreign.slice(0, 5).join(', ') + (foreign.length > 5 ? `, ... (${foreign.length} in all)` : '');
  const what = isRun ? `${dir} holds files lsrm did not write (${list}) in folders a run replaces as a whole` : `${dir} is not a run folder of lsrm (no config.json; it holds ${list})`;
  throw new DataError(`${what}: training there would delete them. ${fix}, or move those files away.`);
}

/**
 * Remove temp files and folders left in `dir` by processes that no longer run (killed while
 * writing). Only the holder of the run's lock calls this; a temp of a live process is kept.
 * @returns the names removed
 */
export function removeStaleTemps(dir: string): string[] {
  const removed: string[] = [];
  for (const name of readdirSync(dir)) {
    const owner = tempOwner(name);
    if (!owner || owner.pid === process.pid || isLockAlive({ pid: owner.pid, host: hostname(), startedAt: '' })) continue;
    rmSync(join(dir, name), { recursive: true, force: true });
    removed.push(name);
  }
  return removed;
}

/** Remove `<name>.old` beside an intact `<name>` (a swap killed before its last step). */
export function removeOldCopy(dir: string, name: 'last' | 'checkpoint'): void {
  if (existsSync(join(dir, name))) rmSync(join(dir, `${name}.old`), { recursive: true, force: true });
}

/** Read a JSON file of the run folder; undefined when missing, CorruptFileError when damaged. */
export function readRunJson<T>(dir: string, name: string): T | undefined {
  try {
    return loadJson<T>(dir, name);
  } catch (err) {
    if (err instanceof CorruptFileError && err.problem === 'is missing') return undefined;
    throw err;
  }
}

/** Why curve.json does not match `state`'s curve (missing, damaged or lagging); undefined when it does. */
export function curveProblem(dir: string, state: TrainState): string | undefined {
  let curve: CurveRow[] | undefined;
  try {
    curve = readRunJson<CurveRow[]>(dir, CURVE_FILE);
  } catch (err) {
    if (!(err instanceof CorruptFileError)) throw err;
    return err.problem;
  }
  if (curve === undefined) return 'was missing';
  if (JSON.stringify(curve) === JSON.stringify(state.curve)) return undefined;
  return `had ${Array.isArray(curve) ? curve.length : 'no'} epochs, last/state.json ${state.curve.length}`;
}

/** Rewrite curve.json from `state` when it differs; true if it did. */
export function repairCurve(dir: string, state: TrainState, log: (msg: string) => void): boolean {
  const problem = curveProblem(dir, state);
  if (!problem) return false;
  writeJsonAtomic(join(dir, CURVE_FILE), state.curve);
  log(`${dir}: curve.json ${problem}: rebuilt it from last/state.json`);
  return true;
}

/** Why checkpoint/ does not hold last/'s best weights (undefined when it does). */
export function checkpointProblem(dir: string, lastDir: string, state: TrainState): string | undefined {
  const ckpt = join(dir, 'checkpoint');
  if (!existsSync(ckpt)) return existsSync(`${ckpt}.old`) ? 'was left mid-swap' : 'was missing';
  let sha: string | undefined;
  try {
    sha = verifyTensors(ckpt, 'weights').manifest.sha256;
    const info = loadJson<{ epoch?: number }>(ckpt, 'info.json');
    if (info?.epoch !== state.bestEpoch) return `held epoch ${info?.epoch}, last/ says the best is epoch ${state.bestEpoch}`;
  } catch (err) {
    if (!(err instanceof CorruptFileError)) throw err;
    return `was damaged (${err.message})`;
  }
  let bestSha: string | undefined;
  try {
    bestSha = loadJson<{ sha256?: string }>(lastDir, 'best.json').sha256;
  } catch {
    return undefined; // last/best is damaged itself: checkpoint/ is the better copy
  }
  return sha !== undefined && bestSha !== undefined && sha !== bestSha ? 'held other weights than last/best.bin' : undefined;
}

/**
 * Rebuild checkpoint/ from `lastDir`/best.* and `state` when it is missing, damaged or lags.
 * @returns true when it rebuilt it
 * @throws CorruptFileError when last/best.* is damaged too
 */
export function repairCheckpoint(dir: string, lastDir: string, state: TrainState, log: (msg: string) => void): boolean {
  const problem = checkpointProblem(dir, lastDir, state);
  if (!problem) return false;
  writeDirAtomic(join(dir, 'checkpoint'), (tmp) => {
    copyTensors(lastDir, 'best', tmp, 'weights');
    saveJson(tmp, 'info.json', { epoch: state.bestEpoch, metrics: state.bestMetrics });
  });
  log(`${dir}: checkpoint/ ${problem}: rebuilt it from last/best.bin (the best weights, epoch ${state.bestEpoch})`);
  return true;
}
