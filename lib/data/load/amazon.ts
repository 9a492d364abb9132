/**
 * Amazon Review Data 2018 (Ni, Li & McAuley, EMNLP 2019), two formats, each plain or gzip:
 * - rating-only CSV `<Category>.csv`: `item,user,rating,timestamp`, no header;
 * - 5-core JSON lines `<Category>_5.json(.gz)`: one review object per line, of which we read
 *   `reviewerID` (user), `asin` (item) and `unixReviewTime` (unix seconds); these are read
 *   from the bytes when that is unambiguous (./json-fields.ts), else with JSON.parse.
 * An item's domain is its category, taken from the file name (`All_Beauty_5.json.gz` ->
 * `All_Beauty`). A folder is loaded by mixing all its category files by user (paper III-C):
 * user and item ids are shared across files, files are read in sorted name order, rows keep
 * file order, and an item found in several files keeps the category of the first.
 */
import { existsSync, readdirSync, statSync } from 'node:fs';
import { basename, join } from 'node:path';
import { clipText, DataError } from '../../util/errors';
import { InteractionBuilder } from './builder';
import { loadDelimited, quoteSnippet, type DelimitedSpec } from './delimited';
import { delimiterBytes } from './fields';
import { finishLoad } from './finish';
import { makeReviewFields, readReviewFields } from './json-fields';
import { forEachLine, requireFile } from './read';
import type { LoadOptions, LoadResult } from './types';

/** File names the Amazon loader accepts. */
const AMAZON_FILE = /\.(csv|json|jsonl)(\.gz)?$/i;

const CSV_SPEC: DelimitedSpec = {
  format: 'Amazon 2018 rating-only CSV',
  rowShape: 'item,user,rating,timestamp (no header)',
  delimiter: delimiterBytes(','),
  quotes: true,
  layout: { item: 0, user: 1, time: 3, count: 4 },
};

/**
 * The category of an Amazon file: its base name without extensions and without the 5-core
 * suffix `_5`.
 * @example amazonCategory('data/All_Beauty_5.json.gz') // 'All_Beauty'
 */
export function amazonCategory(file: string): string {
  return basename(file).replace(AMAZON_FILE, '').replace(/_5$/, '');
}

/** Append the rows of one JSON-lines file to `b`. */
async function loadJsonLines(file: string, b: InteractionBuilder): Promise<void> {
  const fix = 'each line must be one JSON object with "reviewerID", "asin" and "unixReviewTime" (Amazon 2018 5-core); correct or delete this line';
  b.files.push(file);
  const fast = makeReviewFields();
  await forEachLine(file, (buf, s, e, line) => {
    if (s === e) return;
    if (readReviewFields(buf, s, e, fast)) {
      b.push(b.users.internBytes(buf, fast.user.start, fast.user.end), b.items.internBytes(buf, fast.item.start, fast.item.end), fast.time);
      return;
    }
    let review: unknown;
    try {
      review = JSON.parse(buf.toString('utf8', s, e));
    } catch (err) {
      return b.bad(file, line, `invalid JSON (${clipText((err as Error).message)})`, fix);
    }
    if (typeof review !== 'object' || review === null || Array.isArray(review)) return b.bad(file, line, 'the line is not a JSON object', fix);
    const { reviewerID, asin, unixReviewTime } = review as Record<string, unknown>;
    if (typeof reviewerID !== 'string' || reviewerID === '') return b.bad(file, line, 'missing or empty "reviewerID" (user id)', fix);
    if (typeof asin !== 'string' || asin === '') return b.bad(file, line, 'missing or empty "asin" (item id)', fix);
    const t = typeof unixReviewTime === 'number' ? unixReviewTime : typeof unixReviewTime === 'string' && unixReviewTime.trim() !== '' ? Number(unixReviewTime) : NaN;
    if (!Number.isFinite(t)) return b.bad(file, line, `"unixReviewTime" ${quoteSnippet(String(unixReviewTime))} is not a number`, fix);
    b.push(b.users.internString(reviewerID), b.items.internString(asin), t);
  }, 'a text file of JSON lines, one review object with "reviewerID", "asin" and "unixReviewTime" per line (Amazon 2018 5-core)');
}

/** Append one category file (CSV or JSON lines) to `b`, tagging its new items with its category. */
async function loadCategoryFile(file: string, b: InteractionBuilder, opts: LoadOptions): Promise<void> {
  requireFile(file, 'Amazon category file');
  const from = b.length;
  if (/\.csv(\.gz)?$/i.test(file)) await loadDelimited(file, CSV_SPEC, b, opts);
  else await loadJsonLines(file, b);
  if (opts.domains !== false) b.setDomainForRows(from, b.length, b.domainId(amazonCategory(file)));
}

/** The category files of a folder, sorted by name. */
export function amazonFolderFiles(dir: string): string[] {
  const files = readdirSync(dir).filter((f) => AMAZON_FILE.test(f) && !f.startsWith('.')).sort();
  if (files.length === 0) {
    throw new DataError(
      'no Amazon category files (<Category>.csv or <Category>_5.json.gz) in this folder. Fix: put the downloaded category files here.',
      dir,
    );
  }
  return files.map((f) => join(dir, f));
}

/**
 * Load an Amazon 2018 category file, or a folder (or list) of category files mixed by user.
 * @throws DataError for a missing path, an empty folder or a malformed row
 * @example await loadAmazon('data/amazon-2018') // every category file inside, mixed by user
 */
export async function loadAmazon(path: string | readonly string[], opts: LoadOptions = {}): Promise<LoadResult> {
  let files: readonly string[];
  if (typeof path !== 'string') files = path;
  else if (!existsSync(path)) throw new DataError('Amazon file or folder not found. Fix: check the path, or fetch it with loadDataset(\'amazon-<Category>\').', path);
  else files = statSync(path).isDirectory() ? amazonFolderFiles(path) : [path];
  const b = new InteractionBuilder(opts.lenient ?? false);
  for (const file of files) await loadCategoryFile(file, b, opts);
  return finishLoad(b, opts, typeof path === 'string' ? path : files.join(', '));
}
