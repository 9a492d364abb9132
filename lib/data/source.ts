/**
 * Source specs: one string names where interactions come from, e.g. for `lsrm data`:
 *   atomic:data/ml-100k/ml-100k.inter      RecBole atomic .inter file
 *   movielens:data/ml-1m                   MovieLens file or folder (u.data, ratings.dat, ratings.csv)
 *   amazon:data/amazon-2018                Amazon 2018 category file, or a folder mixed by user
 *   csv:logs/events.csv                    generic CSV (columns from options or the header)
 *   sasrec:data/Video.txt                  `user item` lines grouped by user in time order (SASRec)
 *   synthetic | synthetic:<preset>         generated data (lib/data/synthetic.ts)
 *   dataset:ml-1m | ml-1m                  a named dataset (lib/data/datasets.ts), found in
 *                                          $LSRM_DATA_DIR/<name>/, else data/<name>/, else downloaded
 * A synthetic or named source may end in `?sample=<fraction>&seed=<seed>`: a seeded sample of
 * whole users holding that fraction of the interactions (sampleUsers, lib/data/subsample.ts;
 * nested across fractions of one seed; seed defaults to 0), e.g. `synthetic:cpu?sample=0.1&seed=0`
 * is Figure 2b's 10% level. File paths take no parameters (a '?' there is part of the path).
 * A dataset name is the portable choice: configs, store keys, captions and notebooks hold the
 * name, and each machine resolves it (lib/data/load/index.ts). A file spec holds its path as given.
 */
import { DataError } from '../util/errors';
import { findDataset } from './datasets';

/** The file-based source kinds. */
export type FileSourceKind = 'atomic' | 'movielens' | 'amazon' | 'csv' | 'sasrec';

/** A seeded sample of whole users holding `fraction` of the interactions (lib/data/subsample.ts sampleUsers). */
export interface SourceSample {
  /** In (0, 1]. */
  readonly fraction: number;
  /** A non-negative integer. */
  readonly seed: number;
}

/** A parsed source spec. */
export type SourceSpec =
  | { readonly kind: FileSourceKind; readonly path: string }
  | { readonly kind: 'synthetic'; readonly preset?: string; readonly sample?: SourceSample }
  | { readonly kind: 'dataset'; readonly name: string; readonly sample?: SourceSample };

/** Every accepted kind, in the order shown in messages. */
export const SOURCE_KINDS = ['atomic', 'movielens', 'amazon', 'csv', 'sasrec', 'synthetic', 'dataset'] as const;

const USAGE =
  'Use <kind>:<path> with kind one of atomic, movielens, amazon, csv, sasrec (e.g. movielens:data/ml-1m), ' +
  'synthetic[:<preset>], or dataset:<name> / a bare dataset name (e.g. ml-1m, amazon-All_Beauty), ' +
  'the last two optionally followed by ?sample=<fraction>&seed=<seed>';

const SAMPLE_USAGE = 'Fix: write ?sample=<fraction in (0, 1]>&seed=<integer >= 0>, e.g. synthetic:cpu?sample=0.1&seed=0';

/**
 * The `?sample=<fraction>&seed=<seed>` part of a synthetic or named source (undefined when absent).
 * @throws DataError naming the parameter and the fix
 */
function parseSample(query: string | undefined, spec: string): SourceSample | undefined {
  if (query === undefined) return undefined;
  const values = new Map<string, string>();
  for (const part of query.split('&')) {
    const eq = part.indexOf('=');
    const key = eq < 0 ? part : part.slice(0, eq);
    if (key !== 'sample' && key !== 'seed') throw new DataError(`source "${spec}": unknown parameter "${key}" (sample and seed are known). ${SAMPLE_USAGE}.`);
    if (values.has(key)) throw new DataError(`source "${spec}": parameter "${key}" is given twice. ${SAMPLE_USAGE}.`);
    values.set(key, eq < 0 ? '' : part.slice(eq + 1).trim());
  }
  if (!values.has('sample')) throw new DataError(`source "${spec}" has parameters but no sample=<fraction>. ${SAMPLE_USAGE}.`);
  const fraction = Number(values.get('sample'));
  if (values.get('sample') === '' || !(fraction > 0 && fraction <= 1)) throw new DataError(`source "${spec}": sample must be a fraction in (0, 1], got "${values.get('sample')}". ${SAMPLE_USAGE}.`);
  const seedText = values.get('seed') ?? '0';
  const seed = Number(seedText);
  if (seedText === '' || !Number.isInteger(seed) || seed < 0) throw new DataError(`source "${spec}": seed must be an integer >= 0, got "${seedText}". ${SAMPLE_USAGE}.`);
  return { fraction, seed };
}

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
  // Only synthetic and named sources take ?parameters: a file path keeps any '?' it holds.
  const q = text.indexOf('?');
  const [bare, query] = q < 0 ? [text, undefined] : [text.slice(0, q).trim(), text.slice(q + 1)];
  const sampled = <T extends SourceSpec>(s: T): T => {
    const sample = parseSample(query, spec);
    return sample ? { ...s, sample } : s;
  };
  switch (kind) {
    case 'atomic':
    case 'movielens':
    case 'amazon':
    case 'csv':
    case 'sasrec':
      if (rest === '') throw new DataError(`source "${spec}" has no path. ${USAGE}.`);
      return { kind, path: rest };
    default: {
      const bareColon = bare.indexOf(':');
      const bareKind = bareColon < 0 ? bare : bare.slice(0, bareColon);
      const bareRest = bareColon < 0 ? '' : bare.slice(bareColon + 1).trim();
      if (bareKind === 'synthetic') return sampled(bareRest === '' ? { kind: 'synthetic' } : { kind: 'synthetic', preset: bareRest });
      if (bareKind === 'dataset') {
        if (!findDataset(bareRest) && !isAmazonMix(bareRest)) throw new DataError(`unknown dataset "${bareRest}". Fix: use one listed by listDatasets() (e.g. ml-100k, ml-1m, ml-20m, ml-latest-small, amazon-<Category>).`);
        return sampled({ kind: 'dataset', name: bareRest });
      }
      if (findDataset(bare) || isAmazonMix(bare)) return sampled({ kind: 'dataset', name: bare });
      throw new DataError(`unknown source "${spec}". ${USAGE}.`);
    }
  }
}

/** True for a '+'-joined list of Amazon dataset names (mixed by user), e.g. 'amazon-Books+amazon-Software'. */
export function isAmazonMix(name: string): boolean {
  const parts = name.split('+');
  return parts.length > 1 && parts.every((p) => findDataset(p)?.kind === 'amazon');
}

/** The spec as a string that parseSourceSpec reads back. */
export function formatSourceSpec(spec: SourceSpec): string {
  const sample = 'sample' in spec && spec.sample ? `?sample=${spec.sample.fraction}&seed=${spec.sample.seed}` : '';
  if (spec.kind === 'synthetic') return (spec.preset ? `synthetic:${spec.preset}` : 'synthetic') + sample;
  if (spec.kind === 'dataset') return `dataset:${spec.name}${sample}`;
  return `${spec.kind}:${spec.path}`;
}
