/**
 * Estimates before work (issue 8, item 4): steps per epoch, parameters, memory and time of a
 * run, from its config, its data's statistics and this machine's measured training speed.
 *
 * Legend: B batch, T = maxLen, d width, H heads, L layers, I items, N non-embedding parameters,
 * W training windows (lib/data/batch.ts: ceil((n-1)/T) per training sequence of n items),
 * n targets (sum of n-1), U users.
 *
 * Cost model: a training step costs about 6 FLOP per parameter per token (2 forward, 4 backward):
 *   6·N per slot the transformer sees (B·T slots per batch, padding included), and
 *   6·I·d per target for the full-softmax output layer (only target slots reach it);
 *   epoch = 6·N·W·T + 6·I·d·n;  validation (every epoch; valid + test at the end) = 2·N·U·T + 2·I·d·U.
 * Time = FLOP / this machine's rate, the rate being the cost model's FLOP of a `lsrm bench
 * train` step (L=2, d=64, B=64, T=50, I=1,682, every slot a target) over its measured wall time:
 * exact for that shape, a first guess for others (attention's T² term and element-wise ops are
 * not counted). Epochs are `epochs`, or `maxEpochs` as an upper bound when validation stops a
 * run earlier.
 *
 * Memory (bytes, float32): weights 4·P (P all parameters), Adam 8·P (two moments); activations
 * kept for the backward pass of one pass: activationBytesPerRow (lib/train/parallel-protocol.ts,
 * 4·T·L·(144·d + 6·H·T) a row, measured with tf.profile on wasm: the analytic count of the blocks'
 * tensors, 4·T·(d + L·(16·d + 2·H·T)), is 5-8x short of what tfjs keeps) times the rows of a pass,
 * min(B, microBatchRows): a batch beyond the 2 GiB budget runs in several passes (`passes`);
 * logits 8·min(targets per batch · I, CE chunk) (logits and softmax, chunked by lib/ops/softmax-ce.ts).
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { writeJsonAtomic } from '../util/atomic';
import { CE_CHUNK_FLOATS } from '../ops/softmax-ce';
import { formatCount } from '../models/toolkit';
import { modelEntry } from '../models';
import { activationBytesPerRow, microBatchRows } from '../train/parallel-protocol';
import type { ParamCounts } from '../models/types';
import type { LeaveOneOutSplit } from '../data/types';
import { formatDuration } from '../train/progress';
import { dropoutRatesOf, prepareSplit, type DataSpec } from '../runs/build';
import type { RunConfig } from '../runs/run';
import { runKey } from '../runs/store';
import { dataVersion, finishedRuns, runPaths } from '../runs/in-store';
import { listSchedule } from './table';
import { median } from '../util/stats';

/** This machine's training speed under the cost model (see the header). */
export interface BenchFigure {
  readonly backend: string;
  /** Cost-model FLOP of the bench step / its wall time, in GFLOP/s. */
  readonly gflops: number;
  readonly msPerStep: number;
  readonly batch: number;
  readonly items: number;
  readonly cpuModel: string;
  readonly cores: number;
  readonly measuredAt: string;
  /** The compute kernels measured (ops/wasm-simd.ts kernelsTag, e.g. 'simd-2+fma'); a figure of other kernels is measured again. */
  readonly kernels?: string;
}

/** What an estimate needs of the data: sizes and the training sequences' lengths. */
export interface DataStats {
  readonly numUsers: number;
  readonly numItems: number;
  readonly numTrainInteractions: number;
  /** [length n, number of users whose training sequence has n items], n ascending. */
  readonly lengths: readonly (readonly [number, number])[];
}

export interface RunEstimate {
  readonly stepsPerEpoch: number;
  /** `epochs`, or `maxEpochs` (an upper bound), or the epochs similar stored runs took (see `epochsFrom`). */
  readonly epochs: number;
  /** fixed: the run's `epochs`; cap: its `maxEpochs`, validation may stop it earlier; similar: the median of `similarRuns` finished runs (similarEpochs). */
  readonly epochsFrom?: 'fixed' | 'cap' | 'similar';
  readonly similarRuns?: number;
  /** Passes a step takes (a batch beyond one pass's memory budget runs in micro-batches). */
  readonly passes: number;
  readonly params: ParamCounts;
  readonly memory: { readonly weights: number; readonly adam: number; readonly activations: number; readonly logits: number };
  readonly flopPerEpoch: number;
  readonly secondsPerEpoch: number;
  /** Every epoch plus the final valid and test evaluation. */
  readonly totalSeconds: number;
}

