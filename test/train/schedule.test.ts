import { test } from 'node:test';
import assert from 'node:assert/strict';
import { learningRate } from '../../lib/train/schedule';

const s = { lrPeak: 1e-3, warmupSteps: 10, totalSteps: 110, lrMin: 1e-4 };
const close = (a: number, b: number) => assert.ok(Math.abs(a - b) < 1e-15, `${a} != ${b}`);

test('learningRate: linear warmup reaches the peak at the last warmup step', () => {
  close(learningRate(0, s), 1e-4); // 1e-3 * 1/10
  close(learningRate(4, s), 5e-4); // 1e-3 * 5/10
  close(learningRate(9, s), 1e-3); // 1e-3 * 10/10
});

test('learningRate: cosine from peak to floor between warmupSteps and totalSteps', () => {
  close(learningRate(10, s), 1e-3); // ratio 0: cos 0 = 1 -> peak
  // ratio 0.5 at step 60: coeff 0.5 -> 1e-4 + 0.5 * 9e-4 = 5.5e-4
  close(learningRate(60, s), 5.5e-4);
  // ratio 0.25 at step 35: coeff (1 + cos(pi/4))/2 = 0.853553...
  close(learningRate(35, s), 1e-4 + 0.5 * (1 + Math.SQRT1_2) * 9e-4);
  close(learningRate(110, s), 1e-4);
  close(learningRate(10_000, s), 1e-4);
  // monotone non-increasing after warmup
  for (let t = 10; t < 120; t++) assert.ok(learningRate(t + 1, s) <= learningRate(t, s));
});

test('learningRate: no warmup starts at the peak; totalSteps <= warmup stays at the floor after warmup', () => {
  close(learningRate(0, { ...s, warmupSteps: 0 }), 1e-3);
  close(learningRate(10, { ...s, totalSteps: 10 }), 1e-4);
});

test('learningRate: decayStart holds the peak after warmup, then cosine to the floor; Infinity = constant', () => {
  const wsd = { ...s, decayStart: 60 };
  close(learningRate(30, wsd), 1e-3);
  close(learningRate(59, wsd), 1e-3);
  close(learningRate(60, wsd), 1e-3); // ratio 0
  close(learningRate(85, wsd), 1e-4 + 0.5 * 9e-4); // halfway from 60 to 110
  close(learningRate(110, wsd), 1e-4);
  close(learningRate(1e6, { ...s, totalSteps: Infinity }), 1e-3);
  close(learningRate(5, { ...s, decayStart: 0 }), 6e-4); // warmup still rules before warmupSteps (6/10 of the peak at step 5)
});

test('learningRate: rejects a negative step', () => {
  assert.throws(() => learningRate(-1, s), /learningRate: step must be >= 0, got -1/);
});
