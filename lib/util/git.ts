/** The git commit of the code, recorded with every result and run. */
import { execFileSync } from 'node:child_process';
import { projectRoot } from './paths';

/**
 * `git rev-parse HEAD` in `cwd` (default: the project root, else the working folder), or
 * 'unknown' outside a git checkout or without git.
 */
export function gitCommit(cwd?: string): string {
  let dir = cwd;
  if (dir === undefined) {
    try {
      dir = projectRoot();
    } catch {
      dir = process.cwd();
    }
  }
  try {
    return execFileSync('git', ['rev-parse', 'HEAD'], { cwd: dir, stdio: ['ignore', 'pipe', 'ignore'] }).toString().trim();
  } catch {
    return 'unknown';
  }
}
