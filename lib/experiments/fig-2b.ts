/**
 * Figure 2b (paper IV-B): test loss against model size at three data sizes. The paper trains
 * four sizes (98.3K .. 75.5M) on 1.8M, 9.2M and 18.5M ML-20M interactions (10%, 50%, 100%),
 * fits L(N) = E + (N0/N)^alpha per data size and finds that alpha shrinks as data gets sparser
 * and that larger models gain more from more data. Beyond the paper: the joint law
 *   L(N, D) = E + (N0/N)^aN + (D0/D)^aD   (lib/scaling/joint.ts)
 * fitted on the whole grid, drawn as iso-loss curves, with its compute-optimal frontier for
 * budgets C = 6·N·D (lib/scaling/compute-optimal.ts; C here counts one pass over D).
 *
 * Data sizes. A level is a seeded sample of WHOLE USERS holding the fraction of the
 * interactions (`<spec>?sample=0.1&seed=0`, lib/data/subsample.ts sampleUsers): histories stay
 * intact, so only the amount of data changes (cutting rows out of histories would change the
 * task on the synthetic teacher, whose next item depends on the last ~20). The samples are nested,
 * so the smallest level's users, with the same histories and targets, are in every level:
 * every model is evaluated on them (the fixed test set, ./fig-2b-eval.ts: each run's best
 * checkpoint evaluated again, cached in <store>/fig-2b-eval/). Needs core 0 (a k-core would
 * renumber items). The fixed set may not be neutral: at the smallest level its users are all
 * the training users, at 100% a tenth of them, so a small level could fit its test users'
 * histories better (at smoke, 25 users and a few steps, the 10% models score lower than the
 * 100% ones on it; whether that is this effect is not established). Each run's own test loss
 * (its level's users, result.json, the usual protocol) is therefore in the table too, with a
 * fit per data size on it (artefact `ownUsers`), so both views are at hand.
 * Budget per level: the same number of optimizer steps as the 100% level (epochs / fraction:
 * 2 -> 4 at 50%, 20 at 10%), the best epoch chosen by validation loss, so a small level is
 * repeated, not under-trained. The 100% column is Figure 2a's ladder runs: the same configs
 * (fig2aRuns), hence the same store keys; they train once.
 *
 * Plans (FIG_2B_PLANS; costs by lib/sweep/estimate.ts, see the cpu line):
 * - smoke: synthetic:smoke, Figure 2a's four smoke sizes, 10/50/100%: seconds.
 * - cpu: synthetic:cpu, the four smallest of Figure 2a's sizes (1x16, 2x32, 2x64, 4x64; N 3,072
 *   .. 197K), 10/50/100%, 1 seed. The 100% runs are 2a's; the 10% and 50% levels each cost what
 *   the 100% level does (same steps). The cost model (15.7 GFLOP/s per core, measured 2026-12-02)
 *   gives 3.1 h of one core for the 12 runs, ~1.6 h on both. 4x128 (786K) was in the first plan:
 *   with it the grid is 5.7 h of one core (2.9 h on both, ~3.3 h at this machine's pace), over
 *   the ~2 h a figure should take, and a store that did not survive between sessions lost a
 *   half-trained grid of it (2026-12-02); 4x64 still spans 64x in N.
 * - paper: MovieLens-20M (no k-core) at 10/50/100% with Table IV's first four sizes.
 */
import { formatSourceSpec, parseSourceSpec } from '../data/source';
import { nonEmbeddingParams } from '../models/params';
import { trainInStore } from '../runs/in-store';
import type { RunConfig } from '../runs/run';
import { fitJointLaw } from '../scaling/joint';
import { fitPowerLaw } from '../scaling/fit';
import { fitWithHoldout } from '../scaling/predict';
import type { ComputeOptimum } from '../scaling/compute-optimal';
import { dataStatsOf } from '../sweep/estimate';
import { sweepRunOf, type SweepRun } from '../sweep/spec';
import { runsDir } from '../util/paths';
import { figuresDirFor, type SavedFiles } from '../plot/save';
import type { Figure } from '../plot/theme';
import { fig2aRuns, FIG_2A_PLANS } from './fig-2a';
import { fitRecord, type FitRecord } from './fig-2a-figure';
import { fixedTestSet, type TestSet } from './fig-2b-eval';
import { fig2bFigure, FIG_2B_COLUMNS, gridFrontier, jointRecord, type Fig2bRow, type JointRecord } from './fig-2b-figure';
import { runFigureSweep, saveFigureOutput, type ArtefactBase, type FigureEntry, type FigureOutput, type PendingOutput, type ProduceOptions, type WaitingSweep } from './figure';
import { SCALES, type DataChoice, type LadderRung, type ScaleName, type ScalePreset } from './scale';
import { checkSeeds } from './seeds';

