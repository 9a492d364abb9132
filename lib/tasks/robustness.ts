/**
 * Robustness against noisy input sequences (paper V-E, Figure 8).
 *
 * The paper: "perturbations in our experiment include removing, and replacing items in the
 * input sequence. Each item has an equal probability of being perturbed." Figure 8: percent
 * performance degradation against the clean input per size. And: "the performance of the
 * large-scale model also significantly declines when multiple perturbations occur
 * consecutively", which we test by grouping users by their longest run of perturbed items.
 *
 * Our reading, where the paper is vague (each choice an option):
 * - the input perturbed is the model's input: the last maxLen items before the test item (test
 *   users of the leave-one-out split); removing items shortens it (older items are not pulled
 *   in), so every perturbation is one the model sees;
 * - each item is perturbed independently with probability p (0.1, 0.2, 0.3); a perturbed item is
 *   removed with probability removeShare and otherwise replaced by an item drawn uniformly from
 *   the I - 1 other items (the test item included). Modes: 'mixed' (removeShare, default 1/2),
 *   'remove' (always removed), 'replace' (always replaced);
 * - an input whose every item is removed stays empty (the model sees only padding), counted in
 *   `emptied`;
 * - randomness: user u under (mode, p) draws from its own stream deriveSeed(seed, mode, p·1e6, u),
 *   so a condition does not depend on the others or on the evaluation order;
 * - degradation = 100 · (clean - noisy) / clean for each metric (positive = worse), clean and
 *   noisy over the same users; null when the clean value is 0;
 * - times (HSTU, FuXi-alpha: models with `usesTime` on data with event times): a kept or replaced
 *   item keeps the time of its original position (a replacement happened at the same moment), a
 *   removed item takes its time with it, the target keeps its own; so the clean and the noisy
 *   evaluation see the same clock and the degradation is the noise's alone;
 * - consecutive perturbations: the longest run of adjacent perturbed positions of the ORIGINAL
 *   input (removed and replaced alike); users grouped by it into 0, 1, ..., maxRun - 1 and
 *   maxRun+; each group reports its clean and noisy metrics, degradation, and the mean number of
 *   perturbed items (a longer run also means more perturbations: compare within a count).
 *
 * Legend: U users, I items (1-based), T input length, p perturbation probability.
 */
import type { LeaveOneOutSplit } from '../data/types';
import type { SeqModel } from '../models/types';
import { evaluateModel } from '../eval/evaluate';
import { evaluateInputs } from '../eval/custom-inputs';
import { buildHistories } from '../eval/histories';
import { hasEventTimes } from '../data/split';
import { deriveSeed, makeRng, type Rng } from '../util/rng';
import { ValidationError } from '../util/errors';
import { checkCutoffs, modelMaxLen, percentChange, subsetMetrics, type Metrics } from './common';

export type PerturbMode = 'mixed' | 'remove' | 'replace';
export const PERTURB_MODES: readonly PerturbMode[] = ['mixed', 'remove', 'replace'];

export interface RobustnessOptions {
  /** Per-item perturbation probabilities (paper figure: 0.1, 0.2, 0.3). */
  readonly probabilities: readonly number[];
  readonly modes: readonly PerturbMode[];
  /** In 'mixed' mode, the probability that a perturbed item is removed (else replaced). */
  readonly removeShare: number;
  readonly seed: number;
  /** Cut-offs of HR@k and NDCG@k (paper: NDCG@10). */
  readonly ks: readonly number[];
  /** Longest-run groups 0 .. maxRun - 1 and maxRun+. */
  readonly maxRun: number;
}

export const ROBUSTNESS_DEFAULTS: RobustnessOptions = { probabilities: [0.1, 0.2, 0.3], modes: ['mixed'], removeShare: 0.5, seed: 0, ks: [10], maxRun: 4 };

/** One perturbed input: the items the model sees, and which original positions were perturbed. */
export interface Perturbed {
  readonly items: Int32Array;
  /** 1 at each position of the original input that was removed or replaced. */
  readonly perturbed: Uint8Array;
  /** source[k] = the position in the original input that items[k] took (kept or replaced). */
  readonly source: Int32Array;
}

export interface RobustnessRun {
  readonly mode: PerturbMode;
  readonly p: number;
  /** '0', '1', ..., '<maxRun>+'. */
  readonly longestRun: string;
  readonly users: number;
  readonly meanPerturbed: number | null;
  readonly clean: Metrics;
  readonly noisy: Metrics;
  readonly degradation: Metrics;
}

