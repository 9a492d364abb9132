/**
 * Figure 5 (paper V-B): long-tail item recommendation. Items sorted by popularity (occurrences in
 * the training part of the split) fall into four equal-sized groups, G1 the most popular; each
 * test user falls in the group of its test item (lib/tasks/long-tail.ts states every choice). Per
 * group and model size: users, HR@10, NDCG@10 (bars), with the popularity curve (count against
 * rank, log scale) drawn over them; and the ratio largest / smallest model per group.
 *
 * The paper (ML-20M): the 48-layer model beats the 2-layer one in every group, by 2x in G1 and 3x
 * in G4: the gap grows toward the tail. The findings below test both on the measured numbers.
 *
 * Runs: the task ladder (task-ladder.ts: Figure 2a's runs on its data, Table V-style runs on
 * ml-100k); one full-ranking evaluation per run, stored in <store>/task-long-tail/.
 */
import { longTail, LONG_TAIL_DEFAULTS } from '../tasks/long-tail';
import { figuresDirFor } from '../plot/save';
import type { Column, Row } from '../plot/table';
import { barTrace, lineTrace } from '../plot/traces';
import type { Figure, Trace } from '../plot/theme';
import type { FigureEntry, FigureOutput, PendingOutput, WaitingSweep } from './figure';
import {
  artefactBase, drawnRows, errorBars, gridFigure, ladderPoints, ladderSweep, r4, saveTaskFigure, sizeFields, sizeName, SIZE_COLUMNS,
  metricFormat, taskData, taskLadder, withSeedMeans, type LadderPoint, type Panel, type SizeFields, type TaskArtefactBase, type TaskEval, type TaskFigureOptions,
} from './task-ladder';
import type { ScalePreset } from './scale';

/** What one run's evaluation stores: the groups and the popularity curve (count by rank, most popular first). */
export interface LongTailPoint {
  readonly groups: readonly { readonly group: string; readonly items: number; readonly users: number; readonly minPopularity: number; readonly maxPopularity: number; readonly 'HR@10': number | null; readonly 'NDCG@10': number | null }[];
  readonly curve: readonly number[];
}

/** The task as the figure runs it: 4 groups, HR@10 and NDCG@10, ties by original id. */
export const LONG_TAIL_EVAL: TaskEval<LongTailPoint> = {
  name: 'long-tail',
  version: 1,
  onTestUsers: true,
  options: { ...LONG_TAIL_DEFAULTS, ks: [10] },
  async evaluate(run) {
    const r = await longTail(run.model, run.split, { ...LONG_TAIL_DEFAULTS, ks: [10] });
    const groups = r.groups.map(({ metrics, ...g }) => ({ ...g, 'HR@10': metrics['HR@10'], 'NDCG@10': metrics['NDCG@10'] }));
    return { groups, curve: Array.from(r.popularityCurve) };
  },
};

/** One group of one size and seed (or the mean over seeds). */
export interface Fig5Row extends SizeFields, Row {
  readonly group: string;
  readonly items: number;
  readonly users: number;
  readonly minPopularity: number;
  readonly maxPopularity: number;
  readonly 'HR@10': number | null;
  readonly 'NDCG@10': number | null;
  /** NDCG@10 / the smallest size's NDCG@10 (same data, group and seed); null when that is 0 or missing. */
  readonly vsSmallest: number | null;
}

export const FIG_5_COLUMNS: readonly Column[] = [
  ...SIZE_COLUMNS,
  { key: 'group', label: 'Group' },
  { key: 'items', label: 'Items' },
  { key: 'minPopularity', label: 'Min pop.' },
  { key: 'maxPopularity', label: 'Max pop.' },
  { key: 'users', label: 'Test users' },
  { key: 'HR@10', label: 'HR@10', format: metricFormat('HR@10', 4) },
  { key: 'NDCG@10', label: 'NDCG@10', format: metricFormat('NDCG@10', 4) },
  { key: 'vsSmallest', label: 'NDCG@10 / smallest', format: metricFormat('vsSmallest', 3) },
];

/** Divide, or null when either side is missing or the divisor is 0. */
export function ratioOf(value: number | null, base: number | null): number | null {
  return value === null || base === null || base === 0 ? null : value / base;
}

/** Rows per data, size, seed and group, then the mean rows over seeds. */
export function fig5Rows(points: readonly LadderPoint<LongTailPoint>[]): Fig5Row[] {
  const smallest = (p: LadderPoint<LongTailPoint>) => points.filter((q) => q.run.data.spec === p.run.data.spec && q.run.seed === p.run.seed).sort((a, b) => a.run.params - b.run.params)[0];
  const rows = points.flatMap((p) => p.result.groups.map((g, i): Fig5Row => ({
    ...sizeFields(p), ...g, vsSmallest: ratioOf(g['NDCG@10'], smallest(p).result.groups[i]['NDCG@10']),
  })));
  return withSeedMeans(rows, ['data', 'params', 'group'], ['HR@10', 'NDCG@10', 'vsSmallest']);
}

