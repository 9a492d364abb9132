/**
 * The tslab Jupyter kernel, registered project-locally: a kernel spec is a folder
 * <jupyterDir>/kernels/tslab/kernel.json, and Jupyter finds it when JUPYTER_PATH includes
 * <jupyterDir>. Nothing global is installed; the spec points at this checkout's tslab with
 * absolute paths, so it works whatever `node` or `python3` comes first on PATH.
 */
import { dirname, join, resolve } from 'node:path';
import { existsSync, readFileSync } from 'node:fs';
import { writeJsonAtomic } from '../util/atomic';
import { projectRoot } from '../util/paths';

export { projectRoot };

/** A Jupyter kernel spec (kernel.json). */
export interface KernelSpec {
  readonly argv: string[];
  readonly display_name: string;
  readonly language: string;
}

/** The kernel name notebooks use in their metadata (`kernelspec.name`). */
export const KERNEL_NAME = 'tslab';

/** The tslab kernel spec: this Node binary running node_modules/tslab/bin/tslab. */
export function kernelSpec(nodePath: string = process.execPath): KernelSpec {
  const tslabBin = join(dirname(require.resolve('tslab/package.json')), 'bin', 'tslab');
  return {
    // tslab wants --config-path and {connection_file} as separate arguments (tslab #36).
    argv: [nodePath, tslabBin, 'kernel', '--config-path', '{connection_file}'],
    display_name: 'TypeScript (tslab)',
    language: 'typescript',
  };
}

/**
 * Write the kernel spec to <jupyterDir>/kernels/tslab/kernel.json and return its path.
 * Use it with `JUPYTER_PATH=<jupyterDir> jupyter notebook` (or nbconvert).
 */
export function installKernelSpec(jupyterDir: string): string {
  const path = join(jupyterDir, 'kernels', KERNEL_NAME, 'kernel.json');
  writeJsonAtomic(path, kernelSpec());
  return path;
}
