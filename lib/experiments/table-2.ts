/**
 * Table II (paper III-C): dataset statistics after preprocessing — #Users, #Items,
 * #Interactions, plus average sequence length, density and data quality as approximate entropy
 * (ApEn, issue 15; lib/data/quality.ts) — for the datasets at hand (the embedded synthetic data
 * by default, or any source spec), next to the paper's two rows (which have no ApEn).
 * ApEn settings (TABLE_2_APEN): m = 2, each user's last 50 items, exact match on item ids, and
 * on item domains where the data has them; next to it the no-repeat value (the exact-match ApEn
 * if no item repeated, a function of the lengths alone), which shows when the id ApEn says
 * nothing beyond length (on MovieLens no user rates an item twice, so the two are equal).
 * Each measured row is cached in runs/table-2/ (runOrLoad), keyed by the source spec, the
 * k-core K, a version of the source (synthetic preset config, or file size and mtime) and the
 * ApEn settings (so records from before the ApEn columns, keyed without them, are not loaded
 * and the row is measured again).
 * Figure entry: FIGURE (registry.ts); output figures/table-2-datasets.{csv,md,html,png}.
 */
import { dataVersion } from '../runs/in-store';
import { datasetsAtHand, loadSource } from '../data/load/index';
import { prepareData } from '../data/pipeline';
import { datasetApEn, type ApEnOptions } from '../data/quality';
import type { Sequences } from '../data/types';
import { PAPER_TABLE_2 } from '../data/stats';
import { formatCell, type Column, type Row } from '../plot/table';
import { runOrLoad, type StoreOptions } from '../runs/store';
import { saveTableOutput, type FigureEntry, type ProduceOptions, type TableOutput } from './figure';
import type { DataChoice, ScalePreset } from './scale';
import { dataLabel } from './presets';

/** One dataset to measure: a source spec (lib/data/source.ts), its k-core K and a label. */
export type Table2Source = DataChoice;

/** One row of the table. */
export interface Table2Row extends Row {
  readonly dataset: string;
  /** The source spec, or 'paper (Table II)'. */
  readonly source: string;
  /** k-core K (0 = none); for the paper rows 30 for Amazon (III-C), null where it states none. */
  readonly core: number | null;
  readonly users: number;
  readonly items: number;
  readonly interactions: number;
  /** interactions / users. */
  readonly avgSeqLen: number;
  /** interactions / (users · items). */
  readonly density: number;
  /** Exact-match ApEn on item ids (TABLE_2_APEN); null for the paper's rows or sequences too short. */
  readonly apen: number | null;
  /** The id ApEn if no item repeated within the cut (a function of the lengths); null as apen. */
  readonly noRepeatApEn: number | null;
  /** Exact-match ApEn on item domains (genre, category); null where the data has none. */
  readonly domainApEn: number | null;
}

/** The ApEn settings of the table: m = 2, r = 0 (exact match), each user's last 50 items. */
export const TABLE_2_APEN: Pick<ApEnOptions, 'm' | 'r' | 'cutLength'> = { m: 2, r: 0, cutLength: 50 };

/** The embedded default dataset (`synthetic:default`, what `lsrm reproduce` uses). */
export const DEFAULT_SOURCE: Table2Source = { spec: 'synthetic:default', core: 0, label: 'Synthetic (default)' };

/**
 * The datasets Table II describes at a scale: the embedded default dataset, the data the scale's
 * experiments train on (scale.data), then every real dataset at hand (`atHand`, default
 * datasetsAtHand(): found in $LSRM_DATA_DIR or data/, never downloaded), without k-core, as
 * the cpu-scale experiments use them. The smoke scale lists only its own tiny data.
 */
export function table2Sources(scale: ScalePreset, atHand: readonly string[] = scale.name === 'smoke' ? [] : datasetsAtHand()): Table2Source[] {
  const own = scale.data.map((d) => ({ ...d }));
  if (scale.name === 'smoke') return own;
  const base = own.some((d) => d.spec === DEFAULT_SOURCE.spec) ? own : [{ ...DEFAULT_SOURCE }, ...own];
  const real = atHand.map((name) => `dataset:${name}`).filter((spec) => !base.some((d) => d.spec === spec));
  return [...base, ...real.map((spec) => ({ spec, core: 0, label: dataLabel(spec) }))];
}

/** The paper's rows, with average length and density derived from its counts. */
export function paperTable2Rows(): Table2Row[] {
  return Object.entries(PAPER_TABLE_2).map(([dataset, s]) => ({
    dataset,
    source: 'paper (Table II)',
    // III-C: "30-core filtering for both users and items in the Amazon dataset"; none stated for MovieLens.
    core: dataset === 'Amazon (mix)' ? 30 : null,
    ...s,
    avgSeqLen: s.interactions / s.users,
    density: s.interactions / (s.users * s.items),
    apen: null,
    noRepeatApEn: null,
    domainApEn: null,
  }));
}

/** What identifies the data behind a spec beyond its text (so a changed file is re-measured). */
export const sourceVersion: (spec: string) => string = dataVersion;

/**
 * The table's ApEn columns for the sequences (TABLE_2_APEN): all null when no user has more
 * than m + 1 items (ApEn is not defined), domainApEn null without item domains.
 */
