/**
 * Source specs: one string names where interactions come from, e.g. for `lsrm data`:
 *   atomic:data/ml-100k/ml-100k.inter      RecBole atomic .inter file
 *   movielens:data/ml-1m                   MovieLens file or folder (u.data, ratings.dat, ratings.csv)
 *   amazon:data/amazon-2018                Amazon 2018 category file, or a folder mixed by user
 *   csv:logs/events.csv                    generic CSV (columns from options or the header)
 *   synthetic | synthetic:<preset>         generated data (lib/data/synthetic.ts)
 *   dataset:ml-1m | ml-1m                  a named dataset (lib/data/datasets.ts), found in
 *                                          $LSRM_DATA_DIR/<name>/, else data/<name>/, else downloaded
 * A dataset name is the portable choice: configs, store keys, captions and notebooks hold the
 * name, and each machine resolves it (lib/data/load/index.ts). A file spec holds its path as given.
 */
import { DataError } from '../util/errors';
import { findDataset } from './datasets';

/** The file-based source kinds. */
export type FileSourceKind = 'atomic' | 'movielens' | 'amazon' | 'csv';

/** A parsed source spec. */
export type SourceSpec =
  | { readonly kind: FileSourceKind; readonly path: string }
  | { readonly kind: 'synthetic'; readonly preset?: string }
  | { readonly kind: 'dataset'; readonly name: string };

/** Every accepted kind, in the order shown in messages. */
export const SOURCE_KINDS = ['atomic', 'movielens', 'amazon', 'csv', 'synthetic', 'dataset'] as const;

const USAGE =
  'Use <kind>:<path> with kind one of atomic, movielens, amazon, csv (e.g. movielens:data/ml-1m), ' +
  'synthetic[:<preset>], or dataset:<name> / a bare dataset name (e.g. ml-1m, amazon-All_Beauty)';

/**
 * Parse '<kind>:<path>' (see the file header for the forms).
 * @throws DataError for an unknown kind or a missing path, listing the accepted forms
 * @example parseSourceSpec('movielens:data/ml-1m') // { kind: 'movielens', path: 'data/ml-1m' }
 */
export function parseSourceSpec(spec: string): SourceSpec {
  const text = spec.trim();
  const colon = text.indexOf(':');
  const kind = colon < 0 ? text : text.slice(0, colon);
  const rest = colon < 0 ? '' : text.slice(colon + 1).trim();
  switch (kind) {
    case 'atomic':
    case 'movielens':
    case 'amazon':
    case 'csv':
      if (rest === '') throw new DataError(`source "${spec}" has no path. ${USAGE}.`);
      return { kind, path: rest };
    case 'synthetic':
      return rest === '' ? { kind } : { kind, preset: rest };
    case 'dataset':
      if (!findDataset(rest) && !isAmazonMix(rest)) throw new DataError(`unknown dataset "${rest}". Fix: use one listed by listDatasets() (e.g. ml-100k, ml-1m, ml-20m, ml-latest-small, amazon-<Category>).`);
      return { kind, name: rest };
    default:
      if (findDataset(text) || isAmazonMix(text)) return { kind: 'dataset', name: text };
      throw new DataError(`unknown source "${spec}". ${USAGE}.`);
  }
}

/** True for a '+'-joined list of Amazon dataset names (mixed by user), e.g. 'amazon-Books+amazon-Software'. */
export function isAmazonMix(name: string): boolean {
  const parts = name.split('+');
  return parts.length > 1 && parts.every((p) => findDataset(p)?.kind === 'amazon');
}

/** The spec as a string that parseSourceSpec reads back. */
export function formatSourceSpec(spec: SourceSpec): string {
  if (spec.kind === 'synthetic') return spec.preset ? `synthetic:${spec.preset}` : 'synthetic';
  if (spec.kind === 'dataset') return `dataset:${spec.name}`;
  return `${spec.kind}:${spec.path}`;
}
