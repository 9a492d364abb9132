// Download + cache against a local HTTP server on 127.0.0.1 serving fixture files built here.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import type { DatasetEntry } from '../../lib/data/datasets';
import { CHECKSUM_FILE, ensureDataset, readChecksums, remoteUrl, verifyRecorded } from '../../lib/data/download';
import { loadDataset } from '../../lib/data/load/index';
import { loadMovieLens } from '../../lib/data/load/movielens';
import { DataError } from '../../lib/util/errors';
import { rawRows, tempDir } from './load/tmp';
import { makeZip } from './zip-writer';

const sha = (b: string | Buffer) => createHash('sha256').update(b).digest('hex');

const U_DATA = '1\t10\t5\t100\n1\t20\t4\t101\n2\t10\t3\t102\n';
const U_ITEM = '10|A|||u|0|1|0\n20|B|||u|0|0|1\n';
const U_GENRE = 'unknown|0\nAction|1\nComedy|2\n';
const ZIP = makeZip([
  { name: 'ml-test/' },
  { name: 'ml-test/u.data', data: U_DATA, deflate: true },
  { name: 'ml-test/u.item', data: U_ITEM },
  { name: 'ml-test/u.genre', data: U_GENRE, deflate: true },
]);

/** A server with a mutable route table; counts requests per path. */
async function serve(routes: Map<string, { status: number; body: Buffer | string }>): Promise<{ server: Server; base: string; hits: Map<string, number> }> {
  const hits = new Map<string, number>();
  const server = createServer((req, res) => {
    hits.set(req.url!, (hits.get(req.url!) ?? 0) + 1);
    const r = routes.get(req.url!) ?? { status: 404, body: 'not found' };
    res.writeHead(r.status, { 'content-length': Buffer.byteLength(r.body) });
    res.end(r.body);
  });
  await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
  return { server, base: `http://127.0.0.1:${(server.address() as AddressInfo).port}/files`, hits };
}

function zipEntry(sha256?: string): DatasetEntry {
  return {
    name: 'ml-test', kind: 'movielens', description: 'test', archive: 'zip', loadPath: 'u.data', metadata: ['u.item', 'u.genre'], terms: '',
    remote: { url: 'https://files.example.invalid/ml-test.zip', fileName: 'ml-test.zip', sha256 },
  };
}

test('first use downloads, verifies, extracts and records hashes; second use does not fetch', async (t) => {
  const { server, base, hits } = await serve(new Map([['/files/ml-test.zip', { status: 200, body: ZIP }]]));
  t.after(() => server.close());
  const root = tempDir();
  const said: string[] = [];
  const entry = zipEntry(sha(ZIP));
  const path = await ensureDataset(entry, { dataRoot: root, baseUrl: `${base}/`, progress: (m) => said.push(m) });
  const dir = join(root, 'ml-test');
  assert.equal(path, join(dir, 'u.data'));
  assert.equal(readFileSync(path, 'utf8'), U_DATA);
  assert.deepEqual(readdirSync(dir).sort(), [CHECKSUM_FILE, 'u.data', 'u.genre', 'u.item']); // zip removed, no temp files
  assert.deepEqual(readdirSync(root), ['ml-test']); // temp extraction folder removed
  const sums = readChecksums(dir);
  assert.deepEqual([...sums.entries()].sort(), [['ml-test.zip', sha(ZIP)], ['u.data', sha(U_DATA)], ['u.genre', sha(U_GENRE)], ['u.item', sha(U_ITEM)]]);
  assert.match(said[0], new RegExp(`downloading ${base}/ml-test.zip`));
  assert.match(said[said.length - 1], /ready: .*u\.data/);
  assert.equal(hits.get('/files/ml-test.zip'), 1);
  // The extracted folder loads with genres: item 10 -> Action, item 20 -> Comedy (first set flag).
  const x = (await loadMovieLens(dir)).interactions;
  assert.deepEqual(rawRows(x), [['1', '10', 100], ['1', '20', 101], ['2', '10', 102]]);
  assert.deepEqual(x.vocab.domains, ['Action', 'Comedy']);
  assert.deepEqual(Array.from(x.vocab.itemDomain!), [-1, 0, 1]);
  assert.equal(await ensureDataset(entry, { dataRoot: root, baseUrl: base, progress: false }), path);
  assert.equal(hits.get('/files/ml-test.zip'), 1);
  // A later edit of a tracked file is caught on the next use.
  writeFileSync(path, U_DATA + '3\t30\t1\t103\n');
  await assert.rejects(ensureDataset(entry, { dataRoot: root, progress: false }), (e: unknown) => e instanceof DataError && e.message.startsWith(`${path}: u.data changed since it was downloaded`) && e.message.includes(sha(U_DATA)));
});

