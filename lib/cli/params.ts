/**
 * `lsrm params`: parameter counts of an LSRM shape as the paper reports them (Table IV / V),
 * from lib/models/params.ts: non-embedding N = 12·L·d²; with --items also the embedding
 * ((I + 1)·d item rows, the padding row included, + maxLen·d positions) and the total
 * (+ biases and layer norms, 13·L·d + 2·d).
 */
import { lsrmParamCounts } from '../models/params';
import { intOption, UsageError, type Command } from './command';

const USAGE = `usage: lsrm params --layers L --d-model D [--heads H] [--items I] [--max-len 50] [--json]

Parameter counts of an LSRM (decoder-only transformer, d_ff = 4·d):
  non-embedding  12·L·d² (attention 4d² + feed-forward 8d² per layer; biases/norms not counted,
                 as in the paper: --layers 48 --d-model 1200 gives 829,440,000)
  embedding      with --items: (I + 1)·d item rows (the padding row 0 is counted) + max-len·d positions
  total          embedding + non-embedding + biases and norms (13·L·d + 2·d)
  --heads H      checked to divide d (does not change the counts)
  --json         one JSON object`;

export const paramsCommand: Command = {
  name: 'params',
  summary: 'parameter counts of an LSRM shape (Table IV: 12·L·d² non-embedding)',
  usage: USAGE,
  options: {
    layers: { type: 'string' },
    'd-model': { type: 'string' },
    heads: { type: 'string' },
    items: { type: 'string' },
    'max-len': { type: 'string' },
    json: { type: 'boolean' },
  },
  async run(values) {
    const layers = intOption(values, 'layers');
    const dim = intOption(values, 'd-model');
    if (layers === undefined || dim === undefined) throw new UsageError('--layers and --d-model are required');
    const heads = intOption(values, 'heads');
    if (heads !== undefined && (heads < 1 || dim % heads !== 0)) throw new UsageError(`--heads ${heads} must divide --d-model ${dim}`);
    const items = intOption(values, 'items');
    const maxLen = intOption(values, 'max-len', 50) as number;
    let counts;
    try {
      counts = lsrmParamCounts({ numLayers: layers, dim, numItems: items, maxLen });
    } catch (err) {
      throw new UsageError((err as Error).message);
    }
    const shape = { layers, dModel: dim, ...(heads !== undefined ? { heads } : {}), ...(items !== undefined ? { items, maxLen } : {}) };
    const out = items === undefined ? { ...shape, nonEmbedding: counts.nonEmbedding } : { ...shape, ...counts };
    if (values.json) {
      process.stdout.write(JSON.stringify(out) + '\n');
      return 0;
    }
    const fmt = (n: number) => n.toLocaleString('en-US');
    process.stdout.write(`non-embedding  ${fmt(counts.nonEmbedding)}  (12·${layers}·${dim}²)\n`);
    if (items !== undefined) {
      process.stdout.write(`embedding      ${fmt(counts.embedding)}  ((${items}+1)·${dim} items incl. padding + ${maxLen}·${dim} positions)\n`);
      process.stdout.write(`total          ${fmt(counts.total)}  (incl. biases and norms)\n`);
    }
    return 0;
  },
};
