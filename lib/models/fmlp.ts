/**
 * FMLP-Rec: filter-enhanced MLP for sequential recommendation (Zhou et al., WWW 2022), made
 * causal so that it trains with the lab's every-slot next-item loss.
 *
 * Shapes: B batch, T sequence length (<= maxLen), D hidden size (`dim`), I items.
 *
 * Structure (as in the authors' code): item + position embedding -> LayerNorm -> dropout, then
 * `numLayers` blocks of
 *   filter:       x <- LN(x + dropout(filter(x)))
 *   feed-forward: x <- LN(x + dropout(W2 gelu(W1 x + b1) + b2))      (inner size 4D)
 * and each slot's state is scored against the item table (tied, no output bias).
 *
 * The causal filter, and why. The paper's filter is rfft over the sequence axis, an elementwise
 * product with a learnable complex weight [T/2+1, D], and irfft: a *circular* convolution with a
 * length-T kernel per channel, so every slot mixes in every other slot, future ones included.
 * RecBole-style training predicts from the last slot only, where that is harmless; our shared
 * loss predicts the next item at every slot and the shared evaluator reads the last slot, so a
 * non-causal filter would let slot t see the item it must predict. We therefore keep the
 * frequency-domain filter but make it a *linear, causal* convolution: the learnable parameter is
 * the kernel k [maxLen, D] on lags 0..maxLen-1 (the time-domain form of the filter weight), and
 * signal and kernel are zero-padded to 2T before the DFT, the product is taken, and the inverse
 * DFT's first T outputs are kept (lib/models/baseline-dft.ts):
 *   y[t, d] = Σ_{s <= t} k[t - s, d] · x[s, d].
 * The DFTs are real cos/sin matrix products, not tf.rfft, because tfjs-wasm has no FFT kernel.
 * The filter has the same number of degrees of freedom per channel as the paper's (T real
 * numbers; the paper's T/2+1 complex weights lose the imaginary parts at DC and Nyquist).
 * Positions are slot-aligned from the right as in LSRM (slot t of a length-T input gets position
 * maxLen - T + t; with T = maxLen that is the authors' slot index). Padding slots are zeroed
 * before every filter, so a sequence's outputs do not depend on how much left padding precedes it.
 *
 * Defaults and Table V (ML-20M, about 26.4K items, T = 50):
 *   paper: n_layer 2, d_model 64, 1.69M emb, 167.6K non-emb.
 *   ours (dim 64, 2 layers, maxLen 50), non-emb counts every non-embedding variable:
 *     per layer: kernel T·D = 3,200 + LN 2D = 128 + FFN (D·4D + 4D + 4D·D + D) = 33,088 + LN 128
 *       = 36,544;  2 layers = 73,088;  + embedding LayerNorm 128 = 73,216.
 *   The authors' non-causal filter ([T/2+1, D, 2] = 3,328) would give 73,472. We found no
 *   configuration of the published FMLP-Rec code with 2 layers and D = 64 that reaches the
 *   paper's 167.6K; the difference is reported, not reproduced.
 *   embedding = (I + 1)·D item table + maxLen·D position table.
 */
import * as tf from '@tensorflow/tfjs';
import type { ConfigInput, ForwardOptions, ModelEntry, ParamCounts, SeqModel } from './types';
import { dropout, embed, gelu, layerNorm, linear, paddingMask } from './nn';
import { assembleModel, checkInt, checkPositive, checkRate, formatCount, VariableBuilder } from './toolkit';
import { causalConvDft } from './baseline-dft';

/** FMLP-Rec hyper-parameters (JSON-serializable). */
export interface FmlpConfig {
  readonly numItems: number;
  /** Longest sequence; also the number of filter lags and position embeddings. */
  readonly maxLen: number;
  readonly dim: number;
  readonly numLayers: number;
  /** Feed-forward inner size. */
  readonly innerSize: number;
  /** Dropout after the embedding, the filter and the feed-forward block. */
  readonly dropout: number;
  /** LayerNorm epsilon. */
  readonly layerNormEps: number;
}

