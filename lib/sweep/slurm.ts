/**
 * The Slurm executor (issue 8, item 3): a sweep's manifest becomes one job array, task I trains
 * run I (`lsrm sweep exec --manifest M --index I --store S`, lib/sweep/worker.ts) into the shared
 * run store, so figures load the results afterwards like any local run.
 *
 * Files, next to the manifest <store>/sweeps/<hash>.json (the store must be a path every node sees):
 *   <hash>.slurm/jobs.json        every submission: { jobId, indices, script, submittedAt }
 *   <hash>.slurm/sbatch-<n>.sh    the script of submission n (lib/sweep/slurm-text.ts)
 *   <hash>.slurm/logs/<job>_<i>.out  the task logs (the worker's JSON lines)
 *
 * State of run I, from the files first and Slurm second (its latest submission counts):
 *   done         result.json in its run directory, or its store record
 *   pending      squeue (or scontrol) lists its task as pending
 *   running      squeue (or scontrol) lists its task as started and not ended
 *   failed       error.json (the worker's), or the task ended (FAILED, TIMEOUT, CANCELLED, ...,
 *                or even COMPLETED) without a result, or Slurm forgot the job (MinJobAge) first
 *   unsubmitted  none of the above and never submitted
 * Accounting (sacct) is not needed: clusters without slurmdbd have none.
 */
import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { userInfo } from 'node:os';
import { join, resolve } from 'node:path';
import { writeFileAtomic, writeJsonAtomic } from '../util/atomic';
import { DataError } from '../util/errors';
import { runPaths } from '../runs/in-store';
import { workerCommand } from './local';
import { readManifest, type SweepManifest } from './manifest';
import type { SweepRun } from './spec';
import { FAILED_STATES, indexRanges, parseScontrolJobs, parseSqueue, PENDING_STATES, sbatchScript, SQUEUE_FORMAT, type JobRecord, type SlurmOptions } from './slurm-text';
import { ERROR_FILE } from './worker';

export { expandIndexRanges, indexRanges, parseScontrolJobs, parseSqueue, sbatchScript, type SlurmOptions } from './slurm-text';

/** Options of submitSlurm and resubmitFailed. */
export interface SubmitOptions extends SlurmOptions {
  /** The run store (absolute in the script; must be the manifest's). */
  readonly store: string;
  /** Progress lines (default: none). */
  log?(message: string): void;
  /** Follow the jobs until no task is queued or running (default true); false returns after sbatch. */
  readonly wait?: boolean;
  /** Seconds between two squeue polls while following (default 10). */
  readonly pollSeconds?: number;
  /** The lsrm entry each task runs and node's arguments before it (default: workerCommand(), lib/sweep/local.ts). */
  readonly cliPath?: string;
  readonly nodeArgs?: readonly string[];
  /** node on the compute nodes (default: this process's node). */
  readonly nodePath?: string;
}

/** Where each run of a sweep stands (see the header), as sorted manifest indices. */
export interface SlurmStatus {
  readonly done: number[];
  readonly failed: number[];
  readonly running: number[];
  readonly pending: number[];
  readonly unsubmitted: number[];
  /** Why each failed run failed: the worker's message or the task's end state and log. */
  readonly why: Readonly<Record<number, string>>;
}

/** One sbatch call, as jobs.json records it. */
export interface Submission {
  readonly jobId: string;
  readonly indices: readonly number[];
  readonly script: string;
  readonly submittedAt: string;
}

/** The folder of a manifest's Slurm files: <store>/sweeps/<hash>.slurm. */
export function slurmDir(manifestPath: string): string {
  return resolve(manifestPath).replace(/\.json$/, '') + '.slurm';
}

