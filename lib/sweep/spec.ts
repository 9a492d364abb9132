/**
 * Sweep specs: a typed grid of runs (issue 8, item 1). A spec is a JSON file or the same object
 * built in TypeScript:
 *
 *   { "base": { "data": { "source": "synthetic:smoke" }, "train": { "epochs": 2 } },
 *     "axes": { "model.dim": [16, 32], "train.seed": [0, 1] },
 *     "runs": [ {}, { "train.layerwiseDropout": false } ] }
 *
 * Every run of `runs` (or one empty run when there is none) is crossed with every combination of
 * `axes` (the last axis varies fastest); each point is `base`, then the run, then the axis
 * values. A partial config is written with nested groups ({ "model": { "dim": 32 } }) or dotted
 * fields ({ "model.dim": 32 }); a field a run and an axis both set is an error. Fields not given
 * take the defaults: model kind 'lsrm' and the kind's defaultShape (lib/models), data.core 0,
 * TRAIN_DEFAULTS; data.source is required. Each point is validated (normalizeRunConfig, the
 * model's own checks) and keyed by the store key (lib/runs/in-store.ts), so equal runs collapse
 * into one and a run two sweeps or two figures share trains once.
 */
import { existsSync, readFileSync } from 'node:fs';
import { basename } from 'node:path';
import { DataError } from '../util/errors';
import { defaultShape, isModelKind, MODEL_KINDS, modelEntry } from '../models';
import { TRAIN_DEFAULTS } from '../train/train-config';
import { formatSourceSpec, parseSourceSpec } from '../data/source';
import { dropoutRatesOf } from '../runs/build';
import { normalizeRunConfig, type RunConfig } from '../runs/run';
import { storeRunKey } from '../runs/in-store';

/** A partial run config: nested groups or dotted fields (see the header). */
export type SweepPartial = Readonly<Record<string, unknown>>;

/** A sweep: a base config, axes to cross, and/or a list of runs (at least one of the last two). */
export interface SweepSpec {
  readonly base?: SweepPartial;
  readonly axes?: Readonly<Record<string, readonly unknown[]>>;
  readonly runs?: readonly SweepPartial[];
}

/** One run of a sweep: its store key, a readable name and its full config. */
export interface SweepRun {
  /** The store's run key: <store>/train/<key>.json and <key>.run/. */
  readonly key: string;
  /** e.g. 'lsrm 2x64 synthetic:default no-lad seed 1'. */
  readonly label: string;
  readonly config: RunConfig;
}

/** A full run config as a sweep run: its store key, the given label. */
export function sweepRunOf(config: RunConfig, label: string): SweepRun {
  return { key: storeRunKey(config), label, config };
}

/**
 * The runs of a spec or a list of runs (expandSweep for a spec), deduplicated by key.
 * @example sweepRuns({ base: { 'data.source': 'synthetic:smoke' }, runs: [{}] }).length // 1
 */
export function sweepRuns(sweep: SweepSpec | readonly SweepRun[]): SweepRun[] {
  if (!Array.isArray(sweep)) return expandSweep(sweep as SweepSpec);
  const byKey = new Map<string, SweepRun>();
  for (const r of sweep as readonly SweepRun[]) if (!byKey.has(r.key)) byKey.set(r.key, r);
  return [...byKey.values()];
}

/** The fields a spec may set, by group. */
const GROUPS: Readonly<Record<string, readonly string[]>> = {
  data: ['source', 'core'],
  model: ['kind', 'numLayers', 'dim', 'numHeads', 'maxLen', 'embDropout'],
  train: ['epochs', ...Object.keys(TRAIN_DEFAULTS)],
};

/** Every dotted field a spec may set, e.g. 'model.dim', 'train.seed'. */
export const SWEEP_FIELDS: readonly string[] = Object.entries(GROUPS).flatMap(([g, fs]) => fs.map((f) => `${g}.${f}`));

type Fields = Map<string, unknown>;

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

function checkField(path: string, where: string): void {
  if (!SWEEP_FIELDS.includes(path)) throw new Error(`${where}: unknown field '${path}'. Known fields: ${SWEEP_FIELDS.join(', ')}`);
}

/** A partial config as dotted field -> value. @throws naming an unknown field and the known ones. */
function flatten(partial: unknown, where: string): Fields {
  if (!isPlainObject(partial)) throw new Error(`${where} must be an object such as { "model.dim": 32 } or { "model": { "dim": 32 } }`);
  const out: Fields = new Map();
  for (const [k, v] of Object.entries(partial)) {
    if (k in GROUPS && isPlainObject(v)) {
      for (const [f, x] of Object.entries(v)) {
        checkField(`${k}.${f}`, where);
        out.set(`${k}.${f}`, x);
      }
    } else {
      checkField(k, where);
      out.set(k, v);
    }
  }
  return out;
}

