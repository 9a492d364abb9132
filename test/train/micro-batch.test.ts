/**
 * Micro-batches (lib/train/parallel-protocol.ts microBatchRows, shareGradients; train.ts
 * microTrainStep): a batch with more rows than one pass may hold is computed in passes of
 * consecutive rows whose gradients are summed. The sum is the whole batch's gradient, with the
 * same dropout masks, so training follows the one-pass run up to the order of float sums, alone
 * and on a pool of replicas, with and without event times.
 */
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { initBackend, type BackendName } from '../../lib/ops/backend';
import type { SeqModel } from '../../lib/models/types';
import { buildModel, dropoutRatesOf } from '../../lib/runs/build';
import { runReplica } from '../../lib/runs/parallel';
import { normalizeRunConfig, type RunConfig } from '../../lib/runs/run';
import { startReplicaPool } from '../../lib/train/parallel';
import { activationBytesPerRow, MICRO_BATCH_BYTES, microBatchRows } from '../../lib/train/parallel-protocol';
import { nextItemLoss } from '../../lib/train/loss';
import { trainModel, type EvaluateFn, type LossFn } from '../../lib/train/train';
import type { LeaveOneOutSplit } from '../../lib/data/types';
import { close } from '../helpers/numeric';
import { tinySplit } from './tiny';
import { timedSplit } from './time-fixtures';

let backend: BackendName;
before(async () => {
  backend = (await initBackend()).name; // cpu under the test runner
});

test('microBatchRows: the budget over 4·T·L·(144·d + 6·H·T) bytes a row, at least 1', () => {
  assert.equal(activationBytesPerRow({ numLayers: 8, dim: 128, numHeads: 4 }, 50), 4 * 50 * 8 * (144 * 128 + 6 * 4 * 50));
  // LSRM 8 x 128, T 50: 31.4 MB a row, 68 rows in 2 GiB: a batch of 256 in 4 passes.
  assert.equal(MICRO_BATCH_BYTES, 2 ** 31);
  assert.equal(microBatchRows({ numLayers: 8, dim: 128, numHeads: 4 }, 50), 68);
  // Table V's LSRM 2 x 64: 3.9 MB a row, 546 rows: a batch of 256 in one pass.
  assert.equal(microBatchRows({ numLayers: 2, dim: 64, numHeads: 2 }, 50), 546);
  // Models without layers or heads (Caser) count 1; a tiny budget still gives one row.
  assert.equal(activationBytesPerRow({ dim: 64 }, 10), 4 * 10 * (144 * 64 + 60));
  assert.equal(microBatchRows({ numLayers: 48, dim: 1200, numHeads: 24 }, 200, 1), 1);
});

const weightsOf = (m: SeqModel) => [...m.variables.values()].flatMap((v) => Array.from(v.dataSync()));
let epochsSeen = 0;
const laterIsBetter: EvaluateFn = async () => ({ metrics: { loss: 0, 'NDCG@10': ++epochsSeen } });

/** Train `config` with passes of at most `rows` rows (undefined: the model's default, one pass here) on `workers` replicas; the rows of every pass. */
async function train(config: RunConfig, split: LeaveOneOutSplit, rows: number | undefined, workers = 1) {
  const model = buildModel(config.model, split.numItems, config.train);
  const pool = workers > 1 ? await startReplicaPool(model, { size: workers, backend, recipe: runReplica(config, split.numItems), split }) : undefined;
  const passes: number[] = [];
  const counted: LossFn = (m, inputs, targets, opts) => {
    passes.push(inputs.shape[0]);
    return nextItemLoss(m, inputs, targets, opts);
  };
  const losses: number[] = [];
  try {
    await trainModel(model, split, config.train, { lossFn: counted, evaluate: laterIsBetter, pool, microBatchRows: rows, onStep: (s) => losses.push(s.loss) });
    return { losses, weights: weightsOf(model), passes };
  } finally {
    await pool?.close();
    model.dispose();
  }
}

// 40 users x 12 training items, T = 6: 80 windows, 5 batches of 16 a epoch, 10 steps in 2 epochs; dropout on.
const lsrm = normalizeRunConfig({
  data: { source: 'synthetic:test', core: 0 },
  model: { kind: 'lsrm', numLayers: 2, dim: 16, numHeads: 2, maxLen: 6 },
  train: { epochs: 2, batchSize: 16, seed: 3, warmupMinSteps: 0 },
});
const lsrmSplit = tinySplit(40, 30, 14, 1);

test('LSRM with dropout: passes of 5 rows (16 = 5 + 5 + 5 + 1) and of 1 row follow the one-pass run over 10 steps', async () => {
  assert.ok(dropoutRatesOf(2, lsrm.train).every((r) => r > 0), 'dropout is on in every layer');
  const one = await train(lsrm, lsrmSplit, undefined);
  const five = await train(lsrm, lsrmSplit, 5);
  const single = await train(lsrm, lsrmSplit, 1);
  assert.equal(one.losses.length, 10);
  assert.deepEqual(one.passes, new Array(10).fill(16), 'default: one pass of the batch');
  assert.deepEqual(five.passes.slice(0, 4), [5, 5, 5, 1]);
  assert.equal(five.passes.length, 40);
  assert.equal(single.passes.length, 160);
  assert.ok(one.losses[9] < one.losses[0], 'the loss falls');
  close(five.losses, one.losses, 1e-5, 'losses, passes of 5');
  close(five.weights, one.weights, 1e-5, 'weights, passes of 5');
  close(single.losses, one.losses, 1e-5, 'losses, passes of 1');
  close(single.weights, one.weights, 1e-5, 'weights, passes of 1');
});

test('on a pool of 2 replicas each share runs in passes too (8 rows -> 3 + 3 + 2) and follows one thread in one pass', async () => {
  const one = await train(lsrm, lsrmSplit, undefined);
  const two = await train(lsrm, lsrmSplit, 3, 2);
  // The main thread's passes (the worker's are in its own thread): share 0 is rows 0..7.
  assert.deepEqual(two.passes.slice(0, 3), [3, 3, 2]);
  assert.equal(two.passes.length, 30);
  close(two.losses, one.losses, 1e-5, 'losses');
  close(two.weights, one.weights, 1e-5, 'weights');
});

test('HSTU with event times: passes of 6 rows (16 = 6 + 6 + 4) carry their rows\' times and follow the one-pass run', async () => {
  const split = timedSplit(5);
  const hstu = normalizeRunConfig({
    data: { source: 'synthetic:test', core: 0 },
    model: { kind: 'hstu', numLayers: 2, dim: 8, numHeads: 2, maxLen: 4 },
    train: { epochs: 2, batchSize: 16, seed: 3, warmupMinSteps: 0, lrPeak: 0.01 },
  });
  const one = await train(hstu, split, undefined);
  const six = await train(hstu, split, 6);
  assert.deepEqual(six.passes.slice(0, 3), [6, 6, 4]);
  close(six.losses, one.losses, 1e-5, 'losses');
  close(six.weights, one.weights, 1e-5, 'weights');
});
