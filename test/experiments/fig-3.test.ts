import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FIG_2A_PLANS } from '../../lib/experiments/fig-2a';
import { fig2bRuns } from '../../lib/experiments/fig-2b';
import { fig3Figure, fig3Findings, fig3Sweep, FIG_3_PLANS, phaseBoundaries, produceFig3, summarizeCurve, type Fig3Artefact, type Fig3Plan, type Fig3Row } from '../../lib/experiments/fig-3';
import { SCALES } from '../../lib/experiments/scale';
import { nonEmbeddingParams } from '../../lib/models/params';

test('plans: a small and a larger model of the ladder, 30 epochs, selection by loss; cpu repeats Figure 2b\'s 10% level', () => {
  for (const [name, p] of Object.entries(FIG_3_PLANS)) {
    assert.equal(p.models.length, 2, name);
    const [small, large] = p.models.map((m) => nonEmbeddingParams(m.numLayers, m.dim));
    assert.ok(large >= (name === 'smoke' ? 4 : 100) * small, `${name}: ${small} vs ${large}`);
    for (const m of p.models) assert.equal(m.epochs, 30, name);
  }
  const shapes2a = FIG_2A_PLANS.cpu.ladder.map((r) => `${r.numLayers}x${r.dim}`);
  for (const m of FIG_3_PLANS.cpu.models) assert.ok(shapes2a.includes(`${m.numLayers}x${m.dim}`), 'a shape of the ladder');
  const tenth = fig2bRuns(SCALES.cpu).find((r) => r.fraction === 0.1)!.config.data;
  const runs = fig3Sweep(SCALES.cpu);
  assert.deepEqual(runs.map((r) => r.label), ['Figure 3 4x128 30 epochs seed 0', 'Figure 3 1x16 30 epochs seed 0']);
  for (const r of runs) {
    assert.deepEqual(r.config.data, tenth);
    assert.equal(r.config.train.epochs, 30);
    assert.equal(r.config.train.selectBy, 'loss');
  }
});

test('phases: the paper\'s cuts at epochs 5 and 12 within the curve', () => {
  assert.deepEqual(phaseBoundaries(30), [1, 5, 12, 30]);
  assert.deepEqual(phaseBoundaries(8), [1, 5, 8]);
  assert.deepEqual(phaseBoundaries(3), [1, 3]);
  assert.deepEqual(phaseBoundaries(1), [1]);
});

/** A curve of 14 epochs: validation 6 - 0.1·e until epoch 10 (best, 5.0), then up by 0.01 per epoch. */
function curve(params = 3072): Fig3Row[] {
  return Array.from({ length: 14 }, (_, k) => {
    const epoch = k + 1;
    const validLoss = epoch <= 10 ? 6 - 0.1 * epoch : 5 + 0.01 * (epoch - 10);
    return { params, numLayers: 1, dim: 16, seed: 0, epoch, trainLoss: validLoss - 0.2, validLoss, isBest: epoch === 10 };
  });
}

test('summarizeCurve: best epoch and the loss change over each phase, by hand', () => {
  const m = summarizeCurve(curve(), 5.1);
  assert.equal(m.bestEpoch, 10);
  assert.equal(m.bestValidLoss, 5);
  // epoch 1: 5.9, 5: 5.5, 12: 5.02, 14: 5.04
  assert.deepEqual(m.validLossAt, { 1: 5.9, 5: 5.5, 12: 5.02, 14: 5.04 });
  assert.deepEqual(m.gains, [{ from: 1, to: 5, gain: 0.4 }, { from: 5, to: 12, gain: 0.48 }, { from: 12, to: 14, gain: -0.02 }]);
});

