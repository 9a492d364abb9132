import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expandSweep, loadSweepSpec, SWEEP_FIELDS, type SweepSpec } from '../../lib/sweep/spec';
import { manifestPath, readManifest, writeManifest } from '../../lib/sweep/manifest';
import { normalizeRunConfig } from '../../lib/runs/run';
import { storeRunKey } from '../../lib/runs/in-store';
import { runKey } from '../../lib/runs/store';
import { presetKey, presetRunConfig, tableData, TABLE_PRESETS } from '../../lib/experiments/presets';
import { SCALES } from '../../lib/experiments/scale';
import { TRAIN_DEFAULTS } from '../../lib/train/train-config';

const BASE = { data: { source: 'synthetic:smoke' }, train: { epochs: 2 } };

test('expandSweep: runs x axes, the last axis fastest, base then run then axis values', () => {
  const runs = expandSweep({
    base: BASE,
    axes: { 'model.dim': [16, 32], 'train.seed': [0, 1] },
    runs: [{}, { train: { layerwiseDropout: false } }],
  });
  // 2 runs x 2 dims x 2 seeds = 8 distinct configs.
  assert.equal(runs.length, 8);
  assert.deepEqual(runs.map((r) => [r.config.model.dim, r.config.train.seed, r.config.train.layerwiseDropout]), [
    [16, 0, true], [16, 1, true], [32, 0, true], [32, 1, true],
    [16, 0, false], [16, 1, false], [32, 0, false], [32, 1, false],
  ]);
  assert.deepEqual(runs.map((r) => r.label), [
    'lsrm 2x16 synthetic:smoke seed 0', 'lsrm 2x16 synthetic:smoke seed 1', 'lsrm 2x32 synthetic:smoke seed 0', 'lsrm 2x32 synthetic:smoke seed 1',
    'lsrm 2x16 synthetic:smoke no-lad seed 0', 'lsrm 2x16 synthetic:smoke no-lad seed 1', 'lsrm 2x32 synthetic:smoke no-lad seed 0', 'lsrm 2x32 synthetic:smoke no-lad seed 1',
  ]);
  // Missing fields take the defaults: LSRM's shape, core 0, TRAIN_DEFAULTS under the given settings.
  assert.deepEqual(runs[0].config, {
    data: { source: 'synthetic:smoke', core: 0 },
    model: { kind: 'lsrm', numLayers: 2, dim: 16, numHeads: 2, maxLen: 50 },
    train: { ...TRAIN_DEFAULTS, epochs: 2, seed: 0 },
  });
  for (const r of runs) assert.equal(r.key, storeRunKey(r.config), 'keyed by the store key');
});

test('expandSweep: dotted and nested fields are the same; labels name what differs from the base', () => {
  const nested = expandSweep({ base: BASE, runs: [{ model: { kind: 'gru4rec', dim: 32 }, train: { lrPeak: 0.001, switchOptimizer: false } }] });
  const dotted = expandSweep({ base: { 'data.source': 'synthetic:smoke', 'train.epochs': 2 }, runs: [{ 'model.kind': 'gru4rec', 'model.dim': 32, 'train.lrPeak': 0.001, 'train.switchOptimizer': false }] });
  assert.deepEqual(nested, dotted);
  assert.equal(nested[0].label, 'gru4rec 2x32 synthetic:smoke lrPeak=0.001 no-so seed 0');
  // A dataset name is canonical ('ml-100k' = 'dataset:ml-100k'), as the tables write it.
  const [a] = expandSweep({ base: { 'data.source': 'ml-100k' }, runs: [{}] });
  assert.equal(a.config.data.source, 'dataset:ml-100k');
  assert.equal(a.label, 'lsrm 2x64 ml-100k seed 0');
});

test('expandSweep: equal runs collapse into one key (first kept)', () => {
  const runs = expandSweep({ base: BASE, axes: { 'train.seed': [0, 0, 1] }, runs: [{}, { 'model.dim': 64 }, {}] });
  // runs[1] sets LSRM's default dim: the same config as runs[0]; runs[2] repeats runs[0].
  assert.equal(runs.length, 2);
  assert.deepEqual(runs.map((r) => r.config.train.seed), [0, 1]);
  assert.equal(new Set(runs.map((r) => r.key)).size, 2);
});

test('a sweep run and a Table V run with equal configs share one store key', () => {
  const table = presetRunConfig(TABLE_PRESETS.cpu.sasrec, tableData(SCALES.cpu, undefined, {}), SCALES.cpu, TABLE_PRESETS.cpu.train);
  const [run] = expandSweep({
    base: { data: { source: 'dataset:ml-100k' }, model: { numLayers: 2, dim: 32, numHeads: 2, maxLen: SCALES.cpu.maxLen }, train: TABLE_PRESETS.cpu.train },
    runs: [{}],
  });
  assert.deepEqual(run.config, table);
  assert.equal(run.key, runKey(presetKey(table)));
});

