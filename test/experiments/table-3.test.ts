import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { presetRunConfig, TABLE_PRESETS, type TablePresets } from '../../lib/experiments/presets';
import { SCALES } from '../../lib/experiments/scale';
import { ABLATION_VARIANTS, epochSummary, FIGURE, PAPER_TABLE_3, table3Columns, table3Findings, type Table3Row, table3Rows, table3Summary, table3Sweep, table3Text, variantTrain } from '../../lib/experiments/table-3';
import { storeRunKey } from '../../lib/runs/in-store';
import { meanInterval, welchInterval } from '../../lib/util/stats';
import { toCsv, toMarkdown } from '../../lib/plot/table';
import { tinyInterIn } from '../helpers/tiny-inter';

const tinyInter = (prefix: string): string => tinyInterIn(prefix, 2);

/** Tiny presets (1- and 2-layer d = 4 LSRMs, one epoch) so eight runs take seconds. */
const TINY: TablePresets = {
  ...TABLE_PRESETS.smoke,
  ablationSmall: { label: 'LSRM_l1', kind: 'lsrm', numLayers: 1, dim: 4, numHeads: 1 },
  ablationLarge: { label: 'LSRM_l2', kind: 'lsrm', numLayers: 2, dim: 4, numHeads: 1 },
  train: { epochs: 1, batchSize: 64 },
};

test('the paper values of Table III, as published', () => {
  assert.deepEqual(ABLATION_VARIANTS.map((v) => v.name), ['Both', 'w/o LAD', 'w/o SO', 'None']);
  assert.deepEqual(PAPER_TABLE_3.Both, { small: 5.6249, large: 4.7182 });
  assert.deepEqual(PAPER_TABLE_3['w/o LAD'], { small: 5.6127, large: 4.7296 });
  assert.deepEqual(PAPER_TABLE_3['w/o SO'], { small: 5.6281, large: 4.723 });
  assert.deepEqual(PAPER_TABLE_3.None, { small: 5.6013, large: 4.7504 });
});

test('variants switch exactly the two techniques; selection by validation loss', () => {
  const flags = ABLATION_VARIANTS.map((v) => [v.layerwiseDropout, v.switchOptimizer]);
  assert.deepEqual(flags, [[true, true], [false, true], [true, false], [false, false]]);
  const t = variantTrain({ maxEpochs: 7, selectBy: 'NDCG@10' }, ABLATION_VARIANTS[1]);
  assert.deepEqual(t, { maxEpochs: 7, selectBy: 'loss', layerwiseDropout: false, switchOptimizer: true });
});

test('epochSummary names the best epoch and the switch', () => {
  const base = { valid: {}, test: {}, params: { embedding: 0, nonEmbedding: 0, total: 0 }, stoppedBy: 'patience', trainMs: 0 };
  assert.equal(epochSummary({ ...base, bestEpoch: 7, epochs: 9, switchEpoch: 5 }), 'best 7 of 9, SGD after 5');
  assert.equal(epochSummary({ ...base, bestEpoch: 3, epochs: 5, switchEpoch: 0 }), 'best 3 of 5');
});

