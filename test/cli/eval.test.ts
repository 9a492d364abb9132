import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { formatTable, makeEvalCommand, type EvalRun } from '../../lib/cli/eval';
import { runCli } from '../helpers/cli';
import { fakeModel, makeSplit } from '../eval/fixtures';

// Same fake model and split as test/eval/evaluate.test.ts. Test targets: u0 -> 5, u1 -> 1, u3 -> 2.
//   u0 test history ends with 4: h = [2, -1], scores items 1..6 = [2, -1, 1, 4, -2, 3]: target 5 -> rank 5
//   u1 ends with 6: h = [1, -1], scores = [1, -1, 0, 2, -2, 2]: target 1 behind 4 and 6 -> rank 2
//   u3 ends with 6: same scores, target 2 ahead only of 5 -> rank 4
// So HR@5 = 2/3 (ranks 2, 4), HR@10 = 1; NDCG@5 = (1/log2(4) + 1/log2(6)) / 3 = (0.5 + 0.386853) / 3 = 0.295618
const HIDDEN = [[0, 0], [1, 0], [0, 1], [1, 1], [2, -1], [-1, 2], [1, -1]];
const TABLE = [[9, 9], [1, 0], [0, 1], [1, 1], [2, 0], [0, 2], [1, -1]];
const split = makeSplit([[1, 2, 3], [2], [], [5, 5, 1, 2, 3, 4], [1, 2]], [4, 6, 3, 6, 0], [5, 1, 0, 2, 0], 6);

function harness(): { cmd: ReturnType<typeof makeEvalCommand>; out: string[]; err: string[]; dirs: string[] } {
  const out: string[] = [];
  const err: string[] = [];
  const dirs: string[] = [];
  const load = async (dir: string): Promise<EvalRun> => {
    dirs.push(dir);
    return { model: fakeModel(HIDDEN, TABLE), split };
  };
  return { cmd: makeEvalCommand(load, { out: (s) => out.push(s), err: (s) => err.push(s) }), out, err, dirs };
}

test('--json prints one object with the paper metrics and testLoss; progress goes to stderr', async () => {
  const h = harness();
  const before = tf.memory().numTensors;
  assert.equal(await h.cmd.run({ run: 'runs/x', json: true }, []), 0);
  assert.equal(tf.memory().numTensors, before); // model disposed, no leaks
  assert.deepEqual(h.dirs, ['runs/x']);
  assert.equal(h.out.length, 1);
  const obj = JSON.parse(h.out[0]);
  assert.deepEqual(Object.keys(obj), ['run', 'split', 'maskSeen', 'numUsers', 'numItems', 'HR@5', 'HR@10', 'HR@50', 'NDCG@5', 'NDCG@10', 'NDCG@50', 'Coverage@10', 'Coverage@50', 'testLoss']);
  assert.equal(obj.split, 'test');
  assert.equal(obj.numUsers, 3);
  assert.ok(Math.abs(obj['HR@5'] - 2 / 3) < 1e-12);
  assert.equal(obj['HR@10'], 1);
  assert.ok(Math.abs(obj['NDCG@5'] - 0.295618) < 1e-6);
  assert.ok(h.err.some((l) => l.includes('3/3 users')));
});

test('--split valid names the loss validLoss; the default output is a table', async () => {
  const h = harness();
  assert.equal(await h.cmd.run({ run: 'r', split: 'valid' }, []), 0);
  const text = h.out.join('');
  assert.match(text, /^metric\s+value\n/);
  assert.match(text, /\nHR@5 +0\.\d{4}\n/);
  assert.match(text, /\nvalidLoss +\d+\.\d{4}\n$/);
  assert.doesNotMatch(text, /testLoss/);
  assert.equal(formatTable({ 'HR@5': 0.5, testLoss: 1.23456 }), 'metric    value\nHR@5      0.5000\ntestLoss  1.2346\n');
});

test('--topk-out writes raw-id JSON lines; --mask-seen and --batch-size pass through', async () => {
  const h = harness();
  const file = join(mkdtempSync(join(tmpdir(), 'lsrm-cli-eval-')), 'top.jsonl');
  assert.equal(await h.cmd.run({ run: 'r', 'topk-out': file, 'mask-seen': true, 'batch-size': '1', json: true }, []), 0);
  const lines = readFileSync(file, 'utf8').trimEnd().split('\n').map((l) => JSON.parse(l));
  // u0 masked: seen {1, 2, 3, 4} score -Inf; order 6 (3), 5 (-2), then 1, 2, 3, 4 by id
  assert.deepEqual(lines[0], { user: 'user-100', target: 'item-50', topk: ['item-60', 'item-50', 'item-10', 'item-20', 'item-30', 'item-40'] });
  assert.equal(lines.length, 3);
  assert.equal(JSON.parse(h.out[0]).maskSeen, true);
});

test('usage errors name the flag (the dispatcher turns them into exit 2)', async () => {
  const h = harness();
  await assert.rejects(h.cmd.run({}, []), /--run DIR is required/);
  await assert.rejects(h.cmd.run({ run: 'r', split: 'train' }, []), /--split must be one of test, valid, got 'train'/);
  await assert.rejects(h.cmd.run({ run: 'r', 'batch-size': 'x' }, []), /--batch-size must be a positive integer, got 'x'/);
  await assert.rejects(h.cmd.run({ run: 'r', 'batch-size': '0' }, []), /--batch-size must be a positive integer, got 0/);
  assert.deepEqual(h.dirs, []);
});

test('the command is registered: `lsrm eval --help` prints its usage', () => {
  const r = runCli(['eval', '--help']);
  assert.equal(r.code, 0, r.err);
  assert.match(r.out, /usage: lsrm eval --run DIR/);
});
