import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { dataCommand } from '../../lib/cli/data';
import { runCli } from '../helpers/cli';

/** Run `lsrm data` in a child process. */
async function run(argv: Record<string, string | boolean>, env: NodeJS.ProcessEnv = {}): Promise<{ code: number; out: string }> {
  const args = ['data', ...Object.entries(argv).flatMap(([k, v]) => (v === true ? [`--${k}`] : [`--${k}`, String(v)]))];
  const r = runCli(args, env);
  assert.equal(r.code, 0, r.err);
  return { code: r.code, out: r.out };
}

// Fixture (user item time): u1 has 4 events, u2 has 3, u3 has 1 (drops at core 2), item c is
// seen only by u3 (drops with it). After 2-core: users u1,u2; items a,b,d (d: u1 and u2).
// u1 = a b d a (times 1..4), u2 = b d a. Leave-one-out: u1 test a (seen in train) -> test user;
// u2 test a (seen in u1's train) -> test user. interactions 7, density 7 / (2*3).
const INTER = ['user_id:token\titem_id:token\ttimestamp:float',
  'u1\ta\t1', 'u1\tb\t2', 'u2\tb\t1', 'u1\td\t3', 'u2\td\t2', 'u3\tc\t5', 'u1\ta\t4', 'u2\ta\t3'].join('\n');

test('lsrm data --json reports statistics after k-core', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'lsrm-data-'));
  const file = join(dir, 'x.inter');
  writeFileSync(file, INTER + '\n');
  const { code, out } = await run({ source: `atomic:${file}`, core: '2', json: true });
  assert.equal(code, 0);
  const s = JSON.parse(out);
  assert.equal(s.users, 2);
  assert.equal(s.items, 3);
  assert.equal(s.interactions, 7);
  assert.equal(s.avgSeqLen, 3.5);
  assert.ok(Math.abs(s.density - 7 / 6) < 1e-12);
  assert.equal(s.testUsers, 2);
  assert.equal(s.rawInteractions, 8);
});

test('lsrm data --core 0 keeps everything', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'lsrm-data-'));
  const file = join(dir, 'x.inter');
  writeFileSync(file, INTER + '\n');
  const s = JSON.parse((await run({ source: `atomic:${file}`, core: '0', json: true })).out);
  assert.equal(s.users, 3);
  assert.equal(s.items, 4);
  assert.equal(s.interactions, 8);
});

test('lsrm data --dataset <name> reads $LSRM_DATA_DIR/<name>/ (here a RecBole ml-100k.inter)', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'lsrm-data-'));
  mkdirSync(join(dir, 'ml-100k'));
  writeFileSync(join(dir, 'ml-100k', 'ml-100k.inter'), INTER + '\n');
  const s = JSON.parse((await run({ dataset: 'ml-100k', core: '2', json: true }, { LSRM_DATA_DIR: dir })).out);
  assert.equal(s.source, 'dataset:ml-100k', 'the name, not the folder it was found in');
  assert.deepEqual([s.users, s.items, s.interactions], [2, 3, 7]);
});

test('lsrm data rejects bad flags with a usage error', async () => {
  await assert.rejects(dataCommand.run({}, []), /missing --source/);
  await assert.rejects(dataCommand.run({ source: 'synthetic:smoke', dataset: 'ml-100k' }, []), /either --source or --dataset/);
  await assert.rejects(dataCommand.run({ source: 'synthetic:smoke', core: '-1' }, []), /--core must be an integer >= 0, got -1/);
  await assert.rejects(dataCommand.run({ source: 'synthetic:smoke', duplicates: 'last' }, []), /--duplicates must be one of first, keep, got 'last'/);
});
