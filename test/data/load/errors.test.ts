// Every bad-row message names file:line (1-based), the problem and the fix; lenient mode skips and counts.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { loadAmazon } from '../../../lib/data/load/amazon';
import { loadAtomic } from '../../../lib/data/load/atomic';
import { loadCsv } from '../../../lib/data/load/csv';
import { loadMovieLens } from '../../../lib/data/load/movielens';
import type { LoadOptions, LoadResult } from '../../../lib/data/load/types';
import { DataError } from '../../../lib/util/errors';
import { rawRows, tempDir, writeFixture } from './tmp';

type Loader = (path: string, opts?: LoadOptions) => Promise<LoadResult>;

/** Assert loading rejects with a DataError whose message has file:line, the problem and a fix. */
async function rejectsAt(load: Loader, file: string, line: number, problem: RegExp): Promise<void> {
  await assert.rejects(load(file), (e: unknown) => {
    assert.ok(e instanceof DataError, String(e));
    assert.ok(e.message.startsWith(`${file}:${line}: `), e.message);
    assert.equal(e.file, file);
    assert.equal(e.line, line);
    assert.match(e.message, problem);
    assert.match(e.message, /Fix: .*lenient/);
    return true;
  });
}

const cases: { name: string; file: string; text: string; load: Loader; line: number; problem: RegExp }[] = [
  { name: 'u.data wrong field count', file: 'u.data', text: '1\t2\t3\t4\n1\t2\t3\n', load: loadMovieLens, line: 2, problem: /expected 4 fields separated by tabs, found 3 fields/ },
  { name: 'u.data non-numeric timestamp', file: 'u.data', text: '1\t2\t3\t4\n\n1\t2\t3\tyesterday\n', load: loadMovieLens, line: 3, problem: /timestamp "yesterday" is not a number/ },
  { name: 'u.data empty user id', file: 'u.data', text: '\t2\t3\t4\n', load: loadMovieLens, line: 1, problem: /empty user id/ },
  { name: 'ratings.dat empty item id', file: 'ratings.dat', text: '1::2::3::4\n1::::3::4\n', load: loadMovieLens, line: 2, problem: /empty item id/ },
  { name: 'ratings.dat wrong delimiter', file: 'ratings.dat', text: '1,2,3,4\n', load: loadMovieLens, line: 1, problem: /expected 4 fields separated by "::", found 1 field\b/ },
  { name: 'ratings.csv empty timestamp', file: 'ratings.csv', text: 'userId,movieId,rating,timestamp\n1,2,3,\n', load: loadMovieLens, line: 2, problem: /timestamp "" is not a number/ },
  { name: 'atomic too many fields', file: 'a.inter', text: 'user_id:token\titem_id:token\ttimestamp:float\n1\t2\t3\n1\t2\t3\t4\n', load: loadAtomic, line: 3, problem: /expected 3 fields separated by tabs, found 4/ },
  { name: 'amazon csv unclosed quote', file: 'Books.csv', text: 'B1,U1,5.0,100\n"B2,U1,5.0,101\n', load: loadAmazon, line: 2, problem: /quote that is not closed/ },
  { name: 'amazon json bad JSON', file: 'Toys_5.json', text: '{"reviewerID":"u","asin":"a","unixReviewTime":1}\n{"reviewerID": "u",\n', load: loadAmazon, line: 2, problem: /invalid JSON/ },
  { name: 'amazon json missing asin', file: 'Toys_5.json', text: '{"reviewerID":"u","unixReviewTime":1}\n', load: loadAmazon, line: 1, problem: /missing or empty "asin"/ },
  { name: 'amazon json empty reviewerID', file: 'Toys_5.json', text: '{"reviewerID":"","asin":"a","unixReviewTime":1}\n', load: loadAmazon, line: 1, problem: /"reviewerID"/ },
  { name: 'amazon json bad time', file: 'Toys_5.json', text: '{"reviewerID":"u","asin":"a","unixReviewTime":"soon"}\n', load: loadAmazon, line: 1, problem: /"unixReviewTime" "soon" is not a number/ },
  { name: 'amazon json not an object', file: 'Toys_5.json', text: '[1,2]\n', load: loadAmazon, line: 1, problem: /not a JSON object/ },
  { name: 'generic csv field count', file: 'log.csv', text: 'user,item,time\nu,i,1\nu,i\n', load: loadCsv, line: 3, problem: /expected 3 fields separated by ",", found 2/ },
];

