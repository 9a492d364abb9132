import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { benchCachePath, benchFigureOf, dataStatsOf, dataStatsOfSplit, estimateRun, formatBytes, formatEstimates, readBenchFigure, PACE_MIN_MODEL_SECONDS, similarEpochs, startScale, storePace, sweepPriors, withSimilarEpochs, writeBenchFigure, type DataStats } from '../../lib/sweep/estimate';
import { normalizeRunConfig } from '../../lib/runs/run';
import type { LeaveOneOutSplit } from '../../lib/data/types';
import { MODELS } from '../../lib/models';

// 3 users whose training sequences hold 1, 5 and 12 items over 10 items.
const STATS: DataStats = { numUsers: 3, numItems: 10, numTrainInteractions: 18, lengths: [[1, 1], [5, 1], [12, 1]] };
const CONFIG = normalizeRunConfig({ data: { source: 'synthetic:smoke', core: 0 }, model: { kind: 'lsrm', numLayers: 1, dim: 8, numHeads: 1, maxLen: 4 }, train: { epochs: 3, batchSize: 2 } });

test('estimateRun: the cost model worked by hand', () => {
  const e = estimateRun(CONFIG, STATS, { gflops: 1e-6 }); // 1,000 FLOP/s
  // T = 4: windows 0 + ceil(4/4) + ceil(11/4) = 4, targets 0 + 4 + 11 = 15; 2 steps of batch 2.
  assert.equal(e.stepsPerEpoch, 2);
  assert.equal(e.epochs, 3);
  // N = 12·1·8² = 768; embedding (10 + 1)·8 + 4·8 = 120.
  assert.equal(e.params.nonEmbedding, 768);
  assert.equal(e.params.embedding, 120);
  assert.deepEqual(e.params, MODELS.lsrm.paramCounts({ numItems: 10, numLayers: 1, dim: 8, numHeads: 1, maxLen: 4, dropout: [0.2] }));
  // train 6·768·4·4 + 6·10·8·15 = 73,728 + 7,200 = 80,928; validation 2·768·3·4 + 2·10·8·3 = 18,432 + 480 = 18,912.
  assert.equal(e.flopPerEpoch, 80_928 + 18_912);
  assert.ok(Math.abs(e.secondsPerEpoch - 99.84) < 1e-9);
  // 3 epochs and the final valid + test evaluation: (3·99,840 + 2·18,912) / 1,000.
  assert.ok(Math.abs(e.totalSeconds - 337.344) < 1e-9);
  const P = e.params.total;
  // activations 4·T·L·(144·d + 6·H·T) a row x B = 4·4·1·(1,152 + 24)·2 = 37,632, one pass;
  // logits: 2 windows per batch x 15/4 targets = 7.5 -> 8 rows x 10 items x 8 bytes = 640.
  assert.deepEqual(e.memory, { weights: 4 * P, adam: 8 * P, activations: 37_632, logits: 640 });
  assert.equal(e.passes, 1);
  // Without `epochs`, maxEpochs bounds the time.
  const open = estimateRun(normalizeRunConfig({ ...CONFIG, train: { batchSize: 2, maxEpochs: 7 } }), STATS, { gflops: 1e-6 });
  assert.equal(open.epochs, 7);
  // LSRM 8 x 128 at batch 256, T 50: passes of 68 rows (2 GiB / 31.4 MB), 4 passes a step.
  const big = estimateRun(normalizeRunConfig({ ...CONFIG, model: { kind: 'lsrm', numLayers: 8, dim: 128, numHeads: 4, maxLen: 50 }, train: { batchSize: 256, epochs: 1 } }), STATS, { gflops: 1 });
  assert.equal(big.passes, 4);
  assert.equal(big.memory.activations, 68 * 4 * 50 * 8 * (144 * 128 + 6 * 4 * 50));
});

test('benchFigureOf: the rate that makes the bench step\'s own estimate exact', () => {
  const fig = benchFigureOf({ msPerStep: 400, batch: 64, items: 1682, backend: 'wasm', cpuModel: 'cpu', cores: 2 }, new Date(0));
  // 6·(12·2·64² + 1,682·64)·64·50 = 6·205,952·3,200 = 3,954,278,400 FLOP in 0.4 s.
  assert.ok(Math.abs(fig.gflops - 3_954_278_400 / 0.4 / 1e9) < 1e-9);
  assert.equal(fig.measuredAt, '1970-01-01T00:00:00.000Z');
  // A run of the bench's shape, one full batch per step and no padding, costs msPerStep per step.
  const config = normalizeRunConfig({ data: { source: 'synthetic', core: 0 }, model: { kind: 'lsrm', numLayers: 2, dim: 64, numHeads: 2, maxLen: 50 }, train: { epochs: 1, batchSize: 64 } });
  const stats: DataStats = { numUsers: 0, numItems: 1682, numTrainInteractions: 64 * 51, lengths: [[51, 64]] };
  const e = estimateRun(config, stats, fig);
  assert.equal(e.stepsPerEpoch, 1);
  assert.ok(Math.abs(e.secondsPerEpoch - 0.4) < 1e-9);
});

