import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { configHash, sha256File, sha256Hex, stableStringify } from '../../lib/util/hash';

test('stableStringify sorts keys at every level and keeps array order', () => {
  const a = stableStringify({ b: 1, a: { d: [3, { z: 1, y: 2 }], c: 'x' } });
  assert.equal(a, '{"a":{"c":"x","d":[3,{"y":2,"z":1}]},"b":1}');
  assert.equal(stableStringify({ a: 1, b: 2 }), stableStringify({ b: 2, a: 1 }));
  assert.equal(stableStringify([2, 1]), '[2,1]');
});

test('stableStringify rejects what JSON cannot hold, naming the path', () => {
  assert.throws(() => stableStringify({ a: { b: undefined } }), /config\.a\.b is undefined: configs must be plain JSON/);
  assert.throws(() => stableStringify({ lr: NaN }), /config\.lr is NaN: configs must be JSON \(finite numbers only\)/);
  assert.throws(() => stableStringify({ x: [1, Infinity] }), /config\.x\[1\] is Infinity/);
  assert.throws(() => stableStringify({ f: () => 1 }), /config\.f is a function/);
  assert.throws(() => stableStringify({ t: new Date(0) }), /config\.t is a non-plain object/);
});

test('configHash is the first 10 hex digits of sha256 of the key-sorted JSON', () => {
  const expected = createHash('sha256').update('{"dim":16,"layers":2}').digest('hex').slice(0, 10);
  assert.equal(configHash({ layers: 2, dim: 16 }), expected);
  assert.match(expected, /^[0-9a-f]{10}$/);
  // Pinned: a change here changes every stored run key (runs/<experiment>/<key>.json).
  assert.equal(configHash({ dim: 16, layers: 2 }), '3ecf9ef32a');
});

test('sha256Hex and sha256File agree with node:crypto (FIPS 180-2 test vector "abc")', async () => {
  const abc = 'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad';
  assert.equal(sha256Hex('abc'), abc);
  assert.equal(sha256Hex(new TextEncoder().encode('abc')), abc);
  const dir = mkdtempSync(join(tmpdir(), 'lsrm-hash-'));
  writeFileSync(join(dir, 'abc.txt'), 'abc');
  assert.equal(await sha256File(join(dir, 'abc.txt')), abc);
  // Larger than one 1 MiB read chunk: the streamed hash equals the one-shot hash.
  const big = Buffer.alloc((1 << 20) + 17, 7);
  writeFileSync(join(dir, 'big.bin'), big);
  assert.equal(await sha256File(join(dir, 'big.bin')), createHash('sha256').update(big).digest('hex'));
  await assert.rejects(sha256File(join(dir, 'missing')), /ENOENT/);
});
