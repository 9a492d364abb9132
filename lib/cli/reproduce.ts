/**
 * `lsrm reproduce` (`npm run reproduce`): the main job on the embedded synthetic data, with no
 * Jupyter needed: calls `produce` of the registry's cheap entries (experiments/registry.ts)
 * and writes figures/default/<id>.* (figures/<scale>/<id>.* at a scale other than cpu), then the
 * headline: a miniature Figure 2a (experiments/fig-2a.ts at DEFAULT_SCALE: five small models on
 * synthetic:default, trained on both cores, the law fitted on four and the largest predicted)
 * into figures/default/, with a short summary (E, alpha, R^2, prediction error, the PNG).
 * At --scale smoke the figure uses the smoke ladder instead (figures/smoke/). It never writes
 * the committed figures/<id>.*: those are `lsrm figures`' results, made through the notebooks,
 * and Table II's lists the real datasets of the machine that made it, which a fresh clone lacks.
 */
import { FIGURE as FIG_2A, fig2aSummary, produceFig2a, type Fig2aScale } from '../experiments/fig-2a';
import { cheapFigures, type FigureEntry } from '../experiments/registry';
import { DEFAULT_SCALE, getScale, type ScalePreset } from '../experiments/scale';
import { closeBrowser } from '../plot/export';
import { describeSaved, figuresDirFor } from '../plot/save';
import { relative } from 'node:path';
import { stringOption, useStore, UsageError, type Command, type OptionValues } from './command';
import { selectFigures } from './figures';

/** The headline figure reproduce makes besides the cheap entries (costly at the cpu scale, so in miniature). */
export const HEADLINE_ID = FIG_2A.id;

/** The scale the headline figure runs at: the miniature for cpu (the default), else the scale given. */
export function headlineScale(scale: ScalePreset): Fig2aScale {
  return scale.name === 'cpu' ? DEFAULT_SCALE : scale;
}

/** The entries to make: every cheap one and the headline, or the --only list (each cheap or the headline). */
export function reproduceEntries(only: string | undefined): FigureEntry[] {
  if (only === undefined) return [...cheapFigures(), FIG_2A as FigureEntry];
  const entries = selectFigures(only);
  const costly = entries.filter((e) => !e.isCheap && e.id !== HEADLINE_ID).map((e) => e.id);
  if (costly.length) throw new UsageError(`not made by reproduce: ${costly.join(', ')} (use lsrm figures --only ${costly.join(',')})`);
  return entries;
}

export const reproduceCommand: Command = {
  name: 'reproduce',
  summary: 'compute the cheap tables and figures on the embedded synthetic data into figures/',
  usage: `usage: lsrm reproduce [--scale smoke|cpu|paper] [--only <id,id,...>]

Computes, without Jupyter, the tables that take seconds (${cheapFigures().map((e) => e.id).join(', ')})
and a miniature ${HEADLINE_ID}: five small models on the embedded synthetic default trained on
both cores (a few minutes), the law L(N) = E + (N0/N)^alpha fitted on four, the largest predicted.
Results are cached in runs/; tables and the miniature figure go to figures/default/ (git-ignored;
the committed figures/<id>.* are made by lsrm figures), at another --scale to figures/<scale>/
(at --scale smoke the smoke ladder). Files whose content is unchanged are left untouched.
  --scale  scale preset whose data the tables describe (default cpu)
  --only   only these ids
  --store  the run store (default runs/, or $LSRM_RUNS_DIR)`,
  options: { scale: { type: 'string' }, only: { type: 'string' }, store: { type: 'string' } },
  run: (values) => runReproduce(values, (s) => void process.stdout.write(s)),
};

/**
 * The command, its stdout lines going to `print` (tests read the summary from it: replacing
 * process.stdout.write in a test would swallow node --test's own result frames, which travel
 * on the child's stdout).
 */
export async function runReproduce(values: OptionValues, print: (s: string) => void): Promise<number> {
  useStore(stringOption(values, 'store'));
  let scale: ScalePreset;
  try {
    scale = getScale(stringOption(values, 'scale', 'cpu')!);
  } catch (err) {
    throw new UsageError((err as Error).message);
  }
  const entries = reproduceEntries(stringOption(values, 'only'));
  const log = (m: string): void => void process.stderr.write(`  ${m}\n`);
  try {
    for (const entry of entries) {
      const started = Date.now();
      if (entry.id === HEADLINE_ID) {
        await headline(headlineScale(scale), log, print);
        continue;
      }
      process.stderr.write(`${entry.id} (scale ${scale.name})\n`);
      const made = await entry.produce(scale, { log, ...(scale.name === 'cpu' ? { figuresRoot: figuresDirFor(DEFAULT_SCALE.name) } : {}) });
      print(`wrote ${describeSaved(made.saved, process.cwd())} in ${((Date.now() - started) / 1000).toFixed(1)} s\n`);
    }
  } finally {
    await closeBrowser();
  }
  return 0;
}

/** Make the headline figure on both cores and print its summary and the PNG's path. */
async function headline(scale: Fig2aScale, log: (m: string) => void, print: (s: string) => void): Promise<void> {
  const started = Date.now();
  process.stderr.write(`${HEADLINE_ID} (scale ${scale.name}; the ladder on 2 cores)\n`);
  const out = await produceFig2a(scale, { log, sweep: { jobs: 2 } });
  const seconds = ((Date.now() - started) / 1000).toFixed(1);
  print(`wrote ${describeSaved(out.saved, process.cwd())} in ${seconds} s\n`);
  print(`Figure 2a (${out.artefact.data}, scale ${scale.name}):\n`);
  for (const line of fig2aSummary(out.artefact)) print(`  ${line}\n`);
  print(`  figure: ${relative(process.cwd(), out.saved.png ?? out.saved.html)}\n`);
}
