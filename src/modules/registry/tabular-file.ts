/**
 * Department files arrive as CSV or XLSX; both are read here into the same stream of rows with
 * the row number a person sees in a spreadsheet (header = row 1), so rejection reports point at
 * the right line whatever the format.
 */
import { Readable } from 'node:stream';
import { parse } from 'csv-parse';
import ExcelJS from 'exceljs';
import { RegistryErrors } from './registry.errors.js';

/** One data row: header → trimmed cell text (empty cells are absent). */
export interface TableRow {
  rowNo: number;
  values: Record<string, string>;
  /** The file's header row (the same array for every row). */
  headers: readonly string[];
}

/** The formats department files come in. */
export type TableFormat = 'csv' | 'xlsx';

/** The format from a file name or content type, or null when neither is recognised. */
export function tableFormatOf(nameOrType: string): TableFormat | null {
  const s = nameOrType.toLowerCase();
  if (s.endsWith('.csv') || s.startsWith('text/csv')) return 'csv';
  if (s.endsWith('.xlsx') || s.includes('spreadsheetml')) return 'xlsx';
  return null;
}

/** Reads the header row and then every data row; headers are trimmed, BOM removed. */
export async function* readTable(input: Buffer | Readable, format: TableFormat): AsyncGenerator<TableRow> {
  if (format === 'csv') {
    let headers: string[] = [];
    // A buffer is fed in slices so rows stream out while the file is parsed (bounded memory, and
    // the importer can write one chunk while the parser reads the next).
    const parser = (Buffer.isBuffer(input) ? Readable.from(slices(input, 1 << 16)) : input).pipe(
      parse({
        bom: true,
        columns: (header: string[]) => {
          headers = header.map((h) => h.trim());
          return headers;
        },
        skip_empty_lines: true,
        relax_column_count: true,
        trim: true,
        info: true,
      }),
    );
    for await (const rec of parser as AsyncIterable<{
      record: Record<string, string>;
      info: { lines: number };
    }>) {
      const values: Record<string, string> = {};
      for (const [k, v] of Object.entries(rec.record)) if (v !== '' && v !== undefined) values[k] = v;
      yield { rowNo: rec.info.lines, values, headers };
    }
    return;
  }
  const wb = new ExcelJS.Workbook();
  try {
    if (Buffer.isBuffer(input)) await wb.xlsx.load(input as unknown as ArrayBuffer);
    else await wb.xlsx.read(input);
  } catch (err) {
    // Not a workbook (a renamed file, a truncated upload): the sender's problem, not a server error.
    throw RegistryErrors.UnreadableFile({
      params: { detail: `not an XLSX workbook (${(err as Error).message})` },
    });
  }
  const ws = wb.worksheets[0];
  if (!ws) return;
  const headers: string[] = [];
  ws.getRow(1).eachCell((cell, col) => {
    headers[col] = cellText(cell.value);
  });
  const headerList = headers.filter((h) => h !== undefined && h !== '');
  for (let r = 2; r <= ws.rowCount; r++) {
    const row = ws.getRow(r);
    const values: Record<string, string> = {};
    row.eachCell((cell, col) => {
      const h = headers[col];
      const text = cellText(cell.value);
      if (h && text !== '') values[h] = text;
    });
    if (Object.keys(values).length > 0) yield { rowNo: r, values, headers: headerList };
  }
}

function* slices(buf: Buffer, size: number): Generator<Buffer> {
  for (let i = 0; i < buf.length; i += size) yield buf.subarray(i, i + size);
}

/** Number of data rows, for the progress bar (XLSX: rows after the header; CSV: lines − 1). */
export function countDataRows(input: Buffer, format: TableFormat): number | undefined {
  if (format !== 'csv') return undefined;
  let lines = 0;
  for (let i = input.indexOf(10); i !== -1; i = input.indexOf(10, i + 1)) lines++;
  if (input.length > 0 && input[input.length - 1] !== 10) lines++;
  return Math.max(0, lines - 1);
}

function cellText(v: ExcelJS.CellValue): string {
  if (v === null || v === undefined) return '';
  if (typeof v === 'string') return v.trim();
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  if (v instanceof Date) return v.toISOString().slice(0, 10);
  if (typeof v === 'object') {
    if ('richText' in v)
      return v.richText
        .map((t) => t.text)
        .join('')
        .trim();
    if ('text' in v && typeof v.text === 'string') return v.text.trim();
    if ('result' in v && v.result !== undefined) return cellText(v.result as ExcelJS.CellValue);
  }
  return String(v).trim();
}