/** The shape of the bench step the rate is taken from (lsrm bench train at batch 64). */
export const BENCH_SHAPE = { numLayers: 2, dim: 64, numHeads: 2, maxLen: 50, batch: 64, items: 1682 } as const;

/** Cost-model FLOP of one bench step (every slot a target). */
function benchStepFlop(items: number, batch: number): number {
  const { numLayers, dim, maxLen } = BENCH_SHAPE;
  const n = 12 * numLayers * dim * dim;
  return 6 * (n + items * dim) * batch * maxLen;
}

/** A BenchFigure from a measured step of BENCH_SHAPE (at `batch`, `items`). */
export function benchFigureOf(m: { msPerStep: number; batch: number; items: number; backend: string; cpuModel: string; cores: number; kernels?: string }, at = new Date()): BenchFigure {
  return { ...m, gflops: benchStepFlop(m.items, m.batch) / (m.msPerStep / 1000) / 1e9, measuredAt: at.toISOString() };
}

/** Windows and targets of training sequences at window length T. */
function windowsOf(data: DataStats, maxLen: number): { windows: number; targets: number } {
  let windows = 0, targets = 0;
  for (const [n, users] of data.lengths) {
    if (n < 2) continue;
    windows += users * Math.ceil((n - 1) / maxLen);
    targets += users * (n - 1);
  }
  return { windows, targets };
}

/**
 * Estimate one run (see the header for the model).
 * @example estimateRun(config, stats, bench).totalSeconds
 */
export function estimateRun(config: RunConfig, data: DataStats, bench: Pick<BenchFigure, 'gflops'>): RunEstimate {
  const { model, train } = config;
  const entry = modelEntry(model.kind);
  const params = entry.paramCounts(entry.fromShape(model, { numItems: data.numItems, layerDropout: (n) => dropoutRatesOf(n, train) }));
  const { maxLen: T, dim: d } = model;
  const shape = { numLayers: model.numLayers, dim: d, numHeads: model.numHeads };
  const B = train.batchSize;
  const I = data.numItems;
  const N = params.nonEmbedding;
  const { windows, targets } = windowsOf(data, T);
  const stepsPerEpoch = Math.ceil(windows / B);
  const epochs = train.epochs ?? train.maxEpochs;
  const trainFlop = 6 * N * windows * T + 6 * I * d * targets;
  const evalFlop = 2 * N * data.numUsers * T + 2 * I * d * data.numUsers;
  const rate = bench.gflops * 1e9;
  const targetsPerBatch = windows > 0 ? Math.min(B, windows) * (targets / windows) : 0;
  return {
    stepsPerEpoch,
    epochs,
    epochsFrom: train.epochs !== undefined ? 'fixed' : 'cap',
    passes: Math.ceil(B / microBatchRows(shape, T)),
    params,
    memory: {
      weights: 4 * params.total,
      adam: 8 * params.total,
      activations: activationBytesPerRow(shape, T) * Math.min(B, microBatchRows(shape, T)),
      logits: 8 * Math.min(Math.ceil(targetsPerBatch) * I, CE_CHUNK_FLOATS),
    },
    flopPerEpoch: trainFlop + evalFlop,
    secondsPerEpoch: (trainFlop + evalFlop) / rate,
    totalSeconds: (epochs * (trainFlop + evalFlop) + 2 * evalFlop) / rate,
  };
}

/** A finished run of the store: its config and the epochs it trained. */
export interface FinishedRun {
  readonly config: RunConfig;
  readonly epochs: number;
}

/**
 * The epochs a run stopped by validation can be expected to take: the median over finished runs
 * with the same data and training config but another seed, preferring those of the same model
 * (any model otherwise); undefined for a run of fixed `epochs` or when no run is alike.
 * @example similarEpochs(config, [{ config: otherSeed, epochs: 120 }]) // { epochs: 120, runs: 1 }
 */
