/**
 * Evaluation benchmark: full-ranking evaluation (paper III-D: every user's hidden state scored
 * against every item, the target's rank, top-50, HR/NDCG/Coverage and the loss) of the smallest
 * Table IV model (L = 2, d = 64, 2 heads, length 50) on a synthetic ML-20M-shaped split
 * (./eval-split.ts: 138,493 users, 26,744 items), with lib/eval/evaluate.ts in batches.
 *
 * Both cores: W worker threads each evaluate a contiguous slice of the users with their own
 * tfjs backend (tfjs-wasm is single-threaded per thread) and a model rebuilt from the same seed;
 * the ranks, losses and top lists are concatenated in user order and the metrics computed once
 * (evalMetrics), so they equal one evaluation's exactly. W = 1 evaluates in this thread.
 *
 * Reported: set-up (backend, split, model: until every worker is ready), then from 'go' to the
 * merged metrics: wall time, users per second, process CPU time; the three parts summed over
 * workers (encoder forward; scores + logsumexp + download; ranks + losses + top-50 in JS);
 * peak RSS of the whole process (sampled, all threads) and the kernel's high-water mark.
 * Speed anchor (PyTorch on OpenBLAS, this machine): the scoring part alone, 138,493 x 26,744 at
 * d = 64 with top-50 in batches of 4,096, takes 23.4 s on 1 thread and 19.3 s on 2.
 */
import { availableParallelism, loadavg } from 'node:os';
import { extname, join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { EVAL_DEFAULTS, evalMetrics, type EvalTiming } from '../eval/evaluate';
import type { BackendName } from '../ops/backend';
import { startRssSampler } from './data';
import { prepareSlice, type EvalModelShape, type SliceResult, type SliceTask } from './eval-worker';
import { concatTyped, evenSlices } from '../util/slices';

export interface EvalBenchConfig extends EvalModelShape {
  readonly users: number;
  readonly items: number;
  readonly maxLen: number;
  /** Worker threads; default the machine's cores (at most 8). */
  readonly workers?: number;
  /** Users per batch; default evaluateModel's. */
  readonly batchSize?: number;
  readonly seed: number;
}

export const EVAL_BENCH_DEFAULTS: EvalBenchConfig = { users: 138_493, items: 26_744, maxLen: 50, dim: 64, numLayers: 2, numHeads: 2, seed: 0 };

export interface EvalBenchResult {
  readonly users: number;
  readonly items: number;
  readonly dim: number;
  readonly numLayers: number;
  readonly workers: number;
  readonly batchSize: number;
  readonly backend: string;
  /** Backend, split and model in every worker. */
  readonly setupMs: number;
  /** From 'go' to the merged metrics. */
  readonly evalMs: number;
  readonly usersPerSec: number;
  /** Process CPU time (all threads) during evalMs. */
  readonly cpuMs: number;
  /** The three parts, summed over workers (wall ms inside each worker). */
  readonly encodeMs: number;
  readonly scoreMs: number;
  readonly rankMs: number;
  readonly peakRssMB: number;
  readonly maxRssMB: number;
  readonly metrics: Record<string, number>;
  readonly loadAvg1: number;
  readonly cores: number;
}

/** Start a worker on ./eval-worker (its .ts source under tsx in tests, .js from dist/). */
function startWorker(task: SliceTask): Worker {
  const entry = join(__dirname, `eval-worker${extname(__filename)}`);
  const tsx = entry.endsWith('.ts') ? `require(${JSON.stringify(require.resolve('tsx/cjs/api'))}).register();` : '';
  return new Worker(`${tsx} require(${JSON.stringify(entry)});`, { eval: true, workerData: task });
}

/** The next message of a worker of the given type; rejects on the worker's error or early exit. */
function nextMessage<T>(w: Worker, type: string): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const onMessage = (m: { type: string; result?: T }) => {
      if (m.type !== type) return;
      cleanup();
      resolve(m.result as T);
    };
    const onExit = (code: number) => {
      cleanup();
      reject(new Error(`an evaluation worker exited with code ${code} before '${type}'`));
    };
    const onError = (e: Error) => {
      cleanup();
      reject(e);
    };
    const cleanup = () => {
      w.off('message', onMessage);
      w.off('error', onError);
      w.off('exit', onExit);
    };
    w.on('message', onMessage);
    w.once('error', onError);
    w.once('exit', onExit);
  });
}

