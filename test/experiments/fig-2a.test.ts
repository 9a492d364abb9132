import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, statSync, utimesSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FIG_2A_PLANS, fig2aFindings, fig2aFit, fig2aSweep, fig2aSummary, irreducibleLoss, produceFig2a, type Fig2aArtefact, type Fig2aPlan } from '../../lib/experiments/fig-2a';
import { fig2aFigure, type Fig2aRow } from '../../lib/experiments/fig-2a-figure';
import { DEFAULT_SCALE, SCALES } from '../../lib/experiments/scale';
import { nonEmbeddingParams } from '../../lib/models/params';
import { powerLaw } from '../../lib/scaling/laws';

test('plans: >= 6 sizes at cpu and paper (2 held out), >= 4 in the miniature (1 held out), ascending N, heads divide d', () => {
  const want = { smoke: [4, 1], default: [4, 1], cpu: [6, 2], paper: [6, 2] } as const;
  for (const [name, [sizes, holdout]] of Object.entries(want)) {
    const p = FIG_2A_PLANS[name as keyof typeof FIG_2A_PLANS];
    assert.ok(p.ladder.length >= sizes, `${name}: ${p.ladder.length} sizes`);
    assert.equal(p.holdout, holdout, name);
    const ns = p.ladder.map((r) => nonEmbeddingParams(r.numLayers, r.dim));
    assert.deepEqual(ns, [...ns].sort((a, b) => a - b), `${name}: sizes ascending`);
    assert.equal(new Set(ns).size, ns.length, `${name}: distinct sizes`);
    for (const r of p.ladder) assert.equal(r.dim % r.numHeads, 0, `${name}: ${r.numLayers}x${r.dim}`);
  }
  assert.equal(FIG_2A_PLANS.default.data.spec, 'synthetic:default');
  assert.equal(FIG_2A_PLANS.cpu.data.spec, 'synthetic:cpu');
});

test('cpu grid fits ~2 hours on 2 cores by the cost model 6·(N + I·d) FLOP per target', () => {
  const targets = 3.0e6; // synthetic:cpu: ~254 steps x 256 windows x 50 positions per epoch
  const items = 8000;
  const flop = FIG_2A_PLANS.cpu.ladder.reduce((s, r) => s + r.epochs * 6 * (nonEmbeddingParams(r.numLayers, r.dim) + items * r.dim) * targets, 0);
  const hours = flop / (2 * 22e9) / 3600;
  assert.ok(hours < 1.8, `estimated ${hours.toFixed(2)} h of training (plus evaluation) on 2 cores`);
});

test('the sweep: one run per size and seed, training settings written out', () => {
  const runs = fig2aSweep(SCALES.cpu);
  assert.equal(runs.length, FIG_2A_PLANS.cpu.ladder.length * FIG_2A_PLANS.cpu.seeds.length);
  assert.equal(runs[0].label, 'Figure 2a 8x128 seed 0', 'largest first');
  assert.equal(runs.at(-1)!.label, 'Figure 2a 1x16 seed 0');
  for (const r of runs) {
    assert.equal(r.config.train.selectBy, 'loss');
    assert.equal(r.config.train.epochs, 2);
    assert.equal(r.config.train.layerwiseDropout, false);
    assert.equal(r.config.model.maxLen, SCALES.cpu.maxLen);
  }
  assert.equal(fig2aSweep(DEFAULT_SCALE).length, 5);
});

/** Rows on an exact law, two seeds per size (± 0.01), the largest size held out. */
function lawRows(): Fig2aRow[] {
  const law = { E: 3, x0: 500, alpha: 0.3 };
  const sizes = [768, 3072, 6144, 12288, 24576];
  return sizes.flatMap((params, i) => [-0.01, 0.01].map((d, seed) => ({
    params, numLayers: 1, dim: 8, seed, testLoss: powerLaw(params, law) + d, 'NDCG@10': 0.1 + 0.01 * i, role: i === 4 ? 'held out' : 'fit', predicted: null, errorPct: null,
  })));
}

