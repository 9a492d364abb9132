/**
 * FuXi-alpha (Ye et al., "FuXi-α: Scaling Recommendation Model with Feature Interaction Enhanced
 * Transformer", 2025), after the authors' code (USTC-StarTeam/FuXi-alpha,
 * generative_recommenders/modeling/sequential/fuxi.py; read there, written here). It keeps HSTU's
 * input and output modules (hstu.ts: x_0 = m ⊙ Dropout(E·√D + P[pos]), unit-norm output, cosine
 * logits over τ) and replaces the block.
 *
 * Shapes: B batch, T sequence length (<= maxLen), D = dim, H heads, Q = qkDim and V = vDim (per
 * head), F = innerSize, I items, M = B·T; a_ij = 1 iff j <= i and slot j holds an item.
 *
 * Block l (FuXiBlockJagged, 'uvqk', SiLU):
 *   n = RMSNorm(x)                               (no gain, eps 1e-6)
 *   U, V, Q, K = SiLU(n·W_U), SiLU(n·W_V), SiLU(n·W_Q), SiLU(n·W_K)   (U is 3·H·V wide; no biases)
 *   adaptive multi-channel self-attention, three channels of weights:
 *     semantic   S_h[i, j] = a_ij · SiLU(Q_h[i]·K_h[j]) / maxLen      (per head)
 *     positional P[i, j]   = a_ij · rab_pos[i, j]                      (shared by the heads)
 *     temporal   R[i, j]   = a_ij · rab_time[i, j]                     (shared by the heads)
 *   O = [P·V | R·V | S_1·V_1 | ... | S_H·V_H]    [M, 3·H·V], V = [V_1 | ... | V_H]
 *   Y = U ⊙ RMSNorm(O)
 *   multi-stage FFN (MultistageFeedforwardNeuralNetwork):
 *     x1 = x + Dropout_l(Y)·W_0 + b_0
 *     z  = Dropout_l(RMSNorm(x1))
 *     x  <- x1 + (SiLU(z·W_1) ⊙ (z·W_3))·W_2        (no biases; F = D·ffn_multiply, theirs 1)
 * O's columns are channel-major (the authors interleave them per head, [P·V_h | R·V_h | S_h·V_h]
 * for h = 1..H: a fixed permutation of W_U's columns and W_0's rows, the same model).
 * rab_pos and rab_time are HSTU's (hstu.ts header): w_p [2·maxLen - 1], w_t [129] over the buckets
 * floor(ln(max(|dt|, 1)) / 0.301) of query time minus key time, per layer. Timestamps come in
 * ForwardOptions.timestamps; without them (the authors' code requires them) the temporal channel
 * is 0 (w_t gets no gradient) and the model runs on positions and semantics alone. usesTime and
 * which data feed times: as HSTU (hstu.ts header, "Where the times come from").
 * Causality: slot t depends on the items at slots <= t and on the times at slots <= t + 1.
 * Dropout: per-layer rates (the run's, as LSRM) at both FFN sites; embDropout on the input.
 * Init (the authors'): as HSTU for E, P, W_U..W_K, w_p, w_t; W_0..W_3 Xavier-uniform,
 * b_0 ~ U(±1/√(3·H·V)) (torch Linear).
 *
 * Parameters (every variable counted; the norms have no gains):
 *   non-embedding N = L·(D·H·(4V + 2Q) + (2·maxLen - 1) + 129 + 3·H·V·D + D + 3·D·F)
 *                   = L·(12·D² + D + 2·maxLen + 128)   with Q = V = D/H and F = D (published configs);
 *   embedding = (I + 1)·D item rows + maxLen·D positions.
 *   defaults (L 2, D 64, maxLen 50): 2·(49,152 + 64 + 228) = 98,888;
 *   ML-1M FuXi-α (L 2, D 50, maxLen 200): 2·(30,000 + 50 + 528) = 61,156.
 */
