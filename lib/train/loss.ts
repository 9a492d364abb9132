/**
 * Next-item training loss (paper III-D): mean cross-entropy of a full softmax over items 1..I,
 * language-model style, at every slot whose target is not padding (no sampled negatives).
 * Only the hidden states at those slots reach the output layer (gather first), and the output
 * matMul and softmax cross-entropy are fused with a custom gradient (lib/train/softmax-ce.ts):
 * no one-hot tensor, no logits at padding slots, and logits memory bounded by chunking rows.
 *
 * Shapes: B batch, T slots, D hidden, I items, n non-padding target slots.
 */
import * as tf from '@tensorflow/tfjs';
import type { ForwardOptions, SeqModel } from '../models/types';
import { gatherRows } from '../ops/ops';
import { outputCrossEntropy } from '../ops/softmax-ce';

/** Flat slot indices (b·T + t) of non-zero targets, and their labels (target - 1). */
export function targetSlots(targets: ArrayLike<number>): { slots: Int32Array; labels: Int32Array } {
  let n = 0;
  for (let i = 0; i < targets.length; i++) if (targets[i] !== 0) n++;
  const slots = new Int32Array(n);
  const labels = new Int32Array(n);
  let k = 0;
  for (let i = 0; i < targets.length; i++) {
    if (targets[i] === 0) continue;
    slots[k] = i;
    labels[k++] = targets[i] - 1;
  }
  return { slots, labels };
}

/**
 * Mean full-softmax cross-entropy of the next item.
 * @param inputs int32 [B, T] left-padded item ids.
 * @param targets int32 [B, T] next item at each slot, 0 where there is none.
 * @throws when targets are not int32 [B, T] like inputs, when a target exceeds the item count,
 *   or when every target is padding.
 */
export function nextItemLoss(model: SeqModel, inputs: tf.Tensor2D, targets: tf.Tensor2D, opts: ForwardOptions): tf.Scalar {
  if (targets.dtype !== 'int32' || targets.rank !== 2 || targets.shape[0] !== inputs.shape[0] || targets.shape[1] !== inputs.shape[1]) {
    throw new Error(`nextItemLoss: targets must be int32 [${inputs.shape}] like inputs, got ${targets.dtype} [${targets.shape}]`);
  }
  const { slots, labels } = targetSlots(targets.dataSync());
  if (slots.length === 0) throw new Error('nextItemLoss: every target in the batch is padding (0)');
  return tf.tidy(() => {
    const table = model.outputTable(); // [I + 1, D]
    const [rows, D] = table.shape;
    const numItems = rows - 1;
    for (const y of labels) if (y >= numItems) throw new Error(`nextItemLoss: target item ${y + 1} exceeds numItems ${numItems}`);
    const [B, T] = inputs.shape;
    const h = tf.reshape(model.encode(inputs, opts), [B * T, D]) as tf.Tensor2D; // [B·T, D]
    const hSel = gatherRows(h, tf.tensor1d(slots, 'int32')); // [n, D]
    const w = tf.slice(table, [1, 0], [numItems, D]); // [I, D], padding row is never a candidate
    const bias = model.outputBias ? (tf.slice(model.outputBias(), [1], [numItems]) as tf.Tensor1D) : undefined; // [I]
    return tf.mean(outputCrossEntropy(hSel, w, tf.tensor1d(labels, 'int32'), bias)) as tf.Scalar; // logits h·wᵀ chunked inside
  });
}
