/**
 * The switching optimizer (paper III-B2, Algorithm 1; "SO" in Table III): Adam until the
 * validation metric stops improving, then SGD. Written over plain tf.Variables (not tf.train.*)
 * so the whole state is a set of named tensors plus a few JSON scalars: checkpoints and exact
 * resume are simple, and weight decay is applied exactly as documented here.
 *
 * Choices the paper leaves open, and ours:
 * - Weight decay 1e-8 (paper III-B), DECOUPLED (AdamW, Loshchilov & Hutter): θ -= lr·wd·θ,
 *   applied to every variable. The paper trained with HF Transformers, whose default optimizer
 *   is AdamW. At 1e-8 the choice hardly matters; decoupled keeps it independent of Adam's scaling.
 * - SGD has momentum β1 = 0.9 with dampening (1 - β1), as in SWATS (Keskar & Socher [58], the
 *   paper's reference): buf = β1·buf + g; θ -= (1 - β1)·η_sgd·buf. Momentum starts at zero.
 * - The SGD learning rate is SWATS's estimate, computed for free during the Adam phase. With the
 *   Adam direction u = m̂ / (√v̂ + ε) and gradient g, the SGD step length that reproduces the
 *   projection of the Adam step on g is γ = lr·(uᵀu)/(uᵀg). We average ρ = γ / lr = (uᵀu)/(uᵀg)
 *   (independent of the schedule) with an EMA (β2, bias-corrected), skipping steps where
 *   uᵀg <= 0, and after the switch use η_sgd(step) = ρ̄ · lr(step): SGD follows the same cosine
 *   schedule, scaled into SGD units. Cost: two dot products per Adam step.
 * - Where SGD starts (the best Adam weights or the current ones) is the trainer's choice; see
 *   train.ts.
 *
 * Shapes: every state tensor has the shape of its variable.
 */
import * as tf from '@tensorflow/tfjs';

/** Hyper-parameters of the optimizer. */
export interface OptimizerConfig {
  readonly beta1: number;
  readonly beta2: number;
  readonly eps: number;
  readonly weightDecay: number;
}

export const OPTIMIZER_DEFAULTS: OptimizerConfig = {
  beta1: 0.9, // Kingma & Ba's defaults, also HF's AdamW defaults
  beta2: 0.999,
  eps: 1e-8,
  weightDecay: 1e-8, // paper III-B: larger decay underfits in recommendation
};

export type OptimizerPhase = 'adam' | 'sgd';

/** JSON part of the optimizer state (the tensors are saved separately, by name). */
export interface OptimizerScalars {
  readonly phase: OptimizerPhase;
  /** Adam steps taken (t in the bias correction). */
  readonly adamSteps: number;
  /** SGD steps taken. */
  readonly sgdSteps: number;
  /** Un-corrected EMA of ρ = uᵀu / uᵀg, and how many steps fed it. */
  readonly rhoEma: number;
  readonly rhoCount: number;
}

/** Adam -> SGD over a fixed set of named variables. */
export interface SwitchingOptimizer {
  readonly phase: OptimizerPhase;
  /** One update with the gradients by variable name, at the scheduled rate `lr`. */
  apply(grads: ReadonlyMap<string, tf.Tensor>, lr: number): void;
  /** The SGD rate for a scheduled rate: ρ̄ · lr (ρ̄ = 1 before any estimate). */
  sgdLr(lr: number): number;
  /** Leave Adam for SGD: drop Adam's moments, zero the momentum buffers. Idempotent. */
  switchToSgd(): void;
  /** The state to checkpoint: scalars and state tensors by name (owned by the optimizer). */
  getState(): { scalars: OptimizerScalars; tensors: Map<string, tf.Tensor> };
  /** Restore a state saved by getState (tensors are copied). */
  setState(scalars: OptimizerScalars, tensors: ReadonlyMap<string, tf.Tensor>): void;
  dispose(): void;
}

/** A zero-filled non-trainable variable shaped like `v`. */
function zerosLike(v: tf.Variable): tf.Variable {
  const z = tf.zerosLike(v);
  const out = tf.variable(z, false); // shares z's data, which outlives z's handle
  z.dispose();
  return out;
}