export function similarEpochs(config: RunConfig, finished: readonly FinishedRun[]): { epochs: number; runs: number } | undefined {
  if (config.train.epochs !== undefined) return undefined;
  const noSeed = (c: RunConfig) => JSON.stringify({ ...c.train, seed: undefined });
  const same = finished.filter((f) => JSON.stringify(f.config.data) === JSON.stringify(config.data) && noSeed(f.config) === noSeed(config) && f.config.train.epochs === undefined);
  const sameModel = same.filter((f) => JSON.stringify(f.config.model) === JSON.stringify(config.model));
  const pool = sameModel.length > 0 ? sameModel : same;
  if (pool.length === 0) return undefined;
  return { epochs: Math.min(Math.round(median(pool.map((f) => f.epochs))), config.train.maxEpochs), runs: pool.length };
}

/** An estimate with `epochs` expected from similar finished runs instead of the cap (see similarEpochs). */
export function withSimilarEpochs(e: RunEstimate, similar: { epochs: number; runs: number } | undefined): RunEstimate {
  if (!similar || e.epochsFrom !== 'cap') return e;
  const finalEval = e.totalSeconds - e.epochs * e.secondsPerEpoch;
  return { ...e, epochs: similar.epochs, epochsFrom: 'similar', similarRuns: similar.runs, totalSeconds: similar.epochs * e.secondsPerEpoch + finalEval };
}

/** A cache file's value; undefined when absent or unreadable (it is then computed again). */
function readCache<T>(path: string): T | undefined {
  if (!existsSync(path)) return undefined;
  try {
    return JSON.parse(readFileSync(path, 'utf8')) as T;
  } catch {
    return undefined; // a damaged cache is recomputed and rewritten
  }
}

/** DataStats of a split: sizes and the histogram of training sequence lengths. */
export function dataStatsOfSplit(split: LeaveOneOutSplit): DataStats {
  const hist = new Map<number, number>();
  const { offsets, numUsers } = split.train;
  for (let u = 0; u < numUsers; u++) {
    const n = offsets[u + 1] - offsets[u];
    hist.set(n, (hist.get(n) ?? 0) + 1);
  }
  const lengths = [...hist.entries()].sort((a, b) => a[0] - b[0]);
  return { numUsers: split.numUsers, numItems: split.numItems, numTrainInteractions: split.train.items.length, lengths };
}

/**
 * The DataStats of a data spec, cached in <store>/.data-stats/ (keyed by spec, k-core and the
 * data's version), so each distinct data is loaded and split once.
 */
export async function dataStatsOf(data: DataSpec, store: string, prepare: (d: DataSpec) => Promise<LeaveOneOutSplit> = prepareSplit): Promise<DataStats> {
  const path = join(store, '.data-stats', `${runKey({ source: data.source, core: data.core, version: dataVersion(data.source) })}.json`);
  const cached = readCache<DataStats>(path);
  if (cached && Array.isArray(cached.lengths)) return cached;
  const stats = dataStatsOfSplit(await prepare(data));
  writeJsonAtomic(path, stats);
  return stats;
}

/** Where the cached bench figure of a backend lives in a store. */
export function benchCachePath(store: string, backend: string): string {
  return join(store, '.bench', `train-${backend}.json`);
}

/** The cached figure of `backend` measured on this CPU model with these kernels, or undefined. */
export function readBenchFigure(store: string, backend: string, cpuModel: string, kernels = ''): BenchFigure | undefined {
  const fig = readCache<BenchFigure>(benchCachePath(store, backend));
  return fig && fig.cpuModel === cpuModel && (fig.kernels ?? '') === kernels && fig.gflops > 0 ? fig : undefined;
}

/** Cache a measured figure in the store. */
export function writeBenchFigure(store: string, fig: BenchFigure): void {
  writeJsonAtomic(benchCachePath(store, fig.backend), fig);
}

/** '1.5 MB'. */
export function formatBytes(n: number): string {
  const units: [number, string][] = [[2 ** 30, 'GB'], [2 ** 20, 'MB'], [2 ** 10, 'KB']];
  for (const [base, unit] of units) if (n >= base) return `${(n / base).toFixed(1)} ${unit}`;
  return `${n} B`;
}

function epochsText(e: RunEstimate): string {
  return e.epochsFrom === 'cap' ? `≤${e.epochs}` : e.epochsFrom === 'similar' ? `~${e.epochs}` : String(e.epochs);
}

