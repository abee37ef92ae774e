import { defineError } from '../../lib/errors.js';

/** Errors of calendar administration. */
export const CalendarErrors = {
  Invalid: defineError('CALENDAR_INVALID', 'unprocessable', {
    'zh-CN': '工作日历设置不合法：{detail}',
    en: 'Invalid working calendar: {detail}',
  }),
  ExceptionNotFound: defineError('CALENDAR_EXCEPTION_NOT_FOUND', 'not_found', {
    'zh-CN': '{day} 没有节假日或调休设置',
    en: 'No holiday or make-up workday is set for {day}',
  }),
} as const;
