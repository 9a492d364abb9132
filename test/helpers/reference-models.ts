/**
 * Plain-tfjs reference implementations of the registry models (LSRM, GRU4Rec, FMLP-Rec, Caser,
 * HSTU, FuXi-alpha, Llama) and of the shared next-item loss, for test/models/gradcheck.test.ts
 * (issue 9, item 3 and issue 14, item 2: an independent check of the model's numbers).
 *
 * Each reference is written from the documented math of its model file (the headers of
 * lib/models/lsrm.ts + blocks.ts, gru4rec.ts, fmlp.ts + baseline-dft.ts, caser.ts, hstu.ts,
 * fuxi.ts, llama.ts) and of lib/train/loss.ts, and reads the model's own tf.Variables by name (model.variables), so tfjs
 * autodiff of the reference gives gradients for exactly the variables our loss trains. It imports
 * nothing from lib/ops or lib/models: no custom gradient, no fused or wasm kernel, no dropout
 * (the gradient check runs with every dropout rate 0). It must run on the `cpu` backend.
 *
 * Stock kernels only. lib/ops registers new kernel names (Lsrm*) and, on `cpu`, replaces exactly
 * one stock kernel globally: UnsortedSegmentSum (wasm-kernels.ts), which is tf.gather's gradient.
 * (Identity is replaced on wasm only.) So the references never call tf.gather: every embedding
 * lookup is a one-hot matrix times the table, whose gradient is a stock MatMul. The gradient
 * check profiles the reference's forward and backward pass and asserts that no Lsrm* kernel and
 * no UnsortedSegmentSum ran.
 *
 * Where the math is computed differently from lib on purpose (same function, other route):
 *   - attention mask: a boolean [B, 1, T, T] from JS and tf.where(allowed, s, -1e9), not an
 *     additive mask; scores scaled after the product, not q before it;
 *   - LayerNorm: tf.moments and its autodiff (lib: a fused kernel with a hand-written gradient);
 *   - GELU: 0.5·x·(1 + tanh(√(2/π)(x + 0.044715x³))) and its autodiff (lib: x·σ(2u), custom grad);
 *   - GRU: the textbook cell unrolled with autodiff, padding held by tf.where (lib: a hand-written
 *     backward pass through time, padding held by a +1e4 bias on the update gate);
 *   - FMLP filter: the causal convolution y[t] = Σ_{s<=t} k[t-s]·x[s] directly, as a Toeplitz
 *     product built from the kernel (lib: zero-padded real DFT matrices, baseline-dft.ts);
 *   - Caser: tf.conv2d over each slot's L x D window image and tf.maxPool (lib: one matMul per
 *     filter tap over shifted slices and a chain of tf.maximum); windows picked by a 0/1 matrix;
 *   - HSTU, FuXi-alpha: positions counted per row in JS and picked by one-hot rows; relative
 *     position and time biases as 0/1 selection matrices times the weight vectors, the time
 *     buckets worked out here (lib: index arrays, a JS gather with a hand-written scatter-add
 *     gradient); attention masked by tf.where (lib: a 0/1 multiplier); SiLU as x / (1 + e^-x);
 *     FuXi's channels concatenated into O and normalised at once (lib: channel by channel, no
 *     concat); L2 norms by tf.norm (lib: rsqrt of the clamped square sum);
 *   - Llama: RoPE as one K x K rotation matrix per slot (lib: half slices, cos/sin, concat);
 *   - loss: logits at every slot, tf.logSoftmax, a one-hot target matrix with zero rows at
 *     padding targets, sum / count (lib: gather of target slots, fused chunked softmax-CE).
 *
 * Shapes: B batch, T sequence length, D hidden, I items (ids 1..I, 0 = padding), V = I + 1.
 */
import * as tf from '@tensorflow/tfjs';
import type { SeqModel } from '../../lib/models/types';

/** The model's variables by name; records which names the reference read. */
export class VarReader {
  readonly used = new Set<string>();
  constructor(private readonly vars: ReadonlyMap<string, tf.Variable>) {}
  get<T extends tf.Tensor = tf.Tensor>(name: string): T {
    const v = this.vars.get(name);
    if (!v) throw new Error(`reference: the model has no variable '${name}' (has ${[...this.vars.keys()].join(', ')})`);
    this.used.add(name);
    return v as unknown as T;
  }
  /**
   * A variable this pass's math leaves out (HSTU's and FuXi-alpha's time weights without
   * timestamps): recorded as covered; the gradient check then requires that ours has no gradient
   * for it either (both sides' gradient lists must name the same variables).
   */
  skip(name: string): void {
    if (!this.vars.has(name)) throw new Error(`reference: the model has no variable '${name}'`);
    this.used.add(name);
  }
}

