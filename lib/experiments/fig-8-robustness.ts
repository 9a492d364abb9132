/**
 * Figure 8 (paper V-E): robustness to noisy inputs. Each item of a test user's model input is
 * perturbed independently with probability p in {0.1, 0.2, 0.3} (seeded): removed or replaced by
 * a uniformly drawn other item, half and half ('mixed'; lib/tasks/robustness.ts states every
 * choice). Percent NDCG@10 degradation against the clean input per size and p; and the paper's
 * observation tested: degradation against the longest run of consecutive perturbed items.
 *
 * The paper: every model degrades, larger ones less; and "the performance of the large-scale model
 * also significantly declines when multiple perturbations occur consecutively". The findings
 * compare the largest and smallest sizes per p, and the largest size's degradation with a longest
 * run of 0-1 against 2 or more at the largest p. Caution (the task's header): a longer run also
 * means more perturbed items; the table gives each group's mean number of perturbed items.
 *
 * Runs: the task ladder (task-ladder.ts); four full-ranking evaluations per run (clean + 3 p),
 * stored in <store>/task-robustness/. Measured on 5,000 sampled users of synthetic:cpu (wasm, one
 * process, load 6-10): 10 s for 1x16, 34 s for 2x64, 155 s for 8x128.
 */
import { robustness, ROBUSTNESS_DEFAULTS } from '../tasks/robustness';
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

/** One group of test users under one p: every user ('all') or those with a given longest perturbed run. */
export interface RobustnessGroup {
  readonly p: number;
  /** 'all', or '0', '1', ..., '4+'. */
  readonly longestRun: string;
  readonly users: number;
  readonly meanPerturbed: number | null;
  readonly clean: number | null;
  readonly noisy: number | null;
  /** 100·(clean − noisy)/clean of NDCG@10 (positive = worse). */
  readonly degradationPct: number | null;
}

/** One run's stored result. */
export interface RobustnessPoint {
  readonly users: number;
  readonly groups: readonly RobustnessGroup[];
}

const OPTIONS = { ...ROBUSTNESS_DEFAULTS, ks: [10] };

/** The task as the figure runs it: p 0.1, 0.2, 0.3, mixed (half removed, half replaced), seed 0, runs 0..3 and 4+. */
export const ROBUSTNESS_EVAL: TaskEval<RobustnessPoint> = {
  name: 'robustness',
  version: 1,
  onTestUsers: true,
  options: { ...OPTIONS, probabilities: [...OPTIONS.probabilities], modes: [...OPTIONS.modes] },
  async evaluate(run) {
    const r = await robustness(run.model, run.split, OPTIONS);
    const clean = r.clean['NDCG@10'];
    const groups: RobustnessGroup[] = r.conditions.flatMap((c) => {
      const runs = r.runs.filter((g) => g.p === c.p && g.mode === c.mode).map((g): RobustnessGroup => ({
        p: g.p, longestRun: g.longestRun, users: g.users, meanPerturbed: g.meanPerturbed, clean: g.clean['NDCG@10'], noisy: g.noisy['NDCG@10'], degradationPct: g.degradation['NDCG@10'],
      }));
      const perturbed = runs.reduce((s, g) => s + g.users * (g.meanPerturbed ?? 0), 0); // every user is in one run group
      const all: RobustnessGroup = { p: c.p, longestRun: 'all', users: r.users, meanPerturbed: perturbed / r.users, clean, noisy: c.noisy['NDCG@10'], degradationPct: c.degradation['NDCG@10'] };
      return [all, ...runs];
    });
    return { users: r.users, groups };
  },
};

/** One group of one size and seed (or the mean over seeds). */
export interface Fig8Row extends SizeFields, RobustnessGroup, Row {}

export const FIG_8_COLUMNS: readonly Column[] = [
  ...SIZE_COLUMNS,
  { key: 'p', label: 'p' },
  { key: 'longestRun', label: 'Longest perturbed run' },
  { key: 'users', label: 'Users' },
  { key: 'meanPerturbed', label: 'Mean perturbed items', format: metricFormat('meanPerturbed', 2) },
  { key: 'clean', label: 'Clean NDCG@10', format: metricFormat('clean', 4) },
  { key: 'noisy', label: 'Noisy NDCG@10', format: metricFormat('noisy', 4) },
  { key: 'degradationPct', label: 'Degradation %', format: metricFormat('degradationPct', 1) },
];

/** Rows per data, size, seed, p and group, then the mean rows over seeds. */
export function fig8Rows(points: readonly LadderPoint<RobustnessPoint>[]): Fig8Row[] {
  const rows = points.flatMap((p) => p.result.groups.map((g): Fig8Row => ({ ...sizeFields(p), ...g })));
  return withSeedMeans(rows, ['data', 'params', 'p', 'longestRun'], ['meanPerturbed', 'clean', 'noisy', 'degradationPct']);
}

