/**
 * The Slurm executor (lib/sweep/slurm.ts, slurm-text.ts): the sbatch script for a few option
 * sets, the squeue/scontrol parsers on output captured from Slurm 22.05, the status of runs
 * read from the store alone; then, for real, a one-node Slurm cluster on localhost
 * (test/helpers/slurm-cluster.ts) runs a 4-run smoke sweep as a job array (at most 2 at once),
 * one run fails inside Slurm, and `resubmit --failed` reruns only that one.
 * Without Slurm (or without root) the live tests skip and name the install command, unless
 * LSRM_REQUIRE_SLURM=1 (.ci/run), which turns the skip into a failure.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expandIndexRanges, indexRanges, parseScontrolJobs, parseSqueue, readSubmissions, resubmitFailed, sbatchScript, slurmDir, slurmStatus, submitSlurm } from '../../lib/sweep/slurm';
import { expandSweep, type SweepRun } from '../../lib/sweep/spec';
import { writeManifest } from '../../lib/sweep/manifest';
import { runPaths } from '../../lib/runs/in-store';
import { slurmMissing, startSlurmCluster, type SlurmCluster } from '../helpers/slurm-cluster';

const PATHS = { store: '/shared/runs', cliPath: '/opt/lsrm/dist/cli.js', nodePath: '/usr/bin/node', logDir: '/shared/runs/sweeps/ab.slurm/logs' };

test('indexRanges and expandIndexRanges: Slurm array ranges both ways', () => {
  assert.equal(indexRanges([5, 0, 1, 2, 7, 8, 2]), '0-2,5,7-8');
  assert.equal(indexRanges([3]), '3');
  assert.deepEqual(expandIndexRanges('[0,4-5%2]'), [0, 4, 5]);
  assert.deepEqual(expandIndexRanges('2-3%2'), [2, 3]);
  assert.deepEqual(expandIndexRanges('1-7:3'), [1, 4, 7]);
  assert.deepEqual(expandIndexRanges('N/A'), []);
});

test('sbatchScript: one array task per index, throttled by %K, each running `sweep exec`', () => {
  const script = sbatchScript('/shared/runs/sweeps/ab.json', [0, 1, 2, 3], { ...PATHS, maxParallel: 2 });
  assert.equal(script, [
    '#!/bin/bash',
    '#SBATCH --job-name=lsrm-sweep',
    '#SBATCH --array=0-3%2',
    '#SBATCH --output=/shared/runs/sweeps/ab.slurm/logs/%A_%a.out',
    '# lsrm sweep: one array task per manifest index (written by lib/sweep/slurm.ts; resubmit with `lsrm sweep resubmit SPEC --failed`)',
    'set -euo pipefail',
    'exec /usr/bin/node /opt/lsrm/dist/cli.js sweep exec --manifest /shared/runs/sweeps/ab.json --index "$SLURM_ARRAY_TASK_ID" --store /shared/runs',
    '',
  ].join('\n'));
  // A resubmission lists its indices; no throttle without maxParallel.
  assert.match(sbatchScript('/m.json', [7, 2, 3], PATHS), /^#SBATCH --array=2-3,7$/m);
});

test('sbatchScript: partition, time, mem, cpus, gpus and extra args become #SBATCH lines in order', () => {
  const script = sbatchScript('/m.json', [0, 1], {
    ...PATHS, partition: 'gpu', time: '2:00:00', mem: '16G', cpusPerTask: 4, gpus: 1, maxParallel: 8, sbatchArgs: ['--account=proj', '--qos=short'],
  });
  const lines = script.split('\n').filter((l) => l.startsWith('#SBATCH')).map((l) => l.slice('#SBATCH '.length));
  assert.deepEqual(lines.slice(1), [
    '--array=0-1%8', `--output=${PATHS.logDir}/%A_%a.out`, '--partition=gpu', '--time=2:00:00', '--mem=16G', '--cpus-per-task=4', '--gpus=1', '--account=proj', '--qos=short',
  ]);
  assert.doesNotMatch(sbatchScript('/m.json', [0], { ...PATHS, gpus: 0 }), /--gpus/); // 0 GPUs: no line
});

test('sbatchScript: paths with spaces and quotes survive bash and sbatch quoting', () => {
  const dir = mkdtempSync(join(tmpdir(), 'lsrm slurm '));
  const paths = { store: join(dir, "it's a store"), cliPath: join(dir, 'my cli.js'), logDir: join(dir, 'my logs'), nodePath: process.execPath };
  // node -e prints the arguments it got: the CLI path stands where -e's script arguments go.
  const script = sbatchScript(join(dir, 'the manifest.json'), [3], { ...paths, nodeArgs: ['-e', 'console.log(JSON.stringify(process.argv.slice(1)))'] });
  assert.match(script, new RegExp(`^#SBATCH --output="${dir}/my logs/%A_%a.out"$`, 'm'));
  writeFileSync(join(dir, 'job.sh'), script);
  const r = spawnSync('bash', [join(dir, 'job.sh')], { encoding: 'utf8', env: { ...process.env, SLURM_ARRAY_TASK_ID: '3' } });
  assert.equal(r.status, 0, r.stderr);
  assert.deepEqual(JSON.parse(r.stdout), [paths.cliPath, 'sweep', 'exec', '--manifest', join(dir, 'the manifest.json'), '--index', '3', '--store', paths.store]);
  rmSync(dir, { recursive: true, force: true });
});

test('sbatchScript: refuses what sbatch or Slurm would misread', () => {
  assert.throws(() => sbatchScript('/m.json', [], PATHS), /indices must be a non-empty list/);
  assert.throws(() => sbatchScript('/m.json', [0], { ...PATHS, maxParallel: 0 }), /--max-parallel must be a positive integer, got 0/);
  assert.throws(() => sbatchScript('/m.json', [-1], PATHS), /array index must be an integer >= 0/);
  assert.throws(() => sbatchScript('/m.json', [0], { ...PATHS, partition: 'a b' }), /--partition must be one word/);
  assert.throws(() => sbatchScript('/m.json', [0], { ...PATHS, cpusPerTask: 1.5 }), /--cpus-per-task must be a positive integer/);
  assert.throws(() => sbatchScript('/m.json', [0], { ...PATHS, gpus: -1 }), /--gpus must be an integer >= 0/);
  assert.throws(() => sbatchScript('/m.json', [0], { ...PATHS, sbatchArgs: ['account=x'] }), /--sbatch-arg must be one sbatch option starting with -/);
  assert.throws(() => sbatchScript('/m.json', [0], { ...PATHS, logDir: '/a"b' }), /log folder must be free of double quotes/);
});

test('parseSqueue: array tasks one per line, pending groups, plain jobs; other lines ignored', () => {
  // squeue --noheader --array --format='%i|%T' on Slurm 22.05 (a pending group shows without --array).
  const text = '12_[2-3%2]|PENDING\n12_0|RUNNING\n12_1|COMPLETING\n17|RUNNING\nslurm_load_jobs error: x\n';
  assert.deepEqual(parseSqueue(text), [
    { jobId: '12', indices: [2, 3], state: 'PENDING' },
    { jobId: '12', indices: [0], state: 'RUNNING' },
    { jobId: '12', indices: [1], state: 'COMPLETING' },
    { jobId: '17', indices: [], state: 'RUNNING' },
  ]);
  assert.deepEqual(parseSqueue(''), []);
});

test('parseScontrolJobs: one record per task, values with spaces (paths) kept whole', () => {
  // scontrol -o show job 1 on Slurm 22.05, fields trimmed; StdOut holds a space.
  const text = [
    'JobId=1 ArrayJobId=1 ArrayTaskId=3 ArrayTaskThrottle=2 JobName=lsrm-sweep JobState=FAILED Reason=NonZeroExitCode Dependency=(null) ExitCode=3:0 Command=/tmp/x/job.sh StdOut=/tmp/x/my logs/1_3.out Power=',
    'JobId=3 ArrayJobId=1 ArrayTaskId=2 JobState=COMPLETED Reason=None ExitCode=0:0 StdOut=/tmp/x/my logs/1_2.out',
    'JobId=1 ArrayJobId=1 ArrayTaskId=2-3%2 JobState=PENDING Reason=Resources ExitCode=0:0',
    'JobId=9 JobName=plain JobState=TIMEOUT Reason=TimeLimit ExitCode=0:15',
  ].join('\n');
  const r = parseScontrolJobs(text);
  assert.deepEqual(r[0], { jobId: '1', arrayJobId: '1', indices: [3], state: 'FAILED', reason: 'NonZeroExitCode', exitCode: '3:0', stdOut: '/tmp/x/my logs/1_3.out' });
  assert.deepEqual(r.map((x) => [x.jobId, x.indices, x.state]), [['1', [3], 'FAILED'], ['3', [2], 'COMPLETED'], ['1', [2, 3], 'PENDING'], ['9', [], 'TIMEOUT']]);
  assert.equal(r[3].arrayJobId, '9');
});

/** `n` smoke runs: synthetic:smoke data, a 1-layer d=8 LSRM, 1 epoch, seeds 0..n-1. */
function smokeRuns(n: number): SweepRun[] {
  return expandSweep({
    base: { data: { source: 'synthetic:smoke' }, model: { kind: 'lsrm', numLayers: 1, dim: 8, numHeads: 1, maxLen: 10 }, train: { epochs: 1, batchSize: 64 } },
    axes: { 'train.seed': Array.from({ length: n }, (_, i) => i) },
  });
}

