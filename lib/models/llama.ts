/**
 * A Llama-style decoder over item ids (Touvron et al., "LLaMA", 2023), the Llama backbone of the
 * companion study "Scaling New Frontiers: Insights into Large Recommendation Models": LSRM's
 * decoder (lsrm.ts) with Llama's three changes, pre-RMSNorm, rotary position embedding (RoPE) in
 * place of learned absolute positions, and a SwiGLU feed-forward; no biases anywhere.
 *
 * Shapes: B batch, T sequence length (<= maxLen), D = dim, H heads, K = D / H (even), F =
 * innerSize, I items, M = B·T.
 *
 *   x_0 = Dropout_emb(E[item])
 *   block l:  x <- x + Dropout_l(Attn(RMSNorm(x)·g_1))
 *             x <- x + Dropout_l(W_2·(SiLU(W_1·n) ⊙ W_3·n)),   n = RMSNorm(x)·g_2
 *   h = RMSNorm(x_L)·g_f;   logits = h·E[1..I]ᵀ (output tied to the item table, as LSRM)
 * RMSNorm(x) = x / √(mean(x²) + 1e-5). Attention: softmax(q'·k'ᵀ/√K + mask)·v, then W_o, with
 * q' = RoPE(x·W_Q), k' = RoPE(x·W_K) per head and the mask of blocks.ts (causal + key padding).
 * RoPE at position p, pair k = 0..K/2-1 with angle p·θ_k, θ_k = ropeBase^(-2k/K), in the
 * rotate-half layout (a head's first half paired with its second half; Meta's interleaved pairs
 * are the same model up to a permutation of W_Q's and W_K's columns):
 *   [x_a | x_b] -> [x_a·cos - x_b·sin | x_b·cos + x_a·sin].
 * Positions are slot-aligned from the right, p = maxLen - T + t (as LSRM's learned positions), so a
 * shorter input is the same as the input left-padded to maxLen; attention sees only p_i - p_j.
 * Dropout: per-layer rates (the run's layer-wise rates, as LSRM) on both residual branches,
 * embDropout on the input. Init: N(0, 0.02²), the residual projections W_o, W_2 N(0, 0.02²/(2L))
 * (GPT-2, as LSRM); norm gains 1.
 * F defaults to Llama's rule, 2/3 of 4D rounded up to a multiple of 8 (llamaFfnDim): with
 * F = 8D/3 a layer has 4D² + 8D² = 12D² weights, LSRM's count.
 *
 * Parameters (every variable counted, norm gains included):
 *   non-embedding N = L·(4·D² + 3·D·F + 2·D) + D;   embedding = (I + 1)·D (no position table).
 *   defaults (L 2, D 64, F 176): 2·(16,384 + 33,792 + 128) + 64 = 100,672.
 */
import * as tf from '@tensorflow/tfjs';
import { gatherRows, matMul } from '../ops/ops';
import { attentionMask } from './blocks';
import { dropout, linear } from './nn';
import { assembleModel, checkInt, checkPositive, checkRate, checkRates, ConfigError, formatCount, VariableBuilder } from './toolkit';
import type { ConfigInput, ForwardOptions, ModelEntry, ParamCounts, SeqModel } from './types';

/** Hyper-parameters of a Llama-style decoder. */
export interface LlamaConfig {
  readonly numItems: number;
  readonly maxLen: number;
  readonly dim: number;
  readonly numLayers: number;
  /** Must divide dim into an even head width (RoPE rotates pairs). */
  readonly numHeads: number;
  /** SwiGLU inner width F; default llamaFfnDim(dim). */
  readonly innerSize: number;
  /** One dropout rate per layer; default 0.2 each. */
  readonly dropout: readonly number[];
  readonly embDropout: number;
  /** RoPE base (Llama: 10,000). */
  readonly ropeBase: number;
}

/** Llama's feed-forward width: floor(2·4D/3) rounded up to a multiple of 8 (Llama: of 256). @example llamaFfnDim(64) // 176 */
export function llamaFfnDim(dim: number): number {
  return 8 * Math.ceil(Math.floor((8 * dim) / 3) / 8);
}

/** Defaults: the lab's 2 x 64 shape (LSRM's). */
export const LLAMA_DEFAULTS = {
  maxLen: 50,
  dim: 64,
  numLayers: 2,
  numHeads: 2,
  innerSize: 176, // llamaFfnDim(64)
  dropout: [0.2, 0.2] as readonly number[],
  embDropout: 0.2,
  ropeBase: 10_000,
} as const;

const RMS_EPS = 1e-5;
const INIT_STD = 0.02;