/** A table of estimates, one row per run and a total (time summed; memory the largest run). */
export function formatEstimates(rows: readonly { readonly label: string; readonly estimate: RunEstimate }[], bench: BenchFigure, jobs = 1): string {
  const head = ['run', 'steps/ep', 'epochs', 'non-emb', 'params', 'weights', 'adam', 'activ.', 'logits', 'per epoch', 'total'];
  const cells = rows.map(({ label, estimate: e }) => [
    label, String(e.stepsPerEpoch), epochsText(e), formatCount(e.params.nonEmbedding), formatCount(e.params.total),
    formatBytes(e.memory.weights), formatBytes(e.memory.adam), formatBytes(e.memory.activations), formatBytes(e.memory.logits),
    formatDuration(e.secondsPerEpoch * 1000), formatDuration(e.totalSeconds * 1000),
  ]);
  const max = (f: (e: RunEstimate) => number) => Math.max(0, ...rows.map((r) => f(r.estimate)));
  const total = rows.reduce((s, r) => s + r.estimate.totalSeconds, 0);
  cells.push([
    `total (${rows.length} runs)`, String(rows.reduce((s, r) => s + r.estimate.stepsPerEpoch * r.estimate.epochs, 0)) + ' steps', '', '', '',
    formatBytes(max((e) => e.memory.weights)), formatBytes(max((e) => e.memory.adam)), formatBytes(max((e) => e.memory.activations)), formatBytes(max((e) => e.memory.logits)),
    '', formatDuration(total * 1000),
  ]);
  const widths = head.map((h, i) => Math.max(h.length, ...cells.map((c) => c[i].length)));
  const fmt = (c: readonly string[]) => c.map((x, i) => (i === 0 ? x.padEnd(widths[i]) : x.padStart(widths[i]))).join('  ').trimEnd();
  const slots = Math.max(1, Math.min(jobs, rows.length));
  return [
    fmt(head), ...cells.map(fmt), '',
    `time from ${bench.gflops.toFixed(2)} GFLOP/s (${bench.backend}, lsrm bench train ${bench.msPerStep.toFixed(0)} ms/step at batch ${bench.batch}, measured ${bench.measuredAt.slice(0, 10)}); ` +
      `epochs: ≤ the cap where validation may stop a run earlier, ~ the median of finished runs alike (same data and training, another seed; same model when there is one); memory totals are the largest run's. ` +
      `With ${slots} job${slots > 1 ? 's' : ''} the sweep takes about ${formatDuration(listSchedule(rows.map((r) => r.estimate.totalSeconds), slots) * 1000)}` +
      ` (runs in this order, each on the first free job).`,
  ].join('\n') + '\n';
}

/** Epochs a run's directory already holds (its curve.json; 0 when absent or unreadable): a run that resumes costs only the rest. */
export function curveEpochs(runDir: string): number {
  try {
    return (JSON.parse(readFileSync(join(runDir, 'curve.json'), 'utf8')) as unknown[]).length;
  } catch {
    return 0;
  }
}

/** A run to estimate; `doneEpochs` of it already trained (a run that resumes costs only the rest). */
export interface EstimatedRun {
  readonly label: string;
  readonly config: RunConfig;
  readonly doneEpochs?: number;
}

/**
 * The estimate of each run, the epochs already trained taken off and the epochs expected from
 * similar finished runs of `store` where validation stops the run (similarEpochs). `stats` gives
 * a run's DataStats, or undefined to leave the run out (its row is then undefined).
 */
export async function estimateRemaining(
  runs: readonly EstimatedRun[], store: string, bench: Pick<BenchFigure, 'gflops'>,
  stats: (data: DataSpec) => Promise<DataStats | undefined>,
): Promise<({ label: string; estimate: RunEstimate } | undefined)[]> {
  const byData = new Map<string, DataStats | undefined>();
  const finished = finishedRuns(store);
  const rows = [];
  for (const { label, config, doneEpochs = 0 } of runs) {
    const id = JSON.stringify(config.data);
    if (!byData.has(id)) byData.set(id, await stats(config.data));
    const data = byData.get(id);
    if (!data) {
      rows.push(undefined);
      continue;
    }
    // A run already past what similar runs took is only bounded by its cap.
    const similar = similarEpochs(config, finished);
    const e = withSimilarEpochs(estimateRun(config, data, bench), similar && similar.epochs > doneEpochs ? similar : undefined);
    const done = Math.min(doneEpochs, e.epochs);
    rows.push(done > 0
      ? { label: `${label} (from epoch ${done + 1})`, estimate: { ...e, epochs: e.epochs - done, totalSeconds: e.totalSeconds - done * e.secondsPerEpoch } }
      : { label, estimate: e });
  }
  return rows;
}

