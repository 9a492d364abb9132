/**
 * Seeded subsampling of an interaction log, for the data-size levels of Figure 2b (paper IV-B:
 * "we create datasets consisting of 1.8M, 9.2M, and 18.5M interactions", i.e. 10%, 50% and
 * 100% of MovieLens-20M's 18.5M). Two ways, for two questions:
 *
 * sampleUsers (what Figure 2b uses, through the source spec `?sample=<fraction>&seed=<seed>`,
 * lib/data/source.ts): whole users in a seeded random order until their interactions reach
 * round(fraction * n). Every kept user keeps their whole sequence, so the conditional law
 * p(next item | history) is untouched and only the amount of data changes, as when a language
 * model gets fewer documents rather than documents with words cut out. Row thinning (below)
 * would leave gaps in every history: on the synthetic teacher, whose next item depends on the
 * last ~20 items (memory 0.85), a 10% thinning changes the task itself and its irreducible loss.
 * The samples are NESTED: for one seed the users of a smaller fraction are a subset of those of
 * a larger one, so the 10% level's users, with their whole sequences and hence the same
 * leave-one-out histories and targets (without a k-core; a test target is dropped only when its
 * item is unseen, and an item seen in a smaller level is seen in every larger one), are in
 * every level. Figure 2b evaluates every model on them: one fixed test set for all data sizes
 * (lib/experiments/fig-2b.ts).
 *
 * subsampleInteractions: ROWS uniformly (exactly round(fraction * n) of them, every subset of
 * that size equally likely). It keeps the user and item sets nearly intact and thins every
 * user's history, the reading of "the data becomes sparser" in which a level is sparser per
 * user; ids are unchanged (same numUsers, numItems and vocab).
 *
 * Legend: n rows, U users, m = round(fraction * n) sampled rows. Row order is kept in both, so
 * ties in time still resolve in file order.
 */
import type { Interactions } from './types';
import { makeRng, shuffled, type Rng } from '../util/rng';

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

/**
 * A seeded sample of whole users holding round(fraction * n) of the n interactions (see the
 * header): users in the order of a seeded shuffle, taken until their interaction count reaches
 * the target, so the sample holds the target plus less than one user's rows. Nested across
 * fractions for one seed. Kept users are renumbered 0.. in their original order (numUsers and
 * vocab.userIds are the sample's); items keep their ids, numItems and vocab (a model trained on
 * any level has the same output layer). Rows keep their order.
 * @throws RangeError when fraction is outside [0, 1].
 * @example sampleUsers(x, 0.1, 0) // Figure 2b's 10% level: ~10% of the users, whole
 */
export function sampleUsers(x: Interactions, fraction: number, seed: number): Interactions {
  checkFraction(fraction, 'sampleUsers');
  const counts = new Int32Array(x.numUsers);
  for (let r = 0; r < x.user.length; r++) counts[x.user[r]]++;
  // 1. Users in a seeded order, taken until their rows reach the target.
  const target = Math.round(fraction * x.user.length);
  const order = shuffled(Int32Array.from({ length: x.numUsers }, (_, u) => u), makeRng(seed));
  const isKept = new Uint8Array(x.numUsers);
  for (let j = 0, rows = 0; j < order.length && rows < target; j++) {
    isKept[order[j]] = 1;
    rows += counts[order[j]];
  }
  // 2. New user ids in the original order.
  const newId = new Int32Array(x.numUsers).fill(-1);
  const userIds: string[] = [];
  for (let u = 0; u < x.numUsers; u++) {
    if (!isKept[u]) continue;
    newId[u] = userIds.length;
    userIds.push(x.vocab.userIds[u] ?? String(u));
  }
  // 3. The kept users' rows, in file order.
  let m = 0;
  for (let r = 0; r < x.user.length; r++) m += isKept[x.user[r]];
  const user = new Int32Array(m), item = new Int32Array(m), time = new Float64Array(m);
  for (let r = 0, j = 0; r < x.user.length; r++) {
    if (!isKept[x.user[r]]) continue;
    user[j] = newId[x.user[r]];
    item[j] = x.item[r];
    time[j++] = x.time[r];
  }
  return { user, item, time, numUsers: userIds.length, numItems: x.numItems, vocab: { ...x.vocab, userIds } };
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
