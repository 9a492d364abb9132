import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli } from '../helpers/cli';

// The paper's ML-20M law (E = 4.9, N0 = 6.8e5, alpha = 0.121) at its six sizes, to 6 decimals:
// the four fitted (98.3K..9.4M) and the two predicted (75.5M, 0.8B).
const SIZES = [98300, 800000, 3200000, 9400000, 75500000, 800000000];
const LOSS = SIZES.map((x) => Number((4.9 + (6.8e5 / x) ** 0.121).toFixed(6)));

const dir = mkdtempSync(join(tmpdir(), 'lsrm-fit-'));
function write(name: string, text: string): string {
  const file = join(dir, name);
  writeFileSync(file, text);
  return file;
}
const CSV = write('runs.csv', ['model,params,loss', ...SIZES.map((x, i) => `m${i},${x},${LOSS[i]}`)].join('\n') + '\n');
const JSONL = write('runs.jsonl', SIZES.map((x, i) => JSON.stringify({ params: x, loss: LOSS[i], model: `m${i}` })).join('\n') + '\n');

const noStack = (err: string) => assert.doesNotMatch(err, /\n\s+at /);

test('lsrm fit: a CSV, the two largest held out: parameters, R^2 and the predictions in a table', () => {
  // Over the points the refits of these (nearly exact) rows agree to the digits shown.
  const r = runCli(['fit', '--input', CSV, '--x', 'params', '--y', 'loss', '--holdout', '2', '--bootstrap', '200', '--bootstrap-kind', 'points']);
  assert.equal(r.code, 0, r.err);
  assert.match(r.out, /^L\(params\) = E \+ \(x0\/params\)\^alpha, least squares on loss, fitted on 4 of 6 rows\n/);
  assert.match(r.out, /\nE {6}4\.9000 {4}\[4\.9000, 4\.9000\]\n/);
  assert.match(r.out, /\nx0 {5}6\.(79|80)\de\+5 {2}\[6\.(79|80)\de\+5, 6\.(79|80)\de\+5\]\n/); // the losses are rounded to 6 decimals
  assert.match(r.out, /\nalpha  0\.12100 {3}\[0\.12100, 0\.12100\]\n/);
  assert.match(r.out, /\nR\^2 {4}1\.000000\n/);
  assert.match(r.out, /\nbands: 200 bootstrap resamples, kind points \(sizes, then the rows within each size\)\n/);
  assert.match(r.out, /held out \(2\):\nparams {4}actual {2}predicted {2}90% band {10}error\n7\.550e\+7  5\.4656  5\.4656 {5}\[5\.4656, 5\.4656\]  [+-]0\.00%\n8\.000e\+8  5\.3251  5\.3251/);
});

test('lsrm fit --json: exactly the documented keys, then the extras', () => {
  const r = runCli(['fit', '--input', CSV, '--x', 'params', '--y', 'loss', '--holdout', '2', '--bootstrap', '100', '--json']);
  assert.equal(r.code, 0, r.err);
  const o = JSON.parse(r.out);
  assert.deepEqual(Object.keys(o).slice(0, 6), ['E', 'x0', 'alpha', 'r2', 'fitted', 'heldOut']);
  assert.ok(Math.abs(o.E - 4.9) < 1e-4 && Math.abs(o.alpha - 0.121) < 1e-4 && Math.abs(o.x0 / 6.8e5 - 1) < 1e-3, r.out);
  assert.deepEqual(o.fitted, SIZES.slice(0, 4).map((x, i) => ({ x, y: LOSS[i] })));
  assert.deepEqual(o.heldOut.map((h: object) => Object.keys(h)), [0, 1].map(() => ['x', 'actual', 'predicted', 'lo', 'hi', 'errorPct']));
  assert.deepEqual(o.heldOut.map((h: { x: number }) => h.x), [75.5e6, 8e8]);
  for (const h of o.heldOut) assert.ok(Math.abs(h.errorPct) < 1e-3 && h.lo <= h.hi);
  assert.equal(o.n, 4);
  assert.equal(o.bootstrap, 100);
  assert.deepEqual(Object.keys(o.band), ['E', 'x0', 'alpha']);
});

test('lsrm fit: JSON lines give the same fit as the CSV; --holdout defaults to 0', () => {
  const a = JSON.parse(runCli(['fit', '--input', CSV, '--x', 'params', '--y', 'loss', '--bootstrap', '50', '--json']).out);
  const b = runCli(['fit', '--input', JSONL, '--x', 'params', '--y', 'loss', '--bootstrap', '50', '--json']);
  assert.equal(b.code, 0, b.err);
  assert.deepEqual(JSON.parse(b.out), a);
  assert.equal(a.fitted.length, 6);
  assert.deepEqual(a.heldOut, []);
});

