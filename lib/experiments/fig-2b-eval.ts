/**
 * Figure 2b's fixed test set: the users of the smallest data level. The levels are nested
 * samples of whole users (lib/data/subsample.ts sampleUsers), so these users, with the same
 * leave-one-out histories and targets, are in every level; each run's best checkpoint is
 * evaluated on them (full ranking, as its own final evaluation), whatever level it trained on.
 * Results are cached in the store (<store>/fig-2b-eval/<key>.json, keyed by the run's store key
 * and the test set's source), so a second call reads them and the files keep their bytes. On
 * synthetic data the teacher's mean loss on the same test targets is the irreducible loss the
 * fitted E of each data size can be compared with.
 */
import { parseSourceSpec } from '../data/source';
import { generateSyntheticWithInfo, SYNTHETIC_PRESETS, type SyntheticConfig } from '../data/synthetic';
import type { LeaveOneOutSplit } from '../data/types';
import { evaluateModel } from '../eval/evaluate';
import { initBackend } from '../ops/backend';
import { prepareSplit, type DataSpec } from '../runs/build';
import { loadRun } from '../runs/run';
import { runOrLoad } from '../runs/store';
import type { DataChoice } from './scale';

/** The store folder of the cached evaluations. */
export const FIG_2B_EVAL = 'fig-2b-eval';

/** A run's best checkpoint on the fixed test set. */
export interface FixedEval {
  readonly loss: number;
  readonly 'NDCG@10': number;
  readonly users: number;
}

/** The fixed test set: its source, its number of test users and, on synthetic data, the teacher's loss on them. */
export interface TestSet {
  readonly source: string;
  readonly users: number;
  readonly irreducibleLoss: number | null;
}

/**
 * The synthetic teacher's mean loss on the test targets (each user's last row) of the users
 * `rawUsers` (raw ids, e.g. 'u17'), or undefined for data without a teacher.
 */
export function teacherTestLoss(data: DataChoice, rawUsers: readonly string[]): number | undefined {
  const spec = parseSourceSpec(data.spec);
  const config = spec.kind === 'synthetic' ? (SYNTHETIC_PRESETS as Record<string, SyntheticConfig>)[spec.preset ?? 'default'] : undefined;
  if (!config || rawUsers.length === 0) return undefined;
  const { interactions: x, info } = generateSyntheticWithInfo(config);
  const lastRow = new Map<string, number>();
  for (let r = 0; r < x.user.length; r++) lastRow.set(x.vocab.userIds[x.user[r]], r); // rows grouped by user, in time order
  return Number((rawUsers.reduce((s, id) => s + info.nll[lastRow.get(id)!], 0) / rawUsers.length).toPrecision(6));
}

/** The fixed test set of `testData` (the smallest level) over the full data `full`, evaluated against a store. */
export function fixedTestSet(testData: DataSpec, full: DataChoice, store: string) {
  let split: Promise<LeaveOneOutSplit> | undefined;
  const getSplit = () => (split ??= prepareSplit(testData)); // prepared once, and only when something is not cached
  return {
    /** A stored run's best weights on the test set (another level's data than the run's own: loadRun's "data change" is the point). */
    async evaluate(run: { readonly runKey: string; readonly runDir: string }): Promise<FixedEval> {
      const rec = await runOrLoad<object, FixedEval>(FIG_2B_EVAL, { run: run.runKey, testSet: testData.source, core: testData.core }, async () => {
        await initBackend();
        const s = await getSplit();
        const loaded = await loadRun(run.runDir, { prepare: async () => s }, { allowDataChange: true });
        try {
          const r = await evaluateModel(loaded.model, s, { split: 'test' });
          return { metrics: { loss: r.metrics.loss, 'NDCG@10': r.metrics['NDCG@10'], users: r.users.length } };
        } finally {
          loaded.model.dispose();
        }
      }, { dir: store });
      return rec.metrics;
    },
    /** Its size and the teacher's loss on it. */
    async describe(): Promise<TestSet> {
      const rec = await runOrLoad<object, TestSet>(FIG_2B_EVAL, { testSet: testData.source, core: testData.core, teacher: true }, async () => {
        const s = await getSplit();
        const users = Array.from(s.test).flatMap((t, u) => (t !== 0 ? [s.vocab.userIds[u]] : []));
        return { metrics: { source: testData.source, users: users.length, irreducibleLoss: teacherTestLoss(full, users) ?? null } };
      }, { dir: store });
      return rec.metrics;
    },
  };
}
