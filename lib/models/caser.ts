/**
 * Caser: convolutional sequence embedding (Tang & Wang, WSDM 2018), in the form of the authors'
 * and RecBole's code, computed for every slot at once so it trains with the lab's every-slot loss.
 *
 * Shapes: B batch, T sequence length, D embedding size (`dim`), L window (`window`),
 * n_h horizontal filters per height, n_v vertical filters, I items.
 *
 * For each slot t the window holds the embeddings of slots t-L+1..t (zero rows before the
 * sequence start and for padding), an L x D "image":
 *   vertical:   n_v filters of height L, width 1 (weighted sums of the L rows), no activation;
 *   horizontal: for each height h = 1..L, n_h filters of h x D, ReLU, max-pool over the
 *               L-h+1 positions;
 *   concat [n_v·D + n_h·L] -> dropout -> fc1 -> D -> act -> fc2 -> D -> act,
 * scored against the item table (tied, no output bias; RecBole's scoring).
 * All slots at once: the window tensor [B, T, L, D] is L shifted slices of the left-padded
 * embeddings (causal: slot t reads slots <= t only). The vertical conv is one matMul over it.
 * A horizontal filter's response at a start position does not depend on which window contains
 * it, so each height is computed once per position of the padded sequence and then max-pooled
 * over a sliding span of L-h+1 positions: the same numbers as convolving every window, L times
 * cheaper.
 *
 * No user embedding. Caser concatenates a user embedding to fc1's output before fc2
 * ([z; u] of 2D -> D). This lab is item-ID only (the user's history is the only user signal), so
 * we drop u and fc2 maps D -> D. Effect on Table V's counts (ML-20M, 138.5K users, ~26.4K items):
 *   paper: 10.55M emb = items 1.69M + users 8.86M; 703.7K non-emb.
 *   The 703.7K is RecBole's Caser with L = 50 (its max sequence length), n_h = 8, n_v = 4, D = 64:
 *     conv_h Σ_{h=1..50} (8·h·64 + 8) = 653,200;  conv_v 4·50 + 4 = 204;
 *     fc1 (4·64 + 8·50)·64 + 64 = 42,048;  fc2 (2·64)·64 + 64 = 8,256;  total 703,708.
 *   ours with CASER_TABLE_V (same L, n_h, n_v): fc2 is 64·64 + 64 = 4,160, total 699,612, i.e.
 *     703,708 minus the 4,096 weights that read the user embedding; emb = items only (no 8.86M).
 *   ours with CASER_DEFAULTS (the Caser paper's L = 5, n_h = 16, n_v = 4, D = 64):
 *     conv_h Σ_{h=1..5} (16·h·64 + 16) = 15,440;  conv_v 4·5 + 4 = 24;
 *     fc1 (4·64 + 16·5)·64 + 64 = 21,568;  fc2 4,160;  total 41,192 non-emb.
 *   L = 50 at every slot costs about 50x the FLOPs of L = 5 (the horizontal filters dominate), so
 *   the smaller window is the default here.
 *   embedding = (I + 1)·D (the item table).
 */
import * as tf from '@tensorflow/tfjs';
import { matMul } from '../ops/ops';
import type { ConfigInput, ForwardOptions, ModelEntry, ParamCounts, SeqModel } from './types';
import { dropout, embedItems, linear } from './nn';
import { assembleModel, checkInt, checkOneOf, checkRate, formatCount, VariableBuilder } from './toolkit';

/** Caser hyper-parameters (JSON-serializable). */
export interface CaserConfig {
  readonly numItems: number;
  readonly maxLen: number;
  readonly dim: number;
  /** Window L: how many most recent items each slot's convolutions see. */
  readonly window: number;
  /** n_h: horizontal filters per height 1..L. */
  readonly numHorizontal: number;
  /** n_v: vertical filters. */
  readonly numVertical: number;
  /** Dropout on the concatenated convolution features. */
  readonly dropout: number;
  /** Activation after fc1 and fc2 (φ_a); the authors' code and RecBole use ReLU. */
  readonly fcActivation: 'relu' | 'identity';
}

export const CASER_DEFAULTS = {
  maxLen: 50, // the paper's maximum sequence length
  dim: 64, // Table V
  window: 5, // Caser paper, L = 5
  numHorizontal: 16, // Caser paper, n_h = 16
  numVertical: 4, // Caser paper and RecBole, n_v = 4
  dropout: 0.5, // Caser paper
  fcActivation: 'relu', // authors' code and RecBole
} as const;

