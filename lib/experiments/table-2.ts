/**
 * Table II (paper III-C): dataset statistics after preprocessing — #Users, #Items,
 * #Interactions, plus average sequence length and density — for the datasets at hand (the
 * embedded synthetic data by default, or any source spec), next to the paper's two rows.
 * Each measured row is cached in runs/table-2/ (runOrLoad), keyed by the source spec, the
 * k-core K and a version of the source (synthetic preset config, or file size and mtime).
 * Figure entry: FIGURE (registry.ts); output figures/table-2-datasets.{csv,md,html,png}.
 */
import { dataVersion } from '../runs/in-store';
import { loadSource } from '../data/load/index';
import { prepareData } from '../data/pipeline';
import { PAPER_TABLE_2 } from '../data/stats';
import { formatCell, type Column, type Row } from '../plot/table';
import { runOrLoad, type StoreOptions } from '../runs/store';
import { saveTableOutput, type FigureEntry, type ProduceOptions, type TableOutput } from './figure';
import type { DataChoice, ScalePreset } from './scale';

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
}

/** The embedded default dataset (`synthetic:default`, what `lsrm reproduce` uses). */
export const DEFAULT_SOURCE: Table2Source = { spec: 'synthetic:default', core: 0, label: 'Synthetic (default)' };

/**
 * The datasets Table II describes at a scale: the embedded default dataset, then the data
 * the scale's experiments train on (scale.data). The smoke scale lists only its own tiny data.
 */
export function table2Sources(scale: ScalePreset): Table2Source[] {
  const own = scale.data.map((d) => ({ ...d }));
  if (scale.name === 'smoke' || own.some((d) => d.spec === DEFAULT_SOURCE.spec)) return own;
  return [{ ...DEFAULT_SOURCE }, ...own];
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
  }));
}

/** What identifies the data behind a spec beyond its text (so a changed file is re-measured). */
export const sourceVersion: (spec: string) => string = dataVersion;

/** Load, preprocess (k-core, sequences, leave-one-out) and count one source; cached in runs/table-2/. */
export async function measureSource(src: Table2Source, opts: StoreOptions = {}): Promise<Table2Row> {
  const key = { spec: src.spec, core: src.core, version: sourceVersion(src.spec) };
  const res = await runOrLoad(
    'table-2',
    key,
    async () => {
      const { interactions } = await loadSource(src.spec, { progress: opts.log ?? false });
      const { stats } = prepareData({ interactions, core: src.core });
      const { users, items, interactions: n, avgSeqLen, density } = stats;
      return { metrics: { users, items, interactions: n, avgSeqLen, density } };
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

/** Columns of the exported table (the paper's three, then ours). */
export const TABLE_2_COLUMNS: readonly Column[] = [
  { key: 'dataset', label: 'Dataset' },
  { key: 'users', label: '#Users' },
  { key: 'items', label: '#Items' },
  { key: 'interactions', label: '#Interactions' },
  { key: 'avgSeqLen', label: 'Avg length', format: (v) => (typeof v === 'number' ? v.toFixed(1) : formatCell(v)) },
  { key: 'density', label: 'Density', format: (v) => (typeof v === 'number' ? v.toExponential(2) : formatCell(v)) },
  { key: 'core', label: 'k-core', format: (v) => (v === 0 ? 'none' : formatCell(v)) },
  { key: 'source', label: 'Source' },
];

/** Title and note of the exported table. */
export const TABLE_2_TEXT = {
  title: 'Table II: statistics of the datasets after preprocessing',
  note:
    'Preprocessing: iterative k-core on users and items (K in the k-core column), ' +
    'per-user chronological sequences, leave-one-out split. Avg length = #Interactions / #Users; ' +
    'density = #Interactions / (#Users · #Items). Paper rows as published; their last two columns are derived from the counts.',
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
