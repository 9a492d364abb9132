/**
 * The ladder of runs that Figures 5-9 (paper V, the five hard tasks) evaluate, and what the five
 * figure modules share: the data of a scale, the runs as a sweep, a task evaluated on every run
 * (stored, so a second call loads), seed means, a grid of panels, and the saved files.
 *
 * The paper evaluates its ladder of sizes (Table IV) on each task; so do we, one ladder per data
 * choice (a panel each, as the paper's (a) MovieLens-20M and (b) Amazon):
 * - the scale's Figure 2a data (synthetic:smoke, synthetic:cpu, MovieLens-20M) -> Figure 2a's
 *   runs exactly (FIG_2A_PLANS, fig2aRuns: same configs, same store keys, trained once);
 * - any other data below paper scale (the cpu default adds dataset:ml-100k) -> the same shapes,
 *   trained as Table V's runs until validation NDCG@10 stops improving (table5Train: the paper
 *   trains section V's models "until convergence"; Figure 2a's 2 epochs are ~20 optimizer steps
 *   on ml-100k, inside the 50-step warmup). Its 2x32 and 4x64 rungs are Table V's SASRec and
 *   LSRM_deep runs (seed 0) on that data: the same store keys. At cpu scale these ladders stop at
 *   CONVERGE_CPU_SIZES rungs (1x16 .. 4x64, N 3,072 .. 197K), as Figure 2a's real-data panels
 *   do: on ml-100k the test loss already rises from 2x32 to 4x64 (Table III), so 4x128 and 8x128
 *   would only add sizes past where the data runs out, at ~2.6 and ~4.5 hours of one core at
 *   this machine's pace, more than the figures' whole extra budget. The synthetic ladder keeps
 *   all six sizes (N up to 1.57M). With 2x32, 2x64 and 4x64 being Table V's runs, the ml-100k
 *   ladder trains only 1x16 beyond the tables.
 * - at paper scale every data takes Figure 2a's (Table IV's) epochs.
 * Cold-start (Figure 6) trains its own ladder: the same configs with data.holdOutUsers.
 *
 * Test users (TASK_TEST_USERS): at cpu scale the tasks that evaluate the split's test users see a
 * seeded sample of 5,000 of them (seed 0, the same users for every run and figure). Full ranking
 * costs ~2·N·T FLOP per user and pass; synthetic:cpu's 25,000 users over the six sizes
 * (N 3,072 .. 1.57M, T 50) are ~6.7 TFLOP a pass, ~5 min of one core, and Figures 5, 7, 8 and 9
 * take 1 + 1 + 4 + 10 passes: 80 min for all users by the cost model. Measured on 5,000 users
 * (wasm, one process, load 6-10): a pass takes 4.4 s for 1x16, 13.3 s for 2x64, 56 s for 8x128,
 * ~2 min for the ladder; Figure 9's ten passes with generation 48 s, 150 s and 464 s. The NDCG@10
 * of 5,000 users has a standard error of about 0.004 at NDCG@10 0.2. ml-100k's 943 users are all
 * evaluated; cold-start always evaluates every held-out user.
 *
 * Task results are stored per run in <store>/task-<name>/<key>.json (runOrLoad, keyed by the
 * task, its version, its options, the test-user sample and the run's store key): a second produce
 * reads them without loading a model. Bump a task's version when its evaluation changes.
 */
