/**
 * The training loop (paper III-B, Algorithm 1). Model-agnostic: it drives any SeqModel through
 * a loss function and an evaluation function it is given, and knows nothing about LSRM (STYLE 2.5).
 *
 * One epoch = every training window once (lib/data/batch.ts), in a seeded order. After each
 * epoch the model is evaluated on the validation targets and the best weights are kept. When the
 * validation metric has not improved for max(patience, ceil(patienceMinSteps / steps per epoch))
 * epochs (a plateau is judged over enough optimizer steps, also where epochs are short):
 * - with switchOptimizer, Adam hands over to SGD (Algorithm 1 lines 4-5), restarting from the
 *   BEST Adam weights θ^c (the "Adam convergence point"; the current weights have already drifted
 *   a patience window past it);
 * - otherwise (or when SGD has plateaued too) training stops, unless `epochs` fixes the count.
 * The model ends holding the best weights.
 *
 * The learning-rate schedule's horizon is the run's real length (runSchedule): cosine over a
 * fixed `epochs`; an open-ended run holds the peak rate until its plateau, and the SGD phase
 * after the switch decays over one patience window.
 *
 * Everything random is a function of (seed, epoch, step): the batch order of epoch e is seeded by
 * deriveSeed(seed, e), the dropout of step s by deriveSeed(seed, DROPOUT_STREAM, s). A run resumed
 * from the state saved after an epoch is therefore bit-identical to an uninterrupted one. With
 * hooks.onPartial, the state is also reported inside an epoch, at most every checkpointEveryMs
 * (a long epoch: synthetic:cpu's 8 x 128 takes ~45 minutes); `partial` then holds the epoch's
 * batches done and its running loss sums, and a resumed run skips those batches of the epoch's
 * seeded order and continues, bit-identical as well.
 *
 * Times: a model whose config says `usesTime: true` (HSTU, FuXi-alpha: a time bias) trains on
 * windows that carry their times, and every step passes ForwardOptions.timestamps ([B, T+1] int32
 * seconds relative to each row's earliest item, the last column the time of the event the last
 * slot predicts), when the split has event times (lib/data/split.ts hasEventTimes). Otherwise, and
 * for every other model, batches, tensors and options are exactly those of a run without times.
 *
 * With a gradient pool (hooks.pool, ./parallel.ts) the gradient of each batch is computed by N
 * replicas on shares of its rows and summed before the same optimizer step; every share draws its
 * rows' part of the step's dropout masks. Without one (or N = 1) the step is the one-thread step.
 *
 * Shapes: B batch, T = maxLen.
 */
import * as tf from '@tensorflow/tfjs';
import type { ForwardOptions, SeqModel } from '../models/types';
import type { EvalSplit, LeaveOneOutSplit } from '../data/types';
import { batchTensors, batchesPerEpoch, buildWindows, epochBatches, type Batch, type TrainWindows } from '../data/batch';
import { hasEventTimes } from '../data/split';
import { deriveSeed } from '../util/rng';
import { learningRate, type LrSchedule } from './schedule';
import { createOptimizer, type OptimizerPhase, type OptimizerScalars, type SwitchingOptimizer } from './optimizer';
import { checkTrainConfig, TRAIN_DEFAULTS, type TrainConfig } from './train-config';
import { cloneWeights, restoreWeights, disposeWeights, type Weights } from './weights';
import type { GradientPool } from './parallel';
import { microBatchGradients, microBatchRows, targetCount } from './parallel-protocol';

export { TRAIN_DEFAULTS, checkTrainConfig, type TrainConfig };

/** Stream label of the per-step dropout seeds ('drop'). */
const DROPOUT_STREAM = 0x64726f70;

/** Mean next-item cross-entropy of a batch: inputs, targets [B, T] int32 (0 = no target). */
export type LossFn = (model: SeqModel, inputs: tf.Tensor2D, targets: tf.Tensor2D, opts: ForwardOptions) => tf.Scalar;
/** Metrics of the model on one held-out split; must include 'loss' and 'NDCG@10'. */
export type EvaluateFn = (model: SeqModel, split: LeaveOneOutSplit, opts: { split: EvalSplit }) => Promise<{ metrics: Record<string, number> }>;

