/**
 * TrainConfig: the typed, JSON-serializable settings of one training run, with a reason on each
 * default. The dropout fields are read where the model is built (lib/train/run.ts), since dropout
 * lives in the model; the loop itself (train.ts) reads the rest.
 *
 * Measurements behind the defaults (issue 9): MovieLens-100k, no k-core, leave-one-out, full
 * ranking; LSRM 2 x 64, 2 heads, seed 0; lrPeak held constant after warmup, patience 20 epochs,
 * no switch, best epoch by validation NDCG@10 (trainRun with these settings). "valid" is the best
 * epoch's validation NDCG@10, "MA5" the best 5-epoch mean of the validation curve (less noisy);
 * test NDCG@10 was read only afterwards (one seed: standard error about 0.006).
 *   batch  lr     dropout        valid   MA5     test    best/last epoch  longest wait for a new best
 *   128    1e-3   0.2 fixed      0.0721  0.0699  0.0636  42/62            9 ep = 171 steps
 *   128    1e-3   LAD 0.3->0.1   0.0690  0.0675  0.0623  46/66            9 ep = 171 steps
 *   128    1e-3   0.3 fixed      0.0713  0.0680  0.0627  56/76           17 ep = 323 steps
 *   128    3e-3   0.2 fixed      0.0762  0.0716  0.0638  46/66            9 ep = 171 steps
 *   128    3e-3   LAD 0.3->0.1   0.0728  0.0702  0.0683  29/49            8 ep = 152 steps
 *   256    1e-3   0.2 fixed      0.0705  0.0683  0.0649  58/78            7 ep =  70 steps
 *   256    3e-3   0.2 fixed      0.0759  0.0735  0.0658  55/75           14 ep = 140 steps
 * A second phase after the plateau (batch 128, lr 1e-3, 0.2 fixed) adds ~30 epochs and no
 * accuracy: SGD decaying over the patience window 0.0734 / test 0.0635, Adam decaying 0.0724 /
 * 0.0630. The old defaults (cosine over 50 epochs, patience 3 epochs of 10 steps, selection by
 * loss) stopped at test NDCG@10 0.0528.
 */
import { ValidationError } from '../util/errors';
import { checkBoolean, checkInteger, checkNumber, describeIntegerRange, describeNumberRange, type IntegerRange, type NumberRange } from '../util/validate';
import { LAYER_DROPOUT_DEFAULTS } from './dropout';

/** Which validation metric selects the best epoch and drives early stopping / the switch. */
export type SelectBy = 'loss' | 'NDCG@10';

export interface TrainConfig {
  /** Fixed number of epochs; undefined = until validation stops improving (see patience). */
  readonly epochs?: number;
  /** Cap on epochs when `epochs` is undefined (the schedule's horizon is the run itself: train.ts runSchedule). */
  readonly maxEpochs: number;
  /** Epochs without improvement before switching to SGD / stopping... */
  readonly patience: number;
  /** ...and at least this many optimizer steps: the plateau needs max(patience, ceil(patienceMinSteps / steps per epoch)) epochs. */
  readonly patienceMinSteps: number;
  /** Windows per batch. */
  readonly batchSize: number;
  /** Peak learning rate (Adam units). */
  readonly lrPeak: number;
  /** Floor of the cosine decay as a fraction of lrPeak (a fixed run's end; an open-ended run's SGD phase). */
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
  maxEpochs: 200, // a cap only: ml-100k runs its two patience windows past the best epoch (~55) in ~115
  patience: 3, // Figure 3: returns diminish after ~5 epochs; 3 flat epochs mark a plateau on big data...
  patienceMinSteps: 300, // ...but small data needs steps: a new best validation NDCG@10 came up to 171 steps after
  //                        the last in 6 of 7 runs (table above; 323 once, for +0.0007); 300 = 30 epochs at batch 256
  batchSize: 256, // Table IV, every scale; on ml-100k at 3e-3 as good as 128 (MA5 0.0735 vs 0.0716)
  lrPeak: 3e-3, // ml-100k, table above: valid NDCG@10 above 1e-3's at both batch sizes (MA5 0.0716 vs 0.0699 at 128)
  lrMinRatio: 0.1, // Chinchilla / nanoGPT: decay to lrPeak / 10
  warmupEpochs: 1, // ~1,600 steps on MovieLens-20M at batch 256 (RAdam's 2/(1-β2) = 2,000 rule of thumb)
  warmupMinSteps: 50, // measured on ml-100k (10 steps/epoch): L=4 d=128 at lrPeak 3e-3 stalls at the
  //                     popularity loss (valid CE 6.87) with 10 warmup steps and learns with 50 (6.41 at epoch 6)
  weightDecay: 1e-8, // paper III-B: larger decay underfits recommenders
  layerwiseDropout: true, // the paper's method; false reproduces "w/o LAD" (on ml-100k within noise of 0.2 fixed, table above)
  dropoutBottom: LAYER_DROPOUT_DEFAULTS.bottom,
  dropoutTop: LAYER_DROPOUT_DEFAULTS.top,
  switchOptimizer: true, // the paper's method; false reproduces "w/o SO"; selection keeps the best epoch either way
  selectBy: 'NDCG@10', // ranking results (lsrm train, Table V, the tasks); loss results (Table III, scaling) pass 'loss'
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
  int(f('patienceMinSteps'), c.patienceMinSteps, { min: 0 });
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
