/**
 * Figure 4 (paper IV-D): how much the shape of a model matters at a fixed size. The aspect ratio
 * R = d_model / n_layer (eq. 3) is varied at fixed non-embedding parameters N = 12·L·d² (three
 * sizes, three shapes each; the paper: 1.57M at R = 2, 16, 128, i.e. 32x64, 8x128, 2x256, and
 * 9.43M, 75.5M), and each shape's test loss is shown as the percent increase over the standard
 * shape of Table IV (Figure 2a's ladder). The paper: the increases are small over a wide range
 * of R, and shrink as the model grows.
 *
 * Shapes keep L·d² fixed: from a standard L x d, (4L, d/2) and (L/4, 2d) have exactly its N,
 * R/8 and 8R. When L/4 is not a whole number the shallow shape is one layer of the width with
 * the nearest N (d·√L rounded to a whole width its heads divide), which changes N "up to
 * rounding": the table states each shape's N and its difference to the standard (nDiffPct).
 * Heads keep the standard's head width where it divides d, else the nearest that does. Every shape trains as Figure 2a's rungs
 * (fig2aRuns: same data, epochs, batch and settings), so the standard shapes are 2a's runs.
 *
 * Plans (FIG_4_PLANS; cost by lib/sweep/estimate.ts):
 * - smoke: synthetic:smoke, 4x8, 4x12, 4x16, each with (16, d/2) and (1, 2d), 1 epoch: seconds.
 * - cpu: synthetic:cpu, 2 epochs at batch 256 (Figure 2a's budget):
 *     N 24,576:  8x16 (R 2),   2x32 (R 16, standard),  1x45 (R 45, 3 heads; N 24,300, -1.1%)
 *     N 98,304:  8x32 (R 4),   2x64 (R 32, standard),  1x90 (R 90, 3 heads; N 97,200, -1.1%)
 *     N 196,608: 16x32 (R 2),  4x64 (R 16, standard),  1x128 (R 128)   <- the paper's ratios
 *   nine runs (the standards are 2a's and 2b's): the cost model (15.7 GFLOP/s per core, measured
 *   2026-12-02) gives ~3 h of one core, ~1.5 h on both; the longest is 1x128 (its I·d output
 *   layer). The first plan had 786K (16x64, 4x128, 1x256) for its third size instead of 98K: 4.1 h
 *   of one core for its six new runs alone (1x256 1h48m), over the ~2 h a figure should take, so
 *   the sizes now span 8x instead of 32x (the paper's span 48x). 16-layer shapes may run below
 *   the modelled rate (per-layer overhead the cost model does not count).
 * - paper: MovieLens-20M, the paper's three sizes (8x128, 12x256, 24x512 standard).
 */
import { nonEmbeddingParams } from '../models/params';
import { trainInStore } from '../runs/in-store';
import type { RunConfig } from '../runs/run';
import { sweepRunOf, type SweepRun } from '../sweep/spec';
import { figuresDirFor, type SavedFiles } from '../plot/save';
import { formatFixed, type Column, type Row } from '../plot/table';
import { lineTrace } from '../plot/traces';
import { themedLayout, type Figure, type Trace } from '../plot/theme';
import { fig2aRuns, FIG_2A_PLANS } from './fig-2a';
import { runFigureSweep, saveFigureOutput, type ArtefactBase, type FigureEntry, type FigureOutput, type PendingOutput, type ProduceOptions, type WaitingSweep } from './figure';
import { rung, SCALES, type DataChoice, type LadderRung, type ScaleName, type ScalePreset } from './scale';
import { checkSeeds } from './seeds';

/** One size: its standard shape and the shapes tried (the standard among them), by increasing aspect ratio. */
export interface ShapeFamily {
  readonly standard: LadderRung;
  readonly shapes: readonly LadderRung[];
}

/** What Figure 4 trains at one scale. */
export interface Fig4Plan {
  readonly data: DataChoice;
  readonly families: readonly ShapeFamily[];
  readonly seeds: readonly number[];
}


/** A family around a standard shape: (4L, d/2) and (L/4, 2d) with the given heads (see the header). */
function family(std: LadderRung, deep: [number, number, number], shallow: [number, number, number]): ShapeFamily {
  const at = ([l, d, h]: [number, number, number]) => rung(l, d, h, std.epochs, std.batchSize);
  return { standard: std, shapes: [at(deep), std, at(shallow)] };
}

