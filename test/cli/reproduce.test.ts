import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, statSync, utimesSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { headlineScale, reproduceCommand, reproduceEntries, runReproduce } from '../../lib/cli/reproduce';
import { getScale } from '../../lib/experiments/scale';
import { UsageError } from '../../lib/cli/command';

async function withDirs<T>(figures: string, runs: string, fn: () => Promise<T>): Promise<T> {
  const old = { f: process.env.LSRM_FIGURES_DIR, r: process.env.LSRM_RUNS_DIR };
  process.env.LSRM_FIGURES_DIR = figures;
  process.env.LSRM_RUNS_DIR = runs;
  try {
    return await fn();
  } finally {
    process.env.LSRM_FIGURES_DIR = old.f;
    process.env.LSRM_RUNS_DIR = old.r;
    if (old.f === undefined) delete process.env.LSRM_FIGURES_DIR;
    if (old.r === undefined) delete process.env.LSRM_RUNS_DIR;
  }
}

test('reproduce makes the cheap registry entries and the headline Figure 2a; --only must name those', () => {
  assert.deepEqual(reproduceEntries(undefined).map((e) => e.id), ['table-2-datasets', 'table-4-configs', 'fig-2a-model-scaling']);
  assert.deepEqual(reproduceEntries('fig-2a-model-scaling').map((e) => e.id), ['fig-2a-model-scaling']);
  assert.equal(headlineScale(getScale('cpu')).name, 'default', 'the cpu scale (the default) makes the miniature');
  assert.equal(headlineScale(getScale('smoke')).name, 'smoke');
  assert.deepEqual(reproduceEntries('table-4-configs').map((e) => e.id), ['table-4-configs']);
  assert.throws(() => reproduceEntries('table-4-configs,table-3-ablation'), (e: Error) => e instanceof UsageError && /not made by reproduce: table-3-ablation \(use lsrm figures --only table-3-ablation\)/.test(e.message));
});

test('lsrm reproduce --only fig-2a-model-scaling --scale smoke: the ladder on 2 cores, the fit, the summary', async () => {
  const figures = mkdtempSync(join(tmpdir(), 'lsrm-repro-fig-'));
  const runs = mkdtempSync(join(tmpdir(), 'lsrm-repro-runs-'));
  const printed: string[] = [];
  assert.equal(await withDirs(figures, runs, () => runReproduce({ scale: 'smoke', only: 'fig-2a-model-scaling' }, (s) => printed.push(s))), 0);
  assert.deepEqual(readdirSync(figures), ['smoke']);
  const files = readdirSync(join(figures, 'smoke'));
  for (const ext of ['json', 'csv', 'md', 'html']) assert.ok(files.includes(`fig-2a-model-scaling.${ext}`), ext);
  const text = printed.join('');
  assert.match(text, /fit on 3 runs: E [\d.]+, N0 \S+, alpha [\d.]+, R\^2 -?[\d.]+ \(teacher's irreducible loss [\d.]+\)/);
  assert.match(text, /held out N 6,912: predicted [\d.]+ \[[\d.]+, [\d.]+\], actual [\d.]+, error [+-][\d.]+%/);
  assert.match(text, /figure: \S+fig-2a-model-scaling\.(png|html)/);
  assert.equal(JSON.parse(readFileSync(join(figures, 'smoke', 'fig-2a-model-scaling.json'), 'utf8')).runs.length, 4);
});

test('lsrm reproduce --scale smoke writes both tables to <LSRM_FIGURES_DIR>/smoke without Jupyter; a second run rewrites nothing', async () => {
  const figures = mkdtempSync(join(tmpdir(), 'lsrm-repro-fig-'));
  const runs = mkdtempSync(join(tmpdir(), 'lsrm-repro-runs-'));
  assert.equal(await withDirs(figures, runs, () => runReproduce({ scale: 'smoke', only: 'table-2-datasets,table-4-configs' }, () => undefined)), 0);
  assert.deepEqual(readdirSync(figures), ['smoke'], 'nothing in the root: it holds the committed cpu scale');
  const out = join(figures, 'smoke');
  const files = readdirSync(out);
  for (const id of ['table-2-datasets', 'table-4-configs']) {
    for (const ext of ['csv', 'md', 'html']) assert.ok(files.includes(`${id}.${ext}`), `${id}.${ext}`);
  }
  assert.match(readFileSync(join(out, 'table-2-datasets.csv'), 'utf8'), /^dataset,users,items,interactions,avgSeqLen,density,(.*,)?core,source\nSynthetic \(smoke\),/);
  assert.equal(readdirSync(join(runs, 'table-2')).length, 1, 'the smoke row is cached in the runs folder');
  // Again, with every file dated in the past: unchanged data leaves every file (PNGs included) untouched.
  const past = new Date(2001, 0, 1);
  for (const f of files) utimesSync(join(out, f), past, past);
  assert.equal(await withDirs(figures, runs, () => runReproduce({ scale: 'smoke', only: 'table-2-datasets,table-4-configs' }, () => undefined)), 0);
  const touched = readdirSync(out).filter((f) => statSync(join(out, f)).mtimeMs !== past.getTime());
  assert.deepEqual(touched, []);
});

test('lsrm reproduce at the cpu scale writes its tables to figures/default/, never over the committed figures/<id>.*', async () => {
  const figures = mkdtempSync(join(tmpdir(), 'lsrm-repro-fig-'));
  const runs = mkdtempSync(join(tmpdir(), 'lsrm-repro-runs-'));
  assert.equal(await withDirs(figures, runs, () => runReproduce({ only: 'table-4-configs' }, () => undefined)), 0);
  assert.deepEqual(readdirSync(figures), ['default'], 'the root holds the committed results of lsrm figures');
  for (const ext of ['csv', 'md', 'html']) assert.ok(readdirSync(join(figures, 'default')).includes(`table-4-configs.${ext}`), ext);
});

test('lsrm reproduce names ids it does not make and bad scales', async () => {
  await assert.rejects(reproduceCommand.run({ scale: 'big' }, []), (e: Error) => e instanceof UsageError && /unknown scale 'big'/.test(e.message));
  await assert.rejects(reproduceCommand.run({ only: 'nope' }, []), /unknown figure 'nope'/);
  await assert.rejects(reproduceCommand.run({ only: 'table-5-overall' }, []), /not made by reproduce: table-5-overall/);
});

test('--store DIR is the run store of reproduce (and of the processes it starts)', async () => {
  const figures = mkdtempSync(join(tmpdir(), 'lsrm-repro-fig-'));
  const store = mkdtempSync(join(tmpdir(), 'lsrm-repro-store-'));
  const other = mkdtempSync(join(tmpdir(), 'lsrm-repro-runs-'));
  // LSRM_RUNS_DIR points elsewhere: --store wins, and the results land in the store.
  assert.equal(await withDirs(figures, other, () => runReproduce({ scale: 'smoke', only: 'table-2-datasets', store }, () => undefined)), 0);
  assert.ok(readdirSync(store).includes('table-2'), `the store holds the Table II records (has ${readdirSync(store).join(', ')})`);
  assert.deepEqual(readdirSync(other), [], 'nothing went to LSRM_RUNS_DIR');
  await assert.rejects(() => reproduceCommand.run({ only: 'table-4-configs', store: ' ' }, []), (e: Error) => e instanceof UsageError && /--store takes a folder/.test(e.message));
});
