import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createSweepTable, listSchedule, priorScale, renderTable, sweepEta, type RunRow } from '../../lib/sweep/table';
import type { SweepRun } from '../../lib/sweep/spec';

const run = (key: string, label: string, selectBy = 'loss', maxEpochs = 2) => ({ key, label, config: { train: { selectBy, maxEpochs } } }) as unknown as SweepRun;

test('sweepEta: the mean known duration for pending runs, the work shared by the jobs', () => {
  const now = 100_000;
  const rows: RunRow[] = [
    { label: 'a', state: 'done', durationMs: 10_000 },
    { label: 'b', state: 'running', startedMs: now - 4_000, etaSeconds: 6 }, // 4 s elapsed + 6 s left = 10 s
    { label: 'c', state: 'pending' },
    { label: 'd', state: 'pending' },
    { label: 'e', state: 'loaded' },
  ];
  // mean duration 10 s; 2 slots: b frees its slot at 6 s, the other is free: c runs 0-10 s, d 6-16 s.
  assert.equal(sweepEta(rows, 2, now), 16);
  // One slot: 6 + 10 + 10 s. Eight slots: c and d start now.
  assert.equal(sweepEta(rows, 1, now), 26);
  assert.equal(sweepEta(rows, 8, now), 10);
  assert.equal(sweepEta([{ label: 'x', state: 'running', startedMs: now, etaSeconds: 50 }, { label: 'y', state: 'pending' }], 4, now), 50);
  // Nothing known yet: no ETA.
  assert.equal(sweepEta([{ label: 'x', state: 'running', startedMs: now }, { label: 'y', state: 'pending' }], 2, now), undefined);
  assert.equal(sweepEta([{ label: 'x', state: 'done', durationMs: 1 }], 2, now), 0);
});

test('sweepEta with priors: pending runs by their cost-model seconds, scaled by how the finished runs did against theirs', () => {
  const now = 100_000;
  // A ladder: a small run finished in 20 s against a prior of 10 s (the machine runs at half the bench's speed).
  const rows: RunRow[] = [
    { label: 'small', state: 'done', durationMs: 20_000, priorSeconds: 10 },
    { label: 'mid', state: 'running', startedMs: now - 5_000, etaSeconds: 15, priorSeconds: 10 },
    { label: 'big', state: 'pending', priorSeconds: 100 },
    { label: 'tiny', state: 'pending', priorSeconds: 1 },
  ];
  assert.equal(priorScale(rows), 2);
  assert.equal(priorScale(rows, 5), 2, 'a run finished this session outweighs the start scale');
  // The median ratio: one run slowed 17-fold by a crowded machine does not set the pace.
  const crowded: RunRow[] = [1.5, 17, 1.6].map((r, i) => ({ label: `r${i}`, state: 'done', durationMs: r * 10_000, priorSeconds: 10 }));
  assert.equal(priorScale(crowded), 1.6);
  // big takes 200 s from the free slot (0-200), tiny follows mid's slot at 15 s: 200 s. The mean
  // alone (20 s a run) would have said 15 + 20 = 35 s.
  assert.equal(sweepEta(rows, 2, now), 200);
  assert.equal(sweepEta(rows.map(({ priorSeconds: _, ...r }) => r), 2, now), 35);
  // Nothing finished and no start scale: no ETA (no mean of known runs either); with a start
  // scale (wall-time priors: 1; or how the sweep's stored runs did) the priors count at once.
  const fresh: RunRow[] = [
    { label: 'a', state: 'running', startedMs: now - 30_000, priorSeconds: 50 },
    { label: 'b', state: 'pending', priorSeconds: 300 },
  ];
  assert.equal(priorScale(fresh), undefined);
  assert.equal(sweepEta(fresh, 2, now), undefined);
  assert.equal(priorScale(fresh, 1), 1);
  // a: 50 s by its prior, 30 s elapsed: 20 s left; b starts on the other slot: 300 s.
  assert.equal(sweepEta(fresh, 2, now, 1), 300);
  assert.equal(sweepEta(fresh, 1, now, 1), 320);
  // Stored runs took 1.5x their priors: a's 75 s (45 s left), then b's 450 s.
  assert.equal(sweepEta(fresh, 1, now, 1.5), 495);
  // A pending run without a prior (its data not cached) takes the mean of the known runs.
  assert.equal(sweepEta([{ label: 'd', state: 'done', durationMs: 40_000, priorSeconds: 20 }, { label: 'p', state: 'pending', priorSeconds: 5 }, { label: 'q', state: 'pending' }], 1, now), 10 + 40);
});

