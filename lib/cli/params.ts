/**
 * `lsrm params`: parameter counts of a model shape as the paper reports them (Table IV / V), from
 * the model registry (lib/models): MODELS[kind].paramCounts of the config the shape gives. For
 * LSRM (lib/models/params.ts) non-embedding N = 12·L·d²; with --items also the embedding
 * ((I + 1)·d item rows, the padding row included, + maxLen·d positions) and the total
 * (+ biases and layer norms, 13·L·d + 2·d). The other kinds count every non-embedding variable.
 */
import { defaultShape, MODEL_KINDS, MODELS, modelEntry } from '../models';
import type { ModelShape } from '../models/types';
import { intOption, oneOfOption, UsageError, type Command, type OptionValues } from './command';
import { checkHeads } from './train';

const USAGE = `usage: lsrm params [--model KIND] --layers L --d-model D [--heads H] [--items I] [--max-len 50] [--json]

Parameter counts of a model shape (the model's other settings take its defaults):
  --model KIND   ${MODEL_KINDS.join(', ')} (default lsrm); --layers is not needed for a model
                 without layers (${MODEL_KINDS.filter((k) => !MODELS[k].shapeFields.includes('numLayers')).join(', ')})
LSRM (decoder-only transformer, d_ff = 4·d):
  non-embedding  12·L·d² (attention 4d² + feed-forward 8d² per layer; biases/norms not counted,
                 as in the paper: --layers 48 --d-model 1200 gives 829,440,000)
  embedding      with --items: (I + 1)·d item rows (the padding row 0 is counted) + max-len·d positions
  total          embedding + non-embedding + biases and norms (13·L·d + 2·d)
The other kinds count every non-embedding variable, biases and norms included (Table V's
convention); the formula of each is in the header of lib/models/<kind>.ts.
  --heads H      checked to divide d (does not change the counts)
  --json         one JSON object`;

/** The shape the flags give; throws a UsageError naming the missing flags, a ValidationError for a bad value. */
function shapeOf(kind: string, values: OptionValues): ModelShape {
  const base = defaultShape(kind);
  const layers = intOption(values, 'layers', undefined, { min: 1 });
  const dim = intOption(values, 'd-model', undefined, { min: 1 });
  const needsLayers = modelEntry(kind).shapeFields.includes('numLayers');
  if ((needsLayers && layers === undefined) || dim === undefined) throw new UsageError(`${needsLayers ? '--layers and --d-model are' : '--d-model is'} required`);
  const heads = intOption(values, 'heads', undefined, { min: 1 });
  if (heads !== undefined) checkHeads(heads, dim);
  // Heads do not change the counts: 1 divides every width.
  return { numLayers: layers ?? base.numLayers, dim, numHeads: heads ?? 1, maxLen: intOption(values, 'max-len', base.maxLen, { min: 1 })! };
}

export const paramsCommand: Command = {
  name: 'params',
  summary: 'parameter counts of a model shape (Table IV: LSRM 12·L·d² non-embedding)',
  usage: USAGE,
  options: {
    model: { type: 'string' },
    layers: { type: 'string' },
    'd-model': { type: 'string' },
    heads: { type: 'string' },
    items: { type: 'string' },
    'max-len': { type: 'string' },
    json: { type: 'boolean' },
  },
  async run(values) {
    const kind = oneOfOption(values, 'model', MODEL_KINDS, 'lsrm')!;
    const entry = modelEntry(kind);
    const shape = shapeOf(kind, values);
    const items = intOption(values, 'items', undefined, { min: 1 });
    // Non-embedding counts do not depend on the item count: 1 item stands in when none is given.
    // A shape the model refuses is a ConfigError naming the field (exit 2).
    const config = entry.fromShape(shape, { numItems: items ?? 1, layerDropout: (n) => new Array<number>(n).fill(0) });
    const counts = entry.paramCounts(config);
    const line = entry.describe(config);
    const heads = intOption(values, 'heads');
    const given = {
      ...(values.model !== undefined ? { model: kind } : {}),
      ...(values.layers !== undefined ? { layers: shape.numLayers } : {}),
      dModel: shape.dim,
      ...(heads !== undefined ? { heads } : {}),
      ...(items !== undefined ? { items, maxLen: shape.maxLen } : {}),
    };
    const out = items === undefined ? { ...given, nonEmbedding: counts.nonEmbedding } : { ...given, ...counts };
    if (values.json) {
      process.stdout.write(JSON.stringify(out) + '\n');
      return 0;
    }
    const fmt = (n: number) => n.toLocaleString('en-US');
    process.stdout.write(`${line}\nnon-embedding  ${fmt(counts.nonEmbedding)}\n`);
    if (items !== undefined) process.stdout.write(`embedding      ${fmt(counts.embedding)}\ntotal          ${fmt(counts.total)}\n`);
    return 0;
  },
};
