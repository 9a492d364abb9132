/**
 * Paper-scale presets of the backbone comparison (issue 14, item 5): the MovieLens-1M and
 * MovieLens-20M configurations of the HSTU README (meta-recsys/generative-recommenders,
 * configs/{ml-1m,ml-20m}/{sasrec,hstu}-sampled-softmax-n128[-large]-final.gin, results "verified as
 * of 04/15/2024") and FuXi-alpha's (USTC-StarTeam/FuXi-alpha, configs/{ml-1m,ml-20m}/fuxi-*.gin),
 * as sweeps of this lab, with the published full-ranking test numbers to compare against. They
 * need a GPU (ARCHITECTURE.md, "Scales": paper): HSTU-large on ML-20M is 8 layers at sequence
 * length 200 over 138k users.
 *
 * Taken from the configs: sequence length 200; item embedding d (50 on ML-1M, 256 on ML-20M);
 * blocks, heads and per-head widths (dqk = dv = d / heads in every config, which is how our HSTU
 * and FuXi-alpha split d); dropout 0.2 on the input and in every layer; batch 128; learning rate
 * 1e-3, constant (no warmup, no decay); weight decay 0; 101 epochs; L2-normalised user and item
 * embeddings with temperature 0.05 (our HSTU and FuXi-alpha defaults, hstu.ts); full-ranking
 * HR@10 and NDCG@10 of the last item.
 *
 * What differs, so the numbers are comparable in protocol but not identical runs:
 *   - loss: the authors' sampled softmax over 128 sampled negatives; ours the full softmax over
 *     all items (the README notes that full negatives favour a model);
 *   - optimizer: their AdamW with betas (0.9, 0.98); ours Adam with (0.9, 0.999)
 *     (lib/train/optimizer.ts), no switch to SGD; the best epoch by validation NDCG@10;
 *   - data: our leave-one-out split (III-D) of `dataset:ml-1m` / `dataset:ml-20m` without k-core;
 *     their preprocess_public_data.py and dataset code; our training windows cover every
 *     interaction of a user once per epoch (lib/data/batch.ts);
 *   - SASRec: our LSRM (pre-LayerNorm, GELU feed-forward of width 4d) at the config's layers,
 *     d and heads; their SASRec has a ReLU feed-forward of width d (ffn_hidden_dim);
 *   - tables: their position and relative-position tables span 200 + 11 slots (max_output_len),
 *     ours 200;
 *   - timestamps: the trainer and evaluator pass each window's times (int32 seconds relative to
 *     its first item) to HSTU's and FuXi-alpha's time bias, as the authors' rel_bias does; data
 *     without times (all equal) falls back to positions alone.
 *
 * How to run (ML-1M in $LSRM_DATA_DIR/ml-1m or downloaded on first use, a GPU backend):
 *   1. write the sweep:  lsrm sweep preset backbones-ml-1m [--seeds 0,1,2] --out ml-1m-backbones.json
 *   2. train:            lsrm sweep run ml-1m-backbones.json [--executor slurm --gpus 1]
 *   3. compare:          lsrm sweep preset backbones-ml-1m --compare [--seeds 0,1,2]
 *      (each model's test HR@10 / NDCG@10, mean over the stored seeds, against `published` below).
 */
import type { ModelSpec } from '../runs/build';
import type { SweepSpec } from '../sweep/spec';
import type { TrainConfig } from '../train/train-config';

/** Full-ranking test metrics as the README prints them. */
export interface PublishedMetrics {
  readonly 'HR@10': number;
  readonly 'NDCG@10': number;
  readonly 'HR@50': number;
  readonly 'NDCG@50': number;
  readonly 'HR@200': number;
  readonly 'NDCG@200': number;
}

/** One published configuration as a model spec of this lab. */
export interface BackbonePreset {
  /** The row's name in the README ('HSTU-large') or the config's ('FuXi-α'). */
  readonly label: string;
  readonly model: ModelSpec;
  /** The config file it reproduces, as repository:path. */
  readonly config: string;
  /** The README's numbers; absent where we hold none we could check (FuXi-alpha's README has none). */
  readonly published?: PublishedMetrics;
}

/** The presets of one dataset. */
export interface BackboneDataset {
  /** A named dataset (lib/data/datasets.ts). */
  readonly source: string;
  readonly models: readonly BackbonePreset[];
}

export type BackboneDatasetName = 'ml-1m' | 'ml-20m';

/** The training settings every config shares (see the header), in TrainConfig terms. */
export const BACKBONE_TRAIN: Partial<TrainConfig> = {
  epochs: 101,
  batchSize: 128,
  lrPeak: 1e-3,
  lrMinRatio: 1, // constant: no decay
  warmupEpochs: 0,
  warmupMinSteps: 0,
  weightDecay: 0,
  layerwiseDropout: false, // fixed (bottom + top) / 2 = 0.2 in every layer and on the input
  dropoutBottom: 0.2,
  dropoutTop: 0.2,
  switchOptimizer: false,
  selectBy: 'NDCG@10',
};

