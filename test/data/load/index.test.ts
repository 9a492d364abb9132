import { test } from 'node:test';
import assert from 'node:assert/strict';
import { loadDataset, loadSource } from '../../../lib/data/load/index';
import { DataError } from '../../../lib/errors';
import { rawRows, tempDir, writeFixture } from './tmp';

test('loadSource dispatches every file kind (string or object spec)', async () => {
  const dir = tempDir();
  const inter = writeFixture(dir, 'a/x.inter', 'user_id:token\titem_id:token\ttimestamp:float\nu\ti\t1\n');
  writeFixture(dir, 'ml/u.data', 'u\ti\t5\t1\n');
  writeFixture(dir, 'amz/Books.csv', 'i,u,5,1\n');
  const csv = writeFixture(dir, 'c.csv', 'user,item,time\nu,i,1\n');
  for (const spec of [`atomic:${inter}`, `movielens:${dir}/ml`, `amazon:${dir}/amz`, `csv:${csv}`]) {
    assert.deepEqual(rawRows((await loadSource(spec)).interactions), [['u', 'i', 1]], spec);
  }
  assert.deepEqual(rawRows((await loadSource({ kind: 'csv', path: csv })).interactions), [['u', 'i', 1]]);
});

test('options pass through loadSource (lenient, duplicates, csv columns)', async () => {
  const dir = tempDir();
  const file = writeFixture(dir, 'c.csv', 'a;b;c\nu;i;1\nu;i;1\nbad\n');
  const r = await loadSource(`csv:${file}`, { delimiter: ';', columns: { user: 'a', item: 'b', time: 'c' }, lenient: true, duplicates: 'keep' });
  assert.equal(r.skippedRows, 1);
  assert.equal(r.duplicateRows, 1);
  assert.equal(r.interactions.user.length, 2);
});

test('unknown dataset names and bad specs reject with a DataError', async () => {
  await assert.rejects(loadDataset('ml-2m'), (e: unknown) => e instanceof DataError && /unknown dataset "ml-2m"/.test(e.message));
  await assert.rejects(loadSource('nope:x'), (e: unknown) => e instanceof DataError && /unknown source/.test(e.message));
});

test('synthetic specs use the presets of lib/data/synthetic.ts', async () => {
  const r = await loadSource('synthetic:smoke');
  assert.equal(r.interactions.numUsers, 300); // SYNTHETIC_PRESETS.smoke.numUsers
  assert.equal(r.interactions.numItems, 200);
  assert.equal(r.skippedRows, 0);
  await assert.rejects(loadSource('synthetic:huge'), (e: unknown) => e instanceof DataError && /unknown synthetic preset "huge".*smoke/.test(e.message));
});