/**
 * A reference encoder: seqs [B][T] (left-padded item ids) -> hidden states [B, T, D]; `times`
 * [B][T] or [B][T + 1] in seconds, as ForwardOptions.timestamps (only HSTU and FuXi-alpha read it).
 */
export type ReferenceEncoder = (v: VarReader, config: Readonly<Record<string, unknown>>, seqs: number[][], times?: number[][]) => tf.Tensor3D;

// ---------------------------------------------------------------------------------------------
// shared pieces

/** One-hot rows of `ids` over `depth` classes as float32 [n, depth] (a constant). */
function oneHotRows(ids: number[], depth: number): tf.Tensor2D {
  const out = new Float32Array(ids.length * depth);
  ids.forEach((id, r) => {
    if (id < 0 || id >= depth) throw new Error(`reference: id ${id} outside [0, ${depth})`);
    out[r * depth + id] = 1;
  });
  return tf.tensor2d(out, [ids.length, depth]);
}

/** Embedding lookup without tf.gather: onehot(seqs) [B·T, V] · table [V, D] -> [B, T, D]. */
function lookup(table: tf.Tensor2D, seqs: number[][]): tf.Tensor3D {
  const [V, D] = table.shape;
  const B = seqs.length;
  const T = seqs[0].length;
  return tf.reshape(tf.matMul(oneHotRows(seqs.flat(), V), table), [B, T, D]);
}

/** 1 at item slots, 0 at padding: [B, T, 1] float32. */
function itemMask(seqs: number[][]): tf.Tensor3D {
  return tf.tensor3d(seqs.map((row) => row.map((x) => [x === 0 ? 0 : 1])));
}

/** x [..., in] · w [in, out] + b [out] over the last axis, as a rank-2 tf.matMul. */
function dense(x: tf.Tensor, w: tf.Tensor, b?: tf.Tensor): tf.Tensor {
  const [inDim, outDim] = w.shape;
  const lead = x.shape.slice(0, -1);
  const y = tf.matMul(tf.reshape(x, [-1, inDim]), w);
  return tf.reshape(b ? tf.add(y, b) : y, [...lead, outDim]);
}

/** LayerNorm over the last axis with tf.moments: (x - μ) / √(σ² + eps) · g + b. */
function layerNorm(x: tf.Tensor, g: tf.Tensor, b: tf.Tensor, eps: number): tf.Tensor {
  const { mean, variance } = tf.moments(x, -1, true);
  return tf.add(tf.mul(tf.div(tf.sub(x, mean), tf.sqrt(tf.add(variance, eps))), g), b);
}

/** GELU, tanh approximation (the form lib/ops documents), in its 0.5·x·(1 + tanh) spelling. */
function geluTanh(x: tf.Tensor): tf.Tensor {
  const inner = tf.mul(Math.sqrt(2 / Math.PI), tf.add(x, tf.mul(0.044715, tf.pow(x, 3))));
  return tf.mul(tf.mul(0.5, x), tf.add(1, tf.tanh(inner)));
}

/** Position rows for a length-T input, slot-aligned from the right: P[maxLen - T + t]. */
function slotPositions(posEmb: tf.Tensor2D, maxLen: number, T: number): tf.Tensor2D {
  return tf.slice(posEmb, [maxLen - T, 0], [T, posEmb.shape[1]]);
}

function num(config: Readonly<Record<string, unknown>>, key: string): number {
  const v = config[key];
  if (typeof v !== 'number') throw new Error(`reference: config.${key} is not a number (${String(v)})`);
  return v;
}

/** The gradient check runs without dropout: a non-zero rate in the config is a test bug. */
function assertNoDropout(config: Readonly<Record<string, unknown>>, keys: string[]): void {
  for (const k of keys) {
    const rates = [config[k]].flat() as number[];
    if (rates.some((r) => r !== 0)) throw new Error(`reference: config.${k} = ${JSON.stringify(config[k])}; the reference has no dropout, set it to 0`);
  }
}

// ---------------------------------------------------------------------------------------------
// LSRM (lsrm.ts, blocks.ts): x0 = E[item] + P[slot]; pre-LN blocks
//   x = x + Attn(LN1(x)),  x = x + W_down·GELU(W_up·LN2(x) + b_up) + b_down;  h = LN_f(x).
// Attention: H heads of K = D/H columns each, scores q·kᵀ/√K, query i sees key j iff j <= i and
// slot j holds an item; a query that sees no key (a padding slot) gets -1e9 everywhere, i.e.
// uniform weights (blocks.ts MASKED; such slots feed no loss). LayerNorm eps 1e-5 (ops.ts default).

