/**
 * The local executor: up to `jobs` trainings at once, each a child process running
 * `lsrm sweep exec --manifest FILE --index I` (./worker.ts), which prints JSON-line events.
 * Runs already in the store are loaded, not retrained; a run whose worker died resumes from its
 * last epoch the next time the sweep runs. Aborting (Ctrl-C in the CLI) sends SIGTERM to the
 * workers, then SIGKILL after a grace period (3 s): a worker's epoch runs synchronously, so its
 * signal handlers (the run lock's release) wait for the epoch to end, and the kill usually comes
 * first. Every file a worker writes is atomic and a dead process's lock is taken over, so a
 * killed run loses at most its current epoch. A worker that dies without reporting (a signal, OOM)
 * gets an error.json written for it, as a failing worker writes its own.
 *
 * A run another process trains (another sweep over the same store, a notebook, `lsrm train`
 * into the store) is not trained twice: its worker (`--if-busy exit`) reports it busy and exits,
 * the table shows it 'elsewhere', its job slot goes to the next run, and every `pollMs` the
 * executor looks again: once the run's record is in the store it counts as loaded; if the lock
 * is gone without a record (the other process stopped or died) it is queued again and resumes.
 * The sweep ends when every run is done, failed or stopped; it waits for runs trained elsewhere.
 *
 * Children inherit the environment (LSRM_BACKEND among it) and the working folder. tfjs-wasm
 * trains on one thread, so on an n-core machine n workers run about n times as fast as one.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { availableParallelism, cpus } from 'node:os';
import { extname, join } from 'node:path';
import { createInterface } from 'node:readline';
import { writeJsonAtomic } from '../util/atomic';
import { readRunRecord } from '../runs/store';
import { runPaths, type StoreMetrics } from '../runs/in-store';
import type { CurveRow } from '../train/train';
import type { ProgressStream } from '../train/progress';
import { writeManifest } from './manifest';
import type { SweepRun } from './spec';
import { startScale, sweepPriors, type SweepPriors } from './estimate';
import { createSweepTable, type SweepTable } from './table';
import { ERROR_FILE, EXIT_BUSY, lockState, type WorkerEvent } from './worker';

export interface LocalOptions {
  /** The store folder (absolute or relative to the working folder). */
  readonly store: string;
  /** Trainings at once (default: os.availableParallelism()). */
  readonly jobs?: number;
  /** A manifest already written for these runs (default: writeManifest(store, runs)). */
  readonly manifestPath?: string;
  /** Where the live table goes (default: nowhere). */
  readonly stream?: ProgressStream;
  /** Environment of the workers (default: this process's). */
  readonly env?: NodeJS.ProcessEnv;
  /** The command before `sweep exec ...` (default: workerCommand()). */
  readonly command?: readonly string[];
  /** Abort = stop the workers (SIGTERM, then SIGKILL after graceMs, default 3000) and return. */
  readonly signal?: AbortSignal;
  readonly graceMs?: number;
  /** Between two looks at runs trained elsewhere (default 2000 ms). */
  readonly pollMs?: number;
  /** The cost model's seconds per run for the sweep's ETA (default: estimate.ts sweepPriors from what the store has cached). */
  readonly priors?: SweepPriors;
  /** Every event of every worker, with the worker's pid (tests kill workers by it). */
  onEvent?(run: SweepRun, ev: WorkerEvent, pid: number): void;
}

/** What happened to each run. Keys of `runs`; `notDone` = stopped, failed or never started. */
export interface LocalOutcome {
  readonly manifestPath: string;
  readonly trained: readonly string[];
  readonly loaded: readonly string[];
  readonly failed: readonly { readonly key: string; readonly label: string; readonly message: string }[];
  readonly notDone: readonly string[];
  readonly isInterrupted: boolean;
  readonly wallMs: number;
}

/** The node flags a worker needs from this process: loaders (tsx) and memory settings, not --test or --inspect. */
function inheritedFlags(execArgv: readonly string[]): string[] {
  const out: string[] = [];
  for (let i = 0; i < execArgv.length; i++) {
    const a = execArgv[i];
    if (['--import', '--require', '-r', '--loader', '--experimental-loader'].includes(a) && i + 1 < execArgv.length) out.push(a, execArgv[++i]);
    else if (/^--(import|require|loader|experimental-loader)=|^--enable-source-maps$|^--max-old-space-size=|^--stack-size=/.test(a)) out.push(a);
  }
  return out;
}

/**
 * The command that runs `lsrm`: this node, its loader flags and the lsrm entry next to this
 * module (dist/cli.js when built; lib/cli.ts under tsx, adding `--import tsx` if absent).
 */