import type { Interactions, LeaveOneOutSplit, Sequences } from '../data/types';
import { loadSource } from '../data/load';
import { prepareData } from '../data/pipeline';
import { sampleSortedIndices } from '../data/subsample';
import { nonEmbeddingParams } from '../models/params';
import { initBackend } from '../ops/backend';
import { trainableSplit, type DataSpec } from '../runs/build';
import { loadRun, normalizeRunConfig, type LoadedRun, type RunConfig } from '../runs/run';
import { trainInStore, type TrainInStoreOptions } from '../runs/in-store';
import { runOrLoad, type Json } from '../runs/store';
import { sweepRunOf, type SweepRun } from '../sweep/spec';
import type { HoldOutSpec } from '../tasks/cold-start';
import type { TrainConfig } from '../train/train-config';
import type { SavedFiles } from '../plot/save';
import { formatMeanHalfWidth, type Cell, type Column, type Row } from '../plot/table';
import { themedLayout, type AxisOptions, type Figure, type Layout, type Trace } from '../plot/theme';
import { stableStringify } from '../util/hash';
import { makeRng } from '../util/rng';
import { meanInterval } from '../util/stats';
import { fig2aRuns, FIG_2A_PLANS } from './fig-2a';
import { runFigureSweep, saveFigureOutput, type ArtefactBase, type PendingOutput, type ProduceOptions } from './figure';
import { TABLE_PRESETS, tableData, type DataPick } from './presets';
import type { DataChoice, LadderRung, ScaleName, ScalePreset } from './scale';
import { checkSeeds, CONFIDENCE, halfWidthKey, seedNote } from './seeds';
import { table5Train } from './table-5';

/** How the rungs of a ladder train: Figure 2a's fixed epochs, or until convergence with these settings. */
export type TaskBudget = { readonly kind: 'fig-2a' } | { readonly kind: 'converge'; readonly train: Partial<TrainConfig> };

/** One ladder: the sizes trained on one data choice. */
export interface TaskLadder {
  readonly data: DataChoice;
  readonly ladder: readonly LadderRung[];
  readonly seeds: readonly number[];
  readonly budget: TaskBudget;
  /** Users left out of training (cold-start); absent = none. */
  readonly holdOutUsers?: HoldOutSpec;
}

/** The data choices of the task figures per scale (a panel each). */
export const TASK_DATA: Readonly<Record<ScaleName, readonly DataPick[]>> = {
  smoke: ['synthetic:smoke'],
  cpu: ['synthetic:cpu', 'dataset:ml-100k'],
  paper: [{ spec: 'dataset:ml-20m', core: 5 }, { spec: 'dataset:amazon-2018', core: 30 }],
};

/** A list of data picks, or one list per scale (a scale not named keeps TASK_DATA). */
export type TaskDataPicks = readonly DataPick[] | Partial<Readonly<Record<ScaleName, readonly DataPick[]>>>;

/**
 * The data of the task figures at a scale: LSRM_DATA (with LSRM_CORE) alone when set, else
 * `choice` (a list, or a list per scale), else TASK_DATA. Each pick is resolved as tableData does
 * (a dataset name, never a path).
 * @example taskData(SCALES.cpu, undefined, {}).map((d) => d.spec) // ['synthetic:cpu', 'dataset:ml-100k']
 */
export function taskData(scale: ScalePreset, choice?: TaskDataPicks, env: Readonly<Record<string, string | undefined>> = process.env): DataChoice[] {
  if (env.LSRM_DATA?.trim()) return [tableData(scale, undefined, env)];
  const picks = choice === undefined ? TASK_DATA[scale.name] : Array.isArray(choice) ? choice : (choice as Partial<Record<ScaleName, readonly DataPick[]>>)[scale.name] ?? TASK_DATA[scale.name];
  if (picks.length === 0) throw new Error(`task figures: the data list for scale ${scale.name} is empty; name at least one data source, e.g. 'dataset:ml-100k'`);
  const data = picks.map((p) => tableData(scale, p, {}));
  return data.map((d) => (d.spec === FIG_2A_PLANS[scale.name].data.spec && d.core === FIG_2A_PLANS[scale.name].data.core ? FIG_2A_PLANS[scale.name].data : d));
}

/** Rungs (smallest first) of Figure 2a's ladder a converge ladder trains at cpu scale (see the header). */
export const CONVERGE_CPU_SIZES = 4;

/** The ladder of one data choice at a scale (see the header for the budget rule). */
export function taskLadder(scale: ScalePreset, data: DataChoice): TaskLadder {
  const plan = FIG_2A_PLANS[scale.name];
  const isFig2a = scale.name === 'paper' || (data.spec === plan.data.spec && data.core === plan.data.core);
  if (isFig2a) return { data, ladder: plan.ladder, seeds: plan.seeds, budget: { kind: 'fig-2a' } };
  const ladder = scale.name === 'cpu' ? plan.ladder.slice(0, CONVERGE_CPU_SIZES) : plan.ladder;
  return { data, ladder, seeds: plan.seeds, budget: { kind: 'converge', train: table5Train(TABLE_PRESETS[scale.name]) } };
}

