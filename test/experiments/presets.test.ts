import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { nonEmbeddingParams } from '../../lib/models/params';
import { dataLabel, presetKey, presetRunConfig, tableData, TABLE_PRESETS, trainPhrase, trainPreset } from '../../lib/experiments/presets';
import { SCALE_NAMES, SCALES } from '../../lib/experiments/scale';
import { TRAIN_DEFAULTS } from '../../lib/train/train-config';
import { loadRun } from '../../lib/runs/run';
import { evaluateModel } from '../../lib/eval/evaluate';
import { writeTinyInter } from '../helpers/tiny-inter';

test('paper presets: the shapes of Table V and Table III', () => {
  const p = TABLE_PRESETS.paper;
  // Table V: LSRM_wide 2 x 1200, LSRM_deep 48 x 1200, SASRec 2 x 64; Table III: l2 = 2 x 64, l24 = 24 x 512.
  assert.deepEqual([p.wide.numLayers, p.wide.dim, p.deep.numLayers, p.deep.dim], [2, 1200, 48, 1200]);
  assert.deepEqual([p.sasrec.kind, p.sasrec.numLayers, p.sasrec.dim], ['lsrm', 2, 64]);
  assert.deepEqual([p.ablationSmall.numLayers, p.ablationSmall.dim, p.ablationLarge.numLayers, p.ablationLarge.dim], [2, 64, 24, 512]);
  // 12·2·1200² = 12·2·1,440,000 = 34,560,000 (Table V: 34.56M);
  // 12·48·1,440,000 = 829,440,000 (Table V: 0.83B; Table IV's last row).
  assert.equal(nonEmbeddingParams(p.wide.numLayers, p.wide.dim), 34_560_000);
  assert.equal(nonEmbeddingParams(p.deep.numLayers, p.deep.dim), 829_440_000);
  // 12·2·64² = 98,304 (Table V: 98.3K); 12·24·512² = 75,497,472 (Table IV).
  assert.equal(nonEmbeddingParams(p.sasrec.numLayers, p.sasrec.dim), 98_304);
  assert.equal(nonEmbeddingParams(p.ablationLarge.numLayers, p.ablationLarge.dim), 75_497_472);
  for (const b of [p.gru4rec, p.fmlp, p.caser]) assert.deepEqual([b.numLayers, b.dim], [2, 64], b.label);
  assert.deepEqual([p.gru4rec.kind, p.fmlp.kind, p.caser.kind], ['gru4rec', 'fmlp', 'caser']);
});

for (const name of SCALE_NAMES) {
  test(`${name} presets keep the paper's contrasts`, () => {
    const p = TABLE_PRESETS[name];
    // Wide: 2 layers at a large width; deep: more layers at the same width.
    assert.equal(p.wide.numLayers, 2);
    assert.equal(p.deep.dim, p.wide.dim);
    assert.ok(p.deep.numLayers > p.wide.numLayers);
    assert.ok(p.wide.dim > p.sasrec.dim, 'wide is wider than SASRec');
    // Aspect ratio d/L: wide's is larger than deep's by the layer ratio.
    assert.equal((p.wide.dim / p.wide.numLayers) / (p.deep.dim / p.deep.numLayers), p.deep.numLayers / p.wide.numLayers);
    // SASRec is LSRM with 2 layers; the baselines share its width.
    assert.deepEqual([p.sasrec.kind, p.sasrec.numLayers], ['lsrm', 2]);
    for (const b of [p.gru4rec, p.fmlp, p.caser]) assert.equal(b.dim, p.sasrec.dim, b.label);
    // Table III: the large model is deeper, at least as wide, and has more non-embedding parameters.
    assert.ok(p.ablationLarge.numLayers > p.ablationSmall.numLayers);
    assert.ok(p.ablationLarge.dim >= p.ablationSmall.dim);
    assert.ok(nonEmbeddingParams(p.ablationLarge.numLayers, p.ablationLarge.dim) > nonEmbeddingParams(p.ablationSmall.numLayers, p.ablationSmall.dim));
    // Heads divide the width of every LSRM.
    for (const m of [p.sasrec, p.wide, p.deep, p.ablationSmall, p.ablationLarge]) assert.equal(m.dim % m.numHeads, 0, m.label);
    // The labels name the shape.
    assert.equal(p.ablationSmall.label, `LSRM_l${p.ablationSmall.numLayers}`);
    assert.equal(p.ablationLarge.label, `LSRM_l${p.ablationLarge.numLayers}`);
  });
}

