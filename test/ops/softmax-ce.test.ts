import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { initBackend } from '../../lib/ops/backend';
import { sparseSoftmaxCrossEntropy, outputCrossEntropy } from '../../lib/ops/softmax-ce';
import { close, rand, vjp } from '../helpers/numeric';

before(async () => {
  await initBackend('cpu');
});

test('sparse softmax cross-entropy: hand values, tfjs reference, gradient = softmax - indicator', () => {
  // [0, 0] label 0: ln 2; [ln 1, ln 3] label 1: -ln(3/4) = 0.287682
  close(sparseSoftmaxCrossEntropy(tf.tensor2d([[0, 0], [0, Math.log(3)]]), tf.tensor1d([0, 1], 'int32')), [Math.LN2, 0.287682], 1e-5, 'hand');
  const z = rand([6, 9], 18);
  const y = tf.tensor1d([0, 8, 3, 3, 5, 1], 'int32');
  const onehot = tf.oneHot(y, 9);
  const ref = (l: tf.Tensor) => tf.losses.softmaxCrossEntropy(onehot, l, undefined, 0, tf.Reduction.NONE);
  close(sparseSoftmaxCrossEntropy(z as tf.Tensor2D, y), ref(z), 1e-5, 'fwd');
  const [gm] = vjp((l) => sparseSoftmaxCrossEntropy(l as tf.Tensor2D, y), [z]);
  const [gr] = vjp(ref, [z]);
  close(gm, gr, 1e-4, 'grad vs tfjs');
  // with an all-ones upstream gradient the gradient is exactly softmax - onehot
  const [g1] = tf.grads((l: tf.Tensor) => tf.sum(sparseSoftmaxCrossEntropy(l as tf.Tensor2D, y)))([z]);
  close(g1, tf.sub(tf.softmax(z), onehot), 1e-5, 'softmax - onehot');
  assert.throws(() => sparseSoftmaxCrossEntropy(z as tf.Tensor2D, tf.tensor1d([0, 9, 0, 0, 0, 0], 'int32')).dataSync(), /label 9 out of range \[0, 9\)/);
});

test('huge difference: cross-entropy stays exact and finite when p[y] underflows', () => {
  // logits [1000, -1000], label 1: loss = logsumexp - z_y = 1000 - (-1000) = 2000 (p[y] = e^-2000 = 0 in float32)
  const z = tf.tensor2d([[1000, -1000], [-1e4, 1e4], [50, 50]]);
  const y = tf.tensor1d([1, 1, 0], 'int32');
  close(sparseSoftmaxCrossEntropy(z, y), [2000, 0, Math.LN2], 1e-6, 'loss');
  const [g] = tf.grads((l: tf.Tensor) => tf.sum(sparseSoftmaxCrossEntropy(l as tf.Tensor2D, y)))([z]);
  close(g, [1, -1, 0, 0, -0.5, 0.5], 1e-6, 'grad'); // softmax - onehot
});

test('outputCrossEntropy: chunked and unchunked equal the plain tfjs formulation, with and without bias', () => {
  const h = rand([7, 5], 30);
  const w = rand([11, 5], 31);
  const b = rand([11], 32);
  const y = tf.tensor1d([0, 10, 4, 4, 7, 1, 9], 'int32');
  const onehot = tf.oneHot(y, 11);
  const ref = (p: tf.Tensor, q: tf.Tensor, r?: tf.Tensor) => {
    const z = tf.matMul(p, q, false, true);
    return tf.losses.softmaxCrossEntropy(onehot, r ? tf.add(z, r) : z, undefined, 0, tf.Reduction.NONE);
  };
  // chunk budgets: 1 chunk (77 >= 7·11 floats), chunks of 2 rows (22 floats), one row per chunk
  for (const budget of [77, 22, 1]) {
    const mine = (p: tf.Tensor, q: tf.Tensor, r?: tf.Tensor) => outputCrossEntropy(p as tf.Tensor2D, q as tf.Tensor2D, y, r as tf.Tensor1D | undefined, budget);
    close(mine(h, w), ref(h, w), 1e-5, `loss ${budget}`);
    vjp(mine, [h, w]).forEach((g, k) => close(g, vjp(ref, [h, w])[k], 1e-4, `grad ${k} budget ${budget}`));
    close(mine(h, w, b), ref(h, w, b), 1e-5, `loss+bias ${budget}`);
    vjp(mine, [h, w, b]).forEach((g, k) => close(g, vjp(ref, [h, w, b])[k], 1e-4, `grad+bias ${k} budget ${budget}`));
  }
});

