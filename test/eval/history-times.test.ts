/**
 * Times in evaluation: buildHistoryTimes (lib/eval/histories.ts) lays out each history's times
 * like the history, then the target's time, relative to the row's earliest item; evaluateModel
 * feeds them to a model whose config says usesTime (and only then), so a time model's ranks and
 * losses are those of its encode with these timestamps, and an LSRM's are unchanged.
 */
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { hasEventTimes, splitLeaveOneOut, withoutTimes } from '../../lib/data/split';
import type { Sequences } from '../../lib/data/types';
import { evaluateInputs, inputSplit } from '../../lib/eval/custom-inputs';
import { evaluateModel } from '../../lib/eval/evaluate';
import { buildHistories, buildHistoryTimes } from '../../lib/eval/histories';
import { modelEntry } from '../../lib/models';
import type { ForwardOptions, SeqModel } from '../../lib/models/types';
import { initBackend } from '../../lib/ops/backend';
import { close } from '../helpers/numeric';
import { seqsOf } from '../train/tiny';

before(async () => {
  await initBackend(); // cpu under the test runner
});

function timed(seqs: number[][], times: number[][], numItems: number): Sequences {
  return { ...seqsOf(seqs, numItems), times: Float64Array.from(times.flat()) };
}

// u0 [1, 2, 3, 4, 5] at [100, 130, 200, 1000, 5000]: train [1, 2, 3], valid 4 at 1000, test 5 at 5000
// u1 [2, 3, 1]       at [0, 10, 4000]:               train [2],       valid 3 at 10,   test 1 at 4000
// u2 [5, 1, 2, 3]    at [50, 60, 70, 80]:            train [5, 1],    valid 2 at 70,   test 3 at 80
// (every test item is in some train part, so none is dropped.) maxLen 3.
const split = splitLeaveOneOut(timed([[1, 2, 3, 4, 5], [2, 3, 1], [5, 1, 2, 3]], [[100, 130, 200, 1000, 5000], [0, 10, 4000], [50, 60, 70, 80]], 5));
const USERS = Int32Array.of(0, 1, 2);
const rows = (a: ArrayLike<number>, width: number) => Array.from({ length: a.length / width }, (_, w) => Array.from(a).slice(w * width, (w + 1) * width));

// valid: u0 [1, 2, 3] at [100, 130, 200 | 1000] -> [0, 30, 100 | 900]
//        u1 [0, 0, 2] at [-, -, 0 | 10]          -> [0, 0, 0 | 10]
//        u2 [0, 5, 1] at [-, 50, 60 | 70]        -> [0, 0, 10 | 20]
// test:  u0 [2, 3, 4] at [130, 200, 1000 | 5000] -> [0, 70, 870 | 4870]  (truncated to 3)
//        u1 [0, 2, 3] at [-, 0, 10 | 4000]       -> [0, 0, 10 | 4000]
//        u2 [5, 1, 2] at [50, 60, 70 | 80]       -> [0, 10, 20 | 30]
const WANT = {
  valid: { items: [[1, 2, 3], [0, 0, 2], [0, 5, 1]], times: [[0, 30, 100, 900], [0, 0, 0, 10], [0, 0, 10, 20]] },
  test: { items: [[2, 3, 4], [0, 2, 3], [5, 1, 2]], times: [[0, 70, 870, 4870], [0, 0, 10, 4000], [0, 10, 20, 30]] },
};

test('buildHistoryTimes: right-aligned like the histories, the target time last, relative (hand-worked)', () => {
  for (const which of ['valid', 'test'] as const) {
    assert.deepEqual(rows(buildHistories(split, USERS, which, 3), 3), WANT[which].items, `${which} histories`);
    assert.deepEqual(rows(buildHistoryTimes(split, USERS, which, 3), 4), WANT[which].times, `${which} times`);
  }
  assert.deepEqual(rows(buildHistoryTimes(split, Int32Array.of(2, 0), 'valid', 1), 2), [[0, 10], [0, 800]], 'maxLen 1, users in the given order');
  assert.throws(() => buildHistoryTimes(withoutTimes(split), USERS, 'valid', 3), /buildHistoryTimes: the split has no held-out times/);
  assert.throws(() => buildHistoryTimes(split, Int32Array.of(3), 'valid', 3), /user 3 is outside \[0, 3\)/);
});

/** `model` with every encode's options recorded (timestamps as arrays). */
function spied(model: SeqModel): { model: SeqModel; seen: Array<{ keys: string[]; timestamps?: number[][] }> } {
  const seen: Array<{ keys: string[]; timestamps?: number[][] }> = [];
  const encode = (seqs: tf.Tensor2D, opts: ForwardOptions) => {
    seen.push({ keys: Object.keys(opts).sort(), timestamps: opts.timestamps?.arraySync() });
    return model.encode(seqs, opts);
  };
  return { model: { ...model, encode }, seen };
}