test('columns name our models per scale and the paper models', () => {
  const cols = table3Columns(SCALES.cpu);
  const { ablationSmall: s, ablationLarge: l } = TABLE_PRESETS.cpu;
  assert.deepEqual(cols.map((c) => c.key), ['variant', 'seed', 'smallCe', 'largeCe', 'paperSmallCe', 'paperLargeCe', 'smallEpochs', 'largeEpochs']);
  assert.equal(cols[2].label, `CE ours ${s.label}, ${s.numLayers}×${s.dim}`);
  assert.equal(cols[3].label, `CE ours ${l.label}, ${l.numLayers}×${l.dim}`);
  assert.equal(cols[2].format!(5.62491), '5.6249');
  // A mean row shows its interval; the seed column says what the row is.
  assert.equal(cols[2].format!(5.62491, { smallCe: 5.62491, smallCeHw: 0.01234 }), '5.6249 ± 0.0123');
  assert.deepEqual([cols[1].format!(2), cols[1].format!(null, { seed: null, seeds: 3 }), cols[1].format!(null)], ['2', 'mean of 3', '']);
  const text = table3Text(SCALES.cpu, { spec: 'atomic:/d/ml-100k.inter', core: 0, label: 'ml-100k' });
  assert.match(text.note, /^Ours: ml-100k \(atomic:\/d\/ml-100k\.inter, no k-core\), scale cpu, at most 200 epochs \(plateau: 3 epochs and at least 300 steps\), batch 256, peak lr 0\.003;/);
  assert.match(text.note, /3 seeds \(0, 1, 2\): a row per seed, then their mean ± the half-width of its 95% t-interval, t\(0\.975, 2\)·s\/√3\./);
  assert.match(table3Text(SCALES.smoke, { spec: 'synthetic:smoke', core: 0, label: 's' }).note, /1 seed \(seed 0\): single values, no interval\./);
});

test('the sweep: 8 configurations x the seeds, each the preset run config (seed 0 keeps the key of the runs stored before seeds)', () => {
  const data = { spec: 'dataset:ml-100k', core: 0, label: 'ml-100k' };
  const runs = table3Sweep(SCALES.cpu, data);
  assert.equal(runs.length, 8 * 3);
  assert.equal(runs[0].label, 'Table III LSRM_l2 Both seed 0');
  assert.equal(runs[5].label, 'Table III LSRM_l2 w/o LAD seed 2');
  assert.deepEqual(runs.map((r) => r.config.train.seed), Array.from({ length: 24 }, (_, i) => i % 3));
  assert.ok(runs.every((r) => r.config.train.selectBy === 'loss'));
  const p = TABLE_PRESETS.cpu;
  const before = presetRunConfig(p.ablationSmall, data, SCALES.cpu, variantTrain(p.train, ABLATION_VARIANTS[0]));
  assert.equal(runs[0].key, storeRunKey(before), 'seed 0 is the run the committed table came from');
  assert.deepEqual(FIGURE.sweep!(SCALES.cpu, { data }), runs);
  assert.equal(new Set(runs.map((r) => r.key)).size, 24);
});

test('table3Rows: 8 tiny runs through the store, 4 rows; a second call loads', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'lsrm-t3-'));
  const data = { spec: `atomic:${tinyInter('lsrm-t3-data-')}`, core: 0, label: 'tiny' };
  const trained: number[] = [];
  const rows = await table3Rows(SCALES.smoke, data, { dir, presets: TINY, onEpoch: (r) => trained.push(r.epoch) });
  assert.equal(trained.length, 8, 'two models x four variants, one epoch each');
  assert.deepEqual(rows.map((r) => r.variant), ['Both', 'w/o LAD', 'w/o SO', 'None']);
  for (const r of rows) {
    // Cross-entropy over 12 items: positive, and near ln(12) = 2.48 after one epoch of a d = 4 model.
    for (const ce of [r.smallCe, r.largeCe]) assert.ok(ce > 0 && ce < 5, `${r.variant}: ${ce}`);
    assert.equal(r.paperSmallCe, PAPER_TABLE_3[r.variant].small);
    assert.equal(r.largeEpochs, 'best 1 of 1');
  }
  // The 1-layer model's LAD and fixed dropout are the same rate (layerDropoutRates), but the
  // configs differ, so the store holds 8 results.
  assert.equal(readdirSync(join(dir, 'train')).filter((f) => f.endsWith('.json')).length, 8);
  const again = await table3Rows(SCALES.smoke, data, { dir, presets: TINY, onEpoch: () => assert.fail('a stored run must not train') });
  assert.deepEqual(again, rows);
  assert.deepEqual(rows.map((r) => r.seed), [0, 0, 0, 0], 'one seed: one row per variant, no mean rows');
  const csv = toCsv(rows, table3Columns(SCALES.smoke, TINY)).split('\n');
  assert.equal(csv.length, 1 + 4 + 1, 'header, 4 rows, final newline');
  assert.equal(csv[0], 'variant,seed,smallCe,largeCe,paperSmallCe,paperLargeCe,smallEpochs,largeEpochs');
  assert.match(csv[1], /^Both,0,[0-9.]+,[0-9.]+,5\.6249,4\.7182,best 1 of 1,best 1 of 1$/);
  // produce loads the same 8 runs and saves the table for the scale
  const root = mkdtempSync(join(tmpdir(), 'lsrm-t3-fig-'));
  const out = await FIGURE.produce(SCALES.smoke, { data, presets: TINY, runsDir: dir, figuresRoot: root, png: false, onEpoch: () => assert.fail('a stored run must not train') });
  assert.deepEqual(out.rows, rows);
  assert.deepEqual(out.text, table3Text(SCALES.smoke, data, TINY));
  assert.equal(readFileSync(join(root, 'smoke', 'table-3-ablation.csv'), 'utf8'), csv.join('\n'));
});

