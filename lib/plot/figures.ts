/**
 * Figure builders: series in, complete plotly figure spec (data + themed layout) out.
 * Pure and deterministic, so tests snapshot the JSON and notebooks only pass data.
 */
import { themedLayout, type Figure, type LayoutOptions } from './theme';
import { bandTrace, barTrace, lineTrace, scatterTrace, type Band, type Series } from './traces';
import { formatCell, type Column, type Row } from './table';

/** Options of lineFigure: the layout options plus shaded bands (matched to series by name). */
export interface LineFigureOptions extends LayoutOptions {
  readonly bands?: readonly Band[];
}

function checkSeries(series: readonly Series[]): void {
  if (series.length === 0) throw new Error('a figure needs at least one series');
}

/**
 * Lines with markers, one per series (e.g. test loss against parameters, one line per
 * data size). A band named like a series gets that series' colour and is drawn beneath it.
 */
export function lineFigure(series: readonly Series[], opts: LineFigureOptions = {}): Figure {
  checkSeries(series);
  const bands = (opts.bands ?? []).map((b) => {
    const i = series.findIndex((s) => s.name === b.name);
    if (i < 0) throw new Error(`band '${b.name}' matches no series (${series.map((s) => s.name).join(', ')})`);
    return bandTrace(b, i);
  });
  const { bands: _unused, ...layoutOpts } = opts;
  return { data: [...bands, ...series.map(lineTrace)], layout: themedLayout(layoutOpts) };
}

/** Markers only, one colour per series. */
export function scatterFigure(series: readonly Series[], opts: LayoutOptions = {}): Figure {
  checkSeries(series);
  return { data: series.map(scatterTrace), layout: themedLayout(opts) };
}

/** Grouped vertical bars: series sharing x categories stand side by side. */
export function barFigure(series: readonly Series[], opts: LayoutOptions = {}): Figure {
  checkSeries(series);
  return { data: series.map(barTrace), layout: { ...themedLayout(opts), barmode: 'group' } };
}

/** A plotly table trace (for figures that pair a table with a plot; saveTable uses HTML). */
export function tableFigure(rows: readonly Row[], columns: readonly Column[], opts: LayoutOptions = {}): Figure {
  if (columns.length === 0) throw new Error('a table needs at least one column');
  const cells = columns.map((c) => rows.map((r) => (c.format ?? formatCell)(r[c.key])));
  const trace = {
    type: 'table',
    header: { values: columns.map((c) => c.label), fill: { color: '#f3f3f3' }, align: 'left', font: { size: 13 } },
    cells: { values: cells, align: 'left', font: { size: 12 }, height: 24 },
  };
  const layout = themedLayout({ height: 80 + 26 * rows.length, ...opts, showLegend: false });
  return { data: [trace], layout };
}
