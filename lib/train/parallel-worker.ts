/**
 * A replica thread of data-parallel training (./parallel.ts): its own tfjs backend and its own
 * copy of the model, built from the recipe (./parallel-protocol.ts). It answers one request at
 * a time, in order:
 *   step  read the weights if their version changed, compute the gradient of its share of the
 *         batch into its shared gradient region, reply with the share's scaled loss;
 *   call  read the weights, run a named function (model, split, args), reply with its result
 *         (typed arrays transferred), e.g. the evaluation of a slice of the users.
 * A failure replies { type: 'error', message } and the thread keeps serving; a failure while
 * building the replica is reported the same way, before 'ready'.
 */
import * as tf from '@tensorflow/tfjs';
import { parentPort, workerData } from 'node:worker_threads';
import type { SeqModel } from '../models/types';
import { initBackend } from '../ops/backend';
import { loadExport, shareGradients, slotMismatch, splitOfShared, varSlots, type Reply, type Request, type WorkerInit } from './parallel-protocol';
import type { LossFn } from './train';

/** The ArrayBuffers of the typed arrays among a result's own fields (shared ones stay). */
function transferables(result: unknown): ArrayBuffer[] {
  const out = new Set<ArrayBuffer>();
  if (result && typeof result === 'object') {
    for (const v of Object.values(result)) if (ArrayBuffer.isView(v) && v.buffer instanceof ArrayBuffer) out.add(v.buffer);
  }
  return [...out];
}

/** The replica, its loss and a request handler. */
async function setUp(init: WorkerInit) {
  await initBackend(init.backend);
  const model = loadExport(init.recipe.model)(...init.recipe.model.args) as SeqModel;
  const lossFn = loadExport(init.recipe.loss) as LossFn;
  const mismatch = slotMismatch(init.slots, varSlots(model.variables));
  if (mismatch) throw new Error(`the replica does not match the model: ${mismatch}`);
  const weights = new Float32Array(init.weights);
  const grads = new Float32Array(init.grads);
  const split = init.split ? splitOfShared(init.split) : undefined;
  let version = -1;
  const readWeights = (v: number) => {
    if (v === version) return;
    for (const s of init.slots) {
      tf.tidy(() => model.variables.get(s.name)!.assign(tf.tensor(weights.slice(s.offset, s.offset + s.size), s.shape as number[], 'float32')));
    }
    version = v;
  };
  return async (req: Request): Promise<[Reply, ArrayBuffer[]]> => {
    readWeights(req.version);
    if (req.type === 'step') return [{ type: 'done', id: req.id, loss: shareGradients(model, lossFn, init.slots, req.share, grads) }, []];
    const result = await loadExport(req.fn)(model, split, req.args);
    return [{ type: 'result', id: req.id, result }, transferables(result)];
  };
}

/** Serve requests in order until the main thread terminates this thread. */
function serve(init: WorkerInit): void {
  const port = parentPort!;
  const message = (err: unknown) => (err instanceof Error ? err.message : String(err));
  const ready = setUp(init);
  let queue: Promise<unknown> = ready.then(
    () => port.postMessage({ type: 'ready' } satisfies Reply),
    (err) => port.postMessage({ type: 'error', message: message(err) } satisfies Reply),
  );
  port.on('message', (req: Request) => {
    queue = queue.then(async () => {
      try {
        const [reply, transfer] = await (await ready)(req);
        port.postMessage(reply, transfer);
      } catch (err) {
        port.postMessage({ type: 'error', id: req.id, message: message(err) } satisfies Reply);
      }
    });
  });
}

const init = workerData as WorkerInit | undefined;
if (parentPort && init?.kind === 'lsrm:replica') serve(init);
