/**
 * Working-time arithmetic for case deadlines (DOMAIN.md §2 "Deadlines"): stage deadlines are counted in
 * working minutes over a calendar of workdays, rest days and make-up workdays (调休).
 *
 * All arithmetic is done on China Standard Time wall-clock (Asia/Shanghai, fixed UTC+08:00, no DST since
 * 1991), so no timezone library is needed. Time is always passed in; nothing here reads the clock.
 * Internally everything is integer milliseconds; the cost of a call is proportional to the number of
 * calendar days spanned (whole days are skipped at once), never to the number of minutes.
 */

const MINUTE_MS = 60_000;
const DAY_MS = 86_400_000;
/** China Standard Time offset; fixed, the country has had no DST since 1991. */
const CST_OFFSET_MS = 8 * 60 * MINUTE_MS;

/** One working period of a day in CST wall-clock, e.g. `{ start: '09:00', end: '12:00' }` (end exclusive). */
export interface WorkingPeriod {
  /** 'HH:MM', 00:00–23:59. */
  readonly start: string;
  /** 'HH:MM', after start; '24:00' allowed for "until midnight". */
  readonly end: string;
}

/** A dated override of the weekly rule: a rest day on a weekday, or a make-up workday (调休) on a weekend. */
export interface CalendarException {
  /** Calendar date in CST, 'YYYY-MM-DD'. */
  readonly date: string;
  /** `holiday` = no work that day; `workday` = worked with the normal periods even if a weekend. */
  readonly kind: 'holiday' | 'workday';
  /** Human label for admin screens, e.g. '春节'. */
  readonly label?: string;
}

/** Everything a deadline computation needs; stored and admin-edited in the DB later. */
export interface CalendarSpec {
  /** Working periods of a workday, sorted and non-overlapping. */
  readonly periods: readonly WorkingPeriod[];
  /** ISO weekdays that are workdays by default (1 = Monday … 7 = Sunday). */
  readonly workWeekdays: readonly number[];
  /** Dated overrides; a date listed twice is a configuration error. */
  readonly exceptions: readonly CalendarException[];
}

/** Default office hours of Chinese government departments: 09:00–12:00 and 13:30–17:30 (7 h). */
export const DEFAULT_WORKING_PERIODS: readonly WorkingPeriod[] = [
  { start: '09:00', end: '12:00' },
  { start: '13:30', end: '17:30' },
];

/** Monday to Friday. */
export const DEFAULT_WORK_WEEKDAYS: readonly number[] = [1, 2, 3, 4, 5];

/** A calendar with the default hours and weekdays plus the given holiday/make-up exceptions. */
export function defaultCalendarSpec(exceptions: readonly CalendarException[] = []): CalendarSpec {
  return { periods: DEFAULT_WORKING_PERIODS, workWeekdays: DEFAULT_WORK_WEEKDAYS, exceptions };
}

/** Traffic-light colour of a stage deadline, as shown on the map and in lists. */
export type TrafficLight = 'green' | 'yellow' | 'red';

/** How a category's deadline is counted: working time, or natural time for urgent categories. */
export type DeadlineMode = 'working' | 'calendar';

// ---------------------------------------------------------------------------------------------
// Compiled form (parsed once per spec object)

interface Compiled {
  /** [startMs, endMs) offsets from local midnight, sorted. */
  readonly periods: readonly (readonly [number, number])[];
  readonly dailyMs: number;
  readonly workWeekday: readonly boolean[]; // index 1..7
  /** CST day number → true (workday) / false (holiday). */
  readonly overrides: ReadonlyMap<number, boolean>;
}

const compiledCache = new WeakMap<CalendarSpec, Compiled>();

function parseHhMm(s: string, allow24: boolean): number {
  const m = /^(\d{2}):(\d{2})$/.exec(s);
  if (!m) throw new RangeError(`invalid time of day '${s}', expected HH:MM`);
  const h = Number(m[1]);
  const min = Number(m[2]);
  const ok = min < 60 && (h < 24 || (allow24 && h === 24 && min === 0));
  if (!ok) throw new RangeError(`invalid time of day '${s}'`);
  return (h * 60 + min) * MINUTE_MS;
}

