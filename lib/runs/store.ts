/**
 * The result store: runOrLoad is the only code that writes experiment results.
 * A result lives at runs/<experiment>/<runKey>.json and holds
 * { config, metrics, curve, meta: { commit, startedAt, wallMs, backend, tfjsVersion } }.
 * runKey = readable slug of the config + short hash of its key-sorted JSON (util/hash.ts), so a changed
 * config is a new file, the same config loads instead of recomputing, and nothing is
 * overwritten: a file under the same key with a different config is an error.
 * Two processes may compute one config at once (two sweeps over one store; lib/runs/lock.ts
 * keeps them from training one run folder together, but the second can still find the first's
 * finished run and compute its record): the file written first is kept and the other process
 * loads it. (Two writes in the same instant both land, atomically, the last one winning; both
 * then hold the metrics of the one run folder, differing only in meta.)
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { DataError } from '../util/errors';
import { writeJsonAtomic } from '../util/atomic';
import { gitCommit } from '../util/git';
import { configHash, stableStringify } from '../util/hash';
import { runsDir } from '../util/paths';
import { fusedMatMuls } from '../ops/wasm-simd';

/** A JSON value: what a config, a metric record or a curve point may hold. */
export type Json = string | number | boolean | null | Json[] | { [key: string]: Json };

/** Where a result came from. */
export interface RunMeta {
  /** git commit of the code that computed it ('unknown' outside a git checkout). */
  readonly commit: string;
  /** ISO time the computation started. */
  readonly startedAt: string;
  /** Wall time of this computation: for a training resumed from a checkpoint, its last session only (metrics.trainMs sums them). */
  readonly wallMs: number;
  /** TF.js backend in use ('none' when the computation loaded no TF.js). */
  readonly backend: string;
  readonly tfjsVersion: string;
  /** On wasm: whether the matMul kernels used fused multiply-adds (ops/wasm-simd.ts `fusedMatMuls`). */
  readonly fusedMatMuls?: boolean;
}

/** What a computation returns: summary metrics and an optional curve (e.g. loss per step). */
export interface ComputeOutput<M, P> {
  readonly metrics: M;
  readonly curve?: readonly P[];
}

/** A stored result. */
export interface RunRecord<C, M, P> {
  readonly config: C;
  readonly metrics: M;
  readonly curve: readonly P[];
  readonly meta: RunMeta;
}

/** A stored result plus where it is and whether this call computed it. */
export interface RunResult<C, M, P> extends RunRecord<C, M, P> {
  readonly path: string;
  readonly runKey: string;
  readonly isCached: boolean;
}

/** Options of runOrLoad. */
export interface StoreOptions {
  /** Root folder of the store. Default runsDir(): $LSRM_RUNS_DIR or <project>/runs. */
  readonly dir?: string;
  /** Progress messages (default: none). */
  readonly log?: (msg: string) => void;
}

function slugPart(s: string): string {
  return s.toLowerCase().replace(/[^a-z0-9.]+/g, '-').replace(/^-+|-+$/g, '');
}

/**
 * The run key: up to 60 characters of `key-value` pairs of the config's top-level scalars
 * (in key order), then '-' and the config hash.
 * @example runKey({ dim: 16, layers: 2 }) // 'dim-16_layers-2-<10 hex>'
 */
