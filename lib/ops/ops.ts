/**
 * Fast differentiable ops of the training step. On tfjs-wasm a matMul with transposeA/B runs ten
 * times slower than a plain one (ARCHITECTURE.md, "Facts") and tfjs's own matMul gradient uses exactly those
 * forms, so `matMul` here transposes one operand explicitly (the cheaper one) and calls a plain
 * matMul, in the forward and in a custom gradient. The other ops run fused TypeScript kernels
 * (fused-kernels.ts) on wasm and cpu, and plain tfjs ops on other backends (tensorflow).
 * The softmax cross-entropy ops are in softmax-ce.ts.
 *
 * Shapes: M rows (tokens), K inner, N outputs, V table rows, n selected rows, C classes.
 */
import * as tf from '@tensorflow/tfjs';
import { hasTsKernels as onKernelBackend } from './kernel-util';
import { registerTrainingKernels } from './wasm-kernels';
import { fusedMatMuls } from './wasm-simd';

/** True when the active backend runs our TypeScript kernels (registering them on first use). */
export function hasTsKernels(): boolean {
  if (!onKernelBackend()) return false;
  registerTrainingKernels();
  return true;
}

export type Grad = { value: tf.Tensor; gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => tf.Tensor | tf.Tensor[] };
export type Save = (tensors: tf.Tensor[]) => void;

/** tf.customGrad with the forward's own parameter list (tfjs types it as variadic Tensor[]). */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export function customGrad(f: (...args: any[]) => Grad): (...args: tf.Tensor[]) => tf.Tensor {
  return tf.customGrad(f as unknown as Parameters<typeof tf.customGrad>[0]) as unknown as (...args: tf.Tensor[]) => tf.Tensor;
}

/** Run a registered kernel by name; always returns the outputs as an array. */
export function run(name: string, inputs: Record<string, tf.Tensor>, attrs: Record<string, number> = {}): tf.Tensor[] {
  const out = tf.engine().runKernel(name, inputs as tf.NamedTensorMap, attrs as unknown as tf.NamedAttrMap);
  return Array.isArray(out) ? (out as tf.Tensor[]) : [out as tf.Tensor];
}

/** Explicit 2-D transpose [M, N] -> [N, M] (a fused tiled kernel on wasm/cpu). */
export function transpose2d(x: tf.Tensor2D): tf.Tensor2D {
  if (!hasTsKernels()) return tf.transpose(x);
  const f = customGrad(((a: tf.Tensor): Grad => ({
    value: run('LsrmTranspose2D', { x: a })[0],
    gradFunc: (dy) => run('LsrmTranspose2D', { x: dy })[0],
  })));
  return f(x) as tf.Tensor2D;
}

function size2(t: tf.Tensor2D): number {
  return t.shape[0] * t.shape[1];
}

/**
 * Plain 2-D product [M, K]·[K, N]. On wasm it runs the SIMD kernel of wasm-simd.ts. With fused
 * multiply-adds (wasm-simd.ts `fusedMatMuls`, and column blocks of B) it beats XNNPACK at every
 * shape of a training step (CPU ms, one core, M = 12,800 unless given, ours vs XNNPACK: K = 64,
 * N = 64: 2.3 vs 6.8; N = 256: 11.8 vs 17.8; K = 256, N = 64: 20.0 vs 19.0; K = 64, N = 1,682:
 * 80 vs 134; K = 1,682, N = 64: 79 vs 111; M = 1,254, K = 64, N = 26,744: 130 vs 142).
 * Without them XNNPACK's cache blocking wins when K or b is large (73 vs 86 ms for K = 1,682,
 * N = 64), so it keeps those: K > 256 or K·N > 2^17.
 */
function mm(a: tf.Tensor2D, b: tf.Tensor2D): tf.Tensor2D {
  const [M, K] = a.shape;
  const N = b.shape[1];
  if (tf.getBackend() !== 'wasm' || !hasTsKernels() || (!fusedMatMuls() && (K > 256 || K * N > 2 ** 17))) return tf.matMul(a, b);
  const y = run('LsrmBatchMatMul', { a: tf.reshape(a, [1, M, K]), b: tf.reshape(b, [1, K, N]) })[0]; // [1, M, N]
  return tf.reshape(y, [M, N]);
}

