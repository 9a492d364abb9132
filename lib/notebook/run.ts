/**
 * Run a notebook headless: Debian's Jupyter (nbclient) drives the tslab kernel cell by
 * cell; the executed copy goes to an output folder, so the committed notebook is never
 * rewritten. A failing cell stops the run and is reported with its index, source and
 * message (tslab prints type errors to the cell's stderr, not as an `error` output, so
 * both are collected).
 */
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { getPriority, tmpdir } from 'node:os';
import { basename, join, resolve } from 'node:path';
import { installKernelSpec } from './kernel';

/** How to install what the runner needs on Debian/Ubuntu. */
export const JUPYTER_INSTALL_HINT = 'apt-get install jupyter-nbconvert python3-nbclient python3-ipython';

/** Debian's Python, which has the apt-installed Jupyter packages (PATH may have another one). */
export const DEFAULT_PYTHON = '/usr/bin/python3';

/** The cell that failed. */
export interface CellError {
  /** 0-based index among all cells of the notebook. */
  readonly cell: number;
  readonly source: string;
  readonly message: string;
}

/** The outcome of one headless run. */
export interface NotebookRun {
  readonly notebook: string;
  /** The executed copy (with outputs). */
  readonly outPath: string;
  readonly ok: boolean;
  readonly wallMs: number;
  readonly error?: CellError;
}

/** Options of executeNotebook. */
export interface RunNotebookOptions {
  /** Where the executed copy goes. Default: a new temp folder. */
  readonly outDir?: string;
  /** Extra environment for the kernel, e.g. { LSRM_SCALE: 'smoke' }. */
  readonly env?: Readonly<Record<string, string>>;
  /** Per-cell time limit in seconds. Default 1200. */
  readonly cellTimeoutSec?: number;
  readonly python?: string;
}

// nbclient driver: executes code cells in order, stops at the first error, always writes the
// executed notebook, prints one JSON line with the outcome.
const DRIVER = String.raw`
import json, os, sys
import nbformat
from nbclient import NotebookClient
src, out, timeout = sys.argv[1], sys.argv[2], int(sys.argv[3])
nb = nbformat.read(src, as_version=4)
name = nb.metadata.get('kernelspec', {}).get('name', 'tslab')
client = NotebookClient(nb, timeout=timeout, kernel_name=name,
                        resources={'metadata': {'path': os.path.dirname(os.path.abspath(src))}})
result = {'ok': True}
try:
    with client.setup_kernel():
        for i, cell in enumerate(nb.cells):
            if cell.cell_type != 'code':
                continue
            try:
                client.execute_cell(cell, i)
            except Exception as e:
                outs = cell.get('outputs', [])
                msgs = [o.get('text', '') for o in outs if o.get('output_type') == 'stream' and o.get('name') == 'stderr']
                msgs += ['%s: %s' % (o.get('ename', ''), o.get('evalue', '')) for o in outs if o.get('output_type') == 'error']
                text = '\n'.join(m.strip() for m in msgs if m.strip())
                if type(e).__name__ == 'CellTimeoutError' or not text:
                    text = (text + '\n' if text else '') + '%s: %s' % (type(e).__name__, e)
                result = {'ok': False, 'cell': i, 'source': cell.source, 'message': text}
                break
finally:
    nbformat.write(nb, out)
print(json.dumps(result))
`;

/** Is Jupyter (nbclient + nbformat) importable from `python`? Returns why not, or undefined. */
export function jupyterMissing(python: string = DEFAULT_PYTHON): string | undefined {
  if (!existsSync(python)) return `${python} not found (${JUPYTER_INSTALL_HINT})`;
  const r = spawnSync(python, ['-c', 'import nbclient, nbformat, IPython'], { encoding: 'utf8' });
  if (r.status !== 0) return `${python} cannot import nbclient/nbformat/IPython (${JUPYTER_INSTALL_HINT})`;
  return undefined;
}

/**
 * The autogroup niceness a new session should get so that `nice lsrm figures` still yields the
 * cores: on Linux with scheduler autogroups, each session (a detached child is one) competes
 * with the others as a whole at its autogroup's niceness, and the process niceness it inherits
 * only ranks processes inside it. Returns the niceness to write, or undefined when the group
 * is already at least as nice as this process. `groupLine` is /proc/<pid>/autogroup's text.
 */
export function autogroupNiceFor(ownNice: number, groupLine: string): number | undefined {
  const m = /nice\s+(-?\d+)/.exec(groupLine);
  if (!m || ownNice <= 0) return undefined;
  return Number(m[1]) < ownNice ? Math.min(19, ownNice) : undefined;
}