/** Per data: degradation of the smallest and largest size per p, and the largest's by longest run at the largest p. */
export interface Fig8DataSummary {
  readonly data: string;
  readonly smallest: string;
  readonly largest: string;
  readonly byP: readonly { readonly p: number; readonly smallest: number | null; readonly largest: number | null }[];
  /** p values at which the largest size degrades less than the smallest. */
  readonly largerMoreRobust: number;
  /** The largest size at the largest p, by longest run: users and degradation. */
  readonly runs: { readonly p: number; readonly groups: readonly { readonly longestRun: string; readonly users: number; readonly meanPerturbed: number | null; readonly degradationPct: number | null }[] };
  /** Degradation of the largest size's users with a longest run of 0-1 and of 2 or more (user-weighted means). */
  readonly shortRuns: number | null;
  readonly longRuns: number | null;
}

/** A user-weighted mean of degradations (null when no group has users and a value). */
function weighted(groups: readonly { users: number; degradationPct: number | null }[]): number | null {
  const g = groups.filter((x) => x.users > 0 && x.degradationPct !== null);
  const n = g.reduce((s, x) => s + x.users, 0);
  return n === 0 ? null : g.reduce((s, x) => s + x.users * x.degradationPct!, 0) / n;
}

/** The per-data summary of the drawn rows. */
export function fig8Summaries(rows: readonly Fig8Row[]): Fig8DataSummary[] {
  const drawn = drawnRows(rows, ['data', 'params', 'p', 'longestRun']);
  return [...new Set(drawn.map((r) => r.data))].map((data) => {
    const at = drawn.filter((r) => r.data === data);
    const sizes = [...new Set(at.map((r) => r.params))].sort((a, b) => a - b);
    const [lo, hi] = [sizes[0], sizes[sizes.length - 1]];
    const ps = [...new Set(at.map((r) => r.p))].sort((a, b) => a - b);
    const all = (n: number, p: number) => at.find((r) => r.params === n && r.p === p && r.longestRun === 'all')!;
    const byP = ps.map((p) => ({ p, smallest: r4(all(lo, p).degradationPct), largest: r4(all(hi, p).degradationPct) }));
    const pMax = ps[ps.length - 1];
    const groups = at.filter((r) => r.params === hi && r.p === pMax && r.longestRun !== 'all');
    const isShort = (g: Fig8Row) => g.longestRun === '0' || g.longestRun === '1';
    return {
      data, smallest: sizeName(all(lo, ps[0])), largest: sizeName(all(hi, ps[0])), byP,
      largerMoreRobust: byP.filter((b) => b.smallest !== null && b.largest !== null && b.largest < b.smallest).length,
      runs: { p: pMax, groups: groups.map((g) => ({ longestRun: g.longestRun, users: g.users, meanPerturbed: r4(g.meanPerturbed), degradationPct: r4(g.degradationPct) })) },
      shortRuns: r4(weighted(groups.filter(isShort))), longRuns: r4(weighted(groups.filter((g) => !isShort(g)))),
    };
  });
}

/** Sentences on what the run shows, computed from the summaries. */
export function fig8Findings(summaries: readonly Fig8DataSummary[]): string[] {
  const f = (v: number | null) => (v === null ? 'n/a' : `${v.toFixed(1)}%`);
  return summaries.flatMap((s) => {
    const per = s.byP.map((b) => `p = ${b.p}: ${f(b.smallest)} (${s.smallest}) vs ${f(b.largest)} (${s.largest})`).join('; ');
    const robust = s.largerMoreRobust === s.byP.length ? 'the larger model degrades less at every p, as in the paper' :
      `the larger model degrades less at ${s.largerMoreRobust} of ${s.byP.length} p (the paper: at every p)`;
    const consecutive = s.shortRuns === null || s.longRuns === null ? 'cannot compare runs of perturbations (a group without users)' :
      s.longRuns > s.shortRuns ? 'it degrades more when 2 or more perturbations are consecutive, as the paper observed' : 'it does not degrade more when perturbations are consecutive, unlike the paper\'s observation';
    return [
      `${s.data}: NDCG@10 degradation ${per}; ${robust}.`,
      `${s.data}: ${s.largest} at p = ${s.runs.p}: ${f(s.shortRuns)} for users whose longest perturbed run is 0-1 items, ${f(s.longRuns)} for 2 or more; ${consecutive} ` +
        `(mean perturbed items per group: ${s.runs.groups.map((g) => `${g.longestRun}: ${g.meanPerturbed?.toFixed(1) ?? '-'}`).join(', ')}; a longer run also means more perturbations).`,
    ];
  });
}

