/**
 * The one delimited-text parser behind the MovieLens, atomic, Amazon-CSV and generic CSV
 * loaders. A DelimitedSpec says where the user, item and time fields are (fixed positions, or
 * resolved from a header line); every line must have exactly the expected number of fields
 * (the per-row step is ./rows.ts). A large plain-text file is parsed by worker threads, one
 * byte range each (./parallel.ts), with the same ids, rows and messages as this sequential loop.
 */
import { clipText, DataError } from '../../util/errors';
import type { InteractionBuilder } from './builder';
import { parseInParallel, type ParallelOptions } from './parallel';
import { forEachBlock, linesOf, type BlockHandler, type LineHandler } from './read';
import { headerNames, layoutFromFirstRow, makeBlockParser, makeRowParser, type DelimitedSpec, type FieldLayout } from './rows';

export { quoteSnippet, type DelimitedSpec, type FieldLayout } from './rows';

/**
 * Parse `file` with `spec`, appending rows to `b`: in worker threads when the file is large
 * enough and plain (see ParallelOptions), else in this thread.
 * @throws DataError for a binary or empty file, a bad header, or (strict) a malformed row at file:line
 */
export async function loadDelimited(file: string, spec: DelimitedSpec, b: InteractionBuilder, opts: ParallelOptions = {}): Promise<void> {
  b.files.push(file);
  if (await parseInParallel(file, spec, b, opts)) return;
  let layout = typeof spec.layout === 'function' ? undefined : spec.layout;
  let parseBlock: BlockHandler | undefined = layout && layout.count > 0 ? makeBlockParser(file, spec, layout, b) : undefined;
  // Until the layout is known: the header line, or a headerless file's first row (which sets the count).
  const headLine: LineHandler = (buf, s, e, line) => {
    if (s === e) return; // blank lines carry no data
    if (layout === undefined) {
      layout = (spec.layout as (names: string[], file: string) => FieldLayout)(headerNames(buf, s, e, spec), file);
      if (layout.count > 0) parseBlock = makeBlockParser(file, spec, layout, b);
      return;
    }
    layout = layoutFromFirstRow(layout, buf, s, e, spec, file, line);
    parseBlock = makeBlockParser(file, spec, layout, b);
    makeRowParser(file, spec, layout, b)(buf, s, e, line); // that first row is a row too
  };
  const headLines = linesOf(headLine);
  await forEachBlock(file, (buf, start, end, firstLine) => {
    let pos = start;
    let line = firstLine;
    while (!parseBlock && pos < end) {
      const nl = buf.indexOf(10, pos);
      const next = nl < 0 || nl >= end ? end : nl + 1;
      line += headLines(buf, pos, next, line); // one line
      pos = next;
    }
    return line - firstLine + (parseBlock && pos < end ? parseBlock(buf, pos, end, line) : 0);
  }, `a text file with rows like ${spec.rowShape} (${spec.format})`);
  if (layout === undefined && typeof spec.layout === 'function') {
    throw new DataError(`the file is empty: expected a header line and rows like ${spec.rowShape} (${spec.format}).`, file);
  }
}

/** Normalize a header name for matching: drop a RecBole ':type' suffix, lowercase, drop '_' and spaces. */
export function normalizeName(name: string): string {
  const colon = name.indexOf(':');
  return (colon >= 0 ? name.slice(0, colon) : name).toLowerCase().replace(/[_\s]/g, '');
}

/**
 * Index of the first header name whose normalized form is in `candidates`, else throw a
 * DataError listing the header and the accepted names.
 */
export function findColumn(names: string[], candidates: readonly string[], role: string, file: string, fix: string): number {
  const norm = names.map(normalizeName);
  for (const c of candidates) {
    const k = norm.indexOf(normalizeName(c));
    if (k >= 0) return k;
  }
  throw new DataError(
    `no ${role} column in the header [${clipText(names.join(', '))}] (line 1); accepted names: ${candidates.join(', ')}. Fix: ${fix}.`,
    file,
    1,
  );
}