/** RecBole's Caser as Table V counted it: window = max length 50, n_h = 8, n_v = 4 (slow: see header). */
export const CASER_TABLE_V = { window: 50, numHorizontal: 8, numVertical: 4, dropout: 0.4 } as const;

/** Fill defaults and validate. @throws ConfigError naming the field, its value and what is allowed. */
export function caserConfig(input: ConfigInput<CaserConfig>): CaserConfig {
  const c: CaserConfig = { ...CASER_DEFAULTS, ...input };
  for (const k of ['numItems', 'maxLen', 'dim', 'window', 'numHorizontal', 'numVertical'] as const) checkInt('caser', k, c[k]);
  checkRate('caser', 'dropout', c.dropout);
  checkOneOf('caser', 'fcActivation', c.fcActivation, ['relu', 'identity']);
  return c;
}

/**
 * Parameter counts (header): embedding (I + 1)·D; non-embedding = horizontal convs
 * Σ_{h=1..L} (n_h·h·D + n_h), vertical conv L·n_v + n_v, fc1 (n_v·D + n_h·L)·D + D, fc2 D·D + D.
 */
export function caserCounts(input: ConfigInput<CaserConfig>): ParamCounts {
  const { numItems: I, dim: D, window: L, numHorizontal: nh, numVertical: nv } = caserConfig(input);
  const embedding = (I + 1) * D;
  let nonEmbedding = L * nv + nv + (nv * D + nh * L) * D + D + D * D + D;
  for (let h = 1; h <= L; h++) nonEmbedding += nh * h * D + nh;
  return { embedding, nonEmbedding, total: embedding + nonEmbedding };
}

interface CaserParams {
  readonly itemEmb: tf.Variable; // [I + 1, D]
  readonly vW: tf.Variable; // [L, n_v]
  readonly vB: tf.Variable; // [n_v]
  readonly hW: tf.Variable[]; // height h: [h·D, n_h]
  readonly hB: tf.Variable[]; // [n_h]
  readonly fc1W: tf.Variable; // [n_v·D + n_h·L, D]
  readonly fc1B: tf.Variable; // [D]
  readonly fc2W: tf.Variable; // [D, D]
  readonly fc2B: tf.Variable; // [D]
}

/** RecBole's init: embedding N(0, 1/D²), linear Xavier normal with zero bias, convs PyTorch's U(±1/√fanIn). */
function initParams(c: CaserConfig, vb: VariableBuilder): CaserParams {
  const { dim: D, window: L, numHorizontal: nh, numVertical: nv } = c;
  const itemEmb = vb.normal('itemEmb', [c.numItems + 1, D], 1 / D);
  const vW = vb.uniform('conv.v.w', [L, nv], 1 / Math.sqrt(L));
  const vB = vb.uniform('conv.v.b', [nv], 1 / Math.sqrt(L));
  const hW: tf.Variable[] = [];
  const hB: tf.Variable[] = [];
  for (let h = 1; h <= L; h++) {
    const bound = 1 / Math.sqrt(h * D);
    hW.push(vb.uniform(`conv.h${h}.w`, [h * D, nh], bound));
    hB.push(vb.uniform(`conv.h${h}.b`, [nh], bound));
  }
  const fcIn = nv * D + nh * L;
  const fc1W = vb.xavierNormal('fc1.w', [fcIn, D], fcIn, D);
  const fc1B = vb.constant('fc1.b', [D], 0);
  const fc2W = vb.xavierNormal('fc2.w', [D, D], D, D);
  const fc2B = vb.constant('fc2.b', [D], 0);
  return { itemEmb, vW, vB, hW, hB, fc1W, fc1B, fc2W, fc2B };
}

/** Vertical convolution over each slot's window: padded [B, T+L-1, D] -> [B, T, D·n_v]. */
function vertical(p: CaserParams, padded: tf.Tensor3D, T: number, L: number): tf.Tensor3D {
  return tf.tidy(() => {
    const [B, , D] = padded.shape;
    const rows = Array.from({ length: L }, (_, l) => padded.slice([0, l, 0], [B, T, D])); // L x [B, T, D]
    // The window tensor [B, T, L, D]; stacking on axis 2 copies whole D-rows (a stack on the last
    // axis copies single floats, slow on wasm), and one transpose moves L last.
    const win = tf.transpose(tf.stack(rows, 2), [0, 1, 3, 2]); // [B, T, D, L]
    const v = linear(win.reshape([B * T * D, L]) as tf.Tensor2D, p.vW, p.vB); // [B·T·D, n_v]
    return v.reshape([B, T, -1]) as tf.Tensor3D; // [B, T, D·n_v]
  });
}

