/**
 * Cold-start user recommendation (paper V-C, Figure 6).
 *
 * The paper: "we randomly select 20% of the users from the dataset as new users who did not
 * participate in the training and are used for testing. We simulate the cold-start scenarios of
 * different levels by utilizing only a portion of their historical sequences ... to simulate a
 * new user scenario with only five interactions, we keep the last five interactions of users,
 * and evaluate the model performance on the leave-one-out test set." Input lengths 5..50; NDCG
 * per length and size; Coverage@10 at length 5 (ML-20M: 0.1362 for 2 layers, 0.2046 for 48).
 *
 * Our reading, where the paper is vague (each choice an option):
 * - the hold-out: holdOutUsers (lib/data/holdout.ts), a seeded round(fraction·U1) of the users
 *   with interactions, drawn from the sequences AFTER the k-core (fraction 0.2, seed 0 unless the
 *   run config's data.holdOutUsers says otherwise); the model must be trained on the other
 *   users only (checkTrainedWithout refuses a run that saw a held-out user);
 * - a held-out user is evaluated when its sequence has at least minItems (3, as leave-one-out)
 *   items and its last item, the test item, occurs in the training data (train parts or
 *   validation targets; the paper drops unseen test items); the others are counted as skipped;
 * - the input of length k is the last k items BEFORE the test item (validation item included);
 *   a user with fewer than k such items uses all of them (counted in `shortUsers`); an input
 *   longer than the model's maxLen is cut to its last maxLen items by the evaluator;
 * - the same users are evaluated at every length, so the curves are comparable;
 * - Coverage@coverageK is reported at every length (the paper quotes it at length 5);
 * - times: a model with `usesTime` trained on data with event times gets each input item's and
 *   the target's own time (from the full data), as the trained users get theirs.
 *
 * Legend: U users (0-based), I items (1-based), n evaluated held-out users, k input length.
 */
import type { LeaveOneOutSplit, Sequences } from '../data/types';
import type { SeqModel } from '../models/types';
import type { DataSpec } from '../runs/build';
import { holdOutUsers } from '../data/holdout';
import { userItems } from '../data/sequences';
import { hasEventTimes } from '../data/split';
import { prepareData } from '../data/pipeline';
import { loadSource } from '../data/load';
import { evaluateInputs } from '../eval/custom-inputs';
import { DataError, ValidationError } from '../util/errors';
import { checkCutoffs, subsetMetrics, trainedItems, type Metrics } from './common';

/** Which users are held out of training: the field the run config carries as data.holdOutUsers. */
export interface HoldOutSpec {
  readonly fraction: number;
  readonly seed: number;
}

export interface ColdStartOptions {
  readonly holdOut: HoldOutSpec;
  /** Input lengths k (paper: 5, 10, 20, 30, 40, 50). */
  readonly lengths: readonly number[];
  /** Cut-offs of HR@k and NDCG@k (paper: NDCG@10). */
  readonly ks: readonly number[];
  /** Cut-off of Coverage (paper: Coverage@10). */
  readonly coverageK: number;
  /** Fewest items (test item included) a held-out user needs to be evaluated. */
  readonly minItems: number;
}

export const COLD_START_DEFAULTS: ColdStartOptions = {
  holdOut: { fraction: 0.2, seed: 0 }, lengths: [5, 10, 20, 30, 40, 50], ks: [10], coverageK: 10, minItems: 3,
};

/** One input length: its users, how many had fewer items, and the metrics. */
export interface ColdStartLength {
  readonly length: number;
  readonly users: number;
  /** Users with fewer than `length` items before the test item (they use what they have). */
  readonly shortUsers: number;
  readonly meanInputLength: number;
  /** HR@k, NDCG@k and Coverage@coverageK. */
  readonly metrics: Metrics;
}