export function workerCommand(execArgv: readonly string[] = process.execArgv): string[] {
  const ext = extname(__filename);
  const flags = inheritedFlags(execArgv);
  if (ext === '.ts' && !flags.some((f) => f.includes('tsx'))) flags.push('--import', 'tsx');
  return [process.execPath, ...flags, join(__dirname, '..', `cli${ext}`)];
}

/** Epochs done and best value so far of a run directory's curve.json (a resumed run's start). */
function curveState(runDir: string, selectBy: string): { epoch?: number; best?: number } {
  const path = join(runDir, 'curve.json');
  if (!existsSync(path)) return {};
  const curve = JSON.parse(readFileSync(path, 'utf8')) as CurveRow[];
  if (curve.length === 0) return {};
  const values = curve.map((r) => (selectBy === 'loss' ? r.validLoss : r.validNdcg10));
  return { epoch: curve.length, best: selectBy === 'loss' ? Math.min(...values) : Math.max(...values) };
}

/** Apply one worker event to the table. */
function applyEvent(table: SweepTable, run: SweepRun, ev: WorkerEvent, now: number): void {
  const selectBy = run.config.train.selectBy;
  switch (ev.type) {
    case 'step':
      table.update(run.key, { etaSeconds: ev.etaSeconds });
      break;
    case 'epoch':
      table.update(run.key, { epoch: ev.epoch, best: ev.best, etaSeconds: ev.etaSeconds });
      break;
    case 'done': {
      const started = table.row(run.key).startedMs ?? now;
      table.update(run.key, ev.isCached ? { state: 'loaded', best: ev.valid[selectBy] } : { state: 'done', best: ev.valid[selectBy], epoch: ev.epochs, etaSeconds: 0, durationMs: now - started });
      break;
    }
    case 'failed':
      table.update(run.key, { message: ev.message });
      break;
    case 'busy':
      table.update(run.key, { state: 'elsewhere', etaSeconds: undefined, message: 'another process trains it; waiting for its result' });
      break;
    default:
      break;
  }
}

/** How a worker ended: its last event, exit code or signal, and the last line of its stderr. */
interface WorkerEnd {
  readonly last?: WorkerEvent;
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly stderrTail?: string;
}

/** Spawn one worker; its stdout's JSON lines go to `onEvent`, anything else is kept for diagnostics. */
function startWorker(command: readonly string[], args: readonly string[], env: NodeJS.ProcessEnv, onEvent: (ev: WorkerEvent, pid: number) => void, onEnd: (end: WorkerEnd) => void): ChildProcess {
  const child = spawn(command[0], [...command.slice(1), ...args], { stdio: ['ignore', 'pipe', 'pipe'], env });
  let stderrTail: string | undefined;
  let last: WorkerEvent | undefined;
  createInterface({ input: child.stderr! }).on('line', (l) => (stderrTail = l));
  createInterface({ input: child.stdout! }).on('line', (l) => {
    try {
      last = JSON.parse(l) as WorkerEvent;
    } catch {
      stderrTail = l; // not an event: keep it with the diagnostics
      return;
    }
    onEvent(last, child.pid ?? -1);
  });
  child.on('error', (err) => (stderrTail = `could not start the worker: ${err.message}`));
  child.on('close', (code, signal) => onEnd({ last, code, signal, stderrTail }));
  return child;
}

/** A failed worker's message; one that died without saying why gets an error.json written for it. */
function failureOf(end: WorkerEnd, runDir: string): string {
  if (end.last?.type === 'failed') return end.last.message;
  const message = `worker ${end.signal ? `killed by ${end.signal}` : `exited with code ${end.code}`}${end.stderrTail ? `: ${end.stderrTail}` : ''}`;
  writeJsonAtomic(join(runDir, ERROR_FILE), { message, at: new Date().toISOString() });
  return message;
}

/** Mark a stored run loaded in the table (its epochs and best validation value). */
function markLoaded(table: SweepTable, run: SweepRun, store: string): void {
  const m = readRunRecord<unknown, StoreMetrics, CurveRow>(runPaths(store, run.key).record).metrics;
  table.update(run.key, { state: 'loaded', epoch: m.epochs, best: m.valid[run.config.train.selectBy], etaSeconds: undefined, message: undefined });
}

/** Runs already in the store (loaded into the table), and the indices of the others. */
function splitStored(runs: readonly SweepRun[], store: string, table: SweepTable): { loaded: string[]; queue: number[] } {
  const loaded: string[] = [], queue: number[] = [];
  runs.forEach((run, i) => {
    if (!existsSync(runPaths(store, run.key).record)) return void queue.push(i);
    markLoaded(table, run, store);
    loaded.push(run.key);
  });
  return { loaded, queue };
}

