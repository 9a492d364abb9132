/**
 * Seeded subsampling of an interaction log, for the data-size levels of Figure 2b (paper IV-B:
 * "we create datasets consisting of 1.8M, 9.2M, and 18.5M interactions", i.e. 10%, 50% and
 * 100% of MovieLens-20M's 18.5M).
 *
 * Choice: we sample ROWS uniformly (exactly round(fraction * n) of them, every subset of that
 * size equally likely), not whole users. The paper counts data size in interactions and its
 * levels are fractions of the interaction count; a row sample keeps the user and item sets
 * nearly intact at 50% and thins every user's history, which is what makes the smaller levels
 * sparser ("as the number of interactions is reduced and the data becomes sparser"). Sampling
 * whole users would instead keep per-user density and drop users.
 *
 * Ids are unchanged (same numUsers, numItems and vocab), so models trained on different
 * levels share one item vocabulary; apply `filterKCore` afterwards to re-densify if wanted.
 * Row order is kept, so ties in time still resolve in file order.
 *
 * Legend: n rows, m = round(fraction * n) sampled rows.
 */
import type { Interactions } from './types';
import { makeRng, type Rng } from '../util/rng';

/**
 * Exactly m of n indices in increasing order, uniformly over all m-subsets
 * (sequential selection sampling, Knuth TAOCP vol. 2, 3.4.2 Algorithm S). O(n) time, no shuffle buffer.
 */
export function sampleSortedIndices(n: number, m: number, rng: Rng): Int32Array {
  if (!Number.isInteger(m) || m < 0 || m > n) throw new RangeError(`sampleSortedIndices: m must be an integer in [0, ${n}], got ${m}`);
  const out = new Int32Array(m);
  let chosen = 0;
  for (let t = 0; t < n && chosen < m; t++) {
    // select t with probability (still needed) / (still available)
    if ((n - t) * rng.next() < m - chosen) out[chosen++] = t;
  }
  return out;
}

/** Throws unless 0 <= fraction <= 1. */
export function checkFraction(fraction: number, fn: string): void {
  if (!(fraction >= 0 && fraction <= 1)) throw new RangeError(`${fn}: fraction must be in [0, 1], got ${fraction}`);
}

/**
 * A seeded uniform sample of round(fraction * rows) interactions, row order and ids kept.
 * @throws RangeError when fraction is outside [0, 1].
 * @example subsampleInteractions(x, 0.1, 42) // Figure 2b's 10% level
 */
export function subsampleInteractions(x: Interactions, fraction: number, seed: number): Interactions {
  checkFraction(fraction, 'subsampleInteractions');
  const n = x.user.length;
  const rows = sampleSortedIndices(n, Math.round(fraction * n), makeRng(seed));
  const user = new Int32Array(rows.length);
  const item = new Int32Array(rows.length);
  const time = new Float64Array(rows.length);
  for (let j = 0; j < rows.length; j++) {
    user[j] = x.user[rows[j]];
    item[j] = x.item[rows[j]];
    time[j] = x.time[rows[j]];
  }
  return { user, item, time, numUsers: x.numUsers, numItems: x.numItems, vocab: x.vocab };
}
