/**
 * An independent check of the models' numbers (issue 9, item 3): for one fixed small batch, the
 * loss and every gradient of each registry model trained through our ops (custom gradients, fused
 * TypeScript kernels, on wasm also the SIMD kernels) and lib/train/loss.ts's fused nextItemLoss
 * equal those of a plain-tfjs implementation of the same model written from its documented math
 * (test/helpers/reference-models.ts), differentiated by tfjs autodiff on the `cpu` backend.
 *
 * Independence: the reference imports nothing from lib/ops or lib/models; it reads the model's
 * variables by name. On `cpu`, lib/ops replaces one stock kernel globally (UnsortedSegmentSum, the
 * gradient of tf.gather) and adds Lsrm* kernels; the reference avoids tf.gather (one-hot matMuls)
 * and each check profiles the reference's forward and backward pass and fails if an Lsrm* kernel
 * or UnsortedSegmentSum ran (and checks that our side did run Lsrm* kernels). The reference also
 * must read every variable of the model, so no parameter escapes the check.
 *
 * Batch (T = 7, 20 items): a left-padded row, a full row whose targets hold padding (0) slots in
 * the middle and at the end, a row with a single item, and a full row with a repeated item (its
 * embedding gradient accumulates). maxLen 8 > T, so position rows and (FMLP) filter lags beyond T
 * are unused (their gradients are exactly 0 on both sides). Each model is checked with the
 * registry's initial weights and with every variable moved by seeded N(0, 0.3²) noise (nonzero
 * biases, peaked attention, GELU and ReLU off their linear ranges). Dropout rates are 0 and our
 * loss runs in training mode (isTraining true): the path the trainer takes. HSTU and FuXi-alpha
 * run twice, without timestamps (positions alone; their time weights must then have no gradient
 * on either side) and with [B, T + 1] timestamps whose gaps span buckets 0 to 57.
 *
 * Tolerance, float32 throughout: loss |a - b| / |b| <= 1e-4; each gradient tensor
 * ||a - b||_inf / ||b||_inf <= 1e-4 (a = ours, b = reference). Exception: a tensor whose exact
 * gradient is identically zero has nothing to be relative to; LSRM's key bias bK is one (adding
 * q·bK to every score of a query leaves its softmax unchanged), so for it both sides must be
 * ||.||_inf <= 1e-6 · (the largest gradient entry of the model), float noise.
 *
 * Backends: ours on cpu and, when tfjs-wasm loads, ours on wasm, both against the reference on
 * cpu. The measured errors are printed as test diagnostics.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { initBackend } from '../../lib/ops/backend';
import { modelEntry, type ModelKind } from '../../lib/models';
import type { SeqModel } from '../../lib/models/types';
import { nextItemLoss } from '../../lib/train/loss';
import { deriveSeed, makeRng } from '../../lib/util/rng';
import { referenceLoss } from '../helpers/reference-models';

before(async () => {
  await initBackend('cpu');
});
after(async () => {
  await tf.setBackend('cpu');
});

const NUM_ITEMS = 20;
// Left-padded inputs and their next-item targets (0 = no target at that slot).
const INPUTS = [
  [0, 0, 0, 3, 5, 7, 2], // left padding
  [1, 2, 3, 4, 5, 6, 7], // full row ...
  [0, 0, 0, 0, 0, 0, 17], // a single item
  [11, 4, 4, 19, 8, 13, 6], // repeated item 4
];
const TARGETS = [
  [0, 0, 0, 5, 7, 2, 9],
  [2, 3, 0, 5, 6, 7, 0], // ... whose targets hold padding slots
  [0, 0, 0, 0, 0, 0, 20], // item I
  [4, 4, 19, 8, 13, 6, 1], // item 1
];

interface Case {
  readonly kind: ModelKind;
  readonly config: Readonly<Record<string, unknown>>;
  /** Variables whose exact gradient is identically zero (see header). */
  readonly zeroGrad?: RegExp;
  /** ForwardOptions.timestamps for the models with a time bias (absent: positions alone). */
  readonly times?: number[][];
}

// Event times in seconds, [B][T + 1]: the input slots, then the last slot's query time. Gaps from
// 0 s to a year (buckets 0 to 57); padding slots hold 0, which no visible pair reads.
const TIMES = [
  [0, 0, 0, 1_000_000, 1_000_000, 1_000_030, 1_003_630, 1_090_030],
  [500, 501, 503, 560, 4_160, 90_560, 2_682_560, 2_682_561],
  [0, 0, 0, 0, 0, 0, 1_600_000_000, 1_631_536_000],
  [10, 20, 40, 80, 160, 320, 640, 1_280],
];
const GENERATIVE = { maxLen: 8, dim: 8, numLayers: 2, numHeads: 2, dropout: [0, 0], embDropout: 0 };

