/**
 * Read (x, y) points from the text of a results table: a CSV with a header row (separated by
 * commas, tabs or semicolons, whichever the header holds most of; fields may be "quoted") or
 * JSON lines (one object per line; recognised by a first line starting with '{'). Blank lines
 * are skipped; a UTF-8 byte-order mark is dropped. Errors are DataErrors naming the file, the
 * line (1-based) and the fix.
 */
import { clipText, DataError } from '../util/errors';
import type { ScalingPoint } from './points';

/** The points read and what the table looked like. */
export interface PointsTable {
  readonly points: ScalingPoint[];
  readonly format: 'csv' | 'jsonl';
  /** The header's columns (csv) or the first object's keys (jsonl). */
  readonly columns: string[];
  /** The 1-based line of each point. */
  readonly lines: number[];
}

/** Split one CSV line on `delim`, honouring double quotes ("" inside quotes is one quote). */
export function splitCsvLine(line: string, delim: string): string[] {
  const fields: string[] = [];
  let cur = '', quoted = false;
  for (let i = 0; i < line.length; i++) {
    const ch = line[i];
    if (quoted) {
      if (ch === '"' && line[i + 1] === '"') { cur += '"'; i++; }
      else if (ch === '"') quoted = false;
      else cur += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === delim) { fields.push(cur.trim()); cur = ''; }
    else cur += ch;
  }
  fields.push(cur.trim());
  return fields;
}

/** The separator the header uses most of: ',', '\t' or ';' (',' when it holds none). */
export function sniffDelimiter(header: string): string {
  let best = ',', most = 0;
  for (const d of [',', '\t', ';']) {
    const n = splitCsvLine(header, d).length - 1;
    if (n > most) { best = d; most = n; }
  }
  return best;
}

/** A cell or JSON value as a number, or a DataError naming column, file and line. */
function toNumber(value: unknown, column: string, file: string, line: number): number {
  const n = typeof value === 'number' ? value : typeof value === 'string' && value.trim() !== '' ? Number(value) : NaN;
  if (!Number.isFinite(n)) {
    const shown = value === undefined || value === '' ? 'is empty' : `holds ${clipText(JSON.stringify(value), 40)}`;
    throw new DataError(`column '${column}' ${shown}, not a number. Fix: give every row a numeric ${column}`, file, line);
  }
  return n;
}

/** The index of `name` among the columns, or a DataError listing them. */
function columnIndex(columns: string[], name: string, flag: string, file: string, line: number): number {
  const k = columns.indexOf(name);
  if (k >= 0) return k;
  throw new DataError(`no column '${clipText(name, 60)}'; the columns are: ${clipText(columns.join(', '))}. Fix: pass ${flag} one of them`, file, line);
}

/** The non-blank lines with their 1-based numbers. */
function nonBlankLines(text: string): { text: string; line: number }[] {
  return text.replace(/^\ufeff/, '').split(/\r?\n/).map((t, i) => ({ text: t, line: i + 1 })).filter((l) => l.text.trim() !== '');
}

function readCsv(rows: { text: string; line: number }[], file: string, xCol: string, yCol: string): PointsTable {
  const delim = sniffDelimiter(rows[0].text);
  const columns = splitCsvLine(rows[0].text, delim);
  const xi = columnIndex(columns, xCol, '--x', file, rows[0].line);
  const yi = columnIndex(columns, yCol, '--y', file, rows[0].line);
  const points: ScalingPoint[] = [], lines: number[] = [];
  for (const r of rows.slice(1)) {
    const f = splitCsvLine(r.text, delim);
    if (f.length !== columns.length) {
      throw new DataError(`${f.length} fields where the header has ${columns.length}. Fix: give every row one value per column`, file, r.line);
    }
    points.push({ x: toNumber(f[xi], xCol, file, r.line), y: toNumber(f[yi], yCol, file, r.line) });
    lines.push(r.line);
  }
  return { points, format: 'csv', columns, lines };
}

function readJsonLines(rows: { text: string; line: number }[], file: string, xCol: string, yCol: string): PointsTable {
  const points: ScalingPoint[] = [], lines: number[] = [];
  let columns: string[] = [];
  for (const r of rows) {
    let obj: unknown;
    try { obj = JSON.parse(r.text); } catch (err) {
      throw new DataError(`not valid JSON (${(err as Error).message}). Fix: write one JSON object per line`, file, r.line);
    }
    if (typeof obj !== 'object' || obj === null || Array.isArray(obj)) throw new DataError('not a JSON object. Fix: write one JSON object per line', file, r.line);
    const rec = obj as Record<string, unknown>;
    const keys = Object.keys(rec);
    if (points.length === 0) columns = keys;
    columnIndex(keys, xCol, '--x', file, r.line);
    columnIndex(keys, yCol, '--y', file, r.line);
    points.push({ x: toNumber(rec[xCol], xCol, file, r.line), y: toNumber(rec[yCol], yCol, file, r.line) });
    lines.push(r.line);
  }
  return { points, format: 'jsonl', columns, lines };
}

/**
 * The (x, y) points of a CSV or JSON-lines text (see the header).
 * @param file the file's name, for messages
 * @throws DataError on an empty table, a missing column (listing those present), a row of the
 *   wrong width, a non-numeric cell or a line that is not a JSON object
 * @example readPointsTable('params,loss\n98300,6.45\n', 'a.csv', 'params', 'loss').points // [{ x: 98300, y: 6.45 }]
 */
export function readPointsTable(text: string, file: string, xCol: string, yCol: string): PointsTable {
  const rows = nonBlankLines(text);
  if (rows.length === 0) throw new DataError('the file is empty. Fix: write a CSV with a header row, or JSON lines', file);
  const table = rows[0].text.trimStart().startsWith('{') ? readJsonLines(rows, file, xCol, yCol) : readCsv(rows, file, xCol, yCol);
  if (table.points.length === 0) throw new DataError('a header but no data rows. Fix: add one row per run', file);
  return table;
}