test('dataStatsOfSplit: sizes and the histogram of training lengths; dataStatsOf loads each data once', async () => {
  const split = { numUsers: 4, numItems: 10, train: { offsets: Int32Array.from([0, 1, 6, 11, 23]), items: new Int32Array(23), numUsers: 4 } } as unknown as LeaveOneOutSplit;
  assert.deepEqual(dataStatsOfSplit(split), { numUsers: 4, numItems: 10, numTrainInteractions: 23, lengths: [[1, 1], [5, 2], [12, 1]] });
  const store = mkdtempSync(join(tmpdir(), 'lsrm-estimate-'));
  let loads = 0;
  const prepare = async () => (loads++, split);
  const data = { source: 'synthetic:smoke', core: 0 };
  const a = await dataStatsOf(data, store, prepare);
  const b = await dataStatsOf(data, store, prepare);
  assert.deepEqual(b, a);
  assert.equal(loads, 1, 'cached in <store>/.data-stats/');
  await dataStatsOf({ ...data, core: 2 }, store, prepare);
  assert.equal(loads, 2, 'another k-core is other data');
});

test('bench figures are cached per backend, CPU model and kernels', () => {
  const store = mkdtempSync(join(tmpdir(), 'lsrm-estimate-'));
  const fig = benchFigureOf({ msPerStep: 100, batch: 64, items: 1682, backend: 'wasm', cpuModel: 'Xeon', cores: 2 });
  assert.equal(readBenchFigure(store, 'wasm', 'Xeon'), undefined);
  writeBenchFigure(store, fig);
  assert.deepEqual(readBenchFigure(store, 'wasm', 'Xeon'), fig);
  assert.equal(readBenchFigure(store, 'cpu', 'Xeon'), undefined, 'another backend');
  assert.equal(readBenchFigure(store, 'wasm', 'EPYC'), undefined, 'another machine: measured again');
  assert.equal(readBenchFigure(store, 'wasm', 'Xeon', 'simd-2+fma'), undefined, 'measured with other kernels: measured again');
  const fma = benchFigureOf({ msPerStep: 80, batch: 64, items: 1682, backend: 'wasm', cpuModel: 'Xeon', cores: 2, kernels: 'simd-2+fma' });
  writeBenchFigure(store, fma);
  assert.deepEqual(readBenchFigure(store, 'wasm', 'Xeon', 'simd-2+fma'), fma);
  assert.equal(readBenchFigure(store, 'wasm', 'Xeon'), undefined, 'and the other way round');
  writeFileSync(benchCachePath(store, 'wasm'), '{ broken');
  assert.equal(readBenchFigure(store, 'wasm', 'Xeon'), undefined, 'a damaged cache is measured again');
});

test('formatEstimates: a row per run, a total, and where the speed came from', () => {
  const fig = benchFigureOf({ msPerStep: 100, batch: 64, items: 1682, backend: 'wasm', cpuModel: 'x', cores: 2 }, new Date('2025-01-02T00:00:00Z'));
  const e = estimateRun(CONFIG, STATS, fig);
  const text = formatEstimates([{ label: 'run a', estimate: e }, { label: 'run b', estimate: e }], fig, 2);
  const lines = text.split('\n');
  assert.match(lines[0], /^run +steps\/ep +epochs +non-emb +params +weights +adam +activ\. +logits +per epoch +total$/);
  assert.match(lines[1], /^run a +2 +3 +768 +1.008K +3.9 KB +7.9 KB +36\.8 KB +640 B +0s +0s$/);
  assert.match(lines[3], /^total \(2 runs\) +12 steps /);
  assert.match(text, /GFLOP\/s \(wasm, lsrm bench train 100 ms\/step at batch 64, measured 2025-01-02\)/);
  assert.match(text, /With 2 jobs the sweep takes about/);
  // A sweep's wall time is bounded by its longest run, not the total shared by the jobs.
  const long = { ...e, totalSeconds: 3600 };
  const short = { ...e, totalSeconds: 600 };
  assert.match(formatEstimates([{ label: 'long', estimate: long }, { label: 'short', estimate: short }], fig, 2), /With 2 jobs the sweep takes about 1h00m/);
  assert.deepEqual([formatBytes(640), formatBytes(4608), formatBytes(3 * 2 ** 20), formatBytes(2 ** 31)], ['640 B', '4.5 KB', '3.0 MB', '2.0 GB']);
});

