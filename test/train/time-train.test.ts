/**
 * Times in training (lib/train/train.ts): a model whose config says usesTime (HSTU) is fed each
 * batch's timestamps, so its training differs from a run on the same data without times; every
 * other case (LSRM, HSTU with usesTime false, data without event times) trains bit for bit as a
 * run whose split has no times at all: the same batches, options, dropout masks and results.
 */
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { batchTimestamps, buildWindows, epochBatches } from '../../lib/data/batch';
import { hasEventTimes, withoutTimes } from '../../lib/data/split';
import type { LeaveOneOutSplit } from '../../lib/data/types';
import { evaluateModel } from '../../lib/eval/evaluate';
import { modelEntry } from '../../lib/models';
import type { ForwardOptions, SeqModel } from '../../lib/models/types';
import { initBackend } from '../../lib/ops/backend';
import { nextItemLoss } from '../../lib/train/loss';
import { feedsTimes, trainModel, type CurveRow, type LossFn, type TrainConfig } from '../../lib/train/train';
import { timedSplit } from './time-fixtures';

before(async () => {
  await initBackend(); // cpu under the test runner
});

const split = timedSplit(5);
// 24 users x 8 train items -> 7 targets -> 2 windows of T = 4: 48 windows, 3 batches of 16.
const CONFIG: Partial<TrainConfig> = { epochs: 2, batchSize: 16, seed: 7, warmupMinSteps: 0, lrPeak: 0.01 };
const SHAPE = { numItems: 16, maxLen: 4, dim: 8, numLayers: 2, numHeads: 2 };
const weightsOf = (m: SeqModel) => [...m.variables].map(([n, v]) => [n, Array.from(v.dataSync())] as const);
const noWall = (c: readonly CurveRow[]) => c.map(({ wallMs: _, ...r }) => r);

/** Train `kind` (config overrides in `extra`) on `s`; per-step losses, options seen by the loss, weights, curve. */
async function train(kind: 'lsrm' | 'hstu', s: LeaveOneOutSplit, extra: Record<string, unknown> = {}, config = CONFIG) {
  const model = modelEntry(kind).create({ ...SHAPE, ...extra }, 1);
  const opts: Array<{ keys: string[]; timestamps?: number[][] }> = [];
  const lossFn: LossFn = (m, inputs, targets, o: ForwardOptions) => {
    opts.push({ keys: Object.keys(o).sort(), timestamps: o.timestamps?.arraySync() });
    return nextItemLoss(m, inputs, targets, o);
  };
  const losses: number[] = [];
  try {
    const r = await trainModel(model, s, config, { lossFn, evaluate: (m, sp, o) => evaluateModel(m, sp, o), onStep: (x) => losses.push(x.loss) });
    return { losses, opts, weights: weightsOf(model), curve: noWall(r.curve), feeds: feedsTimes(model, s) };
  } finally {
    model.dispose();
  }
}

test('HSTU is fed each batch\'s relative timestamps, and one step with times differs from one without', async () => {
  assert.equal(hasEventTimes(split), true);
  const one = { ...CONFIG, epochs: 1, batchSize: 48 }; // one step: the whole epoch in one batch
  const timed = await train('hstu', split, {}, one);
  const plain = await train('hstu', withoutTimes(split), {}, one);
  assert.equal(timed.feeds, true);
  assert.equal(plain.feeds, false);
  assert.equal(timed.losses.length, 1);
  // The step's timestamps are the batch's, worked out from the windows in the epoch's order.
  const [batch] = [...epochBatches(buildWindows(split.train, 4, { times: true }), 48, 7, 0)];
  const want = batchTimestamps(batch)!;
  assert.deepEqual(timed.opts.map((o) => o.keys), [['isTraining', 'seed', 'timestamps']]);
  assert.deepEqual(timed.opts[0].timestamps!.flat(), Array.from(want));
  assert.ok(want.some((t) => t > 1e6), 'gaps of weeks reach the model');
  assert.deepEqual(plain.opts.map((o) => o.keys), [['isTraining', 'seed']]);
  // The same initial weights, so the first loss differs only through the time bias.
  assert.notEqual(timed.losses[0], plain.losses[0]);
  const diff = (a: typeof timed.weights, b: typeof timed.weights) => Math.max(...a.flatMap(([, v], i) => v.map((x, j) => Math.abs(x - b[i][1][j]))));
  assert.ok(diff(timed.weights, plain.weights) > 1e-6, 'the step moved the weights differently');
  const time = (w: typeof timed.weights) => w.filter(([n]) => n.endsWith('.rabTime')).flatMap(([, v]) => v);
  const init = weightsOf(modelEntry('hstu').create(SHAPE, 1));
  assert.ok(Math.max(...time(timed.weights).map((x, j) => Math.abs(x - time(init)[j]))) > 1e-6, 'w_t learned');
});

test('LSRM trains bit for bit as on the same data without times (batches, options, dropout, curve)', async () => {
  const timed = await train('lsrm', split);
  const plain = await train('lsrm', withoutTimes(split));
  assert.equal(timed.feeds, false);
  assert.equal(timed.losses.length, 6);
  assert.ok(timed.opts.every((o) => o.keys.join() === 'isTraining,seed'), 'the loss saw exactly { isTraining, seed }');
  assert.deepEqual(timed.losses, plain.losses);
  assert.deepEqual(timed.weights, plain.weights);
  assert.deepEqual(timed.curve, plain.curve);
});

test('HSTU falls back to positions alone: usesTime false, or data whose times are all equal', async () => {
  const plain = await train('hstu', withoutTimes(split));
  const off = await train('hstu', split, { usesTime: false });
  assert.equal(off.feeds, false);
  assert.deepEqual(off.losses, plain.losses);
  assert.deepEqual(off.weights, plain.weights);
  const flat = timedSplit(5, true); // the same items, every time equal
  assert.equal(hasEventTimes(flat), false);
  const still = await train('hstu', flat);
  assert.ok(still.opts.every((o) => o.timestamps === undefined));
  assert.deepEqual(still.losses, plain.losses);
  assert.deepEqual(still.curve, plain.curve);
});

test('a time model\'s step disposes its timestamps: no tensor left behind per epoch', async () => {
  const model = modelEntry('hstu').create(SHAPE, 1);
  const counts: number[] = [];
  try {
    await trainModel(model, split, { ...CONFIG, epochs: 3 }, {
      lossFn: nextItemLoss, evaluate: (m, sp, o) => evaluateModel(m, sp, o), onEpoch: () => void counts.push(tf.memory().numTensors),
    });
  } finally {
    model.dispose();
  }
  assert.equal(counts[2], counts[1]);
});
