/**
 * The paper-scale backbone presets (lib/experiments/backbone-presets.ts): each HSTU / FuXi-alpha
 * config becomes a valid run of the sweep with the configs' shapes and training settings, and the
 * non-embedding counts of those shapes, worked out by hand from the model headers.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { BACKBONE_PRESETS, backboneSweep } from '../../lib/experiments/backbone-presets';
import { MODELS, modelEntry } from '../../lib/models';
import { sweepRuns } from '../../lib/sweep/spec';

test('backboneSweep: one valid run per config and seed, the configs\' training settings', () => {
  const runs = sweepRuns(backboneSweep('ml-1m', [0, 1]));
  assert.equal(runs.length, 10);
  const first = runs[0].config;
  assert.deepEqual(first.data, { source: 'dataset:ml-1m', core: 0 });
  assert.deepEqual(first.model, { kind: 'lsrm', numLayers: 2, dim: 50, numHeads: 1, maxLen: 200 });
  const t = first.train;
  assert.deepEqual([t.epochs, t.batchSize, t.lrPeak, t.lrMinRatio, t.weightDecay, t.layerwiseDropout, t.dropoutBottom, t.dropoutTop, t.switchOptimizer], [101, 128, 1e-3, 1, 0, false, 0.2, 0.2, false]);
  assert.deepEqual(runs.map((r) => `${r.config.model.kind} ${r.config.model.numLayers}x${r.config.model.dim}/${r.config.model.numHeads} seed ${r.config.train.seed}`), [
    'lsrm 2x50/1 seed 0', 'lsrm 2x50/1 seed 1', 'hstu 2x50/1 seed 0', 'hstu 2x50/1 seed 1', 'hstu 8x50/2 seed 0', 'hstu 8x50/2 seed 1',
    'fuxi 2x50/1 seed 0', 'fuxi 2x50/1 seed 1', 'fuxi 8x50/2 seed 0', 'fuxi 8x50/2 seed 1',
  ]);
  assert.equal(sweepRuns(backboneSweep('ml-20m')).length, 5);
  assert.throws(() => backboneSweep('ml-2m' as 'ml-1m'), /unknown dataset 'ml-2m': one of ml-1m, ml-20m/);
  assert.throws(() => backboneSweep('ml-1m', []), /seeds must be integers >= 0, at least one, got \[\]/);
});

test('backbone presets: non-embedding counts of the published shapes', () => {
  // hstu.ts: L·(5d² + d + 2·200 + 128) with dqk = dv = d/H; fuxi.ts: L·(12d² + d + 528); lsrm: 12·L·d².
  const want: Record<string, number[]> = {
    'ml-1m': [60_000, 2 * 13_078, 8 * 13_078, 2 * 30_578, 8 * 30_578],
    'ml-20m': [3_145_728, 2 * 328_464, 8 * 328_464, 2 * 787_216, 8 * 787_216],
  };
  for (const [name, d] of Object.entries(BACKBONE_PRESETS)) {
    const got = d.models.map((p) => {
      const entry = modelEntry(p.model.kind);
      return entry.paramCounts(entry.fromShape(p.model, { numItems: 1, layerDropout: (n) => new Array<number>(n).fill(0.2) })).nonEmbedding;
    });
    assert.deepEqual(got, want[name], name);
  }
  // Every published row names a config file and a registry kind.
  for (const d of Object.values(BACKBONE_PRESETS)) for (const p of d.models) assert.ok(p.model.kind in MODELS && /\.gin$/.test(p.config), p.label);
});
