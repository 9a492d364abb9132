import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { formatTaskTable, makeTaskCommand, type TaskRunLoader } from '../../lib/cli/task';
import type { TaskContext } from '../../lib/tasks';
import { holdOutUsers } from '../../lib/data/holdout';
import { splitLeaveOneOut, countTargets } from '../../lib/data/split';
import { prepareSplit } from '../../lib/runs/build';
import { trainRun, type RunConfig } from '../../lib/runs/run';
import type { LeaveOneOutSplit, Sequences } from '../../lib/data/types';
import type { SeqModel } from '../../lib/models/types';
import { runCli } from '../helpers/cli';
import { TINY_CONFIG } from '../helpers/tiny-run';
import { close, lastItemModel, seqsOf, taskSplit, voteModel } from '../tasks/fixtures';

before(async () => {
  await tf.setBackend('cpu');
});

const CONFIG = { data: { source: 'synthetic:smoke', core: 0 }, model: {}, train: {} } as unknown as RunConfig;

/** A command around a fake loader that hands out `make()`'s context, with captured output. */
function harness(make: () => Omit<TaskContext, 'dir'>): { cmd: ReturnType<typeof makeTaskCommand>; out: string[]; err: string[]; dirs: string[] } {
  const out: string[] = [];
  const err: string[] = [];
  const dirs: string[] = [];
  const load: TaskRunLoader = async (dir) => {
    dirs.push(dir);
    return { dir, ...make() };
  };
  return { cmd: makeTaskCommand(load, { out: (s) => out.push(s), err: (s) => err.push(s) }), out, err, dirs };
}

// The long-tail case of test/tasks/long-tail.test.ts: I = 8, raw ids '40', '10', '30', '20', '80', '60', '70', '50';
// popularity 1 -> 3; 2, 3, 4 -> 2; 5, 6 -> 1; 7, 8 -> 0; groups G1 {1, 2}, G2 {4, 3}, G3 {6, 5}, G4 {8, 7};
// test ranks u0 (item 2) 0, u1 (3) 2, u2 (6) 1, u3 (8) 0, u5 (1) 3.
function longTailRun(): Omit<TaskContext, 'dir'> {
  const split = taskSplit([[1, 2], [1, 3, 4], [1, 2, 3, 4], [5, 6], [], []], [5, 6, 7, 7, 0, 5], [2, 3, 6, 8, 0, 1], 8,
    { itemIds: ['', '40', '10', '30', '20', '80', '60', '70', '50'] });
  const model = lastItemModel({ 5: [0, 5, 9, 8, 7, 0, 0, 0, 0], 7: [0, 0, 0, 0, 0, 0, 2, 0, 3] }, 8);
  return { model, split, config: CONFIG, fullSequences: async () => assert.fail('long-tail needs no full data') };
}

test('task long-tail --json: the issue\'s shape, worked by hand; the model is disposed', async () => {
  const h = harness(longTailRun);
  const before = tf.memory().numTensors;
  assert.equal(await h.cmd.run({ run: 'runs/x', json: true }, ['long-tail']), 0);
  assert.equal(tf.memory().numTensors, before);
  assert.deepEqual(h.dirs, ['runs/x']);
  const obj = JSON.parse(h.out.join(''));
  assert.deepEqual(Object.keys(obj), ['task', 'run', 'groups']);
  assert.deepEqual([obj.task, obj.run], ['long-tail', 'runs/x']);
  assert.deepEqual(Object.keys(obj.groups[0]), ['group', 'items', 'users', 'minPopularity', 'maxPopularity', 'HR@10', 'NDCG@10']);
  assert.deepEqual(obj.groups.map((g: Record<string, unknown>) => [g.group, g.items, g.users, g.minPopularity, g.maxPopularity, g['HR@10']]),
    [['G1', 2, 2, 2, 3, 1], ['G2', 2, 1, 2, 2, 1], ['G3', 2, 1, 1, 1, 1], ['G4', 2, 1, 0, 0, 1]]);
  // NDCG@10: G1 ranks {0, 3} -> (1 + 1/log2 5) / 2; G2 rank 2 -> 1/2; G3 rank 1 -> 1/log2 3; G4 rank 0 -> 1
  [0.7153383, 0.5, 0.6309298, 1].forEach((v, g) => close(obj.groups[g]['NDCG@10'], v));
  assert.ok(h.err.some((l) => l.startsWith('task long-tail: runs/x, 8 items')));
});

