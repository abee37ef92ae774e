import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CHINA_HOLIDAYS_2026, chinaDefaultCalendarSpec } from '../../src/modules/calendar/china-holidays.js';
import {
  addCalendarMinutes,
  addDeadlineMinutes,
  addWorkingMinutes,
  type CalendarSpec,
  defaultCalendarSpec,
  isWorkingTime,
  nextWorkingInstant,
  trafficLight,
  workingMinutesBetween,
} from '../../src/modules/calendar/working-calendar.js';

/** An instant given as CST wall-clock, e.g. cst('2026-03-06 16:30'). */
function cst(s: string): Date {
  return new Date(`${s.replace(' ', 'T')}:00+08:00`);
}

const plain = defaultCalendarSpec();
const china = chinaDefaultCalendarSpec();

describe('addWorkingMinutes: fixed examples', () => {
  it('carries over a weekend (Fri 16:30 + 2 h = Mon 10:00)', () => {
    expect(addWorkingMinutes(plain, cst('2026-03-06 16:30'), 120)).toEqual(cst('2026-03-09 10:00'));
  });

  it('skips the lunch break', () => {
    expect(addWorkingMinutes(plain, cst('2026-03-10 11:30'), 60)).toEqual(cst('2026-03-10 14:00'));
  });

  it('starts counting at the next working period when started outside hours', () => {
    expect(addWorkingMinutes(plain, cst('2026-03-07 10:00'), 30)).toEqual(cst('2026-03-09 09:30')); // Saturday
    expect(addWorkingMinutes(plain, cst('2026-03-10 07:15'), 30)).toEqual(cst('2026-03-10 09:30')); // early
    expect(addWorkingMinutes(plain, cst('2026-03-10 12:30'), 30)).toEqual(cst('2026-03-10 14:00')); // lunch
    expect(addWorkingMinutes(plain, cst('2026-03-10 18:00'), 30)).toEqual(cst('2026-03-11 09:30')); // evening
  });

  it('ends exactly at a period end rather than at the next period start', () => {
    expect(addWorkingMinutes(plain, cst('2026-03-10 09:00'), 180)).toEqual(cst('2026-03-10 12:00'));
    expect(addWorkingMinutes(plain, cst('2026-03-10 09:00'), 420)).toEqual(cst('2026-03-10 17:30'));
    expect(addWorkingMinutes(plain, cst('2026-03-10 12:00'), 1)).toEqual(cst('2026-03-10 13:31'));
    expect(addWorkingMinutes(plain, cst('2026-03-10 17:30'), 1)).toEqual(cst('2026-03-11 09:01'));
  });

  it('counts a make-up Saturday as a workday and the Spring Festival as rest', () => {
    // Fri 13 Feb 17:00 + 60: 30 min on Friday, then Saturday 14 Feb is a make-up workday.
    expect(addWorkingMinutes(china, cst('2026-02-13 17:00'), 60)).toEqual(cst('2026-02-14 09:30'));
    // Sat 14 Feb 17:00 + 60: 30 min on Saturday, then 15–23 Feb are rest days, Tue 24 Feb resumes.
    expect(addWorkingMinutes(china, cst('2026-02-14 17:00'), 60)).toEqual(cst('2026-02-24 09:30'));
    // Without the holiday table Saturday is rest and all 60 minutes fall on Monday 16 Feb.
    expect(addWorkingMinutes(plain, cst('2026-02-14 17:00'), 60)).toEqual(cst('2026-02-16 10:00'));
    // Three working days: Fri 13, Sat 14 (make-up), Tue 24.
    expect(workingMinutesBetween(china, cst('2026-02-13 09:00'), cst('2026-02-25 09:00'))).toBe(3 * 420);
  });

  it('treats the National Day make-up Sunday (20 Sep 2026) as a workday', () => {
    expect(isWorkingTime(china, cst('2026-09-20 10:00'))).toBe(true);
    expect(isWorkingTime(plain, cst('2026-09-20 10:00'))).toBe(false);
    expect(isWorkingTime(china, cst('2026-10-05 10:00'))).toBe(false);
  });

  it('reads instants given in UTC as Shanghai wall-clock', () => {
    expect(isWorkingTime(plain, new Date('2026-03-09T01:00:00Z'))).toBe(true); // 09:00 CST
    expect(isWorkingTime(plain, new Date('2026-03-09T00:59:59Z'))).toBe(false); // 08:59:59 CST
    expect(isWorkingTime(plain, new Date('2026-03-08T17:00:00Z'))).toBe(false); // Mon 01:00 CST
  });

  it('returns the start unchanged for zero minutes and rejects negative minutes', () => {
    const t = cst('2026-03-07 10:00');
    expect(addWorkingMinutes(plain, t, 0)).toEqual(t);
    expect(() => addWorkingMinutes(plain, t, -1)).toThrow(RangeError);
    expect(() => addWorkingMinutes(plain, t, Number.NaN)).toThrow(RangeError);
  });

  it('handles 60-working-day deadlines quickly', () => {
    const start = cst('2026-03-02 09:00'); // Monday
    expect(addWorkingMinutes(plain, start, 60 * 420)).toEqual(cst('2026-05-22 17:30')); // 12 whole weeks
    const began = performance.now();
    for (let i = 0; i < 5000; i++) addWorkingMinutes(china, start, 60 * 420 + i);
    expect(performance.now() - began).toBeLessThan(2000);
  });
});

