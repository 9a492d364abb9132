/**
 * Hand-made fixtures for the task tests: a split from literal lists (with raw ids and item
 * domains when asked), a "last item" model whose score row is a literal table row chosen by
 * the last input item, and a "vote" model whose scores count votes of every input item.
 * Shapes: B batch, T maxLen, I items (1-based), D hidden size.
 */
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import type { SeqModel } from '../../lib/models/types';
import type { LeaveOneOutSplit, Sequences, Vocab } from '../../lib/data/types';
import { fakeModel } from '../eval/fixtures';

/** A split from per-user train lists and valid / test targets (0 = none). */
export function taskSplit(train: number[][], valid: number[], test: number[], numItems: number,
  extra: { itemIds?: string[]; itemDomain?: number[] } = {}): LeaveOneOutSplit {
  const numUsers = train.length;
  const vocab: Vocab = {
    userIds: train.map((_, u) => `u${u}`),
    itemIds: extra.itemIds ?? ['', ...Array.from({ length: numItems }, (_, i) => String(i + 1))],
    ...(extra.itemDomain ? { itemDomain: Int32Array.from(extra.itemDomain), domains: ['d0', 'd1', 'd2'] } : {}),
  };
  return { train: seqsOf(train, numItems, vocab), valid: Int32Array.from(valid), test: Int32Array.from(test), numUsers, numItems, vocab };
}

/** Sequences (CSR) from literal per-user lists. */
export function seqsOf(lists: number[][], numItems: number, vocab?: Vocab): Sequences {
  const offsets = new Int32Array(lists.length + 1);
  lists.forEach((s, u) => (offsets[u + 1] = offsets[u] + s.length));
  const items = Int32Array.from(lists.flat());
  const v = vocab ?? { userIds: lists.map((_, u) => `u${u}`), itemIds: ['', ...Array.from({ length: numItems }, (_, i) => String(i + 1))] };
  return { offsets, items, times: Float64Array.from(items, (_, j) => j), numUsers: lists.length, numItems, vocab: v };
}

/**
 * A model whose scores of items 1..I after an input ending in item i are rows[i][1..I]
 * (rows[0]: the empty input; a missing row scores every item 0, so ties go by id).
 * hidden = the rows, output table = the identity: score_j = hidden[last] · e_j.
 */
export function lastItemModel(rows: Record<number, number[]>, numItems: number, maxLen = 4): SeqModel {
  const hidden = Array.from({ length: numItems + 1 }, (_, i) => {
    const r = rows[i] ?? new Array(numItems + 1).fill(0);
    if (r.length !== numItems + 1) throw new Error(`row ${i} needs ${numItems + 1} entries (index 0 unused)`);
    return r;
  });
  const table = Array.from({ length: numItems + 1 }, (_, j) => Array.from({ length: numItems + 1 }, (_, d) => (d === j ? 1 : 0)));
  return fakeModel(hidden, table, undefined, maxLen);
}

/**
 * A model where every input item i votes once for item votes[i]: score_j = #{input items i with
 * votes[i] = j} (padding votes for nothing). Causal: the state at slot t sums slots <= t.
 * votes: length I + 1, votes[0] unused.
 */
export function voteModel(votes: number[], numItems: number, maxLen = 50): SeqModel {
  const eye = tf.tidy(() => tf.variable(tf.tensor2d(Array.from({ length: numItems + 1 }, (_, i) => Array.from({ length: numItems + 1 }, (_, d) => (i > 0 && d === i ? 1 : 0)))), false));
  const table = tf.tidy(() => tf.variable(tf.tensor2d(Array.from({ length: numItems + 1 }, (_, j) => Array.from({ length: numItems + 1 }, (_, i) => (i > 0 && votes[i] === j ? 1 : 0)))), false));
  return {
    kind: 'vote',
    config: { maxLen },
    variables: new Map([['eye', eye], ['table', table]]),
    encode: (seqs) => tf.tidy(() => tf.cumsum(tf.gather(eye, seqs), 1) as tf.Tensor3D), // [B, T, I + 1] counts of each item so far
    outputTable: () => table, // row j: 1 at the input items that vote for j
    paramCounts: () => ({ embedding: 0, nonEmbedding: 0, total: 0 }),
    dispose: () => { eye.dispose(); table.dispose(); },
  };
}

/** Assert |actual - expected| < tol (actual must be a number, not null). */
export function close(actual: number | null | undefined, expected: number, tol = 1e-6): void {
  assert.ok(typeof actual === 'number' && Math.abs(actual - expected) < tol, `${actual} != ${expected}`);
}

/**
 * `base` as a time-biased model (config.usesTime) that records the timestamps of every encode
 * call in `seen` ([B, T + 1] rows), failing when a call has none; and `calls`, 1 or 0 per call
 * of the untimed `base` wrapper `plain` (whether timestamps came anyway).
 */
export function timeRecorder(base: SeqModel): { model: SeqModel; seen: number[][][]; plain: SeqModel; calls: number[] } {
  const seen: number[][][] = [];
  const calls: number[] = [];
  type Opts = { timestamps?: tf.Tensor2D };
  const model = {
    ...base,
    config: { ...base.config, usesTime: true },
    encode: (seqs: tf.Tensor2D, opts?: Opts) => {
      assert.ok(opts?.timestamps, 'a usesTime model gets timestamps');
      seen.push(opts.timestamps.arraySync() as number[][]);
      return base.encode(seqs, opts as never);
    },
  } as SeqModel;
  const plain = { ...base, encode: (seqs: tf.Tensor2D, opts?: Opts) => { calls.push(opts?.timestamps ? 1 : 0); return base.encode(seqs, opts as never); } } as SeqModel;
  return { model, seen, plain, calls };
}
