/**
 * Issue 14, "The closed loop's own figures": the holiday calendar had no 2027 entries, so
 * deadlines fell on New Year's Day without a word. The calendar says how far ahead it is known
 * (GET /api/calendar/coverage, a dashboard banner, a start-up log line) and the yearly list is
 * imported from a file, all or nothing, audited.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { systemActor } from '../../src/kernel/actor.js';
import { FixedClock } from '../../src/lib/clock.js';
import { calendarCoverage, parseHolidayFile } from '../../src/modules/calendar/calendar-coverage.js';
import { defaultCalendarSpec } from '../../src/modules/calendar/working-calendar.js';
import type { BuiltApp } from '../../src/server/app.js';
import { buildTestApp } from '../support/app.js';
import { makeUser, seedCity } from '../support/city.js';
import { describeEachDriver } from '../support/db.js';

const HOLIDAYS_2027 = `date,kind,label
2027-01-01..2027-01-03,休,元旦
2027-02-06..2027-02-12,holiday,春节
2027-02-14,班,春节调休上班
`;

describe('calendar coverage (pure)', () => {
  it('ends on 31 December of the latest year with an entry and warns under 90 days', () => {
    const spec = defaultCalendarSpec([{ date: '2026-10-01', kind: 'holiday', label: '国庆节' }]);
    expect(calendarCoverage(spec, '2026-09-01')).toMatchObject({ coveredUntil: '2026-12-31', warn: false });
    expect(calendarCoverage(spec, '2026-12-06')).toEqual({
      coveredUntil: '2026-12-31',
      daysCovered: 25,
      warn: true,
      missingYear: 2027,
    });
    expect(calendarCoverage(defaultCalendarSpec(), '2026-12-06')).toMatchObject({
      coveredUntil: null,
      warn: true,
    });
  });

  it('reads CSV with ranges and Chinese kinds, and rejects a bad file whole', () => {
    const ok = parseHolidayFile(HOLIDAYS_2027);
    expect(ok.problems).toEqual([]);
    expect(ok.items).toHaveLength(3 + 7 + 1);
    expect(ok.items.at(-1)).toEqual({ date: '2027-02-14', kind: 'workday', label: '春节调休上班' });
    const bad = parseHolidayFile('date,kind,label\n2027-02-30,休,x\n2027-03-01,maybe,y\n2027-01-01,休,a\n');
    expect(bad.items).toEqual([]);
    expect(bad.problems.map((p) => p.line)).toEqual([2, 3]);
    expect(parseHolidayFile('[{"date":"2027-05-01","kind":"holiday","label":"劳动节"}]').items).toHaveLength(
      1,
    );
  });
});

describeEachDriver('calendar coverage and yearly import', (t) => {
  let built: BuiltApp;

  beforeAll(async () => {
    await seedCity(t().db);
    built = await buildTestApp(t().db, { clock: new FixedClock(new Date('2026-12-06T10:00:00+08:00')) });
  });

  it('warns while 2027 is missing, and stops warning after the import (audited)', async () => {
    const before = await built.app.inject({ method: 'GET', url: '/api/calendar/coverage' });
    expect(before.statusCode).toBe(200);
    expect(before.json()).toMatchObject({ warn: true, missingYear: 2027 });

    const { items } = parseHolidayFile(HOLIDAYS_2027);
    const after = await built.services.calendar.importExceptions(
      systemActor('cli'),
      items,
      'holidays-2027.csv',
    );
    expect(after).toMatchObject({ coveredUntil: '2027-12-31', warn: false });
    const res = await built.app.inject({ method: 'GET', url: '/api/calendar' });
    const days = (res.json() as { exceptions: Array<{ date: string }> }).exceptions.map((e) => e.date);
    expect(days).toEqual(expect.arrayContaining(['2027-01-01', '2027-02-14']));
    await built.services.audit.flush();
    const { rows } = await t().db.query<{ n: string }>(
      "SELECT count(*)::text AS n FROM audit_log WHERE action = 'calendar.import'",
    );
    expect(Number(rows[0]?.n)).toBe(1);
  });

  it('lets only a city-wide admin import', async () => {
    const district = await makeUser(t().db, 'CalDistrictAdmin', [{ role: 'admin', areaCode: '440305' }]);
    await expect(
      built.services.calendar.importExceptions(
        district,
        [{ date: '2028-01-01', kind: 'holiday', label: '元旦' }],
        'x',
      ),
    ).rejects.toMatchObject({ code: 'FORBIDDEN' });
  });

  it('reads a file as written by a spreadsheet (BOM)', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'cg-holidays-'));
    const file = path.join(dir, 'h.csv');
    writeFileSync(file, `\ufeff${HOLIDAYS_2027}`);
    expect(parseHolidayFile(readFileSync(file, 'utf8')).items).toHaveLength(11);
  });
});
