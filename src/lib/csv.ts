/**
 * A small RFC 4180 CSV writer: exports need correct quoting (commas, quotes, line breaks in
 * Chinese names and notes) and nothing more, so no dependency.
 */

/** A cell value; null and undefined become empty cells. */
export type CsvCell = string | number | boolean | null | undefined;

/** Quotes one field when it contains a comma, quote, CR or LF (quotes doubled). */
export function csvField(v: CsvCell): string {
  if (v === null || v === undefined) return '';
  const s = String(v);
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