/** Every submission of a manifest, oldest first ([] before the first). */
export function readSubmissions(manifestPath: string): Submission[] {
  const path = join(slurmDir(manifestPath), 'jobs.json');
  if (!existsSync(path)) return [];
  const jobs = JSON.parse(readFileSync(path, 'utf8')) as { submissions?: Submission[] };
  if (!Array.isArray(jobs.submissions)) throw new DataError('not a jobs file { submissions: [...] }. Fix: delete it (the runs stay in the store)', path);
  return jobs.submissions;
}

function addSubmission(manifestPath: string, s: Submission): void {
  const path = join(slurmDir(manifestPath), 'jobs.json');
  writeJsonAtomic(path, { version: 1, manifest: resolve(manifestPath), submissions: [...readSubmissions(manifestPath), s] });
}

/** Run a Slurm command and return its stdout. @throws DataError when it is missing or fails. */
function slurmCommand(cmd: string, args: readonly string[]): Promise<string> {
  return new Promise((done, fail) => {
    execFile(cmd, args, { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 }, (err, stdout, stderr) => {
      if (!err) return done(stdout);
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') {
        return fail(new DataError(`${cmd} not found: this machine is not a Slurm submit host. Fix: run on a login node, or use --executor local`));
      }
      fail(new DataError(`${cmd} ${args.join(' ')} failed: ${(stderr || err.message).trim()}`));
    });
  });
}

/** The records of one job, [] once Slurm has forgotten it (older than MinJobAge). */
async function jobRecords(jobId: string): Promise<JobRecord[]> {
  try {
    return parseScontrolJobs(await slurmCommand('scontrol', ['-o', 'show', 'job', jobId]));
  } catch (err) {
    if (/Invalid job id/i.test((err as Error).message)) return [];
    throw err;
  }
}

/** The manifest at `manifestPath` for these runs, written when missing. @throws DataError on a mismatch. */
function ensureManifest(manifestPath: string, runs: readonly SweepRun[], store: string): SweepManifest {
  if (!existsSync(manifestPath)) {
    const manifest: SweepManifest = { version: 1, store: resolve(store), runs };
    writeJsonAtomic(manifestPath, manifest);
    return manifest;
  }
  const m = readManifest(manifestPath);
  const same = m.runs.length === runs.length && m.runs.every((r, i) => r.key === runs[i].key);
  if (!same) throw new DataError('holds other runs than this sweep. Fix: write the sweep\'s own manifest (writeManifest) or delete this one', manifestPath);
  if (resolve(m.store) !== resolve(store)) throw new DataError(`trains into ${m.store}, not ${resolve(store)}. Fix: pass --store ${m.store}`, manifestPath);
  return m;
}

/** Whether run `key` has finished in `store`. */
function isDone(store: string, key: string): boolean {
  const { record, runDir } = runPaths(store, key);
  return existsSync(record) || existsSync(join(runDir, 'result.json'));
}

/** The worker's failure message for run `key`, if it left one. */
function errorMessage(store: string, key: string): string | undefined {
  const path = join(runPaths(store, key).runDir, ERROR_FILE);
  if (!existsSync(path)) return undefined;
  try {
    return String((JSON.parse(readFileSync(path, 'utf8')) as { message?: unknown }).message ?? 'error.json without a message');
  } catch {
    return `${path} is unreadable`;
  }
}

/**
 * Where every run of the manifest stands: files first, then squeue for queued and running tasks,
 * then `scontrol show job` for tasks that ended without a result (see the header).
 */
