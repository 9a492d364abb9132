import { test } from 'node:test';
import assert from 'node:assert/strict';
import { BENCHES } from '../../lib/cli/bench';
import { runCli } from '../helpers/cli';

/** Run the CLI in a child process (see test/helpers/cli.ts). */
async function capture(argv: string[]): Promise<{ code: number; out: string; err: string }> {
  return runCli(argv);
}

test('bench sub-commands come from the explicit BENCHES map', async () => {
  assert.ok('train' in BENCHES && 'data' in BENCHES && 'eval' in BENCHES);
  const none = await capture(['bench']);
  assert.equal(none.code, 2);
  assert.match(none.err, /which benchmark\? one of: train, data, eval/);
  assert.match((await capture(['bench', 'foo'])).err, /unknown benchmark 'foo': one of train, data, eval/);
  assert.match((await capture(['bench', 'data', '--threads', '0'])).err, /--threads must be a positive integer, got 0/);
  assert.match((await capture(['bench', 'eval', '--items', '10'])).err, /--items must be an integer >= 50, got 10/);
  assert.match((await capture(['bench', 'eval', '--workers', 'x'])).err, /--workers must be a positive integer, got 'x'/);
  assert.match((await capture(['bench', 'data', '--rows', '10'])).err, /--rows must be an integer >= 1000, got 10/);
  assert.match((await capture(['bench', 'train', '--items', '10,x'])).err, /--items must be positive integers separated by commas, got '10,x'/);
  assert.match((await capture(['bench', 'train', '--steps', '0'])).err, /--steps must be a positive integer, got 0/);
});

test('bench train --json prints one object per item count and worker count with the documented keys', async () => {
  const r = await capture(['bench', 'train', '--backend', 'cpu', '--items', '30', '--workers', '1', '--batch', '1', '--steps', '1', '--warmup', '0', '--json']);
  assert.equal(r.code, 0, r.err);
  const lines = r.out.trim().split('\n');
  assert.equal(lines.length, 1);
  const o = JSON.parse(lines[0]);
  for (const k of ['items', 'batch', 'workers', 'msPerStep', 'modelGflops', 'matmulGflops', 'peakMemoryMB', 'backend']) assert.ok(k in o, k);
  assert.equal(o.workers, 1);
  assert.equal(o.items, 30);
  assert.equal(o.backend, 'cpu');
});

test('bench data --json times every pipeline stage on a small ML-20M-shaped file', () => {
  const r = runCli(['bench', 'data', '--rows', '5000', '--core', '5', '--json']);
  assert.equal(r.code, 0, r.err);
  const o = JSON.parse(r.out);
  assert.deepEqual(o.stages.map((s: { name: string }) => s.name), ['parse', '5-core', 'sequences', 'leave-one-out']);
  assert.equal(o.core, 5);
  assert.equal(o.threads, 1, 'a small file parses in one thread');
  for (const s of o.stages) assert.ok(s.cpuMs >= 0 && s.wallMs >= 0);
  assert.ok(o.totalMs > 0 && o.maxRssMB > 0);
  // The generator writes exactly --rows rows; a 5-core keeps at most that many.
  assert.ok(o.interactions <= 5000 && o.interactions > 0);
  assert.ok(o.testUsers <= o.users);
});

test('bench eval --json reports users/s, the three parts, memory and the metrics', () => {
  const r = runCli(['bench', 'eval', '--backend', 'cpu', '--users', '30', '--items', '60', '--workers', '1', '--batch', '16', '--json']);
  assert.equal(r.code, 0, r.err);
  const o = JSON.parse(r.out);
  for (const k of ['usersPerSec', 'evalMs', 'cpuMs', 'encodeMs', 'scoreMs', 'rankMs', 'peakRssMB', 'maxRssMB', 'loadAvg1']) assert.ok(Number.isFinite(o[k]), k);
  assert.deepEqual([o.users, o.items, o.workers, o.batchSize, o.dim, o.numLayers, o.backend], [30, 60, 1, 16, 64, 2, 'cpu']);
  assert.ok(o.metrics['NDCG@10'] >= 0 && o.metrics.loss > 0);
});