test('similarEpochs: the median epochs of finished runs alike (another seed; same model first), only for runs stopped by validation', () => {
  const open = (seed: number, dim = 8, patience = 3) => normalizeRunConfig({ data: { source: 'synthetic:smoke', core: 0 }, model: { kind: 'lsrm', numLayers: 1, dim, numHeads: 1, maxLen: 4 }, train: { maxEpochs: 200, patience, batchSize: 2, seed } });
  const finished = [
    { config: open(1), epochs: 120 }, { config: open(2), epochs: 150 }, { config: open(3), epochs: 100 },
    { config: open(1, 16), epochs: 60 }, { config: open(1, 8, 9), epochs: 10 },
  ];
  assert.deepEqual(similarEpochs(open(0), finished), { epochs: 120, runs: 3 }, 'same model: 100, 120, 150');
  assert.deepEqual(similarEpochs(open(0, 32), finished), { epochs: 110, runs: 4 }, 'no run of this model: every model of the same training (60, 100, 120, 150)');
  assert.equal(similarEpochs(open(0, 8, 5), finished), undefined, 'another patience is another training');
  assert.equal(similarEpochs(CONFIG, finished), undefined, 'a run of fixed epochs needs no guess');
  const e = estimateRun(open(0), STATS, { gflops: 1e-6 });
  assert.equal(e.epochsFrom, 'cap');
  const guessed = withSimilarEpochs(e, similarEpochs(open(0), finished));
  assert.deepEqual([guessed.epochs, guessed.epochsFrom, guessed.similarRuns], [120, 'similar', 3]);
  const finalEval = e.totalSeconds - 200 * e.secondsPerEpoch;
  assert.ok(Math.abs(guessed.totalSeconds - (120 * e.secondsPerEpoch + finalEval)) < 1e-9, 'the final evaluation is kept');
  const fig = benchFigureOf({ msPerStep: 100, batch: 64, items: 1682, backend: 'wasm', cpuModel: 'x', cores: 2 }, new Date('2025-01-02T00:00:00Z'));
  const text = formatEstimates([{ label: 'capped', estimate: e }, { label: 'guessed', estimate: guessed }], fig, 1);
  assert.match(text, /capped +2 +≤200 /);
  assert.match(text, /guessed +2 +~120 /);
});

test('sweepPriors: each run\'s remaining seconds from what the store has cached, nothing loaded; the stored runs\' pace', async () => {
  const store = mkdtempSync(join(tmpdir(), 'lsrm-priors-'));
  const split = { numUsers: 3, numItems: 10, train: { offsets: Int32Array.from([0, 1, 6, 18]), items: new Int32Array(18), numUsers: 3 } } as unknown as LeaveOneOutSplit;
  await dataStatsOf(CONFIG.data, store, async () => split); // cache the smoke data's statistics
  const other = normalizeRunConfig({ ...CONFIG, data: { source: 'synthetic:tiny', core: 0 } });
  const runs = [
    { key: 'a', label: 'a', config: CONFIG },
    { key: 'b', label: 'b', config: other }, // its data's statistics are not cached: no prior, no loading
    { key: 'c', label: 'c', config: CONFIG },
  ];
  // run c already trained 2 of its 3 epochs: only the last one (and the final evaluation) is left.
  mkdirSync(join(store, 'train', 'c.run'), { recursive: true });
  writeFileSync(join(store, 'train', 'c.run', 'curve.json'), JSON.stringify([{}, {}]));
  const fig = benchFigureOf({ msPerStep: 100, batch: 64, items: 1682, backend: 'cpu', cpuModel: 'm', cores: 2 });
  const e = estimateRun(CONFIG, STATS, fig);
  const rel = await sweepPriors(runs, store, 'cpu', 'm');
  assert.equal(rel.isAbsolute, false);
  assert.equal(rel.observed, undefined);
  assert.equal(startScale(rel), undefined);
  assert.deepEqual([...rel.seconds.keys()], ['a', 'c']);
  writeBenchFigure(store, fig);
  const abs = await sweepPriors(runs, store, 'cpu', 'm');
  assert.equal(abs.isAbsolute, true);
  assert.equal(startScale(abs), 1);
  assert.ok(Math.abs(abs.seconds.get('a')! - e.totalSeconds) < 1e-9);
  assert.ok(Math.abs(abs.seconds.get('c')! - (e.totalSeconds - 2 * e.secondsPerEpoch)) < 1e-9);
  // Relative priors keep the same proportions (1 GFLOP/s stands in for the unknown rate).
  assert.ok(Math.abs(rel.seconds.get('a')! / rel.seconds.get('c')! - abs.seconds.get('a')! / abs.seconds.get('c')!) < 1e-9);
  // Another CPU model's figure is not this machine's: relative again.
  assert.equal((await sweepPriors(runs, store, 'cpu', 'other')).isAbsolute, false);
  // Run a finishes in the store after 5 epochs, taking 3x what the model says of 5 epochs: it has
  // no prior any more, and the pace of the stored runs is the start scale.
  const five = estimateRun({ ...CONFIG, train: { ...CONFIG.train, epochs: 5 } }, STATS, fig).totalSeconds;
  writeFileSync(join(store, 'train', 'a.json'), JSON.stringify({ metrics: { epochs: 5, trainMs: 3000 * five } }));
  const later = await sweepPriors(runs, store, 'cpu', 'm');
  assert.deepEqual([...later.seconds.keys()], ['c']);
  assert.equal(later.observed?.runs, 1);
  assert.ok(Math.abs(later.observed!.scale - 3) < 1e-9);
  assert.ok(Math.abs(startScale(later)! - 3) < 1e-9);
  // Without a bench figure the stored runs still give relative priors a time scale (3 x the rate).
  rmSync(benchCachePath(store, 'cpu'));
  const noBench = await sweepPriors(runs, store, 'cpu', 'm');
  assert.ok(Math.abs(noBench.seconds.get('c')! * startScale(noBench)! - 3 * later.seconds.get('c')!) < 1e-6);
});

