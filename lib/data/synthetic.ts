/**
 * Synthetic interaction logs from a fixed random "teacher" (ARCHITECTURE.md, "Facts": Scales): the embedded
 * default dataset, seeded, with long-tailed popularity, several domains, timestamps, and
 * sequential structure that a model can learn and that rewards capacity.
 *
 * The teacher. Items sit in a 3-level tree: domain d -> cluster c -> item i (clusters of about
 * sqrt(items per domain) items). Each node has a random vector: g_d, g_c and e_i in R^k, with
 * an item's vector containing its cluster's and domain's (e_i = (g_d + g_c + noise) / sqrt 3),
 * so the levels agree. A user's state h_t in R^m is a nonlinear recurrence over the items seen:
 *   h_0 = 0,   h_{t+1} = tanh(A h_t + B e_{x_t})          (A: m x m, spectral radius ~ memory)
 *   q_t = W h_t                                            (W: k x m)
 * and the next item is drawn level by level, each from a softmax at temperature T:
 *   p(d)     ∝ exp(g_d . q_t / T + log P_d + stickiness * [d = domain of x_{t-1}])
 *   p(c | d) ∝ exp(g_c' . q_t / T + log P_c)              (c in d, g_c' = (g_d + g_c) / sqrt 2)
 *   p(i | c) ∝ exp(e_i . q_t / T + log P_i)               (i in c)
 * P_i is a Zipf prior (rank^-popularityExponent over a random ranking), P_c and P_d the sums
 * of P_i below them. The domain bonus makes users stay in a domain for a while and move on.
 *
 * Why it rewards capacity: log p(i) contains -log Z_c(q) for i's cluster, a different
 * nonlinear function of the history for each of ~sqrt(N * D) clusters, on top of a nonlinear
 * recurrence; a flat softmax model needs width and depth to represent both.
 * Why the tree: sampling costs O((D + C/D + N/C + m) m) instead of O(N m) per row (logits
 * use W^T g / T precomputed), so millions of interactions take seconds, and p(x) stays exact:
 * log p = log p(d) + log p(c|d) + log p(i|c).
 * The state is a function of the observed history only (no hidden per-user variable), so the
 * teacher's mean -log p(next item) is the Bayes loss of a predictor that sees the whole history:
 * the irreducible loss E. A model with a window of L items sees slightly less; the influence
 * of older items decays roughly like memory^L (0.85^50 ~ 3e-4).
 *
 * Legend: U users, N items (1-based), D domains, C clusters, k item-vector dim, m state dim.
 */
import type { Interactions } from './types';
import { deriveSeed, makeRng } from '../util/rng';
import { advanceState, makeScratch, makeTeacher, sampleNextItem } from './synthetic-teacher';

/** Configuration of the synthetic generator. Every field is JSON (part of a run's cache key). */
export interface SyntheticConfig {
  readonly numUsers: number;
  readonly numItems: number;
  readonly numDomains: number;
  /** Sequence lengths are log-uniform in [minSeqLen, maxSeqLen] (heavy right tail, like real logs). */
  readonly minSeqLen: number;
  readonly maxSeqLen: number;
  /** k: item-vector dimension of the teacher. */
  readonly dim: number;
  /** m: recurrent state dimension of the teacher. */
  readonly stateDim: number;
  /** Softmax temperature: lower = more predictable (lower E). */
  readonly temperature: number;
  /** Zipf exponent of the item popularity prior (1 = classic Zipf). */
  readonly popularityExponent: number;
  /** Logit bonus for staying in the previous item's domain. */
  readonly domainStickiness: number;
  /** Spectral radius of A in (0, 1): how long the state remembers (memory^t decay). */
  readonly memory: number;
  /** Scale of B: larger = more nonlinear (tanh saturates). */
  readonly inputGain: number;
  /** Unix seconds of the earliest possible first interaction. */
  readonly startTime: number;
  /** Users start uniformly within this many seconds after startTime. */
  readonly spanSeconds: number;
  /** Mean gap between a user's consecutive interactions (exponential, at least 1 s: no ties). */
  readonly meanGapSeconds: number;
  readonly seed: number;
}

