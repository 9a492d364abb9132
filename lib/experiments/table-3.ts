/**
 * Table III (paper III-B): ablation of the two training techniques. A small and a large LSRM
 * (paper: LSRM_l2 = 2 x 64 and LSRM_l24 = 24 x 512 on MovieLens-20M) are each trained four ways,
 *   Both      layer-wise adaptive dropout (LAD) and the Adam -> SGD switch (SO)
 *   w/o LAD   the same mean dropout rate in every layer, with SO
 *   w/o SO    LAD, Adam only
 *   None      neither
 * "until the cross-entropy loss on the validation set no longer decreases" (selectBy 'loss'),
 * and the test cross-entropy of the best-by-validation weights is reported.
 * Models and budgets per scale: presets.ts (TABLE_PRESETS.*.ablationSmall / ablationLarge).
 * The 8 configurations times the scale's seeds are one sweep (`table3Sweep`, FIGURE.sweep):
 * produce runs it (lib/sweep/execute.ts: in process, local processes or Slurm, by opts.sweep),
 * then reads every result from the store (trainPreset loads) to build the rows.
 * Rows (seeds.ts): per variant one row per seed, then, with two or more seeds, the mean row
 * (mean ± 95% t half-width in Markdown). CSV columns: variant, seed (empty on a mean row),
 * smallCe, largeCe, paperSmallCe, paperLargeCe, smallEpochs, largeEpochs.
 * Figure entry: FIGURE (registry.ts); output figures/table-3-ablation.{csv,md,html,png}.
 */
import { formatFixed, formatMeanHalfWidth, type Column, type Row } from '../plot/table';
import type { RunConfig } from '../runs/run';
import { sweepRunOf, type SweepRun } from '../sweep/spec';
import type { TrainConfig } from '../train/train-config';
import { runFigureSweep, saveTableOutput, type FigureEntry, type PendingOutput, type TableOutput, type TrainedTableOptions, type WaitingSweep } from './figure';
import { presetRunConfig, TABLE_PRESETS, tableData, trainPhrase, trainPreset, type ModelPreset, type TableRunOptions, type TablePresets, type PresetMetrics } from './presets';
import type { DataChoice, ScalePreset } from './scale';
import { checkSeeds, formatSeedCell, formatSigned, halfWidthKey, meanFields, seedNote, summaryRows, type MeanFields } from './seeds';
import { mean, pairedInterval, welchInterval } from '../util/stats';

/** One way of training: which techniques are on. */
export interface AblationVariant {
  /** Row label as in the paper. */
  readonly name: 'Both' | 'w/o LAD' | 'w/o SO' | 'None';
  readonly layerwiseDropout: boolean;
  readonly switchOptimizer: boolean;
}

/** The four rows of Table III, in the paper's order. */
export const ABLATION_VARIANTS: readonly AblationVariant[] = [
  { name: 'Both', layerwiseDropout: true, switchOptimizer: true },
  { name: 'w/o LAD', layerwiseDropout: false, switchOptimizer: true },
  { name: 'w/o SO', layerwiseDropout: true, switchOptimizer: false },
  { name: 'None', layerwiseDropout: false, switchOptimizer: false },
];

/** Table III as published: test cross-entropy of LSRM_l2 and LSRM_l24 on MovieLens-20M. */
export const PAPER_TABLE_3: Readonly<Record<AblationVariant['name'], { readonly small: number; readonly large: number }>> = {
  Both: { small: 5.6249, large: 4.7182 },
  'w/o LAD': { small: 5.6127, large: 4.7296 },
  'w/o SO': { small: 5.6281, large: 4.723 },
  None: { small: 5.6013, large: 4.7504 },
};

/** One row: a variant and a seed (or the mean over seeds), our test CE for both models, the paper's. */
export interface Table3Row extends Row, MeanFields {
  readonly variant: AblationVariant['name'];
  /** The seed of this row's two runs; null on the mean row. */
  readonly seed: number | null;
  /** Test CE of the seed's run, or the mean over seeds (half-widths in smallCeHw, largeCeHw). */
  readonly smallCe: number;
  readonly largeCe: number;
  readonly smallCeHw?: number;
  readonly largeCeHw?: number;
  /** Best epoch / epochs trained (and the SGD switch epoch when it happened), small and large; null on the mean row. */
  readonly smallEpochs: string | null;
  readonly largeEpochs: string | null;
  readonly paperSmallCe: number;
  readonly paperLargeCe: number;
}

