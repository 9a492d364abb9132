/**
 * The paper's preprocessing in one call (III-C, III-D): k-core on users and items with the
 * same K until stable, per-user chronological sequences (ties in file order), leave-one-out
 * split with unseen test items dropped, and Table II statistics of the result.
 *
 * Legend: K = core (0 = no filtering; 30 for the paper's Amazon mix).
 */
import type { Interactions, LeaveOneOutSplit, Sequences } from './types';
import { filterKCore } from './kcore';
import { toSequences } from './sequences';
import { splitLeaveOneOut } from './split';
import { datasetStats, type DatasetStats } from './stats';

/** Preprocessing options. */
export interface PipelineConfig {
  /** K of the k-core on users and items (0 = none). */
  readonly core: number;
}

export const PIPELINE_DEFAULTS: PipelineConfig = { core: 0 };

/** What prepareData returns; `stats` describe `filtered` (testUsers from `split`). */
export interface PreparedData {
  readonly filtered: Interactions;
  readonly sequences: Sequences;
  readonly split: LeaveOneOutSplit;
  readonly stats: DatasetStats;
}

/**
 * k-core -> sequences -> leave-one-out -> statistics.
 * @throws RangeError when core is not a non-negative integer (from filterKCore).
 * @example const { split, stats } = prepareData({ interactions: x, core: 30 });
 */
export function prepareData(opts: { readonly interactions: Interactions } & Partial<PipelineConfig>): PreparedData {
  const { core } = { ...PIPELINE_DEFAULTS, ...opts };
  const filtered = filterKCore(opts.interactions, { minUser: core, minItem: core });
  const sequences = toSequences(filtered);
  const split = splitLeaveOneOut(sequences);
  const stats = datasetStats(sequences, split);
  return { filtered, sequences, split, stats };
}
