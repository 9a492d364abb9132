import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadSource } from '../../lib/data/load/index';
import { SCALES } from '../../lib/experiments/scale';
import { FIGURE, measureSource, paperTable2Rows, sourceVersion, table2Rows, table2Sources, TABLE_2_COLUMNS, TABLE_2_TEXT } from '../../lib/experiments/table-2';
import { runKey } from '../../lib/runs/store';
import { writeJsonAtomic } from '../../lib/util/atomic';
import { toCsv, toMarkdown } from '../../lib/plot/table';

const tmp = (p: string) => mkdtempSync(join(tmpdir(), p));

// 4 users, 4 items, 8 rows. With K = 2: d (1 row) and w (1 row) go; then c keeps only x and
// z keeps only a, so both go; a and b keep x and y: 2 users, 2 items, 4 interactions.
const INTER = [
  'user_id:token\titem_id:token\ttimestamp:float',
  'a\tx\t1', 'a\ty\t2', 'a\tz\t3',
  'b\tx\t1', 'b\ty\t2',
  'c\tx\t5', 'c\tw\t6',
  'd\tz\t1',
  '',
].join('\n');

function fixture(): string {
  const path = join(tmp('lsrm-t2-data-'), 'tiny.inter');
  writeFileSync(path, INTER);
  return path;
}

test("paper rows: the published counts, with avg length and density derived", () => {
  const [ml, amz] = paperTable2Rows();
  assert.deepEqual([ml.dataset, ml.users, ml.items, ml.interactions], ['MovieLens-20M', 138_493, 26_427, 18_476_840]);
  assert.deepEqual([amz.dataset, amz.users, amz.items, amz.interactions], ['Amazon (mix)', 367_710, 240_320, 21_787_957]);
  assert.deepEqual([ml.core, amz.core], [null, 30], 'III-C: 30-core for Amazon, nothing stated for MovieLens');
  // 18,476,840 / 138,493 = 133.41; / (138,493 · 26,427 = 3,659,954,511) = 0.0050484
  assert.ok(Math.abs(ml.avgSeqLen - 133.4135) < 1e-4);
  assert.ok(Math.abs(ml.density - 0.0050484) < 1e-7);
  // 21,787,957 / 367,710 = 59.253; / (367,710 · 240,320) = 0.00024656
  assert.ok(Math.abs(amz.avgSeqLen - 59.2531) < 1e-4);
  assert.ok(Math.abs(amz.density - 0.00024656) < 1e-8);
});

test('measureSource applies the k-core and counts by hand-worked values', async () => {
  const path = fixture();
  const runs = tmp('lsrm-t2-runs-');
  const k2 = await measureSource({ spec: `atomic:${path}`, core: 2, label: 'tiny' }, { dir: runs });
  // no user has more than m + 1 = 3 items: ApEn is not defined, and there are no domains
  const noApEn = { apen: null, noRepeatApEn: null, domainApEn: null };
  assert.deepEqual(k2, { dataset: 'tiny', source: `atomic:${path}`, core: 2, users: 2, items: 2, interactions: 4, avgSeqLen: 2, density: 1, ...noApEn });
  // no filtering: 8 rows, 4 users, 4 items; 8/4 = 2 per user, 8/16 = 0.5 density
  const k0 = await measureSource({ spec: `atomic:${path}`, core: 0, label: 'tiny' }, { dir: runs });
  assert.deepEqual([k0.users, k0.items, k0.interactions, k0.avgSeqLen, k0.density], [4, 4, 8, 2, 0.5]);
  assert.equal(readdirSync(join(runs, 'table-2')).length, 2, 'one cached result per (spec, core)');
});

test('measureSource loads its cached result; a changed file is measured again', async () => {
  const path = fixture();
  const runs = tmp('lsrm-t2-runs-');
  const src = { spec: `atomic:${path}`, core: 0, label: 'tiny' };
  const before = sourceVersion(src.spec);
  await measureSource(src, { dir: runs });
  const logs: string[] = [];
  await measureSource(src, { dir: runs, log: (m) => logs.push(m) });
  assert.ok(logs.some((m) => m.startsWith('loaded ')), logs.join('; '));
  writeFileSync(path, INTER + 'e\tx\t9\n');
  assert.notEqual(sourceVersion(src.spec), before);
  const after = await measureSource(src, { dir: runs });
  assert.deepEqual([after.users, after.interactions], [5, 9]);
  assert.equal(readdirSync(join(runs, 'table-2')).length, 2);
});

