import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { filterRuns, findRun, flattenConfig, parseWhere, lockOf, readCatalog, readRunEntry, runLabel, valueAt } from '../../lib/runs/catalog';
import { trainRun, type RunDeps } from '../../lib/runs/run';
import { runKey } from '../../lib/runs/store';
import { tinyEvaluate, tinyLoss, tinyModel, tinySplit } from '../train/tiny';
import { deadPid, fakeStore, runConfig, write } from './fake-store';

test('runLabel: model LxD, data, the settings that differ from the defaults, seed', () => {
  assert.equal(runLabel(runConfig()), 'lsrm 2x64 ml-100k seed 0');
  assert.equal(runLabel(runConfig({}, { layerwiseDropout: false, switchOptimizer: false, lrPeak: 0.001, seed: 3 })), 'lsrm 2x64 ml-100k no-LAD no-SO lr=0.001 seed 3');
  // Smoke presets: a short sequence length and a small budget show; 2 heads is LSRM's default.
  assert.equal(runLabel(runConfig({ maxLen: 20, numHeads: 4 }, { epochs: 2, batchSize: 32, patience: 1 }, 'synthetic:smoke')), 'lsrm 2x64 synthetic:smoke heads=4 len=20 bs=32 ep=2 pat=1 seed 0');
  // GRU4Rec reads no heads; a k-core and a file source read as names, never as paths.
  const gru = runConfig({ kind: 'gru4rec', dim: 32, numHeads: 8 }, { selectBy: 'loss', dropoutTop: 0.4, weightDecay: 0.01 }, 'atomic:/data/x/amazon-beauty.inter');
  assert.equal(runLabel({ ...gru, data: { ...gru.data, core: 30 } }), 'gru4rec 2x32 amazon-beauty 30-core select=loss drop=0.3-0.4 weightDecay=0.01 seed 0');
});

test('readCatalog: one entry per run folder with state, note, metrics and wall time', () => {
  const { store, dirs, keys } = fakeStore();
  const cat = readCatalog(store);
  assert.equal(cat.runs.length, 6);
  assert.deepEqual(cat.warnings.length, 1);
  assert.match(cat.warnings[0], /broken\/x\.run: not a run folder/);
  const by = (role: keyof typeof keys) => cat.runs.find((r) => r.key === keys[role])!;
  const done = by('done');
  assert.equal(done.state, 'done');
  assert.equal(done.label, 'lsrm 2x64 ml-100k seed 0');
  assert.equal(done.path, `train/${keys.done}.run`);
  assert.equal(done.dir, dirs.done);
  assert.match(done.hash!, /^[0-9a-f]{10}$/);
  assert.ok(done.key.endsWith(`-${done.hash}`));
  // Selection by the default, validation NDCG@10: the result's best epoch and its validation value.
  assert.deepEqual(done.bestValid, { metric: 'NDCG@10', value: 0.05, epoch: 2 });
  assert.equal(done.test!['NDCG@10'], 0.04);
  assert.deepEqual([done.epochs, done.wallMs, done.note], [3, 30_000, 'stopped by epochs']);
  const running = by('running');
  assert.equal(running.state, 'running');
  assert.equal(running.note, `pid ${process.pid} on ${hostname()}, 2 epochs done`);
  assert.deepEqual([running.epochs, running.wallMs, running.bestValid], [2, 20_000, { metric: 'NDCG@10', value: 0.03 + 0.01 * 1, epoch: 2 }]);
  const failed = by('failed');
  assert.equal(failed.state, 'failed');
  assert.equal(failed.note, 'NaN loss at step 12; resumable after epoch 1');
  assert.deepEqual(failed.error, { message: 'NaN loss at step 12\n  at trainModel', at: '2025-01-01T01:00:00Z' });
  const stopped = by('stopped');
  assert.equal(stopped.state, 'pending');
  assert.match(stopped.note!, /^resumable after epoch 2; stale lock of pid \d+$/);
  assert.equal(stopped.lock!.isAlive, false);
  const pending = by('pending');
  assert.deepEqual([pending.state, pending.note, pending.epochs, pending.bestValid, pending.wallMs], ['pending', 'not started', 0, undefined, undefined]);
  // Sorted by label; the catalog wrote nothing into the run folders.
  assert.deepEqual(cat.runs.map((r) => r.label), [...cat.runs.map((r) => r.label)].sort());
  assert.deepEqual(readdirSync(dirs.pending), ['config.json']);
});

test('lockOf: lock.json of a live pid, of a dead one, of another host; a damaged one holds nothing', () => {
  const dir = mkdtempSync(join(tmpdir(), 'lsrm-lock-'));
  assert.equal(lockOf(dir), undefined);
  write(join(dir, 'lock.json'), { note: 'no pid' });
  assert.equal(lockOf(dir), undefined);
  const lock = { pid: process.pid, host: hostname(), startedAt: '2025-01-01T00:00:00Z' };
  write(join(dir, 'lock.json'), lock);
  assert.deepEqual(lockOf(dir), { ...lock, file: join(dir, 'lock.json'), isAlive: true });
  write(join(dir, 'lock.json'), { ...lock, pid: deadPid() });
  assert.equal(lockOf(dir)!.isAlive, false);
  write(join(dir, 'lock.json'), { ...lock, pid: deadPid(), host: 'node-7' });
  assert.equal(lockOf(dir)!.isAlive, undefined);
  write(join(dir, 'config.json'), runConfig());
  const entry = readRunEntry(dir);
  assert.equal(entry.state, 'running');
  assert.match(entry.note!, /^pid \d+ on node-7 \(other host, not checked\), 0 epochs done$/);
});

