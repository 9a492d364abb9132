import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fig9Figure, fig9Findings, fig9Rows, fig9Summaries, produceFig9, type TrajectoryPoint } from '../../lib/experiments/fig-9-trajectory';
import { SCALES } from '../../lib/experiments/scale';
import { taskData, taskLadder, type LadderPoint, type TaskLadder } from '../../lib/experiments/task-ladder';
import { runPaths } from '../../lib/runs/in-store';
import { loadRun } from '../../lib/runs/run';
import { trajectory } from '../../lib/tasks/trajectory';

const DATA = { spec: 'synthetic:x', core: 0, label: 'X' };

/** A fake run with TR@k for k = 1..3 under each reading. */
function point(numLayers: number, dim: number, seed: number, prefix: number[], position: number[]): LadderPoint<TrajectoryPoint> {
  const rung = { numLayers, dim, numHeads: 1, epochs: 1, batchSize: 8 };
  const readings = [{ reading: 'prefix' as const, TR: prefix }, { reading: 'position' as const, TR: position }, { reading: 'future' as const, TR: prefix }];
  return { run: { data: DATA, rung, params: 12 * numLayers * dim * dim, seed, config: {} as never }, runKey: 'k', trainMs: 0, evalMs: 0, result: { users: 50, readings } };
}

test('rows: TR@k / TR@1 per run; the largest keeps more of its TR@1 under position, less under prefix', () => {
  const rows = fig9Rows([point(1, 8, 0, [0.1, 0.2, 0.3], [0.1, 0.06, 0.04]), point(1, 16, 0, [0.2, 0.3, 0.4], [0.2, 0.15, 0.12])]);
  const ratio = (reading: string, dim: number) => rows.filter((r) => r.reading === reading && r.dim === dim).map((r) => Number(r.ratio!.toFixed(6)));
  assert.deepEqual(ratio('prefix', 8), [1, 2, 3]);
  assert.deepEqual(ratio('prefix', 16), [1, 1.5, 2]);
  assert.deepEqual(ratio('position', 8), [1, 0.6, 0.4]);
  assert.deepEqual(ratio('position', 16), [1, 0.75, 0.6]);
  const s = fig9Summaries(rows);
  assert.deepEqual(s.map((x) => [x.reading, x.length, x.smallest.ratio, x.largest.ratio, x.largerMoreStable]), [['prefix', 3, 3, 2, false], ['position', 3, 0.4, 0.6, true]]);
  const f = fig9Findings(s);
  assert.match(f[0], /X, prefix reading \(50 users\): TR@3\/TR@1 = 3\.000 for 1x8 \(TR@1 0\.1000\), 2\.000 for 1x16 \(TR@1 0\.2000\); the largest model's ratio is not the higher, unlike the paper .*; this reading tends to rise with k/);
  assert.match(f[1], /position reading .* the largest model's ratio is the higher, as in the paper .*; this reading falls with k, like the paper's figure/);
});

test('a TR@1 of 0 gives no ratio, and the finding says the ratios cannot be compared', () => {
  const rows = fig9Rows([point(1, 8, 0, [0, 0.1, 0.2], [0, 0, 0]), point(1, 16, 0, [0.2, 0.3, 0.4], [0.2, 0.1, 0.1])]);
  assert.equal(rows.find((r) => r.dim === 8 && r.reading === 'position' && r.k === 2)!.ratio, null);
  assert.match(fig9Findings(fig9Summaries(rows))[1], /the ratios cannot be compared \(a TR@1 of 0\)/);
});

test('figure: a row of panels per drawn reading (prefix, position), a line per size over k', () => {
  const fig = fig9Figure('t', fig9Rows([point(1, 8, 0, [0.1, 0.2, 0.3], [0.1, 0.06, 0.04]), point(1, 16, 0, [0.2, 0.3, 0.4], [0.2, 0.15, 0.12])]));
  assert.deepEqual(fig.data.map((d) => [d.name, d.xaxis]), [['1x8', 'x'], ['1x16', 'x'], ['1x8', 'x2'], ['1x16', 'x2']]);
  assert.deepEqual(fig.data[2].x, [1, 2, 3]);
  assert.ok((fig.layout.annotations as { text: string }[])[1].text.includes('position reading'));
});

test('produce at smoke: the prefix and position readings equal lib/tasks trajectory with that relevance on a stored run; a second call evaluates nothing', async () => {
  const runsDir = mkdtempSync(join(tmpdir(), 'lsrm-f9-runs-'));
  const root = mkdtempSync(join(tmpdir(), 'lsrm-f9-fig-'));
  const base = taskLadder(SCALES.smoke, taskData(SCALES.smoke, undefined, {})[0]);
  const ladder: TaskLadder = { ...base, ladder: [base.ladder[0], base.ladder[2]].map((r) => ({ ...r, epochs: 1, batchSize: 64 })) };
  const out = await produceFig9(SCALES.smoke, { ladders: [ladder], runsDir, figuresRoot: root, png: false });
  const id = 'fig-9-trajectory';
  const dir = join(root, 'smoke');
  assert.deepEqual(readdirSync(dir).sort(), ['csv', 'html', 'json', 'md', 'plotly.json'].map((e) => `${id}.${e}`).sort());
  const a = JSON.parse(readFileSync(join(dir, `${id}.json`), 'utf8'));
  assert.deepEqual([a.id, a.options.length, a.options.noRepeat, a.options.readings], [id, 10, true, ['prefix', 'position', 'future']]);
  const run = await loadRun(runPaths(runsDir, a.runs[0]).runDir); // the smallest: each direct call generates again
  for (const relevance of ['prefix', 'position'] as const) {
    const direct = await trajectory(run.model, run.split, { relevance });
    const rows = out.rows.filter((r) => r.dim === ladder.ladder[0].dim && r.numLayers === ladder.ladder[0].numLayers && r.reading === relevance);
    assert.equal(rows[0].users, direct.users);
    for (const [j, p] of direct.positions.entries()) {
      assert.ok(Math.abs(rows[j].TR - p.TR) < 1e-12, `${relevance} TR@${p.k}`);
      assert.equal(rows[j].ratio === null ? null : Number(rows[j].ratio!.toFixed(10)), p.ratio === null ? null : Number(p.ratio.toFixed(10)));
    }
  }
  run.model.dispose();
  const before = new Map(readdirSync(dir).map((f) => [f, readFileSync(join(dir, f), 'utf8')]));
  await produceFig9(SCALES.smoke, { ladders: [ladder], runsDir, figuresRoot: root, png: false, deps: { prepare: async () => assert.fail('stored runs and task results must not load data') } });
  for (const [f, text] of before) assert.equal(readFileSync(join(dir, f), 'utf8'), text, f);
});
