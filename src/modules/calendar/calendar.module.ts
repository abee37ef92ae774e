import type { TypedApp } from '../../kernel/http.js';
import { calendarRoutes } from './calendar.routes.js';
import type { CalendarService } from './calendar.service.js';

/** Mounts the working-hours calendar. */
export function register(app: TypedApp, deps: { calendar: CalendarService }): void {
  calendarRoutes(app, deps.calendar);
}