/** One run of a ladder. */
export interface TaskRun {
  readonly data: DataChoice;
  readonly rung: LadderRung;
  readonly params: number;
  readonly seed: number;
  readonly config: RunConfig;
}

/** The runs of a ladder, smallest size first, seeds fastest. */
export function ladderRuns(scale: ScalePreset, t: TaskLadder): TaskRun[] {
  checkSeeds(t.seeds);
  const configs = t.budget.kind === 'fig-2a'
    ? fig2aRuns(scale, { data: t.data, ladder: t.ladder, holdout: 0, seeds: t.seeds }).map((r) => r.config)
    : t.ladder.flatMap((r) => t.seeds.map((seed) => normalizeRunConfig({
      data: { source: t.data.spec, core: t.data.core },
      model: { kind: 'lsrm', numLayers: r.numLayers, dim: r.dim, numHeads: r.numHeads, maxLen: scale.maxLen },
      train: { ...(t.budget as { train: Partial<TrainConfig> }).train, seed },
    })));
  return configs.map((c, i) => {
    const rung = t.ladder[Math.floor(i / t.seeds.length)];
    const config = t.holdOutUsers ? { ...c, data: { ...c.data, holdOutUsers: { ...t.holdOutUsers } } } : c;
    return { data: t.data, rung, params: nonEmbeddingParams(rung.numLayers, rung.dim), seed: t.seeds[i % t.seeds.length], config };
  });
}

/** Every ladder's runs as one sweep, largest first (the longest run starts at once), labelled '<name> 2x32 ml-100k seed 0'. */
export function ladderSweep(scale: ScalePreset, ladders: readonly TaskLadder[], name: string): SweepRun[] {
  const runs = ladders.flatMap((t) => ladderRuns(scale, t)).sort((a, b) => b.params - a.params);
  return runs.map((r) => sweepRunOf(r.config, `${name} ${r.rung.numLayers}x${r.rung.dim} ${r.data.label} seed ${r.seed}`));
}

/** A task as the figures evaluate it on one loaded run. */
export interface TaskEval<M> {
  /** 'long-tail': the store folder is task-<name>. */
  readonly name: string;
  /** Bump when the evaluation changes (stored results are keyed by it). */
  readonly version: number;
  /** The task options (part of the key). */
  readonly options: Json;
  /** Evaluates the split's test users, so a scale's TASK_TEST_USERS sample applies (cold-start: false). */
  readonly onTestUsers: boolean;
  evaluate(run: LoadedRun, full: () => Promise<Sequences>): Promise<M>;
}

/** One run's task result. */
export interface LadderPoint<M> {
  readonly run: TaskRun;
  readonly runKey: string;
  /** Training wall time (ms, from the store). */
  readonly trainMs: number;
  /** Task evaluation wall time (ms, from its stored record). */
  readonly evalMs: number;
  readonly result: M;
}

/** Options of evaluateLadders: the store, a log, and (tests) replaced run pieces. */
export interface LadderOptions extends Pick<ProduceOptions, 'runsDir' | 'log'> {
  readonly deps?: TrainInStoreOptions['deps'];
}

/** At most this many test users per evaluation at a scale (null: all; see the header). */
export const TASK_TEST_USERS: Readonly<Record<ScaleName, number | null>> = { smoke: null, cpu: 5000, paper: null };

/**
 * The split with only a seeded sample of `maxUsers` of its test users keeping their test target
 * (the others' test[u] = 0, so evaluations skip them); the split itself when it has no more.
 * Train parts and validation targets are untouched (item popularity, histories).
 * @example sampleTestUsers(split, 5000, 0).test.filter((t) => t > 0).length // 5000 (or fewer when the split has fewer)
 */
