/**
 * `lsrm train`: train one model (any MODELS kind) into a run directory (lib/runs/run.ts), with a progress bar on
 * stderr and the final valid/test metrics on stdout. Killed, the same command resumes; finished,
 * it prints the stored result. --dry-run prints the run's estimate (lib/cli/sweep.ts,
 * estimateTable) instead and trains nothing. --workers N spreads each batch's gradient and the
 * evaluations over N replicas (lib/train/parallel.ts), by default one per core.
 */
import { availableParallelism } from 'node:os';
import { ValidationError } from '../util/errors';
import { initBackend } from '../ops/backend';
import { createProgress, type Progress } from '../train/progress';
import { normalizeRunConfig, trainRun, type ModelSpec, type RunConfigInput, type RunResultFile } from '../runs/run';
import { runsDir } from '../util/paths';
import { runLabel } from '../sweep/spec';
import { dropoutRatesOf } from '../runs/build';
import { checkTrainConfig, TRAIN_DEFAULTS, type TrainConfig } from '../train/train-config';
import { defaultShape, MODEL_KINDS, MODELS, modelEntry } from '../models';
import type { ModelShape } from '../models/types';
import { checkOutDir, intOption, numberOption, oneOfOption, stringOption, UsageError, type Command, type OptionValues } from './command';
import { prepareRunData } from './data';
import { estimateTable } from './sweep';

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
  --hold-out-users F
                    leave a seeded fraction F of the users (after the k-core) out of training
                    entirely, for \`lsrm task cold-start\` (paper V-C: 0.2); --hold-out-seed S (default 0)
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
  --patience-min-steps S
                    ... and at least S optimizer steps (default ${TRAIN_DEFAULTS.patienceMinSteps}; small data has short epochs)
  --select M        validation metric for selection: loss or NDCG@10 (default ${TRAIN_DEFAULTS.selectBy})
  --no-lad          same dropout in every layer instead of layer-wise adaptive dropout
  --no-switch       Adam only, no switch to SGD
  --seed S          seed of init, batch order and dropout (default 0)
  --workers N       replicas computing each batch's gradient and the evaluations, this thread
                    and N-1 worker threads (default: the cores, here ${availableParallelism()}); not part of
                    the run's config: N only spreads the work (up to the order of float sums)
  --out DIR         run directory (required)
  --json            print result.json instead of a table
  --dry-run         print this run's steps per epoch, parameters, memory and time (as
                    \`lsrm sweep run --dry-run\`; caches in $LSRM_RUNS_DIR or runs/), train nothing
  --lenient         skip malformed data rows (counted) instead of stopping at the first one
  --allow-data-change
                    resume or reuse a run although its data changed since it started
Backend: LSRM_BACKEND=tensorflow|wasm|cpu forces one (default: fastest available).`;

/** The divisors of n, ascending. */
function divisors(n: number): number[] {
  const out: number[] = [];
  for (let k = 1; k <= n; k++) if (n % k === 0) out.push(k);
  return out;
}

/**
 * Refuse a head count that does not divide the width (attention splits d into heads).
 * @throws ValidationError listing the valid head counts
 */
export function checkHeads(heads: number, dim: number): void {
  if (dim % heads !== 0) throw new ValidationError('--heads', heads, `a divisor of --d-model ${dim} (one of ${divisors(dim).join(', ')})`);
}

/** The model spec from parsed options: the kind's defaults, flags checked with their ranges. */
export function modelFromOptions(v: OptionValues): ModelSpec {
  const kind = oneOfOption(v, 'model', MODEL_KINDS, 'lsrm')!;
  const shape = defaultShape(kind);
  const dim = intOption(v, 'd-model', shape.dim, { min: 1 })!;
  const numHeads = intOption(v, 'heads', shape.numHeads, { min: 1 })!;
  if (MODELS[kind].shapeFields.includes('numHeads')) checkHeads(numHeads, dim);
  return {
    kind,
    numLayers: intOption(v, 'layers', shape.numLayers, { min: 1 })!,
    dim,
    numHeads,
    maxLen: intOption(v, 'max-len', shape.maxLen, { min: 1 })!,
  };
}