test('two seeds: a row per variant and seed, then the mean row (mean ± 95% t half-width); the CSV keeps every seed', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'lsrm-t3-seeds-'));
  const data = { spec: `atomic:${tinyInter('lsrm-t3-seeds-data-')}`, core: 0, label: 'tiny' };
  const presets: TablePresets = { ...TINY, seeds: [0, 3] };
  const rows = await table3Rows(SCALES.smoke, data, { dir, presets });
  assert.deepEqual(rows.map((r) => `${r.variant}/${r.seed}`), ['Both/0', 'Both/3', 'Both/null', 'w/o LAD/0', 'w/o LAD/3', 'w/o LAD/null', 'w/o SO/0', 'w/o SO/3', 'w/o SO/null', 'None/0', 'None/3', 'None/null']);
  const [a, b, m] = rows;
  assert.notEqual(a.smallCe, b.smallCe, 'the seeds are different runs');
  const small = meanInterval([a.smallCe, b.smallCe]);
  assert.equal(m.smallCe, small.mean);
  // Two values: t(0.975, 1) = 12.706; half-width = 12.706 · |a - b| / √2 / √2 = 6.353 · |a - b|.
  assert.ok(Math.abs(m.smallCeHw! - 6.3531 * Math.abs(a.smallCe - b.smallCe)) < 1e-3 * m.smallCeHw!, `${m.smallCeHw}`);
  assert.equal(m.largeCe, (a.largeCe + b.largeCe) / 2);
  assert.deepEqual([m.seeds, m.smallEpochs, m.paperSmallCe], [2, null, PAPER_TABLE_3.Both.small]);
  const cols = table3Columns(SCALES.smoke, presets);
  const csv = toCsv(rows, cols).split('\n');
  assert.equal(csv.length, 1 + 12 + 1);
  assert.match(csv[3], /^Both,,[0-9.]+,[0-9.]+,5\.6249,4\.7182,,$/, 'the mean row: no seed, no half-width columns');
  const md = toMarkdown(rows, cols);
  assert.match(md, new RegExp(`\\| Both \\| mean of 2 \\| ${m.smallCe.toFixed(4)} ± ${m.smallCeHw!.toFixed(4)} \\| ${m.largeCe.toFixed(4)} ± ${m.largeCeHw!.toFixed(4)} \\| 5\\.6249 \\|`));
  // The summary orders the variants by their means.
  const means = rows.filter((r) => r.seed === null);
  const best = [...means].sort((x, y) => x.smallCe - y.smallCe)[0];
  assert.ok(table3Summary(rows, SCALES.smoke, presets)[0].includes(`ours ${best.variant} ${best.smallCe.toFixed(4)} <`));
});