/** What Figure 2b trains at one scale. */
export interface Fig2bPlan {
  /** The full data (the 100% level, Figure 2a's); the levels sample it. */
  readonly data: DataChoice;
  /** Shares of the training interactions, e.g. [0.1, 0.5, 1]: at least 3, ascending. */
  readonly fractions: readonly number[];
  /** Seed of the user sample (the levels are nested for one seed). */
  readonly sampleSeed: number;
  /** Model sizes with the 100% level's epochs (a level trains epochs / fraction). */
  readonly ladder: readonly LadderRung[];
  readonly seeds: readonly number[];
}

const pick = (ladder: readonly LadderRung[], shapes: readonly string[]): LadderRung[] => shapes.map((s) => {
  const r = ladder.find((x) => `${x.numLayers}x${x.dim}` === s);
  if (!r) throw new Error(`Figure 2b: ${s} is not a rung of Figure 2a's ladder`);
  return r;
});

/** The plan per scale (see the header). */
export const FIG_2B_PLANS: Readonly<Record<ScaleName, Fig2bPlan>> = {
  smoke: { data: FIG_2A_PLANS.smoke.data, fractions: [0.1, 0.5, 1], sampleSeed: 0, ladder: FIG_2A_PLANS.smoke.ladder, seeds: [0] },
  cpu: { data: FIG_2A_PLANS.cpu.data, fractions: [0.1, 0.5, 1], sampleSeed: 0, ladder: pick(FIG_2A_PLANS.cpu.ladder, ['1x16', '2x32', '2x64', '4x64']), seeds: [0] },
  // Core 0 (the fixed test set needs it; every ML-20M user has >= 20 ratings, the 5-core only drops rare items), so not 2a's paper runs.
  paper: { data: { ...SCALES.paper.data[0], core: 0 }, fractions: [0.1, 0.5, 1], sampleSeed: 0, ladder: FIG_2A_PLANS.paper.ladder.slice(0, 4), seeds: [0] },
};

/**
 * The source spec of a data level: the spec itself at fraction 1, else with ?sample=.
 * @throws Error for a file source (only synthetic and named sources take a sample)
 * @example levelSpec('synthetic:cpu', 0.1, 0) // 'synthetic:cpu?sample=0.1&seed=0'
 */
export function levelSpec(spec: string, fraction: number, seed: number): string {
  if (fraction === 1) return spec;
  const s = parseSourceSpec(spec);
  if (s.kind !== 'synthetic' && s.kind !== 'dataset') throw new Error(`Figure 2b samples synthetic or named sources (dataset:<name>), not ${spec}`);
  return formatSourceSpec({ ...s, sample: { fraction, seed } });
}

/** Epochs at a level: the 100% level's optimizer steps (epochs / fraction, rounded). */
export function levelEpochs(epochs: number, fraction: number): number {
  return Math.max(1, Math.round(epochs / fraction));
}

/** Check a plan: >= 3 distinct fractions in (0, 1] ascending (the joint law needs 3 data sizes), >= 3 sizes, core 0. */
export function checkFig2bPlan(plan: Fig2bPlan): Fig2bPlan {
  const f = plan.fractions;
  if (f.length < 3 || !f.every((x, i) => x > 0 && x <= 1 && (i === 0 || x > f[i - 1]))) throw new Error(`Figure 2b: fractions must be >= 3 ascending values in (0, 1], got ${JSON.stringify(f)}`);
  if (plan.ladder.length < 3) throw new Error(`Figure 2b: a fit per data size needs >= 3 model sizes, got ${plan.ladder.length}`);
  if (plan.data.core !== 0) throw new Error(`Figure 2b evaluates every level on the smallest level's users, which needs data without a k-core (core 0), got core ${plan.data.core}`);
  checkSeeds(plan.seeds);
  return plan;
}

