/**
 * A hand-written result store for the catalog and `lsrm runs` tests: run folders in each state,
 * written file by file as trainRun, the sweep worker and a lock holder would leave them.
 *   done     lsrm 2x64 ml-100k, seed 0 (3 epochs, best 2) and its no-LAD, no-SO, lr 0.001 twin
 *   running  a lock held by this test process (pid = process.pid, this host), 2 epochs done
 *   failed   error.json after 1 epoch
 *   stopped  2 epochs done, a stale lock of a dead pid: pending, 'resumable after epoch 2'
 *   pending  config.json only
 * plus a folder that is not a run (a table's result files) and a damaged config.json.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { normalizeRunConfig, type RunConfig, type RunConfigInput, type RunResultFile } from '../../lib/runs/run';
import { runKey } from '../../lib/runs/store';
import type { CurveRow } from '../../lib/train/train';

export const write = (path: string, value: unknown): void => {
  mkdirSync(join(path, '..'), { recursive: true });
  writeFileSync(path, typeof value === 'string' ? value : JSON.stringify(value, null, 2));
};

export function runConfig(model: Partial<RunConfigInput['model']> = {}, train: RunConfigInput['train'] = {}, source = 'dataset:ml-100k'): RunConfig {
  return normalizeRunConfig({ data: { source, core: 0 }, model: { kind: 'lsrm', numLayers: 2, dim: 64, numHeads: 2, maxLen: 50, ...model }, train });
}

/** Curve rows: valid loss 6.0, 5.8, 5.9, ... (best at epoch 2), 10 s per epoch. */
export function curveRows(n: number, shift = 0): CurveRow[] {
  const valid = [6.0, 5.8, 5.9, 5.95];
  return Array.from({ length: n }, (_, i) => ({
    epoch: i + 1, step: 10 * (i + 1), trainLoss: 6.5 - 0.3 * i + shift, validLoss: valid[i] + shift, validNdcg10: 0.03 + 0.01 * i,
    lr: 3e-3, optimizer: 'adam', wallMs: 10_000 * (i + 1),
  }) as CurveRow);
}

/** A result.json whose metrics are shifted by `shift` (loss) and `gain` (NDCG). */
export function resultFile(shift = 0, gain = 0): RunResultFile {
  return {
    metrics: { valid: { loss: 5.8 + shift, 'NDCG@10': 0.05 + gain }, test: { loss: 5.9 + shift, 'NDCG@10': 0.04 + gain } },
    bestEpoch: 2, switchEpoch: 0, epochs: 3, steps: 30, stoppedBy: 'epochs',
    params: { embedding: 1, nonEmbedding: 1, total: 2 },
    data: { numUsers: 10, numItems: 20, numTrainInteractions: 100 },
    env: { backend: 'cpu', tfjsVersion: '4', nodeVersion: 'v20', commit: 'x' },
    wallMs: 30_000, evalWallMs: 1_500,
  };
}

/** A pid no process has: a child that already exited. */
export function deadPid(): number {
  return spawnSync(process.execPath, ['-e', '0']).pid!;
}

export interface FakeStore {
  readonly store: string;
  /** Run folders by role. */
  readonly dirs: Readonly<Record<'done' | 'variant' | 'running' | 'failed' | 'stopped' | 'pending', string>>;
  readonly keys: Readonly<Record<'done' | 'variant' | 'running' | 'failed' | 'stopped' | 'pending', string>>;
}

/** Write the store into a new temp folder. */
export function fakeStore(): FakeStore {
  const store = mkdtempSync(join(tmpdir(), 'lsrm-catalog-'));
  const configs = {
    done: runConfig(),
    variant: runConfig({}, { layerwiseDropout: false, switchOptimizer: false, lrPeak: 0.001 }),
    running: runConfig({ dim: 128 }),
    failed: runConfig({ kind: 'gru4rec', dim: 32 }, { seed: 1 }),
    stopped: runConfig({ numLayers: 4 }),
    pending: runConfig({}, { seed: 2 }, 'synthetic:smoke'),
  };
  const keys = Object.fromEntries(Object.entries(configs).map(([k, c]) => [k, runKey({ model: c.model.kind, layers: c.model.numLayers, dim: c.model.dim, run: c })])) as FakeStore['keys'];
  const dirs = Object.fromEntries(Object.keys(configs).map((k) => [k, join(store, 'train', `${keys[k as keyof typeof keys]}.run`)])) as FakeStore['dirs'];
  for (const [role, c] of Object.entries(configs)) write(join(dirs[role as keyof typeof dirs], 'config.json'), c);
  write(join(dirs.done, 'curve.json'), curveRows(3));
  write(join(dirs.done, 'result.json'), resultFile());
  write(join(`${dirs.done.slice(0, -4)}.json`), { config: {}, metrics: {}, curve: [], meta: {} });
  write(join(dirs.variant, 'curve.json'), curveRows(3, 0.1));
  write(join(dirs.variant, 'result.json'), resultFile(0.1, -0.01));
  write(join(dirs.running, 'curve.json'), curveRows(2));
  write(join(dirs.running, 'last', 'state.json'), { epoch: 2 });
  write(join(dirs.running, 'lock.json'), { pid: process.pid, host: hostname(), startedAt: '2025-01-01T00:00:00Z' });
  write(join(dirs.failed, 'curve.json'), curveRows(1));
  write(join(dirs.failed, 'error.json'), { message: 'NaN loss at step 12\n  at trainModel', at: '2025-01-01T01:00:00Z' });
  write(join(dirs.stopped, 'curve.json'), curveRows(2));
  write(join(dirs.stopped, 'last', 'state.json'), { epoch: 2 });
  write(join(dirs.stopped, 'lock.json'), { pid: deadPid(), host: hostname(), startedAt: '2025-01-01T00:00:00Z' });
  write(join(store, 'table-2', 'spec-x-0123456789.json'), { config: {}, metrics: {}, curve: [], meta: {} });
  write(join(store, 'broken', 'x.run', 'config.json'), '{ not json');
  return { store, dirs, keys };
}