/** What the artefact says per data: each group's largest/smallest ratio and whether the paper's two claims hold. */
export interface Fig5DataSummary {
  readonly data: string;
  readonly smallest: string;
  readonly largest: string;
  readonly groups: readonly { readonly group: string; readonly users: number; readonly smallest: number | null; readonly largest: number | null; readonly ratio: number | null }[];
  /** Groups (with users) where the largest size's NDCG@10 is above the smallest's, and equal to it. */
  readonly largerWins: number;
  readonly ties: number;
  readonly groupsWithUsers: number;
  /** The ratio of the least popular group that has one is above G1's (null: G1 or no later group has a ratio). */
  readonly gapGrows: boolean | null;
}

/** The per-data summary of the drawn rows (mean rows where several seeds). */
export function fig5Summaries(rows: readonly Fig5Row[]): Fig5DataSummary[] {
  const drawn = drawnRows(rows, ['data', 'params', 'group']);
  return [...new Set(drawn.map((r) => r.data))].map((data) => {
    const at = drawn.filter((r) => r.data === data);
    const sizes = [...new Set(at.map((r) => r.params))].sort((a, b) => a - b);
    const of = (n: number) => at.filter((r) => r.params === n);
    const [lo, hi] = [of(sizes[0]), of(sizes[sizes.length - 1])];
    const groups = lo.map((g, i) => ({ group: g.group, users: g.users, smallest: r4(g['NDCG@10']), largest: r4(hi[i]['NDCG@10']), ratio: r4(ratioOf(hi[i]['NDCG@10'], g['NDCG@10'])) }));
    const used = groups.filter((g) => g.users > 0);
    const rated = used.filter((g) => g.ratio !== null);
    const first = rated.length > 1 && rated[0].group === used[0].group ? rated[0].ratio : null;
    const last = rated[rated.length - 1]?.ratio ?? null;
    return {
      data, smallest: sizeName(lo[0]), largest: sizeName(hi[0]), groups,
      largerWins: used.filter((g) => g.largest !== null && g.smallest !== null && g.largest > g.smallest).length,
      ties: used.filter((g) => g.largest !== null && g.largest === g.smallest).length, groupsWithUsers: used.length,
      gapGrows: first === null || last === null ? null : last > first,
    };
  });
}

/** Sentences on what the run shows, computed from the summaries. */
export function fig5Findings(summaries: readonly Fig5DataSummary[]): string[] {
  return summaries.flatMap((s) => {
    const ratios = s.groups.map((g) => `${g.group} ${g.ratio === null ? (g.users === 0 ? 'no test users' : 'n/a') : `${g.ratio.toFixed(2)}x`}`).join(', ');
    const grows = s.gapGrows === null ? 'cannot say whether the gap grows (G1 and a later group need a ratio: a smallest-model NDCG@10 above 0)' : s.gapGrows ? 'the gap grows toward the tail, as in the paper' : 'the gap does not grow toward the tail, unlike the paper';
    return [
      `${s.data}: the largest model (${s.largest}) beats the smallest (${s.smallest}) on NDCG@10 in ${s.largerWins} of ${s.groupsWithUsers} groups with test users` +
        `${s.ties > 0 ? ` (tied in ${s.ties})` : ''}` +
        `${s.largerWins === s.groupsWithUsers ? ' (the paper: in every group)' : ' (the paper: in every group; not reproduced here)'}.`,
      `${s.data}: NDCG@10 largest/smallest per group: ${ratios}; ${grows} (ML-20M: 2x in G1, 3x in G4).`,
    ];
  });
}

/** Every `step`-th rank of the curve (and the last), skipping zero counts (a log axis cannot draw them). */
function curvePoints(curve: readonly number[], maxPoints = 200): { x: number[]; y: number[] } {
  const step = Math.max(1, Math.ceil(curve.length / maxPoints));
  const x: number[] = [];
  const y: number[] = [];
  for (let r = 0; r < curve.length; r += step) if (curve[r] > 0) (x.push(r + 1), y.push(curve[r]));
  if (curve.length > 0 && (curve.length - 1) % step !== 0 && curve[curve.length - 1] > 0) (x.push(curve.length), y.push(curve[curve.length - 1]));
  return { x, y };
}