test('cpu presets: the documented sizes (SASRec 2 x 32, wide 2 x 64, deep 4 x 64; Table III = SASRec and deep)', () => {
  const p = TABLE_PRESETS.cpu;
  // 12·2·32² = 24,576; 12·2·64² = 98,304; 12·4·64² = 196,608.
  assert.equal(nonEmbeddingParams(p.sasrec.numLayers, p.sasrec.dim), 24_576);
  assert.equal(nonEmbeddingParams(p.wide.numLayers, p.wide.dim), 98_304);
  assert.equal(nonEmbeddingParams(p.deep.numLayers, p.deep.dim), 196_608);
  // Table III's models have the shapes of SASRec and LSRM_deep, so their "Both" runs are shared.
  assert.deepEqual([p.ablationSmall.numLayers, p.ablationSmall.dim], [p.sasrec.numLayers, p.sasrec.dim]);
  assert.deepEqual([p.ablationLarge.numLayers, p.ablationLarge.dim, p.ablationLarge.numHeads], [p.deep.numLayers, p.deep.dim, p.deep.numHeads]);
});

test('tableData: LSRM_DATA overrides the caller\'s choice, which overrides the scale default', () => {
  assert.deepEqual(tableData(SCALES.smoke, undefined, {}), { spec: 'synthetic:smoke', core: 0, label: 'Synthetic (smoke)' });
  assert.deepEqual(tableData(SCALES.smoke, {}, {}), { spec: 'synthetic:smoke', core: 0, label: 'Synthetic (smoke)' });
  assert.deepEqual(tableData(SCALES.cpu, undefined, {}), { spec: 'dataset:ml-100k', core: 0, label: 'ml-100k' }, 'the committed tables\' data');
  assert.deepEqual(tableData(SCALES.paper, undefined, {}), { spec: 'dataset:ml-20m', core: 5, label: 'MovieLens-20M' });
  // The notebook's config cell: a name, for every scale or per scale; names are written dataset:<name>.
  assert.deepEqual(tableData(SCALES.cpu, 'dataset:ml-100k', {}), { spec: 'dataset:ml-100k', core: 0, label: 'ml-100k' });
  assert.deepEqual(tableData(SCALES.cpu, 'ml-100k', {}), { spec: 'dataset:ml-100k', core: 0, label: 'ml-100k' });
  assert.deepEqual(tableData(SCALES.cpu, { cpu: 'dataset:ml-100k' }, {}), { spec: 'dataset:ml-100k', core: 0, label: 'ml-100k' });
  assert.equal(tableData(SCALES.smoke, { cpu: 'dataset:ml-100k' }, {}).spec, 'synthetic:smoke', 'other scales keep their default');
  assert.deepEqual(tableData(SCALES.cpu, { cpu: { spec: 'dataset:amazon-2018', core: 30 } }, {}), { spec: 'dataset:amazon-2018', core: 30, label: 'amazon-2018' });
  assert.throws(() => tableData(SCALES.cpu, { spec: 'ml-100k', core: -2 }, {}), /the core of ml-100k must be a non-negative integer, got -2/);
  assert.throws(() => tableData(SCALES.cpu, 'dataset:ml-2m', {}), /unknown dataset "ml-2m"/);
  // LSRM_DATA (and LSRM_CORE) override at run time, whatever the cell says.
  const env = { LSRM_DATA: ' atomic:/d/ml-100k/ml-100k.inter ' };
  assert.deepEqual(tableData(SCALES.cpu, { cpu: 'dataset:ml-100k' }, env), { spec: 'atomic:/d/ml-100k/ml-100k.inter', core: 0, label: 'ml-100k' });
  assert.deepEqual(tableData(SCALES.cpu, undefined, { LSRM_DATA: 'dataset:ml-1m' }), { spec: 'dataset:ml-1m', core: 0, label: 'ml-1m' });
  assert.equal(tableData(SCALES.cpu, undefined, { LSRM_DATA: 'csv:/d/x.csv', LSRM_CORE: '5' }).core, 5);
  assert.equal(tableData(SCALES.cpu, undefined, { LSRM_DATA: '  ' }).spec, 'dataset:ml-100k', 'blank = unset');
  assert.throws(() => tableData(SCALES.cpu, undefined, { LSRM_DATA: 'csv:/x.csv', LSRM_CORE: '-1' }), /LSRM_CORE must be a non-negative integer, got '-1'/);
  assert.throws(() => tableData(SCALES.cpu, undefined, { LSRM_DATA: 'csv:/x.csv', LSRM_CORE: '2.5' }), /LSRM_CORE must be a non-negative integer, got '2.5'/);
});

