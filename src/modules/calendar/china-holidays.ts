/**
 * Seed data: official public-holiday arrangements of the PRC (rest days and make-up workdays, 调休), used
 * to fill the calendar table on first start. The calendar is admin-edited in the DB afterwards (a city may
 * add local rest days); this file is only the starting point, not the source of truth at run time.
 *
 * Source for 2026: 国务院办公厅关于2026年部分节假日安排的通知, dated 2025-11-04, published by Xinhua
 * (e.g. https://politics.gmw.cn/2025-11/04/content_38391083.htm). Checked against the notice text.
 *
 * 2027 is NOT included: the State Council publishes each year's arrangement in about November of the year
 * before, and we had no verified 2027 notice. An admin must enter 2027 when it is published; until then
 * 2027 dates follow the plain Monday–Friday rule.
 */

import { type CalendarException, type CalendarSpec, defaultCalendarSpec } from './working-calendar.js';

const DAY_MS = 86_400_000;

/** Every date from `first` to `last` inclusive as a rest day with the holiday's label. */
function restDays(first: string, last: string, label: string): CalendarException[] {
  const out: CalendarException[] = [];
  const end = Date.parse(`${last}T00:00:00Z`);
  for (let t = Date.parse(`${first}T00:00:00Z`); t <= end; t += DAY_MS) {
    out.push({ date: new Date(t).toISOString().slice(0, 10), kind: 'holiday', label });
  }
  return out;
}

/** A weekend day worked instead (调休上班). */
function makeUp(date: string, label: string): CalendarException {
  return { date, kind: 'workday', label: `${label}调休上班` };
}

/**
 * 2026 arrangement. Rest spans include the weekend days inside them, so admin screens can show the whole
 * holiday; listing a weekend as a holiday changes no arithmetic.
 */
export const CHINA_HOLIDAYS_2026: readonly CalendarException[] = [
  // 元旦: 1月1日(周四)至3日(周六)放假调休, 共3天; 1月4日(周日)上班
  ...restDays('2026-01-01', '2026-01-03', '元旦'),
  makeUp('2026-01-04', '元旦'),
  // 春节: 2月15日(腊月二十八, 周日)至23日(正月初七, 周一), 共9天; 2月14日(周六)、2月28日(周六)上班
  makeUp('2026-02-14', '春节'),
  ...restDays('2026-02-15', '2026-02-23', '春节'),
  makeUp('2026-02-28', '春节'),
  // 清明节: 4月4日(周六)至6日(周一), 共3天
  ...restDays('2026-04-04', '2026-04-06', '清明节'),
  // 劳动节: 5月1日(周五)至5日(周二)放假调休, 共5天; 5月9日(周六)上班
  ...restDays('2026-05-01', '2026-05-05', '劳动节'),
  makeUp('2026-05-09', '劳动节'),
  // 端午节: 6月19日(周五)至21日(周日), 共3天
  ...restDays('2026-06-19', '2026-06-21', '端午节'),
  // 中秋节: 9月25日(周五)至27日(周日), 共3天
  ...restDays('2026-09-25', '2026-09-27', '中秋节'),
  // 国庆节: 10月1日(周四)至7日(周三)放假调休, 共7天; 9月20日(周日)、10月10日(周六)上班
  makeUp('2026-09-20', '国庆节'),
  ...restDays('2026-10-01', '2026-10-07', '国庆节'),
  makeUp('2026-10-10', '国庆节'),
];

/** All years we ship seed data for, keyed by year, so a seeder can tell which years are covered. */
export const CHINA_HOLIDAYS_BY_YEAR: Readonly<Record<number, readonly CalendarException[]>> = {
  2026: CHINA_HOLIDAYS_2026,
};

/** The national default calendar (default office hours, Mon–Fri, shipped holiday years) for seeding. */
export function chinaDefaultCalendarSpec(): CalendarSpec {
  return defaultCalendarSpec(Object.values(CHINA_HOLIDAYS_BY_YEAR).flat());
}
