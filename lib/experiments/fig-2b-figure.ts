/**
 * The drawing and the records of Figure 2b (fig-2b.ts computes the numbers): a two-panel plotly
 * figure, the points table's rows and columns, and the joint-law record of the artefact.
 * Left panel: test loss (on the fixed test set) against non-embedding parameters N (log x), one
 * colour per data size: the measured points and that size's fitted law L(N) = E + (N0/N)^alpha
 * (dashed), and on synthetic data the teacher's loss on the same test targets (dotted).
 * Right panel: the (D, N) plane on log axes: the runs (markers), iso-loss curves of the joint
 * law L(N, D) = E + (N0/N)^aN + (D0/D)^aD (lib/scaling/iso-loss.ts) and its compute-optimal
 * frontier (N*, D*) for budgets C = 6·N·D across the grid (lib/scaling/compute-optimal.ts).
 */
import { computeFrontier, frontierExponent, type ComputeOptimum } from '../scaling/compute-optimal';
import { isoLossCurve } from '../scaling/iso-loss';
import type { JointLawFit } from '../scaling/joint';
import { powerLaw, type JointLawParams, type PowerLawParams } from '../scaling/laws';
import { logSpace } from '../scaling/search';
import { lineTrace, scatterTrace } from '../plot/traces';
import { themedLayout, type Figure, type Trace } from '../plot/theme';
import { formatFixed, type Column, type Row } from '../plot/table';
import { formatSeedCell } from './seeds';

/** One row of the points table: one seed of one size at one data size. */
export interface Fig2bRow extends Row {
  /** Share of the training interactions (sampled whole users; 1 = all). */
  readonly fraction: number;
  /** Training interactions at this data size (leave-one-out train part). */
  readonly trainInteractions: number;
  readonly params: number;
  readonly numLayers: number;
  readonly dim: number;
  readonly seed: number;
  readonly epochs: number;
  /** Epoch of the best validation loss (the weights evaluated). */
  readonly bestEpoch: number;
  /** Test loss on the fixed test set (the smallest data size's users), the figure's y. */
  readonly testLoss: number;
  readonly 'NDCG@10': number;
  /** The run's own test loss (its level's users, result.json): equal to testLoss at the smallest level. */
  readonly ownTestLoss: number;
}

/** Columns of the CSV and Markdown points table. */
export const FIG_2B_COLUMNS: readonly Column[] = [
  { key: 'fraction', label: 'Data', format: (v) => `${Math.round(100 * Number(v))}%` },
  { key: 'trainInteractions', label: 'D (train interactions)' },
  { key: 'params', label: 'N (non-emb)' },
  { key: 'numLayers', label: 'n_layer' },
  { key: 'dim', label: 'd_model' },
  { key: 'seed', label: 'Seed', format: formatSeedCell },
  { key: 'epochs', label: 'Epochs' },
  { key: 'bestEpoch', label: 'Best epoch' },
  { key: 'testLoss', label: 'Test loss (fixed set)', format: formatFixed(4) },
  { key: 'NDCG@10', label: 'NDCG@10 (fixed set)', format: formatFixed(4) },
  { key: 'ownTestLoss', label: "Test loss (level's users)", format: formatFixed(4) },
];

const r6 = (v: number): number => Number(v.toPrecision(6));

/** The joint law as the artefact holds it, rounded to 6 significant digits. */
export interface JointRecord {
  readonly E: number;
  readonly N0: number;
  readonly aN: number;
  readonly D0: number;
  readonly aD: number;
  readonly r2: number;
  readonly n: number;
  readonly converged: boolean;
  readonly degenerate: boolean;
  /** N* ∝ C^k along the frontier (absent when a term dropped out). */
  readonly frontierExponent: number | null;
  readonly note: string | null;
}

/** The record of a joint fit. */
export function jointRecord(f: JointLawFit): JointRecord {
  const p = f.params;
  const k = frontierExponent(p);
  return {
    E: r6(p.E), N0: r6(p.N0), aN: r6(p.aN), D0: r6(p.D0), aD: r6(p.aD), r2: r6(f.r2), n: f.n,
    converged: f.converged, degenerate: f.degenerate, frontierExponent: k === undefined ? null : r6(k), note: f.note ?? null,
  };
}

/**
 * The compute-optimal frontier over the budgets the grid spans (6·N·D of its smallest and largest
 * run, `count` budgets), N* kept within [N_min / 10, N_max · 10]; empty when a term dropped out.
 */
export function gridFrontier(p: JointLawParams, points: readonly { N: number; D: number }[], count = 9): ComputeOptimum[] {
  if (frontierExponent(p) === undefined) return [];
  const cs = points.map((q) => 6 * q.N * q.D);
  const ns = points.map((q) => q.N);
  const range = { nMin: Math.min(...ns) / 10, nMax: Math.max(...ns) * 10 };
  return computeFrontier(p, Math.min(...cs), Math.max(...cs), count, range).map((o) => ({ ...o, N: r6(o.N), D: r6(o.D), loss: r6(o.loss), C: r6(o.C) }));
}

/** One data size's fitted law for the drawing. */
export interface FractionLaw {
  readonly fraction: number;
  readonly D: number;
  readonly law: PowerLawParams;
}

