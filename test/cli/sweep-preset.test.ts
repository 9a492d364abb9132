import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { comparePreset, formatComparison, parseSeeds, presetCommand, presetNames } from '../../lib/cli/sweep-preset';
import { BACKBONE_PRESETS, backboneSweep } from '../../lib/experiments/backbone-presets';
import { runPaths } from '../../lib/runs/in-store';
import { expandSweep, loadSweepSpec } from '../../lib/sweep/spec';

const tmp = () => mkdtempSync(join(tmpdir(), 'lsrm-preset-'));

test('lsrm sweep preset: a list, a spec that lsrm sweep run reads back, a clear error for an unknown name', () => {
  const out: string[] = [];
  assert.equal(presetCommand([], { store: tmp() }, (s) => out.push(s)), 0);
  assert.deepEqual(presetNames(), ['backbones-ml-1m', 'backbones-ml-20m']);
  assert.match(out.join(''), /^backbones-ml-1m +dataset:ml-1m: SASRec \(lsrm 2x50\), HSTU \(hstu 2x50\), HSTU-large \(hstu 8x50\)/);
  const file = join(tmp(), 'ml-1m.json');
  assert.equal(presetCommand(['backbones-ml-1m'], { seeds: '0,1', out: file, store: tmp() }, () => undefined), 0);
  const { runs } = loadSweepSpec(file);
  assert.equal(runs.length, BACKBONE_PRESETS['ml-1m'].models.length * 2);
  assert.deepEqual(runs.map((r) => r.key), expandSweep(backboneSweep('ml-1m', [0, 1])).map((r) => r.key));
  assert.throws(() => presetCommand(['ml-1m'], { store: tmp() }, () => undefined), /unknown sweep preset 'ml-1m': one of backbones-ml-1m, backbones-ml-20m/);
  assert.throws(() => parseSeeds('0,x'), /--seeds takes a comma-separated list of integers >= 0, got '0,x'/);
});

test('lsrm sweep preset --compare: the mean over the stored seeds of each model against the published numbers', () => {
  const store = tmp();
  const runs = expandSweep(backboneSweep('ml-1m', [0, 1]));
  // HSTU-large (hstu 8x50) trained with both seeds, SASRec with seed 0 only; the others not at all.
  const store1 = (label: RegExp, seed: number, hr: number, ndcg: number) => {
    const run = runs.find((r) => label.test(r.label) && r.config.train.seed === seed)!;
    const { record } = runPaths(store, run.key);
    mkdirSync(dirname(record), { recursive: true });
    writeFileSync(record, JSON.stringify({ config: {}, metrics: { test: { 'HR@10': hr, 'NDCG@10': ndcg } }, curve: [], meta: {} }));
  };
  store1(/^hstu 8x50/, 0, 0.32, 0.18);
  store1(/^hstu 8x50/, 1, 0.34, 0.20);
  store1(/^lsrm 2x50/, 0, 0.2853, 0.1603);
  const rows = comparePreset('backbones-ml-1m', [0, 1], store);
  const large = rows.find((r) => r.label === 'HSTU-large')!;
  assert.deepEqual([large.seeds, large.of], [2, 2]);
  assert.ok(Math.abs(large.ours!['HR@10'] - 0.33) < 1e-12 && Math.abs(large.ours!['NDCG@10'] - 0.19) < 1e-12);
  assert.equal(rows.find((r) => r.label === 'HSTU')!.ours, undefined);
  const text = formatComparison(rows);
  assert.match(text, /HSTU-large +2\/2 +0\.3300 +0\.3294 +\+0\.2% +0\.1900 +0\.1893 +\+0\.4%/);
  assert.match(text, /SASRec +1\/2 +0\.2853 +0\.2853 +\+0\.0% /);
  assert.match(text, /FuXi-α +0\/2 +- +- +- +- +- +-/);
});
