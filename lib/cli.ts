#!/usr/bin/env node
/**
 * The `lsrm` command: `lsrm <command> [options]`. Each command is a module in lib/cli/;
 * this file only dispatches. Errors the user can fix print one clear line and exit 2.
 */
import { parseArgs } from 'node:util';
import { UsageError, type Command } from './cli/command';
import { COMMANDS } from './cli/commands';

function printHelp(): void {
  const width = Math.max(...COMMANDS.map((c) => c.name.length));
  process.stdout.write('usage: lsrm <command> [options]\n\ncommands:\n');
  for (const c of COMMANDS) process.stdout.write(`  ${c.name.padEnd(width)}  ${c.summary}\n`);
  process.stdout.write('\n`lsrm <command> --help` shows a command\'s options.\n');
}

async function runCommand(cmd: Command, argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    options: { ...cmd.options, help: { type: 'boolean', short: 'h' } },
    allowPositionals: true,
    strict: true,
  });
  if (values.help) {
    process.stdout.write(cmd.usage.trimEnd() + '\n');
    return 0;
  }
  return cmd.run(values, positionals);
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
    const e = err as Error & { code?: string };
    if (err instanceof UsageError || e.code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION' || e.code === 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE' || e.code === 'ERR_PARSE_ARGS_UNEXPECTED_POSITIONAL') {
      process.stderr.write(`lsrm ${name}: ${e.message}\n\n${cmd.usage.trimEnd()}\n`);
      return 2;
    }
    if (e.name === 'ConfigError') {
      // A model or training setting out of range: the message names the field, value and range.
      process.stderr.write(`lsrm ${name}: ${e.message}\n`);
      return 2;
    }
    if (e.name === 'DataError') {
      // Bad input data: the message already names file, line and fix.
      process.stderr.write(`lsrm ${name}: ${e.message}\n`);
      return 1;
    }
    throw err;
  }
}

if (require.main === module) {
  main(process.argv.slice(2)).then(
    (code) => process.exit(code),
    (err) => {
      process.stderr.write(`${(err as Error).stack ?? String(err)}\n`);
      process.exit(1);
    },
  );
}
