/**
 * The single entry point for data: `loadSource(spec)` reads any source kind (lib/data/source.ts)
 * and `loadDataset(name)` loads a named dataset (lib/data/datasets.ts), found by name in, in order:
 *   1. `$LSRM_DATA_DIR/<name>/` (option dataDir), the user's data folder;
 *   2. the project's cache `data/<name>/` (option dataRoot);
 *   3. a checksum-verified download into that cache (lib/data/download.ts).
 * In a folder, the layouts of datasetLayouts are tried in order (e.g. ml-100k: u.data, then
 * RecBole's ml-100k.inter). Configs keep the name; the folder it was found in is never recorded.
 * Both return a LoadResult: columnar Interactions (users 0-based, items 1-based, rows in file
 * order) plus counts of skipped malformed rows and duplicate (user, item, time) rows.
 *
 * Rules shared by every loader:
 * - malformed row: DataError naming file:line, the problem and the fix; `lenient: true` skips it
 *   (assigning no ids) and counts it in skippedRows;
 * - duplicates: a row repeating an earlier (user, item, time) triple is dropped under
 *   `duplicates: 'first'` (default) or kept under 'keep'; duplicateRows counts them either way;
 * - ratings are ignored (implicit feedback); times are numeric (unix seconds in every known source).
 */
import { existsSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { DataError } from '../../util/errors';
import { projectDataDir, userDataDir } from '../../util/paths';
import { datasetLayouts, findDataset, FOLDER_DATASETS, listDatasets, MOVIELENS_DATASETS, type DataFormat, type DataLayout, type DatasetEntry } from '../datasets';
import { ensureDataset, verifyRecorded } from '../download';
import { isAmazonMix, parseSourceSpec, type SourceSample, type SourceSpec } from '../source';
import { sampleUsers } from '../subsample';
import { generateSynthetic, SYNTHETIC_PRESETS, type SyntheticConfig } from '../synthetic';
import { amazonFolderFiles, loadAmazon } from './amazon';
import { loadAtomic } from './atomic';
import { loadCsv } from './csv';
import { loadMovieLens } from './movielens';
import { loadSasRec } from './sasrec';
import type { LoadOptions, LoadResult } from './types';

export type { CsvColumns, DuplicateRule, LoadOptions, LoadResult } from './types';

export { loadAmazon, amazonCategory } from './amazon';
export { loadAtomic } from './atomic';
export { loadCsv, CSV_COLUMN_NAMES } from './csv';
export { loadMovieLens, MOVIELENS_RATINGS_FILES } from './movielens';
export { loadSasRec } from './sasrec';

/** Options of loadSource and loadDataset: the loaders' options plus the user's data folder. */
export interface SourceOptions extends LoadOptions {
  /** Folder searched first for `<name>/`; default $LSRM_DATA_DIR (util/paths.ts userDataDir); null = none. */
  readonly dataDir?: string | null;
}

/**
 * Load interactions from a source spec string ('movielens:data/ml-1m', 'ml-1m', ...) or object.
 * @throws DataError for a bad spec, a missing file, a malformed row (file:line) or a failed download
 * @example const { interactions, duplicateRows } = await loadSource('atomic:data/ml-100k/ml-100k.inter');
 */
export async function loadSource(spec: string | SourceSpec, opts: SourceOptions = {}): Promise<LoadResult> {
  const s = typeof spec === 'string' ? parseSourceSpec(spec) : spec;
  switch (s.kind) {
    case 'atomic':
      return loadAtomic(s.path, opts);
    case 'movielens':
      return loadMovieLens(s.path, opts);
    case 'amazon':
      return loadAmazon(s.path, opts);
    case 'csv':
      return loadCsv(s.path, opts);
    case 'sasrec':
      return loadSasRec(s.path, opts);
    case 'dataset':
      return withSample(await loadDataset(s.name, opts), s.sample);
    case 'synthetic':
      return withSample(loadSynthetic(s.preset), s.sample);
  }
}

/** The result restricted to a seeded sample of whole users (`?sample=`), or unchanged. */
function withSample(r: LoadResult, sample: SourceSample | undefined): LoadResult {
  return sample ? { ...r, interactions: sampleUsers(r.interactions, sample.fraction, sample.seed) } : r;
}

/**
 * Load a named dataset (see listDatasets()) from the first folder that has it, downloading and
 * verifying it on first use (see the header). A '+'-joined list of Amazon datasets
 * ('amazon-All_Beauty+amazon-Software') is mixed by user.
 * @throws DataError for an unknown name, a dataset found nowhere (naming the folders searched,
 *   the files expected and the fix), a failed download or bad data
 * @example await loadDataset('ml-100k', { dataDir: '/data/shared' }) // reads /data/shared/ml-100k/ml-100k.inter if there
 */
export async function loadDataset(name: string, opts: SourceOptions = {}): Promise<LoadResult> {
  if (isAmazonMix(name)) {
    const files: string[] = [];
    for (const part of name.split('+')) {
      const found = await findDatasetFiles(findDataset(part)!, opts);
      if (found.format !== 'amazon') throw new DataError(`mixing ${name} needs Amazon category files, but ${part} was found as ${found.path}. Fix: load ${part} on its own, or place its Amazon file.`);
      files.push(found.path);
    }
    return loadAmazon(files, opts);
  }
  const entry = findDataset(name);
  if (!entry) {
    throw new DataError(`unknown dataset "${name}". Fix: use one of ml-100k, ml-1m, ml-20m, ml-latest-small, amazon-<Category>, amazon-<Category>-5core, amazon-2018, amazon-2018-5core-small, amazon-games-sasrec (see listDatasets()).`);
  }
  const { format, path } = await findDatasetFiles(entry, opts);
  switch (format) {
    case 'atomic':
      return loadAtomic(path, opts);
    case 'movielens':
      return loadMovieLens(path, opts);
    case 'sasrec':
      return loadSasRec(path, opts);
    case 'amazon':
      return loadAmazon(path, opts);
  }
}

/** Where a named dataset was found: the loader to use and the file (or folder) it reads. */
export interface FoundDataset {
  readonly format: DataFormat;
  readonly path: string;
}

/**
 * Find the files of a named dataset (order in the header). A file in the user's folder, or a
 * file other than the download's in the cache, is checked against its folder's `.sha256` when
 * listed there; the download's own file goes through ensureDataset (verified, recorded).
 * @throws DataError naming the folders searched, the files expected and the fix
 */
export async function findDatasetFiles(entry: DatasetEntry, opts: SourceOptions = {}): Promise<FoundDataset> {
  const userDir = opts.dataDir === undefined ? userDataDir() : opts.dataDir ?? undefined;
  const cacheDir = join(opts.dataRoot ?? projectDataDir(), entry.name);
  const dirs = userDir ? [join(userDir, entry.name), cacheDir] : [cacheDir];
  for (const dir of dirs) {
    const hit = datasetLayouts(entry).find((l) => hasLayout(dir, l));
    if (!hit) continue;
    if (dir === cacheDir && hit.file === entry.loadPath && entry.remote) return { format: hit.format, path: await ensureDataset(entry, opts) };
    if (hit.file !== '.') await verifyRecorded(dir, hit.file);
    return { format: hit.format, path: hit.file === '.' ? dir : join(dir, hit.file) };
  }
  if (entry.remote) return { format: entry.kind, path: await ensureDataset(entry, { ...opts, searched: dirs }) };
  throw notFoundError(entry, dirs, userDir !== undefined);
}

/**
 * The named datasets whose files are on this machine already ($LSRM_DATA_DIR/<name>/ or
 * data/<name>/, any layout the loader reads), in listDatasets() order: nothing is downloaded
 * or verified. `names` limits the candidates (default: the MovieLens releases and the folder
 * datasets, not each Amazon category on its own).
 * @example datasetsAtHand() // ['ml-100k', 'ml-latest-small', 'amazon-games-sasrec', ...]
 */
export function datasetsAtHand(opts: Pick<SourceOptions, 'dataDir' | 'dataRoot'> = {}, names?: readonly string[]): string[] {
  const userDir = opts.dataDir === undefined ? userDataDir() : opts.dataDir ?? undefined;
  const candidates = names ? listDatasets().filter((d) => names.includes(d.name)) : [...MOVIELENS_DATASETS, ...FOLDER_DATASETS];
  return candidates
    .filter((entry) => {
      const dirs = [...(userDir ? [join(userDir, entry.name)] : []), join(opts.dataRoot ?? projectDataDir(), entry.name)];
      return dirs.some((dir) => datasetLayouts(entry).some((l) => hasLayout(dir, l)));
    })
    .map((d) => d.name);
}

/** True when `dir` holds the layout: its file, or for '.' at least one Amazon category file. */
function hasLayout(dir: string, layout: DataLayout): boolean {
  if (!existsSync(dir)) return false;
  if (layout.file !== '.') return statSync(join(dir, layout.file), { throwIfNoEntry: false })?.isFile() ?? false;
  try {
    return amazonFolderFiles(dir).length > 0;
  } catch {
    return false;
  }
}

function notFoundError(entry: DatasetEntry, dirs: readonly string[], hasUserDir: boolean): DataError {
  const files = datasetLayouts(entry).map((l) => (l.file === '.' ? 'Amazon category files (<Category>.csv or <Category>_5.json.gz)' : l.file));
  const unset = hasUserDir ? '' : ' (LSRM_DATA_DIR is not set)';
  return new DataError(
    `dataset "${entry.name}" not found: searched ${dirs.join(' and ')}${unset} for ${files.join(', or ')}; it has no download. ` +
      `Fix: set LSRM_DATA_DIR to a folder that holds ${entry.name}/, or place the files in ${dirs[dirs.length - 1]}.`,
  );
}

/**
 * Generate synthetic data from a named preset of lib/data/synthetic.ts (default: 'default').
 * @throws DataError for an unknown preset name
 */
function loadSynthetic(preset: string = 'default'): LoadResult {
  const presets: Record<string, SyntheticConfig> = SYNTHETIC_PRESETS;
  const config = presets[preset];
  if (config === undefined) {
    throw new DataError(`unknown synthetic preset "${preset}". Fix: use one of ${Object.keys(presets).join(', ')} (e.g. synthetic:smoke).`);
  }
  return { interactions: generateSynthetic(config), skippedRows: 0, duplicateRows: 0, warnings: [], files: [] };
}
