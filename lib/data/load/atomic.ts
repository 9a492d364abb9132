/**
 * RecBole atomic files (Zhao et al., RecBole 2021): `<name>.inter` is tab-separated with a
 * header of `name:type` fields, e.g. `user_id:token	item_id:token	rating:float	timestamp:float`.
 * Columns are found by name (user_id, item_id, timestamp), never by position. Item domains
 * come from the first token of the `class` column of `<name>.item` beside it, when present.
 */
import { DataError } from '../../util/errors';
import { InteractionBuilder } from './builder';
import { findColumn, loadDelimited, type DelimitedSpec } from './delimited';
import { readAtomicDomains } from './domains';
import { delimiterBytes } from './fields';
import { finishLoad } from './finish';
import { requireFile } from './read';
import type { LoadOptions, LoadResult } from './types';

const FIX = 'the header must name the columns, e.g. user_id:token<TAB>item_id:token<TAB>timestamp:float';

/** Parser spec for an atomic .inter file. */
export const ATOMIC_SPEC: DelimitedSpec = {
  format: 'RecBole atomic .inter',
  rowShape: 'tab-separated values under the header',
  delimiter: delimiterBytes('\t'),
  quotes: false,
  layout: (names, file) => ({
    user: findColumn(names, ['user_id', 'user'], 'user id', file, FIX),
    item: findColumn(names, ['item_id', 'item'], 'item id', file, FIX),
    time: findColumn(names, ['timestamp', 'time'], 'timestamp', file, FIX),
    count: names.length,
  }),
};

/**
 * Load a RecBole `.inter` file (plain or gzip).
 * @throws DataError for a missing file, a header without the needed columns, or a malformed row
 * @example await loadAtomic('data/ml-100k/ml-100k.inter')
 */
export async function loadAtomic(path: string, opts: LoadOptions = {}): Promise<LoadResult> {
  if (!/\.inter(\.gz)?$/.test(path)) {
    throw new DataError('an atomic source must be a .inter file. Fix: give the path of <name>.inter.', path);
  }
  requireFile(path, 'atomic .inter file');
  const b = new InteractionBuilder(opts.lenient ?? false);
  await loadDelimited(path, ATOMIC_SPEC, b, opts);
  if (opts.domains !== false) readAtomicDomains(path.replace(/\.inter(\.gz)?$/, '.item'), b);
  return finishLoad(b, opts, path);
}
