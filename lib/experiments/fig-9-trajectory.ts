/**
 * Figure 9 (paper V-F): user trajectory prediction. The last 10 items of a user are the future
 * trajectory S_f, the items before them the history; the model generates 10 items greedily, each
 * appended to its input, no item repeated within a trajectory, giving S_p (lib/tasks/trajectory.ts).
 * Trajectory Rank TR@k, k = 1..10, equation (4), whose printed summand is garbled; the library
 * offers three readings of its gain at position j:
 *   prefix   (default): 1 when S_p[j] is in S_f[:k], the first k future items;
 *   position:           1 when S_p[j] = S_f[j];
 *   future:             1 when S_p[j] is in S_f, the whole future.
 * One generation per run serves all three (generateTrajectories, then trajectoryRank). Figure 9
 * draws TR@k / TR@1 against k per size, as the paper does: one row for 'prefix', one for
 * 'position'. Under 'prefix' the relevant set grows with k, so the ratio tends to RISE with k;
 * under 'position' it falls with k, the shape of the paper's figure ("the decreased ratio of model
 * performance ... relative to the first position"). The printed ∩ supports 'prefix', the figure's
 * shape 'position'; the CSV also holds 'future'.
 *
 * The paper: as k grows small models decline notably, large ones stay stable. The findings compare
 * TR@10 / TR@1 of the largest and smallest sizes under each reading.
 *
 * Runs: the task ladder (task-ladder.ts); ten full-ranking passes per run (one per generated
 * item) over the users with at least 11 items, stored in <store>/task-trajectory/. Measured on
 * 5,000 sampled users of synthetic:cpu (wasm, one process, load 6-10): 48 s for 1x16, 150 s for
 * 2x64, 464 s for 8x128, ~22 min for the six sizes; the costliest evaluation of Figures 5-9.
 */
import { generateTrajectories, trajectoryCases, trajectoryRank, TRAJECTORY_DEFAULTS, type TrajectoryRelevance } from '../tasks/trajectory';
import { ValidationError } from '../util/errors';
import { figuresDirFor } from '../plot/save';
import type { Column, Row } from '../plot/table';
import { lineTrace } from '../plot/traces';
import type { Figure } from '../plot/theme';
import type { FigureEntry, FigureOutput, PendingOutput, WaitingSweep } from './figure';
import {
  artefactBase, drawnRows, errorBars, gridFigure, ladderPoints, ladderSweep, r4, saveTaskFigure, sizeFields, sizeName, SIZE_COLUMNS,
  metricFormat, taskData, taskLadder, withSeedMeans, type LadderPoint, type Panel, type SizeFields, type TaskArtefactBase, type TaskEval, type TaskFigureOptions,
} from './task-ladder';
import type { ScalePreset } from './scale';

/** The readings stored (every one) and drawn (a row of panels each). */
export const FIG_9_READINGS: readonly TrajectoryRelevance[] = ['prefix', 'position', 'future'];
export const FIG_9_DRAWN: readonly TrajectoryRelevance[] = ['prefix', 'position'];

/** One run's stored result: users, and per reading and k the mean TR@k. */
export interface TrajectoryPoint {
  readonly users: number;
  readonly readings: readonly { readonly reading: TrajectoryRelevance; readonly TR: readonly number[] }[];
}

const OPTIONS = { length: TRAJECTORY_DEFAULTS.length, minHistory: TRAJECTORY_DEFAULTS.minHistory, noRepeat: true, readings: [...FIG_9_READINGS] };

/** The task as the figure runs it: length 10, greedy without repeats, every reading from one generation. */
export const TRAJECTORY_EVAL: TaskEval<TrajectoryPoint> = {
  name: 'trajectory',
  version: 1,
  onTestUsers: true,
  options: OPTIONS,
  async evaluate(run) {
    const cases = trajectoryCases(run.split, OPTIONS.length, OPTIONS.minHistory);
    if (cases.users.length === 0) throw new ValidationError('trajectory length', OPTIONS.length, `short enough that some user has ${OPTIONS.length} + ${OPTIONS.minHistory} items and a test item`);
    const predicted = await generateTrajectories(run.model, run.split.numItems, cases.histories, cases.futures, OPTIONS.length, OPTIONS.noRepeat);
    const readings = FIG_9_READINGS.map((reading) => ({
      reading,
      TR: Array.from({ length: OPTIONS.length }, (_, j) => predicted.reduce((s, p, r) => s + trajectoryRank(p, cases.futures[r], j + 1, reading), 0) / predicted.length),
    }));
    return { users: cases.users.length, readings };
  },
};

