import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fig5Figure, fig5Findings, fig5Rows, fig5Summaries, produceFig5, type LongTailPoint } from '../../lib/experiments/fig-5-long-tail';
import { SCALES } from '../../lib/experiments/scale';
import { taskData, taskLadder, type LadderPoint, type TaskLadder } from '../../lib/experiments/task-ladder';
import { storeRunKey, runPaths } from '../../lib/runs/in-store';
import { loadRun } from '../../lib/runs/run';
import { longTail } from '../../lib/tasks/long-tail';

const DATA = { spec: 'synthetic:x', core: 0, label: 'X' };

/** A fake evaluated run: size L x d, a seed, NDCG@10 per group G1..G4 (HR@10 = 2·NDCG). */
function point(numLayers: number, dim: number, seed: number, ndcg: (number | null)[]): LadderPoint<LongTailPoint> {
  const groups = ndcg.map((v, i) => ({ group: `G${i + 1}`, items: 5, users: v === null ? 0 : 10, minPopularity: 4 - i, maxPopularity: 5 - i, 'HR@10': v === null ? null : 2 * v, 'NDCG@10': v }));
  const rung = { numLayers, dim, numHeads: 1, epochs: 1, batchSize: 8 };
  return { run: { data: DATA, rung, params: 12 * numLayers * dim * dim, seed, config: {} as never }, runKey: `k${numLayers}x${dim}s${seed}`, trainMs: 1000, evalMs: 10, result: { groups, curve: [9, 5, 3, 0] } };
}

test('rows: NDCG@10 over the smallest size per group; the largest/smallest ratio grows toward the tail -> "as in the paper"', () => {
  const rows = fig5Rows([point(1, 8, 0, [0.2, 0.1, 0.05, 0.02]), point(1, 16, 0, [0.3, 0.2, 0.15, 0.06])]);
  assert.equal(rows.length, 8, 'one seed: no mean rows');
  assert.deepEqual(rows.slice(0, 4).map((r) => r.vsSmallest), [1, 1, 1, 1]);
  assert.deepEqual(rows.slice(4).map((r) => Number(r.vsSmallest!.toFixed(6))), [1.5, 2, 3, 3]);
  const [s] = fig5Summaries(rows);
  assert.deepEqual(s.groups.map((g) => g.ratio), [1.5, 2, 3, 3]);
  assert.deepEqual([s.largerWins, s.ties, s.groupsWithUsers, s.gapGrows], [4, 0, 4, true]);
  const f = fig5Findings([s]);
  assert.match(f[0], /X: the largest model \(1x16\) beats the smallest \(1x8\) on NDCG@10 in 4 of 4 groups with test users \(the paper: in every group\)\./);
  assert.match(f[1], /G1 1\.50x, G2 2\.00x, G3 3\.00x, G4 3\.00x; the gap grows toward the tail, as in the paper/);
});

test('summary: ties, a shrinking gap, a group without users and a zero baseline are said so', () => {
  const rows = fig5Rows([point(1, 8, 0, [0.2, 0.1, 0, null]), point(2, 8, 0, [0.4, 0.11, 0, null])]);
  const [s] = fig5Summaries(rows);
  // G1 ratio 2, G2 1.1, G3 0/0 (no ratio), G4 no users: the last ratio (G2) is below G1's.
  assert.deepEqual(s.groups.map((g) => g.ratio), [2, 1.1, null, null]);
  assert.deepEqual([s.largerWins, s.ties, s.groupsWithUsers, s.gapGrows], [2, 1, 3, false]);
  const f = fig5Findings([s]);
  assert.match(f[0], /in 2 of 3 groups with test users \(tied in 1\) \(the paper: in every group; not reproduced here\)/);
  assert.match(f[1], /G3 n\/a, G4 no test users; the gap does not grow toward the tail, unlike the paper/);
});

test('two seeds: a mean row per size and group (ratios averaged per seed, with half-widths); the summary reads the means', () => {
  const rows = fig5Rows([point(1, 8, 0, [0.2, 0.1, 0.1, 0.1]), point(1, 8, 1, [0.2, 0.1, 0.1, 0.1]), point(1, 16, 0, [0.2, 0.2, 0.3, 0.4]), point(1, 16, 1, [0.4, 0.2, 0.3, 0.2])]);
  const means = rows.filter((r) => r.seed === null);
  assert.equal(means.length, 8);
  const g1 = means.find((r) => r.params === 3072 && r.group === 'G1')!;
  assert.ok(Math.abs(g1['NDCG@10']! - 0.3) < 1e-12);
  assert.ok(Math.abs(g1.vsSmallest! - 1.5) < 1e-12, 'mean of 1 and 2');
  assert.ok((g1 as Record<string, unknown>)['NDCG@10Hw'] !== undefined);
  const [s] = fig5Summaries(rows);
  assert.deepEqual(s.groups.map((g) => g.ratio), [1.5, 2, 3, 3]);
});

