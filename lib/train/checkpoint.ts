/**
 * Checkpoint files. A checkpoint is a directory written as a whole (fill a temp dir, then swap it
 * in by rename), holding tensor groups and JSON files:
 *   <group>.bin   the tensors' data, concatenated, little-endian (float32 or int32, 4 bytes each)
 *   <group>.json  the manifest: { format, tensors: [{ name, dtype, shape, offset, length }] }
 * Tensors are keyed by the model's variable names (SeqModel.variables), so a checkpoint does not
 * depend on tfjs's global variable numbering.
 *
 * Directory swap: rename(dir -> dir.old), rename(tmp -> dir), remove dir.old. A crash between the
 * two renames leaves dir.old complete; resolveDir() finds it.
 */
import * as tf from '@tensorflow/tfjs';
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';

export const TENSORS_FORMAT = 'lsrm-tensors/1';

/** One tensor in a group manifest; offset and length in bytes. */
export interface TensorEntry {
  readonly name: string;
  readonly dtype: 'float32' | 'int32';
  readonly shape: readonly number[];
  readonly offset: number;
  readonly length: number;
}

/**
 * Fill a directory atomically: `fill(tmpDir)` writes the files, then tmpDir replaces `dir`.
 * A reader (or a resumed run) never sees a half-written checkpoint.
 */
export function writeDirAtomic(dir: string, fill: (tmpDir: string) => void): void {
  const tmp = `${dir}.tmp-${process.pid}`;
  const old = `${dir}.old`;
  // Temp dirs of crashed writers (any pid) are incomplete by construction: remove them.
  mkdirSync(dirname(dir), { recursive: true });
  for (const name of readdirSync(dirname(dir))) {
    if (name.startsWith(`${basename(dir)}.tmp-`)) rmSync(join(dirname(dir), name), { recursive: true, force: true });
  }
  mkdirSync(tmp, { recursive: true });
  fill(tmp);
  if (existsSync(dir)) {
    rmSync(old, { recursive: true, force: true });
    renameSync(dir, old);
  }
  renameSync(tmp, dir);
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
  writeFileSync(join(dir, `${group}.bin`), Buffer.concat(parts));
  writeFileSync(join(dir, `${group}.json`), JSON.stringify({ format: TENSORS_FORMAT, tensors: entries }, null, 1) + '\n');
}

/**
 * Read a tensor group written by saveTensors. The caller owns (and disposes) the tensors.
 * @throws Error naming the file when it is missing, of another format or truncated.
 */
export function loadTensors(dir: string, group: string): Map<string, tf.Tensor> {
  const manifestPath = join(dir, `${group}.json`);
  const binPath = join(dir, `${group}.bin`);
  if (!existsSync(manifestPath) || !existsSync(binPath)) throw new Error(`checkpoint ${dir}: missing ${group}.json or ${group}.bin`);
  const manifest = JSON.parse(readFileSync(manifestPath, 'utf8')) as { format: string; tensors: TensorEntry[] };
  if (manifest.format !== TENSORS_FORMAT) throw new Error(`${manifestPath}: format '${manifest.format}', expected '${TENSORS_FORMAT}'`);
  const bin = readFileSync(binPath);
  const out = new Map<string, tf.Tensor>();
  for (const e of manifest.tensors) {
    if (e.offset + e.length > bin.byteLength) throw new Error(`${binPath}: truncated (tensor '${e.name}' ends at byte ${e.offset + e.length}, file has ${bin.byteLength})`);
    const buf = bin.buffer.slice(bin.byteOffset + e.offset, bin.byteOffset + e.offset + e.length); // aligned copy
    const data = e.dtype === 'int32' ? new Int32Array(buf) : new Float32Array(buf);
    out.set(e.name, tf.tensor(data, [...e.shape], e.dtype));
  }
  return out;
}

/** Write a JSON file into a checkpoint dir being filled. */
export function saveJson(dir: string, name: string, value: unknown): void {
  writeFileSync(join(dir, name), JSON.stringify(value, null, 2) + '\n');
}

/** Read a JSON file of a checkpoint dir. */
export function loadJson<T>(dir: string, name: string): T {
  return JSON.parse(readFileSync(join(dir, name), 'utf8')) as T;
}