test('slurmStatus without Slurm: done from result.json, failed from error.json, the rest unsubmitted', async () => {
  const store = mkdtempSync(join(tmpdir(), 'lsrm-slurm-status-'));
  const runs = smokeRuns(3);
  const manifest = writeManifest(store, runs);
  const dir = (i: number) => runPaths(store, runs[i].key).runDir;
  mkdirSync(dir(0), { recursive: true });
  writeFileSync(join(dir(0), 'result.json'), '{}');
  mkdirSync(dir(1), { recursive: true });
  writeFileSync(join(dir(1), 'error.json'), JSON.stringify({ message: 'out of memory', at: '2026-01-01T00:00:00Z' }));
  const s = await slurmStatus(manifest, runs, store); // no jobs.json: no Slurm command runs
  assert.deepEqual({ ...s, why: undefined }, { done: [0], failed: [1], running: [], pending: [], unsubmitted: [2], why: undefined });
  assert.equal(s.why[1], 'out of memory');
  assert.equal(slurmDir(manifest), manifest.replace(/\.json$/, '.slurm'));
  rmSync(store, { recursive: true, force: true });
});

/**
 * Fake sbatch / squeue / scontrol on PATH (bash scripts in a temp folder): sbatch prints job 7;
 * squeue answers from its call count ($FAKE/squeue-<n>, empty when missing) and, at the call
 * named in $FAKE/done-at, writes run 0's result.json first; scontrol answers $FAKE/scontrol.
 */
