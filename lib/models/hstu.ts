/**
 * HSTU: hierarchical sequential transduction units (Zhai et al., "Actions Speak Louder than
 * Words", ICML 2024), after the authors' research code (meta-recsys/generative-recommenders,
 * research/modeling/sequential/hstu.py and its input/output modules; read there, written here).
 *
 * Shapes: B batch, T sequence length (<= maxLen), D = dim, H heads, Q = qkDim and V = vDim (per
 * head), I items, M = B·T. Sequences are LEFT-padded (types.ts); m = 1 at item slots, 0 at padding.
 *
 * Input (LearnablePositionalEmbeddingInputFeaturesPreprocessor):
 *   x_0 = m ⊙ Dropout_emb(E[item]·√D + P[pos]),   pos = the number of items before the slot in
 *   its window (the authors' right-padded arange: a window's oldest item is position 0).
 * Block l (SequentialTransductionUnitJagged with 'uvqk', SiLU, 'rel_bias'):
 *   n = LN(x)                                     (no gain or bias, eps 1e-6)
 *   U, V, Q, K = SiLU(n·W_U), SiLU(n·W_V), SiLU(n·W_Q), SiLU(n·W_K)     (no biases)
 *   A_h[i, j] = a_ij · SiLU(Q_h[i]·K_h[j] + rab_ij) / maxLen      (no softmax, no 1/√Q)
 *   Y = U ⊙ LN([A_1·V_1 | ... | A_H·V_H])        (LN over all H·V columns, no gain or bias)
 *   x <- x + Dropout_l(Y)·W_o + b_o
 * a_ij = 1 iff j <= i and slot j holds an item (the authors' right padding needs the causal part
 * only; our left padding needs the key mask too); maxLen is the constant the authors divide by
 * (their padded length, not the number of visible keys), so left padding changes nothing.
 * Output: h = x_L / max(||x_L||, 1e-6) (L2NormEmbeddingPostprocessor); logits = h·Ê[i] / τ with Ê
 * the L2-normalised item table (their item_l2_norm, temperature τ = 0.05): outputTable() = Ê / τ.
 *
 * Relative attention bias rab = rab_pos + rab_time (RelativeBucketedTimeAndPositionBasedBias), per
 * layer: w_p [2·maxLen - 1], rab_pos[i, j] = w_p[maxLen - 1 + j - i] (causal masking leaves the
 * maxLen - 1 entries of j > i without gradient; kept, as in the authors' count); w_t [129],
 * rab_time[i, j] = w_t[bucket(tq_i - t_j)], bucket(dt) = min(128, floor(ln(max(|dt|, 1)) / 0.301)),
 * t_j the time of key slot j and tq_i the query time of slot i: the time of the event it predicts,
 * i.e. slot i + 1's time; for the last slot the extra column of [B, T + 1] timestamps, or with
 * [B, T] its own time (the authors' fallback). Timestamps come in ForwardOptions.timestamps
 * (seconds). Without them rab_time is left out (w_t gets no gradient): positions alone.
 * Causality: slot t depends on the items at slots <= t and on the times at slots <= t + 1.
 *
 * Where the times come from (shared with fuxi.ts). The config field usesTime (default true) tells
 * the trainer and the evaluator to feed timestamps (lib/train/train.ts feedsTimes, lib/eval/
 * evaluate.ts): each window's or history's times, then the time of the target it predicts, as
 * int32 seconds relative to the row's earliest item (lib/data/batch.ts). They do so when the split
 * has event times (lib/data/split.ts hasEventTimes: held-out times kept and not every time equal);
 * otherwise, and with usesTime false (timestamps then ignored), the model runs on positions alone.
 * Real clocks: MovieLens (Unix seconds of the rating), Amazon (unixReviewTime, day resolution, so
 * same-day events share bucket 0) and any CSV / atomic file whose time column is a clock; the
 * synthetic teacher's times are a real clock too, but its gaps are random and independent of the
 * items, so the time bias has nothing to learn there. No clock: a `sasrec:` file's times are each
 * user's line ranks (0, 1, 2, ...), so the time bias would see distances in interactions, a second
 * positional signal; run such data with the data spec's `times: false` (lib/runs/build.ts), which
 * drops the times, as do custom inputs (lib/eval/custom-inputs.ts). A log whose times are all
 * equal falls back by itself. Whether times are fed is thus fixed by the model kind (a run spec
 * cannot set usesTime: the kind's default holds) and the data spec, both in the run key; it is not
 * a key of its own.
 *
 * Dropout: per-layer rates (the run's layer-wise rates, as LSRM) on Y before W_o (the authors'
 * linear_dropout_rate) and embDropout on the input (their dropout_rate); they use 0.2 for both.
 * Init (the authors'): E ~ N(0, 0.02²) and P ~ N(0, 1/D) (theirs truncated), W_U..W_K ~ N(0, 0.02²),
 * W_o Xavier-uniform, b_o ~ U(±1/√(H·V)) (torch Linear), w_p, w_t ~ N(0, 0.02²).
 *
 * Parameters (every variable counted; there are no norm gains):
 *   non-embedding N = L·(D·H·(2V + 2Q) + H·V·D + D + (2·maxLen - 1) + 129)
 *                   = L·(5·D² + D + 2·maxLen + 128)   with Q = V = D/H (every published config);
 *   embedding = (I + 1)·D item rows + maxLen·D positions.
 *   defaults (L 2, D 64, maxLen 50): 2·(20,480 + 64 + 228) = 41,544;
 *   ML-1M HSTU (L 2, D 50, maxLen 200): 2·(12,500 + 50 + 528) = 26,156.
 */