/** Defaults of the teacher and clock (sizes come from a preset). Sampling cost per row grows with stateDim, not dim. */
export const SYNTHETIC_DEFAULTS = {
  numDomains: 4,
  dim: 32,
  stateDim: 32, // logits are rank-m functions of h: wider than the smallest models of the ladder (d = 16)
  temperature: 0.4, // measured on `default`: E 4.47 nats = 59% of log(2000); popularity-only 6.0, bigram 5.55
  popularityExponent: 1,
  domainStickiness: 3, // e^3 ~ 20x odds to stay; measured: ~40% of steps still switch domain
  memory: 0.85, // 0.85^50 ~ 3e-4: a 50-item window sees practically all the signal
  inputGain: 1.5,
  startTime: 1_500_000_000, // 2017-07-14
  spanSeconds: 3 * 365 * 86400,
  meanGapSeconds: 2 * 86400,
  seed: 0,
} as const;

/** Presets: smoke (tests, CI), default (`npm run reproduce`), cpu (scaling figures, millions of rows). */
export const SYNTHETIC_PRESETS = {
  smoke: { ...SYNTHETIC_DEFAULTS, numUsers: 300, numItems: 200, numDomains: 3, minSeqLen: 5, maxSeqLen: 40, dim: 8, stateDim: 8 },
  default: { ...SYNTHETIC_DEFAULTS, numUsers: 5000, numItems: 2000, minSeqLen: 5, maxSeqLen: 200 },
  // 2.66M rows; sampling costs O((D + C/D + N/C + m) * m) per row: measured 13 s of CPU (~5 us/row)
  // on a shared 2-core machine under load; m = 24 instead of 32 saves ~40%
  cpu: { ...SYNTHETIC_DEFAULTS, numUsers: 25000, numItems: 8000, numDomains: 6, minSeqLen: 10, maxSeqLen: 400, dim: 24, stateDim: 24 },
} as const satisfies Record<string, SyntheticConfig>;

/** Throws a RangeError naming the first invalid field. */
export function checkSyntheticConfig(c: SyntheticConfig): void {
  const ints: [keyof SyntheticConfig, number][] = [['numUsers', 0], ['numItems', 1], ['numDomains', 1], ['minSeqLen', 1], ['dim', 1], ['stateDim', 1]];
  for (const [key, min] of ints) {
    const v = c[key];
    if (!Number.isInteger(v) || v < min) throw new RangeError(`synthetic: ${key} must be an integer >= ${min}, got ${v}`);
  }
  if (!Number.isInteger(c.maxSeqLen) || c.maxSeqLen < c.minSeqLen) throw new RangeError(`synthetic: maxSeqLen must be an integer >= minSeqLen (${c.minSeqLen}), got ${c.maxSeqLen}`);
  if (c.numDomains > c.numItems) throw new RangeError(`synthetic: numDomains (${c.numDomains}) must not exceed numItems (${c.numItems})`);
  if (!(c.temperature > 0)) throw new RangeError(`synthetic: temperature must be > 0, got ${c.temperature}`);
  if (!(c.memory >= 0 && c.memory < 1)) throw new RangeError(`synthetic: memory must be in [0, 1), got ${c.memory}`);
  for (const key of ['popularityExponent', 'domainStickiness', 'inputGain', 'spanSeconds', 'meanGapSeconds'] as const) {
    if (!(c[key] >= 0)) throw new RangeError(`synthetic: ${key} must be >= 0, got ${c[key]}`);
  }
  if (!Number.isFinite(c.startTime)) throw new RangeError(`synthetic: startTime must be finite, got ${c.startTime}`);
}


/** What the generator knows about its own data: the teacher's exact per-row losses. */
export interface SyntheticInfo {
  /** nll[r] = -log p(item of row r | the user's earlier rows) under the teacher, in nats. */
  readonly nll: Float64Array;
  /** Mean nll over next-item targets (every row but each user's first): the irreducible loss E. */
  readonly entropy: number;
  /** Mean nll over the last item of users with >= 3 interactions (the leave-one-out test targets). */
  readonly entropyLast: number;
  /** log(numItems): the loss of a uniform guess. */
  readonly uniformEntropy: number;
  /** Entropy of the empirical item frequencies: the in-sample loss of a popularity-only model. */
  readonly popularityEntropy: number;
  readonly wallMs: number;
}

