/**
 * HSTU specifics (lib/models/hstu.ts): parameter counts of the published configurations worked
 * out by hand, unit-norm outputs and the cosine output table, config errors. The shared contract
 * (contract.test.ts), the gradient check (gradcheck.test.ts) and the time bias (time-bias.test.ts)
 * are elsewhere.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { createHstu, HSTU, hstuCounts, lookupBias } from '../../lib/models/hstu';

test('hstu counts: the published configurations, term by term', () => {
  // Per layer D·H·(2V + 2Q) + H·V·D + D + (2·maxLen - 1) + 129; maxLen 200 in every config.
  // ML-1M HSTU, L 2, D 50, H 1, Q = V = 50: 50·1·200 = 10,000 + 2,500 + 50 + 399 + 129 = 13,078.
  assert.equal(hstuCounts({ numItems: 3706, maxLen: 200, dim: 50, numLayers: 2, numHeads: 1 }).nonEmbedding, 26_156);
  // ML-1M HSTU-large, L 8, D 50, H 2, Q = V = 25: 50·2·100 = 10,000 + 2,500 + 50 + 399 + 129 = 13,078.
  assert.equal(hstuCounts({ numItems: 3706, maxLen: 200, dim: 50, numLayers: 8, numHeads: 2 }).nonEmbedding, 104_624);
  // ML-20M HSTU, L 2, D 256, H 4, Q = V = 64: 256·4·256 = 262,144 + 65,536 + 256 + 399 + 129 = 328,464.
  assert.equal(hstuCounts({ numItems: 26_744, maxLen: 200, dim: 256, numLayers: 2, numHeads: 4 }).nonEmbedding, 656_928);
  // ML-20M HSTU-large, L 8, D 256, H 8, Q = V = 32: the same per layer.
  assert.equal(hstuCounts({ numItems: 26_744, maxLen: 200, dim: 256, numLayers: 8, numHeads: 8 }).nonEmbedding, 2_627_712);
  // Embedding: (3,706 + 1)·50 items + 200·50 positions = 185,350 + 10,000.
  assert.equal(hstuCounts({ numItems: 3706, maxLen: 200, dim: 50, numLayers: 2, numHeads: 1 }).embedding, 195_350);
});

test('hstu counts: unequal head widths, against the variables', () => {
  // L 1, D 8, H 2, Q 3, V 5, maxLen 10: 8·2·16 = 256 + 2·5·8 = 80 + 8 + 19 + 129 = 492.
  const config = { numItems: 4, maxLen: 10, dim: 8, numLayers: 1, numHeads: 2, qkDim: 3, vDim: 5 };
  const m = createHstu(config, 0);
  const sizes = Object.fromEntries([...m.variables].map(([k, v]) => [k, v.shape]));
  assert.deepEqual(sizes, {
    itemEmb: [5, 8], posEmb: [10, 8],
    'block0.wU': [8, 10], 'block0.wV': [8, 10], 'block0.wQ': [8, 6], 'block0.wK': [8, 6],
    'block0.wOut': [10, 8], 'block0.bOut': [8], 'block0.rabPos': [19], 'block0.rabTime': [129],
  });
  assert.deepEqual(m.paramCounts(), { embedding: 40 + 80, nonEmbedding: 492, total: 612 });
  assert.equal(HSTU.describe(config), 'HSTU 1x8 (2 heads, dqk 3, dv 5), 492 non-emb');
  m.dispose();
});

test('hstu: item slots give unit vectors; the output table is E / ||E|| / τ', () => {
  const m = createHstu({ numItems: 6, maxLen: 5, dim: 4, numLayers: 1, numHeads: 1, temperature: 0.5 }, 3);
  const h = tf.tidy(() => m.encode(tf.tensor2d([[0, 1, 2, 3, 4]], undefined, 'int32'), { isTraining: false }).arraySync())[0];
  for (const row of h.slice(1)) assert.ok(Math.abs(Math.hypot(...row) - 1) < 1e-5, `norm ${Math.hypot(...row)}`);
  const table = tf.tidy(() => m.outputTable().arraySync());
  const emb = m.variables.get('itemEmb')!.arraySync() as number[][];
  table.forEach((row, i) => {
    const n = Math.hypot(...emb[i]);
    row.forEach((x, d) => assert.ok(Math.abs(x - emb[i][d] / n / 0.5) < 1e-5, `row ${i}, column ${d}`));
  });
  m.dispose();
});

test('hstu config: defaults follow dim and numHeads; bad values are named', () => {
  const m = createHstu({ numItems: 3, dim: 12, numHeads: 3, numLayers: 3 }, 0);
  assert.deepEqual([m.config.qkDim, m.config.vDim, m.config.dropout], [4, 4, [0.2, 0.2, 0.2]]);
  m.dispose();
  assert.throws(() => createHstu({ numItems: 3, dim: 10, numHeads: 3 }, 0), /^ConfigError: hstu config: numHeads must be a divisor of dim \(10\) unless qkDim and vDim are given, got 3$/);
  createHstu({ numItems: 3, dim: 10, numHeads: 3, qkDim: 4, vDim: 2 }, 0).dispose();
  assert.throws(() => createHstu({ numItems: 3, temperature: 0 }, 0), /hstu config: temperature must be > 0, got 0/);
  assert.throws(() => createHstu({ numItems: 3, dropout: [0.1] }, 0), /hstu config: dropout must be 2 rates, one per layer \(numLayers = 2\), got \[0.1\]/);
});

test('lookupBias: the JS loop (wasm, cpu) and the tf.gather route (other backends) agree, value and gradient', () => {
  // w = [0.5, -1, 2], idx = [2, 0, 2, 1, 2, 0]: value [2, 0.5, 2, -1, 2, 0.5];
  // with dy = [1, 2, 3, 4, 5, 6]: dw = [2 + 6, 4, 1 + 3 + 5] = [8, 4, 9].
  const w = tf.tensor1d([0.5, -1, 2]);
  const values = Int32Array.from([2, 0, 2, 1, 2, 0]);
  const dy = tf.tensor2d([[1, 2, 3], [4, 5, 6]]);
  for (const index of [{ values }, { values, tensor: tf.tensor1d(values, 'int32') }]) {
    const value = tf.tidy(() => lookupBias<tf.Rank.R2>(w, index, [2, 3]).arraySync());
    assert.deepEqual(value, [[2, 0.5, 2], [-1, 2, 0.5]]);
    const grad = tf.tidy(() => tf.grad((x: tf.Tensor) => tf.sum(tf.mul(lookupBias(x as tf.Tensor1D, index, [2, 3]), dy)))(w).arraySync());
    assert.deepEqual(grad, [8, 4, 9]);
    index.tensor?.dispose();
  }
  tf.dispose([w, dy]);
});
