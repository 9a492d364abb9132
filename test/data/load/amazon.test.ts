import { test } from 'node:test';
import assert from 'node:assert/strict';
import { amazonCategory, loadAmazon } from '../../../lib/data/load/amazon';
import { DataError } from '../../../lib/util/errors';
import { rawRows, tempDir, writeFixture } from './tmp';

const json = (u: string, a: string, t: number) => JSON.stringify({ overall: 5, reviewerID: u, asin: a, unixReviewTime: t, reviewText: 'ok, "fine"' });

test('category names come from file names', () => {
  assert.equal(amazonCategory('/x/All_Beauty_5.json.gz'), 'All_Beauty');
  assert.equal(amazonCategory('Books.csv'), 'Books');
  assert.equal(amazonCategory('Gift_Cards.csv.gz'), 'Gift_Cards');
  assert.equal(amazonCategory('Toys_5.jsonl'), 'Toys');
});

for (const gz of [false, true]) {
  test(`rating-only CSV${gz ? ' (gzip)' : ''}: item,user,rating,timestamp without header`, async () => {
    const file = writeFixture(tempDir(), gz ? 'Software.csv.gz' : 'Software.csv', '0972683275,A1KLRMWW2FWPL4,5.0,1385078400\nB00004Z5SN,A2G04EKSRJUBBW,4.0,1197331200\n0972683275,A2G04EKSRJUBBW,1.0,1197331201\n', gz);
    const r = await loadAmazon(file);
    assert.deepEqual(rawRows(r.interactions), [['A1KLRMWW2FWPL4', '0972683275', 1385078400], ['A2G04EKSRJUBBW', 'B00004Z5SN', 1197331200], ['A2G04EKSRJUBBW', '0972683275', 1197331201]]);
    assert.deepEqual(r.interactions.vocab.domains, ['Software']);
    assert.deepEqual(Array.from(r.interactions.vocab.itemDomain!), [-1, 0, 0]);
  });

  test(`5-core JSON lines${gz ? ' (gzip)' : ''}: reviewerID, asin, unixReviewTime`, async () => {
    const text = [json('U1', 'B004LLIKVU', 1529193600), json('U2', 'B004LLIKVU', 1528934400), json('U1', 'B00ADR2LV6', 1528934400)].join('\n') + '\n';
    const r = await loadAmazon(writeFixture(tempDir(), gz ? 'Gift_Cards_5.json.gz' : 'Gift_Cards_5.json', text, gz));
    assert.deepEqual(rawRows(r.interactions), [['U1', 'B004LLIKVU', 1529193600], ['U2', 'B004LLIKVU', 1528934400], ['U1', 'B00ADR2LV6', 1528934400]]);
    assert.deepEqual(r.interactions.vocab.domains, ['Gift_Cards']);
  });
}

test('a folder mixes categories by user: shared ids, sorted file order, domain = first file', async () => {
  const dir = tempDir();
  // Beauty (read first, sorted): U1 a1 @10, U2 a2 @11; Toys: U1 t1 @5, U2 a2 @12 (a2 is in both).
  writeFixture(dir, 'Toys_5.json.gz', `${json('U1', 't1', 5)}\n${json('U2', 'a2', 12)}\n`, true);
  writeFixture(dir, 'Beauty.csv', 'a1,U1,5,10\na2,U2,4,11\n');
  writeFixture(dir, 'README.md', 'not data');
  const r = await loadAmazon(dir);
  const x = r.interactions;
  assert.deepEqual(rawRows(x), [['U1', 'a1', 10], ['U2', 'a2', 11], ['U1', 't1', 5], ['U2', 'a2', 12]]);
  assert.equal(x.numUsers, 2); // U1 and U2 are shared across the two files
  assert.deepEqual(x.vocab.itemIds, ['', 'a1', 'a2', 't1']);
  assert.deepEqual(x.vocab.domains, ['Beauty', 'Toys']);
  assert.deepEqual(Array.from(x.vocab.itemDomain!), [-1, 0, 0, 1]); // a2 keeps Beauty, its first file
  assert.deepEqual(r.files.map((f) => f.slice(dir.length + 1)), ['Beauty.csv', 'Toys_5.json.gz']);
});

test('a list of files is mixed the same way; errors for missing paths and empty folders', async () => {
  const dir = tempDir();
  const a = writeFixture(dir, 'A.csv', 'i1,u1,5,1\n');
  const b = writeFixture(dir, 'B.csv', 'i2,u1,5,2\n');
  const r = await loadAmazon([b, a]);
  assert.deepEqual(r.interactions.vocab.domains, ['B', 'A']);
  assert.equal(r.interactions.numUsers, 1);
  await assert.rejects(loadAmazon(`${dir}/missing.csv`), (e: unknown) => e instanceof DataError && e.message.includes(`${dir}/missing.csv`) && /not found/.test(e.message));
  const empty = tempDir();
  await assert.rejects(loadAmazon(empty), (e: unknown) => e instanceof DataError && e.message.includes(empty) && /no Amazon category files/.test(e.message));
  await assert.rejects(loadAmazon([`${dir}/gone.csv`]), (e: unknown) => e instanceof DataError && /Amazon category file not found/.test(e.message));
});

test('duplicate reviews (same user, item, day) are dropped by default and counted', async () => {
  const text = `${json('U1', 'a', 100)}\n${json('U1', 'a', 100)}\n${json('U1', 'b', 100)}\n`;
  const r = await loadAmazon(writeFixture(tempDir(), 'X_5.json', text));
  assert.equal(r.duplicateRows, 1);
  assert.equal(r.interactions.user.length, 2);
});
