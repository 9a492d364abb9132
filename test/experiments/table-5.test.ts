import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { TABLE_PRESETS, type TablePresets } from '../../lib/experiments/presets';
import { SCALES } from '../../lib/experiments/scale';
import { FIGURE, formatCount, oursRow, table5Findings, PAPER_TABLE_5, table5Models, table5Rows, table5Summary, table5Sweep, table5Text, TABLE_5_COLUMNS, TABLE_5_METRICS, type Table5Row } from '../../lib/experiments/table-5';
import { toCsv, toMarkdown } from '../../lib/plot/table';
import { meanInterval } from '../../lib/util/stats';
import { tinyInterIn } from '../helpers/tiny-inter';

const tinyInter = (): string => tinyInterIn('lsrm-t5-data-', 3);

/** Every model at d = 4, one epoch: eight runs in seconds. */
const TINY: TablePresets = {
  sasrec: { label: 'SASRec', kind: 'lsrm', numLayers: 2, dim: 4, numHeads: 1 },
  gru4rec: { label: 'GRU4Rec', kind: 'gru4rec', numLayers: 1, dim: 4, numHeads: 1 },
  fmlp: { label: 'FMLP-Rec', kind: 'fmlp', numLayers: 1, dim: 4, numHeads: 1 },
  caser: { label: 'Caser', kind: 'caser', numLayers: 2, dim: 4, numHeads: 1 },
  hstu: { label: 'HSTU', kind: 'hstu', numLayers: 1, dim: 4, numHeads: 1 },
  fuxi: { label: 'FuXi-α', kind: 'fuxi', numLayers: 1, dim: 4, numHeads: 1 },
  wide: { label: 'LSRM_wide', kind: 'lsrm', numLayers: 2, dim: 8, numHeads: 1 },
  deep: { label: 'LSRM_deep', kind: 'lsrm', numLayers: 3, dim: 8, numHeads: 1 },
  ablationSmall: TABLE_PRESETS.smoke.ablationSmall,
  ablationLarge: TABLE_PRESETS.smoke.ablationLarge,
  train: { epochs: 1, batchSize: 64 },
  seeds: [0],
};

test('the paper rows of Table V, as published', () => {
  assert.deepEqual(Object.keys(PAPER_TABLE_5), ['SASRec', 'GRU4Rec', 'FMLP-Rec', 'Caser', 'LSRM_wide', 'LSRM_deep']);
  const s = PAPER_TABLE_5.SASRec;
  assert.deepEqual([s.numLayers, s.dim, s.dFf, s.embParams, s.nonEmbParams], [2, 64, 256, 1.69e6, 98.3e3]);
  assert.deepEqual(TABLE_5_METRICS.map((k) => s[k]), [0.1463, 0.093, 0.2337, 0.1212, 0.5166, 0.1834]);
  assert.deepEqual(TABLE_5_METRICS.map((k) => PAPER_TABLE_5.GRU4Rec[k]), [0.1559, 0.1007, 0.2466, 0.1281, 0.5267, 0.1965]);
  assert.deepEqual(TABLE_5_METRICS.map((k) => PAPER_TABLE_5['FMLP-Rec'][k]), [0.1498, 0.0978, 0.2427, 0.1255, 0.5214, 0.1918]);
  assert.deepEqual(TABLE_5_METRICS.map((k) => PAPER_TABLE_5.Caser[k]), [0.1407, 0.0877, 0.2219, 0.114, 0.5036, 0.1793]);
  assert.deepEqual(TABLE_5_METRICS.map((k) => PAPER_TABLE_5.LSRM_wide[k]), [0.0595, 0.0384, 0.0976, 0.0506, 0.2639, 0.0865]);
  assert.deepEqual(TABLE_5_METRICS.map((k) => PAPER_TABLE_5.LSRM_deep[k]), [0.2794, 0.1827, 0.3786, 0.2319, 0.6264, 0.2794]);
  assert.deepEqual([PAPER_TABLE_5.Caser.embParams, PAPER_TABLE_5.Caser.nonEmbParams, PAPER_TABLE_5.Caser.dFf], [10.55e6, 703.7e3, null]);
  assert.deepEqual([PAPER_TABLE_5.LSRM_deep.numLayers, PAPER_TABLE_5.LSRM_deep.dFf, PAPER_TABLE_5.LSRM_deep.nonEmbParams], [48, 4800, 0.83e9]);
  for (const r of Object.values(PAPER_TABLE_5)) assert.equal(r.source, 'paper');
});

