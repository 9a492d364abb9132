/**
 * The numbers and the drawing of the Performance Law figure (fig-performance-law.ts trains and
 * measures): the fits of HR@10 and NDCG@10 (lib/scaling/performance-law.ts) as the artefact
 * holds them, the three-panel plotly figure, the runs table and what the run shows.
 * Panel 1: predicted against measured NDCG@10 of the held-out sizes (the Performance Law: circles;
 * the power law on 1 − NDCG@10: crosses; the law's in-sample fit: faint), y = x dashed.
 * Panel 2: ApEn (popularity ranks within 1% of the items) against the fitted data term T_g of
 * each dataset and subsample. Panel 3: ApEn variants against the synthetic teacher's entropy
 * over the temperature sweep.
 */
import { sampleCorrelation, sampleRankCorrelation } from 'simple-statistics';
import { DataError } from '../util/errors';
import { fitDataTerms, fitPerformanceLaw, lsrmSize, metricPowerLawHoldout, performanceLawHoldout, type PerformanceLawParams } from '../scaling/performance-law';
import { lineTrace, scatterTrace } from '../plot/traces';
import { themedLayout, type Figure, type Trace } from '../plot/theme';
import { formatFixed, type Column, type Row } from '../plot/table';
import type { ApEnRecord, PerfLawApEnSettings, TemperatureRow } from './fig-performance-law-data';
import type { ArtefactBase } from './figure';

/** One run: its data group, shape, budget and test metrics. */
export interface PerfLawRow extends Row {
  readonly dataset: string;
  /** The dataset, with the level at a subsample ('ml-100k 50%'). */
  readonly group: string;
  readonly source: string;
  readonly fraction: number;
  /** Training interactions of the group's data. */
  readonly tokens: number;
  readonly params: number;
  readonly numLayers: number;
  readonly dim: number;
  readonly seed: number;
  readonly epochs: number;
  readonly bestEpoch: number;
  readonly 'HR@10': number;
  readonly 'NDCG@10': number;
  readonly testLoss: number;
  /** 'fit', 'held out' (full data) or 'data term' (a subsample level). */
  readonly role: string;
}

export const PERF_LAW_COLUMNS: readonly Column[] = [
  { key: 'group', label: 'Data' },
  { key: 'tokens', label: 'D (train interactions)' },
  { key: 'numLayers', label: 'n_layer' },
  { key: 'dim', label: 'd_model' },
  { key: 'params', label: 'N (non-emb)' },
  { key: 'seed', label: 'Seed' },
  { key: 'epochs', label: 'Epochs' },
  { key: 'bestEpoch', label: 'Best epoch' },
  { key: 'role', label: 'Role' },
  { key: 'HR@10', label: 'HR@10', format: formatFixed(4) },
  { key: 'NDCG@10', label: 'NDCG@10', format: formatFixed(4) },
  { key: 'testLoss', label: 'Test loss', format: formatFixed(4) },
];

/** A dataset or subsample: its tokens and ApEn. */
export interface PerfLawGroup {
  readonly group: string;
  readonly dataset: string;
  readonly source: string;
  readonly fraction: number;
  readonly tokens: number;
  readonly apen: ApEnRecord;
}

const METRICS = ['NDCG@10', 'HR@10'] as const;
type Metric = (typeof METRICS)[number];
const r6 = (v: number): number => Number(v.toPrecision(6));
const round = <T extends object>(o: T): T => Object.fromEntries(Object.entries(o).map(([k, v]) => [k, typeof v === 'number' ? r6(v) : v])) as T;
const shape = (p: { layers: number; dim: number }) => `${p.layers}x${p.dim}`;

/** A fit that could not be made: the DataError's message (anything else is a bug and throws). */
export type FitError = { readonly error: string };

function attempt<T>(f: () => T): T | FitError {
  try {
    return f();
  } catch (e) {
    if (e instanceof DataError) return { error: e.message };
    throw e;
  }
}

/** Held-out prediction of one dataset and metric by both laws. */
export interface HoldoutRecord {
  readonly dataset: string;
  readonly metric: Metric;
  readonly performanceLaw: FitError | {
    readonly params: PerformanceLawParams; readonly r2: number; readonly n: number; readonly converged: boolean; readonly note: string | null;
    readonly peaks: { readonly layers: number | null; readonly dim: number | null };
    readonly fitted: { readonly shape: string; readonly actual: number; readonly fitted: number }[];
    readonly heldOut: { readonly shape: string; readonly size: number; readonly actual: number; readonly predicted: number; readonly errorPct: number }[];
  };
  readonly powerLaw: FitError | {
    readonly E: number; readonly x0: number; readonly alpha: number; readonly ceiling: number; readonly r2: number; readonly n: number;
    readonly heldOut: { readonly size: number; readonly actual: number; readonly predicted: number; readonly lo: number; readonly hi: number; readonly errorPct: number }[];
  };
}