for (const c of cases) {
  for (const gz of [false, true]) {
    test(`${c.name}${gz ? ' (gzip)' : ''}: DataError at ${c.file}:${c.line}`, async () => {
      const file = writeFixture(tempDir(), gz ? `${c.file}.gz` : c.file, c.text, gz);
      await rejectsAt(c.load, file, c.line, c.problem);
    });
  }
}

test('header errors name line 1 and the accepted column names', async () => {
  const dir = tempDir();
  const inter = writeFixture(dir, 'x.inter', 'uid:token\titem_id:token\ttimestamp:float\n1\t2\t3\n');
  await assert.rejects(loadAtomic(inter), (e: unknown) => e instanceof DataError && e.message.startsWith(`${inter}:1: no user id column`) && /user_id/.test(e.message));
  const csv = writeFixture(dir, 'ratings.csv', 'user,movie,rating,timestamp\n1,2,3,4\n');
  await assert.rejects(loadMovieLens(csv), (e: unknown) => e instanceof DataError && e.message.startsWith(`${csv}:1: no userId column`));
  await assert.rejects(loadAtomic(`${dir}/x.txt`), (e: unknown) => e instanceof DataError && /must be a \.inter file/.test(e.message));
});

test('lenient mode skips every bad row, counts it, and keeps the good rows in order', async () => {
  const dir = tempDir();
  // lines 2 (3 fields), 4 (bad time), 5 (empty item) are bad; lines 1, 3, 6 good.
  const file = writeFixture(dir, 'u.data', '1\t10\t5\t100\n1\t11\t5\n2\t10\t5\t101\n2\t12\t5\tx\n3\t\t5\t1\n3\t13\t5\t102\n');
  const r = await loadMovieLens(file, { lenient: true, domains: false });
  assert.equal(r.skippedRows, 3);
  assert.deepEqual(rawRows(r.interactions), [['1', '10', 100], ['2', '10', 101], ['3', '13', 102]]);
  // Bad rows assign no ids: item 11 and 12 never appear.
  assert.deepEqual(r.interactions.vocab.itemIds, ['', '10', '13']);
  assert.equal(r.warnings.length, 3);
  assert.equal(r.warnings[0], `skipped ${file}:2: expected 4 fields separated by tabs, found 3 fields`);
  assert.equal(r.warnings[2], `skipped ${file}:5: empty item id`);
});

test('lenient mode caps the warnings but reports the exact total', async () => {
  const bad = Array.from({ length: 12 }, () => '{oops').join('\n');
  const file = writeFixture(tempDir(), 'Toys_5.json', `{"reviewerID":"u","asin":"a","unixReviewTime":1}\n${bad}\n`);
  const r = await loadAmazon(file, { lenient: true });
  assert.equal(r.skippedRows, 12);
  assert.equal(r.interactions.user.length, 1);
  assert.equal(r.warnings.length, 6); // 5 reasons + the total line
  assert.match(r.warnings[5], /12 malformed rows skipped/);
});

test('a file where every row is bad fails even in lenient mode, saying how many were skipped', async () => {
  const file = writeFixture(tempDir(), 'u.data', 'a\tb\n');
  await assert.rejects(loadMovieLens(file, { lenient: true }), (e: unknown) => e instanceof DataError && /no interactions found.*1 malformed rows were skipped/.test(e.message));
});