/** Top row: degradation against N, a line per p; bottom row: degradation against the longest perturbed run at the largest p, a line per size. */
export function fig8Figure(title: string, rows: readonly Fig8Row[]): Figure {
  const drawn = drawnRows(rows, ['data', 'params', 'p', 'longestRun']);
  const datas = [...new Set(drawn.map((r) => r.data))];
  const top: Panel[] = datas.map((data) => {
    const at = drawn.filter((r) => r.data === data && r.longestRun === 'all');
    const traces = [...new Set(at.map((r) => r.p))].sort((a, b) => a - b).map((p, i) => {
      const g = at.filter((r) => r.p === p).sort((a, b) => a.params - b.params);
      const dash = (['dot', 'dash', 'solid'] as const)[Math.min(i, 2)]; // p lines in black, by dash: the colours are the sizes'
      return { ...lineTrace({ name: `p = ${p}`, x: g.map((r) => r.params), y: g.map((r) => r.degradationPct ?? NaN), text: g.map((r) => sizeName(r)), dash }, 7), ...errorBars(g, 'degradationPct') };
    });
    return { title: `${data}: NDCG@10 degradation under perturbation`, x: { title: 'non-embedding parameters N', type: 'log' }, y: { title: 'degradation vs clean input (%)' }, traces };
  });
  const bottom: Panel[] = datas.map((data) => {
    const at = drawn.filter((r) => r.data === data && r.longestRun !== 'all');
    const pMax = Math.max(...at.map((r) => r.p));
    const sizes = [...new Set(at.map((r) => r.params))].sort((a, b) => a - b);
    const traces = sizes.map((n, i) => {
      const g = at.filter((r) => r.params === n && r.p === pMax);
      return { ...lineTrace({ name: sizeName(g[0]), x: g.map((r) => r.longestRun), y: g.map((r) => r.degradationPct ?? NaN), text: g.map((r) => `${r.users} users, ${r.meanPerturbed?.toFixed(1) ?? '-'} perturbed on average`) }, i), ...errorBars(g, 'degradationPct') };
    });
    return { title: `${data}: by longest run of consecutive perturbed items (p = ${pMax})`, x: { title: 'longest run of perturbed items' }, y: { title: 'degradation (%)' }, traces };
  });
  return gridFigure(title, [top, bottom]);
}

/** The artefact JSON. */
export interface Fig8Artefact extends TaskArtefactBase {
  readonly options: typeof ROBUSTNESS_EVAL.options;
  readonly summaries: readonly Fig8DataSummary[];
  readonly findings: readonly string[];
  readonly points: readonly Fig8Row[];
}

export interface Fig8Output extends FigureOutput {
  readonly rows: readonly Fig8Row[];
  readonly artefact: Fig8Artefact;
}

const laddersOf = (scale: ScalePreset, opts: TaskFigureOptions) => opts.ladders ?? (opts.data ?? taskData(scale)).map((d) => taskLadder(scale, d));

export function produceFig8(scale: ScalePreset, opts?: TaskFigureOptions & WaitingSweep): Promise<Fig8Output>;
export function produceFig8(scale: ScalePreset, opts?: TaskFigureOptions): Promise<Fig8Output | PendingOutput>;
/** Train (or load) the ladders, evaluate robustness on every run (or load), draw and save. */
export async function produceFig8(scale: ScalePreset, opts: TaskFigureOptions = {}): Promise<Fig8Output | PendingOutput> {
  const ladders = laddersOf(scale, opts);
  const points = await ladderPoints(FIGURE.id, 'Figure 8', scale, ROBUSTNESS_EVAL, ladders, opts);
  if (!Array.isArray(points)) return points;
  const rows = fig8Rows(points);
  const summaries = fig8Summaries(rows);
  const artefact: Fig8Artefact = { ...artefactBase(FIGURE.id, scale, ladders, points, ROBUSTNESS_EVAL), options: ROBUSTNESS_EVAL.options, summaries, findings: fig8Findings(summaries), points: rows };
  const figure = fig8Figure(`Figure 8: NDCG@10 degradation under noisy inputs by model size (scale ${scale.name})`, rows);
  const note = 'Each input item perturbed independently with probability p (seed 0): removed or replaced by a uniform other item, half and half. ' +
    'Degradation = 100·(clean − noisy)/clean NDCG@10 over the same users. Longest run: the longest stretch of consecutive perturbed positions of the original input.';
  const saved = await saveTaskFigure(figure, rows, FIG_8_COLUMNS, artefact, figuresDirFor(scale.name, opts.figuresRoot), { png: opts.png, note });
  return { kind: 'figure', id: FIGURE.id, figure, saved, rows, artefact };
}

/** Figure 8: robustness to perturbed inputs, on the ladder of sizes. */
export const FIGURE: FigureEntry<TaskFigureOptions, Fig8Output> = {
  id: 'fig-8-robustness',
  kind: 'figure',
  title: 'Figure 8: percent NDCG@10 degradation under removed / replaced input items per model size, and by the longest run of perturbed items',
  paperRef: 'Fig. 8 (Sec. V-E)',
  notebook: 'notebooks/fig-8-robustness.ipynb',
  isCheap: false,
  produce: produceFig8,
  sweep: (scale, opts = {}) => ladderSweep(scale, laddersOf(scale, opts), 'Figure 8'),
};
