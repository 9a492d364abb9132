/**
 * Executes every notebooks/*.ipynb headless at smoke scale (LSRM_SCALE=smoke) with the tslab
 * kernel and Debian's Jupyter; fails on any cell error, naming the cell and the message.
 * Output goes to temp folders (LSRM_FIGURES_DIR, LSRM_RUNS_DIR), never to the committed
 * notebooks or figures. Without Jupyter the tests skip, unless LSRM_REQUIRE_NOTEBOOKS=1
 * (.ci/run), which turns the skip into a failure.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { FIGURES } from '../lib/experiments/registry';
import { staleBuild } from '../lib/notebook/build';
import { executeNotebook, formatCellError, JUPYTER_INSTALL_HINT, jupyterMissing } from '../lib/notebook/run';

const ROOT = resolve(__dirname, '..');
const NOTEBOOKS = readdirSync(join(ROOT, 'notebooks')).filter((f) => f.endsWith('.ipynb')).sort();
const missing = jupyterMissing();
const required = process.env.LSRM_REQUIRE_NOTEBOOKS === '1';
const skip = missing && !required ? `Jupyter is missing (${missing}); install it with: ${JUPYTER_INSTALL_HINT}` : false;
if (skip) process.stderr.write(`notebooks: skipped: ${skip}\n`);

interface Output { output_type: string; name?: string; text?: string | string[] }

function stdoutLines(executed: string): string[] {
  const nb = JSON.parse(readFileSync(executed, 'utf8')) as { cells: { outputs?: Output[] }[] };
  const text = nb.cells.flatMap((c) => c.outputs ?? []).filter((o) => o.output_type === 'stream' && o.name === 'stdout');
  return text.flatMap((o) => (Array.isArray(o.text) ? o.text.join('') : o.text ?? '').split('\n'));
}

test('Jupyter and the build are ready for the notebook tests', { skip }, () => {
  assert.equal(missing, undefined, `LSRM_REQUIRE_NOTEBOOKS=1 but ${missing}. Install: ${JUPYTER_INSTALL_HINT}`);
  assert.equal(staleBuild(ROOT), undefined);
  assert.ok(NOTEBOOKS.length > 0, 'no notebooks found');
});

for (const name of NOTEBOOKS) {
  test(`notebook ${name} runs headless at smoke scale on the current build`, { skip: skip || (missing ? 'Jupyter missing' : false) }, async () => {
    const figures = mkdtempSync(join(tmpdir(), 'lsrm-nbfig-'));
    const env = { LSRM_SCALE: 'smoke', LSRM_FIGURES_DIR: figures, LSRM_RUNS_DIR: mkdtempSync(join(tmpdir(), 'lsrm-nbruns-')) };
    const run = await executeNotebook(join(ROOT, 'notebooks', name), { env, cellTimeoutSec: 300 });
    assert.ok(run.ok, formatCellError(run));
    // The notebook loaded this checkout's dist/: its first line is the stamp of dist/notebook/build.js.
    const version = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')).version;
    const builtAt = statSync(join(ROOT, 'dist', 'notebook', 'build.js')).mtime.toISOString();
    assert.equal(stdoutLines(run.outPath)[0], `lsrm-lab ${version}, build of ${builtAt} (../dist)`);
    // It wrote the figures the registry assigns to it, into the redirected folder.
    for (const f of FIGURES.filter((e) => e.notebook === `notebooks/${name}`)) {
      assert.ok(existsSync(join(figures, `${f.id}.html`)), `${name} did not write ${f.id}.html`);
      if (f.kind === 'table') assert.ok(existsSync(join(figures, `${f.id}.csv`)), `${name} did not write ${f.id}.csv`);
    }
    process.stderr.write(`notebooks: ${name} ran in ${(run.wallMs / 1000).toFixed(1)} s\n`);
  });
}
