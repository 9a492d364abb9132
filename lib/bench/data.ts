/**
 * Data benchmark: the paper's preprocessing at MovieLens-20M scale (20M rows). Generates an
 * ML-20M-shaped ratings.csv once into a cache folder (default <project>/.bench, git-ignored),
 * then times each stage: parse (the MovieLens loader; worker threads over byte ranges, see
 * lib/data/load/parallel.ts; `threads: 1` gives the sequential parser), k-core (30, as for the
 * paper's Amazon mix), per-user sequences, leave-one-out split; and reports wall and process
 * CPU time (all threads) per stage, peak memory and the machine's load.
 *
 * Memory: `peakRssMB` per stage comes from a worker thread sampling process RSS every 20 ms
 * (the main thread is busy in synchronous loops, so it cannot sample itself); `maxRssMB` is
 * the kernel's high-water mark (process.resourceUsage().maxRSS) for the whole process,
 * including the CSV generation when it ran in the same process.
 * Target on this project's 2-core machines (issue 12): at most 6.0 s and 1.3 GB for the four
 * stages, polars' time on the same file (6.0 s, 1.9 GB; pandas 41 s, 4.6 GB), same counts.
 */
import { existsSync, statSync } from 'node:fs';
import { availableParallelism, loadavg } from 'node:os';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { loadSource } from '../data/load';
import { MAX_THREADS, PARALLEL_MIN_BYTES } from '../data/load/parallel';
import { filterKCore } from '../data/kcore';
import { toSequences } from '../data/sequences';
import { splitLeaveOneOut } from '../data/split';
import { datasetStats, formatStats, type DatasetStats } from '../data/stats';
import { projectRoot } from '../util/paths';
import { ML20M_SHAPE, writeMl20mShapedCsv, type Ml20mShapeConfig } from './ml20m-csv';

export interface BenchDataOptions {
  /** Folder for the generated CSV (default <project>/.bench). */
  readonly cacheDir?: string;
  /** Size/shape of the generated file (default ML-20M's sizes). */
  readonly shape?: Partial<Ml20mShapeConfig>;
  /** k-core K for users and items (default 30). */
  readonly core?: number;
  /** Parse threads (LoadOptions.threads); default the machine's cores. 1 = the sequential parser. */
  readonly threads?: number;
  /** Regenerate the CSV even when it is cached. */
  readonly regenerate?: boolean;
  /** Progress lines (default: stderr; false = silent). */
  readonly progress?: false | ((message: string) => void);
}

export interface BenchStage {
  readonly name: string;
  readonly wallMs: number;
  /** Process CPU time (user + system, all threads) during the stage. */
  readonly cpuMs: number;
  /** Highest RSS sampled during the stage. */
  readonly peakRssMB: number;
  /** Rows (or users, for the split) coming out of the stage. */
  readonly output: string;
}

export interface BenchDataResult {
  readonly csvPath: string;
  readonly csvMB: number;
  /** Whether this call generated the CSV (false = cache hit), and how long it took. */
  readonly generated: boolean;
  readonly generateMs: number;
  readonly core: number;
  /** Parse threads used (1 = sequential). */
  readonly threads: number;
  /** parse, k-core, sequences, leave-one-out. */
  readonly stages: readonly BenchStage[];
  /** Sum of the stage times. */
  readonly totalMs: number;
  /** Process high-water RSS (kernel maxRSS). */
  readonly maxRssMB: number;
  /** 1-minute load average before and after the stages, and the core count. */
  readonly loadAvg1: readonly [number, number];
  readonly cores: number;
  /** Statistics after the k-core (testUsers from the split); computed after timing. */
  readonly stats: DatasetStats;
  /** A printable report. */
  readonly summary: string;
}

const MB = 1024 * 1024;

/** A worker that keeps the maximum process RSS seen since the last reset in a shared slot. */
export function startRssSampler(): { reset(): void; peakMB(): number; stop(): Promise<number> } {
  const slot = new Float64Array(new SharedArrayBuffer(8));
  const code = `const { workerData } = require('node:worker_threads');
    const a = new Float64Array(workerData);
    setInterval(() => { const r = process.memoryUsage.rss(); if (r > a[0]) a[0] = r; }, 20);`;
  const worker = new Worker(code, { eval: true, workerData: slot.buffer });
  worker.unref();
  return {
    reset: () => (slot[0] = process.memoryUsage.rss()),
    peakMB: () => Math.max(slot[0], process.memoryUsage.rss()) / MB,
    stop: () => worker.terminate(),
  };
}

async function timeStage<T>(name: string, sampler: ReturnType<typeof startRssSampler>, run: () => T | Promise<T>, describe: (v: T) => string): Promise<{ value: T; stage: BenchStage }> {
  sampler.reset();
  const t0 = performance.now();
  const c0 = process.cpuUsage();
  const value = await run();
  const wallMs = performance.now() - t0;
  const cpu = process.cpuUsage(c0);
  return { value, stage: { name, wallMs, cpuMs: (cpu.user + cpu.system) / 1000, peakRssMB: sampler.peakMB(), output: describe(value) } };
}

