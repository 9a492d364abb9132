import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { initBackend } from '../../lib/ops/backend';
import { createLsrm, LSRM_DEFAULTS } from '../../lib/models/lsrm';
import { nextItemLoss, targetSlots } from '../../lib/train/loss';
import type { SeqModel } from '../../lib/models/types';

before(async () => {
  await initBackend('cpu');
});

const CFG = { ...LSRM_DEFAULTS, numItems: 12, maxLen: 5, dim: 8, numLayers: 1, numHeads: 2, dropout: [0], embDropout: 0 };
const EVAL = { isTraining: false };
const INPUTS = [[0, 0, 3, 4, 5], [1, 2, 3, 4, 5]];
const TARGETS = [[0, 0, 4, 5, 6], [2, 3, 4, 5, 12]];

test('targetSlots: flat indices of non-zero targets and 0-based labels', () => {
  // [0, 0, 4, 5 | 0, 7] -> slots 2, 3, 5; labels 3, 4, 6
  const { slots, labels } = targetSlots([0, 0, 4, 5, 0, 7]);
  assert.deepEqual(Array.from(slots), [2, 3, 5]);
  assert.deepEqual(Array.from(labels), [3, 4, 6]);
  assert.equal(targetSlots([0, 0]).slots.length, 0);
});

/** Mean CE in float64 from the model's own hidden states and table (brute force). */
function bruteForce(model: SeqModel, bias?: number[]): number {
  const h = model.encode(tf.tensor2d(INPUTS, undefined, 'int32'), EVAL).arraySync();
  const table = model.outputTable().arraySync();
  let sum = 0;
  let n = 0;
  TARGETS.forEach((row, b) =>
    row.forEach((y, t) => {
      if (y === 0) return;
      const logits = table.slice(1).map((w, i) => w.reduce((s, v, d) => s + v * h[b][t][d], 0) + (bias ? bias[i + 1] : 0));
      const m = Math.max(...logits);
      const lse = m + Math.log(logits.reduce((s, z) => s + Math.exp(z - m), 0));
      sum += lse - logits[y - 1];
      n++;
    }),
  );
  return sum / n; // 8 target slots here
}

test('nextItemLoss equals a float64 brute-force mean cross-entropy over non-padding targets', () => {
  const m = createLsrm(CFG, 1);
  const loss = nextItemLoss(m, tf.tensor2d(INPUTS, undefined, 'int32'), tf.tensor2d(TARGETS, undefined, 'int32'), EVAL);
  assert.ok(Math.abs(loss.dataSync()[0] - bruteForce(m)) < 1e-5);
  const bias = Array.from({ length: 13 }, (_, i) => (i % 3) - 1);
  const withBias: SeqModel = { ...m, encode: m.encode, outputTable: m.outputTable, outputBias: () => tf.tensor1d(bias) };
  const lb = nextItemLoss(withBias, tf.tensor2d(INPUTS, undefined, 'int32'), tf.tensor2d(TARGETS, undefined, 'int32'), EVAL);
  assert.ok(Math.abs(lb.dataSync()[0] - bruteForce(m, bias)) < 1e-5);
  m.dispose();
});

test('gradients equal those of the plain tfjs formulation (one-hot, transposed matMul)', () => {
  const m = createLsrm(CFG, 2);
  const inputs = tf.tensor2d(INPUTS, undefined, 'int32');
  const targets = tf.tensor2d(TARGETS, undefined, 'int32');
  const { slots, labels } = targetSlots(TARGETS.flat());
  const reference = () => {
    const h = tf.reshape(m.encode(inputs, EVAL), [10, 8]);
    const hs = tf.gather(h, tf.tensor1d(slots, 'int32'));
    const logits = tf.matMul(hs, tf.slice(m.outputTable(), [1, 0], [12, 8]), false, true);
    return tf.losses.softmaxCrossEntropy(tf.oneHot(tf.tensor1d(labels, 'int32'), 12), logits) as tf.Scalar;
  };
  const mine = tf.variableGrads(() => nextItemLoss(m, inputs, targets, EVAL));
  const ref = tf.variableGrads(reference);
  assert.ok(Math.abs(mine.value.dataSync()[0] - ref.value.dataSync()[0]) < 1e-5);
  for (const [name, g] of Object.entries(ref.grads)) {
    const a = mine.grads[name].dataSync();
    const b = g.dataSync();
    b.forEach((v, i) => assert.ok(Math.abs(a[i] - v) < 1e-5 * (1 + Math.abs(v)), `${name}[${i}]: ${a[i]} vs ${v}`));
  }
  m.dispose();
});

test('errors: all-padding targets, wrong dtype or shape, item beyond the table', () => {
  const m = createLsrm(CFG, 3);
  const inputs = tf.tensor2d(INPUTS, undefined, 'int32');
  assert.throws(() => nextItemLoss(m, inputs, tf.zeros([2, 5], 'int32') as tf.Tensor2D, EVAL), /every target in the batch is padding/);
  assert.throws(() => nextItemLoss(m, inputs, tf.tensor2d(TARGETS), EVAL), /targets must be int32 \[2,5\] like inputs, got float32 \[2,5\]/);
  assert.throws(() => nextItemLoss(m, inputs, tf.zeros([2, 4], 'int32') as tf.Tensor2D, EVAL), /got int32 \[2,4\]/);
  const bad = TARGETS.map((r) => r.map((v) => (v === 12 ? 13 : v)));
  assert.throws(() => nextItemLoss(m, inputs, tf.tensor2d(bad, undefined, 'int32'), EVAL), /target item 13 exceeds numItems 12/);
  m.dispose();
});
