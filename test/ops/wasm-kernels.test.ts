/**
 * Each kernel we register for wasm, computed on wasm and compared with tfjs's own ops on the cpu
 * backend (an independent implementation). Skipped, with the reason, only if wasm cannot load.
 */
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { initBackend } from '../../lib/ops/backend';
import { makeRng } from '../../lib/util/rng';
import { createLsrm, LSRM_DEFAULTS } from '../../lib/models/lsrm';
import { nextItemLoss } from '../../lib/train/loss';
import { fusedMatMuls, simdModuleBytes, type BmmFn, type TnFn } from '../../lib/ops/wasm-simd';
import { BMM_COLS, BMM_DEPTH } from '../../lib/ops/wasm-simd-matmul';

let wasmError: string | undefined;
before(async () => {
  try {
    await initBackend('wasm');
  } catch (err) {
    wasmError = (err as Error).message;
  }
});

const run = (name: string, inputs: Record<string, tf.Tensor>, attrs: Record<string, number> = {}) =>
  tf.engine().runKernel(name, inputs as tf.NamedTensorMap, attrs as unknown as tf.NamedAttrMap) as tf.Tensor | tf.Tensor[];

function randArray(n: number, seed: number): Float32Array {
  const r = makeRng(seed);
  return Float32Array.from({ length: n }, () => r.normal());
}

/** Run `onWasm` on wasm and `onCpu` (the reference) on cpu; compare flattened results. */
async function compare(t: { skip: (m: string) => void }, what: string, onWasm: () => tf.Tensor | tf.Tensor[], onCpu: () => tf.Tensor | tf.Tensor[], tol = 1e-5) {
  if (wasmError) return t.skip(`wasm backend could not load: ${wasmError}`);
  await tf.setBackend('wasm');
  const got = [onWasm()].flat().map((x) => Array.from(x.dataSync()));
  await tf.setBackend('cpu');
  const want = [onCpu()].flat().map((x) => Array.from(x.dataSync()));
  await tf.setBackend('wasm');
  assert.equal(got.length, want.length, `${what}: outputs`);
  got.forEach((g, k) => {
    assert.equal(g.length, want[k].length, `${what}[${k}] size`);
    g.forEach((v, i) => assert.ok(Math.abs(v - want[k][i]) <= tol * (1 + Math.abs(want[k][i])), `${what}[${k}][${i}]: wasm ${v}, cpu ${want[k][i]}`));
  });
}

/** Brute-force segment sum of rows of width `w` (ids outside [0, n) dropped). */
function bruteSegmentSum(x: Float32Array, ids: number[], n: number, w: number): tf.Tensor {
  const out = new Float32Array(n * w);
  ids.forEach((s, i) => {
    if (s >= 0 && s < n) for (let j = 0; j < w; j++) out[s * w + j] += x[i * w + j];
  });
  return tf.tensor(out);
}

test('UnsortedSegmentSum (gradient of gather) on wasm and cpu = brute force, incl. dropped ids and 2-D ids', async (t) => {
  const xs = randArray(6 * 4, 1);
  const x = () => tf.tensor2d(xs, [6, 4]);
  const idList = [2, 0, 2, 5, -1, 1]; // 5 and -1 are out of range for 3 segments
  const ids = () => tf.tensor1d(idList, 'int32');
  await compare(t, 'uss', () => tf.unsortedSegmentSum(x(), ids(), 3), () => bruteSegmentSum(xs, idList, 3, 4));
  // Our kernel also replaces tfjs-cpu's (slow) one: check it there too.
  await compare(t, 'uss on cpu', () => bruteSegmentSum(xs, idList, 3, 4), () => tf.unsortedSegmentSum(x(), ids(), 3));
  // 2-D segment ids (TensorFlow semantics; tfjs cpu handles only 1-D, so this one is worked by hand):
  // x[0] = [1,2],[3,4],[5,6]; x[1] = [7,8],[9,10],[11,12]; ids [[0,1,1],[3,0,2]]
  // seg 0 = [1,2] + [9,10] = [10,12]; seg 1 = [3,4] + [5,6] = [8,10]; seg 2 = [11,12]; seg 3 = [7,8]
  const x3 = () => tf.tensor3d([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12], [2, 3, 2]);
  const ids2 = () => tf.tensor2d([[0, 1, 1], [3, 0, 2]], undefined, 'int32');
  await compare(t, 'uss 2-D ids', () => tf.unsortedSegmentSum(x3(), ids2() as unknown as tf.Tensor1D, 4), () => tf.tensor([10, 12, 8, 10, 11, 12, 7, 8]));
  // plain tf.gather's gradient now runs on wasm
  const g = () => tf.grads((a: tf.Tensor) => tf.sum(tf.gather(a, tf.tensor1d([1, 1, 0], 'int32'))))([x()])[0];
  await compare(t, 'gather grad', g, g);
});