/** One run of the figure: a level, a rung (with the level's epochs), a seed, its config. */
export interface Fig2bRun {
  readonly fraction: number;
  readonly rung: LadderRung;
  readonly seed: number;
  readonly config: RunConfig;
}

/** Every level x size x seed; each level's configs are made as Figure 2a's (so 100% = 2a's runs). */
export function fig2bRuns(scale: ScalePreset, plan: Fig2bPlan = FIG_2B_PLANS[scale.name]): Fig2bRun[] {
  checkFig2bPlan(plan);
  return plan.fractions.flatMap((fraction) => {
    const data = { ...plan.data, spec: levelSpec(plan.data.spec, fraction, plan.sampleSeed) };
    const ladder = plan.ladder.map((r) => ({ ...r, epochs: levelEpochs(r.epochs, fraction) }));
    return fig2aRuns(scale, { data, ladder, holdout: 0, seeds: plan.seeds }).map((r) => ({ fraction, rung: r.rung, seed: r.seed, config: r.config }));
  });
}

/** The runs as a sweep, largest model first (every level costs the same steps), labelled 'Figure 2b 10% 2x32 seed 0'. */
export function fig2bSweep(scale: ScalePreset, plan: Fig2bPlan = FIG_2B_PLANS[scale.name]): SweepRun[] {
  const size = (r: Fig2bRun) => nonEmbeddingParams(r.rung.numLayers, r.rung.dim);
  const runs = fig2bRuns(scale, plan).sort((a, b) => size(b) - size(a) || a.fraction - b.fraction);
  return runs.map((r) => sweepRunOf(r.config, `Figure 2b ${Math.round(100 * r.fraction)}% ${r.rung.numLayers}x${r.rung.dim} seed ${r.seed}`));
}

/** The measured points (a row per run, the test loss on the fixed test set: ./fig-2b-eval.ts) and the test set. */
export async function fig2bRows(scale: ScalePreset, plan: Fig2bPlan, opts: ProduceOptions = {}): Promise<{ rows: Fig2bRow[]; trainMs: number; testSet: TestSet }> {
  const store = opts.runsDir ?? runsDir();
  const testSet = fixedTestSet({ source: levelSpec(plan.data.spec, plan.fractions[0], plan.sampleSeed), core: plan.data.core }, plan.data, store);
  const rows: Fig2bRow[] = [];
  let trainMs = 0;
  for (const run of fig2bRuns(scale, plan)) {
    const stored = await trainInStore(run.config, { dir: store });
    trainMs += stored.metrics.trainMs;
    const D = (await dataStatsOf(run.config.data, store)).numTrainInteractions;
    const fixed = await testSet.evaluate(stored);
    rows.push({
      fraction: run.fraction, trainInteractions: D, params: nonEmbeddingParams(run.rung.numLayers, run.rung.dim), numLayers: run.rung.numLayers, dim: run.rung.dim,
      seed: run.seed, epochs: run.rung.epochs, bestEpoch: stored.metrics.bestEpoch, testLoss: fixed.loss, 'NDCG@10': fixed['NDCG@10'], ownTestLoss: stored.metrics.test.loss,
    });
  }
  return { rows, trainMs, testSet: await testSet.describe() };
}

/** The artefact JSON (issue 10 item 7): the common fields, a fit per data size, the joint law and its frontier. */
export interface Fig2bArtefact extends ArtefactBase {
  readonly fractions: readonly number[];
  readonly sampleSeed: number;
  readonly testSet: TestSet;
  /** One power law per data size (fitted on all its sizes: heldOut is empty). */
  readonly fits: readonly (FitRecord & { readonly fraction: number; readonly D: number })[];
  /** The same fits on each run's own test loss (its level's users, result.json). */
  readonly ownUsers: readonly { readonly fraction: number; readonly E: number; readonly x0: number; readonly alpha: number; readonly r2: number }[];
  readonly joint: JointRecord;
  readonly frontier: readonly ComputeOptimum[];
  readonly points: readonly Fig2bRow[];
}

