/**
 * Figure 6 (paper V-C): cold-start users. A seeded 20% of the users (fraction 0.2, seed 0, drawn
 * after the k-core) are held out of training entirely: this figure trains its OWN ladder, the task
 * ladder's configs with data.holdOutUsers (lib/runs/build.ts), through the sweep. Each held-out
 * user is then scored from the last k items before its test item, k in {5, 10, 20, 30, 40, 50}
 * (those up to the scale's maxLen; a user with fewer items uses what it has, counted as
 * `shortUsers`); NDCG@10 per k and size, and Coverage@10 at k = 5 (lib/tasks/cold-start.ts).
 *
 * The paper (MovieLens, Amazon): larger models are ahead at every input length, most at the
 * shortest inputs; Coverage@10 at k = 5 on ML-20M is 0.1362 for 2 layers and 0.2046 for 48.
 *
 * Ladders (COLD_START_PLANS; the extra compute of Figures 5-9 is mostly this). Estimated by
 * estimateRun (lib/sweep/estimate.ts) at 22 GFLOP/s per core, one core:
 * - synthetic:cpu (80% of the users: 2.09M training rows, 204 steps per epoch, 2 epochs): 1x16 2.5
 *   min, 2x32 5.6, 2x64 12.8, 4x64 15.8, 4x128 43.9, 8x128 ~66. The five rungs 1x16 .. 4x128
 *   (N 3,072 .. 786,432) take 80 min of one core, ~40 min on both; 8x128 is left out.
 * - dataset:ml-100k (trained to convergence: 8 steps per epoch; ~60-120 epochs, Table V's 2x64
 *   took 122): 1x16 0.7-1.3 min, 2x32 1.9-3.8, 2x64 5.3-10.6, 4x64 8.3-16.6, 4x128 28.7-57.2. The
 *   four rungs 1x16 .. 4x64 take 16-32 min of one core, 8-16 min on both.
 * Together ~50-60 min on both cores, within the hour for the extra compute of a figure.
 * Evaluating every held-out user (5,000 on synthetic:cpu) at six lengths, measured (wasm, one
 * process, load 6-10): 32 s for 1x16, 49 s for 2x64, 287 s for 8x128; ~8 min for the figure.
 */
import { COLD_START_DEFAULTS, coldStart, holdOutSpecOf, type HoldOutSpec } from '../tasks/cold-start';
import { figuresDirFor } from '../plot/save';
import type { Column, Row } from '../plot/table';
import { lineTrace } from '../plot/traces';
import type { Figure, Trace } from '../plot/theme';
import { percentChange } from '../tasks/common';
import type { FigureEntry, FigureOutput, PendingOutput, WaitingSweep } from './figure';
import {
  artefactBase, drawnRows, errorBars, gridFigure, ladderPoints, ladderSweep, r4, saveTaskFigure, sizeFields, sizeName, SIZE_COLUMNS,
  metricFormat, signedPct, taskData, taskLadder, withSeedMeans, type LadderPoint, type Panel, type SizeFields, type TaskArtefactBase, type TaskEval, type TaskFigureOptions, type TaskLadder, type TaskBudget,
} from './task-ladder';
import type { DataChoice, ScaleName, ScalePreset } from './scale';

/** The hold-out and how many rungs (from the smallest) of the task ladder train without those users. */
export interface ColdStartPlan {
  readonly holdOut: HoldOutSpec;
  /** Rungs kept, smallest first, per budget of the ladder (Infinity: all). */
  readonly sizes: Readonly<Record<TaskBudget['kind'], number>>;
}

const ALL = { 'fig-2a': Infinity, converge: Infinity } as const;

/** The plan per scale (see the header for the cpu cut). */
export const COLD_START_PLANS: Readonly<Record<ScaleName, ColdStartPlan>> = {
  smoke: { holdOut: { fraction: 0.2, seed: 0 }, sizes: ALL },
  cpu: { holdOut: { fraction: 0.2, seed: 0 }, sizes: { 'fig-2a': 5, converge: 4 } },
  paper: { holdOut: { fraction: 0.2, seed: 0 }, sizes: ALL },
};

/** The cold-start ladder of a data choice: the task ladder's first rungs (plan.sizes), trained without the held-out users. */
export function coldStartLadder(scale: ScalePreset, data: DataChoice, plan: ColdStartPlan = COLD_START_PLANS[scale.name]): TaskLadder {
  const t = taskLadder(scale, data);
  return { ...t, ladder: t.ladder.slice(0, plan.sizes[t.budget.kind]), holdOutUsers: plan.holdOut };
}

