/**
 * `lsrm reproduce` (`npm run reproduce`): the main job on the embedded synthetic data, with no
 * Jupyter needed: calls `produce` of the registry's cheap entries (experiments/registry.ts)
 * and writes figures/<id>.* (figures/<scale>/<id>.* at a scale other than cpu). With unchanged
 * data no file changes. `lsrm figures` regenerates everything through the notebooks instead.
 */
import { cheapFigures, type FigureEntry } from '../experiments/registry';
import { getScale, type ScalePreset } from '../experiments/scale';
import { closeBrowser } from '../plot/export';
import { describeSaved } from '../plot/save';
import { stringOption, UsageError, type Command } from './command';
import { selectFigures } from './figures';

/** The entries to make: every cheap one, or the --only list (each must be cheap). */
export function reproduceEntries(only: string | undefined): FigureEntry[] {
  if (only === undefined) return cheapFigures();
  const entries = selectFigures(only);
  const costly = entries.filter((e) => !e.isCheap).map((e) => e.id);
  if (costly.length) throw new UsageError(`not made by reproduce: ${costly.join(', ')} (use lsrm figures --only ${costly.join(',')})`);
  return entries;
}

export const reproduceCommand: Command = {
  name: 'reproduce',
  summary: 'compute the cheap tables and figures on the embedded synthetic data into figures/',
  usage: `usage: lsrm reproduce [--scale smoke|cpu|paper] [--only <id,id,...>]

Computes, without Jupyter, the figures and tables that take seconds: ${cheapFigures().map((e) => e.id).join(', ')}.
Results are cached in runs/; files go to figures/<id>.{csv,md,html,png} at the cpu scale and to
figures/<scale>/<id>.* at the others. Files whose content is unchanged are left untouched.
  --scale  scale preset whose data the tables describe (default cpu)
  --only   only these ids`,
  options: { scale: { type: 'string' }, only: { type: 'string' } },
  async run(values) {
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
        process.stderr.write(`${entry.id} (scale ${scale.name})\n`);
        const out = await entry.produce(scale, { log });
        process.stdout.write(`wrote ${describeSaved(out.saved, process.cwd())} in ${((Date.now() - started) / 1000).toFixed(1)} s\n`);
      }
    } finally {
      await closeBrowser();
    }
    return 0;
  },
};
