/**
 * Interactions -> per-user chronological sequences (paper III-D: "we group the interactions
 * for each user and sort them chronologically").
 *
 * Ties (equal timestamps within a user) keep file order, so the result is deterministic and
 * matches a stable sort. Method: a counting sort of row indices by user (stable, O(n)), then
 * within each user a check for already-sorted times (common: many logs are written in time
 * order) and otherwise a sort by (time, row index): for integer times in [0, 2^31) (unix
 * seconds) a native numeric sort of packed keys time * 2^22 + position, else a comparator sort.
 *
 * Legend: n rows, U users (0-based), CSR offsets of length U + 1.
 */
import type { Interactions, Sequences } from './types';
import { DataError } from '../util/errors';

/** Row indices grouped by user (stable counting sort) plus the CSR offsets. */
function groupRowsByUser(user: Int32Array, numUsers: number): { offsets: Int32Array; order: Int32Array } {
  const offsets = new Int32Array(numUsers + 1);
  for (let r = 0; r < user.length; r++) {
    const u = user[r];
    if (!(u >= 0 && u < numUsers)) throw new DataError(`row ${r}: user id ${u} is outside [0, ${numUsers})`);
    offsets[u + 1]++;
  }
  for (let u = 0; u < numUsers; u++) offsets[u + 1] += offsets[u];
  const cursor = offsets.slice(0, numUsers);
  const order = new Int32Array(user.length);
  for (let r = 0; r < user.length; r++) order[cursor[user[r]]++] = r;
  return { offsets, order };
}

const PACK_BITS = 22; // integer times < 2^31 times 2^22 positions stay below 2^53: exact in a double
const PACK = 2 ** PACK_BITS;

/** Sort order[lo, hi) by time, ties by row index (the row index makes it stable). */
function sortSegmentByTime(order: Int32Array, lo: number, hi: number, time: Float64Array, keys: Float64Array): void {
  let sorted = true;
  let packable = hi - lo <= PACK;
  for (let j = lo; j < hi; j++) {
    const t = time[order[j]];
    if (j > lo && t < time[order[j - 1]]) sorted = false;
    if (!(Number.isInteger(t) && t >= 0 && t < 2 ** 31)) packable = false;
  }
  if (sorted) return; // rows of a user are visited in file order, so equal times are in order too
  if (!packable) {
    order.subarray(lo, hi).sort((a, b) => time[a] - time[b] || a - b);
    return;
  }
  // Fast path: one double per row, time * 2^22 + position, sorted natively (no comparator).
  // Positions follow file order, so equal times keep file order.
  const seg = keys.subarray(0, hi - lo);
  for (let j = lo; j < hi; j++) seg[j - lo] = time[order[j]] * PACK + (j - lo);
  seg.sort();
  const rows = order.slice(lo, hi);
  for (let j = 0; j < seg.length; j++) order[lo + j] = rows[seg[j] % PACK];
}

/**
 * Per-user sequences sorted by time, ties in file order. Users without rows get empty sequences.
 * @throws DataError when a time is NaN or an id is out of range.
 * @example toSequences(x).items.subarray(s.offsets[u], s.offsets[u + 1]) // user u, oldest first
 */
export function toSequences(x: Interactions): Sequences {
  const { user, item, time } = x;
  if (item.length !== user.length || time.length !== user.length) {
    throw new RangeError(`toSequences: columns differ in length (user ${user.length}, item ${item.length}, time ${time.length})`);
  }
  for (let r = 0; r < time.length; r++) {
    if (Number.isNaN(time[r])) throw new DataError(`row ${r}: timestamp is NaN; drop or fix the row before building sequences`);
    const i = item[r];
    if (!(i >= 1 && i <= x.numItems)) throw new DataError(`row ${r}: item id ${i} is outside [1, ${x.numItems}]`);
  }
  const { offsets, order } = groupRowsByUser(user, x.numUsers);
  let longest = 0;
  for (let u = 0; u < x.numUsers; u++) longest = Math.max(longest, offsets[u + 1] - offsets[u]);
  const keys = new Float64Array(Math.min(longest, PACK));
  for (let u = 0; u < x.numUsers; u++) {
    if (offsets[u + 1] - offsets[u] > 1) sortSegmentByTime(order, offsets[u], offsets[u + 1], time, keys);
  }
  const items = new Int32Array(order.length);
  const times = new Float64Array(order.length);
  for (let j = 0; j < order.length; j++) {
    items[j] = item[order[j]];
    times[j] = time[order[j]];
  }
  return { offsets, items, times, numUsers: x.numUsers, numItems: x.numItems, vocab: x.vocab };
}

/** Items of user u, oldest first (a view, do not write to it). */
export function userItems(s: Sequences, u: number): Int32Array {
  return s.items.subarray(s.offsets[u], s.offsets[u + 1]);
}

/** Number of interactions of each user. */
export function sequenceLengths(s: Sequences): Int32Array {
  const out = new Int32Array(s.numUsers);
  for (let u = 0; u < s.numUsers; u++) out[u] = s.offsets[u + 1] - s.offsets[u];
  return out;
}
