/**
 * Pre-LayerNorm decoder block (paper III-B, GPT-2 layout): causal multi-head self-attention with
 * a key padding mask, then a GELU feed-forward of width 4·d, each inside a residual branch:
 *   x = x + Dropout_l(Attn(LN1(x)));   x = x + Dropout_l(FFN(LN2(x)))
 * Dropout_l is block l's rate (layer-wise adaptive dropout; the trainer sets the rates).
 * Plain functions over explicit variables; every matMul goes through lib/ops/ops.ts (fast on wasm).
 *
 * Shapes: B batch, T sequence length, D model dim, H heads, K = D / H head dim, M = B·T tokens.
 */
import * as tf from '@tensorflow/tfjs';
import { dropout, gelu, layerNorm, linear, matMul } from '../ops/ops';
import type { VariableBuilder } from './toolkit';

/** Variables of one decoder block. */
export interface BlockParams {
  readonly ln1Gamma: tf.Variable<tf.Rank.R1>; // [D]
  readonly ln1Beta: tf.Variable<tf.Rank.R1>; // [D]
  readonly wQ: tf.Variable<tf.Rank.R2>; // [D, D]
  readonly bQ: tf.Variable<tf.Rank.R1>; // [D]
  readonly wK: tf.Variable<tf.Rank.R2>; // [D, D]
  readonly bK: tf.Variable<tf.Rank.R1>; // [D]
  readonly wV: tf.Variable<tf.Rank.R2>; // [D, D]
  readonly bV: tf.Variable<tf.Rank.R1>; // [D]
  readonly wOut: tf.Variable<tf.Rank.R2>; // [D, D]
  readonly bOut: tf.Variable<tf.Rank.R1>; // [D]
  readonly ln2Gamma: tf.Variable<tf.Rank.R1>; // [D]
  readonly ln2Beta: tf.Variable<tf.Rank.R1>; // [D]
  readonly wUp: tf.Variable<tf.Rank.R2>; // [D, 4D]
  readonly bUp: tf.Variable<tf.Rank.R1>; // [4D]
  readonly wDown: tf.Variable<tf.Rank.R2>; // [4D, D]
  readonly bDown: tf.Variable<tf.Rank.R1>; // [D]
}

/** The shape facts a block needs at run time. */
export interface BlockContext {
  readonly batch: number; // B
  readonly len: number; // T
  readonly numHeads: number; // H
  /** Additive attention mask [B, 1, T, T]: 0 where allowed, MASKED where not. */
  readonly mask: tf.Tensor4D;
  /** Dropout rate of this block (0 when not training). */
  readonly rate: number;
  /** Seeds of this block's two dropout masks. */
  readonly seeds: readonly [number, number];
}

/** Additive mask value; finite so a fully masked row (a padding query) stays finite. */
export const MASKED = -1e9;

/**
 * Initialise a block like GPT-2: weights N(0, std), the two residual projections (wOut, wDown)
 * N(0, std/√(2L)), biases 0, norm scales 1. Variables are named `prefix.*`; the creation order
 * below is the order of the normal draws (LSRM's one-stream init), so it must not change.
 */
export function initBlock(vb: VariableBuilder, prefix: string, dim: number, numLayers: number, std: number): BlockParams {
  const D = dim;
  const residualStd = std / Math.sqrt(2 * numLayers);
  const ones = (name: string, n: number) => vb.constant<tf.Rank.R1>(`${prefix}.${name}`, [n], 1);
  const zeros = (name: string, n: number) => vb.constant<tf.Rank.R1>(`${prefix}.${name}`, [n], 0);
  const normal = (name: string, shape: [number, number], s: number) => vb.normal<tf.Rank.R2>(`${prefix}.${name}`, shape, s);
  return {
    ln1Gamma: ones('ln1.gamma', D),
    ln1Beta: zeros('ln1.beta', D),
    wQ: normal('attn.wQ', [D, D], std),
    bQ: zeros('attn.bQ', D),
    wK: normal('attn.wK', [D, D], std),
    bK: zeros('attn.bK', D),
    wV: normal('attn.wV', [D, D], std),
    bV: zeros('attn.bV', D),
    wOut: normal('attn.wOut', [D, D], residualStd),
    bOut: zeros('attn.bOut', D),
    ln2Gamma: ones('ln2.gamma', D),
    ln2Beta: zeros('ln2.beta', D),
    wUp: normal('ffn.wUp', [D, 4 * D], std),
    bUp: zeros('ffn.bUp', 4 * D),
    wDown: normal('ffn.wDown', [4 * D, D], residualStd),
    bDown: zeros('ffn.bDown', D),
  };
}

