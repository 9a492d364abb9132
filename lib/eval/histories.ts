/**
 * Evaluation inputs of the leave-one-out protocol (paper III-D): for each user, the history
 * the model sees before its held-out target.
 *   valid: history = train[u],             target = valid[u]
 *   test:  history = train[u] ++ valid[u], target = test[u]
 * Histories are LEFT-padded with item 0 and truncated to the last maxLen items, so the most
 * recent item sits in slot maxLen - 1 (the SeqModel input convention).
 *
 * For models fed times (evaluate.ts), buildHistoryTimes gives each history row's times in the
 * same right-aligned layout plus one last column, the time of the target (the event the last slot
 * predicts), as int32 seconds relative to the row's earliest item (lib/data/batch.ts relativeTimes).
 *
 * Shapes: n users, T = maxLen. Output [n * T] row-major; times [n * (T+1)].
 */
import { relativeTimes } from '../data/batch';
import type { EvalSplit, LeaveOneOutSplit } from '../data/types';

/** The held-out target array of a split: valid[u] or test[u] (0 = no target). */
export function targetsOf(split: LeaveOneOutSplit, which: EvalSplit): Int32Array {
  return which === 'valid' ? split.valid : split.test;
}

/**
 * The users that have a target in `which` (target != 0), ascending.
 * @example evalUsers(split, 'test') // Int32Array of user ids with split.test[u] > 0
 */
export function evalUsers(split: LeaveOneOutSplit, which: EvalSplit): Int32Array {
  const targets = targetsOf(split, which);
  let n = 0;
  for (let u = 0; u < targets.length; u++) if (targets[u] !== 0) n++;
  const users = new Int32Array(n);
  n = 0;
  for (let u = 0; u < targets.length; u++) if (targets[u] !== 0) users[n++] = u;
  return users;
}

function checkUser(split: LeaveOneOutSplit, u: number): void {
  if (!Number.isInteger(u) || u < 0 || u >= split.numUsers) {
    throw new RangeError(`user ${u} is outside [0, ${split.numUsers})`);
  }
}

/**
 * Every item of user u's full history before the target of `which` (not truncated),
 * oldest first: train[u], plus valid[u] for 'test' when it exists.
 * @example historyItems(split, 0, 'test') // Int32Array [...train[0], valid[0]]
 */
export function historyItems(split: LeaveOneOutSplit, u: number, which: EvalSplit): Int32Array {
  checkUser(split, u);
  const { offsets, items } = split.train;
  const train = items.subarray(offsets[u], offsets[u + 1]);
  const extra = which === 'test' && split.valid[u] !== 0 ? 1 : 0;
  const out = new Int32Array(train.length + extra);
  out.set(train);
  if (extra) out[train.length] = split.valid[u];
  return out;
}

/**
 * Left-padded history matrix [users.length * maxLen]: row r holds the last maxLen items of
 * users[r]'s history (see historyItems), right-aligned, zeros in front.
 * @throws RangeError when maxLen < 1 or a user id is out of range
 * @example
 * // train[0] = [3, 5], valid[0] = 7, maxLen 4:
 * buildHistories(split, Int32Array.of(0), 'valid', 4) // [0, 0, 3, 5]
 * buildHistories(split, Int32Array.of(0), 'test', 4)  // [0, 3, 5, 7]
 */
export function buildHistories(split: LeaveOneOutSplit, users: Int32Array, which: EvalSplit, maxLen: number): Int32Array {
  if (!Number.isInteger(maxLen) || maxLen < 1) throw new RangeError(`buildHistories: maxLen must be a positive integer, got ${maxLen}`);
  const out = new Int32Array(users.length * maxLen);
  const { offsets, items } = split.train;
  for (let r = 0; r < users.length; r++) {
    const u = users[r];
    checkUser(split, u);
    const rowEnd = (r + 1) * maxLen;
    let pos = rowEnd;
    // Fill from the right: most recent item first.
    if (which === 'test' && split.valid[u] !== 0) out[--pos] = split.valid[u];
    for (let i = offsets[u + 1] - 1; i >= offsets[u] && pos > r * maxLen; i--) out[--pos] = items[i];
  }
  return out;
}

/**
 * Times of the rows of buildHistories(split, users, which, maxLen), [users.length * (maxLen + 1)]:
 * the history slots' times right-aligned (0 at padding), then the target's time (validTime[u] or
 * testTime[u]), all in int32 seconds relative to the row's earliest item.
 * @throws RangeError when the split has no held-out times, maxLen < 1 or a user id is out of range
 * @example
 * // train[0] = [3, 5] at times [100, 160], valid[0] = 7 at 400, test[0] at 1000, maxLen 4:
 * buildHistoryTimes(split, Int32Array.of(0), 'valid', 4) // [0, 0, 0, 60, 300]
 * buildHistoryTimes(split, Int32Array.of(0), 'test', 4)  // [0, 0, 60, 300, 900]
 */
export function buildHistoryTimes(split: LeaveOneOutSplit, users: Int32Array, which: EvalSplit, maxLen: number): Int32Array {
  const hist = buildHistories(split, users, which, maxLen); // checks maxLen and the users
  const { validTime, testTime } = split;
  if (!validTime || !testTime) throw new RangeError('buildHistoryTimes: the split has no held-out times (validTime, testTime); build it with splitLeaveOneOut');
  const T = maxLen;
  const raw = new Float64Array(users.length * (T + 1));
  const { offsets, times } = split.train;
  for (let r = 0; r < users.length; r++) {
    const u = users[r];
    const row = r * (T + 1);
    raw[row + T] = which === 'valid' ? validTime[u] : testTime[u];
    let pos = row + T;
    if (which === 'test' && split.valid[u] !== 0) raw[--pos] = validTime[u];
    for (let i = offsets[u + 1] - 1; i >= offsets[u] && pos > row; i--) raw[--pos] = times[i];
  }
  return relativeTimes(raw, hist, users.length, T);
}
