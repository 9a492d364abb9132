import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { LeaveOneOutSplit } from '../../lib/data/types';
import { fig2aSweep, FIG_2A_PLANS } from '../../lib/experiments/fig-2a';
import { SCALES } from '../../lib/experiments/scale';
import { table5Runs } from '../../lib/experiments/table-5';
import {
  CONVERGE_CPU_SIZES, drawnRows, evaluateLadders, gridFigure, ladderRuns, ladderSweep, metricFormat, sampleTestUsers, signedPct, taskData, taskLadder, TASK_TEST_USERS, withSeedMeans, type TaskEval, type TaskLadder,
} from '../../lib/experiments/task-ladder';
import { storeRunKey } from '../../lib/runs/in-store';

test('taskData: the scale default (cpu: synthetic:cpu and ml-100k), a list, a list per scale; LSRM_DATA alone wins', () => {
  assert.deepEqual(taskData(SCALES.cpu, undefined, {}).map((d) => d.spec), ['synthetic:cpu', 'dataset:ml-100k']);
  assert.equal(taskData(SCALES.cpu, undefined, {})[0], FIG_2A_PLANS.cpu.data, "Figure 2a's data object itself");
  assert.deepEqual(taskData(SCALES.smoke, undefined, {}).map((d) => d.spec), ['synthetic:smoke']);
  assert.deepEqual(taskData(SCALES.cpu, ['ml-100k'], {}).map((d) => [d.spec, d.label]), [['dataset:ml-100k', 'ml-100k']]);
  assert.deepEqual(taskData(SCALES.smoke, { cpu: ['ml-100k'] }, {}).map((d) => d.spec), ['synthetic:smoke'], 'a scale not named keeps its default');
  assert.deepEqual(taskData(SCALES.cpu, undefined, { LSRM_DATA: 'dataset:ml-latest-small', LSRM_CORE: '5' }).map((d) => [d.spec, d.core]), [['dataset:ml-latest-small', 5]]);
  assert.throws(() => taskData(SCALES.cpu, [], {}), /data list for scale cpu is empty/);
});

test("the synthetic cpu ladder is Figure 2a's runs (same store keys); ml-100k converges as Table V on four sizes, sharing its 2x32 and 4x64 runs", () => {
  const [synthetic, ml] = taskData(SCALES.cpu, undefined, {}).map((d) => taskLadder(SCALES.cpu, d));
  assert.equal(synthetic.budget.kind, 'fig-2a');
  const keys = ladderRuns(SCALES.cpu, synthetic).map((r) => storeRunKey(r.config)).sort();
  assert.deepEqual(keys, fig2aSweep(SCALES.cpu).map((r) => r.key).sort());
  assert.equal(ml.budget.kind, 'converge');
  const runs = ladderRuns(SCALES.cpu, ml);
  assert.deepEqual(runs.map((r) => `${r.rung.numLayers}x${r.rung.dim}`), FIG_2A_PLANS.cpu.ladder.slice(0, CONVERGE_CPU_SIZES).map((r) => `${r.numLayers}x${r.dim}`));
  assert.deepEqual(runs.map((r) => `${r.rung.numLayers}x${r.rung.dim}`), ['1x16', '2x32', '2x64', '4x64'], 'cpu: up to 4x64, where ml-100k has run out');
  assert.equal(runs[0].config.train.epochs, undefined, 'no fixed epochs: until validation stops improving');
  assert.equal(runs[0].config.train.selectBy, 'NDCG@10');
  const table5 = new Map(table5Runs(SCALES.cpu, ml.data).filter((r) => r.seed === 0).map((r) => [r.model.label, storeRunKey(r.config)]));
  const key = (l: number, d: number) => storeRunKey(runs.find((r) => r.rung.numLayers === l && r.rung.dim === d)!.config);
  assert.equal(key(2, 32), table5.get('SASRec'));
  assert.equal(key(4, 64), table5.get('LSRM_deep'));
  const amazon = taskLadder(SCALES.paper, taskData(SCALES.paper, undefined, {})[1]);
  assert.equal(amazon.budget.kind, 'fig-2a', 'paper scale: Table IV epochs for every data');
});

