/**
 * Training-step benchmark (ARCHITECTURE.md, "Facts": Compute backend): the smallest Table IV model (L = 2,
 * d = 64, 2 heads) at batch 256, length 50, full softmax over every item at every slot, Adam.
 * Reports ms per step after warm-up (forward + backward + Adam update), the step's model
 * GFLOP/s, the backend's own plain matMul GFLOP/s, peak tensor memory, CPU ms per step, the
 * machine's load (the CPU is shared: wall time on a loaded machine is not the code's speed) and
 * the time per kernel of one profiled step (tf.profile).
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
 */
import * as os from 'node:os';
import * as tf from '@tensorflow/tfjs';
import { makeRng } from '../util/rng';
import { createLsrm } from '../models/lsrm';
import { nextItemLoss } from '../train/loss';

export interface TrainBenchConfig {
  /** Item counts to benchmark (ML-100k: 1,682; ML-20M: 26,744). */
  readonly items: readonly number[];
  readonly batch: number;
  readonly maxLen: number;
  readonly numLayers: number;
  readonly dim: number;
  readonly numHeads: number;
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
  steps: 5,
  warmup: 2,
  seed: 0,
};

export interface TrainBenchResult {
  readonly items: number;
  readonly batch: number;
  /** Median wall ms per step. */
  readonly msPerStep: number;
  /** Median process CPU ms per step (user + system). */
  readonly cpuMsPerStep: number;
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
  /** Wall ms per kernel in one profiled step, largest first (nested kernels counted once). */
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

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

function syntheticBatch(batch: number, maxLen: number, numItems: number, seed: number): [tf.Tensor2D, tf.Tensor2D] {
  const rng = makeRng(seed);
  const inputs = Int32Array.from({ length: batch * maxLen }, () => 1 + rng.int(numItems));
  const targets = Int32Array.from({ length: batch * maxLen }, () => 1 + rng.int(numItems));
  return [tf.tensor2d(inputs, [batch, maxLen], 'int32'), tf.tensor2d(targets, [batch, maxLen], 'int32')];
}

/** Benchmark one item count on the active backend. */
export async function benchTrainStep(c: TrainBenchConfig, numItems: number, matmulGflops: number): Promise<TrainBenchResult> {
  const model = createLsrm({ numItems, maxLen: c.maxLen, dim: c.dim, numLayers: c.numLayers, numHeads: c.numHeads, dropout: Array(c.numLayers).fill(0.1), embDropout: 0.1 }, c.seed);
  const [inputs, targets] = syntheticBatch(c.batch, c.maxLen, numItems, c.seed);
  const opt = tf.train.adam(1e-3);
  const vars = [...model.variables.values()];
  const step = (s: number) => {
    const loss = opt.minimize(() => nextItemLoss(model, inputs, targets, { isTraining: true, seed: s }), true, vars);
    loss?.dataSync();
    loss?.dispose();
  };
  const wall: number[] = [];
  const cpu: number[] = [];
  for (let s = 0; s < c.warmup + c.steps; s++) {
    const t0 = performance.now();
    const c0 = process.cpuUsage();
    step(s);
    const cu = process.cpuUsage(c0);
    if (s >= c.warmup) {
      wall.push(performance.now() - t0);
      cpu.push((cu.user + cu.system) / 1000);
    }
  }
  const prof = await tf.profile(() => step(c.warmup + c.steps));
  const byKernel = new Map<string, number>();
  for (const k of prof.kernels) {
    if (k.name.startsWith('unnamed') || k.name === 'backward' || k.name.endsWith('__op')) continue; // scopes, not kernels
    byKernel.set(k.name, (byKernel.get(k.name) ?? 0) + (k.kernelTimeMs as number));
  }
  const kernels = [...byKernel.entries()].map(([name, ms]) => ({ name, ms })).sort((a, b) => b.ms - a.ms);
  const msPerStep = median(wall);
  const gflopPerStep = stepFlops({ batch: c.batch, maxLen: c.maxLen, dim: c.dim, numLayers: c.numLayers, numItems, numTargets: c.batch * c.maxLen }) / 1e9;
  tf.dispose([inputs, targets]);
  opt.dispose();
  model.dispose();
  return {
    items: numItems,
    batch: c.batch,
    msPerStep,
    cpuMsPerStep: median(cpu),
    modelGflops: gflopPerStep / (msPerStep / 1000),
    modelGflopsCpu: gflopPerStep / (median(cpu) / 1000),
    matmulGflops,
    peakMemoryMB: prof.peakBytes / 2 ** 20,
    backend: tf.getBackend(),
    gflopPerStep,
    loadAvg1: os.loadavg()[0],
    cores: os.cpus().length,
    kernels,
  };
}

/** Benchmark every item count of the config; `onResult` sees each result as it is ready. */
export async function benchTrain(config: Partial<TrainBenchConfig> = {}, onResult?: (r: TrainBenchResult) => void): Promise<TrainBenchResult[]> {
  const c = { ...TRAIN_BENCH_DEFAULTS, ...config };
  const rate = matmulRate();
  const out: TrainBenchResult[] = [];
  for (const items of c.items) {
    const r = await benchTrainStep(c, items, rate);
    onResult?.(r);
    out.push(r);
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
    `${r.backend} items=${r.items} batch=${r.batch}: ${r.msPerStep.toFixed(0)} ms/step (cpu ${r.cpuMsPerStep.toFixed(0)} ms), ` +
    `${r.gflopPerStep.toFixed(1)} GFLOP/step = ${r.modelGflops.toFixed(1)} GFLOP/s (${r.modelGflopsCpu.toFixed(1)} per CPU s) vs plain matMul ${r.matmulGflops.toFixed(1)} GFLOP/s, ` +
    `peak tensors ${r.peakMemoryMB.toFixed(0)} MB, load ${r.loadAvg1.toFixed(1)} on ${r.cores} cores`
  );
}