import * as tf from '@tensorflow/tfjs';
import { matMul } from '../ops/ops';
import { dropout, linear } from './nn';
import {
  cosineTable, embedInput, fillAttentionConfig, headsLast, headsText, l2Normalize, passContext, positionBias, silu, splitHeads,
  timeBias, TIME_BUCKETS, type AttentionConfig, type PassContext,
} from './hstu';
import { assembleModel, checkInt, formatCount, VariableBuilder } from './toolkit';
import type { ConfigInput, ForwardOptions, ModelEntry, ParamCounts, SeqModel } from './types';

/** Hyper-parameters of a FuXi-alpha model. */
export interface FuxiConfig extends AttentionConfig {
  /** Inner width F of the SwiGLU stage; default dim (the authors' ffn_multiply 1). */
  readonly innerSize: number;
}

/** Defaults: the lab's 2 x 64 shape (LSRM's), the authors' dropout, temperature and FFN width. */
export const FUXI_DEFAULTS = {
  maxLen: 50,
  dim: 64,
  numLayers: 2,
  numHeads: 2,
  qkDim: 32,
  vDim: 32,
  innerSize: 64,
  dropout: [0.2, 0.2] as readonly number[],
  embDropout: 0.2,
  temperature: 0.05,
  usesTime: true,
} as const;

const RMS_EPS = 1e-6;

/** Fill defaults and validate. @throws ConfigError naming the field, its value and what is allowed. */
export function fuxiConfig(input: ConfigInput<FuxiConfig>): FuxiConfig {
  const c = fillAttentionConfig<FuxiConfig>('fuxi', FUXI_DEFAULTS, input);
  const filled = { ...c, innerSize: input.innerSize ?? c.dim };
  checkInt('fuxi', 'innerSize', filled.innerSize);
  return filled;
}

/** Parameter counts (header formula). */
export function fuxiCounts(input: ConfigInput<FuxiConfig>): ParamCounts {
  const { numItems: I, maxLen, dim: D, numLayers: L, numHeads: H, qkDim: Q, vDim: V, innerSize: F } = fuxiConfig(input);
  const embedding = (I + 1) * D + maxLen * D;
  const nonEmbedding = L * (D * H * (4 * V + 2 * Q) + (2 * maxLen - 1) + TIME_BUCKETS + 1 + 3 * H * V * D + D + 3 * D * F);
  return { embedding, nonEmbedding, total: embedding + nonEmbedding };
}

/** RMSNorm without gain (the authors' F.rms_norm): x / √(mean(x²) + eps) over the last axis. */
function rmsNorm<T extends tf.Tensor>(x: T): T {
  const F = x.shape[x.rank - 1];
  return tf.mul(x, tf.rsqrt(tf.add(tf.mul(tf.sum(tf.square(x), -1, true), 1 / F), RMS_EPS))); // a sum, not tf.mean (which casts)
}

interface FuxiBlock {
  readonly wU: tf.Variable; // [D, 3·H·V]
  readonly wV: tf.Variable; // [D, H·V]
  readonly wQ: tf.Variable; // [D, H·Q]
  readonly wK: tf.Variable; // [D, H·Q]
  readonly rabPos: tf.Variable; // [2·maxLen - 1]
  readonly rabTime: tf.Variable; // [129]
  readonly w0: tf.Variable; // [3·H·V, D]
  readonly b0: tf.Variable; // [D]
  readonly w1: tf.Variable; // [D, F]
  readonly w3: tf.Variable; // [D, F]
  readonly w2: tf.Variable; // [F, D]
}

interface FuxiParams {
  readonly itemEmb: tf.Variable; // [I + 1, D]
  readonly posEmb: tf.Variable; // [maxLen, D]
  readonly blocks: FuxiBlock[];
}

