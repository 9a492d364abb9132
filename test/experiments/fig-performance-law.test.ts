import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { approximateEntropy } from '../../lib/data/quality';
import type { Sequences } from '../../lib/data/types';
import { fig2aSweep } from '../../lib/experiments/fig-2a';
import { fig2bSweep } from '../../lib/experiments/fig-2b';
import { checkPerfLawPlan, perfLawRuns, perfLawSweep, PERF_LAW_PLANS, producePerfLaw, type PerfLawPlan } from '../../lib/experiments/fig-performance-law';
import { apenVariants, temperatureSweep } from '../../lib/experiments/fig-performance-law-data';
import { dataTermsRecord, holdoutRecord, perfLawFigure, type PerfLawArtefact, type PerfLawGroup, type PerfLawRow } from '../../lib/experiments/fig-performance-law-figure';
import { holdoutFinding, perfLawFindings } from '../../lib/experiments/fig-performance-law-findings';
import { SCALES } from '../../lib/experiments/scale';
import { nonEmbeddingParams } from '../../lib/models/params';

const close = (a: number, b: number, tol: number, what = '') => assert.ok(Math.abs(a - b) <= tol, `${what} ${a} vs ${b}`);
const f = (x: number, w: number) => -1 / (2 * x ** w) - w * Math.log(x);

test('plans: valid; the synthetic ladder holds Figure 2a\'s first four runs and its levels are Figure 2b\'s (same store keys)', () => {
  for (const [name, p] of Object.entries(PERF_LAW_PLANS)) {
    assert.equal(checkPerfLawPlan(p), p, name);
    for (const s of p.series) for (const r of s.ladder) assert.equal(r.dim % r.numHeads, 0, `${name}: ${r.numLayers}x${r.dim}`);
  }
  for (const scale of [SCALES.smoke, SCALES.cpu]) {
    const mine = new Set(perfLawSweep(scale).map((r) => r.key));
    // Figure 2a's ladder up to 4 sizes (at cpu its 4x128 and 8x128 are beyond the figure's budget).
    for (const r of fig2aSweep(scale).slice(-4)) assert.ok(mine.has(r.key), `${scale.name}: ${r.label} is one of ours`);
    const keys2b = new Set(fig2bSweep(scale).map((r) => r.key));
    const levels = perfLawRuns(scale).filter((r) => r.series === 0 && r.fraction < 1);
    assert.ok(levels.length > 0);
    for (const r of levels) assert.ok(keys2b.has(perfLawSweep(scale).find((x) => x.config === r.config || JSON.stringify(x.config) === JSON.stringify(r.config))!.key), `${scale.name}: ${r.fraction} ${r.rung.numLayers}x${r.rung.dim}`);
  }
  // Real data selects the tested weights by validation NDCG@10; a level trains the full data's steps.
  const ml = perfLawRuns(SCALES.cpu).filter((r) => r.series === 1);
  assert.ok(ml.every((r) => r.config.train.selectBy === 'NDCG@10' && r.config.data.source.startsWith('dataset:ml-100k')));
  assert.deepEqual([...new Set(ml.map((r) => `${r.fraction}:${r.config.train.epochs}`))], ['1:40', '0.5:80', '0.25:160']);
  // No config twice in the sweep.
  const sweep = perfLawSweep(SCALES.cpu);
  assert.equal(new Set(sweep.map((r) => r.key)).size, sweep.length);
  assert.equal(sweep.length, perfLawRuns(SCALES.cpu).length);
});

test('bad plans are refused with the reason', () => {
  const p = PERF_LAW_PLANS.smoke, s = p.series[0];
  assert.throws(() => checkPerfLawPlan({ ...p, series: [{ ...s, holdout: 3 }] }), /after holding out 3 sizes, 4 shapes at 3 sizes remain; the Performance Law needs 5 shapes/);
  assert.throws(() => checkPerfLawPlan({ ...p, series: [{ ...s, levels: [{ fraction: 1, shapes: ['1x8'] }] }] }), /fraction must be in \(0, 1\), got 1/);
  assert.throws(() => checkPerfLawPlan({ ...p, series: [{ ...s, levels: [{ fraction: 0.5, shapes: ['9x9'] }] }] }), /names 9x9, not rungs of the ladder/);
  assert.throws(() => checkPerfLawPlan({ ...p, series: [] }), /at least one series/);
});