/** Both laws on one dataset's full-data rows, holding out its `holdout` largest sizes. */
export function holdoutRecord(rows: readonly PerfLawRow[], dataset: string, metric: Metric, holdout: number): HoldoutRecord {
  const pts = rows.filter((r) => r.dataset === dataset && r.fraction === 1).map((r) => ({ layers: r.numLayers, dim: r.dim, y: r[metric] }));
  // Each law on its own (compareHoldout would drop both when one cannot be fitted); same sizes 12·L·d².
  const pl = attempt(() => performanceLawHoldout(pts, holdout));
  const pw = attempt(() => metricPowerLawHoldout(pts.map((p) => ({ x: lsrmSize(p), y: p.y })), holdout, { samples: 200 }));
  return {
    dataset, metric,
    performanceLaw: 'error' in pl ? pl : {
      params: round(pl.fit.params), r2: r6(pl.fit.r2), n: pl.fit.n, converged: pl.fit.converged, note: pl.fit.note ?? null, peaks: round({ layers: pl.fit.peaks.layers, dim: pl.fit.peaks.dim }),
      fitted: pl.fitted.map((p, i) => ({ shape: shape(p), actual: r6(p.y), fitted: r6(p.y - pl.fit.residuals[i]) })),
      heldOut: pl.heldOut.map((h) => ({ shape: shape(h), size: h.size, actual: r6(h.actual), predicted: r6(h.predicted), errorPct: r6(h.errorPct) })),
    },
    powerLaw: 'error' in pw ? pw : {
      ...round({ E: pw.fit.params.E, x0: pw.fit.params.x0, alpha: pw.fit.params.alpha, ceiling: pw.ceiling, r2: pw.fit.r2 }), n: pw.fit.n,
      heldOut: pw.heldOut.map((h) => ({ size: h.x, ...round({ actual: h.actual, predicted: h.predicted, lo: h.lo, hi: h.hi, errorPct: h.errorPct }) })),
    },
  };
}

/** Pearson and Spearman correlation of two columns (null below 3 values or with a constant column). */
function correlations(x: readonly number[], y: readonly number[]): { readonly pearson: number | null; readonly spearman: number | null } {
  const ok = x.length >= 3 && new Set(x).size > 1 && new Set(y).size > 1;
  return ok ? { pearson: r6(sampleCorrelation([...x], [...y])), spearman: r6(sampleRankCorrelation([...x], [...y])) } : { pearson: null, spearman: null };
}

/** The fitted data terms of one metric over every group, and how they go with ApEn and tokens. */
export interface DataTermsRecord {
  readonly metric: Metric;
  readonly fit: FitError | { readonly w1: number; readonly w2: number; readonly w3: number; readonly w4: number; readonly r2: number; readonly n: number; readonly converged: boolean; readonly note: string | null };
  readonly terms: { readonly group: string; readonly term: number; readonly n: number; readonly apen: number; readonly tokens: number }[];
  /** Of T_g with ApEn (rank variant), ln tokens and ln(tokens / ApEn), across groups. */
  readonly correlation: { readonly apen: ReturnType<typeof correlations>; readonly lnTokens: ReturnType<typeof correlations>; readonly lnTokensPerApEn: ReturnType<typeof correlations> };
  /** The law with D given: tokens, or tokens / ApEn (the authors' reading); R² of each. */
  readonly dataLaws: { readonly tokens: FitError | { readonly r2: number; readonly w5: number | null }; readonly tokensPerApEn: FitError | { readonly r2: number; readonly w5: number | null } };
}

