/**
 * `lsrm runs`: find and read the runs of a result store (lib/runs/catalog.ts).
 *   list [--where FIELD=VALUE]... [--json]   one row per run folder: id, label, state, metrics
 *   show RUN [--json]                        config, metrics, curve, files of one run
 *   compare RUN RUN [--json]                 config and metric differences
 *   curves RUN... --out FILE.html            train and valid loss per epoch as a plotly figure
 * Tables go to stdout; with --json, one JSON object per line. Nothing is written to the store.
 */
import { existsSync } from 'node:fs';
import { join, relative } from 'node:path';
import { filterRuns, findRun, flattenConfig, parseWhere, readCatalog, type Catalog, type RunEntry } from '../runs/catalog';
import { TRAIN_DEFAULTS } from '../train/train-config';
import { runsDir } from '../util/paths';
import { DataError } from '../util/errors';
import { writeFileAtomic } from '../util/atomic';
import { curvesFigure } from '../plot/curves';
import { figureHtml } from '../plot/export';
import { stringOption, UsageError, type Command, type OptionValues } from './command';
import type { CommandIo } from './eval';

const USAGE = `usage: lsrm runs <list|show|compare|curves> [options]

  lsrm runs list [--where FIELD=VALUE]... [--json]
                    every run folder of the store: id (the key's hash), label, state, epochs,
                    best validation value, test NDCG@10, training wall time, note
  lsrm runs show RUN [--json]        config, valid/test metrics, curve and files of one run
  lsrm runs compare RUN RUN [--json] config differences and metric differences (B - A)
  lsrm runs curves RUN... --out FILE.html
                    train (dashed) and valid (solid) loss per epoch, one colour per run;
                    FILE.json writes the plotly spec instead of the page

  --store DIR       the result store (default: runs/ of the project, or $LSRM_RUNS_DIR)
  --where F=V       keep runs whose config field F (dotted: model.dim=64, train.seed=0,
                    data.source=dataset:ml-100k) equals V, or state=S, key=K, label=TEXT
                    (label contains TEXT); several --where must all hold
  --json            one JSON object per line instead of a table
RUN is a run's key, a unique prefix of its key or hash, its label (if unique), or its folder.
States: done (result.json), running (a lock held by a live process), failed (error.json),
pending (not started, or interrupted: 'resumable after epoch E'; the same command resumes it).`;

/** 'ms' as '12.3 s', '3m 12s' or '1h 05m'; '-' when unknown. */
export function formatWall(ms: number | undefined): string {
  if (ms === undefined || !Number.isFinite(ms)) return '-';
  const s = ms / 1000;
  if (s < 60) return `${s.toFixed(1)} s`;
  if (s < 3600) return `${Math.floor(s / 60)}m ${String(Math.round(s % 60)).padStart(2, '0')}s`;
  return `${Math.floor(s / 3600)}h ${String(Math.floor((s % 3600) / 60)).padStart(2, '0')}m`;
}

const num = (v: number | undefined, digits = 4): string => (v === undefined || !Number.isFinite(v) ? '-' : v.toFixed(digits));

/** An aligned text table; columns listed in `right` are right-aligned. */
export function textTable(header: readonly string[], rows: readonly (readonly string[])[], right: readonly number[] = []): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (r: readonly string[]) => r.map((c, i) => (right.includes(i) ? c.padStart(widths[i]) : c.padEnd(widths[i]))).join('  ').trimEnd();
  return [line(header), ...rows.map(line)].join('\n') + '\n';
}

const idOf = (r: RunEntry): string => r.hash ?? r.key;
const bestText = (r: RunEntry): string => (r.bestValid ? `${r.bestValid.metric} ${num(r.bestValid.value)} @${r.bestValid.epoch}` : '-');

/** The fields of one run that `list --json` prints (the whole config included, for jq). */
export function summaryOf(r: RunEntry): Record<string, unknown> {
  return {
    key: r.key, label: r.label, state: r.state, note: r.note ?? null, path: r.path, dir: r.dir,
    epochs: r.epochs, bestValid: r.bestValid ?? null, testNdcg10: r.test?.['NDCG@10'] ?? null,
    valid: r.valid ?? null, test: r.test ?? null, wallMs: r.wallMs ?? null, config: r.config,
  };
}

function listRuns(cat: Catalog, v: OptionValues, io: CommandIo): number {
  const wheres = ((v.where as string[] | undefined) ?? []).map(parseWhere);
  const runs = filterRuns(cat.runs, wheres);
  if (v.json === true) {
    for (const r of runs) io.out(JSON.stringify(summaryOf(r)) + '\n');
    return 0;
  }
  if (runs.length === 0) {
    io.err(`runs: no ${wheres.length ? 'matching ' : ''}runs in ${cat.store}\n`);
    return 0;
  }
  const rows = runs.map((r) => [idOf(r), r.label, r.state, String(r.epochs), bestText(r), num(r.test?.['NDCG@10']), formatWall(r.wallMs), r.note ?? '']);
  io.out(textTable(['id', 'label', 'state', 'epochs', 'best valid', 'test NDCG@10', 'wall', 'note'], rows, [3, 5, 6]));
  return 0;
}

