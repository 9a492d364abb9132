/**
 * InteractionBuilder: the accumulator every loader writes rows into. It owns the id maps
 * (lib/data/ids.ts), growable typed columns, item domains, and the strict/lenient bad-row rule:
 * strict (default) throws a DataError naming file:line, the problem and the fix; lenient counts
 * the row as skipped and keeps the first few reasons as warnings. finish() applies the
 * duplicate rule (./dedupe.ts) and returns a LoadResult.
 */
import { DataError } from '../../util/errors';
import type { Interactions } from '../types';
import { IdMap } from '../ids';
import { dropMasked, findDuplicates, type DuplicateMask } from './dedupe';
import type { DuplicateRule, LoadResult } from './types';

/** How many skipped-row reasons are kept as warnings (the count is always exact). */
export const MAX_ROW_WARNINGS = 5;
/** Appended to every bad-row message. */
export const LENIENT_HINT = 'or skip malformed rows with --lenient (lsrm data, train and eval) or { lenient: true } (loadSource and the loaders)';

/** Collects rows from one or more files into columns. */
export class InteractionBuilder {
  readonly users = new IdMap(0);
  readonly items = new IdMap(1);
  readonly files: string[] = [];
  readonly warnings: string[] = [];
  skippedRows = 0;
  private user: Int32Array = new Int32Array(1 << 16);
  private item: Int32Array = new Int32Array(1 << 16);
  private time: Float64Array = new Float64Array(1 << 16);
  private n = 0;
  private itemDomain = new Int32Array(1024).fill(-1);
  private readonly domains: string[] = [];
  private readonly domainIndex = new Map<string, number>();
  /** The columns' room past n was never written (zero pages the kernel has not handed out yet). */
  private isSpareUntouched = false;
  /** Duplicate mask of the first `rows` rows, found by the caller (the parallel parser). */
  private known: { dup: DuplicateMask; rows: number } | undefined;

  constructor(readonly isLenient: boolean) {}

  /** Number of rows so far. */
  get length(): number {
    return this.n;
  }

  /** Append one row (dense ids). */
  push(user: number, item: number, time: number): void {
    if (this.n === this.user.length) this.grow();
    this.user[this.n] = user;
    this.item[this.n] = item;
    this.time[this.n] = time;
    this.n++;
  }

  /**
   * Append rows given as columns of dense ids (the parallel parser's merge). The columns grow
   * to fit exactly, so a load made of one bulk append is handed over by finish() without a copy.
   */
  appendColumns(user: Int32Array, item: Int32Array, time: Float64Array): void {
    this.reserve(user.length);
    this.user.set(user, this.n);
    this.item.set(item, this.n);
    this.time.set(time, this.n);
    this.n += user.length;
  }

  /**
   * Take over columns whose first `rows` rows are the whole load so far, without a copy: the
   * parallel parser's first range, in columns sized for the whole file, whose room past `rows`
   * takes the later ranges. Never-written room costs no memory, so finish() hands out views
   * instead of exact-length copies.
   */
  adoptColumns(user: Int32Array, item: Int32Array, time: Float64Array, rows: number): void {
    if (this.n !== 0) throw new Error(`adoptColumns: the builder already has ${this.n} rows`);
    if (item.length !== user.length || time.length !== user.length || rows > user.length) throw new RangeError('adoptColumns: columns of different lengths, or fewer than rows');
    [this.user, this.item, this.time, this.n] = [user, item, time, rows];
    this.isSpareUntouched = true;
  }

  /** Make room for `extra` more rows (exactly that much). */
  reserve(extra: number): void {
    if (this.n + extra > this.user.length) this.resize(this.n + extra);
  }

  /**
   * Record the duplicate mask of all rows so far (the parallel parser finds it in its workers);
   * finish() uses it unless rows were added since.
   */
  setDuplicates(dup: DuplicateMask): void {
    if (dup.mask.length !== this.n) throw new RangeError(`setDuplicates: mask of ${dup.mask.length} rows for ${this.n} rows`);
    this.known = { dup, rows: this.n };
  }