/** Data terms and the two data-given laws of one metric over every run. */
export function dataTermsRecord(rows: readonly PerfLawRow[], groups: readonly PerfLawGroup[], metric: Metric): DataTermsRecord {
  const g = (name: string) => groups.find((x) => x.group === name)!;
  const dt = attempt(() => fitDataTerms(rows.map((r) => ({ layers: r.numLayers, dim: r.dim, group: r.group, y: r[metric] }))));
  const terms = 'error' in dt ? [] : dt.terms.map((t) => ({ group: t.group, term: r6(t.term), n: t.n, apen: r6(g(t.group).apen.rank), tokens: g(t.group).tokens }));
  const law = (D: (r: PerfLawRow) => number) => {
    const f = attempt(() => fitPerformanceLaw(rows.map((r) => ({ layers: r.numLayers, dim: r.dim, data: D(r), y: r[metric] }))));
    return 'error' in f ? f : { r2: r6(f.r2), w5: f.params.w5 === null ? null : r6(f.params.w5) };
  };
  const T = terms.map((t) => t.term);
  return {
    metric,
    fit: 'error' in dt ? dt : { ...round({ w1: dt.w1, w2: dt.w2, w3: dt.w3, w4: dt.w4, r2: dt.r2 }), n: dt.n, converged: dt.converged, note: dt.note ?? null },
    terms,
    correlation: {
      apen: correlations(terms.map((t) => t.apen), T),
      lnTokens: correlations(terms.map((t) => Math.log(t.tokens)), T),
      lnTokensPerApEn: correlations(terms.map((t) => Math.log(t.tokens / t.apen)), T),
    },
    dataLaws: { tokens: law((r) => r.tokens), tokensPerApEn: law((r) => r.tokens / g(r.group).apen.rank) },
  };
}

/** Every fit of the artefact. */
export interface PerfLawFits {
  readonly heldOut: readonly HoldoutRecord[];
  readonly dataTerms: readonly DataTermsRecord[];
}

/** Held-out predictions per dataset and metric, data terms per metric. */
export function perfLawFits(rows: readonly PerfLawRow[], groups: readonly PerfLawGroup[], series: readonly { dataset: string; holdout: number }[]): PerfLawFits {
  return {
    heldOut: series.flatMap((s) => METRICS.map((m) => holdoutRecord(rows, s.dataset, m, s.holdout))),
    dataTerms: METRICS.map((m) => dataTermsRecord(rows, groups, m)),
  };
}

/** The artefact JSON (issue 10 item 7's fields, then this figure's); `data`: the full data of each series (levels are `?sample=` of these). */
export interface PerfLawArtefact extends ArtefactBase<readonly string[]> {
  readonly apenSettings: PerfLawApEnSettings;
  readonly temperaturePreset: string;
  readonly fits: PerfLawFits;
  readonly groups: readonly PerfLawGroup[];
  readonly temperature: readonly TemperatureRow[];
  readonly points: readonly PerfLawRow[];
}

const on = (t: Trace, k: 2 | 3): Trace => ({ ...t, xaxis: `x${k}`, yaxis: `y${k}` });
/** Markers of a scatter trace restyled, keeping its colour. */
const restyle = (t: Trace, marker: Record<string, unknown>): Trace => ({ ...t, marker: { ...(t.marker as object), ...marker } });

/** Panel 1's traces: per dataset, fitted (faint), and held out by both laws; the diagonal. */
function predictionPanel(a: PerfLawArtefact): Trace[] {
  const out: Trace[] = [];
  const all: number[] = [];
  a.fits.heldOut.filter((h) => h.metric === 'NDCG@10').forEach((h, i) => {
    const pl = h.performanceLaw, pw = h.powerLaw;
    if (!('error' in pl)) {
      out.push(restyle(scatterTrace({ name: `${h.dataset}: fitted sizes (Performance Law, in sample)`, x: pl.fitted.map((p) => p.actual), y: pl.fitted.map((p) => p.fitted), text: pl.fitted.map((p) => p.shape) }, i), { size: 7, opacity: 0.5, symbol: 'circle-open' }));
      out.push(restyle(scatterTrace({ name: `${h.dataset}: held out, Performance Law`, x: pl.heldOut.map((p) => p.actual), y: pl.heldOut.map((p) => p.predicted), text: pl.heldOut.map((p) => `${p.shape}: ${p.errorPct.toFixed(1)}%`) }, i), { size: 11, symbol: 'circle' }));
      all.push(...pl.fitted.flatMap((p) => [p.actual, p.fitted]), ...pl.heldOut.flatMap((p) => [p.actual, p.predicted]));
    }
    if (!('error' in pw)) {
      out.push(restyle(scatterTrace({ name: `${h.dataset}: held out, power law on 1 − NDCG`, x: pw.heldOut.map((p) => p.actual), y: pw.heldOut.map((p) => p.predicted), text: pw.heldOut.map((p) => `N ${p.size}: ${p.errorPct.toFixed(1)}%`) }, i), { size: 11, symbol: 'x' }));
      all.push(...pw.heldOut.flatMap((p) => [p.actual, p.predicted]));
    }
  });
  if (all.length > 0) {
    const lo = Math.min(...all), hi = Math.max(...all), pad = 0.05 * (hi - lo || hi || 1);
    out.push({ ...lineTrace({ name: 'predicted = measured', x: [lo - pad, hi + pad], y: [lo - pad, hi + pad], dash: 'dash' }, 7), mode: 'lines' });
  }
  return out;
}

