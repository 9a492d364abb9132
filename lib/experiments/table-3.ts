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
 * Every run goes through the store (trainPreset): a second call loads.
 * Figure entry: FIGURE (registry.ts); output figures/table-3-ablation.{csv,md,html,png}.
 */
import { formatFixed, type Column, type Row } from '../plot/table';
import type { TrainConfig } from '../train/train-config';
import { saveTableOutput, type FigureEntry, type TableOutput, type TrainedTableOptions } from './figure';
import { presetRunConfig, TABLE_PRESETS, tableData, trainPhrase, trainPreset, type ModelPreset, type TableRunOptions, type TablePresets, type PresetMetrics } from './presets';
import type { DataChoice, ScalePreset } from './scale';

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

/** One row: a variant, our test CE for both models, the paper's. */
export interface Table3Row extends Row {
  readonly variant: AblationVariant['name'];
  readonly smallCe: number;
  readonly largeCe: number;
  /** Best epoch / epochs trained (and the SGD switch epoch when it happened), small and large. */
  readonly smallEpochs: string;
  readonly largeEpochs: string;
  readonly paperSmallCe: number;
  readonly paperLargeCe: number;
}

/** The TrainConfig of a variant on top of a scale's shared settings. */
export function variantTrain(base: Partial<TrainConfig>, v: AblationVariant): Partial<TrainConfig> {
  return { ...base, selectBy: 'loss', layerwiseDropout: v.layerwiseDropout, switchOptimizer: v.switchOptimizer };
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
 * Train (or load) the 8 runs of Table III at a scale on some data and return its four rows.
 * Order: the small model's four variants, then the large model's.
 */
export async function table3Rows(scale: ScalePreset, data: DataChoice, opts: TableRunOptions = {}): Promise<Table3Row[]> {
  const presets = opts.presets ?? TABLE_PRESETS[scale.name];
  const { small, large } = table3Models(scale, presets);
  const base = presets.train;
  const results = new Map<string, PresetMetrics>();
  for (const model of [small, large]) {
    for (const v of ABLATION_VARIANTS) {
      opts.log?.(`Table III: ${model.label} ${v.name}`);
      const r = await trainPreset(presetRunConfig(model, data, scale, variantTrain(base, v)), opts);
      results.set(`${model.label}/${v.name}`, r.metrics);
    }
  }
  return ABLATION_VARIANTS.map((v) => {
    const s = results.get(`${small.label}/${v.name}`)!;
    const l = results.get(`${large.label}/${v.name}`)!;
    return {
      variant: v.name,
      smallCe: s.test.loss,
      largeCe: l.test.loss,
      smallEpochs: epochSummary(s),
      largeEpochs: epochSummary(l),
      paperSmallCe: PAPER_TABLE_3[v.name].small,
      paperLargeCe: PAPER_TABLE_3[v.name].large,
    };
  });
}

/** Columns of the exported table; headers name our two models (they differ per scale). */
export function table3Columns(scale: ScalePreset, presets: TablePresets = TABLE_PRESETS[scale.name]): Column[] {
  const { small, large } = table3Models(scale, presets);
  const ce = formatFixed(4);
  const shape = (p: ModelPreset) => `${p.label}, ${p.numLayers}×${p.dim}`;
  return [
    { key: 'variant', label: 'Train model' },
    { key: 'smallCe', label: `CE ours ${shape(small)}`, format: ce },
    { key: 'largeCe', label: `CE ours ${shape(large)}`, format: ce },
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
      'leave-one-out, full-softmax test cross-entropy of the best-by-validation-loss weights. ' +
      'w/o LAD = the mean dropout rate in every layer; w/o SO = Adam only. ' +
      'Paper: MovieLens-20M, as published (Table III). Losses of different datasets are not comparable in level, only in ordering.',
  };
}

/**
 * One line per model: the variants ordered by our test CE (best first), and the paper's order,
 * e.g. 'LSRM_l2: ours None < Both < w/o SO < w/o LAD; paper None < w/o LAD < Both < w/o SO'.
 */
export function table3Summary(rows: readonly Table3Row[], scale: ScalePreset, presets: TablePresets = TABLE_PRESETS[scale.name]): string[] {
  const { small, large } = table3Models(scale, presets);
  const order = (key: 'smallCe' | 'largeCe' | 'paperSmallCe' | 'paperLargeCe') => [...rows].sort((a, b) => a[key] - b[key]).map((r) => `${r.variant} ${r[key].toFixed(4)}`).join(' < ');
  return [
    `${small.label} (${small.numLayers}×${small.dim}): ours ${order('smallCe')}; paper LSRM_l2 ${order('paperSmallCe')}`,
    `${large.label} (${large.numLayers}×${large.dim}): ours ${order('largeCe')}; paper LSRM_l24 ${order('paperLargeCe')}`,
  ];
}

/** Table III: train (or load) the 8 ablation runs and save the table. */
export const FIGURE: FigureEntry<TrainedTableOptions, TableOutput<Table3Row>> = {
  id: 'table-3-ablation',
  kind: 'table',
  title: 'Table III: ablation of layer-wise adaptive dropout and the Adam→SGD switch (test cross-entropy)',
  paperRef: 'Table III (Sec. III-B)',
  notebook: 'notebooks/table-3-ablation.ipynb',
  isCheap: false,
  async produce(scale, opts = {}) {
    const data = opts.data ?? tableData(scale);
    const presets = opts.presets ?? TABLE_PRESETS[scale.name];
    const rows = await table3Rows(scale, data, { dir: opts.runsDir, log: opts.log, onEpoch: opts.onEpoch, deps: opts.deps, presets });
    return saveTableOutput(FIGURE.id, scale, { rows, columns: table3Columns(scale, presets), text: table3Text(scale, data, presets) }, opts);
  },
};
