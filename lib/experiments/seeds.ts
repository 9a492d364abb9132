/**
 * Seeds (issue 9): an experiment trains each configuration once per seed (TablePresets.seeds:
 * smoke [0], cpu [0, 1, 2], paper [0]; the seed is train.seed: initialisation, batch order and
 * dropout), and its table shows, per configuration, the mean over the seeds and the half-width
 * of the 95% Student-t interval of that mean, t(0.975, n - 1) · s / √n (lib/util/stats.ts).
 *
 * The rows, in the saved CSV as in the Markdown (long format, one row per observation):
 *   - one row per configuration and seed: `seed` = the seed, the values of that seed's run;
 *   - with two or more seeds, then one mean row: `seed` empty, the means in the value columns.
 *     Its half-widths ride in fields `<column>Hw` that have no column: Markdown and HTML show
 *     "mean ± half-width" (formatMeanHalfWidth), the CSV leaves them out (the seed rows give them).
 * With one seed there is no mean row and no interval; the table note says "1 seed".
 * In pandas: `df[df.seed.notna()]` is every seed's value, `df[df.seed.isna()]` the means (and
 * Table V's published rows, source == 'paper').
 */
import type { Cell, Row } from '../plot/table';
import { meanInterval } from '../util/stats';

/** The confidence level of the intervals in tables. */
export const CONFIDENCE = 0.95;

/** The row field holding the interval half-width of column `key` (mean rows only). */
export function halfWidthKey(key: string): string {
  return `${key}Hw`;
}

/** The fields a mean row adds: how many seeds it averages. */
export interface MeanFields {
  /** Number of seeds averaged (mean rows only; no column of its own). */
  readonly seeds?: number;
}

/**
 * The mean-row fields of some per-seed rows: for each of `keys` the mean of the rows' values and,
 * under halfWidthKey(key), the half-width of its 95% t-interval; `seeds` = the number of rows.
 * @throws when a value is not a number
 * @example meanFields([{ ce: 1 }, { ce: 2 }, { ce: 6 }], ['ce']) // { ce: 3, ceHw: 6.5725, seeds: 3 }
 */
export function meanFields(rows: readonly Row[], keys: readonly string[]): Record<string, number> {
  const out: Record<string, number> = { seeds: rows.length };
  for (const key of keys) {
    const values = rows.map((r) => r[key]);
    if (!values.every((v): v is number => typeof v === 'number')) throw new Error(`mean over seeds: column ${key} holds a value that is not a number`);
    const m = meanInterval(values, CONFIDENCE);
    out[key] = m.mean;
    if (m.halfWidth !== undefined) out[halfWidthKey(key)] = m.halfWidth;
  }
  return out;
}

/** The Markdown/HTML cell of a `seed` column: the seed, 'mean of N' on a mean row, '' otherwise. */
export function formatSeedCell(v: Cell, row?: Row): string {
  if (typeof v === 'number') return String(v);
  return typeof row?.seeds === 'number' ? `mean of ${row.seeds}` : '';
}

/**
 * The sentence of a table note that states the seeds and what the ± means.
 * @example seedNote([0]) // '1 seed (seed 0): single values, no interval.'
 */
export function seedNote(seeds: readonly number[]): string {
  if (seeds.length === 1) return `1 seed (seed ${seeds[0]}): single values, no interval.`;
  const n = seeds.length;
  return `${n} seeds (${seeds.join(', ')}): a row per seed, then their mean ± the half-width of its ${CONFIDENCE * 100}% t-interval, t(0.975, ${n - 1})·s/√${n}.`;
}

/**
 * The rows that stand for each group (e.g. each variant): its mean row when there is one, else
 * its single seed row; in first-seen order.
 */
export function summaryRows<R extends Row>(rows: readonly R[], groupKey: string): R[] {
  const groups = new Map<Cell, R[]>();
  for (const r of rows) groups.set(r[groupKey], [...(groups.get(r[groupKey]) ?? []), r]);
  return [...groups.values()].map((g) => g.find((r) => r.seed === null) ?? g[0]);
}

/**
 * Check a seed list: non-empty, distinct non-negative integers.
 * @throws naming the problem
 */
export function checkSeeds(seeds: readonly number[]): readonly number[] {
  if (seeds.length === 0) throw new Error('seeds must be a non-empty list of integers');
  if (!seeds.every((s) => Number.isInteger(s) && s >= 0)) throw new Error(`seeds must be non-negative integers, got ${JSON.stringify(seeds)}`);
  if (new Set(seeds).size !== seeds.length) throw new Error(`seeds must be distinct, got ${JSON.stringify(seeds)}`);
  return seeds;
}

/** A difference with its sign, rounded first so that a tiny negative prints as +0.0000: formatSigned(-1e-16) = '+0.0000'. */
export function formatSigned(v: number, digits = 4): string {
  const r = Number(v.toFixed(digits)) + 0; // + 0 turns -0 into 0
  return `${r >= 0 ? '+' : ''}${r.toFixed(digits)}`;
}
