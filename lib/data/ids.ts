/**
 * Raw id -> dense id remapping for loaders (see lib/types.ts for the id conventions).
 *
 * Users get dense ids 0, 1, 2, ... and items 1, 2, 3, ... (0 is padding), both in order of
 * first appearance in the file(s). Ids that are canonical decimal integers ("7", "131262", not
 * "007" or "1e3") take a fast path: a direct Int32Array table for small values, so a 20M-row
 * MovieLens file never builds 20M strings. Any other raw id is looked up by its UTF-8 bytes in
 * a ByteKeyMap (open addressing over an arena of key bytes), so string ids (Amazon reviewer
 * ids, ASINs) are not turned into JS strings per row either: a string is made once per new id.
 * All paths share one namespace: internString('42') and internNumber(42) return the same id,
 * and internString('B00X') and internBytes(<bytes of B00X>) too.
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

/** FNV-1a hash of buf[start, end). */
function hashBytes(buf: Uint8Array, start: number, end: number): number {
  let h = 0x811c9dc5;
  for (let i = start; i < end; i++) h = Math.imul(h ^ buf[i], 16777619);
  return h >>> 0;
}

/**
 * A hash map from byte strings to ints: open addressing with linear probing, keys copied
 * into one growing arena. No JS object or string per key.
 * @example const m = new ByteKeyMap(); m.set(Buffer.from('ab'), 0, 2, 7); m.get(Buffer.from('xab'), 1, 3) // 7
 */
export class ByteKeyMap {
  /** Slot pairs [hash, entry index + 1] (0 = empty): a probe reads the hash without a cache miss elsewhere. */
  private table: Int32Array = new Int32Array(2 * 1024);
  private keyStart: Int32Array = new Int32Array(256);
  private keyLen: Int32Array = new Int32Array(256);
  private keyHash: Int32Array = new Int32Array(256);
  private values: Int32Array = new Int32Array(256);
  private arena = new Uint8Array(1 << 16);
  private arenaUsed = 0;
  size = 0;

  /** The value stored for buf[start, end), or -1. */
  get(buf: Uint8Array, start: number, end: number): number {
    const h = hashBytes(buf, start, end) | 0;
    const t = this.table;
    const mask = (t.length >> 1) - 1;
    for (let slot = h & mask; ; slot = (slot + 1) & mask) {
      const k = t[2 * slot + 1] - 1;
      if (k < 0) return -1;
      if (t[2 * slot] === h && this.sameKey(k, buf, start, end)) return this.values[k];
    }
  }

  /** Store `value` for buf[start, end), which must not be present yet. */
  set(buf: Uint8Array, start: number, end: number, value: number): void {
    const n = end - start;
    if (this.size === this.values.length) this.growEntries();
    if (this.arenaUsed + n > this.arena.length) this.growArena(n);
    if (2 * (this.size + 1) > this.table.length >> 1) this.rehash(this.table.length);
    const k = this.size++;
    this.arena.set(buf.subarray(start, end), this.arenaUsed);
    this.keyStart[k] = this.arenaUsed;
    this.keyLen[k] = n;
    this.keyHash[k] = hashBytes(buf, start, end) | 0;
    this.values[k] = value;
    this.arenaUsed += n;
    this.place(k);
  }

  private sameKey(k: number, buf: Uint8Array, start: number, end: number): boolean {
    if (this.keyLen[k] !== end - start) return false;
    const a = this.arena;
    for (let i = 0, j = this.keyStart[k]; i < end - start; i++, j++) if (a[j] !== buf[start + i]) return false;
    return true;
  }

  private place(k: number): void {
    const t = this.table;
    const mask = (t.length >> 1) - 1;
    let slot = this.keyHash[k] & mask;
    while (t[2 * slot + 1] !== 0) slot = (slot + 1) & mask;
    t[2 * slot] = this.keyHash[k];
    t[2 * slot + 1] = k + 1;
  }

  /** Double the number of slots (the array holds two ints per slot). */
  private rehash(length: number): void {
    this.table = new Int32Array(2 * length);
    for (let k = 0; k < this.size; k++) this.place(k);
  }

  private growEntries(): void {
    const grow = (a: Int32Array): Int32Array => {
      const b = new Int32Array(a.length * 2);
      b.set(a);
      return b;
    };
    this.keyStart = grow(this.keyStart);
    this.keyLen = grow(this.keyLen);
    this.keyHash = grow(this.keyHash);
    this.values = grow(this.values);
  }

  private growArena(need: number): void {
    let len = this.arena.length * 2;
    while (len < this.arenaUsed + need) len *= 2;
    const next = new Uint8Array(len);
    next.set(this.arena.subarray(0, this.arenaUsed));
    this.arena = next;
  }
}

/**
 * A growing map from raw ids to dense ints starting at `base` (0 for users, 1 for items).
 * @example const m = new IdMap(1); m.internString('b'); m.internString('a'); m.internString('b'); // 1, 2, 1
 */
export class IdMap {
  /** direct[n] = dense id + 1 of the canonical decimal n (0 = not seen). */
  private direct = new Int32Array(1024);
  private readonly bigNumbers = new Map<number, number>();
  private readonly strings = new ByteKeyMap();
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
    const bytes = Buffer.from(s, 'utf8');
    return this.internOther(bytes, 0, bytes.length, s);
  }

  /** Dense id of the raw id written in buf[start, end) as UTF-8. */
  internBytes(buf: Buffer, start: number, end: number): number {
    const n = canonicalDecimalBytes(buf, start, end);
    if (n >= 0) return this.internNumber(n);
    return this.internOther(buf, start, end);
  }

  /** Dense id of `s` if seen, else -1 (never assigns). */
  lookup(s: string): number {
    const n = canonicalDecimal(s);
    if (n < 0) {
      const bytes = Buffer.from(s, 'utf8');
      return this.strings.get(bytes, 0, bytes.length);
    }
    if (n < DIRECT_LIMIT) return n < this.direct.length ? this.direct[n] - 1 : -1;
    return this.bigNumbers.get(n) ?? -1;
  }

  /** Non-decimal ids: look up by bytes; make the JS string only for a new id. */
  private internOther(buf: Buffer, start: number, end: number, text?: string): number {
    const hit = this.strings.get(buf, start, end);
    if (hit >= 0) return hit;
    const id = this.base + this.raw.length;
    this.raw.push(text ?? buf.toString('utf8', start, end));
    this.strings.set(buf, start, end, id);
    return id;
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
