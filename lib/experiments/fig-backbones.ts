/**
 * fig-backbones (beyond the paper, issue 14 item 3): does the paper's law L(N) = E + (N0/N)^alpha
 * hold across backbones? Test loss and NDCG@10 against non-embedding parameters N for four
 * decoders over item ids: LSRM (the paper's SASRec-style transformer), HSTU, FuXi-alpha and a
 * Llama-style decoder (lib/models/), the same ladder of shapes (layers, d_model, heads) for each,
 * one panel per data choice, and a power law per backbone and panel.
 *
 * Choices (each a field of FIG_BACKBONES_PLANS, so a plan can be replaced):
 * - N is each model's own non-embedding count from the registry (MODELS[kind].paramCounts of the
 *   run's config), not LSRM's 12·L·d²: at one shape HSTU has ~0.4x LSRM's N (no feed-forward,
 *   plus its position and time biases, which depend on maxLen), FuXi-alpha and Llama ~1x.
 * - Budgets (task-ladder.ts TaskBudget): on synthetic data Figure 2a's fixed budget (fig2aTrain:
 *   the rung's epochs and batch, peak lr 3e-3, selectBy 'loss', no LAD, no SO), so the LSRM runs
 *   are made as Figure 2a's (same configs, same store keys where the shape is 2a's; only `kind`
 *   differs for the others); on ml-100k Table V's settings, trained to convergence
 *   (table5Train(TABLE_PRESETS.cpu): selectBy NDCG@10, LAD and SO on, at most 200 epochs, plateau
 *   3 epochs and 300 steps), so LSRM 2x32 is Table V's SASRec run, HSTU and FuXi-alpha 2x32 Table
 *   V's HSTU and FuXi-α runs (seed 0), and LSRM 1x16 and 2x32 are Figures 5-9's ml-100k ladder's.
 * - The law is fitted on every size of a backbone (no holdout: four sizes leave one degree of
 *   freedom), on the seed rows, by fitPowerLaw (lib/scaling/fit.ts). A fit is never hidden: fewer
 *   than 3 distinct sizes or a failed fit is 'no fit' (null parameters, the reason in `note`); a
 *   loss that does not fall with N gives the flat law ('flat': E = the mean loss, alpha 0); alpha at
 *   its search bound is 'edge'. Every value stays finite.
 * - Seeds: [0] at every scale (Figure 2a's choice at cpu: one ladder per backbone is the budget);
 *   more seeds in `seeds` add a row per seed and a mean row with its 95% interval per size.
 *
 * Plans and cost. A step costs ~6·(N + I·d) FLOP per target (DESIGN.md "Compute budget"; the
 * full-softmax output I·d dominates at these sizes), ~20-25 GFLOP/s per core on tfjs-wasm.
 * - smoke: synthetic:smoke, Figure 2a's three smallest smoke sizes (1x8, 2x8, 1x16), 2 epochs,
 *   seed 0: 12 runs of seconds each (the notebook test; not a scaling result).
 * - cpu, 32 runs: 1x16, 2x16, 4x16, 2x32 (N 3K .. 25K for LSRM) for each backbone on
 *   (a) synthetic:cpu (Figure 2a's data), 2 epochs at batch 256: LSRM's 1x16 and 2x32 are Figure
 *       2a's runs, its 2x16 and 4x16 the Performance Law figure's (same configs); and
 *   (b) dataset:ml-100k (no k-core) to convergence: LSRM 2x32 is Table V's SASRec run, HSTU and
 *       FuXi-alpha 2x32 Table V's, LSRM 1x16 and 2x32 Figures 5-9's ladder.
 *   Cost: the full-softmax output I·d is most of a step at these sizes and the same for every
 *   backbone; the cost model (15.7 GFLOP/s per core, 2026-12-02) gives ~24 min of one core per
 *   backbone on (a). Measured 2026-12-02 (ml-100k 2x32, 3 epochs, one worker, both cores busy):
 *   LSRM 2.7 steps/s, HSTU 2.5, Llama 2.6, FuXi-alpha 1.8, so a backbone costs 1-1.5x LSRM; an
 *   ml-100k run to convergence is ~110 epochs, ~5-10 min at these sizes. In all ~4.4 h of one
 *   core, ~2.2 h on both. The first plan (1x16, 2x32, 2x64, 4x64, N to 197K) was ~10 h of one
 *   core: more than a session can train, and the store does not survive between sessions here.
 * - paper: dataset:ml-20m, 5-core, the first four sizes of Table IV (2x64 .. 12x256) with its
 *   epochs and batch (Figure 2a's paper runs for LSRM): a GPU budget, defined, not run here.
 *
 * Files (saveFigureOutput): figures/fig-backbones.{png,html} (the figure), .csv/.md (the rows
 * with each backbone's fit), .json (the artefact: ArtefactBase with `data` the panels' specs
 * as a list (one per panel, as the task figures), plus panels, fits, findings and points) and .plotly.json; scale cpu: figures/,
 * others figures/<scale>/.
 */
