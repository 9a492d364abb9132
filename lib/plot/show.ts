/**
 * Show figures and tables in a tslab notebook: interactive plotly HTML plus the saved PNG,
 * so a reopened (untrusted) notebook or GitHub's viewer still shows the picture. Outside a
 * notebook kernel they print a text fallback instead.
 */
import { readFileSync } from 'node:fs';
import { sep } from 'node:path';
import { compressedPlotlyScript, plotlyDiv } from './export';
import { saveFigure, saveTable, type SaveOptions, type SavedFiles } from './save';
import { toHtmlTable, toMarkdown, type Column, type Row, type TableOptions } from './table';
import type { Figure } from './theme';

interface TslabDisplay {
  html(s: string): void;
  png(b: Uint8Array): void;
}

/**
 * tslab's display, when this process is a tslab kernel. The kernel has loaded
 * tslab/dist/jupyter.js, which tslab's public `display` writes through; outside a kernel,
 * loading tslab would only pull in its TypeScript compiler to throw "Not ready".
 */
function kernelDisplay(): TslabDisplay | undefined {
  const marker = `${sep}tslab${sep}dist${sep}jupyter.js`;
  if (!Object.keys(require.cache).some((k) => k.endsWith(marker))) return undefined;
  return (require('tslab') as { display: TslabDisplay }).display;
}

let plotlyShown = false;
let divCounter = 0;

/** Display a figure: interactive plotly (plotly.js inlined once per kernel, ~2 MB) and its PNG if saved. */
export function showFigure(fig: Figure, saved?: SavedFiles): void {
  const display = kernelDisplay();
  if (!display) {
    const title = (fig.layout.title as { text?: string } | undefined)?.text ?? 'figure';
    process.stdout.write(`[${title}: ${fig.data.length} traces${saved ? `, saved ${saved.png ?? saved.html}` : ''}]\n`);
    return;
  }
  // Inline (compressed) plotly.js only with the first figure: later outputs reuse window.lsrmPlotly.
  const lib = plotlyShown ? '' : compressedPlotlyScript();
  plotlyShown = true;
  display.html(`${lib}${plotlyDiv(fig, `lsrm-fig-${process.pid}-${++divCounter}`)}`);
  if (saved?.png) display.png(readFileSync(saved.png));
}

/** Display a table as HTML in a notebook, or print it as Markdown elsewhere. */
export function showTable(rows: readonly Row[], columns: readonly Column[], opts: TableOptions = {}): void {
  const display = kernelDisplay();
  if (display) display.html(toHtmlTable(rows, columns, opts));
  else process.stdout.write(toMarkdown(rows, columns, opts));
}

/** Save a figure to figures/<id>.{html,png} and show it; returns the files written. */
export async function publishFigure(fig: Figure, id: string, opts: SaveOptions = {}): Promise<SavedFiles> {
  const saved = await saveFigure(fig, id, opts);
  showFigure(fig, saved);
  return saved;
}

/** Save a table to figures/<id>.{csv,md,html,png} and show it; returns the files written. */
export async function publishTable(
  rows: readonly Row[],
  columns: readonly Column[],
  id: string,
  opts: SaveOptions & TableOptions = {},
): Promise<SavedFiles> {
  const saved = await saveTable(rows, columns, id, opts);
  showTable(rows, columns, opts);
  return saved;
}
