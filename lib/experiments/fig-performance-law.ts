/**
 * The Performance Law figure (issue 15 item 3; beyond the paper: its related work, Shen et al.,
 * "Predictive Models in Sequential Recommendations: Bridging Performance Laws with Data Quality
 * Insights"). That work fits HR and NDCG rather than the loss,
 *   y = w1·f(N; w3) + w2·f(h; w4) + f(D; w5) + b,   f(x; w) = −1/(2x^w) − w·ln x
 * (N layers, h width, D data; lib/scaling/performance-law.ts), and measures data quality by
 * Approximate Entropy (ApEn), taking D linear in tokens / ApEn. Three panels:
 *   1. predicted against measured NDCG@10 of held-out sizes: per dataset, a ladder at its full
 *      data; the Performance Law and the plain power law on 1 − NDCG@10 (lib/scaling/fit.ts) are
 *      fitted on all but the `holdout` largest sizes (N = 12·L·d²) and predict those;
 *   2. ApEn (popularity ranks within 1% of the items: ./fig-performance-law-data.ts says why)
 *      against the fitted data term T_g of each dataset and subsample (fitDataTerms: size terms
 *      shared by every group, one term per group); the artefact adds the law with D given as
 *      tokens and as tokens / ApEn, to compare the two data terms;
 *   3. ApEn against the synthetic teacher's entropy as its temperature varies (data only: a
 *      source spec has no temperature knob, so no model trains on these data).
 * HR@10 is fitted alike (artefact). Subsamples are seeded samples of whole users, as Figure 2b's
 * levels (`?sample=`), trained for the full data's optimizer steps (epochs / fraction).
 *
 * Runs. The synthetic ladder at full data holds Figure 2a's rungs (fig2aRuns: same configs, same
 * store keys) plus more shapes, so that the five-parameter law (one D: its data term is a
 * constant) has more sizes than parameters after the holdout; the synthetic subsamples use
 * shapes of Figure 2b's levels (same keys). Real data (ml-100k and ml-latest-small at cpu) trains
 * its own ladder, best epoch by validation NDCG@10 (a ranking metric is what this law predicts).
 * Plans (PERF_LAW_PLANS; costs by lib/sweep/estimate.ts at 22 GFLOP/s per core, one core):
 * - smoke: synthetic:smoke, Figure 2a's four sizes + 4x8, 2x12, 2x16 (hold out 1x24, as 2a), and
 *   the 50% level of 1x8 and 1x16 (Figure 2b's): 9 tiny runs, seconds each.
 * - cpu: synthetic:cpu, 2a's four smallest sizes (1x16, 2x32, 2x64, 4x64: 2b's ladder) + 2x16,
 *   4x16, 1x32, 4x32, 1x64 (2 epochs, batch 256; hold out 2x64 and 4x64, fit seven shapes at five
 *   sizes); 10% and 50% levels of 1x16 and 2x32 (Figure 2b's runs). ml-100k: 1x16 .. 4x64 (nine
 *   shapes, 40 epochs at batch 128; hold out 2x64 and 4x64), its 50% level (1x16, 1x32, 2x32,
 *   1x64) and 25% level (1x32, 2x32). ml-latest-small: the same nine shapes and levels (its 9.7K
 *   items make the output layer ~6x ml-100k's; Video Games, 17-63 min a run to convergence, is left
 *   out). The cost model (15.7 GFLOP/s per core, measured 2026-12-02): synthetic 100% 112 min of one
 *   core, its levels 28 min, ml-100k ~45 min (small models run 2-6x below the modelled rate under
 *   load), ml-latest-small ~2.1 h (at 19 GFLOP/s): ~5 h of one core, ~2.6 h on both, plus a few
 *   minutes for the ApEn of the nine groups and the temperature sweep (five generations of
 *   synthetic:cpu, cached). Measured: the first 28 runs 8,247 s of one core (65 min on both),
 *   ml-latest-small's 15 runs 8,902 s. The first plan held 2a's six sizes (4x128 and 8x128 held
 *   out: 3.1 h of one core by themselves), 8x32 and the 4x64 levels: ~5 h on both at this machine's pace,
 *   more than a session can train (the store did not survive between sessions, 2026-12-02).
 * - paper: MovieLens-20M, Table IV's six sizes + 4x64, 2x128, 4x256 (hold out 24x512 and 48x1200, as
 *   the paper), and 10%/50% levels of Table IV's first four sizes (needs a GPU).
 * Files: figures/<id>.{png,html} (the figure), .csv/.md (one row per run), .json (the artefact:
 * id, scale, data, seeds, runs, wallSeconds, fits, apen, temperature, points) and .plotly.json;
 * cpu scale in figures/, others in figures/<scale>/.
 */
