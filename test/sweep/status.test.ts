import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expandSweep } from '../../lib/sweep/spec';
import { formatStatus, sweepStatus } from '../../lib/sweep/status';
import { runPaths } from '../../lib/runs/in-store';

test('sweepStatus: a mid-epoch checkpoint (last/state.json partial) is progress: "+N b" after the epochs on disk; none before it is pending', () => {
  const store = mkdtempSync(join(tmpdir(), 'lsrm-status-'));
  const runs = expandSweep({ base: { data: { source: 'synthetic:smoke' }, model: { numLayers: 1, dim: 8, numHeads: 1, maxLen: 20 }, train: { epochs: 3, batchSize: 64, selectBy: 'loss' } }, axes: { 'model.dim': [8, 16, 24] } });
  const write = (key: string, curve: number, state?: object) => {
    const { runDir } = runPaths(store, key);
    mkdirSync(join(runDir, 'last'), { recursive: true });
    writeFileSync(join(runDir, 'curve.json'), JSON.stringify(Array.from({ length: curve }, (_, i) => ({ epoch: i + 1, validLoss: 5 - i, validNdcg10: 0.1 }))));
    if (state) writeFileSync(join(runDir, 'last', 'state.json'), JSON.stringify(state));
  };
  write(runs[0].key, 1, { epoch: 1, partial: { batches: 7 } });
  write(runs[1].key, 0, { epoch: 0, partial: { batches: 3 } });
  write(runs[2].key, 2, { epoch: 2 }); // after an epoch: no partial
  const s = sweepStatus(runs, store);
  assert.deepEqual(s.map((r) => [r.state, r.epochs, r.batches]), [['partial', 1, 7], ['partial', 0, 3], ['partial', 2, undefined]]);
  const lines = formatStatus(s).split('\n');
  assert.match(lines[0], / partial +1 ep \+7 b +best 5\.0000 /);
  assert.match(lines[1], / partial +0 ep \+3 b +best - /);
  assert.match(lines[2], / partial +2 ep +best 4\.0000 /);
  assert.match(lines[3], /^3 runs: 0 done, 3 partial, 0 failed, 0 pending$/);
});