/** One row of the learning curve, written after every epoch. */
export interface CurveRow {
  /** Epochs completed (1-based). */
  readonly epoch: number;
  /** Optimizer steps completed. */
  readonly step: number;
  /** Mean training cross-entropy of the epoch (over targets, dropout on). */
  readonly trainLoss: number;
  readonly validLoss: number;
  readonly validNdcg10: number;
  /** Learning rate of the epoch's last step, in the units of the optimizer used. */
  readonly lr: number;
  /** Optimizer that trained this epoch. */
  readonly optimizer: OptimizerPhase;
  /** Wall time since the run started, summed over resumed sessions. */
  readonly wallMs: number;
}

/** Everything besides tensors needed to continue a run after an epoch. */
export interface TrainState {
  readonly epoch: number;
  readonly step: number;
  readonly curve: readonly CurveRow[];
  /** Best validation value so far (by config.selectBy) and its epoch (0 = none yet). */
  readonly bestValue: number;
  readonly bestEpoch: number;
  readonly bestMetrics: Readonly<Record<string, number>>;
  /** Epochs since the last improvement. */
  readonly badEpochs: number;
  /** Epoch after which SGD took over (0 = never). */
  readonly switchEpoch: number;
  readonly isDone: boolean;
  readonly stoppedBy?: 'epochs' | 'patience' | 'maxEpochs';
  readonly optimizer: OptimizerScalars;
  readonly wallMs: number;
  /** Inside epoch `epoch + 1`: its batches done (steps `step - batches` .. `step - 1`), its running sums and the run's wall time when it began. */
  readonly partial?: PartialEpoch;
}

/** How far an unfinished epoch got (TrainState.partial). */
export interface PartialEpoch {
  readonly batches: number;
  /** Target-weighted loss sum and target count of those batches (the epoch's trainLoss continues from them). */
  readonly lossSum: number;
  readonly targetSum: number;
  /** Learning rate of the last of them, as the curve reports it. */
  readonly lr: number;
  /** TrainState.wallMs when the epoch began (wallMs itself includes the epoch so far). */
  readonly epochStartWallMs: number;
}

/** What the onEpoch hook receives (tensors are owned by the trainer: read, don't dispose). */
export interface EpochReport {
  readonly state: TrainState;
  readonly isNewBest: boolean;
  readonly optimizerTensors: ReadonlyMap<string, tf.Tensor>;
  readonly bestWeights: Weights;
}

/** Progress of one step, for progress bars. */
export interface StepReport {
  readonly epoch: number;
  readonly batch: number;
  readonly batchesPerEpoch: number;
  readonly step: number;
  readonly loss: number;
  readonly lr: number;
}

/** Callbacks and the two functions the loop needs. */
export interface TrainHooks {
  readonly lossFn: LossFn;
  readonly evaluate: EvaluateFn;
  onStep?(r: StepReport): void;
  onEpoch?(r: EpochReport): void | Promise<void>;
  /**
   * Inside an epoch, at most every checkpointEveryMs (default 10 minutes) and never after its last
   * batch: the state with `partial` set (isNewBest false), to save for an exact resume mid-epoch.
   */
  onPartial?(r: EpochReport): void | Promise<void>;
  readonly checkpointEveryMs?: number;
  /** Compute each batch's gradient on these replicas (./parallel.ts); absent = this thread alone. */
  readonly pool?: GradientPool;
  /**
   * Rows of one forward and backward pass in this thread (default microBatchRows of the model:
   * the wasm heap's budget); a larger batch is computed in micro-batches. Tests set it.
   */
  readonly microBatchRows?: number;
  /** Continue from a saved state; the model must already hold that state's latest weights. */
  readonly resume?: { state: TrainState; optimizerTensors: ReadonlyMap<string, tf.Tensor>; bestWeights: Weights };
}

/** The outcome: curve and best validation metrics; the model holds the best weights. */
export interface TrainResult {
  readonly curve: readonly CurveRow[];
  readonly bestEpoch: number;
  readonly bestMetrics: Readonly<Record<string, number>>;
  readonly switchEpoch: number;
  readonly epochs: number;
  readonly steps: number;
  readonly stoppedBy: 'epochs' | 'patience' | 'maxEpochs';
  readonly wallMs: number;
}

/**
 * Does `model` train on event times from `split`? Its config says `usesTime: true` (a time bias)
 * and the split has event times (not all equal; lib/data/split.ts).
 */