test('a hold-out ladder: data.holdOutUsers in every config, new keys; the sweep runs largest first', () => {
  const base = taskLadder(SCALES.smoke, taskData(SCALES.smoke, undefined, {})[0]);
  const held: TaskLadder = { ...base, holdOutUsers: { fraction: 0.2, seed: 0 } };
  const [a, b] = [ladderRuns(SCALES.smoke, base), ladderRuns(SCALES.smoke, held)];
  assert.equal(a.length, b.length);
  for (let i = 0; i < a.length; i++) {
    assert.deepEqual(b[i].config.data, { ...a[i].config.data, holdOutUsers: { fraction: 0.2, seed: 0 } });
    assert.notEqual(storeRunKey(b[i].config), storeRunKey(a[i].config));
    assert.deepEqual(b[i].config.model, a[i].config.model);
  }
  const sweep = ladderSweep(SCALES.smoke, [base], 'Figure 5');
  assert.equal(sweep[0].label, 'Figure 5 1x24 Synthetic (smoke) seed 0');
  assert.equal(sweep.at(-1)!.label, 'Figure 5 1x8 Synthetic (smoke) seed 0');
});

/** Six users; test targets of users 0, 2, 3, 4, 5 (user 1 has none). */
function tinySplit(): LeaveOneOutSplit {
  const vocab = { userIds: ['a', 'b', 'c', 'd', 'e', 'f'], itemIds: ['', '1', '2', '3'] };
  const train = { offsets: Int32Array.of(0, 1, 2, 3, 4, 5, 6), items: Int32Array.of(1, 2, 3, 1, 2, 3), times: new Float64Array(6), numUsers: 6, numItems: 3, vocab };
  return { train, valid: Int32Array.of(2, 0, 1, 1, 1, 1), test: Int32Array.of(3, 0, 2, 3, 1, 2), numUsers: 6, numItems: 3, vocab };
}

test('sampleTestUsers: exactly maxUsers of the test users keep their target, seeded; the rest is untouched', () => {
  const split = tinySplit();
  const s = sampleTestUsers(split, 2, 0);
  const kept = [...s.test.keys()].filter((u) => s.test[u] !== 0);
  assert.equal(kept.length, 2);
  for (const u of kept) assert.equal(s.test[u], split.test[u]);
  assert.ok(!kept.includes(1));
  assert.deepEqual(sampleTestUsers(split, 2, 0).test, s.test, 'same seed, same users');
  assert.equal(s.train, split.train);
  assert.equal(s.valid, split.valid);
  assert.equal(sampleTestUsers(split, 5, 0), split, 'no more test users than asked: the split itself');
  assert.equal(sampleTestUsers(split, null, 0), split);
  assert.deepEqual(TASK_TEST_USERS, { smoke: null, cpu: 5000, paper: null });
});

test('withSeedMeans: a mean row after each group of several seeds (95% t half-width); null when a seed is null', () => {
  const rows = [
    { g: 'a', seed: 0, v: 1, w: 5 }, { g: 'a', seed: 1, v: 3, w: null },
    { g: 'b', seed: 0, v: 7, w: 1 },
  ];
  const out = withSeedMeans(rows, ['g'], ['v', 'w']);
  assert.equal(out.length, 4);
  const mean = out[2] as Record<string, unknown>;
  // mean 2, s = sqrt(2), half-width t(0.975, 1)·s/√2 = 12.7062
  assert.equal(mean.seed, null);
  assert.equal(mean.seeds, 2);
  assert.equal(mean.v, 2);
  assert.ok(Math.abs((mean.vHw as number) - 12.7062) < 1e-3, String(mean.vHw));
  assert.equal(mean.w, null);
  assert.deepEqual(out[3], rows[2], 'one seed: no mean row');
  assert.deepEqual(drawnRows(out, ['g']), [out[2], out[3]]);
  assert.equal(metricFormat('v', 2)(2, out[2]), '2.00 ± 12.71', 'a mean row shows its interval');
  assert.equal(metricFormat('v', 2)(7, out[3]), '7.00');
  assert.equal(metricFormat('w', 2)(null, out[2]), '');
  assert.deepEqual([signedPct(12.34), signedPct(-0.04), signedPct(null), signedPct(null, 'n/a')], ['+12.3%', '-0.0%', '', 'n/a']);
});

