/**
 * fig-2a-real-<dataset> (issue 10 item 8): Figure 2a's ladder on real data, one figure per dataset
 * (fig-2a-real-ml-100k, fig-2a-real-ml-latest-small, fig-2a-real-video-games). The paper fits
 * L(N) = E + (N0/N)^alpha on MovieLens-20M (20M interactions); the datasets this machine holds are
 * 100-300 times smaller, and a question Figure 2a on the synthetic teacher cannot answer is where a
 * real dataset runs out: the size above which a larger model no longer lowers the test loss.
 *
 * Why three figures and not one with three panels (the first design, fig-2a-real-data): its grid
 * was ~3.3 h of both cores at this machine's pace, over the ~2 h a figure should take, and a store
 * does not survive between sessions here (2026-12-02), so a figure must train within one. Each
 * dataset's figure fits in one (below); the code still draws any number of panels (a plan is a
 * list of panels), so a cluster user can put all three in one plan.
 *
 * A panel per dataset of the plan (FIG_2A_REAL_PLANS[id][scale], one at the cpu scale): test loss against non-embedding N (log x) with the law
 * fitted on all but the `holdout` largest sizes and its bootstrap band, the held-out sizes measured
 * against their prediction, NDCG@10 under it. Choices:
 * - Budget: trained until the validation loss stops improving, with the cpu tables' settings and
 *   selection by validation loss (issue 9: loss results select on loss), LAD and the SGD switch on:
 *   exactly Table III's 'Both' variant (variantTrain), so on ml-100k the 2x32 and 4x64 rungs are
 *   Table III's LSRM_l2 and LSRM_l4 'Both' runs (seed 0, same store keys). Figure 2a's fixed 2
 *   epochs would be 20 optimizer steps on ml-100k, inside the warmup.
 * - The fit is never hidden: a fit that throws (too few sizes, a bad value) is 'no fit' with its
 *   reason; a loss that does not fall with N is the flat law fitPowerLaw returns, flagged.
 * - Findings per panel, computed: R^2, each held-out error, the size of the lowest test loss and
 *   whether the law holds (R^2 >= 0.95 and every held-out size within 2%: issue 10's goal for
 *   Figure 2a) or where the data runs out (the loss turns up after its lowest size), with the
 *   training interactions per non-embedding parameter there.
 *
 * Plans and cost (a step ~6·(N + I·d) FLOP per target, DESIGN.md "Compute budget"; the epochs are
 * the plateau's, 3 epochs and at least 300 steps, at most 200).
 * - smoke: synthetic:smoke, Figure 2a's four smoke sizes, at most 2 epochs: the notebook test.
 * - cpu: Figure 2a's shapes 1x16, 2x32, 2x64, 4x64 (its first four of six) on each dataset, 4x64
 *   held out: dataset:ml-100k (943 users, 1,682 items), dataset:ml-latest-small (610 users,
 *   9,742 items) and amazon-games-sasrec (SASRec's Video Games: 31,013 users, 23,715 items,
 *   ~0.29M interactions, 122 steps an epoch, every epoch's validation ranks 31k users over 23.7k
 *   items). Three fitted sizes leave the law no degree of freedom (R^2 is 1 by construction): the
 *   held-out size is the test.
 *   Cost (`lsrm figures --dry-run --only <id>`, 19 GFLOP/s measured under load) per
 *   epoch: ml-100k 0 s (1x16) .. 11 s (4x64), ml-latest-small 5-27 s, Video Games 26 s (1x16) ..
 *   3m47s (4x64). Runs selected on loss stop at their plateau, 3 epochs and >= 300 steps past the
 *   best, then an SGD window as long. Measured: ml-100k's Table III runs 76-159 epochs, latest-
 *   small 1x16 113 epochs (best 79), Video Games 1x16 17 (best 11). ml-100k's 2x32 and 4x64 are
 *   Table III's runs. By the cost model ~4 hours of one core in all; at this machine's pace (runs
 *   take 1.3-2x the model with both cores busy) ~6.5: per figure on both cores ~0.7 h (ml-100k),
 *   ~1.6 h (ml-latest-small), ~1.2 h (Video Games).
 *   Cut on 2026-12-02, twice: from six sizes on ml-100k and five on ml-latest-small (~11
 *   core-hours by the model), then ml-100k from five to four (4x128: 1h38m by the model, ~2.6 h
 *   at the pace). ml-100k's test loss already rises from 2x32 to 4x64 (Table III: 5.90-5.93 vs
 *   6.00-6.02), so the ladder up to 4x64 shows where this data runs out, and 4x128 (786K) and
 *   8x128 would only confirm it; latest-small (as many interactions) alike. The full Video Games
 *   ladder (4x128 ~12 min an epoch) is beyond budget too.
 * - paper: the same plan (these datasets are small at any scale).
 *
 * Files (saveFigureOutput): figures/<id>.{png,html} (the figure), .csv/.md (every seed
 * of every size per dataset, the mean rows, the fit's prediction on held-out rows), .json (the
 * artefact: ArtefactBase with `data` the panels' specs, plus panels with each fit as Figure 2a's
 * FitRecord and its findings) and .plotly.json; scale cpu: figures/, others figures/<scale>/.
 */
