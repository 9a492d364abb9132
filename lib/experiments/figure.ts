/**
 * The shape of one study: a figure or table of the paper. Each experiment module exports one
 * `FIGURE` entry (its id, title, paper reference, notebook, cost and `produce`), and
 * registry.ts lists them in paper order. `produce(scale)` computes the data (through the
 * result store, so a second call loads) and saves the files: figures/<id>.* at the cpu scale,
 * figures/<scale>/<id>.* at any other (plot/save.ts). `lsrm reproduce` calls it directly, the
 * notebook calls it and shows the result, `lsrm figures` runs the notebook.
 *
 * Experiments are sweeps: an entry that trains declares its runs (`sweep(scale, opts)`), and
 * its produce first hands them to runSweep (lib/sweep/execute.ts) with `opts.sweep` (in this
 * process, local child processes, or a Slurm job array; a notebook passes sweepOptionsFromEnv(),
 * which `lsrm figures --jobs/--executor` set), then reads the results from the store to build
 * the table. A Slurm sweep told not to wait makes produce return a PendingOutput (nothing saved).
 */
import { appendFileSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { figuresDirFor, saveFigure, saveTable, writeIfChanged, type SavedFiles } from '../plot/save';
import { toCsv, toMarkdown } from '../plot/table';
import type { Column, Row, TableOptions } from '../plot/table';
import type { Figure } from '../plot/theme';
import { runsDir } from '../util/paths';
import { runSweep } from '../sweep/execute';
import type { SweepOptions } from '../sweep/options';
import type { SweepRun, SweepSpec } from '../sweep/spec';
import type { TableRunOptions } from './presets';
import type { DataChoice, ScalePreset } from './scale';

/** Options every `produce` takes (a module may take more, e.g. the data to use). */
export interface ProduceOptions {
  /** Root of the figures folder (default $LSRM_FIGURES_DIR or <project>/figures); the scale picks the folder below it. */
  readonly figuresRoot?: string;
  /** Root of the result store (default $LSRM_RUNS_DIR or <project>/runs). */
  readonly runsDir?: string;
  /** Progress messages (default: none). */
  readonly log?: (msg: string) => void;
  /** Render the PNG (default true). */
  readonly png?: boolean;
  /** How the runs train (default: one at a time in this process); notebooks pass sweepOptionsFromEnv(). */
  readonly sweep?: SweepOptions;
}

/** Options under which produce always finishes its figure: its sweep, if any, waits for its runs. */
export type WaitingSweep = { readonly sweep?: SweepOptions & { readonly wait?: true } };

/** Options of the studies that train (Tables III and V): the data, presets and a per-epoch report. */
export interface TrainedTableOptions extends ProduceOptions, Pick<TableRunOptions, 'presets' | 'onEpoch' | 'deps'> {
  /** Default tableData(scale): LSRM_DATA (with LSRM_CORE) when set, else the scale's default data. */
  readonly data?: DataChoice;
}

/** What a table's `produce` made: the rows, how they were rendered, and the files. */
export interface TableOutput<R extends Row = Row> {
  readonly kind: 'table';
  readonly id: string;
  readonly rows: readonly R[];
  readonly columns: readonly Column[];
  /** Title and note, as in the saved files (pass to showTable). */
  readonly text: TableOptions;
  readonly saved: SavedFiles;
}

/** What a figure's `produce` made: the plotly spec and the files. */
export interface FigureOutput {
  readonly kind: 'figure';
  readonly id: string;
  readonly figure: Figure;
  readonly saved: SavedFiles;
}

/** The result of `produce`. */
export type Produced<R extends Row = Row> = TableOutput<R> | FigureOutput;

/** What produce returns when its runs were submitted to Slurm without waiting: nothing is saved yet. */
export interface PendingOutput {
  readonly kind: 'pending';
  readonly id: string;
  /** What was submitted, how to follow it, what to run afterwards. */
  readonly message: string;
  /** The sweep's manifest (`lsrm sweep status --manifest FILE`). */
  readonly manifestPath: string;
  readonly done: number;
  readonly total: number;
}

/** One figure or table of the paper. */
export interface FigureEntry<O extends ProduceOptions = ProduceOptions, P extends Produced = Produced> {
  /** File stem in figures/ and the notebook's name, e.g. 'table-2-datasets'. */
  readonly id: string;
  readonly kind: P['kind'];
  /** What it shows, one line. */
  readonly title: string;
  /** Where it is in the paper, e.g. 'Table II (Sec. III-C)'. */
  readonly paperRef: string;
  /** Its notebook, relative to the project root: notebooks/<id>.ipynb. */
  readonly notebook: string;
  /** Seconds at the cpu scale: `lsrm reproduce` makes the cheap ones. */
  readonly isCheap: boolean;
  /** Compute (or load) the data at a scale (its sweep first), save the files, return what was made. */
  produce(scale: ScalePreset, opts?: O & WaitingSweep): Promise<P>;
  /** ...or, when its runs were submitted to Slurm without waiting (opts.sweep.wait false), a PendingOutput. */
  produce(scale: ScalePreset, opts?: O): Promise<P | PendingOutput>;
  /** The runs it trains, as a sweep (absent: it trains nothing). */
  sweep?(scale: ScalePreset, opts?: O): SweepSpec | SweepRun[];
}

/** Save a table's rows for a scale (figuresDirFor(scale.name, root)) and return its output. */
export async function saveTableOutput<R extends Row>(
  id: string,
  scale: ScalePreset,
  table: { rows: readonly R[]; columns: readonly Column[]; text: TableOptions },
  opts: ProduceOptions,
): Promise<TableOutput<R>> {
  const dir = figuresDirFor(scale.name, opts.figuresRoot);
  const saved = await saveTable(table.rows, table.columns, id, { ...table.text, dir, png: opts.png });
  return { kind: 'table', id, ...table, saved };
}

/**
 * Run the sweep of figure `id` into the store (runSweep with opts.sweep; per-epoch reports and
 * test deps reach in-process runs), so its table can be read from the store.
 * @returns undefined when every run is in the store; a PendingOutput when they were submitted to
 *   Slurm without waiting
 * @throws Error naming the runs that failed or were stopped, and how to continue
 */
export async function runFigureSweep(id: string, sweep: SweepSpec | SweepRun[], opts: TrainedTableOptions): Promise<PendingOutput | undefined> {
  const store = opts.runsDir ?? runsDir();
  const o = await runSweep(sweep, { ...opts.sweep, store, log: progressLog(id, opts.log), onEpoch: opts.onEpoch, deps: opts.deps });
  const total = o.done.length + o.notDone.length;
  const follow = `lsrm sweep status --manifest ${o.manifestPath}`;
  if (o.notDone.length === 0) return undefined;
  if (o.isSubmitted) {
    const message = `${id}: ${o.notDone.length} of ${total} runs are on Slurm (not waited for); follow them with \`${follow}\` and run this again when they are done`;
    opts.log?.(message);
    return { kind: 'pending', id, message, manifestPath: o.manifestPath, done: o.done.length, total };
  }
  const why = o.failed.map((f) => `\n  ${f.label}: ${f.message}`).join('');
  throw new Error(`${id}: ${o.notDone.length} of ${total} runs are not done (${o.failed.length} failed)${why}\n` +
    `Fix the cause and run this again: finished runs load, interrupted ones resume (\`${follow}\` shows where each stands)`);
}

/**
 * The sweep's log of a figure: `log`, and when $LSRM_PROGRESS_FILE is set (by `lsrm figures`,
 * whose notebook kernel shows nothing until its cell ends) each line appended there as
 * '<id>: <line>', which the command prints while the notebook runs. A file that cannot be written
 * is skipped: progress is never worth failing a figure.
 */
export function progressLog(id: string, log: ((m: string) => void) | undefined, env: Readonly<Record<string, string | undefined>> = process.env): ((m: string) => void) | undefined {
  const file = env.LSRM_PROGRESS_FILE?.trim();
  if (!file) return log;
  return (m: string) => {
    log?.(m);
    try {
      appendFileSync(file, m.split('\n').map((l) => `${id}: ${l}\n`).join(''));
    } catch {
      // progress only
    }
  };
}

/** The artefact fields a figure's caption line reads (every figure artefact has scale; most the rest). */
export interface ProvenanceFields {
  readonly scale: string;
  readonly seeds?: readonly number[];
  readonly runs?: readonly string[];
  readonly wallSeconds?: number;
  readonly evalSeconds?: number;
}

const grouped = (v: number): string => Math.round(v).toLocaleString('en-US');

/**
 * The provenance line under a figure's title: its seeds, runs and wall time, read from the
 * artefact, so the PNG alone says what the guide asks of a committed figure (data and scale are
 * in the title). Undefined when the artefact has none of them.
 */
export function provenanceCaption(a: ProvenanceFields): string | undefined {
  const parts: string[] = [];
  if (a.seeds && a.seeds.length > 0) parts.push(`${a.seeds.length === 1 ? 'seed' : `${a.seeds.length} seeds:`} ${a.seeds.join(', ')}`);
  if (a.runs) parts.push(`${a.runs.length} run${a.runs.length === 1 ? '' : 's'}`);
  if (a.wallSeconds !== undefined) parts.push(`training ${grouped(a.wallSeconds)} s of one core, summed over runs`);
  if (a.evalSeconds !== undefined) parts.push(`evaluation ${grouped(a.evalSeconds)} s`);
  return parts.length > 0 ? parts.join(' · ') : undefined;
}

/** CAPTION_PX: the height the caption line adds to the top margin and the figure. */
const CAPTION_PX = 22;

/** `fig` with the provenance caption as a second, smaller title line (the figure unchanged without one). */
export function withProvenance(fig: Figure, a: ProvenanceFields): Figure {
  const caption = provenanceCaption(a);
  const title = fig.layout.title as { text?: string } | undefined;
  if (caption === undefined || title?.text === undefined) return fig;
  const margin = (fig.layout.margin ?? {}) as { t?: number };
  const height = fig.layout.height as number | undefined;
  return {
    ...fig,
    layout: {
      ...fig.layout,
      title: { ...title, text: `${title.text}<br><sup>${caption}</sup>` },
      margin: { ...margin, t: (margin.t ?? 50) + CAPTION_PX },
      ...(height !== undefined ? { height: height + CAPTION_PX } : {}),
    },
  };
}

/**
 * Save a figure with its table and artefact into `dir`: the figure (HTML, PNG unless png is
 * false), its plotly spec as <id>.plotly.json (with the figure's id and the artefact's scale beside
 * `data` and `layout`, so every JSON file of a figure says its scale), the rows as <id>.csv and
 * <id>.md (no table HTML: it would take the figure's <id>.html) and the artefact as <id>.json.
 * Unchanged files are not rewritten.
 * The figure gets the artefact's provenance line under its title (withProvenance); the table's
 * title is the figure's own, `note` goes under it.
 */
export async function saveFigureOutput(
  fig: Figure,
  id: string,
  table: { readonly rows: readonly Row[]; readonly columns: readonly Column[]; readonly note: string },
  artefact: ProvenanceFields,
  dir: string,
  opts: { readonly png?: boolean } = {},
): Promise<SavedFiles> {
  const text = { title: (fig.layout.title as { text: string }).text, note: table.note };
  const saved = await saveFigure(withProvenance(fig, artefact), id, { dir, png: opts.png });
  const files = { csv: join(dir, `${id}.csv`), md: join(dir, `${id}.md`) };
  writeIfChanged(files.csv, toCsv(table.rows, table.columns));
  writeIfChanged(files.md, toMarkdown(table.rows, table.columns, text));
  const spec = JSON.parse(readFileSync(saved.json!, 'utf8')) as object;
  writeIfChanged(join(dir, `${id}.plotly.json`), JSON.stringify({ id, scale: artefact.scale, ...spec }, null, 2) + '\n');
  writeIfChanged(saved.json!, JSON.stringify(artefact, null, 2) + '\n');
  return { ...saved, ...files };
}

/**
 * The fields every figure artefact (<id>.json) starts with (issue 10 item 7). `data` names the
 * figure's data: one spec, or one per series or ladder (D = readonly string[]).
 */
export interface ArtefactBase<D = string> {
  readonly id: string;
  readonly scale: string;
  readonly data: D;
  readonly seeds: readonly number[];
  /** Store keys of the runs behind the figure. */
  readonly runs: readonly string[];
  /** Training wall time of the runs, summed (seconds; from the store, so it does not change on a reload). */
  readonly wallSeconds: number;
}
