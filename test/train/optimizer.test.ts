import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { createOptimizer } from '../../lib/train/optimizer';

const vars = (x: number[]) => new Map([['x', tf.variable(tf.tensor1d(x), true)]]);
const grads = (g: number[]) => new Map([['x', tf.tensor1d(g)]]);
const value = (m: Map<string, tf.Variable>) => Array.from(m.get('x')!.dataSync());
const near = (a: number[], b: number[], tol = 1e-6) => a.forEach((x, i) => assert.ok(Math.abs(x - b[i]) < tol, `[${a}] vs [${b}]`));

/** Float64 reference Adam(W) with the SWATS ratio, written from the formulas in the header. */
function referenceAdam(x: number[], gs: number[][], lr: number, wd: number) {
  const [b1, b2, eps] = [0.9, 0.999, 1e-8];
  let m = x.map(() => 0), v = x.map(() => 0), rhoEma = 0;
  gs.forEach((g, k) => {
    const t = k + 1;
    m = m.map((mi, i) => b1 * mi + (1 - b1) * g[i]);
    v = v.map((vi, i) => b2 * vi + (1 - b2) * g[i] * g[i]);
    const u = m.map((mi, i) => mi / (1 - b1 ** t) / (Math.sqrt(v[i] / (1 - b2 ** t)) + eps));
    x = x.map((xi, i) => xi - lr * u[i] - lr * wd * xi);
    const uu = u.reduce((a, ui) => a + ui * ui, 0), ug = u.reduce((a, ui, i) => a + ui * g[i], 0);
    rhoEma = b2 * rhoEma + (1 - b2) * (uu / ug);
  });
  return { x, rhoBar: rhoEma / (1 - b2 ** gs.length) };
}

test('Adam: first step moves each weight by lr against the sign of its gradient', () => {
  // m̂ = g, v̂ = g² at t=1, so u = g / (|g| + eps) ~ sign(g): x1 = x - lr * sign(g).
  const v = vars([1, -2]);
  const opt = createOptimizer(v, { weightDecay: 0 });
  opt.apply(grads([0.5, -3]), 0.1);
  near(value(v), [0.9, -1.9]);
  opt.dispose();
});

test('Adam: three steps match a float64 reference, SWATS ratio included', () => {
  const gs = [[0.5, -3, 1], [0.2, -1, 2], [-0.4, 0.5, 1.5]];
  const v = vars([1, -2, 0.5]);
  const opt = createOptimizer(v, { weightDecay: 0.01 });
  for (const g of gs) opt.apply(grads(g), 0.05);
  const ref = referenceAdam([1, -2, 0.5], gs, 0.05, 0.01);
  near(value(v), ref.x);
  assert.ok(Math.abs(opt.sgdLr(1) - ref.rhoBar) < 1e-5 * ref.rhoBar);
  assert.equal(opt.getState().scalars.adamSteps, 3);
  opt.dispose();
});

test('SWATS estimate after one step: rho = uᵀu / uᵀg = n / sum|g|', () => {
  // u ~ sign(g) = [1, 1]: uᵀu = 2, uᵀg = 0.5 + 0.5 = 1 -> rho = 2, bias-corrected EMA = 2.
  const v = vars([0, 0]);
  const opt = createOptimizer(v);
  assert.equal(opt.sgdLr(0.1), 0.1); // no estimate yet: factor 1
  opt.apply(grads([0.5, 0.5]), 0.1);
  assert.ok(Math.abs(opt.sgdLr(0.1) - 0.2) < 1e-6);
  opt.dispose();
});

test('weight decay is decoupled: a zero gradient shrinks weights by lr * wd', () => {
  const v = vars([2, -4]);
  const opt = createOptimizer(v, { weightDecay: 0.1 });
  opt.apply(grads([0, 0]), 0.5); // x * (1 - 0.05)
  near(value(v), [1.9, -3.8]);
  opt.dispose();
});

