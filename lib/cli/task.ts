/**
 * `lsrm task <task> --run DIR [--json] [task options]`: one of the five hard tasks of paper V
 * (lib/tasks: long-tail, cold-start, cross-domain, robustness, trajectory) on one trained run.
 * Tables by default, one JSON object with --json; progress goes to stderr. The run is read by
 * loadRun (lib/runs/run.ts); cold-start also reads the run's whole data (every user) to draw
 * its held-out users, and refuses a run that was trained on them.
 */
import { initBackend } from '../ops/backend';
import { loadRun } from '../runs/run';
import type { DataSpec } from '../runs/build';
import { fullSequences, TASKS, taskEntry, type TaskContext, type TaskEntry, type TaskTable } from '../tasks';
import { stringOption, UsageError, type Command, type OptionSpec, type OptionValues } from './command';
import { prepareRunData } from './data';
import type { CommandIo, RunLoadOptions } from './eval';

/** Reads a run directory into what the tasks need; the real one by default, a fake in tests. */
export type TaskRunLoader = (dir: string, opts: RunLoadOptions, log: (m: string) => void) => Promise<TaskContext>;

/** The real loader: loadRun with the data read by prepareRunData; the whole data on demand. */
export async function defaultTaskLoader(dir: string, opts: RunLoadOptions, log: (m: string) => void): Promise<TaskContext> {
  const prepare = (data: DataSpec) => prepareRunData(data, { lenient: opts.lenient, log });
  const run = await loadRun(dir, { prepare }, { allowDataChange: opts.allowDataChange, log });
  return { dir, model: run.model, split: run.split, config: run.config, fullSequences: () => fullSequences(run.config.data, { lenient: opts.lenient }) };
}

const COMMON: OptionSpec = {
  run: { type: 'string' },
  json: { type: 'boolean' },
  lenient: { type: 'boolean' },
  'allow-data-change': { type: 'boolean' },
};

/** Every flag of every task (parseArgs needs them all declared; each task then checks its own). */
function taskOptions(): OptionSpec {
  const out: OptionSpec = { ...COMMON };
  for (const t of TASKS) for (const f of t.flags) out[f.name] = { type: f.value ? 'string' : 'boolean' };
  return out;
}

function usageOf(): string {
  const lines = [
    `usage: lsrm task <${TASKS.map((t) => t.name).join('|')}> --run DIR [--json] [task options]`,
    '                 [--lenient] [--allow-data-change]',
    '',
    'One hard task of paper V on a trained run (full-ranking evaluation; lib/tasks/<task>.ts states',
    'the paper\'s definition and each choice we made).',
    '  --run DIR         run directory written by training',
    '  --json            print one JSON object {"task", "run", ...} instead of tables',
    '  --lenient         skip malformed data rows, as the run\'s training did with --lenient',
    '  --allow-data-change',
    '                    evaluate although the run\'s data changed since training',
  ];
  for (const t of TASKS) {
    lines.push('', `${t.name} (${t.paperRef}): ${t.summary}`);
    for (const f of t.flags) {
      const flag = `--${f.name}${f.value ? ` ${f.value}` : ''}`;
      lines.push(flag.length <= 16 ? `  ${flag.padEnd(16)}  ${f.help}` : `  ${flag}\n${' '.repeat(20)}${f.help}`);
    }
    lines.push(`  JSON: ${t.jsonShape}`);
  }
  lines.push('', 'cold-start needs a run trained without its held-out users (run config data.holdOutUsers);',
    'it refuses a run that was trained on them.');
  return lines.join('\n');
}

/** A cell as printed: integers bare, other numbers with 4 decimals, null as '-'. */
function cell(v: string | number | null): string {
  if (v === null) return '-';
  if (typeof v === 'number') return Number.isInteger(v) ? String(v) : v.toFixed(4);
  return v;
}

/**
 * A task table as text: the title, a header and aligned rows (first column left, others right);
 * the columns are every key of the rows in first-seen order, a missing cell prints as '-'.
 * @example formatTaskTable({ title: 't', rows: [{ group: 'G1', users: 3, 'NDCG@10': 0.5 }] })
 * // 't\ngroup  users  NDCG@10\nG1         3   0.5000\n'
 */
export function formatTaskTable(table: TaskTable): string {
  const keys = [...new Set(table.rows.flatMap((r) => Object.keys(r)))];
  const cells = table.rows.map((r) => keys.map((k) => cell(r[k] ?? null)));
  const widths = keys.map((k, j) => Math.max(k.length, ...cells.map((c) => c[j].length)));
  const line = (row: string[]) => row.map((c, j) => (j === 0 ? c.padEnd(widths[j]) : c.padStart(widths[j]))).join('  ').trimEnd();
  return [table.title, line(keys), ...cells.map(line)].join('\n') + '\n';
}

/** The task named by the first positional, and a check that only its own flags were given. */
function pickTask(values: OptionValues, positionals: string[]): TaskEntry {
  const [name, ...rest] = positionals;
  if (name === undefined) throw new UsageError(`name a task: one of ${TASKS.map((t) => t.name).join(', ')}`);
  if (rest.length > 0) throw new UsageError(`one task per call, got ${positionals.join(' ')}`);
  const entry = taskEntry(name);
  if (!entry) throw new UsageError(`unknown task '${name}': use one of ${TASKS.map((t) => t.name).join(', ')}`);
  const own = new Set([...Object.keys(COMMON), ...entry.flags.map((f) => f.name)]);
  const foreign = Object.keys(values).filter((k) => values[k] !== undefined && !own.has(k));
  if (foreign.length > 0) {
    throw new UsageError(`--${foreign[0]} is not an option of ${entry.name} (its options: ${entry.flags.map((f) => `--${f.name}`).join(', ')})`);
  }
  return entry;
}

async function runTask(load: TaskRunLoader, io: CommandIo, values: OptionValues, positionals: string[]): Promise<number> {
  const entry = pickTask(values, positionals);
  const dir = stringOption(values, 'run');
  if (!dir) throw new UsageError('--run DIR is required');
  const backend = await initBackend();
  const log = (m: string) => io.err(`task: ${m}\n`);
  const ctx = await load(dir, { lenient: values.lenient === true, allowDataChange: values['allow-data-change'] === true }, log);
  try {
    io.err(`task ${entry.name}: ${dir}, ${ctx.split.numItems} items, backend ${backend.name}\n`);
    const report = await entry.run(ctx, values as Record<string, string | boolean | undefined>);
    if (values.json === true) io.out(JSON.stringify({ task: entry.name, run: dir, ...report.json }) + '\n');
    else io.out(report.tables.map(formatTaskTable).join('\n'));
    return 0;
  } finally {
    ctx.model.dispose();
  }
}

/** Build the command around a run loader (tests pass a fake one). */
export function makeTaskCommand(load: TaskRunLoader = defaultTaskLoader, io?: CommandIo): Command {
  const streams: CommandIo = io ?? { out: (s) => process.stdout.write(s), err: (s) => process.stderr.write(s) };
  return {
    name: 'task',
    summary: 'a hard task of paper V (long-tail, cold-start, cross-domain, robustness, trajectory) on a trained run',
    usage: usageOf(),
    options: taskOptions(),
    run: (values, positionals) => runTask(load, streams, values, positionals),
  };
}

export const taskCommand: Command = makeTaskCommand();
