/**
 * Export per-user top-k lists as JSON lines in the ORIGINAL ids of the source data:
 *   {"user": "<raw user id>", "target": "<raw item id>", "topk": ["<raw item id>", ...]}
 * one line per evaluated user, best item first (the order of rank.ts). Raw ids are the
 * strings of split.vocab, so they are written as JSON strings.
 * The file is written to a temp file beside the target in chunks (memory-bounded for 138k
 * users) and renamed over it, so a reader never sees half a file.
 */
import { closeSync, mkdirSync, openSync, renameSync, rmSync, writeSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import type { Vocab } from '../data/types';
import type { EvalResult } from './evaluate';

/** One line (without newline) for row r of an evaluation result with top lists. */
export function formatTopKLine(result: EvalResult, r: number, vocab: Vocab): string {
  const width = result.topkWidth ?? 0;
  if (!result.topk || width === 0) throw new RangeError('formatTopKLine: the result has no top-k lists (evaluate with topk)');
  const list = result.topk.subarray(r * width, (r + 1) * width);
  return JSON.stringify({
    user: vocab.userIds[result.users[r]],
    target: vocab.itemIds[result.targets[r]],
    topk: Array.from(list, (i) => vocab.itemIds[i]),
  });
}

/**
 * Write every user's top list of `result` to `path` as JSON lines, atomically.
 * @throws RangeError when the result has no top lists
 * @example writeTopK('runs/x/top50.jsonl', await evaluateModel(m, split, { split: 'test', topk: 50 }), split.vocab)
 */
export function writeTopK(path: string, result: EvalResult, vocab: Vocab): void {
  if (!result.topk || !result.topkWidth) throw new RangeError('writeTopK: the result has no top-k lists (evaluate with topk)');
  mkdirSync(dirname(path), { recursive: true });
  const tmp = join(dirname(path), `.${basename(path)}.${process.pid}.${Date.now()}.tmp`);
  const fd = openSync(tmp, 'w');
  try {
    const CHUNK = 1000; // lines per write
    for (let start = 0; start < result.users.length; start += CHUNK) {
      const end = Math.min(result.users.length, start + CHUNK);
      const lines: string[] = [];
      for (let r = start; r < end; r++) lines.push(formatTopKLine(result, r, vocab));
      writeSync(fd, lines.join('\n') + '\n');
    }
  } catch (err) {
    closeSync(fd);
    rmSync(tmp, { force: true });
    throw err;
  }
  closeSync(fd);
  renameSync(tmp, path);
}
