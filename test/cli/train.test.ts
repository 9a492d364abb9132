import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readdirSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli } from '../helpers/cli';
import { benchFigureOf, writeBenchFigure } from '../../lib/sweep/estimate';
import { formatResult, runConfigFromOptions, trainCommand } from '../../lib/cli/train';
import type { RunResultFile } from '../../lib/runs/run';
import { MODEL_KINDS, MODELS } from '../../lib/models';
import { checkTrainConfig, TRAIN_DEFAULTS } from '../../lib/train/train-config';

test('runConfigFromOptions: flags map to the run config, defaults stay out', () => {
  const c = runConfigFromOptions({ source: 'atomic:x.inter', core: '5', layers: '4', 'd-model': '128', heads: '4', epochs: '3', 'batch-size': '64', seed: '7', lr: '0.002', 'no-lad': true, 'no-switch': true });
  assert.deepEqual(c.data, { source: 'atomic:x.inter', core: 5 });
  assert.deepEqual(c.model, { kind: 'lsrm', numLayers: 4, dim: 128, numHeads: 4, maxLen: 50 });
  assert.equal(c.train!.epochs, 3);
  assert.equal(c.train!.batchSize, 64);
  assert.equal(c.train!.lrPeak, 0.002);
  assert.equal(c.train!.layerwiseDropout, false);
  assert.equal(c.train!.switchOptimizer, false);
  assert.equal(c.train!.seed, 7);
  const d = runConfigFromOptions({ dataset: 'ml-1m' });
  assert.equal(d.data.source, 'dataset:ml-1m');
  assert.equal('epochs' in d.train!, false, 'no epochs key: train until validation stops improving');
  assert.equal(d.train!.layerwiseDropout, true);
  assert.equal(d.train!.switchOptimizer, true);
});

test('runConfigFromOptions: every kind takes its shape defaults from the registry', () => {
  // The stored spec keeps every field (run keys hash it): a field the model does not read keeps LSRM's default.
  for (const kind of MODEL_KINDS) {
    assert.deepEqual(runConfigFromOptions({ source: 'a:b', model: kind }).model, { kind, numLayers: 2, dim: 64, numHeads: 2, maxLen: 50 });
  }
  assert.deepEqual(runConfigFromOptions({ source: 'a:b', model: 'caser', 'd-model': '32' }).model, { kind: 'caser', numLayers: 2, dim: 32, numHeads: 2, maxLen: 50 });
  for (const kind of MODEL_KINDS) assert.match(trainCommand.usage, new RegExp(`\\n {22}${kind} +${MODELS[kind].label}, reads --d-model`.replace('--d-model', '.*--d-model')));
});

test('runConfigFromOptions: no training flag = TRAIN_DEFAULTS (the command a new user types trains with the documented defaults)', () => {
  const train = runConfigFromOptions({ source: 'a:b' }).train ?? {};
  assert.deepEqual(checkTrainConfig({ ...TRAIN_DEFAULTS, ...train }), TRAIN_DEFAULTS);
  for (const [k, v] of Object.entries(train as Record<string, unknown>)) assert.equal(v, (TRAIN_DEFAULTS as unknown as Record<string, unknown>)[k], `--${k} default`);
  const set = runConfigFromOptions({ source: 'a:b', select: 'loss', 'patience-min-steps': '0' }).train ?? {};
  assert.deepEqual([set.selectBy, set.patienceMinSteps], ['loss', 0]);
});

test('runConfigFromOptions: --hold-out-users F [--hold-out-seed S] puts data.holdOutUsers in the config (cold-start runs)', () => {
  assert.equal(runConfigFromOptions({ source: 'a:b' }).data.holdOutUsers, undefined);
  assert.deepEqual(runConfigFromOptions({ source: 'a:b', 'hold-out-users': '0.2' }).data.holdOutUsers, { fraction: 0.2, seed: 0 });
  assert.deepEqual(runConfigFromOptions({ source: 'a:b', 'hold-out-users': '0.25', 'hold-out-seed': '4' }).data.holdOutUsers, { fraction: 0.25, seed: 4 });
  assert.throws(() => runConfigFromOptions({ source: 'a:b', 'hold-out-users': '1' }), /--hold-out-users must be a number in \(0, 1\), got 1/);
  assert.throws(() => runConfigFromOptions({ source: 'a:b', 'hold-out-seed': '1' }), /--hold-out-seed needs --hold-out-users/);
});