test('table3Findings: each technique as w/o - Both per model, Welch and paired intervals, the verdict and the paper\'s sign', () => {
  const row = (variant: Table3Row['variant'], seed: number | null, smallCe: number, largeCe: number): Table3Row =>
    ({ variant, seed, smallCe, largeCe, smallEpochs: null, largeEpochs: null, paperSmallCe: PAPER_TABLE_3[variant].small, paperLargeCe: PAPER_TABLE_3[variant].large }) as Table3Row;
  const rows = [
    row('Both', 0, 6.00, 5.90), row('Both', 1, 6.01, 5.91), row('Both', 2, 6.02, 5.92), row('Both', null, 6.01, 5.91),
    row('w/o LAD', 0, 6.10, 5.90), row('w/o LAD', 1, 6.12, 5.92), row('w/o LAD', 2, 6.17, 5.94),
    row('w/o SO', 0, 6.01, 5.80),
    // None: seeds 1 and 2 only, each 0.03 above Both's (small) and 0.005 / 0.035 (large).
    row('None', 1, 6.04, 5.915), row('None', 2, 6.05, 5.955),
  ];
  const lines = table3Findings(rows, SCALES.cpu);
  const { ablationSmall: s, ablationLarge: l } = TABLE_PRESETS.cpu;
  const t2 = 4.302653; // t(0.975, 2)
  // small, LAD: Welch: means 6.13 and 6.01, s² 0.0013 and 0.0001: se² = 0.0014/3, ν = 2.37 -> df 2.
  // Paired: d = 0.10, 0.11, 0.15, mean 0.12, s_d = 0.026458: half-width t2 · s_d / √3.
  const welchHw = t2 * Math.sqrt(0.0014 / 3);
  const pairedHw = (t2 * Math.sqrt(0.0007)) / Math.sqrt(3);
  const paperLad = PAPER_TABLE_3['w/o LAD'].small - PAPER_TABLE_3.Both.small; // -0.0122: the paper's small model does better without LAD
  assert.equal(lines[0], `${s.label} (${s.numLayers}×${s.dim}), LAD: w/o LAD - Both +0.1200 ± ${welchHw.toFixed(4)} (95% Welch, df 2); paired by seed +0.1200 ± ${pairedHw.toFixed(4)} (df 2): helps beyond seed noise; paper ${paperLad.toFixed(4)}`);
  assert.equal(lines[1], `${s.label} (${s.numLayers}×${s.dim}), SO: w/o SO - Both +0.0000 (one seed on a side: no interval); paper +${(PAPER_TABLE_3['w/o SO'].small - PAPER_TABLE_3.Both.small).toFixed(4)}`);
  // small, both: Welch compares the means of all seeds (6.045 vs 6.01); the two shared seeds'
  // differences are both 0.03: a zero-width paired interval with 1 df, and the verdict follows it.
  assert.match(lines[2], /^.*, both: None - Both \+0\.0350 ± [0-9.]+ \(95% Welch, df \d\); paired by seed \(2 shared seeds\) \+0\.0300 ± 0\.0000 \(df 1\): helps beyond seed noise; paper -0\.0236$/);
  // large, LAD: d = 0, 0.01, 0.02: +0.01 ± t2 · 0.01 / √3 = 0.0248, within noise.
  assert.equal(lines[3], `${l.label} (${l.numLayers}×${l.dim}), LAD: w/o LAD - Both +0.0100 ± ${welchInterval([5.90, 5.92, 5.94], [5.90, 5.91, 5.92]).halfWidth.toFixed(4)} (95% Welch, df ${welchInterval([5.90, 5.92, 5.94], [5.90, 5.91, 5.92]).df}); paired by seed +0.0100 ± ${((t2 * 0.01) / Math.sqrt(3)).toFixed(4)} (df 2): within seed noise; paper +0.0114`);
  assert.match(lines[4], /SO: w\/o SO - Both -0\.1100 \(one seed on a side: no interval\); paper \+0\.0048$/);
  // large, both: Welch 5.935 - 5.91; paired d = 0.005 and 0.035 on seeds 1, 2: mean 0.02, s_d 0.0212, df 1: within noise.
  assert.match(lines[5], /both: None - Both \+0\.0250 ± [0-9.]+ \(95% Welch, df \d\); paired by seed \(2 shared seeds\) \+0\.0200 ± [0-9.]+ \(df 1\): within seed noise; paper \+0\.0322$/);
  assert.equal(lines.length, 6);
});