function initParams(c: FuxiConfig, vb: VariableBuilder): FuxiParams {
  const { dim: D, numHeads: H, qkDim: Q, vDim: V, innerSize: F } = c;
  const itemEmb = vb.normal('itemEmb', [c.numItems + 1, D], 0.02);
  const posEmb = vb.normal('posEmb', [c.maxLen, D], Math.sqrt(1 / D));
  const blocks = Array.from({ length: c.numLayers }, (_, l): FuxiBlock => {
    const name = (n: string) => `block${l}.${n}`;
    return {
      wU: vb.normal(name('wU'), [D, 3 * H * V], 0.02),
      wV: vb.normal(name('wV'), [D, H * V], 0.02),
      wQ: vb.normal(name('wQ'), [D, H * Q], 0.02),
      wK: vb.normal(name('wK'), [D, H * Q], 0.02),
      rabPos: vb.normal(name('rabPos'), [2 * c.maxLen - 1], 0.02),
      rabTime: vb.normal(name('rabTime'), [TIME_BUCKETS + 1], 0.02),
      w0: vb.xavierUniform(name('w0'), [3 * H * V, D], 3 * H * V, D),
      b0: vb.uniform(name('b0'), [D], 1 / Math.sqrt(3 * H * V)),
      w1: vb.xavierUniform(name('w1'), [D, F], D, F),
      w3: vb.xavierUniform(name('w3'), [D, F], D, F),
      w2: vb.xavierUniform(name('w2'), [F, D], F, D),
    };
  });
  return { itemEmb, posEmb, blocks };
}

/** Columns [c·H·V, (c + 1)·H·V) of a weight [rows, 3·H·V]: one channel's block (a cheap slice of the weight). */
function channelCols(w: tf.Variable, c: number, width: number): tf.Tensor2D {
  return tf.slice(w as tf.Tensor2D, [0, c * width], [w.shape[0], width]);
}

/** Rows [c·H·V, (c + 1)·H·V) of W_0 [3·H·V, D]. */
function channelRows(w: tf.Variable, c: number, width: number): tf.Tensor2D {
  return tf.slice(w as tf.Tensor2D, [c * width, 0], [width, (w as tf.Tensor2D).shape[1]]);
}

/**
 * The channel outputs [positional, temporal, semantic], each [M, H·V] (the temporal one undefined
 * without timestamps: zeros). The positional and temporal weights are shared by the heads: one
 * product over all H·V columns.
 */
function channels(v: tf.Tensor2D, semantic: tf.Tensor4D, b: FuxiBlock, c: FuxiConfig, ctx: PassContext): Array<tf.Tensor2D | undefined> {
  const { batch: B, len: T } = ctx;
  const HV = c.numHeads * c.vDim;
  const v3 = tf.reshape(v, [B, T, HV]) as tf.Tensor3D; // [B, T, H·V]
  const shared = (w: tf.Tensor4D) => tf.reshape(matMul(tf.reshape(tf.mul(w, ctx.allowed), [B, T, T]) as tf.Tensor3D, v3), [B * T, HV]) as tf.Tensor2D; // [M, H·V]
  const pos = shared(positionBias(b.rabPos as tf.Tensor1D, ctx)); // a ⊙ rab_pos broadcasts to [B, 1, T, T]
  const rab = timeBias(b.rabTime as tf.Tensor1D, ctx);
  const sem = tf.reshape(headsLast(matMul(semantic, splitHeads(v, ctx, c.numHeads))), [B * T, HV]) as tf.Tensor2D; // [M, H·V]
  return [pos, rab && shared(rab), sem];
}

/**
 * One FuXi-alpha layer: x [M, D] -> [M, D]; `scale` = a / maxLen [B, 1, T, T]. The concatenation
 * O and U ⊙ RMSNorm(O)·W_0 are computed channel by channel (the same numbers; no [M, 3·H·V]
 * concat, whose split gradient is slow on wasm); RMSNorm's mean still runs over all 3·H·V columns.
 */
