/**
 * The contract every sequential model (LSRM, GRU4Rec, FMLP-Rec, Caser) fulfils, so the trainer
 * and the evaluator never know which model they drive.
 *
 * Shapes: B batch, T sequence length (maxLen), D hidden size, I number of items.
 * Input sequences are LEFT-padded with item 0: the most recent item sits in slot T-1.
 * Logits for items 1..I are h · W_outᵀ (+ bias), where W_out = outputTable() rows 1..I
 * (row 0, padding, is never a candidate).
 */
import type * as tf from '@tensorflow/tfjs';

/** Options of one forward pass. */
export interface ForwardOptions {
  /** Dropout is active only when true. */
  readonly isTraining: boolean;
  /** Seed of this pass's dropout masks (the trainer derives one per step from the run seed). */
  readonly seed?: number;
}

/** A trainable sequential recommender built from plain tf.Variables. */
export interface SeqModel {
  /** Model kind, e.g. 'lsrm', 'gru4rec'. */
  readonly kind: string;
  /** The JSON-serializable config the model was built from. */
  readonly config: Readonly<Record<string, unknown>>;
  /** Every trainable variable by a stable, unique name (the checkpoint format uses the names). */
  readonly variables: ReadonlyMap<string, tf.Variable>;
  /** Hidden state at every slot: seqs [B, T] int32 -> [B, T, D]. Causal: slot t sees slots <= t only. */
  encode(seqs: tf.Tensor2D, opts: ForwardOptions): tf.Tensor3D;
  /** Output item table [I + 1, D] (tied to the input embedding for LSRM). Row 0 is padding. */
  outputTable(): tf.Tensor2D;
  /** Optional per-item output bias [I + 1]. */
  outputBias?(): tf.Tensor1D;
  /** Parameter counts as Table IV / Table V report them. */
  paramCounts(): ParamCounts;
  /** Release every variable. */
  dispose(): void;
}

export interface ParamCounts {
  /** Item (and position) embedding parameters. */
  readonly embedding: number;
  /** Non-embedding parameters as the paper counts them (12·L·d² for LSRM). */
  readonly nonEmbedding: number;
  /** Every trainable scalar, biases and norms included. */
  readonly total: number;
}
