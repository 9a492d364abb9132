import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { initBackend, type BackendName } from '../../lib/ops/backend';
import { buildModel, dropoutRatesOf } from '../../lib/runs/build';
import { poolEvaluate, runReplica } from '../../lib/runs/parallel';
import { normalizeRunConfig } from '../../lib/runs/run';
import { batchShares, liveReplicaThreads, startReplicaPool, type GradientPool, type ReplicaRecipe } from '../../lib/train/parallel';
import { nextItemLoss } from '../../lib/train/loss';
import { trainModel, type EvaluateFn } from '../../lib/train/train';
import { evaluateModel } from '../../lib/eval/evaluate';
import type { SeqModel } from '../../lib/models/types';
import { close } from '../helpers/numeric';
import { tinySplit } from './tiny';

let backend: BackendName;
before(async () => {
  backend = (await initBackend()).name; // cpu under the test runner
});

// 40 users x 12 training items -> 11 targets -> 2 windows of T = 6 each: 80 windows, 5 batches of
// 16 per epoch, 10 steps in 2 epochs. A real LSRM from the registry, with layer-wise dropout.
const split = tinySplit(40, 30, 14, 1);
const config = normalizeRunConfig({
  data: { source: 'synthetic:test', core: 0 },
  model: { kind: 'lsrm', numLayers: 2, dim: 16, numHeads: 2, maxLen: 6 },
  train: { epochs: 2, batchSize: 16, seed: 3, warmupMinSteps: 0 },
});
const recipe = runReplica(config, split.numItems);
const fixtures = join(__dirname, 'parallel-fixtures.ts');
const weightsOf = (m: SeqModel) => [...m.variables.values()].flatMap((v) => Array.from(v.dataSync()));
// Every epoch is "better" than the last: the model ends with the weights after the last step.
const laterIsBetter: EvaluateFn = async () => ({ metrics: { loss: 0, 'NDCG@10': ++epochsSeen } });
let epochsSeen = 0;

/** Train config's 10 steps with `workers` replicas: per-step losses, weights after, gradient calls. */
async function train(workers: number, r: ReplicaRecipe = recipe, lossFn = nextItemLoss) {
  const model = buildModel(config.model, split.numItems, config.train);
  const pool = workers > 1 ? await startReplicaPool(model, { size: workers, backend, recipe: r, split }) : undefined;
  let calls = 0;
  const counted: GradientPool | undefined = pool && { size: pool.size, gradients: (...a) => (calls++, pool.gradients(...a)) };
  const losses: number[] = [];
  try {
    await trainModel(model, split, config.train, { lossFn, evaluate: laterIsBetter, pool: counted, onStep: (s) => losses.push(s.loss) });
    return { losses, weights: weightsOf(model), calls };
  } finally {
    await pool?.close();
    model.dispose();
  }
}

test('batchShares: consecutive rows, sizes within one, target counts per share', () => {
  // 5 rows of T = 2: targets per row 1, 2, 0, 1, 2.
  const batch = { inputs: new Int32Array(10), targets: Int32Array.of(0, 4, 5, 6, 0, 0, 7, 0, 8, 9), size: 5, maxLen: 2 };
  // n = 2: rows [0, 2) and [2, 5) (floor(5/2) = 2); targets 1 + 2 = 3 and 0 + 1 + 2 = 3.
  assert.deepEqual(batchShares(batch, 2), [{ from: 0, rows: 2, targets: 3 }, { from: 2, rows: 3, targets: 3 }]);
  // n = 3: bounds floor(5k/3) = 0, 1, 3, 5.
  assert.deepEqual(batchShares(batch, 3), [{ from: 0, rows: 1, targets: 1 }, { from: 1, rows: 2, targets: 2 }, { from: 3, rows: 2, targets: 3 }]);
  // More replicas than rows: one row each.
  assert.equal(batchShares(batch, 8).length, 5);
  assert.throws(() => batchShares(batch, 0), /n must be a positive integer, got 0/);
});

