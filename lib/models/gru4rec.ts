/**
 * GRU4Rec: session-based recommendation with recurrent neural networks (Hidasi et al., ICLR
 * 2016, arXiv 2015), in RecBole's form, the one the paper's Table V ran:
 * item embedding -> dropout -> stacked GRU (no biases) -> dense hidden -> dim; the hidden state
 * of each slot is scored against the item embedding table (tied, no output bias).
 *
 * Shapes: B batch, T sequence length, D embedding size (`dim`), H GRU hidden size, I items.
 *
 * GRU cell (PyTorch/RecBole gate order r, z, n; no biases):
 *   r = σ(x Wr + h Ur),  z = σ(x Wz + h Uz),  n = tanh(x Wn + r ⊙ (h Un)),  h' = (1 - z) ⊙ n + z ⊙ h.
 * Causal by construction (the state at slot t has seen slots <= t only). Left padding: while a
 * slot holds item 0 the update gate is forced to 1 (h' = h), so the zero initial state survives
 * the padding and a sequence gives the same outputs however much padding precedes it.
 *
 * Defaults and Table V (ML-20M, about 26.4K items):
 *   paper: n_layer 2, d_model 64, 1.69M emb, 180.3K non-emb.
 *   ours:  numLayers 2, dim 64, hiddenSize 128 (RecBole's default hidden size; with it the count
 *   is exact, with hidden 64 it would be 53.3K):
 *     layer 0: 3·H·(D + H) = 3·128·192 = 73,728;  layer 1: 3·H·(H + H) = 3·128·256 = 98,304;
 *     dense: H·D + D = 8,256;  non-emb = 180,288 (the paper's 180.3K).
 *   embedding = (I + 1)·D (the item table, padding row included).
 */
import * as tf from '@tensorflow/tfjs';
import { matMul } from '../ops/ops';
import type { ConfigInput, ForwardOptions, ModelEntry, ParamCounts, SeqModel } from './types';
import { gruScan } from './baseline-gru-scan';
import { dropout, embedItems, linear } from './nn';
import { assembleModel, checkInt, checkRate, formatCount, VariableBuilder } from './toolkit';

/** GRU4Rec hyper-parameters (JSON-serializable). */
export interface Gru4RecConfig {
  /** Number of real items I (ids 1..I). */
  readonly numItems: number;
  /** Longest sequence T the model accepts. */
  readonly maxLen: number;
  /** Item embedding size D (Table V's d_model). */
  readonly dim: number;
  /** GRU hidden size H. */
  readonly hiddenSize: number;
  /** Stacked GRU layers. */
  readonly numLayers: number;
  /** Dropout rate on the item embeddings (RecBole's only dropout site in GRU4Rec). */
  readonly dropout: number;
}

export const GRU4REC_DEFAULTS = {
  maxLen: 50, // the paper's maximum sequence length
  dim: 64, // Table V
  hiddenSize: 128, // RecBole default; reproduces Table V's 180.3K non-embedding parameters
  numLayers: 2, // Table V
  dropout: 0.3, // RecBole default dropout_prob
} as const;

/** Fill defaults and validate. @throws ConfigError naming the field, its value and what is allowed. */
export function gru4recConfig(input: ConfigInput<Gru4RecConfig>): Gru4RecConfig {
  const c: Gru4RecConfig = { ...GRU4REC_DEFAULTS, ...input };
  for (const k of ['numItems', 'maxLen', 'dim', 'hiddenSize', 'numLayers'] as const) checkInt('gru4rec', k, c[k]);
  checkRate('gru4rec', 'dropout', c.dropout);
  return c;
}

/**
 * Parameter counts (header): embedding (I + 1)·D; non-embedding = every other variable,
 * Σ_l 3·H·(in_l + H) with in_0 = D, in_l = H, plus the dense layer H·D + D.
 */
export function gru4recCounts(input: ConfigInput<Gru4RecConfig>): ParamCounts {
  const { numItems: I, dim: D, hiddenSize: H, numLayers: L } = gru4recConfig(input);
  const embedding = (I + 1) * D;
  let nonEmbedding = H * D + D;
  for (let l = 0; l < L; l++) nonEmbedding += 3 * H * ((l === 0 ? D : H) + H);
  return { embedding, nonEmbedding, total: embedding + nonEmbedding };
}

interface GruLayer {
  /** Input weights of the gates r, z, n side by side: [in, 3H]. */
  readonly w: tf.Variable;
  /** Recurrent weights of the gates r, z, n side by side: [H, 3H]. */
  readonly u: tf.Variable;
}

interface Gru4RecParams {
  readonly itemEmb: tf.Variable; // [I + 1, D]
  readonly layers: GruLayer[];
  readonly denseW: tf.Variable; // [H, D]
  readonly denseB: tf.Variable; // [D]
}

