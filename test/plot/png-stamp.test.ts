import { test } from 'node:test';
import assert from 'node:assert/strict';
import { inflateSync } from 'node:zlib';
import { crc32, readPngText, sourceHash, stampPng, STAMP_KEY } from '../../lib/plot/png-stamp';
import { tinyPng } from './tiny-png';

/** Chunk types in order, checking each CRC. */
function chunkTypes(png: Buffer): string[] {
  const types: string[] = [];
  for (let at = 8; at < png.length; ) {
    const len = png.readUInt32BE(at);
    assert.equal(png.readUInt32BE(at + 8 + len), crc32(png.subarray(at + 4, at + 8 + len)), `CRC of chunk at ${at}`);
    types.push(png.toString('latin1', at + 4, at + 8));
    at += 12 + len;
  }
  return types;
}

test('crc32: the standard check values', () => {
  assert.equal(crc32(Buffer.from('123456789')), 0xcbf43926);
  assert.equal(crc32(Buffer.from('IEND')), 0xae426082);
  assert.equal(crc32(Buffer.alloc(0)), 0);
});

test('sourceHash is sha256 of the UTF-8 text', () => {
  // sha256('abc') from FIPS 180-2, appendix B.1
  assert.equal(sourceHash('abc'), 'sha256:ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
});

test('stampPng adds one tEXt chunk after IHDR; pixels and other chunks are untouched', () => {
  const png = tinyPng();
  assert.equal(readPngText(png), undefined);
  const stamped = stampPng(png, 'sha256:00ff');
  assert.deepEqual(chunkTypes(stamped), ['IHDR', 'tEXt', 'IDAT', 'IEND']);
  assert.equal(readPngText(stamped), 'sha256:00ff');
  assert.equal(stamped.length, png.length + 12 + STAMP_KEY.length + 1 + 'sha256:00ff'.length);
  // the IDAT bytes are the same: the image is the same
  const idat = (b: Buffer) => { const i = b.indexOf('IDAT', 8, 'latin1'); return inflateSync(b.subarray(i + 4, i + 4 + b.readUInt32BE(i - 4))); };
  assert.deepEqual(idat(stamped), idat(png));
  // stamping again replaces the old stamp; other keywords stay
  const twice = stampPng(stampPng(stamped, 'x', 'Other'), 'sha256:abcd');
  assert.deepEqual(chunkTypes(twice), ['IHDR', 'tEXt', 'tEXt', 'IDAT', 'IEND']);
  assert.equal(readPngText(twice), 'sha256:abcd');
  assert.equal(readPngText(twice, 'Other'), 'x');
});

test('bad input: no PNG, truncated, bad keyword', () => {
  assert.equal(readPngText(Buffer.from('not a png at all')), undefined);
  assert.throws(() => stampPng(Buffer.from('not a png at all'), 'x'), /not a PNG \(bad signature\)/);
  assert.throws(() => stampPng(tinyPng().subarray(0, 30), 'x'), /truncated PNG: chunk at byte 8 needs 13 bytes/);
  assert.throws(() => stampPng(tinyPng(), 'x', ''), /keyword '' must be 1-79 printable ASCII/);
  assert.throws(() => stampPng(tinyPng(), 'é'), /stamp text must be printable ASCII/);
});