import { nonEmbeddingParams } from '../models/params';
import { trainInStore, type TrainInStoreOptions } from '../runs/in-store';
import type { RunConfig } from '../runs/run';
import { fitWithHoldout, type HoldoutResult } from '../scaling/predict';
import { powerLaw } from '../scaling/laws';
import { logSpace } from '../scaling/search';
import { dataStatsOf } from '../sweep/estimate';
import { sweepRunOf, type SweepRun } from '../sweep/spec';
import { figuresDirFor } from '../plot/save';
import type { Column, Row } from '../plot/table';
import { bandTrace, lineTrace, scatterTrace } from '../plot/traces';
import type { Trace } from '../plot/theme';
import { runsDir } from '../util/paths';
import { curveBand, FIG_2A_COLUMNS, fitRecord, type FitRecord } from './fig-2a-figure';
import { FIG_2A_PLANS } from './fig-2a';
import { runFigureSweep, saveFigureOutput, type ArtefactBase, type FigureEntry, type FigureOutput, type PendingOutput, type ProduceOptions, type WaitingSweep } from './figure';
import { presetRunConfig, TABLE_PRESETS, tableData } from './presets';
import { SCALES, type DataChoice, type LadderRung, type ScaleName, type ScalePreset } from './scale';
import { checkSeeds, seedNote } from './seeds';
import { ABLATION_VARIANTS, variantTrain } from './table-3';
import { drawnRows, errorBars, gridFigure, sizeName, withSeedMeans, type Panel } from './task-ladder';
import type { TrainConfig } from '../train/train-config';

/** One panel: a dataset, its ladder (smallest first; the rung's epochs and batch are not used) and how its runs train. */
export interface RealDataPanel {
  readonly data: DataChoice;
  readonly ladder: readonly LadderRung[];
  readonly train: Partial<TrainConfig>;
  /** Sizes this panel predicts instead of the plan's `holdout` (a shorter ladder keeps 4 fitted sizes). */
  readonly holdout?: number;
}

/** What the figure trains at a scale. */
export interface RealDataPlan {
  readonly panels: readonly RealDataPanel[];
  /** Sizes predicted (the largest distinct N of each panel, unless the panel says otherwise); the rest are fitted. */
  readonly holdout: number;
  readonly seeds: readonly number[];
}

/** The law holds on a panel when R^2 reaches this and every held-out size is within HOLDS_ERROR_PCT (issue 10's Figure 2a goal). */
export const HOLDS_R2 = 0.95;
export const HOLDS_ERROR_PCT = 2;

const BOTH = ABLATION_VARIANTS.find((v) => v.name === 'Both')!;
const converge = (scale: ScaleName): Partial<TrainConfig> => variantTrain(TABLE_PRESETS[scale].train, BOTH);
const data = (spec: string): DataChoice => tableData(SCALES.cpu, spec, {});
const CPU_LADDER = FIG_2A_PLANS.cpu.ladder;

/** The three figures, one per dataset (issue 10 item 8: "a figure or a panel per dataset"; see the header for why not one). */
export const REAL_DATASETS = [
  { id: 'fig-2a-real-ml-100k', spec: 'dataset:ml-100k', name: 'MovieLens-100k' },
  { id: 'fig-2a-real-ml-latest-small', spec: 'dataset:ml-latest-small', name: 'MovieLens latest-small' },
  { id: 'fig-2a-real-video-games', spec: 'dataset:amazon-games-sasrec', name: 'Amazon Video Games (SASRec\'s)' },
] as const;
/** The id of one of the per-dataset figures. */
export type RealFigureId = (typeof REAL_DATASETS)[number]['id'];

