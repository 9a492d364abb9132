/**
 * Byte-level field splitting and number parsing for delimited text (CSV, TSV, '::'), so the
 * loaders' hot loop allocates nothing per line. Quoted CSV fields ("a,b", "say ""hi""") are
 * supported when `quotes` is on; a quoted field cannot span lines.
 */

/** Field boundaries of the current line, reused across lines. */
export interface FieldSlots {
  readonly start: Int32Array;
  readonly end: Int32Array;
  /** 1 if the field was quoted and holds an escaped quote ("") that must be unescaped. */
  readonly escaped: Uint8Array;
}

/** Most fields a line may have; longer lines are reported as malformed. */
export const MAX_FIELDS = 256;

/** Fresh field slots. */
export function makeFieldSlots(): FieldSlots {
  return { start: new Int32Array(MAX_FIELDS), end: new Int32Array(MAX_FIELDS), escaped: new Uint8Array(MAX_FIELDS) };
}

/**
 * Split buf[start, end) on `delim` (1 or more bytes) into `slots`. Returns the field count,
 * -1 for an unterminated or misplaced quote, or MAX_FIELDS + 1 if there are too many fields.
 */
export function splitFields(buf: Uint8Array, start: number, end: number, delim: Uint8Array, quotes: boolean, slots: FieldSlots): number {
  const d0 = delim[0];
  const dLen = delim.length;
  let k = 0;
  let i = start;
  for (;;) {
    if (k === MAX_FIELDS) return MAX_FIELDS + 1;
    if (quotes && i < end && buf[i] === 34) {
      const q = scanQuoted(buf, i + 1, end);
      if (q < 0) return -1;
      slots.start[k] = i + 1;
      slots.end[k] = q >>> 1;
      slots.escaped[k] = q & 1;
      i = (q >>> 1) + 1;
      if (i < end && !isDelimAt(buf, i, end, delim)) return -1;
      k++;
    } else {
      let j = i;
      while (j < end && !(buf[j] === d0 && (dLen === 1 || isDelimAt(buf, j, end, delim)))) j++;
      slots.start[k] = i;
      slots.end[k] = j;
      slots.escaped[k] = 0;
      k++;
      i = j;
    }
    if (i >= end) return k;
    i += dLen; // skip the delimiter; a trailing delimiter yields a final empty field
    if (i >= end) {
      if (k === MAX_FIELDS) return MAX_FIELDS + 1;
      slots.start[k] = end;
      slots.end[k] = end;
      slots.escaped[k] = 0;
      return k + 1;
    }
  }
}

/** Index of the closing quote * 2 (+1 if an escaped "" was seen), or -1 if unterminated. */
function scanQuoted(buf: Uint8Array, i: number, end: number): number {
  let escaped = 0;
  while (i < end) {
    if (buf[i] === 34) {
      if (i + 1 < end && buf[i + 1] === 34) {
        escaped = 1;
        i += 2;
        continue;
      }
      return i * 2 + escaped;
    }
    i++;
  }
  return -1;
}

function isDelimAt(buf: Uint8Array, i: number, end: number, delim: Uint8Array): boolean {
  if (i + delim.length > end) return false;
  for (let k = 0; k < delim.length; k++) if (buf[i + k] !== delim[k]) return false;
  return true;
}

/** The text of field k (quotes removed and "" unescaped). */
export function fieldText(buf: Buffer, slots: FieldSlots, k: number): string {
  const s = buf.toString('utf8', slots.start[k], slots.end[k]);
  return slots.escaped[k] ? s.replace(/""/g, '"') : s;
}

/**
 * The number written in buf[start, end), or NaN if it is not one (empty, text, Infinity).
 * Plain integers (the usual unix seconds) are parsed from bytes; anything else (1.5e9,
 * 881250949.0, leading spaces) goes through Number().
 */
export function parseNumberBytes(buf: Buffer, start: number, end: number): number {
  if (start >= end) return NaN;
  let i = start;
  const negative = buf[i] === 45;
  if (negative) i++;
  if (i < end && end - i <= 15) {
    let v = 0;
    let j = i;
    for (; j < end; j++) {
      const c = buf[j] - 48;
      if (c < 0 || c > 9) break;
      v = v * 10 + c;
    }
    if (j === end) return negative ? -v : v;
  }
  const text = buf.toString('latin1', start, end).trim();
  if (text === '') return NaN;
  const v = Number(text);
  return Number.isFinite(v) ? v : NaN;
}

/** The delimiter as bytes; accepts 'tab' / '\\t' as names for a tab. */
export function delimiterBytes(delimiter: string): Uint8Array {
  const d = delimiter === 'tab' || delimiter === '\\t' ? '\t' : delimiter;
  return Buffer.from(d, 'utf8');
}

/** A readable name for a delimiter in messages. */
export function delimiterName(delim: Uint8Array): string {
  const s = Buffer.from(delim).toString('utf8');
  return s === '\t' ? 'tabs' : `"${s}"`;
}
