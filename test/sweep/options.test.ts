import { test } from 'node:test';
import assert from 'node:assert/strict';
import { sweepOptionsFromEnv, sweepOptionsToEnv, type SweepOptions } from '../../lib/sweep/options';

test('sweepOptionsFromEnv: nothing set is {}; blank counts as unset', () => {
  assert.deepEqual(sweepOptionsFromEnv({}), {});
  assert.deepEqual(sweepOptionsFromEnv({ LSRM_JOBS: ' ', LSRM_EXECUTOR: '' }), {});
  assert.deepEqual(sweepOptionsFromEnv({ LSRM_JOBS: '2' }), { jobs: 2 });
});

test('sweep options survive the trip through the environment', () => {
  const all: SweepOptions = {
    executor: 'slurm', jobs: 3, wait: false,
    slurm: { partition: 'gpu', time: '2:00:00', mem: '16G', cpusPerTask: 4, gpus: 0, maxParallel: 8, sbatchArgs: ['--account=proj', '--qos=a b'] },
  };
  const env = sweepOptionsToEnv(all);
  assert.deepEqual(env, {
    LSRM_EXECUTOR: 'slurm', LSRM_JOBS: '3', LSRM_SLURM_PARTITION: 'gpu', LSRM_SLURM_TIME: '2:00:00', LSRM_SLURM_MEM: '16G',
    LSRM_SLURM_CPUS_PER_TASK: '4', LSRM_SLURM_GPUS: '0', LSRM_SLURM_MAX_PARALLEL: '8', LSRM_SLURM_SBATCH_ARGS: '["--account=proj","--qos=a b"]', LSRM_SLURM_WAIT: '0',
  });
  assert.deepEqual(sweepOptionsFromEnv(env), all);
  assert.deepEqual(sweepOptionsToEnv({}), {});
  assert.deepEqual(sweepOptionsFromEnv(sweepOptionsToEnv({ executor: 'local', wait: true })), { executor: 'local', wait: true });
});

test('sweepOptionsFromEnv: a bad value names the variable and what it must be', () => {
  assert.throws(() => sweepOptionsFromEnv({ LSRM_JOBS: '0' }), /LSRM_JOBS must be a positive integer, got 0/);
  assert.throws(() => sweepOptionsFromEnv({ LSRM_EXECUTOR: 'ssh' }), /LSRM_EXECUTOR must be one of local, slurm, got 'ssh'/);
  assert.throws(() => sweepOptionsFromEnv({ LSRM_SLURM_GPUS: '-1' }), /LSRM_SLURM_GPUS must be an integer >= 0, got -1/);
  assert.throws(() => sweepOptionsFromEnv({ LSRM_SLURM_WAIT: 'yes' }), /LSRM_SLURM_WAIT must be one of 0, 1, got 'yes'/);
  assert.throws(() => sweepOptionsFromEnv({ LSRM_SLURM_SBATCH_ARGS: '--account=x' }), /LSRM_SLURM_SBATCH_ARGS must be a JSON array of strings/);
});
