/**
 * A small zip reader (PKWARE APPNOTE 6.3): end-of-central-directory record, central
 * directory entries, local headers; entries stored (method 0) or deflated (method 8, zlib
 * inflateRaw), streamed to disk with a CRC-32 check. No zip64, no encryption: the
 * GroupLens archives need neither. Entry names are checked so nothing is written outside the
 * destination folder.
 */
import { closeSync, createReadStream, createWriteStream, fstatSync, mkdirSync, openSync, readSync, writeFileSync } from 'node:fs';
import { dirname, join, normalize } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { createInflateRaw, crc32 } from 'node:zlib';
import { DataError } from '../util/errors';

/** One file in a zip archive, from its central directory. */
export interface ZipEntry {
  readonly name: string;
  readonly method: number;
  readonly crc32: number;
  readonly compressedSize: number;
  readonly size: number;
  readonly localOffset: number;
}

const EOCD_SIG = 0x06054b50;
const CENTRAL_SIG = 0x02014b50;
const LOCAL_SIG = 0x04034b50;

function readAt(fd: number, position: number, length: number): Buffer {
  const buf = Buffer.alloc(length);
  const n = readSync(fd, buf, 0, length, position);
  return buf.subarray(0, n);
}

/**
 * The entries of a zip file, from its central directory.
 * @throws DataError if the file is not a zip, is truncated, or needs zip64
 */
export function readZipDirectory(path: string): ZipEntry[] {
  const fd = openSync(path, 'r');
  try {
    const size = fstatSync(fd).size;
    const tailLen = Math.min(size, 22 + 0xffff);
    const tail = readAt(fd, size - tailLen, tailLen);
    let eocd = -1;
    for (let k = tail.length - 22; k >= 0; k--) if (tail.readUInt32LE(k) === EOCD_SIG) { eocd = k; break; }
    if (eocd < 0) throw new DataError('not a zip file (no end-of-central-directory record): the download is damaged. Fix: delete it and download again.', path);
    const count = tail.readUInt16LE(eocd + 10);
    const cdSize = tail.readUInt32LE(eocd + 12);
    const cdOffset = tail.readUInt32LE(eocd + 16);
    if (count === 0xffff || cdOffset === 0xffffffff) throw new DataError('zip64 archives are not supported. Fix: extract it by hand into this folder.', path);
    const cd = readAt(fd, cdOffset, cdSize);
    const entries: ZipEntry[] = [];
    let p = 0;
    for (let k = 0; k < count; k++) {
      if (p + 46 > cd.length || cd.readUInt32LE(p) !== CENTRAL_SIG) throw new DataError('damaged zip central directory. Fix: delete the file and download again.', path);
      if (cd.readUInt16LE(p + 8) & 1) throw new DataError('encrypted zip entries are not supported.', path);
      const nameLen = cd.readUInt16LE(p + 28);
      entries.push({
        method: cd.readUInt16LE(p + 10),
        crc32: cd.readUInt32LE(p + 16),
        compressedSize: cd.readUInt32LE(p + 20),
        size: cd.readUInt32LE(p + 24),
        localOffset: cd.readUInt32LE(p + 42),
        name: cd.toString('utf8', p + 46, p + 46 + nameLen),
      });
      p += 46 + nameLen + cd.readUInt16LE(p + 30) + cd.readUInt16LE(p + 32);
    }
    return entries;
  } finally {
    closeSync(fd);
  }
}

/** Offset of an entry's data: after its local header, whose name/extra lengths may differ from the central ones. */
function dataOffset(path: string, entry: ZipEntry): number {
  const fd = openSync(path, 'r');
  try {
    const head = readAt(fd, entry.localOffset, 30);
    if (head.length < 30 || head.readUInt32LE(0) !== LOCAL_SIG) throw new DataError(`damaged zip: bad local header for ${entry.name}. Fix: delete the file and download again.`, path);
    return entry.localOffset + 30 + head.readUInt16LE(26) + head.readUInt16LE(28);
  } finally {
    closeSync(fd);
  }
}

/** The entry's path below the destination with the first `strip` folders removed, or null to skip it. */
function outputPath(name: string, strip: number, zipPath: string): string | null {
  const parts = name.split('/').filter((s) => s !== '');
  if (name.startsWith('/') || parts.includes('..') || /^[a-zA-Z]:/.test(name)) {
    throw new DataError(`unsafe entry name "${name}" (absolute or with ..): refusing to extract.`, zipPath);
  }
  if (name.endsWith('/') || parts.length <= strip) return null;
  return normalize(parts.slice(strip).join('/'));
}

/** Extract one entry to `out`, checking its CRC-32 and size. */
async function extractEntry(zipPath: string, entry: ZipEntry, out: string): Promise<void> {
  mkdirSync(dirname(out), { recursive: true });
  if (entry.method !== 0 && entry.method !== 8) throw new DataError(`unsupported compression method ${entry.method} for ${entry.name}. Fix: extract it by hand.`, zipPath);
  if (entry.compressedSize === 0) {
    writeFileSync(out, '');
  } else {
    const start = dataOffset(zipPath, entry);
    const source = createReadStream(zipPath, { start, end: start + entry.compressedSize - 1, highWaterMark: 1 << 20 });
    let crc = 0;
    let size = 0;
    const check = async function* (chunks: AsyncIterable<Buffer>): AsyncGenerator<Buffer> {
      for await (const c of chunks) {
        crc = crc32(c, crc);
        size += c.length;
        yield c;
      }
    };
    const steps = entry.method === 8 ? [source, createInflateRaw(), check] : [source, check];
    try {
      await (pipeline as (...s: unknown[]) => Promise<void>)(...steps, createWriteStream(out));
    } catch (err) {
      throw new DataError(`could not extract ${entry.name} (${(err as Error).message}): the zip is damaged. Fix: delete it and download again.`, zipPath);
    }
    if ((crc >>> 0) !== entry.crc32 || size !== entry.size) {
      throw new DataError(`CRC/size check failed for ${entry.name}: the zip is damaged. Fix: delete it and download again.`, zipPath);
    }
  }
}

/**
 * Extract every file of a zip into `destDir`. If all entries share one top folder (as in
 * `ml-1m/ratings.dat`), that folder is dropped. Returns the written paths relative to destDir.
 * @throws DataError for a damaged, unsafe or unsupported archive
 */
export async function extractZip(zipPath: string, destDir: string): Promise<string[]> {
  const entries = readZipDirectory(zipPath);
  const tops = new Set(entries.map((e) => e.name.split('/')[0]));
  const strip = tops.size === 1 && entries.every((e) => e.name.includes('/')) ? 1 : 0;
  const written: string[] = [];
  for (const entry of entries) {
    const rel = outputPath(entry.name, strip, zipPath);
    if (rel === null) continue;
    await extractEntry(zipPath, entry, join(destDir, rel));
    written.push(rel);
  }
  return written;
}
