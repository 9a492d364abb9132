/**
 * Full-ranking evaluation of a SeqModel on the leave-one-out split (paper III-D): for every
 * user with a target, score ALL items 1..I from the hidden state at the last slot of the
 * user's history, then report HR@k, NDCG@k, Coverage@k and the test loss (cross-entropy of
 * the target, natural log, averaged over users).
 *
 * Shapes: B users per batch, T = maxLen, D hidden size, I real items.
 *   seqs [B, T] -> encode -> [B, T, D] -> last slot h [B, D]
 *   logits = h · W[1..I]ᵀ (+ b[1..I])  [B, I]   (padding row 0 never scored)
 *   loss_u = logsumexp(logits_u) - logits_u[target]
 * Memory: only one batch of scores exists at a time; the batch size comes from a byte budget
 * (chooseBatchSize), so 138k users x 27k items never materialise at once.
 * Choices: no masking of seen items by default (RecBole does not mask for sequential models);
 * the loss is always over all I items, unmasked. Ranks and top-k lists follow rank.ts
 * (score desc, id asc, NaN as -Infinity); a NaN score makes that user's loss (and the mean)
 * NaN, so a broken model shows in the loss rather than hiding in the ranks.
 * Times: a model whose config says `usesTime: true` (HSTU, FuXi-alpha) gets each history's times
 * and its target's time (histories.ts buildHistoryTimes) as ForwardOptions.timestamps when the
 * split has event times (lib/data/split.ts hasEventTimes), as in training (lib/train/train.ts
 * feedsTimes); otherwise it runs on positions alone. Other models never see timestamps.
 */
import * as tf from '@tensorflow/tfjs';
import type { SeqModel } from '../models/types';
import type { EvalSplit, LeaveOneOutSplit } from '../data/types';
import { hasEventTimes } from '../data/split';
import { buildHistories, buildHistoryTimes, evalUsers, historyItems, targetsOf } from './histories';
import { coverage, hitRate, ndcg } from './metrics';
import { rankOfTarget, topKItems } from './rank';

export interface EvalOptions {
  readonly split: EvalSplit;
  /** Cut-offs of HR@k and NDCG@k. */
  readonly ks?: readonly number[];
  /** Cut-offs of Coverage@k (the paper reports Coverage@10; we add @50). */
  readonly coverageKs?: readonly number[];
  /** Score items of the user's history as -Infinity (except the target) before ranking. */
  readonly maskSeen?: boolean;
  /** Users per batch; default from memoryBudgetBytes. */
  readonly batchSize?: number;
  /** Bytes allowed for one batch of scores (tensor + JS copy + bias sum). */
  readonly memoryBudgetBytes?: number;
  /** History length fed to the model; default model.config.maxLen, else 50. */
  readonly maxLen?: number;
  /** Evaluate only these users (each must have a target); default evalUsers(split, which). */
  readonly users?: Int32Array;
  /** Keep each user's top list: a width, or true for 50. */
  readonly topk?: number | boolean;
  /** Called after each batch. */
  readonly onProgress?: (done: number, total: number) => void;
}

export const EVAL_DEFAULTS = {
  ks: [5, 10, 50],
  coverageKs: [10, 50],
  maskSeen: false, // RecBole's full-sort evaluation of sequential models does not mask
  memoryBudgetBytes: 64 * 2 ** 20, // 64 MiB: ~200 users x 27k items, small next to the model
  maxLen: 50, // paper III-D maximum sequence length
  topk: 50, // width kept when topk: true (the largest N of the paper)
} as const;