test('dataLabel: a short name of a source spec', () => {
  assert.equal(dataLabel('atomic:/work/shared/data/ml-100k/ml-100k.inter'), 'ml-100k');
  assert.equal(dataLabel('csv:/x/ratings.csv'), 'ratings');
  assert.equal(dataLabel('movielens:data/ml-1m'), 'ml-1m');
  assert.equal(dataLabel('synthetic:smoke'), 'Synthetic (smoke)');
  assert.equal(dataLabel('synthetic'), 'Synthetic (default)');
  assert.equal(dataLabel('ml-20m'), 'ml-20m');
  assert.equal(dataLabel('dataset:ml-100k'), 'ml-100k');
  assert.equal(dataLabel('dataset:amazon-Books+amazon-Software'), 'amazon-Books+amazon-Software');
});

test('presetRunConfig: the preset shape, the scale sequence length, TRAIN_DEFAULTS under the given settings', () => {
  const c = presetRunConfig(TABLE_PRESETS.paper.deep, { spec: 'synthetic:smoke', core: 3, label: 's' }, SCALES.cpu, { maxEpochs: 4 });
  assert.deepEqual(c.data, { source: 'synthetic:smoke', core: 3 });
  assert.deepEqual(c.model, { kind: 'lsrm', numLayers: 48, dim: 1200, numHeads: 24, maxLen: SCALES.cpu.maxLen });
  assert.deepEqual(c.train, { ...TRAIN_DEFAULTS, maxEpochs: 4 });
  const key = presetKey(c);
  assert.deepEqual([key.model, key.layers, key.dim, key.source], ['lsrm', 48, 1200, 'synthetic:smoke']);
  assert.equal(typeof key.version, 'string', 'the data version is part of the key');
});

const tinyInter = (path: string): string => writeTinyInter(path, 5);

const tiny = { label: 'tiny', kind: 'lsrm' as const, numLayers: 1, dim: 8, numHeads: 1 };

test('trainPreset: trains once through the store, the second call loads', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'lsrm-presets-'));
  const inter = tinyInter(join(dir, 'tiny.inter'));
  const config = presetRunConfig(tiny, { spec: `atomic:${inter}`, core: 0, label: 'tiny' }, SCALES.smoke, { epochs: 1, batchSize: 64 });
  const epochs: number[] = [];
  const first = await trainPreset(config, { dir, onEpoch: (r) => epochs.push(r.epoch) });
  assert.equal(first.isCached, false);
  assert.deepEqual(epochs, [1]);
  assert.equal(first.metrics.epochs, 1);
  assert.equal(first.curve.length, 1, 'the learning curve is stored');
  assert.ok(Number.isFinite(first.metrics.test.loss) && first.metrics.test.loss > 0);
  // 1 layer, d = 8: 12·1·8² = 768 non-embedding parameters.
  assert.equal(first.metrics.params.nonEmbedding, 768);
  assert.ok(first.path.startsWith(join(dir, 'train')), first.path);
  assert.equal(first.runDir, join(dir, 'train', `${first.runKey}.run`), 'the run directory sits next to the result');
  assert.ok(existsSync(join(first.runDir, 'result.json')));
  const mtime = statSync(first.path).mtimeMs;
  const second = await trainPreset(config, { dir, onEpoch: () => assert.fail('a stored run must not train') });
  assert.equal(second.isCached, true);
  assert.equal(second.runDir, first.runDir);
  assert.deepEqual(second.metrics, first.metrics);
  assert.equal(statSync(first.path).mtimeMs, mtime, 'not rewritten');
  assert.equal(readdirSync(join(dir, 'train')).filter((f) => f.endsWith('.json')).length, 1);
  // A changed config is a new run.
  const third = await trainPreset({ ...config, train: { ...config.train, seed: 1 } }, { dir });
  assert.equal(third.isCached, false);
  assert.notEqual(third.runKey, first.runKey);
});

