/**
 * Dataset statistics (paper Table II: #users, #items, #interactions after preprocessing) plus
 * the shape facts that matter for scaling: sequence-length spread, density, item-popularity
 * inequality, and how many users keep a test target under leave-one-out.
 *
 * Counting is done with typed arrays (20M rows must not become 20M objects); the per-user and
 * per-item summaries (hundreds of thousands of rows at most) go through arquero.
 *
 * Legend: U users (0-based), I items (1-based), n interactions.
 */
import * as aq from 'arquero';
import type { Interactions, LeaveOneOutSplit, Sequences } from './types';
import { toSequences } from './sequences';
import { countTargets, splitLeaveOneOut } from './split';

/** Statistics of one dataset. Users/items count only those with at least one interaction. */
export interface DatasetStats {
  readonly users: number;
  readonly items: number;
  readonly interactions: number;
  /** interactions / users. */
  readonly avgSeqLen: number;
  readonly minSeqLen: number;
  readonly medianSeqLen: number;
  readonly maxSeqLen: number;
  /** interactions / (users * items). */
  readonly density: number;
  /** Users with a leave-one-out test target that survives the unseen-item filter. */
  readonly testUsers: number;
  /** Gini coefficient of the interaction counts of items with at least one (0 = all equal, -> 1 = one item has all). */
  readonly itemGini: number;
  /** Per-domain counts when the vocab has item domains. */
  readonly domains?: readonly DomainStats[];
}

export interface DomainStats {
  readonly domain: string;
  readonly items: number;
  readonly interactions: number;
}

/** Table II of the paper: statistics after preprocessing. */
export const PAPER_TABLE_2 = {
  'MovieLens-20M': { users: 138_493, items: 26_427, interactions: 18_476_840 },
  'Amazon (mix)': { users: 367_710, items: 240_320, interactions: 21_787_957 },
} as const;

/**
 * Gini coefficient of non-negative counts: G = sum_i (2i - n - 1) x_(i) / (n sum x), with x
 * sorted ascending and i = 1..n. 0 for an empty or all-zero input.
 * @example giniCoefficient(Int32Array.from([0, 0, 0, 4])) // 0.75
 */
export function giniCoefficient(counts: ArrayLike<number>): number {
  const x = Float64Array.from(counts).sort();
  const n = x.length;
  let total = 0;
  let weighted = 0;
  for (let i = 0; i < n; i++) {
    total += x[i];
    weighted += (2 * (i + 1) - n - 1) * x[i];
  }
  return total > 0 ? weighted / (n * total) : 0;
}

interface Counts {
  perUser: Int32Array;
  perItem: Int32Array;
}

function countsOf(x: Interactions | Sequences | LeaveOneOutSplit): Counts {
  const perUser = new Int32Array(x.numUsers);
  const perItem = new Int32Array(x.numItems + 1);
  const add = (u: number, i: number): void => {
    perUser[u]++;
    perItem[i]++;
  };
  if ('train' in x) {
    const s = x.train;
    for (let u = 0; u < x.numUsers; u++) {
      for (let j = s.offsets[u]; j < s.offsets[u + 1]; j++) add(u, s.items[j]);
      if (x.valid[u]) add(u, x.valid[u]);
      if (x.test[u]) add(u, x.test[u]);
    }
  } else if ('offsets' in x) {
    for (let u = 0; u < x.numUsers; u++) for (let j = x.offsets[u]; j < x.offsets[u + 1]; j++) add(u, x.items[j]);
  } else {
    for (let r = 0; r < x.user.length; r++) add(x.user[r], x.item[r]);
  }
  perItem[0] = 0;
  return { perUser, perItem };
}

function testUsersOf(x: Interactions | Sequences | LeaveOneOutSplit, split?: LeaveOneOutSplit): number {
  if (split) return countTargets(split.test);
  if ('train' in x) return countTargets(x.test);
  return countTargets(splitLeaveOneOut('offsets' in x ? x : toSequences(x)).test);
}

/** Interactions and item counts per domain name (arquero groupby over the item table). */
function domainStats(x: Interactions | Sequences | LeaveOneOutSplit, perItem: Int32Array): DomainStats[] | undefined {
  const { itemDomain, domains } = x.vocab;
  if (!itemDomain) return undefined;
  const names = (d: number): string => (d < 0 ? '(none)' : (domains?.[d] ?? `domain ${d}`));
  const table = aq
    .table({ domain: Array.from(itemDomain.subarray(1), names), count: perItem.subarray(1) })
    .filter((r: { count: number }) => r.count > 0)
    .groupby('domain')
    .rollup({ items: aq.op.count(), interactions: aq.op.sum('count') })
    .orderby('domain');
  return table.objects() as unknown as DomainStats[];
}

/**
 * Table-II style statistics of interactions, sequences, or a leave-one-out split (for a split,
 * interactions = train + validation + kept test targets, i.e. what the protocol uses).
 * `testUsers` comes from `split` when given (the split of x), else from x itself when it is a
 * split, else from running the leave-one-out split once (O(n), plus a sort for Interactions).
 * @example datasetStats(filterKCore(x, { minUser: 5, minItem: 5 })).density
 */
export function datasetStats(x: Interactions | Sequences | LeaveOneOutSplit, split?: LeaveOneOutSplit): DatasetStats {
  const { perUser, perItem } = countsOf(x);
  const lengths = aq.table({ len: perUser }).filter((r: { len: number }) => r.len > 0);
  const summary = lengths.numRows()
    ? (lengths.rollup({ users: aq.op.count(), n: aq.op.sum('len'), min: aq.op.min('len'), median: aq.op.median('len'), max: aq.op.max('len') }).object() as Record<string, number>)
    : { users: 0, n: 0, min: 0, median: 0, max: 0 };
  let items = 0;
  for (let i = 1; i < perItem.length; i++) if (perItem[i] > 0) items++;
  const { users, n } = summary;
  const domains = domainStats(x, perItem);
  return {
    users,
    items,
    interactions: n,
    avgSeqLen: users ? n / users : 0,
    minSeqLen: summary.min,
    medianSeqLen: summary.median,
    maxSeqLen: summary.max,
    density: users && items ? n / (users * items) : 0,
    testUsers: testUsersOf(x, split),
    itemGini: giniCoefficient(perItem.subarray(1).filter((c) => c > 0)),
    ...(domains ? { domains } : {}),
  };
}

/** One line per field, for logs and the CLI (numbers with thousands separators). */
export function formatStats(s: DatasetStats): string {
  const f = (v: number, digits = 0): string => v.toLocaleString('en-US', { maximumFractionDigits: digits });
  const lines = [
    `users ${f(s.users)}  items ${f(s.items)}  interactions ${f(s.interactions)}`,
    `seq length min ${f(s.minSeqLen)} / median ${f(s.medianSeqLen, 1)} / mean ${f(s.avgSeqLen, 1)} / max ${f(s.maxSeqLen)}`,
    `density ${s.density.toExponential(3)}  item Gini ${s.itemGini.toFixed(3)}  test users ${f(s.testUsers)}`,
  ];
  for (const d of s.domains ?? []) lines.push(`  domain ${d.domain}: ${f(d.items)} items, ${f(d.interactions)} interactions`);
  return lines.join('\n');
}
