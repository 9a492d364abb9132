/**
 * Generic delimited file with user, item and time columns (any CSV/TSV export).
 * With a header (default), columns are given by name or detected from common names
 * (user: user, user_id, userId, reviewerID, uid; item: item, item_id, itemId, movieId, asin,
 * iid; time: timestamp, time, ts, unixReviewTime; matching ignores case, '_' and a RecBole
 * ':type' suffix). Without a header, columns are 0-based indices. Times must be numeric.
 */
import { DataError } from '../../util/errors';
import { InteractionBuilder } from './builder';
import { findColumn, loadDelimited, type DelimitedSpec, type FieldLayout } from './delimited';
import { delimiterBytes } from './fields';
import { finishLoad } from './finish';
import { requireFile } from './read';
import type { CsvColumns, LoadOptions, LoadResult } from './types';

/** Header names tried, in order, when no column is given. */
export const CSV_COLUMN_NAMES = {
  user: ['user', 'user_id', 'userId', 'reviewerID', 'uid'],
  item: ['item', 'item_id', 'itemId', 'movieId', 'asin', 'iid'],
  time: ['timestamp', 'time', 'ts', 'unixReviewTime'],
} as const;

/** The CSV parser spec for these options. */
export function csvSpec(opts: LoadOptions): DelimitedSpec {
  const delimiter = delimiterBytes(opts.delimiter ?? ',');
  const cols = opts.columns;
  const base = { format: 'generic CSV', delimiter, quotes: true };
  if (opts.header === false) {
    if (!cols || typeof cols.user !== 'number' || typeof cols.item !== 'number' || typeof cols.time !== 'number') {
      throw new DataError('a CSV without a header needs columns: { user, item, time } as 0-based indices. Fix: pass them, or set header: true.');
    }
    return { ...base, rowShape: `user at ${cols.user}, item at ${cols.item}, time at ${cols.time} (0-based)`, layout: { user: cols.user, item: cols.item, time: cols.time, count: 0 } };
  }
  return { ...base, rowShape: 'user,item,time (columns named by the header)', layout: (names, file) => headerLayout(names, file, cols) };
}

function headerLayout(names: string[], file: string, cols: CsvColumns | undefined): FieldLayout {
  const fix = 'rename the header\'s columns to accepted names (from code, loadCsv and loadSource also take columns: { user, item, time })';
  const pick = (role: 'user' | 'item' | 'time'): number => {
    const given = cols?.[role];
    if (typeof given === 'number') return given;
    return findColumn(names, given !== undefined ? [given] : CSV_COLUMN_NAMES[role], `${role}`, file, fix);
  };
  return { user: pick('user'), item: pick('item'), time: pick('time'), count: names.length };
}

/**
 * Load a generic CSV/TSV file (plain or gzip).
 * @throws DataError for a missing file, unknown columns or a malformed row
 * @example await loadCsv('log.tsv', { delimiter: 'tab', columns: { user: 'uid', item: 'sku', time: 'ts' } })
 */
export async function loadCsv(path: string, opts: LoadOptions = {}): Promise<LoadResult> {
  requireFile(path, 'CSV file');
  const b = new InteractionBuilder(opts.lenient ?? false);
  await loadDelimited(path, csvSpec(opts), b, opts);
  return finishLoad(b, opts, path);
}
