/**
 * Streaming line reader shared by the loaders: plain or gzip files (gzip detected by its magic
 * bytes 1f 8b, not by the file name), read in large chunks and handed out as byte ranges of a
 * Buffer, so the hot loop makes no per-line string. Lines end in \n or \r\n; a UTF-8 byte-order
 * mark at the start of the file is skipped; a last line without a newline still counts.
 * The first KB is checked to be text (sniffText): a binary file (a zip archive, an image, a
 * model checkpoint) is refused with what it looks like, never echoed.
 */
import { closeSync, createReadStream, existsSync, openSync, readSync, statSync } from 'node:fs';
import { createGunzip } from 'node:zlib';
import { DataError } from '../../util/errors';

/** Bytes per read; large enough that per-chunk overhead vanishes, small enough to stay lean. */
const CHUNK_BYTES = 4 << 20;

/** Called once per line with the line's bytes buf[start, end) (newline excluded) and its 1-based number. */
export type LineHandler = (buf: Buffer, start: number, end: number, line: number) => void;

/**
 * Throw a DataError unless `path` is an existing regular file.
 * @param what what the file is, for the message (e.g. 'MovieLens ratings file')
 */
export function requireFile(path: string, what: string, fix?: string): void {
  if (!existsSync(path)) {
    throw new DataError(
      `${what} not found. ${fix ?? 'Check the path, or download the data first (see data/README.md).'}`,
      path,
    );
  }
  if (!statSync(path).isFile()) throw new DataError(`${what} must be a file, but this is a folder.`, path);
}

/** True if the file starts with the gzip magic bytes 1f 8b. */
export function isGzipFile(path: string): boolean {
  const fd = openSync(path, 'r');
  try {
    const head = Buffer.alloc(2);
    const n = readSync(fd, head, 0, 2, 0);
    return n === 2 && head[0] === 0x1f && head[1] === 0x8b;
  } finally {
    closeSync(fd);
  }
}

/** The file's bytes as chunks (decompressed if gzip). */
export async function* readChunks(path: string): AsyncGenerator<Buffer> {
  if (isGzipFile(path)) {
    const gunzip = createReadStream(path, { highWaterMark: 1 << 20 }).pipe(createGunzip({ chunkSize: 1 << 20 }));
    try {
      for await (const chunk of gunzip) yield chunk as Buffer;
    } catch (err) {
      throw new DataError(
        `could not decompress gzip data (${(err as Error).message}). The file is damaged or truncated: download it again.`,
        path,
      );
    }
    return;
  }
  const fd = openSync(path, 'r');
  try {
    for (;;) {
      const buf = Buffer.allocUnsafe(CHUNK_BYTES); // fresh each time: the caller may keep a tail of it
      const n = readSync(fd, buf, 0, CHUNK_BYTES, null);
      if (n === 0) return;
      yield buf.subarray(0, n);
    }
  } finally {
    closeSync(fd);
  }
}

/** Bytes of the start of a file that sniffText looks at. */
export const SNIFF_BYTES = 1024;

/**
 * What the start of a file looks like if it is not text, or undefined for text: a zip archive,
 * UTF-16 text, NUL bytes, or mostly bytes that are neither UTF-8 nor printable. Latin-1 text
 * with accented letters still passes (fewer than 30% bad characters).
 */
export function sniffText(head: Uint8Array): { what: string; fix: string } | undefined {
  const b = head.subarray(0, SNIFF_BYTES);
  if (b[0] === 0x50 && b[1] === 0x4b && b[2] === 0x03 && b[3] === 0x04) return { what: 'a zip archive', fix: 'extract it and give the data file inside, or its folder' };
  if ((b[0] === 0xff && b[1] === 0xfe) || (b[0] === 0xfe && b[1] === 0xff)) return { what: 'UTF-16 text', fix: 'save it as UTF-8 text' };
  if (b.includes(0)) return { what: `NUL bytes in the first ${b.length} bytes`, fix: 'check that the path names the data file' };
  const text = new TextDecoder('utf-8').decode(b);
  let bad = 0;
  for (const ch of text) {
    const c = ch.charCodeAt(0);
    if (ch === '\ufffd' || (c < 32 && c !== 9 && c !== 10 && c !== 13 && c !== 12) || c === 127) bad++;
  }
  if (bad > 0.3 * text.length) return { what: `${bad} of the first ${text.length} characters are not UTF-8 text`, fix: 'check that the path names the data file' };
  return undefined;
}