test('checksum mismatch: DataError with URL and both hashes; nothing is kept', async (t) => {
  const { server, base } = await serve(new Map([['/files/ml-test.zip', { status: 200, body: ZIP }]]));
  t.after(() => server.close());
  const root = tempDir();
  const wrong = '0'.repeat(64);
  await assert.rejects(ensureDataset(zipEntry(wrong), { dataRoot: root, baseUrl: base, progress: false }), (e: unknown) => {
    assert.ok(e instanceof DataError);
    assert.match(e.message, new RegExp(`SHA-256 mismatch for ml-test.zip from ${base}/ml-test.zip: expected ${wrong}, got ${sha(ZIP)}`));
    assert.match(e.message, /nothing was kept/);
    return true;
  });
  assert.deepEqual(readdirSync(join(root, 'ml-test')), []);
});

test('server down or HTTP 404: DataError naming the URL and the exact file to place by hand', async () => {
  const { server, base, hits } = await serve(new Map());
  const root = tempDir();
  const place = join(root, 'ml-test', 'ml-test.zip');
  await assert.rejects(ensureDataset(zipEntry(), { dataRoot: root, baseUrl: base, progress: false }), (e: unknown) =>
    e instanceof DataError && e.message.includes(`could not download ${base}/ml-test.zip (HTTP 404`) && e.message.includes(`place the zip at ${place}`) && e.message.includes(join(root, 'ml-test', 'u.data')));
  assert.equal(hits.get('/files/ml-test.zip'), 1);
  await new Promise((ok) => server.close(ok));
  await assert.rejects(ensureDataset(zipEntry(), { dataRoot: root, baseUrl: base, progress: false }), (e: unknown) =>
    e instanceof DataError && e.message.includes(`could not download ${base}/ml-test.zip (ECONNREFUSED)`) && e.message.includes(place));
  assert.deepEqual(readdirSync(join(root, 'ml-test')), []);
  // Placing the archive by hand then works offline.
  writeFileSync(place, ZIP);
  const path = await ensureDataset(zipEntry(sha(ZIP)), { dataRoot: root, baseUrl: base, progress: false });
  assert.equal(readFileSync(path, 'utf8'), U_DATA);
  assert.equal(existsSync(place), false);
});

test('unknown checksum: recorded on first download, enforced on a later download', async (t) => {
  const csv = 'i1,u1,5.0,100\ni2,u1,4.0,101\n';
  const routes = new Map([['/files/Software.csv', { status: 200, body: csv }]]);
  const { server, base } = await serve(routes);
  t.after(() => server.close());
  const root = tempDir();
  const r = await loadDataset('amazon-Software', { dataRoot: root, dataDir: null, baseUrl: base, progress: false });
  assert.deepEqual(rawRows(r.interactions), [['u1', 'i1', 100], ['u1', 'i2', 101]]);
  assert.deepEqual(r.interactions.vocab.domains, ['Software']);
  const dir = join(root, 'amazon-Software');
  assert.equal(readChecksums(dir).get('Software.csv'), sha(csv));
  // The file disappears and upstream now serves something else: the recorded hash refuses it.
  rmSync(join(dir, 'Software.csv'));
  routes.set('/files/Software.csv', { status: 200, body: csv + 'i3,u2,1.0,102\n' });
  await assert.rejects(loadDataset('amazon-Software', { dataRoot: root, dataDir: null, baseUrl: base, progress: false }), (e: unknown) =>
    e instanceof DataError && e.message.includes(`expected ${sha(csv)}`));
});

test('loadDataset: registry names use the base URL; a wrong file for a known hash is refused', async (t) => {
  const { server, base } = await serve(new Map([['/files/ml-100k.zip', { status: 200, body: ZIP }]]));
  t.after(() => server.close());
  await assert.rejects(loadDataset('ml-100k', { dataRoot: tempDir(), dataDir: null, baseUrl: base, progress: false }), (e: unknown) =>
    e instanceof DataError && e.message.includes(`from ${base}/ml-100k.zip: expected 50d2a982`));
});

