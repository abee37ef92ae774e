import { type InArea, inScope, Policy } from '../../kernel/policy.js';

/**
 * The working calendar is read by anyone (deadlines are public). There is one calendar for the
 * whole city (no per-area calendars): only a city-level admin changes it. Services assert
 * `edit` on CITY_CALENDAR.
 */
export const calendarPolicy = new Policy<InArea>('calendar').allow(['admin'], ['edit'], inScope);

/** The calendar as a resource: it covers the whole city (area null). */
export const CITY_CALENDAR: InArea = { areaCode: null };
