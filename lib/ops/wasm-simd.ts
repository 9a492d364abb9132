/**
 * Hand-assembled WebAssembly SIMD kernels sharing tfjs-wasm's memory: one module imports tfjs's
 * WebAssembly.Memory and reads and writes tensors in place at their heap offsets (no copies).
 *
 * Why: tfjs-wasm sends every batched matMul (batch > 1, e.g. attention's [B·H, T, K] products)
 * to a scalar triple loop at ~2.7 GFLOP/s (XNNPACK is used only for batch 1 without transposes);
 * attention products were 40% of a training step. XNNPACK repacks (and transposes) its "weights"
 * operand on every call, which made weight gradients over 12,800 rows slow; and LayerNorm in a JS
 * loop took 5-6 ms per call. Kernels (measured CPU ms, 12,800 rows, d = 64):
 *   bmm (wasm-simd-matmul.ts)  batched A·B, 35-43 GFLOP/s on attention shapes (tfjs: 2.7)
 *   tn  (wasm-simd-matmul.ts)  Aᵀ·B weight gradients, 71 ms for the 1,682-item output layer (XNNPACK: 185)
 *   ln, lng (wasm-simd-norm.ts) LayerNorm forward/backward, 0.45 ms each (JS: 4.5 / 6.1)
 * The bytes follow the WebAssembly binary format (core spec 5.x, SIMD opcodes), see wasm-asm.ts.
 */
import v8 from 'node:v8';
import { I32, F32, F32X4_RELAXED_MADD, name, section, uleb, V128 } from './wasm-asm';
import { bmmBody, tnBody } from './wasm-simd-matmul';
import { lnBody, lngBody } from './wasm-simd-norm';

/** The module's bytes: imports env.memory, exports bmm, tn, ln and lng (matMuls with relaxed_madd when `fused`). */
export function simdModuleBytes(fused = false): Uint8Array<ArrayBuffer> {
  const i32s = (n: number) => new Array(n).fill(I32);
  const type = section(1, [4, 0x60, 7, ...i32s(7), 0, 0x60, 6, ...i32s(6), 0, 0x60, 9, ...i32s(8), F32, 0, 0x60, 10, ...i32s(10), 0]);
  const imports = section(2, [1, ...name('env'), ...name('memory'), 0x02, 0x00, 0x00]);
  const funcs = section(3, [4, 0, 1, 2, 3]);
  const exports = section(7, [4, ...name('bmm'), 0x00, 0x00, ...name('tn'), 0x00, 0x01, ...name('ln'), 0x00, 0x02, ...name('lng'), 0x00, 0x03]);
  const code = section(10, [4, ...bmmBody(fused), ...tnBody(fused), ...lnBody(), ...lngBody()]);
  return new Uint8Array([0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00, ...type, ...imports, ...funcs, ...exports, ...code]);
}

export type BmmFn = (aPtr: number, bPtr: number, cPtr: number, batch: number, m: number, k: number, n: number) => void;
export type TnFn = (aPtr: number, bPtr: number, cPtr: number, m: number, k: number, n: number) => void;
export type LnFn = (x: number, g: number, b: number, y: number, mean: number, rstd: number, m: number, d: number, eps: number) => void;
export type LngFn = (dy: number, x: number, g: number, mean: number, rstd: number, dx: number, dg: number, db: number, m: number, d: number) => void;
export interface SimdKernels {
  readonly bmm: BmmFn;
  readonly tn: TnFn;
  readonly ln: LnFn;
  readonly lng: LngFn;
}

/** A module of one function (v128, v128, v128) -> v128 using f32x4.relaxed_madd: compiles iff relaxed SIMD is on. */
function relaxedProbe(): Uint8Array<ArrayBuffer> {
  const body = [0, 0x20, 0, 0x20, 1, 0x20, 2, 0xfd, ...uleb(F32X4_RELAXED_MADD), 0x0b];
  const type = section(1, [1, 0x60, 3, V128, V128, V128, 1, V128]);
  const code = section(10, [1, ...uleb(body.length), ...body]);
  return new Uint8Array([0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00, ...type, ...section(3, [1, 0]), ...code]);
}

let fusedChoice: boolean | undefined;

/**
 * Whether the matMul kernels use f32x4.relaxed_madd: yes unless LSRM_FMA=0, when this V8 compiles
 * relaxed SIMD (Node 20's V8 11.3 needs --experimental-wasm-relaxed-simd, set here before the
 * first module is compiled; later V8s have it on). On x86-64 with FMA3 V8 emits vfmadd, one
 * instruction and one rounding for the matMuls' mul + add: results differ from the unfused
 * kernels at float rounding, and between machines with and without FMA (LSRM_FMA=0 gives the
 * unfused results everywhere). Measured in `lsrm bench train`, see its header.
 */
export function fusedMatMuls(env: Readonly<Record<string, string | undefined>> = process.env): boolean {
  if (fusedChoice !== undefined) return fusedChoice;
  const off = env.LSRM_FMA?.trim() === '0';
  const compiles = () => {
    try {
      new WebAssembly.Module(relaxedProbe());
      return true;
    } catch {
      return false;
    }
  };
  let ok = !off && compiles();
  if (!off && !ok) {
    v8.setFlagsFromString('--experimental-wasm-relaxed-simd');
    ok = compiles();
  }
  fusedChoice = ok;
  return ok;
}

/**
 * The kernels' identity for cached speed figures (sweep/estimate.ts): bump SIMD_KERNELS_VERSION
 * when a kernel's speed changes, so that a figure measured before is measured again.
 * 2: matMuls blocked over B and with fused multiply-adds (session 4).
 */
export const SIMD_KERNELS_VERSION = 2;
export function kernelsTag(backend: string): string {
  return backend === 'wasm' ? `simd-${SIMD_KERNELS_VERSION}${fusedMatMuls() ? '+fma' : ''}` : '';
}

const instances = new WeakMap<WebAssembly.Memory, SimdKernels>();

/** The kernels bound to `memory` (compiled once per memory). */
export function simdFor(memory: WebAssembly.Memory): SimdKernels {
  let k = instances.get(memory);
  if (!k) {
    const instance = new WebAssembly.Instance(new WebAssembly.Module(simdModuleBytes(fusedMatMuls())), { env: { memory } });
    k = { bmm: instance.exports.bmm as BmmFn, tn: instance.exports.tn as TnFn, ln: instance.exports.ln as LnFn, lng: instance.exports.lng as LngFn };
    instances.set(memory, k);
  }
  return k;
}