export function sampleTestUsers(split: LeaveOneOutSplit, maxUsers: number | null, seed: number): LeaveOneOutSplit {
  const users: number[] = [];
  split.test.forEach((t, u) => t !== 0 && users.push(u));
  if (maxUsers === null || users.length <= maxUsers) return split;
  const test = new Int32Array(split.test.length);
  for (const j of sampleSortedIndices(users.length, maxUsers, makeRng(seed))) test[users[j]] = split.test[users[j]];
  return { ...split, test };
}

/** Data loaded once per produce: a source's interactions, each data spec's split and whole sequences. */
function dataCache(): { split(d: DataSpec): Promise<LeaveOneOutSplit>; full(d: DataSpec): Promise<Sequences> } {
  const sources = new Map<string, Promise<Interactions>>();
  const memo = new Map<string, Promise<unknown>>();
  const source = (s: string) => sources.get(s) ?? sources.set(s, loadSource(s, { progress: false }).then((r) => r.interactions)).get(s)!;
  const once = <T>(key: string, f: () => Promise<T>): Promise<T> => (memo.get(key) ?? memo.set(key, f()).get(key)!) as Promise<T>;
  return {
    split: (d) => once(`split ${stableStringify(d)}`, async () => trainableSplit(await source(d.source), d)),
    full: (d) => once(`full ${d.source} ${d.core}`, async () => prepareData({ interactions: await source(d.source), core: d.core }).sequences),
  };
}

/**
 * Evaluate `task` on every run of the ladders (trained already: the sweep ran), loading each
 * stored result or computing and storing it.
 * @throws DataError from the store or the run (e.g. a run not in the store)
 */
export async function evaluateLadders<M>(task: TaskEval<M>, scale: ScalePreset, ladders: readonly TaskLadder[], opts: LadderOptions = {}): Promise<LadderPoint<M>[]> {
  const cache = dataCache();
  const out: LadderPoint<M>[] = [];
  for (const run of ladders.flatMap((t) => ladderRuns(scale, t))) {
    const stored = await trainInStore(run.config, { dir: opts.runsDir, deps: opts.deps });
    const testUsers = task.onTestUsers ? TASK_TEST_USERS[scale.name] : null;
    const key = { task: task.name, version: task.version, options: task.options, testUsers, run: stored.runKey };
    const rec = await runOrLoad<typeof key, M>(`task-${task.name}`, key, async () => {
      await initBackend();
      const prepare = opts.deps?.prepare ?? cache.split;
      const loaded = await loadRun(stored.runDir, { ...opts.deps, prepare }, { log: opts.log });
      try {
        const split = sampleTestUsers(loaded.split, testUsers, 0);
        return { metrics: await task.evaluate({ ...loaded, split }, () => cache.full(run.config.data)) };
      } finally {
        loaded.model.dispose();
      }
    }, { dir: opts.runsDir, log: opts.log });
    out.push({ run, runKey: stored.runKey, trainMs: stored.metrics.trainMs, evalMs: rec.meta.wallMs, result: rec.metrics });
  }
  return out;
}

/** Options of the task figures' produce. */
export interface TaskFigureOptions extends ProduceOptions {
  /** The data choices, a panel each (default taskData(scale): LSRM_DATA, else TASK_DATA). */
  readonly data?: readonly DataChoice[];
  /** Replace the ladders altogether (tests: a shorter ladder). */
  readonly ladders?: readonly TaskLadder[];
  /** Replace pieces of the runs (tests). */
  readonly deps?: TrainInStoreOptions['deps'];
  /** Per-epoch report of runs trained in this process. */
  readonly onEpoch?: TrainInStoreOptions['onEpoch'];
}

/**
 * Train the ladders through the sweep (opts.sweep), then evaluate `task` on every run.
 * @returns the points, or a PendingOutput when the runs went to Slurm without waiting
 */
export async function ladderPoints<M>(id: string, name: string, scale: ScalePreset, task: TaskEval<M>, ladders: readonly TaskLadder[],
  opts: TaskFigureOptions): Promise<LadderPoint<M>[] | PendingOutput> {
  const { data: _data, ...sweepOpts } = opts;
  const pending = await runFigureSweep(id, ladderSweep(scale, ladders, name), sweepOpts);
  return pending ?? evaluateLadders(task, scale, ladders, opts);
}

