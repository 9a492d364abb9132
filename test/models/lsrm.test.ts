import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { initBackend } from '../../lib/ops/backend';
import { createLsrm, LSRM_DEFAULTS, type LsrmConfig } from '../../lib/models/lsrm';
import { nextItemLoss } from '../../lib/train/loss';

before(async () => {
  await initBackend('cpu');
});

const TINY: LsrmConfig = { ...LSRM_DEFAULTS, numItems: 20, maxLen: 6, dim: 8, numLayers: 2, numHeads: 2, dropout: [0, 0], embDropout: 0 };
const EVAL = { isTraining: false };

function encode(model: ReturnType<typeof createLsrm>, rows: number[][], opts = EVAL as { isTraining: boolean; seed?: number }): number[][][] {
  return tf.tidy(() => model.encode(tf.tensor2d(rows, undefined, 'int32'), opts).arraySync());
}

function assertClose(a: number[], b: number[], tol: number, what: string): void {
  assert.equal(a.length, b.length);
  a.forEach((v, i) => assert.ok(Math.abs(v - b[i]) < tol, `${what}[${i}]: ${v} vs ${b[i]}`));
}

test('shapes, variables and parameter counts', () => {
  const m = createLsrm(TINY, 1);
  const h = m.encode(tf.tensor2d([[0, 0, 1, 2, 3, 4], [5, 6, 7, 8, 9, 10], [0, 0, 0, 0, 0, 20]], undefined, 'int32'), EVAL);
  assert.deepEqual(h.shape, [3, 6, 8]);
  assert.deepEqual(m.encode(tf.tensor2d([[1, 2, 3, 4]], undefined, 'int32'), EVAL).shape, [1, 4, 8]);
  assert.deepEqual(m.outputTable().shape, [21, 8]);
  // N = 12·2·8² = 1536; embedding = 21·8 + 6·8 = 216; biases+norms = 13·2·8 + 2·8 = 224
  assert.deepEqual(m.paramCounts(), { embedding: 216, nonEmbedding: 1536, total: 216 + 1536 + 224 });
  let total = 0;
  m.variables.forEach((v) => (total += v.size));
  assert.equal(total, m.paramCounts().total, 'every trainable scalar is counted');
  assert.ok(m.variables.has('itemEmb') && m.variables.has('posEmb') && m.variables.has('block1.ffn.wDown'));
  assert.equal(m.kind, 'lsrm');
  m.dispose();
});

test('causal: changing a later item leaves earlier outputs unchanged', () => {
  const m = createLsrm(TINY, 2);
  const a = encode(m, [[3, 1, 4, 1, 5, 9]])[0];
  const b = encode(m, [[3, 1, 4, 1, 7, 9]])[0]; // slot 4 differs
  for (let t = 0; t < 4; t++) assertClose(a[t], b[t], 1e-5, `slot ${t}`);
  assert.ok(a[4].some((v, i) => Math.abs(v - b[4][i]) > 1e-3), 'slot 4 sees its own item');
  m.dispose();
});

test('padding invariance: outputs at real slots ignore extra left padding and batch neighbours', () => {
  const m = createLsrm(TINY, 3);
  const long = encode(m, [[0, 0, 3, 5, 7, 2]])[0];
  const short = encode(m, [[0, 3, 5, 7, 2]])[0];
  const shortest = encode(m, [[3, 5, 7, 2]])[0];
  for (let k = 0; k < 4; k++) {
    assertClose(long[2 + k], short[1 + k], 1e-5, `T=5 slot ${k}`);
    assertClose(long[2 + k], shortest[k], 1e-5, `T=4 slot ${k}`);
  }
  const pair1 = encode(m, [[0, 0, 3, 5, 7, 2], [1, 2, 3, 4, 5, 6]]);
  const pair2 = encode(m, [[0, 0, 3, 5, 7, 2], [0, 0, 0, 9, 9, 9]]);
  for (let t = 2; t < 6; t++) assertClose(pair1[0][t], pair2[0][t], 1e-5, `row 0 slot ${t}`);
  assert.ok(pair1[0][0].every(Number.isFinite), 'a fully masked padding slot stays finite');
  m.dispose();
});

