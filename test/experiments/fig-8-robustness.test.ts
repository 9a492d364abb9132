import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fig8Figure, fig8Findings, fig8Rows, fig8Summaries, produceFig8, type RobustnessGroup, type RobustnessPoint } from '../../lib/experiments/fig-8-robustness';
import { SCALES } from '../../lib/experiments/scale';
import { taskData, taskLadder, type LadderPoint, type TaskLadder } from '../../lib/experiments/task-ladder';
import { runPaths } from '../../lib/runs/in-store';
import { loadRun } from '../../lib/runs/run';
import { robustness } from '../../lib/tasks/robustness';

const DATA = { spec: 'synthetic:x', core: 0, label: 'X' };

/**
 * A fake run: degradation per p (0.1, 0.3) over all users, and at each p the run groups
 * 0, 1, 2, 3, 4+ with `users` users and degradation `runs[i]`.
 */
function point(numLayers: number, dim: number, byP: [number, number], runs: number[], users = [4, 3, 2, 1, 0]): LadderPoint<RobustnessPoint> {
  const g = (p: number, longestRun: string, n: number, d: number | null): RobustnessGroup => ({ p, longestRun, users: n, meanPerturbed: n === 0 ? null : Number(longestRun[0]) + 0.5, clean: 0.2, noisy: d === null ? null : 0.2 * (1 - d / 100), degradationPct: d });
  const groups = [0.1, 0.3].flatMap((p, i) => [g(p, 'all', 10, byP[i]), ...['0', '1', '2', '3', '4+'].map((r, j) => g(p, r, users[j], users[j] === 0 ? null : runs[j]))]);
  const rung = { numLayers, dim, numHeads: 1, epochs: 1, batchSize: 8 };
  return { run: { data: DATA, rung, params: 12 * numLayers * dim * dim, seed: 0, config: {} as never }, runKey: 'k', trainMs: 0, evalMs: 0, result: { users: 10, groups } };
}

test('summary: the largest degrades less at every p; consecutive runs weighted by users (0-1 vs 2+) -> "as the paper observed"', () => {
  const rows = fig8Rows([point(1, 8, [5, 12], [0, 8, 20, 30, 0]), point(1, 16, [2, 6], [0, 2, 10, 16, 0])]);
  const [s] = fig8Summaries(rows);
  assert.deepEqual(s.byP, [{ p: 0.1, smallest: 5, largest: 2 }, { p: 0.3, smallest: 12, largest: 6 }]);
  assert.equal(s.largerMoreRobust, 2);
  // 1x16 at p = 0.3: runs 0-1: (4·0 + 3·2)/7 = 0.857; 2+: (2·10 + 1·16)/3 = 12 (4+ has no users)
  assert.equal(s.shortRuns, 0.8571);
  assert.equal(s.longRuns, 12);
  assert.equal(s.runs.p, 0.3);
  const f = fig8Findings([s]);
  assert.match(f[0], /p = 0\.1: 5\.0% \(1x8\) vs 2\.0% \(1x16\); p = 0\.3: 12\.0% \(1x8\) vs 6\.0% \(1x16\); the larger model degrades less at every p, as in the paper/);
  assert.match(f[1], /1x16 at p = 0\.3: 0\.9% for users whose longest perturbed run is 0-1 items, 12\.0% for 2 or more; it degrades more when 2 or more perturbations are consecutive/);
});

