/**
 * Fused kernels of the training step, in TypeScript over typed arrays, registered for the wasm
 * and cpu backends. Each replaces a chain of tfjs ops whose wasm versions are slow for our
 * shapes (measured on this project's machine, M = 12,800 rows): Gather of embedding rows 37 ms,
 * Transpose of [12800, 256] 37 ms, Sum over axis 0 30 ms; each kernel here is one pass. (Loops
 * with Math.exp are slow in JS: where an exp is needed, tfjs's vectorised wasm kernels are used.)
 * ops.ts wraps them with custom gradients and falls back to plain tfjs ops on other backends.
 *
 * Shapes: M rows, D features, V table rows, C classes (items), n selected rows.
 */
import type { TensorInfo } from '@tensorflow/tfjs';
import { registerForBackends, toKernelFunc, withArrays, type TsKernel } from './kernel-util';
import { simdFor, type SimdKernels } from './wasm-simd';

const F32 = 'float32' as const;


/** LsrmGatherRows(table [V, D], idx [n]) -> [n, D]. */
const gatherRows: TsKernel = (inputs, backend, attrs) => {
  const { table, idx } = inputs;
  const [V, D] = table.shape;
  const n = idx.shape[0];
  return withArrays(backend, [table, idx], [{ shape: [n, D], dtype: table.dtype }], ([t, ix], [o]) => {
    for (let r = 0; r < n; r++) {
      const v = ix[r];
      if (v < 0 || v >= V) throw new Error(`gatherRows: index ${v} out of range [0, ${V})`);
      o.set(t.subarray(v * D, v * D + D), r * D);
    }
  })[0];
};

/** LsrmTranspose2D(x [M, N]) -> [N, M], in cache-sized tiles. */
const transpose2d: TsKernel = (inputs, backend, attrs) => {
  const { x } = inputs;
  const [M, N] = x.shape;
  return withArrays(backend, [x], [{ shape: [N, M], dtype: x.dtype }], ([a], [o]) => {
    const TILE = 32;
    for (let i0 = 0; i0 < M; i0 += TILE) {
      const i1 = Math.min(i0 + TILE, M);
      for (let j0 = 0; j0 < N; j0 += TILE) {
        const j1 = Math.min(j0 + TILE, N);
        for (let i = i0; i < i1; i++) for (let j = j0; j < j1; j++) o[j * M + i] = a[i * N + j];
      }
    }
  })[0];
};

/** LsrmColSum(x [M, N]) -> [N]: the gradient of a broadcast bias add. */
const colSum: TsKernel = (inputs, backend, attrs) => {
  const { x } = inputs;
  const [M, N] = x.shape;
  return withArrays(backend, [x], [{ shape: [N], dtype: F32 }], ([a], [o]) => {
    o.fill(0);
    for (let i = 0; i < M; i++) {
      const base = i * N;
      for (let j = 0; j < N; j++) o[j] += a[base + j];
    }
  })[0];
};

/** LsrmLayerNorm(x [M, D], gamma [D], beta [D]; eps) -> y [M, D], mean [M], rstd [M] (SIMD on wasm when 4 | D). */
const layerNorm: TsKernel = (inputs, backend, attrs) => {
  const { x, gamma, beta } = inputs;
  const eps = attrs.eps;
  const [M, D] = x.shape;
  const simd = simdHeap(backend);
  if (simd && D % 4 === 0) {
    const [y, mean, rstd] = [simd.heap.makeOutput([M, D], F32), simd.heap.makeOutput([M], F32), simd.heap.makeOutput([M], F32)];
    simd.kernels.ln(simd.off(x), simd.off(gamma), simd.off(beta), simd.off(y), simd.off(mean), simd.off(rstd), M, D, eps);
    return [y, mean, rstd];
  }
  const outs = [{ shape: [M, D], dtype: F32 }, { shape: [M], dtype: F32 }, { shape: [M], dtype: F32 }];
  return withArrays(backend, [x, gamma, beta], outs, ([a, g, b], [y, mean, rstd]) => {
    for (let i = 0; i < M; i++) {
      const base = i * D;
      let s = 0;
      for (let j = 0; j < D; j++) s += a[base + j];
      const mu = s / D;
      let v = 0;
      for (let j = 0; j < D; j++) {
        const c = a[base + j] - mu;
        v += c * c;
      }
      const r = 1 / Math.sqrt(v / D + eps);
      mean[i] = mu;
      rstd[i] = r;
      for (let j = 0; j < D; j++) y[base + j] = (a[base + j] - mu) * r * g[j] + b[j];
    }
  });
};