function parseDayNumber(date: string): number {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(date);
  if (!m) throw new RangeError(`invalid date '${date}', expected YYYY-MM-DD`);
  const y = Number(m[1]);
  const mo = Number(m[2]);
  const d = Number(m[3]);
  const ms = Date.UTC(y, mo - 1, d);
  const back = new Date(ms);
  if (back.getUTCFullYear() !== y || back.getUTCMonth() !== mo - 1 || back.getUTCDate() !== d) {
    throw new RangeError(`invalid date '${date}'`);
  }
  return ms / DAY_MS;
}

function compile(spec: CalendarSpec): Compiled {
  const cached = compiledCache.get(spec);
  if (cached) return cached;
  const periods = spec.periods.map((p) => [parseHhMm(p.start, false), parseHhMm(p.end, true)] as const);
  let prevEnd = 0;
  let dailyMs = 0;
  for (const [s, e] of periods) {
    if (e <= s) throw new RangeError('a working period must end after it starts');
    if (s < prevEnd) throw new RangeError('working periods must be sorted and must not overlap');
    prevEnd = e;
    dailyMs += e - s;
  }
  if (dailyMs === 0) throw new RangeError('a calendar needs at least one working period');
  const workWeekday = [false, false, false, false, false, false, false, false];
  for (const d of spec.workWeekdays) {
    if (!Number.isInteger(d) || d < 1 || d > 7) throw new RangeError(`invalid ISO weekday ${d}`);
    workWeekday[d] = true;
  }
  // At least one weekly workday guarantees every search for the next working period terminates.
  if (!workWeekday.some(Boolean)) throw new RangeError('a calendar needs at least one workday per week');
  const overrides = new Map<number, boolean>();
  for (const ex of spec.exceptions) {
    const day = parseDayNumber(ex.date);
    if (overrides.has(day)) throw new RangeError(`date ${ex.date} is listed twice in the calendar`);
    overrides.set(day, ex.kind === 'workday');
  }
  const compiled: Compiled = { periods, dailyMs, workWeekday, overrides };
  compiledCache.set(spec, compiled);
  return compiled;
}

/** ISO weekday (1 = Monday) of a CST day number; day 0 = 1970-01-01 was a Thursday. */
function isoWeekday(day: number): number {
  return ((((day + 3) % 7) + 7) % 7) + 1;
}

function isWorkday(c: Compiled, day: number): boolean {
  return c.overrides.get(day) ?? c.workWeekday[isoWeekday(day)] === true;
}

/** True when the CST calendar date 'YYYY-MM-DD' is a workday (weekly rule, holidays, make-up days). */
export function isWorkingDay(spec: CalendarSpec, date: string): boolean {
  return isWorkday(compile(spec), parseDayNumber(date));
}

/** Milliseconds worked on `day` within local offsets [fromOff, toOff). */
function workedWithin(c: Compiled, fromOff: number, toOff: number): number {
  let sum = 0;
  for (const [s, e] of c.periods) {
    const lo = Math.max(s, fromOff);
    const hi = Math.min(e, toOff);
    if (hi > lo) sum += hi - lo;
  }
  return sum;
}

function toWall(t: Date): number {
  const ms = t.getTime();
  if (!Number.isFinite(ms)) throw new RangeError('invalid Date');
  return ms + CST_OFFSET_MS;
}

function fromWall(wall: number): Date {
  return new Date(wall - CST_OFFSET_MS);
}

function checkMinutes(minutes: number): number {
  if (!Number.isFinite(minutes) || minutes < 0) {
    throw new RangeError(`minutes must be a finite number >= 0, got ${minutes}`);
  }
  return Math.round(minutes * MINUTE_MS);
}

// ---------------------------------------------------------------------------------------------
// Public API

/** Whether an instant falls inside a working period of a workday (periods are [start, end)). */
export function isWorkingTime(spec: CalendarSpec, t: Date): boolean {
  const c = compile(spec);
  const wall = toWall(t);
  const day = Math.floor(wall / DAY_MS);
  if (!isWorkday(c, day)) return false;
  const off = wall - day * DAY_MS;
  return c.periods.some(([s, e]) => off >= s && off < e);
}