  /** Count `count` malformed rows that were skipped without a warning of their own (lenient mode). */
  countSkipped(count: number): void {
    this.skippedRows += count;
  }

  /** Report a malformed row: throws in strict mode, counts it in lenient mode. */
  bad(file: string, line: number, problem: string, fix: string): void {
    if (!this.isLenient) throw new DataError(`${problem}. Fix: ${fix}, ${LENIENT_HINT}.`, file, line);
    this.skippedRows++;
    if (this.skippedRows <= MAX_ROW_WARNINGS) this.warnings.push(`skipped ${file}:${line}: ${problem}`);
  }

  /** Index of a domain name, adding it if new. */
  domainId(name: string): number {
    let d = this.domainIndex.get(name);
    if (d === undefined) {
      d = this.domains.length;
      this.domains.push(name);
      this.domainIndex.set(name, d);
    }
    return d;
  }

  /** Give dense item `item` the domain `domain` unless it already has one (first label wins). */
  setItemDomain(item: number, domain: number): void {
    if (item >= this.itemDomain.length) {
      let len = this.itemDomain.length;
      while (len <= item) len *= 2;
      const next = new Int32Array(len).fill(-1);
      next.set(this.itemDomain);
      this.itemDomain = next;
    }
    if (this.itemDomain[item] < 0) this.itemDomain[item] = domain;
  }

  /** Give every item of rows [from, to) the domain `domain`, unless it already has one. */
  setDomainForRows(from: number, to: number, domain: number): void {
    for (let r = from; r < to; r++) this.setItemDomain(this.item[r], domain);
  }

  /** Apply the duplicate rule and freeze the result. */
  finish(duplicates: DuplicateRule = 'first'): LoadResult {
    const numUsers = this.users.size;
    const numItems = this.items.size;
    let user: Int32Array = this.user.subarray(0, this.n);
    let item: Int32Array = this.item.subarray(0, this.n);
    let time: Float64Array = this.time.subarray(0, this.n);
    const dup = this.known?.rows === this.n ? this.known.dup : findDuplicates(user, item, time, numUsers);
    if (duplicates === 'first' && dup.count > 0) ({ user, item, time } = dropMasked(user, item, time, dup.mask, dup.count));
    else if (this.n < this.user.length && !this.isSpareUntouched) [user, item, time] = [user.slice(), item.slice(), time.slice()]; // exact-length copies
    // else hand the columns over: exactly full, or spare room that takes no memory (a later push or append never writes into what was handed out)
    const interactions: Interactions = {
      user, item, time, numUsers, numItems,
      vocab: {
        userIds: this.users.rawIds(),
        itemIds: this.items.rawIds(),
        ...(this.domains.length > 0 ? { itemDomain: this.domainColumn(numItems), domains: this.domains.slice() } : {}),
      },
    };
    const warnings = this.warnings.slice();
    if (this.skippedRows > MAX_ROW_WARNINGS) warnings.push(`... ${this.skippedRows} malformed rows skipped in total`);
    return { interactions, skippedRows: this.skippedRows, duplicateRows: dup.count, warnings, files: this.files.slice() };
  }

  private domainColumn(numItems: number): Int32Array {
    const out = new Int32Array(numItems + 1).fill(-1);
    out.set(this.itemDomain.subarray(0, Math.min(this.itemDomain.length, numItems + 1)));
    out[0] = -1;
    return out;
  }

  private grow(): void {
    this.resize(this.user.length * 2);
  }

  private resize(len: number): void {
    this.isSpareUntouched = false;
    const u = new Int32Array(len);
    u.set(this.user.subarray(0, this.n));
    this.user = u;
    const i = new Int32Array(len);
    i.set(this.item.subarray(0, this.n));
    this.item = i;
    const t = new Float64Array(len);
    t.set(this.time.subarray(0, this.n));
    this.time = t;
  }
}
