import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { formatWall, makeRunsCommand, textTable } from '../../lib/cli/runs';
import { runCli } from '../helpers/cli';
import { fakeStore } from '../runs/fake-store';

function harness() {
  const out: string[] = [];
  const err: string[] = [];
  const cmd = makeRunsCommand({ out: (s) => out.push(s), err: (s) => err.push(s) });
  return { run: (values: Record<string, unknown>, ...args: string[]) => cmd.run(values as never, args), out, err, text: () => out.join('') };
}

test('list: an aligned table, one row per run, sorted by label; unreadable folders are reported', async () => {
  const { store, keys } = fakeStore();
  const h = harness();
  assert.equal(await h.run({ store }, 'list'), 0);
  const lines = h.text().trimEnd().split('\n');
  assert.match(lines[0], /^id {10}label {2,}state {4}epochs {2}best valid {9}test NDCG@10 {4}wall {2}note$/);
  assert.equal(lines.length, 7);
  const done = lines.find((l) => l.startsWith(keys.done.slice(-10)))!;
  assert.match(done, /^[0-9a-f]{10} {2}lsrm 2x64 ml-100k seed 0 +done +3 {2}NDCG@10 0\.0500 @2 +0\.0400 {2}30\.0 s {2}stopped by epochs$/);
  assert.ok(lines.some((l) => / running +2 {2}NDCG@10 0\.0400 @2 /.test(l) && l.endsWith(`pid ${process.pid} on ${hostname()}, 2 epochs done`)));
  assert.ok(lines.some((l) => /^[0-9a-f]{10} {2}lsrm 4x64 ml-100k seed 0 +pending +2 .*resumable after epoch 2; stale lock of pid \d+$/.test(l)));
  assert.ok(lines.some((l) => /gru4rec 2x32 ml-100k seed 1 +failed +1 .* NaN loss at step 12; resumable after epoch 1$/.test(l)));
  assert.ok(lines.some((l) => /synthetic:smoke seed 2 +pending +0 {2}- +- +- {2}not started$/.test(l)));
  assert.match(h.err.join(''), /^runs: skipped .*broken\/x\.run: not a run folder/);
});

test('list --json: one object per line with key, label, state; --where filters (AND)', async () => {
  const { store, keys } = fakeStore();
  const h = harness();
  assert.equal(await h.run({ store, json: true }, 'list'), 0);
  const rows = h.text().trimEnd().split('\n').map((l) => JSON.parse(l));
  assert.equal(rows.length, 6);
  for (const r of rows) for (const k of ['key', 'label', 'state', 'epochs', 'bestValid', 'testNdcg10', 'wallMs', 'config']) assert.ok(k in r, k);
  assert.deepEqual(rows.map((r) => r.state).sort(), ['done', 'done', 'failed', 'pending', 'pending', 'running']);
  const done = rows.find((r) => r.key === keys.done);
  assert.deepEqual([done.label, done.testNdcg10, done.bestValid, done.path], ['lsrm 2x64 ml-100k seed 0', 0.04, { metric: 'NDCG@10', value: 0.05, epoch: 2 }, `train/${keys.done}.run`]);
  const w = harness();
  assert.equal(await w.run({ store, json: true, where: ['model.dim=64', 'state=done'] }, 'list'), 0);
  assert.deepEqual(w.text().trimEnd().split('\n').map((l) => JSON.parse(l).key).sort(), [keys.done, keys.variant].sort());
  const none = harness();
  assert.equal(await none.run({ store, where: ['train.seed=9'] }, 'list'), 0);
  assert.equal(none.text(), '');
  assert.match(none.err.join(''), /no matching runs in /);
  await assert.rejects(harness().run({ store, where: ['model.width=1'] }, 'list'), /--where model.width: no run has that field/);
});

test('show: config with non-defaults marked, metrics, curve, files; --json is one line', async () => {
  const { store, keys, dirs } = fakeStore();
  const h = harness();
  assert.equal(await h.run({ store }, 'show', 'lsrm 2x64 ml-100k no-LAD no-SO lr=0.001 seed 0'), 0);
  const text = h.text();
  assert.match(text, new RegExp(`^run {5}[0-9a-f]{10} {2}lsrm 2x64 ml-100k no-LAD no-SO lr=0\\.001 seed 0\\nkey {5}${keys.variant}\\nstate {3}done \\(stopped by epochs\\)\\nfolder {2}${dirs.variant}\\n`));
  assert.match(text, /\n\* {2}train\.lrPeak {12}0\.001\n/);
  assert.match(text, /\n {3}train\.lrMinRatio {8}0\.1\n/);
  assert.match(text, /\nmetric {4}valid {4}test\nloss {5}5\.9000 {2}6\.0000\nNDCG@10 {2}0\.0400 {2}0\.0300\n/);
  assert.match(text, /\ncurve {3}3 epochs, best NDCG@10 0\.0400 @2, stopped by epochs, SGD from epoch -, training 30\.0 s \+ evaluation 1\.5 s\n/);
  assert.match(text, /\n {4}2 {6}6\.3000 {6}5\.9000 {9}0\.0400 {2}3\.00e-3 {2}adam {7}20\.0 s\n/);
  assert.match(text, /\nfiles {3}config\.json curve\.json result\.json\n$/);
  const failed = harness();
  assert.equal(await failed.run({ store }, 'show', dirs.failed), 0);
  assert.match(failed.text(), /\nerror {3}NaN loss at step 12\n {2}at trainModel \(at 2025-01-01T01:00:00Z\)\n/);
  const running = harness();
  assert.equal(await running.run({ store, json: true }, 'show', keys.running.slice(0, -4)), 0);
  const obj = JSON.parse(running.text());
  assert.equal(running.out.length, 1);
  assert.deepEqual([obj.state, obj.curve.length, obj.result, obj.lock.pid], ['running', 2, null, process.pid]);
});

