import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fig2aSweep, FIG_2A_PLANS } from '../../lib/experiments/fig-2a';
import { checkFig2bPlan, fig2bFindings, fig2bFits, fig2bRuns, fig2bSweep, FIG_2B_PLANS, levelEpochs, levelSpec, produceFig2b, type Fig2bPlan } from '../../lib/experiments/fig-2b';
import { fig2bFigure, isoLevels, type Fig2bRow } from '../../lib/experiments/fig-2b-figure';
import { SCALES } from '../../lib/experiments/scale';
import { nonEmbeddingParams } from '../../lib/models/params';
import { jointLaw, type JointLawParams } from '../../lib/scaling/laws';

test('levels: ?sample= on the spec (none at 100%), epochs scaled to the 100% level\'s steps', () => {
  assert.equal(levelSpec('synthetic:cpu', 0.1, 0), 'synthetic:cpu?sample=0.1&seed=0');
  assert.equal(levelSpec('dataset:ml-100k', 0.5, 3), 'dataset:ml-100k?sample=0.5&seed=3');
  assert.equal(levelSpec('synthetic:cpu', 1, 0), 'synthetic:cpu');
  assert.throws(() => levelSpec('csv:a.csv', 0.5, 0), /samples synthetic or named sources/);
  assert.deepEqual([0.1, 0.5, 1].map((f) => levelEpochs(2, f)), [20, 4, 2]);
  assert.equal(levelEpochs(1, 0.3), 3);
});

test('plans: 10/50/100%, >= 4 sizes at every scale; bad plans are refused', () => {
  for (const [name, p] of Object.entries(FIG_2B_PLANS)) {
    assert.equal(checkFig2bPlan(p), p, name);
    assert.deepEqual(p.fractions, [0.1, 0.5, 1], name);
    assert.ok(p.ladder.length >= 4, `${name}: ${p.ladder.length} sizes`);
    const ns = p.ladder.map((r) => nonEmbeddingParams(r.numLayers, r.dim));
    assert.deepEqual(ns, [...ns].sort((a, b) => a - b), `${name}: ascending`);
  }
  const p = FIG_2B_PLANS.smoke;
  assert.throws(() => checkFig2bPlan({ ...p, fractions: [0.5, 1] }), /fractions must be >= 3 ascending/);
  assert.throws(() => checkFig2bPlan({ ...p, fractions: [0.5, 0.1, 1] }), /ascending/);
  assert.throws(() => checkFig2bPlan({ ...p, ladder: p.ladder.slice(0, 2) }), />= 3 model sizes/);
  assert.throws(() => checkFig2bPlan({ ...p, data: { ...p.data, core: 5 } }), /core 0/);
});

test('the 100% column is Figure 2a\'s ladder runs: the same store keys (cpu and smoke)', () => {
  for (const scale of [SCALES.cpu, SCALES.smoke]) {
    const keys2a = new Set(fig2aSweep(scale).map((r) => r.key));
    const full = fig2bRuns(scale).filter((r) => r.fraction === 1);
    assert.equal(full.length, FIG_2B_PLANS[scale.name].ladder.length);
    for (const r of fig2bSweep(scale).filter((s) => s.label.includes(' 100% '))) assert.ok(keys2a.has(r.key), `${scale.name}: ${r.label}`);
    // The smaller levels: same model and training settings but the level's data and epochs.
    for (const r of fig2bRuns(scale).filter((x) => x.fraction < 1)) {
      assert.match(r.config.data.source, /\?sample=0\.[15]&seed=0$/);
      assert.equal(r.config.train.epochs, levelEpochs(FIG_2A_PLANS[scale.name].ladder[0].epochs, r.fraction));
      assert.equal(r.config.train.selectBy, 'loss');
    }
  }
  assert.equal(fig2bSweep(SCALES.cpu)[0].label, 'Figure 2b 10% 4x64 seed 0', 'largest model first');
});

