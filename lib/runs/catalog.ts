/**
 * The run catalog: every run folder of a result store, read back as one entry each (key,
 * readable label, state, config, best validation metric, test metrics, wall time, epochs), for
 * `lsrm runs`. It only reads: nothing is written into a run folder.
 *
 * A run folder is any folder under the store holding a run's config.json ({ data, model, train });
 * trainInStore's (./in-store.ts) are <store>/train/<key>.run (key: readable slug + config hash).
 * Its key is the folder name without '.run'; its label is computed from config.json (runLabel).
 *
 * State, from the folder's files:
 *   done     result.json exists.
 *   running  lock.json ({ pid, host, startedAt }, ./lock.ts) held by a live process: checked
 *            when host is this machine; another host's lock counts as running, unchecked.
 *            Recent file times are not evidence: only the lock is.
 *   failed   error.json ({ message, at }) and no live lock.
 *   pending  nothing of the above; a run with finished epochs (last/, curve.json) and no live
 *            lock was interrupted and gets the note 'resumable after epoch E'.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { hostname } from 'node:os';
import { basename, join, relative, resolve } from 'node:path';
import { DataError } from '../util/errors';
import { resolveDir } from '../train/checkpoint';
import type { CurveRow, TrainState } from '../train/train';
import { TRAIN_DEFAULTS } from '../train/train-config';
import { defaultShape, isModelKind, MODELS } from '../models';
import type { RunConfig, RunResultFile } from './run';
import { isLockAlive, LOCK_FILE, readLock, type RunLock } from './lock';
import { isRunConfigShape } from './run-dir';

export type RunState = 'pending' | 'running' | 'done' | 'failed';

/** A run folder's lock.json. isAlive: undefined when its host is another machine. */
export interface LockInfo extends RunLock { readonly file: string; readonly isAlive: boolean | undefined }

/** The best validation value by the run's selection metric (config.train.selectBy). */
export interface BestValid { readonly metric: string; readonly value: number; readonly epoch: number }

/** One run folder, read back. */
export interface RunEntry {
  readonly key: string;
  /** The hash part of the key (10 hex digits), when the key is a runKey. */
  readonly hash?: string;
  readonly label: string;
  readonly state: RunState;
  /** Why a run is in its state: 'resumable after epoch 3', the error message, the lock's owner. */
  readonly note?: string;
  /** Absolute folder, and the folder relative to the store. */
  readonly dir: string;
  readonly path: string;
  readonly config: RunConfig;
  /** Epochs finished. */
  readonly epochs: number;
  readonly bestValid?: BestValid;
  readonly valid?: Readonly<Record<string, number>>;
  readonly test?: Readonly<Record<string, number>>;
  /** Training wall time so far (ms); summed over resumed sessions. */
  readonly wallMs?: number;
  readonly curve: readonly CurveRow[];
  readonly result?: RunResultFile;
  readonly error?: { readonly message: string; readonly at?: string };
  readonly lock?: LockInfo;
}

/** The runs of a store (absolute folder), and the folders that could not be read. */
export interface Catalog { readonly store: string; readonly runs: RunEntry[]; readonly warnings: string[] }

/** 'dataset:ml-100k' -> 'ml-100k', 'atomic:/x/beauty.inter' -> 'beauty', 'synthetic:smoke' stays. */
function dataName(source: string): string {
  const colon = source.indexOf(':');
  const [kind, rest] = colon < 0 ? [source, ''] : [source.slice(0, colon), source.slice(colon + 1)];
  if (kind === 'synthetic' || rest === '') return source;
  if (kind === 'dataset') return rest;
  return basename(rest).replace(/\.(inter|csv|dat|data|json(\.gz)?)$/, '') || source;
}

/** Short names of train fields in labels, in label order (any other differing field: 'name=value'). */
const TRAIN_TOKENS: readonly [string, (v: unknown) => string][] = [
  ['layerwiseDropout', (v) => (v ? 'LAD' : 'no-LAD')],
  ['switchOptimizer', (v) => (v ? 'SO' : 'no-SO')],
  ['lrPeak', (v) => `lr=${v}`],
  ['batchSize', (v) => `bs=${v}`],
  ['selectBy', (v) => `select=${v}`],
  ['epochs', (v) => `ep=${v}`],
  ['maxEpochs', (v) => `max-ep=${v}`],
  ['patience', (v) => `pat=${v}`],
];