test('fit on the fitted sizes recovers the law; the held-out size is predicted within its band', () => {
  const h = fig2aFit(lawRows(), 1);
  assert.equal(h.fit.n, 8);
  assert.ok(h.fit.r2 > 0.99);
  assert.equal(h.heldOut.length, 1);
  assert.equal(h.heldOut[0].x, 24576);
  assert.ok(Math.abs(h.heldOut[0].errorPct) < 1, `${h.heldOut[0].errorPct}`);
});

test('the figure: loss panel (band, fit, fitted, held out, dashed irreducible) and NDCG@10 panel on log axes', () => {
  const rows = lawRows();
  const fig = fig2aFigure({ title: 't', rows, holdout: fig2aFit(rows, 1), irreducible: 2.5 });
  assert.equal(fig.data.length, 6);
  assert.equal(fig.data[1].line && (fig.data[1].line as { dash: string }).dash, 'dash');
  assert.deepEqual(fig.data[4].y, [2.5, 2.5]);
  assert.equal(fig.data[5].xaxis, 'x2');
  assert.equal((fig.layout.xaxis as { type: string }).type, 'log');
  assert.equal((fig.layout.xaxis2 as { type: string }).type, 'log');
  assert.deepEqual(JSON.parse(JSON.stringify(fig)), fig, 'plain JSON');
  assert.equal(fig2aFigure({ title: 't', rows, holdout: fig2aFit(rows, 1) }).data.length, 5, 'no line without a teacher');
});

test('irreducible loss: the teacher of synthetic data, none for a dataset', () => {
  const e = irreducibleLoss(SCALES.smoke.data[0])!;
  assert.ok(e > 0 && e < Math.log(200), `${e}`);
  assert.equal(irreducibleLoss({ spec: 'dataset:ml-100k', core: 0, label: 'ml-100k' }), undefined);
});

test('produce at smoke: trains the ladder, writes figure, table and the artefact JSON; a second call trains nothing and rewrites no content', async () => {
  const runsDir = mkdtempSync(join(tmpdir(), 'lsrm-f2a-runs-'));
  const root = mkdtempSync(join(tmpdir(), 'lsrm-f2a-fig-'));
  const plan: Fig2aPlan = { ...FIG_2A_PLANS.smoke, ladder: FIG_2A_PLANS.smoke.ladder.map((r) => ({ ...r, epochs: 1, batchSize: 64 })) };
  const out = await produceFig2a(SCALES.smoke, { plan, runsDir, figuresRoot: root, png: false });
  const dir = join(root, 'smoke');
  assert.deepEqual(readdirSync(root), ['smoke']);
  const id = 'fig-2a-model-scaling';
  assert.deepEqual(readdirSync(dir).sort(), ['csv', 'html', 'json', 'md', 'plotly.json'].map((e) => `${id}.${e}`).sort());
  const a = JSON.parse(readFileSync(join(dir, `${id}.json`), 'utf8'));
  for (const k of ['id', 'scale', 'data', 'seeds', 'runs', 'wallSeconds', 'fit']) assert.ok(k in a, k);
  assert.equal(a.id, id);
  assert.equal(a.scale, 'smoke');
  assert.equal(a.data, 'synthetic:smoke');
  assert.equal(a.runs.length, 4);
  for (const k of ['E', 'x0', 'alpha', 'r2', 'heldOut']) assert.ok(k in a.fit, k);
  assert.deepEqual(Object.keys(a.fit.heldOut[0]), ['x', 'actual', 'predicted', 'lo', 'hi', 'errorPct']);
  assert.equal(a.fit.heldOut[0].x, nonEmbeddingParams(1, 24));
  const spec = JSON.parse(readFileSync(join(dir, `${id}.plotly.json`), 'utf8'));
  assert.ok(spec.layout.xaxis2);
  assert.deepEqual([spec.id, spec.scale], [id, 'smoke'], 'the plotly spec says its figure and scale too');
  assert.match(readFileSync(join(dir, `${id}.csv`), 'utf8'), /^params,numLayers,dim,seed,role,testLoss,NDCG@10,predicted,errorPct\n768,1,8,0,fit,/);
  assert.equal(fig2aSummary(out.artefact).length, 2);
  // Curves: one per run, one row per epoch trained; findings computed from them.
  assert.deepEqual(a.curves.map((c: { params: number; epochs: unknown[] }) => [c.params, c.epochs.length]), plan.ladder.map((r) => [nonEmbeddingParams(r.numLayers, r.dim), 1]));
  assert.deepEqual(a.findings, out.artefact.findings);
  assert.match(a.findings[0], /^Smoke scale/);
  // Again: loads every run, and every file keeps its bytes (tables and artefact unchanged).
  const before = new Map(readdirSync(dir).map((f) => [f, readFileSync(join(dir, f), 'utf8')]));
  const past = new Date(2001, 0, 1);
  for (const f of ['csv', 'md', 'html'].map((e) => `${id}.${e}`)) utimesSync(join(dir, f), past, past);
  await produceFig2a(SCALES.smoke, { plan, runsDir, figuresRoot: root, png: false, deps: { prepare: async () => assert.fail('a stored run must not load data') } });
  for (const [f, text] of before) assert.equal(readFileSync(join(dir, f), 'utf8'), text, f);
  for (const f of ['csv', 'md', 'html'].map((e) => `${id}.${e}`)) assert.equal(statSync(join(dir, f)).mtimeMs, past.getTime(), `${f} untouched`);
});