test('expandSweep: errors name the run, the field and the fix', () => {
  const bad = (spec: unknown, re: RegExp) => assert.throws(() => expandSweep(spec as SweepSpec), re);
  bad({ base: BASE, axes: { 'data.fraction': [0.5, 1] } }, /axes: unknown field 'data.fraction'\. Known fields: data\.source, data\.core, model\.kind, .*train\.seed/);
  bad({ base: { ...BASE, model: { width: 3 } }, runs: [{}] }, /base: unknown field 'model.width'/);
  bad({ base: BASE, runs: [{ dim: 3 }] }, /runs\[0\]: unknown field 'dim'/);
  bad({ runs: [{ 'model.dim': 8 }] }, /runs\[0\]: data\.source is required .*Fix: set it in base/);
  bad({ base: BASE, axes: { 'model.dim': [8] }, runs: [{ 'model.dim': 16 }] }, /runs\[0\] sets model\.dim, which an axis also sets/);
  bad({ base: BASE, axes: { 'model.numHeads': [2, 3] } }, /the base with model\.numHeads=3: .*numHeads.*divisor of dim/);
  bad({ base: BASE, axes: { 'train.batchSize': [0] } }, /the base with train\.batchSize=0: TrainConfig\.batchSize must be a positive integer, got 0/);
  bad({ base: BASE, axes: { 'model.kind': ['bert'] } }, /model\.kind must be one of lsrm, gru4rec, fmlp, caser, hstu, fuxi, llama, got "bert"/);
  bad({ base: BASE, axes: { 'model.dim': 8 } }, /axes\.model\.dim must be a non-empty array/);
  bad({ base: BASE, axes: { 'model.dim': [] } }, /axes\.model\.dim must be a non-empty array/);
  bad({ base: BASE }, /needs axes, runs or both/);
  bad({ base: BASE, runs: [{}], grid: {} }, /unknown top-level key 'grid'/);
  bad({ base: { data: { source: 'nosuch:x' } }, runs: [{}] }, /unknown source "nosuch:x"/);
  assert.ok(SWEEP_FIELDS.includes('train.layerwiseDropout') && SWEEP_FIELDS.includes('model.embDropout'));
});

test('loadSweepSpec: reads JSON; errors name the file and the fix', () => {
  const dir = mkdtempSync(join(tmpdir(), 'lsrm-spec-'));
  const good = join(dir, 'good.json');
  writeFileSync(good, JSON.stringify({ base: BASE, axes: { 'train.seed': [0, 1] } }));
  assert.equal(loadSweepSpec(good).runs.length, 2);
  const broken = join(dir, 'broken.json');
  writeFileSync(broken, '{ "base": ');
  assert.throws(() => loadSweepSpec(broken), (e: Error) => e.name === 'DataError' && e.message.startsWith(`${broken}: not valid JSON`) && /Fix:/.test(e.message));
  assert.throws(() => loadSweepSpec(join(dir, 'none.json')), /none\.json: no such sweep spec\. Fix: .*examples\/sweep-smoke\.json/);
  assert.throws(() => loadSweepSpec(join(dir, 'grid.yaml')), /grid\.yaml: YAML specs are not read .*Fix: write the same object as JSON/);
  const unknown = join(dir, 'unknown.json');
  writeFileSync(unknown, JSON.stringify({ base: BASE, axes: { 'data.fraction': [1] } }));
  assert.throws(() => loadSweepSpec(unknown), (e: Error) => e.name === 'DataError' && e.message.includes(`${unknown}: axes: unknown field 'data.fraction'`));
  // The example spec of the repository expands.
  assert.equal(loadSweepSpec('examples/sweep-smoke.json').runs.length, 8);
});

test('manifests: one file per set of runs under <store>/sweeps/, read back as written', () => {
  const store = mkdtempSync(join(tmpdir(), 'lsrm-manifest-'));
  const runs = expandSweep({ base: BASE, axes: { 'train.seed': [0, 1] } });
  const path = writeManifest(store, runs);
  assert.equal(path, manifestPath(store, runs));
  assert.match(path, new RegExp(`^${store}/sweeps/[0-9a-f]{10}\\.json$`));
  assert.deepEqual(readManifest(path), { version: 1, store, runs });
  assert.notEqual(manifestPath(store, runs.slice(0, 1)), path, 'other runs, other file');
  writeFileSync(join(store, 'bad.json'), '{"version": 2}');
  assert.throws(() => readManifest(join(store, 'bad.json')), /bad\.json: not a version-1 sweep manifest/);
  assert.equal(normalizeRunConfig(runs[0].config).train.seed, 0);
});
