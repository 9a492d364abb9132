/**
 * A sweep worker: trains run `index` of a manifest into the store (trainInStore: a finished run
 * loads, an interrupted one resumes from its last epoch) and reports progress as events, which
 * `lsrm sweep exec` prints as JSON lines on stdout for the local executor or a Slurm log.
 * A failure writes <runDir>/error.json ({ message, at }), which a later start removes.
 *
 * A run another process is training (its run lock, lib/runs/lock.ts, held by a live process or
 * by another host) is "busy", not failed: no error.json, a 'busy' event, and then either
 *   wait (default; a Slurm task, an in-process sweep): poll until the lock is released or the
 *        record appears, then load the result (or resume the run if its trainer died), or
 *   exit (the local executor: `--if-busy exit`): exit with EXIT_BUSY, freeing the job slot; the
 *        executor polls the run itself (lib/sweep/local.ts) and loads it when it is done.
 * So two sweeps over one store never train one run at the same time, and both end with it.
 *
 * Cores: the executors already run one training per core, so a run here trains with one replica
 * (ExecOptions.workers, default 1; `lsrm train --workers` is the way to spread one run over cores).
 *
 * ETA: this session's mean epoch time (training + validation) times the epochs left, where the
 * epochs left count up to `epochs` or `maxEpochs` (an upper bound when early stopping ends the
 * run sooner); before the first epoch ends, the mean step time times the steps left.
 */
import { existsSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { writeJsonAtomic } from '../util/atomic';
import { DataError } from '../util/errors';
import { isLockAlive, readLock, RunLockedError, type RunConfig, type RunDeps } from '../runs/run';
import type { StepReport } from '../train/train';
import { runPaths, storeRunKey, trainInStore, type StoreRun, type TrainInStoreOptions } from '../runs/in-store';
import { readManifest } from './manifest';

/** What a worker reports, one JSON object per line. */
export type WorkerEvent =
  | { readonly type: 'start'; readonly key: string; readonly label: string; readonly pid: number }
  | { readonly type: 'log'; readonly key: string; readonly message: string }
  | { readonly type: 'step'; readonly key: string; readonly epoch: number; readonly batch: number; readonly batchesPerEpoch: number; readonly maxEpochs: number; readonly etaSeconds?: number }
  | {
      readonly type: 'epoch'; readonly key: string; readonly epoch: number; readonly maxEpochs: number;
      readonly trainLoss: number; readonly validLoss: number; readonly validNdcg10: number;
      /** The selection metric and its best value so far. */
      readonly selectBy: string; readonly best: number; readonly etaSeconds?: number;
    }
  | { readonly type: 'done'; readonly key: string; readonly isCached: boolean; readonly valid: Record<string, number>; readonly test: Record<string, number>; readonly epochs: number; readonly trainMs: number }
  | { readonly type: 'failed'; readonly key: string; readonly message: string }
  /** Another process trains this run (the lock's message names it). */
  | { readonly type: 'busy'; readonly key: string; readonly message: string };

export interface ExecOptions {
  /** Store folder (default: the manifest's). */
  readonly store?: string;
  emit(ev: WorkerEvent): void;
  /** Tests: tiny data. */
  readonly deps?: Partial<RunDeps>;
  /** Least time between two 'step' events (default 1000 ms). */
  readonly stepIntervalMs?: number;
  readonly now?: () => number;
  /** A run another process trains: 'wait' for it (default) or 'exit' with EXIT_BUSY (see the header). */
  readonly ifBusy?: 'wait' | 'exit';
  /** Between two looks at a busy run's lock (default 10,000 ms). */
  readonly pollMs?: number;
  /** Replicas of the run (lib/train/parallel.ts); default 1, since the executor runs one training per core. */
  readonly workers?: number;
}

/** The name of the failure file in a run directory. */
export const ERROR_FILE = 'error.json';

/** The exit code of a worker that found its run busy and did not wait (EX_TEMPFAIL). */
export const EXIT_BUSY = 75;

/** Where a run stands for a process that wants to train it: in the store, trained elsewhere, or free to take. */
export type LockState = 'done' | 'locked' | 'free';

/** The lock state of run `key` in `store` (an unreadable lock counts as free: training it reports the problem). */
export function lockState(store: string, key: string): LockState {
  const { record, runDir } = runPaths(store, key);
  if (existsSync(record)) return 'done';
  try {
    const lock = readLock(runDir);
    return lock && isLockAlive(lock) ? 'locked' : 'free';
  } catch {
    return 'free';
  }
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** trainInStore options plus what to do while another process trains the run. */
export interface WhenFreeOptions extends TrainInStoreOptions {
  /** Called once, when the run is first found locked by another process. */
  onBusy?(err: RunLockedError): void;
  /** Between two looks at the lock (default 10,000 ms). */
  readonly pollMs?: number;
}

/**
 * trainInStore, waiting out another process that trains the same run: on RunLockedError, poll
 * until the record appears or the lock is released (or its process died), then try again,
 * which loads the other process's result or resumes its run.
 */
export async function trainWhenFree(config: RunConfig, opts: WhenFreeOptions & { readonly dir: string }): Promise<StoreRun> {
  const key = storeRunKey(config);
  for (let isReported = false; ; ) {
    try {
      return await trainInStore(config, opts);
    } catch (err) {
      if (!(err instanceof RunLockedError)) throw err;
      if (!isReported) opts.onBusy?.(err);
      isReported = true;
    }
    while (lockState(opts.dir, key) === 'locked') await sleep(opts.pollMs ?? 10_000);
  }
}

/** ETA bookkeeping of one session (see the header). */
function etaClock(maxEpochs: number, now: () => number) {
  let stepStart = 0, steps = 0, epochStart = 0, epochs = 0, epochMsSum = 0;
  return {
    step(r: StepReport): number | undefined {
      const t = now();
      if (steps === 0) stepStart = epochStart = t;
      steps++;
      const epochsLeft = maxEpochs - r.epoch + (r.batchesPerEpoch - r.batch) / r.batchesPerEpoch;
      if (epochs > 0) return ((epochMsSum / epochs) * epochsLeft) / 1000;
      return steps > 1 ? (((t - stepStart) / (steps - 1)) * epochsLeft * r.batchesPerEpoch) / 1000 : undefined;
    },
    epoch(epoch: number): number | undefined {
      const t = now();
      if (steps === 0) return undefined;
      epochMsSum += t - epochStart;
      epochs++;
      epochStart = t;
      return ((epochMsSum / epochs) * (maxEpochs - epoch)) / 1000;
    },
  };
}

/**
 * Train run `index` of the manifest at `manifestPath`, reporting through `opts.emit`.
 * @returns the exit code: 0 done (trained or loaded), 1 failed (error.json written), EXIT_BUSY
 *   when the run is busy and `ifBusy` is 'exit'.
 * @throws DataError when the manifest is unreadable or the index is out of range.
 */
export async function execSweepRun(manifestPath: string, index: number, opts: ExecOptions): Promise<number> {
  const manifest = readManifest(manifestPath);
  if (!Number.isInteger(index) || index < 0 || index >= manifest.runs.length) {
    throw new DataError(`--index must be an integer in [0, ${manifest.runs.length - 1}], got ${index}`, manifestPath);
  }
  const run = manifest.runs[index];
  const store = opts.store ?? manifest.store;
  const { runDir } = runPaths(store, run.key);
  const now = opts.now ?? Date.now;
  const { key, config } = run;
  const maxEpochs = config.train.epochs ?? config.train.maxEpochs;
  const clock = etaClock(maxEpochs, now);
  let lastStep = -Infinity;
  rmSync(join(runDir, ERROR_FILE), { force: true });
  opts.emit({ type: 'start', key, label: run.label, pid: process.pid });
  try {
    const r = await trainWhenFree(config, {
      dir: store,
      pollMs: opts.pollMs,
      onBusy: (err) => {
        opts.emit({ type: 'busy', key, message: err.message });
        if (opts.ifBusy === 'exit') throw err;
      },
      deps: opts.deps,
      workers: opts.workers ?? 1,
      log: (message) => opts.emit({ type: 'log', key, message }),
      onStep: (s) => {
        const etaSeconds = clock.step(s);
        if (now() - lastStep < (opts.stepIntervalMs ?? 1000)) return;
        lastStep = now();
        opts.emit({ type: 'step', key, epoch: s.epoch, batch: s.batch, batchesPerEpoch: s.batchesPerEpoch, maxEpochs, etaSeconds });
      },
      onEpoch: (row, state) => {
        const best = state.bestMetrics[config.train.selectBy] ?? NaN;
        opts.emit({ type: 'epoch', key, epoch: row.epoch, maxEpochs, trainLoss: row.trainLoss, validLoss: row.validLoss, validNdcg10: row.validNdcg10, selectBy: config.train.selectBy, best, etaSeconds: state.isDone ? 0 : clock.epoch(row.epoch) });
      },
    });
    const m = r.metrics;
    opts.emit({ type: 'done', key, isCached: r.isCached, valid: m.valid, test: m.test, epochs: m.epochs, trainMs: m.trainMs });
    return 0;
  } catch (err) {
    if (err instanceof RunLockedError && opts.ifBusy === 'exit') return EXIT_BUSY;
    const message = (err as Error).message ?? String(err);
    writeJsonAtomic(join(runDir, ERROR_FILE), { message, at: new Date().toISOString() });
    opts.emit({ type: 'failed', key, message });
    return 1;
  }
}