test('runConfigFromOptions: usage errors name the flag', () => {
  assert.throws(() => runConfigFromOptions({}), /give exactly one of --source or --dataset/);
  assert.throws(() => runConfigFromOptions({ source: 'a:b', dataset: 'ml-1m' }), /give exactly one of --source or --dataset/);
  assert.throws(() => runConfigFromOptions({ source: 'a:b', model: 'bert' }), /--model must be one of lsrm, .*got 'bert'/);
  assert.throws(() => runConfigFromOptions({ source: 'a:b', select: 'HR@10' }), /--select must be one of loss, NDCG@10, got 'HR@10'/);
  assert.throws(() => runConfigFromOptions({ source: 'a:b', layers: 'two' }), /--layers must be a positive integer, got 'two'/);
  return assert.rejects(trainCommand.run({ source: 'a:b' }, []), /--out DIR is required/);
});

test('formatResult: valid and test columns, then a summary line', () => {
  const r = {
    metrics: { valid: { 'NDCG@10': 0.1, loss: 5 }, test: { 'NDCG@10': 0.09, loss: 5.1 } },
    bestEpoch: 4, switchEpoch: 3, epochs: 6, steps: 60, stoppedBy: 'patience', wallMs: 12_345,
    env: { backend: 'wasm' },
  } as unknown as RunResultFile;
  assert.equal(formatResult(r), [
    'metric       valid      test',
    'NDCG@10     0.1000    0.0900',
    'loss        5.0000    5.1000',
    'best epoch 4 of 6 (patience), SGD from epoch 3, 12.3 s on wasm',
  ].join('\n') + '\n');
});

test('lsrm train --dry-run: the estimate of this one run from the cached bench figure; nothing trains, --out not needed', () => {
  const store = mkdtempSync(join(tmpdir(), 'lsrm-cli-train-dry-'));
  writeBenchFigure(store, benchFigureOf({ msPerStep: 2000, batch: 64, items: 1682, backend: 'cpu', cpuModel: cpus()[0]?.model ?? 'unknown', cores: 2 }));
  const out = join(store, 'never');
  const args = ['train', '--source', 'synthetic:smoke', '--layers', '1', '--d-model', '8', '--heads', '1', '--max-len', '20', '--epochs', '3', '--batch-size', '64', '--seed', '2'];
  const r = runCli([...args, '--dry-run', '--out', out], { LSRM_BACKEND: 'cpu', LSRM_RUNS_DIR: store });
  assert.equal(r.code, 0, r.err);
  const lines = r.out.split('\n');
  assert.match(lines[0], /^run +steps\/ep +epochs +non-emb +params +weights +adam +activ\. +logits +per epoch +total$/);
  assert.match(lines[1], /^lsrm 1x8 synthetic:smoke seed 2 +\d+ +3 +768 /);
  assert.match(lines[2], /^total \(1 runs\) /);
  assert.match(r.out, /lsrm bench train 2000 ms\/step at batch 64/);
  assert.match(r.err, /train: loading synthetic:smoke for its statistics \(once\)/);
  assert.equal(existsSync(out), false, 'a dry run writes no run folder');
  assert.deepEqual(readdirSync(store).sort(), ['.bench', '.data-stats'], 'only the caches');
  const bad = runCli(['train', '--source', 'synthetic:smoke', '--heads', '3', '--dry-run'], { LSRM_RUNS_DIR: store });
  assert.equal(bad.code, 2, 'flags are checked as for a real run');
  assert.match(bad.err, /--heads must be a divisor of --d-model 64/);
});
