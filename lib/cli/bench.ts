/**
 * `lsrm bench <what>`: benchmarks. `bench train` times LSRM training steps (lib/bench/train.ts),
 * `bench data` the data pipeline (lib/bench/data.ts), `bench eval` full-ranking evaluation
 * (lib/bench/eval.ts).
 * Sub-commands are the explicit map BENCHES; to add one (e.g. `data` from lib/bench/data.ts),
 * add an entry to BENCHES, its flags to OPTIONS, and a line to USAGE.
 */
import { initBackend, parseBackendName } from '../ops/backend';
import { benchTrain, formatKernels, formatTrainBench, TRAIN_BENCH_DEFAULTS } from '../bench/train';
import { benchData } from '../bench/data';
import { benchEval, EVAL_BENCH_DEFAULTS, formatEvalBench } from '../bench/eval';
import { ValidationError } from '../util/errors';
import { fusedMatMuls } from '../ops/wasm-simd';
import { intOption, oneOfOption, stringOption, UsageError, type Command, type OptionSpec, type OptionValues } from './command';

const USAGE = `usage: lsrm bench train [--json] [--profile] [--steps N] [--warmup N] [--batch B] [--items K,...] [--workers W,...] [--backend NAME]
       lsrm bench data [--json] [--core K] [--rows N] [--threads N] [--regenerate]
       lsrm bench eval [--json] [--users N] [--items I] [--workers W] [--batch B] [--backend NAME]

bench train   ms per LSRM training step (forward + backward + Adam) of the smallest Table IV model
              (L=2, d=64, 2 heads), length 50, full softmax over all items at every slot, with
              1 and N workers (replicas each computing the gradient of a share of the batch).
  --items K,...   item counts (default ${TRAIN_BENCH_DEFAULTS.items.join(',')}: MovieLens-100k and -20M)
  --workers W,... worker counts (default ${TRAIN_BENCH_DEFAULTS.workers.join(',')})
  --batch B       batch size (default ${TRAIN_BENCH_DEFAULTS.batch})
  --steps N       timed steps after warm-up (default ${TRAIN_BENCH_DEFAULTS.steps}); --warmup N (default ${TRAIN_BENCH_DEFAULTS.warmup})
  --backend NAME  tensorflow, wasm or cpu (default: the fastest that loads, or $LSRM_BACKEND)
  --json          one JSON object per line: items, batch, workers, msPerStep, modelGflops, matmulGflops,
                  peakMemoryMB, backend (plus cpuMsPerStep, busiestThreadMsPerStep, modelGflopsCpu, gflopPerStep,
                  loadAvg1, cores, kernels)
  --profile       also print the most expensive kernels of one step (to stderr)

bench data    wall time and peak memory of parse + 30-core + sequences + leave-one-out on an
              ML-20M-shaped CSV (about 138k users, 27k items, 20M rows), generated once into .bench/.
  --core K        k-core (default 30)
  --rows N        rows of the generated file (default 20,000,263); users and items scale with it
  --threads N     parse threads (default: the cores, for files of 16 MB and more); 1 = sequential
  --regenerate    write the CSV again
  --json          one JSON object: stages (wallMs, cpuMs, peakRssMB), totalMs, maxRssMB, threads,
                  loadAvg1, csvMB, stats

bench eval    full-ranking evaluation (scores against every item, rank, top-50, HR/NDCG/Coverage,
              loss) of the smallest Table IV model (L=2, d=64) on a synthetic ML-20M-shaped split,
              in batches, on every core: users/s, the encoder / scoring / ranking parts, peak RSS.
  --users N       users (default ${EVAL_BENCH_DEFAULTS.users.toLocaleString('en-US')}); --items I (default ${EVAL_BENCH_DEFAULTS.items.toLocaleString('en-US')})
  --workers W     worker threads, each evaluating a slice of the users (default: the cores)
  --batch B       users per batch (default: from evaluation's 64 MiB score budget)
  --backend NAME  as for bench train
  --json          one JSON object: usersPerSec, evalMs, cpuMs, encodeMs, scoreMs, rankMs,
                  peakRssMB, maxRssMB, workers, batchSize, metrics, loadAvg1, cores

The machine's load is reported: other processes on the same cores inflate the wall time.`;

const OPTIONS: OptionSpec = {
  json: { type: 'boolean' },
  profile: { type: 'boolean' },
  steps: { type: 'string' },
  warmup: { type: 'string' },
  batch: { type: 'string' },
  items: { type: 'string' },
  backend: { type: 'string' },
  core: { type: 'string' },
  rows: { type: 'string' },
  threads: { type: 'string' },
  users: { type: 'string' },
  workers: { type: 'string' },
  regenerate: { type: 'boolean' },
};

/** A comma-separated list of positive integers (--items, --workers). */
function intList(values: OptionValues, name: string): number[] | undefined {
  const s = stringOption(values, name);
  if (s === undefined) return undefined;
  const xs = s.split(',').map((x) => Number(x.trim()));
  if (xs.length === 0 || xs.some((k) => !Number.isInteger(k) || k < 1)) throw new ValidationError(`--${name}`, s, 'positive integers separated by commas');
  return xs;
}

