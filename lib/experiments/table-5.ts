/**
 * Table V (paper V-A): overall performance. SASRec (= LSRM at 2 x 64), GRU4Rec, FMLP-Rec, Caser,
 * LSRM_wide (2 x 1200) and LSRM_deep (48 x 1200), each "trained until convergence with data
 * repetition" (V-A) and evaluated by full ranking on the leave-one-out test item: HR@N and NDCG@N
 * for N = 5, 10, 50. Our rows of a model sit above the paper's published row for it.
 * Beyond the paper (issue 14): HSTU and FuXi-alpha at SASRec's shape, after the baselines, with
 * no published row (their own papers report other datasets and protocols; backbone-presets.ts).
 * Shapes per scale: presets.ts. The eight models times the scale's seeds are one sweep
 * (`table5Sweep`, FIGURE.sweep): produce runs it (lib/sweep/execute.ts: in process, local
 * processes or Slurm, by opts.sweep), then reads every result from the store to build the rows.
 * Every run uses selectBy 'NDCG@10' (a ranking result: issue 9) with LAD and SO on, written out
 * (table5Train): the paper does not say which validation metric ends its Table V runs; a
 * ranking table is selected on the ranking metric, as RecBole and the paper's baselines do.
 *
 * Rows (seeds.ts): per model one row per seed (source 'ours'), then, with two or more seeds,
 * the mean row (source 'ours', seed empty; mean ± 95% t half-width in Markdown), then the
 * paper's row (source 'paper', seed empty). CSV columns: model, source, seed, numLayers, dim,
 * dFf, embParams, nonEmbParams, HR@5, NDCG@5, HR@10, NDCG@10, HR@50, NDCG@50.
 *
 * d_ff = 4·d for the LSRM rows (the transformer's feed-forward width); '-' for the baselines, as
 * in the paper. #Paras (emb) and (non-emb) of our rows are the models' own counts (paramCounts).
 * Figure entry: FIGURE (registry.ts); output figures/table-5-overall.{csv,md,html,png}.
 */
import { formatCell, formatMeanHalfWidth, type Cell, type Column, type Row } from '../plot/table';
import type { RunConfig } from '../runs/run';
import { sweepRunOf, type SweepRun } from '../sweep/spec';
import type { TrainConfig } from '../train/train-config';
import { runFigureSweep, saveTableOutput, type FigureEntry, type PendingOutput, type TableOutput, type TrainedTableOptions, type WaitingSweep } from './figure';
import { presetRunConfig, TABLE_PRESETS, tableData, trainPhrase, trainPreset, type ModelPreset, type TableRunOptions, type TablePresets } from './presets';
import type { DataChoice, ScalePreset } from './scale';
import { checkSeeds, formatSeedCell, formatSigned, halfWidthKey, meanFields, seedNote, summaryRows, type MeanFields } from './seeds';
import { MODELS } from '../models';
import { formatCount as formatParamCount } from '../models/toolkit';
import type { ModelEntry } from '../models/types';
import { mean, welchInterval } from '../util/stats';

/** The metrics of Table V, in the paper's column order. */
export const TABLE_5_METRICS = ['HR@5', 'NDCG@5', 'HR@10', 'NDCG@10', 'HR@50', 'NDCG@50'] as const;
export type Table5Metric = (typeof TABLE_5_METRICS)[number];