const HSTU = { numItems: 5, maxLen: 3, dim: 8, numLayers: 1, numHeads: 2 };

test('evaluateModel feeds a time model its history times; ranks and losses are those of encode with them', async () => {
  assert.equal(hasEventTimes(split), true);
  const hstu = modelEntry('hstu').create(HSTU, 4);
  try {
    for (const which of ['valid', 'test'] as const) {
      const { model, seen } = spied(hstu);
      const r = await evaluateModel(model, split, { split: which, batchSize: 3, coverageKs: [] });
      assert.deepEqual(seen, [{ keys: ['isTraining', 'timestamps'], timestamps: WANT[which].times }], `${which}: one batch, the hand-worked times`);
      // The losses by hand: encode with those timestamps, last slot, cosine logits over items 1..5.
      const want = tf.tidy(() => {
        const h = hstu.encode(tf.tensor2d(WANT[which].items, undefined, 'int32'), { isTraining: false, timestamps: tf.tensor2d(WANT[which].times, undefined, 'int32') });
        const last = h.slice([0, 2, 0], [3, 1, 8]).reshape([3, 8]);
        const logits = tf.matMul(last, hstu.outputTable().slice([1, 0], [5, 8]), false, true); // [3, 5]
        const target = which === 'valid' ? split.valid : split.test;
        const picked = tf.sum(tf.mul(logits, tf.oneHot(tf.tensor1d(Array.from(target, (t) => t - 1), 'int32'), 5)), 1);
        return Array.from(tf.sub(tf.logSumExp(logits, 1), picked).dataSync());
      });
      close(Array.from(r.losses), want, 1e-5, `${which} losses`);
      // Positions alone give other numbers: the times did reach the model.
      const plain = await evaluateModel(hstu, withoutTimes(split), { split: which, coverageKs: [] });
      assert.ok(Math.max(...Array.from(r.losses, (l, i) => Math.abs(l - plain.losses[i]))) > 1e-4, `${which}: times changed nothing`);
    }
  } finally {
    hstu.dispose();
  }
});

test('evaluateModel: no timestamps for a model that does not use time, for usesTime false, or for a split without times', async () => {
  const lsrmConfig = { numItems: 5, maxLen: 3, dim: 8, numLayers: 2, numHeads: 2 };
  const offConfig = { ...HSTU, usesTime: false };
  const lsrm = modelEntry('lsrm').create(lsrmConfig, 1);
  const off = modelEntry('hstu').create(offConfig, 4);
  const on = modelEntry('hstu').create(HSTU, 4);
  try {
    for (const [m, s] of [[lsrm, split], [off, split], [on, withoutTimes(split)]] as const) {
      const { model, seen } = spied(m);
      const timedRun = await evaluateModel(model, s, { split: 'test', topk: 5 });
      const untimed = await evaluateModel(m, withoutTimes(split), { split: 'test', topk: 5 });
      assert.deepEqual(seen.map((o) => o.keys), [['isTraining']], `${m.kind}: the options of a run without times`);
      assert.deepEqual(timedRun.ranks, untimed.ranks);
      assert.deepEqual(timedRun.losses, untimed.losses, `${m.kind}: bit-identical losses`);
      assert.deepEqual(timedRun.topk, untimed.topk);
      assert.deepEqual(timedRun.metrics, untimed.metrics);
    }
  } finally {
    [lsrm, off, on].forEach((m) => m.dispose());
  }
});

test('evaluateInputs with times: a time model scores explicit inputs as the split\'s own histories; without times, positions alone', async () => {
  const hstu = modelEntry('hstu').create(HSTU, 4);
  try {
    // The test histories of the split as explicit inputs, with their raw times.
    const inputs = [[1, 2, 3, 4], [2, 3], [5, 1, 2]];
    const times = { inputs: [[100, 130, 200, 1000], [0, 10], [50, 60, 70]], targets: [5000, 4000, 80] };
    const own = await evaluateModel(hstu, split, { split: 'test', coverageKs: [] });
    const given = await evaluateInputs(hstu, 5, inputs, split.test, { coverageKs: [], times });
    assert.deepEqual(given.losses, own.losses);
    assert.deepEqual(given.ranks, own.ranks);
    const untimed = await evaluateInputs(hstu, 5, inputs, split.test, { coverageKs: [] });
    assert.deepEqual(untimed.losses, (await evaluateModel(hstu, withoutTimes(split), { split: 'test', coverageKs: [] })).losses);
    assert.throws(() => inputSplit(inputs, split.test, 5, { ...times, inputs: [[1], [2, 3], [4, 5, 6]] }), /evaluateInputs: input 0 has 4 items but 1 times/);
    assert.throws(() => inputSplit(inputs, split.test, 5, { ...times, targets: [1, NaN, 2] }), /evaluateInputs: the time of target 1 is NaN, not a finite time/);
  } finally {
    hstu.dispose();
  }
});
