import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { FIGURES, findFigure } from '../../lib/experiments/registry';

const ROOT = resolve(__dirname, '..', '..');

test('every registered figure has a notebook and an experiment module; ids are unique', () => {
  const ids = FIGURES.map((f) => f.id);
  assert.equal(new Set(ids).size, ids.length);
  for (const f of FIGURES) {
    assert.match(f.id, /^[a-z0-9][a-z0-9-]*$/);
    assert.ok(existsSync(join(ROOT, f.notebook)), `${f.id}: ${f.notebook} missing`);
    assert.ok(existsSync(join(ROOT, f.experiment)), `${f.id}: ${f.experiment} missing`);
  }
});

test('every notebook is registered, uses the tslab kernel and imports the build, not lib/', () => {
  const registered = new Set(FIGURES.map((f) => f.notebook));
  for (const name of readdirSync(join(ROOT, 'notebooks')).filter((n) => n.endsWith('.ipynb'))) {
    assert.ok(registered.has(`notebooks/${name}`), `notebooks/${name} is in no FIGURES entry`);
    const nb = JSON.parse(readFileSync(join(ROOT, 'notebooks', name), 'utf8'));
    assert.equal(nb.metadata.kernelspec.name, 'tslab', name);
    const code = nb.cells.filter((c: { cell_type: string }) => c.cell_type === 'code').map((c: { source: string[] }) => c.source.join('')).join('\n');
    assert.match(code, /from '\.\.\/dist\/index'/, `${name} imports ../dist/index`);
    assert.doesNotMatch(code, /from '\.\.\/lib\//, `${name} must not import ../lib (tslab #63)`);
    assert.match(code, /buildStampLine\(\)/, `${name} prints the build stamp first`);
  }
});

test('findFigure names the known ids when the id is unknown', () => {
  assert.equal(findFigure('table-4-configs').kind, 'table');
  assert.throws(() => findFigure('fig-99'), /unknown figure 'fig-99': known ids are table-2-datasets, table-4-configs/);
});
