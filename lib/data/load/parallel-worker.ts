/**
 * The parse worker of ./parallel.ts: parses one byte range of a plain delimited file with the
 * same row step as the sequential parser (./rows.ts) into local columns. Ids are interned into
 * local dense ids (users from 0, items from 1, in order of first appearance in the range), and
 * the key bytes of each new id are recorded in that order, so the main thread can map local
 * ids to global ones exactly as one sequential pass would have numbered them. Line numbers
 * are 1-based within the range; the main thread adds the lines of the ranges before it. The
 * worker also marks the rows that repeat an earlier row of its range (./dedupe.ts), which
 * ./parallel-merge.ts completes across ranges.
 * Run as a worker (workerData = a RangeTask) it posts its RangeResult, transferring the columns.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { IdMap } from '../ids';
import { MAX_ROW_WARNINGS } from './builder';
import { findDuplicates } from './dedupe';
import { forEachBlockInRange } from './read';
import { makeBlockParser, type FieldLayout, type IdInterner, type RowFormat, type RowSink } from './rows';

/** What one worker parses. */
export interface RangeTask {
  readonly kind: 'lsrm:parse-range';
  readonly file: string;
  /** Bytes [from, to): from is a line start, to a line start or the end of the file. */
  readonly from: number;
  readonly to: number;
  /** Bytes whose rows the columns must have room for: the range's, or more (see mergeRanges). */
  readonly roomBytes: number;
  readonly format: RowFormat;
  /** Resolved layout (count > 0). */
  readonly layout: FieldLayout;
  readonly isLenient: boolean;
}

/** Key bytes of the new ids of a range, in local id order: id k's key is bytes[ends[k-1], ends[k]). */
export interface IdKeys {
  readonly bytes: Uint8Array;
  readonly ends: Int32Array;
}

/** Parsed rows, in local ids. */
export interface RowColumns {
  readonly user: Int32Array;
  readonly item: Int32Array;
  readonly time: Float64Array;
}

/** A malformed row, numbered within the range. */
export interface BadRow {
  readonly line: number;
  readonly problem: string;
  readonly fix: string;
}

/** What one worker returns. */
export interface RangeResult {
  readonly columns: RowColumns;
  /** Rows repeating an earlier (user, item, time) row of the same range (./dedupe.ts). */
  readonly duplicates: Uint8Array;
  readonly duplicateCount: number;
  /** Lines in the range (meaningless once a strict parse stopped at a bad row). */
  readonly lines: number;
  readonly users: IdKeys;
  readonly items: IdKeys;
  /** The first few malformed rows (strict mode: the first, where parsing stopped). */
  readonly bad: BadRow[];
  /** All malformed rows skipped (lenient). */
  readonly skipped: number;
}

/** An IdMap that also records the key bytes of every new id, in id order. */
class RecordingIds implements IdInterner {
  readonly map: IdMap;
  private bytes = new Uint8Array(1 << 12);
  private used = 0;
  private ends = new Int32Array(1 << 10);
  /** Ids recorded so far (= map.size after each call). */
  private count = 0;

  constructor(base: 0 | 1) {
    this.map = new IdMap(base);
  }

  internBytes(buf: Buffer, start: number, end: number): number {
    const before = this.map.size;
    const id = this.map.internBytes(buf, start, end);
    if (this.map.size !== before) this.record(buf, start, end);
    return id;
  }

  internString(s: string): number {
    const before = this.map.size;
    const id = this.map.internString(s);
    if (this.map.size !== before) {
      const b = Buffer.from(s, 'utf8'); // the key an IdMap looks up a string by
      this.record(b, 0, b.length);
    }
    return id;
  }

  internNumber(n: number): number {
    const id = this.map.internNumber(n);
    if (id === this.map.base + this.count) {
      const b = Buffer.from(String(n), 'latin1'); // a new id (ids are handed out in order): a canonical decimal's own bytes
      this.record(b, 0, b.length);
    }
    return id;
  }

  keys(): IdKeys {
    return { bytes: this.bytes.slice(0, this.used), ends: this.ends.slice(0, this.map.size) };
  }

