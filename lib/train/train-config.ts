/**
 * TrainConfig: the typed, JSON-serializable settings of one training run, with a reason on each
 * default. The dropout fields are read where the model is built (lib/train/run.ts), since dropout
 * lives in the model; the loop itself (train.ts) reads the rest.
 */
import { LAYER_DROPOUT_DEFAULTS } from './dropout';

/** Which validation metric selects the best epoch and drives early stopping / the switch. */
export type SelectBy = 'loss' | 'NDCG@10';

export interface TrainConfig {
  /** Fixed number of epochs; undefined = until validation stops improving (see patience). */
  readonly epochs?: number;
  /** Cap on epochs when `epochs` is undefined; also the horizon of the cosine schedule. */
  readonly maxEpochs: number;
  /** Epochs without improvement before switching to SGD / stopping. */
  readonly patience: number;
  /** Windows per batch. */
  readonly batchSize: number;
  /** Peak learning rate (Adam units). */
  readonly lrPeak: number;
  /** Floor of the cosine decay as a fraction of lrPeak. */
  readonly lrMinRatio: number;
  /** Linear warmup length, in epochs (fractions allowed)... */
  readonly warmupEpochs: number;
  /** ...but at least this many steps (small data has few steps per epoch). */
  readonly warmupMinSteps: number;
  readonly weightDecay: number;
  /** Layer-wise adaptive dropout (LAD, paper III-B1); off = the same mean rate in every layer. */
  readonly layerwiseDropout: boolean;
  readonly dropoutBottom: number;
  readonly dropoutTop: number;
  /** Adam -> SGD at the validation plateau (SO, paper III-B2). */
  readonly switchOptimizer: boolean;
  readonly selectBy: SelectBy;
  /** Seeds batch order and dropout (model init takes its own seed). */
  readonly seed: number;
}

export const TRAIN_DEFAULTS: TrainConfig = {
  maxEpochs: 50, // Table IV trains 12-30 epochs; the cap only bounds a run that keeps improving
  patience: 3, // Figure 3: returns diminish after ~5 epochs; 3 flat epochs mark a plateau cheaply
  batchSize: 256, // Table IV, every scale
  lrPeak: 3e-3, // measured on ml-100k (L=2, d=64): valid CE 5.94 vs 6.00 for 1e-3 at epoch 32; 1e-2 noisier
  lrMinRatio: 0.1, // Chinchilla / nanoGPT: decay to lrPeak / 10
  warmupEpochs: 1, // ~1,600 steps on MovieLens-20M at batch 256 (RAdam's 2/(1-β2) = 2,000 rule of thumb)
  warmupMinSteps: 50, // measured on ml-100k (10 steps/epoch): L=4 d=128 at lrPeak 3e-3 stalls at the
  //                     popularity loss (valid CE 6.87) with 10 warmup steps and learns with 50 (6.41 at epoch 6)
  weightDecay: 1e-8, // paper III-B: larger decay underfits recommenders
  layerwiseDropout: true, // the paper's method; false reproduces "w/o LAD"
  dropoutBottom: LAYER_DROPOUT_DEFAULTS.bottom,
  dropoutTop: LAYER_DROPOUT_DEFAULTS.top,
  switchOptimizer: true, // the paper's method; false reproduces "w/o SO"
  selectBy: 'loss', // Table III: "trained until the cross-entropy loss on the validation set no longer decreases"
  seed: 0,
};

function positiveInt(name: string, v: number | undefined): void {
  if (v !== undefined && !(Number.isInteger(v) && v >= 1)) throw new Error(`TrainConfig.${name} must be a positive integer, got ${v}`);
}

/** Validate a complete config once; returns it unchanged. @throws Error naming the bad field. */
export function checkTrainConfig(c: TrainConfig): TrainConfig {
  positiveInt('epochs', c.epochs);
  positiveInt('maxEpochs', c.maxEpochs);
  positiveInt('patience', c.patience);
  positiveInt('batchSize', c.batchSize);
  if (!(c.lrPeak > 0 && Number.isFinite(c.lrPeak))) throw new Error(`TrainConfig.lrPeak must be a positive number, got ${c.lrPeak}`);
  if (!(c.lrMinRatio >= 0 && c.lrMinRatio <= 1)) throw new Error(`TrainConfig.lrMinRatio must be in [0, 1], got ${c.lrMinRatio}`);
  if (!(c.warmupEpochs >= 0)) throw new Error(`TrainConfig.warmupEpochs must be >= 0, got ${c.warmupEpochs}`);
  if (!(Number.isInteger(c.warmupMinSteps) && c.warmupMinSteps >= 0)) throw new Error(`TrainConfig.warmupMinSteps must be an integer >= 0, got ${c.warmupMinSteps}`);
  if (!(c.weightDecay >= 0)) throw new Error(`TrainConfig.weightDecay must be >= 0, got ${c.weightDecay}`);
  for (const [name, r] of [['dropoutBottom', c.dropoutBottom], ['dropoutTop', c.dropoutTop]] as const) {
    if (!(r >= 0 && r < 1)) throw new Error(`TrainConfig.${name} must be in [0, 1), got ${r}`);
  }
  if (c.selectBy !== 'loss' && c.selectBy !== 'NDCG@10') throw new Error(`TrainConfig.selectBy must be 'loss' or 'NDCG@10', got '${String(c.selectBy)}'`);
  if (!Number.isInteger(c.seed)) throw new Error(`TrainConfig.seed must be an integer, got ${c.seed}`);
  return c;
}