export function feedsTimes(model: SeqModel, split: LeaveOneOutSplit): boolean {
  return model.config.usesTime === true && hasEventTimes(split);
}

/** One optimizer step on one batch in this thread; returns the batch's mean loss. */
export function trainStep(model: SeqModel, opt: SwitchingOptimizer, lossFn: LossFn, batch: Batch, lr: number, seed: number): number {
  const { inputs, targets, timestamps } = batchTensors(batch); // [B, T] each; [B, T+1] when the batch has times
  const opts: ForwardOptions = timestamps ? { isTraining: true, seed, timestamps } : { isTraining: true, seed };
  const names = [...model.variables.keys()];
  const vars = [...model.variables.values()];
  const lossT = tf.tidy(() => {
    const { value, grads } = tf.variableGrads(() => lossFn(model, inputs, targets, opts), vars);
    opt.apply(new Map(names.map((n, i) => [n, grads[vars[i].name]])), lr);
    return value;
  });
  const loss = lossT.dataSync()[0];
  tf.dispose(timestamps ? [lossT, inputs, targets, timestamps] : [lossT, inputs, targets]);
  return loss;
}

/**
 * One optimizer step on a batch too large for one pass (more rows than microBatchRows), its
 * gradient summed over micro-batches in this thread; returns the batch's mean loss.
 */
export function microTrainStep(model: SeqModel, opt: SwitchingOptimizer, lossFn: LossFn, batch: Batch, lr: number, seed: number, maxRows: number): number {
  return applySummed(opt, microBatchGradients(model, lossFn, batch, seed, maxRows), lr);
}

/** One optimizer step with gradients summed outside tfjs's autodiff (disposed here); returns `loss`. */
function applySummed(opt: SwitchingOptimizer, { loss, grads }: { loss: number; grads: Map<string, tf.Tensor> }, lr: number): number {
  try {
    tf.tidy(() => opt.apply(grads, lr));
  } finally {
    tf.dispose([...grads.values()]);
  }
  return loss;
}

/** One optimizer step on one batch whose gradient the pool's replicas compute; returns the batch's mean loss. */
export async function poolTrainStep(model: SeqModel, opt: SwitchingOptimizer, pool: GradientPool, lossFn: LossFn, batch: Batch, lr: number, seed: number, maxRows?: number): Promise<number> {
  return applySummed(opt, await pool.gradients(model, lossFn, batch, seed, maxRows), lr);
}

/** Is `value` better than `best` for the selection metric? */
function isBetter(value: number, best: number, selectBy: TrainConfig['selectBy']): boolean {
  return selectBy === 'loss' ? value < best : value > best;
}

/** The first state of a fresh run. */
function initialState(opt: SwitchingOptimizer, selectBy: TrainConfig['selectBy']): TrainState {
  return {
    epoch: 0, step: 0, curve: [], bestValue: selectBy === 'loss' ? Infinity : -Infinity, bestEpoch: 0, bestMetrics: {},
    badEpochs: 0, switchEpoch: 0, isDone: false, optimizer: opt.getState().scalars, wallMs: 0,
  };
}

/**
 * The learning-rate schedule of a run whose epochs have `nb` steps. Its horizon is the run's real
 * length: a run of fixed `epochs` decays by cosine over all of them; an open-ended run (its length
 * is unknown until the plateau) holds lrPeak after warmup, and once SGD takes over at the plateau
 * (switchEpoch > 0) decays by cosine over one patience window (warmup-stable-decay, as in
 * Hägele et al. 2024, "Scaling Laws and Compute-Optimal Training Beyond Fixed Training Durations").
 */
export function runSchedule(c: TrainConfig, nb: number, patience: number, switchEpoch: number): LrSchedule {
  const base = { lrPeak: c.lrPeak, lrMin: c.lrPeak * c.lrMinRatio, warmupSteps: Math.max(c.warmupMinSteps, Math.round(c.warmupEpochs * nb)) };
  if (c.epochs !== undefined) return { ...base, totalSteps: c.epochs * nb };
  if (switchEpoch === 0) return { ...base, totalSteps: Infinity };
  return { ...base, decayStart: switchEpoch * nb, totalSteps: (switchEpoch + patience) * nb };
}

/** Default interval of mid-epoch reports (TrainHooks.onPartial). */
export const CHECKPOINT_EVERY_MS = 10 * 60_000;

