import { test } from 'node:test';
import assert from 'node:assert/strict';
import { loadMovieLens, resolveMovieLensFile } from '../../../lib/data/load/movielens';
import { DataError } from '../../../lib/util/errors';
import { rawRows, tempDir, writeFixture } from './tmp';

// Three formats, same four ratings: user 196 rates 242 then 302; user 22 rates 377; 196 rates 51.
const U_DATA = '196\t242\t3\t881250949\n196\t302\t3\t891717742\n22\t377\t1\t878887116\n196\t51\t2\t880606923\n';
const RATINGS_DAT = U_DATA.replace(/\t/g, '::');
const RATINGS_CSV = 'userId,movieId,rating,timestamp\n' + U_DATA.replace(/\t/g, ',');
// Dense ids by first appearance: users 196->0, 22->1; items 242->1, 302->2, 377->3, 51->4.
const EXPECTED = { user: [0, 0, 1, 0], item: [1, 2, 3, 4], time: [881250949, 891717742, 878887116, 880606923] };

for (const [name, text] of [['u.data', U_DATA], ['ratings.dat', RATINGS_DAT], ['ratings.csv', RATINGS_CSV]] as const) {
  for (const gz of [false, true]) {
    test(`${name}${gz ? ' (gzip)' : ''}: dense ids in file order`, async () => {
      const dir = tempDir();
      const file = writeFixture(dir, gz ? `${name}.gz` : name, text, gz);
      const r = await loadMovieLens(file);
      const x = r.interactions;
      assert.deepEqual(Array.from(x.user), EXPECTED.user);
      assert.deepEqual(Array.from(x.item), EXPECTED.item);
      assert.deepEqual(Array.from(x.time), EXPECTED.time);
      assert.equal(x.numUsers, 2);
      assert.equal(x.numItems, 4);
      assert.deepEqual(x.vocab.userIds, ['196', '22']);
      assert.deepEqual(x.vocab.itemIds, ['', '242', '302', '377', '51']);
      assert.equal(r.skippedRows, 0);
      assert.equal(r.duplicateRows, 0);
    });
  }
}

test('a folder resolves to its ratings file; CRLF, BOM and a missing last newline are fine', async () => {
  const dir = tempDir();
  writeFixture(dir, 'ratings.csv', '\ufeff' + RATINGS_CSV.replace(/\n/g, '\r\n').replace(/\r\n$/, ''));
  assert.equal(resolveMovieLensFile(dir), `${dir}/ratings.csv`);
  const r = await loadMovieLens(dir);
  assert.deepEqual(Array.from(r.interactions.time), EXPECTED.time);
});

test('ratings.csv columns are found by name, not position', async () => {
  const dir = tempDir();
  const file = writeFixture(dir, 'ratings.csv', 'timestamp,rating,movieId,userId\n5,4.0,10,1\n6,3.5,11,2\n');
  const x = (await loadMovieLens(file)).interactions;
  assert.deepEqual(rawRows(x), [['1', '10', 5], ['2', '11', 6]]);
});

test('ml-100k genres: first set flag of u.item named by u.genre; unknown gives no domain', async () => {
  const dir = tempDir();
  writeFixture(dir, 'u.data', '1\t1\t5\t10\n1\t2\t5\t11\n2\t3\t5\t12\n2\t4\t5\t13\n');
  writeFixture(dir, 'u.genre', 'unknown|0\nAction|1\nComedy|2\nDrama|3\n\n');
  // item 1: Comedy+Drama -> Comedy; item 2: Action -> Action; item 3: unknown -> none; item 4: Drama.
  writeFixture(dir, 'u.item', '1|A (1995)|01-Jan-1995||http://x|0|0|1|1\n2|B|||http://x|0|1|0|0\n3|C|||u|1|0|0|0\n4|D|||u|0|0|0|1\n5|E|||u|0|1|0|0\n');
  const x = (await loadMovieLens(dir)).interactions;
  // Domains indexed by first use while reading u.item: Comedy 0, Action 1, Drama 2 (item 5 has no ratings).
  assert.deepEqual(x.vocab.domains, ['Comedy', 'Action', 'Drama']);
  assert.deepEqual(Array.from(x.vocab.itemDomain!), [-1, 0, 1, -1, 2]);
});

test('ml-1m movies.dat and ml-20m movies.csv (quoted titles) give the first genre', async () => {
  const d1 = tempDir();
  writeFixture(d1, 'ratings.dat', '1::20::5::1\n1::10::5::2\n');
  writeFixture(d1, 'movies.dat', '10::Heat (1995)::Action|Crime|Thriller\n20::Sabrina (1995)::Comedy|Romance\n');
  const x1 = (await loadMovieLens(d1)).interactions;
  // items: 20 -> 1, 10 -> 2; movies.dat order: 10 (Action) first, then 20 (Comedy).
  assert.deepEqual(x1.vocab.domains, ['Action', 'Comedy']);
  assert.deepEqual(Array.from(x1.vocab.itemDomain!), [-1, 1, 0]);
  const d2 = tempDir();
  writeFixture(d2, 'ratings.csv', 'userId,movieId,rating,timestamp\n1,1,4,1\n1,2,4,2\n1,3,4,3\n');
  writeFixture(d2, 'movies.csv', 'movieId,title,genres\n1,"American President, The (1995)",Comedy|Drama|Romance\n2,Heat (1995),Action\n3,X (2018),(no genres listed)\n');
  const x2 = (await loadMovieLens(d2)).interactions;
  assert.deepEqual(x2.vocab.domains, ['Comedy', 'Action']);
  assert.deepEqual(Array.from(x2.vocab.itemDomain!), [-1, 0, 1, -1]);
});

test('no metadata: no domains and a warning; domains: false skips metadata', async () => {
  const dir = tempDir();
  writeFixture(dir, 'u.data', U_DATA);
  const r = await loadMovieLens(dir);
  assert.equal(r.interactions.vocab.domains, undefined);
  assert.match(r.warnings.join('\n'), /no genre metadata/);
  writeFixture(dir, 'movies.dat', '242::T::Drama\n');
  const r2 = await loadMovieLens(dir, { domains: false });
  assert.equal(r2.interactions.vocab.domains, undefined);
});

test('missing file or folder without ratings: DataError naming the path and the fix', async () => {
  const dir = tempDir();
  await assert.rejects(loadMovieLens(`${dir}/nope`), (e: unknown) => e instanceof DataError && e.message.includes(`${dir}/nope`) && /not found/.test(e.message) && /Fix/.test(e.message));
  await assert.rejects(loadMovieLens(dir), (e: unknown) => e instanceof DataError && e.message.includes(dir) && /u\.data, ratings\.dat, ratings\.csv/.test(e.message));
});

test('empty ratings file: DataError, not an empty dataset', async () => {
  const dir = tempDir();
  const file = writeFixture(dir, 'u.data', '');
  await assert.rejects(loadMovieLens(file), (e: unknown) => e instanceof DataError && /no interactions found/.test(e.message) && e.message.includes('u.data'));
  const csv = writeFixture(dir, 'ratings.csv', '');
  await assert.rejects(loadMovieLens(csv), (e: unknown) => e instanceof DataError && /empty: expected a header/.test(e.message));
});