import { modelEntry, type ModelKind } from '../models';
import { dropoutRatesOf } from '../runs/build';
import { trainInStore, type TrainInStoreOptions } from '../runs/in-store';
import { normalizeRunConfig, type RunConfig } from '../runs/run';
import { fitPowerLaw } from '../scaling/fit';
import { sweepRunOf, type SweepRun } from '../sweep/spec';
import { figuresDirFor } from '../plot/save';
import { fig2aTrain, FIG_2A_PLANS } from './fig-2a';
import { backbonesFigure, FIG_BACKBONES_COLUMNS, type BackboneFit, type BackboneRow } from './fig-backbones-figure';
import { runFigureSweep, saveFigureOutput, type ArtefactBase, type FigureEntry, type FigureOutput, type PendingOutput, type ProduceOptions, type WaitingSweep } from './figure';
import { presetRunConfig, TABLE_PRESETS } from './presets';
import { rung, SCALES, type DataChoice, type LadderRung, type ScaleName, type ScalePreset } from './scale';
import { checkSeeds, seedNote } from './seeds';
import { logSlope, slopeDifference } from '../util/stats';
import { table5Train } from './table-5';
import { withSeedMeans, type TaskBudget } from './task-ladder';

/** The backbones compared, in legend (colour) order. */
export type BackboneKind = Extract<ModelKind, 'lsrm' | 'hstu' | 'fuxi' | 'llama'>;

export const BACKBONES: readonly { readonly kind: BackboneKind; readonly label: string }[] = [
  { kind: 'lsrm', label: 'LSRM (SASRec-style)' },
  { kind: 'hstu', label: 'HSTU' },
  { kind: 'fuxi', label: 'FuXi-α' },
  { kind: 'llama', label: 'Llama' },
];

/** One panel: the sizes trained on one data choice, and how they train. */
export interface BackbonePanel {
  readonly data: DataChoice;
  /** Shapes, smallest first (epochs and batch size are used by the 'fig-2a' budget only). */
  readonly ladder: readonly LadderRung[];
  readonly budget: TaskBudget;
  /** This panel's seeds when they differ from the plan's (more seeds where one cannot tell the backbones apart). */
  readonly seeds?: readonly number[];
}

/** What the figure trains at one scale. */
export interface BackbonesPlan {
  readonly panels: readonly BackbonePanel[];
  readonly backbones: readonly BackboneKind[];
  readonly seeds: readonly number[];
}

const ML_100K: DataChoice = { spec: 'dataset:ml-100k', core: 0, label: 'ml-100k' };
const ALL: readonly BackboneKind[] = BACKBONES.map((b) => b.kind);
/** The cpu ladder (see the header): Figure 2a's 1x16 and 2x32 with 2x16 and 4x16 between, 2 epochs at batch 256 on synthetic data. */
const CPU_LADDER: readonly LadderRung[] = [
  FIG_2A_PLANS.cpu.ladder[0],
  rung(2, 16, 1, 2, 256),
  rung(4, 16, 1, 2, 256),
  FIG_2A_PLANS.cpu.ladder[1],
];

