/**
 * The SeqModel contract every registry model passes (STYLE 2.8): shapes, causality, padding
 * invariance, no tensor leaks, determinism from the seed, a loss that falls when overfitting one
 * tiny batch, the shared loss against the plain formula, parameter counts that match the
 * variables, and named errors for bad configs and inputs. test/models/contract.test.ts holds the
 * one list of models under contract; no kernel registration is needed (lib/ops does it).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { modelEntry, type ModelKind } from '../../lib/models';
import { formatCount } from '../../lib/models/toolkit';
import type { ForwardOptions, SeqModel } from '../../lib/models/types';
import { nextItemLoss } from '../../lib/train/loss';

/** Builds a small model: 20 items, maxLen >= 10, the rest chosen by the model's test. */
export type MakeModel = (seed: number) => SeqModel;

/** One model under contract: its kind and a tiny config (numItems is added: NUM_ITEMS). */
export interface ContractCase {
  readonly kind: ModelKind;
  /** maxLen 10 and some dropout > 0, so the dropout checks bite. */
  readonly tiny: Readonly<Record<string, unknown>>;
  /** Float noise bound (FMLP's DFT: ~1e-6). */
  readonly tol?: number;
  readonly overfitSteps?: number;
  readonly lr?: number;
}

export const NUM_ITEMS = 20;
const EVAL: ForwardOptions = { isTraining: false };

/** encode() as a nested array [B][T][D], tensors disposed. */
export function encodeArray(model: SeqModel, rows: number[][], opts: ForwardOptions = EVAL): number[][][] {
  return tf.tidy(() => model.encode(tf.tensor2d(rows, undefined, 'int32'), opts).arraySync());
}

/** Largest |a - b| over two equally shaped nested arrays. */
export function maxAbsDiff(a: number[] | number[][] | number[][][], b: typeof a): number {
  const fa = (a as number[]).flat(2) as number[];
  const fb = (b as number[]).flat(2) as number[];
  assert.equal(fa.length, fb.length, 'shape mismatch');
  return fa.reduce((m, x, i) => Math.max(m, Math.abs(x - fb[i])), 0);
}

/**
 * Mean softmax cross-entropy over items 1..I at every slot whose target is not 0:
 * logits = h · table[1..I]ᵀ (+ bias[1..I]); the formula of the shared training loss, written with
 * plain tf ops so the contract checks do not depend on lib/train's fused kernels.
 */
export function plainNextItemLoss(model: SeqModel, inputs: tf.Tensor2D, targets: tf.Tensor2D, opts: ForwardOptions): tf.Scalar {
  return tf.tidy(() => {
    const h = model.encode(inputs, opts); // [B, T, D]
    const [B, T, D] = h.shape;
    const table = model.outputTable().slice([1, 0], [-1, D]); // [I, D]
    let logits = tf.matMul(h.reshape([B * T, D]), table, false, true); // [B·T, I]
    if (model.outputBias) logits = tf.add(logits, model.outputBias().slice([1], [-1]));
    const flatTargets = targets.reshape([B * T]); // [B·T]
    const mask = tf.notEqual(flatTargets, 0).cast('float32'); // [B·T]
    const onehot = tf.oneHot(tf.maximum(tf.sub(flatTargets, 1), 0).cast('int32'), table.shape[0]); // [B·T, I]
    const nll = tf.neg(tf.sum(tf.mul(onehot, tf.logSoftmax(logits)), 1)); // [B·T]
    return tf.div(tf.sum(tf.mul(nll, mask)), tf.sum(mask)) as tf.Scalar;
  });
}

// Left-padded rows of length 10 (0 = padding), items in 1..20.
const ROWS = [
  [0, 0, 0, 3, 5, 7, 2, 9, 4, 11],
  [1, 2, 3, 4, 5, 6, 7, 8, 9, 10],
  [0, 0, 0, 0, 0, 0, 0, 0, 17, 20],
];

