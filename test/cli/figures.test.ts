import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { figuresCommand, notebooksOf, selectFigures } from '../../lib/cli/figures';
import { UsageError } from '../../lib/cli/command';
import { FIGURES } from '../../lib/experiments/registry';

test('selectFigures: all by default, a comma list in the given order, unknown ids named', () => {
  assert.deepEqual(selectFigures(undefined).map((e) => e.id), FIGURES.map((e) => e.id));
  assert.deepEqual(selectFigures('table-4-configs, table-2-datasets').map((e) => e.id), ['table-4-configs', 'table-2-datasets']);
  assert.throws(() => selectFigures('fig-99'), (e: Error) => e instanceof UsageError && /unknown figure 'fig-99': known ids are/.test(e.message));
  assert.throws(() => selectFigures(' , '), /--only takes a comma-separated list of figure ids/);
});

test('notebooksOf lists each notebook once, in order', () => {
  const entries = [FIGURES[1], FIGURES[0], FIGURES[1]];
  assert.deepEqual(notebooksOf(entries), [FIGURES[1].notebook, FIGURES[0].notebook]);
});

test('lsrm figures rejects an unknown scale before running anything', async () => {
  await assert.rejects(figuresCommand.run({ scale: 'huge' }, []), (e: Error) => e instanceof UsageError && /unknown scale 'huge': use one of smoke, cpu, paper/.test(e.message));
});

test('lsrm figures --list prints id and notebook per line', () => {
  const r = spawnSync(process.execPath, ['--import', 'tsx', 'lib/cli.ts', 'figures', '--list', '--only', 'table-4-configs'], { encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, /^table-4-configs\s+notebooks\/table-4-configs\.ipynb  Table IV[^\n]*\n$/);
});
