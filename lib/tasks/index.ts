/**
 * The registry of the five hard tasks of paper V (Figures 5-9), as `lsrm task <task>` runs them
 * on one trained run: each entry reads its flags (./flags.ts), calls its module and returns one
 * JSON object (`--json`) and the tables printed otherwise. An explicit list, no reflection.
 *
 * JSON: one object per call, {"task", "run", ...} followed by the entry's `jsonShape` (listed in
 * `lsrm task --help`); a metric is null for a group without users, and metric names follow the
 * cut-offs asked for ("HR@10", "NDCG@10" by default).
 */
import type { LeaveOneOutSplit, Sequences } from '../data/types';
import type { SeqModel } from '../models/types';
import type { RunConfig } from '../runs/run';
import { intFlag, intListFlag, numberFlag, numberListFlag, oneOfFlag, oneOfListFlag, switchFlag, type FlagValues, type TaskFlag } from './flags';
import { LONG_TAIL_DEFAULTS, TIE_ORDERS, longTail } from './long-tail';
import { COLD_START_DEFAULTS, coldStart, holdOutSpecOf } from './cold-start';
import { CROSS_DOMAIN_DEFAULTS, crossDomain } from './cross-domain';
import { PERTURB_MODES, ROBUSTNESS_DEFAULTS, robustness } from './robustness';
import { TRAJECTORY_DEFAULTS, TRAJECTORY_RELEVANCES, trajectory } from './trajectory';
import type { Metrics } from './common';

export { fullSequence, percentChange, subsetMetrics, trainedItems } from './common';
export * from './long-tail';
export * from './cold-start';
export * from './cross-domain';
export * from './robustness';
export * from './trajectory';
export type { FlagValues, TaskFlag } from './flags';

/** A loaded run as the tasks use it (lib/runs/run.ts LoadedRun) and its folder. */
export interface TaskContext {
  readonly dir: string;
  readonly model: SeqModel;
  readonly split: LeaveOneOutSplit;
  readonly config: RunConfig;
  /** The run's whole data after the k-core, every user included (cold-start draws its hold-out from it). */
  fullSequences(): Promise<Sequences>;
}

/** A table to print: a title and rows (columns: every key in first-seen order; a missing cell prints as null). */
export interface TaskTable {
  readonly title: string;
  readonly rows: readonly Record<string, string | number | null>[];
}

export interface TaskReport {
  readonly json: Record<string, unknown>;
  readonly tables: readonly TaskTable[];
}

export interface TaskEntry {
  readonly name: string;
  readonly paperRef: string;
  readonly summary: string;
  readonly flags: readonly TaskFlag[];
  /** The --json object after "task" and "run", for the usage text. */
  readonly jsonShape: string;
  run(ctx: TaskContext, values: FlagValues): Promise<TaskReport>;
}

const K_FLAG = (fallback: string): TaskFlag => ({ name: 'k', value: 'LIST', help: `cut-offs of HR@k and NDCG@k (default ${fallback})` });

const longTailEntry: TaskEntry = {
  name: 'long-tail', paperRef: 'Figure 5, V-B', summary: 'HR/NDCG per item-popularity group (G1 most popular)',
  jsonShape: '{"groups":[{"group":"G1","items","users","minPopularity","maxPopularity","HR@10","NDCG@10"}, ...]}',
  flags: [
    K_FLAG('10'),
    { name: 'groups', value: 'N', help: 'number of equal-sized popularity groups (default 4)' },
    { name: 'ties', value: 'ORDER', help: 'equal popularity ordered by raw-id (original ids; default) or dense-id' },
  ],
  async run(ctx, values) {
    const r = await longTail(ctx.model, ctx.split, {
      ks: intListFlag(values, 'k', LONG_TAIL_DEFAULTS.ks),
      numGroups: intFlag(values, 'groups', LONG_TAIL_DEFAULTS.numGroups, { min: 1 }),
      tieOrder: oneOfFlag(values, 'ties', TIE_ORDERS, LONG_TAIL_DEFAULTS.tieOrder),
    });
    const groups = r.groups.map(({ metrics, ...g }) => ({ ...g, ...metrics }));
    return { json: { groups }, tables: [{ title: `long-tail: ${r.users} test users by the popularity group of their test item`, rows: groups }] };
  },
};

