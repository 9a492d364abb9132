import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadRun, RunLockedError, trainRun, type RunConfigInput, type RunDeps } from '../../lib/runs/run';
import type { CurveRow } from '../../lib/train/train';
import { acquireLock } from '../../lib/runs/lock';
import { tinyEvaluate, tinyLoss, tinyModel, tinySplit } from '../train/tiny';

const tmp = () => mkdtempSync(join(tmpdir(), 'lsrm-run-'));
const deps: Partial<RunDeps> = {
  prepare: async () => tinySplit(30, 20, 15, 1),
  buildModel: (spec, numItems, train) => tinyModel(numItems, spec.dim, spec.maxLen, train.seed),
  lossFn: tinyLoss,
  evaluate: tinyEvaluate,
};
const config: RunConfigInput = {
  data: { source: 'synthetic:smoke', core: 0 },
  model: { kind: 'lsrm', numLayers: 1, dim: 8, numHeads: 1, maxLen: 5 },
  train: { epochs: 3, batchSize: 16, lrPeak: 0.05, warmupMinSteps: 0, patience: 1, seed: 5 },
};
const readJson = (p: string) => JSON.parse(readFileSync(p, 'utf8'));
const noWall = (c: CurveRow[]) => c.map(({ wallMs: _, ...r }) => r);

test('trainRun writes config, curve, checkpoint/, last/ and result.json', async () => {
  const dir = tmp();
  const epochs: number[] = [];
  const r = await trainRun(config, dir, { deps, onEpoch: (row) => epochs.push(row.epoch) });
  assert.deepEqual(epochs, [1, 2, 3]);
  // No lock.json left behind, no temp files.
  assert.deepEqual(readdirSync(dir).sort(), ['checkpoint', 'config.json', 'curve.json', 'data.json', 'last', 'result.json']);
  assert.deepEqual(readdirSync(join(dir, 'checkpoint')).sort(), ['info.json', 'weights.bin', 'weights.json']);
  assert.deepEqual(readdirSync(join(dir, 'last')).sort(), ['best.bin', 'best.json', 'config.json', 'optimizer.bin', 'optimizer.json', 'state.json', 'weights.bin', 'weights.json']);
  const saved = readJson(join(dir, 'config.json'));
  assert.equal(saved.train.weightDecay, 1e-8, 'defaults are filled in');
  assert.deepEqual(readJson(join(dir, 'last', 'config.json')), saved, 'last/ records the config it was trained with');
  const data = readJson(join(dir, 'data.json'));
  assert.deepEqual(data.data, config.data);
  assert.equal(data.fingerprint.numUsers, 30);
  assert.match(data.fingerprint.sha256, /^[0-9a-f]{64}$/);
  assert.equal(r.dataChanges, undefined);
  assert.equal(readJson(join(dir, 'curve.json')).length, 3);
  assert.equal(readJson(join(dir, 'checkpoint', 'info.json')).epoch, r.bestEpoch);
  assert.deepEqual(readJson(join(dir, 'result.json')), r);
  assert.ok(r.metrics.valid.loss > 0 && r.metrics.test.loss > 0);
  assert.equal(r.env.backend, 'cpu');
  assert.match(r.env.nodeVersion, /^v\d+/);
  assert.equal(r.data.numUsers, 30);
  // The best model's validation loss is the best curve row's.
  const curve: CurveRow[] = readJson(join(dir, 'curve.json'));
  assert.equal(r.metrics.valid.loss, curve[r.bestEpoch - 1].validLoss);
});

