/**
 * Transfer on multi-domain recommendation (paper V-D, Figure 7).
 *
 * The paper (following its ref. [66]) classifies test users by the domains of their sequence
 * and of their target item: "Mix-domain: Some items in the sequence belong to the same domain as
 * the target item, while the rest are from other domains. Diff-domain: The domains of all items
 * in the sequence are distinct from the domain of the target item." Models are trained on the
 * mixed sequences; only the test set is classified. Figure 7a: NDCG@10 per class and size;
 * 7b: percent improvement over the smallest model per class (percentChange in ./common.ts).
 *
 * Item domains come from the data's own loaders (vocab.itemDomain): the synthetic teacher's
 * domain, MovieLens's first genre (lib/data/load/domains.ts), the Amazon category file.
 *
 * Our reading, where the paper is vague (each choice an option):
 * - "the sequence" is the model's input: the last `window` items before the test item (window =
 *   the model's maxLen), i.e. what the model sees;
 * - mix-domain = some input item shares the test item's domain; diff-domain = none does. The
 *   paper's "while the rest are from other domains" would leave out users whose every input
 *   item shares the target's domain; `strict: true` puts those in a third class, same-domain;
 * - an item without a domain (-1: e.g. MovieLens 'unknown' genre) matches no domain; a user
 *   whose test item has none is not classified (counted as `unclassified`).
 *
 * Legend: U users, I items (1-based), W window.
 */
import type { LeaveOneOutSplit } from '../data/types';
import type { SeqModel } from '../models/types';
import { evaluateModel } from '../eval/evaluate';
import { historyItems } from '../eval/histories';
import { DataError, ValidationError } from '../util/errors';
import { checkCutoffs, modelMaxLen, subsetMetrics, type Metrics } from './common';

export type DomainClass = 'mix-domain' | 'same-domain' | 'diff-domain';

export interface CrossDomainOptions {
  /** Cut-offs of HR@k and NDCG@k (paper: NDCG@10). */
  readonly ks: readonly number[];
  /** Input items looked at; undefined = the model's maxLen. */
  readonly window?: number;
  /** Split off same-domain users (every input item in the target's domain) from mix-domain. */
  readonly strict: boolean;
}

export const CROSS_DOMAIN_DEFAULTS: CrossDomainOptions = { ks: [10], strict: false };

export interface CrossDomainClass {
  readonly class: DomainClass;
  readonly users: number;
  readonly metrics: Metrics;
}

export interface CrossDomainResult {
  readonly window: number;
  readonly classes: readonly CrossDomainClass[];
  /** Test users whose test item has no domain. */
  readonly unclassified: number;
}

/**
 * The class of one test user from the domains of its input items and of its target.
 * @returns undefined when the target has no domain
 * @example domainClass([2, 5], 7, Int32Array.of(-1, 0, 1, 0, 0, 0, 2, 1), false) // items 2, 5 in domains 1, 0; target 7 in 1: 'mix-domain'
 */
export function domainClass(input: ArrayLike<number>, target: number, itemDomain: Int32Array, strict: boolean): DomainClass | undefined {
  const d = itemDomain[target];
  if (d === undefined || d < 0) return undefined;
  let same = 0;
  for (let j = 0; j < input.length; j++) if (itemDomain[input[j]] === d) same++;
  if (same === 0) return 'diff-domain';
  return strict && same === input.length ? 'same-domain' : 'mix-domain';
}

/** The item domains of a split, or a DataError saying where domains come from. */
export function itemDomainsOf(split: LeaveOneOutSplit): Int32Array {
  const d = split.vocab.itemDomain;
  if (d && d.length === split.numItems + 1) return d;
  throw new DataError('cross-domain needs item domains, and this data has none (vocab.itemDomain). ' +
    'Fix: use data whose loader reads them: synthetic (the teacher\'s domains), MovieLens with its genre file beside the ratings ' +
    '(u.item + u.genre, movies.dat, movies.csv or a RecBole .item with a class column), or Amazon category files.');
}

/**
 * Evaluate `model` on the split's test users and report HR@k / NDCG@k per domain class.
 * @throws DataError without item domains; ValidationError on bad options
 */
export async function crossDomain(model: SeqModel, split: LeaveOneOutSplit, options: Partial<CrossDomainOptions> = {}): Promise<CrossDomainResult> {
  const opts = { ...CROSS_DOMAIN_DEFAULTS, ...options };
  const ks = checkCutoffs('cross-domain ks', opts.ks);
  const window = opts.window ?? modelMaxLen(model);
  if (!Number.isInteger(window) || window < 1) throw new ValidationError('cross-domain window', window, 'a positive integer');
  const itemDomain = itemDomainsOf(split);
  const result = await evaluateModel(model, split, { split: 'test', ks, coverageKs: [] });
  const names: DomainClass[] = opts.strict ? ['mix-domain', 'same-domain', 'diff-domain'] : ['mix-domain', 'diff-domain'];
  const rows = new Map<DomainClass, number[]>(names.map((c) => [c, []]));
  let unclassified = 0;
  result.users.forEach((u, r) => {
    const hist = historyItems(split, u, 'test');
    const c = domainClass(hist.subarray(Math.max(0, hist.length - window)), result.targets[r], itemDomain, opts.strict);
    if (c === undefined) unclassified++;
    else rows.get(c)!.push(r);
  });
  const classes = names.map((c) => ({ class: c, users: rows.get(c)!.length, metrics: subsetMetrics(result.ranks, rows.get(c)!, ks) }));
  return { window, classes, unclassified };
}
