/**
 * Fused full-softmax cross-entropy with integer labels (paper III-D's training loss), never
 * building a one-hot tensor: the gradient is dy_i·(softmax - indicator at y_i), computed as
 * p·dy followed by a kernel that subtracts dy_i at (i, y_i).
 *
 * `outputCrossEntropy` also fuses the output layer (logits = h·Wᵀ + b) and bounds memory: rows are
 * processed in chunks of at most `maxChunkFloats / I` rows (12,800 x 26,744 logits are 1.4 GB,
 * and the wasm heap is limited to 4 GB), so only one chunk's logits exist at a time.
 * When a gradient is being taken, the forward pass computes it too, while each chunk's softmax is
 * at hand ("eager"): with g = softmax - onehot(y) it accumulates dh = g·W, dWᵀ = hᵀ·g and
 * db = colsum(g), as if every row's upstream gradient were 1. The backward pass then only scales
 * them, when the upstream gradient is the same c for every row, as it is under a mean or a sum
 * of the losses (the training loss). Any other upstream gradient (a weighted sum) recomputes
 * each chunk's logits instead. The eager form saves the recomputing matMul and softmax that
 * chunks used to cost (a quarter of the output layer's work at 26,744 items) and the dy·p
 * product, and it keeps no [n, I] tensor between the passes.
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

/** softmax - onehot(y) [n, C]: the gradient of the summed cross-entropy over the logits. */
function softmaxMinusOneHot(p: tf.Tensor2D, labels: tf.Tensor1D): tf.Tensor2D {
  if (hasTsKernels()) return run('LsrmSubAtLabels', { x: p, labels, values: tf.onesLike(labels).cast('float32') })[0] as tf.Tensor2D;
  return tf.sub(p, tf.oneHot(labels, p.shape[1])); // tensorflow backend only
}

/** True while tfjs records a gradient tape (the forward pass of a gradient computation). */
function isTakingGradient(): boolean {
  return tf.engine().state.gradientDepth > 0;
}

/** The common value of every element of dy, or undefined when they differ. */
function uniformValue(dy: tf.Tensor1D): number | undefined {
  const d = dy.dataSync();
  for (let i = 1; i < d.length; i++) if (d[i] !== d[0]) return undefined;
  return d[0];
}

/** One chunk's losses and, when eager, its dh rows and the running dWᵀ and db (unit upstream gradients). */
type ChunkOut = { loss: tf.Tensor1D; dhc?: tf.Tensor2D; dwT?: tf.Tensor2D; db?: tf.Tensor1D };

/**
 * Output layer + cross-entropy: h [n, D], table rows w [I, D], labels int32 [n] in [0, I),
 * optional bias [I] -> per-row losses [n] of softmax(h·wᵀ + bias). Gradients for h, w and bias
 * (see the header for the eager form).
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
    const eager = isTakingGradient();
    const wT = transpose2d(ww); // [D, I]
    const dh: tf.Tensor2D[] = [];
    let acc: { dwT?: tf.Tensor2D; db?: tf.Tensor1D } = {}; // running sums over chunks
    const losses = chunks.map(([r0, r1]) => {
      // tidy per chunk: only the chunk's losses and the running gradients outlive it
      const out = tf.tidy((): ChunkOut => {
        const hc = tf.slice(hh, [r0, 0], [r1 - r0, D]); // [rows, D]
        const yc = tf.slice(labels, [r0], [r1 - r0]);
        const z = logitsOf(hc, wT, b); // [rows, I]
        const p = tf.softmax(z); // [rows, I]
        const loss = ceLoss(p, z, yc); // [rows]
        if (!eager) return { loss };
        const g = softmaxMinusOneHot(p, yc); // [rows, I]
        const dwT = matMulTN(hc, g); // [D, I]
        const db = b ? colSum(g) : undefined; // [I]
        return {
          loss,
          dhc: matMul(g, ww), // [rows, D]
          dwT: acc.dwT ? tf.add<tf.Tensor2D>(acc.dwT, dwT) : dwT,
          ...(db ? { db: acc.db ? tf.add<tf.Tensor1D>(acc.db, db) : db } : {}),
        };
      });
      if (out.dhc) {
        if (acc.dwT) acc.dwT.dispose();
        if (acc.db) acc.db.dispose();
        acc = { dwT: out.dwT, db: out.db };
        dh.push(out.dhc);
      }
      return out.loss;
    });
    const unit = acc.dwT ? [dh.length === 1 ? dh[0] : tf.concat(dh), acc.dwT, ...(acc.db ? [acc.db] : [])] : [];
    save([hh, ww, labels, ...(b ? [b] : []), ...unit]);
    if (dh.length > 1) tf.dispose(dh);
    tf.dispose([wT, ...unit]); // save() holds its own references
    return { value: chunks.length === 1 ? losses[0] : tf.concat(losses), gradFunc: (dy, saved) => backward(dy as tf.Tensor1D, saved) };
  };
  const backward = (dy: tf.Tensor1D, saved: tf.Tensor[]): tf.Tensor[] => {
    const [hh, ww, ys] = saved as [tf.Tensor2D, tf.Tensor2D, tf.Tensor1D];
    const b = bias ? (saved[3] as tf.Tensor1D) : undefined;
    const unit = saved.slice(b ? 4 : 3);
    const c = unit.length > 0 ? uniformValue(dy) : undefined;
    if (c !== undefined) {
      const [dh, dwT, db] = unit;
      return [tf.mul(dh, c), transpose2d(tf.mul(dwT, c) as tf.Tensor2D), ...(db ? [tf.mul(db, c)] : [])];
    }
    return recomputedGrads(dy, hh, ww, ys, b);
  };
  /** The gradients for any upstream dy [n], each chunk's logits computed again. */
  const recomputedGrads = (dy: tf.Tensor1D, hh: tf.Tensor2D, ww: tf.Tensor2D, ys: tf.Tensor1D, b?: tf.Tensor1D): tf.Tensor[] => {
    const wT = transpose2d(ww); // [D, I]
    let dwT: tf.Tensor2D = tf.zeros([D, I]);
    let db: tf.Tensor1D | undefined = b ? tf.zeros([I]) : undefined;
    const dh = chunks.map(([r0, r1]) => {
      const step = tf.tidy(() => {
        const hc = tf.slice(hh, [r0, 0], [r1 - r0, D]); // [rows, D]
        const p = tf.softmax(logitsOf(hc, wT, b)); // [rows, I]
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
    wT.dispose();
    return db ? [...grads, db] : grads;
  };
  const f = customGrad(forward);
  return (bias ? f(h, w, bias) : f(h, w)) as tf.Tensor1D;
}
