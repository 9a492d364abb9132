/**
 * The explicit list of the paper's figures and tables this lab reproduces, in paper order.
 * Each experiment module exports its entry as `FIGURE` (figure.ts: id, title, paperRef,
 * notebook, isCheap, produce); `lsrm figures`, `lsrm reproduce`, lib/index.ts and the notebook
 * tests read this list. Add a figure with one module, its import and list entry here, and one
 * notebook (notebooks/<id>.ipynb): no reflection, no directory scanning.
 */
import type { FigureEntry } from './figure';
import { FIGURE as TABLE_2 } from './table-2';
import { FIGURE as TABLE_3 } from './table-3';
import { FIGURE as TABLE_4 } from './table-4';
import { FIGURE as TABLE_5 } from './table-5';
import { FIGURE as FIG_2A } from './fig-2a';
import { REAL_FIGURES } from './fig-2a-real';
import { FIGURE as FIG_2B } from './fig-2b';
import { FIGURE as FIG_3 } from './fig-3';
import { FIGURE as FIG_4 } from './fig-4';
import { FIGURE as FIG_5 } from './fig-5-long-tail';
import { FIGURE as FIG_6 } from './fig-6-cold-start';
import { FIGURE as FIG_7 } from './fig-7-cross-domain';
import { FIGURE as FIG_8 } from './fig-8-robustness';
import { FIGURE as FIG_9 } from './fig-9-trajectory';
import { FIGURE as FIG_PERF_LAW } from './fig-performance-law';
import { FIGURE as FIG_BACKBONES } from './fig-backbones';

export type { FigureEntry } from './figure';

/** Every figure and table, in paper order. */
export const FIGURES: readonly FigureEntry[] = [TABLE_2, TABLE_3, TABLE_4, TABLE_5, FIG_2A, ...Object.values(REAL_FIGURES), FIG_2B, FIG_3, FIG_4, FIG_5, FIG_6, FIG_7, FIG_8, FIG_9, FIG_PERF_LAW, FIG_BACKBONES];

/**
 * The entry with this id.
 * @throws listing the known ids when there is none.
 */
export function findFigure(id: string): FigureEntry {
  const e = FIGURES.find((f) => f.id === id);
  if (!e) throw new Error(`unknown figure '${id}': known ids are ${FIGURES.map((f) => f.id).join(', ')}`);
  return e;
}

/** The entries `lsrm reproduce` makes without Jupyter (seconds at the cpu scale), in paper order. */
export function cheapFigures(): FigureEntry[] {
  return FIGURES.filter((f) => f.isCheap);
}