import * as tf from '@tensorflow/tfjs';
import { customGrad, gatherRows, hasTsKernels, matMul, type Grad } from '../ops/ops';
import { dropout, layerNorm, linear } from './nn';
import { assembleModel, checkInt, checkPositive, checkRate, checkRates, ConfigError, formatCount, VariableBuilder } from './toolkit';
import type { ConfigInput, ForwardOptions, ModelEntry, ParamCounts, SeqModel } from './types';

/** Hyper-parameters of an HSTU. */
export interface HstuConfig {
  readonly numItems: number;
  readonly maxLen: number;
  readonly dim: number;
  readonly numLayers: number;
  readonly numHeads: number;
  /** Q and K width per head (the authors' dqk); default dim / numHeads. */
  readonly qkDim: number;
  /** U and V width per head (dv); default dim / numHeads. */
  readonly vDim: number;
  /** One dropout rate per layer; default 0.2 each. */
  readonly dropout: readonly number[];
  readonly embDropout: number;
  /** Temperature τ of the cosine logits. */
  readonly temperature: number;
  /** The time bias is on: the trainer and evaluator feed timestamps (header). false: positions alone. */
  readonly usesTime: boolean;
}

/** Defaults: the lab's 2 x 64 shape (LSRM's), the authors' dropout and temperature. */
export const HSTU_DEFAULTS = {
  maxLen: 50,
  dim: 64,
  numLayers: 2,
  numHeads: 2,
  qkDim: 32,
  vDim: 32,
  dropout: [0.2, 0.2] as readonly number[],
  embDropout: 0.2,
  temperature: 0.05, // train_fn.temperature of every published config
  usesTime: true, // the authors' rel_bias: positions and time
} as const;

/** The authors' time buckets: floor(ln(max(|dt|, 1)) / 0.301), clamped to 128 (129 weights). */
export const TIME_BUCKETS = 128;
const NORM_EPS = 1e-6;
const DEFAULT_RATE = 0.2;

/** Bucket of a time gap in seconds. @example timeBucket(86_400) // 37 (one day) */
export function timeBucket(dt: number): number {
  return Math.min(TIME_BUCKETS, Math.floor(Math.log(Math.max(Math.abs(dt), 1)) / 0.301));
}

/** The config fields HSTU and FuXi-alpha share. */
export type AttentionConfig = HstuConfig;

/**
 * Fill and check the shared fields: qkDim and vDim default to dim / numHeads (numHeads must divide
 * dim then), dropout to 0.2 per layer. @throws ConfigError naming the field.
 */
