/**
 * Where each run of a sweep stands, read from the store's files only (no process is asked):
 *   done     its record <store>/train/<key>.json exists
 *   running  a live process (of this host; any process of another host) holds its run lock
 *   failed   error.json in its run directory (the worker's, or the executor's for a killed worker)
 *   partial  epochs on disk (curve.json), or batches of an epoch (last/state.json `partial`, shown
 *            as "+N b"), but no result: the next `lsrm sweep run` resumes it
 *   pending  nothing yet
 * A sweep submitted to Slurm is shown with the states slurmStatus (./slurm.ts) reads from the
 * queue instead (formatSlurmStatus).
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { readRunRecord } from '../runs/store';
import { isLockAlive, readLock } from '../runs/run';
import { runPaths, type StoreMetrics } from '../runs/in-store';
import type { CurveRow } from '../train/train';
import type { SlurmStatus } from './slurm';
import type { SweepRun } from './spec';
import { ERROR_FILE } from './worker';

export type StoredState = 'done' | 'running' | 'failed' | 'partial' | 'pending';

export interface RunStatus {
  readonly key: string;
  readonly label: string;
  readonly state: StoredState;
  /** Epochs on disk. */
  readonly epochs: number;
  /** Batches of the next epoch saved inside it (last/state.json `partial`; a mid-epoch checkpoint). */
  readonly batches?: number;
  /** Best validation value by the run's selection metric (undefined before the first epoch). */
  readonly best?: number;
  /** error.json's message (failed runs). */
  readonly message?: string;
}

function readJson<T>(path: string): T | undefined {
  try {
    return JSON.parse(readFileSync(path, 'utf8')) as T;
  } catch {
    return undefined; // absent or half-written: treated as not there
  }
}

/** Does a live process hold the run lock of `runDir`? (An unreadable lock: no.) */
function isLocked(runDir: string): boolean {
  try {
    const lock = readLock(runDir);
    return lock !== undefined && isLockAlive(lock);
  } catch {
    return false;
  }
}

/** The stored state of every run, in sweep order. */
export function sweepStatus(runs: readonly SweepRun[], store: string): RunStatus[] {
  return runs.map(({ key, label, config }) => {
    const { record, runDir } = runPaths(store, key);
    const selectBy = config.train.selectBy;
    if (existsSync(record)) {
      const m = readRunRecord<unknown, StoreMetrics, CurveRow>(record).metrics;
      return { key, label, state: 'done', epochs: m.epochs, best: m.valid[selectBy] };
    }
    const curve = readJson<CurveRow[]>(join(runDir, 'curve.json')) ?? [];
    const values = curve.map((r) => (selectBy === 'loss' ? r.validLoss : r.validNdcg10));
    const best = values.length === 0 ? undefined : selectBy === 'loss' ? Math.min(...values) : Math.max(...values);
    const batches = readJson<{ epoch?: number; partial?: { batches?: number } }>(join(runDir, 'last', 'state.json'));
    const inEpoch = batches?.epoch === curve.length && typeof batches.partial?.batches === 'number' ? { batches: batches.partial.batches } : {};
    if (isLocked(runDir)) return { key, label, state: 'running', epochs: curve.length, ...inEpoch, best };
    const error = readJson<{ message?: string }>(join(runDir, ERROR_FILE));
    if (error) return { key, label, state: 'failed', epochs: curve.length, ...inEpoch, best, message: error.message ?? 'unknown error' };
    return { key, label, state: curve.length > 0 || inEpoch.batches !== undefined ? 'partial' : 'pending', epochs: curve.length, ...inEpoch, best };
  });
}

/** One line per run: label, state, epochs on disk, best value, key (and the message below). */
function runLines(rows: readonly (RunStatus | (Omit<RunStatus, 'state'> & { state: string }))[]): string[] {
  const width = Math.max(3, ...rows.map((r) => r.label.length));
  return rows.map((r) => {
    const best = r.best === undefined ? '-' : r.best.toFixed(4);
    const ep = `${r.epochs} ep${r.batches !== undefined ? ` +${r.batches} b` : ''}`;
    return `${r.label.padEnd(width)}  ${r.state.padEnd(11)}  ${ep.padStart(6)}  best ${best.padEnd(7)}  ${r.key}${r.message ? `\n${' '.repeat(width + 2)}${r.message}` : ''}`;
  });
}

/** One line per run and a count line. */
export function formatStatus(rows: readonly RunStatus[]): string {
  const n = (s: StoredState) => rows.filter((r) => r.state === s).length;
  const running = n('running') > 0 ? `, ${n('running')} running` : '';
  return [...runLines(rows), `${rows.length} runs: ${n('done')} done${running}, ${n('partial')} partial, ${n('failed')} failed, ${n('pending')} pending`].join('\n') + '\n';
}

/**
 * The status of a sweep submitted to Slurm: each run's state from slurmStatus (done, running,
 * pending, failed with the reason, unsubmitted), its epochs and best value from the store (`rows`,
 * sweepStatus of the same runs), and a count line.
 */
export function formatSlurmStatus(rows: readonly RunStatus[], s: SlurmStatus): string {
  const states = new Map<number, string>();
  for (const state of ['done', 'running', 'pending', 'failed', 'unsubmitted'] as const) for (const i of s[state]) states.set(i, state);
  const merged = rows.map((r, i) => ({ ...r, state: states.get(i) ?? r.state, message: s.why[i] ?? (states.get(i) === 'failed' ? r.message : undefined) }));
  const counts = `${s.done.length} done, ${s.running.length} running, ${s.pending.length} pending, ${s.failed.length} failed, ${s.unsubmitted.length} unsubmitted`;
  const tail = s.failed.length > 0 ? ['rerun the failed ones with `lsrm sweep resubmit SPEC --failed`'] : [];
  return [...runLines(merged), `${rows.length} runs on Slurm: ${counts}`, ...tail].join('\n') + '\n';
}