/** Per-user lengths, log-uniform integers in [min, max] (one stream: user u's length does not depend on numUsers). */
function drawLengths(c: SyntheticConfig): Int32Array {
  const rng = makeRng(deriveSeed(c.seed, 2));
  const lo = Math.log(c.minSeqLen);
  const hi = Math.log(c.maxSeqLen + 1);
  return Int32Array.from({ length: c.numUsers }, () => Math.min(c.maxSeqLen, Math.floor(Math.exp(lo + rng.next() * (hi - lo)))));
}

function summarize(x: Interactions, nll: Float64Array, lengths: Int32Array, wallMs: number): SyntheticInfo {
  let sum = 0;
  let sumLast = 0;
  let numLast = 0;
  for (let u = 0, r = 0; u < lengths.length; r += lengths[u], u++) {
    for (let j = r + 1; j < r + lengths[u]; j++) sum += nll[j];
    if (lengths[u] >= 3) {
      sumLast += nll[r + lengths[u] - 1];
      numLast++;
    }
  }
  const counts = new Float64Array(x.numItems + 1);
  for (let r = 0; r < x.item.length; r++) counts[x.item[r]]++;
  let popularityEntropy = 0;
  for (const c of counts) if (c > 0) popularityEntropy -= (c / x.item.length) * Math.log(c / x.item.length);
  return {
    nll,
    entropy: sum / Math.max(1, x.item.length - lengths.length),
    entropyLast: sumLast / Math.max(1, numLast),
    uniformEntropy: Math.log(x.numItems),
    popularityEntropy,
    wallMs,
  };
}

/**
 * Generate a synthetic log and the teacher's exact per-row losses. Rows come grouped by user
 * (u0, u1, ...), each user's rows in time order with strictly increasing times (no ties).
 * Ids: users 'u<u>' (0-based), items 'i<i>' (1-based), domains 'd<d>'; vocab.itemDomain is set.
 * @throws RangeError on an invalid config (names the field).
 * @example const { interactions, info } = generateSyntheticWithInfo(SYNTHETIC_PRESETS.smoke);
 */
export function generateSyntheticWithInfo(config: SyntheticConfig): { interactions: Interactions; info: SyntheticInfo } {
  checkSyntheticConfig(config);
  const t0 = performance.now();
  const teacher = makeTeacher(config);
  const lengths = drawLengths(config);
  let n = 0;
  for (const len of lengths) n += len;
  const user = new Int32Array(n);
  const item = new Int32Array(n);
  const time = new Float64Array(n);
  const nll = new Float64Array(n);
  const scratch = makeScratch(teacher);
  const h = new Float64Array(teacher.m);
  for (let u = 0, r = 0; u < config.numUsers; u++) {
    const rng = makeRng(deriveSeed(config.seed, 3, u));
    let clock = config.startTime + Math.floor(rng.next() * config.spanSeconds);
    let prevDomain = -1;
    h.fill(0);
    for (let j = 0; j < lengths[u]; j++, r++) {
      const i = sampleNextItem(teacher, h, prevDomain, rng, scratch);
      if (j > 0) clock += 1 + Math.floor(-config.meanGapSeconds * Math.log(1 - rng.next()));
      user[r] = u;
      item[r] = i;
      time[r] = clock;
      nll[r] = -scratch.logProb;
      prevDomain = teacher.itemDomain[i];
      advanceState(teacher, h, i, scratch);
    }
  }
  const vocab = {
    userIds: Array.from({ length: config.numUsers }, (_, u) => `u${u}`),
    itemIds: ['', ...Array.from({ length: config.numItems }, (_, i) => `i${i + 1}`)],
    itemDomain: teacher.itemDomain,
    domains: Array.from({ length: config.numDomains }, (_, d) => `d${d}`),
  };
  const interactions: Interactions = { user, item, time, numUsers: config.numUsers, numItems: config.numItems, vocab };
  return { interactions, info: summarize(interactions, nll, lengths, performance.now() - t0) };
}

/**
 * A seeded synthetic interaction log (see generateSyntheticWithInfo).
 * @example generateSynthetic({ ...SYNTHETIC_PRESETS.default, seed: 1 })
 */
export function generateSynthetic(config: SyntheticConfig): Interactions {
  return generateSyntheticWithInfo(config).interactions;
}

/** The teacher's mean cross-entropy on next-item targets (E), by generating the data once. */
export function syntheticEntropy(config: SyntheticConfig): number {
  return generateSyntheticWithInfo(config).info.entropy;
}