/** The input lengths of a scale: the paper's 5..50 up to its maxLen (longer inputs are cut to maxLen anyway). */
export function coldStartLengths(scale: ScalePreset): number[] {
  return COLD_START_DEFAULTS.lengths.filter((k) => k <= scale.maxLen);
}

/** One run's stored result. */
export interface ColdStartPoint {
  readonly heldOutUsers: number;
  readonly evaluatedUsers: number;
  readonly skipped: { readonly tooShort: number; readonly unseenTarget: number };
  readonly lengths: readonly { readonly length: number; readonly users: number; readonly shortUsers: number; readonly meanInputLength: number; readonly 'HR@10': number | null; readonly 'NDCG@10': number | null; readonly 'Coverage@10': number | null }[];
}

/** The task as the figure runs it on one run (its hold-out read from the run config). */
export function coldStartEval(lengths: readonly number[]): TaskEval<ColdStartPoint> {
  const options = { lengths: [...lengths], ks: [10], coverageK: 10, minItems: COLD_START_DEFAULTS.minItems };
  return {
    name: 'cold-start', version: 1, options, onTestUsers: false,
    async evaluate(run, full) {
      const holdOut = holdOutSpecOf(run.config.data);
      if (!holdOut) throw new Error(`cold-start: run ${JSON.stringify(run.config.model)} on ${run.config.data.source} was trained without data.holdOutUsers; Figure 6 evaluates its own ladder (coldStartLadder)`);
      const r = await coldStart(run.model, await full(), run.split, { ...options, holdOut });
      const rows = r.lengths.map(({ metrics, ...l }) => ({ ...l, 'HR@10': metrics['HR@10'], 'NDCG@10': metrics['NDCG@10'], 'Coverage@10': metrics['Coverage@10'] }));
      return { heldOutUsers: r.heldOutUsers, evaluatedUsers: r.evaluatedUsers, skipped: r.skipped, lengths: rows };
    },
  };
}

/** One input length of one size and seed (or the mean over seeds). */
export interface Fig6Row extends SizeFields, Row {
  readonly length: number;
  readonly users: number;
  readonly shortUsers: number;
  readonly meanInputLength: number;
  readonly 'HR@10': number | null;
  readonly 'NDCG@10': number | null;
  readonly 'Coverage@10': number | null;
  /** Percent NDCG@10 gain over the smallest size (same data, length and seed). */
  readonly gainPct: number | null;
}

export const FIG_6_COLUMNS: readonly Column[] = [
  ...SIZE_COLUMNS,
  { key: 'length', label: 'Input length k' },
  { key: 'users', label: 'Users' },
  { key: 'shortUsers', label: 'Users with < k items' },
  { key: 'meanInputLength', label: 'Mean input', format: metricFormat('meanInputLength', 1) },
  { key: 'HR@10', label: 'HR@10', format: metricFormat('HR@10', 4) },
  { key: 'NDCG@10', label: 'NDCG@10', format: metricFormat('NDCG@10', 4) },
  { key: 'Coverage@10', label: 'Coverage@10', format: metricFormat('Coverage@10', 4) },
  { key: 'gainPct', label: 'NDCG@10 vs smallest', format: (v) => signedPct(v) },
];

/** Rows per data, size, seed and length, then the mean rows over seeds. */
export function fig6Rows(points: readonly LadderPoint<ColdStartPoint>[]): Fig6Row[] {
  const smallest = (p: LadderPoint<ColdStartPoint>) => points.filter((q) => q.run.data.spec === p.run.data.spec && q.run.seed === p.run.seed).sort((a, b) => a.run.params - b.run.params)[0];
  const rows = points.flatMap((p) => p.result.lengths.map((l, i): Fig6Row => ({
    ...sizeFields(p), ...l, gainPct: percentChange(smallest(p).result.lengths[i]['NDCG@10'], l['NDCG@10']),
  })));
  return withSeedMeans(rows, ['data', 'params', 'length'], ['HR@10', 'NDCG@10', 'Coverage@10', 'gainPct']);
}