import { nonEmbeddingParams } from '../models/params';
import { trainInStore, type TrainInStoreOptions } from '../runs/in-store';
import { normalizeRunConfig, type RunConfig } from '../runs/run';
import { dataStatsOf } from '../sweep/estimate';
import { sweepRunOf, type SweepRun } from '../sweep/spec';
import type { SelectBy } from '../train/train-config';
import { runsDir } from '../util/paths';
import { figuresDirFor, type SavedFiles } from '../plot/save';
import { fig2aRuns, FIG_2A_PLANS } from './fig-2a';
import { levelEpochs, levelSpec } from './fig-2b';
import { runFigureSweep, saveFigureOutput, type FigureEntry, type FigureOutput, type PendingOutput, type ProduceOptions, type WaitingSweep } from './figure';
import { measureApEn, PERF_LAW_APEN, temperatureSweep, type PerfLawApEnSettings } from './fig-performance-law-data';
import { perfLawFigure, perfLawFits, PERF_LAW_COLUMNS, type PerfLawArtefact, type PerfLawGroup, type PerfLawRow } from './fig-performance-law-figure';
import { rung, SCALES, type DataChoice, type LadderRung, type ScaleName, type ScalePreset } from './scale';
import { checkSeeds } from './seeds';

/** A subsample level: a fraction of whole users (< 1) and the ladder shapes ('2x32') it trains. */
export interface PerfLawLevel {
  readonly fraction: number;
  readonly shapes: readonly string[];
}

/** One dataset: its ladder at full data (held-out prediction) and its subsample levels (data terms). */
export interface PerfLawSeries {
  readonly data: DataChoice;
  /** Sizes at full data with their epochs and batch (a level trains epochs / fraction). */
  readonly ladder: readonly LadderRung[];
  /** How many of the largest distinct N are predicted rather than fitted. */
  readonly holdout: number;
  /** Validation metric that picks the tested weights ('loss' keeps Figures 2a/2b's configs). */
  readonly selectBy: SelectBy;
  readonly levels: readonly PerfLawLevel[];
  /** Seed of the user samples (nested levels for one seed, as Figure 2b). */
  readonly sampleSeed: number;
}

/** What the figure trains and measures at one scale. */
export interface PerfLawPlan {
  /** The first series is the synthetic one; real data follows. */
  readonly series: readonly PerfLawSeries[];
  readonly seeds: readonly number[];
  readonly apen: PerfLawApEnSettings;
  /** The temperature sweep: a synthetic preset and its temperatures (data only). */
  readonly temperature: { readonly preset: string; readonly values: readonly number[] };
}

const shapeOf = (r: Pick<LadderRung, 'numLayers' | 'dim'>): string => `${r.numLayers}x${r.dim}`;
const CPU = (l: number, d: number) => rung(l, d, d >= 128 ? 4 : d >= 32 ? 2 : 1, 2, 256);
const ML = (l: number, d: number) => rung(l, d, d >= 32 ? 2 : 1, 40, 128);

