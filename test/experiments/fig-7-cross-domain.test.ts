import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fig7Figure, fig7Findings, fig7Rows, fig7Summaries, produceFig7, type CrossDomainPoint } from '../../lib/experiments/fig-7-cross-domain';
import { SCALES } from '../../lib/experiments/scale';
import { taskData, taskLadder, type LadderPoint, type TaskLadder } from '../../lib/experiments/task-ladder';
import { runPaths } from '../../lib/runs/in-store';
import { loadRun } from '../../lib/runs/run';
import { crossDomain } from '../../lib/tasks/cross-domain';

const DATA = { spec: 'synthetic:x', core: 0, label: 'X' };

/** A fake run: NDCG@10 of mix-domain and diff-domain users. */
function point(numLayers: number, dim: number, seed: number, mix: number | null, diff: number | null): LadderPoint<CrossDomainPoint> {
  const classes = [{ class: 'mix-domain', users: 90, 'HR@10': mix, 'NDCG@10': mix }, { class: 'diff-domain', users: diff === null ? 0 : 10, 'HR@10': diff, 'NDCG@10': diff }];
  const rung = { numLayers, dim, numHeads: 1, epochs: 1, batchSize: 8 };
  return { run: { data: DATA, rung, params: 12 * numLayers * dim * dim, seed, config: {} as never }, runKey: 'k', trainMs: 0, evalMs: 0, result: { window: 20, unclassified: 3, classes } };
}

test('rows: percent improvement over the smallest size per class (7b); summary: mix above diff, diff gains more -> "as in the paper"', () => {
  const points = [point(1, 8, 0, 0.2, 0.05), point(2, 8, 0, 0.22, 0.08), point(1, 16, 0, 0.25, 0.1)];
  const rows = fig7Rows(points);
  // mix: 0.2 -> 0.22 (+10%), 0.25 (+25%); diff: 0.05 -> 0.08 (+60%), 0.1 (+100%)
  assert.deepEqual(rows.map((r) => [r.class, Number(r.improvementPct!.toFixed(6))]),
    [['mix-domain', 0], ['diff-domain', 0], ['mix-domain', 10], ['diff-domain', 60], ['mix-domain', 25], ['diff-domain', 100]]);
  const [s] = fig7Summaries(rows, points);
  assert.deepEqual([s.mixAbove, s.sizes, s.improvement['mix-domain'], s.improvement['diff-domain'], s.unclassified], [3, 3, 25, 100, 3]);
  const f = fig7Findings([s]);
  assert.match(f[0], /X: 90 mix-domain and 10 diff-domain test users \(3 unclassified.*mix-domain NDCG@10 is above diff-domain at 3 of 3 sizes/);
  assert.match(f[1], /1x16 over 1x8: \+25\.0% on mix-domain, \+100\.0% on diff-domain; the larger model gains more on diff-domain users, as in the paper/);
});

test('summary: mix below diff at a size, mix gaining more, and a class without users are said so', () => {
  const points = [point(1, 8, 0, 0.1, 0.2), point(1, 16, 0, 0.3, 0.25)];
  const [s] = fig7Summaries(fig7Rows(points), points);
  assert.equal(s.mixAbove, 1);
  assert.match(fig7Findings([s])[1], /\+200\.0% on mix-domain, \+25\.0% on diff-domain; the larger model does not gain more on diff-domain users, unlike the paper/);
  const empty = [point(1, 8, 0, 0.1, null), point(1, 16, 0, 0.3, null)];
  const [e] = fig7Summaries(fig7Rows(empty), empty);
  assert.match(fig7Findings([e])[1], /n\/a on diff-domain; the improvements cannot be compared/);
});

test('figure: 7a NDCG@10 and 7b improvement against N (log), a line per class', () => {
  const fig = fig7Figure('t', fig7Rows([point(1, 8, 0, 0.2, 0.05), point(1, 16, 0, 0.25, 0.1)]));
  const top = fig.data.filter((d) => d.xaxis === 'x');
  assert.deepEqual(top.map((d) => [d.name, d.x, d.y]), [['mix-domain', [768, 3072], [0.2, 0.25]], ['diff-domain', [768, 3072], [0.05, 0.1]]]);
  const bottom = fig.data.filter((d) => d.xaxis === 'x2');
  assert.deepEqual(bottom.map((d) => (d.y as number[]).map((v) => Math.round(v))), [[0, 25], [0, 100]]);
  assert.equal((fig.layout.xaxis as { type: string }).type, 'log');
});

test('produce at smoke: points are lib/tasks crossDomain on each stored run (synthetic domains); a second call evaluates nothing', async () => {
  const runsDir = mkdtempSync(join(tmpdir(), 'lsrm-f7-runs-'));
  const root = mkdtempSync(join(tmpdir(), 'lsrm-f7-fig-'));
  const base = taskLadder(SCALES.smoke, taskData(SCALES.smoke, undefined, {})[0]);
  const ladder: TaskLadder = { ...base, ladder: [base.ladder[0], base.ladder[2]].map((r) => ({ ...r, epochs: 1, batchSize: 64 })) };
  const out = await produceFig7(SCALES.smoke, { ladders: [ladder], runsDir, figuresRoot: root, png: false });
  const id = 'fig-7-cross-domain';
  const dir = join(root, 'smoke');
  assert.deepEqual(readdirSync(dir).sort(), ['csv', 'html', 'json', 'md', 'plotly.json'].map((e) => `${id}.${e}`).sort());
  const a = JSON.parse(readFileSync(join(dir, `${id}.json`), 'utf8'));
  assert.deepEqual([a.id, a.scale, a.data, a.runs.length, a.findings.length], [id, 'smoke', ['synthetic:smoke'], 2, 2]);
  for (const [i, key] of a.runs.entries()) {
    const run = await loadRun(runPaths(runsDir, key).runDir);
    const direct = await crossDomain(run.model, run.split);
    run.model.dispose();
    const rows = out.rows.filter((r) => r.numLayers === ladder.ladder[i].numLayers && r.dim === ladder.ladder[i].dim);
    assert.deepEqual(rows.map((r) => [r.class, r.users, r['NDCG@10']]), direct.classes.map((c) => [c.class, c.users, c.metrics['NDCG@10']]));
    const testUsers = run.split.test.filter((t) => t !== 0).length;
    assert.equal(rows[0].users + rows[1].users + a.summaries[0].unclassified, testUsers, 'every test user in one class or unclassified');
  }
  const before = new Map(readdirSync(dir).map((f) => [f, readFileSync(join(dir, f), 'utf8')]));
  await produceFig7(SCALES.smoke, { ladders: [ladder], runsDir, figuresRoot: root, png: false, deps: { prepare: async () => assert.fail('stored runs and task results must not load data') } });
  for (const [f, text] of before) assert.equal(readFileSync(join(dir, f), 'utf8'), text, f);
});
