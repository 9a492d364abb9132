/**
 * How a sweep runs (the executor, the jobs, the Slurm resources), as one typed object, and its
 * round trip through environment variables: `lsrm figures --jobs 2 --executor slurm ...` sets
 * them for the notebooks it executes, and a notebook's produce call reads them back with
 * `sweepOptionsFromEnv()`, so the notebook itself stays a config cell plus library calls.
 *
 *   LSRM_EXECUTOR             local | slurm
 *   LSRM_JOBS                 trainings at once (local; 1 = in the calling process)
 *   LSRM_SLURM_PARTITION, LSRM_SLURM_TIME, LSRM_SLURM_MEM, LSRM_SLURM_CPUS_PER_TASK,
 *   LSRM_SLURM_GPUS, LSRM_SLURM_MAX_PARALLEL   the `--partition` ... `--max-parallel` of sbatch
 *   LSRM_SLURM_SBATCH_ARGS    further #SBATCH arguments, a JSON array of strings
 *   LSRM_SLURM_WAIT           1 (default): follow the jobs until they end; 0: submit and return
 */
import { ValidationError } from '../util/errors';
import { checkInteger, checkOneOf } from '../util/validate';
import type { SlurmOptions } from './slurm-text';

/** Where a sweep's trainings run. */
export const EXECUTORS = ['local', 'slurm'] as const;
export type ExecutorName = (typeof EXECUTORS)[number];

/** How a sweep runs; every field optional (local, one training at a time in this process). */
export interface SweepOptions {
  /** 'local' (default): this machine; 'slurm': one job array on a cluster. */
  readonly executor?: ExecutorName;
  /** Local trainings at once (default 1: in this process; 2 or more: child processes). */
  readonly jobs?: number;
  /** Resources of each Slurm array task. */
  readonly slurm?: SlurmOptions;
  /** Slurm: follow the jobs until none is queued or running (default true); false returns after sbatch. */
  readonly wait?: boolean;
  /** Slurm: seconds between two squeue polls while following (default 10). */
  readonly pollSeconds?: number;
}

type Env = Readonly<Record<string, string | undefined>>;

const SLURM_STRINGS = [['partition', 'LSRM_SLURM_PARTITION'], ['time', 'LSRM_SLURM_TIME'], ['mem', 'LSRM_SLURM_MEM']] as const;
const SLURM_INTS = [['cpusPerTask', 'LSRM_SLURM_CPUS_PER_TASK', 1], ['gpus', 'LSRM_SLURM_GPUS', 0], ['maxParallel', 'LSRM_SLURM_MAX_PARALLEL', 1]] as const;

function value(env: Env, name: string): string | undefined {
  const v = env[name]?.trim();
  return v === undefined || v === '' ? undefined : v;
}

function sbatchArgsOf(text: string): string[] {
  let args: unknown;
  try {
    args = JSON.parse(text);
  } catch {
    args = undefined;
  }
  if (!Array.isArray(args) || !args.every((a) => typeof a === 'string')) {
    throw new ValidationError('LSRM_SLURM_SBATCH_ARGS', text, 'a JSON array of strings such as ["--account=proj"]');
  }
  return args;
}

/**
 * The sweep options the environment holds (see the header); {} when none is set.
 * @throws ValidationError naming the variable, its value and what it must be
 * @example sweepOptionsFromEnv({ LSRM_JOBS: '2' }) // { jobs: 2 }
 */
export function sweepOptionsFromEnv(env: Env = process.env): SweepOptions {
  const executor = value(env, 'LSRM_EXECUTOR');
  const jobs = value(env, 'LSRM_JOBS');
  const wait = value(env, 'LSRM_SLURM_WAIT');
  const slurm: Record<string, unknown> = {};
  for (const [field, name] of SLURM_STRINGS) if (value(env, name) !== undefined) slurm[field] = value(env, name);
  for (const [field, name, min] of SLURM_INTS) if (value(env, name) !== undefined) slurm[field] = checkInteger(name, value(env, name), { min });
  const args = value(env, 'LSRM_SLURM_SBATCH_ARGS');
  if (args !== undefined) slurm.sbatchArgs = sbatchArgsOf(args);
  return {
    ...(executor !== undefined ? { executor: checkOneOf('LSRM_EXECUTOR', executor, EXECUTORS) } : {}),
    ...(jobs !== undefined ? { jobs: checkInteger('LSRM_JOBS', jobs, { min: 1 }) } : {}),
    ...(Object.keys(slurm).length > 0 ? { slurm: slurm as SlurmOptions } : {}),
    ...(wait !== undefined ? { wait: checkOneOf('LSRM_SLURM_WAIT', wait, ['0', '1'] as const) === '1' } : {}),
  };
}

/**
 * The environment variables that carry `opts` (what sweepOptionsFromEnv reads back); fields
 * not set give no variable.
 * @example sweepOptionsToEnv({ executor: 'slurm', wait: false }) // { LSRM_EXECUTOR: 'slurm', LSRM_SLURM_WAIT: '0' }
 */
export function sweepOptionsToEnv(opts: SweepOptions): Record<string, string> {
  const env: Record<string, string> = {};
  if (opts.executor !== undefined) env.LSRM_EXECUTOR = opts.executor;
  if (opts.jobs !== undefined) env.LSRM_JOBS = String(opts.jobs);
  const s = opts.slurm ?? {};
  for (const [field, name] of SLURM_STRINGS) if (s[field] !== undefined) env[name] = s[field]!;
  for (const [field, name] of SLURM_INTS) if (s[field] !== undefined) env[name] = String(s[field]);
  if (s.sbatchArgs !== undefined && s.sbatchArgs.length > 0) env.LSRM_SLURM_SBATCH_ARGS = JSON.stringify(s.sbatchArgs);
  if (opts.wait !== undefined) env.LSRM_SLURM_WAIT = opts.wait ? '1' : '0';
  return env;
}
