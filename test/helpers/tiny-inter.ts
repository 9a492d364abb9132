/**
 * A tiny RecBole atomic file for tests that train through the real loader: 24 users with 9
 * chronological interactions over 12 items, user u's t-th item i{(u + stride·t) mod 12}. The
 * stride varies the data between test files (their expected values were worked on their own one).
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** Write the file at `path` and return the path. */
export function writeTinyInter(path: string, stride: number): string {
  const lines = ['user_id:token\titem_id:token\ttimestamp:float'];
  for (let u = 0; u < 24; u++) for (let t = 0; t < 9; t++) lines.push(`u${u}\ti${(u + stride * t) % 12}\t${t}`);
  writeFileSync(path, lines.join('\n') + '\n');
  return path;
}

/** Write the file as tiny.inter in a fresh temp folder named with `prefix`. */
export function tinyInterIn(prefix: string, stride: number): string {
  return writeTinyInter(join(mkdtempSync(join(tmpdir(), prefix)), 'tiny.inter'), stride);
}