/** The fields every task row starts with: the data, the size and the seed (null on a mean row). */
export interface SizeFields {
  readonly data: string;
  readonly params: number;
  readonly numLayers: number;
  readonly dim: number;
  readonly seed: number | null;
}

/** The leading fields of a point's rows. */
export function sizeFields(p: LadderPoint<unknown>): SizeFields {
  return { data: p.run.data.label, params: p.run.params, numLayers: p.run.rung.numLayers, dim: p.run.rung.dim, seed: p.run.seed };
}

/** A value column: `digits` decimals, 'mean ± half-width' on mean rows, '' for null. */
export function metricFormat(key: string, digits: number): (v: Cell, row?: Row) => string {
  return formatMeanHalfWidth(halfWidthKey(key), digits);
}

/**
 * A signed percent with one decimal, '' (or `missing`) for null.
 * @example signedPct(12.34) // '+12.3%'
 */
export function signedPct(v: Cell, missing = ''): string {
  return typeof v === 'number' ? `${v >= 0 ? '+' : ''}${v.toFixed(1)}%` : missing;
}

/** The leading columns of every task table. */
export const SIZE_COLUMNS: readonly Column[] = [
  { key: 'data', label: 'Data' },
  { key: 'params', label: 'N (non-emb)' },
  { key: 'numLayers', label: 'n_layer' },
  { key: 'dim', label: 'd_model' },
  { key: 'seed', label: 'Seed', format: (v, row) => (typeof v === 'number' ? String(v) : typeof row?.seeds === 'number' ? `mean of ${row.seeds}` : '') },
];

/**
 * Rows with, after each group of rows equal in `keys` (seed aside) that holds several seeds, one
 * mean row (seed null, `seeds` = n): each of `values` averaged, with the half-width of its 95%
 * t-interval under halfWidthKey(key); a value is null on the mean row when any seed's is null.
 * @example withSeedMeans([{ g: 'a', seed: 0, v: 1 }, { g: 'a', seed: 1, v: 3 }], ['g'], ['v']) // + { g: 'a', seed: null, v: 2, vHw: 12.706, seeds: 2 }
 */
export function withSeedMeans<R extends Row & { seed: number | null }>(rows: readonly R[], keys: readonly string[], values: readonly string[]): R[] {
  const groups = new Map<string, R[]>();
  for (const r of rows) {
    const id = JSON.stringify(keys.map((k) => r[k] ?? null));
    groups.set(id, [...(groups.get(id) ?? []), r]);
  }
  return [...groups.values()].flatMap((g) => {
    if (g.length < 2) return g;
    const mean: Record<string, unknown> = { ...g[0], seed: null, seeds: g.length };
    for (const v of values) {
      const xs = g.map((r) => r[v]);
      const isComplete = xs.every((x): x is number => typeof x === 'number');
      const m = isComplete ? meanInterval(xs, CONFIDENCE) : undefined;
      mean[v] = m ? m.mean : null;
      if (m?.halfWidth !== undefined) mean[halfWidthKey(v)] = m.halfWidth;
    }
    return [...g, mean as R];
  });
}

/**
 * The rows a figure draws: per group of rows equal in `keys`, its mean row when there is one,
 * else its single seed's row; in first-seen order.
 */
export function drawnRows<R extends Row & { seed: number | null }>(rows: readonly R[], keys: readonly string[]): R[] {
  const groups = new Map<string, R[]>();
  for (const r of rows) {
    const id = JSON.stringify(keys.map((k) => r[k] ?? null));
    groups.set(id, [...(groups.get(id) ?? []), r]);
  }
  return [...groups.values()].map((g) => g.find((r) => r.seed === null) ?? g[0]);
}