test('task long-tail with --groups, --ties and --k; tables by default', async () => {
  const h = harness(longTailRun);
  assert.equal(await h.cmd.run({ run: 'r', groups: '2', ties: 'dense-id', k: '1' }, ['long-tail']), 0);
  // dense-id order 1..8: G1 {1, 2, 3, 4} holds u0 (rank 0), u1 (2), u5 (3): HR@1 1/3; G2 {5..8}: u2 (1), u3 (0): 1/2
  assert.equal(h.out.join(''), [
    'long-tail: 5 test users by the popularity group of their test item',
    'group  items  users  minPopularity  maxPopularity    HR@1  NDCG@1',
    'G1         4      3              2              3  0.3333  0.3333',
    'G2         4      2              0              1  0.5000  0.5000',
  ].join('\n') + '\n');
});

test('formatTaskTable: integers bare, other numbers to 4 decimals, null as -', () => {
  assert.equal(formatTaskTable({ title: 't', rows: [{ group: 'G1', users: 3, 'NDCG@10': 0.5 }, { group: 'G10', users: 0, 'NDCG@10': null }] }),
    't\ngroup  users  NDCG@10\nG1         3   0.5000\nG10        0        -\n');
  // A key missing from the first row still gets a column; missing cells print as '-'.
  assert.equal(formatTaskTable({ title: 't', rows: [{ mode: 'clean', x: 1 }, { mode: 'mixed', x: 2, y: 0.25 }] }),
    't\nmode   x       y\nclean  1       -\nmixed  2  0.2500\n');
});

test('usage errors name the task or the flag, before any run is loaded', async () => {
  const h = harness(longTailRun);
  await assert.rejects(h.cmd.run({ run: 'r' }, []), /name a task: one of long-tail, cold-start, cross-domain, robustness, trajectory/);
  await assert.rejects(h.cmd.run({ run: 'r' }, ['popularity']), /unknown task 'popularity'/);
  await assert.rejects(h.cmd.run({ run: 'r' }, ['long-tail', 'robustness']), /one task per call/);
  await assert.rejects(h.cmd.run({ run: 'r', p: '0.1' }, ['long-tail']), /--p is not an option of long-tail \(its options: --k, --groups, --ties\)/);
  await assert.rejects(h.cmd.run({}, ['long-tail']), /--run DIR is required/);
  assert.deepEqual(h.dirs, []);
  await assert.rejects(h.cmd.run({ run: 'r', k: '5,,10' }, ['long-tail']), /--k must be a comma-separated list without empty entries/);
  await assert.rejects(h.cmd.run({ run: 'r', k: '0' }, ['long-tail']), /--k must be a positive integer, got 0/);
  await assert.rejects(h.cmd.run({ run: 'r', ties: 'id' }, ['long-tail']), /--ties must be one of raw-id, dense-id, got 'id'/);
  await assert.rejects(h.cmd.run({ run: 'r', p: '0.1,2' }, ['robustness']), /--p must be a number in \(0, 1\], got 2/);
});

// The cold-start case of test/tasks/cold-start.test.ts: 7 users, users 0, 1, 3, 5 held out (fraction 4/7, the seed
// found below); u0 and u1 are evaluated (u3 is too short, u5's test item 7 is unseen in training).
const FULL: Sequences = seqsOf([[1, 2, 3, 4, 5], [2, 3, 6], [4, 4, 1], [6, 5], [3, 1, 2, 5, 4], [6, 6, 2, 7], [6, 6, 6]], 7);
const SEED = (() => {
  for (let s = 0; s < 10_000; s++) if (holdOutUsers(FULL, 4 / 7, s).users.join() === '0,1,3,5') return s;
  throw new Error('no seed holds out 0, 1, 3, 5');
})();