export function runKey(config: unknown): string {
  const hash = configHash(config);
  const parts: string[] = [];
  if (config !== null && typeof config === 'object' && !Array.isArray(config)) {
    for (const [k, v] of Object.entries(config).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
      if (typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean') parts.push(`${slugPart(k)}-${slugPart(String(v))}`);
    }
  }
  let slug = '';
  for (const p of parts) if ((slug ? slug.length + 1 : 0) + p.length <= 60) slug = slug ? `${slug}_${p}` : p;
  return slug ? `${slug}-${hash}` : hash;
}

/** tfjs version and current backend, without loading TF.js when the computation did not. */
function tfjsInfo(): { backend: string; tfjsVersion: string; fusedMatMuls?: boolean } {
  let tfjsVersion = 'not installed';
  try {
    tfjsVersion = (require('@tensorflow/tfjs/package.json') as { version: string }).version;
  } catch {
    /* keep 'not installed' */
  }
  const coreLoaded = Object.keys(require.cache).some((k) => /[\\/]@tensorflow[\\/]tfjs-core[\\/]/.test(k));
  if (!coreLoaded) return { backend: 'none', tfjsVersion };
  const tf = require('@tensorflow/tfjs-core') as { getBackend(): string | undefined };
  const backend = tf.getBackend() ?? 'none';
  return backend === 'wasm' ? { backend, tfjsVersion, fusedMatMuls: fusedMatMuls() } : { backend, tfjsVersion };
}

function checkExperiment(experiment: string): void {
  if (!/^[a-z0-9][a-z0-9-]*$/.test(experiment)) {
    throw new Error(`experiment name '${experiment}' must be lowercase letters, digits and dashes`);
  }
}

/**
 * Read and validate one stored result file (runs/<experiment>/<runKey>.json). Not a run
 * directory: for a trained model use loadRun (./run.ts).
 * @throws DataError naming the file when it is not JSON or lacks a field
 */
export function readRunRecord<C, M, P>(path: string): RunRecord<C, M, P> {
  let rec: unknown;
  try {
    rec = JSON.parse(readFileSync(path, 'utf8'));
  } catch (err) {
    throw new DataError(`not a readable JSON result (${(err as Error).message}); delete the file to recompute it`, path);
  }
  const r = rec as Partial<RunRecord<C, M, P>>;
  for (const field of ['config', 'metrics', 'curve', 'meta'] as const) {
    if (r === null || typeof r !== 'object' || !(field in r)) {
      throw new DataError(`result has no '${field}' field; delete the file to recompute it`, path);
    }
  }
  return r as RunRecord<C, M, P>;
}

/** The stored record at `path` if its config is `wanted` (stable JSON). @throws DataError when it holds another. */
function readSame<C, M, P>(path: string, wanted: string): RunRecord<C, M, P> {
  const rec = readRunRecord<C, M, P>(path);
  if (stableStringify(rec.config) !== wanted) {
    throw new DataError(`holds a different config than requested under the same key; refusing to overwrite (move the file away to recompute)`, path);
  }
  return rec;
}

/**
 * Load the stored result of `experiment` for `config`, or compute, store and return it. A file
 * that appeared while computing (another process finished first) is loaded, not overwritten:
 * the result is that record, with isCached false (this call did compute).
 * @throws DataError when a stored file under the same key holds a different config.
 * @example const r = await runOrLoad('fig-02', { dim: 16, seed: 0 }, async () => ({ metrics: { loss: 4.2 } }));
 */
export async function runOrLoad<C, M, P = never>(
  experiment: string,
  config: C,
  compute: (config: C) => Promise<ComputeOutput<M, P>> | ComputeOutput<M, P>,
  opts: StoreOptions = {},
): Promise<RunResult<C, M, P>> {
  checkExperiment(experiment);
  const key = runKey(config);
  const path = join(opts.dir ?? runsDir(), experiment, `${key}.json`);
  const wanted = stableStringify(config);
  if (existsSync(path)) {
    const rec = readSame<C, M, P>(path, wanted);
    opts.log?.(`loaded ${path}`);
    return { ...rec, path, runKey: key, isCached: true };
  }
  opts.log?.(`computing ${experiment}/${key}`);
  const startedAt = new Date();
  const out = await compute(config);
  const wallMs = Date.now() - startedAt.getTime();
  const meta: RunMeta = { commit: gitCommit(), startedAt: startedAt.toISOString(), wallMs, ...tfjsInfo() };
  const rec: RunRecord<C, M, P> = { config, metrics: out.metrics, curve: out.curve ?? [], meta };
  if (existsSync(path)) {
    const theirs = readSame<C, M, P>(path, wanted);
    opts.log?.(`${path} appeared while computing (another process finished first): loaded it`);
    return { ...theirs, path, runKey: key, isCached: false };
  }
  writeJsonAtomic(path, rec);
  return { ...rec, path, runKey: key, isCached: false };
}
