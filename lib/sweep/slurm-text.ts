/**
 * The text side of the Slurm executor, as pure functions: the sbatch script of a sweep (one array
 * task per manifest index, SLURM_ARRAY_TASK_ID = the index) and parsers for what `squeue` and
 * `scontrol -o show job` print. Nothing here runs a command (lib/sweep/slurm.ts does).
 *
 * Quoting: the script body is bash, so paths go in single quotes. `#SBATCH` lines are read by
 * sbatch itself, which strips double quotes ("--output=\"/a b/%A_%a.out\"" keeps the space;
 * checked on Slurm 22.05), so paths there go in double quotes and may not hold `"` or a newline.
 */
import { ValidationError } from '../util/errors';
import { checkInteger } from '../util/validate';

/** Resources and limits of each array task (`lsrm sweep --executor slurm` options). */
export interface SlurmOptions {
  /** --partition P (default: the cluster's default partition). */
  partition?: string;
  /** --time T, a wall-time limit per task ('30', '2:00:00', '1-12'); default: the partition's. */
  time?: string;
  /** --mem M, memory per task ('4G', '16000M'). */
  mem?: string;
  /** --cpus-per-task C. */
  cpusPerTask?: number;
  /** --gpus G per task (0 or unset: no GPU line). */
  gpus?: number;
  /** At most K tasks of the array run at once (the `%K` of `--array`); default: no limit. */
  maxParallel?: number;
  /** Further `#SBATCH` arguments, verbatim ('--account=proj', '--qos=short'). */
  sbatchArgs?: string[];
}

/** What a script needs besides the options: where things are on the (shared) file system. */
export interface ScriptPaths {
  /** The run store all nodes see. */
  readonly store: string;
  /** The lsrm CLI entry (dist/cli.js, or lib/cli.ts with nodeArgs ['--import', 'tsx']). */
  readonly cliPath: string;
  /** The node binary on the compute nodes. */
  readonly nodePath: string;
  /** Arguments before the CLI path (e.g. a TypeScript loader). */
  readonly nodeArgs?: readonly string[];
  /** Folder of the task logs (<logDir>/<jobId>_<index>.out). */
  readonly logDir: string;
  /** --job-name (default 'lsrm-sweep'). */
  readonly jobName?: string;
}

/**
 * Sorted distinct indices as Slurm's array ranges.
 * @example indexRanges([5, 0, 1, 2, 7, 8]) // '0-2,5,7-8'
 */
export function indexRanges(indices: readonly number[]): string {
  const sorted = [...new Set(indices)].sort((a, b) => a - b);
  const parts: string[] = [];
  for (let i = 0; i < sorted.length; ) {
    let j = i;
    while (j + 1 < sorted.length && sorted[j + 1] === sorted[j] + 1) j++;
    parts.push(j === i ? `${sorted[i]}` : `${sorted[i]}-${sorted[j]}`);
    i = j + 1;
  }
  return parts.join(',');
}

/**
 * The indices of an array spec as squeue and scontrol print it ('2-3%2', '[0,4-5]', '7', '1-7:2').
 * @example expandIndexRanges('[0,4-5%2]') // [0, 4, 5]
 */
export function expandIndexRanges(spec: string): number[] {
  const body = spec.replace(/^\[/, '').replace(/\]$/, '').replace(/%\d+$/, '');
  const out: number[] = [];
  for (const part of body.split(',')) {
    const m = /^(\d+)(?:-(\d+)(?::(\d+))?)?$/.exec(part.trim());
    if (!m) continue;
    const [from, to, step] = [Number(m[1]), Number(m[2] ?? m[1]), Number(m[3] ?? 1)];
    for (let i = from; i <= to; i += step) out.push(i);
  }
  return out;
}

