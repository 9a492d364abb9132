/**
 * Duplicate (user, item, time) detection without per-row objects.
 *
 * Rule (see DuplicateRule in ./types): a row is a duplicate if an earlier row in file order has
 * the same user, item and time. Method: a stable counting sort of row indices by user (O(n)),
 * then, per user, an open-addressing hash table over (item, time) that is reused across users.
 * Total O(n) time; memory n int32 (order) + n bytes (mask) + a table the size of the largest user.
 * Rows already grouped by user in id order (user non-decreasing, as in MovieLens files, whose
 * users get dense ids in order of appearance) skip the sort: the order is the identity.
 */

/** Result of findDuplicates: mask[r] = 1 if row r repeats an earlier row; count = sum of mask. */
export interface DuplicateMask {
  readonly mask: Uint8Array;
  readonly count: number;
}

/**
 * Mark every row that repeats an earlier (user, item, time) triple.
 * @example findDuplicates(Int32Array.of(0,0,0), Int32Array.of(1,1,2), Float64Array.of(5,5,5), 1).count // 1
 */
export function findDuplicates(user: Int32Array, item: Int32Array, time: Float64Array, numUsers: number): DuplicateMask {
  const n = user.length;
  // 1. Stable counting sort of rows by user: rows of user u are order[offsets[u] .. offsets[u+1]).
  const offsets = new Int32Array(numUsers + 1);
  let isGrouped = true;
  for (let r = 0; r < n; r++) {
    offsets[user[r] + 1]++;
    if (r > 0 && user[r] < user[r - 1]) isGrouped = false;
  }
  let maxCount = 0;
  for (let u = 0; u < numUsers; u++) {
    maxCount = Math.max(maxCount, offsets[u + 1]);
    offsets[u + 1] += offsets[u];
  }
  const order = isGrouped ? undefined : new Int32Array(n);
  if (order) {
    const fill = offsets.slice(0, numUsers);
    for (let r = 0; r < n; r++) order[fill[user[r]]++] = r;
  }
  // 2. Per user, insert rows into a hash table keyed by (item, time); a hit is a duplicate.
  let size = 8;
  while (size < 2 * maxCount) size *= 2;
  const table = new Int32Array(size);
  const mask = new Uint8Array(n);
  let count = 0;
  for (let u = 0; u < numUsers; u++) {
    const lo = offsets[u];
    const hi = offsets[u + 1];
    let m = 8;
    while (m < 2 * (hi - lo)) m *= 2;
    table.fill(-1, 0, m);
    for (let k = lo; k < hi; k++) {
      const r = order ? order[k] : k;
      let h = hashPair(item[r], time[r]) & (m - 1);
      for (;;) {
        const s = table[h];
        if (s < 0) {
          table[h] = r;
          break;
        }
        if (item[s] === item[r] && time[s] === time[r]) {
          mask[r] = 1;
          count++;
          break;
        }
        h = (h + 1) & (m - 1);
      }
    }
  }
  return { mask, count };
}

/** A 32-bit hash of (item, time); time is split into two 32-bit halves. */
function hashPair(item: number, time: number): number {
  const lo = time | 0;
  const hi = (time / 4294967296) | 0;
  let h = Math.imul(item ^ 0x9e3779b9, 0x85ebca6b);
  h = Math.imul(h ^ lo ^ (h >>> 13), 0xc2b2ae35);
  h = Math.imul(h ^ hi ^ (h >>> 16), 0x27d4eb2f);
  return (h ^ (h >>> 15)) >>> 0;
}

/** Copies of the three columns without the rows where mask[r] = 1 (order kept). */
export function dropMasked(
  user: Int32Array,
  item: Int32Array,
  time: Float64Array,
  mask: Uint8Array,
  dropCount: number,
): { user: Int32Array; item: Int32Array; time: Float64Array } {
  const n = user.length - dropCount;
  const u = new Int32Array(n);
  const i = new Int32Array(n);
  const t = new Float64Array(n);
  let k = 0;
  for (let r = 0; r < user.length; r++) {
    if (mask[r]) continue;
    u[k] = user[r];
    i[k] = item[r];
    t[k] = time[r];
    k++;
  }
  return { user: u, item: i, time: t };
}