test('findRun: key, key.run, hash prefix, unique label or folder; errors list the candidates', () => {
  const { store, dirs, keys } = fakeStore();
  const cat = readCatalog(store);
  const done = cat.runs.find((r) => r.key === keys.done)!;
  assert.equal(findRun(cat, keys.done), done);
  assert.equal(findRun(cat, `${keys.done}.run`), done);
  assert.equal(findRun(cat, done.hash!.slice(0, 6)), done);
  assert.equal(findRun(cat, 'lsrm 2x64 ml-100k seed 0'), done);
  assert.equal(findRun(cat, dirs.done), done);
  assert.throws(() => findRun(cat, 'dim-64'), (e: Error) => {
    assert.equal(e.name, 'DataError');
    assert.match(e.message, /^'dim-64' matches 4 runs; give more of the key or the folder path:\n {2}[0-9a-f]{10} {2}lsrm 2x64 ml-100k no-LAD no-SO lr=0\.001 seed 0 {2}done {5}train\//);
    assert.equal(e.message.split('\n').length, 5);
    return true;
  });
  assert.throws(() => findRun(cat, 'zzz'), /no run matches 'zzz' \(a key, unique key or hash prefix, label, or run folder\); runs in .*:\n {2}[0-9a-f]{10} {2}gru4rec 2x32 ml-100k seed 1 +failed {3}train\//);
});

test('filterRuns: dotted config fields, state, key and label (contains), ANDed', () => {
  const { store } = fakeStore();
  const { runs } = readCatalog(store);
  const where = (...w: string[]) => filterRuns(runs, w.map(parseWhere)).map((r) => r.label);
  assert.deepEqual(where('model.dim=64', 'train.seed=0', 'model.numLayers=2'), ['lsrm 2x64 ml-100k no-LAD no-SO lr=0.001 seed 0', 'lsrm 2x64 ml-100k seed 0']);
  assert.deepEqual(where('train.lrPeak=1e-3'), ['lsrm 2x64 ml-100k no-LAD no-SO lr=0.001 seed 0'], 'numbers compare as numbers');
  assert.deepEqual(where('state=done', 'label=no-LAD'), ['lsrm 2x64 ml-100k no-LAD no-SO lr=0.001 seed 0']);
  assert.deepEqual(where('train.layerwiseDropout=false'), ['lsrm 2x64 ml-100k no-LAD no-SO lr=0.001 seed 0']);
  assert.deepEqual(where('data.source=synthetic:smoke'), ['lsrm 2x64 synthetic:smoke seed 2']);
  assert.deepEqual(where('state=running'), ['lsrm 2x128 ml-100k seed 0']);
  assert.deepEqual(where('model.dim=7'), []);
  assert.throws(() => where('model.width=64'), /--where model.width: no run has that field. Fields: label, state, key, data.source, data.core, model.kind/);
  assert.throws(() => parseWhere('dim'), /--where takes FIELD=VALUE \(e.g. model.dim=64, train.seed=0, state=done\), got 'dim'/);
  assert.equal(valueAt({ a: { b: 2 } }, 'a.b'), 2);
  assert.deepEqual(flattenConfig({ a: { b: 2, c: [1] }, d: 'x' }), { 'a.b': 2, 'a.c': [1], d: 'x' });
});

test('readCatalog: a missing store is a DataError naming --store', () => {
  assert.throws(() => readCatalog(join(tmpdir(), 'lsrm-no-such-store-x')), /lsrm-no-such-store-x: no result store here. Fix: pass --store DIR/);
});

test('a run trained by trainRun is running while it trains, then done with its real metrics and curve', async () => {
  const store = mkdtempSync(join(tmpdir(), 'lsrm-catalog-real-'));
  const deps: Partial<RunDeps> = {
    prepare: async () => tinySplit(30, 20, 15, 1),
    buildModel: (spec, numItems, train) => tinyModel(numItems, spec.dim, spec.maxLen, train.seed),
    lossFn: tinyLoss,
    evaluate: tinyEvaluate,
  };
  const input = {
    data: { source: 'synthetic:smoke', core: 0 },
    model: { kind: 'lsrm' as const, numLayers: 1, dim: 8, numHeads: 1, maxLen: 5 },
    train: { epochs: 2, batchSize: 16, lrPeak: 0.05, warmupMinSteps: 0, patience: 1, seed: 5 },
  };
  const key = runKey({ model: 'lsrm', layers: 1, dim: 8, run: input });
  const seen: string[] = [];
  const onEpoch = () => {
    const [live] = readCatalog(store).runs;
    seen.push(`${live.state}: ${live.note}`);
  };
  const r = await trainRun(input, join(store, 'train', `${key}.run`), { deps, onEpoch });
  // While it trains, trainRun's own lock (lock.json, this process) marks it running.
  assert.deepEqual(seen, [`running: pid ${process.pid} on ${hostname()}, 1 epoch done`, `running: pid ${process.pid} on ${hostname()}, 2 epochs done`]);
  const [entry] = readCatalog(store).runs;
  assert.equal(entry.key, key);
  assert.equal(entry.state, 'done');
  assert.equal(entry.label, 'lsrm 1x8 synthetic:smoke heads=1 len=5 lr=0.05 bs=16 ep=2 pat=1 warmupMinSteps=0 seed 5');
  assert.deepEqual([entry.epochs, entry.curve.length, entry.wallMs], [2, 2, r.wallMs]);
  assert.deepEqual(entry.bestValid, { metric: 'NDCG@10', value: r.metrics.valid['NDCG@10'], epoch: r.bestEpoch });
  assert.deepEqual(entry.test, r.metrics.test);
  assert.equal(entry.bestValid!.value, entry.curve[r.bestEpoch - 1].validNdcg10);
});