/** Fill defaults and validate. @throws ConfigError naming the field, its value and what is allowed. */
export function llamaConfig(input: ConfigInput<LlamaConfig>): LlamaConfig {
  const base: LlamaConfig = { ...LLAMA_DEFAULTS, ...input };
  for (const k of ['numItems', 'maxLen', 'dim', 'numLayers', 'numHeads'] as const) checkInt('llama', k, base[k]);
  if (base.dim % base.numHeads !== 0 || (base.dim / base.numHeads) % 2 !== 0) {
    throw new ConfigError('llama', 'numHeads', base.numHeads, `a divisor of dim (${base.dim}) leaving an even head width (RoPE rotates pairs)`);
  }
  const c = { ...base, innerSize: input.innerSize ?? llamaFfnDim(base.dim), dropout: [...(input.dropout ?? new Array<number>(base.numLayers).fill(0.2))] };
  checkInt('llama', 'innerSize', c.innerSize);
  checkRates('llama', 'dropout', c.dropout, c.numLayers);
  checkRate('llama', 'embDropout', c.embDropout);
  checkPositive('llama', 'ropeBase', c.ropeBase);
  return c;
}

/** Parameter counts (header formula). */
export function llamaCounts(input: ConfigInput<LlamaConfig>): ParamCounts {
  const { numItems: I, dim: D, numLayers: L, innerSize: F } = llamaConfig(input);
  const embedding = (I + 1) * D;
  const nonEmbedding = L * (4 * D * D + 3 * D * F + 2 * D) + D;
  return { embedding, nonEmbedding, total: embedding + nonEmbedding };
}

/**
 * cos and sin of the RoPE angles p·θ_k for the T slots of an input, p = maxLen - T + t:
 * each [1, T, 1, K/2] (broadcast over batch and heads).
 */
export function ropeAngles(T: number, maxLen: number, headDim: number, base: number): { cos: tf.Tensor4D; sin: tf.Tensor4D } {
  const half = headDim / 2;
  const cos = new Float32Array(T * half);
  const sin = new Float32Array(T * half);
  for (let t = 0; t < T; t++) {
    const p = maxLen - T + t;
    for (let k = 0; k < half; k++) {
      const angle = p * Math.pow(base, (-2 * k) / headDim);
      cos[t * half + k] = Math.cos(angle);
      sin[t * half + k] = Math.sin(angle);
    }
  }
  return { cos: tf.tensor4d(cos, [1, T, 1, half]), sin: tf.tensor4d(sin, [1, T, 1, half]) };
}

/** RoPE in the rotate-half layout: x [B, T, H, K] -> [B, T, H, K]. */
export function applyRope(x: tf.Tensor4D, angles: { cos: tf.Tensor4D; sin: tf.Tensor4D }): tf.Tensor4D {
  const [B, T, H, K] = x.shape;
  const a = tf.slice(x, [0, 0, 0, 0], [B, T, H, K / 2]); // first half
  const b = tf.slice(x, [0, 0, 0, K / 2], [B, T, H, K / 2]); // second half
  const { cos, sin } = angles;
  return tf.concat([tf.sub(tf.mul(a, cos), tf.mul(b, sin)), tf.add(tf.mul(b, cos), tf.mul(a, sin))], 3) as tf.Tensor4D;
}

/** RMSNorm with gain over the last axis of [M, D]. */
function rmsNorm(x: tf.Tensor2D, gain: tf.Variable): tf.Tensor2D {
  const D = x.shape[1];
  return tf.mul(tf.mul(x, tf.rsqrt(tf.add(tf.mul(tf.sum(tf.square(x), -1, true), 1 / D), RMS_EPS))), gain); // a sum, not tf.mean (which casts)
}

interface LlamaBlock {
  readonly attnNorm: tf.Variable; // [D]
  readonly wQ: tf.Variable; // [D, D]
  readonly wK: tf.Variable; // [D, D]
  readonly wV: tf.Variable; // [D, D]
  readonly wOut: tf.Variable; // [D, D]
  readonly ffnNorm: tf.Variable; // [D]
  readonly w1: tf.Variable; // [D, F]
  readonly w3: tf.Variable; // [D, F]
  readonly w2: tf.Variable; // [F, D]
}

interface LlamaParams {
  readonly itemEmb: tf.Variable; // [I + 1, D]
  readonly blocks: LlamaBlock[];
  readonly normF: tf.Variable; // [D]
}

function initParams(c: LlamaConfig, vb: VariableBuilder): LlamaParams {
  const { dim: D, innerSize: F } = c;
  const residualStd = INIT_STD / Math.sqrt(2 * c.numLayers);
  const itemEmb = vb.normal('itemEmb', [c.numItems + 1, D], INIT_STD);
  const blocks = Array.from({ length: c.numLayers }, (_, l): LlamaBlock => {
    const name = (n: string) => `block${l}.${n}`;
    return {
      attnNorm: vb.constant(name('attnNorm'), [D], 1),
      wQ: vb.normal(name('wQ'), [D, D], INIT_STD),
      wK: vb.normal(name('wK'), [D, D], INIT_STD),
      wV: vb.normal(name('wV'), [D, D], INIT_STD),
      wOut: vb.normal(name('wOut'), [D, D], residualStd),
      ffnNorm: vb.constant(name('ffnNorm'), [D], 1),
      w1: vb.normal(name('w1'), [D, F], INIT_STD),
      w3: vb.normal(name('w3'), [D, F], INIT_STD),
      w2: vb.normal(name('w2'), [F, D], residualStd),
    };
  });
  return { itemEmb, blocks, normF: vb.constant('normF', [D], 1) };
}