test('seeded init and dropout: same seed reproduces, another seed differs, eval ignores dropout', () => {
  const cfg = { ...TINY, dropout: [0.5, 0.3], embDropout: 0.2 };
  const m1 = createLsrm(cfg, 7);
  const m2 = createLsrm(cfg, 7);
  const m3 = createLsrm(cfg, 8);
  const row = [[0, 1, 2, 3, 4, 5]];
  assert.deepEqual(encode(m1, row), encode(m2, row));
  assert.notDeepEqual(encode(m1, row), encode(m3, row));
  const tr = (seed: number) => encode(m1, row, { isTraining: true, seed });
  assert.deepEqual(tr(11), tr(11));
  assert.notDeepEqual(tr(11), tr(12));
  assert.notDeepEqual(tr(11), encode(m1, row));
  [m1, m2, m3].forEach((m) => m.dispose());
});

test('config and input errors name the problem', () => {
  assert.throws(() => createLsrm({ ...TINY, dropout: [0.1] }, 1), /lsrm config: dropout must be 2 rates, one per layer \(numLayers = 2\), got \[0.1\]/);
  assert.throws(() => createLsrm({ ...TINY, numHeads: 3 }, 1), /lsrm config: numHeads must be a divisor of dim \(8\), got 3/);
  assert.throws(() => createLsrm({ ...TINY, numItems: 0 }, 1), /lsrm config: numItems must be an integer >= 1, got 0/);
  assert.throws(() => createLsrm({ ...TINY, dropout: [0, 1] }, 1), /lsrm config: dropout\[1\] must be in \[0, 1\), got 1/);
  assert.throws(() => createLsrm({ ...TINY, embDropout: -0.1 }, 1), /lsrm config: embDropout must be in \[0, 1\), got -0.1/);
  assert.throws(() => createLsrm({ ...TINY, initStd: 0 }, 1), /lsrm config: initStd must be > 0, got 0/);
  assert.throws(() => createLsrm({ numItems: 5, numLayers: 3 }, 1), /dropout must be 3 rates/, 'the default rates fit 2 layers only');
  const m = createLsrm(TINY, 1);
  assert.throws(() => m.encode(tf.tensor2d([[1, 2, 3, 4, 5, 6, 7]], undefined, 'int32'), EVAL), /lsrm.encode: sequence length 7 must be in \[1, maxLen=6\]/);
  assert.throws(() => m.encode(tf.tensor2d([[1, 2]]), EVAL), /lsrm.encode: seqs must be an int32 \[B, T\] tensor, got float32 \[1, 2\]/);
  m.dispose();
});

test('no tensor leaks: encode and a training-mode loss + gradient inside tidy', () => {
  const m = createLsrm({ ...TINY, dropout: [0.2, 0.2], embDropout: 0.1 }, 4);
  const inputs = tf.tensor2d([[0, 1, 2, 3, 4, 5]], undefined, 'int32');
  const targets = tf.tensor2d([[0, 2, 3, 4, 5, 6]], undefined, 'int32');
  const before = tf.memory().numTensors;
  tf.tidy(() => {
    m.encode(inputs, EVAL);
    tf.variableGrads(() => nextItemLoss(m, inputs, targets, { isTraining: true, seed: 1 }));
  });
  assert.equal(tf.memory().numTensors, before);
  m.dispose();
});

test('the loss falls when overfitting one tiny batch', () => {
  const m = createLsrm(TINY, 5);
  const inputs = tf.tensor2d([[0, 1, 2, 3, 4, 5], [0, 0, 9, 8, 7, 6], [11, 12, 13, 14, 15, 16]], undefined, 'int32');
  const targets = tf.tensor2d([[0, 2, 3, 4, 5, 6], [0, 0, 8, 7, 6, 5], [12, 13, 14, 15, 16, 17]], undefined, 'int32');
  const opt = tf.train.adam(0.02);
  const vars = [...m.variables.values()];
  const losses: number[] = [];
  for (let s = 0; s < 60; s++) {
    const l = opt.minimize(() => nextItemLoss(m, inputs, targets, EVAL), true, vars)!;
    losses.push(l.dataSync()[0]);
    l.dispose();
  }
  // starts near ln 20 = 3.0 (uniform over 20 items), ends far below
  assert.ok(Math.abs(losses[0] - Math.log(20)) < 0.3, `first loss ${losses[0]}`);
  assert.ok(losses[59] < 0.5, `last loss ${losses[59]}`);
  opt.dispose();
  m.dispose();
});
