/**
 * The model toolkit: what every model file (lsrm.ts, gru4rec.ts, fmlp.ts, caser.ts) builds with.
 *   - VariableBuilder: named tf.Variables with seeded initial values; unique names, kept in
 *     creation order (the checkpoint format uses the names);
 *   - config checks that throw a ConfigError naming the model, the field, the value and what is
 *     allowed ("gru4rec config: dropout must be in [0, 1), got 1");
 *   - assembleModel: the SeqModel record around a model's parameters, with the one input check
 *     every encode() runs ("caser.encode: sequence length 60 must be in [1, maxLen=50]");
 *   - formatCount for describe() lines ("98.3K").
 * Initial values come from makeRng (util/rng.ts), not tf.random*, so a seed gives the same model
 * on every backend.
 *
 * Shapes: B batch, T sequence length, D hidden size.
 */
import * as tf from '@tensorflow/tfjs';
import { deriveSeed, makeRng, type Rng } from '../util/rng';
import type { ForwardOptions, ParamCounts, SeqModel } from './types';

/** A config field outside its allowed range. */
export class ConfigError extends Error {
  override name = 'ConfigError';
  constructor(
    readonly model: string,
    readonly field: string,
    readonly value: unknown,
    readonly allowed: string,
  ) {
    super(`${model} config: ${field} must be ${allowed}, got ${show(value)}`);
  }
}

