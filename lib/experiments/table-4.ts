/**
 * Table IV (paper III-B): the model ladder. Rows of the paper's table with the
 * non-embedding parameter count recomputed as N = 12·L·d² next to the published one,
 * then the scaled-down ladders of the smoke and cpu presets (scale.ts) with their N.
 * Nothing is trained: this table documents what each scale will train.
 * Figure entry: FIGURE (registry.ts); output figures/table-4-configs.{csv,md,html,png}.
 */
import { nonEmbeddingParams, TABLE_IV } from '../models/params';
import { formatCell, type Column, type Row } from '../plot/table';
import { saveTableOutput, type FigureEntry, type ProduceOptions, type TableOutput } from './figure';
import { SCALES, type ScaleName } from './scale';

/** One row of the exported table. */
export interface Table4Row extends Row {
  /** 'Table IV (paper)' or the preset name. */
  readonly ladder: string;
  readonly numLayers: number;
  readonly dim: number;
  readonly numHeads: number;
  readonly epochs: number;
  readonly batchSize: number;
  /** N = 12·L·d², computed here. */
  readonly params: number;
  /** The published #Paras (non-emb); null for our presets. */
  readonly paperParams: number | null;
  /** Does the computed N equal the published one? null for our presets. */
  readonly matchesPaper: boolean | null;
}

/** The paper's rows with the recomputed N. */
export function paperLadderRows(): Table4Row[] {
  return TABLE_IV.map((r) => {
    const params = nonEmbeddingParams(r.numLayers, r.dim);
    const { nonEmbedding, ...rest } = r;
    return { ladder: 'Table IV (paper)', ...rest, params, paperParams: nonEmbedding, matchesPaper: params === nonEmbedding };
  });
}

/** The ladder of one preset (the paper preset is Table IV itself). */
export function presetLadderRows(scale: ScaleName): Table4Row[] {
  return SCALES[scale].ladder.map((r) => ({
    ladder: `${scale} preset`,
    ...r,
    params: nonEmbeddingParams(r.numLayers, r.dim),
    paperParams: null,
    matchesPaper: null,
  }));
}

/** The whole table: the paper's ladder, then the smoke and cpu presets' ladders. */
export function table4Rows(): Table4Row[] {
  return [...paperLadderRows(), ...presetLadderRows('smoke'), ...presetLadderRows('cpu')];
}

/** Columns of the exported table (headers as in the paper where it has them). */
export const TABLE_4_COLUMNS: readonly Column[] = [
  { key: 'ladder', label: 'Ladder' },
  { key: 'paperParams', label: '#Paras non-emb (paper)' },
  { key: 'params', label: '#Paras non-emb (12·L·d²)' },
  { key: 'matchesPaper', label: 'Equal', format: (v) => (v === null ? '' : v ? '✓' : '✗') },
  { key: 'numLayers', label: 'n_layer' },
  { key: 'dim', label: 'd_model' },
  { key: 'numHeads', label: 'n_head' },
  { key: 'epochs', label: 'Epochs' },
  { key: 'batchSize', label: 'Batch size (global)' },
];

/** Title and note of the exported table. */
export const TABLE_4_TEXT = {
  title: 'Table IV: model ladder (paper) and the scaled-down ladders of the smoke and cpu presets',
  note:
    'Non-embedding parameters N = 12·L·d² (attention 4d² + feed-forward 8d² per layer; embeddings, biases and norms not counted). ' +
    'The paper preset trains Table IV itself. Epochs and batch sizes of the smoke and cpu presets are this project’s choices.',
} as const;

/** One line per ladder for a notebook summary, e.g. 'smoke preset: 2 models, N 768 .. 6,144'. */
export function ladderSummary(rows: readonly Table4Row[]): string[] {
  const byLadder = new Map<string, number[]>();
  for (const r of rows) byLadder.set(r.ladder, [...(byLadder.get(r.ladder) ?? []), r.params]);
  return [...byLadder].map(([name, ns]) => `${name}: ${ns.length} models, N ${formatCell(Math.min(...ns))} .. ${formatCell(Math.max(...ns))}`);
}

/** Table IV: the same rows at every scale (the scale only picks the output folder). */
export const FIGURE: FigureEntry<ProduceOptions, TableOutput<Table4Row>> = {
  id: 'table-4-configs',
  kind: 'table',
  title: 'Table IV: model ladder and parameter counts',
  paperRef: 'Table IV (Sec. III-B)',
  notebook: 'notebooks/table-4-configs.ipynb',
  isCheap: true,
  async produce(scale, opts = {}) {
    return saveTableOutput(FIGURE.id, scale, { rows: table4Rows(), columns: TABLE_4_COLUMNS, text: TABLE_4_TEXT }, opts);
  },
};
