/**
 * `lsrm fit`: fit the paper's law L(x) = E + (x0 / x)^alpha (section IV-A, eq. 2) to a results
 * table and predict the largest sizes from the others, as the paper predicts its 75.5M and 0.8B
 * models from four models of 98.3K..9.4M parameters. The table is a CSV with a header or JSON
 * lines (lib/scaling/table.ts); the law is fitted by least squares on the loss
 * (lib/scaling/fit.ts) on all but the --holdout K largest x, with seeded bootstrap bands for the
 * parameters and the predictions (lib/scaling/bootstrap.ts): over residuals when some size has a
 * single run, over points and seeds (rows that share an x) when every size has several;
 * --bootstrap-kind overrides, and the report names the kind used.
 */
import { readFileSync } from 'node:fs';
import { requireFile } from '../data/load/read';
import { DataError, ValidationError } from '../util/errors';
import { BOOTSTRAP_KINDS } from '../scaling/bootstrap';
import { fitWithHoldout, type HoldoutResult } from '../scaling/predict';
import { distinctXs } from '../scaling/points';
import { readPointsTable, type PointsTable } from '../scaling/table';
import { intOption, oneOfOption, stringOption, UsageError, type Command, type OptionValues } from './command';

const USAGE = `usage: lsrm fit --input FILE --x COLUMN --y COLUMN [--holdout K] [--bootstrap B]
                [--bootstrap-kind auto|residual|points] [--seed S] [--json]

Fit L(x) = E + (x0/x)^alpha by least squares on y (the loss) and predict held-out sizes:
  --input FILE     a CSV with a header row (comma, tab or semicolon) or JSON lines (one object per line)
  --x COLUMN       the size column (e.g. non-embedding parameters); every x must be > 0
  --y COLUMN       the loss column; rows that share an x are repeats (seeds) of one size
  --holdout K      fit on all but the K largest distinct x and predict those (default 0)
  --bootstrap B    bootstrap resamples for the 90% bands (default 1000)
  --bootstrap-kind what is resampled: residual (the fitted law plus resampled residuals, scaled
                   for leverage and the few residual degrees of freedom), points (sizes, then
                   the seeds within each size), or auto (default: points when every size has
                   at least 2 rows, else residual)
  --seed S         seed of the bootstrap (default 0)
  --json           one JSON object: {"E","x0","alpha","r2","fitted":[{"x","y"}],
                   "heldOut":[{"x","actual","predicted","lo","hi","errorPct"}], ...}
errorPct = 100 · (predicted − actual) / actual; actual is the mean over the rows at that x.`;

/** What each bootstrap kind resamples, for the report. */
const KIND_TEXT = {
  residual: 'the fitted law plus resampled residuals',
  points: 'sizes, then the rows within each size',
} as const;

/** The table's points, each x checked to be a positive size (the message names the line). */
function readTable(file: string, x: string, y: string): PointsTable {
  requireFile(file, 'input file', 'Fix: check the --input path.');
  const table = readPointsTable(readFileSync(file, 'utf8'), file, x, y);
  table.points.forEach((p, i) => {
    if (!(p.x > 0)) throw new DataError(`column '${x}' is ${p.x}: a size must be positive. Fix: drop the row or correct it`, file, table.lines[i]);
  });
  return table;
}

/** Check that K leaves a fittable set: at least 3 distinct x. */
function checkHoldout(table: PointsTable, k: number, file: string, x: string): void {
  const d = distinctXs(table.points).length;
  if (d < 3) throw new DataError(`a power law has 3 parameters: need at least 3 points with distinct x, got ${d}. Fix: add runs of other sizes (distinct '${x}')`, file);
  if (k > d - 3) throw new ValidationError('--holdout', k, `an integer in [0, ${d - 3}]`, `Fix: the fit needs 3 distinct ${x} values and ${file} has ${d}`);
}

/** A number for the table: 5 significant digits, exponent form for large or tiny values. */
export function formatNumber(v: number): string {
  if (v !== 0 && (Math.abs(v) >= 1e5 || Math.abs(v) < 1e-3)) return v.toExponential(3);
  return v.toPrecision(5);
}

/** Rows of cells as left-aligned columns two spaces apart. */
export function alignRows(rows: string[][]): string {
  const widths = rows[0].map((_, j) => Math.max(...rows.map((r) => r[j].length)));
  return rows.map((r) => r.map((c, j) => c.padEnd(widths[j])).join('  ').trimEnd()).join('\n') + '\n';
}