export function fillAttentionConfig<C extends AttentionConfig>(kind: string, defaults: Omit<C, 'numItems'>, input: ConfigInput<C>): C {
  const base = { ...defaults, ...input } as C;
  for (const k of ['numItems', 'maxLen', 'dim', 'numLayers', 'numHeads'] as const) checkInt(kind, k, base[k]);
  const perHead = (given: number | undefined) => {
    if (given !== undefined) return given;
    if (base.dim % base.numHeads !== 0) throw new ConfigError(kind, 'numHeads', base.numHeads, `a divisor of dim (${base.dim}) unless qkDim and vDim are given`);
    return base.dim / base.numHeads;
  };
  const dropoutRates = input.dropout ?? new Array<number>(base.numLayers).fill(DEFAULT_RATE);
  const c = { ...base, qkDim: perHead(input.qkDim), vDim: perHead(input.vDim), dropout: [...dropoutRates] };
  checkInt(kind, 'qkDim', c.qkDim);
  checkInt(kind, 'vDim', c.vDim);
  checkRates(kind, 'dropout', c.dropout, c.numLayers);
  checkRate(kind, 'embDropout', c.embDropout);
  checkPositive(kind, 'temperature', c.temperature);
  if (typeof c.usesTime !== 'boolean') throw new ConfigError(kind, 'usesTime', c.usesTime, 'true or false');
  return c;
}

/** Fill defaults and validate. @throws ConfigError naming the field, its value and what is allowed. */
export function hstuConfig(input: ConfigInput<HstuConfig>): HstuConfig {
  return fillAttentionConfig<HstuConfig>('hstu', HSTU_DEFAULTS, input);
}

/** Parameter counts (header formula). */
export function hstuCounts(input: ConfigInput<HstuConfig>): ParamCounts {
  const { numItems: I, maxLen, dim: D, numLayers: L, numHeads: H, qkDim: Q, vDim: V } = hstuConfig(input);
  const embedding = (I + 1) * D + maxLen * D;
  const nonEmbedding = L * (D * H * (2 * V + 2 * Q) + H * V * D + D + (2 * maxLen - 1) + TIME_BUCKETS + 1);
  return { embedding, nonEmbedding, total: embedding + nonEmbedding };
}

// ---------------------------------------------------------------------------------------------
// Pieces shared with FuXi-alpha (fuxi.ts): one pass's masks and bias indices, the input, SiLU, norms.

/** What every block of one pass shares (built in JS from the item ids and timestamps). */
export interface PassContext {
  readonly batch: number;
  readonly len: number;
  /** a_ij: 1 where query i may read key j (j <= i, slot j holds an item), else 0: [B, 1, T, T]. */
  readonly allowed: tf.Tensor4D;
  /** Index of rab_pos[i, j] into w_p: maxLen - 1 + j - i, [T·T]. */
  readonly posIdx: BiasIndex;
  /** Time bucket of (b, i, j), [B·T·T]; absent without timestamps. */
  readonly timeIdx?: BiasIndex;
  /** Input position of each slot (items before it in the window), [M] int32. */
  readonly itemPos: tf.Tensor1D;
  /** m: 1 at item slots, 0 at padding, [M, 1]. */
  readonly itemMask: tf.Tensor2D;
}

/** Indices into a bias vector; `tensor` (the same, on the device) only where lookupBias gathers with tf.gather. */
export interface BiasIndex {
  readonly values: Int32Array;
  readonly tensor?: tf.Tensor1D;
}

function biasIndex(values: Int32Array): BiasIndex {
  return hasTsKernels() ? { values } : { values, tensor: tf.tensor1d(values, 'int32') };
}

/** Throws unless timestamps are [B, T] or [B, T + 1] with finite values at the item slots. */
function readTimestamps(kind: string, ts: tf.Tensor2D, items: ArrayLike<number>, B: number, T: number): ArrayLike<number> {
  const cols = ts.shape[1];
  if (ts.rank !== 2 || ts.shape[0] !== B || (cols !== T && cols !== T + 1)) {
    throw new Error(`${kind}.encode: timestamps must be a [B, T] or [B, T + 1] tensor ([${B}, ${T}] or [${B}, ${T + 1}]), got [${ts.shape.join(', ')}]`);
  }
  const t = ts.dataSync();
  for (let b = 0; b < B; b++) {
    for (let s = 0; s < cols; s++) {
      const isItem = s < T ? items[b * T + s] !== 0 : true;
      if (isItem && !Number.isFinite(t[b * cols + s])) throw new Error(`${kind}.encode: timestamps[${b}, ${s}] is ${t[b * cols + s]}; times must be finite seconds`);
    }
  }
  return t;
}