/**
 * Where the text of a file starts (3 past a UTF-8 byte-order mark, else 0), given its first bytes.
 * @throws DataError if the start looks binary (sniffText), naming what the file should hold
 */
export function textStart(path: string, head: Buffer, expected: string): number {
  const pos = head.length >= 3 && head[0] === 0xef && head[1] === 0xbb && head[2] === 0xbf ? 3 : 0;
  const binary = sniffText(head.subarray(pos, pos + SNIFF_BYTES));
  if (binary) throw new DataError(`looks like a binary file (${binary.what}); expected ${expected}. Fix: ${binary.fix}.`, path);
  return pos;
}

/**
 * Called with whole lines buf[start, end): `end` is just past a newline, or, for the last
 * line of a file without a final newline, the end of that line. Returns how many lines
 * (newlines, plus that last line) the block held; its first line is number `firstLine`.
 */
export type BlockHandler = (buf: Buffer, start: number, end: number, firstLine: number) => number;

/** A BlockHandler calling `onLine` for each line (the newline and a \r before it excluded). */
export function linesOf(onLine: LineHandler): BlockHandler {
  return (buf, start, end, firstLine) => {
    let line = firstLine;
    let pos = start;
    while (pos < end) {
      let nl = buf.indexOf(10, pos);
      if (nl < 0 || nl >= end) nl = end; // the last line of a file without a final newline
      const e = nl > pos && buf[nl - 1] === 13 ? nl - 1 : nl;
      onLine(buf, pos, e, line++);
      pos = nl + 1;
    }
    return line - firstLine;
  };
}

/**
 * Call `onBlock` for the file's lines, in order, a block of whole lines at a time (see
 * BlockHandler; forEachLine gives them one by one): each read chunk up to its last newline,
 * the cut line carried over to the next. Returns the number of lines.
 * @param expected what the file should hold, for the message when it is binary, e.g.
 *   'a text file with rows like user<TAB>item<TAB>rating<TAB>timestamp (MovieLens u.data)'
 * @throws DataError if the file is missing, binary, or its gzip stream is damaged
 */
export async function forEachBlock(path: string, onBlock: BlockHandler, expected = 'a text file'): Promise<number> {
  let carry: Buffer | null = null;
  let lines = 0;
  let isFirst = true;
  for await (const chunk of readChunks(path)) {
    const buf: Buffer = carry ? Buffer.concat([carry, chunk]) : chunk;
    const pos = isFirst ? textStart(path, buf, expected) : 0;
    isFirst = false;
    const last = buf.lastIndexOf(10);
    if (last >= pos) lines += onBlock(buf, pos, last + 1, lines + 1);
    const rest = Math.max(pos, last + 1);
    carry = rest < buf.length ? buf.subarray(rest) : null;
  }
  return carry ? lines + onBlock(carry, 0, carry.length, lines + 1) : lines;
}

/**
 * Call `onLine` for every line of the file, in order. Returns the number of lines.
 * @throws DataError if the file is missing, binary, or its gzip stream is damaged
 */
export function forEachLine(path: string, onLine: LineHandler, expected = 'a text file'): Promise<number> {
  return forEachBlock(path, linesOf(onLine), expected);
}

/**
 * Call `onBlock` for the lines of bytes [from, to) of a plain (not gzip) file, numbering lines
 * from 1 within the range; `from` must be a line start and `to` a line start or the file's end.
 * The parallel parser (./parallel.ts) gives each worker one such range. One buffer is reused:
 * the unfinished last line moves to its front before the next read (no copy of whole chunks).
 * Returns the line count.
 */
export function forEachBlockInRange(path: string, from: number, to: number, onBlock: BlockHandler): number {
  const fd = openSync(path, 'r');
  let buf = Buffer.allocUnsafe(Math.min(CHUNK_BYTES, Math.max(1, to - from)));
  let have = 0;
  let lines = 0;
  try {
    for (let at = from; at < to; ) {
      if (have === buf.length) buf = Buffer.concat([buf, Buffer.allocUnsafe(buf.length)]); // a line longer than the buffer
      const n = readSync(fd, buf, have, Math.min(buf.length - have, to - at), at);
      if (n === 0) break; // the file shrank under us: parse what there is
      at += n;
      have += n;
      const last = buf.lastIndexOf(10, have - 1);
      if (last < 0) continue;
      lines += onBlock(buf, 0, last + 1, lines + 1);
      buf.copyWithin(0, last + 1, have);
      have -= last + 1;
    }
  } finally {
    closeSync(fd);
  }
  return have > 0 ? lines + onBlock(buf, 0, have, lines + 1) : lines;
}