export function table2ApEn(seqs: Sequences): Pick<Table2Row, 'apen' | 'noRepeatApEn' | 'domainApEn'> {
  let longest = 0;
  for (let u = 0; u < seqs.numUsers; u++) longest = Math.max(longest, seqs.offsets[u + 1] - seqs.offsets[u]);
  if (longest <= TABLE_2_APEN.m + 1) return { apen: null, noRepeatApEn: null, domainApEn: null };
  const byId = datasetApEn(seqs, { ...TABLE_2_APEN, compare: 'id' });
  const byDomain = seqs.vocab.itemDomain ? datasetApEn(seqs, { ...TABLE_2_APEN, compare: 'domain' }).apen : null;
  return { apen: byId.apen, noRepeatApEn: byId.noRepeatApEn, domainApEn: byDomain };
}

/** Load, preprocess (k-core, sequences, leave-one-out), count and measure ApEn of one source; cached in runs/table-2/. */
export async function measureSource(src: Table2Source, opts: StoreOptions = {}): Promise<Table2Row> {
  // The ApEn settings are part of the key: a record measured without them (or with others) is not reused.
  const key = { spec: src.spec, core: src.core, version: sourceVersion(src.spec), apen: { ...TABLE_2_APEN } };
  const res = await runOrLoad(
    'table-2',
    key,
    async () => {
      const { interactions } = await loadSource(src.spec, { progress: opts.log ?? false });
      const { stats, sequences } = prepareData({ interactions, core: src.core });
      const { users, items, interactions: n, avgSeqLen, density } = stats;
      return { metrics: { users, items, interactions: n, avgSeqLen, density, ...table2ApEn(sequences) } };
    },
    opts,
  );
  return { dataset: src.label, source: src.spec, core: src.core, ...res.metrics };
}

/** The measured rows (in the given order) followed by the paper's rows. */
export async function table2Rows(sources: readonly Table2Source[], opts: StoreOptions = {}): Promise<Table2Row[]> {
  const rows: Table2Row[] = [];
  for (const s of sources) rows.push(await measureSource(s, opts));
  return [...rows, ...paperTable2Rows()];
}

/** An ApEn cell: 4 decimals, '-' where not measured. */
function apenCell(v: unknown): string {
  return typeof v === 'number' ? v.toFixed(4) : '-';
}

/** Columns of the exported table (the paper's three, then ours). */
export const TABLE_2_COLUMNS: readonly Column[] = [
  { key: 'dataset', label: 'Dataset' },
  { key: 'users', label: '#Users' },
  { key: 'items', label: '#Items' },
  { key: 'interactions', label: '#Interactions' },
  { key: 'avgSeqLen', label: 'Avg length', format: (v) => (typeof v === 'number' ? v.toFixed(1) : formatCell(v)) },
  { key: 'density', label: 'Density', format: (v) => (typeof v === 'number' ? v.toExponential(2) : formatCell(v)) },
  { key: 'apen', label: 'ApEn (m=2, last 50, id)', format: apenCell, align: 'right' },
  { key: 'noRepeatApEn', label: 'ApEn if no repeats', format: apenCell, align: 'right' },
  { key: 'domainApEn', label: 'ApEn (domain)', format: apenCell, align: 'right' },
  { key: 'core', label: 'k-core', format: (v) => (v === 0 ? 'none' : formatCell(v)) },
  { key: 'source', label: 'Source' },
];

/** Title and note of the exported table. */
export const TABLE_2_TEXT = {
  title: 'Table II: statistics of the datasets after preprocessing',
  note:
    'Preprocessing: iterative k-core on users and items (K in the k-core column), ' +
    'per-user chronological sequences, leave-one-out split. Avg length = #Interactions / #Users; ' +
    'density = #Interactions / (#Users · #Items). Paper rows as published; their avg length and density are derived from the counts, ' +
    'and they have no ApEn (-). ApEn: approximate entropy (Pincus) of each user\'s last 50 items with window m = 2 and exact ' +
    'match (r = 0), averaged over users with more than 3 items; "id" compares item ids, "domain" the items\' genre/category ' +
    '(- where the data has none). Lower means more predictable. "ApEn if no repeats" is the id ApEn the same sequences would have ' +
    'if no item repeated within the cut, ln((N-1)/(N-2)) for length N: a function of length alone. Where the two are equal ' +
    '(MovieLens, where no user rates an item twice) exact-match id ApEn measures only sequence length.',
} as const;

/** Options of Table II's produce: the datasets to measure (default table2Sources(scale)). */
export interface Table2ProduceOptions extends ProduceOptions {
  readonly sources?: readonly Table2Source[];
}

/** Table II: measure the sources (cached in runs/table-2/) and save the table. */
export const FIGURE: FigureEntry<Table2ProduceOptions, TableOutput<Table2Row>> = {
  id: 'table-2-datasets',
  kind: 'table',
  title: 'Table II: dataset statistics after preprocessing',
  paperRef: 'Table II (Sec. III-C)',
  notebook: 'notebooks/table-2-datasets.ipynb',
  isCheap: true,
  async produce(scale, opts = {}) {
    const rows = await table2Rows(opts.sources ?? table2Sources(scale), { dir: opts.runsDir, log: opts.log });
    return saveTableOutput(FIGURE.id, scale, { rows, columns: TABLE_2_COLUMNS, text: TABLE_2_TEXT }, opts);
  },
};
