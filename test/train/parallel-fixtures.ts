/**
 * Loss functions for the failure tests of data-parallel training (parallel.test.ts). A worker
 * thread requires this module by path (ReplicaRecipe.loss), so each thread counts its own calls.
 */
import type * as tf from '@tensorflow/tfjs';
import type { ForwardOptions, SeqModel } from '../../lib/models/types';
import { nextItemLoss } from '../../lib/train/loss';

let calls = 0;

/** The next-item loss, then an exception from the second call on. */
export function failingLoss(model: SeqModel, inputs: tf.Tensor2D, targets: tf.Tensor2D, opts: ForwardOptions): tf.Scalar {
  if (++calls > 1) throw new Error('failingLoss: second call');
  return nextItemLoss(model, inputs, targets, opts);
}

/** Ends its thread (process.exit in a worker ends the thread, with this code). */
export function dyingLoss(): tf.Scalar {
  process.exit(7);
}

/** A model builder that refuses. */
export function brokenModel(): SeqModel {
  throw new Error('brokenModel: no replica today');
}