/** Create the optimizer for `variables`, starting in the Adam phase. */
export function createOptimizer(variables: ReadonlyMap<string, tf.Variable>, config: Partial<OptimizerConfig> = {}): SwitchingOptimizer {
  const c = { ...OPTIMIZER_DEFAULTS, ...config };
  let s: OptimizerScalars = { phase: 'adam', adamSteps: 0, sgdSteps: 0, rhoEma: 0, rhoCount: 0 };
  const m = new Map<string, tf.Variable>();
  const v = new Map<string, tf.Variable>();
  const mom = new Map<string, tf.Variable>();
  for (const [name, x] of variables) {
    m.set(name, zerosLike(x));
    v.set(name, zerosLike(x));
  }
  const disposeAll = (...maps: Map<string, tf.Variable>[]) => {
    for (const map of maps) {
      for (const x of map.values()) x.dispose();
      map.clear();
    }
  };
  const rhoBar = () => (s.rhoCount > 0 ? s.rhoEma / (1 - Math.pow(c.beta2, s.rhoCount)) : 1);

  function adamStep(grads: ReadonlyMap<string, tf.Tensor>, lr: number): void {
    const t = s.adamSteps + 1;
    const bc1 = 1 - Math.pow(c.beta1, t); // bias corrections
    const bc2 = 1 - Math.pow(c.beta2, t);
    const dots = tf.tidy(() => {
      let uu = tf.scalar(0);
      let ug = tf.scalar(0);
      for (const [name, x] of variables) {
        const g = grads.get(name);
        if (!g) continue;
        const mNew = m.get(name)!.mul(c.beta1).add(g.mul(1 - c.beta1)); // like x
        const vNew = v.get(name)!.mul(c.beta2).add(g.square().mul(1 - c.beta2));
        const u = mNew.div(bc1).div(vNew.div(bc2).sqrt().add(c.eps)); // Adam direction
        m.get(name)!.assign(mNew);
        v.get(name)!.assign(vNew);
        x.assign(x.sub(u.mul(lr)).sub(x.mul(lr * c.weightDecay)));
        uu = uu.add(u.square().sum());
        ug = ug.add(u.mul(g).sum());
      }
      return tf.stack([uu, ug]); // [2]
    });
    const [uu, ug] = dots.dataSync();
    dots.dispose();
    const rho = uu / ug;
    const hasEstimate = ug > 0 && Number.isFinite(rho);
    s = {
      ...s,
      adamSteps: t,
      rhoEma: hasEstimate ? c.beta2 * s.rhoEma + (1 - c.beta2) * rho : s.rhoEma,
      rhoCount: hasEstimate ? s.rhoCount + 1 : s.rhoCount,
    };
  }

  function sgdStep(grads: ReadonlyMap<string, tf.Tensor>, lr: number): void {
    const eta = rhoBar() * lr;
    tf.tidy(() => {
      for (const [name, x] of variables) {
        const g = grads.get(name);
        if (!g) continue;
        const buf = mom.get(name)!;
        const bufNew = buf.mul(c.beta1).add(g); // like x
        buf.assign(bufNew);
        x.assign(x.sub(bufNew.mul((1 - c.beta1) * eta)).sub(x.mul(eta * c.weightDecay)));
      }
    });
    s = { ...s, sgdSteps: s.sgdSteps + 1 };
  }

  return {
    get phase() {
      return s.phase;
    },
    apply: (grads, lr) => (s.phase === 'adam' ? adamStep(grads, lr) : sgdStep(grads, lr)),
    sgdLr: (lr) => rhoBar() * lr,
    switchToSgd() {
      if (s.phase === 'sgd') return;
      disposeAll(m, v);
      for (const [name, x] of variables) mom.set(name, zerosLike(x));
      s = { ...s, phase: 'sgd' };
    },
    getState() {
      const tensors = new Map<string, tf.Tensor>();
      for (const [prefix, map] of [['adam.m/', m], ['adam.v/', v], ['sgd.momentum/', mom]] as const) {
        for (const [name, x] of map) tensors.set(prefix + name, x);
      }
      return { scalars: { ...s }, tensors };
    },
    setState(scalars, tensors) {
      disposeAll(m, v, mom);
      const prefixes: [string, Map<string, tf.Variable>][] =
        scalars.phase === 'adam' ? [['adam.m/', m], ['adam.v/', v]] : [['sgd.momentum/', mom]];
      for (const [prefix, map] of prefixes) {
        for (const [name, x] of variables) {
          const saved = tensors.get(prefix + name);
          if (!saved) throw new Error(`optimizer state: missing tensor '${prefix + name}'`);
          if (saved.shape.join(',') !== x.shape.join(',')) {
            throw new Error(`optimizer state: '${prefix + name}' has shape [${saved.shape}], variable has [${x.shape}]`);
          }
          map.set(name, tf.variable(saved, false));
        }
      }
      s = { ...scalars };
    },
    dispose: () => disposeAll(m, v, mom),
  };
}
