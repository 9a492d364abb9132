/**
 * `lsrm sweep`: run a grid of trainings (a sweep spec, lib/sweep/spec.ts) into the result store.
 *   run SPEC       train every run not yet in the store: locally (child processes, a live table
 *                  on stderr) or as a Slurm job array; --dry-run prints estimates instead
 *   status SPEC    where each run stands: from the store's files, and from Slurm's queue when the
 *                  sweep was submitted there (also for a manifest: --manifest FILE)
 *   exec           the worker: train one run of a manifest, JSON-line events on stdout
 *   resubmit SPEC --failed   submit the failed runs to Slurm again
 * Results go to stdout, progress to stderr. `estimateTable` is also what `lsrm train --dry-run`
 * prints, and `sweepOptionsOf` reads the executor flags `lsrm figures` shares.
 */
import { availableParallelism, cpus } from 'node:os';
import { resolve } from 'node:path';
import { initBackend } from '../ops/backend';
import { runsDir } from '../util/paths';
import type { RunConfig } from '../runs/run';
import { benchTrain } from '../bench/train';
import { kernelsTag } from '../ops/wasm-simd';
import { benchFigureOf, BENCH_SHAPE, dataStatsOf, estimateRemaining, formatEstimates, readBenchFigure, startScale, sweepPriors, writeBenchFigure, type BenchFigure, type EstimatedRun, type RunEstimate } from '../sweep/estimate';
import { listSchedule } from '../sweep/table';
import { formatDuration } from '../train/progress';
import type { DataSpec } from '../runs/build';
import { runLocal, type LocalOutcome } from '../sweep/local';
import { manifestPath as manifestPathOf, readManifest, writeManifest } from '../sweep/manifest';
import { EXECUTORS, type SweepOptions } from '../sweep/options';
import { readSubmissions, resubmitFailed, slurmStatus, submitSlurm, type SubmitOptions } from '../sweep/slurm';
import { loadSweepSpec, type SweepRun } from '../sweep/spec';
import { formatSlurmStatus, formatStatus, sweepStatus } from '../sweep/status';
import { execSweepRun } from '../sweep/worker';
import { intOption, oneOfOption, stringOption, UsageError, type Command, type OptionValues } from './command';
import { presetCommand } from './sweep-preset';

const USAGE = `usage: lsrm sweep run (SPEC | --manifest FILE) [--executor local|slurm] [--jobs N] [--dry-run] [--store DIR]
       lsrm sweep status (SPEC | --manifest FILE) [--jobs N] [--store DIR]
       lsrm sweep resubmit SPEC --failed [slurm options] [--store DIR]
       lsrm sweep exec --manifest FILE --index I [--if-busy wait|exit] [--workers N] [--store DIR]
       lsrm sweep preset [NAME [--seeds 0,1,2] [--out FILE] | NAME --compare [--seeds ...] [--store DIR]]

A sweep spec is a JSON file { "base": {...}, "axes": { "model.dim": [32, 64], ... }, "runs": [{...}] }
(see examples/sweep-smoke.json). Every run trains into the store once: runs finished before are
loaded, interrupted ones resume from their last epoch, a run another sweep or a figure shares is
the same run.

run
  --executor E      local (default): child processes on this machine; slurm: one job array
  --jobs N          trainings at once (local; default: the number of cores)
  --dry-run         print steps per epoch, parameters, memory and time per run and in total
                    (time from this machine's \`lsrm bench train\` speed, measured once and cached
                    in <store>/.bench/), train nothing
slurm options (run, resubmit)
  --partition P  --time T  --mem M  --cpus-per-task C  --gpus G
  --max-parallel K  at most K tasks at once;  --sbatch-arg ARG  a further #SBATCH line (repeatable)
  --no-wait         return after submitting instead of following the jobs
status
  Each run's state from the store (done, running, partial, failed, pending); a sweep submitted
  to Slurm shows the queue's states (done, running, pending, failed, unsubmitted) instead.
  --manifest FILE   a sweep's manifest (<store>/sweeps/<hash>.json, e.g. of a figure's sweep) for SPEC
  --jobs N          the time left is for N trainings at once (default: the number of cores)
exec
  --if-busy B       a run another process trains: wait for it and load its result (default), or
                    exit with code 75 (the local executor's choice: it polls the run itself)
  --workers N       replicas computing each batch (this thread and N-1 worker threads; default 1:
                    a sweep already runs one training per core; on Slurm, match --cpus-per-task)
preset
  Named paper-scale sweeps (backbones-ml-1m, backbones-ml-20m: the HSTU README's and FuXi-alpha's
  configurations): without NAME a list; with NAME its spec as JSON (stdout, or --out FILE) for
  lsrm sweep run; --compare prints the stored runs' test HR@10 / NDCG@10 (mean over --seeds)
  against the published numbers.
every command
  --store DIR       the result store (default: runs/ of the project, or $LSRM_RUNS_DIR)

Ctrl-C stops the workers; the same command continues. Backend: LSRM_BACKEND=tensorflow|wasm|cpu
applies to every worker.`;

