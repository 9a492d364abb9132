/**
 * Step 3 of the parallel parse (./parallel.ts): merge the workers' ranges, in file order, into
 * the builder so that it holds exactly what one sequential pass would have built.
 *   1. Bad rows: a range's line numbers are shifted by the lines of the header and of the ranges
 *      before it, and replayed through the builder (strict mode throws at the first one in file
 *      order; lenient mode keeps the first few as warnings and counts the rest).
 *   2. Ids: each range's new ids are interned into the builder in local order. An id first seen
 *      in range k gets the next global id exactly when no earlier range had it, which is the
 *      sequential order of first appearance. Local ids are remapped in place, rows appended.
 *   3. Duplicates (./dedupe.ts): each worker marked the rows repeating an earlier row of its own
 *      range. That is the whole answer for a user whose rows all lie in one range; the rows of
 *      users seen in several ranges ("shared") are checked again together, in file order. Files
 *      grouped by user (MovieLens ratings.csv) share a handful of users at the cut points. When
 *      more than 1/8 of the rows belong to shared users (a log in time order), the builder's
 *      finish() checks all rows instead, as in a sequential load.
 */
import type { InteractionBuilder } from './builder';
import { findDuplicates } from './dedupe';
import type { IdKeys, RangeResult } from './parallel-worker';

/** Global ids of a range's local ids (index = local id). */
function globalIds(keys: IdKeys, base: 0 | 1, intern: (buf: Buffer, s: number, e: number) => number): Int32Array {
  const map = new Int32Array(base + keys.ends.length);
  const bytes = Buffer.from(keys.bytes.buffer, keys.bytes.byteOffset, keys.bytes.byteLength);
  for (let k = 0, s = 0; k < keys.ends.length; s = keys.ends[k++]) map[base + k] = intern(bytes, s, keys.ends[k]);
  return map;
}

function isIdentity(map: Int32Array, base: number): boolean {
  for (let k = base; k < map.length; k++) if (map[k] !== k) return false;
  return true;
}

/** Replace each local item id by its global one (nothing to do when they coincide, as in the first range). */
function remapItems(ids: Int32Array, map: Int32Array): void {
  if (!isIdentity(map, 1)) for (let j = 0; j < ids.length; j++) ids[j] = map[ids[j]];
}

/** Replace each local user id by its global one; returns how many rows belong to shared users. */
function remapUsers(ids: Int32Array, map: Int32Array, shared: Uint8Array): number {
  let n = 0;
  if (isIdentity(map, 0)) {
    for (let j = 0; j < ids.length; j++) n += shared[ids[j]];
    return n;
  }
  for (let j = 0; j < ids.length; j++) {
    const u = map[ids[j]];
    ids[j] = u;
    n += shared[u];
  }
  return n;
}

/** shared[u] = 1 for the global users that occur in more than one range. */
function sharedUsers(userMaps: Int32Array[], numUsers: number): Uint8Array {
  const owner = new Int32Array(numUsers).fill(-1);
  const shared = new Uint8Array(numUsers);
  userMaps.forEach((map, k) => {
    for (const u of map) {
      if (owner[u] >= 0 && owner[u] !== k) shared[u] = 1;
      owner[u] = k;
    }
  });
  return shared;
}

/** The rows of shared users, in file order: their row numbers and columns (users renumbered densely). */
class SharedRows {
  readonly row: Int32Array;
  readonly user: Int32Array;
  readonly item: Int32Array;
  readonly time: Float64Array;
  n = 0;
  private readonly dense: Int32Array;
  numUsers = 0;

  constructor(count: number, shared: Uint8Array) {
    this.row = new Int32Array(count);
    this.user = new Int32Array(count);
    this.item = new Int32Array(count);
    this.time = new Float64Array(count);
    this.dense = new Int32Array(shared.length).fill(-1);
    shared.forEach((s, u) => s && (this.dense[u] = this.numUsers++));
  }

  /** Take the shared users' rows of a range whose first row is row `at` of the load. */
  collect(at: number, user: Int32Array, item: Int32Array, time: Float64Array): void {
    for (let j = 0; j < user.length; j++) {
      const d = this.dense[user[j]];
      if (d < 0) continue;
      const k = this.n++;
      this.row[k] = at + j;
      this.user[k] = d;
      this.item[k] = item[j];
      this.time[k] = time[j];
    }
  }
}

/**
 * Merge the ranges' results (in file order) into `b` (steps in the header). The results array
 * is emptied as it goes, so each range's columns can be freed once copied.
 * @throws DataError (strict mode) at the first malformed row in file order
 */
export function mergeRanges(file: string, linesBefore: number, results: RangeResult[], b: InteractionBuilder): void {
  // 1. bad rows
  let line = linesBefore;
  for (const r of results) {
    for (const bad of r.bad) b.bad(file, line + bad.line, bad.problem, bad.fix);
    b.countSkipped(r.skipped - r.bad.length);
    line += r.lines;
  }
  // 2. ids, in range order, then shared users
  const isFresh = b.length === 0; // the duplicate masks cover every row only if the load started empty
  const userMaps = results.map((r) => globalIds(r.users, 0, (buf, s, e) => b.users.internBytes(buf, s, e)));
  const itemMaps = results.map((r) => globalIds(r.items, 1, (buf, s, e) => b.items.internBytes(buf, s, e)));
  const shared = sharedUsers(userMaps, b.users.size);
  let total = 0;
  let sharedCount = 0;
  results.forEach((r, k) => {
    sharedCount += remapUsers(r.columns.user, userMaps[k], shared);
    remapItems(r.columns.item, itemMaps[k]);
    total += r.columns.user.length;
  });
  const check = isFresh && sharedCount <= total / 8 ? new SharedRows(sharedCount, shared) : undefined;
  const mask = check ? new Uint8Array(total) : undefined;
  let count = 0;
  for (let r = results.shift(); r; r = results.shift()) {
    const { user, item, time } = r.columns;
    mask?.set(r.duplicates, b.length);
    count += r.duplicateCount;
    if (check && check.n < sharedCount) check.collect(b.length, user, item, time);
    const room = user.buffer.byteLength / 4; // the first range's columns have room for all rows
    if (b.length === 0 && room >= total) b.adoptColumns(new Int32Array(user.buffer), new Int32Array(item.buffer), new Float64Array(time.buffer), user.length);
    else {
      b.reserve(total - b.length);
      b.appendColumns(user, item, time);
    }
  }
  if (!check || !mask) return;
  // 3. duplicates across ranges: the shared users' rows, together
  const across = findDuplicates(check.user.subarray(0, check.n), check.item.subarray(0, check.n), check.time.subarray(0, check.n), check.numUsers);
  for (let k = 0; k < check.n; k++) {
    if (across.mask[k] && !mask[check.row[k]]) {
      mask[check.row[k]] = 1;
      count++;
    }
  }
  b.setDuplicates({ mask, count });
}
