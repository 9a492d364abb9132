import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { backboneConfig, backboneParams, backboneRows, backboneRuns, backbonesFindings, backboneSweep, BACKBONES, fitBackbone, FIG_BACKBONES_PLANS, FIGURE, panelSeeds, type BackbonesPlan } from '../../lib/experiments/fig-backbones';
import { backbonesFigure, type BackboneRow } from '../../lib/experiments/fig-backbones-figure';
import { fig2aSweep, FIG_2A_PLANS } from '../../lib/experiments/fig-2a';
import { perfLawRuns } from '../../lib/experiments/fig-performance-law';
import { SCALES } from '../../lib/experiments/scale';
import { table5Runs } from '../../lib/experiments/table-5';
import { ladderRuns, taskLadder } from '../../lib/experiments/task-ladder';
import { MODELS } from '../../lib/models';
import { storeRunKey } from '../../lib/runs/in-store';
import { powerLaw } from '../../lib/scaling/laws';
import { meanInterval } from '../../lib/util/stats';
import { tinyInterIn } from '../helpers/tiny-inter';

const ML_100K = { spec: 'dataset:ml-100k', core: 0, label: 'ml-100k' };
const shape = (r: { numLayers: number; dim: number }) => `${r.numLayers}x${r.dim}`;

test('plans: four backbones; smoke 3 sizes; cpu synthetic:cpu and ml-100k at 1x16, 2x16, 4x16, 2x32; paper ML-20M 5-core with Table IV\'s first four', () => {
  assert.deepEqual(BACKBONES.map((b) => [b.kind, b.label]), [['lsrm', 'LSRM (SASRec-style)'], ['hstu', 'HSTU'], ['fuxi', 'FuXi-α'], ['llama', 'Llama']]);
  const p = FIG_BACKBONES_PLANS;
  for (const plan of Object.values(p)) assert.deepEqual(plan.backbones, ['lsrm', 'hstu', 'fuxi', 'llama']);
  assert.equal(p.smoke.panels.length, 1);
  assert.equal(p.smoke.panels[0].data.spec, 'synthetic:smoke');
  assert.equal(p.smoke.panels[0].ladder.length, 3);
  assert.ok(p.smoke.panels[0].ladder.every((r) => r.epochs === 2));
  assert.deepEqual(p.cpu.panels.map((x) => [x.data.spec, x.data.core, x.budget.kind]), [['synthetic:cpu', 0, 'fig-2a'], ['dataset:ml-100k', 0, 'converge']]);
  for (const panel of p.cpu.panels) assert.deepEqual(panel.ladder.map(shape), ['1x16', '2x16', '4x16', '2x32']);
  assert.ok(p.cpu.panels[0].ladder.every((r) => r.epochs === 2 && r.batchSize === 256));
  assert.deepEqual(p.cpu.seeds, [0]);
  // ml-100k trains a second seed: one seed cannot tell its backbones apart (Table V's seed intervals are as wide as their gaps).
  assert.deepEqual(p.cpu.panels.map((x) => panelSeeds(p.cpu, x)), [[0], [0, 1]]);
  assert.deepEqual(p.paper.panels.map((x) => [x.data.spec, x.data.core]), [['dataset:ml-20m', 5]]);
  assert.deepEqual(p.paper.panels[0].ladder.map(shape), ['2x64', '4x128', '8x128', '12x256']);
  // Every shape builds for every backbone (heads divide d; Llama's head width is even), with N rising along each ladder.
  for (const [name, plan] of Object.entries(p)) {
    const runs = backboneRuns(SCALES[name as keyof typeof SCALES], plan);
    assert.equal(runs.length, plan.panels.reduce((s, x) => s + x.ladder.length * panelSeeds(plan, x).length, 0) * 4, name);
    for (const panel of plan.panels) for (const b of plan.backbones) {
      const ns = runs.filter((r) => r.panel === panel && r.kind === b).map((r) => r.params);
      assert.deepEqual(ns, [...ns].sort((x, y) => x - y), `${name} ${b}: N ascending`);
      assert.equal(new Set(ns).size, ns.length / panelSeeds(plan, panel).length, `${name} ${b}: distinct N per seed`);
    }
  }
});

