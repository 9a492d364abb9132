// The parallel parse (lib/data/load/parallel.ts) gives exactly what one sequential pass gives:
// the same rows in the same order, the same dense ids and raw ids, the same counts, warnings
// and DataErrors (file:line). `threads: N` forces N workers whatever the file's size.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { loadAmazon } from '../../../lib/data/load/amazon';
import { loadAtomic } from '../../../lib/data/load/atomic';
import { loadCsv } from '../../../lib/data/load/csv';
import { loadMovieLens } from '../../../lib/data/load/movielens';
import { maxRows, parseRange } from '../../../lib/data/load/parallel-worker';
import { mergeRanges } from '../../../lib/data/load/parallel-merge';
import { InteractionBuilder } from '../../../lib/data/load/builder';
import type { LoadOptions, LoadResult } from '../../../lib/data/load/types';
import { DataError } from '../../../lib/util/errors';
import { makeRng } from '../../../lib/util/rng';
import { tempDir, writeFixture } from './tmp';

type Loader = (path: string, opts?: LoadOptions) => Promise<LoadResult>;

/** `n` rows of random ids, so ids first seen late in the file reappear early in later ranges and vice versa. */
function rows(n: number, row: (u: string, i: string, t: number, k: number) => string, ids = (k: number) => String(k), seed = 1): string[] {
  const rng = makeRng(seed);
  return Array.from({ length: n }, (_, k) => row(ids(1 + rng.int(40)), ids(1 + rng.int(60)), 1000 + rng.int(50), k));
}

/** Load with 1, 2 and 3 threads and check every result equals the sequential one. */
async function assertSame(load: Loader, file: string, opts: LoadOptions = {}): Promise<LoadResult> {
  const seq = await load(file, { ...opts, threads: 1 });
  for (const threads of [2, 3]) assert.deepEqual(await load(file, { ...opts, threads }), seq, `threads ${threads}`);
  return seq;
}

/** The DataError of a sequential load, which every parallel load must repeat exactly. */
async function assertSameError(load: Loader, file: string, opts: LoadOptions = {}): Promise<DataError> {
  const seq = await load(file, { ...opts, threads: 1 }).then(() => undefined, (e: unknown) => e);
  assert.ok(seq instanceof DataError, String(seq));
  for (const threads of [2, 3]) {
    await assert.rejects(load(file, { ...opts, threads }), (e: unknown) => e instanceof DataError && e.message === seq.message && e.line === seq.line && e.file === seq.file);
  }
  return seq;
}

const ids = (k: number) => `id-${k}`;
const formats: { name: string; file: string; load: Loader; text: string }[] = [
  { name: 'u.data (tab, numeric ids, blank lines)', file: 'u.data', load: loadMovieLens, text: rows(300, (u, i, t, k) => `${u}\t${i}\t3\t${t}${k % 37 === 0 ? '\n' : ''}`).join('\n') + '\n' },
  { name: 'ratings.dat (two-byte delimiter, CRLF, no final newline)', file: 'ratings.dat', load: loadMovieLens, text: rows(300, (u, i, t) => `${u}::${i}::4::${t}`).join('\r\n') },
  { name: 'ratings.csv (BOM, header, decimal times, leading zeros)', file: 'ratings.csv', load: loadMovieLens, text: '\ufeffuserId,movieId,rating,timestamp\n' + rows(300, (u, i, t, k) => `${k % 5 === 0 ? `0${u}` : u},${i},3.5,${k % 7 === 0 ? `${t}.5` : t}`).join('\n') + '\n' },
  { name: 'atomic .inter (string ids)', file: 'x.inter', load: loadAtomic, text: 'user_id:token\titem_id:token\ttimestamp:float\n' + rows(300, (u, i, t) => `${u}\t${i}\t${t}`, ids).join('\n') + '\n' },
  { name: 'generic CSV (quoted and escaped ids, UTF-8)', file: 'log.csv', load: loadCsv, text: 'user,item,time\n' + rows(300, (u, i, t, k) => (k % 3 === 0 ? `"${u}, x","""${i}"" é",${t}` : `${u} é,"${i}",${t}`), ids).join('\n') + '\n' },
  { name: 'Amazon CSV (no header)', file: 'Books.csv', load: loadAmazon, text: rows(300, (u, i, t) => `B${i},A${u},5.0,${t}`).join('\n') + '\n' },
];

for (const f of formats) {
  test(`${f.name}: parallel = sequential`, async () => {
    const file = writeFixture(tempDir(), f.file, f.text);
    const r = await assertSame(f.load, file, { domains: false });
    assert.ok(r.interactions.user.length >= 290 && r.interactions.numUsers > 30, 'the fixture has rows and ids');
  });
}

