/**
 * The shape of one `lsrm` sub-command. Each command lives in its own file under lib/cli/ and
 * is listed in lib/cli.ts. Options use node:util parseArgs descriptors; `run` gets the parsed
 * values and returns the process exit code. Commands print results to stdout and progress to
 * stderr, so `--json` output can be piped.
 */
import { statSync, type Stats } from 'node:fs';
import { dirname, resolve } from 'node:path';
import type { ParseArgsConfig } from 'node:util';
import { ValidationError } from '../util/errors';
import { checkInteger, checkNumber, checkOneOf, type IntegerRange, type NumberRange } from '../util/validate';

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

/** An error the user can fix (a missing or conflicting flag): printed with the usage, exit code 2. */
export class UsageError extends Error {
  override name = 'UsageError';
}

/**
 * Read an integer option, in `range` when given.
 * @throws ValidationError naming the flag, the value and the range ("--epochs must be a positive integer, got 0")
 */
export function intOption(values: OptionValues, name: string, fallback?: number, range: IntegerRange = {}): number | undefined {
  const v = values[name];
  if (v === undefined) return fallback;
  return checkInteger(`--${name}`, v, range);
}

/**
 * Read a number option, in `range` when given.
 * @throws ValidationError naming the flag, the value and the range ("--lr must be a positive number, got 0")
 */
export function numberOption(values: OptionValues, name: string, fallback?: number, range: NumberRange = {}): number | undefined {
  const v = values[name];
  if (v === undefined) return fallback;
  return checkNumber(`--${name}`, v, range);
}

/** Read a string option. */
export function stringOption(values: OptionValues, name: string, fallback?: string): string | undefined {
  const v = values[name];
  if (v === undefined) return fallback;
  if (typeof v !== 'string') throw new UsageError(`--${name} takes a value`);
  return v;
}

/**
 * Read an option that takes one of a few words.
 * @throws ValidationError listing them ("--split must be one of test, valid, got 'train'")
 */
export function oneOfOption<T extends string>(values: OptionValues, name: string, allowed: readonly T[], fallback?: T): T | undefined {
  const v = values[name];
  if (v === undefined) return fallback;
  return checkOneOf(`--${name}`, v, allowed);
}

/** The stat of a path, or undefined when there is nothing there (or a parent is a file). */
function statOf(path: string): Stats | undefined {
  try {
    return statSync(path);
  } catch (err) {
    const code = (err as { code?: string }).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') return undefined;
    throw err;
  }
}

/**
 * Check that a path option names a file that can be written: not a folder, in a folder that
 * exists. Run before any work, so a bad path does not waste a long run.
 * @throws ValidationError naming the flag
 */
export function checkOutFile(name: string, path: string): void {
  if (statOf(path)?.isDirectory()) throw new ValidationError(`--${name}`, path, 'a file path, not a folder');
  const dir = dirname(resolve(path));
  if (!statOf(dir)?.isDirectory()) throw new ValidationError(`--${name}`, path, 'a path in an existing folder', `Fix: create ${dir} first`);
}

/**
 * Check that a path option names a folder, or a place where one can be made: it is not a file,
 * and its closest existing ancestor is a folder.
 * @throws ValidationError naming the flag
 */
export function checkOutDir(name: string, path: string): void {
  const stat = statOf(path);
  if (stat && !stat.isDirectory()) throw new ValidationError(`--${name}`, path, 'a folder (or a path where one can be made), not a file', 'Fix: choose another path, or remove that file');
  let dir = dirname(resolve(path));
  for (;;) {
    const s = statOf(dir);
    if (s) {
      if (!s.isDirectory()) throw new ValidationError(`--${name}`, path, 'a path whose parents are folders', `${dir} is a file`);
      return;
    }
    const up = dirname(dir);
    if (up === dir) return;
    dir = up;
  }
}

/**
 * `--store DIR`: the run store for this command and every process it starts (notebook kernels,
 * sweep workers), passed on as LSRM_RUNS_DIR, which lib/util/paths.ts runsDir() reads.
 */
export function useStore(store: string | undefined): void {
  if (store === undefined) return;
  if (store.trim() === '') throw new UsageError('--store takes a folder, got an empty value');
  process.env.LSRM_RUNS_DIR = resolve(store);
}