test("store keys: the LSRM synthetic:cpu runs are Figure 2a's and the Performance Law's; the ml-100k runs include Table V's SASRec, HSTU and FuXi-α (seed 0)", () => {
  const runs = backboneRuns(SCALES.cpu);
  const key = (spec: string, kind: string, s: string) => {
    const r = runs.find((x) => x.panel.data.spec === spec && x.kind === kind && shape(x.rung) === s && x.seed === 0);
    assert.ok(r, `${spec} ${kind} ${s}`);
    return storeRunKey(r.config);
  };
  // Figure 2a: 1x16 and 2x32 are its runs; 2x16 and 4x16 the Performance Law's synthetic ones.
  const fig2a = new Map(fig2aSweep(SCALES.cpu).map((r) => [shape(r.config.model), r.key]));
  for (const s of ['1x16', '2x32']) assert.equal(key('synthetic:cpu', 'lsrm', s), fig2a.get(s), `Figure 2a ${s}`);
  const perf = new Map(perfLawRuns(SCALES.cpu).filter((r) => r.series === 0 && r.fraction === 1).map((r) => [shape(r.rung), storeRunKey(r.config)]));
  for (const s of ['2x16', '4x16']) assert.equal(key('synthetic:cpu', 'lsrm', s), perf.get(s), `Performance Law ${s}`);
  // The other backbones differ from LSRM in the kind alone.
  const lsrm = runs.find((x) => x.kind === 'lsrm')!.config;
  const hstu = runs.find((x) => x.kind === 'hstu')!.config;
  assert.deepEqual({ ...hstu, model: { ...hstu.model, kind: 'lsrm' } }, lsrm);
  // Table V at cpu on ml-100k, seed 0.
  const t5 = new Map(table5Runs(SCALES.cpu, ML_100K).filter((r) => r.seed === 0).map((r) => [r.model.label, storeRunKey(r.config)]));
  assert.equal(key('dataset:ml-100k', 'lsrm', '2x32'), t5.get('SASRec'));
  assert.equal(key('dataset:ml-100k', 'hstu', '2x32'), t5.get('HSTU'));
  assert.equal(key('dataset:ml-100k', 'fuxi', '2x32'), t5.get('FuXi-α'));
  // Figures 5-9's ml-100k ladder (LSRM, Table V's settings): its 1x16 and 2x32 are ours.
  const tasks = new Map(ladderRuns(SCALES.cpu, taskLadder(SCALES.cpu, ML_100K)).map((r) => [shape(r.rung), storeRunKey(r.config)]));
  for (const s of ['1x16', '2x32']) assert.equal(key('dataset:ml-100k', 'lsrm', s), tasks.get(s), `task ladder ${s}`);
  // Every sweep run is keyed by its store key.
  for (const r of backboneSweep(SCALES.cpu)) assert.equal(r.key, storeRunKey(r.config));
});

test('non-embedding N: each backbone\'s registry count (12·L·d² for LSRM only), different between backbones at every size', () => {
  const F = { 16: 48, 32: 88, 64: 176 } as Record<number, number>; // Llama: 8·ceil(floor(8d/3)/8)
  for (const rung of FIG_BACKBONES_PLANS.cpu.panels[1].ladder) {
    const ns = BACKBONES.map(({ kind }) => {
      const n = backboneParams(backboneConfig(SCALES.cpu, FIG_BACKBONES_PLANS.cpu.panels[1], kind, rung, 0));
      // The registry with another item count and explicit dropout: the same count.
      const direct = (MODELS[kind] as { paramCounts(c: object): { nonEmbedding: number } }).paramCounts({ numItems: 1682, maxLen: 50, numLayers: rung.numLayers, dim: rung.dim, numHeads: rung.numHeads, dropout: new Array(rung.numLayers).fill(0.1) });
      assert.equal(n, direct.nonEmbedding, `${kind} ${shape(rung)}`);
      return n;
    });
    const [L, D] = [rung.numLayers, rung.dim];
    assert.equal(ns[0], 12 * L * D * D, `LSRM ${shape(rung)}`);
    assert.equal(ns[3], L * (4 * D * D + 3 * D * F[D] + 2 * D) + D, `Llama ${shape(rung)}`);
    assert.equal(new Set(ns).size, 4, `${shape(rung)}: ${ns.join(', ')}`);
  }
  // Table V's 2x32 at cpu scale: LSRM 24,576.
  assert.equal(backboneRuns(SCALES.cpu).find((r) => r.kind === 'lsrm' && shape(r.rung) === '2x32')!.params, 24_576);
});

