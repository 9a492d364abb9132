/**
 * Tables as data: a list of row objects plus a typed column list, rendered to CSV (raw values,
 * for machines), Markdown (GitHub view) and HTML (notebook and figures/<id>.html/.png).
 * Every renderer is pure and escapes its format's special characters.
 */

/** A table cell value. null/undefined render as an empty cell. */
export type Cell = string | number | boolean | null | undefined;

/** A table row: column key -> value. */
export type Row = Readonly<Record<string, Cell>>;

/** One column: which key to read, its header, and how to show values to people. */
export interface Column {
  readonly key: string;
  readonly label: string;
  /** Human formatting for md/html/png (CSV keeps the raw value); gets the whole row too. Default: formatCell. */
  readonly format?: (value: Cell, row?: Row) => string;
  /** Default: 'right' when every value in the column is a number, else 'left'. */
  readonly align?: 'left' | 'right';
}

/** Options for the human renderings. */
export interface TableOptions {
  readonly title?: string;
  /** A note under the table (source, caveats). Plain text. */
  readonly note?: string;
}

/**
 * Default human formatting: integers with thousands separators (138,493), other numbers to
 * 4 significant digits, booleans as yes/no, null/undefined as ''.
 * @example formatCell(18476840) // '18,476,840'; formatCell(0.0050312) // '0.005031'
 */
export function formatCell(v: Cell): string {
  if (v === null || v === undefined) return '';
  if (typeof v === 'boolean') return v ? 'yes' : 'no';
  if (typeof v === 'number') {
    if (!Number.isFinite(v)) return String(v);
    if (Number.isInteger(v)) return v.toLocaleString('en-US');
    return String(Number(v.toPrecision(4)));
  }
  return v;
}

/** A number as a percentage with `digits` decimals: 0.01234 -> '1.23%'. */
export function formatPercent(digits = 2): (v: Cell) => string {
  return (v) => (typeof v === 'number' ? `${(v * 100).toFixed(digits)}%` : formatCell(v));
}

/** A number with a fixed count of decimals: 12.3456 -> '12.35'. */
export function formatFixed(digits: number): (v: Cell) => string {
  return (v) => (typeof v === 'number' ? v.toFixed(digits) : formatCell(v));
}

/**
 * A mean with the half-width of its interval, read from another field of the row (a field that
 * needs no column of its own): '5.9881 ± 0.0123'; the plain value when the row has none.
 * @example formatMeanHalfWidth('ceHw', 4)(5.98812, { ce: 5.98812, ceHw: 0.01234 }) // '5.9881 ± 0.0123'
 */
export function formatMeanHalfWidth(halfWidthKey: string, digits: number): (v: Cell, row?: Row) => string {
  return (v, row) => {
    const hw = row?.[halfWidthKey];
    if (typeof v !== 'number') return formatCell(v);
    return typeof hw === 'number' ? `${v.toFixed(digits)} ± ${hw.toFixed(digits)}` : v.toFixed(digits);
  };
}

function show(col: Column, v: Cell, row: Row): string {
  return (col.format ?? formatCell)(v, row);
}

function alignOf(col: Column, rows: readonly Row[]): 'left' | 'right' {
  if (col.align) return col.align;
  const vals = rows.map((r) => r[col.key]).filter((v) => v !== null && v !== undefined);
  return vals.length > 0 && vals.every((v) => typeof v === 'number') ? 'right' : 'left';
}

function checkColumns(columns: readonly Column[]): void {
  if (columns.length === 0) throw new Error('a table needs at least one column');
  const seen = new Set<string>();
  for (const c of columns) {
    if (seen.has(c.key)) throw new Error(`duplicate column key '${c.key}'`);
    seen.add(c.key);
  }
}

/** RFC 4180 field: quoted when it holds a comma, quote, CR/LF or edge spaces; quotes doubled. */
export function csvField(v: Cell): string {
  const s = v === null || v === undefined ? '' : String(v);
  return /[",\r\n]|^\s|\s$/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

/** CSV with a header row of column keys and raw values; lines end with \n. */
export function toCsv(rows: readonly Row[], columns: readonly Column[]): string {
  checkColumns(columns);
  const lines = [columns.map((c) => csvField(c.key)).join(',')];
  for (const r of rows) lines.push(columns.map((c) => csvField(r[c.key])).join(','));
  return lines.join('\n') + '\n';
}

/** Markdown cell text: pipes escaped, backslashes kept, newlines as <br>. */
export function mdCell(s: string): string {
  return s.replace(/\\/g, '\\\\').replace(/\|/g, '\\|').replace(/\r?\n/g, '<br>');
}

/** A GitHub-flavoured Markdown table (title as a heading, note as a paragraph after it). */
export function toMarkdown(rows: readonly Row[], columns: readonly Column[], opts: TableOptions = {}): string {
  checkColumns(columns);
  const out: string[] = [];
  if (opts.title) out.push(`### ${mdCell(opts.title)}`, '');
  out.push(`| ${columns.map((c) => mdCell(c.label)).join(' | ')} |`);
  out.push(`|${columns.map((c) => (alignOf(c, rows) === 'right' ? ' ---: ' : ' :--- ')).join('|')}|`);
  for (const r of rows) out.push(`| ${columns.map((c) => mdCell(show(c, r[c.key], r))).join(' | ')} |`);
  if (opts.note) out.push('', mdCell(opts.note));
  return out.join('\n') + '\n';
}

/** Escape text for HTML element content and attribute values. */
export function escapeHtml(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#39;');
}

const TABLE_CSS =
  'border-collapse:collapse;font-family:Helvetica,Arial,sans-serif;font-size:13px;color:#222;';
const TH_CSS = 'border-bottom:2px solid #444;padding:4px 10px;background:#f3f3f3;';
const TD_CSS = 'border-bottom:1px solid #ddd;padding:4px 10px;white-space:nowrap;';

/** An HTML <table> fragment with inline styles (renders the same in a notebook and a page). */
export function toHtmlTable(rows: readonly Row[], columns: readonly Column[], opts: TableOptions = {}): string {
  checkColumns(columns);
  const aligns = columns.map((c) => alignOf(c, rows));
  const head = columns.map((c, j) => `<th style="${TH_CSS}text-align:${aligns[j]}">${escapeHtml(c.label)}</th>`);
  const body = rows.map(
    (r) => `<tr>${columns.map((c, j) => `<td style="${TD_CSS}text-align:${aligns[j]}">${escapeHtml(show(c, r[c.key], r))}</td>`).join('')}</tr>`,
  );
  const caption = opts.title
    ? `<caption style="caption-side:top;text-align:left;font-weight:bold;padding:4px 0 8px">${escapeHtml(opts.title)}</caption>`
    : '';
  const note = opts.note ? `<p style="font-family:Helvetica,Arial,sans-serif;font-size:12px;color:#555;max-width:760px">${escapeHtml(opts.note)}</p>` : '';
  return `<div class="lsrm-table"><table style="${TABLE_CSS}">${caption}<thead><tr>${head.join('')}</tr></thead><tbody>${body.join('')}</tbody></table>${note}</div>`;
}
