import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { acquireLock, isLockAlive, readLock, RunLockedError } from '../../lib/runs/lock';

const tmp = () => mkdtempSync(join(tmpdir(), 'lsrm-lock-'));
const LOCK_TS = join(__dirname, '../../lib/runs/lock.ts');

/** The pid of a process that has ended. */
function deadPid(): number {
  return spawnSync(process.execPath, ['-e', '']).pid!;
}

/** A node process (tsx) running `code` with `lock` = lib/runs/lock.ts; resolves with its output and exit. */
function runNode(code: string, onOut?: (out: string, pid: number) => void) {
  const p = spawn(process.execPath, ['--import', 'tsx', '-e', `const lock = require(${JSON.stringify(LOCK_TS)}); ${code}`], { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  p.stdout.on('data', (d) => {
    out += d;
    onOut?.(out, p.pid!);
  });
  p.stderr.on('data', (d) => (err += d));
  return new Promise<{ out: string; err: string; code: number | null; signal: NodeJS.Signals | null }>((res) => p.on('close', (code, signal) => res({ out, err, code, signal })));
}

test('acquireLock writes { pid, host, startedAt }; a second holder is refused; release removes it', () => {
  const dir = join(tmp(), 'run'); // created on acquire
  const held = acquireLock(dir);
  const lock = readLock(dir)!;
  assert.deepEqual(lock, held.lock);
  assert.equal(lock.pid, process.pid);
  assert.equal(lock.host, hostname());
  assert.ok(!Number.isNaN(Date.parse(lock.startedAt)));
  assert.equal(isLockAlive(lock), true);
  assert.throws(() => acquireLock(dir), (e: Error) => {
    assert.ok(e instanceof RunLockedError);
    assert.equal(e.name, 'DataError');
    assert.deepEqual(e.lock, lock);
    assert.match(e.message, new RegExp(`^${dir} is in use by process ${process.pid} on ${hostname()} \\(started .*\\) \\(this process: the run is already being trained here\\).* Fix: wait for that process to finish`));
    return true;
  });
  held.release();
  held.release(); // idempotent
  assert.equal(readLock(dir), undefined);
  acquireLock(dir).release();
  assert.equal(existsSync(join(dir, 'lock.json')), false);
});

test('a lock of a dead process is taken over with a message; one of another host is refused', () => {
  const dir = tmp();
  const stale = { pid: deadPid(), host: hostname(), startedAt: '2024-01-01T00:00:00.000Z' };
  assert.equal(isLockAlive(stale), false);
  writeFileSync(join(dir, 'lock.json'), JSON.stringify(stale));
  const logs: string[] = [];
  const held = acquireLock(dir, (m) => logs.push(m));
  assert.deepEqual(logs, [`${dir}: took over the lock of process ${stale.pid} on ${hostname()} (started 2024-01-01T00:00:00.000Z), which is no longer running`]);
  assert.equal(readLock(dir)!.pid, process.pid);
  held.release();
  const other = { pid: stale.pid, host: 'elsewhere', startedAt: stale.startedAt };
  assert.equal(isLockAlive(other), true, 'another host cannot be checked');
  writeFileSync(join(dir, 'lock.json'), JSON.stringify(other));
  assert.throws(() => acquireLock(dir), /is locked by process \d+ on elsewhere .*another machine.*Fix: wait for it to finish; if it no longer runs \(check on elsewhere\), delete .*lock.json/);
  assert.deepEqual(readLock(dir), other, 'untouched');
});

test('a damaged lock.json is a DataError naming it; release never removes a lock that is not ours', () => {
  const dir = tmp();
  writeFileSync(join(dir, 'lock.json'), '{"pid": 12');
  assert.throws(() => readLock(dir), new RegExp(`${join(dir, 'lock.json')}: is not a readable lock .*Fix: if no lsrm process is using ${dir}, delete`));
  assert.throws(() => acquireLock(dir), /is not a readable lock/);
  const d2 = tmp();
  const held = acquireLock(d2);
  const theirs = JSON.stringify({ pid: 1, host: 'elsewhere', startedAt: 'x' });
  writeFileSync(join(d2, 'lock.json'), theirs);
  held.release();
  assert.equal(readFileSync(join(d2, 'lock.json'), 'utf8'), theirs);
});

test('the lock goes at process exit; a signal leaves it (as kill -9 does) and the next process takes it over', async () => {
  const dir = tmp();
  const exited = await runNode(`lock.acquireLock(${JSON.stringify(dir)}); process.exit(0);`);
  assert.equal(exited.code, 0, exited.err);
  assert.equal(existsSync(join(dir, 'lock.json')), false);
  let pid = 0;
  const t0 = Date.now();
  const killed = await runNode(`lock.acquireLock(${JSON.stringify(dir)}); console.log('locked'); const t = Date.now(); while (Date.now() - t < 20000) {}`, (out, p) => {
    if (out.includes('locked') && !pid) process.kill((pid = p), 'SIGINT');
  });
  assert.equal(killed.signal, 'SIGINT', killed.err);
  assert.ok(Date.now() - t0 < 10_000, 'Ctrl-C stops a synchronous loop at once');
  assert.equal(readLock(dir)!.pid, pid);
  const logs: string[] = [];
  acquireLock(dir, (m) => logs.push(m)).release();
  assert.match(logs[0], new RegExp(`took over the lock of process ${pid} `));
});

test('processes racing for one stale lock: exactly one wins', async () => {
  const dir = tmp();
  writeFileSync(join(dir, 'lock.json'), JSON.stringify({ pid: deadPid(), host: hostname(), startedAt: 'x' }));
  const code = `try { lock.acquireLock(${JSON.stringify(dir)}); console.log('won'); setTimeout(() => {}, 1500); } catch (e) { console.log(e.name === 'DataError' ? 'refused' : e.stack); }`;
  const runs = await Promise.all([1, 2, 3, 4].map(() => runNode(code)));
  assert.deepEqual(runs.map((r) => r.out.trim()).sort(), ['refused', 'refused', 'refused', 'won'], runs.map((r) => r.err).join('\n'));
  assert.equal(existsSync(join(dir, 'lock.json')), false);
});
