import { test } from 'node:test';
import assert from 'node:assert/strict';
import { barFigure, lineFigure, scatterFigure, tableFigure } from '../../lib/plot/figures';
import { PALETTE, seriesColor, themedLayout } from '../../lib/plot/theme';
import { hexToRgba } from '../../lib/plot/traces';

// A small fixed results fixture: test loss of three model sizes at two data sizes.
const RESULTS = [
  { data: '1M', params: [1e4, 1e5, 1e6], loss: [6.0, 5.5, 5.25] },
  { data: '4M', params: [1e4, 1e5, 1e6], loss: [5.8, 5.2, 4.9] },
];
const SERIES = RESULTS.map((r) => ({ name: `D=${r.data}`, x: r.params, y: Float64Array.from(r.loss) }));

test('lineFigure snapshot: one themed line per series, colours in palette order', () => {
  const fig = lineFigure(SERIES, { title: 'Loss vs N', x: { title: 'N', type: 'log' }, y: { title: 'test loss' } });
  assert.deepEqual(fig.data, [
    {
      name: 'D=1M', x: [1e4, 1e5, 1e6], y: [6.0, 5.5, 5.25], type: 'scatter', mode: 'lines+markers',
      line: { color: '#0072B2', width: 2, dash: 'solid' }, marker: { color: '#0072B2', size: 6 },
    },
    {
      name: 'D=4M', x: [1e4, 1e5, 1e6], y: [5.8, 5.2, 4.9], type: 'scatter', mode: 'lines+markers',
      line: { color: '#D55E00', width: 2, dash: 'solid' }, marker: { color: '#D55E00', size: 6 },
    },
  ]);
  const l = fig.layout as Record<string, any>;
  assert.deepEqual(l.title, { text: 'Loss vs N', x: 0.02, xanchor: 'left' });
  assert.equal(l.xaxis.type, 'log');
  assert.deepEqual(l.xaxis.title, { text: 'N' });
  assert.equal(l.yaxis.type, 'linear');
  assert.deepEqual([l.width, l.height], [720, 440]);
  assert.deepEqual(l.margin, { l: 70, r: 20, t: 50, b: 60 });
  // the spec is plain JSON: a round trip changes nothing
  assert.deepEqual(JSON.parse(JSON.stringify(fig)), fig);
});

test('lineFigure draws a band under its series in that series colour', () => {
  const fig = lineFigure(SERIES, { bands: [{ name: 'D=4M', x: [1, 2], lower: [4, 5], upper: [6, 7] }] });
  assert.equal(fig.data.length, 3);
  assert.deepEqual(fig.data[0], {
    name: 'D=4M', type: 'scatter', mode: 'lines', x: [1, 2, 2, 1], y: [4, 5, 7, 6], fill: 'toself',
    fillcolor: 'rgba(213,94,0,0.15)', line: { width: 0 }, hoverinfo: 'skip', showlegend: false,
  });
  assert.equal(fig.data[1].name, 'D=1M');
  assert.ok(!('bands' in fig.layout));
  assert.throws(() => lineFigure(SERIES, { bands: [{ name: 'nope', x: [1], lower: [1], upper: [1] }] }), /band 'nope' matches no series \(D=1M, D=4M\)/);
});

test('scatter and bar figures; bars are grouped', () => {
  const s = scatterFigure([SERIES[0]]);
  assert.deepEqual(s.data[0], { name: 'D=1M', x: [1e4, 1e5, 1e6], y: [6.0, 5.5, 5.25], type: 'scatter', mode: 'markers', marker: { color: '#0072B2', size: 8, opacity: 0.85 } });
  const b = barFigure([{ name: 'HR@10', x: ['SASRec', 'GRU4Rec'], y: [0.1, 0.08], text: ['a', 'b'] }]);
  assert.deepEqual(b.data[0], { name: 'HR@10', x: ['SASRec', 'GRU4Rec'], y: [0.1, 0.08], text: ['a', 'b'], type: 'bar', marker: { color: '#0072B2' } });
  assert.equal(b.layout.barmode, 'group');
  assert.equal((s.layout.margin as { t: number }).t, 20, 'no title, small top margin');
});

test('tableFigure: header labels and formatted cell columns', () => {
  const f = tableFigure([{ n: 98304, d: 64 }, { n: 829440000, d: 1200 }], [{ key: 'n', label: 'N' }, { key: 'd', label: 'd_model' }]);
  const t = f.data[0] as any;
  assert.equal(t.type, 'table');
  assert.deepEqual(t.header.values, ['N', 'd_model']);
  assert.deepEqual(t.cells.values, [['98,304', '829,440,000'], ['64', '1,200']]);
  assert.equal(f.layout.height, 80 + 2 * 26);
});

test('builders check their input', () => {
  assert.throws(() => lineFigure([]), /a figure needs at least one series/);
  assert.throws(() => scatterFigure([{ name: 's', x: [1, 2], y: [1] }]), /series 's': x has 2 values but y has 1/);
  assert.throws(() => lineFigure(SERIES, { bands: [{ name: 'D=1M', x: [1, 2], lower: [1], upper: [1, 2] }] }), /x has 2 values but lower has 1/);
  assert.throws(() => tableFigure([], []), /at least one column/);
});

test('theme helpers: palette cycles, hex to rgba, layout defaults', () => {
  assert.equal(seriesColor(0), PALETTE[0]);
  assert.equal(seriesColor(PALETTE.length + 1), PALETTE[1]);
  assert.equal(seriesColor(-1), PALETTE[PALETTE.length - 1]);
  assert.equal(hexToRgba('#0072B2', 0.5), 'rgba(0,114,178,0.5)');
  assert.throws(() => hexToRgba('blue', 1), /not a #RRGGBB colour: 'blue'/);
  const l = themedLayout({ x: { range: [0, 1] }, showLegend: false }) as Record<string, any>;
  assert.deepEqual(l.xaxis.range, [0, 1]);
  assert.equal(l.showlegend, false);
  assert.ok(!('title' in l));
});