/** The TrainConfig of a variant on top of a scale's shared settings (selection by validation loss, as the paper). */
export function variantTrain(base: Partial<TrainConfig>, v: AblationVariant): Partial<TrainConfig> {
  return { ...base, selectBy: 'loss', layerwiseDropout: v.layerwiseDropout, switchOptimizer: v.switchOptimizer };
}

/** One run of Table III: which model, variant and seed, and its config. */
export interface Table3Run {
  readonly size: 'small' | 'large';
  readonly model: ModelPreset;
  readonly variant: AblationVariant;
  readonly seed: number;
  readonly config: RunConfig;
}

/** The 8 configurations of Table III times the presets' seeds: small model first, variants in order, seeds fastest. */
export function table3Runs(scale: ScalePreset, data: DataChoice, presets: TablePresets = TABLE_PRESETS[scale.name]): Table3Run[] {
  const { small, large } = table3Models(scale, presets);
  const out: Table3Run[] = [];
  for (const [size, model] of [['small', small], ['large', large]] as const) {
    for (const variant of ABLATION_VARIANTS) {
      for (const seed of checkSeeds(presets.seeds)) {
        out.push({ size, model, variant, seed, config: presetRunConfig(model, data, scale, { ...variantTrain(presets.train, variant), seed }) });
      }
    }
  }
  return out;
}

/** Table III's runs as a sweep, labelled 'Table III LSRM_l2 w/o LAD seed 1'. */
export function table3Sweep(scale: ScalePreset, data: DataChoice, presets: TablePresets = TABLE_PRESETS[scale.name]): SweepRun[] {
  return table3Runs(scale, data, presets).map((r) => sweepRunOf(r.config, `Table III ${r.model.label} ${r.variant.name} seed ${r.seed}`));
}

/** 'best 7 of 9, SGD after 5' style summary of a run's epochs. */
export function epochSummary(r: PresetMetrics): string {
  return `best ${r.bestEpoch} of ${r.epochs}${r.switchEpoch > 0 ? `, SGD after ${r.switchEpoch}` : ''}`;
}

/** The two models of a scale. */
export function table3Models(scale: ScalePreset, p: TablePresets = TABLE_PRESETS[scale.name]): { small: ModelPreset; large: ModelPreset } {
  return { small: p.ablationSmall, large: p.ablationLarge };
}

/**
 * Train (or load) the runs of Table III at a scale on some data, in this process, and return its
 * rows: per variant one row per seed, then the mean row when there are two or more seeds.
 */
export async function table3Rows(scale: ScalePreset, data: DataChoice, opts: TableRunOptions = {}): Promise<Table3Row[]> {
  const presets = opts.presets ?? TABLE_PRESETS[scale.name];
  const results = new Map<string, PresetMetrics>();
  const at = (size: string, v: AblationVariant, seed: number) => `${size}/${v.name}/${seed}`;
  for (const r of table3Runs(scale, data, presets)) {
    opts.log?.(`Table III: ${r.model.label} ${r.variant.name} seed ${r.seed}`);
    results.set(at(r.size, r.variant, r.seed), (await trainPreset(r.config, opts)).metrics);
  }
  return ABLATION_VARIANTS.flatMap((v) => {
    const paper = { paperSmallCe: PAPER_TABLE_3[v.name].small, paperLargeCe: PAPER_TABLE_3[v.name].large };
    const perSeed: Table3Row[] = presets.seeds.map((seed) => {
      const s = results.get(at('small', v, seed))!;
      const l = results.get(at('large', v, seed))!;
      return { variant: v.name, seed, smallCe: s.test.loss, largeCe: l.test.loss, ...paper, smallEpochs: epochSummary(s), largeEpochs: epochSummary(l) };
    });
    if (perSeed.length < 2) return perSeed;
    const mean = meanFields(perSeed, ['smallCe', 'largeCe']) as Pick<Table3Row, 'smallCe' | 'largeCe' | 'smallCeHw' | 'largeCeHw' | 'seeds'>;
    return [...perSeed, { variant: v.name, seed: null, ...mean, ...paper, smallEpochs: null, largeEpochs: null }];
  });
}

