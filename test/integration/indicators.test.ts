import ExcelJS from 'exceljs';
import { expect, it } from 'vitest';
import { systemActor } from '../../src/kernel/actor.js';
import { FixedClock } from '../../src/lib/clock.js';
import { toCsv } from '../../src/lib/csv.js';
import { reportCsv, reportXlsx } from '../../src/modules/indicators/indicator-export.js';
import { buildTestApp } from '../support/app.js';
import { makeUser, seedCity, someGrid } from '../support/city.js';
import { describeEachDriver } from '../support/db.js';
import { sessionFor } from '../support/identity.js';

describeEachDriver('indicators', (t) => {
  it('computes scoped indicators from the rollups, exports them and recounts', async () => {
    const { db } = t();
    await seedCity(db);
    const grid = await someGrid(db, 3);
    const far = await someGrid(db, 1500);
    // Monday 2 March 2026, 10:00 in Shanghai.
    const clock = new FixedClock(new Date('2026-03-02T02:00:00Z'));
    const built = await buildTestApp(db, { clock });
    const { cases, indicators } = built.services;
    const resident = await makeUser(db, 'Resident', [{ role: 'resident' }]);
    const dispatcher = await makeUser(db, 'Dispatcher', [{ role: 'dispatcher', areaCode: grid.street }]);
    const handler = await makeUser(db, 'Handler', [{ role: 'dept_handler', departmentCode: 'sanitation' }]);
    const supervisor = await makeUser(db, 'Supervisor', [{ role: 'supervisor', areaCode: grid.district }]);

    const report = async (key: string) =>
      (
        await cases.intake.report(resident, {
          channel: 'resident',
          idempotencyKey: key,
          lng: grid.lng,
          lat: grid.lat,
          categoryCode: 'E0102',
          description: '垃圾没人清理',
        })
      ).result.id;
    const a = await report('ind-key-0001');
    const b = await report('ind-key-0002');
    clock.advance(5 * 60_000);
    await cases.workflow.act(dispatcher, a, 'file', {});
    await cases.workflow.act(dispatcher, b, 'reject', { note: '不符合立案条件' });
    await cases.workflow.act(dispatcher, a, 'dispatch', {});
    await cases.workflow.act(handler, a, 'accept', {});
    clock.advance(60 * 60_000);
    await cases.workflow.act(handler, a, 'report_back', { note: '已清理' });
    await cases.workflow.act(supervisor, a, 'verify_pass', {});
    await cases.workflow.act(resident, a, 'evaluate', { result: 'basically_satisfied' });

    const http = await sessionFor(built, db, dispatcher.userId);
    const q = `from=2026-03-01&to=2026-03-31`;
    const res = await http.request('GET', `/api/indicators?within=${grid.street}&${q}`);
    expect(res.statusCode).toBe(200);
    const body = res.json() as {
      indicators: Array<{
        code: string;
        numerator: number;
        denominator: number | null;
        value: number | null;
      }>;
      composites: Array<{ code: string; score: number | null; grade: string | null }>;
    };
    const v = (code: string) => body.indicators.find((i) => i.code === code);
    expect(v('report_count')).toMatchObject({ value: 2 });
    expect(v('filing_rate')).toMatchObject({ numerator: 1, denominator: 2, value: 0.5 });
    expect(v('on_time_filing_rate')).toMatchObject({ numerator: 2, denominator: 2, value: 1 });
    expect(v('accurate_dispatch_rate')).toMatchObject({ value: 1 });
    expect(v('closure_rate')).toMatchObject({ numerator: 1, denominator: 1, value: 1 });
    expect(v('rework_rate')).toMatchObject({ value: 0 });
    expect(v('hotline_satisfaction_rate')).toMatchObject({ numerator: 0.9, denominator: 1, value: 0.9 });
    expect(body.composites.find((c) => c.code === 'hotline_12345')).toMatchObject({ score: 96, grade: 'A' });

    // No data in the period → ratios are null, not 0.
    const empty = (
      await http.request('GET', `/api/indicators?within=${grid.street}&from=2026-04-01&to=2026-04-30`)
    ).json() as typeof body;
    expect(empty.indicators.find((i) => i.code === 'filing_rate')?.value).toBeNull();

    // Scope: another street 403, the whole city 403, an unknown area inside the scope 404.
    expect((await http.request('GET', `/api/indicators?within=${far.street}&${q}`)).statusCode).toBe(403);
    expect((await http.request('GET', `/api/indicators?${q}`)).statusCode).toBe(403);
    expect((await http.request('GET', `/api/indicators?within=${grid.street}999&${q}`)).statusCode).toBe(404);
    expect(
      (await http.request('GET', `/api/indicators?within=${grid.street}&from=2026-03-31&to=2026-03-01`))
        .statusCode,
    ).toBe(400);
    const residentHttp = await sessionFor(built, db, resident.userId);
    expect((await residentHttp.request('GET', `/api/indicators?within=${grid.street}&${q}`)).statusCode).toBe(
      403,
    );
    expect(
      (await built.app.inject({ method: 'GET', url: `/api/indicators?within=${grid.street}&${q}` }))
        .statusCode,
    ).toBe(401);
    const defs = await built.app.inject({ method: 'GET', url: '/api/indicators/definitions' });
    expect(defs.statusCode).toBe(200);
    expect((defs.json() as { indicators: unknown[] }).indicators.length).toBeGreaterThanOrEqual(14);

    // Department filter: the sanitation department's events only.
    const dept = await indicators.compute(dispatcher, {
      within: grid.street,
      department: 'sanitation',
      from: '2026-03-01',
      to: '2026-03-31',
    });
    expect(dept.totals['a.accept']).toBe(1);
    const water = await indicators.compute(dispatcher, {
      within: grid.street,
      department: 'water',
      from: '2026-03-01',
      to: '2026-03-31',
    });
    expect(water.totals).toEqual({});

    // Workers: the handler accepted and reported back.
    const workers = await indicators.workers(supervisor, {
      within: grid.district,
      from: '2026-03-01',
      to: '2026-03-31',
    });
    expect(workers.find((w) => w.actorId === String(handler.userId))?.actions).toMatchObject({
      accept: 1,
      report_back: 1,
    });

    // Weights: admins change them; the composite follows.
    const admin = await makeUser(db, 'Admin', [{ role: 'admin' }]);
    const adminHttp = await sessionFor(built, db, admin.userId);
    const put = await adminHttp.request('PUT', '/api/admin/indicators/weights/hotline_12345', {
      weights: { hotline_response_rate: 0.5, hotline_resolution_rate: 0.5 },
    });
    expect(put.statusCode).toBe(200);
    expect(
      (await http.request('PUT', '/api/admin/indicators/weights/hotline_12345', { weights: {} })).statusCode,
    ).toBe(403);
    const bad = await adminHttp.request('PUT', '/api/admin/indicators/weights/hotline_12345', {
      weights: { hotline_response_rate: 0.4 },
    });
    expect(bad.statusCode).toBe(422);
    const reweighted = await indicators.compute(dispatcher, {
      within: grid.street,
      from: '2026-03-01',
      to: '2026-03-31',
    });
    expect(reweighted.composites.find((c) => c.code === 'hotline_12345')?.score).toBe(100);

    // Export: CSV quoting and a readable XLSX.
    expect(toCsv([['a,b', 'say "hi"', 'line\nbreak', null, 3]])).toBe(
      '"a,b","say ""hi""","line\nbreak",,3\r\n',
    );
    const csv = reportCsv(reweighted);
    expect(csv.startsWith('\uFEFFarea,department,from,to,code')).toBe(true);
    expect(csv).toContain(`${grid.street},,2026-03-01,2026-03-31,filing_rate,立案率,Filing rate,1,2,0.5`);
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load((await reportXlsx(reweighted)) as unknown as ArrayBuffer);
    const ws = wb.getWorksheet('indicators')!;
    expect(ws.getRow(1).getCell(5).value).toBe('code');
    expect(ws.rowCount).toBe(1 + reweighted.indicators.length + reweighted.composites.length);

    // Recount: agrees with the rollups; a tampered counter is reported, then repaired.
    const system = systemActor('test');
    expect((await indicators.recount(system, { apply: false })).differences).toEqual([]);
    await db.query(`UPDATE case_rollup_daily SET n = n + 5 WHERE metric = 'a.report'`);
    await db.query(`DELETE FROM case_rollup_daily WHERE metric = 'a.file'`);
    const dry = await indicators.recount(system, { apply: false });
    expect(dry.differences.map((d) => [d.metric, d.stored, d.recounted]).sort()).toEqual([
      ['a.file', 0, 1],
      ['a.report', 7, 2],
    ]);
    expect(dry.applied).toBe(false);
    const fixed = await indicators.recount(system, { apply: true });
    expect(fixed.applied).toBe(true);
    expect((await indicators.recount(system, { apply: false })).differences).toEqual([]);
    await expect(indicators.recount(dispatcher, { apply: true })).rejects.toMatchObject({
      code: 'FORBIDDEN',
    });
    await built.app.close();
  });
});