/** Registers the contract tests of one model kind, built through its registry entry. */
export function contractTests(spec: ContractCase): void {
  const entry = modelEntry(spec.kind);
  const name = spec.kind;
  const config = { ...spec.tiny, numItems: NUM_ITEMS };
  const make: MakeModel = (seed) => entry.create(config, seed);
  const tol = spec.tol ?? 1e-6;

  test(`${name}: encode gives [B, T, D] for any T <= maxLen and rejects bad input`, () => {
    const m = make(1);
    const D = tf.tidy(() => m.outputTable().shape[1]);
    for (const T of [1, 3, 10]) {
      const out = encodeArray(m, ROWS.map((r) => r.slice(10 - T)));
      assert.deepEqual([out.length, out[0].length, out[0][0].length], [3, T, D]);
      assert.ok(out.flat(2).every(Number.isFinite));
    }
    const maxLen = m.config.maxLen as number;
    assert.throws(() => encodeArray(m, [new Array(maxLen + 1).fill(1)]), new RegExp(`^Error: ${name}.encode: sequence length ${maxLen + 1} must be in \\[1, maxLen=${maxLen}\\]$`));
    assert.throws(() => tf.tidy(() => m.encode(tf.tensor1d([1, 2], 'int32') as unknown as tf.Tensor2D, EVAL)), new RegExp(`${name}.encode: seqs must be an int32 \\[B, T\\] tensor, got int32 \\[2\\]`));
    assert.throws(() => tf.tidy(() => m.encode(tf.tensor2d([[1, 2]]), EVAL)), new RegExp(`${name}.encode: seqs must be an int32 \\[B, T\\] tensor, got float32 \\[1, 2\\]`));
    const table = tf.tidy(() => m.outputTable().shape);
    assert.deepEqual(table, [NUM_ITEMS + 1, D]);
    m.dispose();
  });

  test(`${name}: causal, item slot t depends on slots <= t only`, () => {
    const m = make(2);
    const base = encodeArray(m, ROWS);
    // Only item slots are compared: no loss or metric reads a padding slot's output, and
    // LSRM's padding queries (every key masked) attend uniformly to all slots (types.ts).
    const itemSlots = (rows: number[][][], b: number, t: number) => rows[b].filter((_, s) => s < t && ROWS[b][s] !== 0);
    for (let t = 3; t < 10; t++) {
      const changed = ROWS.map((r) => r.map((x, s) => (s === t ? (x % NUM_ITEMS) + 1 : x)));
      const out = encodeArray(m, changed);
      for (let b = 0; b < 2; b++) {
        // Rows 0 and 1 hold an item at every slot >= 3: item slots < t unchanged, slot t changed.
        assert.ok(maxAbsDiff(itemSlots(base, b, t), itemSlots(out, b, t)) <= tol, `item slot < ${t} moved (row ${b})`);
        assert.ok(maxAbsDiff(base[b][t], out[b][t]) > 1e-4, `slot ${t} ignored its own item (row ${b})`);
      }
    }
    m.dispose();
  });

  test(`${name}: padding invariant, more left padding leaves the item slots unchanged`, () => {
    const m = make(3);
    const seq = [3, 5, 7, 2];
    const short = encodeArray(m, [seq])[0]; // T = 4, no padding
    const long = encodeArray(m, [[0, 0, 0, 0, 0, 0, ...seq]])[0]; // T = 10, 6 pads
    assert.ok(maxAbsDiff(short, long.slice(6)) <= 10 * tol, 'outputs moved with the padding');
    m.dispose();
  });

  test(`${name}: no tensor leaks in encode, loss and gradients`, () => {
    const m = make(4);
    const seqs = tf.tensor2d(ROWS, undefined, 'int32');
    const targets = tf.tensor2d(ROWS.map((r) => [...r.slice(1), 1]), undefined, 'int32');
    encodeArray(m, ROWS); // warm-up (backends may cache on first use)
    const before = tf.memory().numTensors;
    m.encode(seqs, EVAL).dispose();
    m.encode(seqs, { isTraining: true, seed: 5 }).dispose();
    const { value, grads } = tf.variableGrads(() => nextItemLoss(m, seqs, targets, { isTraining: true, seed: 6 }), [...m.variables.values()]);
    value.dispose();
    tf.dispose(grads);
    assert.equal(tf.memory().numTensors, before);
    tf.dispose([seqs, targets]);
    m.dispose();
  });

  test(`${name}: deterministic from the seed; dropout only when training, seeded`, () => {
    const a = make(7);
    const b = make(7);
    const c = make(8);
    assert.deepEqual([...a.variables.keys()], [...b.variables.keys()]);
    for (const [k, v] of a.variables) assert.deepEqual(v.dataSync(), b.variables.get(k)!.dataSync(), k);
    assert.ok(maxAbsDiff(encodeArray(a, ROWS), encodeArray(c, ROWS)) > 1e-4, 'seed 8 built the same model');
    assert.deepEqual(encodeArray(a, ROWS), encodeArray(b, ROWS));
    assert.deepEqual(encodeArray(a, ROWS, { isTraining: false, seed: 1 }), encodeArray(a, ROWS, { isTraining: false, seed: 2 }));
    const t1 = encodeArray(a, ROWS, { isTraining: true, seed: 1 });
    assert.deepEqual(t1, encodeArray(b, ROWS, { isTraining: true, seed: 1 }));
    assert.ok(maxAbsDiff(t1, encodeArray(a, ROWS, { isTraining: true, seed: 2 })) > 1e-4, 'dropout ignored its seed');
    assert.ok(maxAbsDiff(t1, encodeArray(a, ROWS)) > 1e-4, 'no dropout while training');
    [a, b, c].forEach((m) => m.dispose());
  });

  test(`${name}: loss falls when overfitting one tiny batch`, () => {
    const m = make(9);
    const seqs = tf.tensor2d(ROWS, undefined, 'int32');
    const targets = tf.tensor2d(ROWS.map((r) => [...r.slice(1), 12]), undefined, 'int32');
    const optimizer = tf.train.adam(spec.lr ?? 0.03);
    const lossAt = (step: number) =>
      optimizer.minimize(() => nextItemLoss(m, seqs, targets, { isTraining: false, seed: step }), true, [...m.variables.values()])!;
    const l0 = lossAt(0);
    const first = l0.dataSync()[0];
    l0.dispose();
    let last = first;
    for (let s = 1; s < (spec.overfitSteps ?? 60); s++) {
      const l = lossAt(s);
      last = l.dataSync()[0];
      l.dispose();
    }
    // Uniform guessing over 20 items is ln 20 = 3.0; memorizing 27 targets drives it towards 0.
    assert.ok(first > 2, `initial loss ${first} should be near ln 20 = 3.0`);
    assert.ok(last < 0.3 * first, `loss went ${first} -> ${last}`);
    optimizer.dispose();
    tf.dispose([seqs, targets]);
    m.dispose();
  });

  test(`${name}: the shared nextItemLoss gives the plain formula's value and gradients`, () => {
    const m = make(10);
    const seqs = tf.tensor2d(ROWS, undefined, 'int32');
    const targets = tf.tensor2d(ROWS.map((r) => [...r.slice(1), 0]), undefined, 'int32');
    const vars = [...m.variables.values()];
    const shared = tf.variableGrads(() => nextItemLoss(m, seqs, targets, EVAL), vars);
    const plain = tf.variableGrads(() => plainNextItemLoss(m, seqs, targets, EVAL), vars);
    const [s, p] = [shared.value.dataSync()[0], plain.value.dataSync()[0]];
    assert.ok(Math.abs(s - p) < 1e-4 * p, `${s} vs ${p}`);
    for (const k of Object.keys(plain.grads)) {
      const diff = tf.tidy(() => tf.max(tf.abs(tf.sub(shared.grads[k], plain.grads[k]))).dataSync()[0]);
      const scale = tf.tidy(() => tf.max(tf.abs(plain.grads[k])).dataSync()[0]);
      assert.ok(diff <= 1e-4 * Math.max(scale, 1e-3), `gradient ${k}: diff ${diff}, scale ${scale}`);
    }
    tf.dispose([shared.value, plain.value, shared.grads, plain.grads]);
    tf.dispose([seqs, targets]);
    m.dispose();
  });

  test(`${name}: parameter counts match the variables, the registry and describe()`, () => {
    const m = make(11);
    let total = 0;
    let embedding = 0;
    for (const [k, v] of m.variables) {
      total += v.size;
      if (k === 'itemEmb' || k === 'posEmb') embedding += v.size; // the item and position tables
    }
    const counts = m.paramCounts();
    assert.equal(counts.total, total, 'total = every trainable scalar');
    assert.equal(counts.embedding, embedding, 'embedding = item (+ position) tables');
    assert.deepEqual(entry.paramCounts(config), counts, 'registry paramCounts without building');
    assert.equal(entry.describe(config).startsWith(`${entry.label} `), true, entry.describe(config));
    assert.ok(entry.describe(config).endsWith(`, ${formatCount(counts.nonEmbedding)} non-emb`), entry.describe(config));
    assert.equal(m.kind, name);
    assert.deepEqual(JSON.parse(JSON.stringify(m.config)), m.config, 'config is JSON');
    m.dispose();
  });

  test(`${name}: bad configs throw a ConfigError naming the model, field, value and range`, () => {
    const bad: Array<[string, unknown, RegExp]> = [
      ['numItems', 0, new RegExp(`^${name} config: numItems must be an integer >= 1, got 0$`)],
      ['maxLen', 2.5, new RegExp(`^${name} config: maxLen must be an integer >= 1, got 2.5$`)],
      ['dim', -1, new RegExp(`^${name} config: dim must be an integer >= 1, got -1$`)],
    ];
    for (const [field, value, message] of bad) {
      assert.throws(() => entry.create({ ...config, [field]: value }, 0), (err: Error & { model?: string; field?: string }) => {
        assert.equal(err.name, 'ConfigError');
        assert.equal(err.model, name);
        assert.equal(err.field, field);
        assert.match(err.message, message);
        return true;
      });
    }
    assert.throws(() => entry.paramCounts({ ...config, numItems: -3 }), /numItems must be an integer >= 1, got -3/);
  });
}
