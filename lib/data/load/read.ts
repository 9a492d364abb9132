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
 * Call `onLine` for every line of the file, in order. Returns the number of lines.
 * @param expected what the file should hold, for the message when it is binary, e.g.
 *   'a text file with rows like user<TAB>item<TAB>rating<TAB>timestamp (MovieLens u.data)'
 * @throws DataError if the file is missing, binary, or its gzip stream is damaged
 */
export async function forEachLine(path: string, onLine: LineHandler, expected = 'a text file'): Promise<number> {
  let carry: Buffer | null = null;
  let line = 0;
  let isFirst = true;
  for await (const chunk of readChunks(path)) {
    const buf: Buffer = carry ? Buffer.concat([carry, chunk]) : chunk;
    let pos = 0;
    if (isFirst) {
      isFirst = false;
      if (buf.length >= 3 && buf[0] === 0xef && buf[1] === 0xbb && buf[2] === 0xbf) pos = 3;
      const binary = sniffText(buf.subarray(pos, pos + SNIFF_BYTES));
      if (binary) throw new DataError(`looks like a binary file (${binary.what}); expected ${expected}. Fix: ${binary.fix}.`, path);
    }
    for (;;) {
      const nl = buf.indexOf(10, pos);
      if (nl < 0) break;
      const end = nl > pos && buf[nl - 1] === 13 ? nl - 1 : nl;
      onLine(buf, pos, end, ++line);
      pos = nl + 1;
    }
    carry = pos < buf.length ? buf.subarray(pos) : null;
  }
  if (carry) {
    const end = carry.length > 0 && carry[carry.length - 1] === 13 ? carry.length - 1 : carry.length;
    onLine(carry, 0, end, ++line);
  }
  return line;
}
