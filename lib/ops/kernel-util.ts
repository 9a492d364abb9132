/**
 * Typed-array access for kernels written in TypeScript and registered with `tf.registerKernel`
 * for the `wasm` and `cpu` backends (both keep tensor data in memory JS can read: the wasm heap,
 * or plain typed arrays). A kernel allocates its outputs first and only then takes views: on wasm
 * an allocation may grow the heap, which detaches every earlier view.
 */
import * as tf from '@tensorflow/tfjs';
import type { DataType, KernelBackend, TensorInfo } from '@tensorflow/tfjs';

export type NumArray = Float32Array | Int32Array;

/** The backends our TypeScript kernels are registered for. */
export const KERNEL_BACKENDS = ['wasm', 'cpu'] as const;

interface WasmBackendLike {
  makeOutput(shape: number[], dtype: DataType): TensorInfo;
  typedArrayFromHeap(t: TensorInfo): NumArray;
}
interface CpuBackendLike {
  data: { get(id: object): { values: unknown } };
  makeTensorInfo(shape: number[], dtype: DataType, values: NumArray): TensorInfo;
}

export interface OutSpec {
  readonly shape: number[];
  readonly dtype: DataType;
}

function isWasm(b: KernelBackend): b is KernelBackend & WasmBackendLike {
  return typeof (b as unknown as WasmBackendLike).typedArrayFromHeap === 'function';
}

function cpuValues(b: CpuBackendLike, t: TensorInfo): NumArray {
  const v = b.data.get(t.dataId).values;
  if (v instanceof Float32Array || v instanceof Int32Array) return v;
  throw new Error(`kernel input of dtype ${t.dtype} is not stored as a Float32Array/Int32Array`);
}

/**
 * Run `body` over the inputs' data and freshly allocated outputs; returns the outputs.
 * `body` must not allocate tensors (views would be invalidated on wasm).
 */
export function withArrays(
  backend: KernelBackend,
  inputs: TensorInfo[],
  outputs: OutSpec[],
  body: (ins: NumArray[], outs: NumArray[]) => void,
): TensorInfo[] {
  if (isWasm(backend)) {
    const infos = outputs.map((o) => backend.makeOutput(o.shape, o.dtype));
    const outs = infos.map((i) => backend.typedArrayFromHeap(i));
    const ins = inputs.map((i) => backend.typedArrayFromHeap(i));
    body(ins, outs);
    return infos;
  }
  const cpu = backend as unknown as CpuBackendLike;
  const outs = outputs.map((o) => (o.dtype === 'int32' ? new Int32Array(size(o.shape)) : new Float32Array(size(o.shape))));
  body(inputs.map((i) => cpuValues(cpu, i)), outs);
  return outputs.map((o, k) => cpu.makeTensorInfo(o.shape, o.dtype, outs[k]));
}

/** A kernel over named inputs and numeric attributes. */
export type TsKernel = (inputs: Record<string, TensorInfo>, backend: KernelBackend, attrs: Record<string, number>) => TensorInfo | TensorInfo[];

/** Adapt a TsKernel to tfjs's KernelFunc signature. */
export function toKernelFunc(k: TsKernel): tf.KernelFunc {
  return ({ inputs, backend, attrs }) =>
    k(inputs as Record<string, TensorInfo>, backend as KernelBackend, (attrs ?? {}) as unknown as Record<string, number>);
}

/** Number of elements of a shape. */
export function size(shape: readonly number[]): number {
  let n = 1;
  for (const d of shape) n *= d;
  return n;
}

/** Register one kernel for every backend in KERNEL_BACKENDS (re-registering is a no-op). */
export function registerForBackends(kernelName: string, kernelFunc: tf.KernelFunc, backends: readonly string[] = KERNEL_BACKENDS): void {
  for (const backendName of backends) {
    if (tf.getKernel(kernelName, backendName) !== undefined) continue;
    tf.registerKernel({ kernelName, backendName, kernelFunc });
  }
}

/** True when the active backend runs our TypeScript kernels. */
export function hasTsKernels(): boolean {
  return (KERNEL_BACKENDS as readonly string[]).includes(tf.getBackend());
}
