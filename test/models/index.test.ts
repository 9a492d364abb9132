/**
 * The registry (lib/models/index.ts) is the one source of model kinds, defaults, counts and
 * descriptions: each entry's parts agree with the model it creates, and no file outside
 * lib/models switches on a model kind.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { defaultShape, isModelKind, MODEL_KINDS, MODELS, modelEntry } from '../../lib/models';

const ZERO_DROPOUT = (n: number) => new Array<number>(n).fill(0);

test('MODELS: each entry\'s defaults pass its own create; paramCounts and describe agree with the model', () => {
  for (const kind of MODEL_KINDS) {
    const entry = MODELS[kind];
    const config = { ...entry.defaults, numItems: 30 };
    const m = modelEntry(kind).create(config, 0);
    assert.equal(m.kind, kind);
    const { numItems, ...rest } = m.config;
    assert.equal(numItems, 30);
    assert.deepEqual(rest, { ...entry.defaults }, `${kind}: the created config is the defaults`);
    assert.deepEqual(modelEntry(kind).paramCounts({ numItems: 30 }), m.paramCounts(), kind);
    assert.match(modelEntry(kind).describe({ numItems: 30 }), new RegExp(`^${entry.label} .*, [\\d.]+K non-emb$`));
    m.dispose();
  }
});

test('MODELS: describe lines of the Table V shapes (ML-100k items)', () => {
  const line = (kind: string) => modelEntry(kind).describe({ numItems: 1682 });
  assert.equal(line('lsrm'), 'LSRM 2x64, 98.3K non-emb'); // 12·2·64² = 98,304
  assert.equal(line('gru4rec'), 'GRU4Rec 2x64 (hidden 128), 180.3K non-emb'); // 180,288
  assert.equal(line('fmlp'), 'FMLP-Rec 2x64 (inner 256), 73.22K non-emb'); // 73,216
  assert.equal(line('caser'), 'Caser d=64 L=5 (16 h / 4 v filters), 41.19K non-emb'); // 41,192
  assert.equal(line('hstu'), 'HSTU 2x64 (2 heads), 41.54K non-emb'); // 2·(5·64² + 64 + 2·50 + 128) = 41,544
  assert.equal(line('fuxi'), 'FuXi-α 2x64 (2 heads, ffn 64), 98.89K non-emb'); // 2·(12·64² + 64 + 2·50 + 128) = 98,888
  assert.equal(line('llama'), 'Llama 2x64 (2 heads, ffn 176), 100.7K non-emb'); // 2·(4·64² + 3·64·176 + 128) + 64 = 100,672
});

test('fromShape: the shape fields a model reads, its own defaults for the rest', () => {
  const shape = { numLayers: 3, dim: 16, numHeads: 4, maxLen: 20 };
  for (const kind of MODEL_KINDS) {
    const entry = modelEntry(kind);
    const c = entry.fromShape(shape, { numItems: 9, layerDropout: ZERO_DROPOUT }) as unknown as Record<string, unknown>;
    assert.equal(c.numItems, 9);
    for (const f of entry.shapeFields) if (f !== 'embDropout') assert.equal(c[f], shape[f], `${kind}.${f}`);
    // A field the model does not read changes nothing.
    const other = entry.fromShape({ numLayers: 1, dim: 16, numHeads: 1, maxLen: 20 }, { numItems: 9, layerDropout: ZERO_DROPOUT });
    if (!entry.shapeFields.includes('numLayers') && !entry.shapeFields.includes('numHeads')) assert.deepEqual(other, c);
    entry.create(c as { numItems: number }, 0).dispose();
  }
  // LSRM: per-layer rates from the run; the embedding takes layer 0's unless the shape sets it.
  const rates = (n: number) => Array.from({ length: n }, (_, l) => 0.3 - 0.1 * l);
  const lsrm = MODELS.lsrm.fromShape(shape, { numItems: 9, layerDropout: rates });
  assert.deepEqual([lsrm.dropout, lsrm.embDropout], [rates(3), 0.3]);
  assert.equal(MODELS.lsrm.fromShape({ ...shape, embDropout: 0.05 }, { numItems: 9, layerDropout: rates }).embDropout, 0.05);
  // The other transformers take them the same way; HSTU and FuXi-alpha split dim over the heads.
  for (const kind of ['hstu', 'fuxi', 'llama'] as const) {
    const c = MODELS[kind].fromShape(shape, { numItems: 9, layerDropout: rates });
    assert.deepEqual([c.dropout, c.embDropout], [rates(3), 0.3], kind);
  }
  const hstu = MODELS.hstu.fromShape(shape, { numItems: 9, layerDropout: rates });
  assert.deepEqual([hstu.qkDim, hstu.vDim], [4, 4]);
});

test('modelEntry, isModelKind and defaultShape', () => {
  assert.deepEqual(MODEL_KINDS, ['lsrm', 'gru4rec', 'fmlp', 'caser', 'hstu', 'fuxi', 'llama']);
  assert.equal(isModelKind('fmlp'), true);
  assert.equal(isModelKind('toString'), false);
  assert.throws(() => modelEntry('bert'), /^Error: unknown model kind 'bert': one of lsrm, gru4rec, fmlp, caser, hstu, fuxi, llama$/);
  // Fields a model lacks (Caser: layers; the baselines: heads) take LSRM's defaults.
  for (const kind of MODEL_KINDS) assert.deepEqual(defaultShape(kind), { numLayers: 2, dim: 64, numHeads: 2, maxLen: 50 });
});

test('no file outside lib/models switches on a model kind', () => {
  const lib = resolve(__dirname, '../../lib');
  const list = (dir: string): string[] =>
    readdirSync(dir).flatMap((n) => (statSync(join(dir, n)).isDirectory() ? list(join(dir, n)) : n.endsWith('.ts') ? [join(dir, n)] : []));
  const kinds = MODEL_KINDS.join('|');
  const pattern = new RegExp(`(case\\s+|[!=]==\\s*)['"](${kinds})['"]|['"](${kinds})['"]\\s*[!=]==`);
  const found = list(lib)
    .map((f) => relative(lib, f).split('\\').join('/'))
    .filter((f) => !f.startsWith('models/') && pattern.test(readFileSync(join(lib, f), 'utf8')));
  assert.deepEqual(found, []);
});