/** The cached CSV path for a shape (the name encodes every size and the seed). */
export function benchCsvPath(cacheDir: string, s: Ml20mShapeConfig): string {
  return join(cacheDir, `ml20m-shaped-u${s.numUsers}-i${s.numItems}-r${s.numRows}-min${s.minPerUser}-max${s.maxPerUser}-s${s.seed}.csv`);
}

/**
 * Generate (once) and time parse + k-core + sequences + leave-one-out on an ML-20M-shaped CSV.
 * @example const r = await benchData(); console.log(r.summary);
 */
export async function benchData(opts: BenchDataOptions = {}): Promise<BenchDataResult> {
  const shape = { ...ML20M_SHAPE, ...opts.shape };
  const core = opts.core ?? 30;
  const log = opts.progress === false ? () => {} : (opts.progress ?? ((m: string) => process.stderr.write(`${m}\n`)));
  const csvPath = benchCsvPath(opts.cacheDir ?? join(projectRoot(), '.bench'), shape);
  let generateMs = 0;
  const generated = opts.regenerate === true || !existsSync(csvPath);
  if (generated) {
    log(`bench data: writing ${shape.numRows.toLocaleString('en-US')} rows to ${csvPath} (once) ...`);
    const t0 = performance.now();
    writeMl20mShapedCsv(csvPath, shape);
    generateMs = performance.now() - t0;
  }
  const sampler = startRssSampler();
  const stages: BenchStage[] = [];
  const rows = (n: number) => `${n.toLocaleString('en-US')} rows`;
  try {
    // the loader's own default (lib/data/load/parallel.ts), unless a count is asked for
    const threads = opts.threads ?? (statSync(csvPath).size >= PARALLEL_MIN_BYTES ? Math.min(MAX_THREADS, availableParallelism()) : 1);
    const load0 = loadavg()[0];
    log(`bench data: parse (${threads} thread${threads === 1 ? '' : 's'}) ...`);
    const parsed = await timeStage('parse', sampler, () => loadSource(`movielens:${csvPath}`, { domains: false, progress: false, threads: opts.threads }), (r) => rows(r.interactions.user.length));
    stages.push(parsed.stage);
    log(`bench data: ${core}-core ...`);
    const kcore = await timeStage(`${core}-core`, sampler, () => filterKCore(parsed.value.interactions, { minUser: core, minItem: core }), (x) => `${rows(x.user.length)}, ${x.numUsers} users, ${x.numItems} items`);
    stages.push(kcore.stage);
    log('bench data: sequences ...');
    const seqs = await timeStage('sequences', sampler, () => toSequences(kcore.value), (s) => rows(s.items.length));
    stages.push(seqs.stage);
    log('bench data: leave-one-out ...');
    const split = await timeStage('leave-one-out', sampler, () => splitLeaveOneOut(seqs.value), (s) => `${s.train.items.length.toLocaleString('en-US')} train rows`);
    stages.push(split.stage);
    const stats = datasetStats(seqs.value, split.value);
    const result = {
      csvPath,
      csvMB: statSync(csvPath).size / MB,
      generated,
      generateMs,
      core,
      threads,
      stages,
      totalMs: stages.reduce((s, st) => s + st.wallMs, 0),
      maxRssMB: process.resourceUsage().maxRSS / 1024, // maxRSS is in kilobytes
      loadAvg1: [load0, loadavg()[0]] as const,
      cores: availableParallelism(),
      stats,
    };
    return { ...result, summary: formatBenchData(result) };
  } finally {
    await sampler.stop();
  }
}

/** The printable report of a benchmark result. */
export function formatBenchData(r: Omit<BenchDataResult, 'summary'>): string {
  const lines = [
    `data benchmark: ${r.csvPath} (${r.csvMB.toFixed(0)} MB${r.generated ? `, generated in ${(r.generateMs / 1000).toFixed(1)} s` : ', cached'}), parse on ${r.threads} thread${r.threads === 1 ? '' : 's'}`,
    ...r.stages.map((s) => `  ${s.name.padEnd(14)} ${(s.wallMs / 1000).toFixed(2).padStart(7)} s (cpu ${(s.cpuMs / 1000).toFixed(2).padStart(6)} s)   peak RSS ${s.peakRssMB.toFixed(0).padStart(5)} MB   -> ${s.output}`),
    `  ${'total'.padEnd(14)} ${(r.totalMs / 1000).toFixed(2).padStart(7)} s (cpu ${(r.stages.reduce((a, st) => a + st.cpuMs, 0) / 1000).toFixed(2).padStart(6)} s)   max RSS  ${r.maxRssMB.toFixed(0).padStart(5)} MB (process high-water mark)`,
    `  load ${r.loadAvg1[0].toFixed(1)} -> ${r.loadAvg1[1].toFixed(1)} on ${r.cores} cores (other processes inflate wall times)`,
    `after ${r.core}-core:`,
    ...formatStats(r.stats).split('\n').map((l) => `  ${l}`),
  ];
  return lines.join('\n');
}
