import { test } from 'node:test';
import assert from 'node:assert/strict';
import { formatSourceSpec, isAmazonMix, parseSourceSpec } from '../../lib/data/source';
import { datasetLayouts, findDataset } from '../../lib/data/datasets';
import { DataError } from '../../lib/util/errors';

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
  // Folder datasets (no download): read from $LSRM_DATA_DIR/<name>/ or data/<name>/.
  assert.deepEqual(parseSourceSpec('dataset:amazon-2018-5core-small'), { kind: 'dataset', name: 'amazon-2018-5core-small' });
  assert.deepEqual(parseSourceSpec('amazon-2018'), { kind: 'dataset', name: 'amazon-2018' });
});

test('datasetLayouts: the download\'s file first, then RecBole atomic files', () => {
  const files = (name: string) => datasetLayouts(findDataset(name)!).map((l) => `${l.format}:${l.file}`);
  assert.deepEqual(files('ml-100k'), ['movielens:u.data', 'atomic:ml-100k.inter', 'atomic:ml-100k.inter.gz']);
  assert.deepEqual(files('ml-20m'), ['movielens:ratings.csv', 'atomic:ml-20m.inter', 'atomic:ml-20m.inter.gz']);
  assert.deepEqual(files('amazon-Books'), ['amazon:Books.csv', 'amazon:Books.csv.gz', 'atomic:amazon-Books.inter', 'atomic:amazon-Books.inter.gz']);
  assert.deepEqual(files('amazon-Books-5core'), ['amazon:Books_5.json.gz', 'amazon:Books_5.json', 'atomic:amazon-Books-5core.inter', 'atomic:amazon-Books-5core.inter.gz']);
  assert.deepEqual(files('amazon-2018'), ['amazon:.', 'atomic:amazon-2018.inter', 'atomic:amazon-2018.inter.gz']);
  assert.equal(findDataset('amazon-2018')!.remote, undefined, 'a folder dataset has no download');
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