/** The plan per scale (see the header for the costs). */
export const FIG_BACKBONES_PLANS: Readonly<Record<ScaleName, BackbonesPlan>> = {
  smoke: { panels: [{ data: FIG_2A_PLANS.smoke.data, ladder: FIG_2A_PLANS.smoke.ladder.slice(0, 3), budget: { kind: 'fig-2a' } }], backbones: ALL, seeds: [0] },
  cpu: {
    panels: [
      { data: FIG_2A_PLANS.cpu.data, ladder: CPU_LADDER, budget: { kind: 'fig-2a' } },
      { data: ML_100K, ladder: CPU_LADDER, budget: { kind: 'converge', train: table5Train(TABLE_PRESETS.cpu) }, seeds: [0, 1] },
    ],
    backbones: ALL,
    seeds: [0],
  },
  paper: { panels: [{ data: SCALES.paper.data[0], ladder: SCALES.paper.ladder.slice(0, 4), budget: { kind: 'fig-2a' } }], backbones: ALL, seeds: [0] },
};

/** The label of a backbone kind ('LSRM (SASRec-style)'). */
export function backboneLabel(kind: BackboneKind): string {
  const b = BACKBONES.find((x) => x.kind === kind);
  if (!b) throw new Error(`fig-backbones: unknown backbone '${kind}': one of ${BACKBONES.map((x) => x.kind).join(', ')}`);
  return b.label;
}

/** Non-embedding parameters of a run's model by the registry (the count does not depend on the item count). */
export function backboneParams(config: RunConfig): number {
  const entry = modelEntry(config.model.kind);
  return entry.paramCounts(entry.fromShape(config.model, { numItems: 1, layerDropout: (n) => dropoutRatesOf(n, config.train) })).nonEmbedding;
}

/** The run config of a backbone at a rung of a panel: Figure 2a's (fixed budget) or Table V's (converge) way. */
export function backboneConfig(scale: ScalePreset, panel: BackbonePanel, kind: BackboneKind, rung: LadderRung, seed: number): RunConfig {
  if (panel.budget.kind === 'converge') {
    return presetRunConfig({ label: kind, kind, numLayers: rung.numLayers, dim: rung.dim, numHeads: rung.numHeads }, panel.data, scale, { ...panel.budget.train, seed });
  }
  return normalizeRunConfig({
    data: { source: panel.data.spec, core: panel.data.core },
    model: { kind, numLayers: rung.numLayers, dim: rung.dim, numHeads: rung.numHeads, maxLen: scale.maxLen },
    train: fig2aTrain(rung, seed),
  });
}

/** One run of the figure. */
export interface BackboneRun {
  readonly panel: BackbonePanel;
  readonly kind: BackboneKind;
  readonly rung: LadderRung;
  readonly seed: number;
  readonly params: number;
  readonly config: RunConfig;
}

/** The seeds a panel trains: its own, else the plan's. */
export function panelSeeds(plan: BackbonesPlan, panel: BackbonePanel): readonly number[] {
  return panel.seeds ?? plan.seeds;
}

/** Every run of a plan: panels in order, then backbones, sizes smallest first, seeds fastest. */
export function backboneRuns(scale: ScalePreset, plan: BackbonesPlan = FIG_BACKBONES_PLANS[scale.name]): BackboneRun[] {
  checkSeeds(plan.seeds);
  for (const p of plan.panels) if (p.seeds) checkSeeds(p.seeds);
  return plan.panels.flatMap((panel) => plan.backbones.flatMap((kind) => panel.ladder.flatMap((rung) => panelSeeds(plan, panel).map((seed) => {
    const config = backboneConfig(scale, panel, kind, rung, seed);
    return { panel, kind, rung, seed, params: backboneParams(config), config };
  }))));
}

/** The runs as one sweep, largest N first (the longest run starts at once), labelled 'Backbones ml-100k hstu 2x32 seed 0'. */
export function backboneSweep(scale: ScalePreset, plan: BackbonesPlan = FIG_BACKBONES_PLANS[scale.name]): SweepRun[] {
  return [...backboneRuns(scale, plan)].sort((a, b) => b.params - a.params)
    .map((r) => sweepRunOf(r.config, `Backbones ${r.panel.data.label} ${r.kind} ${r.rung.numLayers}x${r.rung.dim} seed ${r.seed}`));
}

