import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { initBackend } from '../../lib/ops/backend';
import { benchTrain, formatTrainBench, stepFlops, TRAIN_BENCH_DEFAULTS } from '../../lib/bench/train';
import { liveReplicaThreads } from '../../lib/train/parallel';

before(async () => {
  await initBackend('cpu');
});

test('stepFlops: hand-worked small case and the default benchmark', () => {
  // B=1, T=2, d=1, L=1, I=3, n=2: layer 24·2·1 + 4·1·4·1 = 64; output 2·2·1·3 = 12; step 3·76 = 228
  assert.equal(stepFlops({ batch: 1, maxLen: 2, dim: 1, numLayers: 1, numItems: 3, numTargets: 2 }), 228);
  // B=256, T=50, d=64, L=2, I=1682, n=12800: forward 2·(1,258,291,200 + 163,840,000) + 2,755,788,800
  //   = 5,600,051,200; step = 16,800,153,600
  const c = TRAIN_BENCH_DEFAULTS;
  assert.equal(stepFlops({ batch: c.batch, maxLen: c.maxLen, dim: c.dim, numLayers: c.numLayers, numItems: 1682, numTargets: 12_800 }), 16_800_153_600);
});

test('benchTrain runs a tiny configuration with 1 and 2 workers and reports every field', async () => {
  const seen: [number, number][] = [];
  const rs = await benchTrain({ items: [20], batch: 4, maxLen: 5, dim: 8, numHeads: 2, workers: [1, 2], steps: 1, warmup: 0 }, (x) => seen.push([x.items, x.workers]));
  assert.deepEqual(seen, [[20, 1], [20, 2]]);
  for (const r of rs) {
    assert.equal(r.items, 20);
    assert.equal(r.batch, 4);
    assert.equal(r.backend, 'cpu');
    for (const k of ['msPerStep', 'cpuMsPerStep', 'modelGflops', 'modelGflopsCpu', 'matmulGflops', 'peakMemoryMB', 'gflopPerStep'] as const) {
      assert.ok(Number.isFinite(r[k]) && r[k] > 0, `${k} = ${r[k]}`);
    }
    assert.equal(r.gflopPerStep, stepFlops({ batch: 4, maxLen: 5, dim: 8, numLayers: 2, numItems: 20, numTargets: 20 }) / 1e9);
    assert.ok(r.kernels.length > 0, 'a profile of the step');
    assert.match(formatTrainBench(r), new RegExp(`^cpu items=20 batch=4 workers=${r.workers}: \\d+ ms/step`));
  }
  assert.equal(liveReplicaThreads(), 0, 'the 2-worker pool was closed');
});