async function withFakeSlurm<T>(fake: string, body: () => Promise<T>): Promise<T> {
  const bin = join(fake, 'bin');
  mkdirSync(bin, { recursive: true });
  const script = (name: string, text: string) => writeFileSync(join(bin, name), `#!/bin/bash\n${text}\n`, { mode: 0o755 });
  script('sbatch', 'echo 7');
  script('squeue', [
    `n=$(( $(cat "${fake}/squeue-calls" 2>/dev/null || echo 0) + 1 )); echo $n > "${fake}/squeue-calls"`,
    `if [ -f "${fake}/done-at" ] && [ "$(cat "${fake}/done-at")" = "$n" ]; then mkdir -p "$(cat "${fake}/result-dir")"; echo '{}' > "$(cat "${fake}/result-dir")/result.json"; fi`,
    `cat "${fake}/squeue-$n" 2>/dev/null || true`,
  ].join('\n'));
  script('scontrol', `if [ -f "${fake}/scontrol" ]; then cat "${fake}/scontrol"; else echo 'slurm_load_jobs error: Invalid job id specified' >&2; exit 1; fi`);
  const saved = process.env.PATH;
  process.env.PATH = `${bin}:${saved}`;
  try {
    return await body();
  } finally {
    process.env.PATH = saved;
  }
}

