import { test } from 'node:test';
import assert from 'node:assert/strict';
import { csvField, escapeHtml, formatCell, formatFixed, formatPercent, mdCell, toCsv, toHtmlTable, toMarkdown, type Column } from '../../lib/plot/table';

const COLS: Column[] = [
  { key: 'name', label: 'Dataset' },
  { key: 'users', label: '#Users' },
  { key: 'density', label: 'Density', format: formatPercent(3) },
];
const ROWS = [
  { name: 'MovieLens-20M', users: 138493, density: 0.005048 },
  { name: 'a, "b"', users: 5, density: null },
];

test('formatCell: thousands separators, 4 significant digits, yes/no, empty', () => {
  assert.equal(formatCell(18476840), '18,476,840');
  assert.equal(formatCell(-1234), '-1,234');
  assert.equal(formatCell(0.0050312), '0.005031');
  assert.equal(formatCell(133.456), '133.5');
  assert.equal(formatCell(true), 'yes');
  assert.equal(formatCell(null), '');
  assert.equal(formatCell(undefined), '');
  assert.equal(formatCell(NaN), 'NaN');
  assert.equal(formatCell('as is'), 'as is');
  assert.equal(formatFixed(2)(12.3456), '12.35');
  assert.equal(formatPercent(2)(0.01234), '1.23%');
  assert.equal(formatPercent(2)('n/a'), 'n/a');
});

test('csvField quotes commas, quotes, newlines and edge spaces (RFC 4180)', () => {
  assert.equal(csvField('plain'), 'plain');
  assert.equal(csvField('a,b'), '"a,b"');
  assert.equal(csvField('say "hi"'), '"say ""hi"""');
  assert.equal(csvField('two\nlines'), '"two\nlines"');
  assert.equal(csvField('cr\rx'), '"cr\rx"');
  assert.equal(csvField(' pad'), '" pad"');
  assert.equal(csvField(null), '');
  assert.equal(csvField(0.1), '0.1');
});

test('toCsv: header of keys, raw values (no formatting), one line per row', () => {
  assert.equal(toCsv(ROWS, COLS), 'name,users,density\nMovieLens-20M,138493,0.005048\n"a, ""b""",5,\n');
  assert.equal(toCsv([], COLS), 'name,users,density\n');
});

test('mdCell escapes pipes and backslashes and turns newlines into <br>', () => {
  assert.equal(mdCell('a|b'), 'a\\|b');
  assert.equal(mdCell('c:\\x'), 'c:\\\\x');
  assert.equal(mdCell('1\n2\r\n3'), '1<br>2<br>3');
});

test('toMarkdown: title, aligned header (numbers right), formatted cells, note', () => {
  const md = toMarkdown([{ name: 'x|y', users: 1234, density: 0.5 }], COLS, { title: 'Table II', note: 'paper rows from the PDF' });
  assert.equal(
    md,
    [
      '### Table II',
      '',
      '| Dataset | #Users | Density |',
      '| :--- | ---: | ---: |',
      '| x\\|y | 1,234 | 50.000% |',
      '',
      'paper rows from the PDF',
      '',
    ].join('\n'),
  );
  // a column with a null among numbers is still numeric; with a string it is left-aligned
  assert.match(toMarkdown(ROWS, COLS), /\| :--- \| ---: \| ---: \|/);
  assert.match(toMarkdown([{ name: 'a', users: 'n/a', density: 1 }], COLS), /\| :--- \| :--- \| ---: \|/);
});

test('escapeHtml and toHtmlTable escape cell text, labels, title and note', () => {
  assert.equal(escapeHtml(`<a href="x">&'`), '&lt;a href=&quot;x&quot;&gt;&amp;&#39;');
  const html = toHtmlTable([{ name: '<b>', users: 1000, density: 0.1 }], [{ key: 'name', label: 'A&B' }, ...COLS.slice(1)], { title: 'T<1>', note: 'n"' });
  assert.ok(html.includes('<td style="border-bottom:1px solid #ddd;padding:4px 10px;white-space:nowrap;text-align:left">&lt;b&gt;</td>'));
  assert.ok(html.includes('text-align:right">1,000</td>'));
  assert.ok(html.includes('>A&amp;B</th>'));
  assert.ok(html.includes('>T&lt;1&gt;</caption>'));
  assert.ok(html.includes('>n&quot;</p>'));
  assert.ok(!html.includes('<b>'));
});

test('tables reject an empty or duplicated column list', () => {
  assert.throws(() => toCsv(ROWS, []), /a table needs at least one column/);
  assert.throws(() => toMarkdown(ROWS, [COLS[0], COLS[0]]), /duplicate column key 'name'/);
  assert.throws(() => toHtmlTable(ROWS, []), /at least one column/);
});
