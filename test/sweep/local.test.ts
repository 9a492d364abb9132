/** The local executor with real worker processes (lsrm sweep exec under tsx) on tiny runs. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { expandSweep, type SweepSpec } from '../../lib/sweep/spec';
import { runLocal, workerCommand } from '../../lib/sweep/local';
import { sweepStatus } from '../../lib/sweep/status';
import { ERROR_FILE, trainWhenFree, type WorkerEvent } from '../../lib/sweep/worker';
import { readRunRecord } from '../../lib/runs/store';
import { runPaths, type StoreMetrics } from '../../lib/runs/in-store';
import type { CurveRow } from '../../lib/train/train';

const BASE = { data: { source: 'synthetic:smoke' }, model: { numLayers: 1, dim: 8, numHeads: 1, maxLen: 20 }, train: { epochs: 2, batchSize: 64 } };
const store = () => mkdtempSync(join(tmpdir(), 'lsrm-local-'));
const sink = () => {
  const lines: string[] = [];
  return { lines, stream: { write: (s: string) => lines.push(s) } };
};
const record = (dir: string, key: string) => readRunRecord<unknown, StoreMetrics, CurveRow>(runPaths(dir, key).record);

test('workerCommand: this node, its loader flags (not --test or --inspect), the lsrm entry', () => {
  const entry = join(__dirname, '..', '..', 'lib', 'cli.ts');
  assert.deepEqual(workerCommand(['--import', 'tsx', '--test-concurrency=2', '--inspect']), [process.execPath, '--import', 'tsx', entry]);
  const npx = ['--require', '/n/tsx/dist/preflight.cjs', '--import', 'file:///n/tsx/dist/loader.mjs', '--enable-source-maps'];
  assert.deepEqual(workerCommand(npx), [process.execPath, ...npx, entry]);
  assert.deepEqual(workerCommand([]), [process.execPath, '--import', 'tsx', entry], 'from source, tsx is added');
});

test('--jobs 2: two runs train at once; a second sweep sharing a run loads it and trains the other', async () => {
  const dir = store();
  const a = expandSweep({ base: BASE, axes: { 'train.seed': [0, 1] } });
  let running = 0, most = 0;
  const out = sink();
  const first = await runLocal(a, {
    store: dir, jobs: 2, stream: out.stream,
    onEvent: (_run, ev) => {
      if (ev.type === 'start') most = Math.max(most, ++running);
      if (ev.type === 'done') running--;
    },
  });
  assert.equal(most, 2, 'both workers ran at the same time');
  assert.deepEqual([...first.trained].sort(), a.map((r) => r.key).sort());
  assert.deepEqual([first.loaded, first.failed, first.notDone, first.isInterrupted], [[], [], [], false]);
  const text = out.lines.join('');
  assert.match(text, new RegExp(`sweep: ${a[0].label}: running epoch 1/2, best NDCG@10 \\d\\.\\d{4}`));
  assert.match(text, /sweep: 2 done\n$/);
  const b = expandSweep({ base: BASE, runs: [{ 'train.seed': 1 }, { 'model.dim': 16 }] });
  assert.equal(b[0].key, a[1].key);
  const second = await runLocal(b, { store: dir, jobs: 2 });
  assert.deepEqual([second.loaded, second.trained], [[b[0].key], [b[1].key]]);
  assert.equal(record(dir, b[0].key).meta.startedAt, record(dir, a[1].key).meta.startedAt, 'the shared run trained once');
});

test('a worker killed mid-run (SIGKILL) fails the run; the next sweep resumes it to the uninterrupted result', async () => {
  const spec: SweepSpec = { base: { ...BASE, train: { epochs: 3, batchSize: 64 } }, runs: [{}] };
  const [run] = expandSweep(spec);
  const killed = store(), clean = store();
  let killedAt = 0;
  const kill = (_r: unknown, ev: WorkerEvent, pid: number) => {
    if (ev.type === 'epoch' && killedAt === 0) {
      killedAt = ev.epoch;
      process.kill(pid, 'SIGKILL');
    }
  };
  const [broken, reference] = await Promise.all([runLocal([run], { store: killed, jobs: 1, onEvent: kill }), runLocal([run], { store: clean, jobs: 1 })]);
  assert.equal(killedAt, 1);
  assert.equal(broken.failed.length, 1);
  assert.match(broken.failed[0].message, /worker killed by SIGKILL/);
  const status = sweepStatus([run], killed)[0];
  assert.equal(status.state, 'failed', 'the executor wrote error.json for the killed worker');
  assert.ok(status.epochs >= 1 && status.epochs < 3, `epochs on disk: ${status.epochs}`);
  assert.deepEqual(reference.trained, [run.key]);

  const events: WorkerEvent[] = [];
  const resumed = await runLocal([run], { store: killed, jobs: 1, onEvent: (_r, ev) => events.push(ev) });
  assert.deepEqual(resumed.trained, [run.key]);
  assert.ok(events.some((e) => e.type === 'log' && /resuming after epoch/.test(e.message)), 'resumed, not restarted');
  assert.equal(existsSync(join(runPaths(killed, run.key).runDir, ERROR_FILE)), false, 'error.json cleared');
  const a = record(killed, run.key), b = record(clean, run.key);
  assert.deepEqual(a.metrics.valid, b.metrics.valid);
  assert.deepEqual(a.metrics.test, b.metrics.test);
  assert.deepEqual(a.curve.map((r) => [r.trainLoss, r.validLoss]), b.curve.map((r) => [r.trainLoss, r.validLoss]));
});

test('abort (Ctrl-C): the workers stop, nothing is marked failed, the runs are not done', async () => {
  const dir = store();
  const runs = expandSweep({ base: { ...BASE, train: { epochs: 5, batchSize: 64 } }, axes: { 'train.seed': [0, 1, 2] } });
  const abort = new AbortController();
  const pids = new Set<number>();
  const out = sink();
  const o = await runLocal(runs, {
    store: dir, jobs: 2, signal: abort.signal, graceMs: 2000, stream: out.stream,
    onEvent: (_r, ev, pid) => {
      pids.add(pid);
      if (ev.type === 'epoch') abort.abort();
    },
  });
  assert.equal(o.isInterrupted, true);
  assert.deepEqual([o.trained, o.failed], [[], []]);
  assert.deepEqual([...o.notDone].sort(), runs.map((r) => r.key).sort());
  assert.equal(pids.size, 2, 'the third run never started');
  for (const pid of pids) assert.throws(() => process.kill(pid, 0), /ESRCH/, `worker ${pid} is gone`);
  assert.deepEqual(sweepStatus(runs, dir).map((s) => s.state === 'failed'), [false, false, false]);
  assert.match(out.lines.join(''), /: stopped/);
  // The run that reported an epoch kept it on disk.
  const curves = runs.map((r) => join(runPaths(dir, r.key).runDir, 'curve.json')).filter(existsSync);
  assert.ok(curves.some((p) => JSON.parse(readFileSync(p, 'utf8')).length >= 1));
});

test('a run another process holds is shown elsewhere, waited for, and trained once in all', async (t) => {
  const dir = store();
  const runs = expandSweep({ base: BASE, axes: { 'train.seed': [0, 1] } });
  // Another process holds run 0's lock (a sleeping child named in lock.json).
  const holder = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 60000)'], { stdio: 'ignore' });
  t.after(() => holder.kill('SIGKILL'));
  const { runDir } = runPaths(dir, runs[0].key);
  mkdirSync(runDir, { recursive: true });
  writeFileSync(join(runDir, 'lock.json'), JSON.stringify({ pid: holder.pid, host: hostname(), startedAt: new Date().toISOString() }));
  const epochOnes = new Map<string, number>();
  const count = (key: string) => epochOnes.set(key, (epochOnes.get(key) ?? 0) + 1);
  let here: Promise<unknown> | undefined;
  const out = sink();
  const o = await runLocal(runs, {
    store: dir, jobs: 2, pollMs: 100, stream: out.stream,
    onEvent: (run, ev) => {
      if (ev.type === 'epoch' && ev.epoch === 1) count(run.key);
      if (ev.type === 'busy' && !here) {
        // The other process lets go and this one trains the run (waiting if a worker took it first).
        rmSync(join(runDir, 'lock.json'));
        here = trainWhenFree(run.config, { dir, pollMs: 100, onEpoch: (row) => row.epoch === 1 && count(run.key) });
      }
    },
  });
  await here;
  assert.ok(here, 'the worker reported the run busy');
  assert.match(out.lines.join(''), new RegExp(`sweep: ${runs[0].label}: elsewhere: another process trains it`));
  assert.deepEqual([o.failed, o.notDone], [[], []]);
  assert.deepEqual([...o.trained, ...o.loaded].sort(), runs.map((r) => r.key).sort());
  assert.deepEqual([epochOnes.get(runs[0].key), epochOnes.get(runs[1].key)], [1, 1], 'each run trained once');
});

test('two sweeps over one store started at once on overlapping grids: each run trains once, both end with all results', async () => {
  const dir = store();
  // Both start with seed 1, so one of them finds it locked by the other.
  const a = expandSweep({ base: BASE, runs: [{ 'train.seed': 1 }, { 'train.seed': 0 }, { 'train.seed': 2 }] });
  const b = expandSweep({ base: BASE, axes: { 'train.seed': [1, 2, 3] } });
  const starts = new Map<string, number>();
  const states: string[] = [];
  const onEvent = (run: { key: string }, ev: WorkerEvent) => {
    if (ev.type === 'epoch' && ev.epoch === 1) starts.set(run.key, (starts.get(run.key) ?? 0) + 1);
    if (ev.type === 'busy') states.push(`busy ${run.key}`);
  };
  const [oa, ob] = await Promise.all([runLocal(a, { store: dir, jobs: 2, pollMs: 200, onEvent }), runLocal(b, { store: dir, jobs: 2, pollMs: 200, onEvent })]);
  const keys = [...new Set([...a, ...b].map((r) => r.key))];
  assert.equal(keys.length, 4);
  assert.deepEqual(keys.map((k) => starts.get(k)), [1, 1, 1, 1], `epoch-1 starts per run: ${JSON.stringify([...starts])}`);
  for (const [o, runs] of [[oa, a], [ob, b]] as const) {
    assert.deepEqual([o.failed, o.notDone, o.isInterrupted], [[], [], false]);
    assert.deepEqual([...o.trained, ...o.loaded].sort(), runs.map((r) => r.key).sort());
  }
  for (const k of keys) assert.ok(existsSync(runPaths(dir, k).record), k);
  process.stderr.write(`two sweeps: ${states.length} busy report(s)\n`);
});