/** Horizontal filters of height h, max-pooled per window: padded [B, T+L-1, D] -> [B, T, n_h]. */
function horizontal(p: CaserParams, padded: tf.Tensor3D, T: number, L: number, h: number): tf.Tensor3D {
  return tf.tidy(() => {
    const [B, P, D] = padded.shape; // P = T + L - 1
    const starts = P - h + 1; // filter start positions in the padded sequence
    // Σ_j E[s + j]·W[j]: one matMul per tap (a concat of the taps would split again in the gradient).
    const w = p.hW[h - 1];
    const terms = Array.from({ length: h }, (_, j) =>
      matMul(padded.slice([0, j, 0], [B, starts, D]).reshape([B * starts, D]) as tf.Tensor2D, w.slice([j * D, 0], [D, -1]) as tf.Tensor2D),
    ); // h x [B·starts, n_h]
    const conv = tf.relu(tf.add(tf.addN(terms), p.hB[h - 1])).reshape([B, starts, -1]) as tf.Tensor3D; // [B, starts, n_h]
    // Window of slot t spans padded positions t..t+L-1: starts t..t+L-h.
    const spans = Array.from({ length: L - h + 1 }, (_, q) => conv.slice([0, q, 0], [B, T, -1])); // [B, T, n_h] each
    // A chain of pairwise maxima: on wasm its gradient is 4x cheaper than that of stack + max.
    return spans.reduce((a, b) => tf.maximum(a, b)) as tf.Tensor3D; // [B, T, n_h]
  });
}

function encode(p: CaserParams, c: CaserConfig, seqs: tf.Tensor2D, opts: ForwardOptions): tf.Tensor3D {
  return tf.tidy(() => {
    const T = seqs.shape[1];
    const L = c.window;
    const act = (x: tf.Tensor3D) => (c.fcActivation === 'relu' ? tf.relu(x) : x);
    const padded = tf.pad(embedItems(p.itemEmb as tf.Tensor2D, seqs), [[0, 0], [L - 1, 0], [0, 0]]) as tf.Tensor3D; // [B, T+L-1, D]
    const features = [vertical(p, padded, T, L)]; // [B, T, D·n_v]
    for (let h = 1; h <= L; h++) features.push(horizontal(p, padded, T, L, h)); // L x [B, T, n_h]
    const z = dropout(tf.concat(features, 2) as tf.Tensor3D, c.dropout, opts, 0); // [B, T, n_v·D + n_h·L]
    const hidden = act(linear(z, p.fc1W as tf.Tensor2D, p.fc1B as tf.Tensor1D)); // [B, T, D]
    return act(linear(hidden, p.fc2W as tf.Tensor2D, p.fc2B as tf.Tensor1D)); // [B, T, D]
  });
}

/**
 * A Caser model (item-only, every slot) with weights drawn from `seed`.
 * @throws ConfigError on an invalid config.
 * @example const m = createCaser({ numItems: 1682 }, 0); const h = m.encode(seqs, { isTraining: false });
 */
export function createCaser(input: ConfigInput<CaserConfig>, seed: number): SeqModel {
  const c = caserConfig(input);
  const vb = new VariableBuilder('caser', seed);
  const p = initParams(c, vb);
  return assembleModel('caser', c, vb, { encode: (seqs, opts) => encode(p, c, seqs, opts), outputTable: () => p.itemEmb as tf.Tensor2D, counts: caserCounts(c) });
}

/** The registry entry (lib/models/index.ts). One convolution layer: reads neither layers nor heads. */
export const CASER: ModelEntry<CaserConfig> = {
  label: 'Caser',
  defaults: CASER_DEFAULTS,
  shapeFields: ['dim', 'maxLen'],
  create: createCaser,
  fromShape: ({ maxLen, dim }, { numItems }) => ({ ...CASER_DEFAULTS, numItems, maxLen, dim }),
  paramCounts: caserCounts,
  describe: (input) => {
    const c = caserConfig(input);
    return `Caser d=${c.dim} L=${c.window} (${c.numHorizontal} h / ${c.numVertical} v filters), ${formatCount(caserCounts(c).nonEmbedding)} non-emb`;
  },
};