test('the sweep: one run per panel, backbone, size and seed, largest N first, each budget written out', () => {
  const runs = backboneSweep(SCALES.cpu);
  assert.equal(runs.length, 4 * 4 + 4 * 4 * 2, 'synthetic: 1 seed; ml-100k: 2');
  assert.ok(runs.some((r) => r.label === 'Backbones ml-100k hstu 2x32 seed 0'));
  assert.ok(runs.some((r) => r.label === 'Backbones ml-100k hstu 2x32 seed 1'));
  assert.ok(runs.some((r) => r.label === 'Backbones Synthetic (cpu) llama 4x16 seed 0'));
  const ns = backboneRuns(SCALES.cpu).map((r) => r.params).sort((a, b) => b - a);
  assert.equal(ns[0], backboneRuns(SCALES.cpu).find((r) => r.kind === 'llama' && shape(r.rung) === '2x32')!.params);
  assert.match(runs[0].label, /llama 2x32/, 'largest first');
  for (const r of runs) {
    const t = r.config.train;
    if (r.config.data.source === 'synthetic:cpu') assert.deepEqual([t.epochs, t.batchSize, t.selectBy, t.layerwiseDropout, t.switchOptimizer], [2, 256, 'loss', false, false], r.label);
    else assert.deepEqual([t.epochs, t.maxEpochs, t.selectBy, t.layerwiseDropout, t.switchOptimizer, t.patienceMinSteps], [undefined, 200, 'NDCG@10', true, true, 300], r.label);
    assert.equal(r.config.model.maxLen, SCALES.cpu.maxLen);
  }
  assert.deepEqual(FIGURE.sweep!(SCALES.smoke), backboneSweep(SCALES.smoke));
});

test('fitBackbone: an exact law is recovered; rising losses give a finite flat law, flagged; fewer than 3 sizes or a bad value: no fit, no throw', () => {
  const law = { E: 3, x0: 500, alpha: 0.3 };
  const xs = [768, 3072, 12288, 49152];
  const ok = fitBackbone('d', 'B', 'lsrm', xs.map((x) => ({ x, y: powerLaw(x, law) })));
  assert.equal(ok.status, 'ok');
  assert.ok(Math.abs(ok.alpha! - 0.3) < 1e-3 && Math.abs(ok.E! - 3) < 1e-3 && ok.r2! > 0.9999, JSON.stringify(ok));
  assert.deepEqual([ok.sizes, ok.n], [4, 4]);
  // Loss rising with N: the flat law L = mean loss, alpha 0, every value finite.
  const ys = [5.0, 5.1, 5.3, 5.2];
  const flat = fitBackbone('d', 'B', 'hstu', xs.map((x, i) => ({ x, y: ys[i] })));
  assert.equal(flat.status, 'flat');
  for (const v of [flat.E, flat.x0, flat.alpha, flat.r2]) assert.ok(typeof v === 'number' && Number.isFinite(v), JSON.stringify(flat));
  assert.equal(flat.alpha, 0);
  assert.ok(Math.abs(flat.E! - 5.15) < 1e-9, `${flat.E}`);
  assert.match(flat.note, /do not fall with x/);
  const two = fitBackbone('d', 'B', 'fuxi', [{ x: 1, y: 2 }, { x: 2, y: 1 }, { x: 2, y: 1.1 }]);
  assert.deepEqual([two.status, two.E, two.alpha, two.r2, two.sizes, two.n], ['no fit', null, null, null, 2, 3]);
  assert.match(two.note, /2 sizes: a power law has 3 parameters/);
  const bad = fitBackbone('d', 'B', 'llama', xs.map((x, i) => ({ x, y: i === 1 ? Number.NaN : 5 })));
  assert.equal(bad.status, 'no fit');
  assert.match(bad.note, /^the fit failed: /);
});

/** Points of two backbones on one panel: LSRM on an exact law, HSTU flat. */
function drawnRowsFixture(): { rows: BackboneRow[]; fits: ReturnType<typeof fitBackbone>[] } {
  const xs = [768, 3072, 12288];
  const law = { E: 3, x0: 500, alpha: 0.3 };
  const mk = (backbone: string, kind: string, y: (x: number) => number): BackboneRow[] => xs.map((params, i) => ({
    data: 'tiny', backbone, kind, params, numLayers: 1, dim: 8 * (i + 1), seed: 0, testLoss: y(params), 'NDCG@10': 0.1 * (i + 1), E: null, alpha: null, r2: null, fit: 'no fit',
  }));
  const rows = [...mk('LSRM (SASRec-style)', 'lsrm', (x) => powerLaw(x, law)), ...mk('HSTU', 'hstu', () => 5)];
  const fits = [fitBackbone('tiny', 'LSRM (SASRec-style)', 'lsrm', xs.map((x) => ({ x, y: powerLaw(x, law) }))), fitBackbone('tiny', 'HSTU', 'hstu', xs.map((x) => ({ x, y: 5 })))];
  return { rows, fits };
}

