import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { datasetsAtHand, loadDataset, loadSource } from '../../../lib/data/load/index';
import { DataError } from '../../../lib/util/errors';
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
  await assert.rejects(loadDataset('ml-2m', { dataDir: null }), (e: unknown) => e instanceof DataError && /unknown dataset "ml-2m"/.test(e.message));
  await assert.rejects(loadSource('nope:x'), (e: unknown) => e instanceof DataError && /unknown source/.test(e.message));
});

test('synthetic specs use the presets of lib/data/synthetic.ts', async () => {
  const r = await loadSource('synthetic:smoke');
  assert.equal(r.interactions.numUsers, 300); // SYNTHETIC_PRESETS.smoke.numUsers
  assert.equal(r.interactions.numItems, 200);
  assert.equal(r.skippedRows, 0);
  await assert.rejects(loadSource('synthetic:huge'), (e: unknown) => e instanceof DataError && /unknown synthetic preset "huge".*smoke/.test(e.message));
});

// Named datasets are found by name: $LSRM_DATA_DIR/<name>/ (option dataDir), then the cache
// <dataRoot>/<name>/, then a download. Fixtures: a tiny RecBole file and a tiny u.data.
const INTER = 'user_id:token\titem_id:token\trating:float\ttimestamp:float\nu1\ti1\t5\t10\nu1\ti2\t4\t11\n';
const UDATA = 'u2\ti9\t3\t20\n';
const offline = { baseUrl: 'http://127.0.0.1:9/none', progress: false } as const;

test('dataset:<name>: the user folder first, then the cache, in any accepted layout', async () => {
  const user = tempDir();
  const cache = tempDir();
  writeFixture(user, 'ml-100k/ml-100k.inter', INTER);
  writeFixture(cache, 'ml-100k/u.data', UDATA);
  const fromUser = await loadSource('dataset:ml-100k', { dataDir: user, dataRoot: cache, ...offline });
  assert.deepEqual(rawRows(fromUser.interactions), [['u1', 'i1', 10], ['u1', 'i2', 11]]);
  assert.deepEqual(fromUser.files, [`${user}/ml-100k/ml-100k.inter`]);
  // Without a user folder, the cache's u.data (the download's own file) is used and its hash recorded.
  const fromCache = await loadSource('ml-100k', { dataDir: null, dataRoot: cache, ...offline });
  assert.deepEqual(rawRows(fromCache.interactions), [['u2', 'i9', 20]]);
  assert.ok(existsSync(join(cache, 'ml-100k', '.sha256')));
  // A user folder that lacks the dataset is passed over.
  assert.deepEqual(rawRows((await loadDataset('ml-100k', { dataDir: tempDir(), dataRoot: cache, ...offline })).interactions), [['u2', 'i9', 20]]);
});

test('dataset:<name>: LSRM_DATA_DIR is the default user folder', async (t) => {
  const user = tempDir();
  writeFixture(user, 'ml-latest-small/ml-latest-small.inter.gz', INTER, true);
  const before = process.env.LSRM_DATA_DIR;
  process.env.LSRM_DATA_DIR = user;
  t.after(() => (before === undefined ? delete process.env.LSRM_DATA_DIR : (process.env.LSRM_DATA_DIR = before)));
  const r = await loadSource('dataset:ml-latest-small', { dataRoot: tempDir(), ...offline });
  assert.equal(r.interactions.user.length, 2);
});

test('folder datasets mix the Amazon files found in <folder>/<name>/ by user', async () => {
  const user = tempDir();
  const line = (u: string, i: string, t: number) => JSON.stringify({ reviewerID: u, asin: i, unixReviewTime: t });
  writeFixture(user, 'amazon-2018-5core-small/Gift_Cards_5.json.gz', `${line('a', 'g1', 5)}\n`, true);
  writeFixture(user, 'amazon-2018-5core-small/All_Beauty_5.json.gz', `${line('a', 'b1', 3)}\n${line('b', 'b1', 4)}\n`, true);
  writeFixture(user, 'amazon-2018-5core-small/SOURCE.md', 'not data\n');
  const r = await loadSource('dataset:amazon-2018-5core-small', { dataDir: user, dataRoot: tempDir(), ...offline });
  // Files in name order (All_Beauty before Gift_Cards); user a is shared.
  assert.deepEqual(rawRows(r.interactions), [['a', 'b1', 3], ['b', 'b1', 4], ['a', 'g1', 5]]);
  assert.deepEqual(r.interactions.vocab.domains, ['All_Beauty', 'Gift_Cards']);
});

