import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { chooseBatchSize, EVAL_DEFAULTS, evalMetrics, evaluateModel } from '../../lib/eval/evaluate';
import { historyItems } from '../../lib/eval/histories';
import { makeRng } from '../../lib/util/rng';
import type { EvalSplit, LeaveOneOutSplit } from '../../lib/data/types';
import { fakeModel, makeSplit, sortedItems } from './fixtures';

before(async () => {
  await tf.setBackend('cpu');
});

const close = (a: number, b: number, tol = 1e-5): void => assert.ok(Math.abs(a - b) < tol, `${a} != ${b}`);

// Fake model, D = 2: the hidden state is HIDDEN[last item of the history] (row 0 = empty
// history). Row 0 of TABLE (padding) scores 18+ for every state with positive entries: it
// must never be a candidate.
const HIDDEN = [[0, 0], [1, 0], [0, 1], [1, 1], [2, -1], [-1, 2], [1, -1]];
const TABLE = [[9, 9], [1, 0], [0, 1], [1, 1], [2, 0], [0, 2], [1, -1]];
// Same split as histories.test.ts (u2 has an empty training history):
//   u0 [1, 2, 3] v4 t5; u1 [2] v6 t1; u2 [] v3 t-; u3 [5, 5, 1, 2, 3, 4] v6 t2; u4 [1, 2] no targets
const split = makeSplit([[1, 2, 3], [2], [], [5, 5, 1, 2, 3, 4], [1, 2]], [4, 6, 3, 6, 0], [5, 1, 0, 2, 0], 6);

/** Independent reference: scores by loops in float64, order by a full sort. */
function bruteForce(sp: LeaveOneOutSplit, hidden: number[][], table: number[][], bias: number[] | undefined,
  which: EvalSplit, users: number[], maskSeen: boolean): { ranks: number[]; losses: number[]; lists: number[][] } {
  const out = { ranks: [] as number[], losses: [] as number[], lists: [] as number[][] };
  for (const u of users) {
    const target = which === 'valid' ? sp.valid[u] : sp.test[u];
    const hist = Array.from(historyItems(sp, u, which));
    const h = hidden[hist.length > 0 ? hist[hist.length - 1] : 0];
    const row = table.slice(1).map((w, j) => w.reduce((s, x, d) => s + x * h[d], 0) + (bias ? bias[j + 1] : 0));
    const masked = new Set(maskSeen ? hist.filter((i) => i !== target) : []);
    const order = sortedItems(row, masked);
    const max = Math.max(...row);
    const lse = max + Math.log(row.reduce((s, x) => s + Math.exp(x - max), 0));
    out.ranks.push(order.indexOf(target));
    out.losses.push(lse - row[target - 1]);
    out.lists.push(order);
  }
  return out;
}

test('hand-worked ranks and losses on the validation targets', async () => {
  const model = fakeModel(HIDDEN, TABLE);
  const r = await evaluateModel(model, split, { split: 'valid', ks: [1, 2], coverageKs: [], batchSize: 2 });
  // u0: h = HIDDEN[3] = [1, 1], scores items 1..6 = [1, 1, 2, 2, 2, 0], target 4: item 3 ties first -> 1
  // u1: h = HIDDEN[2] = [0, 1], scores = [0, 1, 1, 0, 2, -1], target 6 scores lowest -> 5
  //     loss = log(1 + e + e + 1 + e^2 + e^-1) + 1 = log(15.193499) + 1 = 3.720868
  // u2: empty history, h = [0, 0], all scores 0, target 3 -> 2; loss = log 6 = 1.791759
  // u3: h = HIDDEN[4] = [2, -1], scores = [2, -1, 1, 4, -2, 3], target 6 behind item 4 -> 1
  assert.deepEqual(Array.from(r.users), [0, 1, 2, 3]);
  assert.deepEqual(Array.from(r.targets), [4, 6, 3, 6]);
  assert.deepEqual(Array.from(r.ranks), [1, 5, 2, 1]);
  close(r.losses[1], 3.720868);
  close(r.losses[2], 1.791759);
  assert.equal(r.metrics['HR@1'], 0);
  assert.equal(r.metrics['HR@2'], 0.5);
  close(r.metrics['NDCG@2'], (2 / Math.log2(3)) / 4);
  close(r.metrics.loss, r.losses.reduce((s, x) => s + x, 0) / 4);
  assert.equal(r.topk, undefined);
  model.dispose();
});

test('masking seen items: u3 valid target 6 rises to rank 0 when items 1..5 are masked', async () => {
  const model = fakeModel(HIDDEN, TABLE);
  const r = await evaluateModel(model, split, { split: 'valid', maskSeen: true, coverageKs: [] });
  // u0 seen {1, 2, 3}: scores [-, -, -, 2, 2, 0], target 4 -> 0; u1 seen {2}: target 6 still last -> 4
  // u2 nothing seen -> 2; u3 seen {1..5}: only 6 is unmasked -> 0. Losses stay unmasked.
  assert.deepEqual(Array.from(r.ranks), [0, 4, 2, 0]);
  close(r.losses[1], 3.720868);
  model.dispose();
});

