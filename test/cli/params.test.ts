import { test } from 'node:test';
import assert from 'node:assert/strict';
import { runCli } from '../helpers/cli';

/** Run the CLI in a child process (see test/helpers/cli.ts). */
async function capture(argv: string[]): Promise<{ code: number; out: string; err: string }> {
  return runCli(argv);
}

test('lsrm params: the 0.8B model of Table IV', async () => {
  const r = await capture(['params', '--layers', '48', '--d-model', '1200']);
  assert.equal(r.code, 0);
  assert.match(r.out, /non-embedding\s+829,440,000/); // 12·48·1200²
});

test('lsrm params --json with items: embedding counts the padding row', async () => {
  const r = await capture(['params', '--layers', '2', '--d-model', '64', '--heads', '2', '--items', '1682', '--json']);
  // embedding (1682+1)·64 + 50·64 = 110,912; total + 98,304 + 13·2·64 + 2·64 = 211,008
  assert.deepEqual(JSON.parse(r.out), { layers: 2, dModel: 64, heads: 2, items: 1682, maxLen: 50, embedding: 110_912, nonEmbedding: 98_304, total: 211_008 });
});

test('lsrm params usage errors exit 2 with the reason', async () => {
  const missing = await capture(['params', '--layers', '2']);
  assert.equal(missing.code, 2);
  assert.match(missing.err, /--layers and --d-model are required/);
  const heads = await capture(['params', '--layers', '2', '--d-model', '64', '--heads', '3']);
  assert.match(heads.err, /--heads 3 must divide --d-model 64/);
  const zero = await capture(['params', '--layers', '0', '--d-model', '64']);
  assert.match(zero.err, /numLayers must be a positive integer, got 0/);
});
