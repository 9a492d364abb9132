import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { gruScan } from '../../lib/models/baseline-gru-scan';
import { maxAbsDiff } from './contract';

/** The same recurrence with plain tf ops, differentiated by tfjs's autodiff. */
function referenceScan(xg: tf.Tensor2D, u: tf.Tensor2D, batch: number): tf.Tensor2D {
  const H = u.shape[0];
  const T = xg.shape[0] / batch;
  let h: tf.Tensor2D = tf.zeros([batch, H]);
  const outs: tf.Tensor2D[] = [];
  for (let t = 0; t < T; t++) {
    const x = xg.slice([t * batch, 0], [batch, 3 * H]);
    const hu = tf.matMul(h, u); // [B, 3H]
    const r = tf.sigmoid(tf.add(x.slice([0, 0], [-1, H]), hu.slice([0, 0], [-1, H])));
    const z = tf.sigmoid(tf.add(x.slice([0, H], [-1, H]), hu.slice([0, H], [-1, H])));
    const n = tf.tanh(tf.add(x.slice([0, 2 * H], [-1, H]), tf.mul(r, hu.slice([0, 2 * H], [-1, H]))));
    h = tf.add(tf.mul(tf.sub(1, z), n), tf.mul(z, h)) as tf.Tensor2D;
    outs.push(h);
  }
  return tf.concat(outs, 0) as tf.Tensor2D;
}

test('gruScan: values and hand-written gradients equal autodiff of the plain recurrence', () => {
  const [T, B, H] = [5, 3, 4];
  const xgData = tf.randomNormal([T * B, 3 * H], 0, 1, 'float32', 1).arraySync() as number[][];
  // Saturate z on two rows of slot 0 (the padding hold of GRU4Rec): z = 1 exactly there.
  for (const row of [0, 1]) for (let j = H; j < 2 * H; j++) xgData[row][j] += 1e4;
  const xg = tf.tensor2d(xgData);
  const u = tf.randomNormal([H, 3 * H], 0, 0.7, 'float32', 2) as tf.Tensor2D;
  const c = tf.randomNormal([T * B, H], 0, 1, 'float32', 3);
  const lossOf = (scan: typeof gruScan) => (x: tf.Tensor, w: tf.Tensor) => tf.sum(tf.mul(scan(x as tf.Tensor2D, w as tf.Tensor2D, B), c));
  const got = tf.valueAndGrads(lossOf(gruScan))([xg, u]);
  const want = tf.valueAndGrads(lossOf(referenceScan))([xg, u]);
  assert.ok(Math.abs(got.value.dataSync()[0] - want.value.dataSync()[0]) < 1e-4);
  assert.ok(maxAbsDiff(got.grads[0].arraySync() as number[][], want.grads[0].arraySync() as number[][]) < 1e-5, 'dxg');
  assert.ok(maxAbsDiff(got.grads[1].arraySync() as number[][], want.grads[1].arraySync() as number[][]) < 1e-5, 'du');
  // The held rows stay exactly at the zero initial state.
  const h = gruScan(xg, u, B).arraySync();
  assert.deepEqual([h[0], h[1]], [new Array(H).fill(0), new Array(H).fill(0)]);
  tf.dispose([xg, u, c, got.value, want.value, ...got.grads, ...want.grads]);
});

test('gruScan: no tensor leaks through forward and backward', () => {
  const xg = tf.randomNormal([6, 9], 0, 1, 'float32', 4) as tf.Tensor2D;
  const u = tf.randomNormal([3, 9], 0, 1, 'float32', 5) as tf.Tensor2D;
  const run = () => {
    const { value, grads } = tf.valueAndGrads((x: tf.Tensor, w: tf.Tensor) => tf.sum(gruScan(x as tf.Tensor2D, w as tf.Tensor2D, 2)))([xg, u]);
    tf.dispose([value, ...grads]);
  };
  run();
  const before = tf.memory().numTensors;
  run();
  tf.tidy(() => {
    gruScan(xg, u, 2);
  });
  assert.equal(tf.memory().numTensors, before);
  tf.dispose([xg, u]);
});

test('gruScan: shape errors', () => {
  const u = tf.zeros([3, 9]) as tf.Tensor2D;
  assert.throws(() => gruScan(tf.zeros([4, 8]) as tf.Tensor2D, u, 2), /gruScan: need u \[H, 3H\] and xg \[T·B, 3H\], got u \[3,9\] and xg \[4,8\]/);
  assert.throws(() => gruScan(tf.zeros([5, 9]) as tf.Tensor2D, u, 2), /5 rows are not a multiple of batch 2/);
  assert.throws(() => gruScan(tf.zeros([4, 9]) as tf.Tensor2D, tf.zeros([3, 8]) as tf.Tensor2D, 2), /need u \[H, 3H\]/);
  u.dispose();
});