const CASES: readonly Case[] = [
  { kind: 'lsrm', config: { maxLen: 8, dim: 16, numLayers: 2, numHeads: 2, dropout: [0, 0], embDropout: 0 }, zeroGrad: /^block\d+\.attn\.bK$/ },
  { kind: 'gru4rec', config: { maxLen: 8, dim: 8, hiddenSize: 12, numLayers: 2, dropout: 0 } },
  { kind: 'fmlp', config: { maxLen: 8, dim: 8, numLayers: 2, innerSize: 32, dropout: 0 } },
  { kind: 'caser', config: { maxLen: 8, dim: 8, window: 3, numHorizontal: 2, numVertical: 2, dropout: 0 } },
  { kind: 'hstu', config: GENERATIVE },
  { kind: 'hstu', config: GENERATIVE, times: TIMES },
  { kind: 'fuxi', config: { ...GENERATIVE, innerSize: 12 } },
  { kind: 'fuxi', config: { ...GENERATIVE, innerSize: 12 }, times: TIMES },
  { kind: 'llama', config: { ...GENERATIVE, innerSize: 12 } },
];

const TOL = 1e-4;
const ZERO_GRAD_TOL = 1e-6;
const SEED = 5;
const NOISE = 0.3;

type Weights = 'init' | 'perturbed';

/** Loss and gradients by variable name, as arrays (tensors disposed). */
interface Numbers {
  readonly loss: number;
  readonly grads: Map<string, Float32Array>;
  /** Every kernel that ran in the forward and backward pass. */
  readonly kernels: Set<string>;
}

/** Build the case's model on the active backend, weights as the registry draws them or perturbed (seeded, backend-independent). */
function build(c: Case, weights: Weights): SeqModel {
  const model = modelEntry(c.kind).create({ ...c.config, numItems: NUM_ITEMS }, SEED);
  if (weights === 'perturbed') {
    let k = 0;
    for (const v of model.variables.values()) {
      const rng = makeRng(deriveSeed(SEED, 1000 + k++));
      const values = Float32Array.from(v.dataSync(), (x) => x + NOISE * rng.normal());
      tf.tidy(() => v.assign(tf.tensor(values, v.shape, 'float32')));
    }
  }
  return model;
}

/** Run `lossFn` under variableGrads inside tf.profile; read everything back. */
async function measure(model: SeqModel, lossFn: () => tf.Scalar): Promise<Numbers> {
  const names = [...model.variables.keys()];
  const vars = [...model.variables.values()];
  let loss = NaN;
  const grads = new Map<string, Float32Array>();
  const info = await tf.profile(() => {
    const { value, grads: g } = tf.variableGrads(lossFn, vars);
    loss = value.dataSync()[0];
    vars.forEach((v, i) => {
      const gi = g[v.name];
      if (gi) grads.set(names[i], gi.dataSync() as Float32Array);
    });
    tf.dispose([value, g]);
  });
  return { loss, grads, kernels: new Set(info.kernelNames) };
}

function ours(model: SeqModel, c: Case): Promise<Numbers> {
  return measure(model, () =>
    tf.tidy(() => {
      const timestamps = c.times ? tf.tensor2d(c.times, undefined, 'int32') : undefined;
      return nextItemLoss(model, tf.tensor2d(INPUTS, undefined, 'int32'), tf.tensor2d(TARGETS, undefined, 'int32'), { isTraining: true, seed: 11, timestamps });
    }),
  );
}

/** The reference on cpu, with the independence checks: stock kernels only, every variable read. */
async function reference(model: SeqModel, c: Case): Promise<Numbers> {
  assert.equal(tf.getBackend(), 'cpu', 'the reference runs on cpu');
  let used = new Set<string>();
  const out = await measure(model, () => {
    const r = referenceLoss(model, INPUTS, TARGETS, c.times);
    used = r.used;
    return r.loss;
  });
  const custom = [...out.kernels].filter((k) => k.startsWith('Lsrm') || k === 'UnsortedSegmentSum');
  assert.deepEqual(custom, [], `${model.kind}: the reference ran project kernels`);
  assert.deepEqual([...model.variables.keys()].filter((k) => !used.has(k)), [], `${model.kind}: variables the reference never read`);
  return out;
}