test('synthetic smoke data: counts equal a brute-force count of the loaded rows (K = 0)', async () => {
  const runs = tmp('lsrm-t2-runs-');
  const [row] = await table2Rows(table2Sources(SCALES.smoke), { dir: runs });
  const { interactions: x } = await loadSource('synthetic:smoke');
  const users = new Set(x.user).size;
  const items = new Set(x.item).size;
  assert.deepEqual([row.dataset, row.users, row.items, row.interactions], ['Synthetic (smoke)', users, items, x.user.length]);
  assert.ok(Math.abs(row.density - x.user.length / (users * items)) < 1e-12);
});

test('table2Rows puts measured rows first, then the paper; renders to csv and md', async () => {
  const path = fixture();
  const rows = await table2Rows([{ spec: `atomic:${path}`, core: 2, label: 'tiny' }], { dir: tmp('lsrm-t2-runs-') });
  assert.deepEqual(rows.map((r) => r.dataset), ['tiny', 'MovieLens-20M', 'Amazon (mix)']);
  const csv = toCsv(rows, TABLE_2_COLUMNS).split('\n');
  assert.equal(csv[0], 'dataset,users,items,interactions,avgSeqLen,density,apen,noRepeatApEn,domainApEn,core,source');
  assert.equal(csv[1], `tiny,2,2,4,2,1,,,,2,atomic:${path}`);
  const md = toMarkdown(rows, TABLE_2_COLUMNS);
  assert.match(md, /\| MovieLens-20M \| 138,493 \| 26,427 \| 18,476,840 \| 133\.4 \| 5\.05e-3 \| - \| - \| - \|  \| paper \(Table II\) \|/);
  assert.match(md, /\| Amazon \(mix\) \| 367,710 \| 240,320 \| 21,787,957 \| 59\.3 \| 2\.47e-4 \| - \| - \| - \| 30 \| paper \(Table II\) \|/);
  const none = await table2Rows([{ spec: `atomic:${path}`, core: 0, label: 'raw' }], { dir: tmp('lsrm-t2-runs-') });
  assert.match(toMarkdown(none, TABLE_2_COLUMNS), /\| raw \| 4 \| 4 \| 8 \| 2\.0 \| 5\.00e-1 \| - \| - \| - \| none \|/);
});

test('table2Sources: the default synthetic dataset, the scale data, then the real datasets at hand (smoke: only its own)', () => {
  assert.deepEqual(table2Sources(SCALES.smoke).map((s) => s.spec), ['synthetic:smoke']);
  assert.deepEqual(table2Sources(SCALES.cpu, []).map((s) => s.spec), ['synthetic:default', 'synthetic:cpu']);
  assert.deepEqual(table2Sources(SCALES.paper, []).map((s) => [s.label, s.core]), [['Synthetic (default)', 0], ['MovieLens-20M', 5], ['Amazon (mix)', 30]]);
  // Every real dataset at hand follows, without k-core; one the scale lists already is not repeated.
  assert.deepEqual(table2Sources(SCALES.cpu, ['ml-100k', 'amazon-games-sasrec']).slice(2), [
    { spec: 'dataset:ml-100k', core: 0, label: 'ml-100k' },
    { spec: 'dataset:amazon-games-sasrec', core: 0, label: 'amazon-games-sasrec' },
  ]);
  assert.deepEqual(table2Sources(SCALES.paper, ['ml-20m', 'ml-100k']).map((s) => s.spec), ['synthetic:default', 'dataset:ml-20m', 'dataset:amazon-2018', 'dataset:ml-100k']);
  assert.deepEqual(table2Sources(SCALES.smoke, ['ml-100k']).map((s) => s.spec), ['synthetic:smoke'], 'smoke never reads real data');
});

test('a missing source file fails with the loader message', async () => {
  await assert.rejects(measureSource({ spec: 'atomic:/nonexistent/x.inter', core: 0, label: 'x' }, { dir: tmp('lsrm-t2-runs-') }), /nonexistent\/x\.inter/);
});

test('FIGURE.produce: given sources (default: those of the scale), cached in runsDir, saved in <root>/<scale>/', async () => {
  const path = fixture();
  const root = tmp('lsrm-t2-fig-');
  const runs = tmp('lsrm-t2-runs-');
  const out = await FIGURE.produce(SCALES.smoke, { sources: [{ spec: `atomic:${path}`, core: 2, label: 'tiny' }], figuresRoot: root, runsDir: runs, png: false });
  assert.deepEqual(out.rows.map((r) => r.dataset), ['tiny', 'MovieLens-20M', 'Amazon (mix)']);
  assert.equal(readFileSync(join(root, 'smoke', 'table-2-datasets.csv'), 'utf8'), toCsv(out.rows, TABLE_2_COLUMNS));
  assert.equal(readdirSync(join(runs, 'table-2')).length, 1);
  const byDefault = await FIGURE.produce(SCALES.smoke, { figuresRoot: root, runsDir: runs, png: false });
  assert.equal(byDefault.rows[0].source, 'synthetic:smoke');
});

