/**
 * Trace builders: one plotly trace per call, as plain JSON. A series is named x/y data; the
 * colour comes from its index in the figure (theme PALETTE), so the same series keeps the
 * same colour across figures that list series in the same order.
 */
import { seriesColor, type Trace } from './theme';

/** A named series of points. x may be numbers (sizes, steps) or category labels. */
export interface Series {
  readonly name: string;
  readonly x: ArrayLike<number> | readonly string[];
  readonly y: ArrayLike<number>;
  /** Line dash for a line trace, e.g. 'dash' for a fitted law next to measured points. */
  readonly dash?: 'solid' | 'dash' | 'dot' | 'dashdot';
  /** Hover text per point. */
  readonly text?: readonly string[];
}

/** A lower/upper envelope around a series (e.g. min/max over seeds). */
export interface Band {
  readonly name: string;
  readonly x: ArrayLike<number>;
  readonly lower: ArrayLike<number>;
  readonly upper: ArrayLike<number>;
}

function toArray(xs: ArrayLike<number> | readonly string[]): (number | string)[] {
  return Array.from(xs as ArrayLike<number | string>);
}

function checkLengths(s: { name: string; x: ArrayLike<unknown> }, ys: ArrayLike<number>, what: string): void {
  if (s.x.length !== ys.length) {
    throw new Error(`series '${s.name}': x has ${s.x.length} values but ${what} has ${ys.length}`);
  }
}

function baseTrace(s: Series): Trace {
  checkLengths(s, s.y, 'y');
  const t: Trace = { name: s.name, x: toArray(s.x), y: toArray(s.y) };
  if (s.text !== undefined) t.text = [...s.text];
  return t;
}

/** A line with markers (measured points joined in x order). */
export function lineTrace(s: Series, index: number): Trace {
  return {
    ...baseTrace(s),
    type: 'scatter',
    mode: 'lines+markers',
    line: { color: seriesColor(index), width: 2, dash: s.dash ?? 'solid' },
    marker: { color: seriesColor(index), size: 6 },
  };
}

/** Markers only (a cloud of runs). */
export function scatterTrace(s: Series, index: number): Trace {
  return {
    ...baseTrace(s),
    type: 'scatter',
    mode: 'markers',
    marker: { color: seriesColor(index), size: 8, opacity: 0.85 },
  };
}

/** Vertical bars; series sharing an x category are grouped by the figure layout. */
export function barTrace(s: Series, index: number): Trace {
  return { ...baseTrace(s), type: 'bar', marker: { color: seriesColor(index) } };
}

/** A shaded band between lower and upper, drawn as one closed polygon (no legend entry). */
export function bandTrace(b: Band, index: number): Trace {
  checkLengths(b, b.lower, 'lower');
  checkLengths(b, b.upper, 'upper');
  const x = toArray(b.x);
  return {
    name: b.name,
    type: 'scatter',
    mode: 'lines',
    x: [...x, ...[...x].reverse()],
    y: [...toArray(b.lower), ...toArray(b.upper).reverse()],
    fill: 'toself',
    fillcolor: hexToRgba(seriesColor(index), 0.15),
    line: { width: 0 },
    hoverinfo: 'skip',
    showlegend: false,
  };
}

/** '#RRGGBB' -> 'rgba(r,g,b,alpha)'. */
export function hexToRgba(hex: string, alpha: number): string {
  const m = /^#([0-9a-f]{2})([0-9a-f]{2})([0-9a-f]{2})$/i.exec(hex);
  if (!m) throw new Error(`not a #RRGGBB colour: '${hex}'`);
  const [r, g, b] = [m[1], m[2], m[3]].map((h) => parseInt(h, 16));
  return `rgba(${r},${g},${b},${alpha})`;
}