export interface EvalResult {
  /** 'HR@k', 'NDCG@k' per ks, 'Coverage@k' per coverageKs, and 'loss' (mean CE, nats). */
  readonly metrics: Record<string, number>;
  /** Evaluated users, in evaluation order; the arrays below are aligned with it. */
  readonly users: Int32Array;
  readonly targets: Int32Array;
  /** 0-based rank of the target among items 1..I. */
  readonly ranks: Int32Array;
  /** Cross-entropy of the target given the history (natural log). */
  readonly losses: Float32Array;
  /** Row-major [users.length * topkWidth] item ids, best first (when asked). */
  readonly topk?: Int32Array;
  readonly topkWidth?: number;
  /** Where the time went (wall ms; exact on the synchronous backends wasm, cpu and tensorflow). */
  readonly timing?: EvalTiming;
}

/** Wall time of the three parts of a full-ranking evaluation, summed over batches. */
export interface EvalTiming {
  /** The encoder's forward pass up to the last slot's hidden state. */
  readonly encodeMs: number;
  /** Scores against every item, their logsumexp, and the download of both. */
  readonly scoreMs: number;
  /** Ranks of the targets, losses and top lists (JS). */
  readonly rankMs: number;
  readonly batches: number;
  readonly batchSize: number;
}

/** Users per batch so that a batch of float32 scores (3 copies) fits in budgetBytes; in [1, 512]. */
export function chooseBatchSize(numItems: number, budgetBytes: number = EVAL_DEFAULTS.memoryBudgetBytes): number {
  return Math.max(1, Math.min(512, Math.floor(budgetBytes / (numItems * 4 * 3))));
}

interface Plan {
  readonly which: EvalSplit;
  readonly users: Int32Array;
  readonly targets: Int32Array;
  readonly ks: readonly number[];
  readonly coverageKs: readonly number[];
  readonly maskSeen: boolean;
  readonly batchSize: number;
  readonly maxLen: number;
  /** Width of the top lists computed per user (0 = none). */
  readonly listWidth: number;
  /** Width returned to the caller (0 = none). */
  readonly keepWidth: number;
  /** Feed the histories' times (see the header). */
  readonly timed: boolean;
}

function positiveInt(name: string, v: number): number {
  if (!Number.isInteger(v) || v < 1) throw new RangeError(`evaluateModel: ${name} must be a positive integer, got ${v}`);
  return v;
}

function makePlan(model: SeqModel, split: LeaveOneOutSplit, opts: EvalOptions): Plan {
  const which = opts.split;
  if (which !== 'valid' && which !== 'test') throw new RangeError(`evaluateModel: split must be 'valid' or 'test', got '${String(which)}'`);
  const all = targetsOf(split, which);
  const users = opts.users ?? evalUsers(split, which);
  if (users.length === 0) throw new RangeError(`evaluateModel: no users with a ${which} target`);
  const targets = Int32Array.from(users, (u) => {
    if (!Number.isInteger(u) || u < 0 || u >= split.numUsers) throw new RangeError(`evaluateModel: user ${u} is outside [0, ${split.numUsers})`);
    if (all[u] === 0) throw new RangeError(`evaluateModel: user ${u} has no ${which} target`);
    return all[u];
  });
  const ks = (opts.ks ?? EVAL_DEFAULTS.ks).map((k) => positiveInt('k', k));
  const coverageKs = (opts.coverageKs ?? EVAL_DEFAULTS.coverageKs).map((k) => positiveInt('coverage k', k));
  const keepAsked = opts.topk === true ? EVAL_DEFAULTS.topk : opts.topk === false || opts.topk === undefined ? 0 : positiveInt('topk', opts.topk);
  const modelMaxLen = model.config.maxLen;
  const maxLen = positiveInt('maxLen', opts.maxLen ?? (typeof modelMaxLen === 'number' ? modelMaxLen : EVAL_DEFAULTS.maxLen));
  const batchSize = positiveInt('batchSize', opts.batchSize ?? chooseBatchSize(split.numItems, opts.memoryBudgetBytes));
  const listWidth = Math.min(split.numItems, Math.max(keepAsked, 0, ...coverageKs));
  return {
    which, users, targets, ks, coverageKs, maxLen, batchSize, listWidth,
    maskSeen: opts.maskSeen ?? EVAL_DEFAULTS.maskSeen,
    keepWidth: Math.min(split.numItems, keepAsked),
    timed: model.config.usesTime === true && hasEventTimes(split), // the rule of lib/train/train.ts feedsTimes
  };
}