test('storePace: wall over model time of finished runs, the median of the runs most alike (two at least), short runs left out', async () => {
  const store = mkdtempSync(join(tmpdir(), 'lsrm-pace-'));
  const split = { numUsers: 3, numItems: 10, train: { offsets: Int32Array.from([0, 1, 6, 18]), items: new Int32Array(18), numUsers: 3 } } as unknown as LeaveOneOutSplit;
  await dataStatsOf(CONFIG.data, store, async () => split);
  const bench = { gflops: 1e-6 }; // slow enough that every run below is minutes by the model
  const model = (c: typeof CONFIG, epochs: number) => estimateRun({ ...c, train: { ...c.train, epochs } }, STATS, bench).totalSeconds;
  const withSeed = (seed: number) => normalizeRunConfig({ ...CONFIG, train: { ...CONFIG.train, seed } });
  const wider = (seed: number) => normalizeRunConfig({ ...CONFIG, model: { ...CONFIG.model, dim: 16 }, train: { ...CONFIG.train, seed } });
  mkdirSync(join(store, 'train'), { recursive: true });
  const record = (name: string, config: typeof CONFIG, epochs: number, ratio: number) =>
    writeFileSync(join(store, 'train', `${name}.json`), JSON.stringify({ config: { run: config }, metrics: { epochs, trainMs: 1000 * ratio * model(config, epochs) } }));
  assert.ok(model(CONFIG, 3) >= PACE_MIN_MODEL_SECONDS);
  assert.equal(await storePace(store, bench), undefined, 'no finished run: no pace');
  record('a', withSeed(1), 3, 1.5);
  record('b', withSeed(2), 4, 2.5);
  record('c', wider(0), 3, 4);
  record('d', wider(1), 5, 17); // trained on a crowded machine
  record('e', wider(2), 3, 5);
  const pace = (await storePace(store, bench))!;
  assert.deepEqual(pace.overall, { scale: 4, runs: 5 });
  // Another seed of a and b: their median (2); a new seed of the wider model: its three (5);
  const near = (x: number, y: number) => Math.abs(x - y) < 1e-9;
  const s = pace.of(withSeed(7));
  assert.equal(s.from, 'seeds');
  assert.ok(near(s.scale, 2) && s.runs === 2);
  const w = pace.of(wider(9));
  assert.ok(w.from === 'seeds' && near(w.scale, 5) && w.runs === 3);
  // another width of the same kind on the same data: every run of the kind (median of 1.5, 2.5, 4, 17, 5).
  const other = normalizeRunConfig({ ...CONFIG, model: { ...CONFIG.model, dim: 24 } });
  const k = pace.of(other);
  assert.ok(k.from === 'kind' && near(k.scale, 4) && k.runs === 5);
  // One run alike is no pace: a run with a single finished seed falls back to the kind.
  record('f', normalizeRunConfig({ ...other, train: { ...other.train, seed: 3 } }), 3, 40);
  assert.equal(pace.of(other).from, 'kind');
  const again = (await storePace(store, bench))!;
  assert.equal(again.of(other).from, 'kind', 'one seed of it: not enough');
  // A run under PACE_MIN_MODEL_SECONDS by the model says nothing of the pace.
  const fast = { gflops: 1e9 };
  assert.equal(await storePace(store, fast), undefined);
});