const r6 = (v: number): number => Number(v.toPrecision(6));

/**
 * The law L(N) = E + (N0/N)^alpha of one backbone on one panel, fitted on its seed rows (see the
 * header for the statuses). Never throws: a failure is a 'no fit' with its reason.
 */
export function fitBackbone(data: string, backbone: string, kind: string, points: readonly { x: number; y: number }[]): BackboneFit {
  const sizes = new Set(points.map((p) => p.x)).size;
  const none = (note: string): BackboneFit => ({ data, backbone, kind, sizes, n: points.length, E: null, x0: null, alpha: null, r2: null, status: 'no fit', note });
  if (sizes < 3) return none(`${sizes} size${sizes === 1 ? '' : 's'}: a power law has 3 parameters and needs at least 3 sizes`);
  try {
    const f = fitPowerLaw(points);
    const status = f.degenerate ? 'flat' : f.converged ? 'ok' : 'edge';
    return { data, backbone, kind, sizes, n: f.n, E: r6(f.params.E), x0: r6(f.params.x0), alpha: r6(f.params.alpha), r2: r6(f.r2), status, note: f.note ?? '' };
  } catch (e) {
    return none(`the fit failed: ${(e as Error).message}`);
  }
}

/** Options of produce: the common ones, another plan (tests) and replaced run pieces. */
export interface BackbonesOptions extends ProduceOptions {
  readonly plan?: BackbonesPlan;
  readonly deps?: TrainInStoreOptions['deps'];
  readonly onEpoch?: TrainInStoreOptions['onEpoch'];
}

/** The rows (seed rows, mean rows with several seeds, each with its backbone's fit), the fits, and the runs' keys and training time. */
export async function backboneRows(scale: ScalePreset, plan: BackbonesPlan, opts: BackbonesOptions = {}): Promise<{ rows: BackboneRow[]; fits: BackboneFit[]; keys: string[]; trainMs: number }> {
  const seedRows: BackboneRow[] = [];
  const keys: string[] = [];
  let trainMs = 0;
  for (const r of backboneRuns(scale, plan)) {
    const { metrics, runKey } = await trainInStore(r.config, { dir: opts.runsDir, deps: opts.deps });
    keys.push(runKey);
    trainMs += metrics.trainMs;
    seedRows.push({ data: r.panel.data.label, backbone: backboneLabel(r.kind), kind: r.kind, params: r.params, numLayers: r.rung.numLayers, dim: r.rung.dim, seed: r.seed, testLoss: metrics.test.loss, 'NDCG@10': metrics.test['NDCG@10'], E: null, alpha: null, r2: null, fit: 'no fit' });
  }
  const fits = plan.panels.flatMap((p) => plan.backbones.map((kind) => {
    const own = seedRows.filter((r) => r.data === p.data.label && r.kind === kind);
    return fitBackbone(p.data.label, backboneLabel(kind), kind, own.map((r) => ({ x: r.params, y: r.testLoss })));
  }));
  const withFit = seedRows.map((r): BackboneRow => {
    const f = fits.find((x) => x.data === r.data && x.kind === r.kind)!;
    return { ...r, E: f.E, alpha: f.alpha, r2: f.r2, fit: f.status };
  });
  return { rows: withSeedMeans(withFit, ['data', 'kind', 'params'], ['testLoss', 'NDCG@10']), fits, keys, trainMs };
}

/** The artefact JSON. */
export interface BackbonesArtefact extends ArtefactBase<readonly string[]> {
  readonly panels: readonly { readonly data: string; readonly label: string; readonly core: number; readonly sizes: readonly string[]; readonly budget: TaskBudget; readonly seeds?: readonly number[] }[];
  readonly backbones: readonly string[];
  readonly fits: readonly BackboneFit[];
  readonly findings: readonly string[];
  readonly points: readonly BackboneRow[];
}

