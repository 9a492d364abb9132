/**
 * Table V (paper V-A): overall performance. SASRec (= LSRM at 2 x 64), GRU4Rec, FMLP-Rec, Caser,
 * LSRM_wide (2 x 1200) and LSRM_deep (48 x 1200), each trained to convergence (early stopping on
 * validation loss) and evaluated by full ranking on the leave-one-out test item: HR@N and NDCG@N
 * for N = 5, 10, 50. Each row of ours sits above the paper's published row for the same model.
 * Shapes per scale: presets.ts. Every run goes through the store (trainPreset): a second call loads.
 *
 * d_ff = 4·d for the LSRM rows (the transformer's feed-forward width); '-' for the baselines, as
 * in the paper. #Paras (emb) and (non-emb) of our rows are the models' own counts (paramCounts).
 * Figure entry: FIGURE (registry.ts); output figures/table-5-overall.{csv,md,html,png}.
 */
import { formatCell, formatFixed, type Cell, type Column, type Row } from '../plot/table';
import { saveTableOutput, type FigureEntry, type TableOutput, type TrainedTableOptions } from './figure';
import { presetRunConfig, TABLE_PRESETS, tableData, trainPhrase, trainPreset, type ModelPreset, type TableRunOptions, type TablePresets } from './presets';
import type { DataChoice, ScalePreset } from './scale';
import { MODELS } from '../models';
import { formatCount as formatParamCount } from '../models/toolkit';
import type { ModelEntry } from '../models/types';

/** The metrics of Table V, in the paper's column order. */
export const TABLE_5_METRICS = ['HR@5', 'NDCG@5', 'HR@10', 'NDCG@10', 'HR@50', 'NDCG@50'] as const;
export type Table5Metric = (typeof TABLE_5_METRICS)[number];

/** One row: a model's structure and its six metrics, ours or the paper's. */
export interface Table5Row extends Row {
  readonly model: string;
  /** 'ours' or 'paper'. */
  readonly source: string;
  /** null where a layer count does not apply (our Caser has one convolution block). */
  readonly numLayers: number | null;
  readonly dim: number;
  readonly dFf: number | null;
  readonly embParams: number;
  readonly nonEmbParams: number;
  readonly 'HR@5': number;
  readonly 'NDCG@5': number;
  readonly 'HR@10': number;
  readonly 'NDCG@10': number;
  readonly 'HR@50': number;
  readonly 'NDCG@50': number;
}

const paper = (model: string, numLayers: number, dim: number, dFf: number | null, embParams: number, nonEmbParams: number, v: readonly number[]): Table5Row => ({
  model, source: 'paper', numLayers, dim, dFf, embParams, nonEmbParams,
  'HR@5': v[0], 'NDCG@5': v[1], 'HR@10': v[2], 'NDCG@10': v[3], 'HR@50': v[4], 'NDCG@50': v[5],
});

/** Table V as published (MovieLens-20M); parameter counts as printed (1.69M, 98.3K, ...). */
export const PAPER_TABLE_5: Readonly<Record<string, Table5Row>> = {
  SASRec: paper('SASRec', 2, 64, 256, 1.69e6, 98.3e3, [0.1463, 0.093, 0.2337, 0.1212, 0.5166, 0.1834]),
  GRU4Rec: paper('GRU4Rec', 2, 64, null, 1.69e6, 180.3e3, [0.1559, 0.1007, 0.2466, 0.1281, 0.5267, 0.1965]),
  'FMLP-Rec': paper('FMLP-Rec', 2, 64, null, 1.69e6, 167.6e3, [0.1498, 0.0978, 0.2427, 0.1255, 0.5214, 0.1918]),
  Caser: paper('Caser', 2, 64, null, 10.55e6, 703.7e3, [0.1407, 0.0877, 0.2219, 0.114, 0.5036, 0.1793]),
  LSRM_wide: paper('LSRM_wide', 2, 1200, 4800, 31.77e6, 34.56e6, [0.0595, 0.0384, 0.0976, 0.0506, 0.2639, 0.0865]),
  LSRM_deep: paper('LSRM_deep', 48, 1200, 4800, 31.77e6, 0.83e9, [0.2794, 0.1827, 0.3786, 0.2319, 0.6264, 0.2794]),
};

/** The six models of a scale in the paper's row order. */
export function table5Models(scale: ScalePreset, p: TablePresets = TABLE_PRESETS[scale.name]): ModelPreset[] {
  return [p.sasrec, p.gru4rec, p.fmlp, p.caser, p.wide, p.deep];
}

