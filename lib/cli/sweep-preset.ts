/**
 * `lsrm sweep preset`: the named sweeps a researcher runs at paper scale (on a GPU or a cluster)
 * without writing a spec, and the comparison of their results with the published numbers.
 *
 *   lsrm sweep preset                               list the presets
 *   lsrm sweep preset NAME [--seeds 0,1,2] [--out F] the preset's sweep spec (JSON) on stdout or in F
 *   lsrm sweep preset NAME --compare [--seeds ...]   ours (mean over the stored seeds) against the
 *                                                   published test HR@10 / NDCG@10, per model
 *
 * Presets: `backbones-ml-1m` and `backbones-ml-20m`, the HSTU README's and FuXi-alpha's
 * configurations (lib/experiments/backbone-presets.ts, which says what differs from the authors'
 * runs). The spec is a plain sweep: `lsrm sweep run F [--executor slurm --gpus 1]` trains it.
 */
import { existsSync, writeFileSync } from 'node:fs';
import { BACKBONE_PRESETS, backboneSweep, type BackboneDatasetName, type BackbonePreset } from '../experiments/backbone-presets';
import { runPaths, type StoreMetrics } from '../runs/in-store';
import { readRunRecord } from '../runs/store';
import { expandSweep, type SweepSpec } from '../sweep/spec';
import { UsageError } from './command';
import { textTable } from './runs';

const PREFIX = 'backbones-';

/** The preset names, e.g. 'backbones-ml-1m'. */
export function presetNames(): string[] {
  return Object.keys(BACKBONE_PRESETS).map((d) => PREFIX + d);
}

function datasetOf(name: string): BackboneDatasetName {
  const d = name.startsWith(PREFIX) ? name.slice(PREFIX.length) : '';
  if (!(d in BACKBONE_PRESETS)) throw new UsageError(`unknown sweep preset '${name}': one of ${presetNames().join(', ')} (lsrm sweep preset lists them)`);
  return d as BackboneDatasetName;
}

/** Seeds from a --seeds value ('0,1,2'); [0] when absent. */
export function parseSeeds(text: string | undefined): number[] {
  if (text === undefined) return [0];
  const parts = text.split(',').map((s) => s.trim());
  if (parts.some((p) => !/^\d+$/.test(p))) throw new UsageError(`--seeds takes a comma-separated list of integers >= 0, got '${text}'`);
  return parts.map(Number);
}

/** The sweep spec of a preset. */
export function presetSpec(name: string, seeds: readonly number[]): SweepSpec {
  return backboneSweep(datasetOf(name), seeds);
}

/** One line per preset: its name, data and models. */
export function presetList(): string {
  return presetNames().map((n) => {
    const d = BACKBONE_PRESETS[datasetOf(n)];
    return `${n.padEnd(18)} ${d.source}: ${d.models.map((m) => `${m.label} (${m.model.kind} ${m.model.numLayers}x${m.model.dim})`).join(', ')}`;
  }).join('\n') + '\n';
}

/** One model's row of the comparison: the stored seeds' test metrics and the published ones. */
export interface PresetComparison {
  readonly label: string;
  readonly seeds: number;
  readonly of: number;
  readonly ours?: { readonly 'HR@10': number; readonly 'NDCG@10': number };
  readonly published?: BackbonePreset['published'];
}

/** Ours (mean over the seeds in `store`) against the published numbers, per model of a preset. */
export function comparePreset(name: string, seeds: readonly number[], store: string): PresetComparison[] {
  const d = BACKBONE_PRESETS[datasetOf(name)];
  const runs = expandSweep(presetSpec(name, seeds));
  return d.models.map((m) => {
    const same = (c: typeof m.model) => c.kind === m.model.kind && c.numLayers === m.model.numLayers && c.dim === m.model.dim && c.numHeads === m.model.numHeads;
    const mine = runs.filter((r) => same(r.config.model));
    const tests = mine.map((r) => runPaths(store, r.key).record).filter((p) => existsSync(p)).map((p) => readRunRecord<unknown, StoreMetrics, unknown>(p).metrics.test);
    const mean = (k: 'HR@10' | 'NDCG@10') => tests.reduce((s, t) => s + t[k], 0) / tests.length;
    return { label: m.label, seeds: tests.length, of: mine.length, ...(tests.length > 0 ? { ours: { 'HR@10': mean('HR@10'), 'NDCG@10': mean('NDCG@10') } } : {}), ...(m.published ? { published: m.published } : {}) };
  });
}

/** The comparison as text: a row per model, '-' where nothing is stored or published. */
export function formatComparison(rows: readonly PresetComparison[]): string {
  const f = (x: number | undefined) => (x === undefined ? '-' : x.toFixed(4));
  const diff = (a: number | undefined, b: number | undefined) => (a === undefined || b === undefined ? '-' : `${a >= b ? '+' : ''}${(((a - b) / b) * 100).toFixed(1)}%`);
  const head = ['model', 'seeds', 'HR@10', 'published', 'diff', 'NDCG@10', 'published', 'diff'];
  const cells = rows.map((r) => [
    r.label, `${r.seeds}/${r.of}`,
    f(r.ours?.['HR@10']), f(r.published?.['HR@10']), diff(r.ours?.['HR@10'], r.published?.['HR@10']),
    f(r.ours?.['NDCG@10']), f(r.published?.['NDCG@10']), diff(r.ours?.['NDCG@10'], r.published?.['NDCG@10']),
  ]);
  return textTable(head, cells, [1, 2, 3, 4, 5, 6, 7]) +
    'Ours: full-ranking test metrics of the stored runs (mean over seeds), full softmax; published: the authors\' README, sampled softmax (lib/experiments/backbone-presets.ts lists what differs).\n';
}

/** `lsrm sweep preset [NAME] [--seeds S] [--out FILE] [--compare]`. */
export function presetCommand(rest: readonly string[], opts: { seeds?: string; out?: string; compare?: boolean; store: string }, out: (s: string) => void): number {
  if (rest.length === 0) {
    out(presetList());
    return 0;
  }
  if (rest.length > 1) throw new UsageError(`sweep preset takes one NAME, got ${rest.join(' ')}`);
  const seeds = parseSeeds(opts.seeds);
  if (opts.compare) {
    out(formatComparison(comparePreset(rest[0], seeds, opts.store)));
    return 0;
  }
  const json = JSON.stringify(presetSpec(rest[0], seeds), null, 2) + '\n';
  if (opts.out === undefined) out(json);
  else {
    writeFileSync(opts.out, json);
    out(`wrote ${opts.out}: train it with lsrm sweep run ${opts.out} (on a GPU: --executor slurm --gpus 1); compare with lsrm sweep preset ${rest[0]} --compare\n`);
  }
  return 0;
}