test('Identity on wasm shares data by reference count: a clone outlives its source', async (t) => {
  if (wasmError) return t.skip(`wasm backend could not load: ${wasmError}`);
  await tf.setBackend('wasm');
  const a = tf.tensor1d([1, 2, 3]);
  const c = tf.clone(a);
  assert.equal((c as unknown as { dataId: object }).dataId, (a as unknown as { dataId: object }).dataId, 'same buffer, no copy');
  a.dispose();
  assert.deepEqual(Array.from(c.dataSync()), [1, 2, 3]);
  c.dispose();
});

test('Slice on wasm (heap view, no copy of the input) = tf.slice on cpu: ranks 1-4, contiguous or not, int32, empty, strings', async (t) => {
  const x4 = () => tf.tensor4d(randArray(3 * 4 * 5 * 6, 7), [3, 4, 5, 6]);
  const cases: [string, () => tf.Tensor | tf.Tensor[]][] = [
    ['rank 1', () => tf.slice(tf.tensor1d(randArray(10, 1)), [3], [4])],
    ['rank 2 rows (contiguous)', () => tf.slice(tf.tensor2d(randArray(40, 2), [8, 5]), [2, 0], [3, 5])],
    ['rank 2 columns', () => tf.slice(tf.tensor2d(randArray(40, 2), [8, 5]), [1, 1], [6, 3])],
    ['rank 2 columns, long runs (copied by view)', () => tf.slice(tf.tensor2d(randArray(120, 8), [3, 40]), [0, 2], [3, 35])],
    ['rank 3 windows, whole last axis (one run per batch row)', () => tf.slice(tf.tensor3d(randArray(2 * 7 * 5, 9), [2, 7, 5]), [0, 2, 0], [2, 4, 5])],
    ['rank 4, two whole trailing axes', () => tf.slice(x4(), [1, 1, 0, 0], [2, 2, 5, 6])],
    ['rank 4, a partial axis after a whole one', () => tf.slice(x4(), [0, 0, 1, 0], [3, 4, 3, 6])],
    ['rank 3', () => tf.slice(tf.tensor3d(randArray(60, 3), [3, 4, 5]), [1, 1, 2], [2, -1, 2])],
    ['rank 4', () => tf.slice(x4(), [1, 0, 2, 1], [2, 3, 2, 4])],
    ['int32', () => tf.slice(tf.tensor2d([1, 2, 3, 4, 5, 6, 7, 8, 9], [3, 3], 'int32'), [1, 1], [2, 2])],
    ['empty', () => tf.slice(tf.tensor2d(randArray(12, 4), [3, 4]), [1, 1], [0, 2])],
    ['split (slices inside)', () => tf.split(tf.tensor2d(randArray(40, 5), [4, 10]), [3, 7], 1)],
    ['split rank 3, equal parts, middle axis', () => tf.split(tf.tensor3d(randArray(48, 6), [2, 6, 4]), 3, 1)],
  ];
  for (const [what, f] of cases) await compare(t, `slice ${what}`, f, f, 0);
  if (!wasmError) {
    await tf.setBackend('wasm');
    assert.deepEqual(tf.slice(tf.tensor1d(['a', 'b', 'c'], 'string'), [1], [2]).arraySync(), ['b', 'c']);
  }
});

test('LsrmGatherRows, LsrmTranspose2D, LsrmColSum on wasm = tf.gather / tf.transpose / tf.sum on cpu', async (t) => {
  const a = () => tf.tensor2d(randArray(37 * 5, 3), [37, 5]);
  const idx = () => tf.tensor1d([36, 0, 4, 4], 'int32');
  await compare(t, 'gatherRows', () => run('LsrmGatherRows', { table: a(), idx: idx() }), () => tf.gather(a(), idx()));
  await compare(t, 'transpose', () => run('LsrmTranspose2D', { x: a() }), () => tf.transpose(a()));
  const big = () => tf.tensor2d(randArray(70 * 33, 4), [70, 33]); // spans several 32x32 tiles
  await compare(t, 'transpose tiles', () => run('LsrmTranspose2D', { x: big() }), () => tf.transpose(big()));
  await compare(t, 'colSum', () => run('LsrmColSum', { x: big() }), () => tf.sum(big(), 0), 1e-4);
});

