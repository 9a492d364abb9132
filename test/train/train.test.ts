import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { patienceEpochs, runSchedule, trainModel, TRAIN_DEFAULTS, type CurveRow, type EpochReport, type TrainConfig, type TrainState } from '../../lib/train/train';
import type { SeqModel } from '../../lib/models/types';
import { tinyEvaluate, tinyLoss, tinyModel, tinySplit } from './tiny';

const split = tinySplit(30, 20, 15, 1);
// These tests script validation losses (selectBy 'loss') and plateaus in epochs of 6 steps
// (patienceMinSteps 0; the step floor has its own tests).
const base: Partial<TrainConfig> = { batchSize: 16, lrPeak: 0.05, warmupEpochs: 0.5, warmupMinSteps: 0, patienceMinSteps: 0, selectBy: 'loss', seed: 3 };
const hooks = { lossFn: tinyLoss, evaluate: tinyEvaluate };
const weightsOf = (m: SeqModel) => [...m.variables].map(([n, v]) => [n, Array.from(v.dataSync())] as const);
const noWall = (c: readonly CurveRow[]) => c.map(({ wallMs: _, ...r }) => r);

test('trainModel: curve rows per epoch, loss falls, model left with the best weights', async () => {
  const model = tinyModel(20, 8, 5, 0);
  // 30 users x 12 train items -> 11 targets -> ceil(11/5) = 3 windows each = 90 windows, 6 batches of 16.
  const r = await trainModel(model, split, { ...base, epochs: 3, switchOptimizer: false }, hooks);
  assert.equal(r.curve.length, 3);
  assert.deepEqual(r.curve.map((c) => [c.epoch, c.step, c.optimizer]), [[1, 6, 'adam'], [2, 12, 'adam'], [3, 18, 'adam']]);
  assert.ok(r.curve[2].trainLoss < r.curve[0].trainLoss);
  assert.ok(r.curve[0].validLoss < Math.log(20), 'better than uniform after one epoch');
  assert.equal(r.stoppedBy, 'epochs');
  const best = r.curve.reduce((a, c) => (c.validLoss < a.validLoss ? c : a));
  assert.equal(r.bestEpoch, best.epoch);
  const { metrics } = await tinyEvaluate(model, split, { split: 'valid' });
  assert.equal(metrics.loss, best.validLoss, 'model holds the best epoch weights');
  model.dispose();
});

test('trainModel: warmup lasts max(warmupEpochs x steps/epoch, warmupMinSteps) steps', async () => {
  // 6 steps per epoch. Warmup 12 steps: the epoch's last step (step 5) runs at 0.05 * 6/12 = 0.025.
  // Warmup 1 epoch = 6 steps: step 5 reaches the peak, 0.05.
  const model = tinyModel(20, 8, 5, 0);
  const slow = await trainModel(model, split, { ...base, epochs: 2, warmupEpochs: 0, warmupMinSteps: 12 }, hooks);
  assert.ok(Math.abs(slow.curve[0].lr - 0.025) < 1e-12);
  const fast = await trainModel(model, split, { ...base, epochs: 2, warmupEpochs: 1, warmupMinSteps: 0 }, hooks);
  assert.ok(Math.abs(fast.curve[0].lr - 0.05) < 1e-12);
  model.dispose();
});

