// The block parser's fast path (lib/data/load/rows.ts makeBlockParser) must agree exactly with
// the general per-line parser (makeRowParser) on every line, fast or not.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { IdMap } from '../../../lib/data/ids';
import { linesOf } from '../../../lib/data/load/read';
import { makeBlockParser, makeRowParser, type FieldLayout, type RowFormat, type RowSink } from '../../../lib/data/load/rows';

interface Recorded { rows: [number, number, number][]; bad: [number, string][]; users: string[]; items: string[] }

function recordingSink(): RowSink & { out: Recorded; userMap: IdMap; itemMap: IdMap } {
  const userMap = new IdMap(0);
  const itemMap = new IdMap(1);
  const out: Recorded = { rows: [], bad: [], users: [], items: [] };
  return {
    users: userMap, items: itemMap, userMap, itemMap, out,
    push: (u, i, t) => void out.rows.push([u, i, t]),
    bad: (_f, line, problem) => void out.bad.push([line, problem]),
  };
}

function parseBoth(text: string, f: RowFormat, layout: FieldLayout): [Recorded, Recorded, number, number] {
  const buf = Buffer.from(text);
  const [a, b] = [recordingSink(), recordingSink()];
  const na = makeBlockParser('f', f, layout, a)(buf, 0, buf.length, 1);
  const nb = linesOf(makeRowParser('f', f, layout, b))(buf, 0, buf.length, 1);
  for (const s of [a, b]) [s.out.users, s.out.items] = [s.userMap.rawIds(), s.itemMap.rawIds()];
  return [a.out, b.out, na, nb];
}

const CSV: RowFormat = { format: 'test', rowShape: 'u,i,r,t', delimiter: Buffer.from(','), quotes: true };
const L4: FieldLayout = { user: 0, item: 1, time: 3, count: 4 };

test('fast and general paths agree line by line on tricky rows', () => {
  const lines = [
    '1,2,3.5,100', '10,20,x,101', '007,2,1,102', '0,0,1,103', '1,2,1,0104', '1,2,1,-5', '1,2,1,1e3', '1,2,1,12345678901234567',
    '1234567890,2,1,1', '123456789,2,1,1', '"5",6,1,7', '5,"6",1,7', '5,"a""b",1,7', 'u1,i1,1,8', '1,2,1', '1,2,1,4,5', '',
    '1,2,,9', ',2,1,9', '1,,1,9', '1,2,1,', '1,2,1, 9', '3,4,1,10\r', '\r', '3,4,"1,5",11', '3,4,1,12',
  ];
  for (const eol of ['\n', '\r\n']) {
    for (const last of ['', eol]) {
      const [fast, general, na, nb] = parseBoth(lines.join(eol) + last, CSV, L4);
      assert.deepEqual(fast, general);
      assert.equal(na, nb);
      assert.equal(na, lines.length);
      assert.ok(fast.rows.length > 10 && fast.bad.length >= 5, `${fast.rows.length} rows, ${fast.bad.length} bad`);
    }
  }
});

test('a layout with time before ids, a tab delimiter, no quotes; ids sharing a column fall back correctly', () => {
  const tab: RowFormat = { format: 'test', rowShape: 't<TAB>i<TAB>u', delimiter: Buffer.from('\t'), quotes: false };
  const text = '100\t2\t1\n101\t"2"\t1\n102\t3\t\n\n103\t4\t5\textra\n104\t4\t5';
  const [fast, general] = parseBoth(text, tab, { user: 2, item: 1, time: 0, count: 3 });
  assert.deepEqual(fast, general);
  assert.deepEqual(fast.items, ['', '2', '"2"', '4']);
  const same = parseBoth('1,1,5\n2,2,6\n', CSV, { user: 0, item: 0, time: 2, count: 3 });
  assert.deepEqual(same[0], same[1]);
});

test('multi-byte delimiters take the general path', () => {
  const dat: RowFormat = { format: 'test', rowShape: 'u::i::r::t', delimiter: Buffer.from('::'), quotes: false };
  const [fast, general] = parseBoth('1::2::3::4\n5::6::7\n', dat, L4);
  assert.deepEqual(fast, general);
  assert.equal(fast.rows.length, 1);
});
