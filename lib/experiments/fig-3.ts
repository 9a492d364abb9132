/**
 * Figure 3 (paper IV-C): validation loss per epoch when the data is repeated, for a small and a
 * large model (the paper: 98.3K and 75.5M parameters on ML-20M, up to 30 epochs). Its finding:
 * neither model has converged after one epoch, both gain from epochs 2-5, returns diminish
 * over epochs 6-12 and vanish over 13-30, where the large model starts to overfit.
 *
 * Each model trains a fixed 30 epochs (cosine decay of the learning rate over the 30, Figure 2a's
 * settings otherwise: plain Adam, no layer-wise dropout), the best epoch chosen by validation loss
 * (selectBy 'loss'); the curves are the runs' curve.json (lib/runs/run.ts), as the store keeps them.
 * The two models are the smallest and a large size of Figure 2a's ladder (same shapes, but 30
 * epochs instead of 2, so they are runs of their own).
 *
 * Plans (FIG_3_PLANS; cost by lib/sweep/estimate.ts):
 * - smoke: 10% of synthetic:smoke (whole users), 1x8 and 1x24, 30 epochs: seconds.
 * - cpu: 10% of synthetic:cpu (Figure 2b's 10% level, ~300K interactions: a data-constrained
 *   setting, and 30 epochs of it cost 3 epochs of the full data), 1x16 (N 3,072) and 4x128
 *   (N 786,432: 256x larger; the paper's pair is 768x apart). The two runs train side by side,
 *   the large one sets the time: estimateRun at 22 GFLOP/s per core (tfjs-wasm, unloaded)
 *   gives 105 TFLOP, 4x128 1h15m and 1x16 5 min, so ~1.3 h on both cores. Not run yet.
 * - paper: MovieLens-20M, 2x64 (98.3K) and 24x512 (75.5M), 30 epochs.
 */
import { nonEmbeddingParams } from '../models/params';
import { trainInStore } from '../runs/in-store';
import type { RunConfig } from '../runs/run';
import { sweepRunOf, type SweepRun } from '../sweep/spec';
import { figuresDirFor, type SavedFiles } from '../plot/save';
import { formatFixed, type Column, type Row } from '../plot/table';
import { lineTrace, scatterTrace } from '../plot/traces';
import { seriesColor, themedLayout, type Figure, type Trace } from '../plot/theme';
import { fig2aRuns } from './fig-2a';
import { levelSpec } from './fig-2b';
import { runFigureSweep, saveFigureOutput, type ArtefactBase, type FigureEntry, type FigureOutput, type PendingOutput, type ProduceOptions, type WaitingSweep } from './figure';
import { rung, SCALES, type DataChoice, type LadderRung, type ScaleName, type ScalePreset } from './scale';
import { checkSeeds } from './seeds';

/** What Figure 3 trains at one scale. */
export interface Fig3Plan {
  readonly data: DataChoice;
  /** The small and the large model, with their epochs (30). */
  readonly models: readonly LadderRung[];
  readonly seeds: readonly number[];
}

const tenth = (spec: string, label: string): DataChoice => ({ spec: levelSpec(spec, 0.1, 0), core: 0, label: `${label}, 10% of the users` });

/** The plan per scale (see the header). */
export const FIG_3_PLANS: Readonly<Record<ScaleName, Fig3Plan>> = {
  smoke: { data: tenth('synthetic:smoke', 'Synthetic (smoke)'), models: [rung(1, 8, 1, 30, 32), rung(1, 24, 2, 30, 32)], seeds: [0] },
  cpu: { data: tenth('synthetic:cpu', 'Synthetic (cpu)'), models: [rung(1, 16, 1, 30, 256), rung(4, 128, 4, 30, 256)], seeds: [0] },
  paper: { data: SCALES.paper.data[0], models: [rung(2, 64, 2, 30, 256), rung(24, 512, 8, 30, 256)], seeds: [0] },
};

/** One run: a model, a seed, its config. */
export interface Fig3Run {
  readonly model: LadderRung;
  readonly seed: number;
  readonly config: RunConfig;
}

/** The runs, configs made as Figure 2a's (fig2aRuns) with the plan's epochs. */
export function fig3Runs(scale: ScalePreset, plan: Fig3Plan = FIG_3_PLANS[scale.name]): Fig3Run[] {
  checkSeeds(plan.seeds);
  return fig2aRuns(scale, { data: plan.data, ladder: plan.models, holdout: 0, seeds: plan.seeds }).map((r) => ({ model: r.rung, seed: r.seed, config: r.config }));
}

/** The runs as a sweep, the large model first (it sets the time; the small one takes the other core). */
export function fig3Sweep(scale: ScalePreset, plan: Fig3Plan = FIG_3_PLANS[scale.name]): SweepRun[] {
  return fig3Runs(scale, plan).reverse().map((r) => sweepRunOf(r.config, `Figure 3 ${r.model.numLayers}x${r.model.dim} ${r.model.epochs} epochs seed ${r.seed}`));
}

