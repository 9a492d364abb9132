/**
 * Helpers of the replay test (test/runs/reliability.test.ts): folder snapshots, one reference run
 * and copies of it, runs stopped after an epoch, and child processes (./run-child.ts) under the
 * fault-injection preload (./inject.cjs).
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { loadRun, trainRun, type RunConfigInput, type RunResultFile } from '../../lib/runs/run';
import { sha256Hex } from '../../lib/util/hash';
import type { CurveRow } from '../../lib/train/train';
import { tinyEvaluate } from '../train/tiny';
import { TINY_CONFIG, TINY_DEPS } from './tiny-run';

export const tmp = () => mkdtempSync(join(tmpdir(), 'lsrm-rel-'));
export const readJson = (p: string) => JSON.parse(readFileSync(p, 'utf8'));
const noWall = (c: CurveRow[]) => c.map(({ wallMs: _, ...r }) => r);

/** Collected log messages. */
export function logger() {
  const logs: string[] = [];
  return { logs, log: (m: string) => logs.push(m), text: () => logs.join('\n') };
}

/** Every file under `dir` with the SHA-256 of its bytes: equal snapshots = nothing changed. */
export function snapshot(dir: string, at = dir): Record<string, string> {
  const out: Record<string, string> = {};
  for (const name of readdirSync(at).sort()) {
    const p = join(at, name);
    if (statSync(p).isDirectory()) Object.assign(out, snapshot(dir, p), { [`${relative(dir, p)}/`]: 'dir' });
    else out[relative(dir, p)] = sha256Hex(readFileSync(p));
  }
  return out;
}

// One uninterrupted run: what every resumed or repaired run must equal.
let reference: Promise<{ dir: string; result: RunResultFile }> | undefined;
export const ref = () => (reference ??= (async () => {
  const dir = join(tmp(), 'ref');
  return { dir, result: await trainRun(TINY_CONFIG, dir, { deps: TINY_DEPS }) };
})());

/** A copy of the finished reference run. */
export async function finishedCopy(): Promise<string> {
  const dir = join(tmp(), 'run');
  cpSync((await ref()).dir, dir, { recursive: true });
  return dir;
}

/** A run stopped (in this process) right after epoch `epoch` is on disk. */
export async function stoppedAfter(epoch: number, config: RunConfigInput = TINY_CONFIG): Promise<string> {
  const dir = join(tmp(), 'run');
  const stop = (row: CurveRow) => {
    if (row.epoch === epoch) throw new Error('stopped');
  };
  await assert.rejects(trainRun(config, dir, { deps: TINY_DEPS, onEpoch: stop }), /stopped/);
  return dir;
}

/** `dir` ends as the reference run: same metrics, curve and weight files; no lock or temp left. */
export async function assertSameAsReference(dir: string): Promise<void> {
  const { dir: refDir, result } = await ref();
  const r = readJson(join(dir, 'result.json'));
  assert.deepEqual(r.metrics, result.metrics);
  assert.deepEqual([r.bestEpoch, r.switchEpoch, r.epochs, r.steps], [result.bestEpoch, result.switchEpoch, result.epochs, result.steps]);
  assert.deepEqual(noWall(readJson(join(dir, 'curve.json'))), noWall(readJson(join(refDir, 'curve.json'))));
  for (const f of ['checkpoint/weights.bin', 'checkpoint/info.json', 'last/weights.bin', 'last/optimizer.bin', 'last/best.bin', 'config.json', 'data.json']) {
    if (f === 'data.json') assert.deepEqual(readJson(join(dir, f)).fingerprint, readJson(join(refDir, f)).fingerprint);
    else assert.deepEqual(readFileSync(join(dir, f)), readFileSync(join(refDir, f)), f);
  }
  assert.deepEqual(readdirSync(dir).sort(), ['checkpoint', 'config.json', 'curve.json', 'data.json', 'last', 'result.json']);
}

/** The test metrics of loadRun(dir) and its messages. */
export async function evalRun(dir: string, opts: { allowDataChange?: boolean } = {}) {
  const l = logger();
  const run = await loadRun(dir, TINY_DEPS, { ...opts, log: l.log });
  const { metrics } = await tinyEvaluate(run.model, run.split, { split: 'test' });
  run.model.dispose();
  return { metrics, logs: l.text(), run };
}

export interface Child {
  readonly pid: number;
  readonly done: Promise<{ code: number | null; signal: NodeJS.Signals | null; out: string; err: string }>;
  /** Resolves once stderr matches `re`. */
  waitFor(re: RegExp): Promise<void>;
}

/** Start test/helpers/run-child.ts with the inject preload and rule `inject`. */
export function startChild(args: { cmd: 'train' | 'load'; dir: string; killAtStep?: number }, inject = '', env: NodeJS.ProcessEnv = {}): Child {
  const p = spawn(process.execPath, ['-r', join(__dirname, 'inject.cjs'), '--import', 'tsx', join(__dirname, 'run-child.ts'), JSON.stringify(args)], {
    env: { ...process.env, LSRM_BACKEND: 'cpu', LSRM_INJECT: inject, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  p.stdout.on('data', (d) => (out += d));
  p.stderr.on('data', (d) => (err += d));
  const done = new Promise<{ code: number | null; signal: NodeJS.Signals | null; out: string; err: string }>((res) => p.on('close', (code, signal) => res({ code, signal, out, err })));
  const waitFor = (re: RegExp) => new Promise<void>((res, rej) => {
    const check = () => (re.test(err) ? res() : undefined);
    p.stderr.on('data', check);
    void done.then(() => (re.test(err) ? res() : rej(new Error(`the child ended before ${re}:\n${err}`))));
  });
  return { pid: p.pid!, done, waitFor };
}

/** Kill a training child at `inject` (or step), check it died of SIGKILL holding the lock; return the dir. */
export async function killedRun(how: { inject?: string; killAtStep?: number }): Promise<{ dir: string; pid: number }> {
  const dir = join(tmp(), 'run');
  const c = startChild({ cmd: 'train', dir, killAtStep: how.killAtStep }, how.inject);
  const r = await c.done;
  assert.equal(r.signal, 'SIGKILL', r.err);
  assert.equal(readJson(join(dir, 'lock.json')).pid, c.pid, 'kill -9 leaves the lock behind');
  assert.equal(existsSync(join(dir, 'result.json')), false);
  return { dir, pid: c.pid };
}

