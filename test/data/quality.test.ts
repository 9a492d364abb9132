import { test } from 'node:test';
import assert from 'node:assert/strict';
import { approximateEntropy, datasetApEn, formatApEn, itemPopularityRanks } from '../../lib/data/quality';
import type { Sequences } from '../../lib/data/types';
import { makeRng } from '../../lib/util/rng';

const ln = Math.log;
const close = (a: number, b: number, msg?: string): void => assert.ok(Math.abs(a - b) < 1e-12, `${msg ?? ''} ${a} vs ${b}`);

/** CSR sequences from literal per-user item lists (items 1..numItems). */
function seqsOf(lists: number[][], itemDomain?: number[]): Sequences {
  const offsets = new Int32Array(lists.length + 1);
  lists.forEach((l, u) => (offsets[u + 1] = offsets[u] + l.length));
  const items = Int32Array.from(lists.flat());
  const numItems = Math.max(0, ...items, (itemDomain?.length ?? 1) - 1);
  return {
    offsets,
    items,
    times: Float64Array.from(items, (_, j) => j),
    numUsers: lists.length,
    numItems,
    vocab: {
      userIds: lists.map((_, u) => `u${u}`),
      itemIds: Array.from({ length: numItems + 1 }, (_, i) => (i ? `i${i}` : '')),
      ...(itemDomain ? { itemDomain: Int32Array.from(itemDomain), domains: ['a', 'b'] } : {}),
    },
  };
}

/**
 * Brute force, written from the definition and independent of lib: list every template,
 * count matches over all j (self included), divide by the number of templates.
 */
function bruteApEn(u: number[], m: number, r: number): number {
  const phi = (len: number): number => {
    const t = u.length - len + 1;
    const templates = Array.from({ length: t }, (_, i) => u.slice(i, i + len));
    const c = templates.map((x) => templates.filter((y) => x.every((v, k) => Math.abs(v - y[k]) <= r)).length / t);
    return c.reduce((s, v) => s + ln(v), 0) / t;
  };
  return Math.abs(phi(m + 1) - phi(m));
}

test('a constant sequence has ApEn 0 for any m and N', () => {
  // Every template matches every template, so C_i^m = (N-m+1)/(N-m+1) = 1 and
  // C_i^{m+1} = (N-m)/(N-m) = 1: Phi^m = Phi^{m+1} = 0. This needs the denominator to be the
  // number of templates compared at each length (N-m+1, then N-m); dividing the m-counts by
  // N-m instead would give ln((N-m+1)/(N-m)) for a sequence with nothing to learn.
  for (const m of [1, 2, 4, 8]) {
    for (const n of [m + 1, m + 2, 25, 50]) assert.equal(approximateEntropy(new Array(n).fill(7), { m, r: 0 }), 0, `m ${m} N ${n}`);
  }
});

test('distinct items: ApEn = ln((N-m+1)/(N-m)), for m = 2 ln((N-1)/(N-2)) (the issue is right)', () => {
  // With no repeat each template matches only itself: C_i^m = 1/(N-m+1), so Phi^m = -ln(N-m+1)
  // and Phi^{m+1} = -ln(N-m); ApEn = ln(N-m+1) - ln(N-m). For m = 2 that is ln((N-1)/(N-2)),
  // the statement (N the sequence length); ln((N-m)/(N-m-1)) is the m+1 value, off by one.
  // N = 50, m = 2: ln(49/48) = 0.020619...; N = 4: ln(3/2).
  close(approximateEntropy([1, 2, 3, 4], { m: 2, r: 0 }), ln(3 / 2));
  close(approximateEntropy(Array.from({ length: 50 }, (_, i) => 100 - i), { m: 2, r: 0 }), ln(49 / 48));
  for (const m of [1, 2, 4, 8]) {
    for (let n = m + 1; n <= 50; n++) {
      const u = Array.from({ length: n }, (_, i) => 3 * i + 1);
      const want = ln((n - m + 1) / (n - m));
      close(approximateEntropy(u, { m, r: 0 }), want, `m ${m} N ${n}`);
      close(bruteApEn(u, m, 0), want, `brute m ${m} N ${n}`);
    }
  }
});

