/**
 * `lsrm figures`: regenerate the figures and tables of the paper by executing their notebooks
 * headless (tslab kernel, Debian's Jupyter) at a scale preset. Executing the notebooks, not
 * the experiment modules, is deliberate: it proves the notebooks a reader opens still work.
 * The notebooks write figures/<id>.* at the cpu scale and figures/<scale>/<id>.* at the others
 * (git-ignored); the executed copies go to a temp folder unless --in-place asks to store them
 * (with outputs) over the committed notebooks.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { FIGURES, findFigure, type FigureEntry } from '../experiments/registry';
import { getScale } from '../experiments/scale';
import { staleBuild } from '../notebook/build';
import { figuresDirFor } from '../plot/save';
import { projectRoot } from '../util/paths';
import { executeNotebook, formatCellError, jupyterMissing } from '../notebook/run';
import { stringOption, UsageError, type Command } from './command';

/** The registry entries named by a comma-separated --only list (all when undefined). */
export function selectFigures(only: string | undefined): FigureEntry[] {
  if (only === undefined) return [...FIGURES];
  const ids = only.split(',').map((s) => s.trim()).filter((s) => s !== '');
  if (ids.length === 0) throw new UsageError('--only takes a comma-separated list of figure ids');
  return ids.map((id) => {
    try {
      return findFigure(id);
    } catch (err) {
      throw new UsageError((err as Error).message);
    }
  });
}

/** The distinct notebooks of some entries, in registry order. */
export function notebooksOf(entries: readonly FigureEntry[]): string[] {
  return [...new Set(entries.map((e) => e.notebook))];
}

async function runAll(notebooks: string[], scale: string, inPlace: boolean): Promise<number> {
  const root = projectRoot();
  const tmp = inPlace ? undefined : mkdtempSync(join(tmpdir(), 'lsrm-figures-'));
  let failed = 0;
  for (const nb of notebooks) {
    process.stderr.write(`${nb} (scale ${scale}) ... `);
    const path = join(root, nb);
    const run = await executeNotebook(path, { env: { LSRM_SCALE: scale }, outDir: inPlace ? dirname(path) : tmp });
    process.stderr.write(run.ok ? `ok, ${(run.wallMs / 1000).toFixed(1)} s\n` : `FAILED\n${formatCellError(run)}\n`);
    if (!run.ok) failed++;
  }
  const out = relative(process.cwd(), figuresDirFor(scale)) || '.';
  process.stdout.write(`${notebooks.length - failed}/${notebooks.length} notebooks ran; figures in ${out}${tmp ? `; executed copies in ${tmp}` : ''}\n`);
  return failed === 0 ? 0 : 1;
}

export const figuresCommand: Command = {
  name: 'figures',
  summary: 'regenerate figures/ by executing the notebooks headless at a scale',
  usage: `usage: lsrm figures [--scale smoke|cpu|paper] [--only <id,id,...>] [--in-place] [--list]

Executes each figure's notebook (notebooks/*.ipynb) headless with the tslab kernel and
LSRM_SCALE=<scale>; the notebooks write figures/<id>.{png,html} (tables also .csv, .md) at the
cpu scale, figures/<scale>/<id>.* at the others (git-ignored). Unchanged files are left untouched.
  --scale     scale preset (default cpu; smoke takes seconds, paper needs a GPU)
  --only      only these figure ids (see --list)
  --in-place  also store the executed notebooks, with outputs, over notebooks/*.ipynb
  --list      list the figure ids and their notebooks
Needs Jupyter: apt-get install jupyter-nbconvert python3-nbclient python3-ipython
and, for PNGs, Chromium (apt-get install chromium, or CHROME_PATH).`,
  options: {
    scale: { type: 'string' },
    only: { type: 'string' },
    'in-place': { type: 'boolean' },
    list: { type: 'boolean' },
  },
  async run(values) {
    const entries = selectFigures(stringOption(values, 'only'));
    if (values.list) {
      for (const e of entries) process.stdout.write(`${e.id.padEnd(28)} ${e.notebook}  ${e.title}\n`);
      return 0;
    }
    const scale = stringOption(values, 'scale', 'cpu')!;
    try {
      getScale(scale);
    } catch (err) {
      throw new UsageError((err as Error).message);
    }
    const missing = jupyterMissing();
    if (missing) {
      process.stderr.write(`lsrm figures: cannot run notebooks: ${missing}\n`);
      return 1;
    }
    const stale = staleBuild(projectRoot());
    if (stale) {
      process.stderr.write(`lsrm figures: the notebooks import dist/, which is stale: ${stale}\n`);
      return 1;
    }
    return runAll(notebooksOf(entries), scale, values['in-place'] === true);
  },
};
