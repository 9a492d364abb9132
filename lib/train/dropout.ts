/**
 * Layer-wise adaptive dropout (paper III-B1, "LAD"): larger dropout rates for the lower layers
 * (they process the raw item signal and overfit first), smaller for the higher layers (they
 * build abstract features and should not lose information).
 *
 * The paper gives no numbers. Our documented default: rates fall linearly from `bottom` = 0.3
 * at layer 0 to `top` = 0.1 at layer L-1. Its mean, 0.2, is SASRec's dropout for MovieLens
 * (Kang & McAuley), so the fixed-dropout ablation ("w/o LAD" in Table III) uses the same mean
 * rate, (bottom + top) / 2, at every layer: the two settings regularize equally on average and
 * differ only in how the rate is spread over depth. A one-layer model gets the mean either way.
 */

/** How the rates are spread over the layers. */
export type DropoutShape = 'linear' | 'fixed';

/** Layer-wise dropout settings. */
export interface LayerDropoutConfig {
  /** Rate of the top layer (L-1). */
  readonly top: number;
  /** Rate of the bottom layer (0). */
  readonly bottom: number;
  /** 'linear': bottom -> top; 'fixed': (bottom + top) / 2 everywhere (the ablation). */
  readonly shape: DropoutShape;
}

export const LAYER_DROPOUT_DEFAULTS: LayerDropoutConfig = {
  top: 0.1, // keeps the top layers close to undropped: the paper's "mitigate underfitting"
  bottom: 0.3, // strong regularization where the raw ids enter: the paper's "prevent overfitting"
  shape: 'linear',
};

/**
 * One dropout rate per layer, index 0 = lowest layer.
 * @throws Error when numLayers < 1 or a rate is outside [0, 1).
 * @example layerDropoutRates(3, { top: 0.1, bottom: 0.3, shape: 'linear' }) // [0.3, 0.2, 0.1]
 */
export function layerDropoutRates(numLayers: number, config: Partial<LayerDropoutConfig> = {}): number[] {
  const c = { ...LAYER_DROPOUT_DEFAULTS, ...config };
  if (!Number.isInteger(numLayers) || numLayers < 1) throw new Error(`layerDropoutRates: numLayers must be a positive integer, got ${numLayers}`);
  for (const [name, r] of [['top', c.top], ['bottom', c.bottom]] as const) {
    if (!(r >= 0 && r < 1)) throw new Error(`layerDropoutRates: ${name} rate must be in [0, 1), got ${r}`);
  }
  const mean = (c.bottom + c.top) / 2;
  if (c.shape === 'fixed' || numLayers === 1) return new Array<number>(numLayers).fill(mean);
  // Linear interpolation: layer l gets bottom + (top - bottom) * l / (L - 1).
  return Array.from({ length: numLayers }, (_, l) => c.bottom + ((c.top - c.bottom) * l) / (numLayers - 1));
}
