import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  COLD_START_PLANS, coldStartEval, coldStartLadder, coldStartLengths, fig6Figure, fig6Findings, fig6Rows, fig6Summaries, produceFig6, type ColdStartPoint,
} from '../../lib/experiments/fig-6-cold-start';
import { SCALES } from '../../lib/experiments/scale';
import { ladderRuns, taskData, taskLadder, type LadderPoint, type TaskLadder } from '../../lib/experiments/task-ladder';
import { runPaths, storeRunKey } from '../../lib/runs/in-store';
import { loadRun } from '../../lib/runs/run';
import { coldStart, fullSequences } from '../../lib/tasks/cold-start';

const DATA = { spec: 'synthetic:x', core: 0, label: 'X' };

/** A fake run: NDCG@10 per length 5, 10, 20; Coverage@10 per length. */
function point(numLayers: number, dim: number, seed: number, ndcg: number[], coverage: number[]): LadderPoint<ColdStartPoint> {
  const lengths = [5, 10, 20].map((length, i) => ({ length, users: 40, shortUsers: [2, 8, 20][i], meanInputLength: Math.min(length, 12), 'HR@10': 2 * ndcg[i], 'NDCG@10': ndcg[i], 'Coverage@10': coverage[i] }));
  const rung = { numLayers, dim, numHeads: 1, epochs: 1, batchSize: 8 };
  return { run: { data: DATA, rung, params: 12 * numLayers * dim * dim, seed, config: {} as never }, runKey: 'k', trainMs: 0, evalMs: 0, result: { heldOutUsers: 42, evaluatedUsers: 40, skipped: { tooShort: 1, unseenTarget: 1 }, lengths } };
}

test('plans: the cold-start ladder is the task ladder with data.holdOutUsers; cpu keeps 5 synthetic and 4 ml-100k sizes; lengths up to maxLen', () => {
  const [synthetic, ml] = taskData(SCALES.cpu, undefined, {}).map((d) => coldStartLadder(SCALES.cpu, d));
  assert.deepEqual(synthetic.holdOutUsers, { fraction: 0.2, seed: 0 });
  assert.equal(synthetic.ladder.length, 5);
  assert.equal(ml.ladder.length, 4);
  assert.deepEqual(COLD_START_PLANS.cpu.sizes, { 'fig-2a': 5, converge: 4 });
  const plain = ladderRuns(SCALES.cpu, taskLadder(SCALES.cpu, synthetic.data));
  ladderRuns(SCALES.cpu, synthetic).forEach((r, i) => {
    assert.deepEqual(r.config.data, { ...plain[i].config.data, holdOutUsers: { fraction: 0.2, seed: 0 } });
    assert.deepEqual(r.config.train, plain[i].config.train);
  });
  assert.equal(coldStartLadder(SCALES.smoke, taskData(SCALES.smoke, undefined, {})[0]).ladder.length, 4, 'smoke: every size');
  assert.deepEqual(coldStartLengths(SCALES.smoke), [5, 10, 20]);
  assert.deepEqual(coldStartLengths(SCALES.cpu), [5, 10, 20, 30, 40, 50]);
});

test('rows and summary: gain over the smallest per length, larger at the shortest input; Coverage@10 at k = 5', () => {
  const rows = fig6Rows([point(1, 8, 0, [0.1, 0.2, 0.2], [0.1, 0.12, 0.13]), point(2, 8, 0, [0.2, 0.25, 0.22], [0.2, 0.2, 0.2])]);
  assert.deepEqual(rows.filter((r) => r.numLayers === 2).map((r) => Number(r.gainPct!.toFixed(6))), [100, 25, 10]);
  const [s] = fig6Summaries(rows, [point(1, 8, 0, [0.1, 0.2, 0.2], [0, 0, 0])]);
  assert.deepEqual([s.largerWins, s.gainLargestAtShortest, s.coverage.smallest, s.coverage.largest], [3, true, 0.1, 0.2]);
  const f = fig6Findings([s]);
  assert.match(f[0], /X: 42 users held out of training, 40 evaluated \(skipped: 1 too short, 1 with a test item never seen in training\); at k = 20, 20 of them have fewer items/);
  assert.match(f[1], /2x8 beats 1x8 on NDCG@10 at 3 of 3 input lengths .* gain \+100\.0% at k = 5, \+10\.0% at k = 20: the gain is larger at the shortest input, as in the paper/);
  assert.match(f[2], /Coverage@10 at k = 5: 0\.1000 \(1x8\) vs 0\.2000 \(2x8\); the larger model recommends more distinct items, as in the paper/);
  const reversed = fig6Summaries(fig6Rows([point(1, 8, 0, [0.2, 0.2, 0.1], [0.3, 0.3, 0.3]), point(2, 8, 0, [0.1, 0.25, 0.2], [0.2, 0.2, 0.2])]), [point(1, 8, 0, [0, 0, 0], [0, 0, 0])]);
  assert.deepEqual([reversed[0].largerWins, reversed[0].gainLargestAtShortest], [2, false]);
  assert.match(fig6Findings(reversed)[2], /does not recommend more distinct items, unlike the paper/);
});

