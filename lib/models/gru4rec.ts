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
 * slot holds item 0 the state is held (h' = h), so the zero initial state survives the padding
 * and a sequence gives the same outputs however much padding precedes it.
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
import type { ForwardOptions, ParamCounts, SeqModel } from './types';
import { VariableBuilder, checkInt, checkRate, checkSeqs, countParams, dropout, embedItems, linear, matMul, paddingMask } from './baseline-ops';

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

/** Fill defaults and validate. @throws Error naming the bad field. */
export function gru4recConfig(input: { numItems: number } & Partial<Gru4RecConfig>): Gru4RecConfig {
  const c: Gru4RecConfig = { ...GRU4REC_DEFAULTS, ...input };
  const where = 'gru4rec config';
  checkInt(where, 'numItems', c.numItems, 1);
  checkInt(where, 'maxLen', c.maxLen, 1);
  checkInt(where, 'dim', c.dim, 1);
  checkInt(where, 'hiddenSize', c.hiddenSize, 1);
  checkInt(where, 'numLayers', c.numLayers, 1);
  checkRate(where, 'dropout', c.dropout);
  return c;
}

interface GruLayer {
  /** Input weights per gate r, z, n: [in, H] each. */
  readonly wr: tf.Variable;
  readonly wz: tf.Variable;
  readonly wn: tf.Variable;
  /** Recurrent weights of the three gates side by side: [H, 3H]. */
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
    // PyTorch stores weight_ih as [3H, in]: Xavier over that whole matrix.
    const gate = (g: string) => vb.uniform(`gru.${l}.w${g}`, [inDim, H], Math.sqrt(6 / (inDim + 3 * H)));
    const wr = gate('r');
    const wz = gate('z');
    const wn = gate('n');
    const u = vb.xavierUniform(`gru.${l}.u`, [H, 3 * H], H, 3 * H);
    layers.push({ wr, wz, wn, u });
  }
  const bound = 1 / Math.sqrt(H);
  const denseW = vb.uniform('dense.w', [H, D], bound);
  const denseB = vb.uniform('dense.b', [D], bound);
  return { itemEmb, layers, denseW, denseB };
}

/**
 * One GRU layer over all slots: x [B, T, in], mask [B, T, 1] -> [B, T, H].
 * The input projections of all slots are one matMul each; only h·U runs per step.
 */
export function gruLayer(layer: GruLayer, x: tf.Tensor3D, mask: tf.Tensor3D, hidden: number): tf.Tensor3D {
  return tf.tidy(() => {
    const batch = x.shape[0];
    const xr = tf.unstack(linear(x, layer.wr), 1) as tf.Tensor2D[]; // T x [B, H]
    const xz = tf.unstack(linear(x, layer.wz), 1) as tf.Tensor2D[];
    const xn = tf.unstack(linear(x, layer.wn), 1) as tf.Tensor2D[];
    const m = tf.unstack(mask, 1) as tf.Tensor2D[]; // T x [B, 1]
    let h: tf.Tensor2D = tf.zeros([batch, hidden]); // [B, H]
    const outs: tf.Tensor2D[] = [];
    for (let t = 0; t < xr.length; t++) {
      const [hr, hz, hn] = tf.split(matMul(h, layer.u as tf.Tensor2D), 3, 1); // 3 x [B, H]
      const r = tf.sigmoid(tf.add(xr[t], hr));
      const z = tf.sigmoid(tf.add(xz[t], hz));
      const n = tf.tanh(tf.add(xn[t], tf.mul(r, hn)));
      const hNew = tf.add(n, tf.mul(z, tf.sub(h, n))); // (1 - z) n + z h
      h = tf.add(h, tf.mul(m[t], tf.sub(hNew, h))); // hold the state on padding slots
      outs.push(h);
    }
    return tf.stack(outs, 1) as tf.Tensor3D; // [B, T, H]
  });
}

function encode(p: Gru4RecParams, c: Gru4RecConfig, seqs: tf.Tensor2D, opts: ForwardOptions): tf.Tensor3D {
  checkSeqs('gru4rec.encode', seqs, c.maxLen);
  return tf.tidy(() => {
    const mask = paddingMask(seqs); // [B, T, 1]
    let x = dropout(embedItems(p.itemEmb as tf.Tensor2D, seqs), c.dropout, opts, 0); // [B, T, D]
    for (const layer of p.layers) x = gruLayer(layer, x, mask, c.hiddenSize); // [B, T, H]
    return linear(x, p.denseW as tf.Tensor2D, p.denseB as tf.Tensor1D); // [B, T, D]
  });
}

/**
 * A GRU4Rec model with weights drawn from `seed`.
 * @throws Error on an invalid config.
 * @example const m = createGru4Rec({ numItems: 1682 }, 0); const h = m.encode(seqs, { isTraining: false });
 */
export function createGru4Rec(input: { numItems: number } & Partial<Gru4RecConfig>, seed: number): SeqModel {
  const c = gru4recConfig(input);
  const vb = new VariableBuilder(seed);
  const p = initParams(c, vb);
  const counts: ParamCounts = countParams(vb.list, ['itemEmb']);
  return {
    kind: 'gru4rec',
    config: c as unknown as Readonly<Record<string, unknown>>,
    variables: new Map(vb.list),
    encode: (seqs, opts) => encode(p, c, seqs, opts),
    outputTable: () => p.itemEmb as tf.Tensor2D,
    paramCounts: () => counts,
    dispose: () => vb.list.forEach(([, v]) => v.dispose()),
  };
}
