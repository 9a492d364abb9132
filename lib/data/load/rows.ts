/**
 * One delimited line -> one interaction: the per-row step of the delimited-text parser, shared
 * by the sequential loop (./delimited.ts) and the parse workers (./parallel-worker.ts), so both
 * accept and reject exactly the same rows with the same messages. Per row it splits on bytes,
 * parses the time from bytes and interns ids (numeric fast path), so a 20M-row file allocates
 * only the id strings of distinct ids. makeBlockParser runs over blocks of lines and takes
 * plain decimal rows in one pass (2-3x less work per row); makeRowParser is the general rule.
 */
import { DataError } from '../../util/errors';
import { delimiterName, fieldText, makeFieldSlots, MAX_FIELDS, parseNumberBytes, splitFields, type FieldSlots } from './fields';
import { linesOf, type BlockHandler, type LineHandler } from './read';

/** Positions of the needed fields and the exact field count of a row. */
export interface FieldLayout {
  readonly user: number;
  readonly item: number;
  readonly time: number;
  /** Exact fields per row; 0 = take it from the first row (headerless generic CSV). */
  readonly count: number;
}

/** The parts of a format that a row needs: plain data, so it can be sent to a worker. */
export interface RowFormat {
  /** Format name for messages, e.g. 'MovieLens u.data'. */
  readonly format: string;
  /** Expected row shape for messages, e.g. 'user<TAB>item<TAB>rating<TAB>timestamp'. */
  readonly rowShape: string;
  readonly delimiter: Uint8Array;
  readonly quotes: boolean;
}

/** How to read one delimited format. */
export interface DelimitedSpec extends RowFormat {
  /** Fixed layout (no header), or a function that resolves it from the header names (line 1). */
  readonly layout: FieldLayout | ((names: string[], file: string) => FieldLayout);
}

/** Raw id -> dense id, from bytes or from (unescaped) text: lib/data/ids.ts IdMap, or a worker's recording map. */
export interface IdInterner {
  internBytes(buf: Buffer, start: number, end: number): number;
  internString(s: string): number;
  /** A canonical decimal id (see lib/data/ids.ts canonicalDecimal). */
  internNumber(n: number): number;
}

/** Where parsed rows go: the InteractionBuilder, or a parse worker's local columns. */
export interface RowSink {
  readonly users: IdInterner;
  readonly items: IdInterner;
  push(user: number, item: number, time: number): void;
  /** A malformed row: throw (strict) or count it (lenient). */
  bad(file: string, line: number, problem: string, fix: string): void;
}

/** The fix named in every bad-row message of a format. */
export function rowFix(f: RowFormat): string {
  return `each row must look like ${f.rowShape} (${f.format}); correct or delete this line`;
}

/** The problem of a row whose field count is `nf` instead of `count`. */
export function fieldCountProblem(nf: number, count: number, delimiter: Uint8Array): string {
  const found = nf < 0 ? 'a quote that is not closed before the end of the line' : nf > MAX_FIELDS ? `more than ${MAX_FIELDS} fields` : `${nf} field${nf === 1 ? '' : 's'}`;
  return `expected ${count} fields separated by ${delimiterName(delimiter)}, found ${found}`;
}

/**
 * A line handler that appends the data row buf[s, e) to `sink` (a blank line is skipped),
 * or reports it as malformed. `layout.count` must be known (> 0): the header and a headerless
 * file's first row are the caller's business.
 */
export function makeRowParser(file: string, f: RowFormat, layout: FieldLayout, sink: RowSink): LineHandler {
  const slots = makeFieldSlots();
  const { delimiter, quotes } = f;
  const { user: uc, item: ic, time: tc, count } = layout;
  const fix = rowFix(f);
  const { users, items } = sink;
  return (buf, s, e, line) => {
    if (s === e) return; // blank lines carry no data
    const nf = splitFields(buf, s, e, delimiter, quotes, slots);
    if (nf !== count) return sink.bad(file, line, fieldCountProblem(nf, count, delimiter), fix);
    const t = parseNumberBytes(buf, slots.start[tc], slots.end[tc]);
    if (t !== t) return sink.bad(file, line, `timestamp ${quoteSnippet(fieldText(buf, slots, tc))} is not a number`, fix);
    if (slots.start[uc] === slots.end[uc]) return sink.bad(file, line, 'empty user id', fix);
    if (slots.start[ic] === slots.end[ic]) return sink.bad(file, line, 'empty item id', fix);
    const u = slots.escaped[uc] ? users.internString(fieldText(buf, slots, uc)) : users.internBytes(buf, slots.start[uc], slots.end[uc]);
    const i = slots.escaped[ic] ? items.internString(fieldText(buf, slots, ic)) : items.internBytes(buf, slots.start[ic], slots.end[ic]);
    sink.push(u, i, t);
  };
}

