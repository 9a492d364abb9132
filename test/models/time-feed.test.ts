/**
 * The models' side of feeding times (hstu.ts header, "Where the times come from"): the config
 * field usesTime says whether the trainer and evaluator feed timestamps; only HSTU and FuXi-alpha
 * set it, and with usesTime false they ignore timestamps (positions alone).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { MODEL_KINDS, modelEntry } from '../../lib/models';
import { HSTU } from '../../lib/models/hstu';
import { maxAbsDiff } from './contract';

const SEQS = [[0, 3, 5, 7], [1, 2, 3, 4]];
const TIMES = [[0, 100, 3_760, 90_160, 200_000], [10, 20, 86_400, 90_000, 1_000_000]];
const CONFIGS = {
  hstu: { numItems: 8, maxLen: 4, dim: 8, numLayers: 1, numHeads: 2 },
  fuxi: { numItems: 8, maxLen: 4, dim: 8, numLayers: 1, numHeads: 2, innerSize: 8 },
};

test('usesTime: set (true) in the defaults of HSTU and FuXi-alpha only', () => {
  const timed = MODEL_KINDS.filter((k) => (modelEntry(k).defaults as { usesTime?: unknown }).usesTime === true);
  assert.deepEqual(timed, ['hstu', 'fuxi']);
  for (const k of MODEL_KINDS) {
    const m = modelEntry(k).create({ numItems: 8, maxLen: 4 }, 0);
    assert.equal(m.config.usesTime === true, k === 'hstu' || k === 'fuxi', k);
    m.dispose();
  }
});

for (const kind of ['hstu', 'fuxi'] as const) {
  test(`${kind}: usesTime false ignores timestamps (positions alone); true uses them`, () => {
    const on = modelEntry(kind).create(CONFIGS[kind], 2);
    const offConfig = { ...CONFIGS[kind], usesTime: false };
    const off = modelEntry(kind).create(offConfig, 2);
    try {
      const run = (m: typeof on, times?: number[][]) => tf.tidy(() => m.encode(tf.tensor2d(SEQS, undefined, 'int32'), {
        isTraining: false, timestamps: times && tf.tensor2d(times, undefined, 'int32'),
      }).arraySync());
      assert.deepEqual(run(off, TIMES), run(off), 'usesTime false: timestamps change nothing');
      assert.deepEqual(run(off), run(on), 'the same weights: without timestamps both are positions alone');
      assert.ok(maxAbsDiff(run(on, TIMES), run(on)) > 1e-4, 'usesTime true: timestamps move the outputs');
    } finally {
      on.dispose();
      off.dispose();
    }
  });

  test(`${kind}: usesTime must be a boolean (named ConfigError)`, () => {
    assert.throws(() => modelEntry(kind).create({ ...CONFIGS[kind], usesTime: 'yes' } as never, 0), new RegExp(`^ConfigError: ${kind} config: usesTime must be true or false, got 'yes'$`));
  });
}

test('describe names a model without its time bias', () => {
  assert.equal(HSTU.describe({ numItems: 4, maxLen: 10, dim: 8, numLayers: 1, numHeads: 2, usesTime: false }), 'HSTU 1x8 (2 heads, no time bias), 476 non-emb');
  assert.ok(!HSTU.describe({ numItems: 4, maxLen: 10, dim: 8, numLayers: 1, numHeads: 2 }).includes('time'));
});
