import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { longestRun, perturbInput, robustness } from '../../lib/tasks/robustness';
import { makeRng, type Rng } from '../../lib/util/rng';
import { close, lastItemModel, taskSplit, timeRecorder } from './fixtures';

before(async () => {
  await tf.setBackend('cpu');
});

/** An Rng that replays the given uniforms; int(n) = floor(next() * n), as makeRng's. */
function scripted(uniforms: number[]): Rng {
  const next = (): number => {
    const u = uniforms.shift();
    if (u === undefined) throw new Error('scripted rng ran out');
    return u;
  };
  return { next, int: (n) => Math.floor(next() * n), normal: () => 0 };
}

test('perturbInput, mixed: draws per item "perturbed?", then "removed?", then the replacement', () => {
  // p 0.5, removeShare 0.5, I = 9, input [4, 2, 7, 5]:
  //   4: 0.3 < 0.5 perturbed, 0.2 < 0.5 removed
  //   2: 0.9 kept
  //   7: 0.1 perturbed, 0.8 replaced, int(8) = floor(0.75 * 8) = 6 -> 1 + 6 = 7 >= 7 -> 8
  //   5: 0.4 perturbed, 0.6 replaced, int(8) = floor(0.1 * 8) = 0 -> 1 < 5 -> 1
  const r = perturbInput(Int32Array.of(4, 2, 7, 5), 0.5, 0.5, 9, scripted([0.3, 0.2, 0.9, 0.1, 0.8, 0.75, 0.4, 0.6, 0.1]));
  assert.deepEqual(Array.from(r.items), [2, 8, 1]);
  assert.deepEqual(Array.from(r.perturbed), [1, 0, 1, 1]);
  assert.deepEqual(Array.from(r.source), [1, 2, 3], 'each output item names the original position it took (4 was removed)');
});

test('perturbInput, remove and replace modes draw nothing for "removed?"; a replacement is never the original', () => {
  const removed = perturbInput([4, 2, 7], 0.5, 1, 9, scripted([0.3, 0.9, 0.1]));
  assert.deepEqual([Array.from(removed.items), Array.from(removed.perturbed)], [[2], [1, 0, 1]]);
  const replaced = perturbInput([4, 2], 0.5, 0, 9, scripted([0.3, 0.0, 0.7]));
  assert.deepEqual([Array.from(replaced.items), Array.from(replaced.perturbed)], [[1, 2], [1, 0]]);
  // Item 4 of I = 9: the eight outcomes of int(8) give each other item exactly once.
  const others = Array.from({ length: 8 }, (_, r) => perturbInput([4], 1, 0, 9, scripted([0, (r + 0.5) / 8])).items[0]);
  assert.deepEqual(others, [1, 2, 3, 5, 6, 7, 8, 9]);
});

test('perturbInput with a seeded rng: shares near p and p * removeShare over 20,000 items', () => {
  const input = Int32Array.from({ length: 20_000 }, (_, j) => 1 + (j % 50));
  const r = perturbInput(input, 0.3, 0.5, 50, makeRng(7));
  const perturbed = r.perturbed.reduce((a, b) => a + b, 0) / input.length;
  const removed = (input.length - r.items.length) / input.length;
  // Binomial sd: sqrt(0.3 * 0.7 / 20000) = 0.0032 and sqrt(0.15 * 0.85 / 20000) = 0.0025; allow 5 sd.
  assert.ok(Math.abs(perturbed - 0.3) < 0.016, `perturbed share ${perturbed}`);
  assert.ok(Math.abs(removed - 0.15) < 0.013, `removed share ${removed}`);
});

test('longestRun', () => {
  assert.equal(longestRun([]), 0);
  assert.equal(longestRun([0, 0]), 0);
  assert.equal(longestRun(Uint8Array.of(1, 0, 1, 1, 0)), 2);
  assert.equal(longestRun([1, 1, 1, 0, 1, 1]), 3);
});

// I = 2, so with p = 1 every input item is perturbed and a replacement is the other item.
// Scores by the last item: empty input or last 2 -> order 2, 1; last 1 -> order 1, 2.
// Test inputs (train + valid) and targets, maxLen 4:
//   u0 [1, 1] -> 1: clean rank 0; removed (empty) rank 1; replaced [2, 2] rank 1
//   u1 [2, 1] -> 2: clean rank 1; removed rank 0;         replaced [1, 2] rank 0
//   u2 [1, 2, 2] -> 2: clean rank 0; removed rank 0;      replaced [2, 1, 1] rank 1
const split = taskSplit([[1], [2], [1, 2]], [1, 1, 2], [1, 2, 2], 2);
const ROWS = { 0: [0, 0, 1], 1: [0, 1, 0], 2: [0, 0, 1] };

