/**
 * Item domains from metadata files that sit beside the ratings (paper V-C, cross-domain task).
 * MovieLens: an item's domain is its FIRST listed genre:
 * - ml-100k `u.item` (pipe-separated, 19 trailing 0/1 genre flags) with names from `u.genre`;
 * - ml-1m / ml-10m `movies.dat` (`MovieID::Title::Genre1|Genre2`);
 * - ml-20m / ml-latest `movies.csv` (`movieId,title,genres`, title may be quoted);
 * - RecBole atomic `<name>.item` with a `class` column (space-separated genres).
 * The placeholder genres 'unknown' and '(no genres listed)' give no domain (-1).
 * Domain indices follow first use while reading the metadata file. These files are small, so
 * they are read whole (latin1 for the old GroupLens files, which are not UTF-8).
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { InteractionBuilder } from './builder';
import { findColumn, normalizeName } from './delimited';

const NO_GENRE = new Set(['unknown', '(no genres listed)', '']);

/** Assign `genre` to the raw item id if the item was loaded and the genre is a real one. */
function assign(b: InteractionBuilder, rawItem: string, genre: string | undefined): void {
  if (genre === undefined || NO_GENRE.has(genre)) return;
  const item = b.items.lookup(rawItem);
  if (item > 0) b.setItemDomain(item, b.domainId(genre));
}

/** Lines of a small text file, without the trailing empty line. */
function lines(path: string, encoding: BufferEncoding): string[] {
  return readFileSync(path, encoding).split(/\r?\n/).filter((l) => l.length > 0);
}

/** ml-100k: u.item genre flags named by u.genre. Returns false if the files are absent. */
function fromUItem(dir: string, b: InteractionBuilder): boolean {
  const itemPath = join(dir, 'u.item');
  const genrePath = join(dir, 'u.genre');
  if (!existsSync(itemPath) || !existsSync(genrePath)) return false;
  const genres = lines(genrePath, 'latin1').map((l) => l.split('|')[0]);
  for (const line of lines(itemPath, 'latin1')) {
    const f = line.split('|');
    const flags = f.slice(f.length - genres.length);
    assign(b, f[0], genres[flags.indexOf('1')]);
  }
  b.files.push(itemPath);
  return true;
}

/** ml-1m: movies.dat. */
function fromMoviesDat(dir: string, b: InteractionBuilder): boolean {
  const path = join(dir, 'movies.dat');
  if (!existsSync(path)) return false;
  for (const line of lines(path, 'latin1')) {
    const f = line.split('::');
    assign(b, f[0], f[f.length - 1].split('|')[0]);
  }
  b.files.push(path);
  return true;
}

/** ml-20m / ml-latest: movies.csv; id is before the first comma, genres after the last. */
function fromMoviesCsv(dir: string, b: InteractionBuilder): boolean {
  const path = join(dir, 'movies.csv');
  if (!existsSync(path)) return false;
  const all = lines(path, 'utf8');
  for (let k = 1; k < all.length; k++) {
    const line = all[k];
    assign(b, line.slice(0, line.indexOf(',')), line.slice(line.lastIndexOf(',') + 1).split('|')[0]);
  }
  b.files.push(path);
  return true;
}

/** Read MovieLens genres from `dir` (first file found wins). Returns the file used, or undefined. */
export function readMovieLensDomains(dir: string, b: InteractionBuilder): boolean {
  return fromUItem(dir, b) || fromMoviesDat(dir, b) || fromMoviesCsv(dir, b);
}

/** Read a RecBole atomic `.item` file's `class` column, if the file and column exist. */
export function readAtomicDomains(itemPath: string, b: InteractionBuilder): boolean {
  if (!existsSync(itemPath)) return false;
  const all = lines(itemPath, 'utf8');
  if (all.length === 0) return false;
  const names = all[0].split('\t');
  const classCol = names.findIndex((n) => normalizeName(n) === 'class');
  if (classCol < 0) return false;
  const idCol = findColumn(names, ['item_id', 'item'], 'item id', itemPath, 'name the item column item_id:token');
  for (let k = 1; k < all.length; k++) {
    const f = all[k].split('\t');
    assign(b, f[idCol] ?? '', (f[classCol] ?? '').trim().split(/\s+/)[0]);
  }
  b.files.push(itemPath);
  return true;
}