const show = (x: unknown): string => (x === undefined ? '-' : typeof x === 'string' ? x : JSON.stringify(x));

function showRun(r: RunEntry, v: OptionValues, io: CommandIo): number {
  if (v.json === true) {
    const { curve, result, error, lock } = r;
    io.out(JSON.stringify({ ...summaryOf(r), curve, result: result ?? null, error: error ?? null, lock: lock ?? null }) + '\n');
    return 0;
  }
  const out: string[] = [`run     ${idOf(r)}  ${r.label}`, `key     ${r.key}`, `state   ${r.state}${r.note ? ` (${r.note})` : ''}`, `folder  ${r.dir}`];
  const record = `${r.dir.replace(/\.run$/, '')}.json`;
  if (r.dir.endsWith('.run') && existsSync(record)) out.push(`record  ${record}`);
  if (r.error) out.push(`error   ${r.error.message}${r.error.at ? ` (at ${r.error.at})` : ''}`);
  out.push('', 'config (* differs from the training defaults)');
  const defaults = flattenConfig({ train: TRAIN_DEFAULTS });
  const flat = Object.entries(flattenConfig(r.config));
  out.push(textTable(['', 'field', 'value'], flat.map(([k, x]) => [k in defaults && show(defaults[k]) !== show(x) ? '*' : '', k, show(x)])).trimEnd());
  if (r.valid || r.test) {
    const keys = [...new Set([...Object.keys(r.valid ?? {}), ...Object.keys(r.test ?? {})])];
    out.push('', textTable(['metric', 'valid', 'test'], keys.map((k) => [k, num(r.valid?.[k]), num(r.test?.[k])]), [1, 2]).trimEnd());
  }
  out.push('', `curve   ${r.epochs} epoch${r.epochs === 1 ? '' : 's'}, best ${bestText(r)}` +
    (r.result ? `, stopped by ${r.result.stoppedBy}, SGD from epoch ${r.result.switchEpoch || '-'}` : '') +
    `, training ${formatWall(r.wallMs)}${r.result ? ` + evaluation ${formatWall(r.result.evalWallMs)}` : ''}`);
  if (r.curve.length > 0) {
    const rows = r.curve.map((c) => [String(c.epoch), num(c.trainLoss), num(c.validLoss), num(c.validNdcg10), c.lr.toExponential(2), c.optimizer, formatWall(c.wallMs)]);
    out.push(textTable(['epoch', 'train loss', 'valid loss', 'valid NDCG@10', 'lr', 'optimizer', 'wall'], rows, [0, 1, 2, 3, 4, 6]).trimEnd());
  }
  const files = ['config.json', 'curve.json', 'last', 'checkpoint', 'result.json', 'error.json'].filter((f) => existsSync(join(r.dir, f)));
  out.push('', `files   ${files.map((f) => (f.includes('.') ? f : `${f}/`)).join(' ')}${r.lock ? ` ${relative(r.dir, r.lock.file)}` : ''}`);
  io.out(out.join('\n') + '\n');
  return 0;
}

/** One difference of two runs' configs. */
export interface ConfigDiff {
  readonly field: string;
  readonly a: unknown;
  readonly b: unknown;
}

/** One metric of two runs: B - A and (B - A) / |A|. */
export interface MetricDiff {
  readonly split: 'valid' | 'test';
  readonly metric: string;
  readonly a: number | null;
  readonly b: number | null;
  readonly diff: number | null;
  readonly rel: number | null;
}

/** The dotted config fields where two runs differ, in field order. */
export function configDiffs(a: RunEntry, b: RunEntry): ConfigDiff[] {
  const fa = flattenConfig(a.config);
  const fb = flattenConfig(b.config);
  const fields = [...new Set([...Object.keys(fa), ...Object.keys(fb)])].sort();
  return fields.filter((f) => JSON.stringify(fa[f]) !== JSON.stringify(fb[f])).map((f) => ({ field: f, a: fa[f], b: fb[f] }));
}

/** Validation metrics of a run: result.json's, or the best curve row's while it trains. */
function validOf(r: RunEntry): Readonly<Record<string, number>> {
  const row = r.curve.find((c) => c.epoch === r.bestValid?.epoch);
  return r.valid ?? (row ? { loss: row.validLoss, 'NDCG@10': row.validNdcg10 } : {});
}

/** Valid and test metrics of two runs side by side (a metric only one run has: the other is null). */
export function metricDiffs(a: RunEntry, b: RunEntry): MetricDiff[] {
  const rows: MetricDiff[] = [];
  for (const [split, ma, mb] of [['valid', validOf(a), validOf(b)], ['test', a.test ?? {}, b.test ?? {}]] as const) {
    for (const metric of [...new Set([...Object.keys(ma), ...Object.keys(mb)])]) {
      const [x, y] = [ma[metric] ?? null, mb[metric] ?? null];
      const diff = x !== null && y !== null ? y - x : null;
      rows.push({ split, metric, a: x, b: y, diff, rel: diff !== null && x !== 0 ? diff / Math.abs(x!) : null });
    }
  }
  return rows;
}

