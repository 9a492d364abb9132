import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli } from '../helpers/cli';
import { benchFigureOf, writeBenchFigure } from '../../lib/sweep/estimate';
import { writeManifest } from '../../lib/sweep/manifest';
import { loadSweepSpec } from '../../lib/sweep/spec';

const BASE = { data: { source: 'synthetic:smoke' }, model: { numLayers: 1, dim: 8, numHeads: 1, maxLen: 20 }, train: { batchSize: 64 } };

function specFile(dir: string, spec: unknown): string {
  const path = join(dir, 'spec.json');
  writeFileSync(path, JSON.stringify(spec));
  return path;
}

test('lsrm sweep: usage errors exit 2 and name the fix; a missing spec exits 1 naming the file', () => {
  const dir = mkdtempSync(join(tmpdir(), 'lsrm-cli-sweep-'));
  const spec = specFile(dir, { base: BASE, runs: [{}] });
  const cases: [string[], number, RegExp][] = [
    [['sweep'], 2, /which sweep command\? one of run, status, resubmit, exec, preset/],
    [['sweep', 'go', spec], 2, /unknown sweep command 'go'/],
    [['sweep', 'run'], 2, /sweep run takes one SPEC file, got none/],
    [['sweep', 'run', spec, '--executor', 'ssh'], 2, /--executor must be one of local, slurm, got 'ssh'/],
    [['sweep', 'run', spec, '--jobs', '0'], 2, /--jobs/],
    [['sweep', 'exec', '--index', '0'], 2, /sweep exec needs --manifest FILE/],
    [['sweep', 'exec', '--manifest', spec, '--index', '0', '--if-busy', 'skip'], 2, /--if-busy must be one of wait, exit, got 'skip'/],
    [['sweep', 'exec', '--manifest', spec, '--index', '0', '--workers', '0'], 2, /--workers must be an integer in \[1, 256\], got 0/],
    [['sweep', 'status', spec, '--manifest', spec], 2, /sweep status takes a SPEC file or --manifest FILE, not both/],
    [['sweep', 'run', spec, '--manifest', spec], 2, /sweep run takes a SPEC file or --manifest FILE, not both/],
    [['sweep', 'resubmit', spec], 2, /sweep resubmit needs --failed/],
    [['sweep', 'run', join(dir, 'none.json')], 1, /none\.json: no such sweep spec/],
  ];
  for (const [args, code, re] of cases) {
    const r = runCli([...args, '--store', dir]);
    assert.equal(r.code, code, `${args.join(' ')}: ${r.err}`);
    assert.match(r.err, re);
  }
});

test('lsrm sweep run --dry-run: estimates per run and in total from the cached bench figure; nothing trains', () => {
  const store = mkdtempSync(join(tmpdir(), 'lsrm-cli-sweep-'));
  writeBenchFigure(store, benchFigureOf({ msPerStep: 2000, batch: 64, items: 1682, backend: 'cpu', cpuModel: cpus()[0]?.model ?? 'unknown', cores: 2 }));
  const spec = specFile(store, { base: { ...BASE, train: { epochs: 3, batchSize: 64 } }, axes: { 'model.dim': [8, 16] } });
  const r = runCli(['sweep', 'run', spec, '--dry-run', '--store', store, '--jobs', '2'], { LSRM_BACKEND: 'cpu' });
  assert.equal(r.code, 0, r.err);
  const lines = r.out.split('\n');
  assert.match(lines[0], /^run +steps\/ep +epochs +non-emb +params +weights +adam +activ\. +logits +per epoch +total$/);
  assert.match(lines[1], /^lsrm 1x8 synthetic:smoke seed 0 +\d+ +3 +768 /);
  assert.match(lines[2], /^lsrm 1x16 synthetic:smoke seed 0 +\d+ +3 +3.072K /);
  assert.match(lines[3], /^total \(2 runs\) /);
  assert.match(r.out, /lsrm bench train 2000 ms\/step at batch 64/);
  assert.match(r.err, /loading synthetic:smoke for its statistics \(once\)/);
  assert.doesNotMatch(r.err, /measuring/, 'the cached figure is used');
  assert.equal(existsSync(join(store, 'train')), false, 'a dry run trains nothing');
  const status = runCli(['sweep', 'status', spec, '--store', store, '--jobs', '2'], { LSRM_BACKEND: 'cpu' });
  assert.equal(status.code, 0, status.err);
  assert.match(status.out, /2 runs: 0 done, 0 partial, 0 failed, 2 pending/);
  // The time left is the dry run's wall time on 2 jobs (same cost model, no run finished to rescale it).
  const wall = /With 2 jobs the sweep takes about (\S+)/.exec(r.out)?.[1];
  assert.ok(wall, r.out);
  assert.ok(status.out.includes(`left: about ${wall} on 2 jobs by the cost model (at the bench figure's speed, no run of this sweep finished yet;`), status.out);
  // The same sweep by its manifest (what a figure's sweep leaves in <store>/sweeps/): the store comes from it.
  const manifest = writeManifest(store, loadSweepSpec(spec).runs);
  const byManifest = runCli(['sweep', 'status', '--manifest', manifest, '--jobs', '2'], { LSRM_BACKEND: 'cpu' });
  assert.equal(byManifest.code, 0, byManifest.err);
  assert.equal(byManifest.out, status.out);
});

test('lsrm sweep run: Ctrl-C stops the workers, says what is done and how to continue, exits 130', async () => {
  const store = mkdtempSync(join(tmpdir(), 'lsrm-cli-sweep-'));
  const spec = specFile(store, { base: { ...BASE, train: { epochs: 6, batchSize: 64 } }, axes: { 'train.seed': [0, 1] } });
  const child = spawn(process.execPath, ['--import', 'tsx', 'lib/cli.ts', 'sweep', 'run', spec, '--store', store, '--jobs', '1'], { env: { ...process.env, LSRM_BACKEND: 'cpu' } });
  let err = '';
  let isSent = false;
  child.stderr.on('data', (d: Buffer) => {
    err += d.toString();
    if (!isSent && /running epoch 1\/6/.test(err)) isSent = child.kill('SIGINT'); // once: a second Ctrl-C after the exit message kills
  });
  const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
  assert.equal(code, 130, err);
  assert.match(err, /sweep: stopped\. 0 of 2 runs done \(0 trained now, 0 loaded\)\./);
  assert.match(err, /not done: lsrm 1x8 synthetic:smoke seed 0\n {2}not done: lsrm 1x8 synthetic:smoke seed 1\n/);
  assert.ok(err.includes(`Continue with:\n  lsrm sweep run ${spec} --store ${store} --jobs 1\n`), err);
  const status = runCli(['sweep', 'status', spec, '--store', store]);
  assert.match(status.out, /seed 0 +partial/, 'the first run kept its finished epochs');
  assert.match(status.out, /0 failed/);
});