test('formatCount prints counts the way the paper does', () => {
  // 98,304 -> 98.30K -> trailing zero dropped; the paper's strings come back from its numbers.
  assert.equal(formatCount(98_304), '98.3K');
  assert.equal(formatCount(180_300), '180.3K');
  assert.equal(formatCount(1_690_000), '1.69M');
  assert.equal(formatCount(10_550_000), '10.55M');
  assert.equal(formatCount(34_560_000), '34.56M');
  assert.equal(formatCount(829_440_000), '829.4M');
  assert.equal(formatCount(1_500_000_000), '1.5B');
  assert.equal(formatCount(1_234), '1.234K');
  assert.equal(formatCount(512), '512');
  assert.equal(formatCount(null), '');
});

test('oursRow: d_ff = 4d for LSRM, none for the baselines; no layer count for Caser; every metric required', () => {
  const test5 = { 'HR@5': 0.1, 'NDCG@5': 0.05, 'HR@10': 0.2, 'NDCG@10': 0.08, 'HR@50': 0.5, 'NDCG@50': 0.12, loss: 6 };
  const params = { embedding: 1000, nonEmbedding: 24_576 };
  const p = TABLE_PRESETS.cpu;
  const s = oursRow(p.sasrec, test5, params, 2);
  assert.deepEqual([s.model, s.source, s.seed, s.numLayers, s.dim, s.dFf, s.embParams, s.nonEmbParams, s['NDCG@10']], ['SASRec', 'ours', 2, 2, 32, 128, 1000, 24_576, 0.08]);
  assert.equal(oursRow(p.gru4rec, test5, params, 0).dFf, null);
  assert.equal(oursRow(p.caser, test5, params, 0).numLayers, null);
  const { 'HR@50': _, ...missing } = test5;
  assert.throws(() => oursRow(p.fmlp, missing, params, 0), /Table V: the FMLP-Rec run has no test metric HR@50/);
});

test('table5Models: the paper row order at every scale', () => {
  for (const scale of Object.values(SCALES)) {
    assert.deepEqual(table5Models(scale).map((m) => m.label), ['SASRec', 'GRU4Rec', 'FMLP-Rec', 'Caser', 'HSTU', 'FuXi-α', 'LSRM_wide', 'LSRM_deep']);
  }
});

test('table5Rows: 8 tiny runs through the store, ours above the paper per model (HSTU and FuXi-α have none); a second call loads', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'lsrm-t5-'));
  const data = { spec: `atomic:${tinyInter()}`, core: 0, label: 'tiny' };
  let epochs = 0;
  const rows = await table5Rows(SCALES.smoke, data, { dir, presets: TINY, onEpoch: () => epochs++ });
  assert.equal(epochs, 8);
  assert.deepEqual(rows.map((r) => `${r.model}/${r.source}`), [
    'SASRec/ours', 'SASRec/paper', 'GRU4Rec/ours', 'GRU4Rec/paper', 'FMLP-Rec/ours', 'FMLP-Rec/paper',
    'Caser/ours', 'Caser/paper', 'HSTU/ours', 'FuXi-α/ours', 'LSRM_wide/ours', 'LSRM_wide/paper', 'LSRM_deep/ours', 'LSRM_deep/paper',
  ]);
  for (const r of rows.filter((x) => x.source === 'ours')) {
    for (const k of TABLE_5_METRICS) assert.ok(r[k] >= 0 && r[k] <= 1, `${r.model} ${k} = ${r[k]}`);
    // HR and NDCG grow with N; NDCG@N <= HR@N (a hit at rank r scores 1/log2(r+1) <= 1).
    assert.ok(r['HR@5'] <= r['HR@10'] && r['HR@10'] <= r['HR@50'], r.model);
    assert.ok(r['NDCG@10'] <= r['HR@10'] && r['NDCG@50'] <= r['HR@50'], r.model);
    // 12 items: every test item is in the top 50, so HR@50 = 1.
    assert.equal(r['HR@50'], 1, r.model);
  }
  // LSRM non-embedding parameters are 12·L·d²: 2·12·16 = 384 (SASRec), 12·2·64 = 1,536 (wide), 12·3·64 = 2,304 (deep).
  const ours = Object.fromEntries(rows.filter((r) => r.source === 'ours').map((r) => [r.model, r]));
  assert.deepEqual([ours.SASRec.nonEmbParams, ours.LSRM_wide.nonEmbParams, ours.LSRM_deep.nonEmbParams], [384, 1536, 2304]);
  assert.deepEqual([ours.SASRec.dFf, ours.LSRM_deep.dFf, ours.GRU4Rec.dFf], [16, 32, null]);
  assert.equal(readdirSync(join(dir, 'train')).filter((f) => f.endsWith('.json')).length, 8);
  const again = await table5Rows(SCALES.smoke, data, { dir, presets: TINY, onEpoch: () => assert.fail('a stored run must not train') });
  assert.deepEqual(again, rows);
  const csv = toCsv(rows, TABLE_5_COLUMNS).split('\n');
  assert.equal(csv[0], 'model,source,seed,numLayers,dim,dFf,embParams,nonEmbParams,HR@5,NDCG@5,HR@10,NDCG@10,HR@50,NDCG@50');
  assert.equal(csv.length, 1 + 14 + 1);
  assert.match(csv[1], /^SASRec,ours,0,2,4,16,/);
  assert.match(csv[2], /^SASRec,paper,,2,64,256,/);
  const md = toMarkdown(rows, TABLE_5_COLUMNS);
  assert.match(md, /\| LSRM_deep \| paper \|  \| 48 \| 1,200 \| 4,800 \| 31\.77M \| 830M \| 0\.2794 \| 0\.1827 \| 0\.3786 \| 0\.2319 \| 0\.6264 \| 0\.2794 \|/);
  assert.match(md, /\| Caser \| ours \| 0 \| - \| 4 \| - \|/);
  // produce loads the same 8 runs and saves the table for the scale
  const root = mkdtempSync(join(tmpdir(), 'lsrm-t5-fig-'));
  const out = await FIGURE.produce(SCALES.smoke, { data, presets: TINY, runsDir: dir, figuresRoot: root, png: false, onEpoch: () => assert.fail('a stored run must not train') });
  assert.deepEqual(out.rows, rows);
  assert.equal(readFileSync(join(root, 'smoke', 'table-5-overall.md'), 'utf8'), toMarkdown(rows, TABLE_5_COLUMNS, table5Text(SCALES.smoke, data, TINY)));
});

