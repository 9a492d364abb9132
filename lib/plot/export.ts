/**
 * Export: a figure or table as a self-contained HTML page (plotly.js inlined, no network),
 * and that page rendered to PNG by headless Chromium through playwright-core. In figure
 * files plotly.js (4.8 MB) is inlined gzip-compressed as base64 and unpacked by the browser's
 * DecompressionStream, which keeps each committed figures/<id>.html under 2 MiB. One browser
 * is shared per process and closed after a short idle time, so a burst of saves starts
 * Chromium once and a CLI process still exits on its own.
 */
import { existsSync, readFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import type { Browser } from 'playwright-core';
import { sourceHash } from './png-stamp';
import { escapeHtml } from './table';
import { FIGURE_SIZE, type Figure } from './theme';

/** Chromium flags: headless, no sandbox (root in CI), and no network side traffic. */
export const CHROME_FLAGS: readonly string[] = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--no-first-run',
];

/** How to get a browser when none is found. */
export const NO_BROWSER_HINT =
  'no Chromium found: set CHROME_PATH to a Chrome/Chromium binary or `apt-get install chromium`; writing HTML only';

const IDLE_CLOSE_MS = 1500;
let plotlyCache: string | undefined;
let plotlyGzipCache: string | undefined;
let plotlyHashCache: string | undefined;
let browserPromise: Promise<Browser> | undefined;
let idleTimer: NodeJS.Timeout | undefined;

/** The plotly.js-dist-min bundle source (read once per process). */
export function plotlySource(): string {
  plotlyCache ??= readFileSync(require.resolve('plotly.js-dist-min'), 'utf8');
  return plotlyCache;
}

/** sourceHash of the plotly.js bundle: part of a figure's stamp, so a new plotly.js redraws figures. */
export function plotlyHash(): string {
  plotlyHashCache ??= sourceHash(plotlySource());
  return plotlyHashCache;
}

/** plotly.js gzip-compressed (level 9, deterministic) as base64. */
export function plotlyGzipBase64(): string {
  plotlyGzipCache ??= gzipSync(plotlySource(), { level: 9 }).toString('base64');
  return plotlyGzipCache;
}

/**
 * A script that unpacks the compressed plotly.js and runs it; it sets window.lsrmPlotly to a
 * promise of Plotly, which plotlyDiv waits for. Needs DecompressionStream (all current browsers).
 */
export function compressedPlotlyScript(): string {
  return (
    `<script>window.lsrmPlotly=(async function(){var b=atob("${plotlyGzipBase64()}"),u=new Uint8Array(b.length);` +
    `for(var i=0;i<b.length;i++)u[i]=b.charCodeAt(i);` +
    `var js=await new Response(new Blob([u]).stream().pipeThrough(new DecompressionStream('gzip'))).text();` +
    `var s=document.createElement('script');s.text=js;document.head.appendChild(s);return window.Plotly;})();</script>`
  );
}

/** The browser binary: $CHROME_PATH when set (it must exist), else the first known install. */
export function findChrome(env: NodeJS.ProcessEnv = process.env): string | undefined {
  if (env.CHROME_PATH) {
    if (!existsSync(env.CHROME_PATH)) throw new Error(`CHROME_PATH=${env.CHROME_PATH} does not exist`);
    return env.CHROME_PATH;
  }
  return ['/usr/bin/chromium', '/usr/bin/chromium-browser', '/usr/bin/google-chrome'].find((p) => existsSync(p));
}

/** `</script>` inside inlined JSON or JS would end the script element early. */
function scriptSafe(s: string): string {
  return s.replace(/<\/(script)/gi, '<\\/$1');
}

/**
 * The <div> + <script> that draw `fig` with plotly: window.lsrmPlotly when a compressed copy
 * is unpacking, else the global Plotly (loaded before). Sets body[data-ready] when drawn,
 * which the PNG renderer waits for.
 */
