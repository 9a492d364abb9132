/**
 * Scale presets (ARCHITECTURE.md, "Facts": Scales): every experiment takes one, a notebook's config cell
 * picks it, and tests/CI use `smoke`.
 * - smoke: embedded synthetic 'smoke' data, 1-2 layer models with d 8..16: seconds.
 * - cpu:   synthetic 'cpu' data (millions of interactions), a ladder d 16..256: minutes to
 *          hours on a laptop CPU.
 * - paper: MovieLens-20M and Amazon 2018 (mixed, 30-core) with Table IV's ladder up to 0.8B
 *          parameters: needs a GPU.
 * A rung keeps Table IV's fields (layers, d_model, heads, epochs, global batch size).
 */
import { TABLE_IV } from '../models/params';

/** The preset names. */
export type ScaleName = 'smoke' | 'cpu' | 'paper';

/** Every preset name, in order of cost. */
export const SCALE_NAMES: readonly ScaleName[] = ['smoke', 'cpu', 'paper'];

/** One model size of a ladder, with its training budget (Table IV's columns). */
export interface LadderRung {
  readonly numLayers: number;
  readonly dim: number;
  readonly numHeads: number;
  readonly epochs: number;
  readonly batchSize: number;
}

/** Where a scale's data comes from: a source spec (lib/data/source.ts) and its k-core. */
export interface DataChoice {
  /** e.g. 'synthetic:smoke', 'dataset:ml-20m' (a name, resolved per machine: lib/data/load/index.ts); never an absolute path. */
  readonly spec: string;
  /** K of the iterative k-core on users and items (lib/data/pipeline.ts; paper: 30 for Amazon); 0 = none. */
  readonly core: number;
  readonly label: string;
}

/** A scale preset. JSON-serializable, so it can be part of a run's cache key. */
export interface ScalePreset {
  readonly name: ScaleName;
  readonly summary: string;
  readonly data: readonly DataChoice[];
  /** Maximum sequence length (paper: 50). */
  readonly maxLen: number;
  readonly ladder: readonly LadderRung[];
}

/** A ladder rung written out: layers, width, heads, epochs and batch size. */
export const rung = (numLayers: number, dim: number, numHeads: number, epochs: number, batchSize: number): LadderRung => ({
  numLayers, dim, numHeads, epochs, batchSize,
});

/** The three presets. */
export const SCALES: Readonly<Record<ScaleName, ScalePreset>> = {
  smoke: {
    name: 'smoke',
    summary: 'embedded synthetic smoke data (a few hundred users), 1-2 layer models with d 8..16; seconds (tests, CI)',
    data: [{ spec: 'synthetic:smoke', core: 0, label: 'Synthetic (smoke)' }],
    maxLen: 20,
    ladder: [rung(1, 8, 1, 2, 32), rung(2, 16, 2, 2, 32)],
  },
  cpu: {
    name: 'cpu',
    summary: 'synthetic cpu data (millions of interactions), ladder d 16..256; minutes to hours on a CPU',
    data: [{ spec: 'synthetic:cpu', core: 0, label: 'Synthetic (cpu)' }],
    maxLen: 50,
    ladder: [rung(1, 16, 1, 10, 128), rung(2, 32, 2, 10, 128), rung(2, 64, 2, 10, 128), rung(4, 128, 4, 8, 128), rung(4, 256, 8, 6, 128)],
  },
  paper: {
    name: 'paper',
    summary: "the paper's data (MovieLens-20M, Amazon 2018 mixed, 30-core) and Table IV's ladder up to 0.8B; needs a GPU",
    data: [
      { spec: 'dataset:ml-20m', core: 5, label: 'MovieLens-20M' },
      // The Amazon 2018 category files placed in <data folder>/amazon-2018/, mixed by user.
      { spec: 'dataset:amazon-2018', core: 30, label: 'Amazon (mix)' },
    ],
    maxLen: 50,
    ladder: TABLE_IV.map((r) => rung(r.numLayers, r.dim, r.numHeads, r.epochs, r.batchSize)),
  },
};

/** The scale of `npm run reproduce`'s miniature Figure 2a (not a table scale: no TABLE_PRESETS). */
export interface MiniatureScale extends Omit<ScalePreset, 'name'> {
  readonly name: 'default';
}

/**
 * The miniature scale: the embedded synthetic default (5,000 users, 2,000 items, ~265K rows) and a
 * ladder of five small LSRMs (N = 12·L·d² from 768 to 24,576), 2 epochs each at batch 32. By the
 * cost model ~1.2 TFLOP (~30 s at 20 GFLOP/s per core), but such small models run far below that
 * rate (L=1, d=16: 17 s of CPU for 2 epochs, ~10 GFLOP/s, plus evaluation); measured on this
 * 2-core machine shared with other jobs (load 8-9): 324 s for the ladder. Its files go to
 * figures/default/ (git-ignored).
 */
export const DEFAULT_SCALE: MiniatureScale = {
  name: 'default',
  summary: 'embedded synthetic default data, 5 small models (d 8..32): the miniature Figure 2a of `npm run reproduce`, a few minutes on 2 cores',
  data: [{ spec: 'synthetic:default', core: 0, label: 'Synthetic (default)' }],
  maxLen: 50,
  ladder: [rung(1, 8, 1, 2, 32), rung(1, 16, 1, 2, 32), rung(2, 16, 2, 2, 32), rung(1, 32, 2, 2, 32), rung(2, 32, 2, 2, 32)],
};

/**
 * The preset called `name`.
 * @throws with the list of valid names when there is none.
 */
export function getScale(name: string): ScalePreset {
  if (!(SCALE_NAMES as readonly string[]).includes(name)) {
    throw new Error(`unknown scale '${name}': use one of ${SCALE_NAMES.join(', ')}`);
  }
  return SCALES[name as ScaleName];
}

/**
 * The preset named by LSRM_SCALE, else `fallback`. Notebooks' config cells call this so
 * `LSRM_SCALE=smoke` (tests, `lsrm figures --scale`) overrides their default.
 * @example const scale = scaleFromEnv('cpu'); // 'smoke' under the notebook tests
 */
export function scaleFromEnv(fallback: ScaleName, env: Readonly<Record<string, string | undefined>> = process.env): ScalePreset {
  const name = env.LSRM_SCALE?.trim();
  return getScale(name ? name : fallback);
}