function coldRun(split: LeaveOneOutSplit, holdOut: boolean): Omit<TaskContext, 'dir'> {
  const data = { source: 'synthetic:smoke', core: 0, ...(holdOut ? { holdOutUsers: { fraction: 4 / 7, seed: SEED } } : {}) };
  const model: SeqModel = voteModel([0, 5, 6, 1, 4, 2, 3, 7], 7);
  return { model, split, config: { ...CONFIG, data }, fullSequences: async () => FULL };
}

test('task cold-start: the hold-out from the run config; --lengths, --k, --coverage-k', async () => {
  const h = harness(() => coldRun(splitLeaveOneOut(holdOutUsers(FULL, 4 / 7, SEED).kept), true));
  assert.equal(await h.cmd.run({ run: 'r', json: true, lengths: '1,5', k: '5', 'coverage-k': '3' }, ['cold-start']), 0);
  const obj = JSON.parse(h.out.join(''));
  assert.deepEqual(obj.holdOut, { fraction: 4 / 7, seed: SEED });
  assert.deepEqual([obj.heldOutUsers, obj.evaluatedUsers, obj.skipped], [4, 2, { tooShort: 1, unseenTarget: 1 }]);
  // length 1: ranks u0 4, u1 5; length 5 (both short): u0 2, u1 1. Coverage@3: 4/7 and 5/7.
  assert.deepEqual(obj.lengths.map((l: Record<string, number>) => [l.length, l.users, l.shortUsers, l.meanInputLength, l['HR@5'], l['Coverage@3']]),
    [[1, 2, 0, 1, 0.5, 4 / 7], [5, 2, 2, 3, 1, 5 / 7]]);
  close(obj.lengths[0]['NDCG@5'], 1 / Math.log2(6) / 2);
  close(obj.lengths[1]['NDCG@5'], (0.5 + 1 / Math.log2(3)) / 2);
});

test('task cold-start refuses a run trained on every user (no data.holdOutUsers, or the users still in its split)', async () => {
  const everyone = splitLeaveOneOut(FULL);
  for (const holdOut of [false, true]) {
    const h = harness(() => coldRun(everyone, holdOut));
    await assert.rejects(h.cmd.run({ run: 'r' }, ['cold-start']), /the run was trained on \d+ of the \d+ users that cold-start holds out.*Fix: train the run with data\.holdOutUsers/);
  }
});

test('end to end: a tiny trained run, `lsrm task long-tail --json` and the cold-start refusal in a child process', async () => {
  const dir = join(mkdtempSync(join(tmpdir(), 'lsrm-task-')), 'run');
  const config = { ...TINY_CONFIG, train: { ...TINY_CONFIG.train, epochs: 1 } };
  await trainRun(config, dir);
  const split = await prepareSplit(config.data);
  const r = runCli(['task', 'long-tail', '--run', dir, '--json'], { LSRM_BACKEND: 'cpu' });
  assert.equal(r.code, 0, r.err);
  const obj = JSON.parse(r.out);
  assert.equal(obj.groups.length, 4);
  assert.equal(obj.groups.reduce((s: number, g: { items: number }) => s + g.items, 0), split.numItems);
  assert.equal(obj.groups.reduce((s: number, g: { users: number }) => s + g.users, 0), countTargets(split.test));
  for (let g = 1; g < 4; g++) assert.ok(obj.groups[g].maxPopularity <= obj.groups[g - 1].minPopularity);
  const cold = runCli(['task', 'cold-start', '--run', dir], { LSRM_BACKEND: 'cpu' });
  assert.equal(cold.code, 1);
  assert.match(cold.err, /lsrm task: the run was trained on 60 of the 60 users that cold-start holds out \(fraction 0\.2, seed 0\).*Fix:/);
  const help = runCli(['task', '--help']);
  assert.equal(help.code, 0, help.err);
  assert.match(help.out, /usage: lsrm task <long-tail\|cold-start\|cross-domain\|robustness\|trajectory> --run DIR/);
  assert.match(help.out, /JSON: \{"groups":\[\{"group":"G1","items","users","minPopularity","maxPopularity","HR@10","NDCG@10"\}/);
});