test('figure: NDCG@10 against k per size on top, Coverage@10 at k = 5 against N (log) below', () => {
  const fig = fig6Figure('t', fig6Rows([point(1, 8, 0, [0.1, 0.2, 0.2], [0.1, 0.1, 0.1]), point(2, 8, 0, [0.2, 0.25, 0.22], [0.2, 0.2, 0.2])]));
  const lines = fig.data.filter((d) => d.xaxis === 'x');
  assert.deepEqual(lines.map((d) => [d.name, d.x]), [['1x8', [5, 10, 20]], ['2x8', [5, 10, 20]]]);
  const cov = fig.data.find((d) => d.xaxis === 'x2')!;
  assert.deepEqual([cov.x, cov.y], [[768, 1536], [0.1, 0.2]]);
  assert.equal((fig.layout.xaxis2 as { type: string }).type, 'log');
});

test('the evaluation refuses a run trained without a hold-out', async () => {
  const run = { model: {}, split: {}, config: { data: { source: 'synthetic:smoke', core: 0 }, model: { kind: 'lsrm' } } } as never;
  await assert.rejects(coldStartEval([5]).evaluate(run, async () => assert.fail()), /trained without data\.holdOutUsers; Figure 6 evaluates its own ladder/);
});

test('produce at smoke: trains its own hold-out ladder; points are lib/tasks coldStart on each stored run; a second call evaluates nothing', async () => {
  const runsDir = mkdtempSync(join(tmpdir(), 'lsrm-f6-runs-'));
  const root = mkdtempSync(join(tmpdir(), 'lsrm-f6-fig-'));
  const base = coldStartLadder(SCALES.smoke, taskData(SCALES.smoke, undefined, {})[0]);
  const ladder: TaskLadder = { ...base, ladder: [base.ladder[0], base.ladder[2]].map((r) => ({ ...r, epochs: 1, batchSize: 64 })) };
  const out = await produceFig6(SCALES.smoke, { ladders: [ladder], runsDir, figuresRoot: root, png: false });
  const id = 'fig-6-cold-start';
  const dir = join(root, 'smoke');
  assert.deepEqual(readdirSync(dir).sort(), ['csv', 'html', 'json', 'md', 'plotly.json'].map((e) => `${id}.${e}`).sort());
  const a = JSON.parse(readFileSync(join(dir, `${id}.json`), 'utf8'));
  assert.deepEqual([a.id, a.scale, a.data, a.testUsers, a.ladders[0].holdOutUsers], [id, 'smoke', ['synthetic:smoke'], null, { fraction: 0.2, seed: 0 }]);
  assert.equal(a.summaries[0].heldOutUsers, 60, '20% of synthetic:smoke\'s 300 users');
  assert.deepEqual(a.runs, ladderRuns(SCALES.smoke, ladder).map((r) => storeRunKey(r.config)));
  const full = await fullSequences({ source: 'synthetic:smoke', core: 0 });
  for (const [i, key] of a.runs.entries()) {
    const run = await loadRun(runPaths(runsDir, key).runDir);
    const direct = await coldStart(run.model, full, run.split, { holdOut: { fraction: 0.2, seed: 0 }, lengths: [5, 10, 20] });
    run.model.dispose();
    const rows = out.rows.filter((r) => r.numLayers === ladder.ladder[i].numLayers && r.dim === ladder.ladder[i].dim);
    assert.deepEqual(rows.map((r) => [r.length, r.users, r.shortUsers, r['NDCG@10'], r['Coverage@10']]),
      direct.lengths.map((l) => [l.length, l.users, l.shortUsers, l.metrics['NDCG@10'], l.metrics['Coverage@10']]));
  }
  const before = new Map(readdirSync(dir).map((f) => [f, readFileSync(join(dir, f), 'utf8')]));
  await produceFig6(SCALES.smoke, { ladders: [ladder], runsDir, figuresRoot: root, png: false, deps: { prepare: async () => assert.fail('stored runs and task results must not load data') } });
  for (const [f, text] of before) assert.equal(readFileSync(join(dir, f), 'utf8'), text, f);
});