describe('boundaries and helpers', () => {
  it('treats periods as half-open [start, end)', () => {
    expect(isWorkingTime(plain, cst('2026-03-10 09:00'))).toBe(true);
    expect(isWorkingTime(plain, new Date(cst('2026-03-10 09:00').getTime() - 1))).toBe(false);
    expect(isWorkingTime(plain, cst('2026-03-10 11:59'))).toBe(true);
    expect(isWorkingTime(plain, cst('2026-03-10 12:00'))).toBe(false);
    expect(isWorkingTime(plain, cst('2026-03-10 13:30'))).toBe(true);
    expect(isWorkingTime(plain, cst('2026-03-10 17:30'))).toBe(false);
  });

  it('finds the next working instant', () => {
    const inside = cst('2026-03-10 10:17');
    expect(nextWorkingInstant(plain, inside)).toEqual(inside);
    expect(nextWorkingInstant(plain, cst('2026-03-10 12:00'))).toEqual(cst('2026-03-10 13:30'));
    expect(nextWorkingInstant(plain, cst('2026-03-06 17:30'))).toEqual(cst('2026-03-09 09:00'));
    expect(nextWorkingInstant(china, cst('2026-09-30 18:00'))).toEqual(cst('2026-10-08 09:00'));
  });

  it('counts minutes between instants, negative when reversed', () => {
    expect(workingMinutesBetween(plain, cst('2026-03-06 16:30'), cst('2026-03-09 10:00'))).toBe(120);
    expect(workingMinutesBetween(plain, cst('2026-03-09 10:00'), cst('2026-03-06 16:30'))).toBe(-120);
    expect(workingMinutesBetween(plain, cst('2026-03-10 11:00'), cst('2026-03-10 14:00'))).toBe(90);
    expect(workingMinutesBetween(plain, cst('2026-03-07 08:00'), cst('2026-03-08 20:00'))).toBe(0);
  });

  it('adds natural minutes for urgent categories', () => {
    const t = cst('2026-03-07 23:50'); // Saturday night
    expect(addCalendarMinutes(t, 30)).toEqual(cst('2026-03-08 00:20'));
    expect(addDeadlineMinutes(plain, 'calendar', t, 30)).toEqual(cst('2026-03-08 00:20'));
    expect(addDeadlineMinutes(plain, 'working', t, 30)).toEqual(cst('2026-03-09 09:30'));
  });

  it('colours the traffic light at 80 % and 100 %', () => {
    expect(trafficLight(0, 240)).toBe('green');
    expect(trafficLight(191, 240)).toBe('green');
    expect(trafficLight(192, 240)).toBe('yellow'); // exactly 80 %
    expect(trafficLight(240, 240)).toBe('yellow'); // exactly 100 %
    expect(trafficLight(240.5, 240)).toBe('red');
  });

  it('rejects malformed calendars', () => {
    const bad = (spec: CalendarSpec) => () => isWorkingTime(spec, cst('2026-03-10 10:00'));
    expect(bad({ ...plain, periods: [{ start: '12:00', end: '09:00' }] })).toThrow(RangeError);
    expect(bad({ ...plain, periods: [{ start: '9:00', end: '12:00' }] })).toThrow(RangeError);
    expect(bad({ ...plain, workWeekdays: [] })).toThrow(RangeError);
    expect(bad({ ...plain, exceptions: [{ date: '2026-02-30', kind: 'holiday' }] })).toThrow(RangeError);
    const twice = [CHINA_HOLIDAYS_2026[0]!, CHINA_HOLIDAYS_2026[0]!];
    expect(bad({ ...plain, exceptions: twice })).toThrow(RangeError);
  });

  it('ships the 2026 notice: 33 rest days incl. weekends and 6 make-up workdays', () => {
    expect(CHINA_HOLIDAYS_2026.filter((e) => e.kind === 'holiday')).toHaveLength(33);
    expect(CHINA_HOLIDAYS_2026.filter((e) => e.kind === 'workday').map((e) => e.date)).toEqual([
      '2026-01-04',
      '2026-02-14',
      '2026-02-28',
      '2026-05-09',
      '2026-09-20',
      '2026-10-10',
    ]);
    for (const e of CHINA_HOLIDAYS_2026.filter((x) => x.kind === 'workday')) {
      const day = new Date(`${e.date}T12:00:00+08:00`).getUTCDay();
      expect(day === 0 || day === 6).toBe(true); // make-up days fall on weekends
    }
  });
});