test('gridFigure: one axis pair per panel in its own cell, overlays after them, category axes for labels, each name once in the legend', () => {
  const t = (name: string, x: (number | string)[]) => ({ type: 'scatter', name, x, y: x.map(() => 1) });
  const panel = (title: string, x: (number | string)[]) => ({ title, x: { title: 'x' }, y: { title: 'y' }, traces: [t('a', x), t('b', x)] });
  const fig = gridFigure('T', [
    [{ ...panel('p1', ['G1', 'G2']), overlay: { x: {}, y: { type: 'log' as const }, traces: [t('curve', [1, 2])] } }, panel('p2', [1, 2])],
    [panel('p3', [1, 2]), panel('p4', [1, 2])],
  ]);
  const L = fig.layout as Record<string, Record<string, unknown>>;
  assert.equal(L.xaxis.type, 'category');
  assert.equal(L.xaxis2.type, 'linear');
  for (const [a, b] of [['xaxis', 'xaxis2'], ['xaxis3', 'xaxis4']]) assert.ok((L[a].domain as number[])[1] < (L[b].domain as number[])[0], `${a} left of ${b}`);
  assert.ok((L.yaxis3.domain as number[])[1] < (L.yaxis.domain as number[])[0], 'row 2 below row 1');
  assert.equal(L.yaxis5.overlaying, 'y');
  assert.equal(L.yaxis5.type, 'log');
  assert.equal(L.xaxis5.visible, false);
  const curve = fig.data.find((d) => d.name === 'curve')!;
  assert.deepEqual([curve.xaxis, curve.yaxis], ['x5', 'y5']);
  const a = fig.data.filter((d) => d.name === 'a');
  assert.deepEqual(a.map((d) => d.xaxis), ['x', 'x2', 'x3', 'x4']);
  assert.deepEqual(a.map((d) => d.showlegend), [undefined, false, false, false]);
  assert.equal((L.annotations as unknown as unknown[]).length, 4);
});

test('evaluateLadders: evaluates each stored run once; a second call loads the task records without loading data or a model', async () => {
  const runsDir = mkdtempSync(join(tmpdir(), 'lsrm-tl-'));
  const base = taskLadder(SCALES.smoke, taskData(SCALES.smoke, undefined, {})[0]);
  const ladder: TaskLadder = { ...base, ladder: [{ ...base.ladder[0], epochs: 1, batchSize: 64 }] };
  let calls = 0;
  const task: TaskEval<{ users: number; items: number }> = {
    name: 'probe', version: 1, options: { k: 1 }, onTestUsers: true,
    async evaluate(run) {
      calls++;
      return { users: run.split.test.filter((t) => t !== 0).length, items: run.split.numItems };
    },
  };
  const { trainInStore } = await import('../../lib/runs/in-store');
  for (const r of ladderRuns(SCALES.smoke, ladder)) await trainInStore(r.config, { dir: runsDir });
  const first = await evaluateLadders(task, SCALES.smoke, [ladder], { runsDir });
  assert.equal(calls, 1);
  assert.equal(first[0].result.items, 200, 'synthetic:smoke has 200 items');
  assert.ok(first[0].result.users > 250, 'every test user at smoke scale');
  assert.equal(first[0].runKey, storeRunKey(ladderRuns(SCALES.smoke, ladder)[0].config));
  assert.deepEqual(readdirSync(join(runsDir, 'task-probe')).length, 1);
  const again = await evaluateLadders(task, SCALES.smoke, [ladder], { runsDir, deps: { prepare: async () => assert.fail('a stored task result must not load data') } });
  assert.equal(calls, 1);
  assert.deepEqual(again[0].result, first[0].result);
  assert.equal(again[0].evalMs, first[0].evalMs, 'wall time from the stored record');
});
