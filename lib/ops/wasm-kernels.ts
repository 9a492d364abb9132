/**
 * Kernels that tfjs-backend-wasm 4.22 lacks but a training step needs, written in TypeScript over
 * the wasm heap and registered with `tf.registerKernel` (ARCHITECTURE.md, "Facts": Compute backend).
 * Found by running a full forward + backward pass of tfjs's own ops on wasm and collecting what
 * throws "Kernel 'X' not registered for backend 'wasm'":
 *   - UnsortedSegmentSum: the gradient of `tf.gather` (embedding lookup).
 * It is the only one: the other ops of a plain-tfjs step (tf.dropout/randomUniform, moments, erf,
 * tanh, softmax cross-entropy with one-hot labels, batched matMul, split/concat, Adam) run on
 * wasm 4.22, only slowly (fused-kernels.ts and wasm-simd.ts replace the slow ones).
 * tfjs-cpu's UnsortedSegmentSum is replaced by the same TypeScript kernel (it is ~4,000x slower).
 * Two kernels are replaced for speed:
 *   - wasm's Identity (tf.clone, and every tensor a custom gradient saves) copies the data; ours
 *     shares it by reference count, as wasm's Reshape and the cpu backend's Identity do (a
 *     12,800 x 1,682 softmax saved for the backward pass was an 86 MB copy).
 *   - wasm's Slice reads its whole input out of the heap (readSync: a copy) to take a part of it:
 *     GRU4Rec's recurrence slices one slot of a [T·B, 3H] tensor per step, 50 copies of 13 MB
 *     per layer and pass, 47% of an ml-100k epoch. Ours copies only the slice, from a heap view
 *     (44.8 -> 13.5 s per GRU4Rec epoch on ml-100k, one core shared); SplitV, which calls the
 *     same slice once per part, goes through ours too.
 * Each kernel is tested against
 * the cpu backend in test/ops/wasm-kernels.test.ts. `registerTrainingKernels` also registers
 * the project's fused kernels (fused-kernels.ts) for wasm and cpu.
 */
import * as tf from '@tensorflow/tfjs';
import type { TensorInfo } from '@tensorflow/tfjs';
import { KERNEL_BACKENDS, registerForBackends, size, toKernelFunc, withArrays, type TsKernel } from './kernel-util';
import { registerFusedKernels } from './fused-kernels';

/**
 * UnsortedSegmentSum(x, segmentIds; numSegments): out[s, ...] = sum of x[i, ...] over i with
 * segmentIds[i] = s. segmentIds has x's leading shape (any rank r); out is
 * [numSegments, ...x.shape[r:]]. Ids outside [0, numSegments) are dropped, as TensorFlow does.
 */
export const unsortedSegmentSumKernel: TsKernel = (inputs, backend, attrs) => {
  const { x, segmentIds } = inputs;
  const numSegments = Number(attrs.numSegments);
  const r = segmentIds.shape.length;
  for (let k = 0; k < r; k++) {
    if (segmentIds.shape[k] !== x.shape[k]) {
      throw new Error(`UnsortedSegmentSum: segmentIds shape [${segmentIds.shape}] is not a prefix of x shape [${x.shape}]`);
    }
  }
  const inner = size(x.shape.slice(r));
  const outShape = [numSegments, ...x.shape.slice(r)];
  const [out] = withArrays(backend, [x, segmentIds], [{ shape: outShape, dtype: x.dtype }], ([xs, ids], [o]) => {
    o.fill(0);
    const n = ids.length;
    for (let i = 0; i < n; i++) {
      const s = ids[i];
      if (s < 0 || s >= numSegments) continue;
      const src = i * inner;
      const dst = s * inner;
      for (let j = 0; j < inner; j++) o[dst + j] += xs[src + j];
    }
  });
  return out as TensorInfo;
};

/** Identity by reference: the output shares the input's data (tensors are immutable). */
export const shareIdentityKernel: tf.KernelFunc = ({ inputs, backend }) => {
  const x = inputs.x as TensorInfo;
  (backend as unknown as { incRef(id: object): void }).incRef(x.dataId);
  return { dataId: x.dataId, shape: x.shape, dtype: x.dtype };
};

/**
 * Slice(x; begin, size) on wasm, reading x through a view of the heap (no copy of x). Strings
 * (no heap data) go to wasm's own kernel, `fallback`.
 */