/** Panel 2: ApEn (rank) against the NDCG@10 data term, one colour per dataset. */
function dataTermPanel(a: PerfLawArtefact): Trace[] {
  const rec = a.fits.dataTerms.find((d) => d.metric === 'NDCG@10');
  if (!rec) return [];
  const datasets = [...new Set(a.groups.map((g) => g.dataset))];
  return datasets.map((ds, i) => {
    const terms = rec.terms.filter((t) => a.groups.find((g) => g.group === t.group)!.dataset === ds);
    const level = (t: (typeof terms)[number]) => `${Math.round(100 * a.groups.find((g) => g.group === t.group)!.fraction)}%`;
    return on({
      ...scatterTrace({ name: `${ds}: data term T_g (text: share of users)`, x: terms.map((t) => t.apen), y: terms.map((t) => t.term), text: terms.map(level) }, i),
      hovertext: terms.map((t) => `${t.group}, D ${t.tokens.toLocaleString('en-US')}`), mode: 'markers+text', textposition: 'middle right', textfont: { size: 11 }, cliponaxis: false,
    }, 2);
  });
}

/** Panel 3: each ApEn variant against the teacher's entropy over the temperatures. */
function temperaturePanel(a: PerfLawArtefact): Trace[] {
  const rows = [...a.temperature].sort((p, q) => p.temperature - q.temperature);
  const text = rows.map((r) => `T ${r.temperature}`);
  const variants: [string, (r: TemperatureRow) => number | null][] = [['id, exact', (r) => r.id], ['popularity rank ±1%', (r) => r.rank], ['domain, exact', (r) => r.domain], ['id if no repeats', (r) => r.noRepeat]];
  return variants.filter(([, v]) => rows.every((r) => v(r) !== null)).map(([name, v], i) =>
    on(lineTrace({ name: `ApEn ${name}`, x: rows.map((r) => r.entropy), y: rows.map((r) => v(r)!), text, dash: name.startsWith('id if') ? 'dot' : 'solid' }, i + 3), 3));
}

/** The three-panel plotly figure (deterministic: same artefact, same JSON). */
export function perfLawFigure(title: string, a: PerfLawArtefact): Figure {
  const base = themedLayout({ title, width: 1500, height: 600, x: { title: 'measured test NDCG@10' }, y: { title: 'predicted test NDCG@10' } });
  const ax = (domain: [number, number], k: string, t: string) => ({ ...(base.xaxis as object), domain, anchor: `y${k}`, title: { text: t } });
  const ay = (k: string, t: string) => ({ ...(base.yaxis as object), anchor: `x${k}`, title: { text: t } });
  const layout = {
    ...base,
    margin: { l: 70, r: 20, t: 80, b: 60 },
    xaxis: { ...(base.xaxis as object), domain: [0, 0.28] },
    yaxis: { ...(base.yaxis as object), domain: [0.32, 1] },
    xaxis2: ax([0.36, 0.64], '2', `ApEn (popularity rank ±${100 * a.apenSettings.rankTolerance}%)`),
    yaxis2: { ...ay('2', 'fitted data term T_g (NDCG@10)'), domain: [0.32, 1] },
    xaxis3: ax([0.72, 1], '3', "teacher's entropy (nats)"),
    yaxis3: { ...ay('3', `ApEn (m ${a.apenSettings.m}, last ${a.apenSettings.cutLength} items)`), domain: [0.32, 1] },
    legend: { ...(base.legend as object), orientation: 'h', x: 0, xanchor: 'left', y: 0.17, yanchor: 'top' },
    annotations: [
      ['held-out sizes: predicted against measured', 0],
      ['data term of each dataset and subsample', 0.36],
      [`synthetic:${a.temperaturePreset} over temperatures ${a.temperature.map((t) => t.temperature).join(', ')}`, 0.72],
    ].map(([text, x]) => ({ text, x, xref: 'paper', xanchor: 'left', y: 1.01, yref: 'paper', yanchor: 'bottom', showarrow: false, font: { size: 13 } })),
  };
  return { data: [...predictionPanel(a), ...dataTermPanel(a), ...temperaturePanel(a)], layout };
}
