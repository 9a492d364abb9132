import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildModel, dropoutRatesOf, prepareSplit } from '../../lib/runs/build';
import { TRAIN_DEFAULTS } from '../../lib/train/train-config';
import { MODEL_KINDS, MODELS } from '../../lib/models';

const near = (a: readonly number[], b: number[]) => a.forEach((x, i) => assert.ok(Math.abs(x - b[i]) < 1e-12, `${a} vs ${b}`));

test('dropoutRatesOf: LAD on = linear bottom -> top, off = the mean everywhere', () => {
  near(dropoutRatesOf(3, TRAIN_DEFAULTS), [0.3, 0.2, 0.1]);
  near(dropoutRatesOf(3, { ...TRAIN_DEFAULTS, layerwiseDropout: false }), [0.2, 0.2, 0.2]);
  near(dropoutRatesOf(2, { ...TRAIN_DEFAULTS, dropoutBottom: 0.5, dropoutTop: 0.3 }), [0.5, 0.3]);
});

test('buildModel: LSRM gets the per-layer rates and the layer-0 rate on the embedding; seeded init', () => {
  const spec = { kind: 'lsrm' as const, numLayers: 2, dim: 8, numHeads: 2, maxLen: 5 };
  const first = (m: ReturnType<typeof buildModel>) => Array.from([...m.variables.values()][0].dataSync());
  const m = buildModel(spec, 12, TRAIN_DEFAULTS);
  near(m.config.dropout as number[], [0.3, 0.1]);
  assert.equal(m.config.embDropout, 0.3);
  assert.equal(m.config.numItems, 12);
  const w0 = first(m);
  m.dispose();
  const fixed = buildModel({ ...spec, embDropout: 0.05 }, 12, { ...TRAIN_DEFAULTS, layerwiseDropout: false });
  near(fixed.config.dropout as number[], [0.2, 0.2]);
  assert.equal(fixed.config.embDropout, 0.05);
  fixed.dispose();
  // Same seed -> same init; another seed -> another init.
  const again = buildModel(spec, 12, TRAIN_DEFAULTS);
  assert.deepEqual(first(again), w0);
  again.dispose();
  const other = buildModel(spec, 12, { ...TRAIN_DEFAULTS, seed: 1 });
  assert.notDeepEqual(first(other), w0);
  other.dispose();
});

test('buildModel: the baselines build from the same spec', () => {
  for (const kind of ['gru4rec', 'fmlp', 'caser'] as const) {
    const m = buildModel({ kind, numLayers: 1, dim: 8, numHeads: 1, maxLen: 5 }, 12, TRAIN_DEFAULTS);
    assert.equal(m.kind, kind);
    m.dispose();
  }
});

test('buildModel: every MODELS kind through its entry; the baselines keep their own dropout', () => {
  const spec = { numLayers: 2, dim: 8, numHeads: 2, maxLen: 5 };
  const ownDropout: Record<string, number> = { gru4rec: 0.3, fmlp: 0.5, caser: 0.5 }; // RecBole / the authors
  for (const kind of MODEL_KINDS) {
    const m = buildModel({ kind, ...spec }, 12, TRAIN_DEFAULTS);
    assert.deepEqual(m.config, MODELS[kind].fromShape(spec, { numItems: 12, layerDropout: (n) => dropoutRatesOf(n, TRAIN_DEFAULTS) }));
    assert.equal(m.config.numItems, 12);
    assert.equal(m.config.dim, 8);
    if (kind in ownDropout) assert.equal(m.config.dropout, ownDropout[kind], kind);
    m.dispose();
  }
  // Fields a model does not read change nothing: Caser has no layers, GRU4Rec no heads.
  const a = buildModel({ kind: 'caser', ...spec }, 12, TRAIN_DEFAULTS);
  const b = buildModel({ kind: 'caser', ...spec, numLayers: 7, numHeads: 1 }, 12, TRAIN_DEFAULTS);
  assert.deepEqual(a.config, b.config);
  [a, b].forEach((m) => m.dispose());
  assert.throws(() => buildModel({ kind: 'bert' as 'lsrm', ...spec }, 12, TRAIN_DEFAULTS), /unknown model kind 'bert': one of lsrm, gru4rec, fmlp, caser/);
});