/** The plan per scale (see the header for the costs). */
export const PERF_LAW_PLANS: Readonly<Record<ScaleName, PerfLawPlan>> = {
  smoke: {
    series: [{
      data: FIG_2A_PLANS.smoke.data, ladder: [...FIG_2A_PLANS.smoke.ladder, rung(4, 8, 1, 2, 32), rung(2, 12, 2, 2, 32), rung(2, 16, 2, 2, 32)],
      holdout: 1, selectBy: 'loss', levels: [{ fraction: 0.5, shapes: ['1x8', '1x16'] }], sampleSeed: 0,
    }],
    seeds: [0], apen: PERF_LAW_APEN, temperature: { preset: 'smoke', values: [0.2, 0.4, 0.8] },
  },
  cpu: {
    series: [
      {
        data: FIG_2A_PLANS.cpu.data, ladder: [...FIG_2A_PLANS.cpu.ladder.slice(0, 4), CPU(2, 16), CPU(4, 16), CPU(1, 32), CPU(4, 32), CPU(1, 64)],
        holdout: 2, selectBy: 'loss', levels: [0.1, 0.5].map((fraction) => ({ fraction, shapes: ['1x16', '2x32'] })), sampleSeed: 0,
      },
      {
        data: { spec: 'dataset:ml-100k', core: 0, label: 'ml-100k' }, ladder: [ML(1, 16), ML(2, 16), ML(4, 16), ML(1, 32), ML(2, 32), ML(4, 32), ML(1, 64), ML(2, 64), ML(4, 64)],
        holdout: 2, selectBy: 'NDCG@10', levels: [{ fraction: 0.5, shapes: ['1x16', '1x32', '2x32', '1x64'] }, { fraction: 0.25, shapes: ['1x32', '2x32'] }], sampleSeed: 0,
      },
      {
        data: { spec: 'dataset:ml-latest-small', core: 0, label: 'ml-latest-small' }, ladder: [ML(1, 16), ML(2, 16), ML(4, 16), ML(1, 32), ML(2, 32), ML(4, 32), ML(1, 64), ML(2, 64), ML(4, 64)],
        holdout: 2, selectBy: 'NDCG@10', levels: [{ fraction: 0.5, shapes: ['1x16', '1x32', '2x32', '1x64'] }, { fraction: 0.25, shapes: ['1x32', '2x32'] }], sampleSeed: 0,
      },
    ],
    seeds: [0], apen: PERF_LAW_APEN, temperature: { preset: 'cpu', values: [0.1, 0.2, 0.4, 0.8, 1.6] },
  },
  paper: {
    series: [{
      data: SCALES.paper.data[0], holdout: 2, selectBy: 'loss',
      ladder: [...FIG_2A_PLANS.paper.ladder, rung(4, 64, 2, 30, 256), rung(2, 128, 4, 30, 256), rung(4, 256, 8, 27, 256)],
      levels: [0.1, 0.5].map((fraction) => ({ fraction, shapes: FIG_2A_PLANS.paper.ladder.slice(0, 4).map(shapeOf) })), sampleSeed: 0,
    }],
    seeds: [0], apen: PERF_LAW_APEN, temperature: { preset: 'cpu', values: [0.1, 0.2, 0.4, 0.8, 1.6] },
  },
};

/**
 * Check a plan: seeds, level fractions in (0, 1) with shapes of the ladder, and enough sizes that
 * the Performance Law (5 parameters at one D) and the power law (3) can be fitted after the holdout.
 * @throws Error naming the series and the fix
 */
export function checkPerfLawPlan(plan: PerfLawPlan): PerfLawPlan {
  checkSeeds(plan.seeds);
  if (plan.series.length === 0) throw new Error('Performance Law plan: give at least one series');
  for (const s of plan.series) {
    const name = `Performance Law plan, ${s.data.label}`;
    const sizes = [...new Set(s.ladder.map((r) => nonEmbeddingParams(r.numLayers, r.dim)))].sort((a, b) => a - b);
    const cut = s.holdout === 0 ? Infinity : sizes[sizes.length - s.holdout];
    const fitted = new Set(s.ladder.filter((r) => nonEmbeddingParams(r.numLayers, r.dim) < cut).map(shapeOf));
    if (!(Number.isInteger(s.holdout) && s.holdout >= 0) || fitted.size < 5 || sizes.filter((x) => x < cut).length < 3) {
      throw new Error(`${name}: after holding out ${s.holdout} sizes, ${fitted.size} shapes at ${sizes.filter((x) => x < cut).length} sizes remain; the Performance Law needs 5 shapes and the power law 3 sizes: add rungs or hold out fewer`);
    }
    for (const l of s.levels) {
      if (!(l.fraction > 0 && l.fraction < 1)) throw new Error(`${name}: a level's fraction must be in (0, 1), got ${l.fraction}`);
      const unknown = l.shapes.filter((x) => !s.ladder.some((r) => shapeOf(r) === x));
      if (unknown.length > 0) throw new Error(`${name}: level ${l.fraction} names ${unknown.join(', ')}, not rungs of the ladder (${s.ladder.map(shapeOf).join(', ')})`);
    }
  }
  return plan;
}

/** One run: its series and data level, rung (with the level's epochs), seed and config. */
export interface PerfLawRun {
  readonly series: number;
  readonly fraction: number;
  readonly data: DataChoice;
  readonly rung: LadderRung;
  readonly seed: number;
  readonly config: RunConfig;
}

