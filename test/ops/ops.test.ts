import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { initBackend } from '../../lib/ops/backend';
import { matMul, linear, gatherRows, layerNorm, gelu, dropout, dropoutMask, colSum, transpose2d, addBias } from '../../lib/ops/ops';
import { sparseSoftmaxCrossEntropy } from '../../lib/ops/softmax-ce';
import { close, rand, vjp } from '../helpers/numeric';

before(async () => {
  await initBackend('cpu');
});

test('matMul forward and gradients equal tfjs matMul for every transpose form, rank 2', () => {
  for (const [tA, tB] of [[false, false], [true, false], [false, true], [true, true]]) {
    const a = rand(tA ? [5, 3] : [3, 5], 1); // op(a) is [3, 5]
    const b = rand(tB ? [4, 5] : [5, 4], 2); // op(b) is [5, 4]
    close(matMul(a, b, tA, tB), tf.matMul(a, b, tA, tB), 1e-5, `fwd ${tA},${tB}`);
    const mine = vjp((x, y) => matMul(x, y, tA, tB), [a, b]);
    const ref = vjp((x, y) => tf.matMul(x, y, tA, tB), [a, b]);
    close(mine[0], ref[0], 1e-4, `dA ${tA},${tB}`);
    close(mine[1], ref[1], 1e-4, `dB ${tA},${tB}`);
  }
});

test('matMul gradient picks either transpose side correctly (tall and wide shapes)', () => {
  // dA via Bᵀ or via (B·dyᵀ)ᵀ, dB via Aᵀ or (dyᵀ·A)ᵀ: shapes chosen so each branch is taken.
  for (const [m, k, n] of [[1, 7, 9], [9, 7, 1], [2, 30, 2], [30, 1, 30]]) {
    const a = rand([m, k], 3);
    const b = rand([k, n], 4);
    const mine = vjp((x, y) => matMul(x, y), [a, b]);
    const ref = vjp((x, y) => tf.matMul(x, y), [a, b]);
    close(mine[0], ref[0], 1e-4, `dA ${m}x${k}x${n}`);
    close(mine[1], ref[1], 1e-4, `dB ${m}x${k}x${n}`);
  }
});

test('batched matMul (rank 3 and 4, odd sizes) matches tfjs forward and gradients', () => {
  for (const [tA, tB] of [[false, false], [false, true], [true, false]]) {
    const a = rand(tA ? [2, 3, 5, 6] : [2, 3, 6, 5], 5); // op(a) [2, 3, 6, 5]
    const b = rand(tB ? [2, 3, 7, 5] : [2, 3, 5, 7], 6); // op(b) [2, 3, 5, 7]
    close(matMul(a, b, tA, tB), tf.matMul(a, b, tA, tB), 1e-5, 'fwd4');
    const mine = vjp((x, y) => matMul(x, y, tA, tB), [a, b]);
    const ref = vjp((x, y) => tf.matMul(x, y, tA, tB), [a, b]);
    close(mine[0], ref[0], 1e-4, 'dA4');
    close(mine[1], ref[1], 1e-4, 'dB4');
  }
  assert.throws(() => matMul(rand([2, 3, 4], 1), rand([3, 4, 2], 2)), /batch shapes .* differ/);
});

test('matMul gradient agrees with central finite differences', () => {
  const a = rand([3, 4], 7);
  const b = rand([4, 2], 8);
  const probe = rand([3, 2], 9);
  const loss = (x: tf.Tensor, y: tf.Tensor) => tf.sum(tf.mul(matMul(x, y), probe));
  const [da] = tf.grads(loss)([a, b]);
  const av = a.arraySync() as number[][];
  const eps = 1e-2;
  for (let i = 0; i < 3; i++) {
    for (let j = 0; j < 4; j++) {
      const plus = av.map((r) => r.slice());
      const minus = av.map((r) => r.slice());
      plus[i][j] += eps;
      minus[i][j] -= eps;
      const fd = (loss(tf.tensor(plus), b).dataSync()[0] - loss(tf.tensor(minus), b).dataSync()[0]) / (2 * eps);
      assert.ok(Math.abs(fd - (da.arraySync() as number[][])[i][j]) < 1e-2, `d[${i},${j}]`);
    }
  }
});

test('linear = x·W + b with column-sum bias gradient; addBias, colSum, transpose2d', () => {
  const x = rand([6, 3], 10);
  const w = rand([3, 4], 11);
  const b = rand([4], 12);
  close(linear(x as tf.Tensor2D, w as tf.Tensor2D, b as tf.Tensor1D), tf.add(tf.matMul(x, w), b), 1e-5, 'fwd');
  const mine = vjp((p, q, r) => linear(p as tf.Tensor2D, q as tf.Tensor2D, r as tf.Tensor1D), [x, w, b]);
  const ref = vjp((p, q, r) => tf.add(tf.matMul(p, q), r), [x, w, b]);
  mine.forEach((g, k) => close(g, ref[k], 1e-4, `grad ${k}`));
  const [dx, db] = vjp((p, q) => addBias(p as tf.Tensor2D, q as tf.Tensor1D), [x, rand([3], 13)]);
  close(dx, vjp((p, q) => tf.add(p, q), [x, rand([3], 13)])[0], 1e-6, 'addBias dx');
  assert.equal(db.shape[0], 3);
  close(colSum(tf.tensor2d([[1, 2], [3, 4], [5, 6]])), [9, 12], 0, 'colSum'); // 1+3+5, 2+4+6
  close(transpose2d(tf.tensor2d([[1, 2, 3], [4, 5, 6]])), [1, 4, 2, 5, 3, 6], 0, 'transpose');
});

