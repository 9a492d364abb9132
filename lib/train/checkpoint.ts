/**
 * Checkpoint files. A checkpoint is a directory written as a whole (fill a temp dir, then swap it
 * in by rename), holding tensor groups and JSON files:
 *   <group>.bin   the tensors' data, concatenated, little-endian (float32 or int32, 4 bytes each)
 *   <group>.json  the manifest: { format, byteLength, sha256, tensors: [{ name, dtype, shape, offset, length }] }
 * Tensors are keyed by the model's variable names (SeqModel.variables), so a checkpoint does not
 * depend on tfjs's global variable numbering. Loading checks the manifest against the data: the
 * size (a truncated file) and the SHA-256 (same-size garbage); manifests written before the
 * checksum existed are checked for size only.
 *
 * Directory swap: rename(dir -> dir.old), rename(tmp -> dir), remove dir.old. A crash between the
 * two renames leaves dir.old complete; resolveDir() finds it. The temp dir is this process's own
 * (util/atomic.ts tempPath) and is removed when filling fails; other processes' temps are never
 * touched here.
 */
import * as tf from '@tensorflow/tfjs';
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { tempPath } from '../util/atomic';
import { DataError } from '../util/errors';
import { sha256Hex } from '../util/hash';

export const TENSORS_FORMAT = 'lsrm-tensors/1';

/** One tensor in a group manifest; offset and length in bytes. */
export interface TensorEntry {
  readonly name: string;
  readonly dtype: 'float32' | 'int32';
  readonly shape: readonly number[];
  readonly offset: number;
  readonly length: number;
}

/** A group manifest (`<group>.json`); byteLength and sha256 describe `<group>.bin`. */
export interface TensorManifest {
  readonly format: string;
  readonly byteLength?: number;
  readonly sha256?: string;
  readonly tensors: readonly TensorEntry[];
}

/** A checkpoint file that is missing, unreadable, truncated or fails its checksum. */
export class CorruptFileError extends DataError {
  constructor(readonly problem: string, file: string) {
    super(problem, file);
  }
}

/**
 * Fill a directory atomically: `fill(tmpDir)` writes the files, then tmpDir replaces `dir`.
 * A reader (or a resumed run) never sees a half-written checkpoint.
 */
export function writeDirAtomic(dir: string, fill: (tmpDir: string) => void): void {
  const tmp = tempPath(dir);
  const old = `${dir}.old`;
  mkdirSync(dirname(dir), { recursive: true });
  try {
    mkdirSync(tmp);
    fill(tmp);
    if (existsSync(dir)) {
      rmSync(old, { recursive: true, force: true });
      renameSync(dir, old);
    }
    renameSync(tmp, dir);
  } catch (err) {
    rmSync(tmp, { recursive: true, force: true });
    throw err;
  }
  rmSync(old, { recursive: true, force: true });
}

/** The complete version of a checkpoint dir: `dir`, or `dir.old` after a crash mid-swap; else undefined. */
export function resolveDir(dir: string): string | undefined {
  if (existsSync(dir)) return dir;
  if (existsSync(`${dir}.old`)) return `${dir}.old`;
  return undefined;
}

/** Write a tensor group `<group>.bin` + `<group>.json` into `dir` (synchronous reads of the data). */
export function saveTensors(dir: string, group: string, tensors: ReadonlyMap<string, tf.Tensor>): void {
  const entries: TensorEntry[] = [];
  const parts: Uint8Array[] = [];
  let offset = 0;
  for (const [name, x] of tensors) {
    if (x.dtype !== 'float32' && x.dtype !== 'int32') throw new Error(`saveTensors: '${name}' has dtype ${x.dtype}; only float32 and int32 are stored`);
    const data = x.dataSync() as Float32Array | Int32Array;
    const bytes = new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
    entries.push({ name, dtype: x.dtype, shape: x.shape, offset, length: bytes.byteLength });
    parts.push(bytes);
    offset += bytes.byteLength;
  }
  const bin = Buffer.concat(parts);
  writeFileSync(join(dir, `${group}.bin`), bin);
  const manifest: TensorManifest = { format: TENSORS_FORMAT, byteLength: bin.byteLength, sha256: sha256Hex(bin), tensors: entries };
  writeFileSync(join(dir, `${group}.json`), JSON.stringify(manifest, null, 1) + '\n');
}

/** Is `e` a well-formed manifest entry (4-byte elements, length = product of the shape)? */
function isEntry(e: Partial<TensorEntry>): boolean {
  const n = Array.isArray(e.shape) && e.shape.every((d) => Number.isInteger(d) && d >= 0) ? e.shape.reduce((a, d) => a * d, 1) : -1;
  return typeof e.name === 'string' && (e.dtype === 'float32' || e.dtype === 'int32') && Number.isInteger(e.offset) && e.length === 4 * n;
}