/** One point of a curve: a model's validation (and training) loss after an epoch. */
export interface Fig3Row extends Row {
  readonly params: number;
  readonly numLayers: number;
  readonly dim: number;
  readonly seed: number;
  readonly epoch: number;
  readonly trainLoss: number;
  readonly validLoss: number;
  /** True at the epoch whose weights were kept (lowest validation loss). */
  readonly isBest: boolean;
}

export const FIG_3_COLUMNS: readonly Column[] = [
  { key: 'params', label: 'N (non-emb)' },
  { key: 'numLayers', label: 'n_layer' },
  { key: 'dim', label: 'd_model' },
  { key: 'seed', label: 'Seed' },
  { key: 'epoch', label: 'Epoch' },
  { key: 'trainLoss', label: 'Train loss', format: formatFixed(4) },
  { key: 'validLoss', label: 'Validation loss', format: formatFixed(4) },
  { key: 'isBest', label: 'Best', format: (v) => (v ? 'best' : '') },
];

/** A model's curve summarised: best epoch, and the validation-loss gain over the paper's phases. */
export interface Fig3Model {
  readonly params: number;
  readonly numLayers: number;
  readonly dim: number;
  readonly seed: number;
  readonly bestEpoch: number;
  readonly bestValidLoss: number;
  readonly testLoss: number;
  /** Validation loss at the phase boundaries, e.g. { 1: 6.1, 5: 5.6, 12: 5.5, 30: 5.52 }. */
  readonly validLossAt: Readonly<Record<string, number>>;
  /** Loss falls over each phase [a, b] (positive = it improved): epochs 1-5, 5-12, 12-last. */
  readonly gains: readonly { readonly from: number; readonly to: number; readonly gain: number }[];
}

const r6 = (v: number): number => Number(v.toPrecision(6));

/** The paper's phases cut at epochs 5 and 12 (and the last epoch), within the curve's length. */
export function phaseBoundaries(epochs: number): number[] {
  return [...new Set([1, 5, 12, epochs].filter((e) => e <= epochs))].sort((a, b) => a - b);
}

/** Summarise one model's curve rows (see Fig3Model). */
export function summarizeCurve(rows: readonly Fig3Row[], testLoss: number): Fig3Model {
  const best = rows.find((r) => r.isBest) ?? rows[0];
  const at = new Map(rows.map((r) => [r.epoch, r.validLoss]));
  const cuts = phaseBoundaries(rows.length);
  return {
    params: best.params, numLayers: best.numLayers, dim: best.dim, seed: best.seed,
    bestEpoch: best.epoch, bestValidLoss: r6(best.validLoss), testLoss: r6(testLoss),
    validLossAt: Object.fromEntries(cuts.map((e) => [String(e), r6(at.get(e)!)])),
    gains: cuts.slice(1).map((to, i) => ({ from: cuts[i], to, gain: r6(at.get(cuts[i])! - at.get(to)!) })),
  };
}

/** The figure: validation loss per epoch, one line per model, its best epoch starred; training loss dotted. */
export function fig3Figure(title: string, rows: readonly Fig3Row[], models: readonly Fig3Model[]): Figure {
  const data: Trace[] = [];
  models.forEach((m, i) => {
    const curve = rows.filter((r) => r.params === m.params && r.seed === m.seed);
    const name = `${m.numLayers}x${m.dim} (N ${m.params.toLocaleString('en-US')})${models.length > 2 ? ` seed ${m.seed}` : ''}`;
    data.push(lineTrace({ name: `${name}: validation`, x: curve.map((r) => r.epoch), y: curve.map((r) => r.validLoss) }, i));
    data.push({ ...lineTrace({ name: `${name}: training`, x: curve.map((r) => r.epoch), y: curve.map((r) => r.trainLoss), dash: 'dot' }, i), mode: 'lines' });
    data.push({ ...scatterTrace({ name: `${name}: best epoch ${m.bestEpoch}`, x: [m.bestEpoch], y: [m.bestValidLoss], text: [`best epoch ${m.bestEpoch}: ${m.bestValidLoss.toFixed(4)}`] }, i), marker: { symbol: 'star', size: 16, color: seriesColor(i) } });
  });
  return { data, layout: themedLayout({ title, width: 1000, height: 480, x: { title: 'epoch (passes over the training data)' }, y: { title: 'loss (cross-entropy)' } }) };
}

/** The artefact JSON (issue 10 item 7). */
export interface Fig3Artefact extends ArtefactBase {
  readonly epochs: number;
  readonly models: readonly Fig3Model[];
  readonly points: readonly Fig3Row[];
}