/** The pass context of seqs [B, T] (see PassContext); timestamps as ForwardOptions.timestamps. */
export function passContext(kind: string, seqs: tf.Tensor2D, maxLen: number, timestamps?: tf.Tensor2D): PassContext {
  const [B, T] = seqs.shape;
  const items = seqs.dataSync();
  const allowed = new Float32Array(B * T * T);
  const itemPos = new Int32Array(B * T);
  for (let b = 0; b < B; b++) {
    let seen = 0;
    for (let i = 0; i < T; i++) {
      if (items[b * T + i] !== 0) itemPos[b * T + i] = seen++;
      for (let j = 0; j <= i; j++) if (items[b * T + j] !== 0) allowed[(b * T + i) * T + j] = 1;
    }
  }
  const posIdx = new Int32Array(T * T);
  for (let i = 0; i < T; i++) for (let j = 0; j < T; j++) posIdx[i * T + j] = maxLen - 1 + j - i;
  let timeIdx: BiasIndex | undefined;
  if (timestamps) {
    const t = readTimestamps(kind, timestamps, items, B, T);
    const cols = timestamps.shape[1];
    const idx = new Int32Array(B * T * T);
    for (let b = 0; b < B; b++) {
      for (let i = 0; i < T; i++) {
        const tq = t[b * cols + Math.min(i + 1, cols - 1)]; // query time: the predicted event's
        for (let j = 0; j <= i; j++) if (items[b * T + j] !== 0) idx[(b * T + i) * T + j] = timeBucket(tq - t[b * cols + j]);
      }
    }
    timeIdx = biasIndex(idx);
  }
  const mask = Float32Array.from(items, (x) => (x === 0 ? 0 : 1));
  return {
    batch: B,
    len: T,
    allowed: tf.tensor4d(allowed, [B, 1, T, T]),
    posIdx: biasIndex(posIdx),
    timeIdx,
    itemPos: tf.tensor1d(itemPos, 'int32'),
    itemMask: tf.tensor2d(mask, [B * T, 1]),
  };
}

/** x_0 = m ⊙ Dropout(E[item]·√D + P[pos]): seqs [B, T] -> [M, D] (the authors' preprocessor). */
export function embedInput(itemEmb: tf.Tensor2D, posEmb: tf.Tensor2D, seqs: tf.Tensor2D, ctx: PassContext, embDropout: number, opts: ForwardOptions): tf.Tensor2D {
  const D = itemEmb.shape[1];
  const items = gatherRows(itemEmb, tf.reshape(seqs, [-1]) as tf.Tensor1D); // [M, D]
  const x = tf.add(tf.mul(items, Math.sqrt(D)), gatherRows(posEmb, ctx.itemPos)); // [M, D]
  return tf.mul(dropout(x, embDropout, opts, 0), ctx.itemMask) as tf.Tensor2D; // [M, D]
}

/**
 * w[idx] shaped as `shape`. On wasm and cpu a JS loop forward and a scatter-add backward
 * (dw[k] = Σ_{idx[r] = k} dy[r]): tf.gather and gatherRows take ~0.2 µs per index there, 120 ms
 * for B·T·T = 640,000 (measured); elsewhere (tensorflow, GPU) tf.gather on the device.
 */
export function lookupBias<R extends tf.Rank>(w: tf.Tensor1D, index: BiasIndex, shape: number[]): tf.Tensor<R> {
  if (index.tensor) return tf.reshape(tf.gather(w, index.tensor), shape) as unknown as tf.Tensor<R>;
  const idx = index.values;
  const f = customGrad((wt: tf.Tensor1D): Grad => {
    const values = wt.dataSync();
    const out = new Float32Array(idx.length);
    for (let r = 0; r < idx.length; r++) out[r] = values[idx[r]];
    return {
      value: tf.tensor(out, shape),
      gradFunc: (dy) => {
        const g = dy.dataSync();
        const dw = new Float32Array(values.length);
        for (let r = 0; r < idx.length; r++) dw[idx[r]] += g[r];
        return tf.tensor1d(dw);
      },
    };
  });
  return f(w) as tf.Tensor<R>;
}

/** rab_pos [1, 1, T, T], from w_p [2·maxLen - 1]. */
export function positionBias(wPos: tf.Tensor1D, ctx: PassContext): tf.Tensor4D {
  return lookupBias(wPos, ctx.posIdx, [1, 1, ctx.len, ctx.len]);
}

/** rab_time [B, 1, T, T] from w_t [129], or undefined without timestamps. */
export function timeBias(wTime: tf.Tensor1D, ctx: PassContext): tf.Tensor4D | undefined {
  return ctx.timeIdx && lookupBias(wTime, ctx.timeIdx, [ctx.batch, 1, ctx.len, ctx.len]);
}