export function heapSliceKernel(fallback: tf.KernelFunc): tf.KernelFunc {
  return (args) => {
    const x = args.inputs.x as TensorInfo;
    if (x.dtype === 'string') return fallback(args);
    const backend = args.backend as unknown as WasmViews;
    const { begin, size: sz } = args.attrs as unknown as { begin: number | number[]; size: number | number[] };
    const [b, n] = tf.slice_util.parseSliceParams(x as unknown as tf.Tensor, begin, sz);
    const out = backend.makeOutput(n, x.dtype);
    const total = size(n);
    if (total === 0) return out;
    // Views after makeOutput: growing the heap there would detach earlier ones.
    const xs = backend.typedArrayFromHeap(x);
    const os = backend.typedArrayFromHeap(out);
    const strides = tf.util.computeStrides(x.shape);
    if (tf.slice_util.isSliceContinous(x.shape, b, n)) {
      const at = tf.slice_util.computeFlatOffset(b, strides);
      os.set(xs.subarray(at, at + total));
      return out;
    }
    // Copy contiguous runs: the trailing axes the slice covers whole, with the axis before them,
    // are one run of x (Caser's [B, T, D] windows of [B, T + L - 1, D]: B runs of T·D, not B·T
    // runs of D); the outer axes are walked like an odometer.
    const rank = n.length;
    let inner = rank - 1;
    while (inner > 0 && b[inner] === 0 && n[inner] === x.shape[inner]) inner--;
    let run = 1;
    for (let k = inner; k < rank; k++) run *= n[k];
    const stride = (k: number) => (k < rank - 1 ? strides[k] : 1); // computeStrides leaves out the last axis's 1
    const idx = new Array<number>(inner).fill(0);
    for (let o = 0; o < total; o += run) {
      let at = b[inner] * stride(inner);
      for (let k = 0; k < inner; k++) at += (b[k] + idx[k]) * strides[k];
      if (run >= 32) os.set(xs.subarray(at, at + run), o);
      else for (let k = 0; k < run; k++) os[o + k] = xs[at + k]; // short runs: a view per run costs more than the copy
      for (let k = inner - 1; k >= 0; k--) {
        if (++idx[k] < n[k]) break;
        idx[k] = 0;
      }
    }
    return out;
  };
}

/** SplitV(x; numOrSizeSplits, axis) on wasm: each part through `slice` (wasm's SplitV copies x per part). */
export function heapSplitKernel(slice: tf.KernelFunc, fallback: tf.KernelFunc): tf.KernelFunc {
  return (args) => {
    const x = args.inputs.x as TensorInfo;
    if (x.dtype === 'string') return fallback(args);
    const { numOrSizeSplits, axis } = args.attrs as unknown as { numOrSizeSplits: number | number[]; axis: number | number[] };
    const ax = tf.util.parseAxisParam(axis, x.shape)[0];
    const sizes = tf.backend_util.prepareSplitSize(x as unknown as tf.Tensor, numOrSizeSplits, ax);
    const begin = new Array<number>(x.shape.length).fill(0);
    return sizes.map((s) => {
      const part = x.shape.slice();
      part[ax] = s;
      const out = slice({ ...args, attrs: { begin: begin.slice(), size: part } }) as TensorInfo;
      begin[ax] += s;
      return out;
    });
  };
}

interface WasmViews {
  makeOutput(shape: number[], dtype: tf.DataType): TensorInfo;
  typedArrayFromHeap(t: TensorInfo): Float32Array | Int32Array | Uint8Array;
}

/** Backends whose kernels are registered. */
const registeredFor = new Set<string>();

/**
 * Register the missing wasm kernels and the fused kernels for every backend of KERNEL_BACKENDS
 * that is loaded (idempotent per backend). ops.ts calls it on every op that reads the kernels, so
 * callers never need to; it is exported for code that wants the kernels before any op runs.
 * A backend counts as loaded once its package registered its factory (and so its own kernels):
 * our Identity for wasm must come after wasm's own, which would otherwise replace it.
 */
export function registerTrainingKernels(): void {
  if (registeredFor.size === KERNEL_BACKENDS.length) return;
  for (const backend of KERNEL_BACKENDS) {
    if (registeredFor.has(backend) || !tf.findBackendFactory(backend)) continue;
    registeredFor.add(backend);
    if (backend === 'wasm') registerWasmKernels();
    else registerCpuKernels();
    registerFusedKernels(backend);
  }
}

function registerWasmKernels(): void {
  registerForBackends('UnsortedSegmentSum', toKernelFunc(unsortedSegmentSumKernel), ['wasm']);
  if (tf.getKernel('Identity', 'wasm')) tf.unregisterKernel('Identity', 'wasm');
  tf.registerKernel({ kernelName: 'Identity', backendName: 'wasm', kernelFunc: shareIdentityKernel });
  const slice = tf.getKernel('Slice', 'wasm');
  if (slice) {
    tf.unregisterKernel('Slice', 'wasm');
    const heapSlice = heapSliceKernel(slice.kernelFunc);
    tf.registerKernel({ kernelName: 'Slice', backendName: 'wasm', kernelFunc: heapSlice });
    const split = tf.getKernel('SplitV', 'wasm');
    if (split) {
      tf.unregisterKernel('SplitV', 'wasm');
      tf.registerKernel({ kernelName: 'SplitV', backendName: 'wasm', kernelFunc: heapSplitKernel(heapSlice, split.kernelFunc) });
    }
  }
}

function registerCpuKernels(): void {
  // tfjs-cpu's own UnsortedSegmentSum builds a one-hot-like mask per segment: 52 s for one
  // embedding-gradient call ([3200, 64] into 1,683 rows) against 13 ms for ours. Replace it.
  if (tf.getKernel('UnsortedSegmentSum', 'cpu')) tf.unregisterKernel('UnsortedSegmentSum', 'cpu');
  tf.registerKernel({ kernelName: 'UnsortedSegmentSum', backendName: 'cpu', kernelFunc: toKernelFunc(unsortedSegmentSumKernel) });
}