/** A dataset's plan at the cpu (and paper) scale: Figure 2a's first four shapes, trained to convergence, the largest held out. */
const cpuPlan = (spec: string): RealDataPlan => ({ panels: [{ data: data(spec), ladder: CPU_LADDER.slice(0, 4), train: converge('cpu') }], holdout: 1, seeds: [0] });
/** The smoke plan of every dataset figure: Figure 2a's smoke ladder on synthetic:smoke (the notebook test; not a scaling result). */
const SMOKE_PLAN: RealDataPlan = { panels: [{ data: FIG_2A_PLANS.smoke.data, ladder: FIG_2A_PLANS.smoke.ladder, train: { ...converge('smoke'), maxEpochs: 2 } }], holdout: 1, seeds: [0] };

/** The plan per figure and scale (see the header for the costs). */
export const FIG_2A_REAL_PLANS: Readonly<Record<RealFigureId, Readonly<Record<ScaleName, RealDataPlan>>>> = Object.fromEntries(
  REAL_DATASETS.map((d) => [d.id, { smoke: SMOKE_PLAN, cpu: cpuPlan(d.spec), paper: cpuPlan(d.spec) }]),
) as Record<RealFigureId, Record<ScaleName, RealDataPlan>>;

/** One run of the figure. */
export interface RealDataRun {
  readonly panel: RealDataPanel;
  readonly rung: LadderRung;
  readonly params: number;
  readonly seed: number;
  readonly config: RunConfig;
}

/** Every run: panels in order, sizes smallest first, seeds fastest. */
export function realDataRuns(scale: ScalePreset, plan: RealDataPlan): RealDataRun[] {
  checkSeeds(plan.seeds);
  return plan.panels.flatMap((panel) => panel.ladder.flatMap((rung) => plan.seeds.map((seed) => ({
    panel, rung, seed, params: nonEmbeddingParams(rung.numLayers, rung.dim),
    config: presetRunConfig({ label: 'LSRM', kind: 'lsrm', numLayers: rung.numLayers, dim: rung.dim, numHeads: rung.numHeads }, panel.data, scale, { ...panel.train, seed }),
  }))));
}

/** The runs as one sweep, largest N first, labelled 'Figure 2a (real) ml-100k 2x32 seed 0'. */
export function realDataSweep(scale: ScalePreset, plan: RealDataPlan): SweepRun[] {
  return [...realDataRuns(scale, plan)].sort((a, b) => b.params - a.params)
    .map((r) => sweepRunOf(r.config, `Figure 2a (real) ${r.panel.data.label} ${sizeName(r.rung)} seed ${r.seed}`));
}

/** One row: one seed of one size on one dataset, or the mean over its seeds (seed null). */
export interface RealDataRow extends Row {
  readonly data: string;
  readonly params: number;
  readonly numLayers: number;
  readonly dim: number;
  readonly seed: number | null;
  /** 'fit' or 'held out'. */
  readonly role: string;
  readonly testLoss: number;
  readonly 'NDCG@10': number;
  /** Best epoch of the run (by validation loss) and epochs trained; null on a mean row. */
  readonly bestEpoch: number | null;
  readonly epochs: number | null;
  /** The law's prediction on a held-out size's drawn row (its mean row, or its one seed); null elsewhere. */
  readonly predicted: number | null;
  readonly errorPct: number | null;
}

/** Columns of the CSV and Markdown table: Figure 2a's, with the data first and the epochs after NDCG@10. */
export const FIG_2A_REAL_COLUMNS: readonly Column[] = [
  { key: 'data', label: 'Data' },
  ...FIG_2A_COLUMNS.filter((c) => c.key !== 'predicted' && c.key !== 'errorPct'),
  { key: 'bestEpoch', label: 'Best epoch' },
  { key: 'epochs', label: 'Epochs' },
  ...FIG_2A_COLUMNS.filter((c) => c.key === 'predicted' || c.key === 'errorPct'),
];

/** A panel's fit: Figure 2a's record, or why there is none. */
export type PanelFit = { readonly status: 'ok' | 'flat' | 'edge'; readonly fit: FitRecord; readonly holdout: HoldoutResult } | { readonly status: 'no fit'; readonly note: string };

/**
 * The law fitted on a panel's seed rows but the `holdout` largest sizes, predicting those; never
 * throws ('no fit' with the reason).
 */
export function fitPanel(rows: readonly RealDataRow[], holdout: number): PanelFit {
  try {
    const h = fitWithHoldout(rows.filter((r) => r.seed !== null).map((r) => ({ x: r.params, y: r.testLoss })), holdout);
    return { status: h.fit.degenerate ? 'flat' : h.fit.converged ? 'ok' : 'edge', fit: fitRecord(h), holdout: h };
  } catch (e) {
    return { status: 'no fit', note: (e as Error).message };
  }
}