type Io = { out(s: string): void; err(s: string): void };
const IO: Io = { out: (s) => process.stdout.write(s), err: (s) => process.stderr.write(s) };

/** This machine's bench figure: cached in <store>/.bench/, measured (a few seconds) when absent. */
export async function benchFigure(store: string, log: (m: string) => void): Promise<BenchFigure> {
  const backend = await initBackend();
  const cpuModel = cpus()[0]?.model ?? 'unknown';
  const kernels = kernelsTag(backend.name);
  const cached = readBenchFigure(store, backend.name, cpuModel, kernels);
  if (cached) return cached;
  log(`measuring this machine's training speed on ${backend.name} (lsrm bench train at batch ${BENCH_SHAPE.batch}; cached in ${store}/.bench/)\n`);
  const [r] = await benchTrain({ items: [BENCH_SHAPE.items], batch: BENCH_SHAPE.batch, steps: 3, warmup: 1 });
  const fig = benchFigureOf({ msPerStep: r.msPerStep, batch: r.batch, items: r.items, backend: r.backend, cpuModel, cores: cpus().length, ...(kernels ? { kernels } : {}) });
  writeBenchFigure(store, fig);
  return fig;
}

/**
 * The estimate table of some runs (the data of each distinct spec loaded once and cached in
 * <store>/.data-stats/): what `lsrm sweep run --dry-run` prints, and `lsrm train --dry-run`
 * with one run.
 */
export async function estimateTable(runs: readonly EstimatedRun[], store: string, opts: { jobs?: number; log?: (m: string) => void } = {}): Promise<string> {
  const { rows, bench } = await estimateRows(runs, store, opts.log);
  return formatEstimates(rows, bench, opts.jobs);
}

/** The estimate of each run (see estimateRemaining), every run's data loaded (once) for its statistics. */
export async function estimateRows(runs: readonly EstimatedRun[], store: string, log: (m: string) => void = () => undefined): Promise<{ rows: { label: string; estimate: RunEstimate }[]; bench: BenchFigure }> {
  const bench = await benchFigure(store, log);
  const stats = (data: DataSpec) => {
    log(`loading ${data.source} for its statistics (once)\n`);
    return dataStatsOf(data, store);
  };
  const rows = await estimateRemaining(runs, store, bench, stats);
  return { rows: rows.map((r) => r!), bench };
}

function storeOf(v: OptionValues): string {
  return resolve(stringOption(v, 'store') ?? runsDir());
}

function specOf(rest: string[], sub: string): string {
  if (rest.length !== 1) throw new UsageError(`sweep ${sub} takes one SPEC file, got ${rest.length === 0 ? 'none' : rest.join(' ')}`);
  return rest[0];
}

/** The executor flags every sweep-running command takes (lsrm sweep run, lsrm figures). */
export const SWEEP_FLAGS = {
  executor: { type: 'string' }, jobs: { type: 'string' }, 'no-wait': { type: 'boolean' },
  partition: { type: 'string' }, time: { type: 'string' }, mem: { type: 'string' }, 'cpus-per-task': { type: 'string' },
  gpus: { type: 'string' }, 'max-parallel': { type: 'string' }, 'sbatch-arg': { type: 'string', multiple: true },
} as const;

/**
 * The SweepOptions of the executor flags: --executor, --jobs, the Slurm resources, --no-wait.
 * Flags not given stay unset. @throws UsageError / ValidationError naming the flag
 */
export function sweepOptionsOf(v: OptionValues): SweepOptions {
  const sbatchArgs = v['sbatch-arg'];
  const slurm = {
    partition: stringOption(v, 'partition'),
    time: stringOption(v, 'time'),
    mem: stringOption(v, 'mem'),
    cpusPerTask: intOption(v, 'cpus-per-task', undefined, { min: 1 }),
    gpus: intOption(v, 'gpus', undefined, { min: 0 }),
    maxParallel: intOption(v, 'max-parallel', undefined, { min: 1 }),
    sbatchArgs: Array.isArray(sbatchArgs) ? (sbatchArgs as string[]) : undefined,
  };
  const given = Object.fromEntries(Object.entries(slurm).filter(([, x]) => x !== undefined));
  const executor = oneOfOption(v, 'executor', EXECUTORS, undefined);
  const jobs = intOption(v, 'jobs', undefined, { min: 1 });
  return {
    ...(executor !== undefined ? { executor } : {}),
    ...(jobs !== undefined ? { jobs } : {}),
    ...(Object.keys(given).length > 0 ? { slurm: given } : {}),
    ...(v['no-wait'] === true ? { wait: false } : {}),
  };
}