/** A word for bash: single-quoted unless it is plainly safe. */
export function shellQuote(word: string): string {
  return /^[A-Za-z0-9_./:=@%+-]+$/.test(word) ? word : `'${word.replace(/'/g, `'\\''`)}'`;
}

/** A value for an `#SBATCH` line: double-quoted when it holds a space. */
function sbatchValue(option: string, value: string): string {
  if (/["\n\r]/.test(value)) throw new ValidationError(option, value, 'free of double quotes and newlines (sbatch reads it from a #SBATCH line)');
  return /\s/.test(value) ? `"${value}"` : value;
}

/** A single-token option value such as a partition or a time limit. */
function plainValue(option: string, value: string): string {
  if (value === '' || /\s|"/.test(value)) throw new ValidationError(option, value, 'one word without spaces or quotes');
  return value;
}

/** The `#SBATCH` lines of the options, in a fixed order. */
function optionLines(opts: SlurmOptions): string[] {
  const lines: string[] = [];
  if (opts.partition !== undefined) lines.push(`--partition=${plainValue('--partition', opts.partition)}`);
  if (opts.time !== undefined) lines.push(`--time=${plainValue('--time', opts.time)}`);
  if (opts.mem !== undefined) lines.push(`--mem=${plainValue('--mem', opts.mem)}`);
  if (opts.cpusPerTask !== undefined) lines.push(`--cpus-per-task=${checkInteger('--cpus-per-task', opts.cpusPerTask, { min: 1 })}`);
  if (opts.gpus !== undefined && checkInteger('--gpus', opts.gpus, { min: 0 }) > 0) lines.push(`--gpus=${opts.gpus}`);
  for (const arg of opts.sbatchArgs ?? []) {
    if (!arg.startsWith('-') || /[\n\r]/.test(arg)) throw new ValidationError('--sbatch-arg', arg, 'one sbatch option starting with - on one line (e.g. --account=proj)');
    lines.push(arg);
  }
  return lines;
}

/**
 * The sbatch script that runs manifest `indices` as one job array, each task
 * `node <cli> sweep exec --manifest M --index $SLURM_ARRAY_TASK_ID --store S`.
 * @throws ValidationError for an option out of range or a path sbatch cannot read
 * @example sbatchScript('/s/m.json', [0, 1, 2, 3], { store: '/s', cliPath: '/p/dist/cli.js', nodePath: 'node', logDir: '/s/logs', maxParallel: 2 })
 *   // '#!/bin/bash\n#SBATCH --job-name=lsrm-sweep\n#SBATCH --array=0-3%2\n...'
 */
export function sbatchScript(manifestPath: string, indices: readonly number[], opts: SlurmOptions & ScriptPaths): string {
  if (indices.length === 0) throw new ValidationError('indices', indices, 'a non-empty list (nothing to submit)');
  for (const i of indices) checkInteger('array index', i, { min: 0 });
  const throttle = opts.maxParallel === undefined ? '' : `%${checkInteger('--max-parallel', opts.maxParallel, { min: 1 })}`;
  const header = [
    `--job-name=${plainValue('job name', opts.jobName ?? 'lsrm-sweep')}`,
    `--array=${indexRanges(indices)}${throttle}`,
    `--output=${sbatchValue('log folder', `${opts.logDir}/%A_%a.out`)}`,
    ...optionLines(opts),
  ];
  const command = [opts.nodePath, ...(opts.nodeArgs ?? []), opts.cliPath, 'sweep', 'exec', '--manifest', manifestPath];
  return [
    '#!/bin/bash',
    ...header.map((h) => `#SBATCH ${h}`),
    `# lsrm sweep: one array task per manifest index (written by lib/sweep/slurm.ts; resubmit with \`lsrm sweep resubmit SPEC --failed\`)`,
    'set -euo pipefail',
    // exec: a time limit's SIGTERM reaches node itself.
    `exec ${command.map(shellQuote).join(' ')} --index "$SLURM_ARRAY_TASK_ID" --store ${shellQuote(opts.store)}`,
    '',
  ].join('\n');
}

/** One line of squeue: a task (or a pending group of tasks) of an array job. */
export interface QueueEntry {
  /** The array's job id (the id sbatch printed). */
  readonly jobId: string;
  /** Array indices on this line (several for a pending group); empty for a non-array job. */
  readonly indices: readonly number[];
  /** PENDING, RUNNING, COMPLETING, ... */
  readonly state: string;
}

/** The format `parseSqueue` reads: `squeue --noheader --array --format=%i|%T`. */
export const SQUEUE_FORMAT = '%i|%T';

/**
 * Lines of `squeue --noheader --array --format='%i|%T'`: '12_3|RUNNING', '12_[4-7%2]|PENDING'.
 * @example parseSqueue('12_[2-3%2]|PENDING\n12_0|RUNNING\n') // [{ jobId: '12', indices: [2, 3], state: 'PENDING' }, { jobId: '12', indices: [0], state: 'RUNNING' }]
 */
export function parseSqueue(text: string): QueueEntry[] {
  const out: QueueEntry[] = [];
  for (const line of text.split('\n')) {
    const m = /^\s*(\d+)(?:_(\S+))?\|(\S+)\s*$/.exec(line);
    if (m) out.push({ jobId: m[1], indices: m[2] === undefined ? [] : expandIndexRanges(m[2]), state: m[3] });
  }
  return out;
}

/** One job record of `scontrol -o show job` (the fields the executor reads). */
export interface JobRecord {
  readonly jobId: string;
  /** The array's job id; the record's own id for a non-array job. */
  readonly arrayJobId: string;
  /** Array indices of this record (several while a group is still pending). */
  readonly indices: readonly number[];
  readonly state: string;
  readonly reason: string;
  /** 'status:signal', e.g. '1:0'. */
  readonly exitCode: string;
  readonly stdOut: string;
}

/** Key=value fields of one `scontrol -o` line; a value may hold spaces (a path), a key may not. */
function scontrolFields(line: string): Map<string, string> {
  const fields = new Map<string, string>();
  const keys = [...line.matchAll(/(?:^|\s)([A-Za-z][A-Za-z0-9_/:]*)=/g)];
  keys.forEach((m, k) => {
    const start = m.index! + m[0].length;
    const end = k + 1 < keys.length ? keys[k + 1].index! : line.length;
    fields.set(m[1], line.slice(start, end).trim());
  });
  return fields;
}

/**
 * Records of `scontrol -o show job <id>`: one line per array task (or pending group).
 * @example parseScontrolJobs('JobId=13 ArrayJobId=12 ArrayTaskId=1 JobState=FAILED Reason=NonZeroExitCode ExitCode=1:0')
 *   // [{ jobId: '13', arrayJobId: '12', indices: [1], state: 'FAILED', reason: 'NonZeroExitCode', exitCode: '1:0', stdOut: '' }]
 */
export function parseScontrolJobs(text: string): JobRecord[] {
  return text.split('\n').filter((l) => l.includes('JobId=')).map((line) => {
    const f = scontrolFields(line.trim());
    const jobId = f.get('JobId') ?? '';
    const task = f.get('ArrayTaskId');
    return {
      jobId,
      arrayJobId: f.get('ArrayJobId') ?? jobId,
      indices: task === undefined ? [] : expandIndexRanges(task),
      state: f.get('JobState') ?? 'UNKNOWN',
      reason: f.get('Reason') ?? '',
      exitCode: f.get('ExitCode') ?? '',
      stdOut: f.get('StdOut') ?? '',
    };
  });
}

/** Queue states of a task that has not started. */
export const PENDING_STATES: ReadonlySet<string> = new Set(['PENDING', 'REQUEUED', 'REQUEUE_HOLD', 'REQUEUE_FED', 'RESV_DEL_HOLD']);

/** End states of a task that did not succeed. */
export const FAILED_STATES: ReadonlySet<string> = new Set([
  'FAILED', 'TIMEOUT', 'CANCELLED', 'NODE_FAIL', 'OUT_OF_MEMORY', 'BOOT_FAIL', 'DEADLINE', 'PREEMPTED', 'REVOKED', 'SPECIAL_EXIT',
]);
