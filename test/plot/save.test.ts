import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, readdirSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { closeBrowser, figureHtml, findChrome, plotlySource } from '../../lib/plot/export';
import { lineFigure } from '../../lib/plot/figures';
import { readPngText, sourceHash, stampPng } from '../../lib/plot/png-stamp';
import { checkFigureId, describeSaved, figuresDirFor, saveFigure, saveTable, writeIfChanged } from '../../lib/plot/save';
import { tinyPng } from './tiny-png';

const tmp = () => mkdtempSync(join(tmpdir(), 'lsrm-save-'));
const FIG = lineFigure([{ name: 'a</script><b>', x: [1, 2, 3], y: [3, 2, 1] }], { title: 'T' });
const COLS = [{ key: 'k', label: 'Key' }, { key: 'v', label: 'Value' }];
const ROWS = [{ k: 'a,b', v: 1500 }];
const HAS_CHROME = (() => { try { return findChrome() !== undefined; } catch { return false; } })();

after(() => closeBrowser());

/** Width and height from a PNG's IHDR chunk (bytes 16..23, big-endian). */
function pngSize(path: string): [number, number] {
  const b = readFileSync(path);
  assert.deepEqual([...b.subarray(0, 8)], [137, 80, 78, 71, 13, 10, 26, 10], 'PNG signature');
  return [b.readUInt32BE(16), b.readUInt32BE(20)];
}

function withEnv<T>(name: string, value: string | undefined, fn: () => Promise<T>): Promise<T> {
  const old = process.env[name];
  if (value === undefined) delete process.env[name];
  else process.env[name] = value;
  return fn().finally(() => {
    if (old === undefined) delete process.env[name];
    else process.env[name] = old;
  });
}

test('figureHtml is self-contained and a </script> in the data cannot end the script', () => {
  const html = figureHtml(FIG, 'My <title>');
  // plotly.js is inlined gzip + base64: unpacking it gives the bundle back byte for byte
  const b64 = /atob\("([A-Za-z0-9+/=]+)"\)/.exec(html)![1];
  assert.equal(gunzipSync(Buffer.from(b64, 'base64')).toString('utf8'), plotlySource());
  assert.ok(html.length < 2 * 1024 * 1024, `figure html is ${html.length} bytes, must stay under 2 MiB`);
  assert.ok(!/<script[^>]+src=/.test(html), 'no external script');
  assert.ok(html.includes('<title>My &lt;title&gt;</title>'));
  assert.ok(html.includes('"name":"a<\\/script><b>"'));
  // exactly one closing tag per script element: plotly's and the figure's
  assert.equal(html.split('</script>').length - 1, 2);
});

test('findChrome: CHROME_PATH wins and must exist', () => {
  const dir = tmp();
  const fake = join(dir, 'chrome');
  writeFileSync(fake, '');
  assert.equal(findChrome({ CHROME_PATH: fake }), fake);
  assert.throws(() => findChrome({ CHROME_PATH: join(dir, 'none') }), /CHROME_PATH=.*none does not exist/);
});

test('checkFigureId accepts kebab-case ids only', () => {
  checkFigureId('fig-02-data-scaling');
  assert.throws(() => checkFigureId('Fig 2'), /figure id 'Fig 2' must match/);
  assert.throws(() => checkFigureId('../x'), /must match/);
});

test('saveTable writes csv, md and html; png: false skips the browser', async () => {
  const dir = tmp();
  const saved = await saveTable(ROWS, COLS, 'tab', { dir, png: false, title: 'Title', note: 'note' });
  assert.deepEqual(saved, { csv: join(dir, 'tab.csv'), md: join(dir, 'tab.md'), html: join(dir, 'tab.html') });
  assert.equal(readFileSync(saved.csv!, 'utf8'), 'k,v\n"a,b",1500\n');
  assert.match(readFileSync(saved.md!, 'utf8'), /\| a,b \| 1,500 \|/);
  const html = readFileSync(saved.html, 'utf8');
  assert.ok(html.startsWith('<!DOCTYPE html>'));
  assert.ok(html.includes('>1,500</td>'));
  assert.ok(!html.includes('Plotly'), 'tables need no plotly.js');
  assert.deepEqual(readdirSync(dir).sort(), ['tab.csv', 'tab.html', 'tab.md']);
});

