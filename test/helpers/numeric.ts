/** Numeric test helpers shared by the op tests: seeded random tensors, closeness, VJP checks. */
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { makeRng } from '../../lib/util/rng';

/** A tensor of standard-normal values from a seed. */
export function rand(shape: number[], seed: number): tf.Tensor {
  const r = makeRng(seed);
  const n = shape.reduce((a, b) => a * b, 1);
  return tf.tensor(Float32Array.from({ length: n }, () => r.normal()), shape);
}

/** Assert elementwise |got - want| <= tol·(1 + |want|). */
export function close(got: tf.Tensor | number[], want: tf.Tensor | number[], tol = 1e-4, what = ''): void {
  const g = Array.isArray(got) ? got : Array.from(got.dataSync());
  const w = Array.isArray(want) ? want : Array.from(want.dataSync());
  assert.equal(g.length, w.length, `${what}: length`);
  for (let i = 0; i < g.length; i++) {
    assert.ok(Math.abs(g[i] - w[i]) <= tol * (1 + Math.abs(w[i])), `${what}[${i}]: got ${g[i]}, want ${w[i]}`);
  }
}

/** Gradients of sum(f(xs) ⊙ probe) w.r.t. every input: a full vector-Jacobian product check. */
export function vjp(f: (...xs: tf.Tensor[]) => tf.Tensor, xs: tf.Tensor[], seed = 99): tf.Tensor[] {
  const probe = rand(f(...xs).shape, seed);
  return tf.grads((...a: tf.Tensor[]) => tf.sum(tf.mul(f(...a), probe)))(xs);
}
