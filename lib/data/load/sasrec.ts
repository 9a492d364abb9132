/**
 * The plain sequence format of SASRec (Kang & McAuley, ICDM 2018), which BERT4Rec and many
 * later repositories reuse: one interaction per line, `user item`, two integer ids separated by
 * white space (spaces or tabs), lines grouped by user and in time order within each user; no
 * timestamps, no ratings, no header. E.g. ../shared/data/amazon-games-sasrec/Video.txt.
 *
 * Time: the order of the lines is the time, so a row's time is its rank among its user's lines
 * (0, 1, 2, ...): sequences come out in file order and have no ties. A user whose lines are not
 * contiguous keeps counting where they left off (file order still holds), with a warning, since
 * the format promises grouped lines and a file that breaks it may be sorted some other way.
 * Plain or gzip. A malformed line is a DataError naming file:line and the fix (lenient: skipped).
 */
import { DataError } from '../../util/errors';
import { InteractionBuilder } from './builder';
import { finishLoad } from './finish';
import { forEachLine, requireFile } from './read';
import { quoteSnippet } from './rows';
import type { LoadOptions, LoadResult } from './types';

const FORMAT = 'SASRec sequence file';
const FIX = 'each line must be `user item`: two integer ids separated by a space, lines grouped by user in time order; correct or delete this line';

/** True for a space or a tab. */
const isBlank = (c: number): boolean => c === 32 || c === 9;

/** The [start, end) ranges of the white-space separated fields of buf[s, e) (at most 3 are recorded). */
function fieldsOf(buf: Buffer, s: number, e: number): [number, number][] {
  const out: [number, number][] = [];
  let p = s;
  while (p < e && out.length < 3) {
    while (p < e && isBlank(buf[p])) p++;
    if (p === e) break;
    const start = p;
    while (p < e && !isBlank(buf[p])) p++;
    out.push([start, p]);
  }
  return out;
}

/** True when buf[s, e) is 1-18 ASCII digits. */
function isDigits(buf: Buffer, s: number, e: number): boolean {
  if (e - s < 1 || e - s > 18) return false;
  for (let p = s; p < e; p++) if (buf[p] < 48 || buf[p] > 57) return false;
  return true;
}

/**
 * Load a SASRec-style `user item` file (see the header).
 * @throws DataError for a missing or binary file, no rows, or (strict) a line that is not two integer ids, at file:line
 * @example await loadSasRec('../shared/data/amazon-games-sasrec/Video.txt') // 287,107 rows, 31,013 users
 */
export async function loadSasRec(path: string, opts: LoadOptions = {}): Promise<LoadResult> {
  requireFile(path, `${FORMAT} (user item per line)`);
  const b = new InteractionBuilder(opts.lenient ?? false);
  b.files.push(path);
  const rank: number[] = []; // next time of each dense user
  let lastUser = -1;
  let regrouped = 0;
  await forEachLine(path, (buf, s, e, line) => {
    const f = fieldsOf(buf, s, e);
    if (f.length === 0) return; // blank lines carry no data
    if (f.length !== 2) return b.bad(path, line, `expected 2 fields (user item) separated by spaces, found ${f.length === 3 ? 'more than 2' : 1}`, FIX);
    for (const [role, [fs, fe]] of [['user', f[0]], ['item', f[1]]] as const) {
      if (!isDigits(buf, fs, fe)) return b.bad(path, line, `${role} id ${quoteSnippet(buf.toString('utf8', fs, fe))} is not an integer id`, FIX);
    }
    const u = b.users.internBytes(buf, f[0][0], f[0][1]);
    const i = b.items.internBytes(buf, f[1][0], f[1][1]);
    if (u !== lastUser && u < rank.length && ++regrouped <= 3) {
      b.warnings.push(`${path}:${line}: user ${buf.toString('utf8', f[0][0], f[0][1])} appears again after other users' lines; their order within the user is kept (file order)`);
    }
    lastUser = u;
    const t = rank[u] ?? 0;
    rank[u] = t + 1;
    b.push(u, i, t);
  }, `a text file of \`user item\` lines (${FORMAT})`);
  if (regrouped > 3) b.warnings.push(`... ${regrouped} times in total a user's lines resume after other users' lines`);
  if (b.length === 0 && b.skippedRows === 0) throw new DataError(`no interactions found: the file holds no \`user item\` lines. Fix: check that this is a ${FORMAT}.`, path);
  return finishLoad(b, opts, path);
}