/** Our row of a model from its stored metrics. */
export function oursRow(preset: ModelPreset, test: Readonly<Record<string, number>>, params: { embedding: number; nonEmbedding: number }): Table5Row {
  const entry: ModelEntry = MODELS[preset.kind];
  const metrics = Object.fromEntries(TABLE_5_METRICS.map((k) => {
    if (typeof test[k] !== 'number') throw new Error(`Table V: the ${preset.label} run has no test metric ${k}`);
    return [k, test[k]];
  })) as Record<Table5Metric, number>;
  return {
    model: preset.label,
    source: 'ours',
    numLayers: entry.shapeFields.includes('numLayers') ? preset.numLayers : null,
    dim: preset.dim,
    dFf: entry.ffnDim ? entry.ffnDim(preset.dim) : null,
    embParams: params.embedding,
    nonEmbParams: params.nonEmbedding,
    ...metrics,
  };
}

/**
 * Train (or load) the six runs of Table V at a scale on some data (Table III's shared training
 * settings, selection by validation loss) and return our rows, each followed by the paper's.
 */
export async function table5Rows(scale: ScalePreset, data: DataChoice, opts: TableRunOptions = {}): Promise<Table5Row[]> {
  const presets = opts.presets ?? TABLE_PRESETS[scale.name];
  const train = { ...presets.train, selectBy: 'loss' as const };
  const rows: Table5Row[] = [];
  for (const preset of table5Models(scale, presets)) {
    opts.log?.(`Table V: ${preset.label}`);
    const r = await trainPreset(presetRunConfig(preset, data, scale, train), opts);
    rows.push(oursRow(preset, r.metrics.test, r.metrics.params));
    const published = PAPER_TABLE_5[preset.label];
    if (published) rows.push(published);
  }
  return rows;
}

/** Parameter counts as the paper prints them: 98.3K, 180.3K, 34.56M (up to 4 significant digits). */
export function formatCount(v: Cell): string {
  return typeof v === 'number' && Number.isFinite(v) ? formatParamCount(v) : formatCell(v);
}

/** Columns of the exported table, in the paper's order (plus the source of each row). */
export const TABLE_5_COLUMNS: readonly Column[] = [
  { key: 'model', label: 'Model' },
  { key: 'source', label: 'Source' },
  { key: 'numLayers', label: 'n_layer', format: (v) => (v === null ? '-' : formatCell(v)) },
  { key: 'dim', label: 'd_model' },
  { key: 'dFf', label: 'd_ff', format: (v) => (v === null ? '-' : formatCell(v)) },
  { key: 'embParams', label: '#Paras (emb)', format: formatCount },
  { key: 'nonEmbParams', label: '#Paras (non-emb)', format: formatCount },
  ...TABLE_5_METRICS.map((k) => ({ key: k, label: k, format: formatFixed(4) })),
];

/** Title and note of the exported table, naming the data and scale that produced our rows. */
export function table5Text(scale: ScalePreset, data: DataChoice, presets: TablePresets = TABLE_PRESETS[scale.name]): { title: string; note: string } {
  return {
    title: 'Table V: overall performance (full ranking, leave-one-out test item)',
    note:
      `Ours: ${data.label} (${data.spec}${data.core > 0 ? `, ${data.core}-core` : ', no k-core'}), scale ${scale.name}; ` +
      `each model trained until validation loss stops improving, ${trainPhrase(presets.train)}; best-by-validation weights tested. ` +
      'Paper: MovieLens-20M, as published (Table V). Values of different datasets are not comparable in level, only in ordering.',
  };
}

/** The models ranked by a metric (best first), ours and the paper's, one line each. */
export function table5Summary(rows: readonly Table5Row[], metric: Table5Metric = 'NDCG@10'): string[] {
  const rank = (source: string) => rows.filter((r) => r.source === source).sort((a, b) => b[metric] - a[metric]).map((r) => `${r.model} ${r[metric].toFixed(4)}`).join(' > ');
  return [`${metric} ours:  ${rank('ours')}`, `${metric} paper: ${rank('paper')}`];
}

/** Table V: train (or load) the six runs and save the table. */
export const FIGURE: FigureEntry<TrainedTableOptions, TableOutput<Table5Row>> = {
  id: 'table-5-overall',
  kind: 'table',
  title: 'Table V: overall performance of SASRec, GRU4Rec, FMLP-Rec, Caser, LSRM wide and deep',
  paperRef: 'Table V (Sec. V-A)',
  notebook: 'notebooks/table-5-overall.ipynb',
  isCheap: false,
  async produce(scale, opts = {}) {
    const data = opts.data ?? tableData(scale);
    const presets = opts.presets ?? TABLE_PRESETS[scale.name];
    const rows = await table5Rows(scale, data, { dir: opts.runsDir, log: opts.log, onEpoch: opts.onEpoch, deps: opts.deps, presets });
    return saveTableOutput(FIGURE.id, scale, { rows, columns: TABLE_5_COLUMNS, text: table5Text(scale, data, presets) }, opts);
  },
};
