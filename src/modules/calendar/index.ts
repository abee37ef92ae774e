/**
 * The public entry of the calendar module: what other modules may use. Everything else in
 * src/modules/calendar/ is internal (checked by `npm run lint:deps`).
 */
export { calendarDemoStep } from './calendar.demo.js';
export { register } from './calendar.module.js';
export type { CalendarReader } from './calendar.repository.js';
export { calendarReader } from './calendar.repository.js';
export { CalendarService } from './calendar.service.js';
export { COVERAGE_DAYS, parseHolidayFile } from './calendar-coverage.js';
export { FALLBACK_CALENDAR } from './city-calendar.js';
export type { CalendarSpec, DeadlineMode } from './working-calendar.js';
export { addDeadlineMinutes, deadlineMinutesUsed, isWorkingDay, trafficLight } from './working-calendar.js';
