/**
 * Where results and figures go. Defaults are the project's runs/ and figures/ folders,
 * found from this module's location, so a notebook (whose working folder is notebooks/),
 * the CLI and the tests agree. LSRM_RUNS_DIR and LSRM_FIGURES_DIR redirect them: the
 * notebook tests use them to keep smoke-scale output out of the committed figures/.
 */
import { join, resolve } from 'node:path';
import { projectRoot } from '../notebook/kernel';

type Env = Readonly<Record<string, string | undefined>>;

/** The result store root: $LSRM_RUNS_DIR or <project>/runs. */
export function runsDir(env: Env = process.env): string {
  return env.LSRM_RUNS_DIR ? resolve(env.LSRM_RUNS_DIR) : join(projectRoot(), 'runs');
}

/** The figures folder: $LSRM_FIGURES_DIR or <project>/figures. */
export function figuresDir(env: Env = process.env): string {
  return env.LSRM_FIGURES_DIR ? resolve(env.LSRM_FIGURES_DIR) : join(projectRoot(), 'figures');
}
