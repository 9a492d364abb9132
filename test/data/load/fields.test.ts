import { test } from 'node:test';
import assert from 'node:assert/strict';
import { delimiterBytes, fieldText, makeFieldSlots, MAX_FIELDS, parseNumberBytes, splitFields } from '../../../lib/data/load/fields';

function split(line: string, delim: string, quotes = false): string[] | number {
  const buf = Buffer.from(line);
  const slots = makeFieldSlots();
  const n = splitFields(buf, 0, buf.length, delimiterBytes(delim), quotes, slots);
  if (n < 0 || n > MAX_FIELDS) return n;
  return Array.from({ length: n }, (_, k) => fieldText(buf, slots, k));
}

test('splits on one- and multi-byte delimiters, keeping empty fields', () => {
  assert.deepEqual(split('1\t2\t3\t4', 'tab'), ['1', '2', '3', '4']);
  assert.deepEqual(split('1::2::5::978300760', '::'), ['1', '2', '5', '978300760']);
  assert.deepEqual(split('a,,b,', ','), ['a', '', 'b', '']);
  assert.deepEqual(split('', ','), ['']);
  assert.deepEqual(split('1:2::3', '::'), ['1:2', '3']);
});

test('quoted CSV fields may hold delimiters and escaped quotes', () => {
  assert.deepEqual(split('1,"Toy Story, The (1995)",Comedy', ',', true), ['1', 'Toy Story, The (1995)', 'Comedy']);
  assert.deepEqual(split('"say ""hi""",x', ',', true), ['say "hi"', 'x']);
  assert.deepEqual(split('"",x', ',', true), ['', 'x']);
  assert.equal(split('"open,x', ',', true), -1); // unterminated
  assert.equal(split('"a"b,x', ',', true), -1); // text after the closing quote
  assert.deepEqual(split('"a",x', ',', false), ['"a"', 'x']); // quotes off: literal
});

test('too many fields is reported as MAX_FIELDS + 1', () => {
  assert.equal(split(','.repeat(MAX_FIELDS), ','), MAX_FIELDS + 1);
  assert.equal((split(','.repeat(MAX_FIELDS - 1), ',') as string[]).length, MAX_FIELDS);
});

test('parseNumberBytes: integers from bytes, other numbers via Number, junk is NaN', () => {
  const p = (s: string) => parseNumberBytes(Buffer.from(s), 0, Buffer.byteLength(s));
  assert.equal(p('881250949'), 881250949);
  assert.equal(p('-5'), -5);
  assert.equal(p('881250949.0'), 881250949);
  assert.equal(p('1.5e9'), 1.5e9);
  assert.equal(p(' 12 '), 12);
  assert.equal(p('9007199254740991'), 9007199254740991); // 16 digits: Number() path
  for (const bad of ['', ' ', 'abc', '12abc', '-', 'Infinity', 'NaN']) assert.ok(Number.isNaN(p(bad)), bad);
});
