/**
 * Named weight sets: copies of a model's variables (the best epoch's weights) and restoring them.
 * A Weights map owns its tensors; dispose it with disposeWeights.
 */
import * as tf from '@tensorflow/tfjs';

/** Tensors by variable name. */
export type Weights = ReadonlyMap<string, tf.Tensor>;

/** Copy every tensor of `from` (variables or tensors) into a new, owned map. */
export function cloneWeights(from: ReadonlyMap<string, tf.Tensor>): Map<string, tf.Tensor> {
  const out = new Map<string, tf.Tensor>();
  for (const [name, x] of from) out.set(name, tf.keep(x.clone()));
  return out;
}

/**
 * Assign `weights` to the variables with the same names.
 * @throws Error when a variable has no weight or the shapes differ.
 */
export function restoreWeights(variables: ReadonlyMap<string, tf.Variable>, weights: Weights): void {
  for (const [name, v] of variables) {
    const w = weights.get(name);
    if (!w) throw new Error(`restoreWeights: no weights for variable '${name}'`);
    if (w.shape.join(',') !== v.shape.join(',')) throw new Error(`restoreWeights: '${name}' has shape [${w.shape}], variable has [${v.shape}]`);
    v.assign(w);
  }
}

/** Dispose every tensor of a weight map. */
export function disposeWeights(weights: Weights): void {
  for (const x of weights.values()) x.dispose();
}