const MAX_LEN = 200;
const HSTU_REPO = 'meta-recsys/generative-recommenders';
const FUXI_REPO = 'USTC-StarTeam/FuXi-alpha';

function preset(label: string, kind: ModelSpec['kind'], numLayers: number, dim: number, numHeads: number, config: string, published?: PublishedMetrics): BackbonePreset {
  return { label, model: { kind, numLayers, dim, numHeads, maxLen: MAX_LEN }, config, ...(published ? { published } : {}) };
}

function metrics(hr10: number, ndcg10: number, hr50: number, ndcg50: number, hr200: number, ndcg200: number): PublishedMetrics {
  return { 'HR@10': hr10, 'NDCG@10': ndcg10, 'HR@50': hr50, 'NDCG@50': ndcg50, 'HR@200': hr200, 'NDCG@200': ndcg200 };
}

/** The configurations and the README's numbers per dataset. */
export const BACKBONE_PRESETS: Readonly<Record<BackboneDatasetName, BackboneDataset>> = {
  'ml-1m': {
    source: 'dataset:ml-1m',
    models: [
      preset('SASRec', 'lsrm', 2, 50, 1, `${HSTU_REPO}:configs/ml-1m/sasrec-sampled-softmax-n128-final.gin`, metrics(0.2853, 0.1603, 0.5474, 0.2185, 0.7528, 0.2498)),
      preset('HSTU', 'hstu', 2, 50, 1, `${HSTU_REPO}:configs/ml-1m/hstu-sampled-softmax-n128-final.gin`, metrics(0.3097, 0.172, 0.5754, 0.2307, 0.7716, 0.2606)),
      preset('HSTU-large', 'hstu', 8, 50, 2, `${HSTU_REPO}:configs/ml-1m/hstu-sampled-softmax-n128-large-final.gin`, metrics(0.3294, 0.1893, 0.5935, 0.2481, 0.7839, 0.2771)),
      preset('FuXi-α', 'fuxi', 2, 50, 1, `${FUXI_REPO}:configs/ml-1m/fuxi-sampled-softmax-n128-final.gin`),
      preset('FuXi-α-large', 'fuxi', 8, 50, 2, `${FUXI_REPO}:configs/ml-1m/fuxi-sampled-softmax-n128-large-final.gin`),
    ],
  },
  'ml-20m': {
    source: 'dataset:ml-20m',
    models: [
      preset('SASRec', 'lsrm', 4, 256, 4, `${HSTU_REPO}:configs/ml-20m/sasrec-sampled-softmax-n128-final.gin`, metrics(0.2889, 0.1621, 0.5503, 0.2199, 0.7661, 0.2527)),
      preset('HSTU', 'hstu', 2, 256, 4, `${HSTU_REPO}:configs/ml-20m/hstu-sampled-softmax-n128-final.gin`, metrics(0.3273, 0.1895, 0.5889, 0.2473, 0.7952, 0.2787)),
      preset('HSTU-large', 'hstu', 8, 256, 8, `${HSTU_REPO}:configs/ml-20m/hstu-sampled-softmax-n128-large-final.gin`, metrics(0.3556, 0.2098, 0.6143, 0.2671, 0.8074, 0.2965)),
      preset('FuXi-α', 'fuxi', 2, 256, 4, `${FUXI_REPO}:configs/ml-20m/fuxi-sampled-softmax-n128-final.gin`),
      preset('FuXi-α-large', 'fuxi', 8, 256, 8, `${FUXI_REPO}:configs/ml-20m/fuxi-sampled-softmax-n128-large-final.gin`),
    ],
  },
};

/**
 * The sweep of one dataset's presets (lib/sweep/spec.ts): one run per configuration and seed,
 * BACKBONE_TRAIN for every run. JSON-serializable: `lsrm sweep run` takes it as a file.
 * @example backboneSweep('ml-1m').runs.length // 5
 */
export function backboneSweep(dataset: BackboneDatasetName, seeds: readonly number[] = [0]): SweepSpec {
  const d = BACKBONE_PRESETS[dataset];
  if (!d) throw new Error(`backboneSweep: unknown dataset '${String(dataset)}': one of ${Object.keys(BACKBONE_PRESETS).join(', ')}`);
  if (seeds.length === 0 || seeds.some((s) => !Number.isInteger(s) || s < 0)) throw new Error(`backboneSweep: seeds must be integers >= 0, at least one, got [${seeds.join(', ')}]`);
  return {
    base: { data: { source: d.source, core: 0 }, train: { ...BACKBONE_TRAIN } },
    axes: { 'train.seed': [...seeds] },
    runs: d.models.map((p) => ({ model: { ...p.model } })),
  };
}