export async function slurmStatus(manifestPath: string, runs: readonly SweepRun[], store: string): Promise<SlurmStatus> {
  const latest = new Map<number, Submission>();
  for (const s of readSubmissions(manifestPath)) for (const i of s.indices) latest.set(i, s);
  const jobIds = new Set([...latest.values()].map((s) => s.jobId));
  const queued = new Map<string, string>(); // `${jobId}_${index}` -> state
  if (jobIds.size > 0) {
    const text = await slurmCommand('squeue', ['--noheader', '--array', `--user=${userInfo().username}`, `--format=${SQUEUE_FORMAT}`]);
    for (const e of parseSqueue(text)) if (jobIds.has(e.jobId)) for (const i of e.indices) queued.set(`${e.jobId}_${i}`, e.state);
  }
  const records = new Map<string, Promise<JobRecord[]>>();
  const recordOf = async (jobId: string, index: number) => {
    if (!records.has(jobId)) records.set(jobId, jobRecords(jobId));
    return (await records.get(jobId)!).find((r) => r.indices.includes(index));
  };
  const s = { done: [] as number[], failed: [] as number[], running: [] as number[], pending: [] as number[], unsubmitted: [] as number[], why: {} as Record<number, string> };
  for (const [i, run] of runs.entries()) {
    if (isDone(store, run.key)) {
      s.done.push(i);
      continue;
    }
    const sub = latest.get(i);
    const record = sub && !queued.has(`${sub.jobId}_${i}`) ? await recordOf(sub.jobId, i) : undefined;
    const state = sub ? queued.get(`${sub.jobId}_${i}`) ?? record?.state : undefined;
    const message = errorMessage(store, run.key);
    if (state !== undefined && PENDING_STATES.has(state)) s.pending.push(i);
    else if (state !== undefined && state !== 'COMPLETED' && !FAILED_STATES.has(state)) s.running.push(i);
    else if (sub === undefined && message === undefined) s.unsubmitted.push(i);
    else {
      s.failed.push(i);
      s.why[i] = failureText(manifestPath, i, sub, record, message);
    }
  }
  return s;
}

/** Why a run failed: the worker's message, else the task's end state, or that Slurm forgot the job; and the log. */
function failureText(manifestPath: string, i: number, sub: Submission | undefined, r: JobRecord | undefined, message: string | undefined): string {
  const log = sub ? `; log ${join(slurmDir(manifestPath), 'logs', `${sub.jobId}_${i}.out`)}` : '';
  if (message !== undefined) return `${message}${log}`;
  if (!r) return `task ${sub!.jobId}_${i} ended without a result (Slurm no longer knows the job)${log}`;
  return `task ${sub!.jobId}_${i} ended ${r.state} (${r.reason}, exit ${r.exitCode}) without a result${log}`;
}

