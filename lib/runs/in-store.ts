/**
 * A run config trained into the result store: the result file runs/train/<key>.json (runOrLoad,
 * ./store.ts) and, next to it, the run directory runs/train/<key>.run/ (./run.ts: checkpoints,
 * resumable). Tables III and V (lib/experiments/presets.ts) and the sweep executors
 * (lib/sweep/) all go through `trainInStore`, so a run two studies share trains once: the key
 * is a hash of the full run config plus the data's version (storeKeyOf), never of who asked.
 *
 * The key object { model, layers, dim, source, version, run } is what Tables III and V have
 * always written (it was presetKey): its bytes must not change, or stored runs stop loading.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { initBackend } from '../ops/backend';
import { parseSourceSpec } from '../data/source';
import { SYNTHETIC_PRESETS } from '../data/synthetic';
import type { CurveRow, StepReport, TrainState } from '../train/train';
import { runsDir } from '../util/paths';
import { trainRun, type RunConfig, type RunDeps } from './run';
import { runKey, runOrLoad, type RunResult, type StoreOptions } from './store';

/** The experiment folder of trained runs inside a store. */
export const TRAIN_EXPERIMENT = 'train';

/**
 * What identifies the data behind a source spec beyond its text: a synthetic preset's settings,
 * a dataset's name, or a file's size and mtime (so a changed file is a new key).
 * @example dataVersion('dataset:ml-100k') // 'ml-100k'
 */
export function dataVersion(spec: string): string {
  const s = parseSourceSpec(spec);
  if (s.kind === 'synthetic') {
    const presets = SYNTHETIC_PRESETS as Record<string, unknown>;
    return JSON.stringify(presets[s.preset ?? 'default'] ?? null);
  }
  if (s.kind === 'dataset') return s.name;
  const st = statSync(s.path, { throwIfNoEntry: false });
  return st ? `${st.size}:${Math.round(st.mtimeMs)}` : 'missing';
}

/** The store key object of a run: readable model fields, the data's version and the full config. */
export interface StoreKey {
  readonly model: string;
  readonly layers: number;
  readonly dim: number;
  readonly source: string;
  readonly version: string;
  readonly run: RunConfig;
}

/** The store key object of a run config (Tables III/V's presetKey; the bytes are fixed). */
export function storeKeyOf(config: RunConfig): StoreKey {
  const { kind, numLayers, dim } = config.model;
  return { model: kind, layers: numLayers, dim, source: config.data.source, version: dataVersion(config.data.source), run: config };
}

/** The run key (file name stem) of a run config in the store. */
export function storeRunKey(config: RunConfig): string {
  return runKey(storeKeyOf(config));
}

/** Every finished training of `store` (<store>/train/*.json): its config, the epochs it trained and its wall time (every session); unreadable files are skipped. */
export function finishedRuns(store: string): { readonly config: RunConfig; readonly epochs: number; readonly trainMs?: number }[] {
  const dir = join(store, TRAIN_EXPERIMENT);
  if (!existsSync(dir)) return [];
  const out: { config: RunConfig; epochs: number; trainMs?: number }[] = [];
  for (const name of readdirSync(dir)) {
    if (!name.endsWith('.json')) continue;
    try {
      const r = JSON.parse(readFileSync(join(dir, name), 'utf8')) as { config?: Partial<StoreKey>; metrics?: { epochs?: unknown; trainMs?: unknown } };
      const trainMs = typeof r.metrics?.trainMs === 'number' ? { trainMs: r.metrics.trainMs } : {};
      if (r.config?.run && typeof r.metrics?.epochs === 'number') out.push({ config: r.config.run, epochs: r.metrics.epochs, ...trainMs });
    } catch {
      // a damaged record says nothing about epochs
    }
  }
  return out;
}

/** Where a run of key `key` lives in `store`: its result file and its run directory. */
export function runPaths(store: string, key: string): { readonly record: string; readonly runDir: string } {
  const base = join(store, TRAIN_EXPERIMENT, key);
  return { record: `${base}.json`, runDir: `${base}.run` };
}

/** What the store keeps of one trained run. */
export interface StoreMetrics {
  readonly valid: Record<string, number>;
  readonly test: Record<string, number>;
  readonly params: { readonly embedding: number; readonly nonEmbedding: number; readonly total: number };
  readonly bestEpoch: number;
  /** Epoch after which SGD took over (0 = never). */
  readonly switchEpoch: number;
  readonly epochs: number;
  readonly stoppedBy: string;
  /** Training wall time (ms), summed over resumed sessions. */
  readonly trainMs: number;
}

/** Store options plus progress hooks while training. */
export interface TrainInStoreOptions extends StoreOptions {
  onEpoch?(row: CurveRow, state: TrainState): void;
  onStep?(r: StepReport): void;
  /** Replace pieces of the run (tests: tiny data); they do not enter the store key. */
  readonly deps?: Partial<RunDeps>;
  /** Replicas computing gradients and evaluations (trainRun's workers; default 1); not in the store key. */
  readonly workers?: number;
}

/** A run in the store: its stored result plus its run directory, which loadRun (./run.ts) reads back. */
export type StoreRun = RunResult<StoreKey, StoreMetrics, CurveRow> & {
  /** <store>/train/<runKey>.run: config.json, checkpoint/, result.json. */
  readonly runDir: string;
};

/**
 * Train a run config into the store, or load its stored result: runOrLoad('train',
 * storeKeyOf(config)), with the run directory next to the result file (resumable: a killed run
 * continues after its last epoch). The backend is initialised only when something trains.
 */
export async function trainInStore(config: RunConfig, opts: TrainInStoreOptions = {}): Promise<StoreRun> {
  const key = storeKeyOf(config);
  const { runDir } = runPaths(opts.dir ?? runsDir(), runKey(key));
  const stored = await runOrLoad<StoreKey, StoreMetrics, CurveRow>(
    TRAIN_EXPERIMENT,
    key,
    async () => {
      await initBackend(); // fastest available, or LSRM_BACKEND
      const r = await trainRun(config, runDir, { log: opts.log, onEpoch: opts.onEpoch, onStep: opts.onStep, deps: opts.deps, workers: opts.workers });
      const curvePath = join(runDir, 'curve.json');
      const curve = existsSync(curvePath) ? (JSON.parse(readFileSync(curvePath, 'utf8')) as CurveRow[]) : [];
      const { valid, test } = r.metrics;
      const metrics: StoreMetrics = { valid, test, params: r.params, bestEpoch: r.bestEpoch, switchEpoch: r.switchEpoch, epochs: r.epochs, stoppedBy: r.stoppedBy, trainMs: r.wallMs };
      return { metrics, curve };
    },
    opts,
  );
  return { ...stored, runDir };
}
