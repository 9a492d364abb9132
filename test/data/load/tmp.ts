/** Test helper: write small fixture files (plain or gzip) into a fresh temp folder. */
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { gzipSync } from 'node:zlib';

/** A fresh temp folder. */
export function tempDir(): string {
  return mkdtempSync(join(tmpdir(), 'lsrm-load-'));
}

/** Write `text` to dir/name (gzip-compressed if gz), creating folders; returns the path. */
export function writeFixture(dir: string, name: string, text: string, gz = false): string {
  const path = join(dir, name);
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, gz ? gzipSync(Buffer.from(text)) : text);
  return path;
}

/** Rows as [rawUser, rawItem, time] triples, for readable assertions. */
export function rawRows(x: { user: Int32Array; item: Int32Array; time: Float64Array; vocab: { userIds: readonly string[]; itemIds: readonly string[] } }): [string, string, number][] {
  return Array.from(x.user, (u, r) => [x.vocab.userIds[u], x.vocab.itemIds[x.item[r]], x.time[r]]);
}