/**
 * The row parser over blocks of whole lines (lib/data/load/read.ts BlockHandler). Each line
 * first takes a one-pass fast path: one-byte delimiter, no field starting with a quote (a
 * quote elsewhere is a plain character, as in splitFields), exactly layout.count fields, user
 * and item written as canonical decimals (canonicalDecimalBytes) and the time as 1-15 plain
 * digits (parseNumberBytes's integer case), ending in \n or \r\n. Any other line goes to
 * makeRowParser, which gives the same ids for what the fast path takes, and the messages.
 * Rows of one user often follow each other (MovieLens files are grouped by user): the last
 * user's id is reused without a lookup.
 */
export function makeBlockParser(file: string, f: RowFormat, layout: FieldLayout, sink: RowSink): BlockHandler {
  const parseLine = makeRowParser(file, f, layout, sink);
  if (f.delimiter.length !== 1) return linesOf(parseLine); // no fast path for '::'
  const { user: uc, item: ic, time: tc, count } = layout;
  const d0 = f.delimiter[0];
  const { users, items } = sink;
  const quote = f.quotes ? 34 : -1; // -1 never matches a byte
  let lastUser = -1;
  let lastUserId = -1;
  return (buf, start, end, firstLine) => {
    let line = firstLine;
    let pos = start;
    while (pos < end) {
      // 1. Fast path: fields split at d0, the three needed ones parsed as they close.
      let k = 0;
      let f0 = pos;
      let u = -1;
      let i = -1;
      let t = -1;
      let j = pos;
      if (buf[j] === quote) j = end; // a quoted first field
      for (; j < end; j++) {
        const c = buf[j];
        if (c !== d0 && c !== 10) continue;
        const fe = c === 10 && j > f0 && buf[j - 1] === 13 ? j - 1 : j; // \r\n: the \r is no part of the field
        if (k === uc) u = decimalBytes(buf, f0, fe, 9, true);
        else if (k === ic) i = decimalBytes(buf, f0, fe, 9, true);
        else if (k === tc) t = decimalBytes(buf, f0, fe, 15, false);
        if (++k === count || c === 10 || u === -2 || i === -2 || t === -2 || buf[j + 1] === quote) break;
        f0 = j + 1;
      }
      if (j < end && buf[j] === 10 && k === count && u >= 0 && i >= 0 && t >= 0) {
        if (u !== lastUser) {
          lastUser = u;
          lastUserId = users.internNumber(u);
        }
        sink.push(lastUserId, items.internNumber(i), t);
        pos = j + 1;
        line++;
        continue;
      }
      // 2. General path for this line.
      let nl = buf.indexOf(10, pos);
      if (nl < 0 || nl >= end) nl = end;
      parseLine(buf, pos, nl > pos && buf[nl - 1] === 13 ? nl - 1 : nl, line++);
      pos = nl + 1;
    }
    return line - firstLine;
  };
}

/**
 * The value of 1..maxDigits ASCII digits in buf[s, e) (with `canonical`, no leading zero unless
 * it is "0"), or -2 if they are anything else.
 */
function decimalBytes(buf: Uint8Array, s: number, e: number, maxDigits: number, canonical: boolean): number {
  const n = e - s;
  if (n === 0 || n > maxDigits || (canonical && n > 1 && buf[s] === 48)) return -2;
  let v = 0;
  for (let p = s; p < e; p++) {
    const d = buf[p] - 48;
    if (d < 0 || d > 9) return -2;
    v = v * 10 + d;
  }
  return v;
}

/** The trimmed names of a header line buf[s, e). */
export function headerNames(buf: Buffer, s: number, e: number, f: RowFormat, slots: FieldSlots = makeFieldSlots()): string[] {
  const nf = splitFields(buf, s, e, f.delimiter, f.quotes, slots);
  const names: string[] = [];
  for (let k = 0; k < nf; k++) names.push(fieldText(buf, slots, k).trim());
  return names;
}

/**
 * The layout of a headerless file whose first row, buf[s, e) at `line`, has the field count
 * every row must have; throws unless the column indices fit in it.
 */
export function layoutFromFirstRow(layout: FieldLayout, buf: Buffer, s: number, e: number, f: RowFormat, file: string, line: number): FieldLayout {
  const nf = splitFields(buf, s, e, f.delimiter, f.quotes, makeFieldSlots());
  const need = Math.max(layout.user, layout.item, layout.time) + 1;
  if (nf < need) {
    throw new DataError(
      `the first row has ${nf} field(s) but the columns given (user ${layout.user}, item ${layout.item}, time ${layout.time}, 0-based) need ${need}. Fix: check the delimiter and the column indices.`,
      file,
      line,
    );
  }
  return { ...layout, count: nf };
}

/** A short quoted excerpt of a field for messages. */
export function quoteSnippet(text: string): string {
  return JSON.stringify(text.length > 40 ? `${text.slice(0, 40)}...` : text);
}