function block(x: tf.Tensor2D, b: FuxiBlock, c: FuxiConfig, ctx: PassContext, scale: tf.Tensor4D, opts: ForwardOptions, l: number): tf.Tensor2D {
  const HV = c.numHeads * c.vDim;
  const rate = c.dropout[l];
  const n = rmsNorm(x); // [M, D]
  const [v, q, k] = [b.wV, b.wQ, b.wK].map((w) => silu(linear(n, w as tf.Tensor2D))); // [M, HV], [M, HQ], [M, HQ]
  const semantic = tf.mul(silu(matMul(splitHeads(q, ctx, c.numHeads), splitHeads(k, ctx, c.numHeads), false, true)), scale) as tf.Tensor4D; // [B, H, T, T]
  const outs = channels(v, semantic, b, c, ctx); // 3 x [M, H·V]
  const sumSq = outs.reduce<tf.Tensor>((acc, o) => (o ? tf.add(acc, tf.sum(tf.square(o), -1, true)) : acc), tf.zeros([x.shape[0], 1])); // [M, 1]
  const inv = tf.rsqrt(tf.add(tf.mul(sumSq, 1 / (3 * HV)), RMS_EPS)); // [M, 1], RMSNorm over all 3·H·V columns
  let x1: tf.Tensor2D = tf.add(x, b.b0); // [M, D]
  outs.forEach((o, ch) => {
    if (!o) return; // the temporal channel without timestamps: O = 0, so its part of Y is 0
    const u = silu(linear(n, channelCols(b.wU, ch, HV))); // [M, H·V]
    const y = tf.mul(tf.mul(u, o), inv) as tf.Tensor2D; // [M, H·V], this channel's part of U ⊙ RMSNorm(O)
    x1 = tf.add(x1, linear(dropout(y, rate, opts, l + 1, 1, ch), channelRows(b.w0, ch, HV))); // [M, D]
  });
  const z = dropout(rmsNorm(x1), rate, opts, l + 1, 2); // [M, D]
  const gated: tf.Tensor2D = tf.mul(silu(linear(z, b.w1 as tf.Tensor2D)), linear(z, b.w3 as tf.Tensor2D)); // [M, F]
  return tf.add(x1, linear(gated, b.w2 as tf.Tensor2D)); // [M, D]
}

function encode(p: FuxiParams, c: FuxiConfig, seqs: tf.Tensor2D, opts: ForwardOptions): tf.Tensor3D {
  const [B, T] = seqs.shape;
  const ctx = passContext('fuxi', seqs, c.maxLen, c.usesTime ? opts.timestamps : undefined);
  const scale = tf.mul(ctx.allowed, 1 / c.maxLen) as tf.Tensor4D; // [B, 1, T, T]
  let x = embedInput(p.itemEmb as tf.Tensor2D, p.posEmb as tf.Tensor2D, seqs, ctx, c.embDropout, opts); // [M, D]
  p.blocks.forEach((b, l) => {
    x = block(x, b, c, ctx, scale, opts, l); // [M, D]
  });
  return tf.reshape(l2Normalize(x), [B, T, c.dim]); // [B, T, D], unit rows
}

/**
 * Build a FuXi-alpha model with variables initialised from `seed` (defaults fill the rest).
 * @throws ConfigError when the config is invalid (see fuxiConfig).
 * @example const m = createFuxi({ numItems: 1682 }, 0); const h = m.encode(seqs, { isTraining: false, timestamps });
 */
export function createFuxi(input: ConfigInput<FuxiConfig>, seed: number): SeqModel {
  const c = fuxiConfig(input);
  const vb = new VariableBuilder('fuxi', seed);
  const p = initParams(c, vb);
  return assembleModel('fuxi', c, vb, {
    encode: (seqs, opts) => encode(p, c, seqs, opts),
    outputTable: () => cosineTable(p.itemEmb as tf.Tensor2D, c.temperature),
    counts: fuxiCounts(c),
  });
}

/** The registry entry (lib/models/index.ts). */
export const FUXI: ModelEntry<FuxiConfig> = {
  label: 'FuXi-α',
  defaults: FUXI_DEFAULTS,
  shapeFields: ['numLayers', 'dim', 'numHeads', 'maxLen', 'embDropout'],
  create: createFuxi,
  // As LSRM: the run's per-layer rates; the input takes layer 0's unless the shape sets it.
  fromShape: ({ maxLen, dim, numLayers, numHeads, embDropout }, ctx) => {
    const dropout = [...ctx.layerDropout(numLayers)];
    return fuxiConfig({ numItems: ctx.numItems, maxLen, dim, numLayers, numHeads, dropout, embDropout: embDropout ?? dropout[0] });
  },
  paramCounts: fuxiCounts,
  ffnDim: (dim) => dim,
  describe: (input) => {
    const c = fuxiConfig(input);
    return `FuXi-α ${c.numLayers}x${c.dim} (${headsText(c)}, ffn ${c.innerSize}), ${formatCount(fuxiCounts(c).nonEmbedding)} non-emb`;
  },
};