for (const D of [12, 6]) test(`LsrmLayerNorm and LsrmLayerNormGrad on wasm (D=${D}: ${D % 4 === 0 ? 'SIMD' : 'JS'} path) = moments formula and its autodiff on cpu`, async (t) => {
  const x = () => tf.tensor2d(randArray(9 * D, 5), [9, D]);
  const g = () => tf.tensor1d(randArray(D, 6));
  const b = () => tf.tensor1d(randArray(D, 7));
  const dy = () => tf.tensor2d(randArray(9 * D, 8), [9, D]);
  const ref = (p: tf.Tensor, q: tf.Tensor, r: tf.Tensor) => {
    const { mean, variance } = tf.moments(p, -1, true);
    return tf.add(tf.mul(tf.div(tf.sub(p, mean), tf.sqrt(tf.add(variance, 1e-5))), q), r);
  };
  await compare(t, 'layerNorm', () => (run('LsrmLayerNorm', { x: x(), gamma: g(), beta: b() }, { eps: 1e-5 }) as tf.Tensor[])[0], () => ref(x(), g(), b()), 1e-4);
  const wasmGrad = () => {
    const [, mean, rstd] = run('LsrmLayerNorm', { x: x(), gamma: g(), beta: b() }, { eps: 1e-5 }) as tf.Tensor[];
    return run('LsrmLayerNormGrad', { dy: dy(), x: x(), gamma: g(), mean, rstd });
  };
  const cpuGrad = () => tf.grads((p: tf.Tensor, q: tf.Tensor, r: tf.Tensor) => tf.sum(tf.mul(ref(p, q, r), dy())))([x(), g(), b()]);
  await compare(t, 'layerNormGrad', wasmGrad, cpuGrad, 1e-3);
});

test('LsrmSoftmaxCE and LsrmSubAtLabels on wasm = logSumExp and softmax - onehot on cpu', async (t) => {
  const z = () => tf.tensor2d(Float32Array.from(randArray(5 * 7, 9), (v, i) => (i === 3 ? 500 : v)), [5, 7]); // row 0: p[y] underflows
  const y = () => tf.tensor1d([0, 6, 2, 2, 5], 'int32');
  const ce = () => run('LsrmSoftmaxCE', { probs: tf.softmax(z()), logits: z(), labels: y() });
  const ceRef = () => tf.sub(tf.logSumExp(z(), 1), tf.sum(tf.mul(z(), tf.oneHot(y(), 7)), 1));
  await compare(t, 'softmaxCE', ce, ceRef, 1e-5);
  const dy = () => tf.tensor1d([0.5, 1, 2, -1, 0.25]);
  const sub = () => run('LsrmSubAtLabels', { x: tf.mul(tf.softmax(z()), tf.expandDims(dy(), 1)), labels: y(), values: dy() });
  const subRef = () => tf.mul(tf.sub(tf.softmax(z()), tf.oneHot(y(), 7)), tf.expandDims(dy(), 1));
  await compare(t, 'subAtLabels', sub, subRef, 1e-5);
});

test('LsrmBatchMatMul (SIMD) on wasm = tf.matMul on cpu for odd shapes and tails', async (t) => {
  // N covers the 16-wide, 4-wide and scalar column loops; K = 1 and M = 1 edge cases; N = 1,100
  // and 1,037 span two full column blocks of B (BMM_COLS = 512) and a last partial one; K = 600
  // and 300 span depth blocks (BMM_DEPTH = 256) whose sums add up in C; K = 0 gives zeros.
  assert.deepEqual([BMM_COLS, BMM_DEPTH], [512, 256]);
  for (const [b, m, k, n] of [[1, 1, 1, 1], [2, 3, 1, 5], [3, 4, 7, 16], [2, 5, 3, 37], [4, 50, 32, 50], [1, 2, 9, 20], [1, 3, 5, 1100], [2, 5, 4, 1037], [1, 3, 600, 21], [2, 5, 300, 1037], [2, 3, 0, 5]]) {
    const a = () => tf.tensor3d(randArray(b * m * k, 10 + n), [b, m, k]);
    const c = () => tf.tensor3d(randArray(b * k * n, 20 + n), [b, k, n]);
    await compare(t, `bmm ${b}x${m}x${k}x${n}`, () => run('LsrmBatchMatMul', { a: a(), b: c() }), () => tf.matMul(a(), c()), 1e-4);
  }
});