test('matches the brute-force reference on a random model, with ties, any batch size, masking, bias', async () => {
  const rng = makeRng(3);
  const numItems = 30;
  const dim = 3;
  const ints = (n: number): number[] => Array.from({ length: n }, () => rng.int(5) - 2); // ties are common
  const hidden = Array.from({ length: numItems + 1 }, () => ints(dim));
  const table = Array.from({ length: numItems + 1 }, () => ints(dim));
  const bias = Array.from({ length: numItems + 1 }, () => rng.int(3) / 2);
  const train = Array.from({ length: 25 }, (_, u) => Array.from({ length: u % 7 }, () => 1 + rng.int(numItems)));
  const valid = train.map(() => 1 + rng.int(numItems));
  const testT = train.map((_, u) => (u % 5 === 4 ? 0 : 1 + rng.int(numItems)));
  const sp = makeSplit(train, valid, testT, numItems);
  for (const b of [undefined, bias]) {
    const model = fakeModel(hidden, table, b, 5);
    for (const which of ['valid', 'test'] as const) {
      for (const maskSeen of [false, true]) {
        const users = Array.from({ length: 25 }, (_, u) => u).filter((u) => (which === 'valid' ? valid[u] : testT[u]) !== 0);
        const ref = bruteForce(sp, hidden, table, b, which, users, maskSeen);
        for (const batchSize of [1, 4, 100]) {
          const r = await evaluateModel(model, sp, { split: which, maskSeen, batchSize, topk: 7, ks: [1, 5, 10, 50] });
          const tag = `${which} mask=${maskSeen} batch=${batchSize} bias=${!!b}`;
          assert.deepEqual(Array.from(r.users), users, tag);
          assert.deepEqual(Array.from(r.ranks), ref.ranks, tag);
          r.losses.forEach((l, i) => close(l, ref.losses[i], 1e-4));
          assert.equal(r.topkWidth, 7);
          ref.lists.forEach((list, i) => assert.deepEqual(Array.from(r.topk!.subarray(i * 7, i * 7 + 7)), list.slice(0, 7), tag));
          // HR@k from "target in the reference top-k list"; Coverage from the reference lists
          for (const k of [1, 5, 10, 50]) {
            const hits = ref.lists.filter((list, i) => list.slice(0, k).includes(r.targets[i])).length;
            close(r.metrics[`HR@${k}`], hits / users.length, 1e-12);
          }
          for (const k of [10, 50]) {
            const items = new Set(ref.lists.flatMap((list) => list.slice(0, k)));
            close(r.metrics[`Coverage@${k}`], items.size / numItems, 1e-12);
          }
        }
      }
    }
    model.dispose();
  }
});

test('a NaN score ranks as -Infinity and makes the loss NaN', async () => {
  // Item 5's output row is [NaN, 0]: its score is NaN for every user.
  // u1 (h = [0, 1]): scores [0, 1, 1, 0, NaN, -1], target 6: items 1-4 ahead, item 5 (NaN) behind -> 4
  const table = TABLE.map((row, i) => (i === 5 ? [NaN, 0] : row));
  const model = fakeModel(HIDDEN, table);
  const r = await evaluateModel(model, split, { split: 'valid', users: Int32Array.of(1), topk: 6 });
  assert.equal(r.ranks[0], 4);
  assert.deepEqual(Array.from(r.topk!), [2, 3, 1, 4, 6, 5]);
  assert.ok(Number.isNaN(r.losses[0]));
  assert.ok(Number.isNaN(r.metrics.loss));
  model.dispose();
});

test('metric keys are exactly the paper set for the default ks; k > item count works', async () => {
  const model = fakeModel(HIDDEN, TABLE);
  const r = await evaluateModel(model, split, { split: 'test' });
  assert.deepEqual(Object.keys(r.metrics).sort(), ['Coverage@10', 'Coverage@50', 'HR@10', 'HR@5', 'HR@50', 'NDCG@10', 'NDCG@5', 'NDCG@50', 'loss'].sort());
  // 6 items < 10: every target is in the top 10 and every item is covered
  assert.equal(r.metrics['HR@10'], 1);
  assert.equal(r.metrics['Coverage@50'], 1);
  model.dispose();
});

