/**
 * Fused full-softmax cross-entropy with integer labels (paper III-D's training loss), never
 * building a one-hot tensor: the gradient is dy_i·(softmax - indicator at y_i), computed as
 * p·dy followed by a kernel that subtracts dy_i at (i, y_i).
 *
 * `outputCrossEntropy` also fuses the output layer (logits = h·Wᵀ + b) and bounds memory: rows are
 * processed in chunks of at most `maxChunkFloats / I` rows. With one chunk the softmax is kept for
 * the backward pass; with several (large item counts: 12,800 x 26,744 logits are 1.4 GB, and the
 * wasm heap is limited to 4 GB) each chunk's logits are recomputed in the backward pass instead,
 * one extra matMul for memory O(chunk·I).
 *
 * Shapes: n rows (target slots), D hidden, I (= C) items/classes.
 */
import * as tf from '@tensorflow/tfjs';
import { addBias, colSum, customGrad, hasTsKernels, matMul, matMulTN, run, transpose2d, type Grad, type Save } from './ops';

/** Per-row losses from probabilities and logits: -log p[y] (exact logsumexp where p[y] underflows). */
function ceLoss(p: tf.Tensor2D, z: tf.Tensor2D, labels: tf.Tensor1D): tf.Tensor1D {
  if (hasTsKernels()) return run('LsrmSoftmaxCE', { probs: p, logits: z, labels })[0] as tf.Tensor1D;
  return tf.sub(tf.logSumExp(z, 1), tf.gatherND(z, rowLabelIndices(labels))) as tf.Tensor1D;
}

/** dy_i·(p - onehot(y)) [n, C]. */
function ceGrad(p: tf.Tensor2D, labels: tf.Tensor1D, dy: tf.Tensor1D): tf.Tensor2D {
  const scaled = tf.mul(p, tf.expandDims(dy, 1)); // [n, C]
  if (hasTsKernels()) return run('LsrmSubAtLabels', { x: scaled, labels, values: dy })[0] as tf.Tensor2D;
  return tf.sub(scaled, tf.scatterND(rowLabelIndices(labels), dy, p.shape)); // tensorflow backend only
}

function rowLabelIndices(labels: tf.Tensor1D): tf.Tensor2D {
  const n = labels.shape[0];
  return tf.stack([tf.range(0, n, 1, 'int32'), labels], 1) as tf.Tensor2D; // [n, 2]
}

/**
 * Per-row cross-entropy of a full softmax: logits [n, C], labels int32 [n] in [0, C) -> [n].
 * Forward: softmax once, loss = -log p[y]. Gradient: dy_i·(softmax - indicator at y_i).
 * @throws when a label is outside [0, C) (on wasm/cpu, when the values are read).
 */
export function sparseSoftmaxCrossEntropy(logits: tf.Tensor2D, labels: tf.Tensor1D): tf.Tensor1D {
  const f = customGrad((z: tf.Tensor2D, save: Save): Grad => {
    const p = tf.softmax(z); // [n, C]
    save([p, labels]); // labels saved, not closed over: the caller's tidy may release them first
    return { value: ceLoss(p, z, labels), gradFunc: (dy, [ps, ys]) => ceGrad(ps as tf.Tensor2D, ys as tf.Tensor1D, dy as tf.Tensor1D) };
  });
  return f(logits) as tf.Tensor1D;
}

/** Default chunk budget: 2^25 floats (128 MB) of logits per chunk. */
export const CE_CHUNK_FLOATS = 2 ** 25;

function chunkRanges(n: number, rows: number): [number, number][] {
  const out: [number, number][] = [];
  for (let r = 0; r < n; r += rows) out.push([r, Math.min(n, r + rows)]);
  return out;
}

/**
 * Output layer + cross-entropy: h [n, D], table rows w [I, D], labels int32 [n] in [0, I),
 * optional bias [I] -> per-row losses [n] of softmax(h·wᵀ + bias). Gradients for h, w and bias.
 */
export function outputCrossEntropy(h: tf.Tensor2D, w: tf.Tensor2D, labels: tf.Tensor1D, bias?: tf.Tensor1D, maxChunkFloats = CE_CHUNK_FLOATS): tf.Tensor1D {
  const [n, D] = h.shape;
  const I = w.shape[0];
  const chunks = chunkRanges(n, Math.max(1, Math.floor(maxChunkFloats / I)));
  const logitsOf = (hc: tf.Tensor2D, wT: tf.Tensor2D, b?: tf.Tensor1D) => {
    const z = matMul(hc, wT); // [rows, I]
    return b ? addBias(z, b) : z;
  };
  const forward = (hh: tf.Tensor2D, ww: tf.Tensor2D, ...rest: tf.Tensor[]): Grad => {
    const save = rest.pop() as unknown as Save;
    const b = rest[0] as tf.Tensor1D | undefined;
    const wT = transpose2d(ww); // [D, I]
    const keep: tf.Tensor[] = [];
    const losses = chunks.map(([r0, r1]) =>
      // tidy per chunk: only the chunk's losses (and, unchunked, its softmax) outlive it
      tf.tidy(() => {
        const z = logitsOf(tf.slice(hh, [r0, 0], [r1 - r0, D]), wT, b);
        const p = tf.softmax(z); // [rows, I]
        if (chunks.length === 1) keep.push(tf.keep(p));
        return ceLoss(p, z, tf.slice(labels, [r0], [r1 - r0]));
      }),
    );
    save([hh, ww, labels, ...keep, ...(b ? [b] : [])]);
    keep.forEach((t) => t.dispose()); // save() holds its own reference
    return { value: chunks.length === 1 ? losses[0] : tf.concat(losses), gradFunc: (dy, saved) => backward(dy as tf.Tensor1D, saved) };
  };
  const backward = (dy: tf.Tensor1D, saved: tf.Tensor[]): tf.Tensor[] => {
    const [hh, ww, ys] = saved as [tf.Tensor2D, tf.Tensor2D, tf.Tensor1D];
    const kept = chunks.length === 1 ? (saved[3] as tf.Tensor2D) : undefined;
    const b = bias ? (saved[saved.length - 1] as tf.Tensor1D) : undefined;
    const wT = transpose2d(ww); // [D, I]
    let dwT: tf.Tensor2D = tf.zeros([D, I]);
    let db: tf.Tensor1D | undefined = b ? tf.zeros([I]) : undefined;
    const dh = chunks.map(([r0, r1]) => {
      const step = tf.tidy(() => {
        const hc = tf.slice(hh, [r0, 0], [r1 - r0, D]); // [rows, D]
        const p = kept ?? tf.softmax(logitsOf(hc, wT, b)); // [rows, I], recomputed when chunked
        const g = ceGrad(p, tf.slice(ys, [r0], [r1 - r0]), tf.slice(dy, [r0], [r1 - r0])); // [rows, I]
        const dbNext = db ? tf.add(db, colSum(g)) : undefined;
        return { dhc: matMul(g, ww), dwNext: tf.add(dwT, matMulTN(hc, g)), ...(dbNext ? { dbNext } : {}) }; // [rows, D], [D, I]
      });
      dwT.dispose();
      dwT = step.dwNext as tf.Tensor2D;
      if (db) {
        db.dispose();
        db = step.dbNext as tf.Tensor1D;
      }
      return step.dhc as tf.Tensor2D;
    });
    const grads = [chunks.length === 1 ? dh[0] : tf.concat(dh), transpose2d(dwT)];
    return db ? [...grads, db] : grads;
  };
  const f = customGrad(forward);
  return (bias ? f(h, w, bias) : f(h, w)) as tf.Tensor1D;
}