/** SiLU(x) = x·σ(x), any shape. */
export function silu<T extends tf.Tensor>(x: T): T {
  return tf.mul(x, tf.sigmoid(x));
}

/** x / max(||x||, 1e-6) over the last axis, as x·rsqrt(max(Σx², 1e-12)) (finite gradient at 0). */
export function l2Normalize<T extends tf.Tensor>(x: T): T {
  return tf.mul(x, tf.rsqrt(tf.maximum(tf.sum(tf.square(x), -1, true), NORM_EPS * NORM_EPS)));
}

/** The output table Ê / τ [I + 1, D]: L2-normalised item rows over the temperature. */
export function cosineTable(itemEmb: tf.Tensor2D, temperature: number): tf.Tensor2D {
  return tf.tidy(() => tf.mul(l2Normalize(itemEmb), 1 / temperature));
}

/** [M, H·K] -> [B, H, T, K] */
export function splitHeads(x: tf.Tensor2D, ctx: PassContext, numHeads: number): tf.Tensor4D {
  const K = x.shape[1] / numHeads;
  return tf.transpose(tf.reshape(x, [ctx.batch, ctx.len, numHeads, K]), [0, 2, 1, 3]);
}

/** [B, H, T, K] -> [B, T, H, K] */
export function headsLast(x: tf.Tensor4D): tf.Tensor4D {
  return tf.transpose(x, [0, 2, 1, 3]);
}

/** LN without gain or bias (the authors' F.layer_norm), over the last axis of [N, F]. */
function plainLayerNorm(x: tf.Tensor2D): tf.Tensor2D {
  const F = x.shape[1];
  return layerNorm(x, tf.ones([F]) as tf.Tensor1D, tf.zeros([F]) as tf.Tensor1D, NORM_EPS);
}

// ---------------------------------------------------------------------------------------------

interface HstuBlock {
  readonly wU: tf.Variable; // [D, H·V]
  readonly wV: tf.Variable; // [D, H·V]
  readonly wQ: tf.Variable; // [D, H·Q]
  readonly wK: tf.Variable; // [D, H·Q]
  readonly wOut: tf.Variable; // [H·V, D]
  readonly bOut: tf.Variable; // [D]
  readonly rabPos: tf.Variable; // [2·maxLen - 1]
  readonly rabTime: tf.Variable; // [129]
}

interface HstuParams {
  readonly itemEmb: tf.Variable; // [I + 1, D]
  readonly posEmb: tf.Variable; // [maxLen, D]
  readonly blocks: HstuBlock[];
}

function initParams(c: HstuConfig, vb: VariableBuilder): HstuParams {
  const { dim: D, numHeads: H, qkDim: Q, vDim: V } = c;
  const itemEmb = vb.normal('itemEmb', [c.numItems + 1, D], 0.02);
  const posEmb = vb.normal('posEmb', [c.maxLen, D], Math.sqrt(1 / D));
  const blocks = Array.from({ length: c.numLayers }, (_, l): HstuBlock => {
    const name = (n: string) => `block${l}.${n}`;
    return {
      wU: vb.normal(name('wU'), [D, H * V], 0.02),
      wV: vb.normal(name('wV'), [D, H * V], 0.02),
      wQ: vb.normal(name('wQ'), [D, H * Q], 0.02),
      wK: vb.normal(name('wK'), [D, H * Q], 0.02),
      wOut: vb.xavierUniform(name('wOut'), [H * V, D], H * V, D),
      bOut: vb.uniform(name('bOut'), [D], 1 / Math.sqrt(H * V)),
      rabPos: vb.normal(name('rabPos'), [2 * c.maxLen - 1], 0.02),
      rabTime: vb.normal(name('rabTime'), [TIME_BUCKETS + 1], 0.02),
    };
  });
  return { itemEmb, posEmb, blocks };
}

