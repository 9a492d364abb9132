/**
 * Parallel parse of a large plain delimited file: the file is cut into one byte range per
 * worker thread at line starts, each worker parses its range (./parallel-worker.ts), and the
 * main thread merges the results so that everything is IDENTICAL to one sequential pass
 * (./delimited.ts): the same rows in the same order, the same dense ids, the same messages.
 *
 * 1. Plan (this thread): sniff the start of the file as the sequential reader does, read the
 *    header (or a headerless file's first row, which sets the field count), then cut the rest
 *    into N ranges, each boundary moved to just after a newline.
 * 2. Parse (N workers): local dense ids in order of first appearance in the range, plus the key
 *    bytes of each new id; malformed rows numbered within the range.
 * 3. Merge (this thread, ./parallel-merge.ts), ranges in file order: bad rows with their line
 *    numbers shifted, ids remapped to the sequential numbering, rows appended, duplicates.
 * Gzip files, small files and unusual heads (a header longer than HEAD_BYTES) stay sequential.
 * Measured on the 20M-row ML-20M-shaped CSV, 2 cores: 2.0 s instead of 4.1-4.3 s (lsrm bench data).
 */
import { closeSync, openSync, readSync, statSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { extname, join } from 'node:path';
import { Worker } from 'node:worker_threads';
import type { InteractionBuilder } from './builder';
import { mergeRanges } from './parallel-merge';
import type { RangeResult, RangeTask } from './parallel-worker';
import { isGzipFile, textStart } from './read';
import { headerNames, layoutFromFirstRow, type DelimitedSpec, type FieldLayout } from './rows';

/** Options of the delimited parser (LoadOptions carries them to every delimited loader). */
export interface ParallelOptions {
  /**
   * Worker threads for a plain (not gzip) file. Default: the machine's cores (at most
   * MAX_THREADS) for files of at least PARALLEL_MIN_BYTES, else none. An explicit value above
   * 1 is used whatever the file's size; 1 parses in the calling thread.
   */
  readonly threads?: number;
}

/** Smaller files parse sequentially by default: starting a worker costs tens of ms. */
export const PARALLEL_MIN_BYTES = 16 << 20;
/** Most workers by default (each holds its range's columns until the merge). */
export const MAX_THREADS = 8;
/** Bytes read to find the header and the first row. */
const HEAD_BYTES = 1 << 20;

/** Where the data rows start and how they look, or undefined to parse sequentially. */
interface Plan {
  readonly layout: FieldLayout;
  readonly dataStart: number;
  /** Lines before dataStart (the header and blank lines before it). */
  readonly linesBefore: number;
  readonly size: number;
}

function readAt(fd: number, at: number, length: number): Buffer {
  const buf = Buffer.allocUnsafe(length);
  return buf.subarray(0, readSync(fd, buf, 0, length, at));
}

/** The next non-blank line of head at or after pos: [start, end, next line start, line number], or undefined if it is cut by the head's end. */
function nextLine(head: Buffer, pos: number, line: number, isWholeFile: boolean): [number, number, number, number] | undefined {
  for (;;) {
    if (pos >= head.length) return undefined;
    let nl = head.indexOf(10, pos);
    if (nl < 0 && !isWholeFile) return undefined;
    if (nl < 0) nl = head.length;
    const end = nl > pos && head[nl - 1] === 13 ? nl - 1 : nl;
    line++;
    if (end > pos) return [pos, end, nl + 1, line];
    pos = nl + 1;
  }
}

/** Step 1 of the header: sniff, header, first row. Throws the sequential parser's DataErrors. */
function planHead(file: string, spec: DelimitedSpec, head: Buffer, size: number): Plan | undefined {
  const isWholeFile = head.length === size;
  let pos = textStart(file, head, `a text file with rows like ${spec.rowShape} (${spec.format})`);
  let line = 0;
  let layout: FieldLayout;
  if (typeof spec.layout === 'function') {
    const h = nextLine(head, pos, line, isWholeFile);
    if (!h || h[2] > head.length) return undefined;
    layout = spec.layout(headerNames(head, h[0], h[1], spec), file);
    [pos, line] = [h[2], h[3]];
  } else layout = spec.layout;
  if (layout.count === 0) {
    const r = nextLine(head, pos, line, isWholeFile);
    if (!r) return undefined;
    layout = layoutFromFirstRow(layout, head, r[0], r[1], spec, file, r[3]);
  }
  return { layout, dataStart: pos, linesBefore: line, size };
}

/** The first line start at or after `at` (the end of the file if none). */
function lineStartFrom(fd: number, at: number, size: number): number {
  if (at <= 0) return 0;
  for (let p = at - 1; p < size; p += 1 << 16) {
    const buf = readAt(fd, p, Math.min(1 << 16, size - p));
    const nl = buf.indexOf(10);
    if (nl >= 0) return p + nl + 1;
  }
  return size;
}

/** Up to n ranges of whole lines covering [plan.dataStart, size); empty ones dropped. */
function cutRanges(fd: number, plan: Plan, n: number): [number, number][] {
  const bounds = [plan.dataStart];
  for (let k = 1; k < n; k++) {
    const target = plan.dataStart + Math.round((k * (plan.size - plan.dataStart)) / n);
    bounds.push(Math.max(bounds[k - 1], lineStartFrom(fd, target, plan.size)));
  }
  bounds.push(plan.size);
  const ranges: [number, number][] = [];
  for (let k = 0; k < n; k++) if (bounds[k + 1] > bounds[k]) ranges.push([bounds[k], bounds[k + 1]]);
  return ranges;
}

/** The worker count for this file, or 1 to parse sequentially. */
function threadsFor(file: string, opts: ParallelOptions): number {
  const asked = opts.threads;
  if (asked !== undefined && (!Number.isInteger(asked) || asked < 1)) throw new RangeError(`threads must be a positive integer, got ${asked}`);
  if (asked === 1) return 1;
  if (asked === undefined && statSync(file).size < PARALLEL_MIN_BYTES) return 1;
  if (isGzipFile(file)) return 1;
  return asked ?? Math.min(MAX_THREADS, availableParallelism());
}

/** Start a worker on `task`; under tsx (tests) the worker registers tsx to load the .ts entry. */
function runWorker(task: RangeTask): { result: Promise<RangeResult>; worker: Worker } {
  const entry = join(__dirname, `parallel-worker${extname(__filename)}`);
  const tsx = entry.endsWith('.ts') ? `require(${JSON.stringify(require.resolve('tsx/cjs/api'))}).register();` : '';
  const worker = new Worker(`${tsx} require(${JSON.stringify(entry)});`, { eval: true, workerData: task });
  const result = new Promise<RangeResult>((resolve, reject) => {
    worker.once('message', resolve);
    worker.once('error', reject);
    worker.once('exit', (code) => reject(new Error(`the parse worker for ${task.file} [${task.from}, ${task.to}) exited with code ${code} before its result`)));
  });
  return { result, worker };
}

/**
 * Parse `file` in worker threads into `b` if it qualifies (see ParallelOptions); false if it
 * does not (the caller parses it sequentially).
 * @throws the sequential parser's DataErrors (binary file, bad header, first bad row at file:line)
 */
export async function parseInParallel(file: string, spec: DelimitedSpec, b: InteractionBuilder, opts: ParallelOptions): Promise<boolean> {
  const threads = threadsFor(file, opts);
  if (threads <= 1) return false;
  const fd = openSync(file, 'r');
  let plan: Plan | undefined;
  let ranges: [number, number][] = [];
  try {
    const size = statSync(file).size;
    plan = planHead(file, spec, readAt(fd, 0, Math.min(HEAD_BYTES, size)), size);
    if (plan) ranges = cutRanges(fd, plan, threads);
  } finally {
    closeSync(fd);
  }
  if (!plan || ranges.length < 2) return false;
  const { layout, size, dataStart } = plan;
  const format = { format: spec.format, rowShape: spec.rowShape, delimiter: spec.delimiter, quotes: spec.quotes };
  // The first range's columns get room for every row of the file: the merge appends the other
  // ranges to them (no copy of the first) when the builder is empty.
  const isFirstOfLoad = (k: number) => k === 0 && b.length === 0;
  const runs = ranges.map(([from, to], k) =>
    runWorker({ kind: 'lsrm:parse-range', file, from, to, roomBytes: isFirstOfLoad(k) ? size - dataStart : to - from, format, layout, isLenient: b.isLenient }));
  try {
    mergeRanges(file, plan.linesBefore, await Promise.all(runs.map((r) => r.result)), b);
  } finally {
    await Promise.all(runs.map((r) => r.worker.terminate()));
  }
  return true;
}
