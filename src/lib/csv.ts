/**
 * A small RFC 4180 CSV writer: exports need correct quoting (commas, quotes, line breaks in
 * Chinese names and notes) and nothing more, so no dependency.
 */

/** A cell value; null and undefined become empty cells. */
export type CsvCell = string | number | boolean | null | undefined;

/**
 * Text starting with these is taken for a formula by spreadsheet programs (OWASP CSV injection):
 * `=`, `+`, `-`, `@`, tab and CR.
 */
const FORMULA_START = /^[=+\-@\t\r]/;

/**
 * Quotes one field when it contains a comma, quote, CR or LF (quotes doubled). Text that a
 * spreadsheet would run as a formula gets a leading `'`; numbers (negative ones too) stay numbers.
 */
export function csvField(v: CsvCell): string {
  if (v === null || v === undefined) return '';
  const s = typeof v === 'string' && FORMULA_START.test(v) ? `'${v}` : String(v);
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

/**
 * Rows to CSV text with CRLF line ends; `bom` prefixes a UTF-8 byte-order mark so spreadsheet
 * programs read Chinese text correctly.
 */
export function toCsv(rows: readonly (readonly CsvCell[])[], opts: { bom?: boolean } = {}): string {
  const body = rows.map((r) => r.map(csvField).join(',')).join('\r\n');
  return `${opts.bom ? '\uFEFF' : ''}${body}\r\n`;
}