test('submitSlurm: one squeue reading without a running task does not end the sweep; a failure seen twice does', async () => {
  const store = mkdtempSync(join(tmpdir(), 'lsrm-slurm-flaky-'));
  const runs = smokeRuns(1);
  const manifest = writeManifest(store, runs);
  const fake = join(store, 'fake');
  mkdirSync(fake);
  // Poll 1: the controller, busy, lists no task and scontrol no longer knows the job (read alone:
  // a task that ended without a result); poll 2: the task is running; poll 3: its result is in.
  writeFileSync(join(fake, 'squeue-2'), '7_0|RUNNING\n');
  writeFileSync(join(fake, 'done-at'), '3');
  writeFileSync(join(fake, 'result-dir'), runPaths(store, runs[0].key).runDir);
  const logs: string[] = [];
  const code = await withFakeSlurm(fake, () => submitSlurm(manifest, runs, { store, pollSeconds: 0.01, log: (m) => logs.push(m) }));
  assert.equal(code, 0, logs.join('\n'));
  assert.equal(readFileSync(join(fake, 'squeue-calls'), 'utf8').trim(), '3');
  assert.ok(!logs.some((l) => /failed 0|1 failed/.test(l)), logs.join('\n'));
  assert.ok(logs.includes('slurm: done 1 of 1: 0'), logs.join('\n'));

  // A task that really ended without a result: reported after two polls that agree, not one.
  const store2 = mkdtempSync(join(tmpdir(), 'lsrm-slurm-failed-'));
  const manifest2 = writeManifest(store2, runs);
  const fake2 = join(store2, 'fake');
  mkdirSync(fake2);
  writeFileSync(join(fake2, 'scontrol'), 'JobId=7 ArrayJobId=7 ArrayTaskId=0 JobState=FAILED Reason=NonZeroExitCode ExitCode=1:0\n');
  const logs2: string[] = [];
  const code2 = await withFakeSlurm(fake2, () => submitSlurm(manifest2, runs, { store: store2, pollSeconds: 0.01, log: (m) => logs2.push(m) }));
  assert.equal(code2, 1);
  assert.equal(readFileSync(join(fake2, 'squeue-calls'), 'utf8').trim(), '2');
  assert.ok(logs2.some((l) => l.startsWith('slurm: failed 0 (') && l.includes('task 7_0 ended FAILED (NonZeroExitCode, exit 1:0) without a result')), logs2.join('\n'));
  assert.equal(logs2.filter((l) => l.endsWith('0 running, 0 pending, 1 failed')).length, 1, 'the end is logged once');
  rmSync(store, { recursive: true, force: true });
  rmSync(store2, { recursive: true, force: true });
});

const missing = slurmMissing();
const required = process.env.LSRM_REQUIRE_SLURM === '1';
const skip = missing && !required ? `Slurm is missing: ${missing}` : false;
if (skip) process.stderr.write(`slurm: skipped: ${skip}\n`);

test('Slurm is installed for the live test', { skip }, () => {
  assert.equal(missing, undefined, `LSRM_REQUIRE_SLURM=1 but ${missing}`);
});