export const FMLP_DEFAULTS = {
  maxLen: 50, // the paper's maximum sequence length
  dim: 64, // Table V
  numLayers: 2, // Table V
  innerSize: 256, // 4·dim, as in the authors' code
  dropout: 0.5, // the authors' hidden_dropout_prob
  layerNormEps: 1e-12, // the authors' LayerNorm epsilon
} as const;

/** Fill defaults and validate. @throws ConfigError naming the field, its value and what is allowed. */
export function fmlpConfig(input: ConfigInput<FmlpConfig>): FmlpConfig {
  const c: FmlpConfig = { ...FMLP_DEFAULTS, ...input };
  for (const k of ['numItems', 'maxLen', 'dim', 'numLayers', 'innerSize'] as const) checkInt('fmlp', k, c[k]);
  checkRate('fmlp', 'dropout', c.dropout);
  checkPositive('fmlp', 'layerNormEps', c.layerNormEps);
  return c;
}

/**
 * Parameter counts (header): embedding (I + 1)·D + maxLen·D; non-embedding = the embedding
 * LayerNorm 2D plus, per layer, kernel maxLen·D, two LayerNorms 4D and the FFN D·H + H + H·D + D.
 */
export function fmlpCounts(input: ConfigInput<FmlpConfig>): ParamCounts {
  const { numItems: I, maxLen: T, dim: D, numLayers: L, innerSize: H } = fmlpConfig(input);
  const embedding = (I + 1) * D + T * D;
  const nonEmbedding = 2 * D + L * (T * D + 4 * D + D * H + H + H * D + D);
  return { embedding, nonEmbedding, total: embedding + nonEmbedding };
}

interface Norm {
  readonly gain: tf.Variable;
  readonly bias: tf.Variable;
}

interface FmlpBlock {
  readonly kernel: tf.Variable; // [maxLen, D]
  readonly filterNorm: Norm;
  readonly w1: tf.Variable; // [D, inner]
  readonly b1: tf.Variable; // [inner]
  readonly w2: tf.Variable; // [inner, D]
  readonly b2: tf.Variable; // [D]
  readonly ffnNorm: Norm;
}

interface FmlpParams {
  readonly itemEmb: tf.Variable; // [I + 1, D]
  readonly posEmb: tf.Variable; // [maxLen, D]
  readonly embNorm: Norm;
  readonly blocks: FmlpBlock[];
}

/** The authors' init: weights N(0, 0.02²), biases 0, norms (1, 0); the kernel likewise N(0, 0.02²). */
function initParams(c: FmlpConfig, vb: VariableBuilder): FmlpParams {
  const { dim: D, innerSize: H } = c;
  const std = 0.02;
  const norm = (name: string): Norm => ({ gain: vb.constant(`${name}.gain`, [D], 1), bias: vb.constant(`${name}.bias`, [D], 0) });
  const itemEmb = vb.normal('itemEmb', [c.numItems + 1, D], std);
  const posEmb = vb.normal('posEmb', [c.maxLen, D], std);
  const embNorm = norm('embNorm');
  const blocks: FmlpBlock[] = [];
  for (let l = 0; l < c.numLayers; l++) {
    blocks.push({
      kernel: vb.normal(`block.${l}.kernel`, [c.maxLen, D], std),
      filterNorm: norm(`block.${l}.filterNorm`),
      w1: vb.normal(`block.${l}.w1`, [D, H], std),
      b1: vb.constant(`block.${l}.b1`, [H], 0),
      w2: vb.normal(`block.${l}.w2`, [H, D], std),
      b2: vb.constant(`block.${l}.b2`, [D], 0),
      ffnNorm: norm(`block.${l}.ffnNorm`),
    });
  }
  return { itemEmb, posEmb, embNorm, blocks };
}