/** The seconds each run of a sweep still needs by the cost model, for the live table's ETA (table.ts) and `lsrm sweep status`. */
export interface SweepPriors {
  /** Run key -> the cost model's seconds for what the run still has to train (runs in the store, and runs whose data statistics are not cached yet, are absent). */
  readonly seconds: ReadonlyMap<string, number>;
  /** True when a bench figure of this machine was cached: the seconds are the bench's wall time; false: relative weights (1 GFLOP/s). */
  readonly isAbsolute: boolean;
  /**
   * Wall seconds per prior second: the median over the sweep's runs already in the store of how
   * long each took (metrics.trainMs, every session) against the cost model at the epochs it
   * trained (the median: a run trained while the machine was crowded took 17x, most 1.3-2x). It holds
   * what the bench step misses (the load of the machine, attention, element-wise ops) and turns
   * relative priors into time. `runs`: how many runs it is taken from. Absent without such runs.
   */
  readonly observed?: { readonly scale: number; readonly runs: number };
}

/**
 * The priors of a sweep's runs (see SweepPriors) from what the store has cached: the bench figure
 * of `backend` on this CPU model (any kernels) and the data statistics. Nothing is measured or
 * loaded, so a sweep starts at once; a store without them gets fewer priors, and the table falls
 * back to the mean of the runs known.
 */
export async function sweepPriors(runs: readonly { readonly key: string; readonly label: string; readonly config: RunConfig }[], store: string, backend: string, cpuModel: string): Promise<SweepPriors> {
  const fig = readCache<BenchFigure>(benchCachePath(store, backend));
  const bench = fig && fig.cpuModel === cpuModel && fig.gflops > 0 ? fig : undefined;
  const rate = { gflops: bench?.gflops ?? 1 };
  const cachedOnly = cachedStats(store);
  const stored = runs.map((r) => storedTiming(runPaths(store, r.key).record));
  const todo = runs.filter((_, i) => !stored[i]);
  const rows = await estimateRemaining(todo.map((r) => ({ label: r.label, config: r.config, doneEpochs: curveEpochs(runPaths(store, r.key).runDir) })), store, rate, cachedOnly);
  const seconds = new Map<string, number>();
  rows.forEach((row, i) => row && seconds.set(todo[i].key, row.estimate.totalSeconds));
  const ratios: number[] = [];
  for (const [i, t] of stored.entries()) {
    if (!t || t.seconds <= 0) continue;
    const stats = await cachedOnly(runs[i].config.data);
    const model = stats && modelSeconds(runs[i].config, t.epochs, stats, rate);
    if (model) ratios.push(t.seconds / model);
  }
  return { seconds, isAbsolute: bench !== undefined, ...(ratios.length > 0 ? { observed: { scale: median(ratios), runs: ratios.length } } : {}) };
}

/**
 * The DataStats of a data spec as far as `store` has them cached (estimate.ts dataStatsOf), else
 * undefined: nothing is loaded. Each spec is looked up once per returned function.
 */
function cachedStats(store: string): (data: DataSpec) => Promise<DataStats | undefined> {
  const seen = new Map<string, Promise<DataStats | undefined>>();
  return (data) => {
    const id = JSON.stringify(data);
    if (!seen.has(id)) seen.set(id, dataStatsOf(data, store, () => Promise.reject(new Error('not cached'))).catch(() => undefined));
    return seen.get(id)!;
  };
}

/** The cost model's seconds for `config` trained `epochs` epochs (what a finished run's wall time is set against). */
function modelSeconds(config: RunConfig, epochs: number, stats: DataStats, bench: Pick<BenchFigure, 'gflops'>): number {
  return estimateRun({ ...config, train: { ...config.train, epochs } }, stats, bench).totalSeconds;
}

