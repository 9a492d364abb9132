// sampleUsers (lib/data/subsample.ts) and the `?sample=` parameter of synthetic and named sources
// (lib/data/source.ts, applied by loadSource): Figure 2b's data levels.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { sampleUsers } from '../../lib/data/subsample';
import { formatSourceSpec, parseSourceSpec } from '../../lib/data/source';
import { loadSource } from '../../lib/data/load/index';
import { prepareData } from '../../lib/data/pipeline';
import type { Interactions } from '../../lib/data/types';
import { DataError } from '../../lib/util/errors';

/** User u has u + 1 rows (users 0..9, 55 rows); item = 1 + (row mod 4); time = row index. */
function log(): Interactions {
  const user: number[] = [];
  for (let u = 0; u < 10; u++) for (let k = 0; k <= u; k++) user.push(u);
  return {
    user: Int32Array.from(user),
    item: Int32Array.from(user, (_, r) => 1 + (r % 4)),
    time: Float64Array.from(user, (_, r) => r),
    numUsers: 10,
    numItems: 4,
    vocab: { userIds: Array.from({ length: 10 }, (_, u) => `u${u}`), itemIds: ['', 'a', 'b', 'c', 'd'] },
  };
}

/** The raw ids of the users in a sample and their row counts. */
function usersOf(x: Interactions): Map<string, number> {
  const m = new Map<string, number>();
  for (const u of x.user) m.set(x.vocab.userIds[u], (m.get(x.vocab.userIds[u]) ?? 0) + 1);
  return m;
}

test('whole users: each kept user keeps every row, in file order; items keep their ids', () => {
  const x = log();
  const y = sampleUsers(x, 0.5, 3);
  const kept = usersOf(y);
  for (const [id, n] of kept) assert.equal(n, Number(id.slice(1)) + 1, `${id} keeps all its rows`);
  for (let j = 1; j < y.time.length; j++) assert.ok(y.time[j] > y.time[j - 1], 'file order');
  y.time.forEach((r, j) => assert.equal(y.item[j], x.item[r], 'each row keeps its item'));
  assert.equal(y.numItems, 4);
  assert.deepEqual(y.vocab.itemIds, x.vocab.itemIds);
  // Users are renumbered 0.. in their original order.
  assert.equal(y.numUsers, kept.size);
  assert.deepEqual(y.vocab.userIds, [...y.vocab.userIds].sort((a, b) => Number(a.slice(1)) - Number(b.slice(1))));
  assert.deepEqual([...new Set(y.user)], Array.from({ length: kept.size }, (_, u) => u));
});

test('the sample reaches round(fraction * n) rows and stops at the first user that reaches it', () => {
  const x = log(); // 55 rows
  for (const [f, seed] of [[0.1, 0], [0.5, 1], [0.5, 7], [0.9, 2]] as const) {
    const y = sampleUsers(x, f, seed);
    const target = Math.round(f * 55);
    const counts = [...usersOf(y).values()];
    assert.ok(y.user.length >= target, `${f}: ${y.user.length} >= ${target}`);
    // Without the last user taken the sample was still short of the target, so it overshoots by
    // less than one user: total - (largest kept user) <= total - (last user) < target.
    assert.ok(y.user.length - Math.max(...counts) < target, `${f}: no user too many`);
  }
  assert.equal(sampleUsers(x, 1, 0).user.length, 55);
  assert.equal(sampleUsers(x, 0, 0).user.length, 0);
});

test('nested: for one seed, the users of a smaller fraction are among those of a larger one', () => {
  const x = log();
  for (const seed of [0, 1, 2, 3]) {
    const small = usersOf(sampleUsers(x, 0.2, seed));
    const large = usersOf(sampleUsers(x, 0.6, seed));
    for (const id of small.keys()) assert.ok(large.has(id), `seed ${seed}: ${id}`);
  }
});

test('seeded: the same seed gives the same users, other seeds other users', () => {
  const x = log();
  const a = [...usersOf(sampleUsers(x, 0.3, 11)).keys()];
  assert.deepEqual([...usersOf(sampleUsers(x, 0.3, 11)).keys()], a);
  const others = [12, 13, 14, 15].map((s) => [...usersOf(sampleUsers(x, 0.3, s)).keys()].join());
  assert.ok(others.some((o) => o !== a.join()), 'some other seed picks other users');
  assert.throws(() => sampleUsers(x, 1.2, 0), /sampleUsers: fraction must be in \[0, 1\], got 1.2/);
});