test('figure: grouped NDCG@10 bars per size, ratio under each group label, popularity curve on a log axis over the panel', () => {
  const rows = fig5Rows([point(1, 8, 0, [0.2, 0.1, 0.05, 0.02]), point(1, 16, 0, [0.3, 0.2, 0.15, 0.06])]);
  const fig = fig5Figure('t', rows, new Map([['X', [9, 5, 3, 0]]]), fig5Summaries(rows));
  assert.equal(fig.layout.barmode, 'group');
  const bars = fig.data.filter((d) => d.type === 'bar');
  assert.deepEqual(bars.map((b) => b.name), ['1x8', '1x16']);
  assert.deepEqual(bars[1].x, ['G1<br>1.50x', 'G2<br>2.00x', 'G3<br>3.00x', 'G4<br>3.00x']);
  const curve = fig.data.find((d) => d.name === 'item popularity (by rank)')!;
  assert.deepEqual(curve.x, [1, 2, 3], 'a zero count is not drawn on the log axis');
  assert.equal((fig.layout[`yaxis${String(curve.yaxis).slice(1)}`] as { type: string }).type, 'log');
  assert.deepEqual((fig.layout[`xaxis${String(curve.xaxis).slice(1)}`] as { range: number[] }).range, [0, 4], 'rank axis spans the items');
});

test('produce at smoke: two sizes, files and artefact; the points are lib/tasks longTail on each stored run; a second call evaluates nothing', async () => {
  const runsDir = mkdtempSync(join(tmpdir(), 'lsrm-f5-runs-'));
  const root = mkdtempSync(join(tmpdir(), 'lsrm-f5-fig-'));
  const base = taskLadder(SCALES.smoke, taskData(SCALES.smoke, undefined, {})[0]);
  const ladder: TaskLadder = { ...base, ladder: [base.ladder[0], base.ladder[2]].map((r) => ({ ...r, epochs: 1, batchSize: 64 })) };
  const out = await produceFig5(SCALES.smoke, { ladders: [ladder], runsDir, figuresRoot: root, png: false });
  const id = 'fig-5-long-tail';
  const dir = join(root, 'smoke');
  assert.deepEqual(readdirSync(dir).sort(), ['csv', 'html', 'json', 'md', 'plotly.json'].map((e) => `${id}.${e}`).sort());
  const a = JSON.parse(readFileSync(join(dir, `${id}.json`), 'utf8'));
  for (const k of ['id', 'scale', 'data', 'seeds', 'runs', 'wallSeconds', 'evalSeconds', 'testUsers', 'summaries', 'findings', 'points']) assert.ok(k in a, k);
  assert.deepEqual([a.id, a.scale, a.data, a.seeds, a.testUsers], [id, 'smoke', ['synthetic:smoke'], [0], null]);
  assert.equal(a.runs.length, 2);
  assert.match(readFileSync(join(dir, `${id}.csv`), 'utf8'), /^data,params,numLayers,dim,seed,group,items,minPopularity,maxPopularity,users,HR@10,NDCG@10,vsSmallest\n/);
  for (const [i, key] of a.runs.entries()) {
    const run = await loadRun(runPaths(runsDir, key).runDir);
    const direct = await longTail(run.model, run.split);
    run.model.dispose();
    const rows = out.rows.filter((r) => r.params === 12 * ladder.ladder[i].numLayers * ladder.ladder[i].dim ** 2);
    assert.deepEqual(rows.map((r) => [r.group, r.users, r['NDCG@10'], r['HR@10']]), direct.groups.map((g) => [g.group, g.users, g.metrics['NDCG@10'], g.metrics['HR@10']]));
    assert.equal(key, storeRunKey({ ...run.config }));
  }
  const before = new Map(readdirSync(dir).map((f) => [f, readFileSync(join(dir, f), 'utf8')]));
  await produceFig5(SCALES.smoke, { ladders: [ladder], runsDir, figuresRoot: root, png: false, deps: { prepare: async () => assert.fail('stored runs and task results must not load data') } });
  for (const [f, text] of before) assert.equal(readFileSync(join(dir, f), 'utf8'), text, f);
});