test('duplicates within and across ranges: same rows dropped, same count, grouped or interleaved users', async () => {
  // grouped by user (few users span a cut) and each user's first row repeated at its end, so a
  // cut inside a user's block puts a duplicate in the next range; plus in-range repeats
  const grouped: string[] = [];
  for (let u = 1; u <= 60; u++) {
    const rowsOfU = Array.from({ length: 8 }, (_, j) => `${u},${(u * 7 + j) % 50},3,${1000 + (j % 5)}`);
    grouped.push(...rowsOfU, rowsOfU[0], rowsOfU[2]);
  }
  const interleaved = rows(400, (u, i, t) => `${u},${Number(i) % 8},3,${1000 + (t % 3)}`);
  for (const [name, lines] of [['grouped', grouped], ['interleaved', interleaved]] as const) {
    const file = writeFixture(tempDir(), 'ratings.csv', `userId,movieId,rating,timestamp\n${lines.join('\n')}\n`);
    for (const duplicates of ['first', 'keep'] as const) {
      const r = await assertSame(loadMovieLens, file, { domains: false, duplicates });
      assert.ok(r.duplicateRows >= (name === 'grouped' ? 120 : 50), `${name}: ${r.duplicateRows} duplicates`);
    }
  }
});

test('headerless generic CSV: the first row sets the field count in every range', async () => {
  const text = rows(200, (u, i, t) => `${t},${i},${u}`).join('\n') + '\n';
  const file = writeFixture(tempDir(), 'raw.csv', text);
  await assertSame(loadCsv, file, { header: false, columns: { user: 2, item: 1, time: 0 } });
  const short = writeFixture(tempDir(), 'short.csv', `\n\n1,2\n${text}`);
  const e = await assertSameError(loadCsv, short, { header: false, columns: { user: 2, item: 1, time: 0 } });
  assert.equal(e.line, 3);
});

test('a bad row deep in the file: the same DataError at the same file:line', async () => {
  const good = rows(400, (u, i, t) => `${u}\t${i}\t3\t${t}`);
  for (const [at, bad, problem] of [[5, '1\t2\t3', /found 3 fields/], [250, '1\t2\t3\tsoon', /timestamp "soon"/], [399, '\t2\t3\t4', /empty user id/]] as const) {
    const lines = good.slice();
    lines[at] = bad;
    lines.splice(100, 0, '', ''); // blank lines before the cut points still count
    const file = writeFixture(tempDir(), 'u.data', lines.join('\n') + '\n');
    const e = await assertSameError(loadMovieLens, file);
    assert.equal(e.line, at < 100 ? at + 1 : at + 3);
    assert.match(e.message, problem);
  }
  // two bad rows in different ranges: the first in file order wins
  const lines = good.slice();
  [lines[30], lines[350]] = ['x', 'y'];
  assert.equal((await assertSameError(loadMovieLens, writeFixture(tempDir(), 'u.data', lines.join('\n')))).line, 31);
});

test('lenient: the same rows, skipped count and warnings (with their line numbers)', async () => {
  const lines = rows(400, (u, i, t) => `${u},${i},3,${t}`);
  for (const at of [3, 90, 91, 200, 201, 202, 310, 399]) lines[at] = `${at},,3,1`;
  const file = writeFixture(tempDir(), 'ratings.csv', `userId,movieId,rating,timestamp\n${lines.join('\n')}\n`);
  const r = await assertSame(loadMovieLens, file, { lenient: true, domains: false });
  assert.equal(r.skippedRows, 8);
  assert.equal(r.warnings.length, 6);
  assert.equal(r.warnings[0], `skipped ${file}:5: empty item id`);
  assert.equal(r.warnings[4], `skipped ${file}:203: empty item id`);
});

test('binary files and header errors are refused as in the sequential parse; gzip stays sequential', async () => {
  const dir = tempDir();
  const bin = writeFixture(dir, 'u.data', '');
  writeFileSync(bin, Buffer.from(Array.from({ length: 6400 }, (_, k) => (k * 7919 + 13) % 256)));
  assert.match((await assertSameError(loadMovieLens, bin)).message, /looks like a binary file/);
  const header = writeFixture(dir, 'ratings.csv', `user,movie,rating,timestamp\n${'1,2,3,4\n'.repeat(100)}`);
  assert.match((await assertSameError(loadMovieLens, header)).message, /:1: no userId column/);
  const gz = writeFixture(dir, 'g.inter.gz', 'user_id\titem_id\ttimestamp\n' + rows(200, (u, i, t) => `${u}\t${i}\t${t}`).join('\n') + '\n', true);
  await assertSame(loadAtomic, gz);
  const empty = writeFixture(dir, 'e.csv', '\n\n');
  assert.match((await assertSameError(loadCsv, empty)).message, /the file is empty/);
  await assert.rejects(loadCsv(header, { threads: 0 }), /threads must be a positive integer, got 0/);
});

