/**
 * The shape of one `lsrm` sub-command. Each command lives in its own file under lib/cli/ and
 * is listed in lib/cli.ts. Options use node:util parseArgs descriptors; `run` gets the parsed
 * values and returns the process exit code. Commands print results to stdout and progress to
 * stderr, so `--json` output can be piped.
 */
import type { ParseArgsConfig } from 'node:util';

export type OptionSpec = NonNullable<ParseArgsConfig['options']>;
export type OptionValues = Record<string, string | boolean | string[] | boolean[] | undefined>;

export interface Command {
  readonly name: string;
  /** One line for `lsrm --help`. */
  readonly summary: string;
  /** Usage text shown by `lsrm <name> --help` and on a usage error. */
  readonly usage: string;
  readonly options: OptionSpec;
  /** Sub-commands such as `bench data` read the remaining positionals. */
  run(values: OptionValues, positionals: string[]): Promise<number>;
}

/** An error the user can fix: printed without a stack trace, exit code 2. */
export class UsageError extends Error {
  override name = 'UsageError';
}

/** Read an integer option, with a message naming the flag when it is not one. */
export function intOption(values: OptionValues, name: string, fallback?: number): number | undefined {
  const v = values[name];
  if (v === undefined) return fallback;
  const n = Number(v);
  if (typeof v !== 'string' || !Number.isInteger(n)) throw new UsageError(`--${name} takes an integer, got '${String(v)}'`);
  return n;
}

/** Read a number option, with a message naming the flag when it is not one. */
export function numberOption(values: OptionValues, name: string, fallback?: number): number | undefined {
  const v = values[name];
  if (v === undefined) return fallback;
  const n = Number(v);
  if (typeof v !== 'string' || !Number.isFinite(n)) throw new UsageError(`--${name} takes a number, got '${String(v)}'`);
  return n;
}

/** Read a string option. */
export function stringOption(values: OptionValues, name: string, fallback?: string): string | undefined {
  const v = values[name];
  if (v === undefined) return fallback;
  if (typeof v !== 'string') throw new UsageError(`--${name} takes a value`);
  return v;
}