/**
 * A readable run name: model kind, LxD, data, the settings that differ from the defaults
 * (TRAIN_DEFAULTS, the model's own heads and length), seed. Not unique: the key is.
 * @example runLabel(config) // 'lsrm 2x64 ml-100k no-LAD lr=0.001 seed 0'
 */
export function runLabel(config: RunConfig): string {
  const { model, data } = config;
  const train = config.train as unknown as Record<string, unknown>;
  const defaults = TRAIN_DEFAULTS as unknown as Record<string, unknown>;
  const parts = [`${model.kind} ${model.numLayers}x${model.dim}`, dataName(data.source) + (data.core > 0 ? ` ${data.core}-core` : '')];
  if (isModelKind(model.kind)) {
    const shape = defaultShape(model.kind);
    const reads = MODELS[model.kind].shapeFields;
    if (reads.includes('numHeads') && model.numHeads !== shape.numHeads) parts.push(`heads=${model.numHeads}`);
    if (reads.includes('maxLen') && model.maxLen !== shape.maxLen) parts.push(`len=${model.maxLen}`);
  }
  if (model.embDropout !== undefined) parts.push(`emb-drop=${model.embDropout}`);
  const differs = (k: string) => k in train && JSON.stringify(train[k]) !== JSON.stringify(defaults[k]);
  for (const [k, token] of TRAIN_TOKENS) if (differs(k)) parts.push(token(train[k]));
  if (differs('dropoutBottom') || differs('dropoutTop')) parts.push(`drop=${train.dropoutBottom}-${train.dropoutTop}`);
  const named = new Set([...TRAIN_TOKENS.map(([k]) => k), 'dropoutBottom', 'dropoutTop', 'seed']);
  for (const k of Object.keys(train).sort()) if (!named.has(k) && differs(k)) parts.push(`${k}=${JSON.stringify(train[k])}`);
  parts.push(`seed ${train.seed}`);
  return parts.join(' ');
}

function readJsonIf<T>(path: string): T | undefined {
  try {
    return existsSync(path) ? (JSON.parse(readFileSync(path, 'utf8')) as T) : undefined;
  } catch {
    return undefined; // mid-write by another tool, or damaged: the caller treats it as absent
  }
}

/** A run folder's lock (./lock.ts), if it has a readable one, and whether its process runs. */
export function lockOf(dir: string, host: string = hostname()): LockInfo | undefined {
  let lock: RunLock | undefined;
  try {
    lock = readLock(dir);
  } catch {
    return undefined; // not a lock of ours: the trainer refuses it with the fix; here it holds nothing
  }
  return lock && { ...lock, file: join(dir, LOCK_FILE), isAlive: lock.host === host ? isLockAlive(lock, host) : undefined };
}

/** The best curve row by the selection metric: lowest validLoss, or highest validNdcg10. */
function bestOfCurve(curve: readonly CurveRow[], metric: string): BestValid | undefined {
  const ndcg = metric === 'NDCG@10';
  let best: CurveRow | undefined;
  for (const r of curve) if (!best || (ndcg ? r.validNdcg10 > best.validNdcg10 : r.validLoss < best.validLoss)) best = r;
  return best && { metric, value: ndcg ? best.validNdcg10 : best.validLoss, epoch: best.epoch };
}

function stateOf(epochs: number, result?: RunResultFile, error?: RunEntry['error'], lock?: LockInfo): Pick<RunEntry, 'state' | 'note'> {
  if (result) return { state: 'done', note: `stopped by ${result.stoppedBy}` };
  if (lock && lock.isAlive !== false) {
    const who = `pid ${lock.pid} on ${lock.host}${lock.isAlive === undefined ? ' (other host, not checked)' : ''}`;
    return { state: 'running', note: `${who}, ${epochs} epoch${epochs === 1 ? '' : 's'} done` };
  }
  const stale = lock ? `stale lock of pid ${lock.pid}` : undefined;
  const resumable = epochs > 0 ? `resumable after epoch ${epochs}` : undefined;
  if (error) return { state: 'failed', note: [error.message.split('\n')[0], resumable, stale].filter(Boolean).join('; ') };
  return { state: 'pending', note: [resumable ?? 'not started', stale].filter(Boolean).join('; ') };
}

