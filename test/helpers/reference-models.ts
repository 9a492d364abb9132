/**
 * Plain-tfjs reference implementations of the four registry models (LSRM, GRU4Rec, FMLP-Rec,
 * Caser) and of the shared next-item loss, for test/models/gradcheck.test.ts (issue 9, item 3: an
 * independent check of the model's numbers).
 *
 * Each reference is written from the documented math of its model file (the headers of
 * lib/models/lsrm.ts + blocks.ts, gru4rec.ts, fmlp.ts + baseline-dft.ts, caser.ts) and of
 * lib/train/loss.ts, and reads the model's own tf.Variables by name (model.variables), so tfjs
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
}

/** A reference encoder: seqs [B][T] (left-padded item ids) -> hidden states [B, T, D]. */
export type ReferenceEncoder = (v: VarReader, config: Readonly<Record<string, unknown>>, seqs: number[][]) => tf.Tensor3D;

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

export const REFERENCE_ENCODERS: Readonly<Record<string, ReferenceEncoder>> = {
  lsrm: referenceLsrm,
  gru4rec: referenceGru4Rec,
  fmlp: referenceFmlp,
  caser: referenceCaser,
};

/**
 * The next-item loss of lib/train/loss.ts from its definition: mean over the slots whose target is
 * not 0 of -log softmax(h · E[1..I]ᵀ)[target - 1], E the item table (tied output for all four
 * models, no output bias). `used` lists the variables read.
 */
export function referenceLoss(model: SeqModel, inputs: number[][], targets: number[][]): { loss: tf.Scalar; used: Set<string> } {
  const encode = REFERENCE_ENCODERS[model.kind];
  if (!encode) throw new Error(`reference: no reference for model kind '${model.kind}'`);
  if (model.outputBias) throw new Error(`reference: ${model.kind} has an output bias, which the reference does not model`);
  const v = new VarReader(model.variables);
  const loss = tf.tidy(() => {
    const h = encode(v, model.config, inputs); // [B, T, D]
    const [B, T, D] = h.shape;
    const table = v.get<tf.Tensor2D>('itemEmb'); // [V, D]
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