test('2 and 3 workers follow 1 worker: the same losses and weights over 10 steps, with dropout on', async () => {
  assert.ok(dropoutRatesOf(2, config.train).every((r) => r > 0), 'dropout is on in every layer');
  const one = await train(1);
  const two = await train(2);
  const three = await train(3); // uneven shares: 16 rows -> 5, 5, 6
  assert.equal(one.losses.length, 10);
  assert.equal(two.calls, 10, 'every step went through the pool');
  assert.equal(three.calls, 10);
  assert.ok(one.losses[9] < one.losses[0], 'the loss falls');
  close(two.losses, one.losses, 1e-5, 'losses, 2 workers');
  close(three.losses, one.losses, 1e-5, 'losses, 3 workers');
  close(two.weights, one.weights, 1e-5, 'weights, 2 workers');
  close(three.weights, one.weights, 1e-5, 'weights, 3 workers');
  assert.equal(liveReplicaThreads(), 0, 'every thread ended with its pool');
});

test('a fixed worker count reproduces a run bit for bit', async () => {
  const a = await train(2);
  const b = await train(2);
  assert.deepEqual(a.losses, b.losses);
  assert.deepEqual(a.weights, b.weights);
});

test('evaluation on the pool gives the one-thread metrics (valid and test)', async () => {
  const model = buildModel(config.model, split.numItems, config.train);
  const pool = await startReplicaPool(model, { size: 2, backend, recipe, split });
  try {
    for (const which of ['valid', 'test'] as const) {
      const want = (await evaluateModel(model, split, { split: which })).metrics;
      const got = (await poolEvaluate(pool)(model, split, { split: which })).metrics;
      assert.deepEqual(Object.keys(got).sort(), Object.keys(want).sort());
      for (const k of Object.keys(want)) close([got[k]], [want[k]], 1e-6, `${which} ${k}`);
    }
    // The workers read the weights of each call: change them, and the pool follows.
    const emb = model.variables.get([...model.variables.keys()][0])!;
    emb.assign(tf.mul(emb, 3));
    const want = (await evaluateModel(model, split, { split: 'valid' })).metrics.loss;
    close([(await poolEvaluate(pool)(model, split, { split: 'valid' })).metrics.loss], [want], 1e-6, 'loss after a weight change');
  } finally {
    await pool.close();
    model.dispose();
  }
});

test('a replica that cannot be built: the start fails naming the worker and the cause, no thread left', async () => {
  const model = buildModel(config.model, split.numItems, config.train);
  try {
    const broken: ReplicaRecipe = { ...recipe, model: { module: fixtures, export: 'brokenModel', args: [] } };
    await assert.rejects(startReplicaPool(model, { size: 2, backend, recipe: broken }), /training worker 1 failed: brokenModel: no replica today/);
    const narrow = runReplica({ ...config, model: { ...config.model, dim: 8 } }, split.numItems);
    await assert.rejects(startReplicaPool(model, { size: 2, backend, recipe: narrow }), /the replica does not match the model: variable 0 is 'itemEmb' \[31,8\] in the replica but 'itemEmb' \[31,16\] in the model/);
    const missing: ReplicaRecipe = { ...recipe, loss: { module: fixtures, export: 'noSuchLoss' } };
    await assert.rejects(startReplicaPool(model, { size: 2, backend, recipe: missing }), /parallel-fixtures\.ts has no function export 'noSuchLoss'/);
  } finally {
    model.dispose();
  }
  assert.equal(liveReplicaThreads(), 0);
});

test('a worker failing mid-run: training stops with its message; a dying thread is reported', async () => {
  await assert.rejects(train(2, { ...recipe, loss: { module: fixtures, export: 'failingLoss' } }), /training worker 1 failed: failingLoss: second call/);
  await assert.rejects(train(2, { ...recipe, loss: { module: fixtures, export: 'dyingLoss' } }), /training worker 1 exited \(code 7\)/);
  assert.equal(liveReplicaThreads(), 0);
});