/** A rung of Figure 2a's ladder at a scale (the standard shapes are 2a's runs). */
const ladderRung = (ladder: readonly LadderRung[], l: number, d: number) => ladder.find((r) => r.numLayers === l && r.dim === d)!;
const SMOKE = (l: number, d: number, h: number) => rung(l, d, h, 1, 64);

/** The plan per scale (see the header). */
export const FIG_4_PLANS: Readonly<Record<ScaleName, Fig4Plan>> = {
  smoke: {
    data: SCALES.smoke.data[0],
    families: [family(SMOKE(4, 8, 1), [16, 4, 1], [1, 16, 2]), family(SMOKE(4, 12, 2), [16, 6, 1], [1, 24, 4]), family(SMOKE(4, 16, 2), [16, 8, 1], [1, 32, 4])],
    seeds: [0],
  },
  cpu: {
    data: FIG_2A_PLANS.cpu.data,
    families: [family(ladderRung(FIG_2A_PLANS.cpu.ladder, 2, 32), [8, 16, 1], [1, 45, 3]), family(ladderRung(FIG_2A_PLANS.cpu.ladder, 2, 64), [8, 32, 1], [1, 90, 3]), family(ladderRung(FIG_2A_PLANS.cpu.ladder, 4, 64), [16, 32, 1], [1, 128, 4])],
    seeds: [0],
  },
  paper: {
    data: SCALES.paper.data[0],
    families: [family(ladderRung(SCALES.paper.ladder, 8, 128), [32, 64, 2], [2, 256, 8]), family(ladderRung(SCALES.paper.ladder, 12, 256), [48, 128, 4], [3, 512, 16]), family(ladderRung(SCALES.paper.ladder, 24, 512), [96, 256, 4], [6, 1024, 16])],
    seeds: [0],
  },
};

/** Aspect ratio R = d_model / n_layer (paper eq. 3). */
export function aspectRatio(r: Pick<LadderRung, 'numLayers' | 'dim'>): number {
  return r.dim / r.numLayers;
}

/** Every distinct shape of the plan (families in order), as Figure 2a's runs would be. */
export function fig4Runs(scale: ScalePreset, plan: Fig4Plan = FIG_4_PLANS[scale.name]): { shape: LadderRung; seed: number; config: RunConfig }[] {
  checkSeeds(plan.seeds);
  const ladder = plan.families.flatMap((f) => f.shapes);
  return fig2aRuns(scale, { data: plan.data, ladder, holdout: 0, seeds: plan.seeds }).map((r) => ({ shape: r.rung, seed: r.seed, config: r.config }));
}

/** The runs as a sweep, labelled 'Figure 4 16x32 (R 2) seed 0', the costliest (widest, by the I·d output layer) first. */
export function fig4Sweep(scale: ScalePreset, plan: Fig4Plan = FIG_4_PLANS[scale.name]): SweepRun[] {
  const cost = (s: LadderRung) => nonEmbeddingParams(s.numLayers, s.dim) + 10_000 * s.dim;
  const runs = fig4Runs(scale, plan).sort((a, b) => cost(b.shape) - cost(a.shape));
  return runs.map((r) => sweepRunOf(r.config, `Figure 4 ${r.shape.numLayers}x${r.shape.dim} (R ${+aspectRatio(r.shape).toFixed(2)}) seed ${r.seed}`));
}

/** One shape of one size and seed. */
export interface Fig4Row extends Row {
  /** N of the family's standard shape. */
  readonly standardParams: number;
  readonly params: number;
  /** 100·(N − N_standard)/N_standard: 0 for exact shapes. */
  readonly nDiffPct: number;
  readonly numLayers: number;
  readonly dim: number;
  readonly numHeads: number;
  readonly aspect: number;
  readonly seed: number;
  readonly isStandard: boolean;
  readonly testLoss: number;
  /** 100·(loss − loss of the standard shape, same seed)/that loss. */
  readonly increasePct: number;
}

export const FIG_4_COLUMNS: readonly Column[] = [
  { key: 'standardParams', label: 'Size (N of the standard)' },
  { key: 'numLayers', label: 'n_layer' },
  { key: 'dim', label: 'd_model' },
  { key: 'numHeads', label: 'n_head' },
  { key: 'aspect', label: 'd/L', format: (v) => String(+Number(v).toFixed(2)) },
  { key: 'params', label: 'N (non-emb)' },
  { key: 'nDiffPct', label: 'N vs standard', format: (v) => `${Number(v) >= 0 ? '+' : ''}${Number(v).toFixed(1)}%` },
  { key: 'seed', label: 'Seed' },
  { key: 'isStandard', label: 'Standard', format: (v) => (v ? 'standard' : '') },
  { key: 'testLoss', label: 'Test loss', format: formatFixed(4) },
  { key: 'increasePct', label: 'Loss increase', format: (v) => `${Number(v) >= 0 ? '+' : ''}${Number(v).toFixed(2)}%` },
];