function slurmOptions(v: OptionValues, store: string, io: Io): SubmitOptions {
  const o = sweepOptionsOf(v);
  return { ...o.slurm, store, wait: o.wait !== false, log: (m) => io.err(`${m}\n`) };
}

/** `lsrm sweep status`: the store's view, or Slurm's when the sweep was submitted there. */
async function statusOf(v: OptionValues, rest: string[]): Promise<string> {
  const { runs, store } = runsOf(v, rest, 'status');
  const path = stringOption(v, 'manifest') ?? manifestPathOf(store, runs);
  const rows = sweepStatus(runs, store);
  if (readSubmissions(path).length === 0) return formatStatus(rows) + await timeLeft(runs, new Set(runs.filter((_, i) => rows[i].state !== 'done').map((r) => r.key)), store, intOption(v, 'jobs', undefined, { min: 1 }) ?? availableParallelism());
  return formatSlurmStatus(rows, await slurmStatus(path, runs, store));
}

/**
 * The status's last line: the wall time the runs not done still need on `jobs` slots by the cost
 * model (estimate.ts sweepPriors: the cached bench figure and data statistics, the epochs on disk
 * taken off), scaled by how the sweep's finished runs did against the model, or why it is unknown.
 * Runs in sweep order, each on the first free slot.
 */
async function timeLeft(runs: readonly SweepRun[], todo: ReadonlySet<string>, store: string, jobs: number): Promise<string> {
  if (todo.size === 0) return '';
  const priors = await sweepPriors(runs, store, process.env.LSRM_BACKEND ?? 'wasm', cpus()[0]?.model ?? 'unknown');
  const scale = startScale(priors);
  const left = runs.filter((r) => todo.has(r.key));
  const missing = left.filter((r) => !priors.seconds.has(r.key)).length;
  if (scale === undefined || missing > 0) {
    return `left: unknown (${missing > 0 ? `the data of ${missing} run${missing > 1 ? 's' : ''} not loaded yet` : 'no bench figure of this machine cached and no run finished'}; \`lsrm sweep run ... --dry-run\` measures and loads them)\n`;
  }
  const wall = listSchedule(left.map((r) => priors.seconds.get(r.key)! * scale), jobs);
  const how = priors.observed ? `${priors.observed.runs} finished run${priors.observed.runs > 1 ? 's' : ''} of this sweep took ${priors.observed.scale.toFixed(2)}x the model's time` : 'at the bench figure\'s speed, no run of this sweep finished yet';
  return `left: about ${formatDuration(wall * 1000)} on ${jobs} job${jobs > 1 ? 's' : ''} by the cost model (${how}; epochs of similar finished runs or the cap)\n`;
}

/** The results of the runs in the store, one line each (stdout). */
function resultLines(runs: readonly SweepRun[], store: string): string {
  const rows = sweepStatus(runs, store);
  const width = Math.max(3, ...rows.map((r) => r.label.length));
  return rows.map((r, i) => `${r.label.padEnd(width)}  ${r.state.padEnd(7)}  valid ${runs[i].config.train.selectBy} ${r.best === undefined ? '-' : r.best.toFixed(4)}  ${r.key}`).join('\n') + '\n';
}

/** The Ctrl-C report: what is done, what is not, and the command that continues. */
export function interruptMessage(runs: readonly SweepRun[], o: LocalOutcome, again: string): string {
  const notDone = new Set(o.notDone);
  const lines = [`sweep: stopped. ${runs.length - notDone.size} of ${runs.length} runs done (${o.trained.length} trained now, ${o.loaded.length} loaded).`];
  for (const r of runs) if (notDone.has(r.key)) lines.push(`  not done: ${r.label}`);
  lines.push(`Interrupted runs resume from their last finished epoch. Continue with:\n  ${again}`);
  return lines.join('\n') + '\n';
}

/** The runs of `sweep run`/`status`: a SPEC file, or --manifest FILE (a written sweep: a figure's, or lsrm figures --train-first's), with its store unless --store says otherwise. */
function runsOf(v: OptionValues, rest: string[], sub: string): { runs: readonly SweepRun[]; store: string; source: string } {
  const manifest = stringOption(v, 'manifest');
  if (manifest !== undefined && rest.length > 0) throw new UsageError(`sweep ${sub} takes a SPEC file or --manifest FILE, not both`);
  if (manifest === undefined) {
    const specPath = specOf(rest, sub);
    return { runs: loadSweepSpec(specPath).runs, store: storeOf(v), source: specPath };
  }
  const m = readManifest(manifest);
  return { runs: m.runs, store: stringOption(v, 'store') === undefined ? m.store : storeOf(v), source: `--manifest ${manifest}` };
}