/** Columns of the exported table; headers name our two models (they differ per scale). */
export function table3Columns(scale: ScalePreset, presets: TablePresets = TABLE_PRESETS[scale.name]): Column[] {
  const { small, large } = table3Models(scale, presets);
  const ce = formatFixed(4);
  const shape = (p: ModelPreset) => `${p.label}, ${p.numLayers}×${p.dim}`;
  return [
    { key: 'variant', label: 'Train model' },
    { key: 'seed', label: 'Seed', format: formatSeedCell },
    { key: 'smallCe', label: `CE ours ${shape(small)}`, format: formatMeanHalfWidth(halfWidthKey('smallCe'), 4) },
    { key: 'largeCe', label: `CE ours ${shape(large)}`, format: formatMeanHalfWidth(halfWidthKey('largeCe'), 4) },
    { key: 'paperSmallCe', label: 'CE paper LSRM_l2, 2×64', format: ce },
    { key: 'paperLargeCe', label: 'CE paper LSRM_l24, 24×512', format: ce },
    { key: 'smallEpochs', label: `Epochs ${small.label}` },
    { key: 'largeEpochs', label: `Epochs ${large.label}` },
  ];
}

/** Title and note of the exported table, naming the data and scale that produced it. */
export function table3Text(scale: ScalePreset, data: DataChoice, presets: TablePresets = TABLE_PRESETS[scale.name]): { title: string; note: string } {
  return {
    title: 'Table III: ablation of layer-wise adaptive dropout (LAD) and the Adam→SGD switch (SO), test cross-entropy (lower is better)',
    note:
      `Ours: ${data.label} (${data.spec}${data.core > 0 ? `, ${data.core}-core` : ', no k-core'}), scale ${scale.name}, ${trainPhrase(presets.train)}; ` +
      'leave-one-out, full-softmax test cross-entropy of the best-by-validation-loss weights; ' +
      `${seedNote(presets.seeds)} ` +
      'w/o LAD = the mean dropout rate in every layer; w/o SO = Adam only. ' +
      'Paper: MovieLens-20M, as published (Table III). Losses of different datasets are not comparable in level, only in ordering.',
  };
}

/**
 * One line per model: the variants ordered by our test CE (best first; the mean over seeds when
 * there are several), and the paper's order,
 * e.g. 'LSRM_l2: ours None < Both < w/o SO < w/o LAD; paper None < w/o LAD < Both < w/o SO'.
 */
export function table3Summary(rows: readonly Table3Row[], scale: ScalePreset, presets: TablePresets = TABLE_PRESETS[scale.name]): string[] {
  const { small, large } = table3Models(scale, presets);
  const byVariant = summaryRows(rows, 'variant');
  const order = (key: 'smallCe' | 'largeCe' | 'paperSmallCe' | 'paperLargeCe') => [...byVariant].sort((a, b) => a[key] - b[key]).map((r) => `${r.variant} ${r[key].toFixed(4)}`).join(' < ');
  return [
    `${small.label} (${small.numLayers}×${small.dim}): ours ${order('smallCe')}; paper LSRM_l2 ${order('paperSmallCe')}`,
    `${large.label} (${large.numLayers}×${large.dim}): ours ${order('largeCe')}; paper LSRM_l24 ${order('paperLargeCe')}`,
  ];
}

/**
 * What each technique does, per model: the test CE without it minus with it (w/o LAD - Both,
 * w/o SO - Both, None - Both; positive: the technique helps), as the difference of seed means
 * with Welch's 95% interval (two or more seeds), then, when both sides ran the same two or more
 * seeds, the paired interval over those seeds (a seed fixes the initial weights and the batch
 * order in every variant, so its effect cancels in the per-seed difference; the verdict follows
 * the paired interval then, else Welch's), and the paper's difference.
 * @example 'LSRM_l2 (2×32), LAD: w/o LAD - Both +0.0187 ± 0.0287 (95% Welch, df 2); paired by seed +0.0187 ± 0.0202 (df 2): helps beyond seed noise; paper -0.0122'
 */
