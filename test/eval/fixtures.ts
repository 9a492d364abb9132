/**
 * Tiny literal fixtures for the eval tests: a hand-made leave-one-out split and a fake
 * SeqModel whose hidden state at each slot is a fixed vector per item (so the expected scores
 * are plain dot products a test can compute with a loop).
 */
import * as tf from '@tensorflow/tfjs';
import type { SeqModel } from '../../lib/models/types';
import type { LeaveOneOutSplit, Sequences, Vocab } from '../../lib/data/types';

/** Build a split from per-user train lists and valid/test targets (0 = none). */
export function makeSplit(train: number[][], valid: number[], test: number[], numItems: number): LeaveOneOutSplit {
  const numUsers = train.length;
  const vocab: Vocab = {
    userIds: train.map((_, u) => `user-${100 + u}`),
    itemIds: ['', ...Array.from({ length: numItems }, (_, i) => `item-${(i + 1) * 10}`)],
  };
  const offsets = new Int32Array(numUsers + 1);
  train.forEach((s, u) => (offsets[u + 1] = offsets[u] + s.length));
  const items = Int32Array.from(train.flat());
  const seqs: Sequences = { offsets, items, times: Float64Array.from(items, (_, i) => i), numUsers, numItems, vocab };
  return { train: seqs, valid: Int32Array.from(valid), test: Int32Array.from(test), numUsers, numItems, vocab };
}

let fakeCount = 0;

/**
 * A fake SeqModel: encode gives hidden[seqs[b, t]] at every slot (a lookup, causal by
 * construction), outputTable is `table`, outputBias is `bias` when given.
 * hidden: [I + 1][D] (row 0 = state after padding), table: [I + 1][D], bias: [I + 1].
 */
export function fakeModel(hidden: number[][], table: number[][], bias?: number[], maxLen = 4): SeqModel {
  const id = fakeCount++;
  // tf.variable keeps its initial tensor alive: build inside tidy so only the variables remain.
  const h = tf.tidy(() => tf.variable(tf.tensor2d(hidden), false, `fake-h-${id}`));
  const w = tf.tidy(() => tf.variable(tf.tensor2d(table), false, `fake-w-${id}`));
  const b = bias ? tf.tidy(() => tf.variable(tf.tensor1d(bias), false, `fake-b-${id}`)) : undefined;
  const model: SeqModel = {
    kind: 'fake',
    config: { maxLen },
    variables: new Map<string, tf.Variable>(b ? [['h', h], ['w', w], ['b', b]] : [['h', h], ['w', w]]),
    encode: (seqs) => tf.tidy(() => tf.gather(h, seqs) as unknown as tf.Tensor3D), // [B, T, D]
    outputTable: () => w, // the variable itself, as a tied embedding would be
    paramCounts: () => ({ embedding: 0, nonEmbedding: 0, total: 0 }),
    dispose: () => { h.dispose(); w.dispose(); b?.dispose(); },
  };
  return b ? { ...model, outputBias: () => b } : model;
}

/** Brute-force ranking order of a score row (index j = item j + 1): ids sorted by (score desc with NaN as -Inf, id asc). */
export function sortedItems(row: ArrayLike<number>, masked: ReadonlySet<number> = new Set()): number[] {
  const key = (i: number): number => (masked.has(i) || Number.isNaN(row[i - 1]) ? -Infinity : row[i - 1]);
  const ids = Array.from({ length: row.length }, (_, j) => j + 1);
  return ids.sort((a, b) => (key(a) > key(b) ? -1 : key(a) < key(b) ? 1 : a - b));
}