test('cpu cost: the new runs (not Figure 2a\'s or 2b\'s) take under an hour on 2 cores by 6·(N + I·d) FLOP per target', () => {
  const shared = new Set([...fig2aSweep(SCALES.cpu), ...fig2bSweep(SCALES.cpu)].map((r) => r.key));
  // Targets per epoch (train interactions minus one per user): synthetic:cpu ~2.6M (25k users,
  // 8k items), ml-100k 100,000 − 3·943 (valid, test and each first item) = 97,171 (1,682 items);
  // a level of fraction q has q of them.
  const data = (spec: string) => (spec.startsWith('synthetic:cpu') ? { targets: 2.6e6, items: 8000 } : { targets: 97_171, items: 1682 });
  let flop = 0;
  for (const r of perfLawRuns(SCALES.cpu)) {
    const key = perfLawSweep(SCALES.cpu).find((x) => JSON.stringify(x.config) === JSON.stringify(r.config))!.key;
    if (shared.has(key)) continue;
    const { targets, items } = data(r.config.data.source);
    flop += r.rung.epochs * 6 * (nonEmbeddingParams(r.rung.numLayers, r.rung.dim) + items * r.rung.dim) * targets * r.fraction;
  }
  const hours = flop / (2 * 22e9) / 3600;
  assert.ok(hours > 0.3 && hours < 1, `new runs ${hours.toFixed(2)} h on 2 cores`);
});

/** A run row: dataset 'A', its group, shape and metric. */
function row(group: string, fraction: number, tokens: number, layers: number, dim: number, y: number): PerfLawRow {
  return {
    dataset: 'A', group, source: 'synthetic:x', fraction, tokens, params: nonEmbeddingParams(layers, dim), numLayers: layers, dim, seed: 0, epochs: 1, bestEpoch: 1,
    'HR@10': y + 0.2, 'NDCG@10': y, testLoss: 5, role: fraction < 1 ? 'data term' : layers * dim * dim === 4 * 32 * 32 ? 'held out' : 'fit',
  };
}

const SHAPES = [1, 2, 4].flatMap((layers) => [8, 16, 32].map((dim) => ({ layers, dim })));
const LEVELS = [{ group: 'A', fraction: 1, tokens: 1000, apen: 0.2 }, { group: 'A 50%', fraction: 0.5, tokens: 500, apen: 0.25 }, { group: 'A 25%', fraction: 0.25, tokens: 250, apen: 0.3 }];
/** The law y = 0.02·f(L; −0.3) + 0.03·f(d; −0.2) + f(D; −0.05) + 0.5 at every shape and level (y in 0.08..0.15). */
const law = (layers: number, dim: number, D: number) => 0.02 * f(layers, -0.3) + 0.03 * f(dim, -0.2) + f(D, -0.05) + 0.5;
const ROWS = LEVELS.flatMap((l) => SHAPES.map((s) => row(l.group, l.fraction, l.tokens, s.layers, s.dim, law(s.layers, s.dim, l.tokens))));
const apenRec = (rank: number) => ({ id: 0.1, noRepeat: 0.1, rank, rankR: 2, domain: null, users: 10, items: 200 });
const GROUPS: PerfLawGroup[] = LEVELS.map((l) => ({ group: l.group, dataset: 'A', source: 'synthetic:x', fraction: l.fraction, tokens: l.tokens, apen: apenRec(l.apen) }));