/**
 * Train `runs` into `opts.store` with up to `jobs` worker processes (see the header).
 * @returns which runs trained, loaded, failed or are not done; never throws for a failed run.
 */
export async function runLocal(runs: readonly SweepRun[], opts: LocalOptions): Promise<LocalOutcome> {
  const t0 = Date.now();
  const jobs = Math.max(1, opts.jobs ?? availableParallelism());
  const manifestPath = opts.manifestPath ?? writeManifest(opts.store, runs);
  const command = opts.command ?? workerCommand();
  const env = opts.env ?? process.env;
  const priors = opts.priors ?? await sweepPriors(runs, opts.store, env.LSRM_BACKEND ?? 'wasm', cpus()[0]?.model ?? 'unknown');
  const table = createSweepTable(runs, { stream: opts.stream ?? { write: () => true }, jobs, priors: { seconds: priors.seconds, startScale: startScale(priors) } });
  const { loaded, queue } = splitStored(runs, opts.store, table);
  const trained: string[] = [];
  const failed: { key: string; label: string; message: string }[] = [];
  const live = new Set<ChildProcess>();
  const elsewhere = new Set<number>(); // runs another process trains
  let isStopping = opts.signal?.aborted === true;
  let poll: NodeJS.Timeout | undefined;

  await new Promise<void>((resolve) => {
    const fill = () => {
      while (!isStopping && live.size < jobs && queue.length > 0) start(queue.shift()!);
      if (elsewhere.size > 0 && !isStopping) poll ??= setInterval(look, opts.pollMs ?? 2000);
      if (live.size === 0 && (isStopping || (queue.length === 0 && elsewhere.size === 0))) {
        clearInterval(poll);
        for (const i of elsewhere) table.update(runs[i].key, { state: 'stopped', message: undefined });
        resolve();
      }
    };
    // Runs trained elsewhere: loaded once in the store, queued again once their lock is gone.
    const look = () => {
      for (const i of elsewhere) {
        const state = lockState(opts.store, runs[i].key);
        if (state === 'locked') continue;
        elsewhere.delete(i);
        if (state === 'done') {
          markLoaded(table, runs[i], opts.store);
          loaded.push(runs[i].key);
        } else {
          table.update(runs[i].key, { state: 'pending', message: undefined });
          queue.unshift(i);
        }
      }
      if (elsewhere.size === 0) {
        clearInterval(poll);
        poll = undefined;
      }
      fill();
    };
    opts.signal?.addEventListener('abort', () => {
      isStopping = true;
      for (const c of live) c.kill('SIGTERM');
      setTimeout(() => { for (const c of live) c.kill('SIGKILL'); }, opts.graceMs ?? 3000).unref();
      fill();
    }, { once: true });

    function start(i: number): void {
      const run = runs[i];
      const { selectBy, epochs, maxEpochs } = run.config.train;
      const { runDir } = runPaths(opts.store, run.key);
      table.update(run.key, { state: 'running', startedMs: Date.now(), maxEpochs: epochs ?? maxEpochs, selectBy, ...curveState(runDir, selectBy) });
      const args = ['sweep', 'exec', '--manifest', manifestPath, '--index', String(i), '--store', opts.store, '--if-busy', 'exit'];
      const onEvent = (ev: WorkerEvent, pid: number) => {
        applyEvent(table, run, ev, Date.now());
        opts.onEvent?.(run, ev, pid);
      };
      const child = startWorker(command, args, env, onEvent, (end) => {
        live.delete(child);
        if (end.code === 0 && end.last?.type === 'done') (end.last.isCached ? loaded : trained).push(run.key);
        else if (end.code === EXIT_BUSY && end.last?.type === 'busy') elsewhere.add(i);
        else if (isStopping) table.update(run.key, { state: 'stopped', etaSeconds: undefined });
        else {
          const message = failureOf(end, runDir);
          failed.push({ key: run.key, label: run.label, message });
          table.update(run.key, { state: 'failed', message, etaSeconds: undefined });
        }
        fill();
      });
      live.add(child);
    }
    fill();
  });

  table.finish();
  const doneKeys = new Set([...trained, ...loaded]);
  return { manifestPath, trained, loaded, failed, notDone: runs.filter((r) => !doneKeys.has(r.key)).map((r) => r.key), isInterrupted: isStopping, wallMs: Date.now() - t0 };
}
