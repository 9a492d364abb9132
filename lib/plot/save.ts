/**
 * Save figures and tables to figures/: <id>.html (self-contained) and <id>.png for both,
 * plus <id>.json (the plotly spec) for figures and <id>.csv and <id>.md for tables. PNGs need
 * Chromium; without one the other files are still written and the result says why the PNG is
 * missing.
 *
 * Where: figures/<id>.* holds the committed results of the cpu scale; any other scale writes
 * figures/<scale>/<id>.* (git-ignored). $LSRM_FIGURES_DIR moves the root.
 *
 * Regenerating with unchanged data changes no file. Text files are written only when their
 * bytes differ. A PNG carries a hash of what it was rendered from (png-stamp.ts: the table's
 * HTML page, or the figure's page and plotly.js) and is rendered again only when that hash
 * changes, so another machine's fonts never rewrite a committed PNG. A figure's HTML embeds
 * plotly.js gzip-compressed, whose bytes depend on the machine's zlib: it carries the same
 * hash in a <meta> tag and is rewritten only when the hash changes.
 */
import { existsSync, readFileSync } from 'node:fs';
import { basename, dirname, join, relative } from 'node:path';
import { figuresDir } from '../util/paths';
import { writeFileAtomic } from '../util/atomic';
import { FIGURE_DIV_ID, figureHtml, findChrome, htmlPage, NO_BROWSER_HINT, plotlyDiv, plotlyHash, renderPng } from './export';
import { readPngText, sourceHash, stampPng } from './png-stamp';
import { toCsv, toHtmlTable, toMarkdown, type Column, type Row, type TableOptions } from './table';
import type { Figure } from './theme';

/** The scale whose outputs live in figures/ itself (committed); other scales get a subfolder. */
export const COMMITTED_SCALE = 'cpu';

/** Where and how to save. */
export interface SaveOptions {
  /** Output folder, created if missing. Default figuresDirFor(scale). */
  readonly dir?: string;
  /** Scale of the results: files go to figures/ for 'cpu' (and when unset), else figures/<scale>/. */
  readonly scale?: string;
  /** Render a PNG (default true). */
  readonly png?: boolean;
  /** Print the missing-browser message to stderr (default true). */
  readonly warn?: boolean;
}

/** The files one save wrote or found up to date (absolute or dir-relative paths as given by `dir`). */
export interface SavedFiles {
  readonly html: string;
  readonly png?: string;
  readonly csv?: string;
  readonly md?: string;
  /** The figure's plotly spec (figures only). */
  readonly json?: string;
  /** The PNG on disk already showed this content and was left untouched. */
  readonly pngKept?: boolean;
  /** Why no PNG was written, when png was wanted. */
  readonly pngSkipped?: string;
}

const ID_RE = /^[a-z0-9][a-z0-9-]*$/;

/** Check a figure id: lowercase letters, digits and dashes, e.g. 'fig-02-data-scaling'. */
export function checkFigureId(id: string): void {
  if (!ID_RE.test(id)) throw new Error(`figure id '${id}' must match ${ID_RE} (lowercase, digits, dashes)`);
}

/**
 * The folder of a scale's figures: `root` itself for the committed cpu scale (or no scale),
 * `root/<scale>` for any other.
 * @example figuresDirFor('smoke', '/p/figures') // '/p/figures/smoke'
 */
export function figuresDirFor(scale: string | undefined, root: string = figuresDir()): string {
  if (scale === undefined || scale === COMMITTED_SCALE) return root;
  if (!ID_RE.test(scale)) throw new Error(`scale name '${scale}' must match ${ID_RE}`);
  return join(root, scale);
}

/** Write `text` to `path` unless the file already holds exactly it; true when written. */
export function writeIfChanged(path: string, text: string): boolean {
  if (existsSync(path) && readFileSync(path, 'utf8') === text) return false;
  writeFileAtomic(path, text);
  return true;
}

let warnedNoBrowser = false;

interface PngJob {
  readonly path: string;
  /** sourceHash of what the PNG draws. */
  readonly stamp: string;
  /** The page to render (built only when a render is needed). */
  html(): string;
  readonly size: { width?: number; height?: number };
  readonly waitForPlot: boolean;
}

