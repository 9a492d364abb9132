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
import { deriveSeed } from '../util/rng';
import { evaluateModel } from '../eval/evaluate';
import { modelEntry, type ModelKind } from '../models';
import type { ModelShape, SeqModel } from '../models/types';
import type { LeaveOneOutSplit } from '../data/types';
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

/** Load, k-core filter, sequence and split the data of a spec. */
export async function prepareSplit(data: DataSpec): Promise<LeaveOneOutSplit> {
  const { interactions } = await loadSource(data.source, { progress: false });
  const prepared = prepareData({ interactions, core: data.core });
  checkTrainable(interactions, prepared, data.core); // no users left, or no test users: say why before training
  return prepared.split;
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