/** One row: a model's structure and its six metrics: one seed of ours, our mean over seeds, or the paper's. */
export interface Table5Row extends Row, MeanFields {
  readonly model: string;
  /** 'ours' or 'paper'. */
  readonly source: string;
  /** The seed of our run; null on our mean row and the paper's row. */
  readonly seed: number | null;
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
  model, source: 'paper', seed: null, numLayers, dim, dFf, embParams, nonEmbParams,
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

/**
 * The models of a scale in the paper's row order, with HSTU and FuXi-alpha (beyond the paper,
 * issue 14; no published row) after the baselines.
 */
export function table5Models(scale: ScalePreset, p: TablePresets = TABLE_PRESETS[scale.name]): ModelPreset[] {
  return [p.sasrec, p.gru4rec, p.fmlp, p.caser, p.hstu, p.fuxi, p.wide, p.deep];
}

/** Our row of a model from the stored metrics of its run with `seed`. */
export function oursRow(preset: ModelPreset, test: Readonly<Record<string, number>>, params: { embedding: number; nonEmbedding: number }, seed: number): Table5Row {
  const entry: ModelEntry = MODELS[preset.kind];
  const metrics = Object.fromEntries(TABLE_5_METRICS.map((k) => {
    if (typeof test[k] !== 'number') throw new Error(`Table V: the ${preset.label} run has no test metric ${k}`);
    return [k, test[k]];
  })) as Record<Table5Metric, number>;
  return {
    model: preset.label,
    source: 'ours',
    seed,
    numLayers: entry.shapeFields.includes('numLayers') ? preset.numLayers : null,
    dim: preset.dim,
    dFf: entry.ffnDim ? entry.ffnDim(preset.dim) : null,
    embParams: params.embedding,
    nonEmbParams: params.nonEmbedding,
    ...metrics,
  };
}

/** The training settings of every Table V run: the presets' shared ones, selection by validation NDCG@10, LAD and SO on. */
export function table5Train(presets: TablePresets): Partial<TrainConfig> {
  return { ...presets.train, selectBy: 'NDCG@10', layerwiseDropout: true, switchOptimizer: true };
}

/** One run of Table V: a model, a seed and its config. */
export interface Table5Run {
  readonly model: ModelPreset;
  readonly seed: number;
  readonly config: RunConfig;
}

/** The models of Table V times the presets' seeds, in the paper's row order, seeds fastest. */
export function table5Runs(scale: ScalePreset, data: DataChoice, presets: TablePresets = TABLE_PRESETS[scale.name]): Table5Run[] {
  const train = table5Train(presets);
  return table5Models(scale, presets).flatMap((model) => checkSeeds(presets.seeds).map((seed) => ({ model, seed, config: presetRunConfig(model, data, scale, { ...train, seed }) })));
}

/** Table V's runs as a sweep, labelled 'Table V LSRM_deep seed 2'. */
export function table5Sweep(scale: ScalePreset, data: DataChoice, presets: TablePresets = TABLE_PRESETS[scale.name]): SweepRun[] {
  return table5Runs(scale, data, presets).map((r) => sweepRunOf(r.config, `Table V ${r.model.label} seed ${r.seed}`));
}

/**
 * Train (or load) the runs of Table V at a scale on some data, in this process, and return the
 * rows: per model one row per seed, the mean row (two or more seeds), the paper's row.
 */
export async function table5Rows(scale: ScalePreset, data: DataChoice, opts: TableRunOptions = {}): Promise<Table5Row[]> {
  const presets = opts.presets ?? TABLE_PRESETS[scale.name];
  const byModel = new Map<string, Table5Row[]>();
  for (const r of table5Runs(scale, data, presets)) {
    opts.log?.(`Table V: ${r.model.label} seed ${r.seed}`);
    const { metrics } = await trainPreset(r.config, opts);
    byModel.set(r.model.label, [...(byModel.get(r.model.label) ?? []), oursRow(r.model, metrics.test, metrics.params, r.seed)]);
  }
  return table5Models(scale, presets).flatMap((preset) => {
    const ours = byModel.get(preset.label)!;
    const mean: Table5Row[] = ours.length < 2 ? [] : [{ ...ours[0], seed: null, ...(meanFields(ours, TABLE_5_METRICS) as Record<Table5Metric, number>) }];
    const published = PAPER_TABLE_5[preset.label];
    return [...ours, ...mean, ...(published ? [published] : [])];
  });
}

/** Parameter counts as the paper prints them: 98.3K, 180.3K, 34.56M (up to 4 significant digits). */
export function formatCount(v: Cell): string {
  return typeof v === 'number' && Number.isFinite(v) ? formatParamCount(v) : formatCell(v);
}

/** Columns of the exported table, in the paper's order (plus the source of each row). */
export const TABLE_5_COLUMNS: readonly Column[] = [
  { key: 'model', label: 'Model' },
  { key: 'source', label: 'Source' },
  { key: 'seed', label: 'Seed', format: formatSeedCell },
  { key: 'numLayers', label: 'n_layer', format: (v) => (v === null ? '-' : formatCell(v)) },
  { key: 'dim', label: 'd_model' },
  { key: 'dFf', label: 'd_ff', format: (v) => (v === null ? '-' : formatCell(v)) },
  { key: 'embParams', label: '#Paras (emb)', format: formatCount },
  { key: 'nonEmbParams', label: '#Paras (non-emb)', format: formatCount },
  ...TABLE_5_METRICS.map((k) => ({ key: k, label: k, format: formatMeanHalfWidth(halfWidthKey(k), 4) })),
];

/** Title and note of the exported table, naming the data and scale that produced our rows. */
export function table5Text(scale: ScalePreset, data: DataChoice, presets: TablePresets = TABLE_PRESETS[scale.name]): { title: string; note: string } {
  return {
    title: 'Table V: overall performance (full ranking, leave-one-out test item)',
    note:
      `Ours: ${data.label} (${data.spec}${data.core > 0 ? `, ${data.core}-core` : ', no k-core'}), scale ${scale.name}; ` +
      `each model trained until validation NDCG@10 stops improving, ${trainPhrase(presets.train)}; best-by-validation weights tested; ` +
      `${seedNote(presets.seeds)} ` +
      'Paper: MovieLens-20M, as published (Table V). Values of different datasets are not comparable in level, only in ordering.',
  };
}

/** The models ranked by a metric (best first; ours by the mean over seeds when there are several), ours and the paper's, one line each. */
export function table5Summary(rows: readonly Table5Row[], metric: Table5Metric = 'NDCG@10'): string[] {
  const rank = (source: string) => summaryRows(rows.filter((r) => r.source === source), 'model').sort((a, b) => b[metric] - a[metric]).map((r) => `${r.model} ${r[metric].toFixed(4)}`).join(' > ');
  return [`${metric} ours:  ${rank('ours')}`, `${metric} paper: ${rank('paper')}`];
}

/** The pairs the notebook's text discusses, [a, b] as a - b: depth and width against SASRec, and each other model against SASRec. */
export const TABLE_5_CONTRASTS: readonly (readonly [string, string])[] = [
  ['LSRM_deep', 'SASRec'], ['LSRM_wide', 'SASRec'], ['LSRM_deep', 'LSRM_wide'],
  ['GRU4Rec', 'SASRec'], ['FMLP-Rec', 'SASRec'], ['Caser', 'SASRec'], ['HSTU', 'SASRec'], ['FuXi-α', 'SASRec'],
];

/**
 * One line per contrast of TABLE_5_CONTRASTS whose two models have rows of ours: the difference of
 * their mean `metric` over seeds with Welch's 95% interval (two or more seeds each), whether it
 * is beyond seed noise (the interval excludes 0), and the paper's difference with its sign.
 * @example 'LSRM_deep - SASRec: NDCG@10 +0.0041 ± 0.0052 (95% Welch, df 3): within seed noise; paper +0.1107'
 */
export function table5Findings(rows: readonly Table5Row[], metric: Table5Metric = 'NDCG@10'): string[] {
  const seedValues = (model: string) => rows.filter((r) => r.source === 'ours' && r.model === model && r.seed !== null).map((r) => r[metric]);
  return TABLE_5_CONTRASTS.flatMap(([a, b]) => {
    const [xa, xb] = [seedValues(a), seedValues(b)];
    if (xa.length === 0 || xb.length === 0) return [];
    const pa = PAPER_TABLE_5[a]?.[metric], pb = PAPER_TABLE_5[b]?.[metric];
    const paper = pa !== undefined && pb !== undefined ? `; paper ${formatSigned(pa - pb)}` : '; paper: no row';
    if (xa.length < 2 || xb.length < 2) {
      return [`${a} - ${b}: ${metric} ${formatSigned(mean(xa) - mean(xb))} (one seed on a side: no interval)${paper}`];
    }
    const w = welchInterval(xa, xb);
    const verdict = Math.abs(w.diff) <= w.halfWidth ? 'within seed noise' : w.diff > 0 ? `${a} better beyond seed noise` : `${b} better beyond seed noise`;
    return [`${a} - ${b}: ${metric} ${formatSigned(w.diff)} ± ${w.halfWidth.toFixed(4)} (95% Welch, df ${w.df}): ${verdict}${paper}`];
  });
}

/** The figure's own options: which data and presets (defaults tableData(scale), TABLE_PRESETS[scale.name]). */
function choices(scale: ScalePreset, opts: TrainedTableOptions): { data: DataChoice; presets: TablePresets } {
  return { data: opts.data ?? tableData(scale), presets: opts.presets ?? TABLE_PRESETS[scale.name] };
}

function produce(scale: ScalePreset, opts?: TrainedTableOptions & WaitingSweep): Promise<TableOutput<Table5Row>>;
function produce(scale: ScalePreset, opts?: TrainedTableOptions): Promise<TableOutput<Table5Row> | PendingOutput>;
/** Run the sweep (opts.sweep), then read the runs from the store and save the table. */
async function produce(scale: ScalePreset, opts: TrainedTableOptions = {}): Promise<TableOutput<Table5Row> | PendingOutput> {
  const { data, presets } = choices(scale, opts);
  const pending = await runFigureSweep(FIGURE.id, table5Sweep(scale, data, presets), opts);
  if (pending) return pending;
  const rows = await table5Rows(scale, data, { dir: opts.runsDir, presets });
  return saveTableOutput(FIGURE.id, scale, { rows, columns: TABLE_5_COLUMNS, text: table5Text(scale, data, presets) }, opts);
}

/** Table V: the models times the seeds, as a sweep; the table from the store. */
export const FIGURE: FigureEntry<TrainedTableOptions, TableOutput<Table5Row>> = {
  id: 'table-5-overall',
  kind: 'table',
  title: 'Table V: overall performance of SASRec, GRU4Rec, FMLP-Rec, Caser, LSRM wide and deep (and HSTU, FuXi-alpha)',
  paperRef: 'Table V (Sec. V-A)',
  notebook: 'notebooks/table-5-overall.ipynb',
  isCheap: false,
  produce,
  sweep: (scale, opts = {}) => {
    const { data, presets } = choices(scale, opts);
    return table5Sweep(scale, data, presets);
  },
};
