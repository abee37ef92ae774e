import type { Queryable } from '../../db/db.js';
import type { CalendarException, CalendarSpec, WorkingPeriod } from './working-calendar.js';

/** The only SQL for the working calendar (settings row + dated exceptions). */
export class CalendarRepository {
  /** The city's calendar; falls back to `fallback` until an admin or the seed stored one. */
  async load(q: Queryable, fallback: CalendarSpec): Promise<CalendarSpec> {
    const settings = await q.query<{ periods: WorkingPeriod[]; work_weekdays: number[] }>(
      'SELECT periods, work_weekdays FROM calendar_settings WHERE id = 1',
    );
    const ex = await q.query<{ day: string; kind: 'holiday' | 'workday'; label: string }>(
      'SELECT day, kind, label FROM calendar_exceptions ORDER BY day',
    );
    const row = settings.rows[0];
    return {
      periods: row?.periods ?? fallback.periods,
      workWeekdays: row?.work_weekdays ?? fallback.workWeekdays,
      exceptions: ex.rows.map((r) => ({ date: r.day, kind: r.kind, label: r.label })),
    };
  }

  /** Replaces the working periods and weekdays. */
  async saveSettings(
    q: Queryable,
    periods: readonly WorkingPeriod[],
    workWeekdays: readonly number[],
  ): Promise<void> {
    await q.query(
      `INSERT INTO calendar_settings (id, periods, work_weekdays, updated_at) VALUES (1, $1, $2, now())
       ON CONFLICT (id) DO UPDATE SET periods = EXCLUDED.periods, work_weekdays = EXCLUDED.work_weekdays, updated_at = now()`,
      [periods, [...workWeekdays]],
    );
  }

  /** Adds or replaces dated exceptions (holidays, make-up workdays). */
  async upsertExceptions(q: Queryable, items: readonly CalendarException[]): Promise<void> {
    for (const e of items) {
      await q.query(
        `INSERT INTO calendar_exceptions (day, kind, label) VALUES ($1, $2, $3)
         ON CONFLICT (day) DO UPDATE SET kind = EXCLUDED.kind, label = EXCLUDED.label`,
        [e.date, e.kind, e.label ?? ''],
      );
    }
  }

  /** Removes one dated exception. */
  async deleteException(q: Queryable, day: string): Promise<boolean> {
    return (await q.query('DELETE FROM calendar_exceptions WHERE day = $1', [day])).rowCount > 0;
  }
}

/** What other modules read of the working calendar (the case loop's deadlines). */
export type CalendarReader = Pick<CalendarRepository, 'load'>;

/** The working calendar as other modules read it. */
export function calendarReader(): CalendarReader {
  return new CalendarRepository();
}
