import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { extractZip, readZipDirectory } from '../../lib/data/unzip';
import { DataError } from '../../lib/util/errors';
import { tempDir } from './load/tmp';
import { makeZip } from './zip-writer';

const BIG = Array.from({ length: 20000 }, (_, k) => `${k}\t${k % 97}\t5\t${1e9 + k}`).join('\n');

test('reads the central directory and extracts stored and deflated entries, dropping a shared top folder', async () => {
  const dir = tempDir();
  const zip = join(dir, 'a.zip');
  writeFileSync(zip, makeZip([
    { name: 'ml-x/' },
    { name: 'ml-x/u.data', data: BIG, deflate: true },
    { name: 'ml-x/README', data: 'hello' },
    { name: 'ml-x/sub/empty.txt', data: '' },
  ]));
  const entries = readZipDirectory(zip);
  assert.deepEqual(entries.map((e) => [e.name, e.method, e.size]), [['ml-x/', 0, 0], ['ml-x/u.data', 8, BIG.length], ['ml-x/README', 0, 5], ['ml-x/sub/empty.txt', 0, 0]]);
  const out = join(dir, 'out');
  assert.deepEqual(await extractZip(zip, out), ['u.data', 'README', 'sub/empty.txt']);
  assert.equal(readFileSync(join(out, 'u.data'), 'utf8'), BIG);
  assert.equal(readFileSync(join(out, 'README'), 'utf8'), 'hello');
  assert.equal(readFileSync(join(out, 'sub/empty.txt'), 'utf8'), '');
});

test('without a shared top folder, paths are kept as they are', async () => {
  const dir = tempDir();
  const zip = join(dir, 'b.zip');
  writeFileSync(zip, makeZip([{ name: 'a.csv', data: 'x' }, { name: 'd/b.csv', data: 'y', deflate: true }]));
  assert.deepEqual(await extractZip(zip, join(dir, 'o')), ['a.csv', 'd/b.csv']);
});

test('damaged, unsafe or non-zip files are DataErrors', async () => {
  const dir = tempDir();
  const notZip = join(dir, 'n.zip');
  writeFileSync(notZip, 'just text, long enough to not be a zip at all');
  assert.throws(() => readZipDirectory(notZip), (e: unknown) => e instanceof DataError && e.message.startsWith(`${notZip}: not a zip file`));
  const evil = join(dir, 'evil.zip');
  writeFileSync(evil, makeZip([{ name: '../escape.txt', data: 'x' }]));
  await assert.rejects(extractZip(evil, join(dir, 'o1')), (e: unknown) => e instanceof DataError && /unsafe entry name "\.\.\/escape\.txt"/.test(e.message));
  // Flip one byte of a stored entry's data: the CRC check catches it.
  const bytes = makeZip([{ name: 'a.txt', data: 'abcdef' }]);
  bytes[30 + 'a.txt'.length + 2] ^= 0xff;
  const bad = join(dir, 'bad.zip');
  writeFileSync(bad, bytes);
  await assert.rejects(extractZip(bad, join(dir, 'o2')), (e: unknown) => e instanceof DataError && /CRC\/size check failed for a\.txt/.test(e.message));
  // Corrupt deflate stream.
  const defl = makeZip([{ name: 'b.txt', data: BIG, deflate: true }]);
  defl.fill(0xff, 40, 60);
  const bad2 = join(dir, 'bad2.zip');
  writeFileSync(bad2, defl);
  await assert.rejects(extractZip(bad2, join(dir, 'o3')), (e: unknown) => e instanceof DataError && e.message.startsWith(bad2));
});
