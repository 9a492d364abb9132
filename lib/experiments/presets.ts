/**
 * Model presets of Table III (ablation) and Table V (overall performance) per scale, the data
 * they train on, and `trainPreset`, which trains one preset through the result store.
 *
 * Paper (Table V, III-B): SASRec = LSRM at L = 2, d = 64 (98.3K non-emb); GRU4Rec, FMLP-Rec and
 * Caser at L = 2, d = 64; LSRM_wide = 2 layers, d = 1200 (34.56M non-emb); LSRM_deep = 48 layers,
 * d = 1200 (0.83B). Table III: LSRM_l2 (2 x 64) and LSRM_l24 (24 x 512, Table IV), each trained
 * with and without layer-wise adaptive dropout (LAD) and the Adam -> SGD switch (SO).
 * Non-embedding parameters N = 12·L·d² for LSRM (lib/models/params.ts).
 *
 * Scaled-down counterparts keep the paper's contrasts: wide = 2 layers at a large d, deep = many
 * layers at the same d; Table III's large model is deeper (and as wide or wider) than its small one.
 * - smoke: tiny models on synthetic:smoke, 2 epochs: seconds (tests, CI).
 * - cpu:   sized for MovieLens-100k on a 2-core CPU shared with other jobs (tfjs-wasm, one
 *          process; measured per epoch on ml-100k at load 9-13: LSRM 2 x 64 12-40 s, GRU4Rec 53 s
 *          and Caser 48 s at d = 64, FMLP 21 s). SASRec and the baselines at d = 32; wide 2 x 64
 *          and deep 4 x 64 (aspect d/L 32 vs 16; the paper's 600 vs 25). Table III's small
 *          model is SASRec's shape (2 x 32) and its large one LSRM_deep's (4 x 64), so their
 *          "Both" runs are the Table V runs.
 * - paper: the paper's shapes, MovieLens-20M.
 * Seeds: every run is trained once per seed of `seeds` (train.seed; lib/experiments/seeds.ts):
 * smoke [0] (seconds), cpu [0, 1, 2] (the spread of a 2-core result), paper [0] (a GPU budget).
 * The training settings the tables rely on are written out here or in table-3/table-5.ts
 * (selectBy 'loss', patience, LAD and SO on), not left to TRAIN_DEFAULTS, which may move.
 *
 * Runs are cached under runs/train/<key>.json (runOrLoad; checkpoints in runs/train/<key>.run/),
 * keyed by the full run config plus the data's version, so Table III's small "Both" run and
 * Table V's SASRec run are one run when their configs are equal, and a second call loads.
 * Data is chosen by name (tableData): keys and run configs never hold a machine's path.
 */
import { basename } from 'node:path';
import type { ModelKind } from '../models';
import { TRAIN_DEFAULTS, type TrainConfig } from '../train/train-config';
import { normalizeRunConfig, type ModelSpec, type RunConfig, type RunConfigInput } from '../runs/run';
import { formatSourceSpec, parseSourceSpec } from '../data/source';
import type { DataChoice, ScaleName, ScalePreset } from './scale';
import { storeKeyOf, trainInStore, type StoreMetrics, type StoreRun, type TrainInStoreOptions } from '../runs/in-store';

/** One model of a table: its name in the paper, kind and shape. */
export interface ModelPreset extends Pick<ModelSpec, 'kind' | 'numLayers' | 'dim' | 'numHeads'> {
  /** e.g. 'SASRec', 'LSRM_wide'. */
  readonly label: string;
}

/** The models and training budget of Tables III and V at one scale. */
export interface TablePresets {
  readonly sasrec: ModelPreset;
  readonly gru4rec: ModelPreset;
  readonly fmlp: ModelPreset;
  readonly caser: ModelPreset;
  /** Beyond the paper (issue 14): HSTU and FuXi-alpha at SASRec's shape. */
  readonly hstu: ModelPreset;
  readonly fuxi: ModelPreset;
  readonly wide: ModelPreset;
  readonly deep: ModelPreset;
  /** Table III's small and large LSRM (paper: LSRM_l2 and LSRM_l24). */
  readonly ablationSmall: ModelPreset;
  readonly ablationLarge: ModelPreset;
  /** Training settings shared by every run of both tables (TRAIN_DEFAULTS fill the rest). */
  readonly train: Partial<TrainConfig>;
  /** Seeds each configuration trains with (train.seed), in order; the tables show their mean and interval. */
  readonly seeds: readonly number[];
}

const m = (label: string, kind: ModelKind, numLayers: number, dim: number, numHeads: number): ModelPreset => ({ label, kind, numLayers, dim, numHeads });

/**
 * The baselines of Table V at a width d (paper: 2 layers, d = 64), and the two generative
 * recommenders beyond the paper, HSTU and FuXi-alpha, at SASRec's shape (2 layers, 2 heads).
 */