/** A stored run's epochs and training wall time (seconds, every session), or undefined when it is not in the store or says neither. */
function storedTiming(record: string): { epochs: number; seconds: number } | undefined {
  const r = readCache<{ metrics?: { epochs?: unknown; trainMs?: unknown } }>(record);
  const { epochs, trainMs } = r?.metrics ?? {};
  return typeof epochs === 'number' && typeof trainMs === 'number' ? { epochs, seconds: trainMs / 1000 } : undefined;
}

/** Wall seconds per prior second before any run of this session has finished: the stored runs' scale, else 1 for wall-time priors; undefined when neither. */
export function startScale(p: SweepPriors): number | undefined {
  return p.observed?.scale ?? (p.isAbsolute ? 1 : undefined);
}

/** Runs shorter than this by the cost model say more of start-up and evaluation than of the machine's pace: storePace leaves them out. */
export const PACE_MIN_MODEL_SECONDS = 60;

/** Runs a pace is taken from, at least (one run trained on a crowded machine is no pace). */
export const PACE_MIN_RUNS = 2;

/** A pace: wall seconds per cost-model second, the median over `runs` finished runs. */
export interface Pace {
  readonly scale: number;
  readonly runs: number;
}

/** The pace of this store's finished runs, overall and for a run to come (see storePace). */
export interface StorePace {
  readonly overall: Pace;
  /** The pace of runs like `config` (at least PACE_MIN_RUNS of them): other seeds of it, else its model kind on its data, else its model kind, else `overall`. */
  of(config: RunConfig): Pace & { readonly from: 'seeds' | 'kind' | 'store' };
}

/**
 * The pace of this store's finished runs: per run, wall time (metrics.trainMs, every session) /
 * the cost model's time at the epochs it trained (`bench`'s rate; data statistics cached only;
 * runs under PACE_MIN_MODEL_SECONDS by the model left out), and medians of that over runs alike.
 * Measured here: 1.1-2.1x for LSRM on synthetic:cpu, 1.3-2.2x for LSRM 2x32 and 4x64 on ml-100k,
 * 2-5x for the baselines (the model counts an LSRM block's FLOP, not a GRU's or a CNN's), up to
 * 17x for a run trained on a crowded machine. Undefined without such runs.
 * @example const p = await storePace('runs', bench); p?.of(config).scale
 */
export async function storePace(store: string, bench: Pick<BenchFigure, 'gflops'>): Promise<StorePace | undefined> {
  const cachedOnly = cachedStats(store);
  const measured: { config: RunConfig; ratio: number }[] = [];
  for (const f of finishedRuns(store)) {
    if (f.trainMs === undefined || f.trainMs <= 0) continue;
    const stats = await cachedOnly(f.config.data);
    if (!stats) continue;
    let model: number;
    try {
      model = modelSeconds(f.config, f.epochs, stats, bench);
    } catch {
      continue; // a record of an older config shape the registry no longer builds
    }
    if (model >= PACE_MIN_MODEL_SECONDS) measured.push({ config: f.config, ratio: f.trainMs / 1000 / model });
  }
  if (measured.length === 0) return undefined;
  const paceOf = (xs: readonly { ratio: number }[]): Pace => ({ scale: median(xs.map((x) => x.ratio)), runs: xs.length });
  const overall = paceOf(measured);
  const noSeed = (c: RunConfig) => JSON.stringify({ data: c.data, model: c.model, train: { ...c.train, seed: undefined } });
  const sameData = (a: RunConfig, b: RunConfig) => JSON.stringify(a.data) === JSON.stringify(b.data);
  return {
    overall,
    of(config) {
      const levels = [
        ['seeds', (c: RunConfig) => noSeed(c) === noSeed(config)],
        ['kind', (c: RunConfig) => c.model.kind === config.model.kind && sameData(c, config)],
        ['kind', (c: RunConfig) => c.model.kind === config.model.kind],
      ] as const;
      for (const [from, alike] of levels) {
        const xs = measured.filter((m) => alike(m.config));
        if (xs.length >= PACE_MIN_RUNS) return { ...paceOf(xs), from };
      }
      return { ...overall, from: 'store' };
    },
  };
}