const coldStartEntry: TaskEntry = {
  name: 'cold-start', paperRef: 'Figure 6, V-C', summary: 'NDCG of users held out of training, from their last k items',
  jsonShape: '{"holdOut":{"fraction","seed"},"heldOutUsers","evaluatedUsers","skipped":{"tooShort","unseenTarget"},"lengths":[{"length":5,"users","shortUsers","meanInputLength","HR@10","NDCG@10","Coverage@10"}, ...]}',
  flags: [
    K_FLAG('10'),
    { name: 'lengths', value: 'LIST', help: 'input lengths k (default 5,10,20,30,40,50)' },
    { name: 'coverage-k', value: 'N', help: 'cut-off of Coverage (default 10)' },
    { name: 'min-items', value: 'N', help: 'fewest items a held-out user needs, test item included (default 3)' },
  ],
  async run(ctx, values) {
    const options = {
      holdOut: holdOutSpecOf(ctx.config.data) ?? COLD_START_DEFAULTS.holdOut,
      ks: intListFlag(values, 'k', COLD_START_DEFAULTS.ks),
      lengths: intListFlag(values, 'lengths', COLD_START_DEFAULTS.lengths),
      coverageK: intFlag(values, 'coverage-k', COLD_START_DEFAULTS.coverageK, { min: 1 }),
      minItems: intFlag(values, 'min-items', COLD_START_DEFAULTS.minItems, { min: 2 }),
    };
    const r = await coldStart(ctx.model, await ctx.fullSequences(), ctx.split, options);
    const lengths = r.lengths.map(({ metrics, ...l }) => ({ ...l, ...metrics }));
    const title = `cold-start: ${r.evaluatedUsers} of ${r.heldOutUsers} held-out users (fraction ${r.holdOut.fraction}, seed ${r.holdOut.seed}; ` +
      `skipped ${r.skipped.tooShort} too short, ${r.skipped.unseenTarget} with an unseen test item)`;
    return { json: { holdOut: r.holdOut, heldOutUsers: r.heldOutUsers, evaluatedUsers: r.evaluatedUsers, skipped: r.skipped, lengths }, tables: [{ title, rows: lengths }] };
  },
};

const crossDomainEntry: TaskEntry = {
  name: 'cross-domain', paperRef: 'Figure 7, V-D', summary: 'HR/NDCG of mix-domain and diff-domain test users',
  jsonShape: '{"window","unclassified","classes":[{"class":"mix-domain","users","HR@10","NDCG@10"}, {"class":"diff-domain", ...}]}',
  flags: [
    K_FLAG('10'),
    { name: 'window', value: 'N', help: 'input items compared with the target\'s domain (default: the model\'s maxLen)' },
    { name: 'strict-mix', help: 'split off same-domain users (every input item in the target\'s domain)' },
  ],
  async run(ctx, values) {
    const window = values.window === undefined ? undefined : intFlag(values, 'window', 0, { min: 1 });
    const r = await crossDomain(ctx.model, ctx.split, {
      ks: intListFlag(values, 'k', CROSS_DOMAIN_DEFAULTS.ks), window, strict: switchFlag(values, 'strict-mix'),
    });
    const classes = r.classes.map(({ metrics, ...c }) => ({ ...c, ...metrics }));
    const title = `cross-domain: test users by the domains of their last ${r.window} input items (${r.unclassified} unclassified: test item without a domain)`;
    return { json: { window: r.window, unclassified: r.unclassified, classes }, tables: [{ title, rows: classes }] };
  },
};

/** 'NDCG@10' -> 'clean NDCG@10' etc., for the flat table rows. */
function prefixed(prefix: string, m: Metrics): Metrics {
  return Object.fromEntries(Object.entries(m).map(([k, v]) => [`${prefix}${k}`, v]));
}