/** dA = dy·Bᵀ and dB = Aᵀ·dy with plain matMuls, each transposing whichever side moves fewer floats. */
function plainMatMulGrads(dy: tf.Tensor2D, A: tf.Tensor2D, B: tf.Tensor2D): [tf.Tensor2D, tf.Tensor2D] {
  // dA [M, K]: transpose B (K·N floats), or compute (B·dyᵀ)ᵀ (M·N + K·M floats).
  const dA: tf.Tensor2D = size2(B) <= size2(dy) + size2(A) ? mm(dy, transpose2d(B)) : transpose2d(mm(B, transpose2d(dy)));
  // dB [K, N] = Aᵀ·dy: the fused TN kernel where available (no transposes); else transpose A
  // (M·K floats) or compute (dyᵀ·A)ᵀ (M·N + K·N floats).
  const dB: tf.Tensor2D = hasTsKernels() ? matMulTN(A, dy) : size2(A) <= size2(dy) + size2(B) ? tf.matMul(transpose2d(A), dy) : transpose2d(tf.matMul(transpose2d(dy), A));
  return [dA, dB];
}

/** aᵀ·b for a [M, K], b [M, N] -> [K, N], not differentiable (for use inside gradients). */
export function matMulTN(a: tf.Tensor2D, b: tf.Tensor2D): tf.Tensor2D {
  return hasTsKernels() ? (run('LsrmMatMulTN', { a, b })[0] as tf.Tensor2D) : tf.matMul(transpose2d(a), b);
}

const plainMatMul = customGrad(((A: tf.Tensor2D, B: tf.Tensor2D, save: Save): Grad => {
  save([A, B]);
  return {
    value: mm(A, B), // [M, N]
    gradFunc: (dy, [a, b]) => plainMatMulGrads(dy as tf.Tensor2D, a as tf.Tensor2D, b as tf.Tensor2D),
  };
})) as (A: tf.Tensor2D, B: tf.Tensor2D) => tf.Tensor2D;

function bmm(a: tf.Tensor3D, b: tf.Tensor3D): tf.Tensor3D {
  return (hasTsKernels() ? run('LsrmBatchMatMul', { a, b })[0] : tf.matMul(a, b)) as tf.Tensor3D;
}

function transpose3d(x: tf.Tensor3D): tf.Tensor3D {
  return tf.transpose(x, [0, 2, 1]);
}

/** Batched plain product [b, M, K]·[b, K, N]; gradients dA = dy·Bᵀ, dB = Aᵀ·dy with explicit transposes. */
const plainBatchMatMul = customGrad((A: tf.Tensor3D, B: tf.Tensor3D, save: Save): Grad => {
  save([A, B]);
  return {
    value: bmm(A, B), // [b, M, N]
    gradFunc: (dy, [a, b]) => [bmm(dy as tf.Tensor3D, transpose3d(b as tf.Tensor3D)), bmm(transpose3d(a as tf.Tensor3D), dy as tf.Tensor3D)],
  };
}) as (A: tf.Tensor3D, B: tf.Tensor3D) => tf.Tensor3D;

function batchedMatMul(a: tf.Tensor, b: tf.Tensor, transposeA: boolean, transposeB: boolean): tf.Tensor {
  const lead = a.shape.slice(0, -2);
  const flat = (t: tf.Tensor) => tf.reshape(t, [-1, t.shape[t.rank - 2], t.shape[t.rank - 1]]) as tf.Tensor3D;
  const A = transposeA ? transpose3d(flat(a)) : flat(a); // [b, M, K]
  const B = transposeB ? transpose3d(flat(b)) : flat(b); // [b, K, N]
  if (A.shape[0] !== B.shape[0]) throw new Error(`matMul: batch shapes of [${a.shape}] and [${b.shape}] differ (no broadcasting)`);
  const y = plainBatchMatMul(A, B); // [b, M, N]
  return tf.reshape(y, [...lead, y.shape[1], y.shape[2]]);
}

/**
 * matMul whose forward and gradient never use tfjs's transposed matMul forms: transposes are
 * explicit. Rank 2 runs XNNPACK's fast path on wasm; rank >= 3 (same leading dims on both sides)
 * runs the SIMD batched kernel of wasm-simd.ts.
 */
export function matMul<T extends tf.Tensor>(a: T, b: tf.Tensor, transposeA = false, transposeB = false): T {
  if (a.rank !== 2 || b.rank !== 2) return batchedMatMul(a, b, transposeA, transposeB) as T;
  const A = transposeA ? transpose2d(a as unknown as tf.Tensor2D) : (a as unknown as tf.Tensor2D);
  const B = transposeB ? transpose2d(b as tf.Tensor2D) : (b as tf.Tensor2D);
  return plainMatMul(A, B) as unknown as T;
}