test('SGD after the switch: momentum with dampening at rate rho * lr', () => {
  const v = vars([0, 0]);
  const opt = createOptimizer(v, { weightDecay: 0 });
  opt.apply(grads([0.5, 0.5]), 0.1); // Adam: x = [-0.1, -0.1], rho = 2
  opt.switchToSgd();
  assert.equal(opt.phase, 'sgd');
  // eta = 2 * 0.1 = 0.2; buf = g = [1, -2]; x -= (1 - 0.9) * 0.2 * buf = 0.02 * [1, -2]
  opt.apply(grads([1, -2]), 0.1);
  near(value(v), [-0.12, -0.06]);
  // buf = 0.9 * [1, -2] + [1, 0] = [1.9, -1.8]; x -= 0.02 * buf
  opt.apply(grads([1, 0]), 0.1);
  near(value(v), [-0.12 - 0.038, -0.06 + 0.036]);
  assert.deepEqual({ ...opt.getState().scalars, rhoEma: 0 }, { phase: 'sgd', adamSteps: 1, sgdSteps: 2, rhoEma: 0, rhoCount: 1 });
  opt.dispose();
});

test('switchToSgd frees the Adam moments; dispose frees everything', () => {
  const v = vars([1, 2, 3]);
  const base = tf.memory().numTensors;
  const opt = createOptimizer(v);
  assert.equal(tf.memory().numTensors, base + 2); // m, v
  opt.apply(grads([1, 1, 1]), 0.1);
  assert.equal(tf.memory().numTensors, base + 2 + 1); // + the grads tensor made by this test
  opt.switchToSgd();
  opt.switchToSgd(); // idempotent
  assert.equal(tf.memory().numTensors, base + 1 + 1); // momentum
  opt.dispose();
  assert.equal(tf.memory().numTensors, base + 1);
});

test('getState / setState: a restored optimizer continues exactly', () => {
  const gs = [[0.3, -1], [0.1, 2], [-0.5, 0.4], [1, 1]];
  for (const switchAt of [99, 2]) {
    const a = vars([1, 1]);
    const optA = createOptimizer(a);
    gs.slice(0, 3).forEach((g, k) => { if (k === switchAt) optA.switchToSgd(); optA.apply(grads(g), 0.1); });
    const { scalars, tensors } = optA.getState();
    const b = vars(value(a));
    const optB = createOptimizer(b);
    optB.setState(JSON.parse(JSON.stringify(scalars)), tensors);
    optA.apply(grads(gs[3]), 0.1);
    optB.apply(grads(gs[3]), 0.1);
    assert.deepEqual(value(b), value(a));
    assert.equal(optB.phase, optA.phase);
    optA.dispose();
    optB.dispose();
  }
});

test('setState errors name the tensor', () => {
  const opt = createOptimizer(vars([1, 2]));
  const scalars = opt.getState().scalars;
  assert.throws(() => opt.setState(scalars, new Map()), /optimizer state: missing tensor 'adam.m\/x'/);
  const bad = new Map([['adam.m/x', tf.zeros([3])], ['adam.v/x', tf.zeros([3])]]);
  assert.throws(() => opt.setState(scalars, bad), /'adam.m\/x' has shape \[3\], variable has \[2\]/);
});

test('Adam then SGD minimize a quadratic', () => {
  // f(x) = sum (x - c)^2, gradient 2 (x - c).
  const c = [3, -1, 0.5];
  const v = vars([0, 0, 0]);
  const opt = createOptimizer(v, { weightDecay: 0 });
  const f = () => value(v).reduce((a, x, i) => a + (x - c[i]) ** 2, 0);
  const f0 = f();
  for (let k = 0; k < 200; k++) opt.apply(grads(value(v).map((x, i) => 2 * (x - c[i]))), 0.05);
  const fAdam = f();
  assert.ok(fAdam < 0.01 * f0, `adam: ${f0} -> ${fAdam}`);
  opt.switchToSgd();
  for (let k = 0; k < 200; k++) opt.apply(grads(value(v).map((x, i) => 2 * (x - c[i]))), 0.05);
  assert.ok(f() < fAdam, `sgd: ${fAdam} -> ${f()}`);
  opt.dispose();
});
