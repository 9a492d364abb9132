/**
 * FuXi-alpha specifics (lib/models/fuxi.ts): parameter counts of the published configurations
 * worked out by hand, the variables, the positional channel, config defaults. The contract, the
 * gradient check and the time bias are tested in contract / gradcheck / time-bias.test.ts.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { createFuxi, FUXI, fuxiCounts } from '../../lib/models/fuxi';
import { maxAbsDiff } from './contract';

test('fuxi counts: the published configurations, term by term', () => {
  // Per layer D·H·(4V + 2Q) + (2·maxLen - 1) + 129 + 3·H·V·D + D + 3·D·F, maxLen 200, F = D.
  // ML-1M FuXi, L 2, D 50, H 1, Q = V = 50: 15,000 + 399 + 129 + 7,500 + 50 + 7,500 = 30,578.
  assert.equal(fuxiCounts({ numItems: 3706, maxLen: 200, dim: 50, numLayers: 2, numHeads: 1 }).nonEmbedding, 61_156);
  // ML-1M FuXi-large, L 8, D 50, H 2, Q = V = 25: 50·2·150 = 15,000, the same per layer.
  assert.equal(fuxiCounts({ numItems: 3706, maxLen: 200, dim: 50, numLayers: 8, numHeads: 2 }).nonEmbedding, 244_624);
  // ML-20M FuXi, L 2, D 256, H 4, 64: 393,216 + 399 + 129 + 196,608 + 256 + 196,608 = 787,216.
  assert.equal(fuxiCounts({ numItems: 26_744, maxLen: 200, dim: 256, numLayers: 2, numHeads: 4 }).nonEmbedding, 1_574_432);
});

test('fuxi: variables, counts and describe of a small model with every width distinct', () => {
  // L 1, D 4, H 2, Q 1, V 3, F 5, maxLen 6: 4·2·14 = 112 + 11 + 129 + 3·2·3·4 = 72 + 4 + 3·4·5 = 60 -> 388.
  const config = { numItems: 2, maxLen: 6, dim: 4, numLayers: 1, numHeads: 2, qkDim: 1, vDim: 3, innerSize: 5 };
  const m = createFuxi(config, 0);
  const sizes = Object.fromEntries([...m.variables].map(([k, v]) => [k, v.shape]));
  assert.deepEqual(sizes, {
    itemEmb: [3, 4], posEmb: [6, 4],
    'block0.wU': [4, 18], 'block0.wV': [4, 6], 'block0.wQ': [4, 2], 'block0.wK': [4, 2],
    'block0.rabPos': [11], 'block0.rabTime': [129],
    'block0.w0': [18, 4], 'block0.b0': [4], 'block0.w1': [4, 5], 'block0.w3': [4, 5], 'block0.w2': [5, 4],
  });
  assert.deepEqual(m.paramCounts(), { embedding: 12 + 24, nonEmbedding: 388, total: 424 });
  assert.equal(FUXI.describe(config), 'FuXi-α 1x4 (2 heads, dqk 1, dv 3, ffn 5), 388 non-emb');
  m.dispose();
  const wide = createFuxi({ numItems: 2, dim: 16 }, 0);
  assert.equal(wide.config.innerSize, 16, 'innerSize follows dim (ffn_multiply 1)');
  wide.dispose();
});

test('fuxi: the positional channel reads w_p, the semantic channel does not need it', () => {
  // Zeroing w_p changes the outputs (the positional channel is live without timestamps).
  const m = createFuxi({ numItems: 9, maxLen: 6, dim: 8, numLayers: 1, numHeads: 2, dropout: [0], embDropout: 0 }, 4);
  const rows = [[0, 3, 1, 4, 1, 5]];
  const run = () => tf.tidy(() => m.encode(tf.tensor2d(rows, undefined, 'int32'), { isTraining: false }).arraySync());
  const before = run();
  const w = m.variables.get('block0.rabPos')!;
  w.assign(tf.zerosLike(w));
  assert.ok(maxAbsDiff(before, run()) > 1e-4);
  m.dispose();
});
