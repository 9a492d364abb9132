/**
 * One way to run a sweep, whoever asks (issue 8): a figure's `produce` (lib/experiments/), and
 * so a notebook cell and `lsrm figures`, hand their runs and SweepOptions (./options.ts) to
 * `runSweep`, which writes the manifest and picks the executor:
 *   local, jobs 1      in this process, one run after another (the default): per-epoch reports
 *                      reach the caller; the first failure is thrown as it is
 *   local, jobs >= 2   child processes (./local.ts): the live table as lines to `log`; a failed
 *                      run is reported and the others go on
 *   slurm              one job array (./slurm.ts), followed until no task is queued or running
 *                      (wait, the default), or submitted only (wait false: isSubmitted)
 * Every executor trains through the result store (lib/runs/in-store.ts): runs already there
 * load, interrupted ones resume, and a run another process trains is waited for, not trained
 * twice (./worker.ts). The caller then reads the results from the store.
 */
import type { RunDeps } from '../runs/run';
import type { TrainInStoreOptions } from '../runs/in-store';
import type { ProgressStream } from '../train/progress';
import { runLocal } from './local';
import { writeManifest } from './manifest';
import type { ExecutorName, SweepOptions } from './options';
import { slurmStatus, submitSlurm } from './slurm';
import { sweepRuns, type SweepRun, type SweepSpec } from './spec';
import { sweepStatus } from './status';
import { trainWhenFree } from './worker';

/** Options of runSweep: how (SweepOptions), where, and what to report. */
export interface RunSweepOptions extends SweepOptions, Pick<TrainInStoreOptions, 'onEpoch' | 'onStep'> {
  /** The result store the runs train into. */
  readonly store: string;
  /** Progress lines (default: none). */
  readonly log?: (message: string) => void;
  /** In process only: replace pieces of the runs (tests: tiny data). */
  readonly deps?: Partial<RunDeps>;
  /** The local executor's live table (default: its lines, one per change, to `log`). */
  readonly stream?: ProgressStream;
  /** Local executors: stop (child processes: SIGTERM, then SIGKILL; in process: before the next run). */
  readonly signal?: AbortSignal;
  /** Between two looks at a run another process trains (ms; default 2000 local, 10,000 in process). */
  readonly pollMs?: number;
}

/** What a sweep left in the store. Keys of its runs, in sweep order. */
export interface SweepOutcome {
  readonly executor: ExecutorName;
  readonly manifestPath: string;
  /** Runs whose results are in the store now. */
  readonly done: readonly string[];
  /** Runs that failed, with why (local with jobs >= 2, and Slurm). */
  readonly failed: readonly { readonly key: string; readonly label: string; readonly message: string }[];
  /** Runs not in the store: failed, stopped, or submitted and not finished. */
  readonly notDone: readonly string[];
  /** Slurm without waiting: submitted (or still queued), not followed to the end. */
  readonly isSubmitted: boolean;
  readonly isInterrupted: boolean;
}

/** A stream that turns the live table's lines into log messages. */
function linesTo(log: (message: string) => void): ProgressStream {
  return { write: (s: string) => s.split('\n').filter((l) => l.trim() !== '').forEach((l) => log(l)) };
}

/** The outcome fields read back from the store. */
function stored(runs: readonly SweepRun[], store: string): Pick<SweepOutcome, 'done' | 'notDone'> {
  const states = sweepStatus(runs, store);
  return { done: runs.filter((_, i) => states[i].state === 'done').map((r) => r.key), notDone: runs.filter((_, i) => states[i].state !== 'done').map((r) => r.key) };
}

async function inProcess(runs: readonly SweepRun[], manifestPath: string, opts: RunSweepOptions): Promise<SweepOutcome> {
  const log = opts.log ?? (() => undefined);
  for (const [i, run] of runs.entries()) {
    if (opts.signal?.aborted) break;
    log(`sweep: ${run.label} (${i + 1}/${runs.length})`);
    await trainWhenFree(run.config, {
      dir: opts.store, log, onEpoch: opts.onEpoch, onStep: opts.onStep, deps: opts.deps, pollMs: opts.pollMs,
      onBusy: (err) => log(`sweep: ${run.label}: another process trains it; waiting for its result (${err.message})`),
    });
  }
  return { executor: 'local', manifestPath, failed: [], isSubmitted: false, isInterrupted: opts.signal?.aborted === true, ...stored(runs, opts.store) };
}

async function onSlurm(runs: readonly SweepRun[], manifestPath: string, opts: RunSweepOptions): Promise<SweepOutcome> {
  const log = opts.log ?? (() => undefined);
  await submitSlurm(manifestPath, runs, { ...opts.slurm, store: opts.store, wait: opts.wait, pollSeconds: opts.pollSeconds, log });
  const inStore = stored(runs, opts.store);
  if (opts.wait === false || inStore.notDone.length === 0) {
    return { executor: 'slurm', manifestPath, failed: [], isSubmitted: opts.wait === false && inStore.notDone.length > 0, isInterrupted: false, ...inStore };
  }
  const s = await slurmStatus(manifestPath, runs, opts.store);
  const failed = s.failed.map((i) => ({ key: runs[i].key, label: runs[i].label, message: s.why[i] }));
  return { executor: 'slurm', manifestPath, failed, isSubmitted: false, isInterrupted: false, ...inStore };
}

/**
 * Run a sweep (a spec or its runs) into `opts.store` with the executor the options choose
 * (see the header) and report what the store holds afterwards.
 * @throws in process: the first run's error; Slurm: DataError when sbatch is missing or refuses the
 *   job; Error when `deps` (which only reach runs in this process) come with another executor
 * @example const o = await runSweep(runs, { store: 'runs', jobs: 2, log: console.log }); o.notDone // []
 */
export async function runSweep(sweep: SweepSpec | readonly SweepRun[], opts: RunSweepOptions): Promise<SweepOutcome> {
  const runs = sweepRuns(sweep);
  const isInProcess = opts.executor !== 'slurm' && (opts.jobs ?? 1) <= 1;
  if (opts.deps && !isInProcess) throw new Error('runSweep: deps replace pieces of runs in this process only; use the local executor with jobs 1');
  const manifestPath = writeManifest(opts.store, runs);
  if (opts.executor === 'slurm') return onSlurm(runs, manifestPath, opts);
  if (isInProcess) return inProcess(runs, manifestPath, opts);
  const o = await runLocal(runs, { store: opts.store, jobs: opts.jobs, manifestPath, stream: opts.stream ?? linesTo(opts.log ?? (() => undefined)), signal: opts.signal, pollMs: opts.pollMs });
  return { executor: 'local', manifestPath, failed: o.failed, isSubmitted: false, isInterrupted: o.isInterrupted, ...stored(runs, opts.store) };
}
