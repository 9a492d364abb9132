/**
 * `lsrm kernel`: register the tslab TypeScript kernel for this checkout, project-locally
 * (.jupyter/kernels/tslab/kernel.json, git-ignored), and print how to open the notebooks.
 * Nothing global is installed; `lsrm figures` and the tests write their own temp spec.
 */
import { join } from 'node:path';
import { installKernelSpec } from '../notebook/kernel';
import { projectRoot } from '../util/paths';
import { stringOption, type Command } from './command';

export const kernelCommand: Command = {
  name: 'kernel',
  summary: 'register the tslab notebook kernel in .jupyter/ (project-local)',
  usage: `usage: lsrm kernel [--dir <jupyter dir>]

Writes <dir>/kernels/tslab/kernel.json (default <project>/.jupyter) pointing at this
checkout's tslab and Node. Then open the notebooks with JUPYTER_PATH=<dir>, e.g.
  JUPYTER_PATH=$PWD/.jupyter jupyter notebook notebooks/`,
  options: { dir: { type: 'string' } },
  async run(values) {
    const dir = stringOption(values, 'dir', join(projectRoot(), '.jupyter'))!;
    const path = installKernelSpec(dir);
    process.stdout.write(`wrote ${path}\nopen the notebooks with: JUPYTER_PATH=${dir} jupyter notebook notebooks/\n`);
    return 0;
  },
};