describe('a 4-run smoke sweep on a one-node Slurm cluster', { skip: skip || (missing ? 'Slurm missing' : false) }, () => {
  let cluster: SlurmCluster;
  let store: string;
  const savedConf = process.env.SLURM_CONF;
  const runs = smokeRuns(4);
  const logs: string[] = [];
  // Each task runs `lsrm sweep exec` through workerCommand(): here node --import tsx lib/cli.ts.
  const opts = () => ({ store, maxParallel: 2, pollSeconds: 1, partition: cluster.partition, log: (m: string) => logs.push(m) });

  before(async () => {
    cluster = await startSlurmCluster();
    process.env.SLURM_CONF = cluster.conf; // sbatch, squeue, scontrol and the tasks read it
    store = join(cluster.dir, 'shared store');
  });

  after(async () => {
    if (savedConf === undefined) delete process.env.SLURM_CONF;
    else process.env.SLURM_CONF = savedConf;
    if (!cluster) return;
    const dir = cluster.dir;
    const stragglers = await cluster.stop();
    assert.deepEqual(stragglers, [], 'processes of the cluster left after stopping its daemons');
    assert.deepEqual(cluster.processes(), [], `processes of ${dir} still alive`);
  });

  test('submit: the array runs all 4 (at most 2 at once); the run that fails inside Slurm is reported', { timeout: 120_000 }, async () => {
    const manifest = writeManifest(store, runs);
    // Run 3's directory already holds run 0's config: its worker refuses it, writes error.json, exits 1.
    const bad = runPaths(store, runs[3].key).runDir;
    mkdirSync(bad, { recursive: true });
    writeFileSync(join(bad, 'config.json'), JSON.stringify(runs[0].config));
    const code = await submitSlurm(manifest, runs, opts());
    assert.equal(code, 1, `${logs.join('\n')}\n${cluster.logTail()}`);
    const [sub] = readSubmissions(manifest);
    assert.match(readFileSync(sub.script, 'utf8'), /^#SBATCH --array=0-3%2$/m);
    const running = logs.map((l) => Number(/(\d+) running/.exec(l)?.[1] ?? 0));
    assert.ok(Math.max(...running) <= 2, logs.join('\n'));
    const s = await slurmStatus(manifest, runs, store);
    assert.deepEqual([s.done, s.failed, s.running, s.pending, s.unsubmitted], [[0, 1, 2], [3], [], [], []], `${logs.join('\n')}\n${JSON.stringify(s.why)}`);
    assert.match(s.why[3], /different config/);
    assert.ok(logs.some((l) => /failed 3 .*different config/.test(l)), logs.join('\n'));
    for (const i of [0, 1, 2]) assert.ok(existsSync(join(runPaths(store, runs[i].key).runDir, 'result.json')));
  });

  test('resubmit --failed: only the failed run trains again; then all 4 are done', { timeout: 120_000 }, async () => {
    const manifest = writeManifest(store, runs);
    rmSync(runPaths(store, runs[3].key).runDir, { recursive: true, force: true }); // the fix
    const result = (i: number) => join(runPaths(store, runs[i].key).runDir, 'result.json');
    const mtimes = [0, 1, 2].map((i) => statSync(result(i)).mtimeMs);
    logs.length = 0;
    assert.equal(await resubmitFailed(manifest, runs, opts()), 0, `${logs.join('\n')}\n${cluster.logTail()}`);
    const subs = readSubmissions(manifest);
    assert.equal(subs.length, 2);
    assert.deepEqual(subs[1].indices, [3]);
    assert.match(readFileSync(subs[1].script, 'utf8'), /^#SBATCH --array=3%2$/m);
    assert.deepEqual([0, 1, 2].map((i) => statSync(result(i)).mtimeMs), mtimes, 'a run that was done trained again');
    const s = await slurmStatus(manifest, runs, store);
    assert.deepEqual(s.done, [0, 1, 2, 3]);
    // Nothing left to do: a second submit submits nothing and returns 0.
    assert.equal(await submitSlurm(manifest, runs, opts()), 0);
    assert.equal(readSubmissions(manifest).length, 2);
  });

  test('a held task counts as pending, and once cancelled as failed with its Slurm end state', { timeout: 60_000 }, async () => {
    const one = smokeRuns(5).slice(4); // seed 4: a sweep of its own
    const manifest = writeManifest(store, one);
    assert.equal(await submitSlurm(manifest, one, { ...opts(), wait: false, sbatchArgs: ['--hold'] }), 0);
    assert.deepEqual((await slurmStatus(manifest, one, store)).pending, [0]);
    const [{ jobId }] = readSubmissions(manifest);
    assert.equal(spawnSync('scancel', [jobId]).status, 0);
    let s = await slurmStatus(manifest, one, store);
    for (let t = 0; t < 50 && s.failed.length === 0; t++) {
      await new Promise((r) => setTimeout(r, 200));
      s = await slurmStatus(manifest, one, store);
    }
    assert.deepEqual(s.failed, [0]);
    assert.match(s.why[0], new RegExp(`^task ${jobId}_0 ended CANCELLED .* without a result; log .*/logs/${jobId}_0\\.out$`));
  });
});
