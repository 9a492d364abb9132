import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fitPanel, FIG_2A_REAL_PLANS, REAL_DATASETS, REAL_FIGURES, realDataFigure, realDataFindings, realDataRows, realDataRuns, realDataSweep, type RealDataPanelRecord, type RealDataPlan, type RealDataRow } from '../../lib/experiments/fig-2a-real';
import { FIG_2A_PLANS } from '../../lib/experiments/fig-2a';
import { SCALES } from '../../lib/experiments/scale';
import { table3Runs } from '../../lib/experiments/table-3';
import { findFigure } from '../../lib/experiments/registry';
import { storeRunKey } from '../../lib/runs/in-store';
import { powerLaw } from '../../lib/scaling/laws';
import { tinyInterIn } from '../helpers/tiny-inter';

const shape = (r: { numLayers: number; dim: number }) => `${r.numLayers}x${r.dim}`;
const ML_100K = { spec: 'dataset:ml-100k', core: 0, label: 'ml-100k' };

const IDS = REAL_DATASETS.map((d) => d.id);
const cpuPanels = () => IDS.map((id) => FIG_2A_REAL_PLANS[id].cpu);

test('plans: at cpu one figure each for ml-100k, ml-latest-small and Video Games on Figure 2a\'s first four shapes, the largest held out; trained to convergence on validation loss, LAD and SO on', () => {
  assert.deepEqual(IDS, ['fig-2a-real-ml-100k', 'fig-2a-real-ml-latest-small', 'fig-2a-real-video-games']);
  assert.deepEqual(cpuPanels().map((p) => p.panels.map((x) => [x.data.spec, x.data.core, x.data.label])), [
    [['dataset:ml-100k', 0, 'ml-100k']], [['dataset:ml-latest-small', 0, 'ml-latest-small']], [['dataset:amazon-games-sasrec', 0, 'amazon-games-sasrec']],
  ]);
  const six = FIG_2A_PLANS.cpu.ladder.map(shape);
  assert.equal(six.length, 6);
  for (const cpu of cpuPanels()) {
    assert.deepEqual(cpu.panels[0].ladder.map(shape), six.slice(0, 4));
    assert.deepEqual([cpu.panels[0].holdout ?? cpu.holdout, cpu.seeds], [1, [0]]);
    for (const r of realDataRuns(SCALES.cpu, cpu)) {
      const t = r.config.train;
      assert.deepEqual([t.selectBy, t.layerwiseDropout, t.switchOptimizer, t.epochs, t.maxEpochs, t.patience, t.patienceMinSteps], ['loss', true, true, undefined, 200, 3, 300], `${r.panel.data.label} ${shape(r.rung)}`);
      assert.equal(r.params, 12 * r.rung.numLayers * r.rung.dim ** 2);
    }
  }
  for (const id of IDS) {
    assert.deepEqual(FIG_2A_REAL_PLANS[id].paper, FIG_2A_REAL_PLANS[id].cpu, 'these datasets are small at any scale');
    assert.equal(FIG_2A_REAL_PLANS[id].smoke.panels[0].data.spec, 'synthetic:smoke');
    assert.equal(FIG_2A_REAL_PLANS[id].smoke.panels[0].train.maxEpochs, 2);
  }
});

test("store keys: on ml-100k the 2x32 and 4x64 rungs are Table III's LSRM_l2 and LSRM_l4 'Both' runs (seed 0); each sweep is largest first and its own", () => {
  const ml = FIG_2A_REAL_PLANS['fig-2a-real-ml-100k'].cpu;
  const key = (s: string) => storeRunKey(realDataRuns(SCALES.cpu, ml).find((r) => shape(r.rung) === s)!.config);
  const t3 = table3Runs(SCALES.cpu, ML_100K).filter((r) => r.variant.name === 'Both' && r.seed === 0);
  assert.equal(key('2x32'), storeRunKey(t3.find((r) => r.size === 'small')!.config));
  assert.equal(key('4x64'), storeRunKey(t3.find((r) => r.size === 'large')!.config));
  const sweeps = IDS.map((id) => REAL_FIGURES[id].sweep!(SCALES.cpu) as ReturnType<typeof realDataSweep>);
  assert.deepEqual(sweeps.map((s) => s.length), [4, 4, 4]);
  const all = sweeps.flat();
  assert.equal(new Set(all.map((r) => r.key)).size, all.length, 'no run in two figures');
  assert.deepEqual(sweeps.map((s) => s[0].label), ['Figure 2a (real) ml-100k 4x64 seed 0', 'Figure 2a (real) ml-latest-small 4x64 seed 0', 'Figure 2a (real) amazon-games-sasrec 4x64 seed 0']);
  assert.ok(!all.some((r) => r.label.includes('8x128') || r.label.includes('4x128')));
  for (const r of all) assert.equal(r.key, storeRunKey(r.config));
  assert.deepEqual(sweeps[0], realDataSweep(SCALES.cpu, ml));
});

