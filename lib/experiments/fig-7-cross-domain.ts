/**
 * Figure 7 (paper V-D): multi-domain transfer. Each item has a domain (synthetic: the teacher's;
 * MovieLens: the first genre; Amazon: the category file). A test user is mix-domain when some
 * item of its model input (the last maxLen items before the test item) shares the test item's
 * domain, diff-domain when none does (lib/tasks/cross-domain.ts). 7a: NDCG@10 per class and size;
 * 7b: percent improvement over the smallest size, per class.
 *
 * The paper (Amazon, mixed categories): the mix-domain curve is above the diff-domain one at every
 * size (diff-domain is harder), and as the model grows its improvement on diff-domain far
 * exceeds that on mix-domain. The findings test both on the measured numbers, with the users of
 * each class (a class with few users gives a noisy curve).
 *
 * Runs: the task ladder (task-ladder.ts); one full-ranking evaluation per run, stored in
 * <store>/task-cross-domain/.
 */
import { crossDomain, CROSS_DOMAIN_DEFAULTS } from '../tasks/cross-domain';
import { percentChange } from '../tasks/common';
import { figuresDirFor } from '../plot/save';
import type { Column, Row } from '../plot/table';
import { lineTrace } from '../plot/traces';
import type { Figure } from '../plot/theme';
import type { FigureEntry, FigureOutput, PendingOutput, WaitingSweep } from './figure';
import {
  artefactBase, drawnRows, errorBars, gridFigure, ladderPoints, ladderSweep, r4, saveTaskFigure, sizeFields, sizeName, SIZE_COLUMNS,
  metricFormat, signedPct, taskData, taskLadder, withSeedMeans, type LadderPoint, type Panel, type SizeFields, type TaskArtefactBase, type TaskEval, type TaskFigureOptions,
} from './task-ladder';
import type { ScalePreset } from './scale';

/** One run's stored result. */
export interface CrossDomainPoint {
  readonly window: number;
  readonly unclassified: number;
  readonly classes: readonly { readonly class: string; readonly users: number; readonly 'HR@10': number | null; readonly 'NDCG@10': number | null }[];
}

/** The task as the figure runs it: window = the model's maxLen, mix / diff (not strict). */
export const CROSS_DOMAIN_EVAL: TaskEval<CrossDomainPoint> = {
  name: 'cross-domain',
  version: 1,
  onTestUsers: true,
  options: { ks: [10], strict: CROSS_DOMAIN_DEFAULTS.strict },
  async evaluate(run) {
    const r = await crossDomain(run.model, run.split, { ks: [10], strict: CROSS_DOMAIN_DEFAULTS.strict });
    return { window: r.window, unclassified: r.unclassified, classes: r.classes.map(({ metrics, ...c }) => ({ ...c, 'HR@10': metrics['HR@10'], 'NDCG@10': metrics['NDCG@10'] })) };
  },
};

/** One class of one size and seed (or the mean over seeds). */
export interface Fig7Row extends SizeFields, Row {
  readonly class: string;
  readonly users: number;
  readonly 'HR@10': number | null;
  readonly 'NDCG@10': number | null;
  /** 7b: percent NDCG@10 improvement over the smallest size (same data, class and seed). */
  readonly improvementPct: number | null;
}

export const FIG_7_COLUMNS: readonly Column[] = [
  ...SIZE_COLUMNS,
  { key: 'class', label: 'Class' },
  { key: 'users', label: 'Test users' },
  { key: 'HR@10', label: 'HR@10', format: metricFormat('HR@10', 4) },
  { key: 'NDCG@10', label: 'NDCG@10', format: metricFormat('NDCG@10', 4) },
  { key: 'improvementPct', label: 'Improvement over smallest', format: (v) => signedPct(v) },
];

