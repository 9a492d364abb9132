import { test } from 'node:test';
import assert from 'node:assert/strict';
import { getScale, SCALE_NAMES, SCALES, scaleFromEnv } from '../../lib/experiments/scale';
import { stableStringify } from '../../lib/util/hash';
import { TABLE_IV } from '../../lib/models/params';

test('scaleFromEnv: LSRM_SCALE overrides the fallback; blank means fallback', () => {
  assert.equal(scaleFromEnv('cpu', {}).name, 'cpu');
  assert.equal(scaleFromEnv('cpu', { LSRM_SCALE: 'smoke' }).name, 'smoke');
  assert.equal(scaleFromEnv('smoke', { LSRM_SCALE: ' paper ' }).name, 'paper');
  assert.equal(scaleFromEnv('smoke', { LSRM_SCALE: '' }).name, 'smoke');
  assert.throws(() => scaleFromEnv('cpu', { LSRM_SCALE: 'huge' }), /unknown scale 'huge': use one of smoke, cpu, paper/);
  assert.throws(() => getScale('Smoke'), /unknown scale 'Smoke'/);
});

test('presets: names match keys, heads divide d, JSON-serializable', () => {
  assert.deepEqual(Object.keys(SCALES), [...SCALE_NAMES]);
  for (const name of SCALE_NAMES) {
    const s = SCALES[name];
    assert.equal(s.name, name);
    assert.ok(s.ladder.length >= 2, `${name} ladder has at least two sizes`);
    for (const r of s.ladder) assert.equal(r.dim % r.numHeads, 0, `${name}: d ${r.dim} divisible by ${r.numHeads} heads`);
    assert.doesNotThrow(() => stableStringify(s));
  }
});

test('smoke is tiny (d 8..16, 1-2 layers), cpu spans d 16..256, paper is Table IV', () => {
  assert.ok(SCALES.smoke.ladder.every((r) => r.dim >= 8 && r.dim <= 16 && r.numLayers <= 2));
  assert.deepEqual(SCALES.smoke.data.map((d) => d.spec), ['synthetic:smoke']);
  assert.deepEqual(SCALES.paper.data.map((d) => [d.label, d.core]), [['MovieLens-20M', 5], ['Amazon (mix)', 30]]);
  // Data is named, never a path, so a scale means the same data on every machine.
  for (const name of SCALE_NAMES) for (const d of SCALES[name].data) assert.match(d.spec, /^(synthetic|dataset):[A-Za-z0-9_+-]+$/, d.spec);
  const cpuDims = SCALES.cpu.ladder.map((r) => r.dim);
  assert.deepEqual([Math.min(...cpuDims), Math.max(...cpuDims)], [16, 256]);
  assert.deepEqual(
    SCALES.paper.ladder.map((r) => [r.numLayers, r.dim, r.numHeads, r.epochs, r.batchSize]),
    TABLE_IV.map((r) => [r.numLayers, r.dim, r.numHeads, r.epochs, r.batchSize]),
  );
  assert.equal(SCALES.paper.maxLen, 50);
});