const row = (params: number, testLoss: number, seed: number | null = 0): RealDataRow => ({
  data: 'd', params, numLayers: 1, dim: Math.round(Math.sqrt(params / 12)), seed, role: params >= 786432 ? 'held out' : 'fit', testLoss, 'NDCG@10': 0.1, bestEpoch: 3, epochs: 6, predicted: null, errorPct: null,
});

test('fitPanel: an exact law predicts its held-out sizes to ~0%; rising losses are the flagged flat law; too few sizes is no fit, no throw', () => {
  const law = { E: 4, x0: 2000, alpha: 0.25 };
  const xs = [3072, 24576, 98304, 196608, 786432, 1572864];
  const exact = fitPanel(xs.map((x) => row(x, powerLaw(x, law))), 2);
  assert.equal(exact.status, 'ok');
  assert.ok(Math.abs(exact.fit.alpha - 0.25) < 1e-3 && exact.fit.r2 > 0.9999, JSON.stringify(exact.fit));
  assert.deepEqual(exact.fit.heldOut.map((h) => h.x), [786432, 1572864]);
  for (const h of exact.fit.heldOut) assert.ok(Math.abs(h.errorPct) < 0.01, `${h.errorPct}`);
  const rising = fitPanel(xs.map((x, i) => row(x, 5 + 0.1 * i)), 2);
  assert.equal(rising.status, 'flat');
  assert.equal(rising.fit.alpha, 0);
  assert.ok(rising.fit.heldOut.every((h) => Number.isFinite(h.errorPct)));
  const few = fitPanel(xs.slice(0, 4).map((x) => row(x, powerLaw(x, law))), 2);
  assert.equal(few.status, 'no fit');
  if (few.status !== 'no fit') throw new Error('unreachable');
  assert.match(few.note, /hold out/);
});

function panelOf(label: string, rows: readonly RealDataRow[], trainInteractions: number): { panel: RealDataPanelRecord; fit: ReturnType<typeof fitPanel> } {
  const fit = fitPanel(rows, 2);
  return {
    fit,
    panel: { data: `dataset:${label}`, label, core: 0, users: 10, items: 100, trainInteractions, sizes: rows.map((r) => shape(r)), holdout: 2, status: fit.status, fit: fit.status === 'no fit' ? null : fit.fit, note: fit.status === 'no fit' ? fit.note : '' },
  };
}

test('findings: an exact law holds and has not run out; a U-shaped panel says where the data runs out, by how much, and per parameter', () => {
  const law = { E: 4, x0: 2000, alpha: 0.25 };
  const xs = [3072, 24576, 98304, 196608, 786432, 1572864];
  const good = xs.map((x) => ({ ...row(x, powerLaw(x, law)), data: 'good' }));
  // U: lowest at 98,304 (5.00), the largest 5.25 = 5% worse.
  const uLoss = [5.6, 5.2, 5.0, 5.05, 5.15, 5.25];
  const u = xs.map((x, i) => ({ ...row(x, uLoss[i]), data: 'u' }));
  const g = panelOf('good', good, 1_000_000);
  const b = panelOf('u', u, 98_304);
  const lines = realDataFindings({ scale: 'cpu', panels: [g.panel, b.panel], points: [...good, ...u] });
  assert.equal(lines.length, 2);
  assert.match(lines[0], /^good \(1,000,000 training interactions, 100 items\): fit on 4 runs: E 4\.000, alpha 0\.250, R\^2 1\.000; held out N 786,432 [+-]0\.00%, N 1,572,864 [+-]0\.00%; the law holds/);
  assert.match(lines[0], /lowest at the largest size, \dx\d+ \(N 1,572,864\) .*0\.64 training interactions per parameter\): the data has not run out/);
  assert.match(lines[1], /^u .*the law does not hold by the goal/);
  assert.match(lines[1], /lowest at \dx\d+ \(N 98,304\) \(5\.0000; 1\.0 training interactions per parameter\); the largest size, \dx\d+, is \+5\.00% worse: past ~98,304 parameters this dataset runs out\.$/);
  assert.match(realDataFindings({ scale: 'smoke', panels: [g.panel], points: good })[0], /^Smoke scale: .*no conclusion/);
  // The figure: per panel a loss plot (band, law, fitted, held out) over an NDCG@10 plot, log x.
  const fig = realDataFigure('t', [...good, ...u], [g.panel, b.panel], [g.fit, b.fit]);
  assert.equal(fig.data.length, 2 * (4 + 1));
  assert.equal((fig.layout.xaxis as { type: string }).type, 'log');
  assert.equal((fig.layout.xaxis4 as { type: string }).type, 'log');
  const held = fig.data.find((t) => t.name === 'held-out sizes (measured)')!;
  assert.deepEqual(held.x, [786432, 1572864]);
});

const tinyRung = (numLayers: number, dim: number) => ({ numLayers, dim, numHeads: 1, epochs: 1, batchSize: 64 });