/** One HSTU layer: x [M, D] -> [M, D]; `scale` = a / maxLen [B, 1, T, T]. */
function block(x: tf.Tensor2D, b: HstuBlock, c: HstuConfig, ctx: PassContext, scale: tf.Tensor4D, opts: ForwardOptions, l: number): tf.Tensor2D {
  const H = c.numHeads;
  const n = plainLayerNorm(x); // [M, D]
  const proj = (w: tf.Variable) => silu(linear(n, w as tf.Tensor2D)); // [M, H·Q] or [M, H·V]
  const [u, v, q, k] = [proj(b.wU), proj(b.wV), proj(b.wQ), proj(b.wK)];
  const bias = positionBias(b.rabPos as tf.Tensor1D, ctx); // [1, 1, T, T]
  const tBias = timeBias(b.rabTime as tf.Tensor1D, ctx); // [B, 1, T, T] or undefined
  const scores: tf.Tensor4D = tf.add(matMul(splitHeads(q, ctx, H), splitHeads(k, ctx, H), false, true), tBias ? tf.add(bias, tBias) : bias); // [B, H, T, T]
  const att: tf.Tensor4D = tf.mul(silu(scores), scale); // [B, H, T, T], masked, / maxLen
  const o = tf.reshape(headsLast(matMul(att, splitHeads(v, ctx, H))), [-1, H * c.vDim]) as tf.Tensor2D; // [M, H·V]
  const y = tf.mul(u, plainLayerNorm(o)); // [M, H·V]
  return tf.add(x, linear(dropout(y, c.dropout[l], opts, l + 1), b.wOut as tf.Tensor2D, b.bOut as tf.Tensor1D)); // [M, D]
}

function encode(p: HstuParams, c: HstuConfig, seqs: tf.Tensor2D, opts: ForwardOptions): tf.Tensor3D {
  const [B, T] = seqs.shape;
  const ctx = passContext('hstu', seqs, c.maxLen, c.usesTime ? opts.timestamps : undefined);
  const scale = tf.mul(ctx.allowed, 1 / c.maxLen) as tf.Tensor4D; // [B, 1, T, T]
  let x = embedInput(p.itemEmb as tf.Tensor2D, p.posEmb as tf.Tensor2D, seqs, ctx, c.embDropout, opts); // [M, D]
  p.blocks.forEach((b, l) => {
    x = block(x, b, c, ctx, scale, opts, l); // [M, D]
  });
  return tf.reshape(l2Normalize(x), [B, T, c.dim]); // [B, T, D], unit rows
}

/**
 * Build an HSTU with variables initialised from `seed` (defaults fill the fields not given).
 * @throws ConfigError when the config is invalid (see hstuConfig).
 * @example const m = createHstu({ numItems: 1682 }, 0); const h = m.encode(seqs, { isTraining: false, timestamps });
 */
export function createHstu(input: ConfigInput<HstuConfig>, seed: number): SeqModel {
  const c = hstuConfig(input);
  const vb = new VariableBuilder('hstu', seed);
  const p = initParams(c, vb);
  return assembleModel('hstu', c, vb, {
    encode: (seqs, opts) => encode(p, c, seqs, opts),
    outputTable: () => cosineTable(p.itemEmb as tf.Tensor2D, c.temperature),
    counts: hstuCounts(c),
  });
}

/** `2 heads` or `2 heads, dqk 16, dv 32` when the per-head widths are not dim / numHeads; `, no time bias` when usesTime is false. */
export function headsText(c: AttentionConfig): string {
  const even = c.qkDim * c.numHeads === c.dim && c.vDim * c.numHeads === c.dim;
  return `${c.numHeads} head${c.numHeads === 1 ? '' : 's'}${even ? '' : `, dqk ${c.qkDim}, dv ${c.vDim}`}${c.usesTime ? '' : ', no time bias'}`;
}

/** The registry entry (lib/models/index.ts). */
export const HSTU: ModelEntry<HstuConfig> = {
  label: 'HSTU',
  defaults: HSTU_DEFAULTS,
  shapeFields: ['numLayers', 'dim', 'numHeads', 'maxLen', 'embDropout'],
  create: createHstu,
  // As LSRM: the run's per-layer rates; the input takes layer 0's unless the shape sets it.
  fromShape: ({ maxLen, dim, numLayers, numHeads, embDropout }, ctx) => {
    const dropout = [...ctx.layerDropout(numLayers)];
    return hstuConfig({ numItems: ctx.numItems, maxLen, dim, numLayers, numHeads, dropout, embDropout: embDropout ?? dropout[0] });
  },
  paramCounts: hstuCounts,
  describe: (input) => {
    const c = hstuConfig(input);
    return `HSTU ${c.numLayers}x${c.dim} (${headsText(c)}), ${formatCount(hstuCounts(c).nonEmbedding)} non-emb`;
  },
};