// Issue 13, D11: a binary file is refused with what it looks like, never echoed.
const binaries: { name: string; bytes: Buffer; what: RegExp }[] = [
  { name: 'random bytes with NULs', bytes: Buffer.from(Array.from({ length: 6400 }, (_, k) => (k * 7919 + 13) % 256)), what: /NUL bytes in the first 1024 bytes/ },
  { name: 'a zip archive', bytes: Buffer.concat([Buffer.from([0x50, 0x4b, 0x03, 0x04, 0x14, 0x00]), Buffer.from('ml-100k/u.data'.repeat(200))]), what: /a zip archive.*Fix: extract it/ },
  { name: 'UTF-16 text', bytes: Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from('user,item,time\n', 'utf16le')]), what: /UTF-16 text.*Fix: save it as UTF-8/ },
  { name: 'bytes that are not UTF-8', bytes: Buffer.from(Array.from({ length: 3000 }, (_, k) => 0x80 + (k % 120))), what: /characters are not UTF-8 text/ },
];

for (const c of binaries) {
  for (const [label, load, file, expected] of [
    ['movielens', loadMovieLens, 'u.data', /expected a text file with rows like user<TAB>item<TAB>rating<TAB>timestamp \(MovieLens u\.data\)/],
    ['csv', loadCsv, 'log.csv', /expected a text file with rows like user,item,time/],
    ['amazon json', loadAmazon, 'Toys_5.json', /expected a text file of JSON lines/],
  ] as const) {
    test(`${c.name} as ${label} data: "looks like a binary file", no bytes echoed`, async () => {
      const path = writeFixture(tempDir(), file, '');
      writeFileSync(path, c.bytes);
      await assert.rejects(load(path), (e: unknown) => {
        assert.ok(e instanceof DataError, String(e));
        assert.ok(e.message.startsWith(`${path}: looks like a binary file (`), e.message);
        assert.match(e.message, c.what);
        assert.match(e.message, expected);
        assert.ok(e.message.length < 400, `${e.message.length} chars`);
        assert.doesNotMatch(e.message, /[\u0000-\u0008\ufffd]/);
        return true;
      });
    });
  }
}

test('a binary file inside gzip is found too; Latin-1 text with a few accents is still text', async () => {
  const dir = tempDir();
  const gz = join(dir, 'u.data.gz');
  writeFileSync(gz, gzipSync(Buffer.from([1, 0, 2, 0, 3, 0, 10, 65])));
  await assert.rejects(loadMovieLens(gz), /looks like a binary file \(NUL bytes/);
  const latin1 = writeFixture(dir, 'names.csv', '');
  writeFileSync(latin1, Buffer.from('user,item,time\nJos\xe9,caf\xe9,1\nRen\xe9e,th\xe9,2\n', 'latin1'));
  const r = await loadCsv(latin1);
  assert.equal(r.interactions.user.length, 2);
});

test('echoed text is capped: a huge one-line header and a huge JSON line', async () => {
  const dir = tempDir();
  const header = writeFixture(dir, 'wide.csv', `${Array.from({ length: 600 }, (_, k) => `column_${k}`).join(',')}\n1,2,3\n`);
  await assert.rejects(loadCsv(header), (e: unknown) => {
    assert.ok(e instanceof DataError);
    assert.match(e.message, /no user column in the header \[column_0, column_1, .*\.\.\. \(\d+ chars\)\]/);
    assert.ok(e.message.length < 700, `${e.message.length} chars`);
    return true;
  });
  const json = writeFixture(dir, 'Toys_5.json', `{"reviewerID": "${'x'.repeat(5000)}\n`);
  await assert.rejects(loadAmazon(json), (e: unknown) => e instanceof DataError && e.message.length < 800 && /invalid JSON/.test(e.message));
});

// Issue 13, D10: every flag a loader's fix suggests exists where the message can be printed.
test('fixes name --lenient with the commands that take it, and columns only as a code option', async () => {
  const dir = tempDir();
  await assert.rejects(loadMovieLens(writeFixture(dir, 'u.data', '1\t2\n')), /Fix: .*--lenient \(lsrm data, train and eval\) or \{ lenient: true \}/);
  await assert.rejects(loadCsv(writeFixture(dir, 'x.csv', 'uid,sku,ts\n1,2,3\n')), /Fix: rename the header's columns to accepted names \(from code, loadCsv and loadSource also take columns/);
});
