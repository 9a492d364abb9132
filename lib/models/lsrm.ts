/**
 * LSRM: the paper's large sequential recommendation model (III-B), a decoder-only transformer
 * over item ids, SASRec-style but pre-LayerNorm (GPT-2 layout, see blocks.ts):
 *   x_0 = Dropout_emb(E[item] + P[slot]);  x_l = Block_l(x_{l-1});  h = LN_f(x_L);
 *   logits = h · E[1..I]ᵀ   (output table tied to the item embedding E; row 0 = padding).
 * Sequences are LEFT-padded; P is indexed by slot, aligned right: with input length T <= maxLen,
 * slot t uses P[maxLen - T + t], so a shorter input is the same as the input left-padded to maxLen.
 * Dropout (layer-wise adaptive, paper III-B1): `dropout[l]` applies in block l to the attention
 * output and to the FFN output (before each residual add); `embDropout` to the input embedding.
 * Embeddings are not scaled by √d (GPT convention; init N(0, 0.02) makes E and P comparable).
 *
 * Shapes: B batch, T sequence length, D = dim, H heads, L layers, I items, M = B·T.
 */
import * as tf from '@tensorflow/tfjs';
import { deriveSeed } from '../util/rng';
import { addBias, gatherRows, layerNorm } from '../ops/ops';
import { attentionMask, decoderBlock, initBlock, type BlockParams } from './blocks';
import { dropout } from './nn';
import { lsrmParamCounts } from './params';
import { assembleModel, checkInt, checkPositive, checkRate, checkRates, ConfigError, formatCount, VariableBuilder } from './toolkit';
import type { ConfigInput, ForwardOptions, ModelEntry, ParamCounts, SeqModel } from './types';

/** Hyper-parameters of an LSRM. */
export interface LsrmConfig {
  /** Number of items I (ids 1..I; 0 is padding). */
  readonly numItems: number;
  /** Maximum sequence length (paper: 50). */
  readonly maxLen: number;
  /** d_model; d_ff = 4·d_model (paper IV-A). */
  readonly dim: number;
  readonly numLayers: number;
  /** Must divide dim. */
  readonly numHeads: number;
  /** One dropout rate per layer (layer-wise adaptive dropout); length = numLayers. */
  readonly dropout: readonly number[];
  /** Dropout on the input embedding. */
  readonly embDropout: number;
  /** Std of the normal init (GPT-2: 0.02). */
  readonly initStd: number;
}

/** Defaults: the smallest Table IV row (98,304 non-embedding parameters). */
export const LSRM_DEFAULTS = {
  maxLen: 50,
  dim: 64,
  numLayers: 2,
  numHeads: 2,
  dropout: [0.2, 0.2] as readonly number[], // the trainer's layer-wise schedule replaces these
  embDropout: 0.2,
  initStd: 0.02, // GPT-2
} as const;

/** Fill defaults and validate. @throws ConfigError naming the field, its value and what is allowed. */
export function lsrmConfig(input: ConfigInput<LsrmConfig>): LsrmConfig {
  const c: LsrmConfig = { ...LSRM_DEFAULTS, ...input };
  for (const k of ['numItems', 'maxLen', 'dim', 'numLayers', 'numHeads'] as const) checkInt('lsrm', k, c[k]);
  if (c.dim % c.numHeads !== 0) throw new ConfigError('lsrm', 'numHeads', c.numHeads, `a divisor of dim (${c.dim})`);
  checkRates('lsrm', 'dropout', c.dropout, c.numLayers);
  checkRate('lsrm', 'embDropout', c.embDropout);
  checkPositive('lsrm', 'initStd', c.initStd);
  return { ...c, dropout: [...c.dropout] };
}

interface LsrmParams {
  readonly itemEmb: tf.Variable<tf.Rank.R2>; // [I + 1, D]
  readonly posEmb: tf.Variable<tf.Rank.R2>; // [maxLen, D]
  readonly blocks: BlockParams[];
  readonly lnFGamma: tf.Variable<tf.Rank.R1>; // [D]
  readonly lnFBeta: tf.Variable<tf.Rank.R1>; // [D]
}

