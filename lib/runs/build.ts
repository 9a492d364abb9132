/**
 * What a run directory is built from, by default: data from a source spec through the paper's
 * protocol (iterative k-core, chronological sequences, leave-one-out; III-C, III-D), a model of
 * one of the MODELS kinds (built through its registry entry, lib/models/index.ts), the
 * full-softmax next-item loss and full-ranking evaluation.
 *
 * Dropout (paper III-B1): the run offers per-layer rates from layerDropoutRates(numLayers, ...)
 * with shape 'linear' when TrainConfig.layerwiseDropout is on and 'fixed' (the same mean rate)
 * when off. LSRM takes them (and the lowest layer's rate on the input embedding, unless the spec
 * sets embDropout); the baselines keep their own (RecBole) dropout defaults.
 */
import { loadSource } from '../data/load';
import { checkTrainable, prepareData } from '../data/pipeline';
import { holdOutUsers } from '../data/holdout';
import { splitLeaveOneOut, withoutTimes } from '../data/split';
import { ValidationError } from '../util/errors';
import { deriveSeed } from '../util/rng';
import { evaluateModel } from '../eval/evaluate';
import { modelEntry, type ModelKind } from '../models';
import type { ModelShape, SeqModel } from '../models/types';
import type { Interactions, LeaveOneOutSplit } from '../data/types';
import { layerDropoutRates } from '../train/dropout';
import { nextItemLoss } from '../train/loss';
import type { EvaluateFn, LossFn } from '../train/train';
import type { TrainConfig } from '../train/train-config';

/** Where the data comes from and how it is filtered. */
export interface DataSpec {
  /** A source spec (lib/data/source.ts): 'atomic:path.inter', 'movielens:dir', 'ml-1m', 'synthetic:smoke', ... */
  readonly source: string;
  /** k of the iterative k-core on users and items (0 = no filter; the paper uses 30 on Amazon). */
  readonly core: number;
  /**
   * Users left out of training entirely (cold-start, paper V-C; lib/tasks/cold-start.ts): a seeded
   * round(fraction·U1) of the users after the k-core (lib/data/holdout.ts) keep their ids with empty
   * sequences, so the split has no train item, valid or test target of theirs. Absent = none.
   */
  readonly holdOutUsers?: { readonly fraction: number; readonly seed: number };
  /**
   * false: the data's times are not a clock (a `sasrec:` file's line ranks), so they are dropped
   * from the split (lib/data/split.ts withoutTimes) and models with a time bias (HSTU, FuXi-alpha)
   * run on positions alone. Absent = the times are used where a model reads them. No other model
   * reads times: for them this changes nothing but the run key.
   */
  readonly times?: false;
}

/**
 * The model of a run, as config.json stores it: { kind, numLayers, dim, numHeads, maxLen,
 * embDropout? } (the run key hashes this JSON). numItems comes from the data and dropout from
 * the TrainConfig; a model ignores the shape fields it does not read (MODELS[kind].shapeFields).
 */
export interface ModelSpec extends ModelShape {
  readonly kind: ModelKind;
}

/** Model-init seed stream ('init'), distinct from the batch-order and dropout streams. */
const INIT_STREAM = 0x696e6974;

/** Load, k-core filter, sequence, hold out users (data.holdOutUsers) and split the data of a spec. */
export async function prepareSplit(data: DataSpec): Promise<LeaveOneOutSplit> {
  const { interactions } = await loadSource(data.source, { progress: false });
  return trainableSplit(interactions, data);
}

/**
 * The split of loaded interactions under a spec: k-core, sequences, then the hold-out of
 * data.holdOutUsers (after the k-core, ids and counts kept), then leave-one-out, without its
 * times when data.times is false; checked for training (no users left, or no test users: a
 * DataError with the reason and the fix).
 */
export function trainableSplit(interactions: Interactions, data: DataSpec): LeaveOneOutSplit {
  if (data.times !== undefined && data.times !== false) {
    throw new ValidationError('data.times', data.times, 'false (or absent)', 'Leave it out to use the data\'s times, or set false for data without a clock (sasrec: files)');
  }
  const split = heldOutSplit(interactions, data);
  return data.times === false ? withoutTimes(split) : split;
}

/** trainableSplit before data.times: k-core, sequences, hold-out, leave-one-out, checks. */
function heldOutSplit(interactions: Interactions, data: DataSpec): LeaveOneOutSplit {
  const prepared = prepareData({ interactions, core: data.core });
  checkTrainable(interactions, prepared, data.core);
  if (data.holdOutUsers === undefined) return prepared.split;
  const { fraction, seed } = data.holdOutUsers;
  if (typeof fraction !== 'number' || !(fraction > 0 && fraction < 1) || !Number.isInteger(seed)) {
    throw new ValidationError('data.holdOutUsers', data.holdOutUsers, '{ "fraction": a number in (0, 1), "seed": an integer }', 'For cold-start: { "fraction": 0.2, "seed": 0 }');
  }
  const split = splitLeaveOneOut(holdOutUsers(prepared.sequences, fraction, seed).kept);
  if (!split.test.some((t) => t !== 0)) throw new ValidationError('data.holdOutUsers.fraction', fraction, 'small enough to leave a user with a test item', 'Lower the fraction');
  return split;
}

/** The per-layer dropout rates of a TrainConfig. */
export function dropoutRatesOf(numLayers: number, train: TrainConfig): number[] {
  return layerDropoutRates(numLayers, { bottom: train.dropoutBottom, top: train.dropoutTop, shape: train.layerwiseDropout ? 'linear' : 'fixed' });
}

/** Build the model of a spec through its registry entry, seeded from the run seed. */
export function buildModel(spec: ModelSpec, numItems: number, train: TrainConfig): SeqModel {
  const entry = modelEntry(spec.kind);
  const config = entry.fromShape(spec, { numItems, layerDropout: (numLayers) => dropoutRatesOf(numLayers, train) });
  return entry.create(config, deriveSeed(train.seed, INIT_STREAM));
}

/** The real pipeline. */
export function defaultRunDeps(): { prepare: (d: DataSpec) => Promise<LeaveOneOutSplit>; buildModel: typeof buildModel; lossFn: LossFn; evaluate: EvaluateFn } {
  return { prepare: prepareSplit, buildModel, lossFn: nextItemLoss, evaluate: (m, s, o) => evaluateModel(m, s, o) };
}