/** One panel per data: NDCG@10 bars per group and size, the popularity curve on top/right axes (log y). */
export function fig5Figure(title: string, rows: readonly Fig5Row[], curves: ReadonlyMap<string, readonly number[]>, summaries: readonly Fig5DataSummary[]): Figure {
  const drawn = drawnRows(rows, ['data', 'params', 'group']);
  const panels: Panel[] = [...new Set(drawn.map((r) => r.data))].map((data) => {
    const at = drawn.filter((r) => r.data === data);
    const s = summaries.find((x) => x.data === data)!;
    const labels = s.groups.map((g) => `${g.group}<br>${g.ratio === null ? '' : `${g.ratio.toFixed(2)}x`}`);
    const sizes = [...new Set(at.map((r) => r.params))].sort((a, b) => a - b);
    const traces: Trace[] = sizes.map((n, i) => {
      const g = at.filter((r) => r.params === n);
      const y = g.map((r) => r['NDCG@10'] ?? 0);
      const hovertext = g.map((r) => `${r.users} users, HR@10 ${r['HR@10']?.toFixed(4) ?? '-'}`);
      return { ...barTrace({ name: sizeName(g[0]), x: labels, y }, i), hovertext, ...errorBars(g, 'NDCG@10') };
    });
    const curve = curvePoints(curves.get(data) ?? []);
    const line = { ...lineTrace({ name: 'item popularity (by rank)', x: curve.x, y: curve.y }, 7), mode: 'lines', opacity: 0.6 };
    return {
      title: `${data}: NDCG@10 per popularity group (label: ${s.largest}/${s.smallest})`,
      x: { title: 'item popularity group (G1 most popular)' }, y: { title: 'test NDCG@10' }, traces,
      overlay: { x: { title: 'item rank', range: [0, curves.get(data)?.length ?? 1] }, y: { title: 'training occurrences', type: 'log' }, traces: [line] },
    };
  });
  const fig = gridFigure(title, [panels]);
  return { data: fig.data, layout: { ...fig.layout, barmode: 'group' } };
}

/** The artefact JSON. */
export interface Fig5Artefact extends TaskArtefactBase {
  readonly options: typeof LONG_TAIL_EVAL.options;
  readonly summaries: readonly Fig5DataSummary[];
  readonly findings: readonly string[];
  readonly points: readonly Fig5Row[];
}

export interface Fig5Output extends FigureOutput {
  readonly rows: readonly Fig5Row[];
  readonly artefact: Fig5Artefact;
}

export function produceFig5(scale: ScalePreset, opts?: TaskFigureOptions & WaitingSweep): Promise<Fig5Output>;
export function produceFig5(scale: ScalePreset, opts?: TaskFigureOptions): Promise<Fig5Output | PendingOutput>;
/** Train (or load) the ladders, evaluate long-tail on every run (or load), draw and save. */
export async function produceFig5(scale: ScalePreset, opts: TaskFigureOptions = {}): Promise<Fig5Output | PendingOutput> {
  const ladders = opts.ladders ?? (opts.data ?? taskData(scale)).map((d) => taskLadder(scale, d));
  const points = await ladderPoints(FIGURE.id, 'Figure 5', scale, LONG_TAIL_EVAL, ladders, opts);
  if (!Array.isArray(points)) return points;
  const rows = fig5Rows(points);
  const summaries = fig5Summaries(rows);
  const curves = new Map(points.map((p) => [p.run.data.label, p.result.curve]));
  const artefact: Fig5Artefact = { ...artefactBase(FIGURE.id, scale, ladders, points, LONG_TAIL_EVAL), options: LONG_TAIL_EVAL.options, summaries, findings: fig5Findings(summaries), points: rows };
  const figure = fig5Figure(`Figure 5: NDCG@10 per item-popularity group and model size (scale ${scale.name})`, rows, curves, summaries);
  const note = 'Groups: items sorted by training occurrences (ties by original id), four equal-sized groups, G1 most popular; a test user is in the group of its test item. ' +
    'Full ranking over all items. NDCG@10 / smallest: the size\'s NDCG@10 over the smallest size\'s (same data, group, seed).';
  const saved = await saveTaskFigure(figure, rows, FIG_5_COLUMNS, artefact, figuresDirFor(scale.name, opts.figuresRoot), { png: opts.png, note });
  return { kind: 'figure', id: FIGURE.id, figure, saved, rows, artefact };
}

/** Figure 5: long-tail items, on the ladder of sizes. */
export const FIGURE: FigureEntry<TaskFigureOptions, Fig5Output> = {
  id: 'fig-5-long-tail',
  kind: 'figure',
  title: 'Figure 5: HR@10 and NDCG@10 per item-popularity group (G1 most popular) and model size, with the popularity curve',
  paperRef: 'Fig. 5 (Sec. V-B)',
  notebook: 'notebooks/fig-5-long-tail.ipynb',
  isCheap: false,
  produce: produceFig5,
  sweep: (scale, opts = {}) => ladderSweep(scale, opts.ladders ?? (opts.data ?? taskData(scale)).map((d) => taskLadder(scale, d)), 'Figure 5'),
};
