/**
 * TrainConfig: the typed, JSON-serializable settings of one training run, with a reason on each
 * default. The dropout fields are read where the model is built (lib/train/run.ts), since dropout
 * lives in the model; the loop itself (train.ts) reads the rest.
 */
import { ValidationError } from '../util/errors';
import { checkBoolean, checkInteger, checkNumber, describeIntegerRange, describeNumberRange, type IntegerRange, type NumberRange } from '../util/validate';
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

/** A config field must hold a number (JSON configs could hold the string "5"). */
function int(name: string, v: unknown, range: IntegerRange): void {
  if (typeof v !== 'number') throw new ValidationError(name, v, describeIntegerRange(range));
  checkInteger(name, v, range);
}

function num(name: string, v: unknown, range: NumberRange): void {
  if (typeof v !== 'number') throw new ValidationError(name, v, describeNumberRange(range));
  checkNumber(name, v, range);
}

/**
 * Validate a complete config once; returns it unchanged.
 * @throws ValidationError naming the field, its value and the allowed range
 *   ("TrainConfig.batchSize must be a positive integer, got 0").
 */
export function checkTrainConfig(c: TrainConfig): TrainConfig {
  const f = (name: keyof TrainConfig) => `TrainConfig.${name}`;
  if (c.epochs !== undefined) int(f('epochs'), c.epochs, { min: 1 });
  int(f('maxEpochs'), c.maxEpochs, { min: 1 });
  int(f('patience'), c.patience, { min: 1 });
  int(f('batchSize'), c.batchSize, { min: 1 });
  num(f('lrPeak'), c.lrPeak, { min: 0, exclusiveMin: true });
  num(f('lrMinRatio'), c.lrMinRatio, { min: 0, max: 1 });
  num(f('warmupEpochs'), c.warmupEpochs, { min: 0 });
  int(f('warmupMinSteps'), c.warmupMinSteps, { min: 0 });
  num(f('weightDecay'), c.weightDecay, { min: 0 });
  checkBoolean(f('layerwiseDropout'), c.layerwiseDropout);
  num(f('dropoutBottom'), c.dropoutBottom, { min: 0, max: 1, exclusiveMax: true });
  num(f('dropoutTop'), c.dropoutTop, { min: 0, max: 1, exclusiveMax: true });
  checkBoolean(f('switchOptimizer'), c.switchOptimizer);
  if (c.selectBy !== 'loss' && c.selectBy !== 'NDCG@10') throw new ValidationError(f('selectBy'), c.selectBy, "'loss' or 'NDCG@10'");
  int(f('seed'), c.seed, {});
  return c;
}
