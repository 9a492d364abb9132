/**
 * `lsrm figures`: regenerate the figures and tables of the paper by executing their notebooks
 * headless (tslab kernel, Debian's Jupyter) at a scale preset. Executing the notebooks, not
 * the experiment modules, is deliberate: it proves the notebooks a reader opens still work.
 * The notebooks write figures/<id>.* at the cpu scale and figures/<scale>/<id>.* at the others
 * (git-ignored); the executed copies go to a temp folder unless --in-place asks to store them
 * (with outputs) over the committed notebooks.
 *
 * The runs behind a figure are a sweep (lib/sweep/execute.ts): --jobs, --executor and the Slurm
 * flags reach the notebooks as LSRM_JOBS, LSRM_EXECUTOR and LSRM_SLURM_* (lib/sweep/options.ts),
 * which each notebook's produce call reads with sweepOptionsFromEnv().
 */
import { closeSync, existsSync, mkdtempSync, openSync, readFileSync, readSync, writeFileSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { dirname, join, relative, resolve } from 'node:path';
import { FIGURES, findFigure, type FigureEntry } from '../experiments/registry';
import { getScale, type ScalePreset } from '../experiments/scale';
import { sweepRuns, type SweepRun } from '../sweep/spec';
import { writeManifest } from '../sweep/manifest';
import { formatEstimates } from '../sweep/estimate';
import { listSchedule } from '../sweep/table';
import { runPaths } from '../runs/in-store';
import { runsDir } from '../util/paths';
import { formatDuration } from '../train/progress';
import { staleBuild } from '../notebook/build';
import { figuresDirFor } from '../plot/save';
import { projectRoot } from '../util/paths';
import { executeNotebook, formatCellError, jupyterMissing, runProcessGroup } from '../notebook/run';
import { sweepOptionsToEnv, type SweepOptions } from '../sweep/options';
import { stringOption, UsageError, useStore, type Command, type OptionValues } from './command';
import { estimateRows, sweepOptionsOf, SWEEP_FLAGS } from './sweep';
import { curveEpochs, storePace, type EstimatedRun, type StorePace } from '../sweep/estimate';

/** A cell that trains (hours at the cpu scale) or follows Slurm jobs (days at the paper scale) must not time out. */
const LONG_CELL_SEC = 30 * 24 * 3600;

/** The registry entries named by a comma-separated --only list (all when undefined). */
export function selectFigures(only: string | undefined): FigureEntry[] {
  if (only === undefined) return [...FIGURES];
  const ids = only.split(',').map((s) => s.trim()).filter((s) => s !== '');
  if (ids.length === 0) throw new UsageError('--only takes a comma-separated list of figure ids');
  return ids.map((id) => {
    try {
      return findFigure(id);
    } catch (err) {
      throw new UsageError((err as Error).message);
    }
  });
}

/** The distinct notebooks of some entries, in registry order. */
export function notebooksOf(entries: readonly FigureEntry[]): string[] {
  return [...new Set(entries.map((e) => e.notebook))];
}

/** The environment of the notebooks: the scale and the sweep options. */
export function notebookEnv(scale: string, sweep: SweepOptions): Record<string, string> {
  return { LSRM_SCALE: scale, ...sweepOptionsToEnv(sweep) };
}

/**
 * Follow `file` while `work` runs: every second, the lines appended to it since are written to
 * `out` (the sweep's progress, which the notebook kernel appends; see progressLog).
 */
export async function following<T>(file: string, out: { write(s: string): unknown }, work: () => Promise<T>, everyMs = 1000): Promise<T> {
  writeFileSync(file, '');
  let offset = 0;
  const drain = () => {
    const fd = openSync(file, 'r');
    try {
      const buf = Buffer.alloc(1 << 16);
      for (let n; (n = readSync(fd, buf, 0, buf.length, offset)) > 0; offset += n) out.write(buf.subarray(0, n).toString());
    } finally {
      closeSync(fd);
    }
  };
  const timer = setInterval(drain, everyMs);
  try {
    return await work();
  } finally {
    clearInterval(timer);
    drain();
  }
}

/** What a figure still has to train at a scale (see planFigures). */
export interface FigurePlan {
  readonly id: string;
  /** Its runs, deduplicated by key. */
  readonly runs: number;
  /** Runs in the store already. */
  readonly stored: number;
  /** Runs not stored that an earlier figure of the list trains (runs are shared by store key). */
  readonly shared: number;
  /** The runs this figure trains, with the epochs a run that resumes has already. */
  readonly toTrain: readonly EstimatedRun[];
}

/**
 * What each figure of `entries` (in order, as `lsrm figures` runs them) trains at `scale`: its
 * runs are in `store` already, or trained by an earlier figure, or trained by it (the epochs a
 * stopped run has in its curve.json are not trained again). Figures without a sweep plan nothing.
 */
export function planFigures(entries: readonly FigureEntry[], scale: ScalePreset, store: string): FigurePlan[] {
  const claimed = new Set<string>();
  const plans: FigurePlan[] = [];
  for (const e of entries) {
    if (!e.sweep) continue;
    const runs = sweepRuns(e.sweep(scale));
    let stored = 0, shared = 0;
    const toTrain: EstimatedRun[] = [];
    for (const run of runs) {
      const { record, runDir } = runPaths(store, run.key);
      if (existsSync(record)) stored++;
      else if (claimed.has(run.key)) shared++;
      else {
        claimed.add(run.key);
        toTrain.push({ label: run.label, config: run.config, doneEpochs: curveEpochs(runDir) });
      }
    }
    plans.push({ id: e.id, runs: runs.length, stored, shared, toTrain });
  }
  return plans;
}

/** The wall time a cpu-scale figure should stay within on this 2-core machine (the project's budget); --dry-run flags figures above it. */
export const FIGURE_BUDGET_SECONDS = 2 * 3600;

/** `lsrm figures --dry-run`: per figure, its runs stored, shared and to train, with their estimate; the wall time figure by figure. */
async function dryRun(entries: readonly FigureEntry[], scale: ScalePreset, store: string, jobs: number): Promise<number> {
  let wall = 0, trains = 0;
  let pace: StorePace | undefined | null = null; // null: not computed yet
  const on = `on ${jobs} job${jobs > 1 ? 's' : ''}`;
  for (const plan of planFigures(entries, scale, store)) {
    const head = `${plan.id}: ${plan.runs} runs: ${plan.stored} in the store${plan.shared ? `, ${plan.shared} trained by an earlier figure` : ''}, ${plan.toTrain.length} to train`;
    if (plan.toTrain.length === 0) {
      process.stdout.write(`${head}\n\n`);
      continue;
    }
    const { rows, bench } = await estimateRows(plan.toTrain, store, (m) => process.stderr.write(m));
    if (pace === null) pace = await storePace(store, bench);
    const model = listSchedule(rows.map((r) => r.estimate.totalSeconds), jobs);
    const seconds = listSchedule(rows.map((r, i) => r.estimate.totalSeconds * (pace?.of(plan.toTrain[i].config).scale ?? 1)), jobs);
    wall += seconds;
    trains += rows.length;
    const capped = rows.some((r) => r.estimate.epochsFrom === 'cap');
    const over = seconds > FIGURE_BUDGET_SECONDS ? ` (over the ~${FIGURE_BUDGET_SECONDS / 3600} h a figure should take${capped ? ', at the epoch caps' : ''})` : '';
    const time = pace ? `about ${formatDuration(seconds * 1000)} ${on} at the pace of runs alike in the store (${formatDuration(model * 1000)} at the bench's)` : `about ${formatDuration(seconds * 1000)} ${on}`;
    process.stdout.write(`${head}, ${time}${over}\n${formatEstimates(rows, bench, jobs)}\n`);
  }
  const paceNote = pace
    ? `; the times include the pace of finished runs in the store, wall time over the cost model's at the bench's speed (a loaded machine, costs the model leaves out): other seeds of a run, else its model kind on its data, else its model kind, else all ${pace.overall.runs} (median ${pace.overall.scale.toFixed(2)}x), from 2 runs at least`
    : '';
  process.stdout.write(`${trains} runs to train at the ${scale.name} scale: about ${formatDuration(wall * 1000)} with --jobs ${jobs} (figure after figure; ≤: a run's epoch cap, which validation may cut short${paceNote})\n`);
  return 0;
}

/** The runs of every figure of `entries` with a sweep, in figure order, each run once (shared by key). */
export function unionRuns(entries: readonly FigureEntry[], scale: ScalePreset): SweepRun[] {
  const byKey = new Map<string, SweepRun>();
  for (const e of entries) for (const run of e.sweep ? sweepRuns(e.sweep(scale)) : []) if (!byKey.has(run.key)) byKey.set(run.key, run);
  return [...byKey.values()];
}

/** The sweep flags (SWEEP_FLAGS) of a parsed command line, as arguments again for lsrm sweep run. */
export function sweepFlagArgs(values: OptionValues): string[] {
  return Object.keys(SWEEP_FLAGS).flatMap((name) => {
    const v = values[name];
    if (v === undefined || v === false) return [];
    if (v === true) return [`--${name}`];
    return (Array.isArray(v) ? v : [v]).flatMap((x) => [`--${name}`, String(x)]);
  });
}

/**
 * Runs in the order that ends a sweep soonest by the estimates (longest first: a long run started
 * last keeps one job busy alone at the end); runs in the store first (they only load).
 */
export async function longestFirst(runs: readonly SweepRun[], store: string, jobs: number): Promise<SweepRun[]> {
  const stored = runs.filter((r) => existsSync(runPaths(store, r.key).record));
  const todo = runs.filter((r) => !stored.includes(r));
  if (todo.length === 0) return [...runs];
  const { rows } = await estimateRows(todo.map((r) => ({ label: r.label, config: r.config, doneEpochs: curveEpochs(runPaths(store, r.key).runDir) })), store, (m) => process.stderr.write(m));
  const order = todo.map((run, i) => ({ run, seconds: rows[i].estimate.totalSeconds })).sort((a, b) => b.seconds - a.seconds);
  process.stderr.write(`${todo.length} runs to train, longest first: about ${formatDuration(listSchedule(order.map((o) => o.seconds), jobs) * 1000)} on ${jobs} job${jobs > 1 ? 's' : ''} by the estimates\n`);
  return [...stored, ...order.map((o) => o.run)];
}

/**
 * The run keys of each notebook of `entries` whose entries all have a sweep (an entry without
 * one, a cheap table, waits for the end of --train-first as before). Computed once: building a
 * figure's sweep can load its data's statistics, too slow for readyNotebooks' polling.
 */
export function notebookRunKeys(entries: readonly FigureEntry[], scale: ScalePreset): Map<string, string[]> {
  const byNotebook = new Map<string, string[]>();
  for (const nb of notebooksOf(entries)) {
    const own = entries.filter((e) => e.notebook === nb);
    if (own.every((e) => e.sweep)) byNotebook.set(nb, own.flatMap((e) => sweepRuns(e.sweep!(scale)).map((r) => r.key)));
  }
  return byNotebook;
}

/**
 * The notebooks of `keys` (notebookRunKeys) not in `started` whose runs all have their record in
 * the store: --train-first makes these while its sweep trains the rest, so a session that ends
 * mid-sweep keeps every figure whose runs had finished.
 */
export function readyNotebooks(keys: ReadonlyMap<string, readonly string[]>, store: string, started: ReadonlySet<string>): string[] {
  return [...keys].filter(([nb, runKeys]) => !started.has(nb) && runKeys.length > 0 && runKeys.every((k) => existsSync(runPaths(store, k).record))).map(([nb]) => nb);
}

/** How often --train-first looks for figures whose runs are all done. */
const READY_POLL_MS = 20_000;

/**
 * --train-first: every selected figure's runs as one sweep (lsrm sweep run --manifest, in its own
 * process group like a notebook, so stopping lsrm figures stops it and `nice` reaches it), then
 * the notebooks, whose runs all load. One sweep, longest runs first, keeps every job busy across
 * figures, where figure after figure leaves jobs idle while each figure's longest run finishes.
 * While it trains, a figure whose runs are all done is made at once (readyNotebooks, one notebook
 * at a time, `runNotebook`), so its files exist before the sweep ends. Returns the sweep's exit
 * code and the notebooks already made.
 */
async function trainFirst(entries: readonly FigureEntry[], scale: ScalePreset, values: OptionValues, store: string, jobs: number, runNotebook: (nb: string) => Promise<boolean>): Promise<{ code: number; made: Set<string> }> {
  const made = new Set<string>();
  const runs = await longestFirst(unionRuns(entries, scale), store, jobs);
  if (runs.length === 0) return { code: 0, made };
  const manifest = writeManifest(store, runs);
  const figures = entries.filter((e) => e.sweep).length;
  process.stderr.write(`training the ${runs.length} runs of ${figures} figure${figures > 1 ? 's' : ''} first, as one sweep (lsrm sweep status --manifest ${manifest}); a figure whose runs are all done is made while the rest train\n`);
  const args = [...process.execArgv, process.argv[1], 'sweep', 'run', '--manifest', manifest, '--store', store, ...sweepFlagArgs(values)];
  const keys = notebookRunKeys(entries, scale);
  let result: { code: number } | undefined;
  const sweep = runProcessGroup(process.execPath, args, process.env, { onStderr: (t) => process.stderr.write(t) }).then((r) => (result = r));
  while (result === undefined) {
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([sweep, new Promise<void>((done) => (timer = setTimeout(done, READY_POLL_MS)))]);
    clearTimeout(timer);
    if (result !== undefined) break;
    for (const nb of readyNotebooks(keys, store, made)) {
      process.stderr.write(`${nb}: its runs are all done; made now, while the sweep trains the rest\n`);
      made.add(nb);
      await runNotebook(nb);
    }
  }
  if (result.code !== 0) process.stderr.write(`lsrm figures: the runs did not all train (lsrm sweep run exited ${result.code}); the notebooks train what is missing\n`);
  return { code: result.code, made };
}

/** Executes notebooks one at a time into one temp folder (or in place), counting failures. */
function notebookRunner(scale: string, inPlace: boolean, sweep: SweepOptions): { run(nb: string): Promise<boolean>; summary(total: number): number } {
  const root = projectRoot();
  const tmp = inPlace ? undefined : mkdtempSync(join(tmpdir(), 'lsrm-figures-'));
  const progress = join(mkdtempSync(join(tmpdir(), 'lsrm-progress-')), 'progress.log');
  let failed = 0;
  return {
    async run(nb) {
      process.stderr.write(`${nb} (scale ${scale}) ...\n`);
      const path = join(root, nb);
      const cellTimeoutSec = scale === 'smoke' ? undefined : LONG_CELL_SEC;
      const env = { ...notebookEnv(scale, sweep), LSRM_PROGRESS_FILE: progress };
      const run = await following(progress, process.stderr, () => executeNotebook(path, { env, outDir: inPlace ? dirname(path) : tmp, cellTimeoutSec }));
      process.stderr.write(run.ok ? `${nb}: ok, ${(run.wallMs / 1000).toFixed(1)} s\n` : `${nb}: FAILED\n${formatCellError(run)}\n`);
      if (!run.ok) failed++;
      return run.ok;
    },
    summary(total) {
      const out = relative(process.cwd(), figuresDirFor(scale)) || '.';
      process.stdout.write(`${total - failed}/${total} notebooks ran; figures in ${out}${tmp ? `; executed copies in ${tmp}` : ''}\n`);
      if (sweep.executor === 'slurm' && sweep.wait === false) {
        process.stdout.write('--no-wait: figures whose runs are still on Slurm were not made (their notebooks say where to follow the jobs); run the same command again once they are done\n');
      }
      return failed === 0 ? 0 : 1;
    },
  };
}

export const figuresCommand: Command = {
  name: 'figures',
  summary: 'regenerate figures/ by executing the notebooks headless at a scale',
  usage: `usage: lsrm figures [--scale smoke|cpu|paper] [--only <id,id,...>] [--in-place] [--list] [--dry-run] [--train-first]
                    [--jobs N] [--executor local|slurm] [slurm options]

Executes each figure's notebook (notebooks/*.ipynb) headless with the tslab kernel and
LSRM_SCALE=<scale>; the notebooks write figures/<id>.{png,html} (tables also .csv, .md) at the
cpu scale, figures/<scale>/<id>.* at the others (git-ignored). Unchanged files are left untouched.
  --scale     scale preset (default cpu; smoke takes seconds, paper needs a GPU)
  --only      only these figure ids (see --list)
  --in-place  also store the executed notebooks, with outputs, over notebooks/*.ipynb
  --list      list the figure ids and their notebooks
  --train-first  train the runs of every selected figure as one sweep before any notebook (no
              job idles while one figure's longest run finishes; the notebooks then load them);
              a figure whose runs are all done is made at once, while the sweep trains the rest
  --dry-run   train and run nothing: per figure, its runs in the store, shared with an earlier
              figure and to train, each with its time and memory (lsrm sweep run --dry-run's
              estimate; a stopped run counts only its remaining epochs), the total wall time on
              --jobs, and which figures exceed the ~2 h a cpu-scale figure should take
The runs behind a figure are a sweep, run before its table is built:
  --jobs N        local trainings at once (default 1: in the notebook's kernel; 2 or more: child
                  processes, a line per change of a run's state)
  --executor E    local (default) or slurm: one job array per figure, followed until done, then
                  the figure is built (the store must be on a file system every node sees)
  slurm options   --partition P  --time T  --mem M  --cpus-per-task C  --gpus G  --max-parallel K
                  --sbatch-arg ARG (repeatable)  --no-wait (submit and return; run again when done)
These reach the notebooks as LSRM_JOBS, LSRM_EXECUTOR, LSRM_SLURM_*; the store is runs/ or
$LSRM_RUNS_DIR, or --store DIR. Cells at the cpu and paper scales have no time limit (smoke: 20 minutes).
Needs Jupyter: apt-get install jupyter-nbconvert python3-nbclient python3-ipython
and, for PNGs, Chromium (apt-get install chromium, or CHROME_PATH).`,
  options: {
    ...SWEEP_FLAGS,
    scale: { type: 'string' },
    only: { type: 'string' },
    'in-place': { type: 'boolean' },
    list: { type: 'boolean' },
    'dry-run': { type: 'boolean' },
    'train-first': { type: 'boolean' },
    store: { type: 'string' },
  },
  async run(values) {
    useStore(stringOption(values, 'store'));
    const entries = selectFigures(stringOption(values, 'only'));
    if (values.list) {
      for (const e of entries) process.stdout.write(`${e.id.padEnd(28)} ${e.notebook}  ${e.title}\n`);
      return 0;
    }
    const scale = stringOption(values, 'scale', 'cpu')!;
    try {
      getScale(scale);
    } catch (err) {
      throw new UsageError((err as Error).message);
    }
    const sweep = sweepOptionsOf(values);
    if (values['dry-run']) return dryRun(entries, getScale(scale), resolve(runsDir()), sweep.jobs ?? 1);
    if (values['train-first'] && sweep.executor === 'slurm' && sweep.wait === false) throw new UsageError('--train-first waits for its sweep: drop --no-wait, or drop --train-first');
    const missing = jupyterMissing();
    if (missing) {
      process.stderr.write(`lsrm figures: cannot run notebooks: ${missing}\n`);
      return 1;
    }
    const stale = staleBuild(projectRoot());
    if (stale) {
      process.stderr.write(`lsrm figures: the notebooks import dist/, which is stale: ${stale}\n`);
      return 1;
    }
    const notebooks = notebooksOf(entries);
    const runner = notebookRunner(scale, values['in-place'] === true, sweep);
    // lsrm sweep run trains on every core when --jobs is not given.
    const made = values['train-first']
      ? (await trainFirst(entries, getScale(scale), values, resolve(runsDir()), sweep.jobs ?? availableParallelism(), (nb) => runner.run(nb))).made
      : new Set<string>();
    for (const nb of notebooks) if (!made.has(nb)) await runner.run(nb);
    return runner.summary(notebooks.length);
  },
};
