/** The provenance line every saved figure carries under its title (lib/experiments/figure.ts). */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { provenanceCaption, withProvenance } from '../../lib/experiments/figure';
import { themedLayout, type Figure } from '../../lib/plot/theme';

test('provenanceCaption names seeds, runs, training and evaluation time from the artefact', () => {
  assert.equal(
    provenanceCaption({ scale: 'cpu', seeds: [0], runs: ['a', 'b', 'c'], wallSeconds: 6874.6 }),
    'seed 0 · 3 runs · training 6,875 s of one core, summed over runs',
  );
  assert.equal(
    provenanceCaption({ scale: 'cpu', seeds: [0, 1, 2], runs: ['a'], wallSeconds: 12, evalSeconds: 262.4 }),
    '3 seeds: 0, 1, 2 · 1 run · training 12 s of one core, summed over runs · evaluation 262 s',
  );
  assert.equal(provenanceCaption({ scale: 'cpu' }), undefined);
});

test('withProvenance adds the caption as a second title line and room for it, without touching the input', () => {
  const fig: Figure = { data: [], layout: themedLayout({ title: 'Figure 2a (ml-100k; scale cpu)' }) };
  const before = JSON.stringify(fig);
  const out = withProvenance(fig, { scale: 'cpu', seeds: [0], runs: ['k'], wallSeconds: 10 });
  assert.equal(JSON.stringify(fig), before);
  assert.equal((out.layout.title as { text: string }).text, 'Figure 2a (ml-100k; scale cpu)<br><sup>seed 0 · 1 run · training 10 s of one core, summed over runs</sup>');
  assert.equal((out.layout.margin as { t: number }).t, (fig.layout.margin as { t: number }).t + 22);
  assert.equal(out.layout.height as number, (fig.layout.height as number) + 22);
  assert.equal((out.layout.title as { x: number }).x, 0.02);
});

test('withProvenance leaves a figure alone when there is no title or nothing to say', () => {
  const untitled: Figure = { data: [], layout: themedLayout() };
  assert.equal(withProvenance(untitled, { scale: 'cpu', seeds: [0] }), untitled);
  const titled: Figure = { data: [], layout: themedLayout({ title: 't' }) };
  assert.equal(withProvenance(titled, { scale: 'smoke' }), titled);
});