/** The rows of one family from each shape's test loss per seed (`loss(shape, seed)`). */
export function familyRows(f: ShapeFamily, seeds: readonly number[], loss: (s: LadderRung, seed: number) => number): Fig4Row[] {
  const nStd = nonEmbeddingParams(f.standard.numLayers, f.standard.dim);
  return seeds.flatMap((seed) => f.shapes.map((s) => {
    const params = nonEmbeddingParams(s.numLayers, s.dim);
    const testLoss = loss(s, seed);
    const base = loss(f.standard, seed);
    return {
      standardParams: nStd, params, nDiffPct: Number(((100 * (params - nStd)) / nStd).toFixed(3)), numLayers: s.numLayers, dim: s.dim, numHeads: s.numHeads,
      aspect: aspectRatio(s), seed, isStandard: s === f.standard, testLoss, increasePct: (100 * (testLoss - base)) / base,
    };
  }));
}

/** The figure: percent loss increase over the standard shape against the aspect ratio (log x), one line per size. */
export function fig4Figure(title: string, rows: readonly Fig4Row[]): Figure {
  const sizes = [...new Set(rows.map((r) => r.standardParams))];
  const data: Trace[] = sizes.map((n, i) => {
    const at = rows.filter((r) => r.standardParams === n).sort((a, b) => a.aspect - b.aspect || a.seed - b.seed);
    return lineTrace({ name: `N ${n.toLocaleString('en-US')}`, x: at.map((r) => r.aspect), y: at.map((r) => r.increasePct), text: at.map((r) => `${r.numLayers}x${r.dim}${r.isStandard ? ' (standard)' : ''}, N ${r.params.toLocaleString('en-US')}`) }, i);
  });
  return { data, layout: themedLayout({ title, width: 1000, height: 480, x: { title: 'aspect ratio d_model / n_layer', type: 'log' }, y: { title: 'loss increase over the standard shape (%)' } }) };
}

/** One size in the artefact: its standard and every shape's mean change over it. */
export interface Fig4Family {
  readonly standardParams: number;
  readonly standard: string;
  readonly shapes: readonly { readonly shape: string; readonly aspect: number; readonly params: number; readonly increasePct: number }[];
  /** The largest |increasePct| of the size's shapes. */
  readonly maxAbsIncreasePct: number;
}

/** The artefact JSON (issue 10 item 7). */
export interface Fig4Artefact extends ArtefactBase {
  readonly families: readonly Fig4Family[];
  readonly points: readonly Fig4Row[];
}

const r4 = (v: number): number => Number(v.toFixed(4));

/** Per size every shape's mean increase over the seeds (by increasing aspect ratio) and the largest in size. */
export function familySummaries(rows: readonly Fig4Row[]): Fig4Family[] {
  return [...new Set(rows.map((r) => r.standardParams))].map((n) => {
    const at = rows.filter((r) => r.standardParams === n);
    const std = at.find((r) => r.isStandard)!;
    const names = [...new Set(at.map((r) => `${r.numLayers}x${r.dim}`))];
    const shapes = names.map((shape) => {
      const xs = at.filter((r) => `${r.numLayers}x${r.dim}` === shape);
      return { shape, aspect: xs[0].aspect, params: xs[0].params, increasePct: r4(xs.reduce((t, r) => t + r.increasePct, 0) / xs.length) };
    }).sort((a, b) => a.aspect - b.aspect);
    return { standardParams: n, standard: `${std.numLayers}x${std.dim}`, shapes, maxAbsIncreasePct: Math.max(...shapes.map((x) => Math.abs(x.increasePct))) };
  });
}

const signed = (v: number): string => `${v >= 0 ? '+' : ''}${v.toFixed(2)}%`;