test('trainModel: Adam -> SGD at the plateau, restarting from the best Adam weights, then stop', async () => {
  // Scripted validation losses, patience 2:
  //  e1 3.0 best | e2 2.0 best | e3 2.5 bad1 | e4 2.6 bad2 -> switch (SGD from e2's weights)
  //  e5 1.9 best | e6 2.0 bad1 | e7 2.1 bad2 -> stop (patience)
  const script = [3, 2, 2.5, 2.6, 1.9, 2.0, 2.1, 99];
  const seen: number[][][] = [];
  const afterHook: number[][][] = [];
  const model = tinyModel(20, 8, 5, 0);
  const r = await trainModel(model, split, { ...base, patience: 2, maxEpochs: 20 }, {
    lossFn: tinyLoss,
    evaluate: async (m) => {
      seen.push(weightsOf(m).map(([, w]) => w));
      return { metrics: { loss: script[seen.length - 1], 'NDCG@10': 0 } };
    },
    onEpoch: () => void afterHook.push(weightsOf(model).map(([, w]) => w)),
  });
  assert.deepEqual(r.curve.map((c) => c.optimizer), ['adam', 'adam', 'adam', 'adam', 'sgd', 'sgd', 'sgd']);
  assert.equal(r.switchEpoch, 4);
  assert.equal(r.stoppedBy, 'patience');
  assert.equal(r.bestEpoch, 5);
  assert.deepEqual(afterHook[3], seen[1], 'after the switch the model holds the epoch-2 weights');
  assert.notDeepEqual(afterHook[2], seen[1]);
  assert.deepEqual(weightsOf(model).map(([, w]) => w), seen[4], 'ends with the best (epoch 5) weights');
  // SGD's rate is rho * lr, not Adam's lr.
  assert.notEqual(r.curve[4].lr, r.curve[3].lr);
  model.dispose();
});

test('trainModel: without the switch, training stops at the first plateau; maxEpochs caps', async () => {
  const script = [3, 2, 2.5, 2.6, 1];
  let k = 0;
  const evaluate = async () => ({ metrics: { loss: script[k++], 'NDCG@10': 0 } });
  const model = tinyModel(20, 8, 5, 0);
  const r = await trainModel(model, split, { ...base, patience: 2, switchOptimizer: false }, { lossFn: tinyLoss, evaluate });
  assert.deepEqual([r.epochs, r.stoppedBy, r.bestEpoch, r.switchEpoch], [4, 'patience', 2, 0]);
  k = 0;
  const capped = await trainModel(model, split, { ...base, patience: 2, maxEpochs: 3 }, { lossFn: tinyLoss, evaluate });
  assert.deepEqual([capped.epochs, capped.stoppedBy], [3, 'maxEpochs']);
  // A fixed epoch count is not capped by maxEpochs (the cap is for open-ended runs).
  const fixed = await trainModel(model, split, { ...base, epochs: 3, maxEpochs: 2 }, hooks);
  assert.deepEqual([fixed.epochs, fixed.stoppedBy], [3, 'epochs']);
  model.dispose();
});

test('patienceEpochs: patience epochs, but at least patienceMinSteps steps', () => {
  assert.equal(patienceEpochs({ patience: 3, patienceMinSteps: 0 }, 10), 3);
  assert.equal(patienceEpochs({ patience: 3, patienceMinSteps: 500 }, 19), 27); // ceil(500 / 19)
  assert.equal(patienceEpochs({ patience: 3, patienceMinSteps: 500 }, 1600), 3); // big data: epochs decide
  assert.equal(patienceEpochs({ patience: 2, patienceMinSteps: 12 }, 6), 2); // exactly 12 steps
});

test('trainModel: a plateau needs patienceMinSteps steps when epochs are short', async () => {
  // 6 steps per epoch, patience 1 epoch but 12 steps -> 2 epochs without improvement.
  //  e1 3 best | e2 2 best | e3 2.5 bad1 | e4 2.6 bad2 -> switch | e5 2.1 bad1 | e6 2.2 bad2 -> stop
  const script = [3, 2, 2.5, 2.6, 2.1, 2.2, 99];
  let k = 0;
  const evaluate = async () => ({ metrics: { loss: script[k++], 'NDCG@10': 0 } });
  const model = tinyModel(20, 8, 5, 0);
  const r = await trainModel(model, split, { ...base, patience: 1, patienceMinSteps: 12, maxEpochs: 20 }, { lossFn: tinyLoss, evaluate });
  assert.deepEqual([r.switchEpoch, r.epochs, r.stoppedBy, r.bestEpoch], [4, 6, 'patience', 2]);
  k = 0;
  const epochsOnly = await trainModel(model, split, { ...base, patience: 1, maxEpochs: 20 }, { lossFn: tinyLoss, evaluate });
  assert.deepEqual([epochsOnly.switchEpoch, epochsOnly.epochs], [3, 4], 'without the floor, one bad epoch is a plateau');
  model.dispose();
});

