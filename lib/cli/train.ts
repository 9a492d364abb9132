/**
 * `lsrm train`: train one model (any MODELS kind) into a run directory (lib/runs/run.ts), with a progress bar on
 * stderr and the final valid/test metrics on stdout. Killed, the same command resumes; finished,
 * it prints the stored result.
 */
import { initBackend } from '../ops/backend';
import { createProgress, type Progress } from '../train/progress';
import { trainRun, type RunConfigInput, type RunResultFile } from '../runs/run';
import { TRAIN_DEFAULTS, type TrainConfig } from '../train/train-config';
import { defaultShape, isModelKind, MODEL_KINDS, MODELS } from '../models';
import type { ModelShape } from '../models/types';
import { intOption, numberOption, stringOption, UsageError, type Command, type OptionValues } from './command';

/** The flag of each generic shape field. */
const SHAPE_FLAGS: Readonly<Record<keyof ModelShape, string | undefined>> = { numLayers: '--layers', dim: '--d-model', numHeads: '--heads', maxLen: '--max-len', embDropout: undefined };

/** One help line per registry kind: its label and the shape flags it reads. */
function modelLines(): string {
  const width = Math.max(...MODEL_KINDS.map((k) => k.length));
  return MODEL_KINDS.map((k) => {
    const flags = MODELS[k].shapeFields.map((f) => SHAPE_FLAGS[f]).filter((f) => f !== undefined);
    return `                      ${k.padEnd(width)}  ${MODELS[k].label}, reads ${flags.join(' ')}`;
  }).join('\n');
}

const LSRM_SHAPE = defaultShape('lsrm');

const USAGE = `usage: lsrm train (--source <kind>:<path> | --dataset <name>) --out DIR [options]

Train a sequential recommender language-model style (full softmax, every position), select the
best epoch by validation, and write DIR/{config,curve,result}.json, DIR/checkpoint/, DIR/last/.
Run the same command again after an interruption to resume; a finished run is not retrained.

data
  --source S        atomic:FILE.inter, movielens:DIR, amazon:PATH, csv:FILE, synthetic[:preset]
  --dataset NAME    a named dataset instead (ml-100k, ml-1m, ml-20m, amazon-<Category>, ...)
  --core K          iterative K-core on users and items (default 0 = none; paper: 30 on Amazon)
model
  --model KIND      one of (default lsrm):
${modelLines()}
  --layers L        layers (default ${LSRM_SHAPE.numLayers})                --d-model D   width (default ${LSRM_SHAPE.dim})
  --heads H         attention heads (default ${LSRM_SHAPE.numHeads})       --max-len T   sequence length (default ${LSRM_SHAPE.maxLen})
                    (defaults are the model's own; a flag it does not read is stored, unused)
training
  --epochs E        fixed epoch count (default: until validation stops improving)
  --max-epochs N    cap when --epochs is not given (default ${TRAIN_DEFAULTS.maxEpochs})
  --patience P      epochs without improvement before switch / stop (default ${TRAIN_DEFAULTS.patience})
  --batch-size B    windows per batch (default ${TRAIN_DEFAULTS.batchSize})
  --lr X            peak learning rate (default ${TRAIN_DEFAULTS.lrPeak})
  --warmup-epochs W linear warmup length in epochs (default ${TRAIN_DEFAULTS.warmupEpochs})
  --select M        validation metric for selection: loss or NDCG@10 (default loss)
  --no-lad          same dropout in every layer instead of layer-wise adaptive dropout
  --no-switch       Adam only, no switch to SGD
  --seed S          seed of init, batch order and dropout (default 0)
  --out DIR         run directory (required)
  --json            print result.json instead of a table
Backend: LSRM_BACKEND=tensorflow|wasm|cpu forces one (default: fastest available).`;