/** Rows on an exact joint law: 4 sizes x 3 data sizes. */
const LAW: JointLawParams = { E: 3, N0: 2e3, aN: 0.35, D0: 5e4, aD: 0.3 };
function lawRows(): Fig2bRow[] {
  const sizes = [768, 3072, 12288, 49152];
  return [[0.1, 2e4], [0.5, 1e5], [1, 2e5]].flatMap(([fraction, D]) => sizes.map((params) => ({
    fraction, trainInteractions: D, params, numLayers: 1, dim: 8, seed: 0, epochs: 2, bestEpoch: 2,
    testLoss: jointLaw(params, D, LAW), 'NDCG@10': 0.1, ownTestLoss: jointLaw(params, D, LAW),
  })));
}

test('fits: per data size alpha = aN and E = E + (D0/D)^aD; the joint law is recovered with its frontier', () => {
  const { fits, joint, frontier } = fig2bFits(lawRows(), [0.1, 0.5, 1]);
  for (const f of fits) {
    // At fixed D the joint law is a power law in N with exponent aN and floor E + (D0/D)^aD.
    assert.ok(Math.abs(f.alpha - LAW.aN) < 1e-3, `alpha ${f.alpha}`);
    assert.ok(Math.abs(f.E - (LAW.E + (LAW.D0 / f.D) ** LAW.aD)) < 1e-3, `E ${f.E}`);
    assert.deepEqual(f.heldOut, []);
  }
  assert.ok(Math.abs(joint.aN - LAW.aN) < 1e-3 && Math.abs(joint.aD - LAW.aD) < 1e-3, JSON.stringify(joint));
  assert.ok(joint.r2 > 0.9999);
  assert.ok(Math.abs(joint.frontierExponent! - LAW.aD / (LAW.aN + LAW.aD)) < 1e-3);
  assert.equal(frontier.length, 9);
  for (const o of frontier) assert.ok(Math.abs(6 * o.N * o.D - o.C) < 1e-4 * o.C, 'C = 6 N D');
  assert.ok(frontier.every((o, i) => i === 0 || o.N > frontier[i - 1].N), 'N* grows with C');
});

test('the figure: per data size points and dashed law; iso-loss curves and the frontier on the right, log axes', () => {
  const rows = lawRows();
  const { fits, joint, frontier } = fig2bFits(rows, [0.1, 0.5, 1]);
  const laws = fits.map((f) => ({ fraction: f.fraction, D: f.D, law: { E: f.E, x0: f.x0, alpha: f.alpha } }));
  const fig = fig2bFigure({ title: 't', rows, laws, joint, jointR2: 0.99, frontier, irreducible: 2.9 });
  const left = fig.data.filter((t) => t.xaxis === undefined);
  const right = fig.data.filter((t) => t.xaxis === 'x2');
  assert.equal(left.length, 3 * 2 + 1, 'points and law per data size, the teacher line');
  assert.deepEqual(left[6].y, [2.9, 2.9]);
  assert.equal((left[1].line as { dash: string }).dash, 'dash');
  const iso = right.filter((t) => String(t.name).startsWith('L(N, D) = '));
  assert.equal(iso.length, 4);
  for (const t of iso) {
    const level = Number(String(t.name).slice('L(N, D) = '.length));
    (t.x as number[]).forEach((D, i) => assert.ok(Math.abs(jointLaw((t.y as number[])[i], D, joint) - level) < 1e-3));
  }
  assert.ok(right.some((t) => String(t.name).startsWith('compute-optimal')));
  for (const ax of ['xaxis', 'xaxis2', 'yaxis2']) assert.equal((fig.layout[ax] as { type: string }).type, 'log', ax);
  assert.deepEqual(JSON.parse(JSON.stringify(fig)), fig, 'plain JSON');
  assert.deepEqual(isoLevels([1, 9]), [2, 4, 6, 8]);
});

