import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { initBackend } from '../../lib/ops/backend';
import { benchTrain, formatTrainBench, stepFlops, TRAIN_BENCH_DEFAULTS } from '../../lib/bench/train';

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

test('benchTrain runs a tiny configuration and reports every field', async () => {
  const seen: number[] = [];
  const [r] = await benchTrain({ items: [20], batch: 2, maxLen: 5, dim: 8, numHeads: 2, steps: 1, warmup: 0 }, (x) => seen.push(x.items));
  assert.deepEqual(seen, [20]);
  assert.equal(r.items, 20);
  assert.equal(r.batch, 2);
  assert.equal(r.backend, 'cpu');
  for (const k of ['msPerStep', 'cpuMsPerStep', 'modelGflops', 'modelGflopsCpu', 'matmulGflops', 'peakMemoryMB', 'gflopPerStep'] as const) {
    assert.ok(Number.isFinite(r[k]) && r[k] > 0, `${k} = ${r[k]}`);
  }
  assert.equal(r.gflopPerStep, stepFlops({ batch: 2, maxLen: 5, dim: 8, numLayers: 2, numItems: 20, numTargets: 10 }) / 1e9);
  assert.match(formatTrainBench(r), /^cpu items=20 batch=2: \d+ ms\/step/);
});
