/**
 * The paper's preprocessing in one call (III-C, III-D): k-core on users and items with the
 * same K until stable, per-user chronological sequences (ties in file order), leave-one-out
 * split with unseen test items dropped, and Table II statistics of the result.
 *
 * Legend: K = core (0 = no filtering; 30 for the paper's Amazon mix).
 */
import { DataError } from '../util/errors';
import type { Interactions, LeaveOneOutSplit, Sequences } from './types';
import { filterKCore, kcoreMask } from './kcore';
import { sequenceLengths, toSequences } from './sequences';
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

/** Interactions of the most active user. */
function maxUserCount(x: Interactions): number {
  const perUser = new Int32Array(x.numUsers);
  let max = 0;
  for (let r = 0; r < x.user.length; r++) max = Math.max(max, ++perUser[x.user[r]]);
  return max;
}

/** Rows kept by the k-core with K = k. */
function coreRows(x: Interactions, k: number): number {
  const keep = kcoreMask(x, { minUser: k, minItem: k });
  let n = 0;
  for (let r = 0; r < keep.length; r++) n += keep[r];
  return n;
}

/**
 * The largest K whose k-core keeps some interactions (k-cores shrink as K grows, so a binary
 * search over [1, the most active user's count] finds it), or 0 for no data.
 */
export function largestCore(x: Interactions): number {
  let lo = 0;
  let hi = maxUserCount(x);
  while (lo < hi) {
    const mid = Math.ceil((lo + hi) / 2);
    if (coreRows(x, mid) > 0) lo = mid;
    else hi = mid - 1;
  }
  return lo;
}

/**
 * Refuse a k-core that removes every user, with the counts and the largest K that keeps some.
 * @throws DataError
 */
export function checkCoreKeepsUsers(input: Interactions, prepared: PreparedData, core: number): void {
  if (prepared.filtered.user.length > 0 || input.user.length === 0) return;
  const k = largestCore(input);
  throw new DataError(
    `a k-core of ${core} leaves no users: of ${input.numUsers} users, ${input.numItems} items and ${input.user.length} interactions, ` +
      `no user keeps ${core} interactions with items that also keep ${core} (the most active user has ${maxUserCount(input)}). ` +
      `Fix: use a core of at most ${k}, the largest that keeps any user, or 0 for no filtering.`,
  );
}

/**
 * Why the prepared data has no user with a test target (leave-one-out) and how to fix it, or
 * undefined when some user has one.
 */
export function noTestUsersReason(prepared: PreparedData): { reason: string; fix: string } | undefined {
  if (prepared.stats.testUsers > 0) return undefined;
  const lengths = sequenceLengths(prepared.sequences);
  const users = lengths.length;
  let longEnough = 0;
  let longest = 0;
  for (const n of lengths) {
    if (n >= 3) longEnough++;
    longest = Math.max(longest, n);
  }
  if (users === 0) return { reason: 'the data has no users', fix: 'check the data source' };
  if (longEnough === 0) {
    return {
      reason: `every one of the ${users} users has fewer than 3 interactions (the longest has ${longest}); ` +
        'leave-one-out needs 3 per user: training history, a validation target and a test target',
      fix: 'use data where users have at least 3 interactions each (more data, or check that the user column is the right one)',
    };
  }
  return {
    reason: `each of the ${longEnough} users with 3 or more interactions has a test item that appears in no training history ` +
      'or validation target, and such test items are dropped (paper III-D)',
    fix: 'use more data, or a core of 2 or more so that every item occurs in several sequences',
  };
}

/**
 * Refuse data that cannot train and evaluate a model: a k-core that removes every user, or no
 * user with a test target. Run right after prepareData, before any training.
 * @throws DataError naming the reason and the fix
 */
export function checkTrainable(input: Interactions, prepared: PreparedData, core: number): void {
  checkCoreKeepsUsers(input, prepared, core);
  const no = noTestUsersReason(prepared);
  if (no) throw new DataError(`no test users after preprocessing (core ${core}), so no model can be trained and evaluated: ${no.reason}. Fix: ${no.fix}.`);
}