test('listSchedule: runs in order, each on the slot that frees first; one long run bounds the sweep', () => {
  // 87 min and 5 min on 2 slots: the long run alone sets the wall time (not (87 + 5) / 2).
  assert.equal(listSchedule([87, 5], 2), 87);
  // 4, 3, 2, 1 on 2 slots: a 0-4, b 0-3, c 3-5, d 4-5.
  assert.equal(listSchedule([4, 3, 2, 1], 2), 5);
  assert.equal(listSchedule([4, 3, 2, 1], 1), 10);
  assert.equal(listSchedule([], 3), 0);
  // Slots already busy for 10 and 2: the next run starts at 2.
  assert.equal(listSchedule([5], 2, [10, 2]), 10);
  assert.equal(listSchedule([9], 2, [10, 2]), 11);
});

test('renderTable: one line per run and the total', () => {
  const lines = renderTable([
    { label: 'lsrm 2x64 ml-100k seed 0', state: 'running', epoch: 3, maxEpochs: 30, selectBy: 'loss', best: 5.81234, etaSeconds: 125 },
    { label: 'lsrm 2x64 ml-100k seed 1', state: 'pending' },
    { label: 'short', state: 'loaded', epoch: 12, maxEpochs: 30, selectBy: 'NDCG@10', best: 0.0412 },
    { label: 'lsrm 2x64 ml-100k seed 2', state: 'elsewhere' },
  ], 200);
  assert.deepEqual(lines, [
    'run                       state        epoch  best valid        ETA',
    'lsrm 2x64 ml-100k seed 0  running       3/30  loss 5.8123       2m05s',
    'lsrm 2x64 ml-100k seed 1  pending          -  -                 -',
    'short                     loaded       12/30  NDCG@10 0.0412    -',
    'lsrm 2x64 ml-100k seed 2  elsewhere        -  -                 -',
    'total: 1 loaded, 1 running, 1 elsewhere, 1 pending; sweep ETA 3m20s',
  ]);
});

test('the table on a pipe: one line per change of state or epoch, not per step', () => {
  const out: string[] = [];
  let now = 0;
  const t = createSweepTable([run('k1', 'A'), run('k2', 'B')], { stream: { write: (s) => out.push(s) }, jobs: 2, now: () => now });
  t.update('k1', { state: 'running', startedMs: 0, maxEpochs: 2, selectBy: 'loss' });
  t.update('k1', { etaSeconds: 30 }); // a step: no line
  now = 10_000;
  t.update('k1', { epoch: 1, best: 5.5, etaSeconds: 10 });
  t.update('k1', { state: 'done', epoch: 2, best: 5.4, durationMs: 20_000 });
  t.finish();
  assert.deepEqual(out, [
    'sweep: A: running | 1 running, 1 pending, sweep ETA ?\n',
    'sweep: A: running epoch 1/2, best loss 5.5000, ETA 10s | 1 running, 1 pending, sweep ETA 20s\n',
    'sweep: A: done epoch 2/2, best loss 5.4000 | 1 done, 1 pending, sweep ETA 20s\n',
    'sweep: 1 done, 1 pending\n',
  ]);
  assert.throws(() => t.update('nope', {}), /no run 'nope'/);
});

test('a run loaded from the store names the metric it was selected on, from the moment the table exists', () => {
  const out: string[] = [];
  const t = createSweepTable([run('k1', 'A', 'NDCG@10', 200)], { stream: { write: (s) => out.push(s) }, jobs: 1, now: () => 0 });
  t.update('k1', { state: 'loaded', epoch: 121, best: 0.0737 });
  assert.equal(out[0], 'sweep: A: loaded epoch 121/200, best NDCG@10 0.0737 | 1 loaded, sweep ETA 0s\n');
});

test('the table on a TTY: redrawn in place', () => {
  const out: string[] = [];
  let now = 0;
  const t = createSweepTable([run('k1', 'A')], { stream: { write: (s) => out.push(s), isTTY: true }, jobs: 1, now: () => now });
  t.update('k1', { state: 'running', startedMs: 0 });
  assert.equal(out.length, 1);
  assert.ok(!out[0].startsWith('\x1b[3A'), 'the first draw moves nowhere');
  assert.equal(out[0].split('\n').length - 1, 3, 'header, one run, total');
  t.update('k1', { etaSeconds: 5 }); // within 250 ms of the last draw: skipped
  assert.equal(out.length, 1);
  now = 1000;
  t.update('k1', { etaSeconds: 4 });
  assert.equal(out.length, 2);
  assert.ok(out[1].startsWith('\x1b[3A\x1b[2K'), 'cursor up 3 lines, each line cleared');
  assert.match(out[1], /A +running +- +- +4s/);
});
