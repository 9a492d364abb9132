import { test } from 'node:test';
import assert from 'node:assert/strict';
import { makeReviewFields, readReviewFields } from '../../../lib/data/load/json-fields';

/** What the fast path returns for a line: [user, item, time], or null when it defers to JSON.parse. */
function fast(line: string): [string, string, number] | null {
  const buf = Buffer.from(line);
  const out = makeReviewFields();
  if (!readReviewFields(buf, 0, buf.length, out)) return null;
  return [buf.toString('utf8', out.user.start, out.user.end), buf.toString('utf8', out.item.start, out.item.end), out.time];
}

test('reads the three fields whatever the key order and spacing', () => {
  assert.deepEqual(fast('{"overall": 5.0, "reviewerID": "A31U", "asin": "B004", "unixReviewTime": 1529193600}'), ['A31U', 'B004', 1529193600]);
  assert.deepEqual(fast('{"unixReviewTime":7,"asin":"x","reviewerID":"u"}'), ['u', 'x', 7]);
  assert.deepEqual(fast('  {"reviewerID" : "Zoë", "asin":"é1", "unixReviewTime" : 12 }  '), ['Zoë', 'é1', 12]);
});

test('keys quoted inside review text are not matched (their quotes are escaped)', () => {
  const line = JSON.stringify({ reviewText: 'I said "asin": "FAKE" and "reviewerID": "X"', reviewerID: 'real', asin: 'B1', unixReviewTime: 3 });
  assert.deepEqual(fast(line), ['real', 'B1', 3]);
});

test('defers to JSON.parse whenever it cannot be sure', () => {
  for (const line of [
    '{"reviewerID": "a\\"b", "asin": "x", "unixReviewTime": 1}', // escape in an id
    '{"reviewerID": "", "asin": "x", "unixReviewTime": 1}', // empty id
    '{"reviewerID": "u", "unixReviewTime": 1}', // missing asin
    '{"reviewerID": "u", "asin": "x", "unixReviewTime": "1"}', // time as a string
    '{"reviewerID": "u", "asin": "x", "unixReviewTime": null}',
    '{"reviewerID": 5, "asin": "x", "unixReviewTime": 1}', // non-string id
    '{"reviewerID": "u", "asin": "x", "unixReviewTime": 1', // truncated
    '[{"reviewerID": "u"}]',
  ]) {
    assert.equal(fast(line), null, line);
  }
});

test('agrees with JSON.parse on random well-formed review lines', () => {
  let seed = 3;
  const rnd = () => (seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) / 4294967296;
  const pieces = ['a', 'Z', '0', ' ', ',', ':', '{', '}', '"', '\\', 'é', '\n', 'asin', 'reviewerID'];
  const text = () => Array.from({ length: Math.floor(rnd() * 12) }, () => pieces[Math.floor(rnd() * pieces.length)]).join('');
  let answered = 0;
  for (let k = 0; k < 2000; k++) {
    const obj: Record<string, unknown> = { reviewText: text(), summary: text(), reviewerID: `U${text()}`, asin: `B${text()}`, unixReviewTime: Math.floor(rnd() * 2e9), style: { 'Size:': text() } };
    const line = JSON.stringify(obj);
    const got = fast(line);
    if (got === null) continue; // deferring is always allowed
    answered++;
    assert.deepEqual(got, [obj.reviewerID, obj.asin, obj.unixReviewTime], line);
  }
  assert.ok(answered > 200, `fast path answered only ${answered} of 2000`);
});