test('trainRun: killed after epoch 1, the same call resumes and ends bit-identical', async () => {
  const full = tmp();
  const r = await trainRun(config, full, { deps });
  const crashed = tmp();
  await assert.rejects(trainRun(config, crashed, { deps, onEpoch: (row) => { if (row.epoch === 1) throw new Error('SIGKILL'); } }), /SIGKILL/);
  assert.equal(existsSync(join(crashed, 'result.json')), false);
  assert.equal(readJson(join(crashed, 'last', 'state.json')).epoch, 1);
  const logs: string[] = [];
  const r2 = await trainRun(config, crashed, { deps, log: (m) => logs.push(m) });
  assert.match(logs[0], /resuming after epoch 1 \(step 6\)/);
  assert.deepEqual(r2.metrics, r.metrics);
  assert.deepEqual([r2.bestEpoch, r2.switchEpoch, r2.steps], [r.bestEpoch, r.switchEpoch, r.steps]);
  assert.deepEqual(noWall(readJson(join(crashed, 'curve.json'))), noWall(readJson(join(full, 'curve.json'))));
  for (const f of ['checkpoint/weights.bin', 'last/weights.bin', 'last/optimizer.bin']) {
    assert.deepEqual(readFileSync(join(crashed, f)), readFileSync(join(full, f)), f);
  }
});

test('trainRun: killed inside epoch 2, the same call resumes after the last saved batch and ends bit-identical', async () => {
  const full = tmp();
  const r = await trainRun(config, full, { deps });
  const crashed = tmp();
  // checkpointEveryMs 0: last/ is saved after every batch but an epoch's last; the kill comes in step 9's report, after batch 3 of epoch 2 ran (saved: batch 2).
  const kill = (s: { step: number }) => { if (s.step === 9) throw new Error('SIGKILL'); };
  await assert.rejects(trainRun(config, crashed, { deps, checkpointEveryMs: 0, onStep: kill }), /SIGKILL/);
  const state = readJson(join(crashed, 'last', 'state.json'));
  assert.deepEqual([state.epoch, state.step, state.partial.batches, state.curve.length], [1, 8, 2, 1]);
  assert.ok(state.partial.targetSum > 0 && state.partial.lossSum > 0);
  const logs: string[] = [];
  const r2 = await trainRun(config, crashed, { deps, log: (m) => logs.push(m) });
  assert.match(logs[0], /resuming inside epoch 2, after its batch 2 \(step 8\)/);
  assert.deepEqual(r2.metrics, r.metrics);
  assert.deepEqual([r2.bestEpoch, r2.switchEpoch, r2.steps], [r.bestEpoch, r.switchEpoch, r.steps]);
  // The curve too: epoch 2's training loss continues from the saved sums.
  assert.deepEqual(noWall(readJson(join(crashed, 'curve.json'))), noWall(readJson(join(full, 'curve.json'))));
  for (const f of ['checkpoint/weights.bin', 'last/weights.bin', 'last/optimizer.bin']) {
    assert.deepEqual(readFileSync(join(crashed, f)), readFileSync(join(full, f)), f);
  }
  assert.equal(readJson(join(crashed, 'last', 'state.json')).partial, undefined, 'a finished run keeps no partial epoch');
});

test('trainRun: a finished run is loaded, not retrained; another config is refused', async () => {
  const dir = tmp();
  const r = await trainRun(config, dir, { deps });
  const noData = { ...deps, prepare: async () => { throw new Error('must not load data'); } };
  const logs: string[] = [];
  assert.deepEqual(await trainRun(config, dir, { deps: noData, log: (m) => logs.push(m) }), r);
  assert.match(logs[0], /finished already/);
  const other = { ...config, train: { ...config.train, lrPeak: 0.01 } };
  await assert.rejects(trainRun(other, dir, { deps }), (e: Error) => {
    assert.equal(e.name, 'DataError');
    assert.equal(e.message, `${dir} already holds a finished run with a different config (differs in train.lrPeak). Fix: choose another output directory, or delete ${dir} to replace that run.`);
    return true;
  });
});

test('trainRun: a started run with another config is refused too', async () => {
  const dir = tmp();
  await assert.rejects(trainRun(config, dir, { deps, onEpoch: () => { throw new Error('stop'); } }), /stop/);
  const other = { ...config, model: { ...config.model, dim: 16 } };
  await assert.rejects(trainRun(other, dir, { deps }), /already holds a started run with a different config \(differs in model.dim\)/);
});