test('lsrm fit: rows that share an x are seeds of one size; rising losses stay finite with a note', () => {
  const seeds = write('seeds.tsv', 'params\tloss\n1e5\t6.0\n1e5\t6.1\n1e6\t6.2\n1e6\t6.3\n1e7\t6.4\n');
  const r = runCli(['fit', '--input', seeds, '--x', 'params', '--y', 'loss', '--bootstrap', '50', '--json']);
  assert.equal(r.code, 0, r.err);
  const o = JSON.parse(r.out);
  assert.equal(o.degenerate, true);
  assert.match(o.note, /do not fall with x/);
  assert.ok([o.E, o.x0, o.alpha, o.r2, ...o.band.E, ...o.band.alpha].every(Number.isFinite));
});

test('lsrm fit: a missing column lists the columns present; a bad cell names its line', () => {
  const col = runCli(['fit', '--input', CSV, '--x', 'N', '--y', 'loss']);
  assert.equal(col.code, 1);
  assert.equal(col.err, `lsrm fit: ${CSV}:1: no column 'N'; the columns are: model, params, loss. Fix: pass --x one of them\n`);
  const bad = write('bad.csv', 'params,loss\n1e5,6.1\n-3,6.0\n1e7,5.9\n');
  const neg = runCli(['fit', '--input', bad, '--x', 'params', '--y', 'loss']);
  assert.equal(neg.code, 1);
  assert.match(neg.err, /bad\.csv:3: column 'params' is -3: a size must be positive\. Fix: drop the row or correct it/);
  noStack(neg.err);
});

test('lsrm fit: file errors, too few sizes and a holdout too large are clear, without a stack', () => {
  const missing = runCli(['fit', '--input', join(dir, 'nope.csv'), '--x', 'params', '--y', 'loss']);
  assert.equal(missing.code, 1);
  assert.match(missing.err, /nope\.csv: input file not found\. Fix: check the --input path\./);
  const two = write('two.csv', 'params,loss\n1e5,6.1\n1e6,5.9\n');
  const few = runCli(['fit', '--input', two, '--x', 'params', '--y', 'loss']);
  assert.equal(few.code, 1);
  assert.match(few.err, /two\.csv: a power law has 3 parameters: need at least 3 points with distinct x, got 2\. Fix: add runs of other sizes/);
  const hold = runCli(['fit', '--input', CSV, '--x', 'params', '--y', 'loss', '--holdout', '4']);
  assert.equal(hold.code, 2);
  assert.match(hold.err, /--holdout must be an integer in \[0, 3\], got 4\. Fix: the fit needs 3 distinct params values/);
  const usage = runCli(['fit', '--input', CSV]);
  assert.equal(usage.code, 2);
  assert.match(usage.err, /--input, --x and --y are required\n\nusage: lsrm fit/);
  for (const r of [missing, few, hold]) noStack(r.err);
});

test('lsrm fit --bootstrap-kind: one row per size resamples the residuals by default; the kind is reported', () => {
  const r = runCli(['fit', '--input', CSV, '--x', 'params', '--y', 'loss', '--holdout', '2', '--bootstrap', '200']);
  assert.equal(r.code, 0, r.err);
  assert.match(r.out, /\nbands: 200 bootstrap resamples, kind residual \(the fitted law plus resampled residuals\)\n/);
  // The losses are rounded to 6 decimals: the residual bands are as wide as that rounding, and hold the truth.
  const o = JSON.parse(runCli(['fit', '--input', CSV, '--x', 'params', '--y', 'loss', '--holdout', '2', '--bootstrap', '200', '--json']).out);
  assert.equal(o.bootstrapKind, 'residual');
  assert.ok(o.band.alpha[0] <= 0.121 && 0.121 <= o.band.alpha[1] && o.band.alpha[1] - o.band.alpha[0] < 1e-3, JSON.stringify(o.band));
  const truth = 4.9 + (6.8e5 / 75.5e6) ** 0.121;
  assert.ok(o.heldOut[0].lo <= truth && truth <= o.heldOut[0].hi, JSON.stringify(o.heldOut[0]));
  const seeds = write('two-seeds.csv', ['params,loss', ...SIZES.slice(0, 4).flatMap((x, i) => [`${x},${LOSS[i] + 0.001}`, `${x},${LOSS[i] - 0.001}`])].join('\n') + '\n');
  assert.equal(JSON.parse(runCli(['fit', '--input', seeds, '--x', 'params', '--y', 'loss', '--bootstrap', '50', '--json']).out).bootstrapKind, 'points');
  const forced = runCli(['fit', '--input', seeds, '--x', 'params', '--y', 'loss', '--bootstrap', '50', '--bootstrap-kind', 'residual', '--json']);
  assert.equal(JSON.parse(forced.out).bootstrapKind, 'residual');
  const bad = runCli(['fit', '--input', CSV, '--x', 'params', '--y', 'loss', '--bootstrap-kind', 'cases']);
  assert.equal(bad.code, 2);
  assert.match(bad.err, /--bootstrap-kind must be one of auto, residual, points, got 'cases'/);
  noStack(bad.err);
});
