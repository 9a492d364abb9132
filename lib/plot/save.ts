/**
 * Save figures and tables to figures/: <id>.html (self-contained) and <id>.png for both,
 * plus <id>.csv and <id>.md for tables. PNGs need Chromium; without one the HTML (and the
 * CSV/Markdown) are still written and the result says why the PNG is missing.
 */
import { existsSync } from 'node:fs';
import { basename, dirname, join, relative } from 'node:path';
import { figuresDir } from '../experiments/paths';
import { writeFileAtomic } from '../util/atomic';
import { figureHtml, findChrome, htmlPage, NO_BROWSER_HINT, renderPng } from './export';
import { toCsv, toHtmlTable, toMarkdown, type Column, type Row, type TableOptions } from './table';
import type { Figure } from './theme';

/** Where and how to save. */
export interface SaveOptions {
  /** Output folder, created if missing. Default figuresDir(): $LSRM_FIGURES_DIR or <project>/figures. */
  readonly dir?: string;
  /** Render a PNG (default true). */
  readonly png?: boolean;
  /** Print the missing-browser message to stderr (default true). */
  readonly warn?: boolean;
}

/** The files one save wrote (absolute or dir-relative paths as given by `dir`). */
export interface SavedFiles {
  readonly html: string;
  readonly png?: string;
  readonly csv?: string;
  readonly md?: string;
  /** Why no PNG was written, when png was wanted. */
  readonly pngSkipped?: string;
}

const ID_RE = /^[a-z0-9][a-z0-9-]*$/;

/** Check a figure id: lowercase letters, digits and dashes, e.g. 'fig-02-data-scaling'. */
export function checkFigureId(id: string): void {
  if (!ID_RE.test(id)) throw new Error(`figure id '${id}' must match ${ID_RE} (lowercase, digits, dashes)`);
}

let warnedNoBrowser = false;

async function writePng(html: string, path: string, opts: SaveOptions, size: { width?: number; height?: number }, waitForPlot: boolean): Promise<Pick<SavedFiles, 'png' | 'pngSkipped'>> {
  if (opts.png === false) return {};
  let reason: string | undefined;
  try {
    if (!findChrome()) reason = NO_BROWSER_HINT;
    else {
      writeFileAtomic(path, await renderPng(html, { ...size, waitForPlot }));
      return { png: path };
    }
  } catch (err) {
    reason = (err as Error).message;
  }
  if (existsSync(path)) reason += `; the existing ${path} was left as it was and may be out of date`;
  if (opts.warn !== false && !warnedNoBrowser) {
    process.stderr.write(`figures: ${reason}\n`);
    warnedNoBrowser = true;
  }
  return { pngSkipped: reason };
}

/** Write figures/<id>.html (interactive, offline) and figures/<id>.png. */
export async function saveFigure(fig: Figure, id: string, opts: SaveOptions = {}): Promise<SavedFiles> {
  checkFigureId(id);
  const dir = opts.dir ?? figuresDir();
  const titleObj = fig.layout.title as { text?: string } | undefined;
  const html = figureHtml(fig, titleObj?.text ?? id);
  const htmlPath = join(dir, `${id}.html`);
  writeFileAtomic(htmlPath, html);
  const size = { width: fig.layout.width as number | undefined, height: fig.layout.height as number | undefined };
  return { html: htmlPath, ...(await writePng(html, join(dir, `${id}.png`), opts, size, true)) };
}

/** Write figures/<id>.csv (raw values), .md, .html (styled table) and .png. */
export async function saveTable(
  rows: readonly Row[],
  columns: readonly Column[],
  id: string,
  opts: SaveOptions & TableOptions = {},
): Promise<SavedFiles> {
  checkFigureId(id);
  const dir = opts.dir ?? figuresDir();
  const files = { csv: join(dir, `${id}.csv`), md: join(dir, `${id}.md`), html: join(dir, `${id}.html`) };
  writeFileAtomic(files.csv, toCsv(rows, columns));
  writeFileAtomic(files.md, toMarkdown(rows, columns, opts));
  const html = htmlPage(opts.title ?? id, toHtmlTable(rows, columns, opts), false);
  writeFileAtomic(files.html, html);
  return { ...files, ...(await writePng(html, join(dir, `${id}.png`), opts, { width: 1400, height: 400 }, false)) };
}

/** One line naming what a save wrote, e.g. 'figures/table-4-configs.{csv,md,html,png}'. */
export function describeSaved(saved: SavedFiles, from: string = process.cwd()): string {
  const stem = basename(saved.html, '.html');
  const dir = relative(from, dirname(saved.html)) || '.';
  const exts = (['csv', 'md', 'html', 'png'] as const).filter((k) => saved[k] !== undefined);
  const skipped = saved.pngSkipped ? ` (no PNG: ${saved.pngSkipped})` : '';
  return `${join(dir, stem)}.{${exts.join(',')}}${skipped}`;
}
