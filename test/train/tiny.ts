/**
 * Test fixtures for the training engine, independent of the real models: a tiny SeqModel
 * (item embedding -> dropout -> tanh(x W + b), tied output table), its loss and evaluation,
 * and a small seeded dataset with sequential structure (item i is mostly followed by i+1).
 * Shapes: B batch, T maxLen, D dim, I items.
 */
import * as tf from '@tensorflow/tfjs';
import type { ForwardOptions, SeqModel } from '../../lib/models/types';
import type { LeaveOneOutSplit, Sequences } from '../../lib/data/types';
import { makeRng } from '../../lib/util/rng';

export function tinyModel(numItems: number, dim: number, maxLen: number, seed: number, dropout = 0.2): SeqModel {
  const rng = makeRng(seed);
  const init = (n: number, scale: number) => Float32Array.from({ length: n }, () => rng.normal() * scale);
  const emb = tf.variable(tf.tensor2d(init((numItems + 1) * dim, 0.3), [numItems + 1, dim]), true);
  const w = tf.variable(tf.tensor2d(init(dim * dim, 0.3), [dim, dim]), true);
  const b = tf.variable(tf.zeros([dim]), true);
  const variables = new Map<string, tf.Variable>([['emb', emb], ['w', w], ['b', b]]);
  return {
    kind: 'tiny',
    config: { numItems, dim, maxLen },
    variables,
    encode(seqs: tf.Tensor2D, opts: ForwardOptions): tf.Tensor3D {
      return tf.tidy(() => {
        let x = tf.gather(emb, seqs) as unknown as tf.Tensor3D; // [B, T, D]
        if (opts.isTraining && dropout > 0) x = tf.dropout(x, dropout, undefined, opts.seed) as tf.Tensor3D;
        return tf.tanh(tf.add(tf.matMul(x.reshape([-1, dim]), w), b)).reshape(x.shape) as tf.Tensor3D; // [B, T, D]
      });
    },
    outputTable: () => emb,
    paramCounts: () => ({ embedding: (numItems + 1) * dim, nonEmbedding: dim * dim + dim, total: (numItems + 2) * dim + dim * dim }),
    dispose: () => variables.forEach((v) => v.dispose()),
  };
}

/** Mean cross-entropy over the non-zero targets of [B, T]. */
export function tinyLoss(model: SeqModel, inputs: tf.Tensor2D, targets: tf.Tensor2D, opts: ForwardOptions): tf.Scalar {
  return tf.tidy(() => {
    const h = model.encode(inputs, opts); // [B, T, D]
    const d = h.shape[2];
    const logits = tf.matMul(h.reshape([-1, d]), model.outputTable(), false, true); // [B*T, I+1]
    const logp = tf.logSoftmax(logits.slice([0, 1], [-1, -1])); // [B*T, I] over items 1..I
    const t = targets.reshape([-1]); // [B*T]
    const mask = t.greater(0).toFloat(); // [B*T]
    const onehot = tf.oneHot(tf.relu(t.sub(tf.scalar(1, 'int32'))) as tf.Tensor1D, logp.shape[1] as number).toFloat(); // [B*T, I]
    const nll = logp.mul(onehot).sum(1).neg().mul(mask); // [B*T]
    return nll.sum().div(mask.sum().maximum(1)) as tf.Scalar;
  });
}

/** Validation/test loss and NDCG@10 at the last slot of each user's history (train [+ valid]). */
export async function tinyEvaluate(model: SeqModel, split: LeaveOneOutSplit, opts: { split: 'valid' | 'test' }) {
  const T = Number(model.config.maxLen);
  const rows: number[][] = [];
  const tg: number[] = [];
  for (let u = 0; u < split.numUsers; u++) {
    const target = opts.split === 'valid' ? split.valid[u] : split.test[u];
    if (target === 0) continue;
    const hist = Array.from(split.train.items.subarray(split.train.offsets[u], split.train.offsets[u + 1]));
    if (opts.split === 'test') hist.push(split.valid[u]);
    const last = hist.slice(-T);
    rows.push([...new Array(T - last.length).fill(0), ...last]);
    tg.push(target);
  }
  const [lossArr, rankArr] = tf.tidy(() => {
    const h = model.encode(tf.tensor2d(rows, [rows.length, T], 'int32'), { isTraining: false }); // [U, T, D]
    const last = h.slice([0, T - 1, 0], [-1, 1, -1]).reshape([rows.length, -1]); // [U, D]
    const logits = tf.matMul(last, model.outputTable(), false, true).slice([0, 1], [-1, -1]); // [U, I]
    const tIdx = tf.tensor1d(tg.map((x) => x - 1), 'int32');
    const tLogit = tf.sum(logits.mul(tf.oneHot(tIdx, logits.shape[1] as number)), 1, true); // [U, 1]
    const loss = tf.logSumExp(logits, 1).sub(tLogit.reshape([-1])); // [U]
    const rank = logits.greater(tLogit).sum(1); // [U]
    return [loss, rank];
  }).map((x) => { const a = x.arraySync() as number[]; x.dispose(); return a; });
  const loss = lossArr.reduce((a, b) => a + b, 0) / lossArr.length;
  const ndcg = rankArr.reduce((a, r) => a + (r < 10 ? 1 / Math.log2(r + 2) : 0), 0) / rankArr.length;
  return { metrics: { loss, 'NDCG@10': ndcg } };
}

/** Sequences from plain arrays (user u = seqs[u]). */
export function seqsOf(seqs: number[][], numItems: number): Sequences {
  const offsets = new Int32Array(seqs.length + 1);
  seqs.forEach((s, u) => (offsets[u + 1] = offsets[u] + s.length));
  const items = Int32Array.from(seqs.flat());
  return { offsets, items, times: new Float64Array(items.length), numUsers: seqs.length, numItems, vocab: { userIds: seqs.map((_, u) => String(u)), itemIds: Array.from({ length: numItems + 1 }, (_, i) => (i ? String(i) : '')) } };
}

/** A leave-one-out split of seeded sequences where item i is followed by i+1 with probability 0.8. */
export function tinySplit(numUsers: number, numItems: number, len: number, seed: number): LeaveOneOutSplit {
  const rng = makeRng(seed);
  const seqs: number[][] = [];
  for (let u = 0; u < numUsers; u++) {
    const s = [1 + rng.int(numItems)];
    while (s.length < len) s.push(rng.next() < 0.8 ? (s[s.length - 1] % numItems) + 1 : 1 + rng.int(numItems));
    seqs.push(s);
  }
  return {
    train: seqsOf(seqs.map((s) => s.slice(0, -2)), numItems),
    valid: Int32Array.from(seqs.map((s) => s[s.length - 2])),
    test: Int32Array.from(seqs.map((s) => s[s.length - 1])),
    numUsers, numItems, vocab: seqsOf(seqs, numItems).vocab,
  };
}