/**
 * Train one epoch (or its rest after `partial`'s batches); returns the target-weighted mean loss
 * and the last learning rate. `report` is called inside the epoch per hooks.onPartial's rule.
 */
async function trainEpoch(model: SeqModel, opt: SwitchingOptimizer, windows: TrainWindows, c: TrainConfig, schedule: LrSchedule, epoch: number, step0: number, hooks: TrainHooks,
  partial: PartialEpoch | undefined, report: (p: Omit<PartialEpoch, 'epochStartWallMs'>, step: number) => Promise<void>) {
  const nb = batchesPerEpoch(windows, c.batchSize);
  const skip = partial?.batches ?? 0;
  let step = step0, lossSum = partial?.lossSum ?? 0, targetSum = partial?.targetSum ?? 0, lr = partial?.lr ?? 0, b = 0;
  const maxRows = hooks.microBatchRows ?? microBatchRows(model.config, windows.maxLen);
  const every = hooks.checkpointEveryMs ?? CHECKPOINT_EVERY_MS;
  let lastReport = Date.now();
  for (const batch of epochBatches(windows, c.batchSize, c.seed, epoch)) {
    if (b < skip) { // done before the interruption: same order, same steps
      b++;
      continue;
    }
    const scheduled = learningRate(step, schedule);
    lr = opt.phase === 'sgd' ? opt.sgdLr(scheduled) : scheduled;
    const seed = deriveSeed(c.seed, DROPOUT_STREAM, step);
    const loss = hooks.pool && hooks.pool.size > 1
      ? await poolTrainStep(model, opt, hooks.pool, hooks.lossFn, batch, scheduled, seed, maxRows)
      : batch.size > maxRows
        ? microTrainStep(model, opt, hooks.lossFn, batch, scheduled, seed, maxRows)
        : trainStep(model, opt, hooks.lossFn, batch, scheduled, seed);
    if (!Number.isFinite(loss)) throw new Error(`training diverged at epoch ${epoch + 1}, step ${step} (loss ${loss}): lower the learning rate (lrPeak ${c.lrPeak})`);
    const n = targetCount(batch.targets, 0, batch.size, batch.maxLen); // the weight of the batch's mean loss
    lossSum += loss * n;
    targetSum += n;
    step++;
    hooks.onStep?.({ epoch: epoch + 1, batch: ++b, batchesPerEpoch: nb, step, loss, lr });
    if (hooks.onPartial && b < nb && Date.now() - lastReport >= every) {
      await report({ batches: b, lossSum, targetSum, lr }, step);
      lastReport = Date.now();
    }
  }
  return { trainLoss: lossSum / Math.max(1, targetSum), lr, step };
}

/**
 * Epochs without improvement that make a plateau: `patience`, but at least `patienceMinSteps`
 * optimizer steps (small data has few steps per epoch, and a few steps are noise, not a plateau).
 * @example patienceEpochs({ patience: 3, patienceMinSteps: 500 }, 19) // 27
 */
export function patienceEpochs(c: Pick<TrainConfig, 'patience' | 'patienceMinSteps'>, stepsPerEpoch: number): number {
  return Math.max(c.patience, Math.ceil(c.patienceMinSteps / Math.max(1, stepsPerEpoch)));
}

/** Early stopping and the Adam -> SGD switch after an epoch with validation value `value`. */
function nextState(s: TrainState, value: number, metrics: Record<string, number>, c: TrainConfig, patience: number, opt: SwitchingOptimizer): { state: TrainState; isNewBest: boolean; switchNow: boolean } {
  const isNewBest = isBetter(value, s.bestValue, c.selectBy);
  let st: TrainState = isNewBest
    ? { ...s, bestValue: value, bestEpoch: s.epoch, bestMetrics: metrics, badEpochs: 0 }
    : { ...s, badEpochs: s.badEpochs + 1 };
  const plateau = st.badEpochs >= patience;
  const switchNow = plateau && c.switchOptimizer && opt.phase === 'adam';
  if (switchNow) st = { ...st, badEpochs: 0, switchEpoch: st.epoch };
  if (c.epochs !== undefined && st.epoch >= c.epochs) st = { ...st, isDone: true, stoppedBy: 'epochs' };
  else if (c.epochs === undefined && plateau && !switchNow) st = { ...st, isDone: true, stoppedBy: 'patience' };
  else if (c.epochs === undefined && st.epoch >= c.maxEpochs) st = { ...st, isDone: true, stoppedBy: 'maxEpochs' };
  return { state: st, isNewBest, switchNow };
}

