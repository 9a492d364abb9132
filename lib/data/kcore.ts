/**
 * Iterative k-core filtering (paper III-C: 30-core on users and items for Amazon).
 *
 * A user survives when it keeps at least `minUser` interactions and an item when it keeps at
 * least `minItem`, counted over the surviving rows only. Removing a user lowers the counts of
 * its items, which may drop an item below its threshold, which lowers other users' counts, and
 * so on: we repeat passes until a pass removes nothing. The result is the unique largest
 * sub-log in which every user and item meets its threshold (counts only fall, so the order in
 * which rows are removed does not change the fixed point).
 *
 * Cost: O(rows) per pass with typed-array counters and a keep mask; each pass decrements
 * counts as soon as a row goes, so cascades mostly resolve within the same pass. Each pass
 * scans only the rows still alive (a shrinking index list).
 *
 * Legend: n rows, U users (0-based), I items (1-based, 0 = padding).
 */
import type { Interactions, Vocab } from './types';

/** Thresholds of the k-core: minimum interactions per user and per item (0 = no limit). */
export interface KCoreConfig {
  readonly minUser: number;
  readonly minItem: number;
}

function checkKCoreConfig(c: KCoreConfig): void {
  for (const key of ['minUser', 'minItem'] as const) {
    const k = c[key];
    if (!Number.isInteger(k) || k < 0) throw new RangeError(`filterKCore: ${key} must be a non-negative integer, got ${k}`);
  }
}

function checkInteractions(x: Interactions, fn: string): void {
  const n = x.user.length;
  if (x.item.length !== n || x.time.length !== n) {
    throw new RangeError(`${fn}: columns differ in length (user ${n}, item ${x.item.length}, time ${x.time.length})`);
  }
}

/**
 * The rows of the k-core as a mask: keep[r] = 1 when row r survives. Ids are not changed.
 * Useful to map per-row side data (e.g. a synthetic teacher's log-probabilities) through the filter.
 * @example kcoreMask(x, { minUser: 5, minItem: 5 }) // Uint8Array of length x.user.length
 */
export function kcoreMask(x: Interactions, config: KCoreConfig): Uint8Array {
  checkKCoreConfig(config);
  checkInteractions(x, 'kcoreMask');
  const { user, item } = x;
  const n = user.length;
  const keep = new Uint8Array(n).fill(1);
  const userCount = new Int32Array(x.numUsers);
  const itemCount = new Int32Array(x.numItems + 1);
  for (let r = 0; r < n; r++) {
    userCount[user[r]]++;
    itemCount[item[r]]++;
  }
  const { minUser, minItem } = config;
  const alive = new Int32Array(n);
  for (let r = 0; r < n; r++) alive[r] = r;
  let numAlive = n;
  for (;;) {
    let next = 0;
    for (let j = 0; j < numAlive; j++) {
      const r = alive[j];
      const u = user[r];
      const i = item[r];
      if (userCount[u] < minUser || itemCount[i] < minItem) {
        keep[r] = 0;
        userCount[u]--;
        itemCount[i]--;
      } else {
        alive[next++] = r; // in-place compaction: next <= j, so unread entries are intact
      }
    }
    if (next === numAlive) break; // a pass removed nothing: stable
    numAlive = next;
  }
  return keep;
}

/** Dense re-numbering of the ids that occur in kept rows: newId[old] (-1 if gone). */
function denseIds(ids: Int32Array, keep: Uint8Array, size: number, firstId: number): { newId: Int32Array; count: number } {
  const seen = new Uint8Array(size);
  for (let r = 0; r < ids.length; r++) if (keep[r]) seen[ids[r]] = 1;
  const newId = new Int32Array(size).fill(-1);
  let count = 0;
  for (let old = 0; old < size; old++) if (seen[old]) newId[old] = firstId + count++;
  return { newId, count };
}

function remapVocab(vocab: Vocab, userNew: Int32Array, numUsers: number, itemNew: Int32Array, numItems: number): Vocab {
  const userIds: string[] = new Array(numUsers);
  for (let u = 0; u < userNew.length; u++) if (userNew[u] >= 0) userIds[userNew[u]] = vocab.userIds[u];
  const itemIds: string[] = new Array(numItems + 1);
  itemIds[0] = '';
  for (let i = 1; i < itemNew.length; i++) if (itemNew[i] >= 0) itemIds[itemNew[i]] = vocab.itemIds[i];
  let itemDomain: Int32Array | undefined;
  if (vocab.itemDomain) {
    itemDomain = new Int32Array(numItems + 1);
    itemDomain[0] = vocab.itemDomain[0];
    for (let i = 1; i < itemNew.length; i++) if (itemNew[i] >= 0) itemDomain[itemNew[i]] = vocab.itemDomain[i];
  }
  return {
    userIds,
    itemIds,
    ...(itemDomain ? { itemDomain } : {}),
    ...(vocab.domains ? { domains: vocab.domains } : {}),
  };
}

/**
 * Keep the rows where `keep[r]` is 1 and re-number users and items densely (survivors keep their
 * relative id order; users/items with no kept row disappear). Row order is preserved.
 */
export function selectRows(x: Interactions, keep: Uint8Array): Interactions {
  checkInteractions(x, 'selectRows');
  if (keep.length !== x.user.length) throw new RangeError(`selectRows: mask length ${keep.length} != rows ${x.user.length}`);
  const users = denseIds(x.user, keep, x.numUsers, 0);
  const items = denseIds(x.item, keep, x.numItems + 1, 1);
  let m = 0;
  for (let r = 0; r < keep.length; r++) m += keep[r];
  const user = new Int32Array(m);
  const item = new Int32Array(m);
  const time = new Float64Array(m);
  for (let r = 0, j = 0; r < keep.length; r++) {
    if (!keep[r]) continue;
    user[j] = users.newId[x.user[r]];
    item[j] = items.newId[x.item[r]];
    time[j] = x.time[r];
    j++;
  }
  const vocab = remapVocab(x.vocab, users.newId, users.count, items.newId, items.count);
  return { user, item, time, numUsers: users.count, numItems: items.count, vocab };
}

/**
 * Iterative k-core filter on users and items, then dense re-numbering of the survivors.
 * `{ minUser: 0, minItem: 0 }` returns the input unchanged (no filtering, no re-numbering);
 * any other setting also drops users/items without interactions.
 * @throws RangeError on a negative or fractional threshold or columns of different lengths.
 * @example filterKCore(x, { minUser: 30, minItem: 30 }) // Amazon's 30-core
 */
export function filterKCore(x: Interactions, config: KCoreConfig): Interactions {
  checkKCoreConfig(config);
  checkInteractions(x, 'filterKCore');
  if (config.minUser === 0 && config.minItem === 0) return x;
  return selectRows(x, kcoreMask(x, config));
}
