/**
 * Small helpers shared by the baseline models (GRU4Rec, FMLP-Rec, Caser): seeded variable
 * initializers, the padding mask, seeded dropout, a dense layer over the last axis, and the
 * Table V style parameter count.
 *
 * Shapes: B batch, T sequence length, D hidden size. Item 0 is padding.
 * Initial values come from `makeRng` (not tf.random*), so a seed gives the same model on every
 * backend.
 */
import * as tf from '@tensorflow/tfjs';
import { deriveSeed, makeRng } from '../data/rng';
import type { ForwardOptions, ParamCounts } from './types';
import { dropout as seededDropout, gatherRows, gelu as fastGelu, layerNorm as fastLayerNorm, linear as fastLinear, matMul as fastMatMul } from '../train/ops';

/** 2-D matMul whose gradient avoids tfjs-wasm's slow transposed forms (lib/train/ops.ts). */
export function matMul(a: tf.Tensor2D, b: tf.Tensor2D): tf.Tensor2D {
  return fastMatMul(a, b);
}

/** Named variables in creation order: the checkpoint names of a model. */
export type VariableList = Array<[string, tf.Variable]>;

/** Builds variables whose initial values derive from one model seed, one stream per variable. */
export class VariableBuilder {
  readonly list: VariableList = [];
  constructor(private readonly seed: number) {}

  /** A variable of `shape` filled by `sample(rng)` per entry. */
  private add(name: string, shape: number[], sample: (next: () => number, normal: () => number) => number): tf.Variable {
    if (this.list.some(([n]) => n === name)) throw new Error(`VariableBuilder: duplicate variable name '${name}'`);
    const rng = makeRng(deriveSeed(this.seed, this.list.length));
    const size = shape.reduce((a, b) => a * b, 1);
    const values = new Float32Array(size);
    for (let i = 0; i < size; i++) values[i] = sample(rng.next, rng.normal);
    // tf.variable names are global in the engine: keep tf's unique auto-name, ours is the map key.
    const v = tf.variable(tf.tensor(values, shape, 'float32'));
    this.list.push([name, v]);
    return v;
  }

  /** Entries ~ N(0, std²). */
  normal(name: string, shape: number[], std: number): tf.Variable {
    return this.add(name, shape, (_n, normal) => normal() * std);
  }

  /** Entries ~ U(-limit, limit). */
  uniform(name: string, shape: number[], limit: number): tf.Variable {
    return this.add(name, shape, (next) => (2 * next() - 1) * limit);
  }

  /** Glorot/Xavier uniform: limit sqrt(6 / (fanIn + fanOut)). */
  xavierUniform(name: string, shape: number[], fanIn: number, fanOut: number): tf.Variable {
    return this.uniform(name, shape, Math.sqrt(6 / (fanIn + fanOut)));
  }

  /** Glorot/Xavier normal: std sqrt(2 / (fanIn + fanOut)). */
  xavierNormal(name: string, shape: number[], fanIn: number, fanOut: number): tf.Variable {
    return this.normal(name, shape, Math.sqrt(2 / (fanIn + fanOut)));
  }

  /** Every entry equal to `value` (biases, norm gains). */
  constant(name: string, shape: number[], value: number): tf.Variable {
    return this.add(name, shape, () => value);
  }
}

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
 * pass apart so each gets its own mask from the pass seed.
 */
export function dropout<R extends tf.Rank>(x: tf.Tensor<R>, rate: number, opts: ForwardOptions, stream: number): tf.Tensor<R> {
  if (!opts.isTraining || rate <= 0) return x;
  return seededDropout(x, rate, deriveSeed(opts.seed ?? 0, stream));
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

/**
 * Parameter counts as Table V reports them: `embedding` = the variables named in
 * `embeddingNames` (item and position tables), `nonEmbedding` = everything else, biases and
 * norms included (that convention reproduces the paper's 180.3K for GRU4Rec and 703.7K for Caser).
 */
export function countParams(list: VariableList, embeddingNames: readonly string[]): ParamCounts {
  let embedding = 0;
  let total = 0;
  for (const [name, v] of list) {
    total += v.size;
    if (embeddingNames.includes(name)) embedding += v.size;
  }
  return { embedding, nonEmbedding: total - embedding, total };
}

/** Throws unless `value` is an integer >= min. */
export function checkInt(where: string, name: string, value: unknown, min: number): void {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min) {
    throw new Error(`${where}: ${name} must be an integer >= ${min}, got ${String(value)}`);
  }
}

/** Throws unless `value` is a rate in [0, 1). */
export function checkRate(where: string, name: string, value: unknown): void {
  if (typeof value !== 'number' || !(value >= 0 && value < 1)) {
    throw new Error(`${where}: ${name} must be in [0, 1), got ${String(value)}`);
  }
}

/** Throws unless seqs is a [B, T] tensor with 1 <= T <= maxLen. */
export function checkSeqs(where: string, seqs: tf.Tensor, maxLen: number): void {
  if (seqs.rank !== 2) throw new Error(`${where}: seqs must be [B, T], got shape [${seqs.shape.join(', ')}]`);
  const t = seqs.shape[1] as number;
  if (t < 1 || t > maxLen) throw new Error(`${where}: sequence length ${t} must be in [1, maxLen=${maxLen}]`);
}

/** Layer norm over the last axis (fused kernel of lib/train/ops.ts): x [..., D], gain and bias [D]. */
export function layerNorm<R extends tf.Rank>(x: tf.Tensor<R>, gain: tf.Tensor1D, bias: tf.Tensor1D, eps: number): tf.Tensor<R> {
  return tf.tidy(() => {
    const D = x.shape[x.rank - 1] as number;
    return fastLayerNorm(x.reshape([-1, D]) as tf.Tensor2D, gain, bias, eps).reshape(x.shape) as tf.Tensor<R>; // [..., D]
  });
}

/**
 * GELU (fused kernel of lib/train/ops.ts, tanh approximation). FMLP-Rec's code uses the erf form;
 * the two differ by < 1e-3 everywhere.
 */
export function gelu<R extends tf.Rank>(x: tf.Tensor<R>): tf.Tensor<R> {
  return fastGelu(x);
}
