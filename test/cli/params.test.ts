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
  assert.match(heads.err, /--heads must be a divisor of --d-model 64 \(one of 1, 2, 4, 8, 16, 32, 64\), got 3/);
  const zero = await capture(['params', '--layers', '0', '--d-model', '64']);
  assert.match(zero.err, /--layers must be a positive integer, got 0/);
  const kind = await capture(['params', '--model', 'bert', '--d-model', '64']);
  assert.equal(kind.code, 2);
  assert.match(kind.err, /--model must be one of lsrm, gru4rec, fmlp, caser, hstu, fuxi, llama, got 'bert'/);
});

test('lsrm params --model: the baselines from the registry (Table V shapes)', async () => {
  // GRU4Rec 2 x 64, hidden 128: 73,728 + 98,304 + 8,256 = 180,288 (the paper's 180.3K).
  const gru = await capture(['params', '--model', 'gru4rec', '--layers', '2', '--d-model', '64']);
  assert.equal(gru.code, 0);
  assert.match(gru.out, /^GRU4Rec 2x64 \(hidden 128\), 180.3K non-emb\nnon-embedding\s+180,288\n$/);
  // Caser reads no layers; defaults L = 5, n_h = 16, n_v = 4: 41,192 non-emb; emb (1682 + 1)·64.
  const caser = await capture(['params', '--model', 'caser', '--d-model', '64', '--items', '1682', '--json']);
  assert.deepEqual(JSON.parse(caser.out), { model: 'caser', dModel: 64, items: 1682, maxLen: 50, embedding: 107_712, nonEmbedding: 41_192, total: 148_904 });
});