test('the figure: per panel loss (markers + dashed law) and NDCG@10 on log x; one legend entry per backbone, same colour everywhere', () => {
  const { rows, fits } = drawnRowsFixture();
  const fig = backbonesFigure({ title: 't', rows, fits, backbones: ['LSRM (SASRec-style)', 'HSTU', 'FuXi-α', 'Llama'] });
  // LSRM: markers, law, NDCG; HSTU: markers, flat law, NDCG; FuXi-α and Llama have no points.
  assert.equal(fig.data.length, 6);
  const lawTraces = fig.data.filter((t) => t.mode === 'lines');
  assert.equal(lawTraces.length, 2);
  assert.ok(lawTraces.every((t) => (t.line as { dash: string }).dash === 'dash' && t.xaxis === 'x'));
  assert.deepEqual(new Set((lawTraces[1].y as number[])), new Set([5]), 'the flat law is the constant E');
  assert.equal(fig.data.filter((t) => t.showlegend !== false).length, 2, 'one legend entry per backbone drawn');
  const colour = (name: string) => new Set(fig.data.filter((t) => t.name === name).map((t) => (t.marker as { color?: string } | undefined)?.color ?? (t.line as { color: string }).color));
  assert.equal(colour('HSTU').size, 1);
  assert.notDeepEqual(colour('HSTU'), colour('LSRM (SASRec-style)'));
  assert.equal((fig.layout.xaxis as { type: string }).type, 'log');
  assert.equal((fig.layout.xaxis2 as { type: string }).type, 'log');
  assert.equal(fig.data.filter((t) => t.xaxis === 'x2').length, 2, 'NDCG@10 panel: one line per backbone');
  assert.deepEqual(JSON.parse(JSON.stringify(fig)), fig, 'plain JSON');
});

