/**
 * The shared look of every figure: one palette, one font, one layout builder. Figures are
 * plain plotly.js JSON specs (data + layout), so they snapshot-test as JSON and render the
 * same in a notebook, in figures/<id>.html and in figures/<id>.png.
 */

/** A plotly trace: a plain JSON object (`type`, `x`, `y`, `name`, ...). */
export type Trace = Record<string, unknown>;

/** A plotly layout: a plain JSON object. */
export type Layout = Record<string, unknown>;

/** A complete figure spec: what `Plotly.newPlot(div, data, layout)` takes. */
export interface Figure {
  readonly data: Trace[];
  readonly layout: Layout;
}

/** Colour cycle (colour-blind safe, Okabe-Ito order) used for series in order. */
export const PALETTE: readonly string[] = [
  '#0072B2', '#D55E00', '#009E73', '#CC79A7', '#E69F00', '#56B4E9', '#F0E442', '#000000',
];

/** Default figure size in CSS pixels; PNGs are rendered at 2x this for sharp text. */
export const FIGURE_SIZE = { width: 720, height: 440 } as const;

const FONT = { family: 'Helvetica, Arial, sans-serif', size: 13, color: '#222' };

/** Axis options a figure builder passes through to the layout. */
export interface AxisOptions {
  readonly title?: string;
  /** 'log' for the log-log scaling plots. */
  readonly type?: 'linear' | 'log';
  readonly range?: readonly [number, number];
}

/** Options shared by every figure builder. */
export interface LayoutOptions {
  readonly title?: string;
  readonly x?: AxisOptions;
  readonly y?: AxisOptions;
  readonly width?: number;
  readonly height?: number;
  readonly showLegend?: boolean;
}

/** The colour of series `i` (cycles through PALETTE). */
export function seriesColor(i: number): string {
  return PALETTE[((i % PALETTE.length) + PALETTE.length) % PALETTE.length];
}

function axis(opts: AxisOptions | undefined): Layout {
  const out: Layout = {
    showgrid: true,
    gridcolor: '#e6e6e6',
    zeroline: false,
    linecolor: '#888',
    ticks: 'outside',
    type: opts?.type ?? 'linear',
  };
  if (opts?.title !== undefined) out.title = { text: opts.title };
  if (opts?.range !== undefined) out.range = [...opts.range];
  return out;
}

/** The themed plotly layout for a figure. Pure: the same options give the same JSON. */
export function themedLayout(opts: LayoutOptions = {}): Layout {
  const layout: Layout = {
    font: FONT,
    width: opts.width ?? FIGURE_SIZE.width,
    height: opts.height ?? FIGURE_SIZE.height,
    margin: { l: 70, r: 20, t: opts.title ? 50 : 20, b: 60 },
    paper_bgcolor: '#ffffff',
    plot_bgcolor: '#ffffff',
    xaxis: axis(opts.x),
    yaxis: axis(opts.y),
    showlegend: opts.showLegend ?? true,
    legend: { bgcolor: 'rgba(255,255,255,0.8)', bordercolor: '#ccc', borderwidth: 1 },
  };
  if (opts.title !== undefined) layout.title = { text: opts.title, x: 0.02, xanchor: 'left' };
  return layout;
}