function infNorm(x: Float32Array): number {
  let m = 0;
  for (const v of x) m = Math.max(m, Math.abs(v));
  return m;
}

function infDiff(a: Float32Array, b: Float32Array): number {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
  return m;
}

/** Compare ours with the reference; returns a one-line summary of the measured errors. */
function compare(c: Case, got: Numbers, want: Numbers, what: string): string {
  assert.ok(Number.isFinite(want.loss) && want.loss > 0, `${what}: reference loss ${want.loss}`);
  const lossRel = Math.abs(got.loss - want.loss) / Math.abs(want.loss);
  assert.ok(lossRel <= TOL, `${what}: loss ${got.loss} vs reference ${want.loss} (relative ${lossRel.toExponential(2)})`);
  assert.deepEqual([...got.grads.keys()], [...want.grads.keys()], `${what}: gradients for the same variables`);
  const scale = Math.max(...[...want.grads.values()].map(infNorm));
  let worst = { name: '', rel: 0 };
  let worstZero = 0;
  for (const [name, b] of want.grads) {
    const a = got.grads.get(name)!;
    assert.equal(a.length, b.length, `${what}: ${name} size`);
    assert.ok(a.every(Number.isFinite), `${what}: ${name} has non-finite entries`);
    if (c.zeroGrad?.test(name)) {
      const noise = Math.max(infNorm(a), infNorm(b)) / scale;
      assert.ok(noise <= ZERO_GRAD_TOL, `${what}: ${name} should be 0 (exactly zero gradient), got ||.||_inf ${noise.toExponential(2)} of the largest gradient`);
      worstZero = Math.max(worstZero, noise);
      continue;
    }
    const norm = infNorm(b);
    assert.ok(norm > 0, `${what}: reference gradient of ${name} is all zero; list it as zeroGrad if that is exact`);
    const rel = infDiff(a, b) / norm;
    assert.ok(rel <= TOL, `${what}: gradient ${name}: ||ours - ref||_inf / ||ref||_inf = ${rel.toExponential(2)} > ${TOL}`);
    if (rel >= worst.rel) worst = { name, rel };
  }
  const zero = c.zeroGrad ? `; zero-gradient tensors ${worstZero.toExponential(1)} of max gradient` : '';
  return `${what}: loss ${want.loss.toFixed(4)} rel ${lossRel.toExponential(1)}; worst gradient ${worst.name} rel ${worst.rel.toExponential(1)} (${want.grads.size} tensors)${zero}`;
}

/** 'hstu' or 'hstu + times'. */
function caseName(c: Case): string {
  return c.times ? `${c.kind} + times` : c.kind;
}

for (const c of CASES) {
  test(`${caseName(c)}: loss and every gradient, our kernels on cpu = plain-tfjs reference on cpu`, async (t) => {
    for (const weights of ['init', 'perturbed'] as const) {
      const model = build(c, weights);
      const got = await ours(model, c);
      assert.ok([...got.kernels].some((k) => k.startsWith('Lsrm')), `${c.kind}: our loss ran no Lsrm* kernel on cpu`);
      const want = await reference(model, c);
      t.diagnostic(compare(c, got, want, `${caseName(c)} ${weights} cpu`));
      model.dispose();
    }
  });
}

test('wasm: loss and every gradient, our kernels on wasm = plain-tfjs reference on cpu', async (t) => {
  try {
    await initBackend('wasm');
  } catch (err) {
    return t.skip(`wasm backend could not load: ${(err as Error).message}`);
  }
  try {
    for (const c of CASES) {
      for (const weights of ['init', 'perturbed'] as const) {
        await tf.setBackend('wasm');
        const onWasm = build(c, weights);
        const got = await ours(onWasm, c);
        assert.ok([...got.kernels].some((k) => k.startsWith('Lsrm')), `${c.kind}: our loss ran no Lsrm* kernel on wasm`);
        const wasmWeights = new Map([...onWasm.variables].map(([k, v]) => [k, v.dataSync().slice()]));
        onWasm.dispose();
        await tf.setBackend('cpu');
        const onCpu = build(c, weights);
        for (const [k, v] of onCpu.variables) assert.deepEqual(v.dataSync(), wasmWeights.get(k), `${c.kind}: ${k} differs between the backends' models`);
        const want = await reference(onCpu, c);
        onCpu.dispose();
        t.diagnostic(compare(c, got, want, `${caseName(c)} ${weights} wasm`));
      }
    }
  } finally {
    await tf.setBackend('cpu');
  }
});
