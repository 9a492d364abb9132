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
  /**
   * Event times in seconds, for the models with a time bias (HSTU, FuXi-alpha; the others ignore
   * them): [B, T] the time of each input slot, or [B, T + 1] the same followed by the time of the
   * event the last slot predicts (its query time). Values at padding slots are ignored. Absent:
   * those models fall back to positions alone. int32 holds Unix seconds exactly; float32 rounds
   * them to 128 s (pass times relative to a recent origin then).
   */
  readonly timestamps?: tf.Tensor2D;
}

/** A trainable sequential recommender built from plain tf.Variables. */
export interface SeqModel {
  /** Model kind, e.g. 'lsrm', 'gru4rec'. */
  readonly kind: string;
  /** The JSON-serializable config the model was built from. */
  readonly config: Readonly<Record<string, unknown>>;
  /** Every trainable variable by a stable, unique name (the checkpoint format uses the names). */
  readonly variables: ReadonlyMap<string, tf.Variable>;
  /**
   * Hidden state at every slot: seqs [B, T] int32 -> [B, T, D]. Causal: the state of an item slot
   * t depends on slots <= t only. A padding slot's state is unspecified (finite; no loss or metric
   * reads it): LSRM's padding queries have every key masked and attend uniformly to all slots.
   */
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

/**
 * The generic shape of a run's model spec (lib/runs/build.ts `ModelSpec` without its kind). Each
 * model reads the fields listed in its registry entry's `shapeFields` and ignores the rest.
 */
export interface ModelShape {
  readonly numLayers: number;
  readonly dim: number;
  /** Attention heads (LSRM only). */
  readonly numHeads: number;
  readonly maxLen: number;
  /** Input-embedding dropout (LSRM); undefined = the lowest layer's rate. */
  readonly embDropout?: number;
}

/** What a run knows, besides the shape, when it builds a model. */
export interface ShapeContext {
  /** Items I of the data (ids 1..I). */
  readonly numItems: number;
  /** The run's per-layer dropout rates, bottom layer first (layer-wise adaptive dropout, III-B1). */
  layerDropout(numLayers: number): readonly number[];
}

/** The least every model config has. */
export interface ModelConfigBase {
  readonly numItems: number;
  readonly maxLen: number;
}

/** A model config given by the caller: numItems, any other field defaults. */
export type ConfigInput<C extends ModelConfigBase> = { readonly numItems: number } & Partial<C>;

/**
 * One entry of the model registry (lib/models/index.ts): everything the CLI, the run builder and
 * the presets need of a model kind, so none of them switches on the kind.
 */
export interface ModelEntry<C extends ModelConfigBase = ModelConfigBase> {
  /** The name the paper prints: 'LSRM', 'GRU4Rec', 'FMLP-Rec', 'Caser'. */
  readonly label: string;
  /** Defaults of every config field but numItems. */
  readonly defaults: Readonly<Omit<C, 'numItems'>>;
  /** The ModelShape fields the model reads (e.g. Caser has no layers, only LSRM has heads). */
  readonly shapeFields: readonly (keyof ModelShape)[];
  /** Fill defaults, validate and build with weights drawn from `seed`. @throws ConfigError */
  create(config: ConfigInput<C>, seed: number): SeqModel;
  /** The full config of a run's generic shape (the model's defaults fill what the shape lacks). */
  fromShape(shape: ModelShape, ctx: ShapeContext): C;
  /** Parameter counts without building a tensor; equal to create(config).paramCounts(). */
  paramCounts(config: ConfigInput<C>): ParamCounts;
  /** One readable line, e.g. 'LSRM 2x64, 98.3K non-emb'. */
  describe(config: ConfigInput<C>): string;
  /** Inner width of a transformer feed-forward block at width `dim`, as Table IV/V print d_ff; absent for other models. */
  readonly ffnDim?: (dim: number) => number;
}