/** Column sums [M, N] -> [N] (the gradient of adding a [N] bias to every row). */
export function colSum(x: tf.Tensor2D): tf.Tensor1D {
  if (!hasTsKernels()) return tf.sum(x, 0);
  if (tf.getBackend() !== 'wasm') return run('LsrmColSum', { x })[0] as tf.Tensor1D;
  // On wasm, onesᵀ·x through the SIMD TN kernel: vectorised, unlike a JS loop.
  return tf.reshape(matMulTN(tf.ones([x.shape[0], 1]), x), [x.shape[1]]);
}

/** x + b with b broadcast over rows: [M, N] + [N] -> [M, N]; db = column sums. */
export const addBias = customGrad(((x: tf.Tensor2D, b: tf.Tensor1D): Grad => ({
  value: tf.add(x, b),
  gradFunc: (dy) => [dy, colSum(dy as tf.Tensor2D)],
}))) as (x: tf.Tensor2D, b: tf.Tensor1D) => tf.Tensor2D;

/** Affine map x·W + b: [M, K], [K, N], [N] -> [M, N] (bias fused into the matMul). */
export const linear = customGrad(((x: tf.Tensor2D, w: tf.Tensor2D, b: tf.Tensor1D, save: Save): Grad => {
  save([x, w]);
  return {
    // On wasm with fused multiply-adds our kernel then a bias add beats XNNPACK's fused matMul.
    value: tf.getBackend() === 'wasm' && fusedMatMuls() ? tf.add(mm(x, w), b) : tf.fused.matMul({ a: x, b: w, bias: b }), // [M, N]
    gradFunc: (dy, [xs, ws]) => [...plainMatMulGrads(dy as tf.Tensor2D, xs as tf.Tensor2D, ws as tf.Tensor2D), colSum(dy as tf.Tensor2D)],
  };
})) as (x: tf.Tensor2D, w: tf.Tensor2D, b: tf.Tensor1D) => tf.Tensor2D;

/** Rows of a table: table [V, D], idx int32 [n] -> [n, D]; gradient = unsortedSegmentSum. */
export function gatherRows(table: tf.Tensor2D, idx: tf.Tensor1D): tf.Tensor2D {
  const V = table.shape[0];
  // idx is saved (not closed over): the backward pass may run after the caller's tidy released it.
  const f = customGrad((t: tf.Tensor2D, save: Save): Grad => {
    save([idx]);
    return {
      value: hasTsKernels() ? run('LsrmGatherRows', { table: t, idx })[0] : tf.gather(t, idx),
      gradFunc: (dy, [ix]) => tf.unsortedSegmentSum(dy, ix as tf.Tensor1D, V),
    };
  });
  return f(table) as tf.Tensor2D;
}

/** Layer normalization over the last axis: x [M, D], gamma [D], beta [D] -> [M, D]. */
export function layerNorm(x: tf.Tensor2D, gamma: tf.Tensor1D, beta: tf.Tensor1D, eps = 1e-5): tf.Tensor2D {
  if (!hasTsKernels()) {
    const { mean, variance } = tf.moments(x, -1, true);
    return tf.add(tf.mul(tf.mul(tf.sub(x, mean), tf.rsqrt(tf.add(variance, eps))), gamma), beta);
  }
  const f = customGrad(((a: tf.Tensor, g: tf.Tensor, b: tf.Tensor, save: Save): Grad => {
    const [y, mean, rstd] = run('LsrmLayerNorm', { x: a, gamma: g, beta: b }, { eps });
    save([a, g, mean, rstd]);
    return {
      value: y,
      gradFunc: (dy, [xs, gs, m, r]) => run('LsrmLayerNormGrad', { dy, x: xs, gamma: gs, mean: m, rstd: r }),
    };
  }));
  return f(x, gamma, beta) as tf.Tensor2D;
}

/**
 * GELU, tanh approximation (as GPT-2): x·σ(u), u = 2√(2/π)(x + 0.044715x³). Any shape.
 * The sigmoid is tfjs's (vectorised XNNPACK on wasm, where a JS exp loop is 20x slower); the
 * custom gradient dx = dy·(s + x·s(1-s)·u'), u' = 2√(2/π)(1 + 3·0.044715x²), reuses s = σ(u).
 */