describe('properties', () => {
  // Minute-aligned instants across 2026 (with holidays) and a little beyond.
  const from = cst('2025-12-20 00:00').getTime();
  const instant = fc.integer({ min: 0, max: 400 * 24 * 60 }).map((m) => new Date(from + m * 60_000));
  const anyMsInstant = fc.integer({ min: 0, max: 400 * 86_400_000 }).map((ms) => new Date(from + ms));
  const minutes = fc.integer({ min: 0, max: 60 * 420 });
  const specs = fc.constantFrom(plain, china);

  it('round-trips: workingMinutesBetween(t, addWorkingMinutes(t, m)) === m for t in working time', () => {
    fc.assert(
      fc.property(specs, anyMsInstant, minutes, (s, t0, m) => {
        const t = nextWorkingInstant(s, t0);
        expect(isWorkingTime(s, t)).toBe(true);
        expect(workingMinutesBetween(s, t, addWorkingMinutes(s, t, m))).toBe(m);
      }),
    );
  });

  it('round-trips for any start instant too', () => {
    fc.assert(
      fc.property(specs, anyMsInstant, minutes, (s, t, m) => {
        expect(workingMinutesBetween(s, t, addWorkingMinutes(s, t, m))).toBe(m);
      }),
    );
  });

  it('is monotone in the minutes and in the start', () => {
    fc.assert(
      fc.property(specs, instant, instant, minutes, minutes, (s, t1, t2, a, b) => {
        const [lo, hi] = a <= b ? [a, b] : [b, a];
        expect(addWorkingMinutes(s, t1, lo).getTime()).toBeLessThanOrEqual(
          addWorkingMinutes(s, t1, hi).getTime(),
        );
        const [early, late] = t1 <= t2 ? [t1, t2] : [t2, t1];
        expect(addWorkingMinutes(s, early, a).getTime()).toBeLessThanOrEqual(
          addWorkingMinutes(s, late, a).getTime(),
        );
        expect(workingMinutesBetween(s, early, late)).toBeGreaterThanOrEqual(0);
      }),
    );
  });

  it('is additive: adding a then b equals adding a + b', () => {
    fc.assert(
      fc.property(specs, anyMsInstant, minutes, minutes, (s, t, a, b) => {
        const stepwise = addWorkingMinutes(s, addWorkingMinutes(s, t, a), b);
        expect(stepwise).toEqual(addWorkingMinutes(s, t, a + b));
      }),
    );
  });

  it('splits intervals: between(a, b) + between(b, c) === between(a, c)', () => {
    fc.assert(
      fc.property(specs, instant, instant, instant, (s, a, b, c) => {
        const sum = workingMinutesBetween(s, a, b) + workingMinutesBetween(s, b, c);
        expect(sum).toBe(workingMinutesBetween(s, a, c));
      }),
    );
  });

  it('agrees with a minute-by-minute reference for short deadlines', () => {
    fc.assert(
      fc.property(specs, instant, fc.integer({ min: 1, max: 3000 }), (s, t, m) => {
        let cursor = t.getTime();
        let left = m;
        for (;;) {
          if (isWorkingTime(s, new Date(cursor))) left -= 1;
          cursor += 60_000;
          if (left === 0) break;
        }
        expect(addWorkingMinutes(s, t, m)).toEqual(new Date(cursor));
      }),
      { numRuns: 60 },
    );
  });
});
