/**
 * The data side of the Performance Law figure (fig-performance-law.ts): data quality as
 * Approximate Entropy (ApEn, lib/data/quality.ts) of each dataset and subsample the figure
 * trains on, and of synthetic data whose predictability is set by the teacher's temperature.
 *
 * Which ApEn. Three variants are measured, all with window m = 2 over each user's last 50 items
 * of the whole (k-core filtered) sequence, averaged over users with more than m + 1 items:
 *   - id:   items equal only when identical (r = 0), the default of quality.ts and Table II. Where
 *           users never repeat an item (MovieLens) it is ln((N-1)/(N-2)) for length N, a function
 *           of length alone (`noRepeat` is that value), so it says nothing about quality there;
 *   - rank: items compared by popularity rank (0 = most popular) with tolerance r = 1% of the
 *           items (at least 1): two items match when their popularity is within a percentile.
 *           It is the authors' numeric tolerance placed on a scale where nearness means
 *           something (their ids are load order, where |a − b| <= r groups unrelated items),
 *           comparable across datasets of different item counts. The figure's x-axis (`primary`);
 *   - domain: items compared by domain (genre, category), exact; absent where the data has none.
 * Lower ApEn = more regular sequences. The authors' data term is tokens / ApEn.
 *
 * Temperature. The synthetic teacher (lib/data/synthetic.ts) draws each next item from softmaxes
 * at temperature T: the lower T, the more predictable the data, and the teacher knows exactly how
 * predictable: its mean −log p of the next item (`entropy`, nats). Sweeping T at fixed everything
 * else shows how each ApEn variant follows true predictability where it can be varied. Source
 * specs have no temperature knob (synthetic:<preset> only), so models are not trained on these
 * data: the sweep measures the data alone.
 * Every measurement is cached in the store (runs/fig-performance-law/), keyed by the data's
 * version and the ApEn settings.
 */
import { loadSource } from '../data/load/index';
import { prepareData } from '../data/pipeline';
import { datasetApEn } from '../data/quality';
import { generateSyntheticWithInfo, SYNTHETIC_PRESETS, type SyntheticConfig } from '../data/synthetic';
import type { Sequences } from '../data/types';
import { dataVersion } from '../runs/in-store';
import { runOrLoad, type StoreOptions } from '../runs/store';
import type { DataChoice } from './scale';

/** The store folder of the figure's measurements. */
export const PERF_LAW_STORE = 'fig-performance-law';

/** ApEn settings of the figure (see the header). */
export interface PerfLawApEnSettings {
  readonly m: number;
  readonly cutLength: number;
  /** Tolerance of the rank variant as a fraction of the items (r = max(1, round(fraction · items))). */
  readonly rankTolerance: number;
}

export const PERF_LAW_APEN: PerfLawApEnSettings = { m: 2, cutLength: 50, rankTolerance: 0.01 };

/** One data's ApEn in every variant. */
export interface ApEnRecord {
  /** Exact match on item ids. */
  readonly id: number;
  /** The id ApEn if no item repeated within the cut (a function of the lengths). */
  readonly noRepeat: number;
  /** Popularity ranks within tolerance rankR: the figure's primary variant. */
  readonly rank: number;
  readonly rankR: number;
  /** Exact match on domains; null where the data has none. */
  readonly domain: number | null;
  readonly users: number;
  readonly items: number;
}

/**
 * Every ApEn variant of some sequences (see the header).
 * @example apenVariants(prepareData({ interactions: x }).sequences, PERF_LAW_APEN).rank
 */
export function apenVariants(seqs: Sequences, s: PerfLawApEnSettings = PERF_LAW_APEN): ApEnRecord {
  const base = { m: s.m, cutLength: s.cutLength };
  const id = datasetApEn(seqs, { ...base, compare: 'id', r: 0 });
  const rankR = Math.max(1, Math.round(s.rankTolerance * seqs.numItems));
  const rank = datasetApEn(seqs, { ...base, compare: 'popularity-rank', r: rankR }).apen;
  const domain = seqs.vocab.itemDomain ? datasetApEn(seqs, { ...base, compare: 'domain', r: 0 }).apen : null;
  return { id: id.apen, noRepeat: id.noRepeatApEn, rank, rankR, domain, users: id.users, items: seqs.numItems };
}

/** ApEn of a data choice (a sample spec included) after its k-core; cached in the store. */
export async function measureApEn(data: Pick<DataChoice, 'spec' | 'core'>, s: PerfLawApEnSettings = PERF_LAW_APEN, opts: StoreOptions = {}): Promise<ApEnRecord> {
  const key = { kind: 'apen', spec: data.spec, core: data.core, version: dataVersion(data.spec), apen: { ...s } };
  const rec = await runOrLoad(PERF_LAW_STORE, key, async () => {
    const { interactions } = await loadSource(data.spec);
    return { metrics: apenVariants(prepareData({ interactions, core: data.core }).sequences, s) };
  }, opts);
  return rec.metrics;
}

/** One temperature of the sweep: the teacher's loss and the data's ApEn. */
export interface TemperatureRow extends ApEnRecord {
  readonly temperature: number;
  /** The teacher's mean −log p of the next item over every target (nats): the data's irreducible loss. */
  readonly entropy: number;
}

/**
 * The synthetic preset at each temperature (everything else fixed): its teacher entropy and
 * ApEn variants. Each is cached in the store.
 * @throws Error naming the known presets for an unknown one
 */
export async function temperatureSweep(preset: string, temperatures: readonly number[], s: PerfLawApEnSettings = PERF_LAW_APEN, opts: StoreOptions = {}): Promise<TemperatureRow[]> {
  const base = (SYNTHETIC_PRESETS as Record<string, SyntheticConfig>)[preset];
  if (!base) throw new Error(`unknown synthetic preset '${preset}': use one of ${Object.keys(SYNTHETIC_PRESETS).join(', ')}`);
  const rows: TemperatureRow[] = [];
  for (const temperature of temperatures) {
    const config: SyntheticConfig = { ...base, temperature };
    const rec = await runOrLoad(PERF_LAW_STORE, { kind: 'temperature', config, apen: { ...s } }, () => {
      const { interactions, info } = generateSyntheticWithInfo(config);
      const apen = apenVariants(prepareData({ interactions, core: 0 }).sequences, s);
      return { metrics: { temperature, entropy: info.entropy, ...apen } };
    }, opts);
    rows.push(rec.metrics);
  }
  return rows;
}