export function gelu<T extends tf.Tensor>(x: T): T {
  const c = 2 * Math.sqrt(2 / Math.PI);
  const a = 0.044715;
  const f = customGrad((xs: tf.Tensor, save: Save): Grad => {
    const x2 = tf.mul(xs, xs);
    const s = tf.sigmoid(tf.mul(xs, tf.add(tf.mul(x2, c * a), c))); // σ(u)
    save([xs, x2, s]);
    return {
      value: tf.mul(xs, s),
      gradFunc: (dy, [xv, x2v, sv]) => {
        const du = tf.add(tf.mul(x2v, 3 * c * a), c); // u'
        const ds = tf.mul(sv, tf.sub(1, sv)); // σ'(u)
        return tf.mul(dy, tf.add(sv, tf.mul(tf.mul(xv, ds), du)));
      },
    };
  });
  return f(x) as T;
}

/**
 * Rows [from, from + rows) of a batch, while one share of that batch is computed on its own
 * (data-parallel training, lib/train/parallel.ts). See withBatchShare.
 */
export interface BatchShare {
  readonly from: number;
  readonly rows: number;
}

let activeShare: BatchShare | undefined;

/**
 * Run `fn` (a forward pass over `share.rows` rows of a batch) so that its dropout masks are the
 * ones the whole batch would draw for those rows: inside, dropout of a tensor whose size is a
 * multiple of `share.rows` takes it as rows [from, from + rows) of the batch along its leading
 * axis, and draws elements [from·s, (from + rows)·s) of the whole batch's mask stream (s = size
 * per row). A model whose dropout tensors put the batch on the leading axis ([B, T, D], [B·T, D])
 * thus gets exactly the one-pass masks; a time-major one ([T·B, D]) gets other, equally
 * distributed masks that depend on the share. Synchronous scope (one per thread).
 */
export function withBatchShare<T>(share: BatchShare, fn: () => T): T {
  if (!(Number.isInteger(share.from) && share.from >= 0 && Number.isInteger(share.rows) && share.rows >= 1)) {
    throw new RangeError(`withBatchShare: from must be an integer >= 0 and rows >= 1, got from ${share.from}, rows ${share.rows}`);
  }
  const outer = activeShare;
  activeShare = share;
  try {
    return fn();
  } finally {
    activeShare = outer;
  }
}

/** Offset of a tensor of `size` elements in its whole batch's mask stream (0 outside a share). */
function shareOffset(size: number): number {
  const s = activeShare;
  return s && size % s.rows === 0 ? s.from * (size / s.rows) : 0;
}

/**
 * Inverted dropout with a mask drawn from `seed` (mulberry32 inline, so a step reproduces):
 * each element is kept with probability 1 - rate and scaled by 1 / (1 - rate). Inside
 * withBatchShare the mask is the share's part of the whole batch's mask.
 */
export function dropout<T extends tf.Tensor>(x: T, rate: number, seed: number): T {
  if (!(rate >= 0 && rate < 1)) throw new Error(`dropout rate must be in [0, 1), got ${rate}`);
  if (rate === 0) return x;
  const mask = tf.tensor(dropoutMask(x.size, rate, seed, shareOffset(x.size)), x.shape, 'float32');
  return tf.mul(x, mask) as T;
}

/**
 * The dropout mask: 0 or 1/(1-rate) per element, from a seeded mulberry32 stream. Each 32-bit draw
 * serves two elements (16 bits each), so the keep probability is 1 - round(rate·65536)/65536
 * (within 8e-6 of 1 - rate) for half the generator cost. The stream is a counter (draw j hashes
 * a0 + (j+1)·0x6d2b79f5), so elements [offset, offset + n) are computed without the ones before:
 * dropoutMask(n, r, s, k) equals dropoutMask(k + n, r, s).subarray(k).
 */
export function dropoutMask(n: number, rate: number, seed: number, offset = 0): Float32Array {
  if (!(Number.isInteger(offset) && offset >= 0)) throw new RangeError(`dropoutMask: offset must be an integer >= 0, got ${offset}`);
  const out = new Float32Array(n);
  const scale = 1 / (1 - rate);
  const threshold = Math.round(rate * 65536);
  // Start one draw before element `offset` (Math.imul wraps the count mod 2^32, as the counter does).
  let a = (((seed >>> 0) ^ 0x9e3779b9) + Math.imul(Math.floor(offset / 2), 0x6d2b79f5)) | 0;
  // An odd offset starts in the middle of a draw: element 0 takes that draw's high half.
  for (let i = -(offset % 2); i < n; i += 2) {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), a | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    t = (t ^ (t >>> 14)) >>> 0;
    if (i >= 0) out[i] = (t & 0xffff) >= threshold ? scale : 0;
    if (i + 1 < n) out[i + 1] = t >>> 16 >= threshold ? scale : 0;
  }
  return out;
}
