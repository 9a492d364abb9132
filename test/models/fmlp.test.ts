import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { createFmlp, fmlpConfig, FMLP_DEFAULTS } from '../../lib/models/fmlp';
import { causalConvDft, dftMatrix, idftMatrix } from '../../lib/models/baseline-dft';
import { maxAbsDiff, NUM_ITEMS } from './contract';

/** Brute-force causal convolution: y[b][t][d] = Σ_{s<=t} k[t-s][d] · x[b][s][d]. */
function bruteCausalConv(x: number[][][], k: number[][]): number[][][] {
  return x.map((seq) =>
    seq.map((_, t) => seq[0].map((_, d) => {
      let acc = 0;
      for (let s = 0; s <= t; s++) acc += k[t - s][d] * seq[s][d];
      return acc;
    })),
  );
}

test('fmlp filter: the DFT route equals a direct causal convolution (brute-force loop)', () => {
  for (const [B, T, D, K] of [[2, 7, 3, 7], [3, 10, 4, 12], [1, 1, 2, 3], [2, 50, 3, 50]]) {
    const x = tf.randomNormal([B, T, D], 0, 1, 'float32', 1) as tf.Tensor3D;
    const k = tf.randomNormal([K, D], 0, 1, 'float32', 2) as tf.Tensor2D;
    const got = causalConvDft(x, k).arraySync();
    const want = bruteCausalConv(x.arraySync(), k.arraySync());
    // Values are O(√T); float32 DFT sums over 2T+2 terms: 1e-4 relative is ample.
    assert.ok(maxAbsDiff(got, want) < 1e-4 * Math.sqrt(T) * 3, `T=${T}: diff ${maxAbsDiff(got, want)}`);
    tf.dispose([x, k]);
  }
});

test('fmlp filter: a unit impulse at lag 1 shifts the sequence by one slot', () => {
  // k = [0, 1, 0, ...]: y[t] = x[t-1], y[0] = 0 (nothing before the start, no wrap-around).
  const x = tf.tensor3d([[[1], [2], [3], [4]]]);
  const k = tf.tensor2d([[0], [1], [0], [0]]);
  const y = causalConvDft(x, k).arraySync()[0].map((r) => r[0]);
  assert.ok(maxAbsDiff(y, [0, 1, 2, 3]) < 1e-5, `got ${y}`);
  tf.dispose([x, k]);
});

test('fmlp filter: DFT matrices invert each other on the first T samples', () => {
  // idft · diag(ones) · dft on a zero-padded signal is the identity on lags 0..T-1.
  const T = 6;
  const F = T + 1;
  const fwd = dftMatrix(T);
  const inv = idftMatrix(T);
  for (let t = 0; t < T; t++) {
    for (let s = 0; s < T; s++) {
      let acc = 0;
      for (let f = 0; f < 2 * F; f++) acc += inv[t * 2 * F + f] * fwd[f * T + s];
      assert.ok(Math.abs(acc - (t === s ? 1 : 0)) < 1e-6, `(${t}, ${s}) = ${acc}`);
    }
  }
  // DC row is all ones; row f = 1 at s = 1 is cos(π/6) = √3/2 and -sin(π/6) = -1/2.
  assert.deepEqual(Array.from(fwd.slice(0, T)), [1, 1, 1, 1, 1, 1]);
  assert.ok(Math.abs(fwd[1 * T + 1] - Math.sqrt(3) / 2) < 1e-7 && Math.abs(fwd[(F + 1) * T + 1] + 0.5) < 1e-7);
});

test('fmlp filter: errors on a short kernel or a channel mismatch', () => {
  const x = tf.zeros([1, 5, 2]) as tf.Tensor3D;
  assert.throws(() => causalConvDft(x, tf.zeros([4, 2]) as tf.Tensor2D), /kernel has 4 lags, need >= T=5/);
  assert.throws(() => causalConvDft(x, tf.zeros([5, 3]) as tf.Tensor2D), /kernel has 3 channels, x has 2/);
  x.dispose();
});

test('fmlp: parameter counts (hand-computed) and Table V', () => {
  // Tiny: I = 20, maxLen = 10, D = 8, inner 16, 2 layers. emb = 21·8 + 10·8 = 168 + 80 = 248.
  // per layer: kernel 10·8 = 80, 2 LNs 2·16 = 32, FFN 8·16 + 16 + 16·8 + 8 = 280 -> 392.
  // non-emb = 2·392 + embedding LN 16 = 800; total 1,048.
  const tiny = createFmlp({ numItems: 20, maxLen: 10, dim: 8, numLayers: 2, innerSize: 16 }, 0);
  assert.deepEqual(tiny.paramCounts(), { embedding: 248, nonEmbedding: 800, total: 1048 });
  tiny.dispose();
  // Defaults with 1,682 items: emb = 1,683·64 + 50·64 = 110,912; non-emb = 2·36,544 + 128 = 73,216
  // (paper: 167.6K, not reproduced; see lib/models/fmlp.ts).
  const tv = createFmlp({ numItems: 1682 }, 0);
  assert.deepEqual(tv.paramCounts(), { embedding: 110_912, nonEmbedding: 73_216, total: 184_128 });
  tv.dispose();
});

test('fmlp: config defaults and errors', () => {
  assert.deepEqual(fmlpConfig({ numItems: 3 }), { ...FMLP_DEFAULTS, numItems: 3 });
  assert.throws(() => fmlpConfig({ numItems: 3, innerSize: 0 }), /fmlp config: innerSize must be an integer >= 1, got 0/);
  assert.throws(() => fmlpConfig({ numItems: 3, dropout: -0.1 }), /dropout must be in \[0, 1\), got -0.1/);
  assert.throws(() => fmlpConfig({ numItems: 3, layerNormEps: 0 }), /layerNormEps must be > 0, got 0/);
  const m = createFmlp({ numItems: 3, maxLen: 4, dim: 2, numLayers: 1, innerSize: 4 }, 0);
  assert.equal(m.kind, 'fmlp');
  assert.ok([...m.variables.keys()].includes('block.0.kernel'));
  m.dispose();
});