function baselines(dim: number): Pick<TablePresets, 'gru4rec' | 'fmlp' | 'caser' | 'hstu' | 'fuxi'> {
  return {
    gru4rec: m('GRU4Rec', 'gru4rec', 2, dim, 1),
    fmlp: m('FMLP-Rec', 'fmlp', 2, dim, 1),
    caser: m('Caser', 'caser', 2, dim, 1),
    hstu: m('HSTU', 'hstu', 2, dim, 2),
    fuxi: m('FuXi-α', 'fuxi', 2, dim, 2),
  };
}

/** Presets per scale (see the header for the reasons behind each size). */
export const TABLE_PRESETS: Readonly<Record<ScaleName, TablePresets>> = {
  smoke: {
    sasrec: m('SASRec', 'lsrm', 2, 16, 2),
    ...baselines(16),
    wide: m('LSRM_wide', 'lsrm', 2, 32, 2),
    deep: m('LSRM_deep', 'lsrm', 4, 32, 2),
    ablationSmall: m('LSRM_l2', 'lsrm', 2, 16, 2),
    ablationLarge: m('LSRM_l4', 'lsrm', 4, 16, 2),
    train: { epochs: 2, batchSize: 32, patience: 1 },
    seeds: [0],
  },
  cpu: {
    sasrec: m('SASRec', 'lsrm', 2, 32, 2),
    ...baselines(32),
    wide: m('LSRM_wide', 'lsrm', 2, 64, 2),
    deep: m('LSRM_deep', 'lsrm', 4, 64, 2),
    ablationSmall: m('LSRM_l2', 'lsrm', 2, 32, 2),
    ablationLarge: m('LSRM_l4', 'lsrm', 4, 64, 2),
    // The training defaults (lib/train/train-config.ts, issue 9), written out: batch 256, peak lr
    // 3e-3 held until the plateau, a plateau = 3 epochs and at least 300 steps (30 epochs of
    // ml-100k's 10 steps), at most 200 epochs. The old budget (30 epochs, patience 2, batch 64)
    // stopped before convergence (Table V SASRec test NDCG@10 0.057; RecBole's SASRec 0.062).
    // Measured on ml-100k (LSRM 2 x 64, seed 0, both cores busy): 122 epochs, 19 minutes.
    train: { maxEpochs: 200, patience: 3, patienceMinSteps: 300, batchSize: 256, lrPeak: 3e-3 },
    seeds: [0, 1, 2],
  },
  paper: {
    sasrec: m('SASRec', 'lsrm', 2, 64, 2),
    ...baselines(64),
    wide: m('LSRM_wide', 'lsrm', 2, 1200, 24),
    deep: m('LSRM_deep', 'lsrm', 48, 1200, 24),
    ablationSmall: m('LSRM_l2', 'lsrm', 2, 64, 2),
    ablationLarge: m('LSRM_l24', 'lsrm', 24, 512, 8),
    train: { maxEpochs: 30, patience: 3, batchSize: 256 },
    seeds: [0],
  },
};

/**
 * Data of Tables III and V when neither the caller nor LSRM_DATA choose. At the cpu scale
 * MovieLens-100k, the data of the committed tables (and what their notebooks' config cells
 * name), so `lsrm figures --dry-run` and the entries' sweeps plan the runs the notebooks train:
 * a real dataset small enough to train these tables' 48 models to convergence on 2 cores.
 */
const DEFAULT_DATA: Readonly<Record<ScaleName, DataChoice>> = {
  smoke: { spec: 'synthetic:smoke', core: 0, label: 'Synthetic (smoke)' },
  cpu: { spec: 'dataset:ml-100k', core: 0, label: 'ml-100k' },
  paper: { spec: 'dataset:ml-20m', core: 5, label: 'MovieLens-20M' },
};

/** A data choice: a source spec, best a dataset name ('dataset:ml-100k'), with its k-core (default 0). */
export type DataPick = string | { readonly spec: string; readonly core?: number };

/** One choice for every scale, or one per scale (a scale not named keeps its default). */
export type DataPicks = DataPick | Partial<Readonly<Record<ScaleName, DataPick>>>;

/**
 * The data of Tables III and V at a scale, from the first of:
 *  1. LSRM_DATA (a source spec, with LSRM_CORE as its k-core, default 0): a run-time override;
 *  2. `choice`, what the notebook's config cell holds: one spec, or one per scale, e.g.
 *     `{ cpu: 'dataset:ml-100k' }` (smoke-scale tests keep their synthetic default);
 *  3. the scale's default (synthetic below paper scale; paper: MovieLens-20M, 5-core).
 * Dataset names are written 'dataset:<name>' (so 'ml-100k' and 'dataset:ml-100k' are one run) and
 * resolved when loaded ($LSRM_DATA_DIR/<name>/, data/<name>/, download): no path enters a config.
 * @throws when LSRM_CORE or a core is not a non-negative integer, or for a malformed spec
 * @example tableData(SCALES.cpu, { cpu: 'dataset:ml-100k' }, {}) // { spec: 'dataset:ml-100k', core: 0, label: 'ml-100k' }
 */