test('findings read the artefact: alpha order and which model gains more from data', () => {
  const rows = lawRows();
  const base = { id: 'x', scale: 'smoke', data: 'synthetic:smoke', fractions: [0.1, 0.5, 1], sampleSeed: 0, seeds: [0], runs: [], wallSeconds: 0, testSet: { source: 's', users: 9, irreducibleLoss: 2.5 }, points: rows };
  const lines = fig2bFindings({ ...base, ...fig2bFits(rows, [0.1, 0.5, 1]) });
  // On the exact law every size gains the same from data ((D0/D)^aD does not depend on N), and alpha is equal.
  assert.match(lines[0], /alpha per data size: 10% 0\.350.*50% 0\.350.*100% 0\.350/);
  assert.match(lines[1], /does not gain more \(by 0.001 nats or more\), unlike the paper/);
  assert.match(lines[2], /joint law: E 3\.000, aN 0\.350, aD 0\.300/);
  assert.match(lines[3], /own test users .* alpha per data size: 10% 0\.350; 50% 0\.350; 100% 0\.350/);
  assert.match(lines[4], /teacher's loss on the 9 test users 2\.500/);
  // Make the largest model gain more from data: the finding flips.
  const tilted = rows.map((r) => (r.params === 49152 && r.fraction === 1 ? { ...r, testLoss: r.testLoss - 0.5 } : r));
  assert.match(fig2bFindings({ ...base, points: tilted, ...fig2bFits(tilted, [0.1, 0.5, 1]) })[1], /the larger model gains more, as in the paper/);
});

test('produce at smoke: trains the grid, evaluates every run on the smallest level\'s users, writes figure, table and artefact', async () => {
  const runsDir = mkdtempSync(join(tmpdir(), 'lsrm-f2b-runs-'));
  const root = mkdtempSync(join(tmpdir(), 'lsrm-f2b-fig-'));
  const plan: Fig2bPlan = { ...FIG_2B_PLANS.smoke, fractions: [0.5, 0.75, 1], ladder: FIG_2B_PLANS.smoke.ladder.slice(0, 3).map((r) => ({ ...r, epochs: 1, batchSize: 64 })) };
  const out = await produceFig2b(SCALES.smoke, { plan, runsDir, figuresRoot: root, png: false });
  const id = 'fig-2b-data-scaling';
  const dir = join(root, 'smoke');
  assert.deepEqual(readdirSync(dir).sort(), ['csv', 'html', 'json', 'md', 'plotly.json'].map((e) => `${id}.${e}`).sort());
  const a = JSON.parse(readFileSync(join(dir, `${id}.json`), 'utf8'));
  for (const k of ['id', 'scale', 'data', 'seeds', 'runs', 'wallSeconds', 'fits', 'joint', 'frontier', 'testSet']) assert.ok(k in a, k);
  assert.equal(a.runs.length, 9);
  assert.equal(a.fits.length, 3);
  for (const f of a.fits) for (const k of ['E', 'x0', 'alpha', 'r2', 'heldOut']) assert.ok(k in f, k);
  // Data sizes grow with the fraction; the levels train 1 / fraction epochs (rounded): 2, 1, 1.
  const ds = a.fits.map((f: { D: number }) => f.D);
  assert.ok(ds[0] < ds[1] && ds[1] < ds[2], String(ds));
  assert.deepEqual(out.rows.map((r) => r.epochs), [2, 2, 2, 1, 1, 1, 1, 1, 1]);
  // The smallest level's runs are evaluated on their own users: the fixed-set loss is their own test loss.
  for (const r of out.rows.filter((x) => x.fraction === 0.5)) assert.ok(Math.abs(r.testLoss - r.ownTestLoss) < 1e-5, `${r.testLoss} vs ${r.ownTestLoss}`);
  // The larger levels' own test sets are larger than the fixed one, so their losses differ from it.
  assert.ok(out.rows.some((r) => r.fraction === 1 && r.testLoss !== r.ownTestLoss));
  assert.ok(a.testSet.users > 0 && a.testSet.irreducibleLoss > 0, JSON.stringify(a.testSet));
  assert.equal(fig2bFindings(out.artefact).length, 5);
  assert.equal(a.ownUsers.length, 3);
  // Again: every run and every evaluation loads; the artefact keeps its bytes.
  const before = readFileSync(join(dir, `${id}.json`), 'utf8');
  await produceFig2b(SCALES.smoke, { plan, runsDir, figuresRoot: root, png: false });
  assert.equal(readFileSync(join(dir, `${id}.json`), 'utf8'), before);
});