test('robustness: clean vs removed vs replaced, and the longest-run groups, worked by hand', async () => {
  const m = lastItemModel(ROWS, 2, 4);
  const r = await robustness(m, split, { probabilities: [1], modes: ['remove', 'replace'], ks: [1] });
  assert.equal(r.users, 3);
  close(r.clean['HR@1'], 2 / 3);
  // remove: ranks 1, 0, 0 -> HR@1 2/3, no degradation; every input emptied
  // replace: ranks 1, 0, 1 -> HR@1 1/3: degradation 100 * (2/3 - 1/3) / (2/3) = 50%
  assert.deepEqual(r.conditions.map((c) => [c.mode, c.p, c.perturbedShare, c.emptied]), [['remove', 1, 1, 3], ['replace', 1, 1, 0]]);
  close(r.conditions[0].noisy['HR@1'], 2 / 3);
  assert.equal(r.conditions[0].degradation['HR@1'], 0);
  close(r.conditions[1].noisy['NDCG@1'], 1 / 3);
  close(r.conditions[1].degradation['HR@1'], 50);
  // Longest runs = input lengths: u0 2, u1 2, u2 3. Groups '0', '1', '2', '3', '4+'.
  const replace = r.runs.filter((g) => g.mode === 'replace');
  assert.deepEqual(replace.map((g) => [g.longestRun, g.users, g.meanPerturbed]), [['0', 0, null], ['1', 0, null], ['2', 2, 2], ['3', 1, 3], ['4+', 0, null]]);
  // '2' = {u0, u1}: clean {0, 1} hits -> 1/2, replaced {1, 0} -> 1/2: 0%; '3' = {u2}: 1 -> 0: 100%
  assert.deepEqual([replace[2].clean['HR@1'], replace[2].noisy['HR@1'], replace[2].degradation['HR@1']], [0.5, 0.5, 0]);
  assert.deepEqual([replace[3].clean['HR@1'], replace[3].noisy['HR@1'], replace[3].degradation['HR@1']], [1, 0, 100]);
  assert.deepEqual(replace[0].degradation, { 'HR@1': null, 'NDCG@1': null });
  m.dispose();
});

test('robustness: only the model window is perturbed; maxRun merges the long runs', async () => {
  const m = lastItemModel(ROWS, 2, 2);
  // maxLen 2: u2's input is [2, 2], so its longest run is 2, not 3.
  const r = await robustness(m, split, { probabilities: [1], modes: ['replace'], ks: [1] });
  assert.deepEqual(r.runs.map((g) => g.users), [0, 0, 3, 0, 0]);
  const merged = await robustness(m, split, { probabilities: [1], modes: ['replace'], ks: [1], maxRun: 1 });
  assert.deepEqual(merged.runs.map((g) => [g.longestRun, g.users]), [['0', 0], ['1+', 3]]);
  m.dispose();
});

test('robustness: seeded (the same seed repeats, another differs) and options are checked', async () => {
  const many = taskSplit(Array.from({ length: 40 }, (_, u) => [1 + (u % 2), 2, 1, 1 + ((u >> 1) % 2)]), Array(40).fill(1), Array(40).fill(2), 2);
  const m = lastItemModel(ROWS, 2, 4);
  const opts = { probabilities: [0.5], ks: [1] };
  const a = await robustness(m, many, { ...opts, seed: 1 });
  const b = await robustness(m, many, { ...opts, seed: 1 });
  const c = await robustness(m, many, { ...opts, seed: 2 });
  assert.deepEqual(a, b);
  assert.notDeepEqual(a.runs.map((g) => g.users), c.runs.map((g) => g.users));
  await assert.rejects(robustness(m, many, { probabilities: [0] }), /robustness probabilities must be a non-empty list of numbers in \(0, 1\]/);
  await assert.rejects(robustness(m, many, { modes: [] }), /robustness modes must be a non-empty list of mixed, remove, replace/);
  await assert.rejects(robustness(m, many, { removeShare: 2 }), /robustness removeShare must be a number in \[0, 1\], got 2/);
  m.dispose();
});

test('robustness with a time-biased model: kept and replaced items keep their times, so a swap of every item changes no time', async () => {
  // The split with event times: train times are 0, 1, 2, ... (seqsOf), held-out times after them.
  const timed = { ...split, validTime: Float64Array.of(10, 11, 12), testTime: Float64Array.of(20, 21, 22) };
  const base = lastItemModel(ROWS, 2, 4);
  const { model: m, seen, plain: m2, calls: untimed } = timeRecorder(base);
  // replace with p = 1 and I = 2: every item is swapped for the other one at the same position,
  // so the noisy inputs carry exactly the clean inputs' times.
  await robustness(m, timed, { probabilities: [1], modes: ['replace'], ks: [1] });
  assert.equal(seen.length, 2);
  assert.deepEqual(seen[1], seen[0]);
  // remove with p = 1: every input is empty, only the target's time is left.
  seen.length = 0;
  await robustness(m, timed, { probabilities: [1], modes: ['remove'], ks: [1] });
  assert.notDeepEqual(seen[1], seen[0]);
  // Without event times the model runs on positions alone in both evaluations.
  await robustness(m2, split, { probabilities: [1], modes: ['replace'], ks: [1] });
  assert.deepEqual(untimed, [0, 0]);
  base.dispose();
});