/** W[1..I]ᵀ [D, I] and b[1..I] [I] (or null), built once: plain matMul is the fast form. */
function outputWeights(model: SeqModel, numItems: number): { tableT: tf.Tensor2D; bias: tf.Tensor1D | null } {
  const tableT = tf.tidy(() => {
    const table = model.outputTable(); // [I + 1, D]
    if (table.shape[0] !== numItems + 1) {
      throw new RangeError(`evaluateModel: outputTable has ${table.shape[0]} rows, the split has ${numItems} items (+1 padding)`);
    }
    return table.slice([1, 0], [numItems, table.shape[1]]).transpose() as tf.Tensor2D; // [D, I]
  });
  const outputBias = model.outputBias?.bind(model);
  const bias = outputBias ? tf.tidy(() => outputBias().slice([1], [numItems]) as tf.Tensor1D) : null; // [I]
  return { tableT, bias };
}

/** Hidden state at the last slot [B, D] for one batch of histories [B * T] (and their times [B * (T+1)]). */
function lastHidden(model: SeqModel, hist: Int32Array, b: number, maxLen: number, times?: Int32Array): tf.Tensor2D {
  return tf.tidy(() => {
    const seqs = tf.tensor2d(hist, [b, maxLen], 'int32'); // [B, T]
    const opts = times ? { isTraining: false, timestamps: tf.tensor2d(times, [b, maxLen + 1], 'int32') } : { isTraining: false }; // [B, T+1]
    const h = model.encode(seqs, opts); // [B, T, D]
    const dim = h.shape[2];
    return h.slice([0, maxLen - 1, 0], [b, 1, dim]).reshape([b, dim]) as tf.Tensor2D; // [B, D]
  });
}

/** Scores [B * I] and logsumexp per row [B] from the last hidden states [B, D]. */
async function scoreBatch(last: tf.Tensor2D, w: { tableT: tf.Tensor2D; bias: tf.Tensor1D | null }): Promise<{ scores: Float32Array; lse: Float32Array }> {
  const [logits, lse] = tf.tidy(() => {
    const z = tf.matMul(last, w.tableT); // [B, I]
    const zb = w.bias ? tf.add(z, w.bias) : z; // [B, I]
    return [zb, tf.logSumExp(zb, 1)]; // [B, I], [B]
  });
  try {
    const [scores, l] = await Promise.all([logits.data(), lse.data()]);
    return { scores: scores as Float32Array, lse: l as Float32Array };
  } finally {
    logits.dispose();
    lse.dispose();
  }
}

interface Sinks { ranks: Int32Array; losses: Float32Array; lists: Int32Array }

/** Rank, loss and top list for rows [start, start + b) of the plan, from one batch of scores. */
function scoreRows(split: LeaveOneOutSplit, plan: Plan, start: number, b: number,
  batch: { scores: Float32Array; lse: Float32Array }, mask: Uint8Array | undefined, out: Sinks): void {
  const numItems = split.numItems;
  for (let r = 0; r < b; r++) {
    const idx = start + r;
    const target = plan.targets[idx];
    const row = batch.scores.subarray(r * numItems, (r + 1) * numItems);
    const seen = mask ? historyItems(split, plan.users[idx], plan.which) : undefined;
    if (mask && seen) for (const item of seen) if (item !== target) mask[item] = 1;
    out.ranks[idx] = rankOfTarget(row, target, mask);
    out.losses[idx] = batch.lse[r] - row[target - 1];
    if (plan.listWidth > 0) out.lists.set(topKItems(row, plan.listWidth, mask), idx * plan.listWidth);
    if (mask && seen) for (const item of seen) mask[item] = 0;
  }
}

