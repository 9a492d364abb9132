/**
 * Where data, results and figures are. Defaults are the project's data/, runs/ and figures/
 * folders, found from this module's location, so a notebook (whose working folder is
 * notebooks/), the CLI and the tests agree. LSRM_RUNS_DIR and LSRM_FIGURES_DIR redirect
 * results and figures (the notebook tests keep smoke-scale output out of the committed
 * figures/); LSRM_DATA_DIR names a folder of datasets searched before data/.
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';

type Env = Readonly<Record<string, string | undefined>>;

/** The project root: the nearest folder above `from` with lsrm-lab's package.json. */
export function projectRoot(from: string = __dirname): string {
  let dir = resolve(from);
  for (;;) {
    const pkg = join(dir, 'package.json');
    if (existsSync(pkg) && (JSON.parse(readFileSync(pkg, 'utf8')) as { name?: string }).name === 'lsrm-lab') return dir;
    const up = dirname(dir);
    if (up === dir) throw new Error(`no lsrm-lab package.json above ${from}`);
    dir = up;
  }
}

/** The result store root: $LSRM_RUNS_DIR or <project>/runs. */
export function runsDir(env: Env = process.env): string {
  return env.LSRM_RUNS_DIR ? resolve(env.LSRM_RUNS_DIR) : join(projectRoot(), 'runs');
}

/** The figures folder: $LSRM_FIGURES_DIR or <project>/figures. */
export function figuresDir(env: Env = process.env): string {
  return env.LSRM_FIGURES_DIR ? resolve(env.LSRM_FIGURES_DIR) : join(projectRoot(), 'figures');
}

/** The project's dataset cache: <project>/data (downloads land here; git-ignored). */
export function projectDataDir(): string {
  return join(projectRoot(), 'data');
}

/**
 * The user's data folder, searched for `<name>/` before the project's data/: $LSRM_DATA_DIR,
 * a relative value being taken from the project root (so `../shared/data` means the same
 * folder for the CLI, the tests and a notebook running in notebooks/); undefined when unset.
 * @example userDataDir({ LSRM_DATA_DIR: '../shared/data' }) // '<project>/../shared/data', resolved
 */
export function userDataDir(env: Env = process.env): string | undefined {
  const dir = env.LSRM_DATA_DIR?.trim();
  return dir ? resolve(projectRoot(), dir) : undefined;
}