test('prepareSplit: source -> k-core -> leave-one-out', async () => {
  // Users a..c with 3 items each over items x,y,z, plus user d with one item w (dropped by 2-core,
  // which also drops item w). Leave-one-out: train = first item, valid = second, test = third.
  const dir = mkdtempSync(join(tmpdir(), 'lsrm-prep-'));
  const file = join(dir, 'tiny.inter');
  const rows = [['a', 'x', 1], ['a', 'y', 2], ['a', 'z', 3], ['b', 'y', 1], ['b', 'z', 2], ['b', 'x', 3], ['c', 'z', 1], ['c', 'x', 2], ['c', 'y', 3], ['d', 'w', 1]];
  writeFileSync(file, 'user_id:token\titem_id:token\ttimestamp:float\n' + rows.map((r) => r.join('\t')).join('\n') + '\n');
  const all = await prepareSplit({ source: `atomic:${file}`, core: 0 });
  assert.equal(all.numUsers, 4);
  const cored = await prepareSplit({ source: `atomic:${file}`, core: 2 });
  assert.equal(cored.numUsers, 3);
  assert.equal(cored.numItems, 3);
  assert.equal(cored.train.items.length, 3);
  const name = (i: number) => cored.vocab.itemIds[i];
  assert.deepEqual(Array.from(cored.valid, name), ['y', 'z', 'x']);
  assert.deepEqual(Array.from(cored.test, name), ['z', 'x', 'y']);
});

test('prepareSplit: data.holdOutUsers leaves the held-out users out of training, ids and counts kept', async () => {
  // 10 users with 4 items each over items i0..i5 (user u: i(u%6), i((u+1)%6), ...); a 0.2 hold-out
  // takes round(0.2 * 10) = 2 users, whose split rows become empty; everyone else is unchanged.
  const dir = mkdtempSync(join(tmpdir(), 'lsrm-holdout-'));
  const file = join(dir, 'tiny.inter');
  const rows: string[] = [];
  for (let u = 0; u < 10; u++) for (let k = 0; k < 4; k++) rows.push(`u${u}\ti${(u + k) % 6}\t${k + 1}`);
  writeFileSync(file, 'user_id:token\titem_id:token\ttimestamp:float\n' + rows.join('\n') + '\n');
  const source = `atomic:${file}`;
  const all = await prepareSplit({ source, core: 0 });
  const held = await prepareSplit({ source, core: 0, holdOutUsers: { fraction: 0.2, seed: 3 } });
  assert.deepEqual([held.numUsers, held.numItems], [all.numUsers, all.numItems]);
  assert.deepEqual(held.vocab.userIds, all.vocab.userIds);
  const out: number[] = [];
  for (let u = 0; u < all.numUsers; u++) {
    const len = held.train.offsets[u + 1] - held.train.offsets[u];
    if (len === 0 && held.valid[u] === 0 && held.test[u] === 0) out.push(u);
    else {
      assert.deepEqual(Array.from(held.train.items.subarray(held.train.offsets[u], held.train.offsets[u + 1])), Array.from(all.train.items.subarray(all.train.offsets[u], all.train.offsets[u + 1])));
      assert.deepEqual([held.valid[u], held.test[u]], [all.valid[u], all.test[u]]);
    }
  }
  assert.equal(out.length, 2);
  const again = await prepareSplit({ source, core: 0, holdOutUsers: { fraction: 0.2, seed: 3 } });
  assert.deepEqual(Array.from(again.test), Array.from(held.test), 'seeded');
  await assert.rejects(prepareSplit({ source, core: 0, holdOutUsers: { fraction: 1.5, seed: 0 } }), /data\.holdOutUsers must be \{ "fraction": a number in \(0, 1\), "seed": an integer \}/);
});