test('a periodic sequence has small ApEn, far below the no-repeat value of its length', () => {
  // u = 1 2 3 1 2 3 ... (period 3, N = 14), m = 2. Templates match iff they start in the same
  // phase. m-templates: 13, phases of sizes 5, 4, 4 -> Phi^2 = (5 ln(5/13) + 8 ln(4/13)) / 13.
  // (m+1)-templates: 12, three phases of 4 -> Phi^3 = ln(4/12) = -ln 3.
  // ApEn = |-ln 3 - Phi^2| = 0.0057817..., against ln(13/12) = 0.0800 with no repeats.
  const u = Array.from({ length: 14 }, (_, i) => (i % 3) + 1);
  const want = Math.abs(-ln(3) - (5 * ln(5 / 13) + 8 * ln(4 / 13)) / 13);
  close(approximateEntropy(u, { m: 2, r: 0 }), want);
  assert.ok(want < 0.006 && want < ln(13 / 12) / 10);
  // longer periodic sequences go to 0 (every phase the same size at both lengths in the limit)
  const long = Array.from({ length: 300 }, (_, i) => (i % 5) + 1);
  assert.ok(approximateEntropy(long, { m: 2, r: 0 }) < 1e-3);
});

test('a seeded random sequence over a small alphabet matches the brute force', () => {
  const rng = makeRng(15);
  for (const alphabet of [2, 3, 5]) {
    for (const n of [5, 17, 50]) {
      const u = Array.from({ length: n }, () => rng.int(alphabet) + 1);
      for (const m of [1, 2, 4]) close(approximateEntropy(u, { m, r: 0 }), bruteApEn(u, m, 0), `alphabet ${alphabet} N ${n} m ${m}`);
    }
  }
  // i.i.d. over 2 letters: ApEn ~ the entropy ln 2 for long sequences, far above a period
  const coin = Array.from({ length: 400 }, () => rng.int(2));
  const h = approximateEntropy(coin, { m: 1, r: 0 });
  assert.ok(h > 0.6 && h < ln(2) + 1e-9, `coin ${h}`);
});

test('a numeric tolerance r >= 1 counts near values as matches', () => {
  // u = 1 2 3 4 5, m = 1, r = 1: |a - b| <= 1 matches neighbours.
  // m = 1: 5 templates, matches 2,3,3,3,2 -> Phi^1 = (2 ln(2/5) + 3 ln(3/5)) / 5.
  // m + 1 = 2: (1,2),(2,3),(3,4),(4,5), matches 2,3,3,2 -> Phi^2 = (2 ln(2/4) + 2 ln(3/4)) / 4.
  // ApEn = |Phi^2 - Phi^1| = 0.182597...; exact match gives the no-repeat ln(5/4).
  const u = [1, 2, 3, 4, 5];
  const want = Math.abs((2 * ln(2 / 4) + 2 * ln(3 / 4)) / 4 - (2 * ln(2 / 5) + 3 * ln(3 / 5)) / 5);
  close(approximateEntropy(u, { m: 1, r: 1 }), want);
  close(approximateEntropy(u, { m: 1, r: 0.5 }), ln(5 / 4), 'r < 1 is exact match');
  close(approximateEntropy(u, { m: 1, r: 4 }), 0, 'r >= range: all match');
  const rng = makeRng(7);
  const v = Array.from({ length: 30 }, () => rng.int(20));
  for (const r of [1, 2, 5]) close(approximateEntropy(v, { m: 2, r }), bruteApEn(v, 2, r), `r ${r}`);
});

test('approximateEntropy rejects a bad window, tolerance or a too-short sequence', () => {
  assert.throws(() => approximateEntropy([1, 2, 3], { m: 0, r: 0 }), /ApEnOptions.m must be a positive integer, got 0/);
  assert.throws(() => approximateEntropy([1, 2, 3], { m: 1.5, r: 0 }), /ApEnOptions.m must be a positive integer, got 1.5/);
  assert.throws(() => approximateEntropy([1, 2, 3], { m: 1, r: -1 }), /ApEnOptions.r must be a number >= 0, got -1/);
  assert.throws(() => approximateEntropy([1, 2], { m: 2, r: 0 }), /at least m \+ 1 = 3 values, got 2/);
  assert.throws(() => approximateEntropy([], { m: 1, r: 0 }), /got 0/);
  assert.equal(approximateEntropy([1, 2], { m: 1, r: 0 }), ln(2), 'N = m + 1: Phi^2 = 0, Phi^1 = -ln 2');
});

