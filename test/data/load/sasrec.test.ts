// The SASRec `user item` sequence format (lib/data/load/sasrec.ts) on tiny hand-made files.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { loadSasRec } from '../../../lib/data/load/sasrec';
import { loadSource } from '../../../lib/data/load/index';
import { parseSourceSpec } from '../../../lib/data/source';
import { toSequences } from '../../../lib/data/sequences';
import { DataError } from '../../../lib/util/errors';
import { rawRows, tempDir, writeFixture } from './tmp';

// Users 1 (items 5, 3, 5) and 2 (items 3, 9); user 1 repeats item 5, which is a second interaction.
const VIDEO = '1 5\n1 3\n1 5\n2 3\n2 9\n';

for (const gz of [false, true]) {
  test(`user item lines${gz ? ' (gzip)' : ''}: time = rank within the user, ids in order of appearance`, async () => {
    const file = writeFixture(tempDir(), gz ? 'Video.txt.gz' : 'Video.txt', VIDEO, gz);
    const r = await loadSasRec(file);
    assert.deepEqual(rawRows(r.interactions), [['1', '5', 0], ['1', '3', 1], ['1', '5', 2], ['2', '3', 0], ['2', '9', 1]]);
    assert.deepEqual(Array.from(r.interactions.user), [0, 0, 0, 1, 1]);
    assert.deepEqual(Array.from(r.interactions.item), [1, 2, 1, 2, 3]);
    assert.equal(r.interactions.numUsers, 2);
    assert.equal(r.interactions.numItems, 3);
    assert.equal(r.duplicateRows, 0, 'a repeated item has a later rank: not a duplicate');
    assert.deepEqual(r.files, [file]);
    assert.deepEqual(r.warnings, []);
  });
}

test('tabs, runs of spaces, CRLF, a trailing blank line and a last line without newline are read', async () => {
  const file = writeFixture(tempDir(), 'v.txt', '7\t40\r\n7   41  \r\n\n8 40');
  assert.deepEqual(rawRows((await loadSasRec(file)).interactions), [['7', '40', 0], ['7', '41', 1], ['8', '40', 0]]);
});

test('sequences come out in file order: the order of the lines is the time', async () => {
  const file = writeFixture(tempDir(), 'v.txt', '3 30\n3 10\n3 20\n');
  const s = toSequences((await loadSasRec(file)).interactions);
  assert.deepEqual(Array.from(s.items), [1, 2, 3]); // raw 30, 10, 20 in that order
});

test('a user whose lines resume after other users keeps counting, with a warning', async () => {
  const file = writeFixture(tempDir(), 'v.txt', '1 5\n2 6\n1 7\n');
  const r = await loadSasRec(file);
  assert.deepEqual(rawRows(r.interactions), [['1', '5', 0], ['2', '6', 0], ['1', '7', 1]]);
  assert.equal(r.warnings.length, 1);
  assert.match(r.warnings[0], /v\.txt:3: user 1 appears again after other users' lines/);
});

/** Loading rejects with a DataError at file:line whose message holds the problem and a fix. */
async function rejectsAt(text: string, line: number, problem: RegExp): Promise<void> {
  const file = writeFixture(tempDir(), 'bad.txt', text);
  await assert.rejects(loadSasRec(file), (e: unknown) => {
    assert.ok(e instanceof DataError, String(e));
    assert.equal(e.file, file);
    assert.equal(e.line, line);
    assert.ok(e.message.startsWith(`${file}:${line}: `), e.message);
    assert.match(e.message, problem);
    assert.match(e.message, /Fix: each line must be `user item`.*lenient/);
    return true;
  });
}

test('bad lines: a DataError naming file, line, the problem and the fix', async () => {
  await rejectsAt('1 5\n1 6 7\n', 2, /expected 2 fields \(user item\) separated by spaces, found more than 2/);
  await rejectsAt('1 5\n\n1\n', 3, /found 1\b/);
  await rejectsAt('1,5\n', 1, /found 1\b/); // a CSV is not this format
  await rejectsAt('1 5\nu7 6\n', 2, /user id "u7" is not an integer id/);
  await rejectsAt('1 5\n1 -6\n', 2, /item id "-6" is not an integer id/);
});

test('lenient: bad lines are skipped and counted', async () => {
  const file = writeFixture(tempDir(), 'v.txt', '1 5\n1 x\n1 6 7\n1 6\n');
  const r = await loadSasRec(file, { lenient: true });
  assert.deepEqual(rawRows(r.interactions), [['1', '5', 0], ['1', '6', 1]]);
  assert.equal(r.skippedRows, 2);
  assert.match(r.warnings[0], /skipped .*v\.txt:2: item id "x"/);
});

test('empty, missing and binary files are refused with the reason', async () => {
  const dir = tempDir();
  await assert.rejects(loadSasRec(writeFixture(dir, 'empty.txt', '\n\n')), /empty\.txt: no interactions found.*Fix:/);
  await assert.rejects(loadSasRec(`${dir}/none.txt`), /none\.txt: SASRec sequence file \(user item per line\) not found/);
  await assert.rejects(loadSasRec(writeFixture(dir, 'x.bin', '\u0000\u0001\u0002 junk')), /x\.bin: looks like a binary file.*user item/);
});

test('source spec sasrec:<file> goes through loadSource', async () => {
  const file = writeFixture(tempDir(), 'Video.txt', VIDEO);
  assert.deepEqual(parseSourceSpec(`sasrec:${file}`), { kind: 'sasrec', path: file });
  assert.equal((await loadSource(`sasrec:${file}`)).interactions.user.length, 5);
  assert.throws(() => parseSourceSpec('sasrec:'), /has no path/);
});
