import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { cheapFigures, FIGURES, findFigure } from '../../lib/experiments/registry';

const ROOT = resolve(__dirname, '..', '..');

test('the registry: unique kebab-case ids, each with its notebook notebooks/<id>.ipynb', () => {
  const ids = FIGURES.map((f) => f.id);
  assert.equal(new Set(ids).size, ids.length, `duplicate ids: ${ids.join(', ')}`);
  for (const f of FIGURES) {
    assert.match(f.id, /^[a-z0-9][a-z0-9-]*$/);
    assert.equal(f.notebook, `notebooks/${f.id}.ipynb`, `${f.id}: the notebook is named after the id`);
    assert.ok(existsSync(join(ROOT, f.notebook)), `${f.id}: ${f.notebook} missing`);
    assert.ok(f.title.length > 0 && typeof f.produce === 'function', f.id);
    // The paper's tables and figures, or a study beyond the paper that names its source.
    assert.match(f.paperRef, /^((Table [IVX]+|Fig\. \d+) \(Sec\. [IVX]+(-[A-Z])?\)|Beyond the paper: .+)$/, f.id);
  }
});

test('the registry is in paper order: Tables II, III, IV, V, then the figures', () => {
  assert.deepEqual(FIGURES.slice(0, 4).map((f) => f.id), ['table-2-datasets', 'table-3-ablation', 'table-4-configs', 'table-5-overall']);
  const ROMAN: Record<string, number> = { I: 1, II: 2, III: 3, IV: 4, V: 5, VI: 6, VII: 7, VIII: 8, IX: 9, X: 10 };
  const tables = FIGURES.filter((f) => f.kind === 'table').map((f) => ROMAN[/^Table ([IVX]+)/.exec(f.paperRef)![1]]);
  assert.deepEqual(tables, [...tables].sort((a, b) => a - b));
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
    assert.match(code, /FIGURE\.produce\(scale\b/, `${name} makes its files through the registry entry's produce`);
  }
});

test('findFigure names the known ids when the id is unknown; cheapFigures are the Jupyter-free ones', () => {
  assert.equal(findFigure('table-4-configs').kind, 'table');
  assert.throws(() => findFigure('fig-99'), /unknown figure 'fig-99': known ids are table-2-datasets, table-3-ablation, table-4-configs, table-5-overall/);
  assert.deepEqual(cheapFigures().map((f) => f.id), ['table-2-datasets', 'table-4-configs']);
});