/** Rows per data, size, seed and class, then the mean rows over seeds. */
export function fig7Rows(points: readonly LadderPoint<CrossDomainPoint>[]): Fig7Row[] {
  const smallest = (p: LadderPoint<CrossDomainPoint>) => points.filter((q) => q.run.data.spec === p.run.data.spec && q.run.seed === p.run.seed).sort((a, b) => a.run.params - b.run.params)[0];
  const rows = points.flatMap((p) => p.result.classes.map((c, i): Fig7Row => ({
    ...sizeFields(p), ...c, improvementPct: percentChange(smallest(p).result.classes[i]['NDCG@10'], c['NDCG@10']),
  })));
  return withSeedMeans(rows, ['data', 'params', 'class'], ['HR@10', 'NDCG@10', 'improvementPct']);
}

/** Per data: users per class, sizes where mix is above diff, the largest size's improvement per class. */
export interface Fig7DataSummary {
  readonly data: string;
  readonly users: Readonly<Record<string, number>>;
  readonly unclassified: number;
  readonly sizes: number;
  /** Sizes at which mix-domain NDCG@10 is above diff-domain's. */
  readonly mixAbove: number;
  readonly largest: string;
  readonly smallest: string;
  /** The largest size's improvement over the smallest, per class (percent). */
  readonly improvement: Readonly<Record<string, number | null>>;
}

/** The per-data summary of the drawn rows. */
export function fig7Summaries(rows: readonly Fig7Row[], points: readonly LadderPoint<CrossDomainPoint>[]): Fig7DataSummary[] {
  const drawn = drawnRows(rows, ['data', 'params', 'class']);
  return [...new Set(drawn.map((r) => r.data))].map((data) => {
    const at = drawn.filter((r) => r.data === data);
    const sizes = [...new Set(at.map((r) => r.params))].sort((a, b) => a - b);
    const get = (n: number, c: string) => at.find((r) => r.params === n && r.class === c)!;
    const classes = [...new Set(at.map((r) => r.class))];
    const top = sizes[sizes.length - 1];
    const mixAbove = sizes.filter((n) => {
      const [m, d] = [get(n, 'mix-domain')['NDCG@10'], get(n, 'diff-domain')['NDCG@10']];
      return m !== null && d !== null && m > d;
    }).length;
    return {
      data, users: Object.fromEntries(classes.map((c) => [c, get(sizes[0], c).users])),
      unclassified: points.find((p) => p.run.data.label === data)!.result.unclassified, sizes: sizes.length, mixAbove,
      largest: sizeName(get(top, classes[0])), smallest: sizeName(get(sizes[0], classes[0])),
      improvement: Object.fromEntries(classes.map((c) => [c, r4(get(top, c).improvementPct)])),
    };
  });
}

/** Sentences on what the run shows, computed from the summaries. */
export function fig7Findings(summaries: readonly Fig7DataSummary[]): string[] {
  return summaries.flatMap((s) => {
    const [mix, diff] = [s.improvement['mix-domain'], s.improvement['diff-domain']];
    const fmt = (v: number | null | undefined) => signedPct(v ?? null, 'n/a');
    const transfer = typeof mix !== 'number' || typeof diff !== 'number' ? 'the improvements cannot be compared (a class without users or a zero baseline)' :
      diff > mix ? 'the larger model gains more on diff-domain users, as in the paper' : 'the larger model does not gain more on diff-domain users, unlike the paper';
    return [
      `${s.data}: ${s.users['mix-domain'] ?? 0} mix-domain and ${s.users['diff-domain'] ?? 0} diff-domain test users (${s.unclassified} unclassified: test item without a domain); ` +
        `mix-domain NDCG@10 is above diff-domain at ${s.mixAbove} of ${s.sizes} sizes (the paper: at every size).`,
      `${s.data}: ${s.largest} over ${s.smallest}: ${fmt(mix)} on mix-domain, ${fmt(diff)} on diff-domain; ${transfer}.`,
    ];
  });
}