/** Every run of the plan: per series its full data, then its levels; configs as Figure 2a/2b make them. */
export function perfLawRuns(scale: ScalePreset, plan: PerfLawPlan = PERF_LAW_PLANS[scale.name]): PerfLawRun[] {
  checkPerfLawPlan(plan);
  return plan.series.flatMap((s, series) => [{ fraction: 1, shapes: s.ladder.map(shapeOf) }, ...s.levels].flatMap((level) => {
    const data = { ...s.data, spec: levelSpec(s.data.spec, level.fraction, s.sampleSeed) };
    const ladder = level.shapes.map((x) => s.ladder.find((r) => shapeOf(r) === x)!).map((r) => ({ ...r, epochs: levelEpochs(r.epochs, level.fraction) }));
    return fig2aRuns(scale, { data, ladder, holdout: 0, seeds: plan.seeds }).map((r) => ({
      series, fraction: level.fraction, data, rung: r.rung, seed: r.seed,
      config: s.selectBy === 'loss' ? r.config : normalizeRunConfig({ ...r.config, train: { ...r.config.train, selectBy: s.selectBy } }),
    }));
  }));
}

const pct = (f: number): string => `${Math.round(100 * f)}%`;

/** The group a run's data belongs to: the series label, with the level at fractions below 1. */
export function groupLabel(series: PerfLawSeries, fraction: number): string {
  return fraction === 1 ? series.data.label : `${series.data.label} ${pct(fraction)}`;
}

/**
 * The runs as a sweep (a config listed twice once): series in plan order (the synthetic one, whose
 * largest run is the longest, first), within a series the costliest first: (N + 10,000·d) times
 * the full data's epochs (a level trains epochs / fraction on a fraction of the data).
 */
export function perfLawSweep(scale: ScalePreset, plan: PerfLawPlan = PERF_LAW_PLANS[scale.name]): SweepRun[] {
  const cost = (r: PerfLawRun) => (nonEmbeddingParams(r.rung.numLayers, r.rung.dim) + 10_000 * r.rung.dim) * r.rung.epochs * r.fraction;
  const seen = new Set<string>();
  return perfLawRuns(scale, plan).sort((a, b) => a.series - b.series || cost(b) - cost(a))
    .map((r) => sweepRunOf(r.config, `Performance Law ${groupLabel(plan.series[r.series], r.fraction)} ${shapeOf(r.rung)} seed ${r.seed}`))
    .filter((r) => !seen.has(r.key) && seen.add(r.key));
}

/** The measured rows (one per run, plan order) and the summed training time. */
export async function perfLawRows(scale: ScalePreset, plan: PerfLawPlan, opts: PerfLawOptions = {}): Promise<{ rows: PerfLawRow[]; trainMs: number }> {
  const store = opts.runsDir ?? runsDir();
  const rows: PerfLawRow[] = [];
  const seen = new Set<string>();
  let trainMs = 0;
  for (const run of perfLawRuns(scale, plan)) {
    const s = plan.series[run.series];
    const stored = await trainInStore(run.config, { dir: store, deps: opts.deps });
    if (!seen.has(stored.runKey)) trainMs += stored.metrics.trainMs;
    seen.add(stored.runKey);
    const tokens = (await dataStatsOf(run.config.data, store)).numTrainInteractions;
    const params = nonEmbeddingParams(run.rung.numLayers, run.rung.dim);
    const sizes = [...new Set(s.ladder.map((r) => nonEmbeddingParams(r.numLayers, r.dim)))].sort((a, b) => a - b);
    const isHeld = run.fraction === 1 && s.holdout > 0 && params >= sizes[sizes.length - s.holdout];
    const m = stored.metrics;
    rows.push({
      dataset: s.data.label, group: groupLabel(s, run.fraction), source: run.data.spec, fraction: run.fraction, tokens, params,
      numLayers: run.rung.numLayers, dim: run.rung.dim, seed: run.seed, epochs: run.rung.epochs, bestEpoch: m.bestEpoch,
      'HR@10': m.test['HR@10'], 'NDCG@10': m.test['NDCG@10'], testLoss: m.test.loss, role: run.fraction < 1 ? 'data term' : isHeld ? 'held out' : 'fit',
    });
  }
  return { rows, trainMs };
}

