/**
 * `lsrm data`: load a source, apply the paper's preprocessing (k-core, chronological sequences,
 * leave-one-out) and print dataset statistics (Table II fields), as text or one JSON object.
 */
import { loadSource } from '../data/load';
import { checkCoreKeepsUsers, checkTrainable, noTestUsersReason, prepareData } from '../data/pipeline';
import { APEN_COMPARE, APEN_DEFAULTS, datasetApEn, formatApEn, type ApEnOptions } from '../data/quality';
import { formatStats } from '../data/stats';
import type { LeaveOneOutSplit } from '../data/types';
import { trainableSplit, type DataSpec } from '../runs/build';
import { intOption, numberOption, oneOfOption, stringOption, UsageError, type Command, type OptionValues } from './command';

const USAGE = `usage: lsrm data (--source <kind>:<path> | --dataset <name>) [--core K] [--json]
                 [--lenient] [--duplicates first|keep]
                 [--apen [--apen-m M] [--apen-r R] [--apen-cut L] [--apen-compare id|domain|popularity-rank]]

  --source      atomic:<file.inter> | movielens:<file or folder> | amazon:<file or folder>
                | csv:<file> | sasrec:<file> ('user item' lines, time = line order per user)
                | synthetic[:<preset>] (presets: smoke, default, cpu) | dataset:<name>;
                synthetic and dataset specs take ?sample=F&seed=S: a seeded sample of whole users
                holding a fraction F of the interactions (Figure 2b's data levels)
  --dataset     a named dataset: ml-100k, ml-1m, ml-20m, ml-latest-small, amazon-<Category>,
                amazon-<Category>-5core, amazon-2018, amazon-2018-5core-small, amazon-games-sasrec;
                read from $LSRM_DATA_DIR/<name>/, else data/<name>/, else downloaded once into data/
  --core K      iterative K-core on users and items (default 0 = no filtering; the paper uses 30 on Amazon)
  --json        print one JSON object: users, items, interactions, avgSeqLen, density, testUsers, ...
  --lenient     skip malformed rows (counted) instead of stopping at the first one
  --duplicates  rule for repeated (user, item, time) rows: first (default, keep the first) or keep
  --apen        add the mean Approximate Entropy of users' sequences (Performance Law data quality;
                lib/data/quality.ts) after the k-core; JSON fields apen and apenSettings
  --apen-m M    window length m (default 2; the authors use 1, 2, 4, 8)
  --apen-r R    tolerance: values match when |a - b| <= R (default 0 = exact match)
  --apen-cut L  each user's last L items (default 50; the authors use 25 or 50)
  --apen-compare  what is compared: id (default), domain (genre / category), or popularity-rank
                (R then counts ranks); with exact match on ids, data where no user repeats an item
                gives ln((N-m+1)/(N-m)), a function of the length N alone`;

/** Resolve --source / --dataset into a loadSource spec string. */
export function sourceSpecFrom(values: OptionValues): string {
  const source = stringOption(values, 'source');
  const dataset = stringOption(values, 'dataset');
  if (source && dataset) throw new UsageError('give either --source or --dataset, not both');
  if (dataset) return `dataset:${dataset}`;
  if (source) return source;
  throw new UsageError('missing --source <kind>:<path> (or --dataset <name>)');
}

/** Read --duplicates. */
export function duplicatesOption(values: OptionValues): 'first' | 'keep' {
  return oneOfOption(values, 'duplicates', ['first', 'keep'] as const, 'first')!;
}

/**
 * The leave-one-out split of a run's data, as lib/runs/build.ts prepareSplit makes it, but
 * checked for training before any is done: a k-core that leaves no user, or no user with a test
 * target, is a DataError naming the reason and the fix. `lsrm train` and `lsrm eval` read their
 * data through it (with --lenient when given).
 */
export async function prepareRunData(data: DataSpec, opts: { lenient?: boolean; log?: (m: string) => void } = {}): Promise<LeaveOneOutSplit> {
  const loaded = await loadSource(data.source, { lenient: opts.lenient === true });
  if (loaded.skippedRows > 0) opts.log?.(`skipped ${loaded.skippedRows} malformed rows (--lenient)`);
  for (const w of loaded.warnings) opts.log?.(`warning: ${w}`);
  return trainableSplit(loaded.interactions, data);
}

/** The ApEn settings when --apen is given, read before any data is loaded (the --apen-* flags need --apen). */
export function apenOptionsFrom(values: OptionValues): ApEnOptions | undefined {
  const flags = ['apen-m', 'apen-r', 'apen-cut', 'apen-compare'].filter((f) => values[f] !== undefined);
  if (!values.apen) {
    if (flags.length > 0) throw new UsageError(`--${flags[0]} needs --apen`);
    return undefined;
  }
  const m = intOption(values, 'apen-m', APEN_DEFAULTS.m, { min: 1 })!;
  return {
    m,
    r: numberOption(values, 'apen-r', APEN_DEFAULTS.r, { min: 0 })!,
    cutLength: intOption(values, 'apen-cut', APEN_DEFAULTS.cutLength, { min: m + 2 })!,
    compare: oneOfOption(values, 'apen-compare', APEN_COMPARE, APEN_DEFAULTS.compare)!,
  };
}

export const dataCommand: Command = {
  name: 'data',
  summary: 'load a dataset, k-core + leave-one-out, print its statistics (Table II)',
  usage: USAGE,
  options: {
    source: { type: 'string' },
    dataset: { type: 'string' },
    core: { type: 'string' },
    json: { type: 'boolean' },
    lenient: { type: 'boolean' },
    duplicates: { type: 'string' },
    apen: { type: 'boolean' },
    'apen-m': { type: 'string' },
    'apen-r': { type: 'string' },
    'apen-cut': { type: 'string' },
    'apen-compare': { type: 'string' },
  },
  async run(values) {
    const spec = sourceSpecFrom(values);
    const core = intOption(values, 'core', 0, { min: 0 })!;
    const apenOptions = apenOptionsFrom(values);
    const loaded = await loadSource(spec, { lenient: values.lenient === true, duplicates: duplicatesOption(values) });
    const prepared = prepareData({ interactions: loaded.interactions, core });
    checkCoreKeepsUsers(loaded.interactions, prepared, core);
    const { stats } = prepared;
    const apen = apenOptions && datasetApEn(prepared.sequences, apenOptions);
    if (values.json) {
      const out = { source: spec, core, ...stats, rawInteractions: loaded.interactions.user.length, skippedRows: loaded.skippedRows, duplicateRows: loaded.duplicateRows };
      if (apen) {
        // apen: the mean; apenSettings: m, r, cutLength, compare, users counted, noRepeatApEn
        const { apen: value, ...apenSettings } = apen;
        Object.assign(out, { apen: value, apenSettings });
      }
      process.stdout.write(JSON.stringify(out) + '\n');
    } else {
      process.stdout.write(`${spec} (core ${core})\n${formatStats(stats)}\n`);
      if (apen) process.stdout.write(`${formatApEn(apen)}\n`);
      if (loaded.skippedRows > 0) process.stdout.write(`skipped ${loaded.skippedRows} malformed rows (--lenient)\n`);
      if (loaded.duplicateRows > 0) process.stdout.write(`${loaded.duplicateRows} duplicate (user, item, time) rows\n`);
    }
    for (const w of loaded.warnings) process.stderr.write(`warning: ${w}\n`);
    const noTest = noTestUsersReason(prepared);
    if (noTest) process.stderr.write(`warning: no test users, so no model can be trained or evaluated on this data: ${noTest.reason}. Fix: ${noTest.fix}.\n`);
    return 0;
  },
};
