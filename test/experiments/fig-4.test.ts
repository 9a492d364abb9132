import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fig2aSweep } from '../../lib/experiments/fig-2a';
import { aspectRatio, familyRows, familySummaries, fig4Figure, fig4Findings, fig4Sweep, FIG_4_PLANS, produceFig4, type Fig4Plan, type ShapeFamily } from '../../lib/experiments/fig-4';
import { SCALES, type LadderRung } from '../../lib/experiments/scale';
import { nonEmbeddingParams } from '../../lib/models/params';

const N = (r: LadderRung) => nonEmbeddingParams(r.numLayers, r.dim);

test('plans: three sizes, three shapes each, N within 1.5% of the standard, aspect ratios over >= 16x', () => {
  for (const [name, p] of Object.entries(FIG_4_PLANS)) {
    assert.equal(p.families.length, 3, name);
    const sizes = p.families.map((f) => N(f.standard));
    assert.deepEqual(sizes, [...sizes].sort((a, b) => a - b), `${name}: sizes ascending`);
    for (const f of p.families) {
      assert.equal(f.shapes.length, 3);
      assert.ok(f.shapes.includes(f.standard), 'the standard is one of the shapes');
      const aspects = f.shapes.map(aspectRatio);
      assert.deepEqual(aspects, [...aspects].sort((a, b) => a - b), `${name}: by increasing aspect ratio`);
      assert.ok(aspects[2] / aspects[0] >= 16, `${name}: range ${aspects}`);
      for (const s of f.shapes) {
        assert.ok(Math.abs(N(s) / N(f.standard) - 1) <= 0.015, `${name}: ${s.numLayers}x${s.dim} has N ${N(s)}, standard ${N(f.standard)}`);
        assert.equal(s.dim % s.numHeads, 0, `${name}: heads divide ${s.dim}`);
        assert.deepEqual([s.epochs, s.batchSize], [f.standard.epochs, f.standard.batchSize], 'the standard\'s budget');
      }
    }
  }
  // The paper's example at 1.57M: 32x64, 8x128, 2x256 (R = 2, 16, 128); our cpu largest size has the same ratios.
  assert.deepEqual(FIG_4_PLANS.paper.families[0].shapes.map((s) => [s.numLayers, s.dim]), [[32, 64], [8, 128], [2, 256]]);
  assert.deepEqual(FIG_4_PLANS.cpu.families[2].shapes.map(aspectRatio), [2, 16, 128]);
});

test('the standard shapes are Figure 2a\'s runs (same store keys); the other six are new', () => {
  const keys2a = new Set(fig2aSweep(SCALES.cpu).map((r) => r.key));
  const runs = fig4Sweep(SCALES.cpu);
  assert.equal(runs.length, 9);
  assert.deepEqual(runs.filter((r) => keys2a.has(r.key)).map((r) => r.label).sort(), ['Figure 4 2x32 (R 16) seed 0', 'Figure 4 2x64 (R 32) seed 0', 'Figure 4 4x64 (R 16) seed 0']);
});

/** One family with hand-set losses: standard 5.0, deep 5.1 (+2%), shallow 4.95 (-1%). */
const FAM: ShapeFamily = (() => {
  const std = { numLayers: 4, dim: 64, numHeads: 2, epochs: 2, batchSize: 256 };
  return { standard: std, shapes: [{ ...std, numLayers: 16, dim: 32, numHeads: 1 }, std, { ...std, numLayers: 1, dim: 128, numHeads: 4 }] };
})();
const LOSS: Record<string, number> = { '16x32': 5.1, '4x64': 5, '1x128': 4.95 };

test('familyRows: percent increase over the standard shape, by hand', () => {
  const rows = familyRows(FAM, [0], (s) => LOSS[`${s.numLayers}x${s.dim}`]);
  assert.deepEqual(rows.map((r) => [r.aspect, r.isStandard, r.nDiffPct]), [[2, false, 0], [16, true, 0], [128, false, 0]]);
  const inc = rows.map((r) => r.increasePct);
  assert.ok(Math.abs(inc[0] - 2) < 1e-9 && inc[1] === 0 && Math.abs(inc[2] + 1) < 1e-9, String(inc));
  const [sum] = familySummaries(rows);
  assert.equal(sum.standard, '4x64');
  assert.deepEqual(sum.shapes.map((x) => [x.shape, x.aspect, x.increasePct]), [['16x32', 2, 2], ['4x64', 16, 0], ['1x128', 128, -1]]);
  assert.equal(sum.maxAbsIncreasePct, 2);
});