function compareRuns(a: RunEntry, b: RunEntry, v: OptionValues, io: CommandIo): number {
  const config = configDiffs(a, b);
  const metrics = metricDiffs(a, b);
  const head = (r: RunEntry) => ({ key: r.key, label: r.label, state: r.state, epochs: r.epochs, wallMs: r.wallMs ?? null });
  if (v.json === true) {
    io.out(JSON.stringify({ a: head(a), b: head(b), config, metrics }) + '\n');
    return 0;
  }
  const sign = (x: number | null, f: (x: number) => string) => (x === null ? '-' : `${x >= 0 ? '+' : ''}${f(x)}`);
  const out = [
    textTable(['', 'id', 'label', 'state', 'epochs', 'wall'], [a, b].map((r, i) => [i ? 'B' : 'A', idOf(r), r.label, r.state, String(r.epochs), formatWall(r.wallMs)]), [4, 5]),
    config.length === 0 ? 'config: identical\n' : 'config differences\n' + textTable(['field', 'A', 'B'], config.map((d) => [d.field, show(d.a), show(d.b)])),
  ];
  if (metrics.length === 0) out.push('metrics: neither run has finished an epoch\n');
  else {
    const rows = metrics.map((m) => [`${m.split} ${m.metric}`, num(m.a ?? undefined), num(m.b ?? undefined), sign(m.diff, (x) => x.toFixed(4)), sign(m.rel, (x) => `${(100 * x).toFixed(1)}%`)]);
    out.push('metrics (B - A)\n' + textTable(['metric', 'A', 'B', 'B-A', 'rel'], rows, [1, 2, 3, 4]));
  }
  for (const r of [a, b]) if (r.state !== 'done') out.push(`note: ${idOf(r)} is ${r.state}${r.note ? ` (${r.note})` : ''}; its valid value is the best epoch so far\n`);
  io.out(out.join('\n'));
  return 0;
}

function plotCurves(runs: RunEntry[], v: OptionValues, io: CommandIo): number {
  const out = stringOption(v, 'out');
  if (!out) throw new UsageError('curves needs --out FILE.html');
  const empty = runs.filter((r) => r.curve.length === 0);
  if (empty.length > 0) throw new DataError(`no finished epoch yet in ${empty.map((r) => `${idOf(r)} (${r.label})`).join(', ')}`);
  const labels = runs.map((r) => r.label);
  const fig = curvesFigure(
    runs.map((r) => ({
      name: labels.filter((l) => l === r.label).length > 1 ? `${r.label} (${idOf(r)})` : r.label,
      epochs: r.curve.map((c) => c.epoch), trainLoss: r.curve.map((c) => c.trainLoss), validLoss: r.curve.map((c) => c.validLoss),
    })),
    { title: stringOption(v, 'title', 'Training curves'), width: 960 },
  );
  writeFileAtomic(out, out.endsWith('.json') ? JSON.stringify(fig, null, 2) + '\n' : figureHtml(fig, stringOption(v, 'title', 'Training curves')!));
  io.out(`wrote ${out} (${runs.length} run${runs.length === 1 ? '' : 's'})\n`);
  return 0;
}

async function runRuns(v: OptionValues, positionals: string[], io: CommandIo): Promise<number> {
  const [sub, ...refs] = positionals;
  const need = (n: number, what: string) => {
    if (n >= 0 ? refs.length !== n : refs.length < -n) throw new UsageError(`runs ${sub} takes ${what}, got ${refs.length} argument${refs.length === 1 ? '' : 's'}`);
  };
  if (sub === 'list') need(0, 'no RUN argument');
  else if (sub === 'show') need(1, 'one RUN');
  else if (sub === 'compare') need(2, 'two RUNs');
  else if (sub === 'curves') need(-1, 'one or more RUNs');
  else throw new UsageError(sub === undefined ? 'give a subcommand: list, show, compare or curves' : `unknown subcommand '${sub}': list, show, compare or curves`);
  if (sub !== 'list' && v.where !== undefined) throw new UsageError('--where applies to runs list only');
  const cat = readCatalog(stringOption(v, 'store') ?? runsDir());
  for (const w of cat.warnings) io.err(`runs: skipped ${w}\n`);
  if (sub === 'list') return listRuns(cat, v, io);
  const runs = refs.map((ref) => findRun(cat, ref));
  if (sub === 'show') return showRun(runs[0], v, io);
  if (sub === 'compare') return compareRuns(runs[0], runs[1], v, io);
  return plotCurves(runs, v, io);
}

/** Build the command around output streams (tests capture them). */
export function makeRunsCommand(io?: CommandIo): Command {
  const streams: CommandIo = io ?? { out: (s) => process.stdout.write(s), err: (s) => process.stderr.write(s) };
  return {
    name: 'runs',
    summary: 'list, show, compare and plot the runs of a result store',
    usage: USAGE,
    options: { store: { type: 'string' }, where: { type: 'string', multiple: true }, json: { type: 'boolean' }, out: { type: 'string' }, title: { type: 'string' } },
    run: (values, positionals) => runRuns(values, positionals, streams),
  };
}

export const runsCommand: Command = makeRunsCommand();