const LSRM_EPS = 1e-5;
const MASKED = -1e9;

export const referenceLsrm: ReferenceEncoder = (v, c, seqs) => {
  assertNoDropout(c, ['dropout', 'embDropout']);
  const [D, H, L, maxLen] = [num(c, 'dim'), num(c, 'numHeads'), num(c, 'numLayers'), num(c, 'maxLen')];
  const B = seqs.length;
  const T = seqs[0].length;
  const K = D / H;
  const allowedArr = seqs.map((row) => [Array.from({ length: T }, (_, i) => row.map((item, j) => j <= i && item !== 0))]);
  const allowed = tf.tensor4d(allowedArr.flat(3) as unknown as number[], [B, 1, T, T], 'bool');
  const allowedHeads = tf.tile(allowed, [1, H, 1, 1]); // [B, H, T, T]
  const maskedFill = tf.fill([B, H, T, T], MASKED);
  const heads = (x: tf.Tensor) => tf.transpose(tf.reshape(x, [B, T, H, K]), [0, 2, 1, 3]); // [B, H, T, K]

  let x = tf.add(lookup(v.get('itemEmb'), seqs), slotPositions(v.get('posEmb'), maxLen, T)); // [B, T, D]
  for (let l = 0; l < L; l++) {
    const p = (n: string) => v.get(`block${l}.${n}`);
    const a = layerNorm(x, p('ln1.gamma'), p('ln1.beta'), LSRM_EPS);
    const q = heads(dense(a, p('attn.wQ'), p('attn.bQ')));
    const k = heads(dense(a, p('attn.wK'), p('attn.bK')));
    const val = heads(dense(a, p('attn.wV'), p('attn.bV')));
    const scores = tf.div(tf.matMul(q, k, false, true), Math.sqrt(K)); // [B, H, T, T]
    const weights = tf.softmax(tf.where(allowedHeads, scores, maskedFill)); // over keys
    const o = tf.reshape(tf.transpose(tf.matMul(weights, val), [0, 2, 1, 3]), [B, T, D]); // heads merged
    x = tf.add(x, dense(o, p('attn.wOut'), p('attn.bOut')));
    const f = dense(geluTanh(dense(layerNorm(x, p('ln2.gamma'), p('ln2.beta'), LSRM_EPS), p('ffn.wUp'), p('ffn.bUp'))), p('ffn.wDown'), p('ffn.bDown'));
    x = tf.add(x, f);
  }
  return layerNorm(x, v.get('lnF.gamma'), v.get('lnF.beta'), LSRM_EPS) as tf.Tensor3D;
};

// ---------------------------------------------------------------------------------------------
// GRU4Rec (gru4rec.ts): padding embeddings are 0; per layer the GRU without biases, gates r | z | n
// side by side in w [in, 3H] and u [H, 3H]:
//   r = σ(x Wr + h Ur),  z = σ(x Wz + h Uz),  n = tanh(x Wn + r ⊙ (h Un)),  h' = (1 - z) ⊙ n + z ⊙ h,
// from h = 0, with h' = h at padding slots; then a dense layer H -> D (no activation).

export const referenceGru4Rec: ReferenceEncoder = (v, c, seqs) => {
  assertNoDropout(c, ['dropout']);
  const [H, L] = [num(c, 'hiddenSize'), num(c, 'numLayers')];
  const B = seqs.length;
  const T = seqs[0].length;
  let x: tf.Tensor = tf.mul(lookup(v.get('itemEmb'), seqs), itemMask(seqs)); // [B, T, D]
  for (let l = 0; l < L; l++) {
    const w = v.get<tf.Tensor2D>(`gru.${l}.w`);
    const u = v.get<tf.Tensor2D>(`gru.${l}.u`);
    const inDim = w.shape[0];
    const gate = (m: tf.Tensor2D, rows: number, g: number) => tf.slice(m, [0, g * H], [rows, H]); // [rows, H]
    const [wr, wz, wn] = [0, 1, 2].map((g) => gate(w, inDim, g));
    const [ur, uz, un] = [0, 1, 2].map((g) => gate(u, H, g));
    let h: tf.Tensor = tf.zeros([B, H]);
    const states: tf.Tensor[] = [];
    for (let t = 0; t < T; t++) {
      const xt = tf.reshape(tf.slice(x, [0, t, 0], [B, 1, inDim]), [B, inDim]);
      const r = tf.sigmoid(tf.add(tf.matMul(xt, wr), tf.matMul(h, ur)));
      const z = tf.sigmoid(tf.add(tf.matMul(xt, wz), tf.matMul(h, uz)));
      const n = tf.tanh(tf.add(tf.matMul(xt, wn), tf.mul(r, tf.matMul(h, un))));
      const next = tf.add(tf.mul(tf.sub(1, z), n), tf.mul(z, h));
      const isPad = tf.tensor2d(seqs.map((row) => new Array(H).fill(row[t] === 0)).flat(), [B, H], 'bool');
      h = tf.where(isPad, h, next);
      states.push(h);
    }
    x = tf.stack(states, 1); // [B, T, H]
  }
  return dense(x, v.get('dense.w'), v.get('dense.b')) as tf.Tensor3D;
};

