import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PRODUCERS, reproduceCommand } from '../../lib/cli/reproduce';
import { UsageError } from '../../lib/cli/command';
import { FIGURES } from '../../lib/experiments/registry';

test('every producer is a registered figure', () => {
  const ids = new Set(FIGURES.map((f) => f.id));
  for (const id of Object.keys(PRODUCERS)) assert.ok(ids.has(id), id);
});

test('lsrm reproduce --scale smoke writes both tables to LSRM_FIGURES_DIR without Jupyter', async () => {
  const figures = mkdtempSync(join(tmpdir(), 'lsrm-repro-fig-'));
  const runs = mkdtempSync(join(tmpdir(), 'lsrm-repro-runs-'));
  const old = { f: process.env.LSRM_FIGURES_DIR, r: process.env.LSRM_RUNS_DIR };
  process.env.LSRM_FIGURES_DIR = figures;
  process.env.LSRM_RUNS_DIR = runs;
  try {
    assert.equal(await reproduceCommand.run({ scale: 'smoke', only: 'table-2-datasets,table-4-configs' }, []), 0);
  } finally {
    process.env.LSRM_FIGURES_DIR = old.f;
    process.env.LSRM_RUNS_DIR = old.r;
    if (old.f === undefined) delete process.env.LSRM_FIGURES_DIR;
    if (old.r === undefined) delete process.env.LSRM_RUNS_DIR;
  }
  const files = readdirSync(figures);
  for (const id of ['table-2-datasets', 'table-4-configs']) {
    for (const ext of ['csv', 'md', 'html']) assert.ok(files.includes(`${id}.${ext}`), `${id}.${ext}`);
  }
  assert.match(readFileSync(join(figures, 'table-2-datasets.csv'), 'utf8'), /^dataset,users,items,interactions,avgSeqLen,density,core,source\nSynthetic \(smoke\),/);
  assert.equal(readdirSync(join(runs, 'table-2')).length, 1, 'the smoke row is cached in the runs folder');
});

test('lsrm reproduce names ids it does not make and bad scales', async () => {
  await assert.rejects(reproduceCommand.run({ scale: 'big' }, []), (e: Error) => e instanceof UsageError && /unknown scale 'big'/.test(e.message));
  await assert.rejects(reproduceCommand.run({ only: 'nope' }, []), /unknown figure 'nope'/);
});
