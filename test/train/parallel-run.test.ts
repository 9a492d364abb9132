import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { initBackend } from '../../lib/ops/backend';
import { trainRun, type RunConfigInput } from '../../lib/runs/run';
import { liveReplicaThreads } from '../../lib/train/parallel';
import type { CurveRow } from '../../lib/train/train';
import { close } from '../helpers/numeric';
import { tinyModel, tinySplit } from './tiny';

before(async () => {
  await initBackend(); // cpu under the test runner
});

// The real model (LSRM through the registry), loss and full-ranking evaluation; only the data is tiny.
const split = tinySplit(40, 30, 14, 1);
const prepare = async () => split;
const config: RunConfigInput = {
  data: { source: 'synthetic:smoke', core: 0 },
  model: { kind: 'lsrm', numLayers: 2, dim: 16, numHeads: 2, maxLen: 6 },
  train: { epochs: 2, batchSize: 16, seed: 3, warmupMinSteps: 0 },
};
const read = (dir: string, file: string) => readFileSync(join(dir, file), 'utf8');

test('trainRun with 2 workers: the 1-worker curve and metrics, the same config.json, workers recorded in env', async () => {
  const root = mkdtempSync(join(tmpdir(), 'lsrm-parallel-'));
  try {
    const one = await trainRun(config, join(root, 'one'), { deps: { prepare }, workers: 1 });
    const two = await trainRun(config, join(root, 'two'), { deps: { prepare }, workers: 2 });
    assert.equal(one.env.workers, 1);
    assert.equal(two.env.workers, 2);
    assert.equal(read(join(root, 'two'), 'config.json'), read(join(root, 'one'), 'config.json'), 'the worker count is not part of the config');
    const curve = (dir: string) => (JSON.parse(read(join(root, dir), 'curve.json')) as CurveRow[]).flatMap((r) => [r.trainLoss, r.validLoss, r.validNdcg10]);
    close(curve('two'), curve('one'), 1e-5, 'curve');
    for (const which of ['valid', 'test'] as const) {
      for (const k of Object.keys(one.metrics[which])) close([two.metrics[which][k]], [one.metrics[which][k]], 1e-5, `${which} ${k}`);
    }
    assert.equal(liveReplicaThreads(), 0, 'the run closed its pool');
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});

test('trainRun: a replaced model needs a replica recipe for workers > 1; a bad count is refused', async () => {
  const root = mkdtempSync(join(tmpdir(), 'lsrm-parallel-'));
  try {
    const buildModel = () => tinyModel(split.numItems, 16, 6, 0);
    await assert.rejects(trainRun(config, join(root, 'a'), { deps: { prepare, buildModel }, workers: 2 }), /workers > 1 with a replaced buildModel or lossFn needs a replica recipe/);
    await assert.rejects(trainRun(config, join(root, 'b'), { deps: { prepare }, workers: 0 }), /workers must be a positive integer, got 0/);
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});