async function runCommand(v: OptionValues, rest: string[], io: Io): Promise<number> {
  const { runs, store, source } = runsOf(v, rest, 'run');
  const executor = oneOfOption(v, 'executor', ['local', 'slurm'] as const, 'local')!;
  const jobs = intOption(v, 'jobs', undefined, { min: 1 });
  if (v['dry-run'] === true) {
    io.out(await estimateTable(runs, store, { jobs, log: io.err }));
    return 0;
  }
  const manifestPath = writeManifest(store, runs);
  io.err(`sweep: ${runs.length} runs, store ${store}, manifest ${manifestPath}\n`);
  if (executor === 'slurm') return submitSlurm(manifestPath, runs, slurmOptions(v, store, io));
  const abort = new AbortController();
  const onSigint = () => {
    if (!abort.signal.aborted) io.err('\nsweep: stopping the workers (Ctrl-C again is not needed)...\n');
    abort.abort();
  };
  process.on('SIGINT', onSigint);
  process.on('SIGTERM', onSigint);
  try {
    const o = await runLocal(runs, { store, jobs, manifestPath, stream: process.stderr, signal: abort.signal });
    if (o.isInterrupted) {
      const again = `lsrm sweep run ${source} --store ${store}${jobs ? ` --jobs ${jobs}` : ''}`;
      io.err(interruptMessage(runs, o, again));
      return 130;
    }
    io.out(resultLines(runs, store));
    for (const f of o.failed) io.err(`sweep: failed: ${f.label}: ${f.message}\n`);
    if (o.failed.length > 0) io.err('sweep: run the same command again to retry the failed runs (each resumes from its last epoch)\n');
    return o.failed.length > 0 ? 1 : 0;
  } finally {
    process.off('SIGINT', onSigint);
    process.off('SIGTERM', onSigint);
  }
}

async function runSubcommand(sub: string | undefined, v: OptionValues, rest: string[], io: Io): Promise<number> {
  switch (sub) {
    case 'run':
      return runCommand(v, rest, io);
    case 'status':
      io.out(await statusOf(v, rest));
      return 0;
    case 'resubmit': {
      if (v.failed !== true) throw new UsageError('sweep resubmit needs --failed (the only mode: submit the failed runs to Slurm again)');
      const { runs } = loadSweepSpec(specOf(rest, 'resubmit'));
      const store = storeOf(v);
      return resubmitFailed(writeManifest(store, runs), runs, slurmOptions(v, store, io));
    }
    case 'exec': {
      const manifest = stringOption(v, 'manifest');
      if (manifest === undefined) throw new UsageError('sweep exec needs --manifest FILE');
      const index = intOption(v, 'index', undefined, { min: 0 });
      if (index === undefined) throw new UsageError('sweep exec needs --index I');
      const store = stringOption(v, 'store');
      const ifBusy = oneOfOption(v, 'if-busy', ['wait', 'exit'] as const, 'wait');
      const workers = intOption(v, 'workers', 1, { min: 1, max: 256 })!;
      return execSweepRun(manifest, index, { store: store === undefined ? undefined : resolve(store), ifBusy, workers, emit: (ev) => io.out(JSON.stringify(ev) + '\n') });
    }
    case 'preset':
      return presetCommand(rest, { seeds: stringOption(v, 'seeds'), out: stringOption(v, 'out'), compare: v.compare === true, store: storeOf(v) }, io.out);
    default:
      throw new UsageError(sub === undefined ? 'which sweep command? one of run, status, resubmit, exec, preset' : `unknown sweep command '${sub}': one of run, status, resubmit, exec, preset`);
  }
}

export const sweepCommand: Command = {
  name: 'sweep',
  summary: 'run a grid of trainings into the store (local processes or Slurm), with estimates and status',
  usage: USAGE,
  options: {
    ...SWEEP_FLAGS, store: { type: 'string' }, 'dry-run': { type: 'boolean' },
    manifest: { type: 'string' }, index: { type: 'string' }, failed: { type: 'boolean' }, 'if-busy': { type: 'string' }, workers: { type: 'string' },
    seeds: { type: 'string' }, out: { type: 'string' }, compare: { type: 'boolean' },
  },
  run: (values, [sub, ...rest]) => runSubcommand(sub, values, rest, IO),
};
