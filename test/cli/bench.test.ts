import { test } from 'node:test';
import assert from 'node:assert/strict';
import { BENCHES } from '../../lib/cli/bench';
import { runCli } from '../helpers/cli';

/** Run the CLI in a child process (see test/helpers/cli.ts). */
async function capture(argv: string[]): Promise<{ code: number; out: string; err: string }> {
  return runCli(argv);
}

test('bench sub-commands come from the explicit BENCHES map', async () => {
  assert.ok('train' in BENCHES && 'data' in BENCHES);
  const none = await capture(['bench']);
  assert.equal(none.code, 2);
  assert.match(none.err, /which benchmark\? one of: train, data/);
  assert.match((await capture(['bench', 'foo'])).err, /unknown benchmark 'foo': one of train, data/);
  assert.match((await capture(['bench', 'data', '--rows', '10'])).err, /--rows must be an integer >= 1000, got 10/);
  assert.match((await capture(['bench', 'train', '--items', '10,x'])).err, /--items must be positive integers separated by commas, got '10,x'/);
  assert.match((await capture(['bench', 'train', '--steps', '0'])).err, /--steps must be a positive integer, got 0/);
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

test('bench data --json times every pipeline stage on a small ML-20M-shaped file', () => {
  const r = runCli(['bench', 'data', '--rows', '5000', '--core', '5', '--json']);
  assert.equal(r.code, 0, r.err);
  const o = JSON.parse(r.out);
  assert.deepEqual(o.stages.map((s: { name: string }) => s.name), ['parse', '5-core', 'sequences', 'leave-one-out']);
  assert.equal(o.core, 5);
  assert.ok(o.totalMs > 0 && o.maxRssMB > 0);
  // The generator writes exactly --rows rows; a 5-core keeps at most that many.
  assert.ok(o.interactions <= 5000 && o.interactions > 0);
  assert.ok(o.testUsers <= o.users);
});