function applyNorm<R extends tf.Rank>(x: tf.Tensor<R>, n: Norm, eps: number): tf.Tensor<R> {
  return layerNorm(x, n.gain as tf.Tensor1D, n.bias as tf.Tensor1D, eps);
}

/**
 * One filter + feed-forward block: x [B, T, D], mask [B, T, 1] -> [B, T, D]. Padding slots are
 * zeroed before the filter (they add nothing to its sums) and after it (at a padding slot the DFT
 * would return float round-off of the later slots, which the LayerNorm would blow up to O(1)).
 */
function block(b: FmlpBlock, c: FmlpConfig, x: tf.Tensor3D, mask: tf.Tensor3D, opts: ForwardOptions, stream: number): tf.Tensor3D {
  return tf.tidy(() => {
    const xm = tf.mul(x, mask) as tf.Tensor3D; // [B, T, D]
    const filtered = dropout(tf.mul(causalConvDft(xm, b.kernel as tf.Tensor2D), mask), c.dropout, opts, stream); // [B, T, D]
    const h = applyNorm(tf.add(xm, filtered), b.filterNorm, c.layerNormEps); // [B, T, D]
    const inner = gelu(linear(h, b.w1 as tf.Tensor2D, b.b1 as tf.Tensor1D)); // [B, T, inner]
    const ffn = dropout(linear(inner, b.w2 as tf.Tensor2D, b.b2 as tf.Tensor1D), c.dropout, opts, stream + 1); // [B, T, D]
    return applyNorm(tf.add(h, ffn), b.ffnNorm, c.layerNormEps) as tf.Tensor3D;
  });
}

function encode(p: FmlpParams, c: FmlpConfig, seqs: tf.Tensor2D, opts: ForwardOptions): tf.Tensor3D {
  return tf.tidy(() => {
    const T = seqs.shape[1];
    const mask = paddingMask(seqs); // [B, T, 1]
    const items = embed(p.itemEmb as tf.Tensor2D, seqs); // [B, T, D]
    const pos = tf.slice(p.posEmb, [c.maxLen - T, 0], [T, c.dim]); // [T, D], slot-aligned as in LSRM
    let x = applyNorm(tf.add(items, pos), p.embNorm, c.layerNormEps) as tf.Tensor3D; // [B, T, D]
    x = dropout(x, c.dropout, opts, 0);
    p.blocks.forEach((b, l) => {
      x = block(b, c, x, mask, opts, 1 + 2 * l); // [B, T, D]
    });
    return x;
  });
}

/**
 * An FMLP-Rec model (causal filter) with weights drawn from `seed`.
 * @throws ConfigError on an invalid config.
 * @example const m = createFmlp({ numItems: 1682 }, 0); const h = m.encode(seqs, { isTraining: false });
 */
export function createFmlp(input: ConfigInput<FmlpConfig>, seed: number): SeqModel {
  const c = fmlpConfig(input);
  const vb = new VariableBuilder('fmlp', seed);
  const p = initParams(c, vb);
  return assembleModel('fmlp', c, vb, { encode: (seqs, opts) => encode(p, c, seqs, opts), outputTable: () => p.itemEmb as tf.Tensor2D, counts: fmlpCounts(c) });
}

/** The registry entry (lib/models/index.ts). Its own dropout and inner size; no heads. */
export const FMLP: ModelEntry<FmlpConfig> = {
  label: 'FMLP-Rec',
  defaults: FMLP_DEFAULTS,
  shapeFields: ['numLayers', 'dim', 'maxLen'],
  create: createFmlp,
  fromShape: ({ maxLen, dim, numLayers }, { numItems }) => ({ ...FMLP_DEFAULTS, numItems, maxLen, dim, numLayers }),
  paramCounts: fmlpCounts,
  describe: (input) => {
    const c = fmlpConfig(input);
    return `FMLP-Rec ${c.numLayers}x${c.dim} (inner ${c.innerSize}), ${formatCount(fmlpCounts(c).nonEmbedding)} non-emb`;
  },
};
