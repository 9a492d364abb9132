/**
 * Training-step benchmark (ARCHITECTURE.md, "Facts": Compute backend): the smallest Table IV model (L = 2,
 * d = 64, 2 heads) at batch 256, length 50, full softmax over every item at every slot, Adam.
 * The step is the trainer's own (lib/train/train.ts: trainStep with 1 worker, poolTrainStep with
 * a replica pool of N, lib/train/parallel.ts; the switching optimizer in its Adam phase), and
 * the model comes from the registry (MODELS.lsrm), in the worker threads too.
 * Reports per item count and worker count: ms per step after warm-up (forward + backward + Adam
 * update), the step's model GFLOP/s, the backend's own plain matMul GFLOP/s, peak tensor memory,
 * CPU ms per step (all threads of the process), the machine's load (the CPU is shared: wall time
 * on a loaded machine is not the code's speed) and the time per kernel of one profiled step
 * (tf.profile; with N workers it sees this thread's share only).
 *
 * Batches are synthetic: every slot holds a uniformly drawn item and a target (no padding), the
 * worst case and the setting of the PyTorch reference measured on these machines (200-250 ms at batch 64 with 3,700
 * items, 500-650 ms at batch 256 with 1,682 items, one thread).
 *
 * Step FLOPs (matMuls only; element-wise ops are not counted), with M = B·T tokens and n target
 * slots (n = M here):
 *   forward = L·(24·M·d² + 4·B·T²·d) + 2·n·d·I
 *     24·M·d²: QKV 6·M·d², output projection 2·M·d², FFN 16·M·d²  (2 FLOPs per multiply-add)
 *     4·B·T²·d: attention scores QKᵀ and weights·V over the full T×T (masked half included)
 *     2·n·d·I: logits of the n target slots against the I items
 *   step = 3·forward (backward = two matMuls per forward matMul)
 * B=256, T=50, d=64, L=2, I=1,682: forward 5.60 GFLOP, step 16.8 GFLOP.
 *
 * Measured 2026-12-01 (2 cores, other trainings paused; `lsrm bench train` then
 * `/usr/bin/python3 scripts/bench-train-torch.py`, PyTorch 1.13 on OpenBLAS, in one session):
 *   items   ours 1 worker   ours 2 workers   PyTorch 1 thread   PyTorch 2 threads
 *   1,682        691 ms          416 ms            504 ms              486 ms
 *   26,744     4,608 ms        2,481 ms          4,013 ms            3,368 ms
 * with the matMuls fused (relaxed SIMD FMA) and B blocked (ops/wasm-simd-matmul.ts); before them
 * (LSRM_FMA=0 and XNNPACK for the output layer) 448 ms and 3,402-3,574 ms with 2 workers.
 */