export interface ColdStartResult {
  readonly holdOut: HoldOutSpec;
  readonly heldOutUsers: number;
  readonly evaluatedUsers: number;
  /** Held-out users not evaluated: too few items, or a test item never seen in training. */
  readonly skipped: { readonly tooShort: number; readonly unseenTarget: number };
  readonly lengths: readonly ColdStartLength[];
}

/** The held-out users' inputs: each user's items before its test item, and the test items. */
export interface ColdStartCases {
  readonly users: Int32Array;
  readonly histories: readonly Int32Array[];
  readonly targets: Int32Array;
  readonly skipped: { readonly tooShort: number; readonly unseenTarget: number };
}

/**
 * The hold-out spec of a run's data spec (data.holdOutUsers), or undefined when it has none.
 * @throws DataError when the field is there but malformed
 */
export function holdOutSpecOf(data: DataSpec & { readonly holdOutUsers?: unknown }): HoldOutSpec | undefined {
  const h = data.holdOutUsers;
  if (h === undefined) return undefined;
  const { fraction, seed } = (h ?? {}) as Partial<HoldOutSpec>;
  if (typeof fraction !== 'number' || !(fraction > 0 && fraction < 1) || !Number.isInteger(seed)) {
    throw new DataError(`the run config's data.holdOutUsers is ${JSON.stringify(h)}; it must be { "fraction": a number in (0, 1), "seed": an integer }. Fix: correct config.json or retrain.`);
  }
  return { fraction, seed: seed as number };
}

/**
 * The held-out users of a spec (ascending), from the full sequences after the k-core.
 * @example coldStartUsers(seqs, { fraction: 0.2, seed: 0 }) // Int32Array of round(0.2·U1) user ids
 */
export function coldStartUsers(seqs: Sequences, spec: HoldOutSpec): Int32Array {
  return holdOutUsers(seqs, spec.fraction, spec.seed).users;
}

/**
 * Refuse a run whose training split holds any of the held-out users (a train item or a target),
 * or whose split does not match the full data.
 * @throws DataError naming how many users were trained on, and the fix
 */
export function checkTrainedWithout(train: LeaveOneOutSplit, full: Sequences, users: Int32Array, spec: HoldOutSpec): void {
  if (train.numUsers !== full.numUsers || train.numItems !== full.numItems) {
    throw new DataError(`the run's split has ${train.numUsers} users and ${train.numItems} items, its data after the k-core ${full.numUsers} and ${full.numItems}: ` +
      'cold-start needs the held-out users kept (with empty sequences) under the same ids. Fix: apply the hold-out after the k-core, as lib/data/holdout.ts does.');
  }
  let seen = 0;
  for (const u of users) if (train.train.offsets[u + 1] > train.train.offsets[u] || train.valid[u] !== 0 || train.test[u] !== 0) seen++;
  if (seen === 0) return;
  throw new DataError(`the run was trained on ${seen} of the ${users.length} users that cold-start holds out (fraction ${spec.fraction}, seed ${spec.seed}), ` +
    'so they are not new users. Fix: train the run with data.holdOutUsers = { "fraction": 0.2, "seed": 0 } in its config, ' +
    'so that the held-out users are left out of training (the cold-start models of Figure 6 are trained that way).');
}

/**
 * The inputs of the held-out users: the items before the last one, and the last one as target.
 * @example coldStartCases(seqs, Int32Array.of(4), trained, 3) // histories [items of user 4 but the last], targets [its last]
 */
export function coldStartCases(seqs: Sequences, users: Int32Array, trained: Uint8Array, minItems: number): ColdStartCases {
  const kept: number[] = [];
  const histories: Int32Array[] = [];
  const targets: number[] = [];
  let tooShort = 0;
  let unseenTarget = 0;
  for (const u of users) {
    const items = userItems(seqs, u);
    if (items.length < Math.max(2, minItems)) tooShort++;
    else if (!trained[items[items.length - 1]]) unseenTarget++;
    else {
      kept.push(u);
      histories.push(items.slice(0, items.length - 1));
      targets.push(items[items.length - 1]);
    }
  }
  return { users: Int32Array.from(kept), histories, targets: Int32Array.from(targets), skipped: { tooShort, unseenTarget } };
}

