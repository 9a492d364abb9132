import { test } from 'node:test';
import assert from 'node:assert/strict';
import { LAYER_DROPOUT_DEFAULTS, layerDropoutRates } from '../../lib/train/dropout';

const near = (a: number[], b: number[]) => a.forEach((x, i) => assert.ok(Math.abs(x - b[i]) < 1e-12, `${a} vs ${b}`));

test('layerDropoutRates: linear from bottom (layer 0) to top (layer L-1), higher in lower layers', () => {
  near(layerDropoutRates(3, { top: 0.1, bottom: 0.3, shape: 'linear' }), [0.3, 0.2, 0.1]);
  // L=5: step (0.1-0.5)/4 = -0.1
  near(layerDropoutRates(5, { top: 0.1, bottom: 0.5 }), [0.5, 0.4, 0.3, 0.2, 0.1]);
  const r = layerDropoutRates(24);
  assert.equal(r.length, 24);
  for (let l = 1; l < 24; l++) assert.ok(r[l] < r[l - 1]);
});

test('layerDropoutRates: defaults are 0.3 -> 0.1, mean 0.2', () => {
  assert.deepEqual(LAYER_DROPOUT_DEFAULTS, { top: 0.1, bottom: 0.3, shape: 'linear' });
  near(layerDropoutRates(2), [0.3, 0.1]);
});

test('layerDropoutRates: fixed (the w/o-LAD ablation) is the same mean rate everywhere', () => {
  near(layerDropoutRates(4, { shape: 'fixed' }), [0.2, 0.2, 0.2, 0.2]);
  // Same mean as the linear shape, so both regularize equally on average.
  const lin = layerDropoutRates(4);
  assert.ok(Math.abs(lin.reduce((a, b) => a + b) / 4 - 0.2) < 1e-12);
  near(layerDropoutRates(1), [0.2]); // one layer: the mean either way
});

test('layerDropoutRates: errors', () => {
  assert.throws(() => layerDropoutRates(0), /numLayers must be a positive integer, got 0/);
  assert.throws(() => layerDropoutRates(2, { top: 1 }), /top rate must be in \[0, 1\), got 1/);
  assert.throws(() => layerDropoutRates(2, { bottom: -0.1 }), /bottom rate must be in \[0, 1\), got -0.1/);
});
