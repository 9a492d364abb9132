/**
 * The lock of a run folder: `<dir>/lock.json` = { pid, host, startedAt }, held while one process
 * trains (or repairs) the run, so two processes (two `lsrm train`, two sweeps over one store)
 * never write one run folder at once.
 *
 * 1. Acquire: write the lock to a temp file of our own, then link it to lock.json. link() fails
 *    when lock.json exists, so creation is atomic and a reader never sees a half-written lock
 *    (where the file system has no hard links: open with O_EXCL, flag 'wx').
 * 2. Held by a live process (this host: signal 0 reaches it): refuse with a RunLockedError. A
 *    lock of another host cannot be checked from here: refuse, saying how to clear it.
 * 3. Held by a dead process of this host: take it over with a message. Takeovers are serialised
 *    by a short-lived guard file (lock.json.takeover), and the stale lock is removed only if it
 *    is still the one found, so two processes taking over at once cannot both win.
 * 4. Release: at the end of the work (also when it fails) and at process exit (process.exit());
 *    a process removes lock.json only when it is its own.
 * Signals: no SIGINT/SIGTERM listener. Node runs a signal listener only when the event loop gets
 * control, and an epoch's training steps are synchronous, so with a listener Ctrl-C would wait
 * for the epoch to end (measured: a 5 s synchronous loop held SIGINT for 4 s). A process ended
 * by a signal leaves its lock, as kill -9 does, and the next process on this host takes it over
 * (step 3).
 */
import { linkSync, mkdirSync, readFileSync, rmSync, statSync, unlinkSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { tempPath } from '../util/atomic';
import { DataError } from '../util/errors';

export const LOCK_FILE = 'lock.json';
const GUARD_FILE = 'lock.json.takeover';
/** A takeover guard older than this belongs to a crashed takeover (a takeover takes milliseconds). */
const GUARD_STALE_MS = 30_000;

/** The contents of lock.json. */
export interface RunLock {
  readonly pid: number;
  readonly host: string;
  readonly startedAt: string;
}

/** The folder is locked by another process (live, or on a host we cannot check). */
export class RunLockedError extends DataError {
  constructor(message: string, readonly lock: RunLock) {
    super(message);
  }
}

/** A lock this process holds. */
export interface HeldLock {
  readonly dir: string;
  readonly lock: RunLock;
  /** Remove lock.json if it is still ours; idempotent. */
  release(): void;
}

/** Is process `pid` of this host running (a zombie counts as dead)? */
function isPidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM'; // alive, another user's
  }
  try {
    return !/^\d+ \(.*\) Z/s.test(readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return true; // no /proc (not Linux): signal 0 is all we know
  }
}

/**
 * Is the process holding `lock` running? A lock of another host counts as alive: its processes
 * cannot be seen from here.
 */
export function isLockAlive(lock: RunLock, host: string = hostname()): boolean {
  return lock.host !== host || isPidAlive(lock.pid);
}

/**
 * The lock of run folder `dir`, or undefined when it has none.
 * @throws DataError naming lock.json when it is not a lock we wrote
 */
export function readLock(dir: string): RunLock | undefined {
  const file = join(dir, LOCK_FILE);
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  }
  let lock: Partial<RunLock> | undefined;
  try {
    lock = JSON.parse(text) as Partial<RunLock>;
  } catch {
    lock = undefined;
  }
  if (!lock || !Number.isInteger(lock.pid) || typeof lock.host !== 'string' || typeof lock.startedAt !== 'string') {
    throw new DataError(`is not a readable lock ({ pid, host, startedAt }). Fix: if no lsrm process is using ${dir}, delete ${file} and run the command again.`, file);
  }
  return lock as RunLock;
}

const sameLock = (a: RunLock | undefined, b: RunLock) => !!a && a.pid === b.pid && a.host === b.host && a.startedAt === b.startedAt;

/** Create `name` in `dir` holding `text`, atomically; false when it exists. */
function createExclusive(dir: string, name: string, text: string): boolean {
  const file = join(dir, name);
  const tmp = tempPath(file);
  try {
    writeFileSync(tmp, text);
    linkSync(tmp, file);
    return true;
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'EEXIST') return false;
    if (code !== 'EPERM' && code !== 'ENOTSUP' && code !== 'EOPNOTSUPP') throw err;
  } finally {
    rmSync(tmp, { force: true });
  }
  try {
    writeFileSync(file, text, { flag: 'wx' });
    return true;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw err;
  }
}

