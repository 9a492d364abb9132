import { test } from 'node:test';
import assert from 'node:assert/strict';
import { FIGURE, ladderSummary, paperLadderRows, presetLadderRows, table4Rows, TABLE_4_COLUMNS, TABLE_4_TEXT } from '../../lib/experiments/table-4';
import { SCALES } from '../../lib/experiments/scale';
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { toCsv, toMarkdown } from '../../lib/plot/table';

test("the paper's rows: N = 12·L·d² equals every published #Paras", () => {
  const rows = paperLadderRows();
  // hand-computed: 12·2·64² = 98,304; 12·4·128² = 786,432; 12·8·128² = 1,572,864;
  // 12·12·256² = 9,437,184; 12·24·512² = 75,497,472; 12·48·1200² = 829,440,000
  assert.deepEqual(rows.map((r) => r.params), [98_304, 786_432, 1_572_864, 9_437_184, 75_497_472, 829_440_000]);
  assert.deepEqual(rows.map((r) => r.paperParams), [98_304, 786_432, 1_572_864, 9_437_184, 75_497_472, 829_440_000]);
  assert.ok(rows.every((r) => r.matchesPaper === true));
  assert.deepEqual(rows.map((r) => [r.numLayers, r.dim, r.numHeads, r.epochs, r.batchSize]), [
    [2, 64, 2, 30, 256], [4, 128, 4, 30, 256], [8, 128, 4, 30, 256], [12, 256, 8, 27, 256], [24, 512, 8, 12, 256], [48, 1200, 24, 12, 256],
  ]);
});

test('preset ladders: smoke 12·1·8² = 768 and 12·2·16² = 6,144; cpu 3,072 .. 3,145,728', () => {
  assert.deepEqual(presetLadderRows('smoke').map((r) => r.params), [768, 6_144]);
  // cpu: 12·1·16², 12·2·32², 12·2·64², 12·4·128², 12·4·256²
  assert.deepEqual(presetLadderRows('cpu').map((r) => r.params), [3_072, 24_576, 98_304, 786_432, 3_145_728]);
  assert.ok(presetLadderRows('cpu').every((r) => r.paperParams === null && r.matchesPaper === null));
  assert.deepEqual(presetLadderRows('paper').map((r) => r.params), paperLadderRows().map((r) => r.params));
});

test('table4Rows = paper, smoke, cpu; summary lines; renders to csv and md', () => {
  const rows = table4Rows();
  assert.equal(rows.length, 6 + 2 + 5);
  assert.deepEqual(ladderSummary(rows), [
    'Table IV (paper): 6 models, N 98,304 .. 829,440,000',
    'smoke preset: 2 models, N 768 .. 6,144',
    'cpu preset: 5 models, N 3,072 .. 3,145,728',
  ]);
  const csv = toCsv(rows, TABLE_4_COLUMNS).split('\n');
  assert.equal(csv[0], 'ladder,paperParams,params,matchesPaper,numLayers,dim,numHeads,epochs,batchSize');
  assert.equal(csv[1], 'Table IV (paper),98304,98304,true,2,64,2,30,256');
  assert.equal(csv[7], 'smoke preset,,768,,1,8,1,2,32');
  const md = toMarkdown(rows, TABLE_4_COLUMNS);
  assert.match(md, /\| Table IV \(paper\) \| 829,440,000 \| 829,440,000 \| ✓ \| 48 \| 1,200 \| 24 \| 12 \| 256 \|/);
});

test('the committed figures/table-4-configs.csv matches the code (else: lsrm reproduce --only table-4-configs)', () => {
  const committed = readFileSync(join(__dirname, '..', '..', 'figures', 'table-4-configs.csv'), 'utf8');
  assert.equal(committed, toCsv(table4Rows(), TABLE_4_COLUMNS));
});

test('FIGURE.produce: the same rows at every scale, into figures/<scale>/ below the root (cpu: the root)', async () => {
  const root = mkdtempSync(join(tmpdir(), 'lsrm-t4-fig-'));
  const smoke = await FIGURE.produce(SCALES.smoke, { figuresRoot: root, png: false });
  assert.deepEqual(smoke.rows, table4Rows());
  assert.deepEqual([smoke.kind, smoke.id, smoke.text], ['table', 'table-4-configs', TABLE_4_TEXT]);
  assert.equal(smoke.saved.csv, join(root, 'smoke', 'table-4-configs.csv'));
  assert.deepEqual(readdirSync(join(root, 'smoke')).sort(), ['table-4-configs.csv', 'table-4-configs.html', 'table-4-configs.md']);
  const cpu = await FIGURE.produce(SCALES.cpu, { figuresRoot: root, png: false });
  assert.equal(cpu.saved.csv, join(root, 'table-4-configs.csv'));
  assert.equal(readFileSync(cpu.saved.csv!, 'utf8'), readFileSync(smoke.saved.csv!, 'utf8'));
});