test('runSchedule: cosine over a fixed run; open-ended: flat until the switch, then cosine over one patience window', () => {
  const c = { ...TRAIN_DEFAULTS, lrPeak: 1e-3, lrMinRatio: 0.1, warmupEpochs: 1, warmupMinSteps: 0 };
  assert.deepEqual(runSchedule({ ...c, epochs: 5 }, 10, 3, 0), { lrPeak: 1e-3, lrMin: 1e-4, warmupSteps: 10, totalSteps: 50 });
  assert.deepEqual(runSchedule({ ...c, epochs: 5 }, 10, 3, 2), { lrPeak: 1e-3, lrMin: 1e-4, warmupSteps: 10, totalSteps: 50 }, 'the switch keeps a fixed run\'s cosine');
  assert.deepEqual(runSchedule(c, 10, 3, 0), { lrPeak: 1e-3, lrMin: 1e-4, warmupSteps: 10, totalSteps: Infinity });
  assert.deepEqual(runSchedule(c, 10, 3, 7), { lrPeak: 1e-3, lrMin: 1e-4, warmupSteps: 10, decayStart: 70, totalSteps: 100 });
});

test('trainModel: an open-ended run holds lrPeak until the plateau, then SGD decays to the floor', async () => {
  // patience 2: e1..e2 improve, e3 e4 bad -> switch after e4; SGD decays over steps 24..36 (2 epochs of 6).
  const script = [3, 2, 2.5, 2.6, 1.9, 1.8, 1.7, 1.8, 1.9, 99];
  let k = 0;
  const seen: number[] = [];
  const model = tinyModel(20, 8, 5, 0);
  const r = await trainModel(model, split, { ...base, warmupEpochs: 0, patience: 2, maxEpochs: 20, lrMinRatio: 0.1 }, {
    lossFn: tinyLoss,
    evaluate: async () => ({ metrics: { loss: script[k++], 'NDCG@10': 0 } }),
    onStep: (s) => void seen.push(s.lr),
  });
  assert.equal(r.switchEpoch, 4);
  assert.ok(seen.slice(0, 24).every((lr) => lr === 0.05), 'Adam at lrPeak, no decay before the plateau');
  const rho = seen[24] / 0.05; // SGD rates are rho * scheduled
  const scheduled = seen.slice(24).map((lr) => lr / rho);
  for (let i = 1; i < 12; i++) assert.ok(scheduled[i] < scheduled[i - 1], 'cosine over the patience window');
  assert.ok(scheduled.slice(12).every((lr) => Math.abs(lr - 0.005) < 1e-12), 'then the floor');
  assert.deepEqual([r.epochs, r.stoppedBy, r.bestEpoch], [9, 'patience', 7]);
  model.dispose();
});

test('trainModel: real tiny problem switches at the epoch validation stopped improving', async () => {
  const model = tinyModel(20, 16, 5, 0, 0);
  const small = tinySplit(12, 20, 15, 2); // few users: overfits fast
  const r = await trainModel(model, small, { ...base, lrPeak: 0.1, patience: 1, maxEpochs: 30 }, hooks);
  assert.ok(r.switchEpoch > 0, 'the switch happened');
  const losses = r.curve.map((c) => c.validLoss);
  // The switch epoch is the first epoch whose loss does not beat the best before it (patience 1).
  const firstBad = losses.findIndex((l, i) => i > 0 && l >= Math.min(...losses.slice(0, i))) + 1;
  assert.equal(r.switchEpoch, firstBad);
  assert.ok(r.curve.slice(0, firstBad).every((c) => c.optimizer === 'adam'));
  assert.ok(r.curve.slice(firstBad).every((c) => c.optimizer === 'sgd'));
  assert.ok(r.curve.length > firstBad);
  model.dispose();
});

test('trainModel: same seed, same result; another seed, another result', async () => {
  const run = async (seed: number) => {
    const model = tinyModel(20, 8, 5, 0);
    const r = await trainModel(model, split, { ...base, epochs: 2, seed }, hooks);
    const w = weightsOf(model);
    model.dispose();
    return { curve: noWall(r.curve), w };
  };
  const a = await run(3);
  assert.deepEqual(await run(3), a);
  assert.notDeepEqual((await run(4)).w, a.w);
});