test('trainRun: a second training of a folder being trained (e.g. two sweeps in one process) is refused', async () => {
  const dir = tmp();
  const first = trainRun(config, dir, { deps }); // holds the lock from its first synchronous step
  await assert.rejects(trainRun(config, dir, { deps }), (e: Error) => {
    assert.ok(e instanceof RunLockedError);
    assert.equal(e.lock.pid, process.pid);
    assert.match(e.message, /is in use by process \d+ on .* \(this process: the run is already being trained here\)/);
    return true;
  });
  const r = await first;
  assert.deepEqual(await trainRun(config, dir, { deps }), r, 'released when done');
  // A finished run is still returned while another process holds the lock (an eval repairing it).
  const held = acquireLock(dir);
  try {
    assert.deepEqual(await trainRun(config, dir, { deps }), r);
  } finally {
    held.release();
  }
});

test('loadRun: rebuilds the data and the best model; errors say what to do', async () => {
  const dir = tmp();
  const r = await trainRun(config, dir, { deps });
  const run = await loadRun(dir, deps);
  const { metrics } = await tinyEvaluate(run.model, run.split, { split: 'test' });
  assert.deepEqual(metrics, r.metrics.test);
  assert.deepEqual(run.result, r);
  assert.equal(run.config.train.epochs, 3);
  run.model.dispose();
  const empty = tmp();
  await assert.rejects(loadRun(empty, deps), /holds no run \(no config.json\)/);
  const started = tmp();
  await assert.rejects(trainRun(config, started, { deps: { ...deps, lossFn: () => { throw new Error('x'); } } }), /x/);
  await assert.rejects(loadRun(started, deps), /has no checkpoint yet \(no epoch finished\). Fix: run the same `lsrm train` command to resume it/);
  // Weights that no longer fit the model (the model code changed): a DataError naming the dir.
  const renamed = { ...deps, buildModel: (...a: Parameters<NonNullable<RunDeps['buildModel']>>) => {
    const m = deps.buildModel!(...a);
    return { ...m, variables: new Map([...m.variables].map(([n, v]) => [`new.${n}`, v])) };
  } };
  await assert.rejects(loadRun(dir, renamed), (e: Error) => {
    assert.equal(e.name, 'DataError');
    assert.match(e.message, /checkpoint: the saved weights do not fit the tiny model built from config.json \(restoreWeights: no weights for variable 'new.emb'\)\. The model code probably changed/);
    return true;
  });
});

test('runs written before locks, fingerprints and checksums still resume and load', async () => {
  const full = tmp();
  const r = await trainRun(config, full, { deps });
  const old = tmp();
  await assert.rejects(trainRun(config, old, { deps, onEpoch: (row) => { if (row.epoch === 2) throw new Error('stop'); } }), /stop/);
  // The files of the earlier format: no data.json, no last/config.json, manifests without byteLength/sha256.
  rmSync(join(old, 'data.json'));
  rmSync(join(old, 'last', 'config.json'));
  for (const f of ['last/weights.json', 'last/optimizer.json', 'last/best.json', 'checkpoint/weights.json']) {
    const { byteLength: _, sha256: __, ...m } = readJson(join(old, f));
    writeFileSync(join(old, f), JSON.stringify(m));
  }
  const logs: string[] = [];
  const r2 = await trainRun(config, old, { deps, log: (m) => logs.push(m) });
  assert.match(logs.join('\n'), /no data fingerprint recorded \(the run predates data.json\): recording the current data's/);
  assert.deepEqual(r2.metrics, r.metrics);
  const run = await loadRun(old, deps);
  assert.deepEqual((await tinyEvaluate(run.model, run.split, { split: 'test' })).metrics, r.metrics.test);
  run.model.dispose();
});
