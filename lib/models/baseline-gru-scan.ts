/**
 * The GRU recurrence of GRU4Rec (lib/models/gru4rec.ts) as one differentiable op with a
 * hand-written backward pass through time.
 *
 * Shapes: T slots, B batch, H hidden; time-major rows (rows t·B .. t·B+B-1 are slot t).
 * Inputs: xg [T·B, 3H], the input projections of the gates r | z | n (any padding hold already
 * added to z's block), and u [H, 3H], the recurrent weights r | z | n. Output: h [T·B, H].
 *   r, z = σ(xg_rz + h·u_rz),  n = tanh(xg_n + r ⊙ (h·u_n)),  h' = n + z ⊙ (h - n).
 *
 * Why by hand: tfjs's autodiff replays ~40 small ops per step in the backward pass (each matMul
 * gradient is two matMuls and two transposes). Here each backward step is ~20 elementwise ops and
 * a single matMul with uᵀ (transposed once), and the gradient of u is one big matMul
 * h_prevᵀ [H, T·B] · g [T·B, 3H] after the loop. The forward ops run untaped.
 */
import * as tf from '@tensorflow/tfjs';
import { matMul, transpose2d } from '../ops/ops';

type Save = (tensors: tf.Tensor[]) => void;
type Grad = { value: tf.Tensor; gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => tf.Tensor[] };

/** Per-step tensors the backward pass reads, T of each. */
interface Trace {
  readonly hPrev: tf.Tensor2D[];
  readonly r: tf.Tensor2D[];
  readonly z: tf.Tensor2D[];
  readonly n: tf.Tensor2D[];
  readonly hn: tf.Tensor2D[];
}

/** Forward recurrence: returns every state and the trace of the backward pass. */
function scanForward(xg: tf.Tensor2D, u: tf.Tensor2D, batch: number): { hs: tf.Tensor2D[]; trace: Trace } {
  const H = u.shape[0];
  const T = xg.shape[0] / batch;
  const [xrz, xn] = tf.split(xg, [2 * H, H], 1); // [T·B, 2H], [T·B, H]
  const uRz = u.slice([0, 0], [H, 2 * H]); // [H, 2H]
  const uN = u.slice([0, 2 * H], [H, H]); // [H, H]
  const trace: Trace = { hPrev: [], r: [], z: [], n: [], hn: [] };
  const hs: tf.Tensor2D[] = [];
  let h: tf.Tensor2D = tf.zeros([batch, H]); // [B, H]
  for (let t = 0; t < T; t++) {
    const rz = tf.sigmoid(tf.add(xrz.slice([t * batch, 0], [batch, 2 * H]), tf.matMul(h, uRz))); // [B, 2H]
    const [r, z] = tf.split(rz, 2, 1) as [tf.Tensor2D, tf.Tensor2D]; // [B, H] each
    const hn = tf.matMul(h, uN) as tf.Tensor2D; // [B, H]
    const n = tf.tanh(tf.add(xn.slice([t * batch, 0], [batch, H]), tf.mul(r, hn))) as tf.Tensor2D; // [B, H]
    trace.hPrev.push(h);
    trace.r.push(r);
    trace.z.push(z);
    trace.n.push(n);
    trace.hn.push(hn);
    h = tf.add(n, tf.mul(z, tf.sub(h, n))) as tf.Tensor2D; // (1 - z) n + z h
    hs.push(h);
  }
  return { hs, trace };
}

/** Backward through time: dy [T·B, H] -> [dxg [T·B, 3H], du [H, 3H]]. */
function scanBackward(dy: tf.Tensor2D, u: tf.Tensor2D, trace: Trace, batch: number): tf.Tensor[] {
  const H = u.shape[0];
  const T = trace.r.length;
  const uT = transpose2d(u); // [3H, H], transposed once for the whole loop
  const dxg: tf.Tensor2D[] = new Array(T);
  const g: tf.Tensor2D[] = new Array(T);
  let dh: tf.Tensor2D = tf.zeros([batch, H]); // dL/dh_t flowing back from later slots
  for (let t = T - 1; t >= 0; t--) {
    const [hp, r, z, n, hn] = [trace.hPrev[t], trace.r[t], trace.z[t], trace.n[t], trace.hn[t]];
    dh = tf.add(dh, dy.slice([t * batch, 0], [batch, H])); // [B, H]
    const dan = tf.mul(tf.mul(dh, tf.sub(1, z)), tf.sub(1, tf.square(n))); // through n = tanh(a_n)
    const dar = tf.mul(tf.mul(dan, hn), tf.mul(r, tf.sub(1, r))); // through r = σ(a_r), a_n = x_n + r·hn
    const daz = tf.mul(tf.mul(dh, tf.sub(hp, n)), tf.mul(z, tf.sub(1, z))); // through z = σ(a_z)
    const dhn = tf.mul(dan, r); // [B, H]
    g[t] = tf.concat([dar, daz, dhn], 1) as tf.Tensor2D; // [B, 3H]: gradients of h·u
    dxg[t] = tf.concat([dar, daz, dan], 1) as tf.Tensor2D; // [B, 3H]: gradients of xg
    dh = tf.add(tf.mul(dh, z), tf.matMul(g[t], uT)); // [B, H]
  }
  const hPrevAll = tf.concat(trace.hPrev, 0) as tf.Tensor2D; // [T·B, H]
  const du = matMul(transpose2d(hPrevAll), tf.concat(g, 0) as tf.Tensor2D); // [H, 3H]
  return [tf.concat(dxg, 0), du];
}

/**
 * GRU states at every slot: xg [T·B, 3H], u [H, 3H] -> [T·B, H], with the zero initial state.
 * @throws Error when the shapes disagree.
 */
export function gruScan(xg: tf.Tensor2D, u: tf.Tensor2D, batch: number): tf.Tensor2D {
  const H = u.shape[0];
  if (u.shape[1] !== 3 * H || xg.shape[1] !== 3 * H) throw new Error(`gruScan: need u [H, 3H] and xg [T·B, 3H], got u [${u.shape}] and xg [${xg.shape}]`);
  if (xg.shape[0] % batch !== 0) throw new Error(`gruScan: ${xg.shape[0]} rows are not a multiple of batch ${batch}`);
  const f = tf.customGrad(((x: tf.Tensor2D, w: tf.Tensor2D, save: Save): Grad => {
    // tidy: only the output and the trace outlive the forward pass.
    const { value, kept } = tf.tidy(() => {
      const { hs, trace } = scanForward(x, w, batch);
      return { value: tf.concat(hs, 0), kept: [...trace.hPrev, ...trace.r, ...trace.z, ...trace.n, ...trace.hn] }; // [T·B, H]
    });
    const T = kept.length / 5;
    save([w, ...kept]);
    return {
      value,
      gradFunc: (dy, saved) =>
        tf.tidy(() => {
          const part = (k: number) => saved.slice(1 + k * T, 1 + (k + 1) * T) as tf.Tensor2D[];
          const tr: Trace = { hPrev: part(0), r: part(1), z: part(2), n: part(3), hn: part(4) };
          return scanBackward(dy as tf.Tensor2D, saved[0] as tf.Tensor2D, tr, batch);
        }),
    };
  }) as unknown as Parameters<typeof tf.customGrad>[0]);
  return f(xg, u) as tf.Tensor2D;
}