/** Initializers follow RecBole: embedding Xavier normal, GRU weights Xavier uniform, dense PyTorch default. */
function initParams(c: Gru4RecConfig, vb: VariableBuilder): Gru4RecParams {
  const { dim: D, hiddenSize: H } = c;
  const itemEmb = vb.xavierNormal('itemEmb', [c.numItems + 1, D], D, c.numItems + 1);
  const layers: GruLayer[] = [];
  for (let l = 0; l < c.numLayers; l++) {
    const inDim = l === 0 ? D : H;
    const w = vb.xavierUniform(`gru.${l}.w`, [inDim, 3 * H], inDim, 3 * H); // PyTorch's weight_ih_l, transposed
    const u = vb.xavierUniform(`gru.${l}.u`, [H, 3 * H], H, 3 * H); // weight_hh_l, transposed
    layers.push({ w, u });
  }
  const bound = 1 / Math.sqrt(H);
  const denseW = vb.uniform('dense.w', [H, D], bound);
  const denseB = vb.uniform('dense.b', [D], bound);
  return { itemEmb, layers, denseW, denseB };
}

/** Pre-activation added to the update gate z at padding slots: σ(1e4) is exactly 1 in float32. */
const HOLD_BIAS = 1e4;

/**
 * One GRU layer over all slots, time-major: x [T·B, in] (rows t·B .. t·B+B-1 are slot t),
 * hold [T·B, 1] (1 at padding slots) -> [T·B, H]. The input projections of all slots are one
 * matMul; the recurrence is one op with a hand-written backward pass (baseline-gru-scan.ts).
 * Padding: HOLD_BIAS·hold on z's pre-activation makes z = 1, so h' = n + 1·(h - n) = h; from the
 * zero initial state that is exactly 0 through the left padding, and the gradient there is 0.
 */
export function gruLayer(layer: GruLayer, x: tf.Tensor2D, hold: tf.Tensor2D, batch: number, hidden: number): tf.Tensor2D {
  return tf.tidy(() => {
    const H = hidden;
    const xg = matMul(x, layer.w as tf.Tensor2D); // [T·B, 3H], gates r | z | n
    const zHold = tf.concat([tf.zeros([1, H]), tf.fill([1, H], HOLD_BIAS), tf.zeros([1, H])], 1); // [1, 3H]
    return gruScan(tf.add(xg, tf.mul(hold, zHold)) as tf.Tensor2D, layer.u as tf.Tensor2D, batch); // [T·B, H]
  });
}

function encode(p: Gru4RecParams, c: Gru4RecConfig, seqs: tf.Tensor2D, opts: ForwardOptions): tf.Tensor3D {
  return tf.tidy(() => {
    const [B, T] = seqs.shape;
    const ids = tf.transpose(seqs); // [T, B]: time-major, transposing ints rather than floats
    const hold = tf.equal(ids, 0).cast('float32').reshape([T * B, 1]) as tf.Tensor2D; // [T·B, 1], 1 at padding
    const emb = embedItems(p.itemEmb as tf.Tensor2D, ids).reshape([T * B, c.dim]) as tf.Tensor2D; // [T·B, D]
    let x = dropout(emb, c.dropout, opts, 0); // [T·B, D]
    for (const layer of p.layers) x = gruLayer(layer, x, hold, B, c.hiddenSize); // [T·B, H]
    const out = linear(x, p.denseW, p.denseB).reshape([T, B, c.dim]); // [T, B, D]
    return tf.transpose(out, [1, 0, 2]) as tf.Tensor3D; // [B, T, D]
  });
}

/**
 * A GRU4Rec model with weights drawn from `seed`.
 * @throws ConfigError on an invalid config.
 * @example const m = createGru4Rec({ numItems: 1682 }, 0); const h = m.encode(seqs, { isTraining: false });
 */
export function createGru4Rec(input: ConfigInput<Gru4RecConfig>, seed: number): SeqModel {
  const c = gru4recConfig(input);
  const vb = new VariableBuilder('gru4rec', seed);
  const p = initParams(c, vb);
  return assembleModel('gru4rec', c, vb, { encode: (seqs, opts) => encode(p, c, seqs, opts), outputTable: () => p.itemEmb as tf.Tensor2D, counts: gru4recCounts(c) });
}

/** The registry entry (lib/models/index.ts). Its own RecBole dropout; no heads. */
export const GRU4REC: ModelEntry<Gru4RecConfig> = {
  label: 'GRU4Rec',
  defaults: GRU4REC_DEFAULTS,
  shapeFields: ['numLayers', 'dim', 'maxLen'],
  create: createGru4Rec,
  fromShape: ({ maxLen, dim, numLayers }, { numItems }) => ({ ...GRU4REC_DEFAULTS, numItems, maxLen, dim, numLayers }),
  paramCounts: gru4recCounts,
  describe: (input) => {
    const c = gru4recConfig(input);
    return `GRU4Rec ${c.numLayers}x${c.dim} (hidden ${c.hiddenSize}), ${formatCount(gru4recCounts(c).nonEmbedding)} non-emb`;
  },
};