test('without a browser: HTML is still written and the result says why there is no PNG', async () => {
  const dir = tmp();
  const saved = await withEnv('CHROME_PATH', join(dir, 'no-chrome'), () => saveFigure(FIG, 'fig', { dir, warn: false }));
  assert.equal(saved.html, join(dir, 'fig.html'));
  assert.equal(saved.png, undefined);
  assert.match(saved.pngSkipped!, /CHROME_PATH=.*no-chrome does not exist$/);
  assert.deepEqual(readdirSync(dir).sort(), ['fig.html', 'fig.json']);
  // an older PNG is kept, and the reason says it may be out of date
  writeFileSync(join(dir, 'fig.png'), 'old');
  const again = await withEnv('CHROME_PATH', join(dir, 'no-chrome'), () => saveFigure(FIG, 'fig', { dir, warn: false }));
  assert.match(again.pngSkipped!, /does not exist; the existing .*fig\.png was left as it was and may be out of date$/);
  assert.equal(readFileSync(join(dir, 'fig.png'), 'utf8'), 'old');
});

test('with Chromium: figure and table PNGs at 2x pixel density', { skip: HAS_CHROME ? false : 'no Chromium (apt-get install chromium)' }, async () => {
  const dir = tmp();
  const fig = await saveFigure(FIG, 'fig', { dir });
  assert.equal(fig.png, join(dir, 'fig.png'));
  // plot 720x440 CSS px + 8 px padding each side, at deviceScaleFactor 2
  assert.deepEqual(pngSize(fig.png!), [(720 + 16) * 2, (440 + 16) * 2]);
  const tab = await saveTable(ROWS, COLS, 'tab', { dir });
  const [w, h] = pngSize(tab.png!);
  assert.ok(w > 100 && h > 50 && w < 1400 && h < 400, `table png ${w}x${h}`);
  assert.ok(existsSync(join(dir, 'tab.csv')));
});

/** Set a file's mtime into the past, so a rewrite would show. */
function age(path: string): number {
  utimesSync(path, new Date(2001, 0, 1), new Date(2001, 0, 1));
  return statSync(path).mtimeMs;
}

test('figuresDirFor: the committed cpu scale in the root, every other scale in its own folder', () => {
  assert.equal(figuresDirFor('cpu', '/p/figures'), '/p/figures');
  assert.equal(figuresDirFor(undefined, '/p/figures'), '/p/figures');
  assert.equal(figuresDirFor('smoke', '/p/figures'), join('/p/figures', 'smoke'));
  assert.equal(figuresDirFor('paper', '/p/figures'), join('/p/figures', 'paper'));
  assert.throws(() => figuresDirFor('../x', '/p'), /scale name '\.\.\/x' must match/);
});

test('saveTable with a scale: LSRM_FIGURES_DIR is the root, smoke goes below it', async () => {
  const root = tmp();
  const saved = await withEnv('LSRM_FIGURES_DIR', root, () => saveTable(ROWS, COLS, 'tab', { scale: 'smoke', png: false }));
  assert.equal(saved.csv, join(root, 'smoke', 'tab.csv'));
  assert.deepEqual(readdirSync(root), ['smoke']);
  const cpu = await withEnv('LSRM_FIGURES_DIR', root, () => saveTable(ROWS, COLS, 'tab', { scale: 'cpu', png: false }));
  assert.equal(cpu.csv, join(root, 'tab.csv'));
});

test('writeIfChanged leaves a file with the same bytes untouched', () => {
  const path = join(tmp(), 'a.txt');
  assert.equal(writeIfChanged(path, 'x\n'), true);
  const before = age(path);
  assert.equal(writeIfChanged(path, 'x\n'), false);
  assert.equal(statSync(path).mtimeMs, before);
  assert.equal(writeIfChanged(path, 'y\n'), true);
  assert.equal(readFileSync(path, 'utf8'), 'y\n');
});