test('Amazon files mixed by user: ids shared across a parallel and a sequential file', async () => {
  const dir = tempDir();
  writeFixture(dir, 'Books.csv', rows(300, (u, i, t) => `B${i},A${u},5.0,${t}`, String, 2).join('\n') + '\n');
  writeFixture(dir, 'Toys_5.json', rows(50, (u, i, t) => JSON.stringify({ reviewerID: `A${u}`, asin: `T${i}`, unixReviewTime: t })).join('\n') + '\n');
  writeFixture(dir, 'Games.csv', rows(300, (u, i, t) => `G${i},A${u},5.0,${t}`, String, 3).join('\n') + '\n');
  const r = await assertSame(loadAmazon, dir);
  assert.deepEqual(r.interactions.vocab.domains, ['Books', 'Games', 'Toys']);
});

test('parseRange: one range alone, local ids, line numbers within the range, row bound', async () => {
  const text = 'u\ti\tt\n7\t9\t1\n8\t9\t2\n\n7\t5\t3\n';
  const file = writeFixture(tempDir(), 'r.tsv', text);
  const from = text.indexOf('\n') + 1;
  const format = { format: 'test', rowShape: 'u<TAB>i<TAB>t', delimiter: Buffer.from('\t'), quotes: false };
  const r = parseRange({ kind: 'lsrm:parse-range', file, from, to: text.length, roomBytes: 0, format, layout: { user: 0, item: 1, time: 2, count: 3 }, isLenient: false });
  assert.deepEqual([...r.columns.user], [0, 1, 0]);
  assert.deepEqual([...r.columns.item], [1, 1, 2]);
  assert.deepEqual([...r.columns.time], [1, 2, 3]);
  assert.equal(r.lines, 4);
  assert.deepEqual(Buffer.from(r.users.bytes).toString(), '78');
  assert.deepEqual([...r.items.ends], [1, 2]);
  // 'a\tb\tc\n' is the shortest row: 6 bytes
  assert.equal(maxRows(12, { user: 0, item: 1, time: 2, count: 3 }, 1), 3);
});

test('mergeRanges: a duplicate just across a cut is found by the shared-user check', async () => {
  // user 2's rows straddle the cut; its row "2,5,3,100" repeats after the cut; user 1 repeats
  // within range 1; 40 more users keep the shared rows under 1/8, so the check runs
  const others = (from: number) => Array.from({ length: 20 }, (_, k) => `${from + k},9,3,50\n`).join('');
  const text = `${others(10)}1,4,3,99\n1,4,3,99\n2,5,3,100\n2,6,3,101\n2,5,3,100\n3,7,3,102\n${others(30)}`;
  const file = writeFixture(tempDir(), 'r.csv', text);
  const cut = text.indexOf('2,6');
  const format = { format: 'test', rowShape: 'u,i,r,t', delimiter: Buffer.from(','), quotes: true };
  const layout = { user: 0, item: 1, time: 3, count: 4 };
  const ranges = [[0, cut], [cut, text.length]].map(([from, to]) => parseRange({ kind: 'lsrm:parse-range', file, from, to, roomBytes: from === 0 ? text.length : 0, format, layout, isLenient: false }));
  const b = new InteractionBuilder(false);
  const known = (b as unknown as { known?: unknown });
  mergeRanges(file, 0, ranges, b);
  assert.ok(known.known !== undefined, 'the merge found the duplicates itself');
  const r = b.finish('first');
  assert.equal(r.duplicateRows, 2); // line 22 (within range 1) and line 25 (across the cut)
  assert.deepEqual([...r.interactions.time.subarray(20, 24)], [99, 100, 101, 102]);
  assert.deepEqual([...r.interactions.user.subarray(20, 24)], [20, 21, 21, 22]);
  const seq = await loadCsv(file, { header: false, columns: { user: 0, item: 1, time: 3 }, threads: 1 });
  assert.deepEqual([...seq.interactions.item], [...r.interactions.item]);
  assert.equal(seq.duplicateRows, 2);
});
