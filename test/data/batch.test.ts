import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { batchTensors, batchesPerEpoch, buildWindows, epochBatches, epochOrder, windowCount } from '../../lib/data/batch';
import { makeRng } from '../../lib/util/rng';
import { seqsOf } from '../train/tiny';

const rows = (a: Int32Array, T: number) => Array.from({ length: a.length / T }, (_, w) => Array.from(a.subarray(w * T, (w + 1) * T)));

test('buildWindows: hand-worked windows, left padding, short users', () => {
  // user 0: [5,6,7,8], T=2: targets 6,7,8 -> ceil(3/2)=2 windows; the last ends at the end:
  //   [0,5]->[0,6] and [6,7]->[7,8]
  // user 1: [9] has no target -> no window.  user 2: [3,4] -> [0,3]->[0,4]
  const w = buildWindows(seqsOf([[5, 6, 7, 8], [9], [3, 4]], 9), 2);
  assert.equal(w.count, 3);
  assert.deepEqual(rows(w.inputs, 2), [[0, 5], [6, 7], [0, 3]]);
  assert.deepEqual(rows(w.targets, 2), [[0, 6], [7, 8], [0, 4]]);
  assert.deepEqual(Array.from(w.user), [0, 0, 2]);
  assert.equal(w.numTargets, 4);
});

test('buildWindows: a sequence of exactly maxLen+1 items is one full window', () => {
  const w = buildWindows(seqsOf([[1, 2, 3, 4]], 4), 3);
  assert.deepEqual(rows(w.inputs, 3), [[1, 2, 3]]);
  assert.deepEqual(rows(w.targets, 3), [[2, 3, 4]]);
});

test('windowCount: ceil((n-1)/T), 0 below 2 items', () => {
  assert.deepEqual([0, 1, 2, 3, 4, 5, 51, 52, 101, 102].map((n) => windowCount(n, 50)), [0, 0, 1, 1, 1, 1, 1, 2, 2, 3]);
});

test('buildWindows: every (user, position>0) is a target exactly once, inputs are the true prefixes (brute force)', () => {
  const rng = makeRng(7);
  for (const T of [1, 3, 5, 50]) {
    // Globally unique item ids, so an item names its (user, position).
    let next = 1;
    const seqs = Array.from({ length: 40 }, () => Array.from({ length: rng.int(14) }, () => next++));
    const w = buildWindows(seqsOf(seqs, next - 1), T);
    const where = new Map<number, [number, number]>();
    seqs.forEach((s, u) => s.forEach((it, p) => where.set(it, [u, p])));
    const seen = new Map<number, number>();
    for (let k = 0; k < w.count; k++) {
      let started = false;
      for (let t = 0; t < T; t++) {
        const target = w.targets[k * T + t];
        const input = w.inputs[k * T + t];
        if (target === 0) {
          assert.equal(started, false, 'padding only on the left');
          assert.equal(input, 0);
          continue;
        }
        started = true;
        const [u, p] = where.get(target)!;
        assert.equal(u, w.user[k]);
        assert.ok(p > 0);
        assert.equal(input, seqs[u][p - 1], 'input is the item before the target');
        if (t > 0 && w.targets[k * T + t - 1] !== 0) assert.equal(w.targets[k * T + t - 1], seqs[u][p - 1], 'targets are consecutive');
        seen.set(target, (seen.get(target) ?? 0) + 1);
      }
    }
    const expected = seqs.flatMap((s) => s.slice(1));
    assert.equal(seen.size, expected.length, `T=${T}`);
    for (const it of expected) assert.equal(seen.get(it), 1);
    assert.equal(w.numTargets, expected.length);
    // The last window of each user ends at the end of the sequence.
    for (let k = 0; k < w.count; k++) {
      const isLastOfUser = k === w.count - 1 || w.user[k + 1] !== w.user[k];
      if (isLastOfUser) assert.equal(w.targets[k * T + T - 1], seqs[w.user[k]].at(-1));
    }
  }
});

test('epochBatches: each window once per epoch, fixed size, last partial batch kept, seeded order', () => {
  const seqs = Array.from({ length: 23 }, (_, u) => [u + 1, u + 2]);
  const w = buildWindows(seqsOf(seqs, 30), 4); // 23 windows, one per user
  assert.equal(batchesPerEpoch(w, 5), 5);
  const batches = [...epochBatches(w, 5, 11, 0)];
  assert.deepEqual(batches.map((b) => b.size), [5, 5, 5, 5, 3]);
  const users = batches.flatMap((b) => rows(b.inputs, 4).map((r) => r[3] - 1));
  assert.deepEqual([...users].sort((a, b) => a - b), Array.from({ length: 23 }, (_, i) => i));
  // Same (seed, epoch) -> same order; another epoch or seed -> another order.
  assert.deepEqual(Array.from(epochOrder(23, 11, 0)), users);
  assert.deepEqual(Array.from(epochOrder(23, 11, 0)), Array.from(epochOrder(23, 11, 0)));
  assert.notDeepEqual(Array.from(epochOrder(23, 11, 1)), users);
  assert.notDeepEqual(Array.from(epochOrder(23, 12, 0)), users);
  // skip: the same batches from a later start.
  const tail = [...epochBatches(w, 5, 11, 0, 3)];
  assert.deepEqual(tail.map((b) => Array.from(b.inputs)), batches.slice(3).map((b) => Array.from(b.inputs)));
});

test('batchTensors: [B, T] int32, owned by the caller', () => {
  const w = buildWindows(seqsOf([[1, 2, 3], [4, 5]], 5), 3);
  const before = tf.memory().numTensors;
  const [b] = [...epochBatches(w, 8, 0, 0)];
  const { inputs, targets } = batchTensors(b);
  assert.deepEqual(inputs.shape, [2, 3]);
  assert.equal(inputs.dtype, 'int32');
  assert.deepEqual(targets.shape, [2, 3]);
  tf.dispose([inputs, targets]);
  assert.equal(tf.memory().numTensors, before);
});

test('errors: bad maxLen and batch size', () => {
  const s = seqsOf([[1, 2]], 2);
  assert.throws(() => buildWindows(s, 0), /buildWindows: maxLen must be a positive integer, got 0/);
  assert.throws(() => [...epochBatches(buildWindows(s, 2), 0, 0, 0)], /epochBatches: batchSize must be a positive integer, got 0/);
});