async function writePng(job: PngJob, opts: SaveOptions): Promise<Pick<SavedFiles, 'png' | 'pngKept' | 'pngSkipped'>> {
  if (opts.png === false) return {};
  if (existsSync(job.path) && readPngText(readFileSync(job.path)) === job.stamp) return { png: job.path, pngKept: true };
  let reason: string | undefined;
  try {
    if (!findChrome()) reason = NO_BROWSER_HINT;
    else {
      const png = await renderPng(job.html(), { ...job.size, waitForPlot: job.waitForPlot });
      writeFileAtomic(job.path, stampPng(png, job.stamp));
      return { png: job.path };
    }
  } catch (err) {
    reason = (err as Error).message;
  }
  if (existsSync(job.path)) reason += `; the existing ${job.path} was left as it was and may be out of date`;
  if (opts.warn !== false && !warnedNoBrowser) {
    process.stderr.write(`figures: ${reason}\n`);
    warnedNoBrowser = true;
  }
  return { pngSkipped: reason };
}

/** The stamp in a figure page's <meta name="lsrm-source">, if the file exists and has one. */
function htmlStamp(path: string): string | undefined {
  if (!existsSync(path)) return undefined;
  return /<meta name="lsrm-source" content="([^"]*)">/.exec(readFileSync(path, 'utf8'))?.[1];
}

/** Write figures/<id>.json (the spec), <id>.html (interactive, offline) and <id>.png. */
export async function saveFigure(fig: Figure, id: string, opts: SaveOptions = {}): Promise<SavedFiles> {
  checkFigureId(id);
  const dir = opts.dir ?? figuresDirFor(opts.scale);
  const title = (fig.layout.title as { text?: string } | undefined)?.text ?? id;
  const json = JSON.stringify({ data: fig.data, layout: fig.layout }, null, 2) + '\n';
  // Everything the page holds: plotly.js (by its hash) and the page without it (template, spec).
  const stamp = sourceHash(`${plotlyHash()}\n${htmlPage(title, plotlyDiv(fig, FIGURE_DIV_ID), false)}`);
  const files = { html: join(dir, `${id}.html`), json: join(dir, `${id}.json`) };
  let html: string | undefined;
  const page = (): string => (html ??= figureHtml(fig, title, stamp));
  if (htmlStamp(files.html) !== stamp) writeFileAtomic(files.html, page());
  writeIfChanged(files.json, json);
  const size = { width: fig.layout.width as number | undefined, height: fig.layout.height as number | undefined };
  return { ...files, ...(await writePng({ path: join(dir, `${id}.png`), stamp, html: page, size, waitForPlot: true }, opts)) };
}

/** Write figures/<id>.csv (raw values), .md, .html (styled table) and .png. */
export async function saveTable(
  rows: readonly Row[],
  columns: readonly Column[],
  id: string,
  opts: SaveOptions & TableOptions = {},
): Promise<SavedFiles> {
  checkFigureId(id);
  const dir = opts.dir ?? figuresDirFor(opts.scale);
  const files = { csv: join(dir, `${id}.csv`), md: join(dir, `${id}.md`), html: join(dir, `${id}.html`) };
  writeIfChanged(files.csv, toCsv(rows, columns));
  writeIfChanged(files.md, toMarkdown(rows, columns, opts));
  // A table page is the same bytes on every machine: it is the PNG's source as it stands.
  const html = htmlPage(opts.title ?? id, toHtmlTable(rows, columns, opts), false);
  writeIfChanged(files.html, html);
  const job = { path: join(dir, `${id}.png`), stamp: sourceHash(html), html: () => html, size: { width: 1400, height: 400 }, waitForPlot: false };
  return { ...files, ...(await writePng(job, opts)) };
}

/** One line naming what a save wrote, e.g. 'figures/table-4-configs.{csv,md,html,png} (PNG up to date)'. */
export function describeSaved(saved: SavedFiles, from: string = process.cwd()): string {
  const stem = basename(saved.html, '.html');
  const dir = relative(from, dirname(saved.html)) || '.';
  const exts = (['json', 'csv', 'md', 'html', 'png'] as const).filter((k) => saved[k] !== undefined);
  const note = saved.pngSkipped ? ` (no PNG: ${saved.pngSkipped})` : saved.pngKept ? ' (PNG up to date)' : '';
  return `${join(dir, stem)}.{${exts.join(',')}}${note}`;
}
