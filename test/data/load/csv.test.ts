import { test } from 'node:test';
import assert from 'node:assert/strict';
import { loadCsv } from '../../../lib/data/load/csv';
import { DataError } from '../../../lib/util/errors';
import { rawRows, tempDir, writeFixture } from './tmp';

test('detects user/item/time columns from common header names', async () => {
  const dir = tempDir();
  for (const header of ['user,item,timestamp', 'user_id,item_id,time', 'userId,movieId,ts', 'reviewerID,asin,unixReviewTime', 'USER_ID:token,ITEM_ID:token,TIMESTAMP:float']) {
    const file = writeFixture(dir, 'x.csv', `${header}\nu1,i1,10\nu2,i1,11\n`);
    assert.deepEqual(rawRows((await loadCsv(file)).interactions), [['u1', 'i1', 10], ['u2', 'i1', 11]], header);
  }
});

test('explicit column names, a tab delimiter, quoted fields and gzip', async () => {
  const text = 'when\tsku\tcustomer\tnote\n5\t"A\tB"\tc1\t"said ""hi"""\n6\tZ\tc2\t\n';
  for (const gz of [false, true]) {
    const file = writeFixture(tempDir(), gz ? 'log.tsv.gz' : 'log.tsv', text, gz);
    const r = await loadCsv(file, { delimiter: 'tab', columns: { user: 'customer', item: 'sku', time: 'when' } });
    assert.deepEqual(rawRows(r.interactions), [['c1', 'A\tB', 5], ['c2', 'Z', 6]]);
  }
});

test('no header: 0-based column indices, field count fixed by the first row', async () => {
  const file = writeFixture(tempDir(), 'raw.csv', '100,i1,u1\n101,i2,u1\n102,i3\n');
  const opts = { header: false, columns: { user: 2, item: 1, time: 0 } };
  await assert.rejects(loadCsv(file, opts), (e: unknown) => e instanceof DataError && e.message.startsWith(`${file}:3: expected 3 fields`));
  const r = await loadCsv(file, { ...opts, lenient: true });
  assert.deepEqual(rawRows(r.interactions), [['u1', 'i1', 100], ['u1', 'i2', 101]]);
  assert.equal(r.skippedRows, 1);
});

test('option errors: headerless without indices, indices beyond the row, unknown column name', async () => {
  const dir = tempDir();
  const file = writeFixture(dir, 'raw.csv', '100,i1\n');
  await assert.rejects(loadCsv(file, { header: false }), (e: unknown) => e instanceof DataError && /needs columns/.test(e.message));
  await assert.rejects(loadCsv(file, { header: false, columns: { user: 2, item: 1, time: 0 } }), (e: unknown) => e instanceof DataError && e.message.startsWith(`${file}:1: the first row has 2 field(s)`));
  const named = writeFixture(dir, 'named.csv', 'a,b,c\n1,2,3\n');
  await assert.rejects(loadCsv(named), (e: unknown) => e instanceof DataError && e.message.startsWith(`${named}:1: no user column in the header [a, b, c]`));
  await assert.rejects(loadCsv(named, { columns: { user: 'a', item: 'b', time: 'd' } }), (e: unknown) => e instanceof DataError && /no time column.*accepted names: d/.test(e.message));
  await assert.rejects(loadCsv(`${dir}/none.csv`), (e: unknown) => e instanceof DataError && e.message.includes(`${dir}/none.csv`) && /CSV file not found/.test(e.message));
});
