import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { evaluateModel, type EvalResult } from '../../lib/eval/evaluate';
import { formatTopKLine, writeTopK } from '../../lib/eval/topk';
import { fakeModel, makeSplit } from './fixtures';

before(async () => {
  await tf.setBackend('cpu');
});

// Raw ids from fixtures.makeSplit: user u -> 'user-(100 + u)', item i -> 'item-(10 i)'.
const split = makeSplit([[1, 2, 3], [2], [4]], [4, 6, 0], [5, 1, 0], 6);

test('formatTopKLine writes raw user, target and item ids, best first', () => {
  const result: EvalResult = {
    metrics: {}, users: Int32Array.of(1, 0), targets: Int32Array.of(1, 5), ranks: Int32Array.of(0, 2),
    losses: new Float32Array(2), topk: Int32Array.of(1, 3, 6, 2), topkWidth: 2,
  };
  assert.equal(formatTopKLine(result, 0, split.vocab), '{"user":"user-101","target":"item-10","topk":["item-10","item-30"]}');
  assert.equal(formatTopKLine(result, 1, split.vocab), '{"user":"user-100","target":"item-50","topk":["item-60","item-20"]}');
});

test('writeTopK: one JSON line per evaluated user from a real evaluation, no temp file left', async () => {
  // HIDDEN[last item] . TABLE rows: u0 (test history [1,2,3,4], last 4 -> h [1, 0]):
  //   scores items 1..6 = [1, 2, 3, 4, 5, 6] -> top 3 = 6, 5, 4
  // u1 (history [2, 6], last 6 -> h [0, 1]): scores [6, 5, 4, 3, 2, 1] -> top 3 = 1, 2, 3
  const hidden = [[0, 0], [0, 0], [0, 0], [0, 0], [1, 0], [0, 0], [0, 1]];
  const table = [[0, 0], [1, 6], [2, 5], [3, 4], [4, 3], [5, 2], [6, 1]];
  const model = fakeModel(hidden, table);
  const result = await evaluateModel(model, split, { split: 'test', topk: 3 });
  model.dispose();
  const dir = mkdtempSync(join(tmpdir(), 'lsrm-topk-'));
  const path = join(dir, 'out', 'top3.jsonl');
  writeTopK(path, result, split.vocab);
  const lines = readFileSync(path, 'utf8').trimEnd().split('\n').map((l) => JSON.parse(l));
  assert.deepEqual(lines, [
    { user: 'user-100', target: 'item-50', topk: ['item-60', 'item-50', 'item-40'] },
    { user: 'user-101', target: 'item-10', topk: ['item-10', 'item-20', 'item-30'] },
  ]);
  assert.deepEqual(readdirSync(join(dir, 'out')), ['top3.jsonl']);
});

test('writeTopK refuses a result without top lists', () => {
  const result: EvalResult = { metrics: {}, users: Int32Array.of(0), targets: Int32Array.of(1), ranks: Int32Array.of(0), losses: new Float32Array(1) };
  const dir = mkdtempSync(join(tmpdir(), 'lsrm-topk-'));
  assert.throws(() => writeTopK(join(dir, 'x.jsonl'), result, split.vocab), /writeTopK: the result has no top-k lists \(evaluate with topk\)/);
  assert.throws(() => formatTopKLine(result, 0, split.vocab), /formatTopKLine: the result has no top-k lists/);
  assert.deepEqual(readdirSync(dir), []);
});
