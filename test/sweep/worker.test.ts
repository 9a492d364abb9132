import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { expandSweep } from '../../lib/sweep/spec';
import { writeManifest } from '../../lib/sweep/manifest';
import { ERROR_FILE, execSweepRun, EXIT_BUSY, lockState, type WorkerEvent } from '../../lib/sweep/worker';
import { runPaths } from '../../lib/runs/in-store';
import { sweepStatus } from '../../lib/sweep/status';
import { writeTinyInter } from '../helpers/tiny-inter';

const tinyInter = (path: string): string => writeTinyInter(path, 5);

function setup() {
  const store = mkdtempSync(join(tmpdir(), 'lsrm-worker-'));
  const source = `atomic:${tinyInter(join(store, 'tiny.inter'))}`;
  const runs = expandSweep({ base: { data: { source }, model: { numLayers: 1, dim: 8, numHeads: 1, maxLen: 10 }, train: { epochs: 2, batchSize: 16, selectBy: 'loss' } }, axes: { 'train.seed': [0, 1] } });
  return { store, runs, manifest: writeManifest(store, runs) };
}

test('sweep exec: trains run I into the store with start, epoch and done events; a second exec loads', async () => {
  const { store, runs, manifest } = setup();
  const events: WorkerEvent[] = [];
  assert.equal(await execSweepRun(manifest, 1, { emit: (e) => events.push(e), stepIntervalMs: 0 }), 0);
  const types = events.map((e) => e.type);
  assert.equal(types[0], 'start');
  assert.equal(types[types.length - 1], 'done');
  const epochs = events.filter((e): e is Extract<WorkerEvent, { type: 'epoch' }> => e.type === 'epoch');
  assert.deepEqual(epochs.map((e) => e.epoch), [1, 2]);
  for (const e of epochs) {
    assert.equal(e.key, runs[1].key);
    assert.equal(e.maxEpochs, 2);
    assert.equal(e.selectBy, 'loss');
    assert.ok(Number.isFinite(e.validLoss) && e.best <= e.validLoss + 1e-12);
  }
  assert.equal(epochs[1].etaSeconds, 0, 'the last epoch leaves nothing');
  assert.ok(events.some((e) => e.type === 'step' && e.etaSeconds !== undefined), 'steps carry an ETA');
  const done = events[events.length - 1] as Extract<WorkerEvent, { type: 'done' }>;
  assert.equal(done.isCached, false);
  assert.equal(done.epochs, 2);
  assert.ok(existsSync(runPaths(store, runs[1].key).record));
  assert.deepEqual(sweepStatus(runs, store).map((s) => s.state), ['pending', 'done']);
  const again: WorkerEvent[] = [];
  assert.equal(await execSweepRun(manifest, 1, { emit: (e) => again.push(e) }), 0);
  assert.deepEqual(again.filter((e) => e.type !== 'log').map((e) => e.type), ['start', 'done']);
  assert.equal((again[again.length - 1] as { isCached: boolean }).isCached, true);
});

test('sweep exec: a failure writes error.json and a failed event; the next start clears it', async () => {
  const { store, runs, manifest } = setup();
  const events: WorkerEvent[] = [];
  const deps = { prepare: () => Promise.reject(new Error('disk on fire')) };
  assert.equal(await execSweepRun(manifest, 0, { emit: (e) => events.push(e), deps }), 1);
  assert.deepEqual(events[events.length - 1], { type: 'failed', key: runs[0].key, message: 'disk on fire' });
  const errorFile = join(runPaths(store, runs[0].key).runDir, ERROR_FILE);
  const error = JSON.parse(readFileSync(errorFile, 'utf8'));
  assert.equal(error.message, 'disk on fire');
  assert.ok(!Number.isNaN(Date.parse(error.at)));
  const status = sweepStatus(runs, store)[0];
  assert.equal(status.state, 'failed');
  assert.equal(status.message, 'disk on fire');
  assert.equal(await execSweepRun(manifest, 0, { emit: () => undefined }), 0);
  assert.equal(existsSync(errorFile), false);
  assert.equal(sweepStatus(runs, store)[0].state, 'done');
});

test('sweep exec: an index outside the manifest is an error naming the range', async () => {
  const { manifest } = setup();
  await assert.rejects(execSweepRun(manifest, 2, { emit: () => undefined }), /--index must be an integer in \[0, 1\], got 2/);
  await assert.rejects(execSweepRun(join(tmpdir(), 'no-such-manifest.json'), 0, { emit: () => undefined }), /not a readable sweep manifest/);
});

/** Hold run `key`'s lock as another live process would: lock.json naming a sleeping child. */
function holdLock(store: string, key: string) {
  const child = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 60000)'], { stdio: 'ignore' });
  const { runDir } = runPaths(store, key);
  mkdirSync(runDir, { recursive: true });
  writeFileSync(join(runDir, 'lock.json'), JSON.stringify({ pid: child.pid, host: hostname(), startedAt: new Date().toISOString() }));
  return { release: () => rmSync(join(runDir, 'lock.json'), { force: true }), kill: () => child.kill('SIGKILL') };
}

test('sweep exec --if-busy exit: a run another process trains is busy (event, EXIT_BUSY), not failed (no error.json)', async (t) => {
  const { store, runs, manifest } = setup();
  const other = holdLock(store, runs[0].key);
  t.after(other.kill);
  assert.equal(lockState(store, runs[0].key), 'locked');
  const events: WorkerEvent[] = [];
  assert.equal(await execSweepRun(manifest, 0, { emit: (e) => events.push(e), ifBusy: 'exit' }), EXIT_BUSY);
  const busy = events.find((e): e is Extract<WorkerEvent, { type: 'busy' }> => e.type === 'busy');
  assert.ok(busy && /is in use by process \d+/.test(busy.message), JSON.stringify(events));
  assert.equal(events.some((e) => e.type === 'failed' || e.type === 'epoch'), false);
  assert.equal(existsSync(join(runPaths(store, runs[0].key).runDir, ERROR_FILE)), false);
  assert.equal(sweepStatus(runs, store)[0].state, 'running', 'status sees the live lock');
});

test('sweep exec (default: wait): a busy run is waited for, then trained once the lock is released', async (t) => {
  const { store, runs, manifest } = setup();
  const other = holdLock(store, runs[1].key);
  t.after(other.kill);
  const events: WorkerEvent[] = [];
  const exec = execSweepRun(manifest, 1, { pollMs: 20, emit: (e) => {
    events.push(e);
    if (e.type === 'busy') setTimeout(other.release, 200);
  } });
  assert.equal(await exec, 0);
  const types = events.map((e) => e.type).filter((x) => x !== 'log' && x !== 'step');
  assert.deepEqual(types, ['start', 'busy', 'epoch', 'epoch', 'done']);
  assert.equal(lockState(store, runs[1].key), 'done');
});