/** What produce made: the figure output plus the rows, the fits and the artefact. */
export interface BackbonesOutput extends FigureOutput {
  readonly rows: readonly BackboneRow[];
  readonly fits: readonly BackboneFit[];
  readonly artefact: BackbonesArtefact;
}

/** An alpha that says how fast the loss falls: an 'ok' fit with E above its bound 0 and R^2 >= 0.8. */
const PINNED_R2 = 0.8;
const isPinned = (f: BackboneFit): boolean => f.status === 'ok' && f.E !== null && f.E > 0 && f.r2 !== null && f.r2 >= PINNED_R2;

/** Why a fit's alpha does not pin the exponent ('' when it does). */
function unpinnedWhy(f: BackboneFit): string {
  if (f.status !== 'ok') return f.status === 'edge' ? 'alpha at its search bound' : f.status;
  if (!(f.E !== null && f.E > 0)) return 'E held at 0';
  return `R^2 ${f.r2!.toFixed(2)} < ${PINNED_R2}`;
}

const signed = (x: number, digits: number): string => `${x >= 0 ? '+' : '−'}${Math.abs(x).toFixed(digits)}`;
const withHw = (x: number, hw: number | undefined, digits: number): string => `${signed(x, digits)}${hw === undefined ? '' : ` ± ${hw.toFixed(digits)}`}`;

/**
 * What the numbers say, per panel, computed from the fits and points:
 * 1. the power laws: alpha and R^2 per backbone, and which of them pin the exponent (an 'ok' fit
 *    with E > 0 and R^2 >= 0.8; a bound or a poor fit is named, never ranked as if it were one);
 * 2. the fit-free slopes of test loss and NDCG@10 per e-fold of N (least squares over the runs,
 *    95% t-interval, stats.logSlope), the steepest backbone and whether its interval separates it
 *    from the others (slopeDifference), which is what "scales best" can mean with four sizes;
 * 3. the lowest test loss and best NDCG@10 at the largest shape;
 * 4. the companion works' claims (FuXi-α over HSTU, HSTU over the SASRec-style LSRM) judged by the
 *    slope differences: supported or contradicted only when the interval excludes 0, otherwise
 *    "not told apart".
 * At smoke scale the first line says that nothing follows.
 */
