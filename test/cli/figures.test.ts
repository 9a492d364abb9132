import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { figuresCommand, following, notebookEnv, notebooksOf, notebookRunKeys, planFigures, readyNotebooks, selectFigures, sweepFlagArgs, unionRuns } from '../../lib/cli/figures';
import { jupyterMissing } from '../../lib/notebook/run';
import { staleBuild } from '../../lib/notebook/build';
import { readManifest } from '../../lib/sweep/manifest';
import { SCALES } from '../../lib/experiments/scale';
import { runPaths } from '../../lib/runs/in-store';
import { sweepRuns } from '../../lib/sweep/spec';
import { benchFigureOf, writeBenchFigure } from '../../lib/sweep/estimate';
import { progressLog } from '../../lib/experiments/figure';
import { appendFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { sweepOptionsOf } from '../../lib/cli/sweep';
import { sweepOptionsFromEnv } from '../../lib/sweep/options';
import { UsageError } from '../../lib/cli/command';
import { FIGURES } from '../../lib/experiments/registry';

test('selectFigures: all by default, a comma list in the given order, unknown ids named', () => {
  assert.deepEqual(selectFigures(undefined).map((e) => e.id), FIGURES.map((e) => e.id));
  assert.deepEqual(selectFigures('table-4-configs, table-2-datasets').map((e) => e.id), ['table-4-configs', 'table-2-datasets']);
  assert.throws(() => selectFigures('fig-99'), (e: Error) => e instanceof UsageError && /unknown figure 'fig-99': known ids are/.test(e.message));
  assert.throws(() => selectFigures(' , '), /--only takes a comma-separated list of figure ids/);
});

test('notebooksOf lists each notebook once, in order', () => {
  const entries = [FIGURES[1], FIGURES[0], FIGURES[1]];
  assert.deepEqual(notebooksOf(entries), [FIGURES[1].notebook, FIGURES[0].notebook]);
});

test('lsrm figures rejects an unknown scale before running anything', async () => {
  await assert.rejects(figuresCommand.run({ scale: 'huge' }, []), (e: Error) => e instanceof UsageError && /unknown scale 'huge': use one of smoke, cpu, paper/.test(e.message));
});

test('lsrm figures --list prints id and notebook per line', () => {
  const r = spawnSync(process.execPath, ['--import', 'tsx', 'lib/cli.ts', 'figures', '--list', '--only', 'table-4-configs'], { encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, /^table-4-configs\s+notebooks\/table-4-configs\.ipynb  Table IV[^\n]*\n$/);
});

test('lsrm figures --jobs/--executor/slurm flags reach the notebooks as LSRM_* variables that sweepOptionsFromEnv reads back', () => {
  const flags = { jobs: '2', executor: 'slurm', partition: 'gpu', gpus: '1', 'max-parallel': '4', 'sbatch-arg': ['--account=proj'], 'no-wait': true };
  const sweep = sweepOptionsOf(flags);
  assert.deepEqual(sweep, { executor: 'slurm', jobs: 2, slurm: { partition: 'gpu', gpus: 1, maxParallel: 4, sbatchArgs: ['--account=proj'] }, wait: false });
  const env = notebookEnv('paper', sweep);
  assert.deepEqual(env, {
    LSRM_SCALE: 'paper', LSRM_EXECUTOR: 'slurm', LSRM_JOBS: '2', LSRM_SLURM_PARTITION: 'gpu', LSRM_SLURM_GPUS: '1', LSRM_SLURM_MAX_PARALLEL: '4',
    LSRM_SLURM_SBATCH_ARGS: '["--account=proj"]', LSRM_SLURM_WAIT: '0',
  });
  assert.deepEqual(sweepOptionsFromEnv(env), sweep, 'what the notebook cell reads is what the command line said');
  assert.deepEqual(notebookEnv('cpu', sweepOptionsOf({})), { LSRM_SCALE: 'cpu' }, 'no flags: the notebooks run their sweeps in the kernel');
});

test('lsrm figures rejects bad sweep flags before running anything', async () => {
  await assert.rejects(figuresCommand.run({ jobs: '0' }, []), /--jobs must be a positive integer, got 0/);
  await assert.rejects(figuresCommand.run({ executor: 'ssh' }, []), /--executor must be one of local, slurm, got 'ssh'/);
  assert.match(figuresCommand.usage, /--jobs N +local trainings at once/);
});

test('progress: with LSRM_PROGRESS_FILE the sweep log is also appended there, one "<id>: " line each; without it, the log alone', () => {
  const file = join(mkdtempSync(join(tmpdir(), 'lsrm-prog-')), 'p.log');
  const seen: string[] = [];
  const log = progressLog('fig-x', (m) => seen.push(m), { LSRM_PROGRESS_FILE: file })!;
  log('run a  running  1/2');
  log('two\nlines');
  assert.deepEqual(seen, ['run a  running  1/2', 'two\nlines']);
  assert.equal(readFileSync(file, 'utf8'), 'fig-x: run a  running  1/2\nfig-x: two\nfig-x: lines\n');
  const plain = (m: string) => seen.push(m);
  assert.equal(progressLog('fig-x', plain, {}), plain);
  // An unwritable file costs the progress, never the figure.
  progressLog('fig-x', undefined, { LSRM_PROGRESS_FILE: join(file, 'not-a-dir', 'p.log') })!('still fine');
});

test('following: what the work appends to the file reaches the output while it runs and at its end', async () => {
  const file = join(mkdtempSync(join(tmpdir(), 'lsrm-follow-')), 'p.log');
  const out: string[] = [];
  const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
  const result = await following(file, { write: (s: string) => out.push(s) }, async () => {
    appendFileSync(file, 'first\n');
    await sleep(120);
    assert.equal(out.join(''), 'first\n', 'printed while the work runs');
    appendFileSync(file, 'last\n');
    return 42;
  }, 20);
  assert.equal(result, 42);
  assert.equal(out.join(''), 'first\nlast\n');
});

test('planFigures: per figure, runs in the store, runs an earlier figure trains (shared by key), runs to train with the epochs already done', () => {
  const store = mkdtempSync(join(tmpdir(), 'lsrm-plan-'));
  const [fig2a, fig2b, table4] = selectFigures('fig-2a-model-scaling,fig-2b-data-scaling,table-4-configs');
  const runs2a = sweepRuns(fig2a.sweep!(SCALES.smoke));
  const runs2b = sweepRuns(fig2b.sweep!(SCALES.smoke));
  const shared = runs2b.filter((r) => runs2a.some((a) => a.key === r.key)).length;
  assert.ok(shared > 0 && shared < runs2b.length, 'Figure 2a\'s ladder is Figure 2b\'s 100% column');
  // One 2a run finished, another stopped after 1 epoch.
  const done = runPaths(store, runs2a[0].key), stopped = runPaths(store, runs2a[1].key);
  mkdirSync(join(store, 'train'), { recursive: true });
  writeFileSync(done.record, '{}');
  mkdirSync(stopped.runDir, { recursive: true });
  writeFileSync(join(stopped.runDir, 'curve.json'), JSON.stringify([{ epoch: 1 }]));
  const plans = planFigures([fig2a, fig2b, table4], SCALES.smoke, store);
  assert.deepEqual(plans.map((p) => p.id), ['fig-2a-model-scaling', 'fig-2b-data-scaling'], 'a figure without a sweep plans nothing');
  const [p2a, p2b] = plans;
  assert.deepEqual([p2a.runs, p2a.stored, p2a.shared, p2a.toTrain.length], [runs2a.length, 1, 0, runs2a.length - 1]);
  assert.equal(p2a.toTrain.find((r) => r.label === runs2a[1].label)?.doneEpochs, 1);
  assert.deepEqual([p2b.runs, p2b.stored, p2b.shared, p2b.toTrain.length], [runs2b.length, 1, shared - 1, runs2b.length - shared]);
  // In the other order Figure 2b trains the shared runs.
  const [q2b, q2a] = planFigures([fig2b, fig2a], SCALES.smoke, store);
  assert.equal(q2b.toTrain.length, runs2b.length - 1);
  assert.equal(q2a.shared, runs2a.length - 1);
});

test('lsrm figures --dry-run: an estimate per figure and the total; nothing trains, no notebook runs', () => {
  const store = mkdtempSync(join(tmpdir(), 'lsrm-plan-'));
  writeBenchFigure(store, benchFigureOf({ msPerStep: 2000, batch: 64, items: 1682, backend: 'cpu', cpuModel: cpus()[0]?.model ?? 'unknown', cores: 2 }));
  const r = spawnSync(process.execPath, ['--import', 'tsx', 'lib/cli.ts', 'figures', '--dry-run', '--scale', 'smoke', '--only', 'fig-3-repetition,table-4-configs', '--jobs', '2', '--store', store], { encoding: 'utf8', env: { ...process.env, LSRM_BACKEND: 'cpu' } });
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, /^fig-3-repetition: 2 runs: 0 in the store, 2 to train, about \S+ on 2 jobs\n/, 'seconds: within the budget, no flag');
  assert.match(r.stdout, /Figure 3 1x24 30 epochs seed 0 +\d+ +30 /);
  assert.match(r.stdout, /2 runs to train at the smoke scale: about \S+ with --jobs 2/);
  assert.doesNotMatch(r.stdout, /table-4-configs/, 'Table IV trains nothing');
  assert.equal(existsSync(join(store, 'train')), false, 'a dry run trains nothing');
  // On a machine a million times slower the same grid is over a figure's budget, and says so.
  const slow = mkdtempSync(join(tmpdir(), 'lsrm-plan-'));
  writeBenchFigure(slow, benchFigureOf({ msPerStep: 2e9, batch: 64, items: 1682, backend: 'cpu', cpuModel: cpus()[0]?.model ?? 'unknown', cores: 2 }));
  const s = spawnSync(process.execPath, ['--import', 'tsx', 'lib/cli.ts', 'figures', '--dry-run', '--scale', 'smoke', '--only', 'fig-3-repetition', '--jobs', '2', '--store', slow], { encoding: 'utf8', env: { ...process.env, LSRM_BACKEND: 'cpu' } });
  assert.equal(s.status, 0, s.stderr);
  assert.match(s.stdout, /^fig-3-repetition: 2 runs: 0 in the store, 2 to train, about \S+ on 2 jobs \(over the ~2 h a figure should take\)\n/);
});

test('--train-first: the runs of every selected figure, in figure order, each once; the sweep flags pass on to lsrm sweep run', () => {
  const [fig2a, fig2b, table4] = selectFigures('fig-2a-model-scaling,fig-2b-data-scaling,table-4-configs');
  const runs = unionRuns([fig2a, fig2b, table4], SCALES.smoke);
  const runs2a = sweepRuns(fig2a.sweep!(SCALES.smoke)), runs2b = sweepRuns(fig2b.sweep!(SCALES.smoke));
  assert.deepEqual(runs.slice(0, runs2a.length).map((r) => r.key), runs2a.map((r) => r.key), 'Figure 2a first');
  assert.equal(new Set(runs.map((r) => r.key)).size, runs.length);
  assert.deepEqual(new Set(runs.map((r) => r.key)), new Set([...runs2a, ...runs2b].map((r) => r.key)));
  assert.deepEqual(sweepFlagArgs({ jobs: '2', executor: 'slurm', 'no-wait': true, 'sbatch-arg': ['--a=1', '--b=2'], only: 'x', 'dry-run': false }),
    ['--executor', 'slurm', '--jobs', '2', '--no-wait', '--sbatch-arg', '--a=1', '--sbatch-arg', '--b=2']);
});

test('--train-first makes a figure as soon as its runs are all in the store, once, and leaves a figure without a sweep for the end', () => {
  const store = mkdtempSync(join(tmpdir(), 'lsrm-ready-'));
  const entries = selectFigures('fig-2a-model-scaling,fig-3-repetition,table-4-configs');
  const [fig2a, fig3] = entries;
  const runs3 = sweepRuns(fig3.sweep!(SCALES.smoke)), runs2a = sweepRuns(fig2a.sweep!(SCALES.smoke));
  const keys = notebookRunKeys(entries, SCALES.smoke);
  const finish = (key: string) => {
    const { record } = runPaths(store, key);
    mkdirSync(join(record, '..'), { recursive: true });
    writeFileSync(record, '{}');
  };
  assert.deepEqual(readyNotebooks(keys, store, new Set()), [], 'nothing trained: nothing ready');
  finish(runs3[0].key);
  assert.deepEqual(readyNotebooks(keys, store, new Set()), [], 'one of two runs of Figure 3 is not enough');
  finish(runs3[1].key);
  for (const r of runs2a.slice(1)) finish(r.key);
  assert.deepEqual(readyNotebooks(keys, store, new Set()), [fig3.notebook], 'Figure 3 complete; Figure 2a misses one run; Table IV has no sweep');
  assert.deepEqual(readyNotebooks(keys, store, new Set([fig3.notebook])), [], 'a notebook already made is not made again');
  finish(runs2a[0].key);
  assert.deepEqual(readyNotebooks(keys, store, new Set([fig3.notebook])), [fig2a.notebook]);
});

const NB_SKIP = jupyterMissing() ?? staleBuild(join(__dirname, '..', '..')) ?? false;
test('lsrm figures --train-first: one sweep trains every run, then the notebook loads them all', { skip: NB_SKIP }, () => {
  const store = mkdtempSync(join(tmpdir(), 'lsrm-tf-runs-'));
  writeBenchFigure(store, benchFigureOf({ msPerStep: 200, batch: 64, items: 1682, backend: 'wasm', cpuModel: cpus()[0]?.model ?? 'unknown', cores: 2 }));
  const figures = mkdtempSync(join(tmpdir(), 'lsrm-tf-fig-'));
  const r = spawnSync(process.execPath, ['--import', 'tsx', 'lib/cli.ts', 'figures', '--scale', 'smoke', '--only', 'fig-3-repetition', '--train-first', '--jobs', '2', '--store', store],
    { encoding: 'utf8', env: { ...process.env, LSRM_BACKEND: 'wasm', LSRM_FIGURES_DIR: figures } });
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stderr, /training the 2 runs of 1 figure first, as one sweep \(lsrm sweep status --manifest (\S+)\)/);
  const manifest = /--manifest (\S+)\)/.exec(r.stderr)![1];
  assert.deepEqual(readManifest(manifest).runs.map((r) => r.label), ['Figure 3 1x24 30 epochs seed 0', 'Figure 3 1x8 30 epochs seed 0'], 'the longer run first');
  assert.match(r.stderr, /2 runs to train, longest first: about \S+ on 2 jobs by the estimates/);
  assert.match(r.stderr, /sweep: 2 done/, 'the sweep trained both');
  assert.match(r.stderr, /fig-3-repetition: sweep: 2 loaded/, 'the notebook trained nothing');
  assert.match(r.stdout, /1\/1 notebooks ran/);
  assert.ok(existsSync(join(figures, 'smoke', 'fig-3-repetition.json')));
});
