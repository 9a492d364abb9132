import { test } from 'node:test';
import assert from 'node:assert/strict';
import { curvesFigure } from '../../lib/plot/curves';
import { PALETTE } from '../../lib/plot/theme';

test('curvesFigure: valid solid and train dashed in the run colour, whole-epoch ticks', () => {
  const fig = curvesFigure([
    { name: 'a', epochs: [1, 2], trainLoss: [7, 6], validLoss: [6.5, 6.2] },
    { name: 'b', epochs: [1], trainLoss: [7.2], validLoss: [6.6] },
  ], { title: 'T' });
  assert.deepEqual(fig.data.map((t) => [t.name, (t.line as { dash: string }).dash, (t.line as { color: string }).color, t.legendgroup]), [
    ['a valid', 'solid', PALETTE[0], 'run-0'], ['a train', 'dash', PALETTE[0], 'run-0'],
    ['b valid', 'solid', PALETTE[1], 'run-1'], ['b train', 'dash', PALETTE[1], 'run-1'],
  ]);
  assert.deepEqual([fig.data[0].x, fig.data[0].y], [[1, 2], [6.5, 6.2]]);
  const { xaxis, yaxis, title } = fig.layout as Record<string, { title?: { text: string }; dtick?: number; text?: string }>;
  assert.deepEqual([xaxis.title?.text, xaxis.dtick, yaxis.title?.text, title.text], ['epoch', 1, 'cross-entropy loss', 'T']);
  assert.throws(() => curvesFigure([]), /at least one run/);
  assert.throws(() => curvesFigure([{ name: 'c', epochs: [1, 2], trainLoss: [1], validLoss: [1, 2] }]), /series 'c train': x has 2 values but y has 1/);
});