/**
 * LsrmLayerNormGrad(dy, x, gamma, mean, rstd) -> dx, dgamma, dbeta. With x̂ = (x - μ)·r and
 * ĝ = dy·γ: dx = r·(ĝ - mean(ĝ) - x̂·mean(ĝ·x̂)), dγ = Σ_rows dy·x̂, dβ = Σ_rows dy.
 */
const layerNormGrad: TsKernel = (inputs, backend, attrs) => {
  const { dy, x, gamma, mean, rstd } = inputs;
  const [M, D] = x.shape;
  const simd = simdHeap(backend);
  if (simd && D % 4 === 0) {
    const [dx, dg, db] = [simd.heap.makeOutput([M, D], F32), simd.heap.makeOutput([D], F32), simd.heap.makeOutput([D], F32)];
    new Float32Array(simd.memory.buffer, simd.off(dg), D).fill(0);
    new Float32Array(simd.memory.buffer, simd.off(db), D).fill(0);
    simd.kernels.lng(simd.off(dy), simd.off(x), simd.off(gamma), simd.off(mean), simd.off(rstd), simd.off(dx), simd.off(dg), simd.off(db), M, D);
    return [dx, dg, db];
  }
  const outs = [{ shape: [M, D], dtype: F32 }, { shape: [D], dtype: F32 }, { shape: [D], dtype: F32 }];
  return withArrays(backend, [dy, x, gamma, mean, rstd], outs, ([gy, a, g, mu, rs], [dx, dg, db]) => {
    dg.fill(0);
    db.fill(0);
    for (let i = 0; i < M; i++) {
      const base = i * D;
      const m = mu[i];
      const r = rs[i];
      let s1 = 0;
      let s2 = 0;
      for (let j = 0; j < D; j++) {
        const xh = (a[base + j] - m) * r;
        const gh = gy[base + j] * g[j];
        s1 += gh;
        s2 += gh * xh;
        dg[j] += gy[base + j] * xh;
        db[j] += gy[base + j];
      }
      s1 /= D;
      s2 /= D;
      for (let j = 0; j < D; j++) {
        const xh = (a[base + j] - m) * r;
        dx[base + j] = r * (gy[base + j] * g[j] - s1 - xh * s2);
      }
    }
  });
};

/**
 * LsrmSoftmaxCE(probs [n, C], logits [n, C], labels [n]) -> loss [n] = -log p[y].
 * Where p[y] underflows (a huge logit gap) the row is recomputed from the logits as
 * logsumexp(z) - z[y], so the loss stays finite and exact.
 */
const softmaxCE: TsKernel = (inputs, backend, attrs) => {
  const { probs, logits, labels } = inputs;
  const [n, C] = probs.shape;
  return withArrays(backend, [probs, logits, labels], [{ shape: [n], dtype: F32 }], ([p, z, y], [loss]) => {
    for (let i = 0; i < n; i++) {
      const c = y[i];
      if (c < 0 || c >= C) throw new Error(`softmaxCrossEntropy: label ${c} out of range [0, ${C})`);
      const py = p[i * C + c];
      loss[i] = py > 1e-30 ? -Math.log(py) : rowLogSumExp(z, i * C, C) - z[i * C + c];
    }
  })[0];
};

function rowLogSumExp(z: ArrayLike<number>, base: number, C: number): number {
  let m = -Infinity;
  for (let j = 0; j < C; j++) m = Math.max(m, z[base + j]);
  let s = 0;
  for (let j = 0; j < C; j++) s += Math.exp(z[base + j] - m);
  return m + Math.log(s);
}

/**
 * LsrmSubAtLabels(x [n, C], labels [n], values [n]) -> x with x[i, labels_i] -= values_i.
 * With x = p·dy this is the softmax cross-entropy gradient dy·(p - onehot(y)), without a one-hot.
 */
const subAtLabels: TsKernel = (inputs, backend) => {
  const { x, labels, values } = inputs;
  const [n, C] = x.shape;
  return withArrays(backend, [x, labels, values], [{ shape: [n, C], dtype: F32 }], ([a, y, v], [o]) => {
    o.set(a);
    for (let i = 0; i < n; i++) o[i * C + y[i]] -= v[i];
  })[0];
};

/**
 * LsrmBatchMatMul(a [b, M, K], b [b, K, N]) -> [b, M, N]. On wasm: the SIMD kernel of
 * wasm-simd.ts over the shared heap; on cpu: the same loop in JS.
 */
