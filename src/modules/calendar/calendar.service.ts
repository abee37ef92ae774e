/**
 * Working-calendar administration: working periods, workweek and dated exceptions (holidays,
 * make-up workdays). Every change is audited and then drops the cached calendar of the case
 * services, so new deadlines use it at once.
 */
import type { Db } from '../../db/db.js';
import type { Actor } from '../../kernel/actor.js';
import type { AuditWriter } from '../../kernel/audit.js';
import type { Clock } from '../../lib/clock.js';
import { CalendarErrors } from './calendar.errors.js';
import { CITY_CALENDAR, calendarPolicy } from './calendar.policy.js';
import { CalendarRepository } from './calendar.repository.js';
import { type CalendarCoverage, calendarCoverage } from './calendar-coverage.js';
import { FALLBACK_CALENDAR } from './city-calendar.js';
import type { CalendarException, CalendarSpec, WorkingPeriod } from './working-calendar.js';

/** Something that caches the calendar and must forget it after a change (CaseSupport). */
export interface CalendarCache {
  invalidateCalendar(): void;
}

const HHMM = /^([01]\d|2[0-3]):[0-5]\d$|^24:00$/;

function minutesOf(hhmm: string): number {
  const [h, m] = hhmm.split(':').map(Number);
  return h! * 60 + m!;
}

/** Reads and edits the working calendar. */
export class CalendarService {
  private readonly repo = new CalendarRepository();

  constructor(private readonly deps: { db: Db; audit: AuditWriter; cache: CalendarCache; clock: Clock }) {}

  /** The calendar in force (public). */
  async get(): Promise<CalendarSpec> {
    return this.repo.load(this.deps.db, FALLBACK_CALENDAR);
  }

  /** How far ahead holidays are known, seen from today in China Standard Time (public). */
  async coverage(): Promise<CalendarCoverage> {
    const today = new Date(this.deps.clock.now().getTime() + 8 * 3_600_000).toISOString().slice(0, 10);
    return calendarCoverage(await this.get(), today);
  }

  /**
   * Adds or replaces many dated exceptions at once — the State Council's yearly list read from a
   * file (`civicgrid calendar import`) — in one transaction with one audit record (city admin).
   */
  async importExceptions(
    actor: Actor,
    items: readonly CalendarException[],
    source: string,
  ): Promise<CalendarCoverage> {
    calendarPolicy.assert(actor, 'edit', CITY_CALENDAR);
    for (const e of items) checkDay(e.date);
    await this.deps.db.transaction(async (tx) => {
      await this.repo.upsertExceptions(tx, items);
      await this.deps.audit.record(tx, {
        actor,
        action: 'calendar.import',
        resourceType: 'calendar',
        resourceId: 'exceptions',
        details: {
          source,
          count: items.length,
          years: [...new Set(items.map((e) => e.date.slice(0, 4)))].sort(),
        },
      });
    });
    this.deps.cache.invalidateCalendar();
    return this.coverage();
  }

  /** Replaces the working periods and weekdays (admin; audited). */
  async saveSettings(
    actor: Actor,
    periods: readonly WorkingPeriod[],
    workWeekdays: readonly number[],
  ): Promise<CalendarSpec> {
    calendarPolicy.assert(actor, 'edit', CITY_CALENDAR);
    checkPeriods(periods);
    if (
      workWeekdays.length === 0 ||
      new Set(workWeekdays).size !== workWeekdays.length ||
      workWeekdays.some((d) => !Number.isInteger(d) || d < 1 || d > 7)
    )
      throw CalendarErrors.Invalid({
        params: { detail: 'workWeekdays must be distinct days 1 (Mon) to 7 (Sun)' },
        field: 'body/workWeekdays',
      });
    await this.deps.db.transaction(async (tx) => {
      await this.repo.saveSettings(tx, periods, [...workWeekdays].sort());
      await this.deps.audit.record(tx, {
        actor,
        action: 'calendar.settings',
        resourceType: 'calendar',
        resourceId: 'settings',
        details: { periods, workWeekdays },
      });
    });
    this.deps.cache.invalidateCalendar();
    return this.get();
  }

  /** Sets a holiday or make-up workday on a date (admin; audited). */
  async setException(actor: Actor, day: string, kind: 'holiday' | 'workday', label: string): Promise<void> {
    calendarPolicy.assert(actor, 'edit', CITY_CALENDAR);
    checkDay(day);
    await this.deps.db.transaction(async (tx) => {
      await this.repo.upsertExceptions(tx, [{ date: day, kind, label }]);
      await this.deps.audit.record(tx, {
        actor,
        action: 'calendar.exception_set',
        resourceType: 'calendar_exception',
        resourceId: day,
        details: { kind, label },
      });
    });
    this.deps.cache.invalidateCalendar();
  }

  /** Removes the exception of a date (admin; audited); 404 when there is none. */
  async deleteException(actor: Actor, day: string): Promise<void> {
    calendarPolicy.assert(actor, 'edit', CITY_CALENDAR);
    checkDay(day);
    await this.deps.db.transaction(async (tx) => {
      if (!(await this.repo.deleteException(tx, day)))
        throw CalendarErrors.ExceptionNotFound({ params: { day } });
      await this.deps.audit.record(tx, {
        actor,
        action: 'calendar.exception_delete',
        resourceType: 'calendar_exception',
        resourceId: day,
      });
    });
    this.deps.cache.invalidateCalendar();
  }
}

function checkDay(day: string): void {
  const d = new Date(`${day}T00:00:00Z`);
  if (!/^\d{4}-\d{2}-\d{2}$/.test(day) || Number.isNaN(d.getTime()) || d.toISOString().slice(0, 10) !== day)
    throw CalendarErrors.Invalid({
      params: { detail: `${day} is not a date YYYY-MM-DD` },
      field: 'params/day',
    });
}

/** Periods must be HH:MM, each start before its end, sorted and not overlapping. */
function checkPeriods(periods: readonly WorkingPeriod[]): void {
  if (periods.length === 0)
    throw CalendarErrors.Invalid({
      params: { detail: 'at least one working period' },
      field: 'body/periods',
    });
  let lastEnd = -1;
  periods.forEach((p, i) => {
    if (!HHMM.test(p.start) || p.start === '24:00' || !HHMM.test(p.end))
      throw CalendarErrors.Invalid({
        params: { detail: `period ${i + 1}: times must be HH:MM` },
        field: `body/periods/${i}`,
      });
    const s = minutesOf(p.start);
    const e = minutesOf(p.end);
    if (s >= e)
      throw CalendarErrors.Invalid({
        params: { detail: `period ${i + 1}: start must be before end` },
        field: `body/periods/${i}`,
      });
    if (s < lastEnd)
      throw CalendarErrors.Invalid({
        params: { detail: `period ${i + 1}: periods must be in order and not overlap` },
        field: `body/periods/${i}`,
      });
    lastEnd = e;
  });
}
