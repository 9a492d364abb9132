/**
 * What a run directory is built from, by default: data from a source spec through the paper's
 * protocol (iterative k-core, chronological sequences, leave-one-out; III-C, III-D), a model of
 * one of the MODELS kinds (LSRM with the layer-wise dropout rates of the TrainConfig), the full-softmax
 * next-item loss and full-ranking evaluation.
 *
 * Dropout (paper III-B1): the rates come from layerDropoutRates(numLayers, ...) with shape
 * 'linear' when TrainConfig.layerwiseDropout is on and 'fixed' (the same mean rate) when off.
 * The input-embedding dropout is the lowest layer's rate (the embedding sits below layer 0),
 * unless the model spec sets embDropout.
 */
import { loadSource } from '../data/load';
import { prepareData } from '../data/pipeline';
import { deriveSeed } from '../data/rng';
import { evaluateModel } from '../eval/evaluate';
import type { ModelKind } from '../models';
import { createCaser } from '../models/caser';
import { createFmlp } from '../models/fmlp';
import { createGru4Rec } from '../models/gru4rec';
import { createLsrm, LSRM_DEFAULTS } from '../models/lsrm';
import type { SeqModel } from '../models/types';
import type { LeaveOneOutSplit } from '../types';
import { layerDropoutRates } from './dropout';
import { nextItemLoss } from './loss';
import type { EvaluateFn, LossFn } from './train';
import type { TrainConfig } from './train-config';

/** Where the data comes from and how it is filtered. */
export interface DataSpec {
  /** A source spec (lib/data/source.ts): 'atomic:path.inter', 'movielens:dir', 'ml-1m', 'synthetic:smoke', ... */
  readonly source: string;
  /** k of the iterative k-core on users and items (0 = no filter; the paper uses 30 on Amazon). */
  readonly core: number;
}

/** The model's shape; numItems comes from the data and dropout from the TrainConfig. */
export interface ModelSpec {
  readonly kind: ModelKind;
  readonly numLayers: number;
  readonly dim: number;
  readonly numHeads: number;
  readonly maxLen: number;
  readonly embDropout?: number;
}

/** Model-init seed stream ('init'), distinct from the batch-order and dropout streams. */
const INIT_STREAM = 0x696e6974;

/** Load, k-core filter, sequence and split the data of a spec. */
export async function prepareSplit(data: DataSpec): Promise<LeaveOneOutSplit> {
  const { interactions } = await loadSource(data.source, { progress: false });
  return prepareData({ interactions, core: data.core }).split;
}

/** The per-layer dropout rates of a TrainConfig. */
export function dropoutRatesOf(numLayers: number, train: TrainConfig): number[] {
  return layerDropoutRates(numLayers, { bottom: train.dropoutBottom, top: train.dropoutTop, shape: train.layerwiseDropout ? 'linear' : 'fixed' });
}

/**
 * Build the model of a spec (seeded from the run seed). Layer-wise dropout is an LSRM technique:
 * the baselines keep their own (RecBole) dropout defaults and ignore numHeads.
 */
export function buildModel(spec: ModelSpec, numItems: number, train: TrainConfig): SeqModel {
  const seed = deriveSeed(train.seed, INIT_STREAM);
  const { kind, numLayers, dim, numHeads, maxLen } = spec;
  switch (kind) {
    case 'lsrm': {
      const dropout = dropoutRatesOf(numLayers, train);
      return createLsrm({ ...LSRM_DEFAULTS, numItems, maxLen, dim, numLayers, numHeads, dropout, embDropout: spec.embDropout ?? dropout[0] }, seed);
    }
    case 'gru4rec':
      return createGru4Rec({ numItems, maxLen, dim, numLayers }, seed);
    case 'fmlp':
      return createFmlp({ numItems, maxLen, dim, numLayers }, seed);
    case 'caser':
      return createCaser({ numItems, maxLen, dim }, seed);
    default:
      throw new Error(`buildModel: unknown model kind '${kind satisfies never}'`);
  }
}

/** The real pipeline. */
export function defaultRunDeps(): { prepare: (d: DataSpec) => Promise<LeaveOneOutSplit>; buildModel: typeof buildModel; lossFn: LossFn; evaluate: EvaluateFn } {
  return { prepare: prepareSplit, buildModel, lossFn: nextItemLoss, evaluate: (m, s, o) => evaluateModel(m, s, o) };
}
