/**
 * Small layers shared by the models, over the fast ops of lib/ops/ops.ts: embedding lookup, the
 * padding mask, seeded dropout by stream, and a dense layer, layer norm and GELU over the last
 * axis of a tensor of any rank.
 *
 * Shapes: B batch, T sequence length, D hidden size. Item 0 is padding.
 */
import * as tf from '@tensorflow/tfjs';
import { deriveSeed } from '../util/rng';
import type { ForwardOptions } from './types';
import { dropout as seededDropout, gatherRows, gelu as fastGelu, layerNorm as fastLayerNorm, linear as fastLinear, matMul } from '../ops/ops';

/** 1 where the slot holds an item, 0 where it is padding: seqs [B, T] -> [B, T, 1] float32. */
export function paddingMask(seqs: tf.Tensor2D): tf.Tensor3D {
  return tf.tidy(() => tf.notEqual(seqs, 0).cast('float32').expandDims(2) as tf.Tensor3D); // [B, T, 1]
}

/** Rows of `table` for every slot: table [V, D], ids [B, T] -> [B, T, D] (fused gather, wasm-safe gradient). */
export function embed(table: tf.Tensor2D, ids: tf.Tensor2D): tf.Tensor3D {
  return tf.tidy(() => {
    const [B, T] = ids.shape;
    const rows = gatherRows(table, ids.cast('int32').reshape([B * T]) as tf.Tensor1D); // [B·T, D]
    return rows.reshape([B, T, table.shape[1]]) as tf.Tensor3D; // [B, T, D]
  });
}

/** Item embeddings with padding slots set to zero: [B, T] -> [B, T, D]. */
export function embedItems(table: tf.Tensor2D, seqs: tf.Tensor2D): tf.Tensor3D {
  return tf.tidy(() => tf.mul(embed(table, seqs), paddingMask(seqs)) as tf.Tensor3D); // [B, T, D]
}

/**
 * Inverted dropout, active only when `opts.isTraining`; `stream` tells the dropout sites of one
 * pass apart, so each gets its own mask from the pass seed: deriveSeed(opts.seed ?? 0, ...stream).
 */
export function dropout<R extends tf.Rank>(x: tf.Tensor<R>, rate: number, opts: ForwardOptions, ...stream: number[]): tf.Tensor<R> {
  if (!opts.isTraining || rate <= 0) return x;
  return seededDropout(x, rate, deriveSeed(opts.seed ?? 0, ...stream));
}

/** Dense layer over the last axis: x [..., in] · w [in, out] (+ b [out]) -> [..., out]. */
export function linear<R extends tf.Rank>(x: tf.Tensor<R>, w: tf.Tensor, b?: tf.Tensor): tf.Tensor<R> {
  return tf.tidy(() => {
    const [inDim, outDim] = (w as tf.Tensor2D).shape;
    const lead = x.shape.slice(0, -1) as number[];
    const flat = x.reshape([-1, inDim]) as tf.Tensor2D; // [N, in]
    const y = b ? fastLinear(flat, w as tf.Tensor2D, b as tf.Tensor1D) : matMul(flat, w as tf.Tensor2D); // [N, out]
    return y.reshape([...lead, outDim]) as tf.Tensor<R>; // [..., out]
  });
}

/** Layer norm over the last axis (fused kernel of lib/ops/ops.ts): x [..., D], gain and bias [D]. */
export function layerNorm<R extends tf.Rank>(x: tf.Tensor<R>, gain: tf.Tensor1D, bias: tf.Tensor1D, eps: number): tf.Tensor<R> {
  return tf.tidy(() => {
    const D = x.shape[x.rank - 1] as number;
    return fastLayerNorm(x.reshape([-1, D]) as tf.Tensor2D, gain, bias, eps).reshape(x.shape) as tf.Tensor<R>; // [..., D]
  });
}

/**
 * GELU (fused kernel of lib/ops/ops.ts, tanh approximation). FMLP-Rec's code uses the erf form;
 * the two differ by < 1e-3 everywhere.
 */
export function gelu<R extends tf.Rank>(x: tf.Tensor<R>): tf.Tensor<R> {
  return fastGelu(x);
}
