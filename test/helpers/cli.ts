/**
 * Run the `lsrm` CLI in a child process (node --import tsx lib/cli.ts ...), capturing its output.
 * A child keeps the test runner's own stdout stream untouched (intercepting process.stdout in
 * the test process can swallow the runner's events).
 */
import { spawnSync } from 'node:child_process';

export interface CliRun {
  readonly code: number;
  readonly out: string;
  readonly err: string;
}

export function runCli(args: readonly string[], env: NodeJS.ProcessEnv = {}): CliRun {
  const r = spawnSync(process.execPath, ['--import', 'tsx', 'lib/cli.ts', ...args], {
    encoding: 'utf8',
    env: { ...process.env, ...env },
    maxBuffer: 64 * 1024 * 1024,
  });
  return { code: r.status ?? 1, out: r.stdout, err: r.stderr };
}
