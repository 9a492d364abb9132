import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readPointsTable, sniffDelimiter, splitCsvLine } from '../../lib/scaling/table';

test('splitCsvLine: quotes protect separators, "" is a quote, fields are trimmed', () => {
  assert.deepEqual(splitCsvLine('a, "b,c" ,"say ""hi"""', ','), ['a', 'b,c', 'say "hi"']);
  assert.deepEqual(splitCsvLine('1\t2', '\t'), ['1', '2']);
});

test('sniffDelimiter: the separator the header holds most of', () => {
  assert.equal(sniffDelimiter('params,loss'), ',');
  assert.equal(sniffDelimiter('params\tloss\tseed'), '\t');
  assert.equal(sniffDelimiter('params;loss;x'), ';');
  assert.equal(sniffDelimiter('params'), ',');
});

test('readPointsTable: CSV with comma, tab or semicolon, a BOM, CRLF and blank lines', () => {
  for (const d of [',', '\t', ';']) {
    const text = `\ufeffmodel${d}params${d}loss\r\nsmall${d}98300${d}6.16\r\n\r\nbig${d}9.4e6${d}5.63\r\n`;
    const t = readPointsTable(text, 'r.csv', 'params', 'loss');
    assert.deepEqual(t.points, [{ x: 98300, y: 6.16 }, { x: 9.4e6, y: 5.63 }]);
    assert.deepEqual(t.columns, ['model', 'params', 'loss']);
    assert.deepEqual(t.lines, [2, 4]);
    assert.equal(t.format, 'csv');
  }
});

test('readPointsTable: JSON lines, numbers or numeric strings', () => {
  const text = '{"params": 98300, "loss": 6.16, "seed": 0}\n{"params": "9.4e6", "loss": 5.63}\n';
  const t = readPointsTable(text, 'r.jsonl', 'params', 'loss');
  assert.deepEqual(t.points, [{ x: 98300, y: 6.16 }, { x: 9.4e6, y: 5.63 }]);
  assert.equal(t.format, 'jsonl');
  assert.deepEqual(t.columns, ['params', 'loss', 'seed']);
});

test('readPointsTable: errors name the file, the line and the fix', () => {
  assert.throws(() => readPointsTable('params,loss\n1,2\n', 'r.csv', 'N', 'loss'), {
    name: 'DataError', message: "r.csv:1: no column 'N'; the columns are: params, loss. Fix: pass --x one of them",
  });
  assert.throws(() => readPointsTable('params,loss\n1,2\n3,abc\n', 'r.csv', 'params', 'loss'), {
    message: 'r.csv:3: column \'loss\' holds "abc", not a number. Fix: give every row a numeric loss',
  });
  assert.throws(() => readPointsTable('params,loss\n1,\n', 'r.csv', 'params', 'loss'), /r.csv:2: column 'loss' is empty, not a number/);
  assert.throws(() => readPointsTable('params,loss\n1,2,3\n', 'r.csv', 'params', 'loss'), /r.csv:2: 3 fields where the header has 2/);
  assert.throws(() => readPointsTable('{"params": 1, "loss": 2}\n{"params": 2}\n', 'r.jsonl', 'params', 'loss'), /r.jsonl:2: no column 'loss'; the columns are: params. Fix: pass --y one of them/);
  assert.throws(() => readPointsTable('{"params": 1, "loss": 2}\n{oops\n', 'r.jsonl', 'params', 'loss'), /r.jsonl:2: not valid JSON .*Fix: write one JSON object per line/);
  assert.throws(() => readPointsTable('{"a": 1}\n[1, 2]\n', 'r.jsonl', 'a', 'a'), /r.jsonl:2: not a JSON object/);
  assert.throws(() => readPointsTable('\n\n', 'r.csv', 'params', 'loss'), /r.csv: the file is empty/);
  assert.throws(() => readPointsTable('params,loss\n', 'r.csv', 'params', 'loss'), /r.csv: a header but no data rows/);
});
