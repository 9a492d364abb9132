/**
 * `lsrm reproduce` (`npm run reproduce`): the main job on the embedded synthetic data, with no
 * Jupyter needed: computes the cheap figures and tables by calling their experiment modules
 * directly and writes figures/<id>.*. `lsrm figures` regenerates everything through the
 * notebooks instead.
 */
import { getScale, type ScalePreset } from '../experiments/scale';
import { table2Rows, table2Sources, TABLE_2_COLUMNS, TABLE_2_TEXT } from '../experiments/table-2';
import { table4Rows, TABLE_4_COLUMNS, TABLE_4_TEXT } from '../experiments/table-4';
import { describeSaved, saveTable, type SavedFiles } from '../plot/save';
import { closeBrowser } from '../plot/export';
import { stringOption, UsageError, type Command } from './command';
import { selectFigures } from './figures';

type Producer = (scale: ScalePreset, log: (m: string) => void) => Promise<SavedFiles>;

/** The figures `reproduce` makes, by id: explicit, cheap, no notebook needed. */
export const PRODUCERS: Readonly<Record<string, Producer>> = {
  'table-2-datasets': async (scale, log) =>
    saveTable(await table2Rows(table2Sources(scale), { log }), TABLE_2_COLUMNS, 'table-2-datasets', TABLE_2_TEXT),
  'table-4-configs': async () => saveTable(table4Rows(), TABLE_4_COLUMNS, 'table-4-configs', TABLE_4_TEXT),
};

export const reproduceCommand: Command = {
  name: 'reproduce',
  summary: 'compute the cheap tables and figures on the embedded synthetic data into figures/',
  usage: `usage: lsrm reproduce [--scale smoke|cpu|paper] [--only <id,id,...>]

Computes, without Jupyter, the figures and tables that take seconds: ${Object.keys(PRODUCERS).join(', ')}.
Results are cached in runs/; files go to figures/<id>.{csv,md,html,png}.
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
    const only = stringOption(values, 'only');
    const ids = only === undefined ? Object.keys(PRODUCERS) : selectFigures(only).map((e) => e.id);
    const unknown = ids.filter((id) => !(id in PRODUCERS));
    if (unknown.length) throw new UsageError(`not made by reproduce: ${unknown.join(', ')} (use lsrm figures --only ${unknown.join(',')})`);
    const log = (m: string): void => void process.stderr.write(`  ${m}\n`);
    try {
      for (const id of ids) {
        const started = Date.now();
        process.stderr.write(`${id} (scale ${scale.name})\n`);
        const saved = await PRODUCERS[id](scale, log);
        process.stdout.write(`wrote ${describeSaved(saved, process.cwd())} in ${((Date.now() - started) / 1000).toFixed(1)} s\n`);
      }
    } finally {
      await closeBrowser();
    }
    return 0;
  },
};