function positive(values: OptionValues, name: string, fallback: number): number {
  return intOption(values, name, fallback, { min: name === 'warmup' ? 0 : 1 })!;
}

async function runTrainBench(values: OptionValues): Promise<number> {
  const config = {
    items: intList(values, 'items') ?? TRAIN_BENCH_DEFAULTS.items,
    workers: intList(values, 'workers') ?? TRAIN_BENCH_DEFAULTS.workers,
    batch: positive(values, 'batch', TRAIN_BENCH_DEFAULTS.batch),
    steps: positive(values, 'steps', TRAIN_BENCH_DEFAULTS.steps),
    warmup: positive(values, 'warmup', TRAIN_BENCH_DEFAULTS.warmup),
  };
  const name = oneOfOption(values, 'backend', ['tensorflow', 'wasm', 'cpu'] as const);
  const info = await initBackend(name === undefined ? undefined : parseBackendName(name));
  if (info.warning) process.stderr.write(info.warning + '\n');
  const fma = info.name === 'wasm' ? (fusedMatMuls() ? ', matMuls with fused multiply-adds' : ', matMuls without FMA (LSRM_FMA=0 or no relaxed SIMD)') : '';
  process.stderr.write(`backend ${info.name} (tfjs ${info.tfjsVersion}${info.threads ? `, ${info.threads} thread` : ''}${fma})\n`);
  await benchTrain(config, (r) => {
    process.stdout.write((values.json ? JSON.stringify(r) : formatTrainBench(r)) + '\n');
    if (values.profile) process.stderr.write(`kernels of one step (items=${r.items}, workers=${r.workers}${r.workers > 1 ? ', this thread\'s share' : ''}):\n${formatKernels(r)}\n`);
  });
  return 0;
}

async function runDataBench(values: OptionValues): Promise<number> {
  const core = intOption(values, 'core', 30, { min: 0 })!;
  const rows = intOption(values, 'rows', undefined, { min: 1000 });
  // Scale users and items with the row count so a smaller file keeps ML-20M's shape.
  const f = rows === undefined ? 1 : rows / 20_000_263;
  const shape = rows === undefined ? {} : { numRows: rows, numUsers: Math.max(50, Math.round(138_493 * f)), numItems: Math.max(50, Math.round(26_744 * f)) };
  const threads = intOption(values, 'threads', undefined, { min: 1 });
  const r = await benchData({ core, shape, regenerate: values.regenerate === true, ...(threads === undefined ? {} : { threads }) });
  if (values.json) {
    const { stats, ...rest } = r;
    process.stdout.write(JSON.stringify({ ...rest, summary: undefined, users: stats.users, items: stats.items, interactions: stats.interactions, testUsers: stats.testUsers }) + '\n');
  } else process.stdout.write(r.summary + '\n');
  return 0;
}

async function runEvalBench(values: OptionValues): Promise<number> {
  const workers = intOption(values, 'workers', undefined, { min: 1 });
  const batchSize = intOption(values, 'batch', undefined, { min: 1 });
  const config = {
    users: intOption(values, 'users', EVAL_BENCH_DEFAULTS.users, { min: 1 })!,
    items: intOption(values, 'items', EVAL_BENCH_DEFAULTS.items, { min: 50 })!,
    ...(workers === undefined ? {} : { workers }),
    ...(batchSize === undefined ? {} : { batchSize }),
  };
  const name = oneOfOption(values, 'backend', ['tensorflow', 'wasm', 'cpu'] as const);
  const info = await initBackend(name === undefined ? undefined : parseBackendName(name));
  if (info.warning) process.stderr.write(info.warning + '\n');
  const r = await benchEval(config, info.name);
  process.stdout.write((values.json ? JSON.stringify(r) : formatEvalBench(r)) + '\n');
  return 0;
}

/** Benchmarks by sub-command name. */
export const BENCHES: Record<string, (values: OptionValues, rest: string[]) => Promise<number>> = {
  train: (values) => runTrainBench(values),
  data: (values) => runDataBench(values),
  eval: (values) => runEvalBench(values),
};

export const benchCommand: Command = {
  name: 'bench',
  summary: 'benchmarks: `bench train` (training-step speed), `bench data` (pipeline time and memory), `bench eval` (full-ranking evaluation speed)',
  usage: USAGE,
  options: OPTIONS,
  async run(values, positionals) {
    const [what, ...rest] = positionals;
    const fn = what === undefined ? undefined : BENCHES[what];
    if (!fn) throw new UsageError(what === undefined ? 'which benchmark? one of: ' + Object.keys(BENCHES).join(', ') : `unknown benchmark '${what}': one of ${Object.keys(BENCHES).join(', ')}`);
    return fn(values, rest);
  },
};