/** One reading and k of one size and seed (or the mean over seeds). */
export interface Fig9Row extends SizeFields, Row {
  readonly reading: string;
  readonly k: number;
  readonly users: number;
  readonly TR: number;
  /** TR@k / TR@1 of the same run (null when TR@1 is 0): the y-axis of Figure 9. */
  readonly ratio: number | null;
}

export const FIG_9_COLUMNS: readonly Column[] = [
  ...SIZE_COLUMNS,
  { key: 'reading', label: 'Reading of eq. (4)' },
  { key: 'k', label: 'k' },
  { key: 'users', label: 'Users' },
  { key: 'TR', label: 'TR@k', format: metricFormat('TR', 4) },
  { key: 'ratio', label: 'TR@k / TR@1', format: metricFormat('ratio', 3) },
];

/** Rows per data, size, seed, reading and k, then the mean rows over seeds (the ratio averaged per seed). */
export function fig9Rows(points: readonly LadderPoint<TrajectoryPoint>[]): Fig9Row[] {
  const rows = points.flatMap((p) => p.result.readings.flatMap((r) => r.TR.map((tr, j): Fig9Row => ({
    ...sizeFields(p), reading: r.reading, k: j + 1, users: p.result.users, TR: tr, ratio: r.TR[0] > 0 ? tr / r.TR[0] : null,
  }))));
  return withSeedMeans(rows, ['data', 'params', 'reading', 'k'], ['TR', 'ratio']);
}

/** Per data and drawn reading: TR@1 and TR@L / TR@1 of the smallest and largest size. */
export interface Fig9Summary {
  readonly data: string;
  readonly reading: string;
  readonly users: number;
  readonly length: number;
  readonly smallest: { readonly size: string; readonly TR1: number | null; readonly ratio: number | null };
  readonly largest: { readonly size: string; readonly TR1: number | null; readonly ratio: number | null };
  /** The largest size keeps a larger share of its TR@1 at k = L than the smallest (null: a ratio is missing). */
  readonly largerMoreStable: boolean | null;
}

/** The summaries of the drawn rows. */
export function fig9Summaries(rows: readonly Fig9Row[]): Fig9Summary[] {
  const drawn = drawnRows(rows, ['data', 'params', 'reading', 'k']);
  const length = Math.max(...drawn.map((r) => r.k));
  return [...new Set(drawn.map((r) => r.data))].flatMap((data) => FIG_9_DRAWN.map((reading) => {
    const at = drawn.filter((r) => r.data === data && r.reading === reading);
    const sizes = [...new Set(at.map((r) => r.params))].sort((a, b) => a - b);
    const of = (n: number) => {
      const [first, last] = [at.find((r) => r.params === n && r.k === 1)!, at.find((r) => r.params === n && r.k === length)!];
      return { size: sizeName(first), TR1: r4(first.TR), ratio: r4(last.ratio) };
    };
    const [lo, hi] = [of(sizes[0]), of(sizes[sizes.length - 1])];
    return { data, reading, users: at[0].users, length, smallest: lo, largest: hi, largerMoreStable: lo.ratio === null || hi.ratio === null ? null : hi.ratio > lo.ratio };
  }));
}

/** Sentences on what the run shows, computed from the summaries. */
export function fig9Findings(summaries: readonly Fig9Summary[]): string[] {
  return summaries.map((s) => {
    const trend = (v: number | null) => (v === null ? 'n/a' : v.toFixed(3));
    const shape = s.reading === 'position' ? 'this reading falls with k, like the paper\'s figure' : 'this reading tends to rise with k (the relevant set S_f[:k] grows), unlike the paper\'s falling curves';
    const stable = s.largerMoreStable === null ? 'the ratios cannot be compared (a TR@1 of 0)' :
      s.largerMoreStable ? 'the largest model\'s ratio is the higher, as in the paper (large models hold up as k grows, small ones decline)' :
        'the largest model\'s ratio is not the higher, unlike the paper (large models hold up as k grows, small ones decline)';
    return `${s.data}, ${s.reading} reading (${s.users} users): TR@${s.length}/TR@1 = ${trend(s.smallest.ratio)} for ${s.smallest.size} (TR@1 ${s.smallest.TR1?.toFixed(4) ?? 'n/a'}), ` +
      `${trend(s.largest.ratio)} for ${s.largest.size} (TR@1 ${s.largest.TR1?.toFixed(4) ?? 'n/a'}); ${stable}; ${shape}.`;
  });
}