test('table5Text names the data, scale and seeds of our rows', () => {
  const t = table5Text(SCALES.cpu, { spec: 'atomic:/d/ml-100k.inter', core: 0, label: 'ml-100k' });
  assert.match(t.note, /^Ours: ml-100k \(atomic:\/d\/ml-100k\.inter, no k-core\), scale cpu; each model trained until validation NDCG@10 stops improving, at most 200 epochs \(plateau: 3 epochs and at least 300 steps\), batch 256, peak lr 0\.003;/);
  assert.match(t.note, /; 3 seeds \(0, 1, 2\): a row per seed, then their mean ± the half-width of its 95% t-interval/);
  assert.match(table5Text(SCALES.paper, { spec: 'ml-20m', core: 5, label: 'MovieLens-20M' }).note, /\(ml-20m, 5-core\)/);
});

test('the sweep: eight models x the seeds, selection by validation NDCG@10 with LAD and SO written out', () => {
  const runs = table5Sweep(SCALES.cpu, { spec: 'dataset:ml-100k', core: 0, label: 'ml-100k' });
  assert.equal(runs.length, 8 * 3);
  assert.deepEqual(runs.filter((r) => /HSTU|FuXi/.test(r.label)).map((r) => [r.label, r.config.model.kind, r.config.model.numLayers, r.config.model.dim]), [
    ['Table V HSTU seed 0', 'hstu', 2, 32], ['Table V HSTU seed 1', 'hstu', 2, 32], ['Table V HSTU seed 2', 'hstu', 2, 32],
    ['Table V FuXi-α seed 0', 'fuxi', 2, 32], ['Table V FuXi-α seed 1', 'fuxi', 2, 32], ['Table V FuXi-α seed 2', 'fuxi', 2, 32],
  ]);
  assert.deepEqual(runs.slice(0, 4).map((r) => r.label), ['Table V SASRec seed 0', 'Table V SASRec seed 1', 'Table V SASRec seed 2', 'Table V GRU4Rec seed 0']);
  for (const r of runs) assert.deepEqual([r.config.train.selectBy, r.config.train.layerwiseDropout, r.config.train.switchOptimizer, r.config.train.patience, r.config.train.patienceMinSteps], ['NDCG@10', true, true, 3, 300]);
});