test('trainPreset returns its run directory: loadRun gives back the model, split and config', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'lsrm-presets-'));
  const config = presetRunConfig(tiny, { spec: `atomic:${tinyInter(join(dir, 'tiny.inter'))}`, core: 0, label: 'tiny' }, SCALES.smoke, { epochs: 1, batchSize: 64 });
  const r = await trainPreset(config, { dir });
  const run = await loadRun(r.runDir);
  try {
    assert.deepEqual(run.config, config);
    assert.equal(run.split.numUsers, 24);
    assert.deepEqual(run.result?.metrics.test, r.metrics.test);
    // The loaded model is the best checkpoint: evaluating it again gives the stored test metrics.
    const again = await evaluateModel(run.model, run.split, { split: 'test' });
    assert.ok(Math.abs(again.metrics.loss - r.metrics.test.loss) < 1e-5, `${again.metrics.loss} vs ${r.metrics.test.loss}`);
    assert.equal(again.metrics['NDCG@10'], r.metrics.test['NDCG@10']);
  } finally {
    run.model.dispose();
  }
});

test('a dataset name is what the run config and the store hold, resolved through LSRM_DATA_DIR', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'lsrm-presets-'));
  const shared = join(dir, 'shared');
  mkdirSync(join(shared, 'ml-100k'), { recursive: true });
  tinyInter(join(shared, 'ml-100k', 'ml-100k.inter'));
  const before = process.env.LSRM_DATA_DIR;
  process.env.LSRM_DATA_DIR = shared;
  t.after(() => (before === undefined ? delete process.env.LSRM_DATA_DIR : (process.env.LSRM_DATA_DIR = before)));
  const data = tableData(SCALES.cpu, { cpu: 'dataset:ml-100k' }, {});
  const config = presetRunConfig(tiny, data, SCALES.smoke, { epochs: 1, batchSize: 64 });
  const r = await trainPreset(config, { dir: join(dir, 'runs') });
  assert.equal(r.metrics.epochs, 1);
  assert.deepEqual(r.config.source, 'dataset:ml-100k');
  for (const file of [r.path, join(r.runDir, 'config.json'), join(r.runDir, 'result.json')]) {
    const text = readFileSync(file, 'utf8');
    assert.ok(!text.includes(shared) && !text.includes(tmpdir()), `${file} holds no path`);
  }
  assert.equal(JSON.parse(readFileSync(join(r.runDir, 'config.json'), 'utf8')).data.source, 'dataset:ml-100k');
  assert.doesNotMatch(r.runKey, /tmp|shared/);
});

test('trainPhrase: the budget in words, TRAIN_DEFAULTS for what is not given', () => {
  assert.equal(trainPhrase({ maxEpochs: 12, patience: 2, patienceMinSteps: 0, batchSize: 256, lrPeak: 3e-3 }), 'at most 12 epochs (patience 2), batch 256, peak lr 0.003');
  assert.equal(trainPhrase({ maxEpochs: 12, patience: 2, patienceMinSteps: 40, batchSize: 256, lrPeak: 3e-3 }), 'at most 12 epochs (plateau: 2 epochs and at least 40 steps), batch 256, peak lr 0.003');
  assert.equal(trainPhrase({ epochs: 2, batchSize: 32 }), `2 epochs, batch 32, peak lr ${TRAIN_DEFAULTS.lrPeak}`);
  assert.equal(trainPhrase({}), `at most ${TRAIN_DEFAULTS.maxEpochs} epochs (plateau: ${TRAIN_DEFAULTS.patience} epochs and at least ${TRAIN_DEFAULTS.patienceMinSteps} steps), batch ${TRAIN_DEFAULTS.batchSize}, peak lr ${TRAIN_DEFAULTS.lrPeak}`);
});
