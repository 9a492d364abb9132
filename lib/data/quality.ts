/**
 * Data quality as Approximate Entropy (ApEn), the measure the Performance Law paper (related
 * work of the main paper; issue 15) proposes next to data quantity: how predictable the next
 * item of a user's sequence is from the m items before it.
 *
 * Pincus' ApEn of one sequence u_1..u_N with window m and tolerance r:
 *   x_i = (u_i, ..., u_{i+m-1}), i = 1..N-m+1            (the m-templates)
 *   C_i^m(r) = #{j : max_k |u_{i+k} - u_{j+k}| <= r} / (N - m + 1)   (self-match counted)
 *   Phi^m(r) = mean_i ln C_i^m(r)
 *   ApEn     = |Phi^{m+1}(r) - Phi^m(r)|                 (the authors take the absolute value)
 * The denominators are the numbers of templates compared: N - m + 1 at length m, N - m at m + 1.
 *
 * Items are compared as numbers, so r < 1 means exact match. What "items" are is the `compare`
 * setting: dense item ids, item domains (vocab.itemDomain), or item popularity ranks. Dense ids
 * are numbered in order of first appearance in the file (lib/data/ids.ts), so a tolerance r >= 1
 * over ids groups items by load order; over popularity ranks it groups items of similar
 * popularity, which is the meaningful numeric tolerance here.
 *
 * Why exact matching needs care: where no user repeats an item (MovieLens), every template matches
 * only itself and ApEn = ln((N-m+1)/(N-m)), a function of the length alone (`noRepeatApEn`).
 *
 * Legend: N sequence length (after the cut), m window, r tolerance, U users.
 */
import { DataError, ValidationError } from '../util/errors';
import { checkInteger, checkNumber, checkOneOf } from '../util/validate';
import type { Sequences } from './types';

/** What an item becomes before sequences are compared. */
export type ApEnCompare = 'id' | 'domain' | 'popularity-rank';

export const APEN_COMPARE: readonly ApEnCompare[] = ['id', 'domain', 'popularity-rank'];

/** Settings of datasetApEn. */
export interface ApEnOptions {
  /** Window length m (the authors use 1, 2, 4, 8). */
  readonly m: number;
  /** Tolerance: values equal when |a - b| <= r; r < 1 is exact match for integer values. */
  readonly r: number;
  /** Each user's last cutLength items are used (the authors cut to 25 or 50). */
  readonly cutLength: number;
  readonly compare: ApEnCompare;
}

/** Defaults: m = 2, exact match on item ids over each user's last 50 items. */
export const APEN_DEFAULTS: ApEnOptions = { m: 2, r: 0, cutLength: 50, compare: 'id' };

/** datasetApEn's answer: the mean over users, with the settings that produced it. */
export interface DatasetApEn extends ApEnOptions {
  /** Mean ApEn over the users counted. */
  readonly apen: number;
  /** Users with more than m + 1 items in the cut (the others are left out). */
  readonly users: number;
  /**
   * Mean of ln((N-m+1)/(N-m)) over the same users: the exact-match ApEn their sequences would
   * have if no item repeated within the cut. A function of the lengths only.
   */
  readonly noRepeatApEn: number;
}

function checkWindow(m: number, r: number): void {
  checkInteger('ApEnOptions.m', m, { min: 1 });
  checkNumber('ApEnOptions.r', r, { min: 0 });
}

/**
 * Approximate entropy of one sequence (formula in the file header), comparing values as numbers
 * with tolerance r. O(N^2 m) time (every pair of templates, early exit on the first mismatch),
 * O(N) memory; meant for cut sequences (N <= a few hundred).
 * @throws ValidationError when m is not a positive integer or r not a number >= 0
 * @throws RangeError when the sequence has fewer than m + 1 values (no (m+1)-template)
 * @example approximateEntropy([1, 2, 3, 4, 5], { m: 2, r: 0 }) // ln(4/3) ~ 0.2877 (no repeats)
 * @example approximateEntropy([7, 7, 7, 7], { m: 1, r: 0 })    // 0 (constant)
 */
export function approximateEntropy(seq: ArrayLike<number>, opts: { readonly m: number; readonly r: number }): number {
  const { m, r } = opts;
  checkWindow(m, r);
  const n = seq.length;
  if (n < m + 1) throw new RangeError(`ApEn with m = ${m} needs a sequence of at least m + 1 = ${m + 1} values, got ${n}`);
  const t = n - m + 1; // m-templates; the (m+1)-templates are the first t - 1
  const countM = new Float64Array(t).fill(1); // self-matches
  const countM1 = new Float64Array(t - 1).fill(1);
  for (let i = 0; i < t; i++) {
    for (let j = i + 1; j < t; j++) {
      let k = 0;
      while (k < m && Math.abs(seq[i + k] - seq[j + k]) <= r) k++;
      if (k < m) continue;
      countM[i]++;
      countM[j]++;
      // an (m+1)-match is an m-match whose next values also match (j < t - 1 keeps u_{j+m} in range)
      if (j < t - 1 && Math.abs(seq[i + m] - seq[j + m]) <= r) {
        countM1[i]++;
        countM1[j]++;
      }
    }
  }
  return Math.abs(phi(countM1) - phi(countM));
}