export function backbonesFindings(a: Pick<BackbonesArtefact, 'scale' | 'fits' | 'points' | 'panels'>): string[] {
  const out: string[] = [];
  if (a.scale === 'smoke') out.push('Smoke scale: tiny models trained 2 epochs on a few hundred synthetic users only check the pipeline; no conclusion about any backbone follows from them.');
  const best = (xs: readonly BackboneRow[], key: 'testLoss' | 'NDCG@10', sign: number) => [...xs].sort((p, q) => sign * (p[key] - q[key]))[0];
  for (const p of a.panels) {
    const fits = a.fits.filter((f) => f.data === p.label);
    const fitted = fits.filter((f) => f.status === 'ok' || f.status === 'edge').sort((x, y) => y.alpha! - x.alpha!);
    const pinned = fitted.filter(isPinned);
    const notFitted = fits.filter((f) => f.status === 'flat' || f.status === 'no fit').map((f) => `${f.backbone} (${f.status})`);
    const alphaLine = fitted.length === 0 ? 'no backbone has a falling power law' :
      `power-law alpha ${fitted.map((f) => `${f.backbone} ${f.alpha!.toFixed(3)} (R^2 ${f.r2!.toFixed(2)}${isPinned(f) ? '' : `; ${unpinnedWhy(f)}`})`).join(', ')}; ` +
      (pinned.length === 0 ? 'none pins its exponent, so the alphas rank nothing' :
        pinned.length === 1 ? `only ${pinned[0].backbone}'s pins its exponent` : `pinned: ${pinned.map((f) => f.backbone).join(', ')}, largest ${pinned[0].backbone}`);
    out.push(`${p.label}: ${alphaLine}${notFitted.length ? `; without a falling law: ${notFitted.join(', ')}` : ''}.`);
    const seedRows = a.points.filter((r) => r.data === p.label && r.seed !== null);
    const kinds = [...new Set(seedRows.map((r) => r.kind))];
    const slopes = (key: 'testLoss' | 'NDCG@10') => kinds.flatMap((kind) => {
      const pts = seedRows.filter((r) => r.kind === kind).map((r) => ({ x: r.params, y: r[key] }));
      if (new Set(pts.map((q) => q.x)).size < 2) return [];
      return [{ kind, backbone: seedRows.find((r) => r.kind === kind)!.backbone, s: logSlope(pts) }];
    });
    const lossSlopes = slopes('testLoss');
    const ndcgSlopes = slopes('NDCG@10');
    const slopeLine = (what: string, xs: typeof lossSlopes, sign: number, digits: number, better: string) => {
      if (xs.length === 0) return '';
      const sorted = [...xs].sort((x, y) => sign * (x.s.slope - y.s.slope));
      const top = sorted[0];
      const apart = sorted.slice(1).filter((o) => { const d = slopeDifference(top.s, o.s); return d.halfWidth !== undefined && Math.abs(d.diff) > d.halfWidth; }).map((o) => o.backbone);
      const n = Math.max(...xs.map((x) => x.s.n));
      return `${p.label}, ${what} per e-fold of N (least squares over ${n} runs, 95% interval): ${xs.map((x) => `${x.backbone} ${withHw(x.s.slope, x.s.halfWidth, digits)}`).join(', ')}; ${better} ${top.backbone}, ` +
        (apart.length === sorted.length - 1 ? 'told apart from every other backbone.' : apart.length > 0 ? `told apart from ${apart.join(', ')} only.` : 'not told apart from any other backbone.');
    };
    const l1 = slopeLine('test-loss slope', lossSlopes, 1, 3, 'steepest fall:');
    const l2 = slopeLine('NDCG@10 slope', ndcgSlopes, -1, 4, 'steepest rise:');
    if (l1) out.push(l1);
    if (l2) out.push(l2);
    const shown = a.points.filter((r) => r.data === p.label && (r.seed === null || !a.points.some((o) => o.data === r.data && o.kind === r.kind && o.params === r.params && o.seed === null)));
    const top = p.sizes[p.sizes.length - 1];
    const atTop = shown.filter((r) => `${r.numLayers}x${r.dim}` === top);
    if (atTop.length > 0) {
      const l = best(atTop, 'testLoss', 1);
      const n = best(atTop, 'NDCG@10', -1);
      out.push(`${p.label}, largest shape ${top}: lowest test loss ${l.backbone} (${l.testLoss.toFixed(4)}, N ${l.params.toLocaleString('en-US')}); best NDCG@10 ${n.backbone} (${n['NDCG@10'].toFixed(4)}).`);
    }
    const slopeOf = (xs: typeof lossSlopes, kind: BackboneKind) => xs.find((x) => x.kind === kind)?.s;
    const claim = (a1: BackboneKind, b1: BackboneKind, label: string, source: string): string | undefined => {
      const [la, lb, na, nb] = [slopeOf(lossSlopes, a1), slopeOf(lossSlopes, b1), slopeOf(ndcgSlopes, a1), slopeOf(ndcgSlopes, b1)];
      if (!la || !lb || !na || !nb) return undefined;
      const dl = slopeDifference(la, lb);
      const dn = slopeDifference(na, nb);
      const verdict = (d: typeof dl, faster: boolean) => d.halfWidth === undefined ? 'not told apart (too few sizes for an interval)' :
        Math.abs(d.diff) <= d.halfWidth ? 'not told apart' : faster ? 'supported' : 'contradicted';
      const [A, B] = [backboneLabel(a1), backboneLabel(b1)];
      return `${label}: ${A} − ${B} loss slope ${withHw(dl.diff, dl.halfWidth, 3)} (${verdict(dl, dl.diff < 0)}), NDCG@10 slope ${withHw(dn.diff, dn.halfWidth, 4)} (${verdict(dn, dn.diff > 0)}); ${source}`;
    };
    if (a.scale !== 'smoke') {
      const c1 = claim('fuxi', 'hstu', `"FuXi-α scales better than HSTU"`, "FuXi-α's paper: it improves on HSTU and keeps improving with size");
      const c2 = claim('hstu', 'lsrm', `"HSTU scales better than the SASRec-style LSRM"`, 'HSTU is the model that made generative recommenders scale');
      const claims = [c1, c2].filter((c): c is string => c !== undefined);
      if (claims.length > 0) out.push(`${p.label} against the companion claims (${new Set(seedRows.map((r) => r.seed)).size > 1 ? 'seeds pooled' : 'one seed'}): ${claims.join('; ')}.`);
    }
  }
  return out;
}

