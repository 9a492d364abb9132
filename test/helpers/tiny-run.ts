/**
 * A tiny run for the run-directory tests (test/runs/run.test.ts, reliability.test.ts and the
 * child process test/helpers/run-child.ts): the fake model, loss and evaluation of
 * test/train/tiny.ts on a seeded split, or the real data pipeline for a file source.
 */
import { prepareSplit } from '../../lib/runs/build';
import type { RunConfigInput, RunDeps } from '../../lib/runs/run';
import { tinyEvaluate, tinyLoss, tinyModel, tinySplit } from '../train/tiny';

/** Tiny deps: a file source ('atomic:...') goes through the real loader and split. */
export const TINY_DEPS: Partial<RunDeps> = {
  prepare: async (data) => (data.source.startsWith('atomic:') ? prepareSplit(data) : tinySplit(30, 20, 15, 1)),
  buildModel: (spec, numItems, train) => tinyModel(numItems, spec.dim, spec.maxLen, train.seed),
  lossFn: tinyLoss,
  evaluate: tinyEvaluate,
};

/**
 * Five epochs of 6 steps; with patience 1, Adam hands over to SGD after epoch 3 (validation loss
 * rises at epoch 3 at this learning rate), so a replay crosses the switch.
 */
export const TINY_CONFIG: RunConfigInput = {
  data: { source: 'synthetic:smoke', core: 0 },
  model: { kind: 'lsrm', numLayers: 1, dim: 8, numHeads: 1, maxLen: 5 },
  train: { epochs: 5, batchSize: 16, lrPeak: 0.2, warmupMinSteps: 0, patience: 1, seed: 5 },
};