// One user with 5 items x y x y x (ids 1 2 1 2 1), one with 2. m = 2, exact match:
//   2-templates 12 21 12 21 (each matches 2 of 4): Phi2 = ln(1/2)
//   3-templates 121 212 121 (2, 1, 2 of 3):        Phi3 = (2 ln(2/3) + ln(1/3)) / 3
//   ApEn = |Phi3 - Phi2| = 0.0566330; if no item repeated: ln((5-1)/(5-2)) = ln(4/3) = 0.2876821.
// The user with 2 items has no more than m + 1 items and is left out.
const REPEATS = ['user_id:token\titem_id:token\ttimestamp:float', 'a\tx\t1', 'a\ty\t2', 'a\tx\t3', 'a\ty\t4', 'a\tx\t5', 'b\tx\t1', 'b\ty\t2', ''].join('\n');

test('measureSource: ApEn of the last 50 items (m = 2, exact match on ids) and its no-repeat value, by hand', async () => {
  const path = join(tmp('lsrm-t2-data-'), 'repeats.inter');
  writeFileSync(path, REPEATS);
  const row = await measureSource({ spec: `atomic:${path}`, core: 0, label: 'rep' }, { dir: tmp('lsrm-t2-runs-') });
  const expected = Math.abs((2 * Math.log(2 / 3) + Math.log(1 / 3)) / 3 - Math.log(1 / 2));
  assert.ok(Math.abs(row.apen! - 0.056633) < 1e-6 && Math.abs(row.apen! - expected) < 1e-12, `${row.apen}`);
  assert.ok(Math.abs(row.noRepeatApEn! - Math.log(4 / 3)) < 1e-12);
  assert.equal(row.domainApEn, null, 'an atomic file without item domains');
  assert.match(toMarkdown([row], TABLE_2_COLUMNS), /\| 0\.0566 \| 0\.2877 \| - \|/);
});

test('synthetic data has item domains: all three ApEn columns are measured', async () => {
  const [row] = await table2Rows(table2Sources(SCALES.smoke), { dir: tmp('lsrm-t2-runs-') });
  for (const v of [row.apen, row.noRepeatApEn, row.domainApEn]) assert.ok(typeof v === 'number' && v > 0, JSON.stringify(row));
  // the synthetic users repeat items, so the id ApEn is not the length-only value
  assert.ok(Math.abs(row.apen! - row.noRepeatApEn!) > 1e-4, JSON.stringify(row));
});

test('a cached record from before the ApEn columns (keyed without the ApEn settings) is not reused: the row is measured again', async () => {
  const path = join(tmp('lsrm-t2-data-'), 'repeats.inter');
  writeFileSync(path, REPEATS);
  const runs = tmp('lsrm-t2-runs-');
  const src = { spec: `atomic:${path}`, core: 0, label: 'rep' };
  const oldKey = { spec: src.spec, core: 0, version: sourceVersion(src.spec) };
  const meta = { commit: 'old', startedAt: '2026-01-01T00:00:00.000Z', wallMs: 1, backend: 'none', tfjsVersion: 'none' };
  writeJsonAtomic(join(runs, 'table-2', `${runKey(oldKey)}.json`), { config: oldKey, metrics: { users: 2, items: 2, interactions: 7, avgSeqLen: 3.5, density: 1.75 }, curve: [], meta });
  const logs: string[] = [];
  const row = await measureSource(src, { dir: runs, log: (m) => logs.push(m) });
  assert.ok(logs.some((m) => m.startsWith('computing table-2/')), logs.join('; '));
  assert.ok(Math.abs(row.apen! - 0.056633) < 1e-6);
  assert.equal(readdirSync(join(runs, 'table-2')).length, 2);
});

test('the note states the ApEn settings and why the no-repeat column is there', () => {
  assert.match(TABLE_2_TEXT.note, /last 50 items with window m = 2 and exact match \(r = 0\)/);
  assert.match(TABLE_2_TEXT.note, /"id" compares item ids, "domain" the items' genre\/category/);
  assert.match(TABLE_2_TEXT.note, /MovieLens, where no user rates an item twice\) exact-match id ApEn measures only sequence length/);
  assert.deepEqual(TABLE_2_COLUMNS.map((c) => c.label).slice(6, 9), ['ApEn (m=2, last 50, id)', 'ApEn if no repeats', 'ApEn (domain)']);
});
