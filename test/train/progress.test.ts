import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createProgress, formatDuration, renderBar } from '../../lib/train/progress';

const sink = (isTTY: boolean) => {
  const out: string[] = [];
  return { out, stream: { isTTY, write: (s: string) => out.push(s) } };
};

test('formatDuration and renderBar', () => {
  assert.deepEqual([0, 12_900, 185_000, 7_620_000].map(formatDuration), ['0s', '12s', '3m05s', '2h07m']);
  assert.equal(formatDuration(Infinity), '?');
  assert.equal(renderBar(3, 10, 10), '[###.......]');
  assert.equal(renderBar(10, 10, 4), '[####]');
  assert.equal(renderBar(0, 0, 3), '[...]');
});

test('plain (non-TTY) output: a line per interval and at the end, with rate and ETA', () => {
  let t = 0;
  const { out, stream } = sink(false);
  const p = createProgress({ stream, label: 'epoch 1/3', width: 4, intervalMs: 1000, now: () => t });
  t = 500; p.update(1, 4, 'loss 5.00'); // first update always prints: 1 step in 0.5 s = 2 step/s, 3 left -> 1.5 s
  t = 900; p.update(2, 4); // within the interval: silent
  t = 2000; p.update(4, 4, 'loss 4.00'); // the last step always prints
  p.finish();
  assert.deepEqual(out, [
    'epoch 1/3 [#...] 1/4 2.0 step/s ETA 1s loss 5.00\n',
    'epoch 1/3 [####] 4/4 2.0 step/s ETA 0s loss 4.00\n',
    'epoch 1/3 [####] 4/4 2.0 step/s ETA 0s loss 4.00\n',
  ]);
});

test('startMs: the rate counts from the given start, so the first step has one', () => {
  let t = 3000;
  const { out, stream } = sink(false);
  const p = createProgress({ stream, width: 2, startMs: 1000, now: () => t });
  p.update(1, 2); // 1 step in 2 s: 0.5 step/s = 2.0 s/step, ETA 2 s
  assert.deepEqual(out, ['[#.] 1/2 2.0 s/step ETA 2s\n']);
});

test('TTY output: redrawn in place, slow steps shown as s/step', () => {
  let t = 0;
  const { out, stream } = sink(true);
  const p = createProgress({ stream, label: 'e1', width: 2, now: () => t });
  t = 4000; p.update(1, 2); // 0.25 step/s -> '4.0 s/step', ETA 4 s
  p.finish('valid loss 3.2');
  assert.deepEqual(out, ['\r\x1b[Ke1 [#.] 1/2 4.0 s/step ETA 4s', '\r\x1b[Ke1 valid loss 3.2\n']);
});