/** Per data size its law (on the fixed test set, and on each run's own users), then the joint law and its frontier. */
export function fig2bFits(rows: readonly Fig2bRow[], fractions: readonly number[]): Pick<Fig2bArtefact, 'fits' | 'ownUsers' | 'joint' | 'frontier'> {
  const at = (fraction: number) => rows.filter((r) => r.fraction === fraction);
  const fits = fractions.map((fraction) => ({ fraction, D: at(fraction)[0].trainInteractions, ...fitRecord(fitWithHoldout(at(fraction).map((r) => ({ x: r.params, y: r.testLoss })), 0)) }));
  const ownUsers = fractions.map((fraction) => {
    const f = fitPowerLaw(at(fraction).map((r) => ({ x: r.params, y: r.ownTestLoss })));
    const r6 = (v: number) => Number(v.toPrecision(6));
    return { fraction, E: r6(f.params.E), x0: r6(f.params.x0), alpha: r6(f.params.alpha), r2: r6(f.r2) };
  });
  const points = rows.map((r) => ({ N: r.params, D: r.trainInteractions, y: r.testLoss }));
  const joint = fitJointLaw(points);
  return { fits, ownUsers, joint: jointRecord(joint), frontier: gridFrontier(joint.params, points) };
}

const pct = (f: number): string => `${Math.round(100 * f)}%`;

/** Mean test loss of the rows of one size at one data size. */
function lossAt(a: Fig2bArtefact, params: number, fraction: number): number {
  const at = a.points.filter((r) => r.params === params && r.fraction === fraction);
  return at.reduce((s, r) => s + r.testLoss, 0) / at.length;
}

/**
 * What this run shows, read from the artefact and set against the paper's findings: alpha per
 * data size (the paper: it shrinks as data gets sparser), which model gains more from data
 * (the paper: the larger), the joint law and its frontier, and E against the teacher's loss.
 */
export function fig2bFindings(a: Fig2bArtefact): string[] {
  const alphas = a.fits.map((f) => f.alpha);
  const isRising = alphas.every((x, i) => i === 0 || x >= alphas[i - 1]);
  const sizes = [...new Set(a.points.map((r) => r.params))].sort((x, y) => x - y);
  const [lo, hi] = [a.fractions[0], a.fractions[a.fractions.length - 1]];
  const gain = (n: number) => lossAt(a, n, lo) - lossAt(a, n, hi);
  const [gSmall, gLarge] = [gain(sizes[0]), gain(sizes[sizes.length - 1])];
  const j = a.joint;
  const lines = [
    `alpha per data size: ${a.fits.map((f) => `${pct(f.fraction)} ${f.alpha.toFixed(3)} (R^2 ${f.r2.toFixed(2)}${f.converged ? '' : ', at a search edge'})`).join('; ')}: ` +
      (isRising ? "it grows with the data, as the paper found (alpha shrinks as data gets sparser)" : "it does not grow steadily with the data, unlike the paper's finding"),
    `from ${pct(lo)} to ${pct(hi)} of the data the smallest model (N ${sizes[0].toLocaleString('en-US')}) gains ${gSmall.toFixed(3)} nats, the largest (N ${sizes[sizes.length - 1].toLocaleString('en-US')}) ${gLarge.toFixed(3)}: ` +
      (gLarge > gSmall + 1e-3 ? 'the larger model gains more, as in the paper' : 'the larger model does not gain more (by 0.001 nats or more), unlike the paper'),
    j.degenerate
      ? `joint law: degenerate (${j.note}), so no iso-loss curves or frontier`
      : `joint law: E ${j.E.toFixed(3)}, aN ${j.aN.toFixed(3)}, aD ${j.aD.toFixed(3)}, R^2 ${j.r2.toFixed(3)}; compute-optimal N* grows as C^${j.frontierExponent?.toFixed(2)} (language models: Kaplan 0.73, Chinchilla 0.50)`,
  ];
  lines.push(`on each level's own test users (the usual protocol) alpha per data size: ${a.ownUsers.map((f) => `${pct(f.fraction)} ${f.alpha.toFixed(3)}`).join('; ')}`);
  if (a.testSet.irreducibleLoss !== null) {
    lines.push(`teacher's loss on the ${a.testSet.users} test users ${a.testSet.irreducibleLoss.toFixed(3)}; fitted E per data size ${a.fits.map((f) => f.E.toFixed(3)).join(', ')}`);
  }
  return lines;
}

