import type { DemoStep } from '../../kernel/demo-step.js';
import { CalendarRepository } from './calendar.repository.js';
import { CHINA_HOLIDAYS_2026 } from './china-holidays.js';
import { CITY_WORKING_PERIODS } from './city-calendar.js';

/** Demo step: an 8-hour working day and the 2026 public holidays with their make-up workdays. */
export const calendarDemoStep: DemoStep = {
  name: 'calendar',
  async run(tx) {
    const repo = new CalendarRepository();
    await repo.saveSettings(tx, CITY_WORKING_PERIODS, [1, 2, 3, 4, 5]);
    await repo.upsertExceptions(tx, CHINA_HOLIDAYS_2026);
    return `calendar with ${CHINA_HOLIDAYS_2026.length} holiday and make-up dates`;
  },
};
