import { test } from 'node:test';
import assert from 'node:assert/strict';
import { TABLE_IV, LSRM_WIDE, nonEmbeddingParams, embeddingParams, biasAndNormParams, lsrmParamCounts } from '../../lib/models/params';

test('12·L·d² reproduces every Table IV row (paper values typed in by hand)', () => {
  // The paper's column, independent of TABLE_IV's own field: 98,304 = 12·2·64²; 829,440,000 = 12·48·1200².
  const paper = [98_304, 786_432, 1_572_864, 9_437_184, 75_497_472, 829_440_000];
  assert.equal(TABLE_IV.length, paper.length);
  TABLE_IV.forEach((row, k) => {
    assert.equal(row.nonEmbedding, paper[k]);
    assert.equal(nonEmbeddingParams(row.numLayers, row.dim), paper[k], `row ${k}: L=${row.numLayers} d=${row.dim}`);
    assert.equal(row.dim % row.numHeads, 0, `row ${k}: heads divide d`);
    assert.equal(row.batchSize, 256);
  });
});

test('LSRM_wide: 2 layers of d=1200 give 34.56M non-embedding parameters', () => {
  assert.equal(nonEmbeddingParams(LSRM_WIDE.numLayers, LSRM_WIDE.dim), 34_560_000); // 12·2·1,440,000
  assert.equal(LSRM_WIDE.nonEmbedding, 34_560_000);
});

test('embedding counts the padding row and the positions', () => {
  // 1,682 items, d=64, maxLen 50: (1682 + 1)·64 + 50·64 = 107,712 + 3,200 = 110,912
  assert.equal(embeddingParams(1682, 64, 50), 110_912);
  // Table V's SASRec row reports 1.69M embedding parameters at d=64: about 26.4K items.
  assert.ok(Math.abs(embeddingParams(26_400, 64, 50) - 1.69e6) < 0.01e6);
});

test('total = embedding + 12·L·d² + 13·L·d + 2·d', () => {
  // L=2, d=64: biases/norms 13·2·64 + 128 = 1,792
  assert.equal(biasAndNormParams(2, 64), 1_792);
  const c = lsrmParamCounts({ numLayers: 2, dim: 64, numItems: 1682, maxLen: 50 });
  assert.deepEqual(c, { embedding: 110_912, nonEmbedding: 98_304, total: 110_912 + 98_304 + 1_792 });
  assert.deepEqual(lsrmParamCounts({ numLayers: 2, dim: 64 }), { embedding: 0, nonEmbedding: 98_304, total: 0 });
});

test('errors name the bad argument', () => {
  assert.throws(() => nonEmbeddingParams(0, 64), /lsrm config: numLayers must be an integer >= 1, got 0/);
  assert.throws(() => nonEmbeddingParams(2, 6.5), /lsrm config: dim must be an integer >= 1, got 6.5/);
  assert.throws(() => embeddingParams(-1, 64, 50), /lsrm config: numItems must be an integer >= 1, got -1/);
  assert.throws(() => embeddingParams(10, 64, 0), /lsrm config: maxLen must be an integer >= 1, got 0/);
});