/** Plotly error bars from the half-widths of `key` on mean rows (none when no row has one). */
export function errorBars(rows: readonly Row[], key: string): Trace {
  const hw = rows.map((r) => r[halfWidthKey(key)]);
  return hw.some((h) => typeof h === 'number') ? { error_y: { type: 'data', array: hw.map((h) => (typeof h === 'number' ? h : 0)), visible: true } } : {};
}

/** One panel of a grid: its axes, title and traces (axis references are filled in by gridFigure). */
export interface Panel {
  readonly title: string;
  readonly x: AxisOptions;
  readonly y: AxisOptions;
  readonly traces: readonly Trace[];
  /** Traces on a second pair of axes over the panel (hidden x, right y), e.g. a popularity curve. */
  readonly overlay?: { readonly x: AxisOptions; readonly y: AxisOptions; readonly traces: readonly Trace[] };
}

const ref = (axis: 'x' | 'y', i: number): string => (i === 1 ? axis : `${axis}${i}`);
const key = (axis: 'x' | 'y', i: number): string => (i === 1 ? `${axis}axis` : `${axis}axis${i}`);

/**
 * Panels in rows (panels[r][c]) as one plotly figure: axes x1..xn row by row, overlay axes after
 * them, a title above each panel, category x axes where the traces' x are labels; a trace name
 * shown once in the legend (below the panels; later traces of that name grouped with it).
 */
export function gridFigure(title: string, panels: readonly (readonly Panel[])[], size: { width?: number; rowHeight?: number } = {}): Figure {
  const rows = panels.length;
  const cols = Math.max(...panels.map((p) => p.length));
  const margin = { l: 70, r: 70, t: 100, b: 160 };
  const height = margin.t + margin.b + (size.rowHeight ?? 400) * rows;
  const plotHeight = height - margin.t - margin.b;
  const width = size.width ?? Math.max(960, 600 * cols);
  const plotWidth = width - margin.l - margin.r;
  const base = themedLayout({ title, width, height });
  const legend = { ...(base.legend as object), orientation: 'h', x: 0, y: -100 / plotHeight, yanchor: 'top' };
  const layout: Layout = { ...base, margin, legend, annotations: [] as unknown[] };
  const data: Trace[] = [];
  const named = new Set<string>();
  const place = (t: Trace, i: number): Trace => {
    const name = String(t.name ?? '');
    const isRepeat = named.has(name) || t.showlegend === false;
    named.add(name);
    return { ...t, xaxis: ref('x', i), yaxis: ref('y', i), legendgroup: name, ...(isRepeat ? { showlegend: false } : {}) };
  };
  let next = rows * cols + 1;
  panels.forEach((row, r) => row.forEach((p, c) => {
    const i = r * cols + c + 1;
    // 80 px left of each panel but the first (the next panel's y axis), 90 px right of a panel with a right axis
    const xd = [c / cols + (c === 0 ? 0 : 80 / plotWidth), (c + 1) / cols - (c === cols - 1 ? 0 : p.overlay ? 90 / plotWidth : 10 / plotWidth)];
    // 90 px under each panel (tick labels, axis title), 40 px above it (its title)
    const yd = [1 - (r + 1) / rows + (r === rows - 1 ? 0 : 90 / plotHeight), 1 - r / rows - (r === 0 ? 0 : 40 / plotHeight)];
    const styled = themedLayout({ x: p.x, y: p.y });
    const isCategory = p.traces.some((t) => Array.isArray(t.x) && typeof t.x[0] === 'string');
    layout[key('x', i)] = { ...(styled.xaxis as object), domain: xd, anchor: ref('y', i), ...(isCategory ? { type: 'category' } : {}) };
    layout[key('y', i)] = { ...(styled.yaxis as object), domain: yd, anchor: ref('x', i) };
    (layout.annotations as unknown[]).push({ text: `<b>${p.title}</b>`, xref: 'paper', yref: 'paper', x: (xd[0] + xd[1]) / 2, y: yd[1] + 8 / plotHeight, xanchor: 'center', yanchor: 'bottom', showarrow: false });
    data.push(...p.traces.map((t) => place(t, i)));
    if (p.overlay) {
      const o = themedLayout({ x: p.overlay.x, y: p.overlay.y });
      const j = next++;
      // The overlay's x axis is hidden (its range aligns it with the panel); its y axis is on the right.
      layout[key('x', j)] = { ...(o.xaxis as object), overlaying: ref('x', i), anchor: ref('y', i), visible: false };
      layout[key('y', j)] = { ...(o.yaxis as object), overlaying: ref('y', i), side: 'right', anchor: ref('x', i), showgrid: false, ...(p.overlay.y.type === 'log' ? { dtick: 1 } : {}) };
      data.push(...p.overlay.traces.map((t) => ({ ...place(t, i), xaxis: ref('x', j), yaxis: ref('y', j) })));
    }
  }));
  return { data, layout };
}