import * as os from 'node:os';
import { readdirSync, readFileSync } from 'node:fs';
import { extname, join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { makeRng } from '../util/rng';
import { MODELS } from '../models';
import type { SeqModel } from '../models/types';
import type { Batch } from '../data/batch';
import type { BackendName } from '../ops/backend';
import { nextItemLoss } from '../train/loss';
import { createOptimizer } from '../train/optimizer';
import { startReplicaPool, type ReplicaPool, type ReplicaRecipe } from '../train/parallel';
import { poolTrainStep, trainStep } from '../train/train';
import { median } from '../util/stats';

export interface TrainBenchConfig {
  /** Item counts to benchmark (ML-100k: 1,682; ML-20M: 26,744). */
  readonly items: readonly number[];
  readonly batch: number;
  readonly maxLen: number;
  readonly numLayers: number;
  readonly dim: number;
  readonly numHeads: number;
  /** Worker counts to benchmark (replicas computing each batch's gradient; 1 = this thread alone). */
  readonly workers: readonly number[];
  /** Timed steps (after warm-up). */
  readonly steps: number;
  readonly warmup: number;
  readonly seed: number;
}

export const TRAIN_BENCH_DEFAULTS: TrainBenchConfig = {
  items: [1682, 26744],
  batch: 256,
  maxLen: 50,
  numLayers: 2,
  dim: 64,
  numHeads: 2,
  workers: [1, 2],
  steps: 5,
  warmup: 2,
  seed: 0,
};

export interface TrainBenchResult {
  readonly items: number;
  readonly batch: number;
  /** Replicas (this thread and workers - 1 worker threads). */
  readonly workers: number;
  /** Median wall ms per step. */
  readonly msPerStep: number;
  /** Median process CPU ms per step (user + system, all threads). */
  readonly cpuMsPerStep: number;
  /**
   * CPU ms per step of the busiest thread (mean over the timed steps; Linux, else undefined): on
   * a loaded machine the wall time a step would take with a free core per replica (the main
   * thread's share plus the summing and the optimizer step, or the slowest worker's share).
   */
  readonly busiestThreadMsPerStep?: number;
  /** Step FLOPs (formula in the header) / median wall time of a step. */
  readonly modelGflops: number;
  /** Step FLOPs / median CPU time of a step (what an idle machine would show as wall time). */
  readonly modelGflopsCpu: number;
  /** The backend's plain matMul rate (matmulRate, by CPU time). */
  readonly matmulGflops: number;
  /** Peak bytes of live tensors during one step (tf.profile), in MB. */
  readonly peakMemoryMB: number;
  readonly backend: string;
  readonly gflopPerStep: number;
  /** 1-minute load average at the end of the run, and the core count. */
  readonly loadAvg1: number;
  readonly cores: number;
  /** Wall ms per kernel in one profiled step of this thread, largest first (nested kernels counted once). */
  readonly kernels: readonly { readonly name: string; readonly ms: number }[];
}

/** Step FLOPs of an LSRM training step (formula in the header). */
export function stepFlops(s: { batch: number; maxLen: number; dim: number; numLayers: number; numItems: number; numTargets: number }): number {
  const M = s.batch * s.maxLen;
  const perLayer = 24 * M * s.dim * s.dim + 4 * s.batch * s.maxLen * s.maxLen * s.dim;
  return 3 * (s.numLayers * perLayer + 2 * s.numTargets * s.dim * s.numItems);
}

/**
 * GFLOP/s of a plain [n, n]·[n, n] tf.matMul on the active backend (n = 1024; 128 on cpu), best of 5
 * by process CPU time (on a shared machine wall time measures the other processes too).
 */
export function matmulRate(n = tf.getBackend() === 'cpu' ? 128 : 1024): number {
  const a = tf.randomNormal([n, n]);
  const b = tf.randomNormal([n, n]);
  let best = Infinity;
  for (let i = 0; i < 7; i++) {
    const c0 = process.cpuUsage();
    const c = tf.matMul(a, b);
    c.dataSync();
    const used = process.cpuUsage(c0);
    c.dispose();
    if (i >= 2) best = Math.min(best, (used.user + used.system) / 1000);
  }
  tf.dispose([a, b]);
  return (2 * n * n * n) / Math.max(best, 1e-3) / 1e6;
}

/** A synthetic batch: every slot an item drawn uniformly and a target (no padding). */
export function syntheticBatch(batch: number, maxLen: number, numItems: number, seed: number): Batch {
  const rng = makeRng(seed);
  const inputs = Int32Array.from({ length: batch * maxLen }, () => 1 + rng.int(numItems));
  const targets = Int32Array.from({ length: batch * maxLen }, () => 1 + rng.int(numItems));
  return { inputs, targets, size: batch, maxLen };
}

/** The benchmark's model, through the registry (worker threads build their replica with it). */
export function benchModel(c: TrainBenchConfig, numItems: number): SeqModel {
  return MODELS.lsrm.create({ numItems, maxLen: c.maxLen, dim: c.dim, numLayers: c.numLayers, numHeads: c.numHeads, dropout: Array(c.numLayers).fill(0.1), embDropout: 0.1 }, c.seed);
}

/** How a worker thread builds benchModel and the loss. */
function benchReplica(c: TrainBenchConfig, numItems: number): ReplicaRecipe {
  const ext = extname(__filename); // .ts under tsx, .js from dist/
  return {
    model: { module: __filename, export: 'benchModel', args: [c, numItems] },
    loss: { module: join(__dirname, '..', 'train', `loss${ext}`), export: 'nextItemLoss' },
  };
}

/** CPU ticks (user + system) of every thread of this process, by thread id; empty off Linux. */
function threadTicks(): Map<string, number> {
  const out = new Map<string, number>();
  let tids: string[];
  try {
    tids = readdirSync('/proc/self/task');
  } catch {
    return out;
  }
  for (const tid of tids) {
    try {
      const stat = readFileSync(`/proc/self/task/${tid}/stat`, 'utf8');
      const f = stat.slice(stat.lastIndexOf(')') + 2).split(' '); // fields from 3 (state) on
      out.set(tid, Number(f[11]) + Number(f[12])); // utime, stime (fields 14, 15)
    } catch {
      // the thread ended
    }
  }
  return out;
}

/** CPU ms of the thread that used the most between two threadTicks readings (ticks of 10 ms, USER_HZ = 100). */
function busiestThreadMs(before: Map<string, number>, after: Map<string, number>): number | undefined {
  let best: number | undefined;
  for (const [tid, t] of after) best = Math.max(best ?? 0, t - (before.get(tid) ?? 0));
  return best === undefined ? undefined : best * 10;
}

/** Kernel wall times of a profile, largest first, without scopes. */
function kernelTimes(prof: Awaited<ReturnType<typeof tf.profile>>): { name: string; ms: number }[] {
  const byKernel = new Map<string, number>();
  for (const k of prof.kernels) {
    if (k.name.startsWith('unnamed') || k.name === 'backward' || k.name.endsWith('__op')) continue; // scopes, not kernels
    byKernel.set(k.name, (byKernel.get(k.name) ?? 0) + (k.kernelTimeMs as number));
  }
  return [...byKernel.entries()].map(([name, ms]) => ({ name, ms })).sort((a, b) => b.ms - a.ms);
}

/** Benchmark one item count with `workers` replicas on the active backend. */
export async function benchTrainStep(c: TrainBenchConfig, numItems: number, matmulGflops: number, workers = 1): Promise<TrainBenchResult> {
  const model = benchModel(c, numItems);
  const batch = syntheticBatch(c.batch, c.maxLen, numItems, c.seed);
  const opt = createOptimizer(model.variables);
  let pool: ReplicaPool | undefined;
  try {
    if (workers > 1) pool = await startReplicaPool(model, { size: workers, backend: tf.getBackend() as BackendName, recipe: benchReplica(c, numItems) });
    const step = async (s: number) => {
      if (pool) await poolTrainStep(model, opt, pool, nextItemLoss, batch, 1e-3, s);
      else trainStep(model, opt, nextItemLoss, batch, 1e-3, s);
    };
    const wall: number[] = [];
    const cpu: number[] = [];
    let ticks0 = threadTicks();
    for (let s = 0; s < c.warmup + c.steps; s++) {
      if (s === c.warmup) ticks0 = threadTicks();
      const t0 = performance.now();
      const c0 = process.cpuUsage();
      await step(s);
      const cu = process.cpuUsage(c0);
      if (s >= c.warmup) {
        wall.push(performance.now() - t0);
        cpu.push((cu.user + cu.system) / 1000);
      }
    }
    const busiest = busiestThreadMs(ticks0, threadTicks());
    const prof = await tf.profile(() => step(c.warmup + c.steps) as unknown as tf.TensorContainer);
    const msPerStep = median(wall);
    const gflopPerStep = stepFlops({ batch: c.batch, maxLen: c.maxLen, dim: c.dim, numLayers: c.numLayers, numItems, numTargets: c.batch * c.maxLen }) / 1e9;
    return {
      items: numItems,
      batch: c.batch,
      workers,
      msPerStep,
      cpuMsPerStep: median(cpu),
      ...(busiest === undefined ? {} : { busiestThreadMsPerStep: busiest / c.steps }),
      modelGflops: gflopPerStep / (msPerStep / 1000),
      modelGflopsCpu: gflopPerStep / (median(cpu) / 1000),
      matmulGflops,
      peakMemoryMB: prof.peakBytes / 2 ** 20,
      backend: tf.getBackend(),
      gflopPerStep,
      loadAvg1: os.loadavg()[0],
      cores: os.availableParallelism(),
      kernels: kernelTimes(prof),
    };
  } finally {
    await pool?.close();
    opt.dispose();
    model.dispose();
  }
}

/** Benchmark every item count with every worker count of the config; `onResult` sees each result as it is ready. */
export async function benchTrain(config: Partial<TrainBenchConfig> = {}, onResult?: (r: TrainBenchResult) => void): Promise<TrainBenchResult[]> {
  const c = { ...TRAIN_BENCH_DEFAULTS, ...config };
  const rate = matmulRate();
  const out: TrainBenchResult[] = [];
  for (const items of c.items) {
    for (const workers of c.workers) {
      const r = await benchTrainStep(c, items, rate, workers);
      onResult?.(r);
      out.push(r);
    }
  }
  return out;
}

/** The `top` most expensive kernels of a result, one per line. */
export function formatKernels(r: TrainBenchResult, top = 15): string {
  const total = r.kernels.reduce((s, k) => s + k.ms, 0);
  return r.kernels
    .slice(0, top)
    .map((k) => `  ${k.name.padEnd(20)} ${k.ms.toFixed(1).padStart(8)} ms  ${((100 * k.ms) / total).toFixed(1).padStart(5)}%`)
    .join('\n');
}

/** One human-readable line per result. */
export function formatTrainBench(r: TrainBenchResult): string {
  return (
    `${r.backend} items=${r.items} batch=${r.batch} workers=${r.workers}: ${r.msPerStep.toFixed(0)} ms/step (cpu ${r.cpuMsPerStep.toFixed(0)} ms, ` +
    `busiest thread ${r.busiestThreadMsPerStep?.toFixed(0) ?? '?'} ms), ` +
    `${r.gflopPerStep.toFixed(1)} GFLOP/step = ${r.modelGflops.toFixed(1)} GFLOP/s (${r.modelGflopsCpu.toFixed(1)} per CPU s) vs plain matMul ${r.matmulGflops.toFixed(1)} GFLOP/s, ` +
    `peak tensors ${r.peakMemoryMB.toFixed(0)} MB, load ${r.loadAvg1.toFixed(1)} on ${r.cores} cores`
  );
}