test('source specs: ?sample=<fraction>&seed=<seed> on synthetic and named sources, round-tripped', () => {
  assert.deepEqual(parseSourceSpec('synthetic:cpu?sample=0.1&seed=0'), { kind: 'synthetic', preset: 'cpu', sample: { fraction: 0.1, seed: 0 } });
  assert.deepEqual(parseSourceSpec('synthetic?sample=0.5'), { kind: 'synthetic', sample: { fraction: 0.5, seed: 0 } });
  assert.deepEqual(parseSourceSpec('dataset:ml-100k?seed=3&sample=1'), { kind: 'dataset', name: 'ml-100k', sample: { fraction: 1, seed: 3 } });
  assert.deepEqual(parseSourceSpec('ml-100k?sample=0.25&seed=2'), { kind: 'dataset', name: 'ml-100k', sample: { fraction: 0.25, seed: 2 } });
  for (const s of ['synthetic:cpu?sample=0.1&seed=0', 'synthetic?sample=0.5&seed=4', 'dataset:ml-1m?sample=0.5&seed=1']) assert.equal(formatSourceSpec(parseSourceSpec(s)), s);
  assert.equal(formatSourceSpec(parseSourceSpec('ml-100k?sample=0.5')), 'dataset:ml-100k?sample=0.5&seed=0');
  // Without a parameter nothing changes; a file path keeps its '?'.
  assert.deepEqual(parseSourceSpec('synthetic:cpu'), { kind: 'synthetic', preset: 'cpu' });
  assert.deepEqual(parseSourceSpec('csv:logs/a?b.csv'), { kind: 'csv', path: 'logs/a?b.csv' });
});

test('source specs: a bad parameter is a DataError naming it and the fix', () => {
  const cases: [string, RegExp][] = [
    ['synthetic:cpu?sample=0', /sample must be a fraction in \(0, 1\], got "0"/],
    ['synthetic:cpu?sample=1.5', /got "1.5"/],
    ['synthetic:cpu?sample=', /got ""/],
    ['synthetic:cpu?sample=ten', /got "ten"/],
    ['synthetic:cpu?seed=1', /has parameters but no sample=<fraction>/],
    ['synthetic:cpu?sample=0.1&seed=-1', /seed must be an integer >= 0, got "-1"/],
    ['synthetic:cpu?sample=0.1&seed=0.5', /seed must be an integer >= 0, got "0.5"/],
    ['synthetic:cpu?fraction=0.1', /unknown parameter "fraction" \(sample and seed are known\)/],
    ['synthetic:cpu?sample=0.1&sample=0.2', /parameter "sample" is given twice/],
    ['dataset:ml-2m?sample=0.1', /unknown dataset "ml-2m"/],
  ];
  for (const [spec, re] of cases) {
    assert.throws(() => parseSourceSpec(spec), (e: unknown) => e instanceof DataError && re.test(e.message) && (/unknown dataset/.test(e.message) || /Fix: write \?sample=/.test(e.message)), spec);
  }
});

test('loadSource applies the sample: whole users of the synthetic data, nested, same items', async () => {
  const full = (await loadSource('synthetic:smoke')).interactions;
  const half = (await loadSource('synthetic:smoke?sample=0.5&seed=0')).interactions;
  const tenth = (await loadSource('synthetic:smoke?sample=0.1&seed=0')).interactions;
  assert.deepEqual(half, sampleUsers(full, 0.5, 0));
  assert.ok(tenth.user.length >= Math.round(0.1 * full.user.length) && tenth.user.length < half.user.length);
  assert.equal(tenth.numItems, full.numItems);
  // The 10% users' leave-one-out targets are the same in both levels (core 0): the fixed test set of Figure 2b.
  const testOf = (x: Interactions) => {
    const { split } = prepareData({ interactions: x, core: 0 });
    return new Map(Array.from(split.test, (t, u) => [x.vocab.userIds[u], t]));
  };
  const small = testOf(tenth);
  const large = testOf(half);
  for (const [id, t] of small) if (t !== 0) assert.equal(large.get(id), t, id);
});