function checkOptions(opts: ColdStartOptions): { lengths: number[]; ks: number[] } {
  if (!Number.isInteger(opts.coverageK) || opts.coverageK < 1) throw new ValidationError('cold-start coverageK', opts.coverageK, 'a positive integer');
  if (!Number.isInteger(opts.minItems) || opts.minItems < 2) throw new ValidationError('cold-start minItems', opts.minItems, 'an integer >= 2 (an input item and the test item)');
  return { lengths: checkCutoffs('cold-start lengths', opts.lengths), ks: checkCutoffs('cold-start ks', opts.ks) };
}

/**
 * Evaluate `model` (trained without the held-out users) on their last-k inputs, per k.
 * @param full the whole data after the k-core (fullSequences), held-out users included
 * @param train the split the model was trained on (held-out users empty)
 * @throws DataError when the run saw held-out users or none can be evaluated
 */
export async function coldStart(model: SeqModel, full: Sequences, train: LeaveOneOutSplit, options: Partial<ColdStartOptions> = {}): Promise<ColdStartResult> {
  const opts = { ...COLD_START_DEFAULTS, ...options };
  const { lengths, ks } = checkOptions(opts);
  const users = coldStartUsers(full, opts.holdOut);
  checkTrainedWithout(train, full, users, opts.holdOut);
  const cases = coldStartCases(full, users, trainedItems(train), opts.minItems);
  const n = cases.users.length;
  if (n === 0) {
    throw new DataError(`none of the ${users.length} held-out users can be evaluated (${cases.skipped.tooShort} have fewer than ${opts.minItems} items, ` +
      `${cases.skipped.unseenTarget} a test item never seen in training). Fix: use more data or a larger hold-out fraction.`);
  }
  const all = Array.from({ length: n }, (_, r) => r);
  const rows: ColdStartLength[] = [];
  // A time-biased model (HSTU, FuXi-alpha) trained with event times gets each input item's and
  // the target's time from the full data, as evaluateModel gives them to the trained users.
  const timed = model.config.usesTime === true && hasEventTimes(train);
  const userTimes = (r: number) => full.times.subarray(full.offsets[cases.users[r]], full.offsets[cases.users[r] + 1]);
  for (const k of lengths) {
    const inputs = cases.histories.map((h) => h.subarray(Math.max(0, h.length - k)));
    const times = timed ? {
      inputs: inputs.map((x, r) => { const t = userTimes(r); return t.subarray(t.length - 1 - x.length, t.length - 1); }),
      targets: cases.users.map((_, r) => { const t = userTimes(r); return t[t.length - 1]; }),
    } : undefined;
    const r = await evaluateInputs(model, full.numItems, inputs, cases.targets, { ks, coverageKs: [opts.coverageK], ...(times ? { times } : {}) });
    const total = inputs.reduce((s, x) => s + x.length, 0);
    rows.push({
      length: k, users: n, shortUsers: cases.histories.filter((h) => h.length < k).length, meanInputLength: total / n,
      metrics: { ...subsetMetrics(r.ranks, all, ks), [`Coverage@${opts.coverageK}`]: r.metrics[`Coverage@${opts.coverageK}`] },
    });
  }
  return { holdOut: opts.holdOut, heldOutUsers: users.length, evaluatedUsers: n, skipped: cases.skipped, lengths: rows };
}

/**
 * The whole data of a spec after the k-core, as sequences, held-out users included: the
 * sequences the hold-out is drawn from (the run pipeline, lib/runs/build.ts, minus the split).
 * @throws DataError from the loaders
 */
export async function fullSequences(data: DataSpec, opts: { readonly lenient?: boolean } = {}): Promise<Sequences> {
  const { interactions } = await loadSource(data.source, { progress: false, lenient: opts.lenient === true });
  return prepareData({ interactions, core: data.core }).sequences;
}