test('produce on tiny data: a row per size, the fit with held-out predictions on the held-out rows, the five files; a second call loads', async () => {
  const data = { spec: `atomic:${tinyInterIn('lsrm-f2r-data-', 5)}`, core: 0, label: 'tiny' };
  const plan: RealDataPlan = { panels: [{ data, ladder: [tinyRung(1, 4), tinyRung(2, 4), tinyRung(1, 8), tinyRung(2, 8)], train: { maxEpochs: 2, patience: 1, batchSize: 64, selectBy: 'loss' } }], holdout: 1, seeds: [0] };
  const runsDir = mkdtempSync(join(tmpdir(), 'lsrm-f2r-runs-'));
  const root = mkdtempSync(join(tmpdir(), 'lsrm-f2r-fig-'));
  const id = 'fig-2a-real-ml-latest-small';
  const out = await REAL_FIGURES[id].produce(SCALES.smoke, { plan, runsDir, figuresRoot: root, png: false });
  const dir = join(root, 'smoke');
  assert.deepEqual(readdirSync(dir).sort(), ['csv', 'html', 'json', 'md', 'plotly.json'].map((e) => `${id}.${e}`).sort());
  assert.deepEqual(out.rows.map((r) => [shape(r), r.role]), [['1x4', 'fit'], ['2x4', 'fit'], ['1x8', 'fit'], ['2x8', 'held out']]);
  const a = JSON.parse(readFileSync(join(dir, `${id}.json`), 'utf8'));
  for (const k of ['id', 'scale', 'data', 'seeds', 'runs', 'wallSeconds', 'holdout', 'panels', 'findings', 'points']) assert.ok(k in a, k);
  assert.deepEqual([a.id, a.scale, a.data, a.runs.length], [id, 'smoke', [data.spec], 4]);
  const p = a.panels[0];
  assert.deepEqual([p.label, p.users, p.items, p.sizes, p.holdout], ['tiny', 24, 12, ['1x4', '2x4', '1x8', '2x8'], 1]);
  assert.ok(p.trainInteractions > 0 && p.trainInteractions < 24 * 9);
  if (p.status !== 'no fit') {
    assert.deepEqual(p.fit.heldOut.map((h: { x: number }) => h.x), [1536]);
    const last = out.rows[3];
    assert.equal(last.predicted, p.fit.heldOut[0].predicted);
    assert.ok(out.rows.slice(0, 3).every((r) => r.predicted === null));
  } else assert.ok(p.note.length > 0);
  for (const r of out.rows) assert.ok(r.epochs! >= 1 && r.epochs! <= 2 && r.bestEpoch! >= 1);
  assert.match(a.findings[0], /^Smoke scale/);
  assert.match(readFileSync(join(dir, `${id}.csv`), 'utf8').split('\n')[0], /^data,params,numLayers,dim,seed,role,testLoss,NDCG@10,bestEpoch,epochs,predicted,errorPct$/);
  const before = new Map(readdirSync(dir).map((f) => [f, readFileSync(join(dir, f), 'utf8')]));
  const again = await REAL_FIGURES[id].produce(SCALES.smoke, { plan, runsDir, figuresRoot: root, png: false, deps: { prepare: async () => assert.fail('a stored run must not load data') } });
  assert.deepEqual(again.rows, out.rows);
  for (const [f, text] of before) assert.equal(readFileSync(join(dir, f), 'utf8'), text, f);
});

test('two seeds: a mean row per size after its seeds; the prediction sits on the held-out mean row', async () => {
  const data = { spec: `atomic:${tinyInterIn('lsrm-f2r-seeds-', 7)}`, core: 0, label: 'tiny' };
  const plan: RealDataPlan = { panels: [{ data, ladder: [tinyRung(1, 4), tinyRung(2, 4), tinyRung(1, 8), tinyRung(2, 8)], train: { maxEpochs: 1, batchSize: 64, selectBy: 'loss' } }], holdout: 1, seeds: [0, 1] };
  const { rows, fits } = await realDataRows(SCALES.smoke, plan, { runsDir: mkdtempSync(join(tmpdir(), 'lsrm-f2r-sr-')) });
  assert.deepEqual(rows.map((r) => `${shape(r)}/${r.seed}`), ['1x4/0', '1x4/1', '1x4/null', '2x4/0', '2x4/1', '2x4/null', '1x8/0', '1x8/1', '1x8/null', '2x8/0', '2x8/1', '2x8/null']);
  assert.equal(rows[2].testLoss, (rows[0].testLoss + rows[1].testLoss) / 2);
  assert.deepEqual([rows[2].bestEpoch, rows[2].epochs], [null, null]);
  if (fits[0].status !== 'no fit') {
    assert.equal(fits[0].fit.n, 6, 'fitted on the seed rows of the three smaller sizes');
    assert.notEqual(rows[11].predicted, null);
    assert.deepEqual([rows[9].predicted, rows[10].predicted], [null, null]);
  }
});

test('the registry entries: one per dataset, in order, each with its notebook', () => {
  for (const id of IDS) {
    assert.equal(findFigure(id), REAL_FIGURES[id]);
    assert.equal(REAL_FIGURES[id].notebook, `notebooks/${id}.ipynb`);
    assert.equal(REAL_FIGURES[id].isCheap, false);
  }
  assert.match(REAL_FIGURES['fig-2a-real-video-games'].title, /Amazon Video Games/);
});