function produce(scale: ScalePreset, opts?: BackbonesOptions & WaitingSweep): Promise<BackbonesOutput>;
function produce(scale: ScalePreset, opts?: BackbonesOptions): Promise<BackbonesOutput | PendingOutput>;
/** Run the sweep (opts.sweep), read every run from the store, fit, draw and save. */
async function produce(scale: ScalePreset, opts: BackbonesOptions = {}): Promise<BackbonesOutput | PendingOutput> {
  const plan = opts.plan ?? FIG_BACKBONES_PLANS[scale.name];
  const pending = await runFigureSweep(FIGURE.id, backboneSweep(scale, plan), opts);
  if (pending) return pending;
  const { rows, fits, keys, trainMs } = await backboneRows(scale, plan, opts);
  const panels = plan.panels.map((p) => ({ data: p.data.spec, label: p.data.label, core: p.data.core, sizes: p.ladder.map((r) => `${r.numLayers}x${r.dim}`), budget: p.budget, seeds: panelSeeds(plan, p) }));
  const backbones = plan.backbones.map(backboneLabel);
  const base = { id: FIGURE.id, scale: scale.name, data: panels.map((p) => p.data), seeds: [...new Set(plan.panels.flatMap((p) => panelSeeds(plan, p)))].sort((x, y) => x - y), runs: keys, wallSeconds: Math.round(trainMs / 100) / 10 };
  const artefact: BackbonesArtefact = { ...base, panels, backbones, fits, findings: backbonesFindings({ scale: scale.name, fits, points: rows, panels }), points: rows };
  const title = `Test loss and NDCG@10 against non-embedding parameters per backbone (${panels.map((p) => p.label).join(', ')}; scale ${scale.name})`;
  const figure = backbonesFigure({ title, rows, fits, backbones });
  const how = plan.panels.map((p) => `${p.data.label}: ${p.budget.kind === 'fig-2a' ? "Figure 2a's fixed epochs" : "Table V's settings, to convergence"}`).join('; ');
  const note = `Scale ${scale.name}. ${how}. N: each model's non-embedding parameters (model registry). Fit L(N) = E + (N0/N)^alpha on every size of a backbone (status: ok, edge = alpha at its search bound, flat = loss does not fall with N, no fit). ${plan.panels.every((p) => !p.seeds) ? seedNote(plan.seeds) : plan.panels.map((p) => `${p.data.label}: ${seedNote(panelSeeds(plan, p))}`).join(' ')}`;
  const saved = await saveFigureOutput(figure, FIGURE.id, { rows, columns: FIG_BACKBONES_COLUMNS, note }, artefact, figuresDirFor(scale.name, opts.figuresRoot), { png: opts.png });
  return { kind: 'figure', id: FIGURE.id, figure, saved, rows, fits, artefact };
}

/** fig-backbones: a ladder per backbone as one sweep, a power law per backbone and panel. */
export const FIGURE: FigureEntry<BackbonesOptions, BackbonesOutput> = {
  id: 'fig-backbones',
  kind: 'figure',
  title: 'Beyond the paper: test loss and NDCG@10 against non-embedding parameters for LSRM, HSTU, FuXi-alpha and Llama, a power law per backbone',
  paperRef: 'Beyond the paper: scaling laws across backbones (Scaling New Frontiers, HSTU, FuXi-alpha), issue 14',
  notebook: 'notebooks/fig-backbones.ipynb',
  isCheap: false,
  produce,
  sweep: (scale, opts = {}) => backboneSweep(scale, opts.plan ?? FIG_BACKBONES_PLANS[scale.name]),
};