/**
 * Additive attention mask from the input items: query slot i may attend key slot j iff j <= i
 * (causal) and seqs[b, j] != 0 (key padding). seqs int32 [B, T] -> [B, 1, T, T].
 */
export function attentionMask(seqs: tf.Tensor2D): tf.Tensor4D {
  const [B, T] = seqs.shape;
  const items = seqs.dataSync();
  const out = new Float32Array(B * T * T);
  for (let b = 0; b < B; b++) {
    for (let i = 0; i < T; i++) {
      const row = (b * T + i) * T;
      for (let j = 0; j < T; j++) out[row + j] = j > i || items[b * T + j] === 0 ? MASKED : 0;
    }
  }
  return tf.tensor4d(out, [B, 1, T, T]);
}

/** [M, D] -> [B, H, T, K] */
function splitHeads(x: tf.Tensor2D, c: BlockContext): tf.Tensor4D {
  const D = x.shape[1];
  const x4 = tf.reshape(x, [c.batch, c.len, c.numHeads, D / c.numHeads]); // [B, T, H, K]
  return tf.transpose(x4, [0, 2, 1, 3]) as tf.Tensor4D; // [B, H, T, K]
}

/** Causal multi-head self-attention on normalised input xn [M, D] -> [M, D]. */
export function selfAttention(xn: tf.Tensor2D, p: BlockParams, c: BlockContext): tf.Tensor2D {
  const D = xn.shape[1];
  const headDim = D / c.numHeads;
  // three projections rather than one [D, 3D] split: a split and its concat gradient copy [M, 3D]
  const q = splitHeads(linear(xn, p.wQ, p.bQ), c); // [B, H, T, K]
  const k = splitHeads(linear(xn, p.wK, p.bK), c); // [B, H, T, K]
  const v = splitHeads(linear(xn, p.wV, p.bV), c); // [B, H, T, K]
  const qs = tf.mul(q, 1 / Math.sqrt(headDim)); // [B, H, T, K], scaled dot product
  const scores = tf.add(matMul(qs, k, false, true), c.mask); // [B, H, T, T]
  const att = tf.softmax(scores); // [B, H, T, T], over keys
  const o = matMul(att, v); // [B, H, T, K]
  const merged = tf.reshape(tf.transpose(o, [0, 2, 1, 3]), [c.batch * c.len, D]) as tf.Tensor2D; // [M, D]
  return linear(merged, p.wOut, p.bOut); // [M, D]
}

/** GELU feed-forward d -> 4d -> d on normalised input xn [M, D] -> [M, D]. */
export function feedForward(xn: tf.Tensor2D, p: BlockParams): tf.Tensor2D {
  const h = gelu(linear(xn, p.wUp, p.bUp)); // [M, 4D]
  return linear(h, p.wDown, p.bDown); // [M, D]
}

/** One pre-LN block with dropout on both residual branches: x [M, D] -> [M, D]. */
export function decoderBlock(x: tf.Tensor2D, p: BlockParams, c: BlockContext): tf.Tensor2D {
  const a = dropout(selfAttention(layerNorm(x, p.ln1Gamma, p.ln1Beta), p, c), c.rate, c.seeds[0]); // [M, D]
  const x1: tf.Tensor2D = tf.add(x, a); // [M, D]
  const f = dropout(feedForward(layerNorm(x1, p.ln2Gamma, p.ln2Beta), p), c.rate, c.seeds[1]); // [M, D]
  return tf.add(x1, f); // [M, D]
}