/** GPT-2 init (blocks.ts); all normal draws come from one stream in this creation order. */
function initParams(c: LsrmConfig, vb: VariableBuilder): LsrmParams {
  const D = c.dim;
  const itemEmb = vb.normal<tf.Rank.R2>('itemEmb', [c.numItems + 1, D], c.initStd);
  const posEmb = vb.normal<tf.Rank.R2>('posEmb', [c.maxLen, D], c.initStd);
  const blocks = Array.from({ length: c.numLayers }, (_, l) => initBlock(vb, `block${l}`, D, c.numLayers, c.initStd));
  const lnFGamma = vb.constant<tf.Rank.R1>('lnF.gamma', [D], 1);
  const lnFBeta = vb.constant<tf.Rank.R1>('lnF.beta', [D], 0);
  return { itemEmb, posEmb, blocks, lnFGamma, lnFBeta };
}

/** Hidden states at every slot: seqs int32 [B, T] -> [B, T, D]. */
function encode(p: LsrmParams, c: LsrmConfig, seqs: tf.Tensor2D, opts: ForwardOptions): tf.Tensor3D {
  const [B, T] = seqs.shape;
  const D = c.dim;
  const seed = opts.seed ?? 0;
  const rate = (r: number) => (opts.isTraining ? r : 0);
  // 1. item + slot-aligned position embeddings, embedding dropout
  const items = gatherRows(p.itemEmb, tf.reshape(seqs, [B * T]) as tf.Tensor1D); // [M, D]
  const pos = tf.reshape(tf.slice(p.posEmb, [c.maxLen - T, 0], [T, D]), [T * D]) as tf.Tensor1D; // [T·D]
  const emb = tf.reshape(addBias(tf.reshape(items, [B, T * D]), pos), [B * T, D]) as tf.Tensor2D; // [M, D]
  let x = dropout(emb, c.embDropout, opts, 0); // [M, D]
  // 2. L pre-LN blocks under one causal + key-padding mask
  const mask = attentionMask(seqs); // [B, 1, T, T]
  p.blocks.forEach((bp, l) => {
    const ctx = { batch: B, len: T, numHeads: c.numHeads, mask, rate: rate(c.dropout[l]), seeds: [deriveSeed(seed, l + 1, 1), deriveSeed(seed, l + 1, 2)] as const };
    x = decoderBlock(x, bp, ctx); // [M, D]
  });
  // 3. final LayerNorm
  return tf.reshape(layerNorm(x, p.lnFGamma, p.lnFBeta), [B, T, D]); // [B, T, D]
}

/** Parameter counts (params.ts: N = 12·L·d², embedding (I + 1)·d + maxLen·d). */
export function lsrmCounts(input: ConfigInput<LsrmConfig>): ParamCounts {
  return lsrmParamCounts(lsrmConfig(input));
}

/**
 * Build an LSRM with variables initialised from `seed` (defaults fill the fields not given).
 * @throws ConfigError when the config is invalid (see lsrmConfig).
 * @example const m = createLsrm({ numItems: 1682 }, 0); const h = m.encode(seqs, { isTraining: false });
 */
export function createLsrm(input: ConfigInput<LsrmConfig>, seed: number): SeqModel {
  const c = lsrmConfig(input);
  const vb = new VariableBuilder('lsrm', seed, 'one-stream');
  const p = initParams(c, vb);
  return assembleModel('lsrm', c, vb, { encode: (seqs, opts) => encode(p, c, seqs, opts), outputTable: () => p.itemEmb, counts: lsrmParamCounts(c) });
}

/** The registry entry (lib/models/index.ts). */
export const LSRM: ModelEntry<LsrmConfig> = {
  label: 'LSRM',
  defaults: LSRM_DEFAULTS,
  shapeFields: ['numLayers', 'dim', 'numHeads', 'maxLen', 'embDropout'],
  create: createLsrm,
  // Layer-wise dropout: the run's per-layer rates; the embedding (below layer 0) takes layer 0's.
  fromShape: (s, ctx) => {
    const dropout = [...ctx.layerDropout(s.numLayers)];
    const { maxLen, dim, numLayers, numHeads } = s;
    return { ...LSRM_DEFAULTS, numItems: ctx.numItems, maxLen, dim, numLayers, numHeads, dropout, embDropout: s.embDropout ?? dropout[0] };
  },
  paramCounts: lsrmCounts,
  ffnDim: (dim) => 4 * dim,
  describe: (input) => {
    const c = lsrmConfig(input);
    return `LSRM ${c.numLayers}x${c.dim}, ${formatCount(lsrmParamCounts(c).nonEmbedding)} non-emb`;
  },
};
