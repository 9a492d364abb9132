/**
 * The explicit list of the paper's figures and tables this lab reproduces: each id names the
 * files in figures/ (<id>.png, <id>.html, tables also <id>.csv/.md), the notebook that makes
 * them and the experiment module that computes their data. `lsrm figures` runs these
 * notebooks; add a figure by appending an entry (no reflection, no directory scanning).
 */

/** One figure or table of the paper. */
export interface FigureEntry {
  /** File stem in figures/, e.g. 'table-2-datasets'. */
  readonly id: string;
  readonly kind: 'figure' | 'table';
  /** What it shows, one line. */
  readonly title: string;
  /** Notebook (relative to the project root) that writes figures/<id>.*. */
  readonly notebook: string;
  /** Experiment module (relative to the project root) that computes its data. */
  readonly experiment: string;
  /** Seconds at the cpu scale: `lsrm reproduce` makes the cheap ones. */
  readonly isCheap: boolean;
}

/** Every figure and table, in paper order. */
export const FIGURES: readonly FigureEntry[] = [
  {
    id: 'table-2-datasets',
    kind: 'table',
    title: 'Table II: dataset statistics after preprocessing',
    notebook: 'notebooks/table-2-datasets.ipynb',
    experiment: 'lib/experiments/table-2.ts',
    isCheap: true,
  },
  {
    id: 'table-4-configs',
    kind: 'table',
    title: 'Table IV: model ladder and parameter counts',
    notebook: 'notebooks/table-4-configs.ipynb',
    experiment: 'lib/experiments/table-4.ts',
    isCheap: true,
  },
  {
    id: 'table-3-ablation',
    kind: 'table',
    title: 'Table III: ablation of layer-wise adaptive dropout and the Adam→SGD switch (test cross-entropy)',
    notebook: 'notebooks/table-3-ablation.ipynb',
    experiment: 'lib/experiments/table-3.ts',
    isCheap: false,
  },
  {
    id: 'table-5-overall',
    kind: 'table',
    title: 'Table V: overall performance of SASRec, GRU4Rec, FMLP-Rec, Caser, LSRM wide and deep',
    notebook: 'notebooks/table-5-overall.ipynb',
    experiment: 'lib/experiments/table-5.ts',
    isCheap: false,
  },
];

/**
 * The entry with this id.
 * @throws listing the known ids when there is none.
 */
export function findFigure(id: string): FigureEntry {
  const e = FIGURES.find((f) => f.id === id);
  if (!e) throw new Error(`unknown figure '${id}': known ids are ${FIGURES.map((f) => f.id).join(', ')}`);
  return e;
}