/** Per data: who is evaluated, the gains of the largest size per length, Coverage@10 at the shortest length. */
export interface Fig6DataSummary {
  readonly data: string;
  readonly heldOutUsers: number;
  readonly evaluatedUsers: number;
  readonly skipped: ColdStartPoint['skipped'];
  readonly smallest: string;
  readonly largest: string;
  readonly lengths: readonly { readonly length: number; readonly shortUsers: number; readonly smallest: number | null; readonly largest: number | null; readonly gainPct: number | null }[];
  readonly largerWins: number;
  /** The gain at the shortest length is above the gain at the longest (null: a gain is missing). */
  readonly gainLargestAtShortest: boolean | null;
  /** Coverage@10 at the shortest length, smallest and largest size. */
  readonly coverage: { readonly length: number; readonly smallest: number | null; readonly largest: number | null };
}

/** The per-data summary of the drawn rows. */
export function fig6Summaries(rows: readonly Fig6Row[], points: readonly LadderPoint<ColdStartPoint>[]): Fig6DataSummary[] {
  const drawn = drawnRows(rows, ['data', 'params', 'length']);
  return [...new Set(drawn.map((r) => r.data))].map((data) => {
    const at = drawn.filter((r) => r.data === data);
    const sizes = [...new Set(at.map((r) => r.params))].sort((a, b) => a - b);
    const [lo, hi] = [at.filter((r) => r.params === sizes[0]), at.filter((r) => r.params === sizes[sizes.length - 1])];
    const lengths = lo.map((l, i) => ({ length: l.length, shortUsers: l.shortUsers, smallest: r4(l['NDCG@10']), largest: r4(hi[i]['NDCG@10']), gainPct: r4(percentChange(l['NDCG@10'], hi[i]['NDCG@10'])) }));
    const [first, last] = [lengths[0].gainPct, lengths[lengths.length - 1].gainPct];
    const p = points.find((q) => q.run.data.label === data)!.result;
    return {
      data, heldOutUsers: p.heldOutUsers, evaluatedUsers: p.evaluatedUsers, skipped: p.skipped, smallest: sizeName(lo[0]), largest: sizeName(hi[0]), lengths,
      largerWins: lengths.filter((l) => l.largest !== null && l.smallest !== null && l.largest > l.smallest).length,
      gainLargestAtShortest: first === null || last === null || lengths.length < 2 ? null : first > last,
      coverage: { length: lo[0].length, smallest: r4(lo[0]['Coverage@10']), largest: r4(hi[0]['Coverage@10']) },
    };
  });
}

const pct = (v: number | null): string => signedPct(v, 'n/a');

/** Sentences on what the run shows, computed from the summaries. */
export function fig6Findings(summaries: readonly Fig6DataSummary[]): string[] {
  return summaries.flatMap((s) => {
    const first = s.lengths[0];
    const last = s.lengths[s.lengths.length - 1];
    const c = s.coverage;
    const shorter = s.gainLargestAtShortest === null ? 'the gains cannot be compared' :
      s.gainLargestAtShortest ? 'the gain is larger at the shortest input, as in the paper' : 'the gain is not larger at the shortest input, unlike the paper';
    const covers = c.smallest === null || c.largest === null ? 'n/a' : c.largest > c.smallest ? 'the larger model recommends more distinct items, as in the paper' : 'the larger model does not recommend more distinct items, unlike the paper';
    return [
      `${s.data}: ${s.heldOutUsers} users held out of training, ${s.evaluatedUsers} evaluated (skipped: ${s.skipped.tooShort} too short, ${s.skipped.unseenTarget} with a test item never seen in training); ` +
        `at k = ${last.length}, ${last.shortUsers} of them have fewer items and use all they have.`,
      `${s.data}: ${s.largest} beats ${s.smallest} on NDCG@10 at ${s.largerWins} of ${s.lengths.length} input lengths (the paper: at every length); ` +
        `gain ${pct(first.gainPct)} at k = ${first.length}, ${pct(last.gainPct)} at k = ${last.length}: ${shorter}.`,
      `${s.data}: Coverage@10 at k = ${c.length}: ${c.smallest?.toFixed(4) ?? 'n/a'} (${s.smallest}) vs ${c.largest?.toFixed(4) ?? 'n/a'} (${s.largest}); ${covers} (ML-20M: 0.1362 for 2 layers, 0.2046 for 48).`,
    ];
  });
}

