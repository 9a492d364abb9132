import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import { initBackend } from '../../lib/ops/backend';
import { benchEval, formatEvalBench } from '../../lib/bench/eval';
import { syntheticEvalSplit } from '../../lib/bench/eval-split';

before(async () => {
  await initBackend('cpu');
});

test('syntheticEvalSplit: seeded, every user with targets, histories of 29..maxLen items', () => {
  const shape = { numUsers: 500, numItems: 300, maxLen: 50, seed: 4 };
  const s = syntheticEvalSplit(shape);
  assert.deepEqual(syntheticEvalSplit(shape), s);
  assert.notDeepEqual(syntheticEvalSplit({ ...shape, seed: 5 }).test, s.test);
  assert.equal(s.train.offsets.length, 501);
  for (let u = 0; u < 500; u++) {
    const n = s.train.offsets[u + 1] - s.train.offsets[u];
    assert.ok(n >= 28 && n <= 49, `user ${u}: ${n} train items`);
    assert.ok(s.valid[u] >= 1 && s.valid[u] <= 300 && s.test[u] >= 1 && s.test[u] <= 300);
  }
  assert.ok(s.train.items.every((i) => i >= 1 && i <= 300));
  // long-tailed: item 1 (the most popular rank) is drawn far more often than item 300
  const count = (i: number) => s.train.items.filter((x) => x === i).length;
  assert.ok(count(1) > 5 * Math.max(1, count(300)));
});

test('benchEval: two workers give exactly the metrics of one evaluation', async () => {
  const config = { users: 37, items: 90, maxLen: 8, dim: 8, numLayers: 1, numHeads: 2, batchSize: 10 };
  const one = await benchEval({ ...config, workers: 1 }, 'cpu');
  const two = await benchEval({ ...config, workers: 2 }, 'cpu');
  assert.deepEqual(two.metrics, one.metrics);
  assert.deepEqual(Object.keys(one.metrics).sort(), ['Coverage@10', 'Coverage@50', 'HR@10', 'HR@5', 'HR@50', 'NDCG@10', 'NDCG@5', 'NDCG@50', 'loss']);
  assert.equal(two.workers, 2);
  assert.equal(one.batchSize, 10);
  for (const r of [one, two]) {
    for (const k of ['evalMs', 'cpuMs', 'usersPerSec', 'encodeMs', 'scoreMs', 'rankMs', 'peakRssMB', 'maxRssMB'] as const) assert.ok(Number.isFinite(r[k]) && r[k] > 0, `${k} = ${r[k]}`);
    assert.ok(r.maxRssMB + 1 >= r.peakRssMB);
  }
  assert.match(formatEvalBench(two), /37 users x 90 items, LSRM L=1 d=8, cpu, 2 workers, batches of 10 users/);
  assert.match(formatEvalBench(two), /users\/s .*peak RSS/);
});