/** Every combination of the axes' values, the last axis varying fastest. */
function combinations(axes: Readonly<Record<string, unknown>>): Fields[] {
  let out: Fields[] = [new Map()];
  for (const [path, values] of Object.entries(axes)) {
    checkField(path, `axes`);
    if (!Array.isArray(values) || values.length === 0) throw new Error(`axes.${path} must be a non-empty array of values, got ${JSON.stringify(values)}`);
    out = out.flatMap((c) => (values as unknown[]).map((v) => new Map([...c, [path, v]])));
  }
  return out;
}

function group(fields: Fields, name: string): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [path, v] of fields) if (path.startsWith(`${name}.`)) out[path.slice(name.length + 1)] = v;
  return out;
}

/** The full, validated run config of one point. @throws naming the field and the fix. */
function buildConfig(fields: Fields): RunConfig {
  const source = fields.get('data.source');
  if (typeof source !== 'string' || source.trim() === '') {
    throw new Error(`data.source is required (a source spec such as "synthetic:smoke" or "dataset:ml-100k"), got ${JSON.stringify(source)}. Fix: set it in base`);
  }
  const core = fields.get('data.core') ?? 0;
  if (!Number.isInteger(core) || (core as number) < 0) throw new Error(`data.core must be a non-negative integer, got ${JSON.stringify(core)}`);
  const kind = fields.get('model.kind') ?? 'lsrm';
  if (!isModelKind(kind)) throw new Error(`model.kind must be one of ${MODEL_KINDS.join(', ')}, got ${JSON.stringify(kind)}`);
  const model = { kind, ...defaultShape(kind), ...group(fields, 'model') };
  for (const f of ['numLayers', 'dim', 'numHeads', 'maxLen'] as const) {
    if (!Number.isInteger(model[f]) || (model[f] as number) < 1) throw new Error(`model.${f} must be a positive integer, got ${JSON.stringify(model[f])}`);
  }
  const config = normalizeRunConfig({ data: { source: formatSourceSpec(parseSourceSpec(source)), core: core as number }, model: model as RunConfig['model'], train: group(fields, 'train') });
  const entry = modelEntry(kind);
  entry.paramCounts(entry.fromShape(config.model, { numItems: 2, layerDropout: (n) => dropoutRatesOf(n, config.train) })); // the model's own checks
  return config;
}

/** 'dataset:ml-100k' -> 'ml-100k', 'atomic:/x/a.inter' -> 'a', 'synthetic:smoke' stays. */
function dataName(source: string): string {
  if (source.startsWith('synthetic')) return source;
  const rest = source.slice(source.indexOf(':') + 1);
  return source.startsWith('dataset:') ? rest : basename(rest).replace(/\.[a-z.]+$/, '');
}

/** One variant word of the label: 'no-lad', 'so', 'batchSize=64'. */
function variantWord(path: string, value: unknown): string {
  if (path === 'train.layerwiseDropout') return value ? 'lad' : 'no-lad';
  if (path === 'train.switchOptimizer') return value ? 'so' : 'no-so';
  return `${path.slice(path.indexOf('.') + 1)}=${JSON.stringify(value)}`;
}

const ALWAYS_SHOWN = new Set(['model.kind', 'model.numLayers', 'model.dim', 'data.source', 'train.seed']);

/** Dotted field -> value of a full config. */
function flatConfig(c: RunConfig): Fields {
  return new Map(Object.entries(c).flatMap(([g, v]) => Object.entries(v as object).map(([f, x]) => [`${g}.${f}`, x] as [string, unknown])));
}

/**
 * A readable name: kind, LxD, data, the fields that differ from `reference` (the base with
 * defaults), seed. @example runLabel(c) // 'lsrm 2x64 synthetic:default no-lad seed 1'
 */
export function runLabel(config: RunConfig, reference: ReadonlyMap<string, unknown> = new Map()): string {
  const { kind, numLayers, dim } = config.model;
  const words = [kind, `${numLayers}x${dim}`, dataName(config.data.source)];
  for (const [path, v] of flatConfig(config)) {
    if (ALWAYS_SHOWN.has(path) || !reference.has(path)) continue;
    if (JSON.stringify(reference.get(path)) !== JSON.stringify(v)) words.push(variantWord(path, v));
  }
  words.push(`seed ${config.train.seed}`);
  return words.join(' ');
}