/** Top row (7a): NDCG@10 per class against N; bottom row (7b): improvement over the smallest size per class. */
export function fig7Figure(title: string, rows: readonly Fig7Row[]): Figure {
  const drawn = drawnRows(rows, ['data', 'params', 'class']);
  const datas = [...new Set(drawn.map((r) => r.data))];
  const panel = (data: string, key: 'NDCG@10' | 'improvementPct', name: string, y: string): Panel => {
    const at = drawn.filter((r) => r.data === data);
    const traces = [...new Set(at.map((r) => r.class))].map((c, i) => {
      const g = at.filter((r) => r.class === c).sort((a, b) => a.params - b.params);
      return { ...lineTrace({ name: c, x: g.map((r) => r.params), y: g.map((r) => r[key] ?? NaN), text: g.map((r) => `${sizeName(r)}, ${r.users} users`) }, i), ...errorBars(g, key) };
    });
    return { title: `${data}: ${name}`, x: { title: 'non-embedding parameters N', type: 'log' }, y: { title: y }, traces };
  };
  return gridFigure(title, [
    datas.map((d) => panel(d, 'NDCG@10', '(a) NDCG@10 per class', 'test NDCG@10')),
    datas.map((d) => panel(d, 'improvementPct', '(b) improvement over the smallest size', 'NDCG@10 improvement (%)')),
  ]);
}

/** The artefact JSON. */
export interface Fig7Artefact extends TaskArtefactBase {
  readonly options: typeof CROSS_DOMAIN_EVAL.options;
  readonly summaries: readonly Fig7DataSummary[];
  readonly findings: readonly string[];
  readonly points: readonly Fig7Row[];
}

export interface Fig7Output extends FigureOutput {
  readonly rows: readonly Fig7Row[];
  readonly artefact: Fig7Artefact;
}

const laddersOf = (scale: ScalePreset, opts: TaskFigureOptions) => opts.ladders ?? (opts.data ?? taskData(scale)).map((d) => taskLadder(scale, d));

export function produceFig7(scale: ScalePreset, opts?: TaskFigureOptions & WaitingSweep): Promise<Fig7Output>;
export function produceFig7(scale: ScalePreset, opts?: TaskFigureOptions): Promise<Fig7Output | PendingOutput>;
/** Train (or load) the ladders, evaluate cross-domain on every run (or load), draw and save. */
export async function produceFig7(scale: ScalePreset, opts: TaskFigureOptions = {}): Promise<Fig7Output | PendingOutput> {
  const ladders = laddersOf(scale, opts);
  const points = await ladderPoints(FIGURE.id, 'Figure 7', scale, CROSS_DOMAIN_EVAL, ladders, opts);
  if (!Array.isArray(points)) return points;
  const rows = fig7Rows(points);
  const summaries = fig7Summaries(rows, points);
  const artefact: Fig7Artefact = { ...artefactBase(FIGURE.id, scale, ladders, points, CROSS_DOMAIN_EVAL), options: CROSS_DOMAIN_EVAL.options, summaries, findings: fig7Findings(summaries), points: rows };
  const figure = fig7Figure(`Figure 7: mix-domain and diff-domain test users by model size (scale ${scale.name})`, rows);
  const note = 'Mix-domain: some item of the model input (last maxLen items before the test item) is in the test item\'s domain; diff-domain: none is. ' +
    'Domains: synthetic teacher\'s domain, MovieLens first genre, Amazon category. Improvement: NDCG@10 over the smallest size\'s (same data, class, seed).';
  const saved = await saveTaskFigure(figure, rows, FIG_7_COLUMNS, artefact, figuresDirFor(scale.name, opts.figuresRoot), { png: opts.png, note });
  return { kind: 'figure', id: FIGURE.id, figure, saved, rows, artefact };
}

/** Figure 7: cross-domain transfer, on the ladder of sizes. */
export const FIGURE: FigureEntry<TaskFigureOptions, Fig7Output> = {
  id: 'fig-7-cross-domain',
  kind: 'figure',
  title: 'Figure 7: NDCG@10 of mix-domain and diff-domain test users per model size (7a) and improvement over the smallest (7b)',
  paperRef: 'Fig. 7 (Sec. V-D)',
  notebook: 'notebooks/fig-7-cross-domain.ipynb',
  isCheap: false,
  produce: produceFig7,
  sweep: (scale, opts = {}) => ladderSweep(scale, laddersOf(scale, opts), 'Figure 7'),
};