// ---------------------------------------------------------------------------------------------
// FMLP-Rec (fmlp.ts, baseline-dft.ts): x = LN(E[item] + P[slot]); per block, with m the item mask,
//   x <- LN(x + m ⊙ conv(m ⊙ x)),   x <- LN(x + W2·GELU(W1 x + b1) + b2)    (eps = config),
// conv the causal per-channel convolution y[t, d] = Σ_{s <= t} k[t - s, d]·x[s, d] with the
// kernel's lags 0..T-1. (At item slots x = m ⊙ x, so this is lib's residual of the masked input.)

/** Causal convolution along time as a Toeplitz product: x [B, T, D], kernel [>= T, D] -> [B, T, D]. */
function causalConv(x: tf.Tensor3D, kernel: tf.Tensor2D): tf.Tensor3D {
  const [, T, D] = x.shape;
  // sel[(t, s), lag] = 1 iff lag = t - s >= 0, so (sel · k)[(t, s), d] = k[t - s, d] (0 above the diagonal).
  const sel = new Float32Array(T * T * T);
  for (let t = 0; t < T; t++) for (let s = 0; s <= t; s++) sel[(t * T + s) * T + (t - s)] = 1;
  const toeplitz = tf.reshape(tf.matMul(tf.tensor2d(sel, [T * T, T]), tf.slice(kernel, [0, 0], [T, D])), [1, T, T, D]); // [1, t, s, D]
  return tf.sum(tf.mul(tf.expandDims(x, 1), toeplitz), 2) as tf.Tensor3D; // Σ_s over [B, t, s, D]
}

export const referenceFmlp: ReferenceEncoder = (v, c, seqs) => {
  assertNoDropout(c, ['dropout']);
  const [L, maxLen, eps] = [num(c, 'numLayers'), num(c, 'maxLen'), num(c, 'layerNormEps')];
  const T = seqs[0].length;
  const m = itemMask(seqs); // [B, T, 1]
  const norm = (x: tf.Tensor, name: string) => layerNorm(x, v.get(`${name}.gain`), v.get(`${name}.bias`), eps);
  let x = norm(tf.add(lookup(v.get('itemEmb'), seqs), slotPositions(v.get('posEmb'), maxLen, T)), 'embNorm') as tf.Tensor3D;
  for (let l = 0; l < L; l++) {
    const p = (n: string) => v.get(`block.${l}.${n}`);
    const filtered = tf.mul(causalConv(tf.mul(x, m) as tf.Tensor3D, p('kernel') as tf.Tensor2D), m);
    const h = norm(tf.add(x, filtered), `block.${l}.filterNorm`);
    const ffn = dense(geluTanh(dense(h, p('w1'), p('b1'))), p('w2'), p('b2'));
    x = norm(tf.add(h, ffn), `block.${l}.ffnNorm`) as tf.Tensor3D;
  }
  return x;
};

// ---------------------------------------------------------------------------------------------
// Caser (caser.ts): slot t's image is the L x D matrix of the embeddings of slots t-L+1..t (zero
// rows before the sequence and at padding). Vertical: n_v filters [L, 1] -> [D, n_v] per slot,
// flattened d-major (feature d·n_v + v, the order lib's reshape of [B·T·D, n_v] gives). Horizontal:
// for h = 1..L, n_h filters [h, D] (row j·D + d of conv.h{h}.w is tap j, channel d), ReLU, max
// over the L-h+1 positions. Features [vertical | h=1 | ... | h=L] -> fc1 -> act -> fc2 -> act.

