/**
 * Shared data types of the lab. Data flows one way:
 * loaders -> Interactions -> (k-core) -> Sequences -> LeaveOneOutSplit -> models/train -> eval.
 *
 * Id conventions (everywhere in lib):
 * - users are dense 0-based ints in [0, numUsers);
 * - items are dense 1-based ints in [1, numItems]; item 0 is padding and never a real item.
 * Raw ids from the source files are kept in a Vocab so results can be reported in them.
 */

/** Raw ids and item side information, indexed by dense id. */
export interface Vocab {
  /** userIds[u] is the raw id of user u (length numUsers). */
  readonly userIds: readonly string[];
  /** itemIds[i] is the raw id of item i; itemIds[0] is '' (padding). Length numItems + 1. */
  readonly itemIds: readonly string[];
  /** Domain index of each item (length numItems + 1, -1 for padding/unknown), if known. */
  readonly itemDomain?: Int32Array;
  /** Domain names: itemDomain[i] indexes this list. */
  readonly domains?: readonly string[];
}

/**
 * A columnar interaction log: row r says user[r] interacted with item[r] at time[r].
 * Rows keep file order (the stable tie-break for equal timestamps).
 */
export interface Interactions {
  readonly user: Int32Array;
  readonly item: Int32Array;
  /** Unix seconds (or any monotone clock); NaN is not allowed. */
  readonly time: Float64Array;
  readonly numUsers: number;
  readonly numItems: number;
  readonly vocab: Vocab;
}

/**
 * Per-user chronological sequences in CSR form: the items of user u are
 * items[offsets[u] .. offsets[u+1]), oldest first; times likewise.
 */
export interface Sequences {
  /** Length numUsers + 1, offsets[0] = 0, non-decreasing. */
  readonly offsets: Int32Array;
  readonly items: Int32Array;
  readonly times: Float64Array;
  readonly numUsers: number;
  readonly numItems: number;
  readonly vocab: Vocab;
}

/**
 * Leave-one-out split (paper III-D): per user, test = last item, validation = second last,
 * train = the rest. Users with fewer than 3 interactions keep all of them in train and have
 * no validation or test target (SASRec's rule). A test target that appears in no user's
 * train or validation part is dropped (set to 0), as the paper does.
 */
export interface LeaveOneOutSplit {
  /** Training prefixes (CSR over users, same numbering as the source Sequences). */
  readonly train: Sequences;
  /** valid[u] = validation target of user u, 0 if none. Length numUsers. */
  readonly valid: Int32Array;
  /** test[u] = test target of user u, 0 if none or dropped. Length numUsers. */
  readonly test: Int32Array;
  /**
   * Times of the held-out targets (train.times' clock): validTime[u] of valid[u], testTime[u] of
   * test[u], NaN where the target is 0. Set by splitLeaveOneOut; absent on splits built from inputs
   * without times (custom inputs, shared worker copies of untimed runs): such a split has no event
   * times (split.ts hasEventTimes), and models with a time bias run on positions alone.
   */
  readonly validTime?: Float64Array;
  readonly testTime?: Float64Array;
  readonly numUsers: number;
  readonly numItems: number;
  readonly vocab: Vocab;
}

/** Which held-out target an evaluation uses. */
export type EvalSplit = 'valid' | 'test';
