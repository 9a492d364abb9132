/** lib/runs/in-store.ts: the store key Tables III/V always wrote, and one training per key. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { dataVersion, runPaths, storeKeyOf, storeRunKey, trainInStore } from '../../lib/runs/in-store';
import { runKey } from '../../lib/runs/store';
import type { RunConfig } from '../../lib/runs/run';
import { presetKey, trainPreset } from '../../lib/experiments/presets';
import { sourceVersion } from '../../lib/experiments/table-2';
import { expandSweep } from '../../lib/sweep/spec';
import { writeTinyInter } from '../helpers/tiny-inter';

/** A config as Tables III/V stored it before the store moved (the fields TrainConfig had then). */
const CONFIG = {
  data: { source: 'dataset:ml-100k', core: 0 },
  model: { kind: 'lsrm', numLayers: 2, dim: 32, numHeads: 2, maxLen: 50 },
  train: { maxEpochs: 30, patience: 2, batchSize: 64, lrPeak: 0.003, lrMinRatio: 0.1, warmupEpochs: 1, warmupMinSteps: 50, weightDecay: 1e-8, layerwiseDropout: true, dropoutBottom: 0.3, dropoutTop: 0.1, switchOptimizer: true, selectBy: 'loss', seed: 0 },
} as unknown as RunConfig;

test('storeKeyOf is the old presetKey, byte for byte: stored runs keep loading', () => {
  // The key the code before the move wrote for this config (presetKey with sourceVersion).
  const old = { model: 'lsrm', layers: 2, dim: 32, source: 'dataset:ml-100k', version: sourceVersion('dataset:ml-100k'), run: CONFIG };
  assert.deepEqual(storeKeyOf(CONFIG), old);
  assert.deepEqual(presetKey(CONFIG), old);
  assert.equal(storeRunKey(CONFIG), runKey(old));
  assert.equal(storeRunKey(CONFIG), 'dim-32_layers-2_model-lsrm_source-dataset-ml-100k-839d809cad');
});

test('dataVersion equals Table II\'s sourceVersion for every kind of source', () => {
  const dir = mkdtempSync(join(tmpdir(), 'lsrm-instore-'));
  const file = join(dir, 'a.inter');
  writeFileSync(file, 'user_id:token\titem_id:token\n1\t2\n');
  for (const spec of ['synthetic:smoke', 'synthetic', 'synthetic:nosuch', 'dataset:ml-1m', `atomic:${file}`, `atomic:${join(dir, 'missing.inter')}`]) {
    assert.equal(dataVersion(spec), sourceVersion(spec), spec);
  }
  assert.equal(dataVersion(`atomic:${join(dir, 'missing.inter')}`), 'missing');
});

test('runPaths: the record and the run directory side by side under train/', () => {
  assert.deepEqual(runPaths('/s', 'k-1'), { record: '/s/train/k-1.json', runDir: '/s/train/k-1.run' });
});

const tinyInter = (path: string): string => writeTinyInter(path, 5);

test('a run two sweeps (and a table) share trains once; the others load it', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'lsrm-instore-'));
  const source = `atomic:${tinyInter(join(dir, 'tiny.inter'))}`;
  const base = { data: { source }, model: { numLayers: 1, dim: 8, numHeads: 1, maxLen: 10 }, train: { epochs: 1, batchSize: 64 } };
  const a = expandSweep({ base, axes: { 'train.seed': [0, 1] } });
  const b = expandSweep({ base, runs: [{ 'train.seed': 1 }, { 'model.dim': 16 }] });
  assert.equal(a[1].key, b[0].key, 'the shared run has one key');
  const first = await trainInStore(a[1].config, { dir });
  assert.equal(first.isCached, false);
  assert.equal(first.runKey, a[1].key);
  assert.deepEqual(runPaths(dir, a[1].key), { record: first.path, runDir: first.runDir });
  const second = await trainInStore(b[0].config, { dir, onEpoch: () => assert.fail('a stored run must not train') });
  assert.equal(second.isCached, true);
  assert.deepEqual(second.metrics, first.metrics);
  const viaPreset = await trainPreset(b[0].config, { dir });
  assert.equal(viaPreset.isCached, true, 'trainPreset goes through the same store');
  assert.equal(viaPreset.path, first.path);
});