test('two seeds: our rows per seed, their mean (± half-width in Markdown), then the paper row', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'lsrm-t5-seeds-'));
  const data = { spec: `atomic:${tinyInter()}`, core: 0, label: 'tiny' };
  const presets: TablePresets = { ...TINY, seeds: [0, 1] };
  const rows = await table5Rows(SCALES.smoke, data, { dir, presets });
  assert.deepEqual(rows.slice(0, 4).map((r) => `${r.model}/${r.source}/${r.seed}`), ['SASRec/ours/0', 'SASRec/ours/1', 'SASRec/ours/null', 'SASRec/paper/null']);
  assert.equal(rows.length, 6 * 4 + 2 * 3); // HSTU and FuXi-α have no paper row
  const [a, b, m] = rows;
  for (const k of TABLE_5_METRICS) {
    const want = meanInterval([a[k], b[k]]);
    assert.equal(m[k], want.mean, k);
    assert.equal(m[`${k}Hw`], want.halfWidth, k);
  }
  assert.deepEqual([m.seeds, m.nonEmbParams, m.dim], [2, a.nonEmbParams, a.dim]);
  const md = toMarkdown(rows, TABLE_5_COLUMNS);
  assert.ok(md.includes(`| SASRec | ours | mean of 2 | 2 | 4 | 16 |`), md);
  assert.ok(md.includes(`${m['NDCG@10'].toFixed(4)} ± ${(m['NDCG@10Hw'] as number).toFixed(4)}`));
  assert.match(toCsv(rows, TABLE_5_COLUMNS).split('\n')[3], /^SASRec,ours,,2,4,16,/, 'the mean row has no seed and no half-width columns');
  // The summary ranks our models by their means.
  const means = rows.filter((r) => r.source === 'ours' && r.seed === null);
  assert.equal(table5Summary(rows)[0], `NDCG@10 ours:  ${[...means].sort((x, y) => y['NDCG@10'] - x['NDCG@10']).map((r) => `${r.model} ${r['NDCG@10'].toFixed(4)}`).join(' > ')}`);
});

test('produce with --jobs 2: the sweep trains in worker processes; the table equals the in-process one', async () => {
  const data = { spec: `atomic:${tinyInter()}`, core: 0, label: 'tiny' };
  const inProcess = await table5Rows(SCALES.smoke, data, { dir: mkdtempSync(join(tmpdir(), 'lsrm-t5-a-')), presets: TINY });
  const dir = mkdtempSync(join(tmpdir(), 'lsrm-t5-b-'));
  const logs: string[] = [];
  const out = await FIGURE.produce(SCALES.smoke, {
    data, presets: TINY, runsDir: dir, figuresRoot: mkdtempSync(join(tmpdir(), 'lsrm-t5-fig-')), png: false,
    sweep: { jobs: 2 }, log: (m) => logs.push(m), onEpoch: () => assert.fail('with jobs 2 nothing trains in this process'),
  });
  assert.deepEqual(out.rows, inProcess);
  assert.ok(logs.some((l) => /^sweep: Table V Caser seed 0: done epoch 1\/1/.test(l)), logs.join('\n'));
  assert.ok(logs.some((l) => /^sweep: 8 done$/.test(l)), logs.join('\n'));
  assert.equal(readdirSync(join(dir, 'sweeps')).filter((f) => f.endsWith('.json')).length, 1, 'one manifest');
});

test('table5Findings: Welch intervals of the contrasts, the verdict and the paper\'s sign', () => {
  const row = (model: string, seed: number | null, ndcg: number, source = 'ours'): Table5Row =>
    ({ model, source, seed, numLayers: 2, dim: 4, dFf: null, embParams: 1, nonEmbParams: 1, 'HR@5': 0, 'NDCG@5': 0, 'HR@10': 0, 'NDCG@10': ndcg, 'HR@50': 0, 'NDCG@50': 0 }) as Table5Row;
  const rows = [
    row('SASRec', 0, 0.06), row('SASRec', 1, 0.07), row('SASRec', 2, 0.08), row('SASRec', null, 0.07), PAPER_TABLE_5.SASRec,
    row('LSRM_deep', 0, 0.10), row('LSRM_deep', 1, 0.11), row('LSRM_deep', 2, 0.12), PAPER_TABLE_5.LSRM_deep,
    row('LSRM_wide', 0, 0.05), row('LSRM_wide', 1, 0.08), row('LSRM_wide', 2, 0.08),
    row('HSTU', 0, 0.065),
  ];
  const lines = table5Findings(rows);
  // deep - SASRec: diff 0.04, both s = 0.01, se = √(2·0.0001/3), ν = 4, t(0.975, 4) = 2.776445.
  const hw = 2.776445 * Math.sqrt(2 * 0.0001 / 3);
  assert.equal(lines[0], `LSRM_deep - SASRec: NDCG@10 +0.0400 ± ${hw.toFixed(4)} (95% Welch, df 4): LSRM_deep better beyond seed noise; paper +${(0.2319 - 0.1212).toFixed(4)}`);
  assert.match(lines[1], /^LSRM_wide - SASRec: NDCG@10 \+0\.0000 ± [0-9.]+ \(95% Welch, df \d\): within seed noise; paper -0\.0706$/);
  assert.match(lines[2], /^LSRM_deep - LSRM_wide: NDCG@10 \+0\.0400 ± [0-9.]+ \(95% Welch, df \d\): (within seed noise|LSRM_deep better beyond seed noise); paper \+0\.1813$/);
  assert.equal(lines[3], 'HSTU - SASRec: NDCG@10 -0.0050 (one seed on a side: no interval); paper: no row');
  assert.equal(lines.length, 4, 'contrasts with a model without rows are left out');
});
