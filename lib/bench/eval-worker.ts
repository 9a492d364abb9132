/**
 * One slice of the evaluation benchmark (./eval.ts): build the synthetic split and the model
 * from their seeds (every thread gets the same ones without copying them), then evaluate the
 * test targets of users [from, to) with lib/eval's full ranking. Runs in the calling thread
 * (one worker) or as a worker thread (workerData = a SliceTask): it then posts 'ready' after
 * the set-up, evaluates on 'go' and posts its SliceResult, transferring the arrays.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { evaluateModel, type EvalTiming } from '../eval/evaluate';
import { evalUsers } from '../eval/histories';
import { createLsrm } from '../models/lsrm';
import { initBackend, type BackendName } from '../ops/backend';
import { syntheticEvalSplit, type EvalSplitShape } from './eval-split';

/** The model of the benchmark: an LSRM (Table IV's smallest row by default). */
export interface EvalModelShape {
  readonly dim: number;
  readonly numLayers: number;
  readonly numHeads: number;
}

/** What one slice evaluates. */
export interface SliceTask {
  readonly kind: 'lsrm:eval-slice';
  readonly shape: EvalSplitShape;
  readonly model: EvalModelShape;
  /** Users [from, to) of the split. */
  readonly from: number;
  readonly to: number;
  /** Users per batch; default evaluateModel's (from its memory budget). */
  readonly batchSize?: number;
  readonly backend: BackendName;
}

/** What one slice returns: per user (in order) the rank, the loss and the top-50 list. */
export interface SliceResult {
  readonly ranks: Int32Array;
  readonly losses: Float32Array;
  readonly lists: Int32Array;
  readonly listWidth: number;
  /** The metrics of the slice alone (the merge recomputes them over all users). */
  readonly metrics: Record<string, number>;
  readonly timing: EvalTiming;
  readonly wallMs: number;
}

/** Top-list width: the paper's largest N (and the widest Coverage@k). */
export const LIST_WIDTH = 50;

/** Build the split and the model; `run` evaluates the slice (once). */
export async function prepareSlice(task: SliceTask): Promise<{ run(): Promise<SliceResult> }> {
  await initBackend(task.backend);
  const split = syntheticEvalSplit(task.shape);
  const { numItems, maxLen } = task.shape;
  const model = createLsrm({ ...task.model, numItems, maxLen, dropout: Array(task.model.numLayers).fill(0), embDropout: 0 }, task.shape.seed);
  const users = evalUsers(split, 'test').subarray(task.from, task.to);
  return {
    async run() {
      const t0 = performance.now();
      try {
        const r = await evaluateModel(model, split, { split: 'test', users, topk: LIST_WIDTH, ...(task.batchSize ? { batchSize: task.batchSize } : {}) });
        return { ranks: r.ranks, losses: r.losses, lists: r.topk!, listWidth: r.topkWidth!, metrics: r.metrics, timing: r.timing!, wallMs: performance.now() - t0 };
      } finally {
        model.dispose();
      }
    },
  };
}

/** Worker protocol: 'ready' after set-up, then the result after the main thread's 'go'. */
async function serve(task: SliceTask): Promise<void> {
  const port = parentPort!;
  const slice = await prepareSlice(task);
  port.once('message', async () => {
    const r = await slice.run();
    port.postMessage({ type: 'result', result: r }, [r.ranks.buffer, r.losses.buffer, r.lists.buffer] as ArrayBuffer[]);
    port.close();
  });
  port.postMessage({ type: 'ready' });
}

const task = workerData as SliceTask | undefined;
if (parentPort && task?.kind === 'lsrm:eval-slice') {
  void serve(task); // a failure is an unhandled rejection: the main thread gets the worker's 'error' event
}
