/**
 * A PNG remembers what it was rendered from: a tEXt chunk `lsrm-source` holds a hash of the
 * page (or figure spec) that Chromium drew. save.ts re-renders a PNG only when that hash
 * differs from the new source's, so a regeneration with unchanged data leaves the committed
 * PNG byte for byte as it was, whatever fonts the machine has.
 *
 * PNG layout (ISO/IEC 15948): an 8-byte signature, then chunks of
 *   length (4 bytes, big-endian) | type (4 ASCII) | data (length bytes) | CRC-32 of type + data (4).
 * IHDR comes first; tEXt data is `keyword NUL text` (Latin-1) and may sit anywhere before IEND.
 */
import { createHash } from 'node:crypto';

/** The tEXt keyword of the stamp. */
export const STAMP_KEY = 'lsrm-source';

const SIGNATURE = [137, 80, 78, 71, 13, 10, 26, 10];

let crcTable: Uint32Array | undefined;

/**
 * CRC-32 as PNG uses it (reflected polynomial 0xEDB88320, initial and final XOR 0xFFFFFFFF).
 * @example crc32(Buffer.from('IEND')) // 0xAE426082
 */
export function crc32(bytes: Uint8Array): number {
  if (!crcTable) {
    crcTable = new Uint32Array(256);
    for (let n = 0; n < 256; n++) {
      let c = n;
      for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
      crcTable[n] = c >>> 0;
    }
  }
  let c = 0xffffffff;
  for (const b of bytes) c = crcTable[(c ^ b) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

/** 'sha256:<hex>' of a text: the stamp value of a source. */
export function sourceHash(source: string): string {
  return `sha256:${createHash('sha256').update(source, 'utf8').digest('hex')}`;
}

interface Chunk { readonly type: string; readonly start: number; readonly end: number; readonly data: Buffer }

/** The chunks of a PNG. @throws when the bytes are not a PNG or a chunk runs past the end. */
function chunks(png: Buffer): Chunk[] {
  if (png.length < 8 || SIGNATURE.some((b, i) => png[i] !== b)) throw new Error('not a PNG (bad signature)');
  const out: Chunk[] = [];
  for (let at = 8; at < png.length; ) {
    if (at + 12 > png.length) throw new Error(`truncated PNG: chunk header at byte ${at}`);
    const len = png.readUInt32BE(at);
    const end = at + 12 + len;
    if (end > png.length) throw new Error(`truncated PNG: chunk at byte ${at} needs ${len} bytes`);
    out.push({ type: png.toString('latin1', at + 4, at + 8), start: at, end, data: png.subarray(at + 8, at + 8 + len) });
    at = end;
  }
  return out;
}

/** The text of the tEXt chunk with this keyword, or undefined (also for bytes that are no PNG). */
export function readPngText(png: Buffer, key: string = STAMP_KEY): string | undefined {
  let list: Chunk[];
  try {
    list = chunks(png);
  } catch {
    return undefined;
  }
  const prefix = `${key}\0`;
  const hit = list.find((c) => c.type === 'tEXt' && c.data.toString('latin1', 0, prefix.length) === prefix);
  return hit?.data.toString('latin1', prefix.length);
}

/**
 * The PNG with a tEXt chunk `key` = `text` right after IHDR (an older chunk with the same
 * keyword is dropped). Pixels are untouched. Keyword and text must be Latin-1, the keyword
 * 1-79 characters.
 */
export function stampPng(png: Buffer, text: string, key: string = STAMP_KEY): Buffer {
  if (!/^[\x20-\x7e]{1,79}$/.test(key)) throw new Error(`PNG text keyword '${key}' must be 1-79 printable ASCII characters`);
  if (!/^[\x20-\x7e]*$/.test(text)) throw new Error('PNG stamp text must be printable ASCII');
  const list = chunks(png);
  if (list[0]?.type !== 'IHDR') throw new Error('not a PNG: the first chunk is not IHDR');
  const prefix = `${key}\0`;
  const kept = list.filter((c) => !(c.type === 'tEXt' && c.data.toString('latin1', 0, prefix.length) === prefix));
  const body = Buffer.from(`tEXt${prefix}${text}`, 'latin1');
  const chunk = Buffer.alloc(body.length + 8);
  chunk.writeUInt32BE(body.length - 4, 0);
  body.copy(chunk, 4);
  chunk.writeUInt32BE(crc32(body), body.length + 4);
  const parts = kept.map((c) => png.subarray(c.start, c.end));
  return Buffer.concat([png.subarray(0, 8), parts[0], chunk, ...parts.slice(1)]);
}