/** What produce made. */
export interface Fig2bOutput extends FigureOutput {
  readonly rows: readonly Fig2bRow[];
  readonly artefact: Fig2bArtefact;
}

/** Save the figure (plotly spec as <id>.plotly.json), the points table and the artefact JSON (as Figure 2a). */
async function saveAll(fig: Figure, rows: readonly Fig2bRow[], artefact: Fig2bArtefact, dir: string, opts: ProduceOptions): Promise<SavedFiles> {
  return saveFigureOutput(fig, FIGURE.id, { rows, columns: FIG_2B_COLUMNS, note: `Data ${artefact.data} at ${artefact.fractions.map((f) => `${Math.round(100 * f)}%`).join(', ')} (whole users, seed ${artefact.sampleSeed}); test loss on the users of the smallest level (${artefact.testSet.users}).` }, artefact, dir, { png: opts.png });
}

/** Options of produce: the common ones plus another plan (tests). */
export interface Fig2bOptions extends ProduceOptions {
  readonly plan?: Fig2bPlan;
}

export function produceFig2b(scale: ScalePreset, opts?: Fig2bOptions & WaitingSweep): Promise<Fig2bOutput>;
export function produceFig2b(scale: ScalePreset, opts?: Fig2bOptions): Promise<Fig2bOutput | PendingOutput>;
/** Run the grid (opts.sweep), evaluate every run on the fixed test set, fit, draw and save. */
export async function produceFig2b(scale: ScalePreset, opts: Fig2bOptions = {}): Promise<Fig2bOutput | PendingOutput> {
  const plan = checkFig2bPlan(opts.plan ?? FIG_2B_PLANS[scale.name]);
  const sweep = fig2bSweep(scale, plan);
  const pending = await runFigureSweep(FIGURE.id, sweep, opts);
  if (pending) return pending;
  const { rows, trainMs, testSet } = await fig2bRows(scale, plan, opts);
  const artefact: Fig2bArtefact = {
    id: FIGURE.id, scale: scale.name, data: plan.data.spec, fractions: plan.fractions, sampleSeed: plan.sampleSeed, seeds: plan.seeds,
    runs: sweep.map((r) => r.key), wallSeconds: Math.round(trainMs / 100) / 10, testSet, ...fig2bFits(rows, plan.fractions), points: rows,
  };
  const laws = artefact.fits.map((f) => ({ fraction: f.fraction, D: f.D, law: { E: f.E, x0: f.x0, alpha: f.alpha } }));
  const title = `Figure 2b: test loss against model size at ${plan.fractions.length} data sizes (${plan.data.label}, scale ${scale.name})`;
  const figure = fig2bFigure({ title, rows, laws, joint: artefact.joint, jointR2: artefact.joint.r2, frontier: artefact.frontier, irreducible: testSet.irreducibleLoss ?? undefined });
  const saved = await saveAll(figure, rows, artefact, figuresDirFor(scale.name, opts.figuresRoot), opts);
  return { kind: 'figure', id: FIGURE.id, figure, saved, rows, artefact };
}

/** Figure 2b: the model ladder at three data sizes, a law per size, the joint law and its frontier. */
export const FIGURE: FigureEntry<Fig2bOptions, Fig2bOutput> = {
  id: 'fig-2b-data-scaling',
  kind: 'figure',
  title: 'Figure 2b: test loss against model size at 10%, 50% and 100% of the data, a power law per data size, the joint law L(N, D) and its compute-optimal frontier',
  paperRef: 'Fig. 2 (Sec. IV-B)',
  notebook: 'notebooks/fig-2b-data-scaling.ipynb',
  isCheap: false,
  produce: produceFig2b,
  sweep: (scale, opts = {}) => fig2bSweep(scale, opts.plan ?? FIG_2B_PLANS[scale.name]),
};
