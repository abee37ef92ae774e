/** Turns an indicator report into table rows, CSV text or an XLSX workbook (CLI export). */
import ExcelJS from 'exceljs';
import { type CsvCell, toCsv } from '../../lib/csv.js';
import type { IndicatorReport } from './indicator.service.js';

/** The header row of an export. */
export const EXPORT_HEADER = [
  'area',
  'department',
  'from',
  'to',
  'code',
  'name_zh',
  'name_en',
  'numerator',
  'denominator',
  'value',
] as const;

/** One row per indicator, then one per composite score (numerator = score, value = grade). */
export function reportRows(r: IndicatorReport): CsvCell[][] {
  const head = [r.within ?? 'city', r.department ?? '', r.from, r.to];
  return [
    ...r.indicators.map((i) => [...head, i.code, i.nameZh, i.nameEn, i.numerator, i.denominator, i.value]),
    ...r.composites.map((c) => [...head, c.code, c.nameZh, c.nameEn, c.score, null, c.grade]),
  ];
}

/** The report as CSV (UTF-8 with BOM, CRLF). */
export function reportCsv(r: IndicatorReport): string {
  return toCsv([[...EXPORT_HEADER], ...reportRows(r)], { bom: true });
}

/** The report as an XLSX file. */
export async function reportXlsx(r: IndicatorReport): Promise<Buffer> {
  const wb = new ExcelJS.Workbook();
  wb.creator = 'CivicGrid';
  const ws = wb.addWorksheet('indicators');
  ws.addRow([...EXPORT_HEADER]);
  ws.getRow(1).font = { bold: true };
  for (const row of reportRows(r)) ws.addRow(row.map((v) => (v === undefined ? null : v)));
  ws.columns.forEach((col) => {
    col.width = 16;
  });
  const out = await wb.xlsx.writeBuffer();
  return Buffer.from(out as ArrayBuffer);
}