test('findings: alphas with whether they pin the exponent; smoke says no conclusion follows', () => {
  const { rows, fits } = drawnRowsFixture();
  const panels = [{ data: 'x', label: 'tiny', core: 0, sizes: ['1x8', '1x16', '1x24'], budget: { kind: 'fig-2a' as const } }];
  const smoke = backbonesFindings({ scale: 'smoke', fits, points: rows, panels });
  assert.match(smoke[0], /^Smoke scale: .*no conclusion/);
  const cpu = backbonesFindings({ scale: 'cpu', fits, points: rows, panels });
  assert.doesNotMatch(cpu.join('\n'), /Smoke/);
  assert.match(cpu[0], /^tiny: power-law alpha LSRM \(SASRec-style\) 0\.300 \(R\^2 1\.00\); only LSRM \(SASRec-style\)'s pins its exponent; without a falling law: HSTU \(flat\)\.$/);
  // At 1x24 the law's loss 3 + (500/12288)^0.3 = 3 + e^(0.3·ln 0.04069) = 3 + e^-0.9605 = 3.3827, below HSTU's 5.
  assert.ok(cpu.some((l) => /^tiny, largest shape 1x24: lowest test loss LSRM \(SASRec-style\) \(3\.3827, N 12,288\); best NDCG@10 LSRM/.test(l)), cpu.join('\n'));
});

test('findings: slopes per e-fold of N and the companion claims are judged by their intervals', () => {
  // Four sizes, losses linear in ln N plus a small wobble: FuXi-α falls by 0.3 per e-fold, HSTU and LSRM by 0.1.
  const xs = [3000, 6000, 12000, 24000];
  const wobble = [0.004, -0.003, -0.002, 0.001];
  const mk = (backbone: string, kind: string, slope: number, ndcgSlope: number): BackboneRow[] => xs.map((params, i) => ({
    data: 'd', backbone, kind, params, numLayers: 1 << i, dim: 16, seed: 0, testLoss: 7 + slope * Math.log(params / 3000) + wobble[i], 'NDCG@10': 0.1 + ndcgSlope * Math.log(params / 3000) - wobble[i] / 10,
    E: null, alpha: null, r2: null, fit: 'no fit',
  }));
  const rows = [...mk('LSRM (SASRec-style)', 'lsrm', -0.1, 0.01), ...mk('HSTU', 'hstu', -0.1, 0.01), ...mk('FuXi-α', 'fuxi', -0.3, 0.03)];
  const fits = ['lsrm', 'hstu', 'fuxi'].map((kind) => fitBackbone('d', rows.find((r) => r.kind === kind)!.backbone, kind, rows.filter((r) => r.kind === kind).map((r) => ({ x: r.params, y: r.testLoss }))));
  const panels = [{ data: 'x', label: 'd', core: 0, sizes: ['1x16', '2x16', '4x16', '8x16'], budget: { kind: 'fig-2a' as const } }];
  const out = backbonesFindings({ scale: 'cpu', fits, points: rows, panels });
  const loss = out.find((l) => l.startsWith('d, test-loss slope'))!;
  assert.match(loss, /FuXi-α −0\.30\d ± 0\.0\d\d/);
  assert.match(loss, /steepest fall: FuXi-α, told apart from every other backbone\.$/);
  assert.match(out.find((l) => l.startsWith('d, NDCG@10 slope'))!, /steepest rise: FuXi-α, told apart from every other backbone\.$/);
  const claims = out.find((l) => l.startsWith('d against the companion claims (one seed)'))!;
  assert.match(claims, /"FuXi-α scales better than HSTU": FuXi-α − HSTU loss slope −0\.200 ± 0\.\d+ \(supported\), NDCG@10 slope \+0\.0200 ± 0\.\d+ \(supported\)/);
  assert.match(claims, /"HSTU scales better than the SASRec-style LSRM": HSTU − LSRM \(SASRec-style\) loss slope [+−]0\.000 ± 0\.\d+ \(not told apart\)/);
  // Reversed: HSTU falling faster than FuXi-α contradicts FuXi-α's claim.
  const swapped = rows.map((r) => r.kind === 'fuxi' ? { ...r, testLoss: 7 - 0.05 * Math.log(r.params / 3000) } : r.kind === 'hstu' ? { ...r, testLoss: 7 - 0.3 * Math.log(r.params / 3000) + wobble[xs.indexOf(r.params)] } : r);
  assert.match(backbonesFindings({ scale: 'cpu', fits, points: swapped, panels }).join('\n'), /FuXi-α − HSTU loss slope \+0\.25\d ± 0\.\d+ \(contradicted\)/);
});

const tinyInter = (): string => tinyInterIn('lsrm-fbb-data-', 3);

const rung = (numLayers: number, dim: number) => ({ numLayers, dim, numHeads: 1, epochs: 1, batchSize: 64 });

test('produce at smoke on tiny data: one row per backbone and size, a fit per backbone, the five files; a second call loads', async () => {
  const data = { spec: `atomic:${tinyInter()}`, core: 0, label: 'tiny' };
  const plan: BackbonesPlan = { panels: [{ data, ladder: [rung(1, 4), rung(2, 4), rung(1, 8)], budget: { kind: 'fig-2a' } }], backbones: ['lsrm', 'hstu', 'fuxi', 'llama'], seeds: [0] };
  const runsDir = mkdtempSync(join(tmpdir(), 'lsrm-fbb-runs-'));
  const root = mkdtempSync(join(tmpdir(), 'lsrm-fbb-fig-'));
  const out = await FIGURE.produce(SCALES.smoke, { plan, runsDir, figuresRoot: root, png: false });
  const id = 'fig-backbones';
  const dir = join(root, 'smoke');
  assert.deepEqual(readdirSync(dir).sort(), ['csv', 'html', 'json', 'md', 'plotly.json'].map((e) => `${id}.${e}`).sort());
  const csv = readFileSync(join(dir, `${id}.csv`), 'utf8').trim().split('\n');
  assert.equal(csv[0], 'data,backbone,params,numLayers,dim,seed,testLoss,NDCG@10,E,alpha,r2,fit');
  assert.equal(csv.length, 1 + 4 * 3);
  assert.match(csv[1], /^tiny,LSRM \(SASRec-style\),192,1,4,0,/);
  const a = JSON.parse(readFileSync(join(dir, `${id}.json`), 'utf8'));
  for (const k of ['id', 'scale', 'data', 'seeds', 'runs', 'wallSeconds', 'panels', 'fits', 'findings', 'points']) assert.ok(k in a, k);
  assert.deepEqual([a.id, a.scale, a.data, a.runs.length, a.points.length], [id, 'smoke', [data.spec], 12, 12]);
  assert.equal(a.fits.length, 4);
  for (const f of a.fits) {
    assert.equal(f.sizes, 3);
    assert.ok(['ok', 'edge', 'flat', 'no fit'].includes(f.status), f.status);
    for (const k of ['E', 'alpha', 'r2']) assert.ok(f[k] === null ? f.status === 'no fit' : Number.isFinite(f[k]), `${f.backbone} ${k}`);
  }
  assert.match(a.findings[0], /^Smoke scale/);
  for (const r of out.rows) assert.equal(r.alpha, out.fits.find((f) => f.kind === r.kind)!.alpha, 'each row carries its backbone\'s fit');
  assert.match(readFileSync(join(dir, `${id}.md`), 'utf8'), /\| Data \| Backbone \| N \(non-emb\) \| n_layer \| d_model \| Seed \| Test loss \| NDCG@10 \| fit E \| fit alpha \| fit R\^2 \| Fit \|/);
  // Again: every run loads (no data prepared), the same rows and files.
  const before = new Map(readdirSync(dir).map((f) => [f, readFileSync(join(dir, f), 'utf8')]));
  const again = await FIGURE.produce(SCALES.smoke, { plan, runsDir, figuresRoot: root, png: false, deps: { prepare: async () => assert.fail('a stored run must not load data') } });
  assert.deepEqual(again.rows, out.rows);
  for (const [f, text] of before) assert.equal(readFileSync(join(dir, f), 'utf8'), text, f);
});

test('two seeds: a row per seed, then the mean row with its interval; the fit uses the seed rows', async () => {
  const data = { spec: `atomic:${tinyInter()}`, core: 0, label: 'tiny' };
  const plan: BackbonesPlan = { panels: [{ data, ladder: [rung(1, 4), rung(2, 4), rung(1, 8)], budget: { kind: 'fig-2a' } }], backbones: ['lsrm'], seeds: [0, 1] };
  const { rows, fits } = await backboneRows(SCALES.smoke, plan, { runsDir: mkdtempSync(join(tmpdir(), 'lsrm-fbb-seeds-')) });
  assert.deepEqual(rows.map((r) => `${shape(r)}/${r.seed}`), ['1x4/0', '1x4/1', '1x4/null', '2x4/0', '2x4/1', '2x4/null', '1x8/0', '1x8/1', '1x8/null']);
  const [a, b, m] = rows;
  const want = meanInterval([a.testLoss, b.testLoss]);
  assert.equal(m.testLoss, want.mean);
  assert.equal(m.testLossHw, want.halfWidth);
  assert.equal(m.seeds, 2);
  assert.deepEqual([fits[0].n, fits[0].sizes], [6, 3]);
});

test('a panel\'s own seeds replace the plan\'s for that panel only; a bad one is refused', () => {
  const data = { spec: 'synthetic:smoke', core: 0, label: 's' };
  const plan: BackbonesPlan = { panels: [{ data, ladder: [rung(1, 4), rung(1, 8)], budget: { kind: 'fig-2a' } }, { data: { ...data, label: 't' }, ladder: [rung(1, 4)], budget: { kind: 'fig-2a' }, seeds: [3, 5] }], backbones: ['lsrm', 'hstu'], seeds: [0] };
  const runs = backboneRuns(SCALES.smoke, plan);
  assert.deepEqual(runs.map((r) => `${r.panel.data.label} ${r.kind} ${shape(r.rung)} ${r.seed}`), [
    's lsrm 1x4 0', 's lsrm 1x8 0', 's hstu 1x4 0', 's hstu 1x8 0', 't lsrm 1x4 3', 't lsrm 1x4 5', 't hstu 1x4 3', 't hstu 1x4 5',
  ]);
  assert.throws(() => backboneRuns(SCALES.smoke, { ...plan, panels: [{ ...plan.panels[1], seeds: [1, 1] }] }), /seed/);
});

test('the registry entry', () => {
  assert.equal(FIGURE.id, 'fig-backbones');
  assert.equal(FIGURE.notebook, 'notebooks/fig-backbones.ipynb');
  assert.match(FIGURE.paperRef, /^Beyond the paper: /);
  assert.equal(FIGURE.isCheap, false);
  assert.ok(FIG_2A_PLANS.cpu.ladder.length >= 4);
});