test("dataset:amazon-games-sasrec reads <folder>/amazon-games-sasrec/Video.txt ('user item' lines, time = line order per user)", async () => {
  const user = tempDir();
  writeFixture(user, 'amazon-games-sasrec/Video.txt', '1 7\n1 3\n2 3\n2 9\n2 7\n');
  const r = await loadSource('dataset:amazon-games-sasrec', { dataDir: user, dataRoot: tempDir(), ...offline });
  assert.deepEqual([r.interactions.numUsers, r.interactions.numItems, r.interactions.user.length], [2, 3, 5]);
  const rows = rawRows(r.interactions);
  // Within a user, the earlier line has the smaller time.
  const times = (u: string) => rows.filter((x) => x[0] === u).sort((a, b) => Number(a[2]) - Number(b[2])).map((x) => x[1]);
  assert.deepEqual([times('1'), times('2')], [['7', '3'], ['3', '9', '7']]);
});

test('a dataset found nowhere: the error names the folders searched, the files expected and the fix', async () => {
  const user = tempDir();
  const cache = tempDir();
  await assert.rejects(loadDataset('amazon-2018', { dataDir: user, dataRoot: cache, ...offline }), (e: unknown) =>
    e instanceof DataError &&
    e.message.includes(`dataset "amazon-2018" not found: searched ${join(user, 'amazon-2018')} and ${join(cache, 'amazon-2018')} for Amazon category files`) &&
    e.message.includes('amazon-2018.inter') &&
    e.message.includes(`Fix: set LSRM_DATA_DIR to a folder that holds amazon-2018/, or place the files in ${join(cache, 'amazon-2018')}.`));
  await assert.rejects(loadDataset('amazon-2018', { dataDir: null, dataRoot: cache, ...offline }), /\(LSRM_DATA_DIR is not set\)/);
  // A downloadable one: the failed download's error also names the folders and LSRM_DATA_DIR.
  await assert.rejects(loadDataset('ml-1m', { dataDir: user, dataRoot: cache, ...offline }), (e: unknown) =>
    e instanceof DataError &&
    e.message.startsWith(`ml-1m is not in ${join(user, 'ml-1m')} nor ${join(cache, 'ml-1m')}, and it could not download http://127.0.0.1:9/none/ml-1m.zip`) &&
    e.message.includes(`place the zip at ${join(cache, 'ml-1m', 'ml-1m.zip')}`) &&
    e.message.endsWith('Or set LSRM_DATA_DIR to a folder that holds ml-1m/ with ratings.dat (or ml-1m.inter).'));
});

test('a user folder file listed in its .sha256 is verified; a mix needs Amazon files', async () => {
  const user = tempDir();
  writeFixture(user, 'ml-100k/ml-100k.inter', INTER);
  writeFixture(user, 'ml-100k/.sha256', `${'0'.repeat(64)}  ml-100k.inter\n`);
  await assert.rejects(loadDataset('ml-100k', { dataDir: user, dataRoot: tempDir(), ...offline }), /ml-100k\.inter: SHA-256 [0-9a-f]{64} differs from the 0{64} recorded/);
  writeFixture(user, 'amazon-Books/Books.csv', 'b1,u1,5,1\n');
  writeFixture(user, 'amazon-Software/amazon-Software.inter', INTER);
  await assert.rejects(loadDataset('amazon-Books+amazon-Software', { dataDir: user, dataRoot: tempDir(), ...offline }), /mixing amazon-Books\+amazon-Software needs Amazon category files, but amazon-Software was found as .*amazon-Software\.inter/);
  writeFixture(user, 'amazon-Software/Software.csv.gz', 's1,u1,5,2\n', true);
  assert.deepEqual(rawRows((await loadDataset('amazon-Books+amazon-Software', { dataDir: user, dataRoot: tempDir(), ...offline })).interactions), [['u1', 'b1', 1], ['u1', 's1', 2]]);
});

test('datasetsAtHand: the named datasets whose files are in the user folder or data/, in list order, nothing downloaded', () => {
  const user = tempDir(), root = tempDir();
  assert.deepEqual(datasetsAtHand({ dataDir: user, dataRoot: root }), []);
  writeFixture(user, 'amazon-games-sasrec/Video.txt', '1 1\n');
  writeFixture(root, 'ml-100k/ml-100k.inter', 'user_id:token\titem_id:token\ttimestamp:float\nu\ti\t1\n');
  writeFixture(user, 'ml-1m/README', 'no ratings file: not at hand');
  writeFixture(user, 'amazon-2018/Books.csv', 'i,u,5,1\n');
  assert.deepEqual(datasetsAtHand({ dataDir: user, dataRoot: root }), ['ml-100k', 'amazon-2018', 'amazon-games-sasrec']);
  assert.deepEqual(datasetsAtHand({ dataDir: null, dataRoot: root }), ['ml-100k'], 'no user folder: data/ only');
  assert.deepEqual(datasetsAtHand({ dataDir: user, dataRoot: root }, ['amazon-Books', 'ml-100k']), ['ml-100k'], 'only the names asked for');
  assert.equal(existsSync(join(root, 'ml-1m')), false, 'nothing was downloaded');
});