/** Submit `indices` of the manifest as one job array; returns the job id. */
async function submitIndices(manifestPath: string, indices: readonly number[], opts: SubmitOptions): Promise<string> {
  const dir = slurmDir(manifestPath);
  const logDir = join(dir, 'logs');
  mkdirSync(logDir, { recursive: true });
  const script = join(dir, `sbatch-${readSubmissions(manifestPath).length + 1}.sh`);
  const [node, ...args] = workerCommand(); // this node, its loader flags, the lsrm entry
  writeFileAtomic(script, sbatchScript(resolve(manifestPath), indices, {
    ...opts,
    store: resolve(opts.store),
    cliPath: opts.cliPath ?? args[args.length - 1],
    nodeArgs: opts.nodeArgs ?? (opts.cliPath === undefined ? args.slice(0, -1) : []),
    nodePath: opts.nodePath ?? node,
    logDir,
  }));
  const out = (await slurmCommand('sbatch', ['--parsable', script])).trim();
  const jobId = /^(\d+)/.exec(out)?.[1]; // '123' or '123;cluster'
  if (!jobId) throw new DataError(`sbatch printed no job id (got '${out}')`, script);
  addSubmission(manifestPath, { jobId, indices: [...indices], script, submittedAt: new Date().toISOString() });
  opts.log?.(`slurm: job ${jobId}, array ${indexRanges(indices)}${opts.maxParallel ? `%${opts.maxParallel}` : ''} (${indices.length} runs); logs in ${logDir}`);
  return jobId;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * Poll until no task is queued or running; log each change; 0 when every run is done. An end
 * with failures is confirmed by one more poll before it is reported: a controller under load
 * can answer squeue without a task that is still running (seen in CI on a loaded 2-core machine:
 * the sweep ended with a running task counted as failed), and one reading must not end a sweep.
 */
async function follow(manifestPath: string, runs: readonly SweepRun[], opts: SubmitOptions): Promise<number> {
  const log = opts.log ?? (() => undefined);
  log('slurm: following the jobs (stopping this leaves them running; `lsrm sweep status SPEC` shows them)');
  let last = '';
  let endSeen = ''; // the failed indices of an end seen once, not yet confirmed
  for (let errors = 0; ; ) {
    let s: SlurmStatus;
    try {
      s = await slurmStatus(manifestPath, runs, opts.store);
      errors = 0;
    } catch (err) {
      // A busy controller times out now and then ("Socket timed out"): retry a few polls.
      if (++errors > 3) throw err;
      log(`slurm: ${(err as Error).message} (retrying)`);
      await sleep((opts.pollSeconds ?? 10) * 1000);
      continue;
    }
    const ended = s.running.length + s.pending.length === 0;
    const failedNow = s.failed.join(',');
    const isFinal = ended && (s.failed.length === 0 || failedNow === endSeen);
    endSeen = ended ? failedNow : '';
    if (!ended || isFinal) { // an unconfirmed end is not logged
      const line = `slurm: ${s.done.length}/${runs.length} done, ${s.running.length} running, ${s.pending.length} pending, ${s.failed.length} failed`;
      if (line !== last) log(line);
      last = line;
    }
    if (isFinal) return report(s, runs, log);
    await sleep((opts.pollSeconds ?? 10) * 1000);
  }
}

/** The final lines: done and failed indices with reasons; the exit code. */
function report(s: SlurmStatus, runs: readonly SweepRun[], log: (m: string) => void): number {
  log(`slurm: done ${s.done.length} of ${runs.length}${s.done.length ? `: ${indexRanges(s.done)}` : ''}`);
  for (const i of s.failed) log(`slurm: failed ${i} (${runs[i].label}): ${s.why[i]}`);
  if (s.failed.length > 0) log('slurm: rerun the failed ones with `lsrm sweep resubmit SPEC --failed`');
  return s.done.length === runs.length ? 0 : 1;
}

/**
 * Run a sweep on Slurm: submit every run that is neither done nor queued as one job array, then
 * (unless `wait` is false) follow all the sweep's tasks until none is queued or running.
 * @returns 0 when every run is done (or, without waiting, once submitted); 1 otherwise
 * @throws DataError when sbatch is missing or refuses the job, or the manifest holds other runs
 */
export async function submitSlurm(manifestPath: string, runs: readonly SweepRun[], opts: SubmitOptions): Promise<number> {
  ensureManifest(manifestPath, runs, opts.store);
  const s = await slurmStatus(manifestPath, runs, opts.store);
  const todo = [...s.failed, ...s.unsubmitted].sort((a, b) => a - b);
  if (todo.length > 0) await submitIndices(manifestPath, todo, opts);
  else if (s.running.length + s.pending.length === 0) opts.log?.(`slurm: all ${runs.length} runs done already`);
  return opts.wait === false ? 0 : follow(manifestPath, runs, opts);
}

/**
 * Submit again only the runs that failed (`lsrm sweep resubmit SPEC --failed`); each resumes from
 * its last finished epoch. Then follow, as submitSlurm does.
 * @returns 0 when nothing failed or every run is done afterwards; 1 otherwise
 */
export async function resubmitFailed(manifestPath: string, runs: readonly SweepRun[], opts: SubmitOptions): Promise<number> {
  ensureManifest(manifestPath, runs, opts.store);
  const s = await slurmStatus(manifestPath, runs, opts.store);
  if (s.failed.length === 0) {
    opts.log?.(`slurm: no failed runs (${s.done.length} done, ${s.running.length} running, ${s.pending.length} pending, ${s.unsubmitted.length} unsubmitted)`);
    return 0;
  }
  await submitIndices(manifestPath, s.failed, opts);
  return opts.wait === false ? 0 : follow(manifestPath, runs, opts);
}