function show(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(show).join(', ')}]`;
  return typeof v === 'string' ? `'${v}'` : String(v);
}

/** Throws unless `value` is an integer >= min. */
export function checkInt(model: string, field: string, value: unknown, min = 1): void {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min) throw new ConfigError(model, field, value, `an integer >= ${min}`);
}

/** Throws unless `value` is a rate in [0, 1). */
export function checkRate(model: string, field: string, value: unknown): void {
  if (typeof value !== 'number' || !(value >= 0 && value < 1)) throw new ConfigError(model, field, value, 'in [0, 1)');
}

/** Throws unless `values` holds `length` rates in [0, 1), one per layer. */
export function checkRates(model: string, field: string, values: unknown, length: number): void {
  if (!Array.isArray(values) || values.length !== length) {
    throw new ConfigError(model, field, values, `${length} rates, one per layer (numLayers = ${length})`);
  }
  values.forEach((r, l) => checkRate(model, `${field}[${l}]`, r));
}

/** Throws unless `value` is a finite number > 0. */
export function checkPositive(model: string, field: string, value: unknown): void {
  if (typeof value !== 'number' || !(value > 0 && Number.isFinite(value))) throw new ConfigError(model, field, value, '> 0');
}

/** Throws unless `value` is one of `allowed`. */
export function checkOneOf(model: string, field: string, value: unknown, allowed: readonly string[]): void {
  if (!allowed.includes(value as string)) throw new ConfigError(model, field, value, `one of ${allowed.map(show).join(', ')}`);
}

/** Throws unless seqs is an int32 [B, T] tensor with 1 <= T <= maxLen. */
export function checkSeqs(model: string, seqs: tf.Tensor, maxLen: number): void {
  if (seqs.rank !== 2 || seqs.dtype !== 'int32') {
    throw new Error(`${model}.encode: seqs must be an int32 [B, T] tensor, got ${seqs.dtype} [${seqs.shape.join(', ')}]`);
  }
  const T = seqs.shape[1] as number;
  if (T < 1 || T > maxLen) throw new Error(`${model}.encode: sequence length ${T} must be in [1, maxLen=${maxLen}]`);
}

/**
 * How initial values are drawn from the model seed. Both orders are fixed for good: saved runs and
 * checkpoints rely on bit-identical initial weights for a seed and a config.
 *   'per-variable': variable k (creation order, constants counted) draws from its own stream
 *                   makeRng(deriveSeed(seed, k)), so adding a variable leaves the others' values.
 *   'one-stream':   all values come from one makeRng(seed) stream in creation order; constants
 *                   draw nothing (LSRM, whose init predates the per-variable streams).
 */
export type DrawOrder = 'per-variable' | 'one-stream';

/** Builds a model's variables: unique names, creation order, values drawn from one model seed. */
export class VariableBuilder {
  private readonly vars = new Map<string, tf.Variable>();
  private readonly shared: Rng | undefined;

  constructor(
    readonly model: string,
    private readonly seed: number,
    draw: DrawOrder = 'per-variable',
  ) {
    this.shared = draw === 'one-stream' ? makeRng(seed) : undefined;
  }

  /** Every variable by name, in creation order. */
  get variables(): ReadonlyMap<string, tf.Variable> {
    return this.vars;
  }

  /** Entries ~ N(0, std²). */
  normal<R extends tf.Rank = tf.Rank>(name: string, shape: number[], std: number): tf.Variable<R> {
    return this.add<R>(name, shape, (rng) => rng.normal() * std);
  }

  /** Entries ~ U(-limit, limit). */
  uniform<R extends tf.Rank = tf.Rank>(name: string, shape: number[], limit: number): tf.Variable<R> {
    return this.add<R>(name, shape, (rng) => (2 * rng.next() - 1) * limit);
  }

  /** Glorot/Xavier uniform: limit sqrt(6 / (fanIn + fanOut)). */
  xavierUniform<R extends tf.Rank = tf.Rank>(name: string, shape: number[], fanIn: number, fanOut: number): tf.Variable<R> {
    return this.uniform<R>(name, shape, Math.sqrt(6 / (fanIn + fanOut)));
  }

  /** Glorot/Xavier normal: std sqrt(2 / (fanIn + fanOut)). */
  xavierNormal<R extends tf.Rank = tf.Rank>(name: string, shape: number[], fanIn: number, fanOut: number): tf.Variable<R> {
    return this.normal<R>(name, shape, Math.sqrt(2 / (fanIn + fanOut)));
  }

  /** Every entry equal to `value` (biases, norm gains); draws no random numbers. */
  constant<R extends tf.Rank = tf.Rank>(name: string, shape: number[], value: number): tf.Variable<R> {
    return this.add<R>(name, shape, undefined, value);
  }

  /** Release every variable. */
  dispose(): void {
    this.vars.forEach((v) => v.dispose());
  }

  private add<R extends tf.Rank>(name: string, shape: number[], sample: ((rng: Rng) => number) | undefined, value = 0): tf.Variable<R> {
    if (this.vars.has(name)) throw new Error(`${this.model}: duplicate variable name '${name}'`);
    const size = shape.reduce((a, b) => a * b, 1);
    const values = new Float32Array(size);
    if (sample) {
      const rng = this.shared ?? makeRng(deriveSeed(this.seed, this.vars.size));
      for (let i = 0; i < size; i++) values[i] = sample(rng);
    } else if (value !== 0) {
      values.fill(value);
    }
    // No tfjs name: tfjs names are process-global, so two models would clash; the map key is ours.
    const v = tf.tidy(() => tf.variable(tf.tensor<tf.Rank>(values, shape, 'float32'), true)) as tf.Variable<R>;
    this.vars.set(name, v);
    return v;
  }
}

/** What a model file hands to assembleModel. */
export interface ModelParts {
  /** Hidden states, seqs already checked: [B, T] int32 -> [B, T, D]; runs inside tf.tidy. */
  encode(seqs: tf.Tensor2D, opts: ForwardOptions): tf.Tensor3D;
  /** Output item table [I + 1, D]. */
  outputTable(): tf.Tensor2D;
  /** The model's parameter counts (its paramCounts function of the config). */
  readonly counts: ParamCounts;
}

/**
 * The SeqModel of a model file: checks every input (checkSeqs), runs encode in tf.tidy, and owns
 * the builder's variables.
 */
export function assembleModel<C extends { readonly maxLen: number }>(kind: string, config: C, vb: VariableBuilder, parts: ModelParts): SeqModel {
  return {
    kind,
    config: config as unknown as Readonly<Record<string, unknown>>,
    variables: vb.variables,
    encode: (seqs, opts) => {
      checkSeqs(kind, seqs, config.maxLen);
      return tf.tidy(() => parts.encode(seqs, opts));
    },
    outputTable: () => parts.outputTable(),
    paramCounts: () => parts.counts,
    dispose: () => vb.dispose(),
  };
}

/**
 * A parameter count as the paper prints it, up to 4 significant digits.
 * @example formatCount(98_304) // '98.3K'; formatCount(829_440_000) // '829.4M'
 */
export function formatCount(n: number): string {
  const units: Array<[number, string]> = [[1e9, 'B'], [1e6, 'M'], [1e3, 'K']];
  for (const [base, unit] of units) if (Math.abs(n) >= base) return `${Number((n / base).toPrecision(4))}${unit}`;
  return String(n);
}