/**
 * The metrics of evaluated users from their ranks, losses and top lists (row-major, `width`
 * per user, best first; width >= every coverage k): HR@k and NDCG@k per ks, Coverage@k per
 * coverageKs, and the mean loss. Users in evaluation order, so that a split evaluation merged
 * back in order gives the same floats as one evaluation.
 */
export function evalMetrics(ranks: Int32Array, losses: Float32Array, lists: Int32Array, width: number,
  cut: { ks: readonly number[]; coverageKs: readonly number[]; numItems: number }): Record<string, number> {
  const metrics: Record<string, number> = {};
  for (const k of cut.ks) metrics[`HR@${k}`] = hitRate(ranks, k);
  for (const k of cut.ks) metrics[`NDCG@${k}`] = ndcg(ranks, k);
  if (cut.coverageKs.length > 0) {
    const rows = Array.from(ranks, (_, i) => lists.subarray(i * width, (i + 1) * width));
    for (const k of cut.coverageKs) metrics[`Coverage@${k}`] = coverage(rows, k, cut.numItems);
  }
  let sum = 0;
  for (const l of losses) sum += l;
  metrics.loss = sum / losses.length;
  return metrics;
}

/** Keep the first `keep` columns of a row-major [n, width] matrix. */
function firstColumns(lists: Int32Array, n: number, width: number, keep: number): Int32Array {
  if (keep === width) return lists;
  const out = new Int32Array(n * keep);
  for (let i = 0; i < n; i++) out.set(lists.subarray(i * width, i * width + keep), i * keep);
  return out;
}

/**
 * Evaluate `model` by full ranking on the valid or test targets of `split`.
 * @throws RangeError on bad options, users without a target, or a table/item count mismatch
 * @example const r = await evaluateModel(model, split, { split: 'test' }); r.metrics['NDCG@10']
 */
export async function evaluateModel(model: SeqModel, split: LeaveOneOutSplit, opts: EvalOptions): Promise<EvalResult> {
  const plan = makePlan(model, split, opts);
  const n = plan.users.length;
  const out: Sinks = { ranks: new Int32Array(n), losses: new Float32Array(n), lists: new Int32Array(n * plan.listWidth) };
  const mask = plan.maskSeen ? new Uint8Array(split.numItems + 1) : undefined;
  const w = outputWeights(model, split.numItems);
  const ms = { encodeMs: 0, scoreMs: 0, rankMs: 0 };
  try {
    for (let start = 0; start < n; start += plan.batchSize) {
      const b = Math.min(plan.batchSize, n - start);
      const t0 = performance.now();
      const users = plan.users.subarray(start, start + b);
      const hist = buildHistories(split, users, plan.which, plan.maxLen);
      const times = plan.timed ? buildHistoryTimes(split, users, plan.which, plan.maxLen) : undefined;
      const last = lastHidden(model, hist, b, plan.maxLen, times);
      const t1 = performance.now();
      const batch = await scoreBatch(last, w).finally(() => last.dispose());
      const t2 = performance.now();
      scoreRows(split, plan, start, b, batch, mask, out);
      ms.encodeMs += t1 - t0;
      ms.scoreMs += t2 - t1;
      ms.rankMs += performance.now() - t2;
      opts.onProgress?.(start + b, n);
    }
  } finally {
    w.tableT.dispose();
    w.bias?.dispose();
  }
  const metrics = evalMetrics(out.ranks, out.losses, out.lists, plan.listWidth, { ks: plan.ks, coverageKs: plan.coverageKs, numItems: split.numItems });
  const timing = { ...ms, batches: Math.ceil(n / plan.batchSize), batchSize: plan.batchSize };
  const result: EvalResult = { metrics, users: plan.users, targets: plan.targets, ranks: out.ranks, losses: out.losses, timing };
  if (plan.keepWidth === 0) return result;
  return { ...result, topk: firstColumns(out.lists, n, plan.listWidth, plan.keepWidth), topkWidth: plan.keepWidth };
}