/** What this run shows, read from the artefact and set against the paper (small changes that shrink with size). */
export function fig4Findings(a: Fig4Artefact): string[] {
  const lines = a.families.map((f) => `N ${f.standardParams.toLocaleString('en-US')} (standard ${f.standard}): ` +
    f.shapes.filter((x) => x.shape !== f.standard).map((x) => `${x.shape} (d/L ${+x.aspect.toFixed(2)}) ${signed(x.increasePct)}`).join(', ') +
    `; largest change ${f.maxAbsIncreasePct.toFixed(2)}%`);
  const worst = a.families.map((f) => f.maxAbsIncreasePct);
  const isShrinking = worst.every((w, i) => i === 0 || w <= worst[i - 1]);
  const isAllUp = a.families.every((f) => f.shapes.every((x) => x.increasePct >= 0));
  lines.push((isShrinking ? 'the largest change shrinks as the model grows, as in the paper' : 'the largest change does not shrink steadily as the model grows, unlike the paper') +
    (isAllUp ? '; no shape beats the standard one' : '; some shapes beat the standard one (the paper reports increases only)'));
  return lines;
}

/** What produce made. */
export interface Fig4Output extends FigureOutput {
  readonly rows: readonly Fig4Row[];
  readonly artefact: Fig4Artefact;
}

/** Save the figure (plotly spec as <id>.plotly.json), the table and the artefact JSON (as Figure 2a). */
async function saveAll(fig: Figure, rows: readonly Fig4Row[], artefact: Fig4Artefact, dir: string, opts: ProduceOptions): Promise<SavedFiles> {
  return saveFigureOutput(fig, FIGURE.id, { rows, columns: FIG_4_COLUMNS, note: `Data ${artefact.data}; N = 12·L·d² fixed per size up to rounding (column 'N vs standard').` }, artefact, dir, { png: opts.png });
}

/** Options of produce: the common ones plus another plan (tests). */
export interface Fig4Options extends ProduceOptions {
  readonly plan?: Fig4Plan;
}

export function produceFig4(scale: ScalePreset, opts?: Fig4Options & WaitingSweep): Promise<Fig4Output>;
export function produceFig4(scale: ScalePreset, opts?: Fig4Options): Promise<Fig4Output | PendingOutput>;
/** Train every shape (opts.sweep), read the test losses from the store, draw and save. */
export async function produceFig4(scale: ScalePreset, opts: Fig4Options = {}): Promise<Fig4Output | PendingOutput> {
  const plan = opts.plan ?? FIG_4_PLANS[scale.name];
  const sweep = fig4Sweep(scale, plan);
  const pending = await runFigureSweep(FIGURE.id, sweep, opts);
  if (pending) return pending;
  const losses = new Map<string, number>();
  let trainMs = 0;
  for (const run of fig4Runs(scale, plan)) {
    const key = `${run.shape.numLayers}x${run.shape.dim} ${run.seed}`;
    if (losses.has(key)) continue; // a shape listed twice trains and counts once
    const stored = await trainInStore(run.config, { dir: opts.runsDir });
    trainMs += stored.metrics.trainMs;
    losses.set(key, stored.metrics.test.loss);
  }
  const rows = plan.families.flatMap((f) => familyRows(f, plan.seeds, (s, seed) => losses.get(`${s.numLayers}x${s.dim} ${seed}`)!));
  const artefact: Fig4Artefact = {
    id: FIGURE.id, scale: scale.name, data: plan.data.spec, seeds: plan.seeds, runs: sweep.map((r) => r.key),
    wallSeconds: Math.round(trainMs / 100) / 10, families: familySummaries(rows), points: rows,
  };
  const figure = fig4Figure(`Figure 4: loss increase over the standard shape (${plan.data.label}; ${scale.name})`, rows);
  const saved = await saveAll(figure, rows, artefact, figuresDirFor(scale.name, opts.figuresRoot), opts);
  return { kind: 'figure', id: FIGURE.id, figure, saved, rows, artefact };
}

/** Figure 4: three sizes, three shapes each, percent loss increase over the standard shape. */
export const FIGURE: FigureEntry<Fig4Options, Fig4Output> = {
  id: 'fig-4-shape',
  kind: 'figure',
  title: 'Figure 4: percent loss increase over the standard shape against the aspect ratio d_model/n_layer, three sizes with N fixed',
  paperRef: 'Fig. 4 (Sec. IV-D)',
  notebook: 'notebooks/fig-4-shape.ipynb',
  isCheap: false,
  produce: produceFig4,
  sweep: (scale, opts = {}) => fig4Sweep(scale, opts.plan ?? FIG_4_PLANS[scale.name]),
};
