import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createGru4Rec, gru4recConfig, GRU4REC_DEFAULTS } from '../../lib/models/gru4rec';
import { encodeArray, maxAbsDiff, NUM_ITEMS } from './contract';

const sigmoid = (x: number) => 1 / (1 + Math.exp(-x));

/** x [in] · w [in, out] (row-major) -> [out]. */
function vecMat(x: number[], w: Float32Array, out: number, col0 = 0, stride = out): number[] {
  return Array.from({ length: out }, (_, j) => x.reduce((s, xi, i) => s + xi * w[i * stride + col0 + j], 0));
}

test('gru4rec: matches a scalar GRU written from the equations (2 layers, padding held)', () => {
  const m = createGru4Rec({ numItems: NUM_ITEMS, maxLen: 6, dim: 3, hiddenSize: 4, numLayers: 2, dropout: 0 }, 11);
  const H = 4;
  const v = (k: string) => m.variables.get(k)!.dataSync() as Float32Array;
  const emb = v('itemEmb');
  const seq = [0, 0, 4, 9, 1, 20];
  // Layer input per slot: the item embedding (zero for padding).
  let xs: number[][] = seq.map((it) => (it === 0 ? [0, 0, 0] : Array.from(emb.slice(it * 3, it * 3 + 3))));
  for (let l = 0; l < 2; l++) {
    const w = v(`gru.${l}.w`); // [in, 3H], gates r | z | n
    const u = v(`gru.${l}.u`); // [H, 3H]
    let h = new Array(H).fill(0);
    const outs: number[][] = [];
    seq.forEach((it, t) => {
      if (it !== 0) {
        const hr = vecMat(h, u, H, 0, 3 * H);
        const hz = vecMat(h, u, H, H, 3 * H);
        const hn = vecMat(h, u, H, 2 * H, 3 * H);
        const r = vecMat(xs[t], w, H, 0, 3 * H).map((a, j) => sigmoid(a + hr[j]));
        const z = vecMat(xs[t], w, H, H, 3 * H).map((a, j) => sigmoid(a + hz[j]));
        const n = vecMat(xs[t], w, H, 2 * H, 3 * H).map((a, j) => Math.tanh(a + r[j] * hn[j]));
        h = n.map((nj, j) => (1 - z[j]) * nj + z[j] * h[j]);
      }
      outs.push(h);
    });
    xs = outs;
  }
  const dw = v('dense.w');
  const db = v('dense.b');
  const expected = xs.map((h) => vecMat(h, dw, 3).map((y, j) => y + db[j]));
  const got = encodeArray(m, [seq])[0];
  assert.ok(maxAbsDiff(got, expected) < 1e-5, `max diff ${maxAbsDiff(got, expected)}`);
  // Padding slots: state held at 0, so the output is the dense bias alone.
  assert.ok(maxAbsDiff(got[0], Array.from(db)) < 1e-6);
  m.dispose();
});

test('gru4rec: parameter counts (hand-computed) and Table V', () => {
  // Tiny: I = 20, D = 6, H = 5, 2 layers. emb = 21·6 = 126.
  // layer 0: 3·5·6 + 3·5·5 = 90 + 75 = 165; layer 1: 3·5·5 + 75 = 150; dense 5·6 + 6 = 36.
  // non-emb = 165 + 150 + 36 = 351; total = 477.
  const tiny = createGru4Rec({ numItems: 20, maxLen: 10, dim: 6, hiddenSize: 5, numLayers: 2 }, 0);
  assert.deepEqual(tiny.paramCounts(), { embedding: 126, nonEmbedding: 351, total: 477 });
  tiny.dispose();
  // Table V setting with ML-100k's 1,682 items: non-emb = 73,728 + 98,304 + 8,256 = 180,288 (paper: 180.3K);
  // emb = 1,683·64 = 107,712.
  const tv = createGru4Rec({ numItems: 1682 }, 0);
  assert.deepEqual(tv.paramCounts(), { embedding: 107_712, nonEmbedding: 180_288, total: 288_000 });
  tv.dispose();
});

test('gru4rec: config defaults and errors', () => {
  const c = gru4recConfig({ numItems: 5 });
  assert.deepEqual(c, { ...GRU4REC_DEFAULTS, numItems: 5 });
  assert.throws(() => gru4recConfig({ numItems: 0 }), /gru4rec config: numItems must be an integer >= 1, got 0/);
  assert.throws(() => gru4recConfig({ numItems: 5, hiddenSize: 2.5 }), /hiddenSize must be an integer >= 1, got 2.5/);
  assert.throws(() => gru4recConfig({ numItems: 5, numLayers: 0 }), /numLayers must be an integer >= 1, got 0/);
  assert.throws(() => gru4recConfig({ numItems: 5, dropout: 1 }), /dropout must be in \[0, 1\), got 1/);
  const m = createGru4Rec({ numItems: 5, dim: 4, hiddenSize: 3, numLayers: 1 }, 0);
  assert.equal(m.kind, 'gru4rec');
  assert.deepEqual(JSON.parse(JSON.stringify(m.config)), m.config);
  assert.deepEqual([...m.variables.keys()], ['itemEmb', 'gru.0.w', 'gru.0.u', 'dense.w', 'dense.b']);
  m.dispose();
});
