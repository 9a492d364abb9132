/**
 * Hashing: stable (key-sorted) JSON of configs, short config hashes for store keys, and
 * SHA-256 of text or files (dataset checksums).
 */
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';

/**
 * JSON with object keys sorted at every level: equal configs give equal strings.
 * `at` names the value in error messages (e.g. 'config.train.lr').
 * @throws on values JSON cannot represent faithfully (undefined, NaN, Infinity, functions,
 *   non-plain objects such as Date)
 * @example stableStringify({ b: 1, a: [2, 1] }) // '{"a":[2,1],"b":1}'
 */
export function stableStringify(value: unknown, at = 'config'): string {
  if (value === null || typeof value === 'string' || typeof value === 'boolean') return JSON.stringify(value);
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw new Error(`${at} is ${value}: configs must be JSON (finite numbers only)`);
    return JSON.stringify(value);
  }
  if (Array.isArray(value)) return `[${value.map((v, i) => stableStringify(v, `${at}[${i}]`)).join(',')}]`;
  if (typeof value === 'object' && Object.getPrototypeOf(value) === Object.prototype) {
    const obj = value as Record<string, unknown>;
    const keys = Object.keys(obj).sort();
    return `{${keys.map((k) => `${JSON.stringify(k)}:${stableStringify(obj[k], `${at}.${k}`)}`).join(',')}}`;
  }
  throw new Error(`${at} is ${value === undefined ? 'undefined' : typeof value === 'object' ? 'a non-plain object' : `a ${typeof value}`}: configs must be plain JSON`);
}

/**
 * SHA-256 (hex) of a string (UTF-8) or bytes.
 * @example sha256Hex('abc') // 'ba7816bf...'
 */
export function sha256Hex(data: string | Uint8Array): string {
  return createHash('sha256').update(data).digest('hex');
}

/**
 * The first 10 hex digits of the SHA-256 of a config's stable JSON: the hash part of a run key.
 * Equal configs (whatever their key order) give equal hashes.
 * @throws as stableStringify
 */
export function configHash(config: unknown): string {
  return sha256Hex(stableStringify(config)).slice(0, 10);
}

/** SHA-256 (hex) of a file, streamed in 1 MiB chunks (constant memory). */
export async function sha256File(path: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(path, { highWaterMark: 1 << 20 })) hash.update(chunk as Buffer);
  return hash.digest('hex');
}