test('the matMul kernels with fused multiply-adds (relaxed_madd) = without, within float rounding', async (t) => {
  if (wasmError) return t.skip(`wasm backend could not load: ${wasmError}`);
  if (!fusedMatMuls()) return t.skip('this V8 compiles no relaxed SIMD (or LSRM_FMA=0): only the unfused kernels run');
  assert.notDeepEqual(simdModuleBytes(true), simdModuleBytes(false));
  const memory = new WebAssembly.Memory({ initial: 4 });
  const [M, K, N] = [9, 70, 45];
  const heap = new Float32Array(memory.buffer);
  heap.set(randArray(M * K, 1), 0);
  heap.set(randArray(K * N, 2), M * K);
  heap.set(randArray(M * N, 3), M * K + K * N);
  const outs = [true, false].map((fused) => {
    const k = new WebAssembly.Instance(new WebAssembly.Module(simdModuleBytes(fused)), { env: { memory } }).exports as unknown as { bmm: BmmFn; tn: TnFn };
    const base = 4 * (M * K + K * N + M * N);
    k.bmm(0, 4 * M * K, base, 1, M, K, N); // [M, N]
    heap.fill(0, base / 4 + M * N, base / 4 + M * N + K * N);
    k.tn(0, 4 * (M * K + K * N), base + 4 * M * N, M, K, N); // aᵀ·c: [K, N]
    return Array.from(heap.subarray(base / 4, base / 4 + M * N + K * N));
  });
  let differs = 0;
  outs[0].forEach((v, i) => {
    assert.ok(Math.abs(v - outs[1][i]) <= 1e-5 * (1 + Math.abs(outs[1][i])), `[${i}]: fused ${v}, unfused ${outs[1][i]}`);
    if (v !== outs[1][i]) differs++;
  });
  // One rounding instead of two: on FMA hardware some sums differ in their last bits.
  t.diagnostic(`${differs} of ${outs[0].length} values differ in rounding`);
});

test('LsrmMatMulTN (SIMD, chunked rows) on wasm = tf.matMul(aᵀ, b) on cpu', async (t) => {
  // M spans several 256-row chunks plus a tail (300, 257, 600); N covers the 16-wide, 4-wide and scalar loops.
  for (const [m, k, n] of [[1, 1, 1], [3, 2, 5], [300, 7, 37], [129, 16, 16], [257, 3, 20], [600, 5, 21]]) {
    const a = () => tf.tensor2d(randArray(m * k, 40 + n), [m, k]);
    const b = () => tf.tensor2d(randArray(m * n, 50 + n), [m, n]);
    await compare(t, `tn ${m}x${k}x${n}`, () => run('LsrmMatMulTN', { a: a(), b: b() }), () => tf.matMul(a(), b(), true, false), 1e-4);
  }
});

test('a full LSRM training step (loss and every gradient) on wasm = on cpu', async (t) => {
  if (wasmError) return t.skip(`wasm backend could not load: ${wasmError}`);
  const cfg = { ...LSRM_DEFAULTS, numItems: 30, maxLen: 7, dim: 16, numLayers: 2, numHeads: 2, dropout: [0.3, 0.1], embDropout: 0.1 };
  const model = createLsrm(cfg, 3);
  const rows = [[0, 0, 1, 2, 3, 4, 5], [6, 7, 8, 9, 10, 11, 12], [0, 0, 0, 0, 0, 29, 30]];
  const next = [[0, 0, 2, 3, 4, 5, 6], [7, 8, 9, 10, 11, 12, 13], [0, 0, 0, 0, 0, 30, 1]];
  const step = () => {
    const { value, grads } = tf.variableGrads(() =>
      nextItemLoss(model, tf.tensor2d(rows, undefined, 'int32'), tf.tensor2d(next, undefined, 'int32'), { isTraining: true, seed: 5 }),
    );
    return [value, ...Object.keys(grads).sort().map((k) => grads[k])];
  };
  await compare(t, 'step', step, step, 2e-4);
  model.dispose();
});
