/**
 * The shape of one study: a figure or table of the paper. Each experiment module exports one
 * `FIGURE` entry (its id, title, paper reference, notebook, cost and `produce`), and
 * registry.ts lists them in paper order. `produce(scale)` computes the data (through the
 * result store, so a second call loads) and saves the files: figures/<id>.* at the cpu scale,
 * figures/<scale>/<id>.* at any other (plot/save.ts). `lsrm reproduce` calls it directly, the
 * notebook calls it and shows the result, `lsrm figures` runs the notebook.
 */
import { figuresDirFor, saveTable, type SavedFiles } from '../plot/save';
import type { Column, Row, TableOptions } from '../plot/table';
import type { Figure } from '../plot/theme';
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
}

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
  /** Compute (or load) the data at a scale, save the files, return what was made. */
  produce(scale: ScalePreset, opts?: O): Promise<P>;
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
