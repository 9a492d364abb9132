/**
 * Validators for options and config fields. Each takes the name the user knows ('--batch-size',
 * 'TrainConfig.batchSize'), the value (a number, or the string a command line gave) and the
 * allowed range; it returns the parsed value or throws a ValidationError (lib/util/errors.ts)
 * whose message names all three:
 *   checkInteger('--batch-size', '0', { min: 1 })  -> "--batch-size must be a positive integer, got 0"
 *   checkNumber('--lr', 0, { min: 0, exclusiveMin: true }) -> "--lr must be a positive number, got 0"
 *   checkOneOf('--split', 'train', ['test', 'valid']) -> "--split must be one of test, valid, got 'train'"
 */
import { ValidationError } from './errors';

/** Inclusive bounds of an integer. */
export interface IntegerRange {
  readonly min?: number;
  readonly max?: number;
}

/** Bounds of a number; inclusive unless marked exclusive. */
export interface NumberRange {
  readonly min?: number;
  readonly max?: number;
  readonly exclusiveMin?: boolean;
  readonly exclusiveMax?: boolean;
}

/** A number, or a string holding one ('12', ' 3e-4'); NaN for anything else. */
function toNumber(value: unknown): number {
  if (typeof value === 'number') return value;
  if (typeof value === 'string' && value.trim() !== '') return Number(value);
  return NaN;
}

/**
 * What an integer range allows, as read after "must be".
 * @example describeIntegerRange({ min: 1 }) // 'a positive integer'; ({ min: 0, max: 9 }) // 'an integer in [0, 9]'
 */
export function describeIntegerRange(r: IntegerRange = {}): string {
  const { min, max } = r;
  if (min !== undefined && max !== undefined) return `an integer in [${min}, ${max}]`;
  if (min === 1) return 'a positive integer';
  if (min !== undefined) return `an integer >= ${min}`;
  if (max !== undefined) return `an integer <= ${max}`;
  return 'an integer';
}

/**
 * What a number range allows, as read after "must be".
 * @example describeNumberRange({ min: 0, exclusiveMin: true }) // 'a positive number'
 * @example describeNumberRange({ min: 0, max: 1, exclusiveMax: true }) // 'a number in [0, 1)'
 */
export function describeNumberRange(r: NumberRange = {}): string {
  const { min, max } = r;
  if (min !== undefined && max !== undefined) return `a number in ${r.exclusiveMin ? '(' : '['}${min}, ${max}${r.exclusiveMax ? ')' : ']'}`;
  if (min === 0 && r.exclusiveMin) return 'a positive number';
  if (min !== undefined) return `a number ${r.exclusiveMin ? '>' : '>='} ${min}`;
  if (max !== undefined) return `a number ${r.exclusiveMax ? '<' : '<='} ${max}`;
  return 'a finite number';
}

/**
 * The integer `value` (a number or a numeric string) if it lies in `range`.
 * @throws ValidationError naming `name`, the value and the range
 */
export function checkInteger(name: string, value: unknown, range: IntegerRange = {}): number {
  const n = toNumber(value);
  const ok = Number.isSafeInteger(n) && (range.min === undefined || n >= range.min) && (range.max === undefined || n <= range.max);
  if (!ok) throw new ValidationError(name, value, describeIntegerRange(range));
  return n;
}

/**
 * The finite number `value` (a number or a numeric string) if it lies in `range`.
 * @throws ValidationError naming `name`, the value and the range
 */
export function checkNumber(name: string, value: unknown, range: NumberRange = {}): number {
  const n = toNumber(value);
  const { min, max } = range;
  const ok = Number.isFinite(n)
    && (min === undefined || (range.exclusiveMin ? n > min : n >= min))
    && (max === undefined || (range.exclusiveMax ? n < max : n <= max));
  if (!ok) throw new ValidationError(name, value, describeNumberRange(range));
  return n;
}

/**
 * `value` if it is one of `allowed`.
 * @throws ValidationError listing the allowed values
 */
export function checkOneOf<T extends string>(name: string, value: unknown, allowed: readonly T[]): T {
  if (typeof value !== 'string' || !(allowed as readonly string[]).includes(value)) throw new ValidationError(name, value, `one of ${allowed.join(', ')}`);
  return value as T;
}

/** `value` if it is a boolean. @throws ValidationError */
export function checkBoolean(name: string, value: unknown): boolean {
  if (typeof value !== 'boolean') throw new ValidationError(name, value, 'true or false');
  return value;
}
