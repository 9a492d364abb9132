#!/usr/bin/env node
/**
 * The `lsrm` command: `lsrm <command> [options]`. Each command is a module in lib/cli/;
 * this file dispatches and turns every error into one line on stderr, without a stack trace
 * (LSRM_DEBUG=1 adds it):
 *   - a usage error (unknown or missing flag): the message and the command's usage, exit 2;
 *   - a ValidationError or ConfigError (a value out of range): the message, exit 2;
 *   - a DataError (bad input data) or a system error (a path that cannot be read or written):
 *     the message, exit 1;
 *   - anything else is a bug: "lsrm <cmd>: internal error: <message> (...please report it)", exit 1.
 */
import { parseArgs } from 'node:util';
import { checkOneOf } from './util/validate';
import { UsageError, type Command } from './cli/command';
import { COMMANDS } from './cli/commands';

function printHelp(): void {
  const width = Math.max(...COMMANDS.map((c) => c.name.length));
  process.stdout.write('usage: lsrm <command> [options]\n\ncommands:\n');
  for (const c of COMMANDS) process.stdout.write(`  ${c.name.padEnd(width)}  ${c.summary}\n`);
  process.stdout.write('\n`lsrm <command> --help` shows a command\'s options.\n');
}

/**
 * `--seed -1` as `--seed=-1`: parseArgs refuses a value that starts with a dash, but a negative
 * number after a flag that takes a value is meant as its value (and then gets a range message).
 */
export function joinNegativeValues(argv: readonly string[], options: Command['options']): string[] {
  const out: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const next = argv[i + 1];
    const spec = a.startsWith('--') && !a.includes('=') ? options[a.slice(2)] : undefined;
    if (spec?.type === 'string' && next !== undefined && /^-(\d|\.\d)/.test(next)) {
      out.push(`${a}=${next}`);
      i++;
    } else out.push(a);
  }
  return out;
}

async function runCommand(cmd: Command, argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args: joinNegativeValues(argv, cmd.options),
    options: { ...cmd.options, help: { type: 'boolean', short: 'h' } },
    allowPositionals: true,
    strict: true,
  });
  if (values.help) {
    process.stdout.write(cmd.usage.trimEnd() + '\n');
    return 0;
  }
  // A bad LSRM_BACKEND is a user error; caught here, before any command reaches initBackend.
  if (process.env.LSRM_BACKEND) checkOneOf('LSRM_BACKEND', process.env.LSRM_BACKEND, ['tensorflow', 'wasm', 'cpu']);
  return cmd.run(values, positionals);
}

/** node:util parseArgs codes of a bad command line. */
const PARSE_ERRORS = new Set(['ERR_PARSE_ARGS_UNKNOWN_OPTION', 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE', 'ERR_PARSE_ARGS_UNEXPECTED_POSITIONAL']);

/** True for a Node system error (ENOENT, EACCES, ENOSPC, ...): an environment problem, not a bug. */
function isSystemError(e: Error & { code?: unknown; syscall?: unknown }): boolean {
  return typeof e.code === 'string' && /^E[A-Z0-9]+$/.test(e.code) && typeof e.syscall === 'string';
}

/**
 * Print an error the way the header says and return the exit code.
 * @param prefix 'lsrm <cmd>' (or 'lsrm' outside a command)
 * @param usage the command's usage, shown after a usage error
 */
export function reportError(err: unknown, prefix: string, usage?: string, write: (s: string) => void = (s) => void process.stderr.write(s)): number {
  const e = (err instanceof Error ? err : new Error(String(err))) as Error & { code?: string };
  const stack = process.env.LSRM_DEBUG === '1' && e.stack ? `${e.stack}\n` : '';
  if (e instanceof UsageError || e.name === 'UsageError' || PARSE_ERRORS.has(e.code ?? '')) {
    write(`${prefix}: ${e.message}\n${usage ? `\n${usage.trimEnd()}\n` : ''}${stack}`);
    return 2;
  }
  if (e.name === 'ValidationError' || e.name === 'ConfigError') {
    // A value out of range: the message names the option or field, the value and what is allowed.
    write(`${prefix}: ${e.message}\n${stack}`);
    return 2;
  }
  if (e.name === 'DataError' || isSystemError(e)) {
    // Bad input data (the message names file, line and fix), or a path that cannot be used.
    write(`${prefix}: ${e.message}\n${stack}`);
    return 1;
  }
  write(`${prefix}: internal error: ${e.message} (set LSRM_DEBUG=1 for the stack trace; please report it)\n${stack}`);
  return 1;
}

export async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    printHelp();
    return name === undefined ? 2 : 0;
  }
  const cmd = COMMANDS.find((c) => c.name === name);
  if (!cmd) {
    process.stderr.write(`lsrm: unknown command '${name}'. Commands: ${COMMANDS.map((c) => c.name).join(', ')}\n`);
    return 2;
  }
  try {
    return await runCommand(cmd, rest);
  } catch (err) {
    return reportError(err, `lsrm ${name}`, cmd.usage);
  }
}

if (require.main === module) {
  // Errors that escape main (a stream's error event, a rejected promise nobody awaited) are
  // reported the same way: one line, no stack unless LSRM_DEBUG=1.
  const command = process.argv[2] && COMMANDS.some((c) => c.name === process.argv[2]) ? `lsrm ${process.argv[2]}` : 'lsrm';
  const fail = (err: unknown) => process.exit(reportError(err, command));
  process.on('uncaughtException', fail);
  process.on('unhandledRejection', fail);
  main(process.argv.slice(2)).then((code) => process.exit(code), fail);
}