test('user subsets keep their order; topk: true keeps min(50, I) columns; progress per batch', async () => {
  const model = fakeModel(HIDDEN, TABLE);
  const calls: Array<[number, number]> = [];
  const r = await evaluateModel(model, split, { split: 'test', users: Int32Array.of(3, 0), topk: true, batchSize: 1, onProgress: (d, t) => calls.push([d, t]) });
  assert.deepEqual(Array.from(r.users), [3, 0]);
  assert.deepEqual(Array.from(r.targets), [2, 5]);
  assert.equal(r.topkWidth, 6);
  assert.equal(r.topk!.length, 12);
  assert.deepEqual(calls, [[1, 2], [2, 2]]);
  model.dispose();
});

test('stability: huge logits give a finite loss equal to the float64 reference', async () => {
  // scores of ±1000s: a naive exp overflows; logsumexp must subtract the max
  const big = HIDDEN.map((h) => h.map((x) => 500 * x));
  const model = fakeModel(big, TABLE);
  const r = await evaluateModel(model, split, { split: 'valid', coverageKs: [] });
  const ref = bruteForce(split, big, TABLE, undefined, 'valid', [0, 1, 2, 3], false);
  r.losses.forEach((l, i) => {
    assert.ok(Number.isFinite(l));
    close(l, ref.losses[i], 1e-3);
  });
  // u1: target 6 scores -500, the best item 5 scores 1000: loss ≈ 1500
  close(r.losses[1], 1500, 1e-3);
  model.dispose();
});

test('no tensor leaks', async () => {
  const model = fakeModel(HIDDEN, TABLE, [100, 0, 0, 0.5, 0, 0, 0]);
  await evaluateModel(model, split, { split: 'valid', batchSize: 3 }); // warm-up (backend init)
  const before = tf.memory().numTensors;
  await evaluateModel(model, split, { split: 'test', batchSize: 2, maskSeen: true, topk: 3 });
  assert.equal(tf.memory().numTensors, before);
  await assert.rejects(evaluateModel(model, split, { split: 'test', users: Int32Array.of(2) }));
  assert.equal(tf.memory().numTensors, before);
  model.dispose();
});

test('chooseBatchSize keeps one batch of scores within the budget', () => {
  // 64 MiB / (27,000 items x 4 bytes x 3 copies) = 207 users
  assert.equal(chooseBatchSize(27_000, 64 * 2 ** 20), 207);
  assert.equal(chooseBatchSize(10, 64 * 2 ** 20), 512); // capped
  assert.equal(chooseBatchSize(10_000_000, 1), 1); // at least one user
});

test('errors name the problem', async () => {
  const model = fakeModel(HIDDEN, TABLE);
  await assert.rejects(evaluateModel(model, split, { split: 'test', users: Int32Array.of(2) }), /user 2 has no test target/);
  await assert.rejects(evaluateModel(model, split, { split: 'test', users: Int32Array.of(9) }), /user 9 is outside \[0, 5\)/);
  await assert.rejects(evaluateModel(model, split, { split: 'test', users: new Int32Array(0) }), /no users with a test target/);
  await assert.rejects(evaluateModel(model, split, { split: 'test', ks: [0] }), /k must be a positive integer, got 0/);
  await assert.rejects(evaluateModel(model, split, { split: 'test', batchSize: 0 }), /batchSize must be a positive integer, got 0/);
  await assert.rejects(evaluateModel(model, split, { split: 'train' as EvalSplit }), /split must be 'valid' or 'test', got 'train'/);
  const small = makeSplit([[1, 2]], [3], [4], 5);
  await assert.rejects(evaluateModel(model, small, { split: 'test' }), /outputTable has 7 rows, the split has 5 items \(\+1 padding\)/);
  model.dispose();
});

test('evalMetrics over slices merged in user order equals one evaluation; timing is reported', async () => {
  const model = fakeModel(HIDDEN, TABLE);
  const users = Int32Array.of(0, 1, 3);
  const all = await evaluateModel(model, split, { split: 'test', users, topk: 6, batchSize: 2 });
  const a = await evaluateModel(model, split, { split: 'test', users: users.subarray(0, 1), topk: 6 });
  const b = await evaluateModel(model, split, { split: 'test', users: users.subarray(1), topk: 6 });
  const cat = <T extends Int32Array | Float32Array>(x: T, y: T, make: (n: number) => T): T => {
    const out = make(x.length + y.length);
    out.set(x);
    out.set(y, x.length);
    return out;
  };
  const merged = evalMetrics(cat(a.ranks, b.ranks, (n) => new Int32Array(n)), cat(a.losses, b.losses, (n) => new Float32Array(n)),
    cat(a.topk!, b.topk!, (n) => new Int32Array(n)), 6, { ks: EVAL_DEFAULTS.ks, coverageKs: EVAL_DEFAULTS.coverageKs, numItems: 6 });
  assert.deepEqual(merged, all.metrics);
  assert.equal(all.timing?.batches, 2);
  assert.equal(all.timing?.batchSize, 2);
  for (const k of ['encodeMs', 'scoreMs', 'rankMs'] as const) assert.ok(all.timing![k] >= 0);
  model.dispose();
});