test('summary: a larger model that degrades more, and flat runs, are said so', () => {
  const [s] = fig8Summaries(fig8Rows([point(1, 8, [2, 3], [5, 5, 5, 5, 5]), point(1, 16, [4, 2], [5, 5, 5, 5, 5])]));
  assert.equal(s.largerMoreRobust, 1);
  const f = fig8Findings([s]);
  assert.match(f[0], /the larger model degrades less at 1 of 2 p \(the paper: at every p\)/);
  assert.match(f[1], /does not degrade more when perturbations are consecutive, unlike the paper's observation/);
});

test('figure: degradation against N, a black line per p (dashes); degradation by longest run at the largest p, a line per size', () => {
  const fig = fig8Figure('t', fig8Rows([point(1, 8, [5, 12], [0, 8, 20, 30, 0]), point(1, 16, [2, 6], [0, 2, 10, 16, 0])]));
  const top = fig.data.filter((d) => d.xaxis === 'x');
  assert.deepEqual(top.map((d) => [d.name, d.x, d.y, (d.line as { dash: string }).dash]), [['p = 0.1', [768, 3072], [5, 2], 'dot'], ['p = 0.3', [768, 3072], [12, 6], 'dash']]);
  const bottom = fig.data.filter((d) => d.xaxis === 'x2');
  assert.deepEqual(bottom.map((d) => d.name), ['1x8', '1x16']);
  assert.deepEqual(bottom[1].x, ['0', '1', '2', '3', '4+']);
  assert.deepEqual(bottom[1].y, [0, 2, 10, 16, NaN]);
  assert.equal((fig.layout.xaxis2 as { type: string }).type, 'category');
});

test('produce at smoke: points are lib/tasks robustness on each stored run (same seed, same numbers); a second call evaluates nothing', async () => {
  const runsDir = mkdtempSync(join(tmpdir(), 'lsrm-f8-runs-'));
  const root = mkdtempSync(join(tmpdir(), 'lsrm-f8-fig-'));
  const base = taskLadder(SCALES.smoke, taskData(SCALES.smoke, undefined, {})[0]);
  const ladder: TaskLadder = { ...base, ladder: [base.ladder[0], base.ladder[2]].map((r) => ({ ...r, epochs: 1, batchSize: 64 })) };
  const out = await produceFig8(SCALES.smoke, { ladders: [ladder], runsDir, figuresRoot: root, png: false });
  const id = 'fig-8-robustness';
  const dir = join(root, 'smoke');
  assert.deepEqual(readdirSync(dir).sort(), ['csv', 'html', 'json', 'md', 'plotly.json'].map((e) => `${id}.${e}`).sort());
  const a = JSON.parse(readFileSync(join(dir, `${id}.json`), 'utf8'));
  assert.deepEqual([a.id, a.scale, a.options.probabilities, a.options.modes, a.options.seed], [id, 'smoke', [0.1, 0.2, 0.3], ['mixed'], 0]);
  for (const [i, key] of a.runs.entries()) {
    const run = await loadRun(runPaths(runsDir, key).runDir);
    const direct = await robustness(run.model, run.split);
    run.model.dispose();
    const rows = out.rows.filter((r) => r.numLayers === ladder.ladder[i].numLayers && r.dim === ladder.ladder[i].dim);
    const all = rows.filter((r) => r.longestRun === 'all');
    assert.deepEqual(all.map((r) => [r.p, r.noisy, r.degradationPct]), direct.conditions.map((c) => [c.p, c.noisy['NDCG@10'], c.degradation['NDCG@10']]));
    assert.deepEqual(rows.filter((r) => r.longestRun !== 'all').map((r) => [r.p, r.longestRun, r.users]), direct.runs.map((g) => [g.p, g.longestRun, g.users]));
    for (const r of all) {
      const groups = rows.filter((g) => g.p === r.p && g.longestRun !== 'all');
      assert.equal(groups.reduce((s, g) => s + g.users, 0), r.users, 'the run groups partition the users');
    }
  }
  const before = new Map(readdirSync(dir).map((f) => [f, readFileSync(join(dir, f), 'utf8')]));
  await produceFig8(SCALES.smoke, { ladders: [ladder], runsDir, figuresRoot: root, png: false, deps: { prepare: async () => assert.fail('stored runs and task results must not load data') } });
  for (const [f, text] of before) assert.equal(readFileSync(join(dir, f), 'utf8'), text, f);
});
