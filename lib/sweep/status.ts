/**
 * Where each run of a sweep stands, read from the store's files only (no process is asked):
 *   done     its record <store>/train/<key>.json exists
 *   failed   error.json in its run directory (the worker's, or the executor's for a killed worker)
 *   partial  epochs on disk (curve.json) but no result: the next `lsrm sweep run` resumes it
 *   pending  nothing yet
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { readRunRecord } from '../runs/store';
import { runPaths, type StoreMetrics } from '../runs/in-store';
import type { CurveRow } from '../train/train';
import type { SweepRun } from './spec';
import { ERROR_FILE } from './worker';

export type StoredState = 'done' | 'failed' | 'partial' | 'pending';

export interface RunStatus {
  readonly key: string;
  readonly label: string;
  readonly state: StoredState;
  /** Epochs on disk. */
  readonly epochs: number;
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
    const error = readJson<{ message?: string }>(join(runDir, ERROR_FILE));
    if (error) return { key, label, state: 'failed', epochs: curve.length, best, message: error.message ?? 'unknown error' };
    return { key, label, state: curve.length > 0 ? 'partial' : 'pending', epochs: curve.length, best };
  });
}

/** One line per run and a count line. */
export function formatStatus(rows: readonly RunStatus[]): string {
  const width = Math.max(3, ...rows.map((r) => r.label.length));
  const lines = rows.map((r) => {
    const best = r.best === undefined ? '-' : r.best.toFixed(4);
    return `${r.label.padEnd(width)}  ${r.state.padEnd(7)}  ${String(r.epochs).padStart(3)} ep  best ${best.padEnd(7)}  ${r.key}${r.message ? `\n${' '.repeat(width + 2)}${r.message}` : ''}`;
  });
  const n = (s: StoredState) => rows.filter((r) => r.state === s).length;
  lines.push(`${rows.length} runs: ${n('done')} done, ${n('partial')} partial, ${n('failed')} failed, ${n('pending')} pending`);
  return lines.join('\n') + '\n';
}
