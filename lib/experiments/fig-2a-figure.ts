/**
 * The drawing and the files of Figure 2a (fig-2a.ts computes the numbers): a two-panel plotly
 * figure, the points table (CSV/MD) and the artefact JSON of issue 10 item 7.
 * Left panel: test loss against non-embedding parameters N (log x): the mean over seeds of each
 * fitted size, the fitted law L(N) = E + (N0/N)^alpha (dashed) with its bootstrap band, the
 * held-out sizes (measured), and on synthetic data the teacher's irreducible loss (dashed).
 * Right panel: test NDCG@10 against N (log x), every size.
 */
import { percentileBand } from '../scaling/bootstrap';
import { powerLaw } from '../scaling/laws';
import type { HoldoutResult } from '../scaling/predict';
import { logSpace } from '../scaling/search';
import { bandTrace, lineTrace, scatterTrace } from '../plot/traces';
import { themedLayout, type Figure, type Trace } from '../plot/theme';
import { formatCell, formatFixed, type Column, type Row } from '../plot/table';
import { formatSeedCell } from './seeds';

/** One row of the points table: one seed of one size, or the mean over its seeds (seed null). */
export interface Fig2aRow extends Row {
  readonly params: number;
  readonly numLayers: number;
  readonly dim: number;
  /** null on a mean row. */
  readonly seed: number | null;
  readonly testLoss: number;
  readonly 'NDCG@10': number;
  /** 'fit' (the law was fitted on it) or 'held out' (predicted). */
  readonly role: string;
  /** The law's prediction at this size (mean rows of held-out sizes; null elsewhere). */
  readonly predicted: number | null;
  readonly errorPct: number | null;
}

/** Columns of the CSV and Markdown points table. */
export const FIG_2A_COLUMNS: readonly Column[] = [
  { key: 'params', label: 'N (non-emb)' },
  { key: 'numLayers', label: 'n_layer' },
  { key: 'dim', label: 'd_model' },
  { key: 'seed', label: 'Seed', format: formatSeedCell },
  { key: 'role', label: 'Role' },
  { key: 'testLoss', label: 'Test loss', format: formatFixed(4) },
  { key: 'NDCG@10', label: 'NDCG@10', format: formatFixed(4) },
  { key: 'predicted', label: 'Predicted loss', format: (v) => (v === null ? '' : formatFixed(4)(v)) },
  { key: 'errorPct', label: 'Error %', format: (v) => (typeof v === 'number' ? `${v >= 0 ? '+' : ''}${v.toFixed(2)}%` : formatCell(v)) },
];

/** The fit as the artefact JSON holds it (issue 10 item 2). */
export interface FitRecord {
  readonly E: number;
  readonly x0: number;
  readonly alpha: number;
  readonly r2: number;
  readonly n: number;
  readonly converged: boolean;
  readonly band: { readonly level: number; readonly E: readonly number[]; readonly x0: readonly number[]; readonly alpha: readonly number[] };
  readonly heldOut: { readonly x: number; readonly actual: number; readonly predicted: number; readonly lo: number; readonly hi: number; readonly errorPct: number }[];
}

/** The fit of a holdout result, rounded to 6 significant digits (stable bytes across machines). */
export function fitRecord(h: HoldoutResult): FitRecord {
  const r = (v: number): number => Number(v.toPrecision(6));
  const { E, x0, alpha } = h.fit.params;
  const b = h.bootstrap.band;
  return {
    E: r(E), x0: r(x0), alpha: r(alpha), r2: r(h.fit.r2), n: h.fit.n, converged: h.fit.converged,
    band: { level: h.bootstrap.level, E: b.E.map(r), x0: b.x0.map(r), alpha: b.alpha.map(r) },
    heldOut: h.heldOut.map((p) => ({ x: p.x, actual: r(p.actual), predicted: r(p.predicted), lo: r(p.lo), hi: r(p.hi), errorPct: r(p.errorPct) })),
  };
}

/** What the figure draws. `irreducible` is the teacher's test-target entropy (synthetic data only). */
export interface Fig2aDrawing {
  readonly title: string;
  readonly rows: readonly Fig2aRow[];
  readonly holdout: HoldoutResult;
  readonly irreducible?: number;
}

/** The band of the law at each x: percentile interval of the bootstrap refits. */
export function curveBand(h: HoldoutResult, xs: readonly number[]): { lower: number[]; upper: number[] } {
  const at = xs.map((x) => percentileBand(h.bootstrap.draws.map((p) => powerLaw(x, p)), h.bootstrap.level));
  return { lower: at.map((b) => b[0]), upper: at.map((b) => b[1]) };
}

const onRight = (t: Trace): Trace => ({ ...t, xaxis: 'x2', yaxis: 'y2' });

/** The two-panel plotly figure (deterministic: same drawing, same JSON). */
export function fig2aFigure(d: Fig2aDrawing): Figure {
  const means = d.rows.filter((r) => r.seed === null || !d.rows.some((o) => o.params === r.params && o.seed === null));
  const fitted = means.filter((r) => r.role === 'fit');
  const held = means.filter((r) => r.role !== 'fit');
  const xs = means.map((r) => r.params);
  const grid = logSpace(Math.min(...xs) / 1.5, Math.max(...xs) * 1.5, 60);
  const band = curveBand(d.holdout, grid);
  const law = d.holdout.fit.params;
  const fitName = `fit: E ${law.E.toFixed(3)}, N0 ${law.x0.toExponential(2)}, α ${law.alpha.toFixed(3)}`;
  const data: Trace[] = [
    bandTrace({ name: fitName, x: grid, ...band }, 1),
    { ...lineTrace({ name: fitName, x: grid, y: grid.map((x) => powerLaw(x, law)), dash: 'dash' }, 1), mode: 'lines' },
    scatterTrace({ name: 'fitted sizes (mean over seeds)', x: fitted.map((r) => r.params), y: fitted.map((r) => r.testLoss) }, 0),
    scatterTrace({ name: 'held-out sizes (measured)', x: held.map((r) => r.params), y: held.map((r) => r.testLoss), text: held.map((r) => `predicted ${r.predicted?.toFixed(4)} (${r.errorPct?.toFixed(2)}%)`) }, 3),
  ];
  if (d.irreducible !== undefined) {
    data.push({ ...lineTrace({ name: `teacher's irreducible loss ${d.irreducible.toFixed(3)}`, x: [grid[0], grid[grid.length - 1]], y: [d.irreducible, d.irreducible], dash: 'dot' }, 7), mode: 'lines' });
  }
  data.push(onRight(lineTrace({ name: 'NDCG@10 (mean over seeds)', x: xs, y: means.map((r) => r['NDCG@10']) }, 2)));
  const base = themedLayout({ title: d.title, width: 1200, height: 460, x: { title: 'non-embedding parameters N', type: 'log' }, y: { title: 'test loss (cross-entropy)' } });
  const layout = {
    ...base,
    xaxis: { ...(base.xaxis as object), domain: [0, 0.44] },
    xaxis2: { ...(base.xaxis as object), domain: [0.56, 1], anchor: 'y2' },
    yaxis2: { ...(base.yaxis as object), anchor: 'x2', title: { text: 'test NDCG@10' } },
  };
  return { data, layout };
}
