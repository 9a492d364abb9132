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

// ApEn on the same fixture at core 2 (exact match on ids): u1 = a b d a, u2 = b d a.
// m = 2: u2 has N 3 = m + 1 and is left out; u1's templates ab, bd, da and abd, bda are all
// distinct -> ApEn = ln 3 - ln 2 = ln(3/2) = 0.4055 over 1 user.
// m = 1: u1: a,b,d,a match 2,1,1,2 of 4 -> Phi^1 = (2 ln(2/4) + 2 ln(1/4)) / 4 = -1.5 ln 2;
// ab, bd, da distinct -> Phi^2 = -ln 3; ApEn = ln 3 - 1.5 ln 2. u2 (N 3) distinct -> ln(3/2).
test('lsrm data --apen adds apen and its settings (hand-worked)', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'lsrm-data-'));
  const file = join(dir, 'x.inter');
  writeFileSync(file, INTER + '\n');
  const s = JSON.parse((await run({ source: `atomic:${file}`, core: '2', json: true, apen: true })).out);
  assert.ok(Math.abs(s.apen - Math.log(1.5)) < 1e-12, String(s.apen));
  assert.deepEqual({ ...s.apenSettings, noRepeatApEn: 0 }, { m: 2, r: 0, cutLength: 50, compare: 'id', users: 1, noRepeatApEn: 0 });
  assert.equal(s.users, 2, 'the statistics are still there');
  const s1 = JSON.parse((await run({ source: `atomic:${file}`, core: '2', json: true, apen: true, 'apen-m': '1' })).out);
  assert.ok(Math.abs(s1.apen - (Math.log(3) - 1.5 * Math.log(2) + Math.log(1.5)) / 2) < 1e-12, String(s1.apen));
  assert.equal(s1.apenSettings.users, 2);
  const text = (await run({ source: `atomic:${file}`, core: '2', apen: true, 'apen-r': '2', 'apen-cut': '10', 'apen-compare': 'popularity-rank' })).out;
  assert.match(text, /^ApEn \d\.\d{4} \(m 2, tolerance 2 on popularity-rank, last 10 items, 1 users; 0\.4055 if no item repeated\)$/m);
  const plain = JSON.parse((await run({ source: `atomic:${file}`, core: '2', json: true })).out);
  assert.equal('apen' in plain, false, 'no apen without --apen');
});

test('lsrm data --apen-compare domain needs item domains', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'lsrm-data-'));
  const file = join(dir, 'x.inter');
  writeFileSync(file, INTER + '\n');
  const r = runCli(['data', '--source', `atomic:${file}`, '--apen', '--apen-compare', 'domain'], {});
  assert.equal(r.code, 1);
  assert.match(r.err, /needs item domains.*Fix: compare 'id' or 'popularity-rank'/);
  const s = JSON.parse((await run({ source: 'synthetic:smoke', json: true, apen: true, 'apen-compare': 'domain' })).out);
  assert.equal(s.apenSettings.compare, 'domain');
  assert.ok(s.apen >= 0 && s.apenSettings.users > 0);
});

test('lsrm data rejects bad --apen flags before loading any data', async () => {
  const missing = 'atomic:/nonexistent/x.inter';
  await assert.rejects(dataCommand.run({ source: missing, 'apen-m': '2' }, []), /--apen-m needs --apen/);
  await assert.rejects(dataCommand.run({ source: missing, apen: true, 'apen-m': '0' }, []), /--apen-m must be a positive integer, got 0/);
  await assert.rejects(dataCommand.run({ source: missing, apen: true, 'apen-r': '-1' }, []), /--apen-r must be a number >= 0, got -1/);
  await assert.rejects(dataCommand.run({ source: missing, apen: true, 'apen-cut': '3' }, []), /--apen-cut must be an integer >= 4, got 3/);
  await assert.rejects(dataCommand.run({ source: missing, apen: true, 'apen-compare': 'genre' }, []), /--apen-compare must be one of id, domain, popularity-rank, got 'genre'/);
});