test('gatherRows: rows by index; repeated indices sum their gradients', () => {
  const table = tf.tensor2d([[1, 2], [3, 4], [5, 6]]);
  const idx = tf.tensor1d([2, 0, 2], 'int32');
  close(gatherRows(table, idx), [5, 6, 1, 2, 5, 6], 0, 'fwd');
  const [g] = tf.grads((t: tf.Tensor) => tf.sum(tf.mul(gatherRows(t as tf.Tensor2D, idx), tf.tensor2d([[1, 10], [100, 1000], [2, 20]]))))([table]);
  // row 0 gets probe row 1; row 1 nothing; row 2 gets probe rows 0 + 2 = [3, 30]
  close(g, [100, 1000, 0, 0, 3, 30], 0, 'grad');
  assert.throws(() => gatherRows(table, tf.tensor1d([3], 'int32')).dataSync(), /index 3 out of range \[0, 3\)/);
});

test('layerNorm: hand-worked row and gradients equal autodiff of the plain formula', () => {
  // x = [1, 2, 3, 4]: mean 2.5, variance 1.25, x̂ = (x - 2.5)/√1.25 = [-1.3416, -0.4472, 0.4472, 1.3416]
  const y = layerNorm(tf.tensor2d([[1, 2, 3, 4]]), tf.ones([4]) as tf.Tensor1D, tf.zeros([4]) as tf.Tensor1D, 0);
  close(y, [-1.341641, -0.447214, 0.447214, 1.341641], 1e-5, 'hand');
  const x = rand([5, 8], 14);
  const g = rand([8], 15);
  const b = rand([8], 16);
  const ref = (p: tf.Tensor, q: tf.Tensor, r: tf.Tensor) => {
    const { mean, variance } = tf.moments(p, -1, true);
    return tf.add(tf.mul(tf.div(tf.sub(p, mean), tf.sqrt(tf.add(variance, 1e-5))), q), r);
  };
  const mine = (p: tf.Tensor, q: tf.Tensor, r: tf.Tensor) => layerNorm(p as tf.Tensor2D, q as tf.Tensor1D, r as tf.Tensor1D);
  close(mine(x, g, b), ref(x, g, b), 1e-4, 'fwd');
  const gm = vjp(mine, [x, g, b]);
  const gr = vjp(ref, [x, g, b]);
  gm.forEach((t, k) => close(t, gr[k], 2e-3, `grad ${k}`));
});

test('gelu (tanh form): known values and gradient equal autodiff of the formula', () => {
  // gelu(1) = 0.5·(1 + tanh(√(2/π)·1.044715)) = 0.841192; gelu(-1) = -0.158808; gelu(0) = 0
  close(gelu(tf.tensor1d([0, 1, -1, 3])), [0, 0.841192, -0.158808, 2.996363], 1e-5, 'values');
  const x = rand([4, 6], 17);
  const ref = (p: tf.Tensor) => tf.mul(tf.mul(p, 0.5), tf.add(1, tf.tanh(tf.mul(Math.sqrt(2 / Math.PI), tf.add(p, tf.mul(0.044715, tf.pow(p, 3)))))));
  close(gelu(x), ref(x), 1e-5, 'fwd');
  close(vjp(gelu, [x])[0], vjp(ref, [x])[0], 1e-4, 'grad');
});

test('dropout: seeded mask of 0 and 1/(1-p), keep fraction near 1-p, rate 0 is identity', () => {
  const m = dropoutMask(100_000, 0.3, 5);
  const kept = m.filter((v) => v !== 0);
  assert.ok(kept.every((v) => Math.abs(v - 1 / 0.7) < 1e-6));
  assert.ok(Math.abs(kept.length / 100_000 - 0.7) < 0.01, `kept ${kept.length}`); // 3 sigma ≈ 0.0043
  assert.deepEqual(dropoutMask(50, 0.3, 5), dropoutMask(50, 0.3, 5));
  assert.notDeepEqual(dropoutMask(50, 0.3, 5), dropoutMask(50, 0.3, 6));
  const x = tf.ones([2, 3]);
  assert.equal(dropout(x, 0, 1), x);
  assert.throws(() => dropout(x, 1, 1), /dropout rate must be in \[0, 1\), got 1/);
  assert.throws(() => dropout(x, -0.1, 1), /got -0.1/);
});

test('no tensor leaks from forward + backward of every op', () => {
  const x = rand([4, 6], 20);
  const w = rand([6, 6], 21);
  const idx = tf.tensor1d([1, 0, 3], 'int32');
  const y = tf.tensor1d([0, 5, 2], 'int32');
  const before = tf.memory().numTensors;
  tf.tidy(() => {
    tf.grads((p: tf.Tensor, q: tf.Tensor) => {
      const h = gelu(layerNorm(matMul(p as tf.Tensor2D, q as tf.Tensor2D), tf.ones([6]) as tf.Tensor1D, tf.zeros([6]) as tf.Tensor1D));
      const s = gatherRows(dropout(h, 0.5, 3), idx);
      return tf.mean(sparseSoftmaxCrossEntropy(matMul(s, q, false, true), y));
    })([x, w]);
  });
  assert.equal(tf.memory().numTensors, before);
});