/** The run config from parsed options. */
export function runConfigFromOptions(v: OptionValues): RunConfigInput {
  const source = stringOption(v, 'source');
  const dataset = stringOption(v, 'dataset');
  if ((source === undefined) === (dataset === undefined)) throw new UsageError('give exactly one of --source or --dataset');
  const kind = stringOption(v, 'model', 'lsrm')!;
  if (!isModelKind(kind)) throw new UsageError(`--model takes one of ${MODEL_KINDS.join(', ')}, got '${kind}'`);
  const shape = defaultShape(kind);
  const select = stringOption(v, 'select', 'loss');
  if (select !== 'loss' && select !== 'NDCG@10') throw new UsageError(`--select takes loss or NDCG@10, got '${select}'`);
  const train: Partial<TrainConfig> = {
    epochs: intOption(v, 'epochs'),
    maxEpochs: intOption(v, 'max-epochs', TRAIN_DEFAULTS.maxEpochs),
    patience: intOption(v, 'patience', TRAIN_DEFAULTS.patience),
    batchSize: intOption(v, 'batch-size', TRAIN_DEFAULTS.batchSize),
    lrPeak: numberOption(v, 'lr', TRAIN_DEFAULTS.lrPeak),
    warmupEpochs: numberOption(v, 'warmup-epochs', TRAIN_DEFAULTS.warmupEpochs),
    layerwiseDropout: v['no-lad'] !== true,
    switchOptimizer: v['no-switch'] !== true,
    selectBy: select,
    seed: intOption(v, 'seed', 0),
  };
  if (train.epochs === undefined) delete (train as { epochs?: number }).epochs; // keep config.json free of undefined
  return {
    data: { source: source ?? `dataset:${dataset}`, core: intOption(v, 'core', 0)! },
    model: {
      kind,
      numLayers: intOption(v, 'layers', shape.numLayers)!,
      dim: intOption(v, 'd-model', shape.dim)!,
      numHeads: intOption(v, 'heads', shape.numHeads)!,
      maxLen: intOption(v, 'max-len', shape.maxLen)!,
    },
    train,
  };
}

/** Two-column table of valid and test metrics. */
export function formatResult(r: RunResultFile): string {
  const keys = Object.keys(r.metrics.test);
  const width = Math.max(8, ...keys.map((k) => k.length));
  const lines = [`${'metric'.padEnd(width)}  ${'valid'.padStart(8)}  ${'test'.padStart(8)}`];
  for (const k of keys) lines.push(`${k.padEnd(width)}  ${(r.metrics.valid[k] ?? NaN).toFixed(4).padStart(8)}  ${r.metrics.test[k].toFixed(4).padStart(8)}`);
  lines.push(`best epoch ${r.bestEpoch} of ${r.epochs} (${r.stoppedBy}), SGD from epoch ${r.switchEpoch || '-'}, ${(r.wallMs / 1000).toFixed(1)} s on ${r.env.backend}`);
  return lines.join('\n') + '\n';
}

async function runTrain(v: OptionValues): Promise<number> {
  const out = stringOption(v, 'out');
  if (!out) throw new UsageError('--out DIR is required');
  const config = runConfigFromOptions(v);
  const backend = await initBackend();
  const err = (s: string) => process.stderr.write(s);
  err(`train: ${config.data.source}, ${config.model.kind} L=${config.model.numLayers} d=${config.model.dim}, backend ${backend.name}${backend.warning ? ` (${backend.warning})` : ''}\n`);
  let bar: Progress | undefined;
  let barEpoch = 0;
  let epochStart = Date.now();
  const result = await trainRun(config, out, {
    log: (m) => err(`train: ${m}\n`),
    onStep: (s) => {
      if (s.epoch !== barEpoch) {
        barEpoch = s.epoch;
        bar = createProgress({ stream: process.stderr, label: `epoch ${s.epoch}`, startMs: epochStart });
      }
      bar!.update(s.batch, s.batchesPerEpoch, `loss ${s.loss.toFixed(4)}`);
    },
    onEpoch: (row) => {
      const text = `train ${row.trainLoss.toFixed(4)} valid ${row.validLoss.toFixed(4)} NDCG@10 ${row.validNdcg10.toFixed(4)} lr ${row.lr.toExponential(2)} ${row.optimizer}`;
      if (bar) bar.finish(text);
      else err(`epoch ${row.epoch} ${text}\n`);
      epochStart = Date.now();
    },
  });
  process.stdout.write(v.json === true ? JSON.stringify(result, null, 2) + '\n' : formatResult(result));
  return 0;
}

export const trainCommand: Command = {
  name: 'train',
  summary: 'train a model into a run directory (resumable), print valid/test metrics',
  usage: USAGE,
  options: {
    source: { type: 'string' }, dataset: { type: 'string' }, core: { type: 'string' },
    model: { type: 'string' }, layers: { type: 'string' }, 'd-model': { type: 'string' }, heads: { type: 'string' }, 'max-len': { type: 'string' },
    epochs: { type: 'string' }, 'max-epochs': { type: 'string' }, patience: { type: 'string' }, 'batch-size': { type: 'string' },
    lr: { type: 'string' }, 'warmup-epochs': { type: 'string' }, select: { type: 'string' }, 'no-lad': { type: 'boolean' }, 'no-switch': { type: 'boolean' },
    seed: { type: 'string' }, out: { type: 'string' }, json: { type: 'boolean' },
  },
  run: (values) => runTrain(values),
};
