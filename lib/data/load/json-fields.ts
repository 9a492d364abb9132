/**
 * Fast path for Amazon JSON lines: read the three fields we need ("reviewerID", "asin",
 * "unixReviewTime") straight from the line's bytes instead of JSON.parse-ing ~1 KB of review
 * text per row. It only answers when it is sure: the line must look like an object ({...}),
 * each key must be present with a plain value (a string without backslash escapes, or a
 * number); otherwise the caller falls back to JSON.parse, which also produces the error
 * messages. A key cannot be matched inside a string value, where its quotes would be escaped.
 * The rest of the line is not validated on the fast path.
 */
import { parseNumberBytes } from './fields';

/** Byte range of a value found by findJsonValue. */
export interface ValueRange {
  start: number;
  end: number;
}

const KEY_REVIEWER = Buffer.from('"reviewerID"');
const KEY_ASIN = Buffer.from('"asin"');
const KEY_TIME = Buffer.from('"unixReviewTime"');
/** Reused range for the time value (single-threaded, never escapes a call). */
const TIME_SCRATCH: ValueRange = { start: 0, end: 0 };

function skipSpaces(buf: Uint8Array, i: number, end: number): number {
  while (i < end && (buf[i] === 32 || buf[i] === 9)) i++;
  return i;
}

/**
 * Find `"key": value` in buf[start, end). For a string value, out gets the range inside the
 * quotes; for a bare value, the range up to the next , or }. Returns false if the key is
 * missing or the string holds an escape.
 */
export function findJsonValue(buf: Buffer, start: number, end: number, key: Uint8Array, out: ValueRange): boolean {
  const k = buf.indexOf(key, start);
  if (k < 0 || k + key.length > end) return false;
  let i = skipSpaces(buf, k + key.length, end);
  if (buf[i] !== 58) return false; // ':'
  i = skipSpaces(buf, i + 1, end);
  if (buf[i] === 34) {
    let j = i + 1;
    while (j < end && buf[j] !== 34) {
      if (buf[j] === 92) return false; // backslash: let JSON.parse unescape
      j++;
    }
    if (j >= end) return false;
    out.start = i + 1;
    out.end = j;
    return true;
  }
  let j = i;
  while (j < end && buf[j] !== 44 && buf[j] !== 125 && buf[j] !== 32) j++; // , } space
  out.start = i;
  out.end = j;
  return true;
}

/** The three Amazon review fields as byte ranges plus the parsed time, or null to fall back. */
export interface ReviewFields {
  readonly user: ValueRange;
  readonly item: ValueRange;
  time: number;
}

/** Fresh scratch for readReviewFields. */
export function makeReviewFields(): ReviewFields {
  return { user: { start: 0, end: 0 }, item: { start: 0, end: 0 }, time: NaN };
}

/** Fill `out` from the line if the fast path can decide; returns false to fall back to JSON.parse. */
export function readReviewFields(buf: Buffer, start: number, end: number, out: ReviewFields): boolean {
  let s = start;
  let e = end;
  while (s < e && (buf[s] === 32 || buf[s] === 9)) s++;
  while (e > s && (buf[e - 1] === 32 || buf[e - 1] === 9)) e--;
  if (buf[s] !== 123 || buf[e - 1] !== 125) return false; // not {...}
  if (!findJsonValue(buf, s, e, KEY_REVIEWER, out.user) || out.user.start === out.user.end || buf[out.user.start - 1] !== 34) return false;
  if (!findJsonValue(buf, s, e, KEY_ASIN, out.item) || out.item.start === out.item.end || buf[out.item.start - 1] !== 34) return false;
  const t = TIME_SCRATCH;
  if (!findJsonValue(buf, s, e, KEY_TIME, t) || buf[t.start - 1] === 34) return false;
  out.time = parseNumberBytes(buf, t.start, t.end);
  return out.time === out.time;
}