export function tableData(scale: ScalePreset, choice?: DataPicks, env: Readonly<Record<string, string | undefined>> = process.env): DataChoice {
  const fromEnv = env.LSRM_DATA?.trim();
  if (fromEnv) return dataChoice(fromEnv, Number(env.LSRM_CORE?.trim() || '0'), `LSRM_CORE must be a non-negative integer, got '${env.LSRM_CORE}'`);
  const pick = choice === undefined || typeof choice === 'string' || 'spec' in choice ? (choice as DataPick | undefined) : choice[scale.name];
  if (pick === undefined) return { ...DEFAULT_DATA[scale.name] };
  const { spec, core = 0 } = typeof pick === 'string' ? { spec: pick } : pick;
  return dataChoice(spec, core, `the core of ${spec} must be a non-negative integer, got ${core}`);
}

function dataChoice(spec: string, core: number, coreError: string): DataChoice {
  if (!Number.isInteger(core) || core < 0) throw new Error(coreError);
  const canonical = formatSourceSpec(parseSourceSpec(spec));
  return { spec: canonical, core, label: dataLabel(canonical) };
}

/**
 * A readable name for a source spec, never a path: 'dataset:ml-100k' -> 'ml-100k',
 * 'atomic:/x/ml-100k.inter' -> 'ml-100k', 'synthetic:smoke' -> 'Synthetic (smoke)'.
 */
export function dataLabel(spec: string): string {
  const colon = spec.indexOf(':');
  const rest = colon < 0 ? spec : spec.slice(colon + 1);
  if (spec.startsWith('synthetic')) return `Synthetic (${rest === spec || rest === '' ? 'default' : rest})`;
  return basename(rest).replace(/\.(inter|csv|dat|data|json(\.gz)?)$/, '') || spec;
}

/** The run config of a preset on some data, with the scale's sequence length. */
export function presetRunConfig(preset: ModelPreset, data: DataChoice, scale: ScalePreset, train: Partial<TrainConfig>): RunConfig {
  const input: RunConfigInput = {
    data: { source: data.spec, core: data.core },
    model: { kind: preset.kind, numLayers: preset.numLayers, dim: preset.dim, numHeads: preset.numHeads, maxLen: scale.maxLen },
    train,
  };
  return normalizeRunConfig(input);
}

/** What the store keeps of one trained run (lib/runs/in-store.ts). */
export type PresetMetrics = StoreMetrics;

/** The store key of a run: readable model fields, the run config and the data's version (storeKeyOf). */
export function presetKey(config: RunConfig): Record<string, string | number | RunConfig> {
  return { ...storeKeyOf(config) };
}

/** Store options plus per-epoch and per-step reports while training (lib/runs/in-store.ts). */
export type TrainPresetOptions = TrainInStoreOptions;

/** Options of the table functions: which presets (default TABLE_PRESETS[scale.name]). */
export interface TableRunOptions extends TrainPresetOptions {
  readonly presets?: TablePresets;
}

/** A trained preset: its stored result plus its run directory, which loadRun (lib/runs/run.ts) reads back. */
export type PresetRun = StoreRun;

/**
 * Train a run config (or load its stored result): trainInStore (lib/runs/in-store.ts), i.e.
 * runOrLoad('train', presetKey(config)) with the run directory (checkpoints, resumable: a killed
 * run continues after its last epoch) next to the result file. `loadRun(r.runDir)` then gives
 * the model, its split and its config. A sweep (lib/sweep/) that holds the same config shares it.
 */
export function trainPreset(config: RunConfig, opts: TrainPresetOptions = {}): Promise<PresetRun> {
  return trainInStore(config, opts);
}

/**
 * The training budget in words, for table notes.
 * @example trainPhrase({ maxEpochs: 12, patience: 2, patienceMinSteps: 0, batchSize: 256, lrPeak: 3e-3 })
 *   // 'at most 12 epochs (patience 2), batch 256, peak lr 0.003'
 */
export function trainPhrase(t: Partial<TrainConfig>): string {
  const c = { ...TRAIN_DEFAULTS, ...t };
  const plateau = c.patienceMinSteps > 0 ? `plateau: ${c.patience} epochs and at least ${c.patienceMinSteps} steps` : `patience ${c.patience}`;
  const epochs = c.epochs !== undefined ? `${c.epochs} epochs` : `at most ${c.maxEpochs} epochs (${plateau})`;
  return `${epochs}, batch ${c.batchSize}, peak lr ${c.lrPeak}`;
}
