/**
 * Llama-style decoder specifics (lib/models/llama.ts): RoPE against its formula, relative
 * positions, the feed-forward width rule, parameter counts, config errors.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { applyRope, createLlama, LLAMA, llamaCounts, llamaFfnDim, ropeAngles } from '../../lib/models/llama';
import { maxAbsDiff } from './contract';

test('rope: one head of width 4 at position 2, against the rotation by hand', () => {
  // ropeAngles(T 1, maxLen 3): slot 0 is position 3 - 1 + 0 = 2; θ_0 = 1, θ_1 = 10000^(-2/4) = 0.01.
  // Pairs (0, 2) and (1, 3): [x0 cos a - x2 sin a, x1 cos b - x3 sin b, x2 cos a + x0 sin a, x3 cos b + x1 sin b].
  const [a, b] = [2, 0.02];
  const want = [1 * Math.cos(a) - 3 * Math.sin(a), 2 * Math.cos(b) - 4 * Math.sin(b), 3 * Math.cos(a) + 1 * Math.sin(a), 4 * Math.cos(b) + 2 * Math.sin(b)];
  const got = tf.tidy(() => applyRope(tf.tensor4d([1, 2, 3, 4], [1, 1, 1, 4]), ropeAngles(1, 3, 4, 10_000)).dataSync());
  want.forEach((w, i) => assert.ok(Math.abs(got[i] - w) < 1e-6, `component ${i}: ${got[i]} vs ${w}`));
});

test('rope: q·k depends on the position difference only', () => {
  // ropeAngles(8, 8): slot t is position t. q at 5 with k at 3 equals q at 2 with k at 0.
  const dot = (pq: number, pk: number) =>
    tf.tidy(() => {
      const angles = ropeAngles(8, 8, 6, 10_000);
      const at = (v: number[], p: number) => {
        const x = new Array(8 * 6).fill(0);
        v.forEach((c, i) => (x[p * 6 + i] = c));
        return tf.slice(applyRope(tf.tensor4d(x, [1, 8, 1, 6]), angles), [0, p, 0, 0], [1, 1, 1, 6]);
      };
      return tf.sum(tf.mul(at([0.3, -1, 2, 0.5, 1, -0.7], pq), at([1, 0.2, -0.4, 0.9, -1.5, 0.1], pk))).dataSync()[0];
    });
  assert.ok(Math.abs(dot(5, 3) - dot(2, 0)) < 1e-5);
  assert.ok(Math.abs(dot(7, 7) - dot(0, 0)) < 1e-5);
  assert.ok(Math.abs(dot(5, 3) - dot(5, 4)) > 1e-3, 'the difference matters');
});

test('llamaFfnDim: floor(8d/3) rounded up to a multiple of 8', () => {
  // 8·64/3 = 170.7 -> 170 -> 176;  8·8/3 = 21.3 -> 24;  8·48/3 = 128 -> 128;  8·50/3 = 133.3 -> 136.
  assert.deepEqual([64, 8, 48, 50].map(llamaFfnDim), [176, 24, 128, 136]);
});

test('llama counts: L·(4D² + 3·D·F + 2D) + D, against the variables', () => {
  // Defaults L 2, D 64, F 176: 2·(16,384 + 33,792 + 128) + 64 = 100,672.
  assert.equal(llamaCounts({ numItems: 1682 }).nonEmbedding, 100_672);
  assert.equal(LLAMA.describe({ numItems: 1682 }), 'Llama 2x64 (2 heads, ffn 176), 100.7K non-emb');
  // L 1, D 4, H 1, F 3: 64 + 36 + 8 + 4 = 112; embedding (5 + 1)·4 = 24, no position table.
  const m = createLlama({ numItems: 5, dim: 4, numLayers: 1, numHeads: 1, innerSize: 3 }, 0);
  assert.deepEqual(m.paramCounts(), { embedding: 24, nonEmbedding: 112, total: 136 });
  assert.deepEqual([...m.variables.keys()], ['itemEmb', 'block0.attnNorm', 'block0.wQ', 'block0.wK', 'block0.wV', 'block0.wOut', 'block0.ffnNorm', 'block0.w1', 'block0.w3', 'block0.w2', 'normF']);
  m.dispose();
});

test('llama: a prefix gives the same states however many items follow (relative positions)', () => {
  const m = createLlama({ numItems: 9, maxLen: 6, dim: 8, numLayers: 2, numHeads: 2, innerSize: 8 }, 1);
  const run = (rows: number[][]) => tf.tidy(() => m.encode(tf.tensor2d(rows, undefined, 'int32'), { isTraining: false }).arraySync());
  assert.ok(maxAbsDiff(run([[5, 6]])[0], run([[5, 6, 7, 8]])[0].slice(0, 2)) <= 1e-5);
  m.dispose();
});

test('llama config: an odd head width is refused (RoPE rotates pairs)', () => {
  assert.throws(() => createLlama({ numItems: 3, dim: 6, numHeads: 2 }, 0), /^ConfigError: llama config: numHeads must be a divisor of dim \(6\) leaving an even head width \(RoPE rotates pairs\), got 2$/);
  const m = createLlama({ numItems: 3, dim: 32 }, 0);
  assert.equal(m.config.innerSize, 88, 'innerSize follows dim: 8·32/3 = 85.3 -> 85 -> 88');
  m.dispose();
});