test('fig2aFindings: the goal, the size where the loss stops falling, the last-epoch drops and the gap to the teacher, worked by hand', () => {
  const row = (numLayers: number, dim: number, testLoss: number, role = 'fit') => ({ params: 12 * numLayers * dim * dim, numLayers, dim, seed: 0, testLoss, 'NDCG@10': 0.1, role, predicted: null, errorPct: null });
  const points = [row(1, 16, 6.2), row(2, 32, 5.9), row(2, 64, 5.7), row(4, 64, 5.71), row(4, 128, 5.69, 'held out')];
  const curve = (params: number, v1: number, v2: number) => ({ params, seed: 0, epochs: [{ epoch: 1, trainLoss: v1 + 0.1, validLoss: v1 }, { epoch: 2, trainLoss: v2 + 0.1, validLoss: v2 }] });
  const fit = { E: 5.5, x0: 1000, alpha: 0.3, r2: 0.97, n: 4, converged: true, band: { level: 0.9, E: [5.4, 5.6], x0: [900, 1100], alpha: [0.2, 0.4] }, heldOut: [{ x: 786432, actual: 5.69, predicted: 5.58, lo: 5.5, hi: 5.6, errorPct: -1.93 }] };
  const a: Pick<Fig2aArtefact, 'scale' | 'fit' | 'points' | 'curves' | 'irreducibleLoss'> = {
    scale: 'cpu', fit, points, irreducibleLoss: 5.272,
    curves: [curve(3072, 6.5, 6.2), curve(786432, 6.0, 5.7)],
  };
  const lines = fig2aFindings(a);
  assert.equal(lines.length, 4);
  assert.equal(lines[0], 'Fit on 4 runs: E 5.500, alpha 0.300, R^2 0.970; held-out errors -1.93%: the goal (R^2 >= 0.95, held-out within 2%) is met.');
  // 4x64 (5.71) is not below 2x64 (5.70).
  assert.equal(lines[1], 'The test loss stops falling at 4x64 (N 196,608): 5.7100 against 5.7000 at 2x64; losses by N: 6.2000, 5.9000, 5.7000, 5.7100, 5.6900.');
  // (6.5 - 6.2) / 6.5 = 4.62%, (6.0 - 5.7) / 6.0 = 5.00%: both above 0.5%.
  assert.equal(lines[2], 'Validation loss drop over the last epoch: N 3,072 4.62%, N 786,432 5.00%: every size was still improving when its budget ended, so the ladder measures the budget as much as the model size.');
  // Best 4x128 at 5.69: 0.418 above 5.272; E 5.5 is 0.228 above.
  assert.equal(lines[3], "The teacher's irreducible loss is 5.272; the best size (4x128) is 0.418 above it, the fitted E 0.228 above.");
  const missed = fig2aFindings({ ...a, fit: { ...fit, heldOut: [{ ...fit.heldOut[0], errorPct: 2.5 }] }, points: points.slice(0, 3), irreducibleLoss: null });
  assert.match(missed[0], /is not met\.$/);
  assert.match(missed[1], /^The test loss falls at every step of the ladder \(6\.2000 > 5\.9000 > 5\.7000\)\.$/);
  assert.equal(missed.length, 3);
});
