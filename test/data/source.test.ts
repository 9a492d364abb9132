import { test } from 'node:test';
import assert from 'node:assert/strict';
import { formatSourceSpec, isAmazonMix, parseSourceSpec } from '../../lib/data/source';
import { DataError } from '../../lib/errors';

test('parses every kind', () => {
  assert.deepEqual(parseSourceSpec('atomic:data/ml-100k/ml-100k.inter'), { kind: 'atomic', path: 'data/ml-100k/ml-100k.inter' });
  assert.deepEqual(parseSourceSpec('movielens:data/ml-1m'), { kind: 'movielens', path: 'data/ml-1m' });
  assert.deepEqual(parseSourceSpec('amazon:/abs/amazon'), { kind: 'amazon', path: '/abs/amazon' });
  assert.deepEqual(parseSourceSpec(' csv:a:b.csv '), { kind: 'csv', path: 'a:b.csv' }); // only the first colon splits
  assert.deepEqual(parseSourceSpec('synthetic'), { kind: 'synthetic' });
  assert.deepEqual(parseSourceSpec('synthetic:'), { kind: 'synthetic' });
  assert.deepEqual(parseSourceSpec('synthetic:small'), { kind: 'synthetic', preset: 'small' });
  assert.deepEqual(parseSourceSpec('dataset:ml-1m'), { kind: 'dataset', name: 'ml-1m' });
  assert.deepEqual(parseSourceSpec('ml-20m'), { kind: 'dataset', name: 'ml-20m' });
  assert.deepEqual(parseSourceSpec('amazon-All_Beauty-5core'), { kind: 'dataset', name: 'amazon-All_Beauty-5core' });
  assert.deepEqual(parseSourceSpec('amazon-Books+amazon-Software'), { kind: 'dataset', name: 'amazon-Books+amazon-Software' });
  assert.deepEqual(parseSourceSpec('dataset:amazon-Books+amazon-Software'), { kind: 'dataset', name: 'amazon-Books+amazon-Software' });
});

test('formatSourceSpec round-trips', () => {
  for (const s of ['atomic:x.inter', 'movielens:d', 'amazon:d', 'csv:f.csv', 'synthetic', 'synthetic:tiny', 'dataset:ml-1m']) {
    assert.equal(formatSourceSpec(parseSourceSpec(s)), s);
  }
});

test('Amazon mixes need every part to be an Amazon dataset', () => {
  assert.equal(isAmazonMix('amazon-Books+amazon-Software-5core'), true);
  assert.equal(isAmazonMix('amazon-Books'), false);
  assert.equal(isAmazonMix('amazon-Books+ml-1m'), false);
});

test('bad specs are DataErrors that list the accepted forms', () => {
  const cases: [string, RegExp][] = [
    ['movielens:', /has no path/],
    ['excel:data.xlsx', /unknown source "excel:data\.xlsx".*atomic, movielens, amazon, csv/],
    ['data/ratings.csv', /unknown source.*<kind>:<path>/],
    ['dataset:ml-2m', /unknown dataset "ml-2m"/],
    ['', /unknown source/],
  ];
  for (const [spec, re] of cases) {
    assert.throws(() => parseSourceSpec(spec), (e: unknown) => e instanceof DataError && re.test(e.message), spec);
  }
});