/**
 * Read one run folder.
 * @param store the store it belongs to (for `path`); default its parent folder
 * @throws DataError when config.json is missing or is not a run config
 */
export function readRunEntry(dir: string, store?: string, host?: string): RunEntry {
  const abs = resolve(dir);
  const config = readJsonIf<RunConfig>(join(abs, 'config.json'));
  if (!config || !isRunConfigShape(config)) throw new DataError('not a run folder (no readable config.json with data, model and train)', abs);
  const result = readJsonIf<RunResultFile>(join(abs, 'result.json'));
  const curve = readJsonIf<CurveRow[]>(join(abs, 'curve.json')) ?? [];
  const last = resolveDir(join(abs, 'last'));
  const state = last ? readJsonIf<TrainState>(join(last, 'state.json')) : undefined;
  const rawError = readJsonIf<{ message?: unknown; at?: unknown }>(join(abs, 'error.json'));
  const error = rawError ? { message: String(rawError.message ?? 'failed (error.json has no message)'), at: typeof rawError.at === 'string' ? rawError.at : undefined } : undefined;
  const lock = lockOf(abs, host);
  const epochs = result?.epochs ?? Math.max(state?.epoch ?? 0, curve.length);
  const metric = config.train.selectBy ?? 'loss';
  const bestValid = result ? { metric, value: result.metrics.valid[metric], epoch: result.bestEpoch } : bestOfCurve(curve, metric);
  const key = basename(abs).replace(/\.run$/, '');
  return {
    key, hash: /-([0-9a-f]{10})$/.exec(key)?.[1] ?? (/^[0-9a-f]{10}$/.test(key) ? key : undefined),
    label: runLabel(config), ...stateOf(epochs, result, error, lock),
    dir: abs, path: relative(resolve(store ?? join(abs, '..')), abs) || '.',
    config, epochs, bestValid, valid: result?.metrics.valid, test: result?.metrics.test,
    wallMs: result?.wallMs ?? curve[curve.length - 1]?.wallMs, curve, result, error, lock,
  };
}

/** Folders a scan never enters: checkpoints, temp and backup copies, hidden folders. */
const SKIP = /^(checkpoint|last|node_modules|\..*)$|\.(tmp-\d+|old)$/;

/**
 * Every run folder under `store` (up to `maxDepth` levels down), sorted by label then key.
 * @throws DataError when the store folder does not exist
 */
