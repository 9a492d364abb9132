/**
 * Reading a task's options from flag values (`lsrm task <task> --k 5,10 ...`): the CLI parses
 * the command line, each task entry (./index.ts) turns the values it declares into its typed
 * options here. Every error names the flag, the value and what is allowed (ValidationError).
 */
import { checkInteger, checkNumber, checkOneOf, type IntegerRange, type NumberRange } from '../util/validate';
import { ValidationError } from '../util/errors';

/** Flag values as node:util parseArgs gives them (strings and booleans). */
export type FlagValues = Readonly<Record<string, string | boolean | undefined>>;

/** One flag of a task, for the usage text. */
export interface TaskFlag {
  readonly name: string;
  /** What the flag takes ('N', 'LIST', 'P'); absent for a boolean switch. */
  readonly value?: string;
  readonly help: string;
}

function text(values: FlagValues, name: string): string | undefined {
  const v = values[name];
  if (v === undefined) return undefined;
  if (typeof v !== 'string') throw new ValidationError(`--${name}`, v, 'given a value');
  return v;
}

function items(values: FlagValues, name: string): string[] | undefined {
  const v = text(values, name);
  if (v === undefined) return undefined;
  const parts = v.split(',').map((s) => s.trim());
  if (parts.some((s) => s === '')) throw new ValidationError(`--${name}`, v, 'a comma-separated list without empty entries (e.g. 5,10,20)');
  return parts;
}

/** An integer flag in `range`, or the fallback. */
export function intFlag(values: FlagValues, name: string, fallback: number, range: IntegerRange = {}): number {
  const v = text(values, name);
  return v === undefined ? fallback : checkInteger(`--${name}`, v, range);
}

/** A number flag in `range`, or the fallback. */
export function numberFlag(values: FlagValues, name: string, fallback: number, range: NumberRange = {}): number {
  const v = text(values, name);
  return v === undefined ? fallback : checkNumber(`--${name}`, v, range);
}

/** A comma-separated list of integers in `range` ('5,10,20'), or the fallback. */
export function intListFlag(values: FlagValues, name: string, fallback: readonly number[], range: IntegerRange = { min: 1 }): number[] {
  return items(values, name)?.map((s) => checkInteger(`--${name}`, s, range)) ?? [...fallback];
}

/** A comma-separated list of numbers in `range` ('0.1,0.2'), or the fallback. */
export function numberListFlag(values: FlagValues, name: string, fallback: readonly number[], range: NumberRange = {}): number[] {
  return items(values, name)?.map((s) => checkNumber(`--${name}`, s, range)) ?? [...fallback];
}

/** One of a few words, or the fallback. */
export function oneOfFlag<T extends string>(values: FlagValues, name: string, allowed: readonly T[], fallback: T): T {
  const v = text(values, name);
  return v === undefined ? fallback : checkOneOf(`--${name}`, v, allowed);
}

/** A comma-separated list of words from `allowed`, or the fallback. */
export function oneOfListFlag<T extends string>(values: FlagValues, name: string, allowed: readonly T[], fallback: readonly T[]): T[] {
  return items(values, name)?.map((s) => checkOneOf(`--${name}`, s, allowed)) ?? [...fallback];
}

/** A boolean switch: true when given. */
export function switchFlag(values: FlagValues, name: string): boolean {
  return values[name] === true;
}
