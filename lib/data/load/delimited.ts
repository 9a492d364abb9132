/**
 * The one delimited-text row parser behind the MovieLens, atomic, Amazon-CSV and generic CSV
 * loaders. A DelimitedSpec says where the user, item and time fields are (fixed positions, or
 * resolved from a header line); every line must have exactly the expected number of fields.
 * Per row it splits on bytes, parses the time from bytes and interns ids (numeric fast path),
 * so a 20M-row file allocates only the id strings of distinct ids.
 */
import { clipText, DataError } from '../../util/errors';
import type { InteractionBuilder } from './builder';
import { delimiterName, fieldText, makeFieldSlots, MAX_FIELDS, parseNumberBytes, splitFields } from './fields';
import { forEachLine } from './read';

/** Positions of the needed fields and the exact field count of a row. */
export interface FieldLayout {
  readonly user: number;
  readonly item: number;
  readonly time: number;
  /** Exact fields per row; 0 = take it from the first row (headerless generic CSV). */
  readonly count: number;
}

/** How to read one delimited format. */
export interface DelimitedSpec {
  /** Format name for messages, e.g. 'MovieLens u.data'. */
  readonly format: string;
  /** Expected row shape for messages, e.g. 'user<TAB>item<TAB>rating<TAB>timestamp'. */
  readonly rowShape: string;
  readonly delimiter: Uint8Array;
  readonly quotes: boolean;
  /** Fixed layout (no header), or a function that resolves it from the header names (line 1). */
  readonly layout: FieldLayout | ((names: string[], file: string) => FieldLayout);
}

/** Parse `file` with `spec`, appending rows to `b`. */
export async function loadDelimited(file: string, spec: DelimitedSpec, b: InteractionBuilder): Promise<void> {
  const slots = makeFieldSlots();
  const { delimiter, quotes } = spec;
  let layout = typeof spec.layout === 'function' ? undefined : spec.layout;
  const fix = `each row must look like ${spec.rowShape} (${spec.format}); correct or delete this line`;
  b.files.push(file);
  await forEachLine(file, (buf, s, e, line) => {
    if (s === e) return; // blank lines carry no data
    if (layout === undefined) {
      const nf = splitFields(buf, s, e, delimiter, quotes, slots);
      const names: string[] = [];
      for (let k = 0; k < nf; k++) names.push(fieldText(buf, slots, k).trim());
      layout = (spec.layout as (names: string[], file: string) => FieldLayout)(names, file);
      return;
    }
    const nf = splitFields(buf, s, e, delimiter, quotes, slots);
    if (layout.count === 0) layout = fixCount(layout, nf, file, line); // headerless: first row sets the count
    if (nf !== layout.count) {
      const found = nf < 0 ? 'a quote that is not closed before the end of the line' : nf > MAX_FIELDS ? `more than ${MAX_FIELDS} fields` : `${nf} field${nf === 1 ? '' : 's'}`;
      b.bad(file, line, `expected ${layout.count} fields separated by ${delimiterName(delimiter)}, found ${found}`, fix);
      return;
    }
    const { user: uc, item: ic, time: tc } = layout;
    const t = parseNumberBytes(buf, slots.start[tc], slots.end[tc]);
    if (t !== t) {
      b.bad(file, line, `timestamp ${quoteSnippet(fieldText(buf, slots, tc))} is not a number`, fix);
      return;
    }
    if (slots.start[uc] === slots.end[uc]) return b.bad(file, line, 'empty user id', fix);
    if (slots.start[ic] === slots.end[ic]) return b.bad(file, line, 'empty item id', fix);
    const u = slots.escaped[uc] ? b.users.internString(fieldText(buf, slots, uc)) : b.users.internBytes(buf, slots.start[uc], slots.end[uc]);
    const i = slots.escaped[ic] ? b.items.internString(fieldText(buf, slots, ic)) : b.items.internBytes(buf, slots.start[ic], slots.end[ic]);
    b.push(u, i, t);
  }, `a text file with rows like ${spec.rowShape} (${spec.format})`);
  if (layout === undefined && typeof spec.layout === 'function') {
    throw new DataError(`the file is empty: expected a header line and rows like ${spec.rowShape} (${spec.format}).`, file);
  }
}

/** Take the field count from the first row of a headerless file, checking the column indices fit. */
function fixCount(layout: FieldLayout, nf: number, file: string, line: number): FieldLayout {
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