test('trainModel: no tensor leak across epochs', async () => {
  const model = tinyModel(20, 8, 5, 0);
  const before = tf.memory().numTensors;
  const counts: number[] = [];
  await trainModel(model, split, { ...base, epochs: 4, switchOptimizer: false }, { ...hooks, onEpoch: () => void counts.push(tf.memory().numTensors) });
  assert.equal(new Set(counts).size, 1, `tensors after each epoch: ${counts}`);
  assert.equal(tf.memory().numTensors, before, 'all freed at the end');
  model.dispose();
});

test('trainModel: resumed from the state after epoch 2, a run ends bit-identical to an uninterrupted one', async () => {
  const cfg = { ...base, epochs: 4, patience: 1 };
  const full = tinyModel(20, 8, 5, 0);
  const r = await trainModel(full, split, cfg, hooks);
  // Interrupted run: capture everything after epoch 2, then "crash".
  let saved: { state: TrainState; weights: Map<string, tf.Tensor>; opt: Map<string, tf.Tensor>; best: Map<string, tf.Tensor> } | undefined;
  const crash = tinyModel(20, 8, 5, 0);
  const keep = (m: ReadonlyMap<string, tf.Tensor>) => new Map([...m].map(([n, x]) => [n, x.clone()]));
  await assert.rejects(trainModel(crash, split, cfg, {
    ...hooks,
    onEpoch: (e: EpochReport) => {
      if (e.state.epoch < 2) return;
      saved = { state: JSON.parse(JSON.stringify(e.state)), weights: keep(crash.variables), opt: keep(e.optimizerTensors), best: keep(e.bestWeights) };
      throw new Error('crash');
    },
  }), /crash/);
  crash.dispose();
  const resumed = tinyModel(20, 8, 5, 99); // different init: everything must come from the saved state
  for (const [n, v] of resumed.variables) v.assign(saved!.weights.get(n)!);
  const r2 = await trainModel(resumed, split, cfg, { ...hooks, resume: { state: saved!.state, optimizerTensors: saved!.opt, bestWeights: saved!.best } });
  assert.deepEqual(noWall(r2.curve), noWall(r.curve));
  assert.deepEqual(weightsOf(resumed), weightsOf(full));
  assert.deepEqual([r2.bestEpoch, r2.switchEpoch, r2.steps], [r.bestEpoch, r.switchEpoch, r.steps]);
  full.dispose();
  resumed.dispose();
});

test('trainModel: config errors, empty data and divergence have clear messages', async () => {
  const model = tinyModel(20, 8, 5, 0);
  await assert.rejects(trainModel(model, split, { batchSize: 0 }, hooks), /TrainConfig.batchSize must be a positive integer, got 0/);
  await assert.rejects(trainModel(model, split, { lrPeak: -1 }, hooks), /TrainConfig.lrPeak must be a positive number, got -1/);
  await assert.rejects(trainModel(model, split, { selectBy: 'HR@10' as 'loss' }, hooks), /TrainConfig.selectBy must be 'loss' or 'NDCG@10', got 'HR@10'/);
  const empty = tinySplit(3, 20, 3, 0); // 1 train item per user
  await assert.rejects(trainModel(model, empty, base, hooks), /no training targets/);
  await assert.rejects(trainModel(model, split, { ...base, epochs: 1 }, { lossFn: tinyLoss, evaluate: async () => ({ metrics: { 'NDCG@10': 0 } }) }), /the evaluation returned no 'loss' metric/);
  await assert.rejects(trainModel(model, split, { ...base, epochs: 1 }, { lossFn: tinyLoss, evaluate: async () => ({ metrics: { loss: NaN, 'NDCG@10': 0 } }) }), /training diverged at epoch 1: validation loss is NaN; lower the learning rate \(lrPeak 0.05\)/);
  await assert.rejects(trainModel(model, split, { ...base, lrPeak: 1e30, epochs: 1 }, hooks), /training diverged at epoch 1, step \d+ \(loss (NaN|Infinity)\): lower the learning rate/);
  model.dispose();
});
