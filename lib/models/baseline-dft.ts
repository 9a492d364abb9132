/**
 * Causal convolution along the time axis computed in the frequency domain with real DFT
 * matrices, for FMLP-Rec's learnable filter (lib/models/fmlp.ts).
 *
 * Shapes: B batch, T sequence length, D channels, F = T + 1 frequencies of a length-2T DFT.
 *
 * y[t, d] = Σ_{s <= t} k[t - s, d] · x[s, d]   (a lower-triangular Toeplitz product per channel)
 * is computed as y = IDFT_2T( DFT_2T(x ⧺ 0_T) ⊙ DFT_2T(k ⧺ 0_T) )[0 .. T): zero-padding both the
 * signal and the kernel to length 2T turns the DFT's circular convolution into a linear one, and
 * keeping the first T outputs leaves only lags 0..T-1 >= 0, i.e. a causal filter.
 *
 * Why matrices rather than tf.rfft: tfjs-backend-wasm has no FFT/RFFT kernels, and as matMuls
 * ([2F, T] and [T, 2F], about 2·2F·T·B·D multiply-adds, 42M for B=64, T=50, D=64) the filter runs
 * on every backend and gets the project's fast matMul gradient.
 */
import * as tf from '@tensorflow/tfjs';
import { matMul } from '../ops/ops';

/**
 * Forward real DFT of a length-T signal zero-padded to 2T: [2F, T], rows 0..T the cosine
 * (real) part, rows F..2F-1 the negated sine (imaginary) part, for frequencies f = 0..T.
 */
export function dftMatrix(T: number): Float32Array {
  const F = T + 1;
  const out = new Float32Array(2 * F * T);
  for (let f = 0; f < F; f++) {
    for (let s = 0; s < T; s++) {
      const a = (Math.PI * f * s) / T; // 2π f s / (2T)
      out[f * T + s] = Math.cos(a);
      out[(F + f) * T + s] = -Math.sin(a);
    }
  }
  return out;
}

/**
 * Inverse real DFT restricted to outputs 0..T-1: [T, 2F]. For a Hermitian spectrum Y of length
 * 2T, y[t] = (1/2T) Σ_f c_f (Re Y_f cos(2π f t / 2T) - Im Y_f sin(2π f t / 2T)) with c_0 = c_T = 1
 * and c_f = 2 otherwise (each inner frequency stands for itself and its mirror 2T - f).
 */
export function idftMatrix(T: number): Float32Array {
  const F = T + 1;
  const out = new Float32Array(T * 2 * F);
  for (let t = 0; t < T; t++) {
    for (let f = 0; f < F; f++) {
      const a = (Math.PI * f * t) / T;
      const c = (f === 0 || f === T ? 1 : 2) / (2 * T);
      out[t * 2 * F + f] = c * Math.cos(a);
      out[t * 2 * F + F + f] = -c * Math.sin(a);
    }
  }
  return out;
}

/**
 * Causal per-channel convolution through the frequency domain: x [B, T, D], kernel [K, D] with
 * K >= T (lags 0..K-1; only lags < T can reach an output) -> [B, T, D].
 */
export function causalConvDft(x: tf.Tensor3D, kernel: tf.Tensor2D): tf.Tensor3D {
  return tf.tidy(() => {
    const [B, T, D] = x.shape;
    if (kernel.shape[0] < T) throw new Error(`causalConvDft: kernel has ${kernel.shape[0]} lags, need >= T=${T}`);
    if (kernel.shape[1] !== D) throw new Error(`causalConvDft: kernel has ${kernel.shape[1]} channels, x has ${D}`);
    const F = T + 1;
    const fwd = tf.tensor2d(dftMatrix(T), [2 * F, T]); // [2F, T]
    const inv = tf.tensor2d(idftMatrix(T), [T, 2 * F]); // [T, 2F]
    const xt = tf.transpose(x, [1, 0, 2]).reshape([T, B * D]) as tf.Tensor2D; // [T, B·D]
    const spec = matMul(fwd, xt).reshape([2 * F, B, D]); // [2F, B, D]
    const kSpec = matMul(fwd, kernel.slice([0, 0], [T, D])).reshape([2 * F, 1, D]); // [2F, 1, D]
    const [xr, xi] = tf.split(spec, 2, 0); // [F, B, D] each
    const [kr, ki] = tf.split(kSpec, 2, 0); // [F, 1, D] each
    const yr = tf.sub(tf.mul(xr, kr), tf.mul(xi, ki)); // complex product, real part
    const yi = tf.add(tf.mul(xr, ki), tf.mul(xi, kr)); // imaginary part
    const ySpec = tf.concat([yr, yi], 0).reshape([2 * F, B * D]) as tf.Tensor2D; // [2F, B·D]
    const y = matMul(inv, ySpec).reshape([T, B, D]); // [T, B, D]
    return tf.transpose(y, [1, 0, 2]) as tf.Tensor3D; // [B, T, D]
  });
}
