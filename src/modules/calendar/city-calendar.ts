import { CHINA_HOLIDAYS_2026 } from './china-holidays.js';
import type { CalendarSpec, WorkingPeriod } from './working-calendar.js';

/**
 * The default city working day: 08:30–12:00 and 13:30–18:00, 8 hours, which is what the taxonomy's
 * "working day = 480 minutes" deadlines assume (WORKING_DAY_MINUTES). Admins can change it.
 */
export const CITY_WORKING_PERIODS: readonly WorkingPeriod[] = [
  { start: '08:30', end: '12:00' },
  { start: '13:30', end: '18:00' },
];

/** The calendar used before one is stored in the database. */
export const FALLBACK_CALENDAR: CalendarSpec = {
  periods: CITY_WORKING_PERIODS,
  workWeekdays: [1, 2, 3, 4, 5],
  exceptions: CHINA_HOLIDAYS_2026,
};
