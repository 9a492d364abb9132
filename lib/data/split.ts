/**
 * Leave-one-out split (paper III-D; SASRec's protocol): per user, the last item is the test
 * target, the second last the validation target, the rest is training history.
 *
 * - Users with fewer than 3 interactions keep all of them in train and get no targets.
 * - "We filter all test items that don't appear in training and validation datasets": a test
 *   target seen in no user's train part or validation target is dropped (set to 0). Validation
 *   targets are not filtered (the paper only filters test items).
 *
 * - The held-out targets keep their times (validTime, testTime; NaN where there is no target),
 *   which the models with a time bias read as the time of the event they predict.
 *
 * Event times (hasEventTimes): a split "has times" when it carries the held-out times and not
 * every time in it is equal. A log without a clock (every row at one time) thus falls back to
 * positions alone by itself; withoutTimes drops the times of a log whose clock means nothing.
 *
 * Legend: U users (0-based), I items (1-based, 0 = "no target").
 */
import type { LeaveOneOutSplit, Sequences } from './types';

/** Items that occur in some user's train part or as a validation target. */
function seenItems(s: Sequences, trainEnd: Int32Array, valid: Int32Array): Uint8Array {
  const seen = new Uint8Array(s.numItems + 1);
  for (let u = 0; u < s.numUsers; u++) {
    for (let j = s.offsets[u]; j < trainEnd[u]; j++) seen[s.items[j]] = 1;
    seen[valid[u]] = 1;
  }
  seen[0] = 0;
  return seen;
}

/**
 * Split each user's sequence into train prefix, validation target and test target.
 * @example
 * // user items [4, 7, 2, 9] -> train [4, 7], valid 2, test 9 (if 9 is seen elsewhere, else 0)
 * const split = splitLeaveOneOut(toSequences(x));
 */
export function splitLeaveOneOut(s: Sequences): LeaveOneOutSplit {
  const U = s.numUsers;
  const valid = new Int32Array(U);
  const test = new Int32Array(U);
  const trainEnd = new Int32Array(U); // exclusive end of user u's train part in s.items
  const trainOffsets = new Int32Array(U + 1);
  for (let u = 0; u < U; u++) {
    const lo = s.offsets[u];
    const hi = s.offsets[u + 1];
    if (hi - lo >= 3) {
      valid[u] = s.items[hi - 2];
      test[u] = s.items[hi - 1];
      trainEnd[u] = hi - 2;
    } else {
      trainEnd[u] = hi;
    }
    trainOffsets[u + 1] = trainOffsets[u] + (trainEnd[u] - lo);
  }
  const seen = seenItems(s, trainEnd, valid);
  for (let u = 0; u < U; u++) if (!seen[test[u]]) test[u] = 0;
  const validTime = new Float64Array(U).fill(NaN);
  const testTime = new Float64Array(U).fill(NaN);
  for (let u = 0; u < U; u++) {
    if (valid[u] !== 0) validTime[u] = s.times[s.offsets[u + 1] - 2];
    if (test[u] !== 0) testTime[u] = s.times[s.offsets[u + 1] - 1];
  }
  const items = new Int32Array(trainOffsets[U]);
  const times = new Float64Array(trainOffsets[U]);
  for (let u = 0; u < U; u++) {
    items.set(s.items.subarray(s.offsets[u], trainEnd[u]), trainOffsets[u]);
    times.set(s.times.subarray(s.offsets[u], trainEnd[u]), trainOffsets[u]);
  }
  const train: Sequences = { offsets: trainOffsets, items, times, numUsers: U, numItems: s.numItems, vocab: s.vocab };
  return { train, valid, test, validTime, testTime, numUsers: U, numItems: s.numItems, vocab: s.vocab };
}

/** Memo of hasEventTimes (a split is immutable; evaluation asks once per epoch). */
const timed = new WeakMap<LeaveOneOutSplit, boolean>();

/**
 * True when `split` carries the held-out times (validTime and testTime) and not every time in it
 * (training items and held-out targets) is equal: then its times can feed a time bias.
 * @example hasEventTimes(splitLeaveOneOut(s)) // false when every row of s has time 0
 */
export function hasEventTimes(split: LeaveOneOutSplit): boolean {
  const known = timed.get(split);
  if (known !== undefined) return known;
  let first = NaN;
  let differs = false;
  const scan = (a: Float64Array) => {
    for (let i = 0; i < a.length && !differs; i++) {
      if (Number.isNaN(a[i])) continue;
      if (Number.isNaN(first)) first = a[i];
      else if (a[i] !== first) differs = true;
    }
  };
  if (split.validTime && split.testTime) [split.train.times, split.validTime, split.testTime].forEach(scan);
  timed.set(split, differs);
  return differs;
}

/** The split without its held-out times: hasEventTimes is false, time-biased models use positions alone. */
export function withoutTimes(split: LeaveOneOutSplit): LeaveOneOutSplit {
  const { train, valid, test, numUsers, numItems, vocab } = split;
  return { train, valid, test, numUsers, numItems, vocab };
}

/** Non-zero entries of `targets`: the users with a target in split.test, or the target slots of a batch. */
export function countTargets(targets: Int32Array): number {
  let n = 0;
  for (let u = 0; u < targets.length; u++) if (targets[u] !== 0) n++;
  return n;
}