export const referenceCaser: ReferenceEncoder = (v, c, seqs) => {
  assertNoDropout(c, ['dropout']);
  const [D, L, nh, nv] = [num(c, 'dim'), num(c, 'window'), num(c, 'numHorizontal'), num(c, 'numVertical')];
  if (c.fcActivation !== 'relu' && c.fcActivation !== 'identity') throw new Error(`reference: unknown fcActivation ${String(c.fcActivation)}`);
  const act = (x: tf.Tensor) => (c.fcActivation === 'relu' ? tf.relu(x) : x);
  const B = seqs.length;
  const T = seqs[0].length;
  const emb = tf.mul(lookup(v.get('itemEmb'), seqs), itemMask(seqs)); // [B, T, D]
  // pick[(t, l), s] = 1 iff s = t - L + 1 + l >= 0: row l of slot t's window is slot t-L+1+l.
  const pick = new Float32Array(T * L * T);
  for (let t = 0; t < T; t++) for (let l = 0; l < L; l++) if (t - L + 1 + l >= 0) pick[(t * L + l) * T + t - L + 1 + l] = 1;
  const byTime = tf.reshape(tf.transpose(emb, [1, 0, 2]), [T, B * D]); // [T, B·D]
  const windows = tf.reshape(tf.transpose(tf.reshape(tf.matMul(tf.tensor2d(pick, [T * L, T]), byTime), [T, L, B, D]), [2, 0, 1, 3]), [B * T, L, D, 1]); // NHWC images
  const vW = tf.reshape(v.get('conv.v.w'), [L, 1, 1, nv]);
  const vertical = tf.reshape(tf.add(tf.conv2d(windows as tf.Tensor4D, vW as tf.Tensor4D, 1, 'valid'), v.get('conv.v.b')), [B * T, D * nv]); // [B·T, 1, D, n_v] -> d-major
  const features: tf.Tensor[] = [vertical];
  for (let h = 1; h <= L; h++) {
    const w = tf.reshape(v.get(`conv.h${h}.w`), [h, D, 1, nh]) as tf.Tensor4D;
    const conv = tf.relu(tf.add(tf.conv2d(windows as tf.Tensor4D, w, 1, 'valid'), v.get(`conv.h${h}.b`))) as tf.Tensor4D; // [B·T, L-h+1, 1, n_h]
    features.push(tf.reshape(tf.maxPool(conv, [L - h + 1, 1], 1, 'valid'), [B * T, nh]));
  }
  const z = tf.concat(features, 1); // [B·T, n_v·D + n_h·L]
  const hidden = act(dense(z, v.get('fc1.w'), v.get('fc1.b')));
  return tf.reshape(act(dense(hidden, v.get('fc2.w'), v.get('fc2.b'))), [B, T, D]);
};

// ---------------------------------------------------------------------------------------------
// HSTU and FuXi-alpha (hstu.ts, fuxi.ts), shared input: x0 = m ⊙ (E[item]·√D + P[pos]) with pos the
// number of items before the slot in its row; visible pairs: j <= i and slot j holds an item.
// Relative biases, per layer: rab_pos[i, j] = w_p[maxLen - 1 + j - i]; rab_time[i, j] =
// w_t[min(128, floor(ln(max(|tq_i - t_j|, 1)) / 0.301))], tq_i = times[i + 1] (the last column of
// a [B][T + 1] list for the last slot; with [B][T] the last slot's own time). Output h = x / ||x||
// (floored at 1e-6); output table E / ||E|| / τ. Each bias is a 0/1 selection matrix times its
// weight column (lib: gathers), zero outside the visible pairs.

/** The visible pairs as a 0/1 float [B, 1, T, T] and as bool. */
function visiblePairs(seqs: number[][]): { ones: tf.Tensor4D; allowed: tf.Tensor4D } {
  const B = seqs.length;
  const T = seqs[0].length;
  const flat = seqs.flatMap((row) => Array.from({ length: T * T }, (_, r) => (Math.floor(r / T) >= r % T && row[r % T] !== 0 ? 1 : 0)));
  const ones = tf.tensor4d(flat, [B, 1, T, T]);
  return { ones, allowed: tf.cast(ones, 'bool') as tf.Tensor4D };
}

/** E[item]·√D + P[pos], zero at padding: [B, T, D] (positions picked by one-hot rows). */
function generativeInput(v: VarReader, seqs: number[][], maxLen: number): tf.Tensor3D {
  const E = v.get<tf.Tensor2D>('itemEmb');
  const D = E.shape[1];
  const positions = seqs.map((row) => row.map((_, t) => row.slice(0, t).filter((x) => x !== 0).length));
  const x = tf.add(tf.mul(lookup(E, seqs), Math.sqrt(D)), lookup(v.get<tf.Tensor2D>('posEmb'), positions));
  return tf.mul(x, itemMask(seqs)) as tf.Tensor3D;
}