test('datasetApEn averages over users with more than m + 1 items in the cut', () => {
  // m = 2. u0 constant, N 5 -> 0; u1 distinct, N 4 -> ln(3/2); u2 (N 2), u3 (empty) and
  // u4 (N 3 = m + 1) are left out. Mean (0 + ln 1.5) / 2; no-repeat reference
  // (ln(4/3) + ln(3/2)) / 2 = ln(2) / 2.
  const s = seqsOf([[5, 5, 5, 5, 5], [1, 2, 3, 4], [1, 2], [], [1, 2, 3]]);
  const a = datasetApEn(s);
  assert.deepEqual({ ...a, apen: 0, noRepeatApEn: 0 }, { apen: 0, noRepeatApEn: 0, users: 2, m: 2, r: 0, cutLength: 50, compare: 'id' });
  close(a.apen, ln(1.5) / 2);
  close(a.noRepeatApEn, ln(2) / 2);
  assert.match(formatApEn(a), /^ApEn 0\.2027 \(m 2, exact match on id, last 50 items, 2 users; 0\.3466 if no item repeated\)$/);
  // m = 1: u4 (N 3) now counts too (u0, u1, u4); u2 (N 2 = m + 1) is still out
  assert.equal(datasetApEn(s, { m: 1 }).users, 3);
});

test('datasetApEn cuts each sequence to its last cutLength items', () => {
  // u0 = 9 9 9 1 2 3 4: the last 4 are distinct -> ln(3/2); the whole sequence is not.
  const s = seqsOf([[9, 9, 9, 1, 2, 3, 4]]);
  close(datasetApEn(s, { cutLength: 4 }).apen, ln(3 / 2));
  close(datasetApEn(s).apen, bruteApEn([9, 9, 9, 1, 2, 3, 4], 2, 0));
  assert.throws(() => datasetApEn(s, { m: 2, cutLength: 3 }), /ApEnOptions.cutLength must be an integer >= 4, got 3/);
});

test('compare domain maps items through vocab.itemDomain', () => {
  // domains: item 1 -> a (0), 2 -> a, 3 -> b (1), 4 -> b. u0 = 1 3 2 4 1 3 is distinct in ids
  // until the repeat, but a b a b a b in domains: period 2.
  const dom = [-1, 0, 0, 1, 1];
  const s = seqsOf([[1, 3, 2, 4, 1, 3]], dom);
  const a = datasetApEn(s, { compare: 'domain' });
  close(a.apen, bruteApEn([0, 1, 0, 1, 0, 1], 2, 0));
  close(datasetApEn(s).apen, bruteApEn([1, 3, 2, 4, 1, 3], 2, 0));
  assert.ok(a.apen < datasetApEn(s).apen);
  assert.throws(() => datasetApEn(seqsOf([[1, 2, 3, 4]]), { compare: 'domain' }), /needs item domains.*Fix: compare 'id'/);
  assert.throws(() => datasetApEn(s, { compare: 'domain', r: 1 }), /ApEnOptions.r must be below 1 when comparing domains/);
});

test('itemPopularityRanks: most interactions first, ties by smaller id, unseen last', () => {
  // counts: 1 -> 1, 2 -> 3, 3 -> 1, 4 -> 0 (unseen; numItems 4 from the domain column)
  const s = seqsOf([[1, 2, 2], [2, 3]], [-1, 0, 0, 1, 1]);
  assert.deepEqual(Array.from(itemPopularityRanks(s)), [-1, 1, 0, 2, 3]);
});

test('compare popularity-rank: exact match equals ids, a tolerance groups similar ranks', () => {
  const rng = makeRng(3);
  const lists = Array.from({ length: 6 }, () => Array.from({ length: 12 }, () => rng.int(8) + 1));
  const s = seqsOf(lists);
  close(datasetApEn(s, { compare: 'popularity-rank' }).apen, datasetApEn(s).apen, 'ranks are a bijection of ids');
  const rank = itemPopularityRanks(s);
  const want = lists.reduce((acc, l) => acc + bruteApEn(l.map((i) => rank[i]), 2, 1), 0) / lists.length;
  close(datasetApEn(s, { compare: 'popularity-rank', r: 1 }).apen, want);
});

test('datasetApEn errors: bad settings, and no user long enough', () => {
  const s = seqsOf([[1, 2], [3], []]);
  assert.throws(() => datasetApEn(s, { m: 0 }), /ApEnOptions.m must be a positive integer, got 0/);
  assert.throws(() => datasetApEn(s, { r: Number.NaN }), /ApEnOptions.r must be a number >= 0/);
  assert.throws(() => datasetApEn(s, { compare: 'genre' as never }), /ApEnOptions.compare must be one of id, domain, popularity-rank, got 'genre'/);
  assert.throws(() => datasetApEn(s), /more than m \+ 1 = 3 items, and the longest of the 3 sequences \(cut to 50\) has 2\. Fix: a smaller m \(at most 0\)/);
  assert.throws(() => datasetApEn(seqsOf([])), /longest of the 0 sequences/);
});
