/**
 * `lsrm eval`: full-ranking evaluation of a trained run directory (paper III-D).
 * Prints HR@5/10/50, NDCG@5/10/50, Coverage@10/50 and the cross-entropy of the held-out item,
 * named after the split it was computed on: `testLoss` for --split test (the default),
 * `validLoss` for --split valid (one split per call; evaluating both would double the cost).
 * Table by default, one JSON object with --json; progress goes to stderr.
 * The run directory is read by `loadRun(dir)` (lib/runs/run.ts), which rebuilds the data from
 * the run's config (a dataset name is resolved through $LSRM_DATA_DIR or data/).
 */
import type { EvalSplit } from '../data/types';
import { initBackend } from '../ops/backend';
import { loadRun, type LoadedRun } from '../runs/run';
import { EVAL_DEFAULTS, evaluateModel, type EvalResult } from '../eval/evaluate';
import { writeTopK } from '../eval/topk';
import type { DataSpec } from '../runs/build';
import { checkOutFile, intOption, oneOfOption, stringOption, UsageError, type Command, type OptionValues } from './command';
import { prepareRunData } from './data';

/** The parts of a loaded run (lib/runs/run.ts LoadedRun) that eval needs. */
export type EvalRun = Pick<LoadedRun, 'model' | 'split'>;

/** How eval reads a run's data: --lenient, --allow-data-change. */
export interface RunLoadOptions {
  readonly lenient: boolean;
  readonly allowDataChange: boolean;
}

/** Reads a run directory; loadRun by default, a fake in tests. */
export type RunLoader = (dir: string, opts: RunLoadOptions) => Promise<EvalRun>;

/** The real loader: loadRun, with the data read and checked by prepareRunData. */
export function defaultRunLoader(dir: string, opts: RunLoadOptions): Promise<EvalRun> {
  const log = (m: string) => void process.stderr.write(`eval: ${m}\n`);
  return loadRun(dir, { prepare: (data: DataSpec) => prepareRunData(data, { lenient: opts.lenient, log }) }, { allowDataChange: opts.allowDataChange, log });
}

/** Where the command writes: stdout for results, stderr for progress. */
export interface CommandIo {
  readonly out: (s: string) => void;
  readonly err: (s: string) => void;
}

const USAGE = `usage: lsrm eval --run DIR [--split test|valid] [--json] [--topk-out FILE] [--mask-seen] [--batch-size N]
                 [--lenient] [--allow-data-change]

Full-ranking evaluation of a trained run: every item is a candidate (no sampled negatives).
  --run DIR         run directory written by training (lsrm train --out, or runs/train/<key>.run)
  --split S         test (default; history = train + valid) or valid (history = train)
  --json            print one JSON object instead of a table
  --topk-out FILE   also write each user's top-50 items as JSON lines, in raw ids
  --mask-seen       exclude items already in the user's history (off by default, as RecBole)
  --batch-size N    users per scoring batch (default: from a 64 MiB score budget)
  --lenient         skip malformed data rows, as the run's training did with --lenient
  --allow-data-change
                    evaluate although the run's data changed since training
Prints HR@5, HR@10, HR@50, NDCG@5, NDCG@10, NDCG@50, Coverage@10, Coverage@50 and the mean
cross-entropy of the target (testLoss for --split test, validLoss for --split valid).
Coverage divides by the number of real items (RecBole divides by items + 1).`;

/** The printed metrics: the 'loss' key renamed after the split. */
export function reportMetrics(result: EvalResult, split: EvalSplit): Record<string, number> {
  const out: Record<string, number> = {};
  for (const [k, v] of Object.entries(result.metrics)) if (k !== 'loss') out[k] = v;
  out[split === 'test' ? 'testLoss' : 'validLoss'] = result.metrics.loss;
  return out;
}

/** Two-column text table of metric values (4 decimals). */
export function formatTable(metrics: Record<string, number>): string {
  const width = Math.max(6, ...Object.keys(metrics).map((k) => k.length));
  const lines = [`${'metric'.padEnd(width)}  value`];
  for (const [k, v] of Object.entries(metrics)) lines.push(`${k.padEnd(width)}  ${v.toFixed(4)}`);
  return lines.join('\n') + '\n';
}

function parseSplit(values: OptionValues): EvalSplit {
  return oneOfOption(values, 'split', ['test', 'valid'] as const, 'test')!;
}

/** Progress printer: one stderr line per ~10% of users. */
function progress(io: CommandIo): (done: number, total: number) => void {
  let next = 0;
  return (done, total) => {
    if (done < next && done < total) return;
    io.err(`eval: ${done}/${total} users\n`);
    next = done + Math.ceil(total / 10);
  };
}

async function runEval(load: RunLoader, io: CommandIo, values: OptionValues): Promise<number> {
  const dir = stringOption(values, 'run');
  if (!dir) throw new UsageError('--run DIR is required');
  const split = parseSplit(values);
  const batchSize = intOption(values, 'batch-size', undefined, { min: 1 });
  const topkOut = stringOption(values, 'topk-out');
  if (topkOut !== undefined) checkOutFile('topk-out', topkOut);
  const maskSeen = values['mask-seen'] === true;
  const backend = await initBackend();
  const run = await load(dir, { lenient: values.lenient === true, allowDataChange: values['allow-data-change'] === true });
  try {
    io.err(`eval: ${dir}, split ${split}, ${run.split.numItems} items, backend ${backend.name}\n`);
    const result = await evaluateModel(run.model, run.split, {
      split, maskSeen, batchSize, topk: topkOut ? EVAL_DEFAULTS.topk : undefined, onProgress: progress(io),
    });
    if (topkOut) {
      writeTopK(topkOut, result, run.split.vocab);
      io.err(`eval: wrote ${result.users.length} top-${result.topkWidth} lists to ${topkOut}\n`);
    }
    const metrics = reportMetrics(result, split);
    if (values.json === true) {
      io.out(JSON.stringify({ run: dir, split, maskSeen, numUsers: result.users.length, numItems: run.split.numItems, ...metrics }) + '\n');
    } else {
      io.out(formatTable(metrics));
    }
    return 0;
  } finally {
    run.model.dispose();
  }
}

/** Build the command around a run loader (tests pass a fake one). */
export function makeEvalCommand(load: RunLoader = defaultRunLoader, io?: CommandIo): Command {
  const streams: CommandIo = io ?? { out: (s) => process.stdout.write(s), err: (s) => process.stderr.write(s) };
  return {
    name: 'eval',
    summary: 'full-ranking HR/NDCG/Coverage and test loss of a trained run',
    usage: USAGE,
    options: {
      run: { type: 'string' },
      split: { type: 'string' },
      json: { type: 'boolean' },
      'topk-out': { type: 'string' },
      'mask-seen': { type: 'boolean' },
      'batch-size': { type: 'string' },
      lenient: { type: 'boolean' },
      'allow-data-change': { type: 'boolean' },
    },
    run: (values) => runEval(load, streams, values),
  };
}

export const evalCommand: Command = makeEvalCommand();
