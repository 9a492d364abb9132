/**
 * The single entry point for data: `loadSource(spec)` reads any source kind (lib/data/source.ts)
 * and `loadDataset(name)` fetches a named public dataset once (lib/data/download.ts) and loads it.
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
import { DataError } from '../../errors';
import { findDataset } from '../datasets';
import { ensureDataset } from '../download';
import { isAmazonMix, parseSourceSpec, type SourceSpec } from '../source';
import { generateSynthetic, SYNTHETIC_PRESETS, type SyntheticConfig } from '../synthetic';
import { loadAmazon } from './amazon';
import { loadAtomic } from './atomic';
import { loadCsv } from './csv';
import { loadMovieLens } from './movielens';
import type { LoadOptions, LoadResult } from './types';

export type { CsvColumns, DuplicateRule, LoadOptions, LoadResult } from './types';
export { loadAmazon, amazonCategory } from './amazon';
export { loadAtomic } from './atomic';
export { loadCsv, CSV_COLUMN_NAMES } from './csv';
export { loadMovieLens, MOVIELENS_RATINGS_FILES } from './movielens';

/**
 * Load interactions from a source spec string ('movielens:data/ml-1m', 'ml-1m', ...) or object.
 * @throws DataError for a bad spec, a missing file, a malformed row (file:line) or a failed download
 * @example const { interactions, duplicateRows } = await loadSource('atomic:data/ml-100k/ml-100k.inter');
 */
export async function loadSource(spec: string | SourceSpec, opts: LoadOptions = {}): Promise<LoadResult> {
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
    case 'dataset':
      return loadDataset(s.name, opts);
    case 'synthetic':
      return loadSynthetic(s.preset);
  }
}

/**
 * Load a named dataset (see listDatasets()), downloading and verifying it on first use.
 * A '+'-joined list of Amazon datasets ('amazon-All_Beauty+amazon-Software') is mixed by user.
 * @throws DataError for an unknown name, a failed download (naming the file to place by hand) or bad data
 * @example await loadDataset('ml-1m', { dataRoot: 'data' })
 */
export async function loadDataset(name: string, opts: LoadOptions = {}): Promise<LoadResult> {
  if (isAmazonMix(name)) {
    const files: string[] = [];
    for (const part of name.split('+')) files.push(await ensureDataset(findDataset(part)!, opts));
    return loadAmazon(files, opts);
  }
  const entry = findDataset(name);
  if (!entry) {
    throw new DataError(`unknown dataset "${name}". Fix: use one of ml-100k, ml-1m, ml-20m, ml-latest-small, amazon-<Category>, amazon-<Category>-5core (see listDatasets()).`);
  }
  const file = await ensureDataset(entry, opts);
  return entry.kind === 'movielens' ? loadMovieLens(file, opts) : loadAmazon(file, opts);
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