test('compare: config and metric differences, absolute and relative', async () => {
  const { store, keys } = fakeStore();
  const h = harness();
  assert.equal(await h.run({ store }, 'compare', keys.done, keys.variant), 0);
  const text = h.text();
  assert.match(text, /\nconfig differences\nfield {19}A {6}B\ntrain\.layerwiseDropout {2}true {3}false\ntrain\.lrPeak {12}0\.003 {2}0\.001\ntrain\.switchOptimizer {3}true {3}false\n/);
  assert.match(text, /\nvalid loss {5}5\.8000 {2}5\.9000 {2}\+0\.1000 {3}\+1\.7%\n/);
  assert.match(text, /\ntest NDCG@10 {3}0\.0400 {2}0\.0300 {2}-0\.0100 {2}-25\.0%\n/);
  const j = harness();
  assert.equal(await j.run({ store, json: true }, 'compare', keys.done, keys.failed), 0);
  const obj = JSON.parse(j.text());
  assert.deepEqual(obj.config.map((d: { field: string }) => d.field), ['model.dim', 'model.kind', 'train.seed']);
  const validLoss = obj.metrics.find((m: { split: string; metric: string }) => m.split === 'valid' && m.metric === 'loss');
  assert.deepEqual([validLoss.a, validLoss.b], [5.8, 6.0]); // the failed run's best epoch so far
  assert.ok(Math.abs(validLoss.rel - 0.2 / 5.8) < 1e-12);
  const testLoss = obj.metrics.find((m: { split: string; metric: string }) => m.split === 'test' && m.metric === 'loss');
  assert.deepEqual([testLoss.b, testLoss.diff, testLoss.rel], [null, null, null]);
  const same = harness();
  assert.equal(await same.run({ store }, 'compare', keys.done, keys.done), 0);
  assert.match(same.text(), /\nconfig: identical\n/);
});

test('curves: one plotly figure (HTML page or JSON spec) with train and valid loss per run', async () => {
  const { store, keys } = fakeStore();
  const out = join(mkdtempSync(join(tmpdir(), 'lsrm-cli-runs-')), 'curves.json');
  const h = harness();
  assert.equal(await h.run({ store, out }, 'curves', keys.done, keys.running), 0);
  assert.equal(h.text(), `wrote ${out} (2 runs)\n`);
  const fig = JSON.parse(readFileSync(out, 'utf8'));
  assert.deepEqual(fig.data.map((t: { name: string }) => t.name), ['lsrm 2x64 ml-100k seed 0 valid', 'lsrm 2x64 ml-100k seed 0 train', 'lsrm 2x128 ml-100k seed 0 valid', 'lsrm 2x128 ml-100k seed 0 train']);
  assert.deepEqual(fig.data[2].y, [6.0, 5.8]);
  const html = out.replace(/\.json$/, '.html');
  assert.equal(await harness().run({ store, out: html, title: 'Width' }, 'curves', keys.done), 0);
  const page = readFileSync(html, 'utf8');
  assert.match(page, /<title>Width<\/title>/);
  assert.match(page, /id="lsrm-figure"/);
  await assert.rejects(harness().run({ store, out }, 'curves', keys.pending), /no finished epoch yet in [0-9a-f]{10} \(lsrm 2x64 synthetic:smoke seed 2\)/);
  await assert.rejects(harness().run({ store }, 'curves', keys.done), /curves needs --out FILE.html/);
});

test('usage errors and lookup errors', async () => {
  const { store } = fakeStore();
  const h = harness();
  await assert.rejects(h.run({ store }), /give a subcommand: list, show, compare or curves/);
  await assert.rejects(h.run({ store }, 'ls'), /unknown subcommand 'ls'/);
  await assert.rejects(h.run({ store }, 'show'), /runs show takes one RUN, got 0 arguments/);
  await assert.rejects(h.run({ store }, 'compare', 'a'), /runs compare takes two RUNs, got 1 argument/);
  await assert.rejects(h.run({ store, where: ['state=done'] }, 'show', 'x'), /--where applies to runs list only/);
  await assert.rejects(h.run({ store }, 'show', 'dim-64'), /'dim-64' matches 4 runs/);
  assert.equal(formatWall(undefined), '-');
  assert.deepEqual([formatWall(12_340), formatWall(192_000), formatWall(3_900_000)], ['12.3 s', '3m 12s', '1h 05m']);
  assert.equal(textTable(['a', 'n'], [['xy', '1'], ['z', '10']], [1]), 'a    n\nxy   1\nz   10\n');
});

test('lsrm runs is registered: list --json and an ambiguous RUN through the real CLI', () => {
  const { store } = fakeStore();
  const r = runCli(['runs', 'list', '--store', store, '--json', '--where', 'state=running']);
  assert.equal(r.code, 0, r.err);
  assert.equal(JSON.parse(r.out).label, 'lsrm 2x128 ml-100k seed 0'); // the lock's pid is this test process
  const bad = runCli(['runs', 'show', 'dim-64', '--store', store]);
  assert.equal(bad.code, 1);
  assert.match(bad.err, /lsrm runs: 'dim-64' matches 4 runs; give more of the key or the folder path:\n {2}[0-9a-f]{10} {2}lsrm 2x64 ml-100k no-LAD/);
});