/** The groups (datasets and levels) with their tokens and ApEn, in first-seen order. */
async function perfLawGroups(plan: PerfLawPlan, rows: readonly PerfLawRow[], opts: ProduceOptions): Promise<PerfLawGroup[]> {
  const groups: PerfLawGroup[] = [];
  for (const r of rows) {
    if (groups.some((g) => g.group === r.group)) continue;
    const core = plan.series.find((s) => s.data.label === r.dataset)!.data.core;
    const apen = await measureApEn({ spec: r.source, core }, plan.apen, { dir: opts.runsDir, log: opts.log });
    groups.push({ group: r.group, dataset: r.dataset, source: r.source, fraction: r.fraction, tokens: r.tokens, apen });
  }
  return groups;
}

/** Options of produce: the common ones, another plan and test deps. */
export interface PerfLawOptions extends ProduceOptions {
  readonly plan?: PerfLawPlan;
  readonly deps?: TrainInStoreOptions['deps'];
}

/** What produce made. */
export interface PerfLawOutput extends FigureOutput {
  readonly rows: readonly PerfLawRow[];
  readonly artefact: PerfLawArtefact;
}

/** Save the figure (plotly spec as <id>.plotly.json), the runs table and the artefact JSON (as Figure 2a). */
async function saveAll(fig: ReturnType<typeof perfLawFigure>, rows: readonly PerfLawRow[], artefact: PerfLawArtefact, dir: string, opts: ProduceOptions): Promise<SavedFiles> {
  return saveFigureOutput(fig, FIGURE.id, { rows, columns: PERF_LAW_COLUMNS, note: `Scale ${artefact.scale}; role 'fit' / 'held out': the held-out prediction at full data; 'data term': subsample levels, used with every other run by the data-term fit.` }, artefact, dir, { png: opts.png });
}

export function producePerfLaw(scale: ScalePreset, opts?: PerfLawOptions & WaitingSweep): Promise<PerfLawOutput>;
export function producePerfLaw(scale: ScalePreset, opts?: PerfLawOptions): Promise<PerfLawOutput | PendingOutput>;
/** Train the runs (opts.sweep), measure ApEn and the temperature sweep, fit both laws, draw and save. */
export async function producePerfLaw(scale: ScalePreset, opts: PerfLawOptions = {}): Promise<PerfLawOutput | PendingOutput> {
  const plan = checkPerfLawPlan(opts.plan ?? PERF_LAW_PLANS[scale.name]);
  const sweep = perfLawSweep(scale, plan);
  const pending = await runFigureSweep(FIGURE.id, sweep, opts);
  if (pending) return pending;
  const { rows, trainMs } = await perfLawRows(scale, plan, opts);
  const groups = await perfLawGroups(plan, rows, opts);
  const temperature = await temperatureSweep(plan.temperature.preset, plan.temperature.values, plan.apen, { dir: opts.runsDir, log: opts.log });
  const artefact: PerfLawArtefact = {
    id: FIGURE.id, scale: scale.name, data: plan.series.map((s) => s.data.spec), seeds: plan.seeds, runs: sweep.map((r) => r.key),
    wallSeconds: Math.round(trainMs / 100) / 10, apenSettings: plan.apen, temperaturePreset: plan.temperature.preset,
    fits: perfLawFits(rows, groups, plan.series.map((s) => ({ dataset: s.data.label, holdout: s.holdout }))), groups, temperature, points: rows,
  };
  const figure = perfLawFigure(`Performance Law: NDCG@10 against model size and data quality (scale ${scale.name})`, artefact);
  const saved = await saveAll(figure, rows, artefact, figuresDirFor(scale.name, opts.figuresRoot), opts);
  return { kind: 'figure', id: FIGURE.id, figure, saved, rows, artefact };
}

/** The Performance Law figure: held-out NDCG@10 by two laws, ApEn against data terms, ApEn against temperature. */
export const FIGURE: FigureEntry<PerfLawOptions, PerfLawOutput> = {
  id: 'fig-performance-law',
  kind: 'figure',
  title: 'Performance Law: predicted against measured NDCG@10 of held-out sizes (its law and the power law), ApEn against fitted data terms, ApEn against the teacher\'s temperature',
  paperRef: 'Beyond the paper: related work (Performance Law, Shen et al.), issue 15',
  notebook: 'notebooks/fig-performance-law.ipynb',
  isCheap: false,
  produce: producePerfLaw,
  sweep: (scale, opts = {}) => perfLawSweep(scale, opts.plan ?? PERF_LAW_PLANS[scale.name]),
};