export interface RobustnessCondition {
  readonly mode: PerturbMode;
  readonly p: number;
  /** Perturbed items / input items over all users. */
  readonly perturbedShare: number;
  readonly emptied: number;
  readonly noisy: Metrics;
  readonly degradation: Metrics;
}

export interface RobustnessResult {
  readonly users: number;
  readonly clean: Metrics;
  readonly conditions: readonly RobustnessCondition[];
  readonly runs: readonly RobustnessRun[];
}

/** The share of perturbed items that are removed in a mode. */
export function removeShareOf(mode: PerturbMode, removeShare: number): number {
  return mode === 'remove' ? 1 : mode === 'replace' ? 0 : removeShare;
}

/**
 * Perturb each item of `input` with probability p: removed with probability removeShare, else
 * replaced by a uniform other item of 1..numItems. Draws, per item in order: one uniform for
 * "perturbed?", and when perturbed one for "removed?" (only when 0 < removeShare < 1) and one
 * integer for the replacement.
 * @example perturbInput(Int32Array.of(4, 2), 0, 0.5, 9, makeRng(1)) // p = 0: items [4, 2], perturbed [0, 0]
 */
export function perturbInput(input: ArrayLike<number>, p: number, removeShare: number, numItems: number, rng: Rng): Perturbed {
  const kept: number[] = [];
  const source: number[] = [];
  const perturbed = new Uint8Array(input.length);
  for (let j = 0; j < input.length; j++) {
    const item = input[j];
    if (!(rng.next() < p)) {
      kept.push(item);
      source.push(j);
      continue;
    }
    perturbed[j] = 1;
    const isRemoved = removeShare >= 1 || (removeShare > 0 && rng.next() < removeShare);
    if (isRemoved) continue;
    const other = 1 + rng.int(numItems - 1); // uniform over 1..I-1, shifted past the original
    kept.push(other >= item ? other + 1 : other);
    source.push(j);
  }
  return { items: Int32Array.from(kept), perturbed, source: Int32Array.from(source) };
}

/**
 * Length of the longest run of consecutive 1s.
 * @example longestRun(Uint8Array.of(1, 0, 1, 1, 0)) // 2
 */
export function longestRun(flags: ArrayLike<number>): number {
  let best = 0;
  let cur = 0;
  for (let j = 0; j < flags.length; j++) {
    cur = flags[j] ? cur + 1 : 0;
    if (cur > best) best = cur;
  }
  return best;
}

/** The model inputs of the split's test users: the last maxLen items before the test item. */
function testInputs(split: LeaveOneOutSplit, users: Int32Array, maxLen: number): Int32Array[] {
  const padded = buildHistories(split, users, 'test', maxLen);
  return Array.from(users, (_, r) => {
    const row = padded.subarray(r * maxLen, (r + 1) * maxLen);
    let start = 0;
    while (start < maxLen && row[start] === 0) start++;
    return row.slice(start);
  });
}

/** The times of testInputs' items (same trimming: the last maxLen of train + valid). */
function testInputTimes(split: LeaveOneOutSplit, users: Int32Array, inputs: readonly Int32Array[]): Float64Array[] {
  const { offsets, times } = split.train;
  return Array.from(users, (u, r) => {
    const all = [...times.subarray(offsets[u], offsets[u + 1]), ...(split.valid[u] !== 0 ? [split.validTime![u]] : [])];
    return Float64Array.from(all.slice(all.length - inputs[r].length));
  });
}

function checkOptions(opts: RobustnessOptions, numItems: number): number[] {
  if (opts.probabilities.length === 0 || opts.probabilities.some((p) => !(p > 0 && p <= 1))) {
    throw new ValidationError('robustness probabilities', opts.probabilities, 'a non-empty list of numbers in (0, 1]');
  }
  if (opts.modes.length === 0 || opts.modes.some((m) => !PERTURB_MODES.includes(m))) throw new ValidationError('robustness modes', opts.modes, `a non-empty list of ${PERTURB_MODES.join(', ')}`);
  if (!(opts.removeShare >= 0 && opts.removeShare <= 1)) throw new ValidationError('robustness removeShare', opts.removeShare, 'a number in [0, 1]');
  if (!Number.isInteger(opts.maxRun) || opts.maxRun < 1) throw new ValidationError('robustness maxRun', opts.maxRun, 'a positive integer');
  if (!Number.isInteger(opts.seed)) throw new ValidationError('robustness seed', opts.seed, 'an integer');
  if (numItems < 2) throw new ValidationError('robustness', numItems, 'data with at least 2 items (a replacement is another item)');
  return checkCutoffs('robustness ks', opts.ks);
}