/** What the artefact keeps of one panel. */
export interface RealDataPanelRecord {
  readonly data: string;
  readonly label: string;
  readonly core: number;
  readonly users: number;
  readonly items: number;
  readonly trainInteractions: number;
  readonly sizes: readonly string[];
  /** Sizes predicted (the largest). */
  readonly holdout: number;
  readonly status: PanelFit['status'];
  /** The fit (E, x0, alpha, r2, heldOut as `lsrm fit --json`), null without one. */
  readonly fit: FitRecord | null;
  readonly note: string;
}

/** The artefact JSON. */
export interface RealDataArtefact extends ArtefactBase<readonly string[]> {
  readonly holdout: number;
  readonly panels: readonly RealDataPanelRecord[];
  readonly findings: readonly string[];
  readonly points: readonly RealDataRow[];
}

const pct = (v: number): string => `${v >= 0 ? '+' : ''}${v.toFixed(2)}%`;

/**
 * What each panel shows, computed: the fit and its held-out errors, whether the law holds by
 * issue 10's goal, and where the loss is lowest (the data running out when larger sizes are worse).
 */
export function realDataFindings(a: Pick<RealDataArtefact, 'scale' | 'panels' | 'points'>): string[] {
  const out: string[] = [];
  if (a.scale === 'smoke') out.push('Smoke scale: tiny models on a few hundred synthetic users only check the pipeline; no conclusion about real data follows.');
  for (const p of a.panels) {
    const rows = drawnRows(a.points.filter((r) => r.data === p.label), ['params']);
    if (rows.length === 0) continue;
    const f = p.fit;
    const law = !f ? `no fit (${p.note})` :
      `fit on ${f.n} runs: E ${f.E.toFixed(3)}, alpha ${f.alpha.toFixed(3)}, R^2 ${f.r2.toFixed(3)}${p.status === 'ok' ? '' : ` (${p.status === 'flat' ? 'flat: the fitted losses do not fall with N' : 'alpha at its search bound'})`}` +
      (f.heldOut.length ? `; held out ${f.heldOut.map((h) => `N ${h.x.toLocaleString('en-US')} ${pct(h.errorPct)}`).join(', ')}` : '');
    const holds = f !== null && p.status === 'ok' && f.r2 >= HOLDS_R2 && f.heldOut.every((h) => Math.abs(h.errorPct) <= HOLDS_ERROR_PCT);
    const best = rows.reduce((b, r) => (r.testLoss < b.testLoss ? r : b));
    const top = rows[rows.length - 1];
    const perParam = (n: number) => (p.trainInteractions / n).toPrecision(2);
    const turn = best === top
      ? `the test loss is lowest at the largest size, ${sizeName(best, true)} (${best.testLoss.toFixed(4)}; ${perParam(best.params)} training interactions per parameter): the data has not run out on this ladder`
      : `the test loss is lowest at ${sizeName(best, true)} (${best.testLoss.toFixed(4)}; ${perParam(best.params)} training interactions per parameter); the largest size, ${sizeName(top)}, is ${pct(100 * (top.testLoss / best.testLoss - 1))} worse: past ~${best.params.toLocaleString('en-US')} parameters this dataset runs out`;
    out.push(`${p.label} (${p.trainInteractions.toLocaleString('en-US')} training interactions, ${p.items.toLocaleString('en-US')} items): ${law}; ${holds ? `the law holds (R^2 >= ${HOLDS_R2}, held-out sizes within ${HOLDS_ERROR_PCT}%)` : `the law does not hold by the goal (R^2 >= ${HOLDS_R2}, held-out sizes within ${HOLDS_ERROR_PCT}%)`}; ${turn}.`);
  }
  return out;
}

