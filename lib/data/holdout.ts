/**
 * Seeded hold-out of users for the cold-start task (paper V-C: "we randomly select 20% of the
 * users from the dataset as new users who did not participate in the training").
 *
 * Both halves keep the original ids and sizes (numUsers, numItems, vocab): `kept` has empty
 * sequences for the held-out users and `heldOut` has empty sequences for everyone else, so a
 * model trained on `kept` scores `heldOut` users with the same item ids. Exactly
 * round(fraction * U1) users are held out, where U1 counts users with at least one interaction
 * (users without interactions are never held out: there is nothing to test on them).
 *
 * Legend: U users (0-based), CSR offsets of length U + 1.
 */
import type { Sequences } from './types';
import { makeRng } from '../util/rng';
import { checkFraction, sampleSortedIndices } from './subsample';

/** The two halves of a user hold-out and the held-out user ids (increasing). */
export interface UserHoldOut {
  readonly kept: Sequences;
  readonly heldOut: Sequences;
  readonly users: Int32Array;
}

/** A copy of `s` where only users with mask[u] = 1 keep their sequence (others become empty). */
export function selectUsers(s: Sequences, mask: Uint8Array): Sequences {
  const offsets = new Int32Array(s.numUsers + 1);
  for (let u = 0; u < s.numUsers; u++) offsets[u + 1] = offsets[u] + (mask[u] ? s.offsets[u + 1] - s.offsets[u] : 0);
  const items = new Int32Array(offsets[s.numUsers]);
  const times = new Float64Array(offsets[s.numUsers]);
  for (let u = 0; u < s.numUsers; u++) {
    if (!mask[u]) continue;
    items.set(s.items.subarray(s.offsets[u], s.offsets[u + 1]), offsets[u]);
    times.set(s.times.subarray(s.offsets[u], s.offsets[u + 1]), offsets[u]);
  }
  return { offsets, items, times, numUsers: s.numUsers, numItems: s.numItems, vocab: s.vocab };
}

/**
 * Hold out a seeded random round(fraction * U1) of the users with interactions.
 * @throws RangeError when fraction is outside [0, 1].
 * @example const { kept, heldOut } = holdOutUsers(seqs, 0.2, 1); // cold-start: 20% new users
 */
export function holdOutUsers(s: Sequences, fraction: number, seed: number): UserHoldOut {
  checkFraction(fraction, 'holdOutUsers');
  const active: number[] = [];
  for (let u = 0; u < s.numUsers; u++) if (s.offsets[u + 1] > s.offsets[u]) active.push(u);
  const picks = sampleSortedIndices(active.length, Math.round(fraction * active.length), makeRng(seed));
  const users = Int32Array.from(picks, (j) => active[j]);
  const held = new Uint8Array(s.numUsers);
  for (const u of users) held[u] = 1;
  const rest = held.map((h) => 1 - h);
  return { kept: selectUsers(s, rest), heldOut: selectUsers(s, held), users };
}