export function readCatalog(store: string, opts: { readonly maxDepth?: number; readonly host?: string } = {}): Catalog {
  const root = resolve(store);
  if (!statSync(root, { throwIfNoEntry: false })?.isDirectory()) throw new DataError(`no result store here. Fix: pass --store DIR, a folder holding runs (default runs/ of the project)`, root);
  const runs: RunEntry[] = [];
  const warnings: string[] = [];
  const walk = (dir: string, depth: number): void => {
    if (existsSync(join(dir, 'config.json')) && dir !== root) {
      try {
        runs.push(readRunEntry(dir, root, opts.host));
      } catch (err) {
        warnings.push((err as Error).message);
      }
      return;
    }
    if (depth >= (opts.maxDepth ?? 4)) return;
    for (const d of readdirSync(dir, { withFileTypes: true })) if (d.isDirectory() && !SKIP.test(d.name)) walk(join(dir, d.name), depth + 1);
  };
  walk(root, 0);
  runs.sort((a, b) => (a.label < b.label ? -1 : a.label > b.label ? 1 : a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  return { store: root, runs, warnings };
}

/** One line per candidate, for error messages. */
function candidates(runs: readonly RunEntry[], max = 20): string {
  const width = Math.max(...runs.slice(0, max).map((r) => r.label.length));
  const lines = runs.slice(0, max).map((r) => `  ${r.hash ?? r.key}  ${r.label.padEnd(width)}  ${r.state.padEnd(7)}  ${r.path}`);
  if (runs.length > max) lines.push(`  ... and ${runs.length - max} more (lsrm runs list)`);
  return lines.join('\n');
}

/**
 * The run a reference names: a run folder's path, a key (with or without '.run'), a label, or a
 * unique prefix of a key or of its hash.
 * @throws DataError listing the candidates when nothing or more than one run matches
 * @example findRun(catalog, '3f2a9c') // the run whose key ends in -3f2a9c01d2
 */
export function findRun(catalog: Catalog, ref: string): RunEntry {
  const asDir = resolve(ref);
  if (existsSync(join(asDir, 'config.json'))) return catalog.runs.find((r) => r.dir === asDir) ?? readRunEntry(asDir);
  const key = ref.replace(/\.run\/?$/, '');
  const tiers = [
    catalog.runs.filter((r) => r.key === key),
    catalog.runs.filter((r) => r.label === ref),
    catalog.runs.filter((r) => key !== '' && (r.key.startsWith(key) || (r.hash ?? '').startsWith(key))),
  ];
  for (const hits of tiers) {
    if (hits.length === 1) return hits[0];
    if (hits.length > 1) throw new DataError(`'${ref}' matches ${hits.length} runs; give more of the key or the folder path:\n${candidates(hits)}`);
  }
  const known = catalog.runs.length ? `runs in ${catalog.store}:\n${candidates(catalog.runs)}` : `${catalog.store} holds no runs`;
  throw new DataError(`no run matches '${ref}' (a key, unique key or hash prefix, label, or run folder); ${known}`);
}

/** The value at a dotted path ('model.dim') of a JSON object. */
export function valueAt(obj: unknown, path: string): unknown {
  let v: unknown = obj;
  for (const k of path.split('.')) v = v !== null && typeof v === 'object' ? (v as Record<string, unknown>)[k] : undefined;
  return v;
}

/** A `--where` condition: a dotted config field, 'label' (contains), 'state' or 'key'. */
export interface Where { readonly field: string; readonly value: string }

/** Parse 'field=value'. @throws DataError without '=' */
export function parseWhere(text: string): Where {
  const eq = text.indexOf('=');
  if (eq <= 0) throw new DataError(`--where takes FIELD=VALUE (e.g. model.dim=64, train.seed=0, state=done), got '${text}'`);
  return { field: text.slice(0, eq).trim(), value: text.slice(eq + 1).trim() };
}

function matches(r: RunEntry, w: Where): boolean {
  if (w.field === 'label') return r.label.includes(w.value);
  if (w.field === 'state' || w.field === 'key') return r[w.field] === w.value;
  const v = valueAt(r.config, w.field);
  if (typeof v === 'number' && w.value !== '' && Number.isFinite(Number(w.value))) return v === Number(w.value);
  return v !== undefined && (typeof v === 'object' ? JSON.stringify(v) : String(v)) === w.value;
}

/**
 * The runs meeting every condition (AND).
 * @throws DataError naming a config field that no run has (a typo, usually)
 */
export function filterRuns(runs: readonly RunEntry[], wheres: readonly Where[]): RunEntry[] {
  for (const w of wheres) {
    if (['label', 'state', 'key'].includes(w.field) || runs.length === 0) continue;
    if (!runs.some((r) => valueAt(r.config, w.field) !== undefined)) {
      const fields = Object.keys(flattenConfig(runs[0].config)).join(', ');
      throw new DataError(`--where ${w.field}: no run has that field. Fields: label, state, key, ${fields}`);
    }
  }
  return runs.filter((r) => wheres.every((w) => matches(r, w)));
}

/** A config as dotted paths to leaf values ({ model: { dim: 64 } } -> { 'model.dim': 64 }). */
export function flattenConfig(obj: unknown, at = ''): Record<string, unknown> {
  if (obj === null || typeof obj !== 'object' || Array.isArray(obj)) return { [at]: obj };
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(obj)) Object.assign(out, flattenConfig(v, at ? `${at}.${k}` : k));
  return out;
}