test('no tensor leaks from outputCrossEntropy forward + backward (chunked)', () => {
  const h = rand([6, 4], 40);
  const w = rand([9, 4], 41);
  const y = tf.tensor1d([1, 2, 3, 4, 5, 6], 'int32');
  const before = tf.memory().numTensors;
  tf.tidy(() => {
    tf.grads((p: tf.Tensor, q: tf.Tensor) => tf.mean(outputCrossEntropy(p as tf.Tensor2D, q as tf.Tensor2D, y, undefined, 20)))([h, w]);
  });
  assert.equal(tf.memory().numTensors, before);
});

test('outputCrossEntropy gradient agrees with central finite differences (chunked)', () => {
  const h = rand([3, 2], 50);
  const w = rand([4, 2], 51);
  const y = tf.tensor1d([3, 0, 1], 'int32');
  const loss = (p: tf.Tensor, q: tf.Tensor) => tf.sum(outputCrossEntropy(p as tf.Tensor2D, q as tf.Tensor2D, y, undefined, 4)); // 1 row per chunk
  const [dh, dw] = tf.grads(loss)([h, w]);
  const eps = 1e-2;
  const fd = (t: tf.Tensor, i: number, other: (x: tf.Tensor) => number) => {
    const v = Float32Array.from(t.dataSync());
    v[i] += eps;
    const up = other(tf.tensor(v, t.shape));
    v[i] -= 2 * eps;
    return (up - other(tf.tensor(v, t.shape))) / (2 * eps);
  };
  for (let i = 0; i < 6; i++) assert.ok(Math.abs(fd(h, i, (x) => loss(x, w).dataSync()[0]) - dh.dataSync()[i]) < 1e-2, `dh[${i}]`);
  for (let i = 0; i < 8; i++) assert.ok(Math.abs(fd(w, i, (x) => loss(h, x).dataSync()[0]) - dw.dataSync()[i]) < 1e-2, `dw[${i}]`);
});

test('outputCrossEntropy under a mean or a scaled sum (eager gradients): the plain tfjs gradients, chunked or not', () => {
  // The training loss is a mean over rows: every row's upstream gradient is the same c, and the
  // forward pass has already computed the unit gradients (softmax - onehot)·W, hᵀ·(...), colsum.
  const h = rand([7, 5], 60);
  const w = rand([11, 5], 61);
  const b = rand([11], 62);
  const y = tf.tensor1d([2, 10, 0, 4, 7, 7, 9], 'int32');
  const onehot = tf.oneHot(y, 11);
  const ref = (p: tf.Tensor, q: tf.Tensor, r: tf.Tensor) => tf.losses.softmaxCrossEntropy(onehot, tf.add(tf.matMul(p, q, false, true), r), undefined, 0, tf.Reduction.NONE);
  for (const reduce of [(x: tf.Tensor) => tf.mean(x), (x: tf.Tensor) => tf.mul(tf.sum(x), 0.3)]) {
    const want = tf.grads((p: tf.Tensor, q: tf.Tensor, r: tf.Tensor) => reduce(ref(p, q, r)))([h, w, b]);
    for (const budget of [77, 22, 1]) {
      const got = tf.grads((p: tf.Tensor, q: tf.Tensor, r: tf.Tensor) => reduce(outputCrossEntropy(p as tf.Tensor2D, q as tf.Tensor2D, y, r as tf.Tensor1D, budget)))([h, w, b]);
      got.forEach((g, k) => close(g, want[k], 1e-5, `grad ${k}, budget ${budget}`));
    }
  }
  // Without a gradient being taken the op only computes the losses (and keeps nothing).
  const want = ref(h, w, tf.zeros([11]));
  const before = tf.memory().numTensors;
  const losses = outputCrossEntropy(h as tf.Tensor2D, w as tf.Tensor2D, y, undefined, 22);
  assert.equal(tf.memory().numTensors, before + 1, 'only the losses');
  close(losses, want, 1e-5, 'losses');
});