/** Remove the stale lock `stale` of `dir` if it is still there, under the takeover guard. */
function takeOver(dir: string, stale: RunLock, log: (msg: string) => void): void {
  const guard = join(dir, GUARD_FILE);
  if (!createExclusive(dir, GUARD_FILE, String(process.pid))) {
    let ageMs: number, owner: number;
    try {
      ageMs = Date.now() - statSync(guard).mtimeMs;
      owner = Number(readFileSync(guard, 'utf8'));
    } catch {
      return; // the other takeover just ended; the caller retries
    }
    const isStale = ageMs > GUARD_STALE_MS || !(Number.isInteger(owner) && owner > 0 && isPidAlive(owner));
    if (!isStale) return; // another process is taking over right now; the caller retries and sees its lock
    rmSync(guard, { force: true });
    if (!createExclusive(dir, GUARD_FILE, String(process.pid))) return;
  }
  try {
    if (!sameLock(readLock(dir), stale)) return;
    unlinkSync(join(dir, LOCK_FILE));
    log(`${dir}: took over the lock of process ${stale.pid} on ${stale.host} (started ${stale.startedAt}), which is no longer running`);
  } finally {
    rmSync(guard, { force: true });
  }
}

function lockedError(dir: string, lock: RunLock): RunLockedError {
  const file = join(dir, LOCK_FILE);
  const who = `process ${lock.pid} on ${lock.host} (started ${lock.startedAt})`;
  if (lock.host !== hostname()) {
    return new RunLockedError(`${dir} is locked by ${who}, another machine, so this one (${hostname()}) cannot check whether it still runs. ` +
      `Fix: wait for it to finish; if it no longer runs (check on ${lock.host}), delete ${file} and run the command again.`, lock);
  }
  const self = lock.pid === process.pid ? ' (this process: the run is already being trained here)' : '';
  return new RunLockedError(`${dir} is in use by ${who}${self}: two processes writing one run would overwrite each other's checkpoints. ` +
    `Fix: wait for that process to finish (or stop it), then run the command again; it resumes where the run stands.`, lock);
}

// Locks held by this process, released at exit (see the header for signals).
const held = new Map<string, RunLock>();

function releaseFile(dir: string, lock: RunLock): void {
  try {
    if (sameLock(readLock(dir), lock)) unlinkSync(join(dir, LOCK_FILE));
  } catch {
    // a lock we cannot read or remove at exit is left for the next process to take over
  }
}

function releaseAll(): void {
  for (const [dir, lock] of held) releaseFile(dir, lock);
  held.clear();
}

/**
 * Lock run folder `dir` (created if missing) for this process.
 * @param log receives the message when a stale lock is taken over
 * @throws RunLockedError when another live process (or another host) holds it
 */
export function acquireLock(dir: string, log: (msg: string) => void = () => undefined): HeldLock {
  const lock: RunLock = { pid: process.pid, host: hostname(), startedAt: new Date().toISOString() };
  mkdirSync(dir, { recursive: true });
  for (let attempt = 0; attempt < 5; attempt++) {
    if (createExclusive(dir, LOCK_FILE, JSON.stringify(lock, null, 2) + '\n')) {
      if (held.size === 0) process.on('exit', releaseAll);
      held.set(dir, lock);
      return {
        dir, lock,
        release: () => {
          if (!sameLock(held.get(dir), lock)) return;
          releaseFile(dir, lock);
          held.delete(dir);
          if (held.size === 0) process.removeListener('exit', releaseAll);
        },
      };
    }
    const found = readLock(dir);
    if (!found) continue; // released meanwhile
    if (isLockAlive(found)) throw lockedError(dir, found);
    takeOver(dir, found, log);
  }
  const found = readLock(dir);
  throw found ? lockedError(dir, found) : new DataError(`${dir}: could not create ${LOCK_FILE} (other processes keep taking it). Fix: run the command again.`);
}
