/**
 * Executes the notebook of every registry entry (lib/experiments/registry.ts) headless at
 * smoke scale (LSRM_SCALE=smoke) with the tslab kernel and Debian's Jupyter; fails on any cell
 * error, naming the cell and the message, and when notebooks/ and the registry disagree.
 * Output goes to temp folders (LSRM_FIGURES_DIR, LSRM_RUNS_DIR), never to the committed
 * notebooks or figures; a smoke run writes below <figures>/smoke/ in any case. Without Jupyter
 * the tests skip, unless LSRM_REQUIRE_NOTEBOOKS=1 (.ci/run), which turns the skip into a failure.
 * The kernels train on wasm (LSRM_NOTEBOOK_BACKEND overrides), ten times faster than cpu here.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { FIGURES } from '../lib/experiments/registry';
import { findChrome } from '../lib/plot/export';
import { staleBuild } from '../lib/notebook/build';
import { DEFAULT_PYTHON, executeNotebook, formatCellError, jupyterMissing } from '../lib/notebook/run';

const ROOT = resolve(__dirname, '..');
const ON_DISK = readdirSync(join(ROOT, 'notebooks')).filter((f) => f.endsWith('.ipynb')).sort();
const HAS_CHROME = (() => { try { return findChrome() !== undefined; } catch { return false; } })();
// LSRM_JUPYTER_PYTHON points at another Python (e.g. a missing one, to check the skip logic).
const python = process.env.LSRM_JUPYTER_PYTHON ?? DEFAULT_PYTHON;
const missing = jupyterMissing(python);
const required = process.env.LSRM_REQUIRE_NOTEBOOKS === '1';
const skip = missing && !required ? `Jupyter is missing: ${missing}` : false;
if (skip) process.stderr.write(`notebooks: skipped: ${skip}\n`);

interface Output { output_type: string; name?: string; text?: string | string[] }

function stdoutLines(executed: string): string[] {
  const nb = JSON.parse(readFileSync(executed, 'utf8')) as { cells: { outputs?: Output[] }[] };
  const text = nb.cells.flatMap((c) => c.outputs ?? []).filter((o) => o.output_type === 'stream' && o.name === 'stdout');
  return text.flatMap((o) => (Array.isArray(o.text) ? o.text.join('') : o.text ?? '').split('\n'));
}

test('notebooks/ holds exactly one notebook per registry entry', () => {
  const registered = FIGURES.map((f) => f.notebook);
  const missingNb = registered.filter((nb) => !existsSync(join(ROOT, nb)));
  assert.deepEqual(missingNb, [], `registry entries without their notebook: ${missingNb.join(', ')}`);
  const unregistered = ON_DISK.filter((name) => !registered.includes(`notebooks/${name}`));
  assert.deepEqual(unregistered, [], `notebooks with no registry entry (lib/experiments/registry.ts): ${unregistered.join(', ')}`);
});

test('Jupyter and the build are ready for the notebook tests', { skip }, () => {
  assert.equal(missing, undefined, `LSRM_REQUIRE_NOTEBOOKS=1 but Jupyter is missing: ${missing}`);
  assert.equal(staleBuild(ROOT), undefined);
});

for (const entry of FIGURES) {
  test(`notebook ${entry.notebook} runs headless at smoke scale on the current build`, { skip: skip || (missing ? 'Jupyter missing' : false) }, async () => {
    const figures = mkdtempSync(join(tmpdir(), 'lsrm-nbfig-'));
    // wasm, not the cpu backend the unit tests default to (scripts/run-tests.mjs): Table V's notebook
    // ran in 207 s on cpu and 17 s on wasm. LSRM_NOTEBOOK_BACKEND chooses another.
    const backend = process.env.LSRM_NOTEBOOK_BACKEND ?? 'wasm';
    const env = { LSRM_SCALE: 'smoke', LSRM_BACKEND: backend, LSRM_FIGURES_DIR: figures, LSRM_RUNS_DIR: mkdtempSync(join(tmpdir(), 'lsrm-nbruns-')) };
    const run = await executeNotebook(join(ROOT, entry.notebook), { env, cellTimeoutSec: 900, python });
    assert.ok(run.ok, formatCellError(run));
    // The notebook loaded this checkout's dist/: its first line is the stamp of dist/notebook/build.js.
    const version = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')).version;
    const builtAt = statSync(join(ROOT, 'dist', 'notebook', 'build.js')).mtime.toISOString();
    assert.equal(stdoutLines(run.outPath)[0], `lsrm-lab ${version}, build of ${builtAt} (../dist)`);
    // It wrote its entry's files into the smoke folder of the redirected root, and nothing else.
    assert.deepEqual(readdirSync(figures), ['smoke'], `${entry.notebook} wrote outside <figures>/smoke/`);
    // A table writes exactly csv, md, html (+ png); a figure at least json, html (+ png), and may add
    // its points (csv, md) and the plotly spec (plotly.json) beside the artefact json.
    const written = readdirSync(join(figures, 'smoke')).sort();
    const exts = [...(entry.kind === 'table' ? ['csv', 'md'] : ['json']), 'html', ...(HAS_CHROME ? ['png'] : [])];
    const wanted = exts.map((e) => `${entry.id}.${e}`).sort();
    if (entry.kind === 'table') assert.deepEqual(written, wanted);
    else {
      for (const f of wanted) assert.ok(written.includes(f), `${entry.notebook} did not write ${f} (wrote ${written.join(', ')})`);
      const extra = written.filter((f) => !wanted.includes(f) && !['csv', 'md', 'plotly.json'].some((e) => f === `${entry.id}.${e}`));
      assert.deepEqual(extra, [], `${entry.notebook} wrote unexpected files`);
    }
    process.stderr.write(`notebooks: ${entry.notebook} ran in ${(run.wallMs / 1000).toFixed(1)} s\n`);
    // Passed: remove the temp output (a failure keeps it for inspection; the message names it).
    for (const d of [figures, env.LSRM_RUNS_DIR, dirname(run.outPath)]) rmSync(d, { recursive: true, force: true });
  });
}

test('showFigure/publishFigure in a kernel: plotly inlined once, the PNG displayed too', { skip: skip || (missing ? 'Jupyter missing' : false) }, async () => {
  // A probe notebook two levels below the root (tmp/ is git-ignored), importing the build.
  mkdirSync(join(ROOT, 'tmp'), { recursive: true });
  const dir = mkdtempSync(join(ROOT, 'tmp', 'nbprobe-'));
  const figures = mkdtempSync(join(tmpdir(), 'lsrm-nbfig-'));
  const cells = [
    "import { lineFigure, publishFigure, showFigure } from '../../dist/index';",
    "const fig = lineFigure([{ name: 'a', x: [1, 2], y: [2, 1] }], { title: 'probe' });\nconst saved = await publishFigure(fig, 'probe');\nshowFigure(fig);",
  ];
  const nb = {
    cells: cells.map((source, i) => ({ cell_type: 'code', id: `c${i}`, metadata: {}, execution_count: null, outputs: [], source })),
    metadata: { kernelspec: { name: 'tslab', display_name: 'TypeScript', language: 'typescript' } },
    nbformat: 4,
    nbformat_minor: 5,
  };
  writeFileSync(join(dir, 'probe.ipynb'), JSON.stringify(nb));
  try {
    const run = await executeNotebook(join(dir, 'probe.ipynb'), { env: { LSRM_FIGURES_DIR: figures }, outDir: dir, cellTimeoutSec: 120, python });
    assert.ok(run.ok, formatCellError(run));
    const out = JSON.parse(readFileSync(run.outPath, 'utf8')).cells[1].outputs as { output_type: string; data?: Record<string, string | string[]> }[];
    const shown = out.filter((o) => o.output_type === 'display_data').map((o) => o.data!);
    const html = shown.filter((d) => d['text/html']).map((d) => [d['text/html']].flat().join(''));
    assert.equal(html.length, 2, 'publishFigure and showFigure each display HTML');
    assert.ok(html[0].length > 1_000_000 && html[0].includes('.newPlot("lsrm-fig-'), 'the first inlines plotly.js');
    assert.ok(html[1].length < 10_000 && html[1].includes('.newPlot("lsrm-fig-'), 'the second reuses window.lsrmPlotly');
    const pngs = shown.filter((d) => d['image/png']);
    if (existsSync(join(figures, 'probe.png'))) assert.equal(pngs.length, 1, 'the saved PNG is displayed');
    assert.ok(existsSync(join(figures, 'probe.html')));
  } finally {
    rmSync(dir, { recursive: true, force: true });
    rmSync(figures, { recursive: true, force: true });
  }
});
