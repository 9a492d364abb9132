/**
 * `lsrm bench <what>`: benchmarks. `bench train` times LSRM training steps (lib/bench/train.ts).
 * Sub-commands are the explicit map BENCHES; to add one (e.g. `data` from lib/bench/data.ts),
 * add an entry to BENCHES, its flags to OPTIONS, and a line to USAGE.
 */
import { initBackend, parseBackendName } from '../train/backend';
import { benchTrain, formatKernels, formatTrainBench, TRAIN_BENCH_DEFAULTS } from '../bench/train';
import { intOption, stringOption, UsageError, type Command, type OptionSpec, type OptionValues } from './command';

const USAGE = `usage: lsrm bench train [--json] [--profile] [--steps N] [--warmup N] [--batch B] [--items K,...] [--backend NAME]

bench train   ms per LSRM training step (forward + backward + Adam) of the smallest Table IV model
              (L=2, d=64, 2 heads), length 50, full softmax over all items at every slot.
  --items K,...   item counts (default ${TRAIN_BENCH_DEFAULTS.items.join(',')}: MovieLens-100k and -20M)
  --batch B       batch size (default ${TRAIN_BENCH_DEFAULTS.batch})
  --steps N       timed steps after warm-up (default ${TRAIN_BENCH_DEFAULTS.steps}); --warmup N (default ${TRAIN_BENCH_DEFAULTS.warmup})
  --backend NAME  tensorflow, wasm or cpu (default: the fastest that loads, or $LSRM_BACKEND)
  --json          one JSON object per line: items, batch, msPerStep, modelGflops, matmulGflops,
                  peakMemoryMB, backend (plus cpuMsPerStep, modelGflopsCpu, gflopPerStep,
                  loadAvg1, cores, kernels)
  --profile       also print the most expensive kernels of one step (to stderr)
The machine's load is reported: other processes on the same cores inflate the wall time.`;

const OPTIONS: OptionSpec = {
  json: { type: 'boolean' },
  profile: { type: 'boolean' },
  steps: { type: 'string' },
  warmup: { type: 'string' },
  batch: { type: 'string' },
  items: { type: 'string' },
  backend: { type: 'string' },
};

function itemList(values: OptionValues): number[] | undefined {
  const s = stringOption(values, 'items');
  if (s === undefined) return undefined;
  const items = s.split(',').map((x) => Number(x.trim()));
  if (items.length === 0 || items.some((k) => !Number.isInteger(k) || k < 1)) throw new UsageError(`--items takes positive integers separated by commas, got '${s}'`);
  return items;
}

function positive(values: OptionValues, name: string, fallback: number): number {
  const v = intOption(values, name, fallback) as number;
  if (v < (name === 'warmup' ? 0 : 1)) throw new UsageError(`--${name} must be ${name === 'warmup' ? '>= 0' : '>= 1'}, got ${v}`);
  return v;
}

async function runTrainBench(values: OptionValues): Promise<number> {
  const config = {
    items: itemList(values) ?? TRAIN_BENCH_DEFAULTS.items,
    batch: positive(values, 'batch', TRAIN_BENCH_DEFAULTS.batch),
    steps: positive(values, 'steps', TRAIN_BENCH_DEFAULTS.steps),
    warmup: positive(values, 'warmup', TRAIN_BENCH_DEFAULTS.warmup),
  };
  const name = stringOption(values, 'backend');
  const info = await initBackend(name === undefined ? undefined : parseBackendName(name));
  if (info.warning) process.stderr.write(info.warning + '\n');
  process.stderr.write(`backend ${info.name} (tfjs ${info.tfjsVersion}${info.threads ? `, ${info.threads} thread` : ''})\n`);
  await benchTrain(config, (r) => {
    process.stdout.write((values.json ? JSON.stringify(r) : formatTrainBench(r)) + '\n');
    if (values.profile) process.stderr.write(`kernels of one step (items=${r.items}):\n${formatKernels(r)}\n`);
  });
  return 0;
}

/** Benchmarks by sub-command name (the integrator adds `data` here). */
export const BENCHES: Record<string, (values: OptionValues, rest: string[]) => Promise<number>> = {
  train: (values) => runTrainBench(values),
};

export const benchCommand: Command = {
  name: 'bench',
  summary: 'benchmarks: `bench train` times LSRM training steps',
  usage: USAGE,
  options: OPTIONS,
  async run(values, positionals) {
    const [what, ...rest] = positionals;
    const fn = what === undefined ? undefined : BENCHES[what];
    if (!fn) throw new UsageError(what === undefined ? 'which benchmark? one of: ' + Object.keys(BENCHES).join(', ') : `unknown benchmark '${what}': one of ${Object.keys(BENCHES).join(', ')}`);
    return fn(values, rest);
  },
};