/** Phi = mean_i ln(count_i / T), T = number of templates = counts.length (ln 1 = 0 exactly, so a constant gives 0). */
function phi(counts: Float64Array): number {
  const t = counts.length;
  let s = 0;
  for (let i = 0; i < t; i++) s += Math.log(counts[i] / t);
  return s / t;
}

/**
 * Popularity rank of each item (index = item id): 0 for the item with most interactions in
 * `seqs`, ties broken by the smaller id; items never seen rank after all seen ones; rank[0] = -1
 * (padding). O(I log I + n).
 * @example itemPopularityRanks(seqsOf([[1, 2, 2], [2, 3]])) // [-1, 1, 0, 2]
 */
export function itemPopularityRanks(seqs: Sequences): Int32Array {
  const count = new Int32Array(seqs.numItems + 1);
  for (let j = 0; j < seqs.items.length; j++) count[seqs.items[j]]++;
  const order = Int32Array.from({ length: seqs.numItems }, (_, k) => k + 1).sort((a, b) => count[b] - count[a] || a - b);
  const rank = new Int32Array(seqs.numItems + 1).fill(-1);
  for (let k = 0; k < order.length; k++) rank[order[k]] = k;
  return rank;
}

/** The value each interaction is compared by, aligned with seqs.items. */
function comparedValues(seqs: Sequences, compare: ApEnCompare, r: number): Float64Array {
  if (compare === 'id') return Float64Array.from(seqs.items);
  if (compare === 'popularity-rank') {
    const rank = itemPopularityRanks(seqs);
    return Float64Array.from(seqs.items, (i) => rank[i]);
  }
  const domain = seqs.vocab.itemDomain;
  if (!domain) {
    throw new DataError("ApEn over domains needs item domains, and this data has none (vocab.itemDomain). Fix: compare 'id' or 'popularity-rank', or load the genre/category metadata beside the ratings.");
  }
  if (r >= 1) throw new ValidationError('ApEnOptions.r', r, 'below 1 when comparing domains (domains are categories, so only exact match means anything)');
  // items without a domain (-1) form one "(none)" category, as in datasetStats
  return Float64Array.from(seqs.items, (i) => domain[i]);
}

/**
 * Mean ApEn over users of each user's last `cutLength` items (of the whole sequence given, e.g.
 * the k-core filtered one), comparing items as `compare` says with tolerance r. Users with at
 * most m + 1 items in the cut are left out (with N = m + 1 there is a single (m+1)-template).
 * O(U cutLength^2 m).
 * @throws ValidationError for m not a positive integer, r < 0, cutLength < m + 2, an unknown
 *   compare, or r >= 1 with compare 'domain'
 * @throws DataError when no user has more than m + 1 items, or compare 'domain' on data
 *   without item domains
 * @example datasetApEn(prepareData({ interactions: x }).sequences, { m: 2 }).apen
 */
export function datasetApEn(seqs: Sequences, opts: Partial<ApEnOptions> = {}): DatasetApEn {
  const { m, r, cutLength, compare } = { ...APEN_DEFAULTS, ...opts };
  checkWindow(m, r);
  checkInteger('ApEnOptions.cutLength', cutLength, { min: m + 2 });
  checkOneOf('ApEnOptions.compare', compare, APEN_COMPARE);
  const values = comparedValues(seqs, compare, r);
  let users = 0;
  let sum = 0;
  let noRepeat = 0;
  let longest = 0;
  for (let u = 0; u < seqs.numUsers; u++) {
    const end = seqs.offsets[u + 1];
    const start = Math.max(seqs.offsets[u], end - cutLength);
    const n = end - start;
    longest = Math.max(longest, n);
    if (n <= m + 1) continue;
    sum += approximateEntropy(values.subarray(start, end), { m, r });
    noRepeat += Math.log((n - m + 1) / (n - m));
    users++;
  }
  if (users === 0) {
    throw new DataError(
      `ApEn with m = ${m} needs users with more than m + 1 = ${m + 1} items, and the longest of the ${seqs.numUsers} sequences ` +
        `(cut to ${cutLength}) has ${longest}. Fix: a smaller m (at most ${Math.max(longest - 2, 0)}), or data with longer sequences.`,
    );
  }
  return { apen: sum / users, users, m, r, cutLength, compare, noRepeatApEn: noRepeat / users };
}

/** One line for logs and the CLI: the value and every setting that produced it. */
export function formatApEn(a: DatasetApEn): string {
  const match = a.r < 1 ? 'exact match' : `tolerance ${a.r}`;
  return `ApEn ${a.apen.toFixed(4)} (m ${a.m}, ${match} on ${a.compare}, last ${a.cutLength} items, ${a.users.toLocaleString('en-US')} users; ` +
    `${a.noRepeatApEn.toFixed(4)} if no item repeated)`;
}
