/**
 * Top-k metrics on 0-based ranks of one held-out item per user (paper III-D: HR@N, NDCG@N,
 * N in {5, 10, 50}; Coverage for diversity). Ranks come from rank.ts (score desc, id asc).
 * Each accuracy metric is a mean over users; k larger than the item count is allowed
 * (then every rank is < k).
 *
 * Coverage denominator: the number of REAL items I (padding 0 excluded). RecBole's
 * ItemCoverage divides by its item count, which includes the padding id, so its value is
 * ours times I / (I + 1): a difference below 0.1% for a few thousand items.
 */

function checkRanks(name: string, ranks: ArrayLike<number>): void {
  if (ranks.length === 0) throw new RangeError(`${name}: no ranks (empty input)`);
}

function checkK(name: string, k: number): void {
  if (!Number.isInteger(k) || k < 1) throw new RangeError(`${name}: k must be a positive integer, got ${k}`);
}

/**
 * Hit rate: HR@k = (1/n) Σ_u [rank_u < k].
 * @throws RangeError on empty ranks or k < 1
 * @example hitRate([0, 3, 12], 5) // 2/3
 */
export function hitRate(ranks: ArrayLike<number>, k: number): number {
  checkRanks('hitRate', ranks);
  checkK('hitRate', k);
  let hits = 0;
  for (let i = 0; i < ranks.length; i++) if (ranks[i] < k) hits++;
  return hits / ranks.length;
}

/**
 * NDCG with one relevant item: NDCG@k = (1/n) Σ_u [rank_u < k] / log2(rank_u + 2).
 * (DCG = 1/log2(rank + 2) at 0-based rank; the ideal DCG is 1/log2(2) = 1.)
 * @throws RangeError on empty ranks or k < 1
 * @example ndcg([0, 1, 7], 5) // (1 + 1/log2(3) + 0) / 3 = (1 + 0.63093) / 3 = 0.54364
 */
export function ndcg(ranks: ArrayLike<number>, k: number): number {
  checkRanks('ndcg', ranks);
  checkK('ndcg', k);
  let sum = 0;
  for (let i = 0; i < ranks.length; i++) if (ranks[i] < k) sum += 1 / Math.log2(ranks[i] + 2);
  return sum / ranks.length;
}

/**
 * Mean reciprocal rank: MRR@k = (1/n) Σ_u [rank_u < k] / (rank_u + 1); k defaults to
 * Infinity (no cut-off).
 * @throws RangeError on empty ranks or k < 1
 * @example mrr([0, 1, 3]) // (1 + 1/2 + 1/4) / 3 = 0.58333
 */
export function mrr(ranks: ArrayLike<number>, k = Infinity): number {
  checkRanks('mrr', ranks);
  if (k !== Infinity) checkK('mrr', k);
  let sum = 0;
  for (let i = 0; i < ranks.length; i++) if (ranks[i] < k) sum += 1 / (ranks[i] + 1);
  return sum / ranks.length;
}

/**
 * Item coverage: Coverage@k = |∪_u top-k(u)| / I, the share of the I real items that appear
 * in at least one user's top-k list. Each list is best first; only its first k entries count
 * (a shorter list counts whole). The denominator excludes padding (RecBole uses I + 1).
 * @param topkLists per-user lists of item ids in [1, numItems]
 * @throws RangeError on no lists, k < 1, numItems < 1 or an id outside [1, numItems]
 * @example coverage([[1, 2, 3], [2, 4, 1]], 2, 5) // {1, 2, 4} -> 3/5 = 0.6
 */
export function coverage(topkLists: readonly ArrayLike<number>[], k: number, numItems: number): number {
  if (topkLists.length === 0) throw new RangeError('coverage: no top-k lists (empty input)');
  checkK('coverage', k);
  if (!Number.isInteger(numItems) || numItems < 1) throw new RangeError(`coverage: numItems must be a positive integer, got ${numItems}`);
  const hit = new Uint8Array(numItems + 1);
  let distinct = 0;
  for (const list of topkLists) {
    const len = Math.min(k, list.length);
    for (let j = 0; j < len; j++) {
      const item = list[j];
      if (!Number.isInteger(item) || item < 1 || item > numItems) throw new RangeError(`coverage: item ${item} is outside [1, ${numItems}]`);
      if (hit[item] === 0) {
        hit[item] = 1;
        distinct++;
      }
    }
  }
  return distinct / numItems;
}