/** What this run shows, read from the artefact and set against the paper's finding (see the header). */
export function fig3Findings(a: Fig3Artefact): string[] {
  return a.models.map((m) => {
    // The phases differ in length (4, 7, 18 epochs): returns are compared per epoch.
    const rate = (p: { from: number; to: number; gain: number }) => p.gain / (p.to - p.from);
    const g = m.gains.map((p) => `epochs ${p.from}-${p.to} ${p.gain >= 0 ? '-' : '+'}${Math.abs(p.gain).toFixed(3)} (${rate(p) >= 0 ? '-' : '+'}${Math.abs(rate(p)).toFixed(4)} an epoch)`).join(', ');
    const last = m.validLossAt[String(a.epochs)];
    const after = last - m.bestValidLoss;
    const diminishing = m.gains.every((p, i) => i === 0 || rate(p) < rate(m.gains[i - 1]));
    // A rise within 0.1% of the loss is a plateau, not an overfitting rise.
    const ending = after > 1e-3 * m.bestValidLoss ? `it ends ${after.toFixed(4)} above its best (overfitting)`
      : after > 1e-4 ? `it ends ${after.toFixed(4)} above its best, within 0.1%: a plateau, no overfitting rise by epoch ${a.epochs}`
      : `it ends at its best (no overfitting by epoch ${a.epochs})`;
    const lastRow = a.points.find((r) => r.params === m.params && r.seed === m.seed && r.epoch === a.epochs);
    const gap = lastRow ? `; at epoch ${a.epochs} the training loss is ${(lastRow.validLoss - lastRow.trainLoss).toFixed(3)} below the validation loss` : '';
    return `${m.numLayers}x${m.dim} (N ${m.params.toLocaleString('en-US')}): best validation loss ${m.bestValidLoss.toFixed(4)} at epoch ${m.bestEpoch} of ${a.epochs}; ` +
      `change in validation loss over ${g}: returns per epoch ${diminishing ? 'diminish phase by phase, as in the paper' : 'do not diminish phase by phase'}; ` +
      ending + gap;
  });
}

/** What produce made. */
export interface Fig3Output extends FigureOutput {
  readonly rows: readonly Fig3Row[];
  readonly artefact: Fig3Artefact;
}

/** Save the figure (plotly spec as <id>.plotly.json), the curve table and the artefact JSON (as Figure 2a). */
async function saveAll(fig: Figure, rows: readonly Fig3Row[], artefact: Fig3Artefact, dir: string, opts: ProduceOptions): Promise<SavedFiles> {
  return saveFigureOutput(fig, FIGURE.id, { rows, columns: FIG_3_COLUMNS, note: `Data ${artefact.data}; ${artefact.epochs} epochs each, the best epoch by validation loss.` }, artefact, dir, { png: opts.png });
}

/** Options of produce: the common ones plus another plan (tests). */
export interface Fig3Options extends ProduceOptions {
  readonly plan?: Fig3Plan;
}

export function produceFig3(scale: ScalePreset, opts?: Fig3Options & WaitingSweep): Promise<Fig3Output>;
export function produceFig3(scale: ScalePreset, opts?: Fig3Options): Promise<Fig3Output | PendingOutput>;
/** Train the two models (opts.sweep), read their curves from the store, draw and save. */
export async function produceFig3(scale: ScalePreset, opts: Fig3Options = {}): Promise<Fig3Output | PendingOutput> {
  const plan = opts.plan ?? FIG_3_PLANS[scale.name];
  const sweep = fig3Sweep(scale, plan);
  const pending = await runFigureSweep(FIGURE.id, sweep, opts);
  if (pending) return pending;
  const rows: Fig3Row[] = [];
  const models: Fig3Model[] = [];
  let trainMs = 0;
  for (const run of fig3Runs(scale, plan)) {
    const stored = await trainInStore(run.config, { dir: opts.runsDir });
    trainMs += stored.metrics.trainMs;
    const base = { params: nonEmbeddingParams(run.model.numLayers, run.model.dim), numLayers: run.model.numLayers, dim: run.model.dim, seed: run.seed };
    const curve = stored.curve.map((c) => ({ ...base, epoch: c.epoch, trainLoss: c.trainLoss, validLoss: c.validLoss, isBest: c.epoch === stored.metrics.bestEpoch }));
    rows.push(...curve);
    models.push(summarizeCurve(curve, stored.metrics.test.loss));
  }
  const epochs = Math.max(...plan.models.map((m) => m.epochs));
  const artefact: Fig3Artefact = {
    id: FIGURE.id, scale: scale.name, data: plan.data.spec, seeds: plan.seeds, runs: sweep.map((r) => r.key),
    wallSeconds: Math.round(trainMs / 100) / 10, epochs, models, points: rows,
  };
  const figure = fig3Figure(`Figure 3: loss per epoch, data repeated (${plan.data.label}; ${scale.name})`, rows, models);
  const saved = await saveAll(figure, rows, artefact, figuresDirFor(scale.name, opts.figuresRoot), opts);
  return { kind: 'figure', id: FIGURE.id, figure, saved, rows, artefact };
}

/** Figure 3: a small and a large model of the ladder trained 30 epochs, validation loss per epoch. */
export const FIGURE: FigureEntry<Fig3Options, Fig3Output> = {
  id: 'fig-3-repetition',
  kind: 'figure',
  title: 'Figure 3: validation loss per epoch over 30 epochs of repeated data, a small and a large model, the best epoch marked',
  paperRef: 'Fig. 3 (Sec. IV-C)',
  notebook: 'notebooks/fig-3-repetition.ipynb',
  isCheap: false,
  produce: produceFig3,
  sweep: (scale, opts = {}) => fig3Sweep(scale, opts.plan ?? FIG_3_PLANS[scale.name]),
};