test('records: an exact law predicts its held-out size exactly; data terms are f(D; w5) + b by hand', () => {
  const h = holdoutRecord(ROWS, 'A', 'NDCG@10', 1);
  assert.ok(!('error' in h.performanceLaw) && !('error' in h.powerLaw));
  if ('error' in h.performanceLaw || 'error' in h.powerLaw) return;
  // L·d²: 4x32 = 4,096 is the single largest size; the other 8 shapes are fitted.
  assert.deepEqual(h.performanceLaw.heldOut.map((p) => p.shape), ['4x32']);
  assert.equal(h.performanceLaw.n, 8);
  close(h.performanceLaw.heldOut[0].errorPct, 0, 1e-3, 'error %');
  assert.deepEqual(h.powerLaw.heldOut.map((p) => p.size), [nonEmbeddingParams(4, 32)]);
  assert.match(holdoutFinding(h), /^A, NDCG@10: fitted on 8 runs .* held out, Performance Law vs power law: 4x32 [+-]0\.00% vs /);

  const d = dataTermsRecord(ROWS, GROUPS, 'NDCG@10');
  assert.deepEqual(d.terms.map((t) => [t.group, t.n, t.apen, t.tokens]), [['A', 9, 0.2, 1000], ['A 50%', 9, 0.25, 500], ['A 25%', 9, 0.3, 250]]);
  d.terms.forEach((t, g) => close(t.term, f(LEVELS[g].tokens, -0.05) + 0.5, 1e-5, t.group));
  // T_g rises with D (f(D; -0.05) peaks at 2^20), while ApEn falls with D here, and D / ApEn rises.
  assert.deepEqual([d.correlation.lnTokens.spearman, d.correlation.apen.spearman, d.correlation.lnTokensPerApEn.spearman], [1, -1, 1]);
  assert.ok(!('error' in d.dataLaws.tokens) && !('error' in d.dataLaws.tokensPerApEn));
  if ('error' in d.dataLaws.tokens || 'error' in d.dataLaws.tokensPerApEn) return;
  assert.ok(d.dataLaws.tokens.r2 > 1 - 1e-9, `D = tokens is the true law: R² ${d.dataLaws.tokens.r2}`);
  assert.ok(d.dataLaws.tokensPerApEn.r2 <= d.dataLaws.tokens.r2);
  // Too few points for a law: the record says why instead of failing the figure.
  const tiny = holdoutRecord(ROWS.slice(0, 4), 'A', 'NDCG@10', 1);
  assert.ok('error' in tiny.performanceLaw && /need at least 5 distinct/.test(tiny.performanceLaw.error));
});

test('figure: three panels; panel 2 is ApEn against the data terms, panel 3 ApEn against the teacher\'s entropy', () => {
  const heldOut = [holdoutRecord(ROWS, 'A', 'NDCG@10', 1)];
  const dataTerms = [dataTermsRecord(ROWS, GROUPS, 'NDCG@10')];
  const temperature = [0.2, 0.4, 0.8].map((t, i) => ({ temperature: t, entropy: 2 + i, ...apenRec(0.1 + 0.01 * i), domain: 0.5 - 0.1 * i }));
  const a: PerfLawArtefact = {
    id: 'x', scale: 'smoke', data: ['synthetic:x'], seeds: [0], runs: [], wallSeconds: 0, apenSettings: { m: 2, cutLength: 50, rankTolerance: 0.01 },
    temperaturePreset: 'smoke', fits: { heldOut, dataTerms }, groups: GROUPS, temperature, points: ROWS,
  };
  const fig = perfLawFigure('t', a);
  assert.ok(fig.layout.xaxis2 && fig.layout.xaxis3);
  const p2 = fig.data.filter((t) => t.xaxis === 'x2');
  assert.deepEqual(p2.map((t) => t.x), [[0.2, 0.25, 0.3]]);
  const p3 = fig.data.filter((t) => t.xaxis === 'x3');
  assert.deepEqual(p3.map((t) => t.name), ['ApEn id, exact', 'ApEn popularity rank ±1%', 'ApEn domain, exact', 'ApEn id if no repeats']);
  assert.deepEqual(p3[0].x, [2, 3, 4]);
  const lines = perfLawFindings(a);
  assert.ok(lines.some((l) => /Spearman over 3 groups: with ApEn -1\.000, with ln D 1\.000, with ln\(D \/ ApEn\) 1\.000/.test(l)), lines.join('\n'));
  // id ApEn is the same at every temperature here: no correlation ('-').
  assert.ok(lines.some((l) => /Spearman of ApEn with it: id -, rank 1\.00, domain -1\.00/.test(l)), lines.join('\n'));
  assert.ok(lines.some((l) => /A, NDCG@10 size terms: layers peaks at 10\.1 \(outside the measured 1\.\.4\); width peaks at 32\.0 \(inside the measured 8\.\.32\)/.test(l)), lines.join('\n'));
});

/** CSR sequences from literal per-user item lists, numItems given. */
function seqsOf(lists: number[][], numItems: number): Sequences {
  const offsets = new Int32Array(lists.length + 1);
  lists.forEach((l, u) => (offsets[u + 1] = offsets[u] + l.length));
  const items = Int32Array.from(lists.flat());
  return {
    offsets, items, times: Float64Array.from(items, (_, j) => j), numUsers: lists.length, numItems,
    vocab: { userIds: lists.map((_, u) => `u${u}`), itemIds: Array.from({ length: numItems + 1 }, (_, i) => (i ? `i${i}` : '')) },
  };
}