  private record(buf: Uint8Array, start: number, end: number): void {
    const k = this.count++;
    if (this.used + end - start > this.bytes.length) this.bytes = grown(this.bytes, this.used + end - start);
    if (k >= this.ends.length) this.ends = grown(this.ends, k + 1);
    this.bytes.set(buf.subarray(start, end), this.used);
    this.used += end - start;
    this.ends[k] = this.used;
  }
}

function grown<T extends Uint8Array | Int32Array>(a: T, need: number): T {
  let len = a.length * 2;
  while (len < need) len *= 2;
  const out = new (a.constructor as new (n: number) => T)(len);
  out.set(a);
  return out;
}

/** Thrown by a strict sink to stop at the first bad row. */
const STOP = Symbol('stop');

/**
 * Most rows a range of `bytes` bytes can hold: a row that is kept has its three fields
 * non-empty, count - 1 delimiters and a newline (the last line may lack it).
 */
export function maxRows(bytes: number, layout: FieldLayout, delimiterBytes: number): number {
  return Math.floor(bytes / (3 + (layout.count - 1) * delimiterBytes + 1)) + 1;
}

/**
 * Rows into columns sized for the most rows of RangeTask.roomBytes (maxRows): one allocation,
 * no doubling copies. Large allocations are fresh zero pages that the kernel hands out only
 * when written, so only the rows written take memory, and it all goes back to the system when
 * the columns are freed (many smaller blocks, freed from another thread, stayed in this
 * thread's malloc arena: 290 MB more RSS at 20M rows). The first range's columns, sized for
 * the whole file, become the load's columns (InteractionBuilder.adoptColumns).
 */
class RangeSink implements RowSink {
  readonly users = new RecordingIds(0);
  readonly items = new RecordingIds(1);
  readonly badRows: BadRow[] = [];
  skipped = 0;
  rows = 0;
  private readonly user: Int32Array;
  private readonly item: Int32Array;
  private readonly time: Float64Array;

  constructor(capacity: number, private readonly isLenient: boolean) {
    this.user = new Int32Array(capacity);
    this.item = new Int32Array(capacity);
    this.time = new Float64Array(capacity);
  }

  push(user: number, item: number, time: number): void {
    const r = this.rows++;
    this.user[r] = user;
    this.item[r] = item;
    this.time[r] = time;
  }

  bad(_file: string, line: number, problem: string, fix: string): void {
    this.skipped++;
    if (this.badRows.length < MAX_ROW_WARNINGS) this.badRows.push({ line, problem, fix });
    if (!this.isLenient) throw STOP;
  }

  columns(): RowColumns {
    const n = this.rows;
    return { user: this.user.subarray(0, n), item: this.item.subarray(0, n), time: this.time.subarray(0, n) };
  }
}

/** Parse one range (in this thread; a worker calls this on its task). */
export function parseRange(task: RangeTask): RangeResult {
  const sink = new RangeSink(maxRows(Math.max(task.roomBytes, task.to - task.from), task.layout, task.format.delimiter.length), task.isLenient);
  let lines = 0;
  try {
    lines = forEachBlockInRange(task.file, task.from, task.to, makeBlockParser(task.file, task.format, task.layout, sink));
  } catch (err) {
    if (err !== STOP) throw err;
  }
  const columns = sink.columns();
  const hasStopped = !task.isLenient && sink.badRows.length > 0; // the load fails: skip the work
  const dup = hasStopped ? { mask: new Uint8Array(columns.user.length), count: 0 } : findDuplicates(columns.user, columns.item, columns.time, sink.users.map.size);
  return { columns, duplicates: dup.mask, duplicateCount: dup.count, lines, users: sink.users.keys(), items: sink.items.keys(), bad: sink.badRows, skipped: sink.skipped };
}

/** The buffers a result can hand over without copying. */
export function resultBuffers(r: RangeResult): ArrayBuffer[] {
  const { user, item, time } = r.columns;
  return [r.users.bytes.buffer, r.users.ends.buffer, r.items.bytes.buffer, r.items.ends.buffer, user.buffer, item.buffer, time.buffer, r.duplicates.buffer] as ArrayBuffer[];
}

const task = workerData as RangeTask | undefined;
if (parentPort && task?.kind === 'lsrm:parse-range') {
  const result = parseRange(task); // a failure reaches the main thread as the worker's 'error'
  parentPort.postMessage(result, resultBuffers(result));
}
