/**
 * Long-tail item recommendation (paper V-B, Figure 5).
 *
 * The paper: "We sort the items in descending order based on their popularity (i.e., the
 * interaction number) and split them into four groups of different popularity ... The four
 * groups of items are equal-sized ... we evaluate the model performance with varying model
 * scales on each group." G1 is the most popular group. Figure 5 draws the popularity curve
 * (count against rank, log scale) with the bars.
 *
 * Our reading, where the paper is vague (each choice an option):
 * - popularity = number of occurrences of the item in the TRAINING part of the split (every
 *   user's items except the last two; users with fewer than 3 keep all of theirs), so test
 *   items do not count toward their own group;
 * - the items ranked are ALL items of the filtered data (1..I), also those with popularity 0;
 * - ties in popularity by the item's ORIGINAL id (vocab.itemIds): numeric order when every id is
 *   a number, else string (code unit) order (`tieOrder: 'raw-id'`); 'dense-id' uses our ids;
 * - group g of G (0-based; G = numGroups, 4) takes the items at ranks
 *   [floor(g·I/G), floor((g+1)·I/G)), so groups differ in size by at most one item;
 * - a test user belongs to the group of its test item; HR@k and NDCG@k (k in ks, default 10)
 *   are the usual full-ranking metrics over the users of the group (lib/eval), null for a group
 *   without test users.
 *
 * Legend: I items (1-based), U users, G groups.
 */
import type { LeaveOneOutSplit } from '../data/types';
import type { SeqModel } from '../models/types';
import { evaluateModel } from '../eval/evaluate';
import { ValidationError } from '../util/errors';
import { checkCutoffs, subsetMetrics, type Metrics } from './common';

export type TieOrder = 'raw-id' | 'dense-id';
export const TIE_ORDERS: readonly TieOrder[] = ['raw-id', 'dense-id'];

export interface LongTailOptions {
  /** Number of equal-sized popularity groups (paper: 4). */
  readonly numGroups: number;
  /** Cut-offs of HR@k and NDCG@k (paper: 10). */
  readonly ks: readonly number[];
  /** How items of equal popularity are ordered. */
  readonly tieOrder: TieOrder;
}

export const LONG_TAIL_DEFAULTS: LongTailOptions = { numGroups: 4, ks: [10], tieOrder: 'raw-id' };

/** One popularity group: its items, its test users and their metrics ('HR@10', 'NDCG@10'). */
export interface LongTailGroup {
  /** 'G1' (most popular) .. 'G<numGroups>'. */
  readonly group: string;
  readonly items: number;
  readonly users: number;
  readonly minPopularity: number;
  readonly maxPopularity: number;
  readonly metrics: Metrics;
}

export interface LongTailResult {
  readonly groups: readonly LongTailGroup[];
  /** Popularity of the items in rank order (most popular first): the curve of Figure 5. */
  readonly popularityCurve: Int32Array;
  /** Test users evaluated (every user with a test target). */
  readonly users: number;
}

/**
 * Occurrences of each item in the training part of the split (index = item id, [0] = 0).
 * @example itemPopularity(split) // Int32Array of length I + 1
 */
export function itemPopularity(split: LeaveOneOutSplit): Int32Array {
  const counts = new Int32Array(split.numItems + 1);
  for (const item of split.train.items) counts[item]++;
  counts[0] = 0;
  return counts;
}

/** Comparator of items by original id: numeric when every id is a number, else code unit order. */
function rawIdOrder(itemIds: readonly string[], numItems: number): (a: number, b: number) => number {
  let isNumeric = true;
  for (let i = 1; i <= numItems && isNumeric; i++) {
    const id = itemIds[i];
    isNumeric = id !== undefined && id.trim() !== '' && Number.isFinite(Number(id));
  }
  if (isNumeric) return (a, b) => Number(itemIds[a]) - Number(itemIds[b]) || a - b;
  return (a, b) => (itemIds[a] < itemIds[b] ? -1 : itemIds[a] > itemIds[b] ? 1 : a - b);
}

/**
 * Item ids 1..I sorted by popularity descending, ties by `tieOrder`.
 * @example popularityOrder(Int32Array.of(0, 2, 5, 2), ['', '30', '10', '20'], 'raw-id') // [2, 3, 1]
 */
export function popularityOrder(popularity: Int32Array, itemIds: readonly string[], tieOrder: TieOrder): Int32Array {
  const numItems = popularity.length - 1;
  const tie = tieOrder === 'raw-id' ? rawIdOrder(itemIds, numItems) : (a: number, b: number) => a - b;
  const ids = Array.from({ length: numItems }, (_, j) => j + 1);
  ids.sort((a, b) => popularity[b] - popularity[a] || tie(a, b));
  return Int32Array.from(ids);
}

/**
 * The 0-based group of each item (index = item id, [0] = -1): the item at rank r (0-based, in
 * `order`) is in the group g with floor(g·I/G) <= r < floor((g+1)·I/G).
 * @throws ValidationError when numGroups is not an integer in [1, I]
 * @example groupOfItems(Int32Array.of(2, 3, 1, 4, 5), 2) // I = 5: ranks [0, 2) -> 0, [2, 5) -> 1: [-1, 1, 0, 0, 1, 1]
 */
export function groupOfItems(order: Int32Array, numGroups: number): Int32Array {
  const numItems = order.length;
  if (!Number.isInteger(numGroups) || numGroups < 1 || numGroups > numItems) {
    throw new ValidationError('long-tail numGroups', numGroups, `an integer in [1, ${numItems}] (the number of items)`);
  }
  const group = new Int32Array(numItems + 1).fill(-1);
  for (let g = 0; g < numGroups; g++) {
    const lo = Math.floor((g * numItems) / numGroups);
    const hi = Math.floor(((g + 1) * numItems) / numGroups);
    for (let r = lo; r < hi; r++) group[order[r]] = g;
  }
  return group;
}

/**
 * Evaluate `model` on the split's test users and report HR@k / NDCG@k per popularity group.
 * @throws ValidationError on bad options; RangeError when the split has no test users
 * @example const { groups } = await longTail(model, split); groups[3].metrics['NDCG@10'] // the tail group
 */
export async function longTail(model: SeqModel, split: LeaveOneOutSplit, options: Partial<LongTailOptions> = {}): Promise<LongTailResult> {
  const opts = { ...LONG_TAIL_DEFAULTS, ...options };
  const ks = checkCutoffs('long-tail ks', opts.ks);
  const popularity = itemPopularity(split);
  const order = popularityOrder(popularity, split.vocab.itemIds, opts.tieOrder);
  const groupOf = groupOfItems(order, opts.numGroups);
  const result = await evaluateModel(model, split, { split: 'test', ks, coverageKs: [] });
  const rowsOf: number[][] = Array.from({ length: opts.numGroups }, () => []);
  result.targets.forEach((target, r) => rowsOf[groupOf[target]].push(r));
  const groups = rowsOf.map((rows, g): LongTailGroup => {
    const lo = Math.floor((g * order.length) / opts.numGroups);
    const hi = Math.floor(((g + 1) * order.length) / opts.numGroups);
    return {
      group: `G${g + 1}`, items: hi - lo, users: rows.length,
      minPopularity: popularity[order[hi - 1]], maxPopularity: popularity[order[lo]],
      metrics: subsetMetrics(result.ranks, rows, ks),
    };
  });
  return { groups, popularityCurve: Int32Array.from(order, (i) => popularity[i]), users: result.users.length };
}
