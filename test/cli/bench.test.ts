import { test } from 'node:test';
import assert from 'node:assert/strict';
import { main } from '../../lib/cli';
import { BENCHES } from '../../lib/cli/bench';

async function capture(argv: string[]): Promise<{ code: number; out: string; err: string }> {
  const out: string[] = [];
  const err: string[] = [];
  const w1 = process.stdout.write.bind(process.stdout);
  const w2 = process.stderr.write.bind(process.stderr);
  process.stdout.write = ((s: string) => (out.push(s), true)) as typeof process.stdout.write;
  process.stderr.write = ((s: string) => (err.push(s), true)) as typeof process.stderr.write;
  try {
    const code = await main(argv);
    return { code, out: out.join(''), err: err.join('') };
  } finally {
    process.stdout.write = w1;
    process.stderr.write = w2;
  }
}

test('bench sub-commands come from the explicit BENCHES map', async () => {
  assert.ok('train' in BENCHES);
  const none = await capture(['bench']);
  assert.equal(none.code, 2);
  assert.match(none.err, /which benchmark\? one of: train/);
  assert.match((await capture(['bench', 'foo'])).err, /unknown benchmark 'foo': one of train/);
  assert.match((await capture(['bench', 'train', '--items', '10,x'])).err, /--items takes positive integers separated by commas, got '10,x'/);
  assert.match((await capture(['bench', 'train', '--steps', '0'])).err, /--steps must be >= 1, got 0/);
});

test('bench train --json prints one object per item count with the documented keys', async () => {
  const r = await capture(['bench', 'train', '--backend', 'cpu', '--items', '30', '--batch', '1', '--steps', '1', '--warmup', '0', '--json']);
  assert.equal(r.code, 0, r.err);
  const lines = r.out.trim().split('\n');
  assert.equal(lines.length, 1);
  const o = JSON.parse(lines[0]);
  for (const k of ['items', 'batch', 'msPerStep', 'modelGflops', 'matmulGflops', 'peakMemoryMB', 'backend']) assert.ok(k in o, k);
  assert.equal(o.items, 30);
  assert.equal(o.backend, 'cpu');
});
