import { expect, it } from 'vitest';
import { FixedClock } from '../../src/lib/clock.js';
import { TAXONOMY_V1 } from '../../src/modules/taxonomy/taxonomy.seed.js';
import { buildTestApp } from '../support/app.js';
import { makeUser, seedCity, someGrid } from '../support/city.js';
import { describeEachDriver } from '../support/db.js';
import { sessionFor } from '../support/identity.js';

/** The v1 document as an admin would send it, with one category changed. */
function versionTwo(change: Record<string, unknown> = {}) {
  const { version: _v, ...doc } = TAXONOMY_V1;
  return {
    ...doc,
    nameZh: '城市管理部件事件分类（第2版）',
    nameEn: 'Taxonomy version 2',
    majors: doc.majors.map((m) => ({ ...m })),
    categories: doc.categories.map((c) =>
      c.code === 'E0102'
        ? { ...c, departmentCode: 'urban_enforcement', deadlines: { ...c.deadlines, file: 15 }, ...change }
        : { ...c },
    ),
  };
}

describeEachDriver('admin configuration', (t) => {
  it('taxonomy versions, routing rules, the calendar and departments', async () => {
    const { db } = t();
    await seedCity(db);
    const grid = await someGrid(db, 3);
    const clock = new FixedClock(new Date('2026-03-02T02:00:00Z'));
    const built = await buildTestApp(db, { clock });
    const { app, services } = built;
    const admin = await makeUser(db, 'Admin', [{ role: 'admin' }]);
    const dispatcher = await makeUser(db, 'Dispatcher', [{ role: 'dispatcher', areaCode: grid.street }]);
    const resident = await makeUser(db, 'Resident', [{ role: 'resident' }]);
    const adminHttp = await sessionFor(built, db, admin.userId);
    const dispatcherHttp = await sessionFor(built, db, dispatcher.userId);
    let n = 0;
    const report = async () =>
      (
        await services.cases.intake.report(resident, {
          channel: 'resident',
          idempotencyKey: `admin-cfg-${++n}-key`,
          lng: grid.lng,
          lat: grid.lat,
          categoryCode: 'E0102',
          description: '垃圾堆放',
        })
      ).result;

    // Taxonomy: public read, localized.
    const tax = await app.inject({
      method: 'GET',
      url: '/api/taxonomy',
      headers: { 'accept-language': 'en' },
    });
    expect(tax.statusCode).toBe(200);
    const taxBody = tax.json() as {
      version: number;
      majors: Array<{
        code: string;
        name: string;
        categories: Array<{ code: string; name: string; departmentCode: string }>;
      }>;
    };
    expect(taxBody.version).toBe(1);
    const e01 = taxBody.majors.find((m) => m.code === 'E01')!;
    expect(e01.categories.find((c) => c.code === 'E0102')).toMatchObject({ departmentCode: 'sanitation' });
    expect(e01.name).toMatch(/[A-Za-z]/);

    // A case filed under version 1 …
    const old = await report();
    await services.cases.workflow.act(dispatcher, old.id, 'file', {});
    // … then version 2 moves E0102 to another department.
    expect(
      (await dispatcherHttp.request('POST', '/api/admin/taxonomy/versions', versionTwo())).statusCode,
    ).toBe(403);
    const bad = await adminHttp.request(
      'POST',
      '/api/admin/taxonomy/versions',
      versionTwo({ departmentCode: 'no_such_dept' }),
    );
    expect(bad.statusCode).toBe(422);
    expect(bad.json()).toMatchObject({ code: 'TAXONOMY_INVALID' });
    const zero = await adminHttp.request(
      'POST',
      '/api/admin/taxonomy/versions',
      versionTwo({ deadlines: { file: 0, dispatch: 30, handle: 240, verify: 60, handleUnit: 'working' } }),
    );
    expect(zero.statusCode).toBe(400);
    const dup = versionTwo();
    const dupRes = await adminHttp.request('POST', '/api/admin/taxonomy/versions', {
      ...dup,
      categories: [...dup.categories, { ...dup.categories[0]! }],
    });
    expect(dupRes.statusCode).toBe(422);
    const created = await adminHttp.request('POST', '/api/admin/taxonomy/versions', versionTwo());
    expect(created.statusCode).toBe(201);
    expect(created.json()).toMatchObject({ version: 2 });
    // The old case keeps (1, E0102); a new report is filed under version 2 and routed to its owner.
    const oldRow = await db.query<{
      category_version: number;
      category_code: string;
      department_code: string;
    }>('SELECT category_version, category_code, department_code FROM cases WHERE id = $1', [old.id]);
    expect(oldRow.rows[0]).toEqual({
      category_version: 1,
      category_code: 'E0102',
      department_code: 'sanitation',
    });
    const fresh = await report();
    expect(fresh.suggestedDepartment).toBe('urban_enforcement');
    const freshRow = await db.query<{ category_version: number }>(
      'SELECT category_version FROM cases WHERE id = $1',
      [fresh.id],
    );
    expect(freshRow.rows[0]?.category_version).toBe(2);
    expect(
      ((await app.inject({ method: 'GET', url: '/api/taxonomy' })).json() as { version: number }).version,
    ).toBe(2);

    // Routing rules.
    const rule = { categoryCode: 'E0102', areaCode: grid.street, departmentCode: 'water', note: 'test' };
    expect((await dispatcherHttp.request('POST', '/api/admin/routing-rules', rule)).statusCode).toBe(403);
    expect(
      (
        await adminHttp.request('POST', '/api/admin/routing-rules', {
          ...rule,
          areaCode: `${grid.street}999`,
        })
      ).statusCode,
    ).toBe(422);
    expect(
      (
        await adminHttp.request('POST', '/api/admin/routing-rules', {
          ...rule,
          departmentCode: 'no_such_dept',
        })
      ).statusCode,
    ).toBe(422);
    expect(
      (await adminHttp.request('POST', '/api/admin/routing-rules', { ...rule, categoryCode: 'E9999' }))
        .statusCode,
    ).toBe(422);
    const added = await adminHttp.request('POST', '/api/admin/routing-rules', rule);
    expect(added.statusCode).toBe(201);
    const ruleId = (added.json() as { id: number }).id;
    const list = (await adminHttp.request('GET', '/api/admin/routing-rules')).json() as {
      items: Array<{ id: number }>;
    };
    expect(list.items.map((r) => r.id)).toContain(ruleId);
    expect((await report()).suggestedDepartment).toBe('water');
    expect((await adminHttp.request('DELETE', `/api/admin/routing-rules/${ruleId}`)).statusCode).toBe(204);
    expect((await adminHttp.request('DELETE', `/api/admin/routing-rules/${ruleId}`)).statusCode).toBe(404);
    expect((await report()).suggestedDepartment).toBe('urban_enforcement');

    // Calendar: a new holiday is used at once (the case services' cache is dropped).
    const cal = await app.inject({ method: 'GET', url: '/api/calendar' });
    expect(cal.statusCode).toBe(200);
    expect((await services.cases.support.calendar(db)).exceptions.some((e) => e.date === '2026-03-03')).toBe(
      false,
    );
    expect(
      (
        await adminHttp.request('PUT', '/api/admin/calendar/exceptions/2026-03-03', {
          kind: 'holiday',
          label: '测试',
        })
      ).statusCode,
    ).toBe(204);
    expect((await services.cases.support.calendar(db)).exceptions).toContainEqual({
      date: '2026-03-03',
      kind: 'holiday',
      label: '测试',
    });
    expect(
      (await adminHttp.request('PUT', '/api/admin/calendar/exceptions/2026-02-30', { kind: 'holiday' }))
        .statusCode,
    ).toBe(422);
    expect((await adminHttp.request('DELETE', '/api/admin/calendar/exceptions/2026-03-03')).statusCode).toBe(
      204,
    );
    expect((await adminHttp.request('DELETE', '/api/admin/calendar/exceptions/2026-03-03')).statusCode).toBe(
      404,
    );
    expect((await services.cases.support.calendar(db)).exceptions.some((e) => e.date === '2026-03-03')).toBe(
      false,
    );
    const overlapping = await adminHttp.request('PUT', '/api/admin/calendar', {
      periods: [
        { start: '09:00', end: '12:00' },
        { start: '11:00', end: '17:00' },
      ],
      workWeekdays: [1, 2, 3, 4, 5],
    });
    expect(overlapping.statusCode).toBe(422);
    const saved = await adminHttp.request('PUT', '/api/admin/calendar', {
      periods: [
        { start: '09:00', end: '12:00' },
        { start: '13:00', end: '18:00' },
      ],
      workWeekdays: [1, 2, 3, 4, 5, 6],
    });
    expect(saved.statusCode).toBe(200);
    expect((await services.cases.support.calendar(db)).workWeekdays).toEqual([1, 2, 3, 4, 5, 6]);
    expect((await dispatcherHttp.request('PUT', '/api/admin/calendar', saved.json())).statusCode).toBe(403);

    // Departments: public.
    const depts = await app.inject({ method: 'GET', url: '/api/departments' });
    expect(depts.statusCode).toBe(200);
    expect((depts.json() as { items: Array<{ code: string }> }).items.map((d) => d.code)).toContain(
      'sanitation',
    );

    // Every admin change left an audit record.
    const audit = await db.query<{ action: string }>(
      `SELECT action FROM audit_entries WHERE action LIKE 'taxonomy.%' OR action LIKE 'routing_rule.%' OR action LIKE 'calendar.%'`,
    );
    expect(new Set(audit.rows.map((r) => r.action))).toEqual(
      new Set([
        'taxonomy.create_version',
        'routing_rule.create',
        'routing_rule.delete',
        'calendar.exception_set',
        'calendar.exception_delete',
        'calendar.settings',
      ]),
    );
    await app.close();
  });
});