/** The figure: per dataset a column, test loss with the law (top) and NDCG@10 (bottom) against N on log x. */
export function realDataFigure(title: string, rows: readonly RealDataRow[], panels: readonly RealDataPanelRecord[], fits: readonly PanelFit[]): ReturnType<typeof gridFigure> {
  const top: Panel[] = [];
  const bottom: Panel[] = [];
  panels.forEach((p, i) => {
    const drawn = drawnRows(rows.filter((r) => r.data === p.label), ['params']);
    const fitted = drawn.filter((r) => r.role === 'fit');
    const held = drawn.filter((r) => r.role !== 'fit');
    const traces: Trace[] = [
      { ...scatterTrace({ name: 'fitted sizes', x: fitted.map((r) => r.params), y: fitted.map((r) => r.testLoss) }, 0), ...errorBars(fitted, 'testLoss') },
      { ...scatterTrace({ name: 'held-out sizes (measured)', x: held.map((r) => r.params), y: held.map((r) => r.testLoss), text: held.map((r) => (r.predicted === null ? '' : `predicted ${r.predicted.toFixed(4)} (${pct(r.errorPct ?? 0)})`)) }, 3), ...errorBars(held, 'testLoss') },
    ];
    const f = fits[i];
    if (f.status !== 'no fit' && drawn.length > 0) {
      const xs = drawn.map((r) => r.params);
      const grid = logSpace(Math.min(...xs) / 1.5, Math.max(...xs) * 1.5, 60);
      const law = f.holdout.fit.params;
      traces.unshift(
        bandTrace({ name: 'fitted law, 90% bootstrap band', x: grid, ...curveBand(f.holdout, grid) }, 1),
        { ...lineTrace({ name: 'fitted law, 90% bootstrap band', x: grid, y: grid.map((x) => powerLaw(x, law)), dash: 'dash' }, 1), mode: 'lines' },
      );
    }
    const fitText = f.status === 'no fit' ? 'no fit' : `E ${f.fit.E.toFixed(3)}, α ${f.fit.alpha.toFixed(3)}, R² ${f.fit.r2.toFixed(3)}`;
    top.push({ title: `${p.label}: test loss (${fitText})`, x: { title: 'non-embedding parameters N', type: 'log' }, y: { title: 'test loss (cross-entropy)' }, traces });
    bottom.push({
      title: `${p.label}: test NDCG@10`, x: { title: 'non-embedding parameters N', type: 'log' }, y: { title: 'test NDCG@10' },
      traces: [{ ...lineTrace({ name: 'NDCG@10', x: drawn.map((r) => r.params), y: drawn.map((r) => r['NDCG@10']) }, 2), ...errorBars(drawn, 'NDCG@10') }],
    });
  });
  return gridFigure(title, [top, bottom]);
}

/** Options of produce: the common ones, another plan (tests) and replaced run pieces. */
export interface RealDataOptions extends ProduceOptions {
  readonly plan?: RealDataPlan;
  readonly deps?: TrainInStoreOptions['deps'];
}

/** What produce made: the figure output plus the rows and the artefact. */
export interface RealDataOutput extends FigureOutput {
  readonly rows: readonly RealDataRow[];
  readonly artefact: RealDataArtefact;
}

/** Rows of every run (from the store; trains what is missing in this process), each panel's fit, the keys and the training time. */
export async function realDataRows(scale: ScalePreset, plan: RealDataPlan, opts: RealDataOptions = {}): Promise<{ rows: RealDataRow[]; fits: PanelFit[]; keys: string[]; trainMs: number }> {
  const seedRows: RealDataRow[] = [];
  const keys: string[] = [];
  let trainMs = 0;
  for (const r of realDataRuns(scale, plan)) {
    const { metrics, runKey } = await trainInStore(r.config, { dir: opts.runsDir, deps: opts.deps });
    keys.push(runKey);
    trainMs += metrics.trainMs;
    seedRows.push({ data: r.panel.data.label, params: r.params, numLayers: r.rung.numLayers, dim: r.rung.dim, seed: r.seed, role: 'fit', testLoss: metrics.test.loss, 'NDCG@10': metrics.test['NDCG@10'], bestEpoch: metrics.bestEpoch, epochs: metrics.epochs, predicted: null, errorPct: null });
  }
  const fits: PanelFit[] = [];
  const rows: RealDataRow[] = [];
  for (const p of plan.panels) {
    const own = seedRows.filter((r) => r.data === p.data.label);
    const sizes = [...new Set(own.map((r) => r.params))].sort((a, b) => a - b);
    const holdout = p.holdout ?? plan.holdout;
    const heldFrom = holdout > 0 ? sizes.at(-holdout) ?? Infinity : Infinity;
    const roled = own.map((r) => ({ ...r, role: r.params >= heldFrom ? 'held out' : 'fit' }));
    const fit = fitPanel(roled, holdout);
    fits.push(fit);
    const withMeans = withSeedMeans(roled, ['params'], ['testLoss', 'NDCG@10']).map((r) => (r.seed === null ? { ...r, bestEpoch: null, epochs: null } : r));
    const drawn = new Set(drawnRows(withMeans, ['params']));
    rows.push(...withMeans.map((r) => {
      const h = fit.status === 'no fit' ? undefined : fit.fit.heldOut.find((x) => x.x === r.params);
      return h && drawn.has(r) ? { ...r, predicted: h.predicted, errorPct: h.errorPct } : r;
    }));
  }
  return { rows, fits, keys, trainMs };
}