/** Give the session of `pid` this process's niceness (Linux autogroups; best effort, silent elsewhere). */
function keepNiceness(pid: number): void {
  if (process.platform !== 'linux') return;
  try {
    const path = `/proc/${pid}/autogroup`;
    const nice = autogroupNiceFor(getPriority(), readFileSync(path, 'utf8'));
    if (nice !== undefined) writeFileSync(path, String(nice));
  } catch {
    // no autogroups (kernel option off, or not permitted): process niceness is all there is
  }
}

/**
 * Run `command args` in its own process group and collect its output (also handed, as it comes,
 * to opts.onStdout / opts.onStderr). The notebook driver starts
 * a kernel, and the kernel a sweep's training processes: when this process is stopped (SIGINT,
 * SIGTERM, SIGHUP) the whole group gets SIGTERM before this process stops with the same signal,
 * so no kernel or training is left running (a training stopped mid-epoch resumes from its last
 * epoch).
 */
export function runProcessGroup(
  command: string,
  args: readonly string[],
  env: NodeJS.ProcessEnv,
  opts: { readonly onStdout?: (s: string) => void; readonly onStderr?: (s: string) => void } = {},
): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((done, fail) => {
    const child = spawn(command, args, { env, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
    if (child.pid !== undefined) keepNiceness(child.pid);
    let stdout = '';
    let stderr = '';
    const signals: NodeJS.Signals[] = ['SIGINT', 'SIGTERM', 'SIGHUP'];
    const onSignal = (sig: NodeJS.Signals) => {
      try {
        if (child.pid !== undefined) process.kill(-child.pid, 'SIGTERM');
      } catch {
        // the group has exited already
      }
      for (const s of signals) process.removeListener(s, onSignal);
      process.kill(process.pid, sig); // no listener left: the default action stops this process
    };
    for (const s of signals) process.on(s, onSignal);
    const cleanup = () => {
      for (const s of signals) process.removeListener(s, onSignal);
    };
    child.stdout.on('data', (d: Buffer) => {
      stdout += d.toString();
      opts.onStdout?.(d.toString());
    });
    child.stderr.on('data', (d: Buffer) => {
      stderr += d.toString();
      opts.onStderr?.(d.toString());
    });
    child.on('error', (e) => (cleanup(), fail(e)));
    child.on('close', (code) => (cleanup(), done({ code: code ?? 1, stdout, stderr })));
  });
}

/**
 * Execute `notebookPath` headless with the tslab kernel; the kernel's working folder is the
 * notebook's own folder (so `../dist/index` resolves), the output goes to opts.outDir.
 * @throws when Jupyter is missing or the driver itself crashes (not for cell errors).
 */
export async function executeNotebook(notebookPath: string, opts: RunNotebookOptions = {}): Promise<NotebookRun> {
  const python = opts.python ?? DEFAULT_PYTHON;
  const missing = jupyterMissing(python);
  if (missing) throw new Error(`cannot run notebooks: ${missing}`);
  const nb = resolve(notebookPath);
  const outDir = opts.outDir ?? mkdtempSync(join(tmpdir(), 'lsrm-nb-'));
  mkdirSync(outDir, { recursive: true });
  const outPath = join(outDir, basename(nb));
  const jupyterDir = mkdtempSync(join(tmpdir(), 'lsrm-jupyter-'));
  installKernelSpec(jupyterDir);
  const env = { ...process.env, ...opts.env, JUPYTER_PATH: jupyterDir };
  const started = Date.now();
  const r = await runProcessGroup(python, ['-c', DRIVER, nb, outPath, String(opts.cellTimeoutSec ?? 1200)], env).finally(() =>
    rmSync(jupyterDir, { recursive: true, force: true }),
  );
  const wallMs = Date.now() - started;
  const last = r.stdout.trim().split('\n').pop() ?? '';
  let result: { ok: boolean; cell?: number; source?: string; message?: string };
  try {
    result = JSON.parse(last);
  } catch {
    throw new Error(`notebook driver failed on ${notebookPath} (exit ${r.code}):\n${r.stderr.trim().split('\n').slice(-15).join('\n')}`);
  }
  if (result.ok) return { notebook: notebookPath, outPath, ok: true, wallMs };
  const error = { cell: result.cell ?? -1, source: result.source ?? '', message: result.message ?? '' };
  return { notebook: notebookPath, outPath, ok: false, wallMs, error };
}

/** A readable report of a failed run: notebook, cell number, source and message. */
export function formatCellError(run: NotebookRun): string {
  if (!run.error) return `${run.notebook}: ok`;
  const src = run.error.source.split('\n').map((l) => `    ${l}`).join('\n');
  return `${run.notebook}: cell ${run.error.cell} failed:\n${src}\n  ${run.error.message.replace(/\n/g, '\n  ')}\n  (executed copy: ${run.outPath})`;
}