test('findings: returns compared per epoch (the phases differ in length), and a rise after the best epoch', () => {
  const rows = curve();
  const a: Fig3Artefact = { id: 'x', scale: 'smoke', data: 'd', seeds: [0], runs: [], wallSeconds: 0, epochs: 14, models: [summarizeCurve(rows, 5.1)], points: rows };
  const [line] = fig3Findings(a);
  assert.match(line, /best validation loss 5\.0000 at epoch 10 of 14/);
  // 0.4 over 4 epochs, 0.48 over 7, -0.02 over 2: more in all over 5-12, but less an epoch.
  assert.match(line, /epochs 1-5 -0\.400 \(-0\.1000 an epoch\), epochs 5-12 -0\.480 \(-0\.0686 an epoch\), epochs 12-14 \+0\.020 \(\+0\.0100 an epoch\)/);
  assert.match(line, /returns per epoch diminish phase by phase, as in the paper/);
  assert.match(line, /ends 0\.0400 above its best \(overfitting\)/);
  // A curve that falls faster over epochs 5-12 than over 1-5, per epoch: not diminishing.
  const steep = rows.map((r) => ({ ...r, validLoss: r.epoch <= 5 ? 6 - 0.01 * r.epoch : r.epoch <= 12 ? 5.95 - 0.1 * (r.epoch - 5) : 5.25, isBest: r.epoch === 13 }));
  const [other] = fig3Findings({ ...a, models: [summarizeCurve(steep, 5.2)], points: steep });
  assert.match(other, /returns per epoch do not diminish phase by phase/);
  assert.match(other, /ends at its best/);
  assert.match(line, /at epoch 14 the training loss is 0\.200 below the validation loss/);
  // A rise of 0.0005 on a loss of 5: within 0.1%, a plateau.
  const flat = rows.map((r) => ({ ...r, validLoss: r.epoch <= 10 ? r.validLoss : 5.0005, isBest: r.epoch === 10 }));
  const [plateau] = fig3Findings({ ...a, models: [summarizeCurve(flat, 5.1)], points: flat });
  assert.match(plateau, /ends 0\.0005 above its best, within 0\.1%: a plateau, no overfitting rise by epoch 14/);
});

test('the figure: validation line, dotted training line and a starred best epoch per model', () => {
  const rows = [...curve(3072), ...curve(786432)];
  const models = [summarizeCurve(rows.slice(0, 14), 5), summarizeCurve(rows.slice(14), 5)];
  const fig = fig3Figure('t', rows, models);
  assert.equal(fig.data.length, 6);
  assert.equal((fig.data[1].line as { dash: string }).dash, 'dot');
  assert.deepEqual([fig.data[2].x, fig.data[2].y], [[10], [5]]);
  assert.equal((fig.data[2].marker as { symbol: string }).symbol, 'star');
  assert.deepEqual(JSON.parse(JSON.stringify(fig)), fig);
});

test('produce at smoke: the curves come from the runs, the best epoch is the lowest validation loss', async () => {
  const runsDir = mkdtempSync(join(tmpdir(), 'lsrm-f3-runs-'));
  const root = mkdtempSync(join(tmpdir(), 'lsrm-f3-fig-'));
  const plan: Fig3Plan = { ...FIG_3_PLANS.smoke, models: FIG_3_PLANS.smoke.models.map((m) => ({ ...m, epochs: 6 })) };
  const out = await produceFig3(SCALES.smoke, { plan, runsDir, figuresRoot: root, png: false });
  const id = 'fig-3-repetition';
  const dir = join(root, 'smoke');
  assert.deepEqual(readdirSync(dir).sort(), ['csv', 'html', 'json', 'md', 'plotly.json'].map((e) => `${id}.${e}`).sort());
  const a = JSON.parse(readFileSync(join(dir, `${id}.json`), 'utf8'));
  for (const k of ['id', 'scale', 'data', 'seeds', 'runs', 'wallSeconds', 'epochs', 'models']) assert.ok(k in a, k);
  assert.equal(a.data, 'synthetic:smoke?sample=0.1&seed=0');
  assert.equal(a.models.length, 2);
  for (const m of out.artefact.models) {
    const c = out.rows.filter((r) => r.params === m.params);
    assert.deepEqual(c.map((r) => r.epoch), [1, 2, 3, 4, 5, 6]);
    assert.equal(c.filter((r) => r.isBest).length, 1);
    assert.equal(m.bestValidLoss, Number(Math.min(...c.map((r) => r.validLoss)).toPrecision(6)), 'selection by validation loss');
    assert.deepEqual(m.gains.map((g) => [g.from, g.to]), [[1, 5], [5, 6]]);
  }
  assert.equal(fig3Findings(out.artefact).length, 2);
});
