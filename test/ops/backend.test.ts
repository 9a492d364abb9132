import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { initBackend, parseBackendName, probeTensorflowGpu, TF_GPU_WARNING, wasmBinaryDir } from '../../lib/ops/backend';
import * as fs from 'node:fs';

test('parseBackendName accepts the three names and rejects others', () => {
  assert.equal(parseBackendName('wasm'), 'wasm');
  assert.equal(parseBackendName('cpu'), 'cpu');
  assert.equal(parseBackendName('tensorflow'), 'tensorflow');
  assert.throws(() => parseBackendName('webgl'), /unknown backend 'webgl': use one of tensorflow, wasm, cpu/);
});

test('initBackend(cpu) activates cpu and reports it', async () => {
  const info = await initBackend('cpu');
  assert.equal(tf.getBackend(), 'cpu');
  assert.deepEqual(info, { name: 'cpu', gpu: false, tfjsVersion: tf.version_core });
});

test('LSRM_BACKEND is read only when no backend is passed', async () => {
  const saved = process.env.LSRM_BACKEND;
  try {
    process.env.LSRM_BACKEND = 'cpu';
    assert.equal((await initBackend()).name, 'cpu');
    process.env.LSRM_BACKEND = 'nope';
    await assert.rejects(initBackend(), /unknown backend 'nope'/);
    assert.equal((await initBackend('cpu')).name, 'cpu'); // an argument wins over the env
  } finally {
    process.env.LSRM_BACKEND = saved;
  }
});

test('forcing tensorflow without @tensorflow/tfjs-node-gpu fails with the reason', async (t) => {
  let installed = true;
  try {
    require.resolve('@tensorflow/tfjs-node-gpu');
  } catch {
    installed = false;
  }
  if (installed) return t.skip('tfjs-node-gpu is installed here');
  await assert.rejects(initBackend('tensorflow'), /tensorflow: @tensorflow\/tfjs-node-gpu is not installed or failed to load/);
});

test('probeTensorflowGpu reads the binding (function or flag) and says undefined otherwise', () => {
  assert.equal(probeTensorflowGpu({ binding: { isUsingGpuDevice: () => true } }), true);
  assert.equal(probeTensorflowGpu({ binding: { isUsingGpuDevice: () => false } }), false);
  assert.equal(probeTensorflowGpu({ binding: { isUsingGpuDevice: false } }), false);
  assert.equal(probeTensorflowGpu({}), undefined);
  assert.match(TF_GPU_WARNING, /CUDA 11\.2 and cuDNN 8\.1/);
  assert.match(TF_GPU_WARNING, /LD_LIBRARY_PATH/);
});

test('the wasm binaries are where setWasmPaths is pointed', () => {
  for (const f of ['tfjs-backend-wasm.wasm', 'tfjs-backend-wasm-simd.wasm']) assert.ok(fs.existsSync(wasmBinaryDir() + f), f);
});