/** The JSON report (the keys of the usage first, then the extras). */
export function fitReport(r: HoldoutResult, seed: number): Record<string, unknown> {
  const { E, x0, alpha } = r.fit.params;
  const b = r.bootstrap;
  return {
    E, x0, alpha, r2: r.fit.r2,
    fitted: r.fitted.map((p) => ({ x: p.x, y: p.y })),
    heldOut: r.heldOut.map((h) => ({ x: h.x, actual: h.actual, predicted: h.predicted, lo: h.lo, hi: h.hi, errorPct: h.errorPct })),
    n: r.fitted.length,
    band: { E: b.band.E, x0: b.band.x0, alpha: b.band.alpha },
    level: b.level, bootstrap: b.samples, bootstrapKind: b.kind, seed,
    converged: r.fit.converged, degenerate: r.fit.degenerate,
    ...(r.fit.note ? { note: r.fit.note } : {}),
  };
}

/** The human report: the parameters with their bands, then the held-out predictions. */
export function formatFit(r: HoldoutResult, x: string, y: string, total: number): string {
  const f = formatNumber;
  const band = ([lo, hi]: readonly [number, number]) => `[${f(lo)}, ${f(hi)}]`;
  const pct = Math.round(r.bootstrap.level * 100);
  const { E, x0, alpha } = r.fit.params;
  let out = `L(${x}) = E + (x0/${x})^alpha, least squares on ${y}, fitted on ${r.fitted.length} of ${total} rows\n`;
  out += alignRows([
    ['', 'value', `${pct}% band`],
    ['E', f(E), band(r.bootstrap.band.E)],
    ['x0', f(x0), band(r.bootstrap.band.x0)],
    ['alpha', f(alpha), band(r.bootstrap.band.alpha)],
    ['R^2', r.fit.r2.toFixed(6), ''],
  ]);
  out += `bands: ${r.bootstrap.samples} bootstrap resamples, kind ${r.bootstrap.kind} (${KIND_TEXT[r.bootstrap.kind]})\n`;
  if (r.fit.note) out += `note: ${r.fit.note}\n`;
  if (r.heldOut.length === 0) return out;
  const sign = (v: number) => `${v >= 0 ? '+' : ''}${v.toFixed(2)}%`;
  out += `\nheld out (${r.heldOut.length}):\n`;
  out += alignRows([[x, 'actual', 'predicted', `${pct}% band`, 'error'],
    ...r.heldOut.map((h) => [f(h.x), f(h.actual), f(h.predicted), band([h.lo, h.hi]), sign(h.errorPct)])]);
  return out;
}

function required(values: OptionValues): { input: string; x: string; y: string } {
  const input = stringOption(values, 'input'), x = stringOption(values, 'x'), y = stringOption(values, 'y');
  if (input === undefined || x === undefined || y === undefined) throw new UsageError('--input, --x and --y are required');
  return { input, x, y };
}

export const fitCommand: Command = {
  name: 'fit',
  summary: 'fit L(x) = E + (x0/x)^alpha to a results table and predict held-out sizes',
  usage: USAGE,
  options: {
    input: { type: 'string' }, x: { type: 'string' }, y: { type: 'string' },
    holdout: { type: 'string' }, bootstrap: { type: 'string' }, 'bootstrap-kind': { type: 'string' }, seed: { type: 'string' },
    json: { type: 'boolean' },
  },
  async run(values) {
    const { input, x, y } = required(values);
    const k = intOption(values, 'holdout', 0, { min: 0 })!;
    const samples = intOption(values, 'bootstrap', 1000, { min: 1, max: 1_000_000 })!;
    const kind = oneOfOption(values, 'bootstrap-kind', BOOTSTRAP_KINDS, 'auto')!;
    const seed = intOption(values, 'seed', 0, { min: 0 })!;
    const table = readTable(input, x, y);
    checkHoldout(table, k, input, x);
    const result = fitWithHoldout(table.points, k, { samples, seed, kind });
    if (values.json) process.stdout.write(JSON.stringify(fitReport(result, seed)) + '\n');
    else process.stdout.write(formatFit(result, x, y, table.points.length));
    return 0;
  },
};