const robustnessEntry: TaskEntry = {
  name: 'robustness', paperRef: 'Figure 8, V-E', summary: 'percent degradation under removed / replaced input items',
  jsonShape: '{"seed","users","clean":{"HR@10","NDCG@10"},"perturbations":[{"mode","p","perturbedShare","emptied","noisy":{...},"degradation":{...}}, ...],"runs":[{"mode","p","longestRun":"0","users","meanPerturbed","clean":{...},"noisy":{...},"degradation":{...}}, ...]}',
  flags: [
    K_FLAG('10'),
    { name: 'p', value: 'LIST', help: 'per-item perturbation probabilities (default 0.1,0.2,0.3)' },
    { name: 'modes', value: 'LIST', help: `perturbations among ${PERTURB_MODES.join(', ')} (default mixed)` },
    { name: 'remove-share', value: 'P', help: 'mixed mode: probability that a perturbed item is removed, else replaced (default 0.5)' },
    { name: 'seed', value: 'N', help: 'seed of the perturbations (default 0)' },
    { name: 'max-run', value: 'N', help: 'longest-run groups 0 .. N-1 and N+ (default 4)' },
  ],
  async run(ctx, values) {
    const seed = intFlag(values, 'seed', ROBUSTNESS_DEFAULTS.seed);
    const r = await robustness(ctx.model, ctx.split, {
      ks: intListFlag(values, 'k', ROBUSTNESS_DEFAULTS.ks),
      probabilities: numberListFlag(values, 'p', ROBUSTNESS_DEFAULTS.probabilities, { min: 0, max: 1, exclusiveMin: true }),
      modes: oneOfListFlag(values, 'modes', PERTURB_MODES, ROBUSTNESS_DEFAULTS.modes),
      removeShare: numberFlag(values, 'remove-share', ROBUSTNESS_DEFAULTS.removeShare, { min: 0, max: 1 }),
      maxRun: intFlag(values, 'max-run', ROBUSTNESS_DEFAULTS.maxRun, { min: 1 }), seed,
    });
    const clean = { mode: 'clean', p: 0, perturbedShare: 0, emptied: 0, ...r.clean };
    const rows = [clean, ...r.conditions.map((c) => ({ mode: c.mode, p: c.p, perturbedShare: c.perturbedShare, emptied: c.emptied, ...c.noisy, ...prefixed('degradation% ', c.degradation) }))];
    const runRows = r.runs.map((g) => ({ mode: g.mode, p: g.p, longestRun: g.longestRun, users: g.users, meanPerturbed: g.meanPerturbed, ...prefixed('clean ', g.clean), ...g.noisy, ...prefixed('degradation% ', g.degradation) }));
    return {
      json: { seed, users: r.users, clean: r.clean, perturbations: r.conditions, runs: r.runs },
      tables: [
        { title: `robustness: ${r.users} test users, clean and perturbed inputs (seed ${seed})`, rows },
        { title: 'by the longest run of consecutive perturbed items', rows: runRows },
      ],
    };
  },
};

const trajectoryEntry: TaskEntry = {
  name: 'trajectory', paperRef: 'Figure 9, V-F', summary: 'TR@k of greedily generated trajectories, k = 1..10',
  jsonShape: '{"length","relevance","noRepeat","users","positions":[{"k":1,"TR","ratio"}, ...]}',
  flags: [
    { name: 'length', value: 'N', help: 'trajectory length L: future items compared (default 10)' },
    { name: 'min-history', value: 'N', help: 'fewest history items before the trajectory (default 1)' },
    { name: 'relevance', value: 'R', help: `reading of equation (4): ${TRAJECTORY_RELEVANCES.join(', ')} (default prefix: S_p[j] in S_f[:k])` },
    { name: 'allow-repeats', help: 'let the generator repeat an item within a trajectory (default: never)' },
  ],
  async run(ctx, values) {
    const noRepeat = !switchFlag(values, 'allow-repeats');
    const r = await trajectory(ctx.model, ctx.split, {
      length: intFlag(values, 'length', TRAJECTORY_DEFAULTS.length, { min: 1 }),
      minHistory: intFlag(values, 'min-history', TRAJECTORY_DEFAULTS.minHistory, { min: 1 }),
      relevance: oneOfFlag(values, 'relevance', TRAJECTORY_RELEVANCES, TRAJECTORY_DEFAULTS.relevance), noRepeat,
    });
    const title = `trajectory: ${r.users} users, ${r.length} generated items each (relevance ${r.relevance}${noRepeat ? ', no repeats' : ''})`;
    return { json: { length: r.length, relevance: r.relevance, noRepeat, users: r.users, positions: r.positions }, tables: [{ title, rows: r.positions.map((p) => ({ ...p })) }] };
  },
};

/** Every task, in the paper's order. */
export const TASKS: readonly TaskEntry[] = [longTailEntry, coldStartEntry, crossDomainEntry, robustnessEntry, trajectoryEntry];

/** The names of the tasks, in the paper's order. */
export const TASK_NAMES: readonly string[] = TASKS.map((t) => t.name);

/** The entry of a task name, or undefined. */
export function taskEntry(name: string): TaskEntry | undefined {
  return TASKS.find((t) => t.name === name);
}
