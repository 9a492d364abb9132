import { test } from 'node:test';
import assert from 'node:assert/strict';
import { forEachBlock, forEachBlockInRange, forEachLine, isGzipFile } from '../../../lib/data/load/read';
import { DataError } from '../../../lib/util/errors';
import { tempDir, writeFixture } from './tmp';

async function collect(path: string): Promise<string[]> {
  const out: string[] = [];
  const n = await forEachLine(path, (buf, s, e, line) => {
    assert.equal(line, out.length + 1);
    out.push(buf.toString('utf8', s, e));
  });
  assert.equal(n, out.length);
  return out;
}

test('lines crossing the 4 MB read-chunk boundary come out whole (plain and gzip)', async () => {
  // 6 MB of lines of varying length, so chunk edges fall mid-line; brute-force check against split.
  const lines = Array.from({ length: 200000 }, (_, k) => `${k}\t${'x'.repeat(k % 53)}\t${k * 7}`);
  const text = lines.join('\n') + '\n';
  assert.ok(text.length > 6e6);
  for (const gz of [false, true]) {
    const file = writeFixture(tempDir(), 'big.txt', text, gz);
    assert.equal(isGzipFile(file), gz);
    assert.deepEqual(await collect(file), lines);
  }
});

test('CRLF, a UTF-8 BOM, blank lines and no final newline', async () => {
  const file = writeFixture(tempDir(), 'x.txt', '\ufeffa,b\r\n\r\nc\r\nlast');
  assert.deepEqual(await collect(file), ['a,b', '', 'c', 'last']);
  const empty = writeFixture(tempDir(), 'e.txt', '');
  assert.deepEqual(await collect(empty), []);
});

test('gzip is detected by magic bytes, not by name; a damaged gzip is a DataError', async () => {
  const dir = tempDir();
  const disguised = writeFixture(dir, 'plain-name.csv', 'a\nb\n', true);
  assert.deepEqual(await collect(disguised), ['a', 'b']);
  const full = writeFixture(dir, 'ok.gz', 'hello\n'.repeat(1000), true);
  const { readFileSync, writeFileSync } = await import('node:fs');
  const bytes = readFileSync(full);
  const broken = `${dir}/broken.gz`;
  writeFileSync(broken, bytes.subarray(0, bytes.length - 20));
  await assert.rejects(collect(broken), (e: unknown) => e instanceof DataError && e.message.startsWith(`${broken}: could not decompress gzip`));
});

test('blocks hold whole lines and count them; a byte range numbers its lines from 1', async () => {
  const lines = Array.from({ length: 300000 }, (_, k) => `${k},${'y'.repeat(k % 31)}`);
  const text = lines.join('\n'); // no final newline
  const file = writeFixture(tempDir(), 'b.csv', text);
  const seen: string[] = [];
  const n = await forEachBlock(file, (buf, start, end, first) => {
    assert.equal(first, seen.length + 1);
    const part = buf.toString('utf8', start, end);
    assert.ok(end === buf.length || part.endsWith('\n'), 'a block ends at a newline, or is the last line');
    const got = part.replace(/\n$/, '').split('\n');
    for (const l of got) seen.push(l);
    return got.length;
  });
  assert.equal(n, lines.length);
  assert.deepEqual(seen, lines);
  // the second half of the file as a range (several read chunks)
  const from = text.indexOf('\n', text.length >> 1) + 1;
  const tail: string[] = [];
  const m = forEachBlockInRange(file, from, text.length, (buf, start, end, first) => {
    assert.equal(first, tail.length + 1);
    const got = buf.toString('utf8', start, end).replace(/\n$/, '').split('\n');
    for (const l of got) tail.push(l);
    return got.length;
  });
  assert.equal(m, tail.length);
  assert.deepEqual(tail, text.slice(from).split('\n'));
});