/** A row of panels per drawn reading: TR@k / TR@1 against k, a line per size. */
export function fig9Figure(title: string, rows: readonly Fig9Row[]): Figure {
  const drawn = drawnRows(rows, ['data', 'params', 'reading', 'k']);
  const datas = [...new Set(drawn.map((r) => r.data))];
  const panel = (data: string, reading: string): Panel => {
    const at = drawn.filter((r) => r.data === data && r.reading === reading);
    const traces = [...new Set(at.map((r) => r.params))].sort((a, b) => a - b).map((n, i) => {
      const g = at.filter((r) => r.params === n).sort((a, b) => a.k - b.k);
      return { ...lineTrace({ name: sizeName(g[0]), x: g.map((r) => r.k), y: g.map((r) => r.ratio ?? NaN), text: g.map((r) => `TR@${r.k} ${r.TR.toFixed(4)}`) }, i), ...errorBars(g, 'ratio') };
    });
    const what = reading === 'position' ? 'gain 1 when S_p[j] = S_f[j]' : reading === 'prefix' ? 'gain 1 when S_p[j] in S_f[:k]' : 'gain 1 when S_p[j] in S_f';
    return { title: `${data}: ${reading} reading (${what})`, x: { title: 'trajectory length k' }, y: { title: 'TR@k / TR@1' }, traces };
  };
  return gridFigure(title, FIG_9_DRAWN.map((reading) => datas.map((d) => panel(d, reading))));
}

/** The artefact JSON. */
export interface Fig9Artefact extends TaskArtefactBase {
  readonly options: typeof OPTIONS;
  readonly summaries: readonly Fig9Summary[];
  readonly findings: readonly string[];
  readonly points: readonly Fig9Row[];
}

export interface Fig9Output extends FigureOutput {
  readonly rows: readonly Fig9Row[];
  readonly artefact: Fig9Artefact;
}

const laddersOf = (scale: ScalePreset, opts: TaskFigureOptions) => opts.ladders ?? (opts.data ?? taskData(scale)).map((d) => taskLadder(scale, d));

export function produceFig9(scale: ScalePreset, opts?: TaskFigureOptions & WaitingSweep): Promise<Fig9Output>;
export function produceFig9(scale: ScalePreset, opts?: TaskFigureOptions): Promise<Fig9Output | PendingOutput>;
/** Train (or load) the ladders, generate and score trajectories on every run (or load), draw and save. */
export async function produceFig9(scale: ScalePreset, opts: TaskFigureOptions = {}): Promise<Fig9Output | PendingOutput> {
  const ladders = laddersOf(scale, opts);
  const points = await ladderPoints(FIGURE.id, 'Figure 9', scale, TRAJECTORY_EVAL, ladders, opts);
  if (!Array.isArray(points)) return points;
  const rows = fig9Rows(points);
  const summaries = fig9Summaries(rows);
  const artefact: Fig9Artefact = { ...artefactBase(FIGURE.id, scale, ladders, points, TRAJECTORY_EVAL), options: OPTIONS, summaries, findings: fig9Findings(summaries), points: rows };
  const figure = fig9Figure(`Figure 9: TR@k / TR@1 of greedily generated trajectories by model size (scale ${scale.name})`, rows);
  const note = 'S_f = the last 10 items of a user, S_p = 10 items generated greedily from the items before them (each fed back, no repeats). ' +
    'TR@k = (1/Z) Σ_{j<=k} gain_j / log2(j+1), Z = Σ_{j<=k} 1/log2(j+1); readings: prefix (S_p[j] in S_f[:k]), position (S_p[j] = S_f[j]), future (S_p[j] in S_f).';
  const saved = await saveTaskFigure(figure, rows, FIG_9_COLUMNS, artefact, figuresDirFor(scale.name, opts.figuresRoot), { png: opts.png, note });
  return { kind: 'figure', id: FIGURE.id, figure, saved, rows, artefact };
}

/** Figure 9: trajectory prediction, on the ladder of sizes. */
export const FIGURE: FigureEntry<TaskFigureOptions, Fig9Output> = {
  id: 'fig-9-trajectory',
  kind: 'figure',
  title: 'Figure 9: TR@k / TR@1 of generated 10-item trajectories per model size, under two readings of equation (4)',
  paperRef: 'Fig. 9 (Sec. V-F)',
  notebook: 'notebooks/fig-9-trajectory.ipynb',
  isCheap: false,
  produce: produceFig9,
  sweep: (scale, opts = {}) => ladderSweep(scale, laddersOf(scale, opts), 'Figure 9'),
};