/** The checked manifest of a group. @throws CorruptFileError naming `<group>.json` */
function readManifest(dir: string, group: string): TensorManifest {
  const path = join(dir, `${group}.json`);
  const m = loadJson<Partial<TensorManifest>>(dir, `${group}.json`);
  if (m === null || typeof m !== 'object' || m.format !== TENSORS_FORMAT) {
    throw new CorruptFileError(`format '${(m as { format?: unknown } | null)?.format}', expected '${TENSORS_FORMAT}'`, path);
  }
  if (!Array.isArray(m.tensors) || !m.tensors.every(isEntry)) throw new CorruptFileError('is damaged: its tensor list is malformed', path);
  let end = 0;
  for (const e of m.tensors) {
    if (e.offset !== end) throw new CorruptFileError(`is damaged: tensor '${e.name}' starts at byte ${e.offset}, expected ${end}`, path);
    end += e.length;
  }
  if (m.byteLength !== undefined && m.byteLength !== end) throw new CorruptFileError(`is damaged: its tensors take ${end} bytes, its byteLength says ${m.byteLength}`, path);
  return m as TensorManifest;
}

/**
 * Check a tensor group against its manifest (size and SHA-256) and return both.
 * @throws CorruptFileError naming the file that is missing, truncated or damaged
 */
export function verifyTensors(dir: string, group: string): { readonly manifest: TensorManifest; readonly bin: Buffer } {
  const manifest = readManifest(dir, group);
  const binPath = join(dir, `${group}.bin`);
  if (!existsSync(binPath)) throw new CorruptFileError('is missing', binPath);
  const bin = readFileSync(binPath);
  const end = manifest.tensors.reduce((a, e) => a + e.length, 0);
  if (bin.byteLength < end) {
    const e = manifest.tensors.find((t) => t.offset + t.length > bin.byteLength)!;
    throw new CorruptFileError(`truncated (tensor '${e.name}' ends at byte ${e.offset + e.length}, file has ${bin.byteLength})`, binPath);
  }
  if (bin.byteLength > end) throw new CorruptFileError(`is damaged: it has ${bin.byteLength} bytes, its manifest ${group}.json describes ${end}`, binPath);
  if (manifest.sha256 !== undefined && sha256Hex(bin) !== manifest.sha256) {
    throw new CorruptFileError(`is damaged: its SHA-256 does not match the one in ${group}.json (same size, different bytes)`, binPath);
  }
  return { manifest, bin };
}

/**
 * Read a tensor group written by saveTensors. The caller owns (and disposes) the tensors.
 * @throws CorruptFileError naming the file when it is missing, of another format, truncated or damaged
 */
export function loadTensors(dir: string, group: string): Map<string, tf.Tensor> {
  const { manifest, bin } = verifyTensors(dir, group);
  const out = new Map<string, tf.Tensor>();
  for (const e of manifest.tensors) {
    const buf = bin.buffer.slice(bin.byteOffset + e.offset, bin.byteOffset + e.offset + e.length); // aligned copy
    const data = e.dtype === 'int32' ? new Int32Array(buf) : new Float32Array(buf);
    out.set(e.name, tf.tensor(data, [...e.shape], e.dtype));
  }
  return out;
}

/**
 * Copy a tensor group byte for byte (e.g. last/best -> checkpoint/weights), after verifying it.
 * @throws CorruptFileError as verifyTensors
 */
export function copyTensors(fromDir: string, fromGroup: string, toDir: string, toGroup: string): TensorManifest {
  const { manifest, bin } = verifyTensors(fromDir, fromGroup);
  writeFileSync(join(toDir, `${toGroup}.bin`), bin);
  writeFileSync(join(toDir, `${toGroup}.json`), JSON.stringify(manifest, null, 1) + '\n');
  return manifest;
}

/** Write a JSON file into a checkpoint dir being filled. */
export function saveJson(dir: string, name: string, value: unknown): void {
  writeFileSync(join(dir, name), JSON.stringify(value, null, 2) + '\n');
}

/**
 * Read a JSON file of a checkpoint (or run) dir.
 * @throws CorruptFileError naming the file when it is missing or not valid JSON
 */
export function loadJson<T>(dir: string, name: string): T {
  const path = join(dir, name);
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    throw new CorruptFileError((err as NodeJS.ErrnoException).code === 'ENOENT' ? 'is missing' : `cannot be read (${(err as Error).message})`, path);
  }
  try {
    return JSON.parse(text) as T;
  } catch (err) {
    throw new CorruptFileError(`is not valid JSON (${(err as Error).message}${text.length === 0 ? '; the file is empty' : ''})`, path);
  }
}
