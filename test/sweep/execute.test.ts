/**
 * runSweep (lib/sweep/execute.ts), the one path every figure's runs take: in this process, and
 * for real on a one-node Slurm cluster (test/helpers/slurm-cluster.ts): submitted without
 * waiting (produce's PendingOutput, `lsrm sweep status --manifest` from the queue), then
 * followed to the end. The local child-process executor is tested in local.test.ts and through
 * Table V's produce (test/experiments/table-5.test.ts).
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runSweep } from '../../lib/sweep/execute';
import { readManifest } from '../../lib/sweep/manifest';
import { readSubmissions } from '../../lib/sweep/slurm';
import { expandSweep } from '../../lib/sweep/spec';
import { runPaths } from '../../lib/runs/in-store';
import { runFigureSweep } from '../../lib/experiments/figure';
import { runCli } from '../helpers/cli';
import { slurmMissing, startSlurmCluster, type SlurmCluster } from '../helpers/slurm-cluster';
import { writeTinyInter } from '../helpers/tiny-inter';

const tinyInter = (path: string): string => writeTinyInter(path, 5);

function tinyRuns(store: string, seeds: number[]) {
  const source = `atomic:${tinyInter(join(store, 'tiny.inter'))}`;
  return expandSweep({ base: { data: { source }, model: { numLayers: 1, dim: 8, numHeads: 1, maxLen: 10 }, train: { epochs: 1, batchSize: 16 } }, axes: { 'train.seed': seeds } });
}

test('runSweep in process (the default): each run trains here once, reports its epochs, then loads; the manifest holds the runs', async () => {
  const store = mkdtempSync(join(tmpdir(), 'lsrm-exec-'));
  const runs = tinyRuns(store, [0, 1]);
  const epochs: number[] = [];
  const logs: string[] = [];
  const o = await runSweep(runs, { store, onEpoch: (r) => epochs.push(r.epoch), log: (m) => logs.push(m) });
  assert.deepEqual(epochs, [1, 1]);
  assert.deepEqual([o.executor, o.done, o.notDone, o.failed, o.isSubmitted], ['local', runs.map((r) => r.key), [], [], false]);
  assert.deepEqual(readManifest(o.manifestPath).runs, runs);
  assert.ok(logs.includes(`sweep: ${runs[1].label} (2/2)`), logs.join('\n'));
  const again = await runSweep({ base: { data: { source: runs[0].config.data.source }, model: { numLayers: 1, dim: 8, numHeads: 1, maxLen: 10 }, train: { epochs: 1, batchSize: 16 } }, axes: { 'train.seed': [0, 1] } }, {
    store, onEpoch: () => assert.fail('stored runs load'),
  });
  assert.equal(again.manifestPath, o.manifestPath, 'a spec and its runs are one sweep');
  assert.deepEqual(again.done, o.done);
});

test('runSweep in process: the first failure is thrown as it is; runFigureSweep names what is not done', async () => {
  const store = mkdtempSync(join(tmpdir(), 'lsrm-exec-'));
  const runs = tinyRuns(store, [0]);
  const deps = { prepare: () => Promise.reject(new Error('disk on fire')) };
  await assert.rejects(runSweep(runs, { store, deps }), /^Error: disk on fire$/);
  await assert.rejects(runFigureSweep('fig-x', runs, { runsDir: store, deps }), /disk on fire/);
  assert.equal(await runFigureSweep('fig-x', runs, { runsDir: store }), undefined, 'done: nothing pending');
  await assert.rejects(runSweep(runs, { store, deps, jobs: 2 }), /deps replace pieces of runs in this process only/);
});

const missing = slurmMissing();
const skip = missing && process.env.LSRM_REQUIRE_SLURM !== '1' ? `Slurm is missing: ${missing}` : false;

describe('runSweep on a one-node Slurm cluster', { skip }, () => {
  let cluster: SlurmCluster;
  const savedConf = process.env.SLURM_CONF;
  before(async () => {
    cluster = await startSlurmCluster();
    process.env.SLURM_CONF = cluster.conf;
  });
  after(async () => {
    if (savedConf === undefined) delete process.env.SLURM_CONF;
    else process.env.SLURM_CONF = savedConf;
    if (cluster) assert.deepEqual(await cluster.stop(), [], 'processes left after stopping the cluster');
  });

  test('without waiting: submitted, produce says pending; status reads the queue; waiting then ends with every run done', { timeout: 180_000 }, async () => {
    const store = join(cluster.dir, 'store');
    const runs = tinyRuns(mkdtempSync(join(tmpdir(), 'lsrm-exec-data-')), [0, 1]);
    const slurm = { partition: cluster.partition, sbatchArgs: ['--hold'] };
    const logs: string[] = [];
    const pending = await runFigureSweep('fig-x', runs, { runsDir: store, log: (m) => logs.push(m), sweep: { executor: 'slurm', wait: false, slurm } });
    assert.equal(pending?.kind, 'pending');
    assert.deepEqual([pending!.done, pending!.total], [0, 2]);
    assert.match(pending!.message, new RegExp(`^fig-x: 2 of 2 runs are on Slurm \\(not waited for\\); follow them with \`lsrm sweep status --manifest ${pending!.manifestPath}\``));
    assert.ok(logs.includes(pending!.message));
    const [sub] = readSubmissions(pending!.manifestPath);
    // `lsrm sweep status --manifest` asks Slurm: both tasks are held, i.e. pending.
    const status = runCli(['sweep', 'status', '--manifest', pending!.manifestPath], { SLURM_CONF: cluster.conf });
    assert.equal(status.code, 0, status.err);
    assert.match(status.out, /seed 0 +pending/);
    assert.match(status.out, /2 runs on Slurm: 0 done, 0 running, 2 pending, 0 failed, 0 unsubmitted\n$/);
    assert.equal(spawnSync('scontrol', ['release', sub.jobId]).status, 0);
    // Waiting (the default): follows the queued tasks to the end; nothing is submitted twice.
    const o = await runSweep(runs, { store, executor: 'slurm', slurm: { partition: cluster.partition }, pollSeconds: 1 });
    assert.deepEqual([o.executor, o.done, o.notDone, o.failed, o.isSubmitted], ['slurm', runs.map((r) => r.key), [], [], false], cluster.logTail());
    assert.equal(readSubmissions(o.manifestPath).length, 1);
    for (const r of runs) assert.ok(existsSync(runPaths(store, r.key).record));
    assert.equal(readdirSync(join(store, 'sweeps')).filter((f) => f.endsWith('.json')).length, 1);
  });
});