/** rab_pos as [1, 1, T, T] from w_p, through a selection matrix (zero above the diagonal). */
function positionalBias(wPos: tf.Tensor1D, T: number, maxLen: number): tf.Tensor4D {
  const sel = new Float32Array(T * T * (2 * maxLen - 1));
  for (let i = 0; i < T; i++) for (let j = 0; j <= i; j++) sel[(i * T + j) * (2 * maxLen - 1) + maxLen - 1 + j - i] = 1;
  return tf.reshape(tf.matMul(tf.tensor2d(sel, [T * T, 2 * maxLen - 1]), tf.reshape(wPos, [-1, 1])), [1, 1, T, T]);
}

/** rab_time as [B, 1, T, T] from w_t [129], buckets worked out here from the times. */
function temporalBias(wTime: tf.Tensor1D, seqs: number[][], times: number[][]): tf.Tensor4D {
  const B = seqs.length;
  const T = seqs[0].length;
  const W = wTime.shape[0];
  const sel = new Float32Array(B * T * T * W);
  seqs.forEach((row, b) => {
    if (times[b].length !== T && times[b].length !== T + 1) throw new Error(`reference: times[${b}] has ${times[b].length} entries, want ${T} or ${T + 1}`);
    for (let i = 0; i < T; i++) {
      const query = times[b][i + 1] ?? times[b][T - 1];
      for (let j = 0; j <= i; j++) {
        if (row[j] === 0) continue;
        const gap = Math.max(Math.abs(query - times[b][j]), 1);
        sel[((b * T + i) * T + j) * W + Math.min(W - 1, Math.floor(Math.log(gap) / 0.301))] = 1;
      }
    }
  });
  return tf.reshape(tf.matMul(tf.tensor2d(sel, [B * T * T, W]), tf.reshape(wTime, [-1, 1])), [B, 1, T, T]);
}

/** SiLU as x / (1 + e^-x). */
function siluRef(x: tf.Tensor): tf.Tensor {
  return tf.div(x, tf.add(1, tf.exp(tf.neg(x))));
}

/** Per-head view [B, T, H·K] -> [B, H, T, K]. */
function toHeads(x: tf.Tensor, H: number): tf.Tensor4D {
  const [B, T, F] = x.shape;
  return tf.transpose(tf.reshape(x, [B, T, H, F / H]), [0, 2, 1, 3]);
}

/** x / max(||x||, 1e-6) over the last axis. */
function unitRows(x: tf.Tensor): tf.Tensor {
  return tf.div(x, tf.maximum(tf.norm(x, 'euclidean', -1, true), 1e-6));
}

export const referenceHstu: ReferenceEncoder = (v, c, seqs, times) => {
  assertNoDropout(c, ['dropout', 'embDropout']);
  const [H, L, maxLen, V] = [num(c, 'numHeads'), num(c, 'numLayers'), num(c, 'maxLen'), num(c, 'vDim')];
  const B = seqs.length;
  const T = seqs[0].length;
  const { allowed } = visiblePairs(seqs);
  const zeros = tf.zeros([B, H, T, T]);
  const norm = (x: tf.Tensor) => layerNorm(x, tf.ones([x.shape[x.rank - 1]]), tf.zeros([x.shape[x.rank - 1]]), 1e-6);
  let x: tf.Tensor = generativeInput(v, seqs, maxLen); // [B, T, D]
  for (let l = 0; l < L; l++) {
    const p = (n: string) => v.get(`block${l}.${n}`);
    const n = norm(x);
    const [u, val, q, k] = ['wU', 'wV', 'wQ', 'wK'].map((w) => siluRef(dense(n, p(w))));
    let bias = positionalBias(p('rabPos') as tf.Tensor1D, T, maxLen);
    if (times) bias = tf.add(bias, temporalBias(p('rabTime') as tf.Tensor1D, seqs, times));
    else v.skip(`block${l}.rabTime`);
    const scores = tf.add(tf.matMul(toHeads(q, H), toHeads(k, H), false, true), bias); // [B, H, T, T]
    const weights = tf.where(tf.tile(allowed, [1, H, 1, 1]), tf.div(siluRef(scores), maxLen), zeros);
    const o = tf.reshape(tf.transpose(tf.matMul(weights, toHeads(val, H)), [0, 2, 1, 3]), [B, T, H * V]);
    x = tf.add(x, dense(tf.mul(u, norm(o)), p('wOut'), p('bOut')));
  }
  return unitRows(x) as tf.Tensor3D;
};

