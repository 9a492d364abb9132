/**
 * Atomic writes: write a temp file (or folder) beside the target, then rename it over the target.
 * Temp names are unique per process and call (`.<name>.tmp-<pid>-<random hex>`), so two
 * processes writing the same target never share a temp, and each process removes only its own
 * temps (on failure too). Leftovers of killed processes are recognized by tempOwner().
 */
import { randomBytes } from 'node:crypto';
import { mkdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';

/**
 * A fresh temp path beside `path`, hidden and owned by this process.
 * @example tempPath('/r/last') // '/r/.last.tmp-4711-9f86d081e2'
 */
export function tempPath(path: string): string {
  return join(dirname(path), `.${basename(path)}.tmp-${process.pid}-${randomBytes(5).toString('hex')}`);
}

/**
 * The target name and writer pid of a temp name made by tempPath (or by the older
 * `<name>.tmp-<pid>` and `.<name>.<pid>.<ms>.tmp` schemes); undefined for any other name.
 * @example tempOwner('.last.tmp-4711-9f86d081e2') // { target: 'last', pid: 4711 }
 */
export function tempOwner(name: string): { readonly target: string; readonly pid: number } | undefined {
  const m = /^\.(.+)\.tmp-(\d+)-[0-9a-f]+$/.exec(name) ?? /^(.+)\.tmp-(\d+)$/.exec(name) ?? /^\.(.+)\.(\d+)\.\d+\.tmp$/.exec(name);
  return m ? { target: m[1], pid: Number(m[2]) } : undefined;
}

/** Write `data` to `path` so a reader never sees a half-written file. Creates parent folders. */
export function writeFileAtomic(path: string, data: string | Uint8Array): void {
  mkdirSync(dirname(path), { recursive: true });
  const tmp = tempPath(path);
  try {
    writeFileSync(tmp, data);
    renameSync(tmp, path);
  } catch (err) {
    rmSync(tmp, { force: true });
    throw err;
  }
}

/** Write a value as pretty JSON, atomically. */
export function writeJsonAtomic(path: string, value: unknown): void {
  writeFileAtomic(path, JSON.stringify(value, null, 2) + '\n');
}