/** The run config from parsed options; every number is checked against its range. */
export function runConfigFromOptions(v: OptionValues): RunConfigInput {
  const source = stringOption(v, 'source');
  const dataset = stringOption(v, 'dataset');
  if ((source === undefined) === (dataset === undefined)) throw new UsageError('give exactly one of --source or --dataset');
  const model = modelFromOptions(v);
  const train: Partial<TrainConfig> = {
    epochs: intOption(v, 'epochs', undefined, { min: 1 }),
    maxEpochs: intOption(v, 'max-epochs', TRAIN_DEFAULTS.maxEpochs, { min: 1 }),
    patience: intOption(v, 'patience', TRAIN_DEFAULTS.patience, { min: 1 }),
    batchSize: intOption(v, 'batch-size', TRAIN_DEFAULTS.batchSize, { min: 1 }),
    lrPeak: numberOption(v, 'lr', TRAIN_DEFAULTS.lrPeak, { min: 0, exclusiveMin: true }),
    warmupEpochs: numberOption(v, 'warmup-epochs', TRAIN_DEFAULTS.warmupEpochs, { min: 0 }),
    layerwiseDropout: v['no-lad'] !== true,
    switchOptimizer: v['no-switch'] !== true,
    patienceMinSteps: intOption(v, 'patience-min-steps', TRAIN_DEFAULTS.patienceMinSteps, { min: 0 }),
    selectBy: oneOfOption(v, 'select', ['loss', 'NDCG@10'] as const, TRAIN_DEFAULTS.selectBy),
    seed: intOption(v, 'seed', 0, { min: 0, max: 2 ** 32 - 1 }),
  };
  if (train.epochs === undefined) delete (train as { epochs?: number }).epochs; // keep config.json free of undefined
  const holdOut = numberOption(v, 'hold-out-users', undefined, { min: 0, max: 1, exclusiveMin: true, exclusiveMax: true });
  const holdOutSeed = intOption(v, 'hold-out-seed', undefined, { min: 0, max: 2 ** 32 - 1 });
  if (holdOut === undefined && holdOutSeed !== undefined) throw new UsageError('--hold-out-seed needs --hold-out-users');
  const data = { source: source ?? `dataset:${dataset}`, core: intOption(v, 'core', 0, { min: 0 })! };
  return { data: holdOut === undefined ? data : { ...data, holdOutUsers: { fraction: holdOut, seed: holdOutSeed ?? 0 } }, model, train };
}

/**
 * Build the model once on paper (1 item) so a shape its model refuses fails now, before any
 * data is read or file written (a ConfigError: exit 2).
 */
function checkModelConfig(config: RunConfigInput): void {
  const train = checkTrainConfig({ ...TRAIN_DEFAULTS, ...config.train });
  modelEntry(config.model.kind).fromShape(config.model, { numItems: 1, layerDropout: (n) => dropoutRatesOf(n, train) });
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

/** --dry-run: the estimate table of this one run on stdout; nothing is trained or written to --out. */
async function dryRun(config: RunConfigInput): Promise<number> {
  const full = normalizeRunConfig(config);
  process.stdout.write(await estimateTable([{ label: runLabel(full), config: full }], runsDir(), { log: (m) => process.stderr.write(`train: ${m}`) }));
  return 0;
}

async function runTrain(v: OptionValues): Promise<number> {
  if (v['dry-run'] === true) {
    const config = runConfigFromOptions(v);
    checkModelConfig(config);
    return dryRun(config);
  }
  const out = stringOption(v, 'out');
  if (!out) throw new UsageError('--out DIR is required');
  checkOutDir('out', out);
  const config = runConfigFromOptions(v);
  checkModelConfig(config);
  const workers = intOption(v, 'workers', availableParallelism(), { min: 1, max: 64 })!;
  const err = (s: string) => process.stderr.write(s);
  const lenient = v.lenient === true;
  const backend = await initBackend();
  err(`train: ${config.data.source}, ${config.model.kind} L=${config.model.numLayers} d=${config.model.dim}, backend ${backend.name}${backend.warning ? ` (${backend.warning})` : ''}, ${workers} worker${workers === 1 ? '' : 's'}\n`);
  let bar: Progress | undefined;
  let barEpoch = 0;
  let epochStart = Date.now();
  const result = await trainRun(config, out, {
    // trainRun reads the data before it writes anything (a finished run needs none); a k-core
    // that keeps no user or data without test users stops here, before any training.
    deps: { prepare: (data) => prepareRunData(data, { lenient, log: (m) => err(`train: ${m}\n`) }) },
    allowDataChange: v['allow-data-change'] === true,
    workers,
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
    lr: { type: 'string' }, 'warmup-epochs': { type: 'string' }, select: { type: 'string' }, 'patience-min-steps': { type: 'string' }, 'hold-out-users': { type: 'string' }, 'hold-out-seed': { type: 'string' }, 'no-lad': { type: 'boolean' }, 'no-switch': { type: 'boolean' },
    seed: { type: 'string' }, out: { type: 'string' }, json: { type: 'boolean' }, 'dry-run': { type: 'boolean' },
    lenient: { type: 'boolean' }, 'allow-data-change': { type: 'boolean' }, workers: { type: 'string' },
  },
  run: (values) => runTrain(values),
};