/** What the figure draws. */
export interface Fig2bDrawing {
  readonly title: string;
  readonly rows: readonly Fig2bRow[];
  readonly laws: readonly FractionLaw[];
  readonly joint: JointLawParams;
  readonly jointR2: number;
  readonly frontier: readonly ComputeOptimum[];
  /** The teacher's mean loss on the fixed test targets (synthetic data only). */
  readonly irreducible?: number;
}

const onRight = (t: Trace): Trace => ({ ...t, xaxis: 'x2', yaxis: 'y2' });
const pct = (f: number): string => `${Math.round(100 * f)}%`;

/** Four loss levels spread over the measured losses (at 1/8, 3/8, 5/8 and 7/8 of their range), 3 decimals. */
export function isoLevels(losses: readonly number[]): number[] {
  const lo = Math.min(...losses), hi = Math.max(...losses);
  return [1, 3, 5, 7].map((k) => Number((lo + ((hi - lo) * k) / 8).toFixed(3)));
}

/** The left panel's traces: per data size its points and its law; then the teacher's line. */
function lossPanel(d: Fig2bDrawing, grid: number[]): Trace[] {
  const out: Trace[] = [];
  d.laws.forEach((f, i) => {
    const rows = d.rows.filter((r) => r.fraction === f.fraction);
    const name = `${pct(f.fraction)} (D ${f.D.toLocaleString('en-US')}): α ${f.law.alpha.toFixed(3)}`;
    out.push(scatterTrace({ name, x: rows.map((r) => r.params), y: rows.map((r) => r.testLoss) }, i));
    out.push({ ...lineTrace({ name: `fit ${pct(f.fraction)}`, x: grid, y: grid.map((x) => powerLaw(x, f.law)), dash: 'dash' }, i), mode: 'lines', showlegend: false });
  });
  if (d.irreducible !== undefined) {
    out.push({ ...lineTrace({ name: `teacher's loss on the test set ${d.irreducible.toFixed(3)}`, x: [grid[0], grid[grid.length - 1]], y: [d.irreducible, d.irreducible], dash: 'dot' }, 7), mode: 'lines' });
  }
  return out;
}

/** The right panel's traces: the runs, iso-loss curves and the frontier in the (D, N) plane. */
function planePanel(d: Fig2bDrawing): Trace[] {
  const ns = d.rows.map((r) => r.params), ds = d.rows.map((r) => r.trainInteractions);
  const [nMin, nMax] = [Math.min(...ns) / 3, Math.max(...ns) * 3];
  const dGrid = logSpace(Math.min(...ds) / 3, Math.max(...ds) * 3, 60);
  const out: Trace[] = [onRight({
    ...scatterTrace({ name: 'runs (text: test loss)', x: ds, y: ns, text: d.rows.map((r) => r.testLoss.toFixed(3)) }, 7),
    mode: 'markers+text', textposition: 'top center', textfont: { size: 10 },
  })];
  isoLevels(d.rows.map((r) => r.testLoss)).forEach((level, i) => {
    const c = isoLossCurve(d.joint, level, dGrid, nMin, nMax);
    if (c.length > 1) out.push(onRight({ ...lineTrace({ name: `L(N, D) = ${level}`, x: c.map((p) => p.D), y: c.map((p) => p.N), dash: 'dot' }, i + 3), mode: 'lines' }));
  });
  if (d.frontier.length > 1) {
    out.push(onRight({ ...lineTrace({ name: 'compute-optimal (N*, D*), C = 6ND', x: d.frontier.map((o) => o.D), y: d.frontier.map((o) => o.N), text: d.frontier.map((o) => `C ${o.C.toExponential(2)}, L* ${o.loss.toFixed(3)}`) }, 7), line: { color: '#000000', width: 3 } }));
  }
  return out;
}

/** The two-panel plotly figure (deterministic: same drawing, same JSON). */
export function fig2bFigure(d: Fig2bDrawing): Figure {
  const xs = d.rows.map((r) => r.params);
  const grid = logSpace(Math.min(...xs) / 1.5, Math.max(...xs) * 1.5, 60);
  const base = themedLayout({ title: d.title, width: 1250, height: 500, x: { title: 'non-embedding parameters N', type: 'log' }, y: { title: 'test loss (fixed test set)' } });
  const j = d.joint;
  const law = `L = ${j.E.toFixed(2)} + (${j.N0.toExponential(1)}/N)^${j.aN.toFixed(2)} + (${j.D0.toExponential(1)}/D)^${j.aD.toFixed(2)}`;
  const layout = {
    ...base,
    xaxis: { ...(base.xaxis as object), domain: [0, 0.44] },
    xaxis2: { ...(base.xaxis as object), domain: [0.56, 1], anchor: 'y2', title: { text: 'training interactions D' } },
    yaxis2: { ...(base.yaxis as object), anchor: 'x2', type: 'log', title: { text: 'non-embedding parameters N' } },
    annotations: [{ text: `joint law ${law}, R² ${d.jointR2.toFixed(3)}`, xref: 'paper', yref: 'paper', x: 1, xanchor: 'right', y: 1.02, yanchor: 'bottom', showarrow: false, font: { size: 12 } }],
  };
  return { data: [...lossPanel(d, grid), ...planePanel(d)], layout };
}