export function plotlyDiv(fig: Figure, divId: string): string {
  const json = scriptSafe(JSON.stringify({ data: fig.data, layout: fig.layout }));
  return (
    `<div id="${escapeHtml(divId)}"></div>\n<script>(function(){var f=${json};` +
    `(window.lsrmPlotly||Promise.resolve(window.Plotly)).then(function(P){` +
    `return P.newPlot(${JSON.stringify(divId)},f.data,f.layout,{displaylogo:false,responsive:false});})` +
    `.then(function(){document.body.setAttribute('data-ready','1');});})();</script>`
  );
}

/**
 * A complete HTML page around `body`, optionally with compressed plotly.js inlined in the head
 * and a `<meta name="lsrm-source">` stamp (save.ts: what the page was made from).
 */
export function htmlPage(title: string, body: string, withPlotly: boolean, stamp?: string): string {
  const meta = stamp === undefined ? '' : `<meta name="lsrm-source" content="${escapeHtml(stamp)}">\n`;
  const head = `${meta}${withPlotly ? `${compressedPlotlyScript()}\n` : ''}`;
  return (
    `<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8"><title>${escapeHtml(title)}</title>\n${head}` +
    `<style>body{margin:16px;background:#fff}</style></head>\n<body>\n<div id="lsrm-root" style="display:inline-block;padding:8px;background:#fff">\n${body}\n</div>\n</body></html>\n`
  );
}

/** The id of the plot's <div> in a figure page. */
export const FIGURE_DIV_ID = 'lsrm-figure';

/** A self-contained interactive page for a figure (works offline: plotly.js is inlined), optionally stamped. */
export function figureHtml(fig: Figure, title: string, stamp?: string): string {
  return htmlPage(title, plotlyDiv(fig, FIGURE_DIV_ID), true, stamp);
}

async function launch(executablePath: string): Promise<Browser> {
  const { chromium } = await import('playwright-core');
  return chromium.launch({ executablePath, headless: true, args: [...CHROME_FLAGS] });
}

function scheduleIdleClose(): void {
  if (idleTimer) clearTimeout(idleTimer);
  idleTimer = setTimeout(() => void closeBrowser(), IDLE_CLOSE_MS);
}

/** Close the shared browser now (safe to call when none is open). */
export async function closeBrowser(): Promise<void> {
  if (idleTimer) clearTimeout(idleTimer);
  idleTimer = undefined;
  const p = browserPromise;
  browserPromise = undefined;
  if (p) await (await p).close().catch(() => undefined);
}

/** Options of renderPng. */
export interface RenderOptions {
  readonly width?: number;
  readonly height?: number;
  /** Wait for body[data-ready] (set by plotlyDiv) before the screenshot. */
  readonly waitForPlot?: boolean;
  readonly chromePath?: string;
}

/**
 * Render an HTML page to PNG bytes (2x pixel density), cropped to #lsrm-root.
 * @throws when no browser is found or it fails to start.
 */
export async function renderPng(html: string, opts: RenderOptions = {}): Promise<Buffer> {
  const exe = opts.chromePath ?? findChrome();
  if (!exe) throw new Error(NO_BROWSER_HINT);
  // A render in progress keeps the shared browser open (the idle close is re-armed at the end).
  if (idleTimer) clearTimeout(idleTimer);
  idleTimer = undefined;
  browserPromise ??= launch(exe);
  const browser = await browserPromise.catch((err: Error) => {
    browserPromise = undefined;
    throw new Error(`Chromium at ${exe} failed to start: ${err.message.split('\n')[0]}`);
  });
  const viewport = { width: (opts.width ?? FIGURE_SIZE.width) + 40, height: (opts.height ?? FIGURE_SIZE.height) + 40 };
  const page = await browser.newPage({ viewport, deviceScaleFactor: 2 });
  try {
    await page.setContent(html, { waitUntil: 'load' });
    if (opts.waitForPlot) await page.waitForSelector('body[data-ready="1"]', { timeout: 30_000 });
    return await page.locator('#lsrm-root').screenshot({ type: 'png' });
  } finally {
    await page.close();
    scheduleIdleClose();
  }
}