/** The base with every default filled in, as dotted fields (what a label compares against). */
function referenceFields(base: Fields): Fields {
  const kind = base.get('model.kind') ?? 'lsrm';
  const shape = isModelKind(kind) ? defaultShape(kind) : {};
  const defaults: Fields = new Map([['data.core', 0], ...Object.entries(shape).map(([f, v]) => [`model.${f}`, v] as [string, unknown]), ...Object.entries(TRAIN_DEFAULTS).map(([f, v]) => [`train.${f}`, v] as [string, unknown])]);
  return new Map([...defaults, ...base]);
}

function describePoint(where: string, combo: Fields): string {
  const values = [...combo].map(([p, v]) => `${p}=${JSON.stringify(v)}`).join(', ');
  return values ? `${where} with ${values}` : where;
}

/**
 * Expand a spec into its runs, deduplicated by store key (first occurrence kept), in spec order.
 * @throws Error naming the run and field: an unknown dotted field (with the known ones), a field
 *   set by both a run and an axis, a missing data.source, a value out of range.
 * @example expandSweep({ base: { 'data.source': 'synthetic:smoke' }, axes: { 'train.seed': [0, 1] } }).length // 2
 */
export function expandSweep(spec: SweepSpec): SweepRun[] {
  if (!isPlainObject(spec)) throw new Error('a sweep spec must be an object { base?, axes?, runs? }');
  const extra = Object.keys(spec).filter((k) => !['base', 'axes', 'runs'].includes(k));
  if (extra.length > 0) throw new Error(`unknown top-level key${extra.length > 1 ? 's' : ''} ${extra.map((k) => `'${k}'`).join(', ')}: a sweep spec holds base, axes and runs`);
  if (spec.axes === undefined && spec.runs === undefined) throw new Error('a sweep spec needs axes, runs or both (base alone is one run: write "runs": [{}])');
  if (spec.runs !== undefined && !Array.isArray(spec.runs)) throw new Error('runs must be an array of partial configs');
  if (spec.axes !== undefined && !isPlainObject(spec.axes)) throw new Error('axes must be an object { "<dotted field>": [values] }');
  const base = flatten(spec.base ?? {}, 'base');
  const reference = referenceFields(base);
  const runs = spec.runs && spec.runs.length > 0 ? spec.runs.map((r, i) => ({ where: `runs[${i}]`, fields: flatten(r, `runs[${i}]`) })) : [{ where: 'the base', fields: new Map() as Fields }];
  const combos = combinations(spec.axes ?? {});
  const byKey = new Map<string, SweepRun>();
  for (const run of runs) {
    for (const combo of combos) {
      const where = describePoint(run.where, combo);
      const both = [...combo.keys()].filter((p) => run.fields.has(p));
      if (both.length > 0) throw new Error(`${run.where} sets ${both.join(', ')}, which an axis also sets. Fix: drop it from the run or from axes`);
      let config: RunConfig;
      try {
        config = buildConfig(new Map([...base, ...run.fields, ...combo]));
      } catch (err) {
        throw new Error(`${where}: ${(err as Error).message}`);
      }
      const key = storeRunKey(config);
      if (!byKey.has(key)) byKey.set(key, { key, label: runLabel(config, reference), config });
    }
  }
  return [...byKey.values()];
}

/**
 * Read a sweep spec from a JSON file and expand it.
 * @throws DataError naming the file, the problem and the fix (missing file, YAML, bad JSON, a bad field).
 */
export function loadSweepSpec(file: string): { spec: SweepSpec; runs: SweepRun[] } {
  if (/\.ya?ml$/i.test(file)) throw new DataError('YAML specs are not read (configs are JSON, STYLE 2.3). Fix: write the same object as JSON', file);
  if (!existsSync(file)) throw new DataError('no such sweep spec. Fix: give the path of a JSON spec such as examples/sweep-smoke.json', file);
  let spec: SweepSpec;
  try {
    spec = JSON.parse(readFileSync(file, 'utf8')) as SweepSpec;
  } catch (err) {
    throw new DataError(`not valid JSON (${(err as Error).message}). Fix: correct the syntax; a spec is { "base": {...}, "axes": {...}, "runs": [...] }`, file);
  }
  try {
    return { spec, runs: expandSweep(spec) };
  } catch (err) {
    if (err instanceof DataError) throw new DataError(err.message, file);
    throw new DataError((err as Error).message, file);
  }
}