export const referenceFuxi: ReferenceEncoder = (v, c, seqs, times) => {
  assertNoDropout(c, ['dropout', 'embDropout']);
  const [H, L, maxLen, V] = [num(c, 'numHeads'), num(c, 'numLayers'), num(c, 'maxLen'), num(c, 'vDim')];
  const B = seqs.length;
  const T = seqs[0].length;
  const { ones } = visiblePairs(seqs);
  const rms = (x: tf.Tensor) => tf.div(x, tf.sqrt(tf.add(tf.mean(tf.mul(x, x), -1, true), 1e-6)));
  let x: tf.Tensor = generativeInput(v, seqs, maxLen); // [B, T, D]
  for (let l = 0; l < L; l++) {
    const p = (n: string) => v.get(`block${l}.${n}`);
    const n = rms(x);
    const [u, val, q, k] = ['wU', 'wV', 'wQ', 'wK'].map((w) => siluRef(dense(n, p(w))));
    const semantic = tf.mul(tf.div(siluRef(tf.matMul(toHeads(q, H), toHeads(k, H), false, true)), maxLen), ones); // [B, H, T, T]
    const positional = tf.reshape(tf.mul(positionalBias(p('rabPos') as tf.Tensor1D, T, maxLen), ones), [B, T, T]);
    let temporal: tf.Tensor | undefined;
    if (times) temporal = tf.reshape(tf.mul(temporalBias(p('rabTime') as tf.Tensor1D, seqs, times), ones), [B, T, T]);
    else v.skip(`block${l}.rabTime`);
    // O = [P·V | R·V | S_1·V_1 | ... | S_H·V_H], channel-major (fuxi.ts header)
    const perHead = Array.from({ length: H }, (_, h) => tf.matMul(tf.reshape(tf.slice(semantic, [0, h, 0, 0], [B, 1, T, T]), [B, T, T]), tf.slice(val, [0, 0, h * V], [B, T, V])));
    const O = tf.concat([tf.matMul(positional, val), temporal ? tf.matMul(temporal, val) : tf.zerosLike(val), ...perHead], 2);
    const y = tf.mul(u, rms(O)); // [B, T, 3·H·V]
    const x1 = tf.add(x, dense(y, p('w0'), p('b0')));
    const z = rms(x1);
    x = tf.add(x1, dense(tf.mul(siluRef(dense(z, p('w1'))), dense(z, p('w3'))), p('w2')));
  }
  return unitRows(x) as tf.Tensor3D;
};

// ---------------------------------------------------------------------------------------------
// Llama (llama.ts): x0 = E[item]; pre-RMSNorm blocks with gains, x = x + W_o·Attn, x = x +
// W_2·(SiLU(W_1 n) ⊙ W_3 n); h = RMSNorm_f(x); RMSNorm eps 1e-5. RoPE on q and k per head at
// position p = maxLen - T + t, pairs (k, k + K/2) rotated by p·base^(-2k/K): applied here as one
// K x K rotation matrix per slot (lib: slices, cos/sin products and a concat). Softmax attention
// masked as LSRM's.

/** Rotation matrices [T, K, K]: row r, column c of slot t maps input r to output c. */
function ropeMatrices(T: number, maxLen: number, K: number, base: number): tf.Tensor3D {
  const half = K / 2;
  const m = new Float32Array(T * K * K);
  for (let t = 0; t < T; t++) {
    for (let k = 0; k < half; k++) {
      const angle = (maxLen - T + t) * Math.pow(base, (-2 * k) / K);
      const at = (r: number, col: number) => t * K * K + r * K + col;
      m[at(k, k)] = Math.cos(angle);
      m[at(k + half, k)] = -Math.sin(angle);
      m[at(k, k + half)] = Math.sin(angle);
      m[at(k + half, k + half)] = Math.cos(angle);
    }
  }
  return tf.tensor3d(m, [T, K, K]);
}