test('ApEn variants: id, popularity rank within 1% of the items (at least 1), no domain without domains', () => {
  // 300 items: r = round(0.01 · 300) = 3. Items 1..6 once each: popularity ranks 0..5 (ties by id).
  const s = seqsOf([[1, 2, 3, 4, 5, 6]], 300);
  const v = apenVariants(s);
  assert.equal(v.rankR, 3);
  close(v.rank, approximateEntropy([0, 1, 2, 3, 4, 5], { m: 2, r: 3 }), 1e-12, 'rank');
  close(v.id, Math.log(5 / 4), 1e-12, 'no repeats: ln((N-1)/(N-2))');
  close(v.noRepeat, Math.log(5 / 4), 1e-12);
  assert.equal(v.domain, null);
  assert.equal(apenVariants(seqsOf([[1, 2, 3, 4]], 20)).rankR, 1, 'at least 1');
});

test('temperature sweep: the teacher\'s entropy rises with the temperature; cached; unknown preset named', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'lsrm-pl-temp-'));
  const rows = await temperatureSweep('smoke', [0.2, 0.8], undefined, { dir });
  assert.deepEqual(rows.map((r) => r.temperature), [0.2, 0.8]);
  assert.ok(rows[0].entropy < rows[1].entropy, `${rows[0].entropy} < ${rows[1].entropy}`);
  assert.deepEqual(await temperatureSweep('smoke', [0.2, 0.8], undefined, { dir }), rows);
  await assert.rejects(temperatureSweep('nope', [1]), /unknown synthetic preset 'nope': use one of smoke, default, cpu/);
});

test('produce at smoke: trains the runs, writes figure, table and artefact; a second call trains nothing and keeps the bytes', async () => {
  const runsDir = mkdtempSync(join(tmpdir(), 'lsrm-pl-runs-'));
  const root = mkdtempSync(join(tmpdir(), 'lsrm-pl-fig-'));
  // Six small runs of 1 or 2 layers at 1 epoch (the smoke plan's nine take minutes on the cpu backend of a loaded machine).
  const r = (numLayers: number, dim: number) => ({ numLayers, dim, numHeads: 1, epochs: 1, batchSize: 64 });
  const p = PERF_LAW_PLANS.smoke;
  const series = { ...p.series[0], ladder: [r(1, 8), r(2, 8), r(1, 12), r(2, 12), r(1, 16), r(2, 16)], holdout: 1, levels: [{ fraction: 0.5, shapes: ['1x8'] }] };
  const plan: PerfLawPlan = { ...p, series: [series], temperature: { preset: 'smoke', values: [0.4] } };
  const out = await producePerfLaw(SCALES.smoke, { plan, runsDir, figuresRoot: root, png: false });
  const id = 'fig-performance-law', dir = join(root, 'smoke');
  assert.deepEqual(readdirSync(dir).sort(), ['csv', 'html', 'json', 'md', 'plotly.json'].map((e) => `${id}.${e}`).sort());
  const a = JSON.parse(readFileSync(join(dir, `${id}.json`), 'utf8'));
  for (const k of ['id', 'scale', 'data', 'seeds', 'runs', 'wallSeconds', 'fits']) assert.ok(k in a, k);
  assert.deepEqual([a.id, a.scale, a.data, a.runs.length], [id, 'smoke', ['synthetic:smoke'], 7]);
  assert.deepEqual(out.rows.map((x) => x.role), ['fit', 'fit', 'fit', 'fit', 'fit', 'held out', 'data term']);
  assert.deepEqual(out.rows.map((x) => x.tokens < out.rows[0].tokens), [false, false, false, false, false, false, true], 'the 50% level has fewer tokens');
  const h = a.fits.heldOut.find((x: { metric: string }) => x.metric === 'NDCG@10');
  assert.deepEqual(h.performanceLaw.heldOut.map((x: { shape: string }) => x.shape), ['2x16']);
  assert.deepEqual(h.powerLaw.heldOut.map((x: { size: number }) => x.size), [nonEmbeddingParams(2, 16)]);
  assert.equal(a.groups.length, 2);
  assert.ok(perfLawFindings(out.artefact).length >= 6);
  const before = new Map(readdirSync(dir).map((f) => [f, readFileSync(join(dir, f), 'utf8')]));
  await producePerfLaw(SCALES.smoke, { plan, runsDir, figuresRoot: root, png: false, deps: { prepare: async () => assert.fail('a stored run must not load data') } });
  for (const [file, text] of before) assert.equal(readFileSync(join(dir, file), 'utf8'), text, file);
});
