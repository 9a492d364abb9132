/**
 * Raw id -> dense id remapping for loaders (see lib/types.ts for the id conventions).
 *
 * Users get dense ids 0, 1, 2, ... and items 1, 2, 3, ... (0 is padding), both in order of
 * first appearance in the file(s). Ids that are canonical decimal integers ("7", "131262", not
 * "007" or "1e3") take a fast path: a direct Int32Array table for small values, so a 20M-row
 * MovieLens file never builds 20M strings. Any other raw id goes through a Map<string, number>.
 * Both paths share one namespace: internString('42') and internNumber(42) return the same id.
 */

/** Largest value kept in the direct lookup table (beyond it a Map is used). */
const DIRECT_LIMIT = 1 << 24;
/** Canonical decimals have at most 9 digits, so they always fit a 32-bit int. */
const MAX_DIGITS = 9;

/**
 * The canonical decimal value of `s`, or -1 if `s` is not a canonical non-negative decimal
 * (no sign, no leading zero unless it is "0", at most 9 digits).
 * @example canonicalDecimal('42') // 42;  canonicalDecimal('042') // -1
 */
export function canonicalDecimal(s: string): number {
  const n = s.length;
  if (n === 0 || n > MAX_DIGITS || (n > 1 && s.charCodeAt(0) === 48)) return -1;
  let v = 0;
  for (let i = 0; i < n; i++) {
    const c = s.charCodeAt(i) - 48;
    if (c < 0 || c > 9) return -1;
    v = v * 10 + c;
  }
  return v;
}

/**
 * Same as canonicalDecimal over the bytes buf[start, end) (ASCII digits).
 * @example canonicalDecimalBytes(Buffer.from('x17'), 1, 3) // 17
 */
export function canonicalDecimalBytes(buf: Uint8Array, start: number, end: number): number {
  const n = end - start;
  if (n <= 0 || n > MAX_DIGITS || (n > 1 && buf[start] === 48)) return -1;
  let v = 0;
  for (let i = start; i < end; i++) {
    const c = buf[i] - 48;
    if (c < 0 || c > 9) return -1;
    v = v * 10 + c;
  }
  return v;
}

/**
 * A growing map from raw ids to dense ints starting at `base` (0 for users, 1 for items).
 * @example const m = new IdMap(1); m.internString('b'); m.internString('a'); m.internString('b'); // 1, 2, 1
 */
export class IdMap {
  /** direct[n] = dense id + 1 of the canonical decimal n (0 = not seen). */
  private direct = new Int32Array(1024);
  private readonly bigNumbers = new Map<number, number>();
  private readonly strings = new Map<string, number>();
  private readonly raw: string[] = [];

  constructor(readonly base: 0 | 1) {}

  /** Number of distinct ids seen so far. */
  get size(): number {
    return this.raw.length;
  }

  /** Dense id of the canonical decimal raw id `n` (0 <= n < 1e9), assigning a new one if unseen. */
  internNumber(n: number): number {
    if (n < DIRECT_LIMIT) {
      if (n >= this.direct.length) this.growDirect(n);
      const hit = this.direct[n];
      if (hit !== 0) return hit - 1;
      const id = this.base + this.raw.length;
      this.raw.push(String(n));
      this.direct[n] = id + 1;
      return id;
    }
    const hit = this.bigNumbers.get(n);
    if (hit !== undefined) return hit;
    const id = this.base + this.raw.length;
    this.raw.push(String(n));
    this.bigNumbers.set(n, id);
    return id;
  }

  /** Dense id of the raw id `s` (any non-empty string), assigning a new one if unseen. */
  internString(s: string): number {
    const n = canonicalDecimal(s);
    if (n >= 0) return this.internNumber(n);
    const hit = this.strings.get(s);
    if (hit !== undefined) return hit;
    const id = this.base + this.raw.length;
    this.raw.push(s);
    this.strings.set(s, id);
    return id;
  }

  /** Dense id of the raw id written in buf[start, end) as UTF-8. */
  internBytes(buf: Buffer, start: number, end: number): number {
    const n = canonicalDecimalBytes(buf, start, end);
    if (n >= 0) return this.internNumber(n);
    return this.internString(buf.toString('utf8', start, end));
  }

  /** Dense id of `s` if seen, else -1 (never assigns). */
  lookup(s: string): number {
    const n = canonicalDecimal(s);
    if (n < 0) return this.strings.get(s) ?? -1;
    if (n < DIRECT_LIMIT) return n < this.direct.length ? this.direct[n] - 1 : -1;
    return this.bigNumbers.get(n) ?? -1;
  }

  /** Raw ids indexed by dense id: length base + size, with '' at index 0 when base is 1. */
  rawIds(): string[] {
    return this.base === 1 ? ['', ...this.raw] : this.raw.slice();
  }

  private growDirect(n: number): void {
    let len = this.direct.length;
    while (len <= n) len *= 2;
    const next = new Int32Array(Math.min(len, DIRECT_LIMIT));
    next.set(this.direct);
    this.direct = next;
  }
}
