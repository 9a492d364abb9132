import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createCaser, caserConfig, CASER_DEFAULTS, CASER_TABLE_V } from '../../lib/models/caser';
import { encodeArray, maxAbsDiff, NUM_ITEMS } from './contract';

const TINY = { numItems: NUM_ITEMS, maxLen: 10, dim: 6, window: 3, numHorizontal: 2, numVertical: 2, dropout: 0.3 } as const;

const relu = (x: number) => Math.max(0, x);

/**
 * Caser at one slot from the paper's definition: build that slot's L x D window (zero rows for
 * padding and before the start), convolve it, pool, and apply the two dense layers.
 */
function bruteCaserSlot(v: (k: string) => Float32Array, seq: number[], t: number, D: number, L: number, nh: number, nv: number): number[] {
  const emb = v('itemEmb');
  const win = Array.from({ length: L }, (_, l) => {
    const s = t - L + 1 + l;
    const it = s >= 0 ? seq[s] : 0;
    return Array.from({ length: D }, (_, d) => (it === 0 ? 0 : emb[it * D + d]));
  });
  const feats: number[] = [];
  // Vertical: out[d·nv + k] = Σ_l win[l][d]·vW[l][k] + vB[k].
  const vW = v('conv.v.w');
  const vB = v('conv.v.b');
  for (let d = 0; d < D; d++) for (let k = 0; k < nv; k++) feats.push(win.reduce((a, row, l) => a + row[d] * vW[l * nv + k], vB[k]));
  // Horizontal: for height h, filter j: max over start p of relu(Σ_{i<h, d} win[p+i][d]·W[(i·D + d)][j] + b[j]).
  for (let h = 1; h <= L; h++) {
    const W = v(`conv.h${h}.w`);
    const b = v(`conv.h${h}.b`);
    for (let j = 0; j < nh; j++) {
      let best = -Infinity;
      for (let p = 0; p + h <= L; p++) {
        let acc = b[j];
        for (let i = 0; i < h; i++) for (let d = 0; d < D; d++) acc += win[p + i][d] * W[(i * D + d) * nh + j];
        best = Math.max(best, relu(acc));
      }
      feats.push(best);
    }
  }
  const dense = (x: number[], w: Float32Array, b: Float32Array) => Array.from(b, (bj, j) => relu(x.reduce((a, xi, i) => a + xi * w[i * D + j], bj)));
  return dense(dense(feats, v('fc1.w'), v('fc1.b')), v('fc2.w'), v('fc2.b'));
}

test('caser: every slot matches the per-window definition (brute force)', () => {
  const c = { ...TINY, dim: 4, window: 3, numHorizontal: 3, numVertical: 2, dropout: 0 };
  const m = createCaser(c, 21);
  const v = (k: string) => m.variables.get(k)!.dataSync() as Float32Array;
  const rows = [[0, 0, 0, 5, 9, 1, 20], [3, 4, 5, 6, 7, 8, 9]];
  const got = encodeArray(m, rows);
  rows.forEach((seq, b) => {
    for (let t = 0; t < seq.length; t++) {
      const want = bruteCaserSlot(v, seq, t, c.dim, c.window, c.numHorizontal, c.numVertical);
      assert.ok(maxAbsDiff(got[b][t], want) < 1e-5, `row ${b} slot ${t}: ${got[b][t]} vs ${want}`);
    }
  });
  // Only the last L = 3 items matter: slots with the same last three items agree.
  const pair = encodeArray(m, [[1, 2, 3, 4, 5], [9, 9, 3, 4, 5]]);
  assert.ok(maxAbsDiff(pair[0][4], pair[1][4]) < 1e-6);
  m.dispose();
});

test('caser: identity activation skips the ReLU after fc1 and fc2', () => {
  const m = createCaser({ ...TINY, fcActivation: 'identity', dropout: 0 }, 3);
  const out = encodeArray(m, [[0, 0, 1, 2, 3]]).flat(2);
  assert.ok(out.some((x) => x < 0), 'identity output should have negative entries');
  const r = createCaser({ ...TINY, dropout: 0 }, 3);
  assert.ok(encodeArray(r, [[0, 0, 1, 2, 3]]).flat(2).every((x) => x >= 0));
  [m, r].forEach((x) => x.dispose());
});

test('caser: parameter counts (hand-computed), defaults and Table V', () => {
  // Tiny: I = 20, D = 6, L = 3, n_h = 2, n_v = 2. emb = 21·6 = 126.
  // conv_h: h=1: 2·6 + 2 = 14; h=2: 2·12 + 2 = 26; h=3: 2·18 + 2 = 38 -> 78. conv_v: 2·3 + 2 = 8.
  // fc1: (2·6 + 2·3)·6 + 6 = 114; fc2: 6·6 + 6 = 42. non-emb = 78 + 8 + 114 + 42 = 242; total 368.
  const tiny = createCaser(TINY, 0);
  assert.deepEqual(tiny.paramCounts(), { embedding: 126, nonEmbedding: 242, total: 368 });
  tiny.dispose();
  // Defaults (L 5, n_h 16, n_v 4, D 64), 1,682 items: conv_h Σ_{h=1..5}(16·64·h + 16) = 15,360 + 80 = 15,440;
  // conv_v 24; fc1 (256 + 80)·64 + 64 = 21,568; fc2 4,160 -> 41,192. emb = 1,683·64 = 107,712.
  const def = createCaser({ numItems: 1682 }, 0);
  assert.deepEqual(def.paramCounts(), { embedding: 107_712, nonEmbedding: 41_192, total: 148_904 });
  def.dispose();
  // Table V preset (L 50, n_h 8, n_v 4): 653,200 + 204 + 42,048 + 4,160 = 699,612
  // = the paper's 703,708 minus fc2's 64·64 weights on the user embedding.
  const tv = createCaser({ numItems: 1682, ...CASER_TABLE_V }, 0);
  assert.equal(tv.paramCounts().nonEmbedding, 699_612);
  assert.equal(703_708 - tv.paramCounts().nonEmbedding, 64 * 64);
  tv.dispose();
});

test('caser: config defaults and errors', () => {
  assert.deepEqual(caserConfig({ numItems: 4 }), { ...CASER_DEFAULTS, numItems: 4 });
  assert.throws(() => caserConfig({ numItems: 4, window: 0 }), /caser config: window must be an integer >= 1, got 0/);
  assert.throws(() => caserConfig({ numItems: 4, numVertical: 1.5 }), /numVertical must be an integer >= 1, got 1.5/);
  assert.throws(() => caserConfig({ numItems: 4, dropout: 2 }), /dropout must be in \[0, 1\), got 2/);
  assert.throws(() => caserConfig({ numItems: 4, fcActivation: 'tanh' as 'relu' }), /caser config: fcActivation must be one of 'relu', 'identity', got 'tanh'/);
  // A window longer than the sequence is fine (zero rows before the start).
  const m = createCaser({ ...TINY, window: 6, dropout: 0 }, 1);
  assert.equal(encodeArray(m, [[1, 2]])[0].length, 2);
  assert.equal(m.kind, 'caser');
  m.dispose();
});