/** Run the sweep (opts.sweep), read every run from the store, fit each panel, draw and save as figure `id`. */
async function produce(id: RealFigureId, scale: ScalePreset, opts: RealDataOptions = {}): Promise<RealDataOutput | PendingOutput> {
  const plan = opts.plan ?? FIG_2A_REAL_PLANS[id][scale.name];
  const pending = await runFigureSweep(id, realDataSweep(scale, plan), opts);
  if (pending) return pending;
  const { rows, fits, keys, trainMs } = await realDataRows(scale, plan, opts);
  const store = opts.runsDir ?? runsDir();
  const panels: RealDataPanelRecord[] = [];
  for (const [i, p] of plan.panels.entries()) {
    const stats = await dataStatsOf({ source: p.data.spec, core: p.data.core }, store);
    const f = fits[i];
    panels.push({
      data: p.data.spec, label: p.data.label, core: p.data.core, users: stats.numUsers, items: stats.numItems, trainInteractions: stats.numTrainInteractions,
      sizes: p.ladder.map((r) => sizeName(r)), holdout: p.holdout ?? plan.holdout, status: f.status, fit: f.status === 'no fit' ? null : f.fit, note: f.status === 'no fit' ? f.note : '',
    });
  }
  const artefact: RealDataArtefact = {
    id, scale: scale.name, data: plan.panels.map((p) => p.data.spec), seeds: plan.seeds, runs: keys, wallSeconds: Math.round(trainMs / 100) / 10,
    holdout: plan.holdout, panels, findings: realDataFindings({ scale: scale.name, panels, points: rows }), points: rows,
  };
  const title = `Figure 2a on real data: test loss and NDCG@10 against model size (${panels.map((p) => p.label).join(', ')}; scale ${scale.name})`;
  const figure = realDataFigure(title, rows, panels, fits);
  const note = `Scale ${scale.name}. Each dataset trained until the validation loss stops improving (Table III's 'Both' settings), selected by validation loss; the law L(N) = E + (N0/N)^alpha fitted on the sizes marked 'fit', the largest ones ('held out') predicted. ${seedNote(plan.seeds)}`;
  const saved = await saveFigureOutput(figure, id, { rows, columns: FIG_2A_REAL_COLUMNS, note }, artefact, figuresDirFor(scale.name, opts.figuresRoot), { png: opts.png });
  return { kind: 'figure', id, figure, saved, rows, artefact };
}

/** The figure entry of one dataset: Figure 2a's ladder on it, the law checked on its held-out size. */
function realDataEntry(d: (typeof REAL_DATASETS)[number]): FigureEntry<RealDataOptions, RealDataOutput> {
  function run(scale: ScalePreset, opts?: RealDataOptions & WaitingSweep): Promise<RealDataOutput>;
  function run(scale: ScalePreset, opts?: RealDataOptions): Promise<RealDataOutput | PendingOutput>;
  function run(scale: ScalePreset, opts: RealDataOptions = {}): Promise<RealDataOutput | PendingOutput> {
    return produce(d.id, scale, opts);
  }
  return {
    id: d.id,
    kind: 'figure',
    title: `Figure 2a on real data, ${d.name}: test loss and NDCG@10 against non-embedding parameters, the law fitted and checked on the largest size, and where the data runs out`,
    paperRef: 'Beyond the paper: Fig. 2 (Sec. IV-A) on a real dataset at hand, where the law holds and where the data runs out (issue 10 item 8)',
    notebook: `notebooks/${d.id}.ipynb`,
    isCheap: false,
    produce: run,
    sweep: (scale, opts = {}) => realDataSweep(scale, opts.plan ?? FIG_2A_REAL_PLANS[d.id][scale.name]),
  };
}

/** The three per-dataset figures by id (registry order: ml-100k, ml-latest-small, Video Games). */
export const REAL_FIGURES: Readonly<Record<RealFigureId, FigureEntry<RealDataOptions, RealDataOutput>>> = Object.fromEntries(
  REAL_DATASETS.map((d) => [d.id, realDataEntry(d)]),
) as Record<RealFigureId, FigureEntry<RealDataOptions, RealDataOutput>>;
