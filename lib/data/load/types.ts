/**
 * Options and results shared by every loader in lib/data/load/.
 * A loader turns one source (file or folder) into columnar Interactions (lib/types.ts).
 */
import type { Interactions } from '../types';

/**
 * Rule for rows that repeat an earlier (user, item, time) triple exactly.
 * - 'first' (default): keep the first occurrence in file order, drop and count the rest;
 * - 'keep': keep every row (duplicates are still counted).
 */
export type DuplicateRule = 'keep' | 'first';

/** Column names (or 0-based indices when the file has no header) of a generic CSV. */
export interface CsvColumns {
  readonly user: string | number;
  readonly item: string | number;
  readonly time: string | number;
}

/** Options every loader accepts. */
export interface LoadOptions {
  /** Skip malformed rows (counted in LoadResult.skippedRows) instead of throwing. Default false. */
  readonly lenient?: boolean;
  /** Duplicate (user, item, time) rule; default 'first'. */
  readonly duplicates?: DuplicateRule;
  /** Read item domains (genres, categories) from metadata when present. Default true. */
  readonly domains?: boolean;
  /**
   * Worker threads for parsing a large plain (not gzip) delimited file: default the machine's
   * cores for files of at least 16 MB (lib/data/load/parallel.ts); 1 = parse in this thread.
   * Results are identical either way.
   */
  readonly threads?: number;
  /** Generic CSV only: columns; default detected from the header names. */
  readonly columns?: CsvColumns;
  /** Generic CSV only: field delimiter (',' default; '\t' or 'tab' for TSV). */
  readonly delimiter?: string;
  /** Generic CSV only: whether the first line is a header. Default true. */
  readonly header?: boolean;
  /** Named datasets: cache root (default <project>/data). */
  readonly dataRoot?: string;
  /** Named datasets: replace each download URL's origin+folder with this base (tests, mirrors). */
  readonly baseUrl?: string;
  /** Named datasets: download progress lines; default writes to stderr. false = silent. */
  readonly progress?: boolean | ((message: string) => void);
}

/** What a loader returns: the interactions plus an honest account of what was dropped. */
export interface LoadResult {
  readonly interactions: Interactions;
  /** Malformed rows skipped in lenient mode (0 in strict mode, which throws instead). */
  readonly skippedRows: number;
  /** Rows repeating an earlier (user, item, time) triple (dropped under 'first', kept under 'keep'). */
  readonly duplicateRows: number;
  /** Human-readable notes: the first few skipped-row reasons, missing metadata, etc. */
  readonly warnings: readonly string[];
  /** The data files that were read, in read order. */
  readonly files: readonly string[];
}