interface PassShape {
  readonly batch: number;
  readonly len: number;
  readonly numHeads: number;
  /** Additive mask [B, 1, T, T] (blocks.ts). */
  readonly mask: tf.Tensor4D;
  readonly angles: { cos: tf.Tensor4D; sin: tf.Tensor4D };
}

/** Causal self-attention with RoPE on normalised input n [M, D] -> [M, D]. */
function attention(n: tf.Tensor2D, b: LlamaBlock, s: PassShape): tf.Tensor2D {
  const D = n.shape[1];
  const K = D / s.numHeads;
  const view = (x: tf.Tensor2D) => tf.reshape(x, [s.batch, s.len, s.numHeads, K]) as tf.Tensor4D; // [B, T, H, K]
  const toHeads = (x: tf.Tensor4D) => tf.transpose(x, [0, 2, 1, 3]) as tf.Tensor4D; // [B, H, T, K]
  const q = toHeads(applyRope(view(linear(n, b.wQ as tf.Tensor2D)), s.angles));
  const k = toHeads(applyRope(view(linear(n, b.wK as tf.Tensor2D)), s.angles));
  const v = toHeads(view(linear(n, b.wV as tf.Tensor2D)));
  const scores = tf.add(tf.mul(matMul(q, k, false, true), 1 / Math.sqrt(K)), s.mask); // [B, H, T, T]
  const o = matMul(tf.softmax(scores), v); // [B, H, T, K]
  const merged = tf.reshape(tf.transpose(o, [0, 2, 1, 3]), [s.batch * s.len, D]) as tf.Tensor2D; // [M, D]
  return linear(merged, b.wOut as tf.Tensor2D); // [M, D]
}

function encode(p: LlamaParams, c: LlamaConfig, seqs: tf.Tensor2D, opts: ForwardOptions): tf.Tensor3D {
  const [B, T] = seqs.shape;
  const s: PassShape = { batch: B, len: T, numHeads: c.numHeads, mask: attentionMask(seqs), angles: ropeAngles(T, c.maxLen, c.dim / c.numHeads, c.ropeBase) };
  let x = dropout(gatherRows(p.itemEmb as tf.Tensor2D, tf.reshape(seqs, [-1]) as tf.Tensor1D), c.embDropout, opts, 0); // [M, D]
  p.blocks.forEach((b, l) => {
    const rate = c.dropout[l];
    const branch = (y: tf.Tensor2D, site: number) => dropout(y, rate, opts, l + 1, site);
    x = tf.add(x, branch(attention(rmsNorm(x, b.attnNorm), b, s), 1)); // [M, D]
    const n = rmsNorm(x, b.ffnNorm); // [M, D]
    const h1 = linear(n, b.w1 as tf.Tensor2D); // [M, F]
    const gated: tf.Tensor2D = tf.mul(tf.mul(h1, tf.sigmoid(h1)), linear(n, b.w3 as tf.Tensor2D)); // [M, F], SiLU(n W_1) ⊙ n W_3
    x = tf.add(x, branch(linear(gated, b.w2 as tf.Tensor2D), 2)); // [M, D]
  });
  return tf.reshape(rmsNorm(x, p.normF), [B, T, c.dim]); // [B, T, D]
}

/**
 * Build a Llama-style decoder with variables initialised from `seed` (defaults fill the rest).
 * @throws ConfigError when the config is invalid (see llamaConfig).
 * @example const m = createLlama({ numItems: 1682 }, 0); const h = m.encode(seqs, { isTraining: false });
 */
export function createLlama(input: ConfigInput<LlamaConfig>, seed: number): SeqModel {
  const c = llamaConfig(input);
  const vb = new VariableBuilder('llama', seed);
  const p = initParams(c, vb);
  return assembleModel('llama', c, vb, { encode: (seqs, opts) => encode(p, c, seqs, opts), outputTable: () => p.itemEmb as tf.Tensor2D, counts: llamaCounts(c) });
}

/** The registry entry (lib/models/index.ts). */
export const LLAMA: ModelEntry<LlamaConfig> = {
  label: 'Llama',
  defaults: LLAMA_DEFAULTS,
  shapeFields: ['numLayers', 'dim', 'numHeads', 'maxLen', 'embDropout'],
  create: createLlama,
  // As LSRM: the run's per-layer rates; the input takes layer 0's unless the shape sets it.
  fromShape: ({ maxLen, dim, numLayers, numHeads, embDropout }, ctx) => {
    const dropout = [...ctx.layerDropout(numLayers)];
    return llamaConfig({ numItems: ctx.numItems, maxLen, dim, numLayers, numHeads, dropout, embDropout: embDropout ?? dropout[0] });
  },
  paramCounts: llamaCounts,
  ffnDim: llamaFfnDim,
  describe: (input) => {
    const c = llamaConfig(input);
    return `Llama ${c.numLayers}x${c.dim} (${c.numHeads} head${c.numHeads === 1 ? '' : 's'}, ffn ${c.innerSize}), ${formatCount(llamaCounts(c).nonEmbedding)} non-emb`;
  },
};