/** The instant itself if it is working time, otherwise the start of the next working period. */
export function nextWorkingInstant(spec: CalendarSpec, t: Date): Date {
  const c = compile(spec);
  const wall = toWall(t);
  let day = Math.floor(wall / DAY_MS);
  let off = wall - day * DAY_MS;
  for (;;) {
    if (isWorkday(c, day)) {
      for (const [s, e] of c.periods) {
        if (off < e) return fromWall(day * DAY_MS + Math.max(s, off));
      }
    }
    day += 1;
    off = 0;
  }
}

/**
 * The deadline `minutes` working minutes after `start`. If `start` is outside working time, counting
 * begins at the next working period. A deadline that uses up a period exactly ends at that period's
 * end (e.g. 12:00), not at the start of the next one. `minutes = 0` returns `start` unchanged.
 */
export function addWorkingMinutes(spec: CalendarSpec, start: Date, minutes: number): Date {
  const c = compile(spec);
  let remaining = checkMinutes(minutes);
  const wall = toWall(start);
  if (remaining === 0) return new Date(start.getTime());
  let day = Math.floor(wall / DAY_MS);
  let off = wall - day * DAY_MS;
  for (;;) {
    if (isWorkday(c, day)) {
      if (off === 0 && remaining > c.dailyMs) {
        remaining -= c.dailyMs; // skip a whole workday at once
      } else {
        for (const [s, e] of c.periods) {
          if (off >= e) continue;
          const from = Math.max(s, off);
          const avail = e - from;
          if (remaining <= avail) return fromWall(day * DAY_MS + from + remaining);
          remaining -= avail;
        }
      }
    }
    day += 1;
    off = 0;
  }
}

/**
 * Working minutes elapsed between two instants (negative if `to` is before `from`); the time used of a
 * stage deadline. Fractional when the instants are not on whole minutes.
 */
export function workingMinutesBetween(spec: CalendarSpec, from: Date, to: Date): number {
  const c = compile(spec);
  const a = toWall(from);
  const b = toWall(to);
  if (b < a) return 0 - workingMinutesBetween(spec, to, from); // 0 - x, not -x: no -0
  const dayA = Math.floor(a / DAY_MS);
  const dayB = Math.floor(b / DAY_MS);
  const offA = a - dayA * DAY_MS;
  const offB = b - dayB * DAY_MS;
  let ms = 0;
  if (dayA === dayB) {
    if (isWorkday(c, dayA)) ms = workedWithin(c, offA, offB);
  } else {
    if (isWorkday(c, dayA)) ms += workedWithin(c, offA, DAY_MS);
    for (let d = dayA + 1; d < dayB; d++) if (isWorkday(c, d)) ms += c.dailyMs;
    if (isWorkday(c, dayB)) ms += workedWithin(c, 0, offB);
  }
  return ms / MINUTE_MS;
}

/** The deadline for categories counted in natural time (urgent ones): plain elapsed minutes. */
export function addCalendarMinutes(start: Date, minutes: number): Date {
  return new Date(start.getTime() + checkMinutes(minutes));
}

/** Natural minutes between two instants (negative if `to` is before `from`). */
export function calendarMinutesBetween(from: Date, to: Date): number {
  return (to.getTime() - from.getTime()) / MINUTE_MS;
}

/** A stage deadline in either counting mode, so callers need not branch on the category's mode. */
export function addDeadlineMinutes(
  spec: CalendarSpec,
  mode: DeadlineMode,
  start: Date,
  minutes: number,
): Date {
  return mode === 'working' ? addWorkingMinutes(spec, start, minutes) : addCalendarMinutes(start, minutes);
}

/** Minutes of a stage deadline used so far, in the category's counting mode. */
export function deadlineMinutesUsed(spec: CalendarSpec, mode: DeadlineMode, from: Date, to: Date): number {
  return mode === 'working' ? workingMinutesBetween(spec, from, to) : calendarMinutesBetween(from, to);
}

/**
 * Traffic light of a stage (DOMAIN.md §2): green below 80 % of the allowed time used, yellow from 80 % up
 * to and including 100 %, red once over. Compared without division so exact percentages are exact.
 */
export function trafficLight(usedMinutes: number, allowedMinutes: number): TrafficLight {
  if (usedMinutes * 5 < allowedMinutes * 4) return 'green';
  if (usedMinutes <= allowedMinutes) return 'yellow';
  return 'red';
}
