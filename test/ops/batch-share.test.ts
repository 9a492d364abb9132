import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { initBackend } from '../../lib/ops/backend';
import { dropout, dropoutMask, withBatchShare } from '../../lib/ops/ops';

before(async () => {
  await initBackend('cpu');
});

test('dropoutMask: elements [k, k + n) of the stream without drawing the ones before', () => {
  const full = dropoutMask(41, 0.3, 12345);
  for (const k of [0, 1, 2, 7, 10, 40]) {
    assert.deepEqual(dropoutMask(41 - k, 0.3, 12345, k), full.subarray(k), `offset ${k}`);
    assert.deepEqual(dropoutMask(1, 0.3, 12345, k), full.subarray(k, k + 1), `one element at ${k}`);
  }
  // Values are 0 or 1 / (1 - rate); a different seed gives a different mask.
  assert.ok(full.every((x) => x === 0 || Math.abs(x - 1 / 0.7) < 1e-6));
  assert.notDeepEqual(dropoutMask(41, 0.3, 12346), full);
  assert.throws(() => dropoutMask(4, 0.3, 1, -2), /offset must be an integer >= 0, got -2/);
});

test('withBatchShare: a share of rows gets those rows of the whole batch\'s masks, [B, T, D] and [B·T, D]', () => {
  // B = 5, T = 3, D = 4; shares of rows [0, 2) and [2, 5).
  const x = tf.ones([5, 3, 4]);
  const whole = dropout(x, 0.5, 99).arraySync() as number[][][];
  const a = withBatchShare({ from: 0, rows: 2 }, () => dropout(tf.ones([2, 3, 4]), 0.5, 99)).arraySync() as number[][][];
  const b = withBatchShare({ from: 2, rows: 3 }, () => dropout(tf.ones([3, 3, 4]), 0.5, 99)).arraySync() as number[][][];
  assert.deepEqual([...a, ...b], whole);
  // The same tensor flattened to tokens [B·T, D]: a share of 3 rows is 9 tokens starting at token 6.
  const flat = withBatchShare({ from: 2, rows: 3 }, () => dropout(tf.ones([9, 4]), 0.5, 99)).reshape([3, 3, 4]).arraySync();
  assert.deepEqual(flat, whole.slice(2));
  // Both halves of the mask are not all kept or all dropped (the comparison means something).
  const kept = whole.flat(2).filter((v) => v > 0).length;
  assert.ok(kept > 10 && kept < 50, `kept ${kept} of 60`);
});

test('withBatchShare: scopes nest and end; a size that is no multiple of the rows is not batched', () => {
  const outside = dropout(tf.ones([6]), 0.5, 7).arraySync();
  const inner = withBatchShare({ from: 4, rows: 2 }, () => withBatchShare({ from: 1, rows: 1 }, () => dropout(tf.ones([2]), 0.5, 7).arraySync()));
  assert.deepEqual(inner, (outside as number[]).slice(2, 4), 'the inner scope counts: row 1 of rows of 2 elements');
  assert.deepEqual(dropout(tf.ones([6]), 0.5, 7).arraySync(), outside, 'the scope ended');
  // 5 elements over 2 rows: not a batch tensor (e.g. a weight), it draws the stream from its start.
  assert.deepEqual(withBatchShare({ from: 3, rows: 2 }, () => dropout(tf.ones([5]), 0.5, 7).arraySync()), (dropout(tf.ones([5]), 0.5, 7).arraySync()));
  assert.throws(() => withBatchShare({ from: -1, rows: 2 }, () => 0), /from must be an integer >= 0 and rows >= 1, got from -1, rows 2/);
  assert.throws(() => withBatchShare({ from: 0, rows: 0 }, () => 0), /got from 0, rows 0/);
});