function degradationOf(clean: Metrics, noisy: Metrics): Metrics {
  const out: Metrics = {};
  for (const key of Object.keys(clean)) {
    const c = percentChange(clean[key], noisy[key]);
    out[key] = c === null ? null : c === 0 ? 0 : -c;
  }
  return out;
}

/** Per longest-run group: users, mean perturbed count and clean / noisy metrics. */
function runGroups(mode: PerturbMode, p: number, cleanRanks: Int32Array, noisyRanks: Int32Array, perturbed: readonly Uint8Array[], opts: RobustnessOptions, ks: number[]): RobustnessRun[] {
  const rows: number[][] = Array.from({ length: opts.maxRun + 1 }, () => []);
  perturbed.forEach((flags, r) => rows[Math.min(opts.maxRun, longestRun(flags))].push(r));
  return rows.map((g, run) => {
    const count = g.reduce((s, r) => s + perturbed[r].reduce((a, b) => a + b, 0), 0);
    const clean = subsetMetrics(cleanRanks, g, ks);
    const noisy = subsetMetrics(noisyRanks, g, ks);
    return {
      mode, p, longestRun: run === opts.maxRun ? `${run}+` : String(run), users: g.length,
      meanPerturbed: g.length > 0 ? count / g.length : null, clean, noisy, degradation: degradationOf(clean, noisy),
    };
  });
}

/**
 * Evaluate `model` on the clean and perturbed inputs of the split's test users.
 * @throws ValidationError on bad options; RangeError when the split has no test users
 */
export async function robustness(model: SeqModel, split: LeaveOneOutSplit, options: Partial<RobustnessOptions> = {}): Promise<RobustnessResult> {
  const opts = { ...ROBUSTNESS_DEFAULTS, ...options };
  const ks = checkOptions(opts, split.numItems);
  const clean = await evaluateModel(model, split, { split: 'test', ks, coverageKs: [] });
  const all = Array.from(clean.users, (_, r) => r);
  const cleanMetrics = subsetMetrics(clean.ranks, all, ks);
  const inputs = testInputs(split, clean.users, modelMaxLen(model));
  // Times ride along for a time-biased model (the rule of evaluateModel), see the header.
  const inTimes = model.config.usesTime === true && hasEventTimes(split) ? testInputTimes(split, clean.users, inputs) : undefined;
  const targetTimes = inTimes ? Array.from(clean.users, (u) => split.testTime![u]) : [];
  const conditions: RobustnessCondition[] = [];
  const runs: RobustnessRun[] = [];
  for (const mode of opts.modes) {
    const share = removeShareOf(mode, opts.removeShare);
    for (const p of opts.probabilities) {
      const noisyInputs = inputs.map((x, r) => perturbInput(x, p, share, split.numItems,
        makeRng(deriveSeed(opts.seed, PERTURB_MODES.indexOf(mode), Math.round(p * 1e6), clean.users[r]))));
      const times = inTimes ? { inputs: noisyInputs.map((x, r) => Array.from(x.source, (j) => inTimes[r][j])), targets: targetTimes } : undefined;
      const noisy = await evaluateInputs(model, split.numItems, noisyInputs.map((x) => x.items), clean.targets, { ks, coverageKs: [], ...(times ? { times } : {}) });
      const noisyMetrics = subsetMetrics(noisy.ranks, all, ks);
      const total = inputs.reduce((s, x) => s + x.length, 0);
      const hit = noisyInputs.reduce((s, x) => s + x.perturbed.reduce((a, b) => a + b, 0), 0);
      conditions.push({
        mode, p, perturbedShare: total > 0 ? hit / total : 0, emptied: noisyInputs.filter((x) => x.items.length === 0).length,
        noisy: noisyMetrics, degradation: degradationOf(cleanMetrics, noisyMetrics),
      });
      runs.push(...runGroups(mode, p, clean.ranks, noisy.ranks, noisyInputs.map((x) => x.perturbed), opts, ks));
    }
  }
  return { users: clean.users.length, clean: cleanMetrics, conditions, runs };
}