/** The fields every task artefact holds (issue 11: scale, data, seeds, run keys, wall time). */
export interface TaskArtefactBase extends ArtefactBase<readonly string[]> {
  /** Task evaluation wall time, summed (seconds; from the stored task records). */
  readonly evalSeconds: number;
  /** Test users evaluated per run: a seeded sample of this many (TASK_TEST_USERS), or null for all. */
  readonly testUsers: number | null;
  /** How each ladder trained. */
  readonly ladders: readonly { readonly data: string; readonly sizes: readonly string[]; readonly budget: TaskBudget; readonly holdOutUsers?: HoldOutSpec }[];
}

/** The artefact fields of some evaluated ladders. */
export function artefactBase(id: string, scale: ScalePreset, ladders: readonly TaskLadder[], points: readonly LadderPoint<unknown>[], task: Pick<TaskEval<unknown>, 'onTestUsers'>): TaskArtefactBase {
  const sec = (ms: number) => Math.round(ms / 100) / 10;
  return {
    id, scale: scale.name, data: ladders.map((t) => t.data.spec), seeds: [...new Set(ladders.flatMap((t) => t.seeds))],
    runs: points.map((p) => p.runKey), wallSeconds: sec(points.reduce((s, p) => s + p.trainMs, 0)), evalSeconds: sec(points.reduce((s, p) => s + p.evalMs, 0)),
    testUsers: task.onTestUsers ? TASK_TEST_USERS[scale.name] : null,
    ladders: ladders.map((t) => ({ data: t.data.spec, sizes: t.ladder.map((r) => `${r.numLayers}x${r.dim}`), budget: t.budget, ...(t.holdOutUsers ? { holdOutUsers: t.holdOutUsers } : {}) })),
  };
}

/**
 * Save a task figure: <id>.{html,png} (the figure), .csv and .md (the rows; the note says which
 * test users and seeds), .json (the artefact) and .plotly.json (the plotly spec, which saveFigure
 * writes as <id>.json: moved aside).
 */
export async function saveTaskFigure(fig: Figure, rows: readonly Row[], columns: readonly Column[], artefact: TaskArtefactBase, dir: string,
  opts: { readonly png?: boolean; readonly note: string }): Promise<SavedFiles> {
  const note = `${opts.note} ${testUsersNote(artefact)} ${seedNote(artefact.seeds)}`;
  return saveFigureOutput(fig, artefact.id, { rows, columns, note }, artefact, dir, { png: opts.png });
}

/** The table-note sentence on which test users were evaluated. */
export function testUsersNote(a: Pick<TaskArtefactBase, 'testUsers'>): string {
  return a.testUsers === null ? 'Every test user evaluated.' : `At most ${a.testUsers.toLocaleString('en-US')} test users per run: a seeded sample (seed 0), the same for every run.`;
}

/** '2x32' or '2x32 (N 24,576)'. */
export function sizeName(r: { readonly numLayers: number; readonly dim: number; readonly params?: number }, withN = false): string {
  return `${r.numLayers}x${r.dim}${withN && r.params !== undefined ? ` (N ${r.params.toLocaleString('en-US')})` : ''}`;
}

/** Round to 4 decimals for JSON artefacts (stable bytes); null stays null. */
export function r4(v: number | null | undefined): number | null {
  return typeof v === 'number' && Number.isFinite(v) ? Number(v.toFixed(4)) : null;
}
