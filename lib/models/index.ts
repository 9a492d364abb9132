/**
 * The one model registry: an explicit map from kind to registry entry (types.ts `ModelEntry`:
 * label, defaults, shapeFields, create, fromShape, paramCounts, describe). The CLI, the run
 * builder (lib/runs/build.ts) and the presets read it; nothing else switches on the kind.
 * Adding a model: its file (built with toolkit.ts, exporting its entry), one line here, one entry
 * in the contract list of test/models/contract.test.ts.
 */
import { CASER } from './caser';
import { FMLP } from './fmlp';
import { FUXI } from './fuxi';
import { GRU4REC } from './gru4rec';
import { HSTU } from './hstu';
import { LLAMA } from './llama';
import { LSRM } from './lsrm';
import type { ModelEntry, ModelShape } from './types';

export const MODELS = {
  lsrm: LSRM,
  gru4rec: GRU4REC,
  fmlp: FMLP,
  caser: CASER,
  hstu: HSTU,
  fuxi: FUXI,
  llama: LLAMA,
} as const satisfies Record<string, ModelEntry>;

export type ModelKind = keyof typeof MODELS;

/** Every kind, in registry order. */
export const MODEL_KINDS = Object.keys(MODELS) as ModelKind[];

/** True when `kind` names a registry entry. */
export function isModelKind(kind: unknown): kind is ModelKind {
  return typeof kind === 'string' && Object.prototype.hasOwnProperty.call(MODELS, kind);
}

/**
 * The entry of a kind chosen at run time (a CLI flag, a stored config), typed for any config.
 * @throws Error naming the kind and listing the known ones.
 */
export function modelEntry(kind: string): ModelEntry {
  if (!isModelKind(kind)) throw new Error(`unknown model kind '${kind}': one of ${MODEL_KINDS.join(', ')}`);
  return MODELS[kind];
}

/** LSRM's shape: what a run spec holds for a field its model does not read (Caser's numLayers). */
const SHAPE_FALLBACK: ModelShape = { numLayers: LSRM.defaults.numLayers, dim: LSRM.defaults.dim, numHeads: LSRM.defaults.numHeads, maxLen: LSRM.defaults.maxLen };

/**
 * The generic shape of a kind's defaults (numLayers, dim, numHeads, maxLen). A field the model
 * does not read takes LSRM's default, so a run spec always has every field.
 */
export function defaultShape(kind: string): ModelShape {
  const d = modelEntry(kind).defaults as Partial<ModelShape>;
  const pick = (k: 'numLayers' | 'dim' | 'numHeads' | 'maxLen') => (typeof d[k] === 'number' ? (d[k] as number) : SHAPE_FALLBACK[k]);
  return { numLayers: pick('numLayers'), dim: pick('dim'), numHeads: pick('numHeads'), maxLen: pick('maxLen') };
}