test('findings: the largest increase per size, and whether it shrinks with size', () => {
  const small = familyRows(FAM, [0], (s) => LOSS[`${s.numLayers}x${s.dim}`]);
  const bigStd = { ...FAM.standard, dim: 128 };
  const big: ShapeFamily = { standard: bigStd, shapes: [{ ...FAM.shapes[0], dim: 64 }, bigStd, { ...FAM.shapes[2], dim: 256 }] };
  const bigRows = (deep: number) => familyRows(big, [0], (s) => (s.dim === 64 ? deep : 5));
  const artefact = (rows: typeof small) => ({ id: 'x', scale: 'smoke', data: 'd', seeds: [0], runs: [], wallSeconds: 0, families: familySummaries(rows), points: rows });
  const shrinking = fig4Findings(artefact([...small, ...bigRows(5.05)]));
  assert.equal(shrinking[0], 'N 196,608 (standard 4x64): 16x32 (d/L 2) +2.00%, 1x128 (d/L 128) -1.00%; largest change 2.00%');
  assert.match(shrinking[1], /16x64 \(d\/L 4\) \+1\.00%, 1x256 \(d\/L 256\) \+0\.00%; largest change 1\.00%/);
  assert.match(shrinking[2], /shrinks as the model grows, as in the paper; some shapes beat the standard one/);
  assert.match(fig4Findings(artefact([...small, ...bigRows(5.2)]))[2], /does not shrink steadily/);
  const fig = fig4Figure('t', [...small, ...bigRows(5.2)]);
  assert.equal(fig.data.length, 2);
  assert.deepEqual(fig.data[0].x, [2, 16, 128]);
  assert.equal((fig.layout.xaxis as { type: string }).type, 'log');
});

test('produce at smoke: every shape trains, the standard row is 0%, the others match their losses', async () => {
  const runsDir = mkdtempSync(join(tmpdir(), 'lsrm-f4-runs-'));
  const root = mkdtempSync(join(tmpdir(), 'lsrm-f4-fig-'));
  // Two tiny families of two shapes each (the smoke plan's 16-layer shapes are slow on the cpu backend).
  const r = (numLayers: number, dim: number) => ({ numLayers, dim, numHeads: 1, epochs: 1, batchSize: 64 });
  const [a16, a24] = [r(1, 16), r(1, 24)];
  const plan: Fig4Plan = { ...FIG_4_PLANS.smoke, families: [{ standard: a16, shapes: [r(4, 8), a16] }, { standard: a24, shapes: [r(4, 12), a24] }] };
  const out = await produceFig4(SCALES.smoke, { plan, runsDir, figuresRoot: root, png: false });
  const id = 'fig-4-shape';
  const dir = join(root, 'smoke');
  assert.deepEqual(readdirSync(dir).sort(), ['csv', 'html', 'json', 'md', 'plotly.json'].map((e) => `${id}.${e}`).sort());
  const a = JSON.parse(readFileSync(join(dir, `${id}.json`), 'utf8'));
  for (const k of ['id', 'scale', 'data', 'seeds', 'runs', 'wallSeconds', 'families']) assert.ok(k in a, k);
  assert.equal(a.runs.length, 4);
  assert.equal(out.rows.length, 4);
  for (const n of new Set(out.rows.map((r) => r.standardParams))) {
    const at = out.rows.filter((r) => r.standardParams === n);
    const std = at.find((r) => r.isStandard)!;
    assert.equal(std.increasePct, 0);
    for (const r of at) assert.ok(Math.abs(r.increasePct - (100 * (r.testLoss - std.testLoss)) / std.testLoss) < 1e-9);
  }
  assert.equal(fig4Findings(out.artefact).length, 3);
  assert.deepEqual(a.families.map((f: { shapes: { aspect: number }[] }) => f.shapes.map((x) => x.aspect)), [[2, 16], [3, 24]]);
});