/** Top row: NDCG@10 against input length, a line per size; bottom row: Coverage@10 at the shortest length against N. */
export function fig6Figure(title: string, rows: readonly Fig6Row[]): Figure {
  const drawn = drawnRows(rows, ['data', 'params', 'length']);
  const datas = [...new Set(drawn.map((r) => r.data))];
  const top: Panel[] = datas.map((data) => {
    const at = drawn.filter((r) => r.data === data);
    const sizes = [...new Set(at.map((r) => r.params))].sort((a, b) => a - b);
    const traces: Trace[] = sizes.map((n, i) => {
      const g = at.filter((r) => r.params === n);
      return { ...lineTrace({ name: sizeName(g[0]), x: g.map((r) => r.length), y: g.map((r) => r['NDCG@10'] ?? NaN), text: g.map((r) => `${r.users} users, ${r.shortUsers} with < k items`) }, i), ...errorBars(g, 'NDCG@10') };
    });
    return { title: `${data}: held-out users, NDCG@10 by input length`, x: { title: 'input length k (last k items)' }, y: { title: 'NDCG@10' }, traces };
  });
  const bottom: Panel[] = datas.map((data) => {
    const at = drawn.filter((r) => r.data === data);
    const k = Math.min(...at.map((r) => r.length));
    const g = at.filter((r) => r.length === k).sort((a, b) => a.params - b.params);
    const trace = { ...lineTrace({ name: `Coverage@10 at k = ${k}`, x: g.map((r) => r.params), y: g.map((r) => r['Coverage@10'] ?? NaN), text: g.map((r) => sizeName(r)) }, 7), ...errorBars(g, 'Coverage@10') };
    return { title: `${data}: Coverage@10 at k = ${k}`, x: { title: 'non-embedding parameters N', type: 'log' }, y: { title: 'Coverage@10' }, traces: [trace] };
  });
  return gridFigure(title, [top, bottom]);
}

/** The artefact JSON. */
export interface Fig6Artefact extends TaskArtefactBase {
  readonly options: ReturnType<typeof coldStartEval>['options'];
  readonly summaries: readonly Fig6DataSummary[];
  readonly findings: readonly string[];
  readonly points: readonly Fig6Row[];
}

export interface Fig6Output extends FigureOutput {
  readonly rows: readonly Fig6Row[];
  readonly artefact: Fig6Artefact;
}

const laddersOf = (scale: ScalePreset, opts: TaskFigureOptions) => opts.ladders ?? (opts.data ?? taskData(scale)).map((d) => coldStartLadder(scale, d));

export function produceFig6(scale: ScalePreset, opts?: TaskFigureOptions & WaitingSweep): Promise<Fig6Output>;
export function produceFig6(scale: ScalePreset, opts?: TaskFigureOptions): Promise<Fig6Output | PendingOutput>;
/** Train (or load) the hold-out ladders, evaluate cold-start on every run (or load), draw and save. */
export async function produceFig6(scale: ScalePreset, opts: TaskFigureOptions = {}): Promise<Fig6Output | PendingOutput> {
  const ladders = laddersOf(scale, opts);
  const task = coldStartEval(coldStartLengths(scale));
  const points = await ladderPoints(FIGURE.id, 'Figure 6', scale, task, ladders, opts);
  if (!Array.isArray(points)) return points;
  const rows = fig6Rows(points);
  const summaries = fig6Summaries(rows, points);
  const artefact: Fig6Artefact = { ...artefactBase(FIGURE.id, scale, ladders, points, task), options: task.options, summaries, findings: fig6Findings(summaries), points: rows };
  const figure = fig6Figure(`Figure 6: cold-start users (held out of training) by input length and model size (scale ${scale.name})`, rows);
  const note = `Models trained without a seeded ${ladders[0]?.holdOutUsers?.fraction ?? 0.2} of the users (data.holdOutUsers); each held-out user scored from its last k items before its test item. ` +
    'Full ranking; Coverage@10 = distinct items in all top-10 lists / items. Gain: NDCG@10 over the smallest size\'s (same data, k, seed).';
  const saved = await saveTaskFigure(figure, rows, FIG_6_COLUMNS, artefact, figuresDirFor(scale.name, opts.figuresRoot), { png: opts.png, note });
  return { kind: 'figure', id: FIGURE.id, figure, saved, rows, artefact };
}

/** Figure 6: cold-start users, on a ladder trained without them. */
export const FIGURE: FigureEntry<TaskFigureOptions, Fig6Output> = {
  id: 'fig-6-cold-start',
  kind: 'figure',
  title: 'Figure 6: NDCG@10 of users held out of training, by input length and model size; Coverage@10 at length 5',
  paperRef: 'Fig. 6 (Sec. V-C)',
  notebook: 'notebooks/fig-6-cold-start.ipynb',
  isCheap: false,
  produce: produceFig6,
  sweep: (scale, opts = {}) => ladderSweep(scale, laddersOf(scale, opts), 'Figure 6'),
};
