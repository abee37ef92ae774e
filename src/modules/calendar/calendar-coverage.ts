/**
 * How far ahead the holiday calendar is known, and reading the State Council's yearly list from a
 * file. The arrangement (放假调休) is published each year in about November for the next year; a
 * year with no entry at all has not been entered, and deadlines in it would fall on New Year's Day
 * without a word. Coverage ends on 31 December of the latest year with at least one entry.
 */
import { parse } from 'csv-parse/sync';
import type { CalendarException, CalendarSpec } from './working-calendar.js';

/** Days ahead the calendar must cover before admins are warned (issue 14). */
export const COVERAGE_DAYS = 90;

const DAY_MS = 86_400_000;

export interface CalendarCoverage {
  /** Last day whose holidays are known (YYYY-12-31), or null when no year was entered. */
  coveredUntil: string | null;
  /** Whole days from `today` to `coveredUntil` (negative when already past; 0 when none). */
  daysCovered: number;
  /** True when fewer than COVERAGE_DAYS days ahead are covered. */
  warn: boolean;
  /** The year to import next. */
  missingYear: number;
}

/** Coverage of `spec` seen from the local date `today` (YYYY-MM-DD). */
export function calendarCoverage(spec: CalendarSpec, today: string): CalendarCoverage {
  const years = spec.exceptions.map((e) => Number(e.date.slice(0, 4))).filter(Number.isFinite);
  const todayYear = Number(today.slice(0, 4));
  if (years.length === 0) return { coveredUntil: null, daysCovered: 0, warn: true, missingYear: todayYear };
  const last = Math.max(...years);
  const coveredUntil = `${last}-12-31`;
  const daysCovered = Math.round(
    (Date.parse(`${coveredUntil}T00:00:00Z`) - Date.parse(`${today}T00:00:00Z`)) / DAY_MS,
  );
  return {
    coveredUntil,
    daysCovered,
    warn: daysCovered < COVERAGE_DAYS,
    missingYear: Math.max(last + 1, todayYear),
  };
}

/** A line of a holiday file that could not be read, for the error report. */
export interface HolidayFileProblem {
  line: number;
  reason: string;
}

const KINDS: Record<string, CalendarException['kind']> = {
  holiday: 'holiday',
  休: 'holiday',
  放假: 'holiday',
  workday: 'workday',
  班: 'workday',
  上班: 'workday',
};

/**
 * Reads a holiday list: JSON (`[{date, kind, label}]`) or CSV with a header `date,kind,label`
 * (kind `holiday`/`休`/`放假` or `workday`/`班`/`上班`; a date range `2027-01-01..2027-01-03` in the
 * date column expands to each day). Every line is checked; any problem rejects the whole file.
 */
export function parseHolidayFile(content: string): {
  items: CalendarException[];
  problems: HolidayFileProblem[];
} {
  const trimmed = content.replace(/^\ufeff/, '').trim();
  let rows: Array<Record<string, unknown>>;
  if (trimmed.startsWith('[')) {
    try {
      rows = JSON.parse(trimmed) as Array<Record<string, unknown>>;
    } catch {
      return { items: [], problems: [{ line: 1, reason: 'not valid JSON' }] };
    }
    if (!Array.isArray(rows)) return { items: [], problems: [{ line: 1, reason: 'not a JSON array' }] };
  } else {
    rows = parse(trimmed, { columns: true, skip_empty_lines: true, trim: true }) as Array<
      Record<string, unknown>
    >;
  }
  const items: CalendarException[] = [];
  const problems: HolidayFileProblem[] = [];
  const seen = new Set<string>();
  for (const [i, r] of rows.entries()) {
    const line = i + 2;
    const problem = readRow(r, seen, items);
    if (problem) problems.push({ line, reason: problem });
  }
  return { items: problems.length ? [] : items, problems };
}

function validDay(s: string): boolean {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(s)) return false;
  const t = Date.parse(`${s}T00:00:00Z`);
  return Number.isFinite(t) && new Date(t).toISOString().slice(0, 10) === s;
}

function expandDates(s: string): string[] | undefined {
  const [first = '', last = first] = s.split('..');
  if (!validDay(first) || !validDay(last)) return undefined;
  const out: string[] = [];
  const end = Date.parse(`${last}T00:00:00Z`);
  for (let t = Date.parse(`${first}T00:00:00Z`); t <= end && out.length <= 366; t += DAY_MS)
    out.push(new Date(t).toISOString().slice(0, 10));
  return out.length > 0 && out.length <= 366 ? out : undefined;
}

/** Adds the dates of one row to `items`; returns what is wrong with it, if anything. */
function readRow(
  r: Record<string, unknown>,
  seen: Set<string>,
  items: CalendarException[],
): string | undefined {
  const kind = KINDS[String(r.kind ?? '').trim()];
  const label = String(r.label ?? '').trim();
  const days = expandDates(String(r.date ?? '').trim());
  if (!days) return `date "${String(r.date ?? '')}" is not YYYY-MM-DD or a range`;
  if (!kind) return `kind "${String(r.kind ?? '')}" is not holiday or workday`;
  if (label.length > 60) return 'label longer than 60 characters';
  for (const date of days) {
    if (seen.has(date)) return `${date} is listed twice`;
    seen.add(date);
    items.push({ date, kind, label });
  }
  return undefined;
}
