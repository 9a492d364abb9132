import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { spawn, spawnSync } from 'node:child_process';
import { getPriority, tmpdir } from 'node:os';
import { join } from 'node:path';
import { DEFAULT_PYTHON, autogroupNiceFor, executeNotebook, formatCellError, jupyterMissing, runProcessGroup } from '../../lib/notebook/run';

const python = process.env.LSRM_JUPYTER_PYTHON ?? DEFAULT_PYTHON;
const missing = jupyterMissing(python);
const skip = missing ? `Jupyter is missing: ${missing}` : false;
const temps: string[] = [];
const tempDir = (prefix: string): string => {
  const d = mkdtempSync(join(tmpdir(), prefix));
  temps.push(d);
  return d;
};
after(() => temps.forEach((d) => rmSync(d, { recursive: true, force: true })));

/** A notebook of code cells (plus one markdown cell first, to check cell numbering). */
function writeNotebook(cells: string[]): string {
  const dir = tempDir('lsrm-nbrun-');
  const path = join(dir, 'probe.ipynb');
  const all = [{ cell_type: 'markdown', id: 'md', metadata: {}, source: '# probe' }].concat(
    cells.map((source, i) => ({ cell_type: 'code', id: `c${i}`, metadata: {}, execution_count: null, outputs: [], source }) as never),
  );
  const nb = { cells: all, metadata: { kernelspec: { name: 'tslab', display_name: 'TypeScript', language: 'typescript' } }, nbformat: 4, nbformat_minor: 5 };
  writeFileSync(path, JSON.stringify(nb));
  return path;
}

test('jupyterMissing names the missing Python and the apt-get line', () => {
  assert.equal(jupyterMissing('/nonexistent/python3'), '/nonexistent/python3 not found (apt-get install jupyter-nbconvert python3-nbclient python3-ipython)');
});

test('a type error stops the run: cell index, source and tslab message; env reaches the kernel; source untouched', { skip }, async () => {
  const path = writeNotebook(["console.log('scale=' + process.env.LSRM_SCALE);", "const x: number = 'a';", "console.log('never');"]);
  const before = readFileSync(path, 'utf8');
  const outDir = tempDir('lsrm-nbout-');
  const run = await executeNotebook(path, { env: { LSRM_SCALE: 'smoke' }, outDir, python });
  assert.equal(run.ok, false);
  assert.equal(run.outPath, join(outDir, 'probe.ipynb'));
  assert.deepEqual({ ...run.error, message: undefined }, { cell: 2, source: "const x: number = 'a';", message: undefined });
  assert.match(run.error!.message, /Type 'string' is not assignable to type 'number'/);
  assert.match(formatCellError(run), /probe\.ipynb: cell 2 failed:\n {4}const x: number = 'a';\n {2}1:7 - Type 'string'/);
  const out = JSON.parse(readFileSync(run.outPath, 'utf8'));
  assert.deepEqual(out.cells[1].outputs[0].text, ['scale=smoke\n']);
  assert.deepEqual(out.cells[3].outputs, [], 'cells after the error do not run');
  assert.equal(readFileSync(path, 'utf8'), before, 'the source notebook is not rewritten');
});

test('a runtime exception is reported with its message; a clean notebook is ok', { skip }, async () => {
  const bad = await executeNotebook(writeNotebook(['const n = 1;', "throw new Error('boom in cell');"]), { outDir: tempDir('lsrm-nbout-'), python });
  assert.equal(bad.ok, false);
  assert.equal(bad.error!.cell, 2);
  assert.match(bad.error!.message, /Error: boom in cell/);
  const good = await executeNotebook(writeNotebook(['const n: number = 2;', 'await new Promise((r) => setTimeout(r, 10));\nconsole.log(n * 21);']), { outDir: tempDir('lsrm-nbout-'), python });
  assert.equal(good.ok, true, formatCellError(good));
  assert.equal(good.error, undefined);
  assert.deepEqual(JSON.parse(readFileSync(good.outPath, 'utf8')).cells[2].outputs[0].text, ['42\n']);
});

const isAlive = (pid: number): boolean => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};
const until = async (what: string, ok: () => boolean, ms = 20_000): Promise<void> => {
  const t0 = Date.now();
  while (!ok()) {
    if (Date.now() - t0 > ms) assert.fail(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
};

test('autogroupNiceFor: a niced caller makes its detached session as nice (Linux autogroups), never less nice', () => {
  assert.equal(autogroupNiceFor(10, '/autogroup-1932 nice 0\n'), 10);
  assert.equal(autogroupNiceFor(10, '/autogroup-1932 nice 15\n'), undefined, 'already nicer');
  assert.equal(autogroupNiceFor(0, '/autogroup-1932 nice 0\n'), undefined, 'not niced: leave it');
  assert.equal(autogroupNiceFor(-5, '/autogroup-7 nice 0\n'), undefined, 'never raises priority');
  assert.equal(autogroupNiceFor(19, '/autogroup-7 nice -3\n'), 19);
  assert.equal(autogroupNiceFor(5, 'garbage'), undefined);
});

test('a niced caller (nice lsrm figures): its detached session gets the same autogroup niceness', { skip: process.platform !== 'linux' || !existsSync('/proc/self/autogroup') }, async () => {
  const script = `require(${JSON.stringify(join(__dirname, '..', '..', 'lib', 'notebook', 'run.ts'))}).runProcessGroup('/bin/sh', ['-c', 'sleep 0.5; cat /proc/self/autogroup'], process.env).then((r) => process.stdout.write(r.stdout))`;
  const r = spawnSync('/usr/bin/nice', ['-n', '17', process.execPath, '--import', 'tsx', '-e', script], { encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  // The caller runs at this process's niceness + 17 (at most 19); a new session starts at 0.
  const expected = Math.min(19, getPriority() + 17);
  assert.match(r.stdout, new RegExp(`nice ${expected}\\b`), `the kernel's session yields the cores as the caller does (${r.stdout.trim()})`);
});

test('runProcessGroup: output and exit code; stopping the caller stops the whole group (no kernel or training left behind)', async () => {
  const r = await runProcessGroup('/bin/sh', ['-c', 'echo out; echo err >&2; exit 3'], process.env);
  assert.deepEqual(r, { code: 3, stdout: 'out\n', stderr: 'err\n' });
  // A caller (as `lsrm figures`) runs a shell that starts a grandchild (as a kernel's training) and waits.
  const dir = tempDir('lsrm-pgroup-');
  const pidFile = join(dir, 'grandchild.pid');
  const script = `require(${JSON.stringify(join(__dirname, '..', '..', 'lib', 'notebook', 'run.ts'))}).runProcessGroup('/bin/sh', ['-c', 'sleep 60 & echo $! > ${pidFile}; wait'], process.env)`;
  const caller = spawn(process.execPath, ['--import', 'tsx', '-e', script], { stdio: 'ignore' });
  await until('the grandchild', () => existsSync(pidFile) && readFileSync(pidFile, 'utf8').trim() !== '');
  const grandchild = Number(readFileSync(pidFile, 'utf8').trim());
  assert.ok(isAlive(grandchild));
  const exited = new Promise<NodeJS.Signals | null>((done) => caller.on('exit', (_code, sig) => done(sig)));
  caller.kill('SIGTERM');
  assert.equal(await exited, 'SIGTERM', 'the caller stops with the signal it got');
  await until('the grandchild to stop', () => !isAlive(grandchild));
});