export const referenceLlama: ReferenceEncoder = (v, c, seqs) => {
  assertNoDropout(c, ['dropout', 'embDropout']);
  const [D, H, L, maxLen, base] = [num(c, 'dim'), num(c, 'numHeads'), num(c, 'numLayers'), num(c, 'maxLen'), num(c, 'ropeBase')];
  const B = seqs.length;
  const T = seqs[0].length;
  const K = D / H;
  const rot = ropeMatrices(T, maxLen, K, base);
  // [B, T, D] -> per slot [T, B·H, K] · rot[t] -> heads [B, H, T, K]
  const rope = (x: tf.Tensor) => {
    const bySlot = tf.reshape(tf.transpose(tf.reshape(x, [B, T, H, K]), [1, 0, 2, 3]), [T, B * H, K]);
    return tf.transpose(tf.reshape(tf.matMul(bySlot, rot), [T, B, H, K]), [1, 2, 0, 3]);
  };
  const allowedArr = seqs.map((row) => [Array.from({ length: T }, (_, i) => row.map((item, j) => j <= i && item !== 0))]);
  const allowed = tf.tile(tf.tensor4d(allowedArr.flat(3) as unknown as number[], [B, 1, T, T], 'bool'), [1, H, 1, 1]);
  const maskedFill = tf.fill([B, H, T, T], MASKED);
  const rms = (x: tf.Tensor, g: tf.Tensor) => tf.mul(tf.div(x, tf.sqrt(tf.add(tf.mean(tf.mul(x, x), -1, true), 1e-5))), g);
  let x: tf.Tensor = lookup(v.get('itemEmb'), seqs); // [B, T, D]
  for (let l = 0; l < L; l++) {
    const p = (n: string) => v.get(`block${l}.${n}`);
    const a = rms(x, p('attnNorm'));
    const q = rope(dense(a, p('wQ')));
    const k = rope(dense(a, p('wK')));
    const val = toHeads(dense(a, p('wV')), H);
    const scores = tf.div(tf.matMul(q, k, false, true), Math.sqrt(K));
    const weights = tf.softmax(tf.where(allowed, scores, maskedFill));
    x = tf.add(x, dense(tf.reshape(tf.transpose(tf.matMul(weights, val), [0, 2, 1, 3]), [B, T, D]), p('wOut')));
    const n = rms(x, p('ffnNorm'));
    x = tf.add(x, dense(tf.mul(siluRef(dense(n, p('w1'))), dense(n, p('w3'))), p('w2')));
  }
  return rms(x, v.get('normF')) as tf.Tensor3D;
};

// ---------------------------------------------------------------------------------------------

export const REFERENCE_ENCODERS: Readonly<Record<string, ReferenceEncoder>> = {
  lsrm: referenceLsrm,
  gru4rec: referenceGru4Rec,
  fmlp: referenceFmlp,
  caser: referenceCaser,
  hstu: referenceHstu,
  fuxi: referenceFuxi,
  llama: referenceLlama,
};

/** Output tables other than the raw item table: HSTU's and FuXi-alpha's E / ||E|| / τ. */
const REFERENCE_OUTPUT_TABLES: Readonly<Record<string, (v: VarReader, config: Readonly<Record<string, unknown>>) => tf.Tensor2D>> = {
  hstu: (v, c) => tf.div(unitRows(v.get('itemEmb')), num(c, 'temperature')) as tf.Tensor2D,
  fuxi: (v, c) => tf.div(unitRows(v.get('itemEmb')), num(c, 'temperature')) as tf.Tensor2D,
};

/**
 * The next-item loss of lib/train/loss.ts from its definition: mean over the slots whose target is
 * not 0 of -log softmax(h · W[1..I]ᵀ)[target - 1], W the output table: the item table E (tied)
 * or, for HSTU and FuXi-alpha, E / ||E|| / τ; no output bias. `times` as ForwardOptions.timestamps.
 * `used` lists the variables read.
 */
export function referenceLoss(model: SeqModel, inputs: number[][], targets: number[][], times?: number[][]): { loss: tf.Scalar; used: Set<string> } {
  const encode = REFERENCE_ENCODERS[model.kind];
  if (!encode) throw new Error(`reference: no reference for model kind '${model.kind}'`);
  if (model.outputBias) throw new Error(`reference: ${model.kind} has an output bias, which the reference does not model`);
  const v = new VarReader(model.variables);
  const loss = tf.tidy(() => {
    const h = encode(v, model.config, inputs, times); // [B, T, D]
    const [B, T, D] = h.shape;
    const table = REFERENCE_OUTPUT_TABLES[model.kind]?.(v, model.config) ?? v.get<tf.Tensor2D>('itemEmb'); // [V, D]
    const I = table.shape[0] - 1;
    const logits = tf.matMul(tf.reshape(h, [B * T, D]), tf.slice(table, [1, 0], [I, D]), false, true); // [B·T, I]
    const flat = targets.flat();
    const n = flat.filter((y) => y !== 0).length;
    if (n === 0) throw new Error('reference: every target is padding');
    const picks = new Float32Array(B * T * I); // one-hot of target - 1; zero rows at padding targets
    flat.forEach((y, r) => {
      if (y < 0 || y > I) throw new Error(`reference: target ${y} outside [0, ${I}]`);
      if (y !== 0) picks[r * I + y - 1] = 1;
    });
    return tf.div(tf.neg(tf.sum(tf.mul(tf.tensor2d(picks, [B * T, I]), tf.logSoftmax(logits)))), n) as tf.Scalar;
  });
  return { loss, used: v.used };
}
