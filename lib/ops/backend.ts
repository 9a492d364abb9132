/**
 * Compute backend selection (ARCHITECTURE.md, "Facts": Compute backend). Preference order:
 *   1. `tensorflow` from @tensorflow/tfjs-node-gpu (optional dependency; CUDA when it works),
 *   2. `wasm` from @tensorflow/tfjs-backend-wasm (XNNPACK SIMD, single-threaded in Node),
 *   3. `cpu` (pure JS, two orders of magnitude slower: a fallback only).
 * The env variable LSRM_BACKEND forces one (the CLI and tests read it; lib takes it as an argument
 * through `initBackend(preferred)` and only reads the environment when no argument is given).
 *
 * tfjs-node-gpu 4.22 links libtensorflow 2.9.1, built for CUDA 11.2 + cuDNN 8.1. With other CUDA
 * versions it loads, logs a dlopen failure and silently runs on the CPU (tfjs #8187, #8269):
 * `probeTensorflowGpu` asks TensorFlow which device a matMul ran on and the info carries a loud
 * warning with the fix.
 *
 * wasm threads: tfjs-backend-wasm 4.22 hard-codes WASM_HAS_MULTITHREAD_SUPPORT = false under Node
 * (tfjs #3830), so Node runs the single-threaded SIMD build. Forcing the flag (and setThreadsCount)
 * was tried here on Node 20: initialisation fails with ERR_WORKER_PATH, because the threaded glue
 * starts its pthread workers from a `blob:` URL, which Node's worker_threads reject. So wasm is
 * single-threaded in Node; `BackendInfo.threads` reports what was loaded.
 */
import * as tf from '@tensorflow/tfjs';
import * as path from 'node:path';
import { registerTrainingKernels } from './wasm-kernels';

export type BackendName = 'tensorflow' | 'wasm' | 'cpu';

/** What `initBackend` loaded. */
export interface BackendInfo {
  readonly name: BackendName;
  /** true: TensorFlow placed ops on a GPU; false: CPU only; undefined: not applicable/unknown. */
  readonly gpu: boolean | undefined;
  /** Set when the backend is slower than the user probably expects, with how to fix it. */
  readonly warning?: string;
  readonly tfjsVersion: string;
  /** wasm only: SIMD build loaded. */
  readonly simd?: boolean;
  /** wasm only: number of threads (1 in Node, see header). */
  readonly threads?: number;
}

const ORDER: readonly BackendName[] = ['tensorflow', 'wasm', 'cpu'];

/** Parse a backend name (e.g. from LSRM_BACKEND); throws on anything else. */
export function parseBackendName(s: string): BackendName {
  if ((ORDER as readonly string[]).includes(s)) return s as BackendName;
  throw new Error(`unknown backend '${s}': use one of ${ORDER.join(', ')}`);
}

/**
 * Pick and initialise the fastest loadable backend (or `preferred`, or env LSRM_BACKEND).
 * A forced backend that cannot load is an error; in automatic mode the next one is tried.
 */
export async function initBackend(preferred?: BackendName): Promise<BackendInfo> {
  const env = process.env.LSRM_BACKEND;
  const forced = preferred ?? (env ? parseBackendName(env) : undefined);
  const candidates = forced ? [forced] : ORDER;
  const errors: string[] = [];
  for (const name of candidates) {
    try {
      return await loadBackend(name);
    } catch (err) {
      errors.push(`${name}: ${(err as Error).message}`);
    }
  }
  throw new Error(`no tfjs backend could be initialised:\n  ${errors.join('\n  ')}`);
}

async function loadBackend(name: BackendName): Promise<BackendInfo> {
  if (name === 'tensorflow') return loadTensorflow();
  if (name === 'wasm') return loadWasm();
  await activate('cpu');
  registerTrainingKernels();
  return { name: 'cpu', gpu: false, tfjsVersion: tf.version_core };
}

async function activate(name: string): Promise<void> {
  if (tf.getBackend() === name) return;
  const ok = await tf.setBackend(name);
  if (!ok) throw new Error(`tf.setBackend('${name}') failed`);
  await tf.ready();
}

/** Directory holding tfjs-backend-wasm's .wasm binaries (Node resolves it from node_modules). */
export function wasmBinaryDir(): string {
  return path.join(path.dirname(require.resolve('@tensorflow/tfjs-backend-wasm/package.json')), 'dist') + path.sep;
}

async function loadWasm(): Promise<BackendInfo> {
  // Importing the package registers the 'wasm' backend factory; the paths must be set first.
  const wasm = require('@tensorflow/tfjs-backend-wasm') as typeof import('@tensorflow/tfjs-backend-wasm');
  if (tf.getBackend() !== 'wasm') wasm.setWasmPaths(wasmBinaryDir());
  await activate('wasm');
  registerTrainingKernels();
  const simd = Boolean(await tf.env().getAsync('WASM_HAS_SIMD_SUPPORT'));
  const threads = wasm.getThreadsCount();
  const warning = simd ? undefined : 'wasm loaded without SIMD: matMul will be about 4x slower (use Node >= 16)';
  return { name: 'wasm', gpu: false, tfjsVersion: tf.version_core, simd, threads, ...(warning ? { warning } : {}) };
}

async function loadTensorflow(): Promise<BackendInfo> {
  // Optional dependency: absent on most machines, so the require is the availability test.
  let tfnode: unknown;
  try {
    tfnode = require('@tensorflow/tfjs-node-gpu');
  } catch (err) {
    throw new Error(`@tensorflow/tfjs-node-gpu is not installed or failed to load (${(err as Error).message.split('\n')[0]})`);
  }
  await activate('tensorflow');
  const gpu = probeTensorflowGpu(tfnode);
  const warning = gpu === true ? undefined : TF_GPU_WARNING;
  return { name: 'tensorflow', gpu, tfjsVersion: tf.version_core, warning };
}

/** The fix users need when tfjs-node-gpu silently runs on the CPU. */
export const TF_GPU_WARNING =
  'WARNING: @tensorflow/tfjs-node-gpu loaded but TensorFlow runs on the CPU, not a GPU. ' +
  'tfjs-node-gpu 4.22 needs CUDA 11.2 and cuDNN 8.1 (libcudart.so.11.0, libcublas.so.11, libcudnn.so.8); ' +
  'newer CUDA silently falls back to CPU (tfjs issues #8187, #8269). Fix: install the CUDA 11 runtime ' +
  'libraries (e.g. pip install nvidia-cuda-runtime-cu11 nvidia-cublas-cu11 nvidia-cudnn-cu11==8.*) and put ' +
  'their lib/ folders on LD_LIBRARY_PATH before starting node; check with `nvidia-smi` while training.';

/**
 * Ask TensorFlow whether it sees a GPU. tfjs-node exposes the native binding; its device list is
 * not public API, so this reads what is there and answers undefined when it cannot tell.
 */
export function probeTensorflowGpu(tfnode: unknown): boolean | undefined {
  type Binding = { isUsingGpuDevice?: (() => boolean) | boolean };
  const backend = tf.backend() as unknown as { binding?: Binding; isUsingGpuDevice?: boolean };
  const binding = backend.binding ?? (tfnode as { binding?: Binding } | undefined)?.binding;
  const probe = binding?.isUsingGpuDevice ?? backend.isUsingGpuDevice;
  if (typeof probe === 'function') return Boolean(probe.call(binding));
  if (typeof probe === 'boolean') return probe;
  return undefined;
}