/**
 * Train `model` on `split.train`, selecting by validation (see header).
 * @throws Error on an invalid config or a diverged (non-finite) loss.
 */
export async function trainModel(model: SeqModel, split: LeaveOneOutSplit, config: Partial<TrainConfig>, hooks: TrainHooks): Promise<TrainResult> {
  const c = checkTrainConfig({ ...TRAIN_DEFAULTS, ...config });
  const maxLen = Number(model.config.maxLen);
  const windows = buildWindows(split.train, maxLen, { times: feedsTimes(model, split) });
  if (windows.count === 0) throw new Error('trainModel: no training targets (every user has fewer than 2 training items)');
  const nb = batchesPerEpoch(windows, c.batchSize);
  const patience = patienceEpochs(c, nb);
  const opt = createOptimizer(model.variables, { weightDecay: c.weightDecay });
  let best: Weights;
  let s: TrainState;
  if (hooks.resume) {
    opt.setState(hooks.resume.state.optimizer, hooks.resume.optimizerTensors);
    best = cloneWeights(hooks.resume.bestWeights);
    s = hooks.resume.state;
  } else {
    best = cloneWeights(model.variables);
    s = initialState(opt, c.selectBy);
  }
  try {
    while (!s.isDone) {
      // A state saved inside an epoch continues it: its wall time so far counts towards this epoch.
      const partial = s.partial;
      const epochStart = partial ? partial.epochStartWallMs : s.wallMs;
      const t0 = Date.now() - (s.wallMs - epochStart);
      if (partial) s = { ...s, wallMs: epochStart, partial: undefined };
      const phase = opt.phase;
      const atEpochStart = s;
      const report = async (p: Omit<PartialEpoch, 'epochStartWallMs'>, step: number) => {
        const state: TrainState = { ...atEpochStart, step, optimizer: opt.getState().scalars, wallMs: epochStart + (Date.now() - t0), partial: { ...p, epochStartWallMs: epochStart } };
        await hooks.onPartial?.({ state, isNewBest: false, optimizerTensors: opt.getState().tensors, bestWeights: best });
      };
      const ep = await trainEpoch(model, opt, windows, c, runSchedule(c, nb, patience, s.switchEpoch), s.epoch, s.step, hooks, partial, report);
      const { metrics } = await hooks.evaluate(model, split, { split: 'valid' });
      if (metrics[c.selectBy] === undefined) throw new Error(`trainModel: the evaluation returned no '${c.selectBy}' metric`);
      if (!Number.isFinite(metrics[c.selectBy])) throw new Error(`training diverged at epoch ${s.epoch + 1}: validation ${c.selectBy} is ${metrics[c.selectBy]}; lower the learning rate (lrPeak ${c.lrPeak})`);
      const wallMs = epochStart + (Date.now() - t0);
      const row: CurveRow = { epoch: s.epoch + 1, step: ep.step, trainLoss: ep.trainLoss, validLoss: metrics.loss, validNdcg10: metrics['NDCG@10'], lr: ep.lr, optimizer: phase, wallMs };
      const next = nextState({ ...s, epoch: s.epoch + 1, step: ep.step, curve: [...s.curve, row], wallMs }, metrics[c.selectBy], metrics, c, patience, opt);
      if (next.isNewBest) {
        disposeWeights(best);
        best = cloneWeights(model.variables);
      }
      if (next.switchNow) {
        restoreWeights(model.variables, best);
        opt.switchToSgd();
      }
      s = { ...next.state, optimizer: opt.getState().scalars };
      await hooks.onEpoch?.({ state: s, isNewBest: next.isNewBest, optimizerTensors: opt.getState().tensors, bestWeights: best });
    }
    restoreWeights(model.variables, best);
  } finally {
    disposeWeights(best);
    opt.dispose();
  }
  return { curve: s.curve, bestEpoch: s.bestEpoch, bestMetrics: s.bestMetrics, switchEpoch: s.switchEpoch, epochs: s.epoch, steps: s.step, stoppedBy: s.stoppedBy ?? 'epochs', wallMs: s.wallMs };
}