test('a table PNG stamped with its page is kept (no browser needed); changed rows need a new render', async () => {
  const dir = tmp();
  const first = await saveTable(ROWS, COLS, 'tab', { dir, png: false, title: 'T' });
  const png = stampPng(tinyPng(), sourceHash(readFileSync(first.html, 'utf8')));
  writeFileSync(join(dir, 'tab.png'), png);
  const mtimes = ['csv', 'md', 'html', 'png'].map((e) => age(join(dir, `tab.${e}`)));
  const noChrome = join(dir, 'no-chrome');
  const again = await withEnv('CHROME_PATH', noChrome, () => saveTable(ROWS, COLS, 'tab', { dir, warn: false, title: 'T' }));
  assert.deepEqual(again, { ...first, png: join(dir, 'tab.png'), pngKept: true });
  assert.match(describeSaved(again, dir), /^tab\.\{csv,md,html,png\} \(PNG up to date\)$/);
  assert.deepEqual(['csv', 'md', 'html', 'png'].map((e) => statSync(join(dir, `tab.${e}`)).mtimeMs), mtimes, 'no file rewritten');
  assert.deepEqual(readFileSync(join(dir, 'tab.png')), png);
  // a new note changes the page, so the PNG is stale: without a browser it stays, flagged
  const changed = await withEnv('CHROME_PATH', noChrome, () => saveTable(ROWS, COLS, 'tab', { dir, warn: false, title: 'T', note: 'new' }));
  assert.equal(changed.pngKept, undefined);
  assert.match(changed.pngSkipped!, /may be out of date$/);
});

test('a figure: the spec in <id>.json; the page carries its stamp and is not rewritten when the spec is unchanged', async () => {
  const dir = tmp();
  const noChrome = join(dir, 'no-chrome');
  const saved = await withEnv('CHROME_PATH', noChrome, () => saveFigure(FIG, 'fig', { dir, warn: false }));
  assert.equal(saved.json, join(dir, 'fig.json'));
  assert.deepEqual(JSON.parse(readFileSync(saved.json!, 'utf8')), JSON.parse(JSON.stringify({ data: FIG.data, layout: FIG.layout })));
  const stamp = /<meta name="lsrm-source" content="(sha256:[0-9a-f]{64})">/.exec(readFileSync(saved.html, 'utf8'))![1];
  const mtimes = [age(saved.html), age(saved.json!)];
  await withEnv('CHROME_PATH', noChrome, () => saveFigure(FIG, 'fig', { dir, warn: false }));
  assert.deepEqual([statSync(saved.html).mtimeMs, statSync(saved.json!).mtimeMs], mtimes);
  // a PNG stamped like the page is kept
  writeFileSync(join(dir, 'fig.png'), stampPng(tinyPng(), stamp));
  const kept = await withEnv('CHROME_PATH', noChrome, () => saveFigure(FIG, 'fig', { dir, warn: false }));
  assert.equal(kept.pngKept, true);
  // another figure: a new page, a new stamp
  const other = lineFigure([{ name: 'b', x: [1, 2], y: [1, 2] }], { title: 'T' });
  await withEnv('CHROME_PATH', noChrome, () => saveFigure(other, 'fig', { dir, warn: false }));
  assert.notEqual(statSync(saved.html).mtimeMs, mtimes[0]);
  assert.ok(!readFileSync(saved.html, 'utf8').includes(stamp));
});

test('with Chromium: the same rows leave the PNG as it was; new rows render a new one', { skip: HAS_CHROME ? false : 'no Chromium (apt-get install chromium)' }, async () => {
  const dir = tmp();
  const first = await saveTable(ROWS, COLS, 'tab', { dir });
  const bytes = readFileSync(first.png!);
  assert.equal(readPngText(bytes), sourceHash(readFileSync(first.html, 'utf8')), 'the PNG carries the hash of its page');
  const mtime = age(first.png!);
  const again = await saveTable(ROWS, COLS, 'tab', { dir });
  assert.equal(again.pngKept, true);
  assert.equal(statSync(first.png!).mtimeMs, mtime);
  assert.deepEqual(readFileSync(first.png!), bytes);
  const changed = await saveTable([{ k: 'c', v: 2 }], COLS, 'tab', { dir });
  assert.equal(changed.pngKept, undefined);
  assert.notEqual(statSync(first.png!).mtimeMs, mtime);
  assert.equal(readPngText(readFileSync(first.png!)), sourceHash(readFileSync(first.html, 'utf8')));
  // figures too
  const fig = await saveFigure(FIG, 'fig', { dir });
  const figMtime = age(fig.png!);
  assert.equal((await saveFigure(FIG, 'fig', { dir })).pngKept, true);
  assert.equal(statSync(fig.png!).mtimeMs, figMtime);
});