test('files placed by hand without a record are accepted and recorded (trust on first use)', async () => {
  const root = tempDir();
  mkdirSync(join(root, 'ml-test'));
  writeFileSync(join(root, 'ml-test', 'u.data'), U_DATA);
  const path = await ensureDataset(zipEntry(), { dataRoot: root, baseUrl: 'http://127.0.0.1:9/none', progress: false });
  assert.equal(path, join(root, 'ml-test', 'u.data'));
  assert.equal(readChecksums(join(root, 'ml-test')).get('u.data'), sha(U_DATA));
});

test('remoteUrl keeps the registry URL unless a base is given', () => {
  const e = zipEntry();
  assert.equal(remoteUrl(e), 'https://files.example.invalid/ml-test.zip');
  assert.equal(remoteUrl(e, 'http://mirror/x//'), 'http://mirror/x/ml-test.zip');
});

test('a dataset without a download says which folder to fill', async () => {
  const root = tempDir();
  const local = { ...zipEntry(), remote: undefined, archive: 'none' as const, loadPath: '.' };
  assert.throws(() => remoteUrl(local), /dataset "ml-test" has no download \(test\)/);
  await assert.rejects(ensureDataset(local, { dataRoot: root, progress: false }), (e: unknown) =>
    e instanceof DataError && e.message.includes(`Fix: place its files in ${join(root, 'ml-test')}, or in <LSRM_DATA_DIR>/ml-test/.`));
});

test('verifyRecorded checks a listed file and writes nothing; unlisted files pass', async () => {
  const dir = tempDir();
  writeFileSync(join(dir, 'u.data'), U_DATA);
  await verifyRecorded(dir, 'u.data'); // no .sha256 at all
  assert.equal(existsSync(join(dir, CHECKSUM_FILE)), false, 'nothing recorded');
  writeFileSync(join(dir, CHECKSUM_FILE), `${sha(U_DATA)}  u.data\n`);
  await verifyRecorded(dir, 'u.data');
  writeFileSync(join(dir, 'u.data'), U_DATA + '3\t10\t1\t103\n');
  await assert.rejects(verifyRecorded(dir, 'u.data'), (e: unknown) =>
    e instanceof DataError && e.message.startsWith(`${join(dir, 'u.data')}: SHA-256 `) && e.message.includes(`differs from the ${sha(U_DATA)} recorded`));
});

test('a server that stops sending is abandoned after stallMs with a DataError', async (t) => {
  const server = createServer((_req, res) => {
    res.writeHead(200, { 'content-length': '1000' });
    res.write('partial'); // then nothing more
  });
  await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
  t.after(() => { server.closeAllConnections?.(); });
  t.after(() => server.close());
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const root = tempDir();
  await assert.rejects(ensureDataset(zipEntry(), { dataRoot: root, baseUrl: base, progress: false, stallMs: 300 }), (e: unknown) =>
    e instanceof DataError && e.message.includes(`could not download ${base}/ml-test.zip (connection lost after 7 bytes: no data for 0.3 s)`));
  assert.deepEqual(readdirSync(join(root, 'ml-test')), []); // the partial temp file is removed
});

test("loadDataset mixes '+'-joined Amazon datasets by user, one domain per category", async (t) => {
  const { server, base } = await serve(new Map([
    ['/files/Software.csv', { status: 200, body: 's1,u1,5.0,100\n' }],
    ['/files/Books.csv', { status: 200, body: 'b1,u1,5.0,90\nb2,u2,4.0,95\n' }],
  ]));
  t.after(() => server.close());
  const r = await loadDataset('amazon-Software+amazon-Books', { dataRoot: tempDir(), dataDir: null, baseUrl: base, progress: false });
  // Files in the order given: Software rows first, then Books; u1 is shared.
  assert.deepEqual(rawRows(r.interactions), [['u1', 's1', 100], ['u1', 'b1', 90], ['u2', 'b2', 95]]);
  assert.equal(r.interactions.numUsers, 2);
  assert.deepEqual(r.interactions.vocab.domains, ['Software', 'Books']);
  assert.deepEqual(Array.from(r.interactions.vocab.itemDomain!), [-1, 0, 1, 1]);
});