/** Run the slices: in this thread for one, else one worker each behind a start barrier. */
async function runSlices(tasks: SliceTask[]): Promise<{ results: SliceResult[]; setupMs: number; evalMs: number; cpuMs: number }> {
  const t0 = performance.now();
  if (tasks.length === 1) {
    const slice = await prepareSlice(tasks[0]);
    const t1 = performance.now();
    const c0 = process.cpuUsage();
    const result = await slice.run();
    const c = process.cpuUsage(c0);
    return { results: [result], setupMs: t1 - t0, evalMs: performance.now() - t1, cpuMs: (c.user + c.system) / 1000 };
  }
  const workers = tasks.map(startWorker);
  try {
    await Promise.all(workers.map((w) => nextMessage(w, 'ready')));
    const t1 = performance.now();
    const c0 = process.cpuUsage();
    const pending = workers.map((w) => nextMessage<SliceResult>(w, 'result'));
    workers.forEach((w) => w.postMessage('go'));
    const results = await Promise.all(pending);
    const c = process.cpuUsage(c0);
    return { results, setupMs: t1 - t0, evalMs: performance.now() - t1, cpuMs: (c.user + c.system) / 1000 };
  } finally {
    await Promise.all(workers.map((w) => w.terminate()));
  }
}

/**
 * Run the evaluation benchmark on `backend` (the one the caller initialised).
 * @example const r = await benchEval({ users: 20_000 }, 'wasm'); console.log(formatEvalBench(r));
 */
export async function benchEval(config: Partial<EvalBenchConfig>, backend: BackendName): Promise<EvalBenchResult> {
  const c = { ...EVAL_BENCH_DEFAULTS, ...config };
  const workers = Math.max(1, Math.min(c.workers ?? Math.min(8, availableParallelism()), c.users));
  const shape = { numUsers: c.users, numItems: c.items, maxLen: c.maxLen, seed: c.seed };
  const model = { dim: c.dim, numLayers: c.numLayers, numHeads: c.numHeads };
  const tasks = evenSlices(c.users, workers).map(([from, to]): SliceTask => ({ kind: 'lsrm:eval-slice', shape, model, from, to, backend, ...(c.batchSize ? { batchSize: c.batchSize } : {}) }));
  const sampler = startRssSampler();
  try {
    sampler.reset();
    const run = await runSlices(tasks);
    const { results } = run;
    const metrics = results.length === 1 ? results[0].metrics : evalMetrics(
      concatTyped(results.map((r) => r.ranks), (n) => new Int32Array(n)),
      concatTyped(results.map((r) => r.losses), (n) => new Float32Array(n)),
      concatTyped(results.map((r) => r.lists), (n) => new Int32Array(n)),
      results[0].listWidth,
      { ks: EVAL_DEFAULTS.ks, coverageKs: EVAL_DEFAULTS.coverageKs, numItems: c.items },
    );
    const sum = (k: keyof EvalTiming) => results.reduce((s, r) => s + r.timing[k], 0);
    return {
      users: c.users, items: c.items, dim: c.dim, numLayers: c.numLayers, workers, batchSize: results[0].timing.batchSize, backend,
      setupMs: run.setupMs, evalMs: run.evalMs, usersPerSec: c.users / (run.evalMs / 1000), cpuMs: run.cpuMs,
      encodeMs: sum('encodeMs'), scoreMs: sum('scoreMs'), rankMs: sum('rankMs'),
      peakRssMB: sampler.peakMB(), maxRssMB: process.resourceUsage().maxRSS / 1024, metrics,
      loadAvg1: loadavg()[0], cores: availableParallelism(),
    };
  } finally {
    await sampler.stop();
  }
}

/** A printable report: totals, then the parts per user (one core's time) and the metrics. */
export function formatEvalBench(r: EvalBenchResult): string {
  const s = (ms: number) => `${(ms / 1000).toFixed(1)} s`;
  const perUser = (ms: number) => `${((1000 * ms) / r.users).toFixed(0)} us/user`;
  const m = Object.entries(r.metrics).map(([k, v]) => `${k} ${v.toFixed(4)}`).join('  ');
  return [
    `eval benchmark: ${r.users.toLocaleString('en-US')} users x ${r.items.toLocaleString('en-US')} items, LSRM L=${r.numLayers} d=${r.dim}, ${r.backend}, ${r.workers} worker${r.workers === 1 ? '' : 's'}, batches of ${r.batchSize} users`,
    `  set-up         ${s(r.setupMs)} (backend, split, model)`,
    `  evaluation     ${s(r.evalMs)} wall (cpu ${s(r.cpuMs)}) = ${r.usersPerSec.toFixed(0)} users/s   peak RSS ${r.peakRssMB.toFixed(0)} MB (max ${r.maxRssMB.toFixed(0)} MB)`,
    `  encoder        ${s(r.encodeMs)} summed over workers, ${perUser(r.encodeMs)}`,
    `  scores + lse   ${s(r.scoreMs)}, ${perUser(r.scoreMs)}`,
    `  rank + top-50  ${s(r.rankMs)}, ${perUser(r.rankMs)}`,
    `  metrics        ${m}`,
    `  load ${r.loadAvg1.toFixed(1)} on ${r.cores} cores (other processes inflate wall times)`,
  ].join('\n');
}
