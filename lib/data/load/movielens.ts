/**
 * MovieLens loaders (Harper & Konstan 2015): ml-100k `u.data` (tab-separated
 * user item rating timestamp, no header), ml-1m / ml-10m `ratings.dat` (`::`-separated, no
 * header), ml-20m / ml-25m / ml-latest `ratings.csv` (header userId,movieId,rating,timestamp).
 * Ratings are ignored: every rating is one implicit interaction, as in the paper.
 * Item domain = first genre, from the metadata beside the ratings file (./domains.ts).
 */
import { existsSync, statSync } from 'node:fs';
import { basename, dirname, extname, join } from 'node:path';
import { DataError } from '../../util/errors';
import { InteractionBuilder } from './builder';
import { findColumn, loadDelimited, type DelimitedSpec } from './delimited';
import { readMovieLensDomains } from './domains';
import { delimiterBytes } from './fields';
import { finishLoad } from './finish';
import { requireFile } from './read';
import type { LoadOptions, LoadResult } from './types';

/** Ratings file names looked for in a MovieLens folder, in this order. */
export const MOVIELENS_RATINGS_FILES = ['u.data', 'ratings.dat', 'ratings.csv'] as const;

const TAB_SPEC: DelimitedSpec = {
  format: 'MovieLens u.data',
  rowShape: 'user<TAB>item<TAB>rating<TAB>timestamp',
  delimiter: delimiterBytes('\t'),
  quotes: false,
  layout: { user: 0, item: 1, time: 3, count: 4 },
};

const DAT_SPEC: DelimitedSpec = {
  format: 'MovieLens ratings.dat',
  rowShape: 'UserID::MovieID::Rating::Timestamp',
  delimiter: delimiterBytes('::'),
  quotes: false,
  layout: { user: 0, item: 1, time: 3, count: 4 },
};

const CSV_FIX = 'the first line must be the header userId,movieId,rating,timestamp';
const CSV_SPEC: DelimitedSpec = {
  format: 'MovieLens ratings.csv',
  rowShape: 'userId,movieId,rating,timestamp',
  delimiter: delimiterBytes(','),
  quotes: true,
  layout: (names, file) => ({
    user: findColumn(names, ['userId'], 'userId', file, CSV_FIX),
    item: findColumn(names, ['movieId'], 'movieId', file, CSV_FIX),
    time: findColumn(names, ['timestamp'], 'timestamp', file, CSV_FIX),
    count: names.length,
  }),
};

/** The parser for a MovieLens ratings file, chosen by its extension (.dat, .csv, else tab-separated). */
export function movieLensSpec(file: string): DelimitedSpec {
  const ext = extname(file.replace(/\.gz$/, '')).toLowerCase();
  return ext === '.dat' ? DAT_SPEC : ext === '.csv' ? CSV_SPEC : TAB_SPEC;
}

/**
 * The ratings file for `path`: the path itself if it is a file, else the first of
 * u.data, ratings.dat, ratings.csv inside the folder.
 * @throws DataError if nothing is found
 */
export function resolveMovieLensFile(path: string): string {
  if (!existsSync(path)) {
    throw new DataError('MovieLens file or folder not found. Fix: check the path, or fetch it with `lsrm data --dataset ml-1m` (or loadDataset(\'ml-1m\')).', path);
  }
  if (statSync(path).isFile()) return path;
  for (const name of MOVIELENS_RATINGS_FILES) {
    const p = join(path, name);
    if (existsSync(p)) return p;
  }
  throw new DataError(
    `no MovieLens ratings file in this folder. Fix: place one of ${MOVIELENS_RATINGS_FILES.join(', ')} in it (as extracted from the GroupLens zip).`,
    path,
  );
}

/**
 * Load MovieLens ratings from a file or a folder, with first-genre domains when the
 * metadata is beside it.
 * @throws DataError for a missing file or a malformed row (file:line, problem, fix)
 * @example const { interactions } = await loadMovieLens('data/ml-1m');
 */
export async function loadMovieLens(path: string, opts: LoadOptions = {}): Promise<LoadResult> {
  const file = resolveMovieLensFile(path);
  requireFile(file, 'MovieLens ratings file');
  const b = new InteractionBuilder(opts.lenient ?? false);
  await loadDelimited(file, movieLensSpec(file), b, opts);
  if (opts.domains !== false && !readMovieLensDomains(dirname(file), b)) {
    b.warnings.push(`no genre metadata (u.item + u.genre, movies.dat or movies.csv) beside ${basename(file)}: items have no domain`);
  }
  return finishLoad(b, opts, file);
}