const batchMatMul: TsKernel = (inputs, backend) => {
  const { a, b } = inputs;
  const [batch, M, K] = a.shape;
  const N = b.shape[2];
  if (b.shape[0] !== batch || b.shape[1] !== K) throw new Error(`batchMatMul: shapes [${a.shape}] and [${b.shape}] do not match`);
  const outShape = [batch, M, N];
  const wasm = backend as unknown as WasmHeap;
  const memory = wasm.wasm?.asm?.memory;
  if (wasm.dataIdMap && memory) {
    const out = wasm.makeOutput(outShape, F32);
    const off = (t: TensorInfo) => wasm.dataIdMap.get(t.dataId).memoryOffset;
    if (K === 0) new Float32Array(memory.buffer, off(out), batch * M * N).fill(0); // no depth block writes C
    else simdFor(memory).bmm(off(a), off(b), off(out), batch, M, K, N);
    return out;
  }
  return withArrays(backend, [a, b], [{ shape: outShape, dtype: F32 }], ([x, y], [o]) => {
    for (let t = 0; t < batch; t++) {
      for (let i = 0; i < M; i++) {
        const ci = (t * M + i) * N;
        for (let j = 0; j < N; j++) o[ci + j] = 0;
        for (let k = 0; k < K; k++) {
          const av = x[(t * M + i) * K + k];
          const bk = (t * K + k) * N;
          for (let j = 0; j < N; j++) o[ci + j] += av * y[bk + j];
        }
      }
    }
  })[0];
};

/**
 * LsrmMatMulTN(a [M, K], b [M, N]) -> aᵀ·b [K, N], the weight gradient of a linear layer, without
 * transposing either operand (XNNPACK would repack the large b with a transpose on every call).
 * On wasm: wasm-simd.ts's tn; on cpu: the same loop in JS.
 */
const matMulTN: TsKernel = (inputs, backend) => {
  const { a, b } = inputs;
  const [M, K] = a.shape;
  const N = b.shape[1];
  if (b.shape[0] !== M) throw new Error(`matMulTN: shapes [${a.shape}] and [${b.shape}] do not share rows`);
  const wasm = backend as unknown as WasmHeap;
  const memory = wasm.wasm?.asm?.memory;
  if (wasm.dataIdMap && memory) {
    const out = wasm.makeOutput([K, N], F32);
    const off = (t: TensorInfo) => wasm.dataIdMap.get(t.dataId).memoryOffset;
    new Float32Array(memory.buffer, off(out), K * N).fill(0);
    simdFor(memory).tn(off(a), off(b), off(out), M, K, N);
    return out;
  }
  return withArrays(backend, [a, b], [{ shape: [K, N], dtype: F32 }], ([x, y], [o]) => {
    o.fill(0);
    for (let m = 0; m < M; m++) {
      for (let i = 0; i < K; i++) {
        const av = x[m * K + i];
        for (let j = 0; j < N; j++) o[i * N + j] += av * y[m * N + j];
      }
    }
  })[0];
};

/** The wasm heap and SIMD kernels when `backend` is tfjs-wasm, else undefined. */
function simdHeap(backend: unknown): { heap: WasmHeap; memory: WebAssembly.Memory; kernels: SimdKernels; off: (t: TensorInfo) => number } | undefined {
  const heap = backend as WasmHeap;
  const memory = heap.wasm?.asm?.memory;
  if (!heap.dataIdMap || !memory) return undefined;
  return { heap, memory, kernels: simdFor(memory), off: (t) => heap.dataIdMap.get(t.dataId).memoryOffset };
}

interface WasmHeap {
  dataIdMap: { get(id: object): { memoryOffset: number } };
  wasm?: { asm?: { memory?: WebAssembly.Memory } };
  makeOutput(shape: number[], dtype: 'float32'): TensorInfo;
}

const KERNELS: Record<string, TsKernel> = {
  LsrmGatherRows: gatherRows,
  LsrmTranspose2D: transpose2d,
  LsrmColSum: colSum,
  LsrmLayerNorm: layerNorm,
  LsrmLayerNormGrad: layerNormGrad,
  LsrmSoftmaxCE: softmaxCE,
  LsrmSubAtLabels: subAtLabels,
  LsrmBatchMatMul: batchMatMul,
  LsrmMatMulTN: matMulTN,
};

/** Register every fused kernel for one backend, or for wasm and cpu (re-registering is a no-op). */
export function registerFusedKernels(backend?: string): void {
  for (const [name, fn] of Object.entries(KERNELS)) registerForBackends(name, toKernelFunc(fn), backend === undefined ? undefined : [backend]);
}
