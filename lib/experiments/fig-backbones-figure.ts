/**
 * The rows, columns and drawing of fig-backbones (fig-backbones.ts trains and fits).
 * Rows: one per data panel, backbone, size and seed, then (two or more seeds) the mean row of that
 * size (seed null, half-widths in <key>Hw). Every row of a backbone and panel carries that
 * backbone's fit (E, alpha, R^2 and its status), so the CSV and Markdown hold alpha and R^2.
 * Drawing: one row of panels per data choice; left test loss against non-embedding N (log x), per
 * backbone its measured sizes (markers; the mean over seeds with its interval) and its fitted law
 * L(N) = E + (N0/N)^alpha (dashed); right test NDCG@10 against N (lines and markers). A backbone
 * keeps its colour in every panel and has one legend entry (its traces grouped under it).
 */
import { powerLaw } from '../scaling/laws';
import { logSpace } from '../scaling/search';
import { lineTrace, scatterTrace } from '../plot/traces';
import type { Figure, Trace } from '../plot/theme';
import { formatCell, type Cell, type Column, type Row } from '../plot/table';
import { drawnRows, errorBars, gridFigure, metricFormat, SIZE_COLUMNS, type Panel } from './task-ladder';

/** How a backbone's fit came out: 'ok'; 'edge' (alpha at its search bound); 'flat' (the loss does not fall with N); 'no fit' (too few sizes, or the fit failed). */
export type FitStatus = 'ok' | 'edge' | 'flat' | 'no fit';

/** The power law of one backbone on one panel (null parameters when there is no fit). */
export interface BackboneFit extends Row {
  /** The panel's data label, e.g. 'ml-100k'. */
  readonly data: string;
  /** The backbone's label, e.g. 'LSRM (SASRec-style)'. */
  readonly backbone: string;
  readonly kind: string;
  /** Distinct sizes N and points (runs) the fit saw. */
  readonly sizes: number;
  readonly n: number;
  readonly E: number | null;
  readonly x0: number | null;
  readonly alpha: number | null;
  readonly r2: number | null;
  readonly status: FitStatus;
  /** Why the status is not 'ok' (the fit's own note, or the error), '' otherwise. */
  readonly note: string;
}

/** One row of the points table. */
export interface BackboneRow extends Row {
  readonly data: string;
  readonly backbone: string;
  readonly kind: string;
  /** Non-embedding parameters by the model registry (MODELS[kind].paramCounts). */
  readonly params: number;
  readonly numLayers: number;
  readonly dim: number;
  /** null on a mean row. */
  readonly seed: number | null;
  readonly testLoss: number;
  readonly 'NDCG@10': number;
  /** The backbone's fit on this panel (repeated on each of its rows). */
  readonly E: number | null;
  readonly alpha: number | null;
  readonly r2: number | null;
  readonly fit: FitStatus;
}

const fixedOrEmpty = (digits: number) => (v: Cell): string => (typeof v === 'number' ? v.toFixed(digits) : formatCell(v));

/** Columns of the CSV and Markdown table: data, backbone, N, n_layer, d_model, seed, test loss, NDCG@10, then the fit. */
export const FIG_BACKBONES_COLUMNS: readonly Column[] = [
  SIZE_COLUMNS[0],
  { key: 'backbone', label: 'Backbone' },
  ...SIZE_COLUMNS.slice(1),
  { key: 'testLoss', label: 'Test loss', format: metricFormat('testLoss', 4) },
  { key: 'NDCG@10', label: 'NDCG@10', format: metricFormat('NDCG@10', 4) },
  { key: 'E', label: 'fit E', format: fixedOrEmpty(3) },
  { key: 'alpha', label: 'fit alpha', format: fixedOrEmpty(3) },
  { key: 'r2', label: 'fit R^2', format: fixedOrEmpty(3) },
  { key: 'fit', label: 'Fit' },
];

/** Columns of the fits table (one row per panel and backbone; the notebook shows it). */
export const FIG_BACKBONES_FIT_COLUMNS: readonly Column[] = [
  { key: 'data', label: 'Data' },
  { key: 'backbone', label: 'Backbone' },
  { key: 'sizes', label: 'Sizes' },
  { key: 'n', label: 'Runs' },
  { key: 'E', label: 'E', format: fixedOrEmpty(4) },
  { key: 'x0', label: 'N0', format: (v) => (typeof v === 'number' ? v.toExponential(2) : formatCell(v)) },
  { key: 'alpha', label: 'alpha', format: fixedOrEmpty(4) },
  { key: 'r2', label: 'R^2', format: fixedOrEmpty(4) },
  { key: 'status', label: 'Status' },
  { key: 'note', label: 'Note' },
];

/** What the figure draws: the rows, the fits and the backbones' labels in legend (colour) order. */
export interface BackbonesDrawing {
  readonly title: string;
  readonly rows: readonly BackboneRow[];
  readonly fits: readonly BackboneFit[];
  readonly backbones: readonly string[];
}

/** The fitted law as a dashed curve over the panel's N range (none without parameters). */
function lawTrace(fit: BackboneFit | undefined, grid: readonly number[], name: string, color: number): Trace[] {
  if (!fit || fit.E === null || fit.x0 === null || fit.alpha === null) return [];
  const p = { E: fit.E, x0: fit.x0, alpha: fit.alpha };
  const text = grid.map(() => `fit (${fit.status}): E ${fit.E!.toFixed(3)}, α ${fit.alpha!.toFixed(3)}, R² ${fit.r2?.toFixed(3)}`);
  return [{ ...lineTrace({ name, x: grid, y: grid.map((x) => powerLaw(x, p)), dash: 'dash', text }, color), mode: 'lines' }];
}

/** The grid figure (deterministic: same drawing, same JSON). */
export function backbonesFigure(d: BackbonesDrawing): Figure {
  const drawn = drawnRows(d.rows, ['data', 'backbone', 'params']);
  const panels = [...new Set(d.rows.map((r) => r.data))];
  const grid: Panel[][] = panels.map((data) => {
    const here = drawn.filter((r) => r.data === data);
    const xs = here.map((r) => r.params);
    const curve = logSpace(Math.min(...xs) / 1.3, Math.max(...xs) * 1.3, 50);
    const loss: Trace[] = [];
    const ndcg: Trace[] = [];
    d.backbones.forEach((name, i) => {
      const pts = here.filter((r) => r.backbone === name).sort((a, b) => a.params - b.params);
      if (pts.length === 0) return;
      const x = pts.map((r) => r.params);
      const text = pts.map((r) => `${r.numLayers}x${r.dim}`);
      loss.push({ ...scatterTrace({ name, x, y: pts.map((r) => r.testLoss), text }, i), ...errorBars(pts, 'testLoss') });
      loss.push(...lawTrace(d.fits.find((f) => f.data === data && f.backbone === name), curve, name, i));
      ndcg.push({ ...lineTrace({ name, x, y: pts.map((r) => r['NDCG@10']), text }, i), ...errorBars(pts, 'NDCG@10') });
    });
    const x = { title: 'non-embedding parameters N', type: 'log' as const };
    return [
      { title: `${data}: test loss (dashed: fitted power law)`, x, y: { title: 'test loss (cross-entropy)' }, traces: loss },
      { title: `${data}: test NDCG@10`, x, y: { title: 'test NDCG@10' }, traces: ndcg },
    ];
  });
  return gridFigure(d.title, grid, { width: 1200, rowHeight: 420 });
}
