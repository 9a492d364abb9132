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
import { deriveSeed, makeRng } from '../data/rng';
import { addBias, dropout, gatherRows, layerNorm } from '../train/ops';
import { attentionMask, decoderBlock, initBlock, normalArray, type BlockParams } from './blocks';
import { lsrmParamCounts } from './params';
import type { ForwardOptions, ParamCounts, SeqModel } from './types';

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

/** Validate a config; throws with a message naming the field. */
export function checkLsrmConfig(c: LsrmConfig): void {
  const posInt = (name: string, v: number) => {
    if (!Number.isInteger(v) || v < 1) throw new Error(`LsrmConfig.${name} must be a positive integer, got ${v}`);
  };
  posInt('numItems', c.numItems);
  posInt('maxLen', c.maxLen);
  posInt('dim', c.dim);
  posInt('numLayers', c.numLayers);
  posInt('numHeads', c.numHeads);
  if (c.dim % c.numHeads !== 0) throw new Error(`LsrmConfig.numHeads (${c.numHeads}) must divide dim (${c.dim})`);
  if (c.dropout.length !== c.numLayers) {
    throw new Error(`LsrmConfig.dropout has ${c.dropout.length} rates but numLayers is ${c.numLayers}: give one rate per layer`);
  }
  for (const r of [...c.dropout, c.embDropout]) {
    if (!(r >= 0 && r < 1)) throw new Error(`LsrmConfig dropout rates must be in [0, 1), got ${r}`);
  }
  if (!(c.initStd > 0)) throw new Error(`LsrmConfig.initStd must be > 0, got ${c.initStd}`);
}

interface LsrmParams {
  readonly itemEmb: tf.Variable<tf.Rank.R2>; // [I + 1, D]
  readonly posEmb: tf.Variable<tf.Rank.R2>; // [maxLen, D]
  readonly blocks: BlockParams[];
  readonly lnFGamma: tf.Variable<tf.Rank.R1>; // [D]
  readonly lnFBeta: tf.Variable<tf.Rank.R1>; // [D]
}

function initParams(c: LsrmConfig, seed: number, vars: Map<string, tf.Variable>): LsrmParams {
  const rng = makeRng(seed);
  const D = c.dim;
  const v = <R extends tf.Rank>(name: string, values: Float32Array, shape: number[]): tf.Variable<R> => {
    // No tfjs name: tfjs names are process-global, so two models would clash; `vars` holds ours.
    const variable = tf.tidy(() => tf.variable(tf.tensor(values, shape as tf.ShapeMap[R]), true)) as tf.Variable<R>;
    vars.set(name, variable);
    return variable;
  };
  const itemEmb = v<tf.Rank.R2>('itemEmb', normalArray((c.numItems + 1) * D, c.initStd, rng), [c.numItems + 1, D]);
  const posEmb = v<tf.Rank.R2>('posEmb', normalArray(c.maxLen * D, c.initStd, rng), [c.maxLen, D]);
  const blocks = Array.from({ length: c.numLayers }, (_, l) => initBlock(`block${l}`, D, c.numLayers, c.initStd, rng, vars));
  const lnFGamma = v<tf.Rank.R1>('lnF.gamma', new Float32Array(D).fill(1), [D]);
  const lnFBeta = v<tf.Rank.R1>('lnF.beta', new Float32Array(D), [D]);
  return { itemEmb, posEmb, blocks, lnFGamma, lnFBeta };
}

function checkSeqs(seqs: tf.Tensor2D, c: LsrmConfig): void {
  if (seqs.rank !== 2 || seqs.dtype !== 'int32') throw new Error(`encode: seqs must be an int32 [B, T] tensor, got ${seqs.dtype} [${seqs.shape}]`);
  if (seqs.shape[1] > c.maxLen) throw new Error(`encode: sequence length ${seqs.shape[1]} exceeds maxLen ${c.maxLen}`);
}

/** Hidden states at every slot: seqs int32 [B, T] -> [B, T, D]. */
function encode(p: LsrmParams, c: LsrmConfig, seqs: tf.Tensor2D, opts: ForwardOptions): tf.Tensor3D {
  checkSeqs(seqs, c);
  const [B, T] = seqs.shape;
  const D = c.dim;
  const seed = opts.seed ?? 0;
  const rate = (r: number) => (opts.isTraining ? r : 0);
  // 1. item + slot-aligned position embeddings, embedding dropout
  const items = gatherRows(p.itemEmb, tf.reshape(seqs, [B * T]) as tf.Tensor1D); // [M, D]
  const pos = tf.reshape(tf.slice(p.posEmb, [c.maxLen - T, 0], [T, D]), [T * D]) as tf.Tensor1D; // [T·D]
  const emb = tf.reshape(addBias(tf.reshape(items, [B, T * D]), pos), [B * T, D]) as tf.Tensor2D; // [M, D]
  let x = rate(c.embDropout) > 0 ? dropout(emb, rate(c.embDropout), deriveSeed(seed, 0)) : emb;
  // 2. L pre-LN blocks under one causal + key-padding mask
  const mask = attentionMask(seqs); // [B, 1, T, T]
  p.blocks.forEach((bp, l) => {
    const ctx = { batch: B, len: T, numHeads: c.numHeads, mask, rate: rate(c.dropout[l]), seeds: [deriveSeed(seed, l + 1, 1), deriveSeed(seed, l + 1, 2)] as const };
    x = decoderBlock(x, bp, ctx); // [M, D]
  });
  // 3. final LayerNorm
  return tf.reshape(layerNorm(x, p.lnFGamma, p.lnFBeta), [B, T, D]); // [B, T, D]
}

/**
 * Build an LSRM with variables initialised from `seed`.
 * @throws when the config is invalid (see checkLsrmConfig).
 */
export function createLsrm(config: LsrmConfig, seed: number): SeqModel {
  checkLsrmConfig(config);
  const c: LsrmConfig = { ...config, dropout: [...config.dropout] };
  const vars = new Map<string, tf.Variable>();
  const p = initParams(c, seed, vars);
  const counts = lsrmParamCounts(c);
  return {
    kind: 'lsrm',
    config: c as unknown as Readonly<Record<string, unknown>>,
    variables: vars,
    encode: (seqs, opts) => tf.tidy(() => encode(p, c, seqs, opts)),
    outputTable: () => p.itemEmb,
    paramCounts: (): ParamCounts => counts,
    dispose: () => vars.forEach((v) => v.dispose()),
  };
}
