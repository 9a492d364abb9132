/**
 * Data-parallel training and evaluation of a time model (lib/train/parallel.ts, lib/runs/parallel.ts):
 * each share of a batch carries its rows' timestamps and the workers' split carries the times, so
 * 2 workers train and evaluate HSTU with times as 1 worker does (up to the order of float sums).
 */
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { initBackend, type BackendName } from '../../lib/ops/backend';
import { withoutTimes } from '../../lib/data/split';
import { evaluateModel } from '../../lib/eval/evaluate';
import type { SeqModel } from '../../lib/models/types';
import { buildModel } from '../../lib/runs/build';
import { poolEvaluate, runReplica } from '../../lib/runs/parallel';
import { normalizeRunConfig } from '../../lib/runs/run';
import { liveReplicaThreads, startReplicaPool, type GradientPool } from '../../lib/train/parallel';
import { shareSplit, splitOfShared } from '../../lib/train/parallel-protocol';
import { nextItemLoss } from '../../lib/train/loss';
import { trainModel, type EvaluateFn } from '../../lib/train/train';
import { close } from '../helpers/numeric';
import { timedSplit } from './time-fixtures';

let backend: BackendName;
before(async () => {
  backend = (await initBackend()).name; // cpu under the test runner
});

const split = timedSplit(5);
// 48 windows of T = 4, 3 batches of 16 per epoch, 6 steps; dropout on in every layer.
const config = normalizeRunConfig({
  data: { source: 'synthetic:test', core: 0 },
  model: { kind: 'hstu', numLayers: 2, dim: 8, numHeads: 2, maxLen: 4 },
  train: { epochs: 2, batchSize: 16, seed: 3, warmupMinSteps: 0, lrPeak: 0.01 },
});
const recipe = runReplica(config, split.numItems);
const weightsOf = (m: SeqModel) => [...m.variables.values()].flatMap((v) => Array.from(v.dataSync()));
let epochsSeen = 0;
const laterIsBetter: EvaluateFn = async () => ({ metrics: { loss: 0, 'NDCG@10': ++epochsSeen } });

async function train(workers: number) {
  const model = buildModel(config.model, split.numItems, config.train);
  const pool = workers > 1 ? await startReplicaPool(model, { size: workers, backend, recipe, split }) : undefined;
  let calls = 0;
  const counted: GradientPool | undefined = pool && { size: pool.size, gradients: (...a) => (calls++, pool.gradients(...a)) };
  const losses: number[] = [];
  try {
    await trainModel(model, split, config.train, { lossFn: nextItemLoss, evaluate: laterIsBetter, pool: counted, onStep: (s) => losses.push(s.loss) });
    return { losses, weights: weightsOf(model), calls };
  } finally {
    await pool?.close();
    model.dispose();
  }
}

test('the workers\' split carries the times only when asked', () => {
  const plain = splitOfShared(shareSplit(split));
  assert.equal(plain.validTime, undefined);
  assert.equal(plain.train.times.length, 0);
  const timed = splitOfShared(shareSplit(split, { times: true }));
  assert.deepEqual(timed.train.times, split.train.times);
  assert.deepEqual(timed.validTime, split.validTime);
  assert.deepEqual(timed.testTime, split.testTime);
  assert.equal(splitOfShared(shareSplit(withoutTimes(split), { times: true })).validTime, undefined, 'no times to share');
});

test('HSTU with times: 2 workers follow 1 worker over 6 steps', async () => {
  const one = await train(1);
  const two = await train(2);
  assert.equal(one.losses.length, 6);
  assert.equal(two.calls, 6, 'every step went through the pool');
  close(two.losses, one.losses, 1e-5, 'losses, 2 workers');
  close(two.weights, one.weights, 1e-5, 'weights, 2 workers');
  assert.equal(liveReplicaThreads(), 0);
});

test('HSTU with times: evaluation on the pool gives the one-thread metrics, which differ from positions alone', async () => {
  const model = buildModel(config.model, split.numItems, config.train);
  const pool = await startReplicaPool(model, { size: 2, backend, recipe, split });
  try {
    for (const which of ['valid', 'test'] as const) {
      const want = (await evaluateModel(model, split, { split: which })).metrics;
      const got = (await poolEvaluate(pool)(model, split, { split: which })).metrics;
      for (const k of Object.keys(want)) close([got[k]], [want[k]], 1e-6, `${which} ${k}`);
      const positions = (await evaluateModel(model, withoutTimes(split), { split: which })).metrics;
      assert.ok(Math.abs(positions.loss - want.loss) > 1e-5, `${which}: the times matter to this model`);
    }
  } finally {
    await pool.close();
    model.dispose();
  }
  assert.equal(liveReplicaThreads(), 0);
});
