import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ByteKeyMap, canonicalDecimal, canonicalDecimalBytes, IdMap } from '../../lib/data/ids';
import { makeRng } from '../../lib/util/rng';

test('canonicalDecimal accepts only plain non-negative decimals without leading zeros', () => {
  assert.equal(canonicalDecimal('0'), 0);
  assert.equal(canonicalDecimal('42'), 42);
  assert.equal(canonicalDecimal('999999999'), 999999999);
  for (const s of ['', '042', '-1', '1e3', '4.0', ' 4', 'B004LLIKVU', '1234567890']) assert.equal(canonicalDecimal(s), -1, s);
  const buf = Buffer.from('x17,007');
  assert.equal(canonicalDecimalBytes(buf, 1, 3), 17);
  assert.equal(canonicalDecimalBytes(buf, 4, 7), -1);
  assert.equal(canonicalDecimalBytes(buf, 3, 3), -1);
});

test('users are 0-based and items 1-based, in order of first appearance', () => {
  const users = new IdMap(0);
  const items = new IdMap(1);
  // raw users: 196, 186, 196, alice -> 0, 1, 0, 2
  assert.deepEqual(['196', '186', '196', 'alice'].map((s) => users.internString(s)), [0, 1, 0, 2]);
  // raw items: b, a, b -> 1, 2, 1
  assert.deepEqual(['b', 'a', 'b'].map((s) => items.internString(s)), [1, 2, 1]);
  assert.deepEqual(users.rawIds(), ['196', '186', 'alice']);
  assert.deepEqual(items.rawIds(), ['', 'b', 'a']);
  assert.equal(users.size, 3);
  assert.equal(items.size, 2);
});

test('numeric, string and byte paths share one namespace; leading zeros stay distinct', () => {
  const m = new IdMap(1);
  const a = m.internNumber(7);
  assert.equal(m.internString('7'), a);
  assert.equal(m.internBytes(Buffer.from('7'), 0, 1), a);
  const b = m.internString('007'); // not canonical: a different raw id
  assert.notEqual(b, a);
  assert.equal(m.internBytes(Buffer.from('007'), 0, 3), b);
  assert.deepEqual(m.rawIds(), ['', '7', '007']);
  assert.equal(m.lookup('7'), a);
  assert.equal(m.lookup('007'), b);
  assert.equal(m.lookup('8'), -1);
  assert.equal(m.lookup('nope'), -1);
});

test('large numeric ids (beyond the direct table) and UTF-8 ids round-trip', () => {
  const m = new IdMap(0);
  const big = m.internNumber(987654321);
  assert.equal(m.internString('987654321'), big);
  assert.equal(m.lookup('987654321'), big);
  const utf = Buffer.from('Zoë,x');
  const z = m.internBytes(utf, 0, 4);
  assert.equal(m.internString('Zoë'), z);
  assert.deepEqual(m.rawIds(), ['987654321', 'Zoë']);
});

test('the direct table grows past its initial size without losing ids', () => {
  const m = new IdMap(0);
  const ids = [5, 5000, 70000, 1 << 20].map((n) => m.internNumber(n));
  assert.deepEqual(ids, [0, 1, 2, 3]);
  assert.deepEqual([5, 5000, 70000, 1 << 20].map((n) => m.internNumber(n)), [0, 1, 2, 3]);
});

test('ByteKeyMap: byte keys, growth past many rehashes, agreement with a Map<string, number>', () => {
  const m = new ByteKeyMap();
  const ref = new Map<string, number>();
  const rng = makeRng(11);
  for (let k = 0; k < 20000; k++) {
    const key = `A${rng.int(9000).toString(36)}${rng.int(3) === 0 ? 'é' : ''}`;
    const buf = Buffer.from(`,${key},`);
    const got = m.get(buf, 1, buf.length - 1);
    assert.equal(got, ref.get(key) ?? -1, key);
    if (got < 0) {
      m.set(buf, 1, buf.length - 1, ref.size);
      ref.set(key, ref.size);
    }
  }
  assert.equal(m.size, ref.size);
  assert.ok(ref.size > 5000); // enough keys to force many table, entry and arena growths
  assert.equal(m.get(Buffer.from(''), 0, 0), -1);
});

test('string ids: bytes and strings agree, raw strings are made once per id', () => {
  const m = new IdMap(1);
  const line = Buffer.from('B004LLIKVU,A31UBHTUUIFJUT,B004LLIKVU');
  const a = m.internBytes(line, 0, 10);
  assert.equal(m.internBytes(line, 26, 36), a);
  assert.equal(m.internString('B004LLIKVU'), a);
  const u = m.internString('A31UBHTUUIFJUT');
  assert.equal(m.internBytes(line, 11, 25), u);
  assert.equal(m.lookup('A31UBHTUUIFJUT'), u);
  assert.deepEqual(m.rawIds(), ['', 'B004LLIKVU', 'A31UBHTUUIFJUT']);
});