export function table3Findings(rows: readonly Table3Row[], scale: ScalePreset, presets: TablePresets = TABLE_PRESETS[scale.name]): string[] {
  const { small, large } = table3Models(scale, presets);
  const contrasts: [string, AblationVariant['name']][] = [['LAD', 'w/o LAD'], ['SO', 'w/o SO'], ['both', 'None']];
  return ([['small', small], ['large', large]] as const).flatMap(([size, model]) => {
    const key = size === 'small' ? 'smallCe' : 'largeCe';
    const bySeed = (v: AblationVariant['name']) => new Map(rows.filter((r) => r.variant === v && r.seed !== null).map((r) => [r.seed as number, r[key]]));
    const both = bySeed('Both');
    return contrasts.flatMap(([what, without]) => {
      const other = bySeed(without);
      if (both.size === 0 || other.size === 0) return [];
      const paper = PAPER_TABLE_3[without][size] - PAPER_TABLE_3.Both[size];
      const head = `${model.label} (${model.numLayers}×${model.dim}), ${what}: ${without} - Both`;
      if (both.size < 2 || other.size < 2) {
        return [`${head} ${formatSigned(mean([...other.values()]) - mean([...both.values()]))} (one seed on a side: no interval); paper ${formatSigned(paper)}`];
      }
      const w = welchInterval([...other.values()], [...both.values()]);
      const shared = [...other.keys()].filter((seed) => both.has(seed)).sort((x, y) => x - y);
      const p = shared.length >= 2 ? pairedInterval(shared.map((seed) => other.get(seed)!), shared.map((seed) => both.get(seed)!)) : undefined;
      const decisive = p ?? w;
      const verdict = Math.abs(decisive.diff) <= decisive.halfWidth ? 'within seed noise' : decisive.diff > 0 ? 'helps beyond seed noise' : 'hurts beyond seed noise';
      const paired = p ? `; paired by seed${shared.length < Math.max(both.size, other.size) ? ` (${shared.length} shared seeds)` : ''} ${formatSigned(p.diff)} ± ${p.halfWidth.toFixed(4)} (df ${p.df})` : '';
      return [`${head} ${formatSigned(w.diff)} ± ${w.halfWidth.toFixed(4)} (95% Welch, df ${w.df})${paired}: ${verdict}; paper ${formatSigned(paper)}`];
    });
  });
}

/** The figure's own options: which data and presets (defaults tableData(scale), TABLE_PRESETS[scale.name]). */
function choices(scale: ScalePreset, opts: TrainedTableOptions): { data: DataChoice; presets: TablePresets } {
  return { data: opts.data ?? tableData(scale), presets: opts.presets ?? TABLE_PRESETS[scale.name] };
}

function produce(scale: ScalePreset, opts?: TrainedTableOptions & WaitingSweep): Promise<TableOutput<Table3Row>>;
function produce(scale: ScalePreset, opts?: TrainedTableOptions): Promise<TableOutput<Table3Row> | PendingOutput>;
/** Run the sweep (opts.sweep), then read the runs from the store and save the table. */
async function produce(scale: ScalePreset, opts: TrainedTableOptions = {}): Promise<TableOutput<Table3Row> | PendingOutput> {
  const { data, presets } = choices(scale, opts);
  const pending = await runFigureSweep(FIGURE.id, table3Sweep(scale, data, presets), opts);
  if (pending) return pending;
  const rows = await table3Rows(scale, data, { dir: opts.runsDir, presets });
  return saveTableOutput(FIGURE.id, scale, { rows, columns: table3Columns(scale, presets), text: table3Text(scale, data, presets) }, opts);
}

/** Table III: the 8 ablation configurations times the seeds, as a sweep; the table from the store. */
export const FIGURE: FigureEntry<TrainedTableOptions, TableOutput<Table3Row>> = {
  id: 'table-3-ablation',
  kind: 'table',
  title: 'Table III: ablation of layer-wise adaptive dropout and the Adam→SGD switch (test cross-entropy)',
  paperRef: 'Table III (Sec. III-B)',
  notebook: 'notebooks/table-3-ablation.ipynb',
  isCheap: false,
  produce,
  sweep: (scale, opts = {}) => {
    const { data, presets } = choices(scale, opts);
    return table3Sweep(scale, data, presets);
  },
};
