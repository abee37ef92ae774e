/**
 * Issue 14, "district admins are not limited to their area on routing rules, the holiday
 * calendar, indicators and grid membership": every admin read and write is filtered by the
 * admin's areas. A district admin lists and changes only routing rules and grid members inside
 * the district and reads only its indicators; the calendar and composite weights are city-wide, so
 * a district admin reads the calendar but only a city-level admin changes either.
 */
import { beforeAll, expect, it } from 'vitest';
import type { BuiltApp } from '../../src/server/app.js';
import { buildTestApp } from '../support/app.js';
import { makeUser, seedCity, someGrid } from '../support/city.js';
import { describeEachDriver } from '../support/db.js';
import { type CookieClient, sessionFor } from '../support/identity.js';

describeEachDriver('authority: district admins act only inside their areas', (t) => {
  let built: BuiltApp;
  let cityAdmin: CookieClient;
  let districtAdmin: CookieClient;
  let mine: { grid: string; district: string };
  let other: { grid: string; district: string };
  let department: string;
  let workerId: number;

  beforeAll(async () => {
    const { db } = t();
    await seedCity(db);
    const a = await someGrid(db, 0);
    const { rows } = await db.query<{ code: string }>(
      `SELECT code FROM areas WHERE level = 'grid' AND valid_to IS NULL AND code NOT LIKE $1 ORDER BY code LIMIT 1`,
      [`${a.district}%`],
    );
    const otherGrid = rows[0]!.code;
    mine = { grid: a.code, district: a.district };
    other = { grid: otherGrid, district: otherGrid.slice(0, 6) };
    const dept = await db.query<{ code: string }>(
      'SELECT code FROM departments WHERE active ORDER BY code LIMIT 1',
    );
    department = dept.rows[0]!.code;
    built = await buildTestApp(db);
    const city = await makeUser(db, 'City admin', [{ role: 'admin' }]);
    const district = await makeUser(db, 'District admin', [{ role: 'admin', areaCode: mine.district }]);
    workerId = (await makeUser(db, 'Worker', [{ role: 'grid_worker', areaCode: other.grid }])).userId;
    cityAdmin = await sessionFor(built, db, city.userId, '10.6.0.1');
    districtAdmin = await sessionFor(built, db, district.userId, '10.6.0.2');
  });

  const rule = (areaCode: string | null) => ({ categoryCode: 'E0102', areaCode, departmentCode: department });

  it('routing rules: lists, adds and removes only rules inside the district', async () => {
    const otherRule = await cityAdmin.request('POST', '/api/admin/routing-rules', rule(other.district));
    expect(otherRule.statusCode, otherRule.body).toBe(201);
    const cityRule = await cityAdmin.request('POST', '/api/admin/routing-rules', rule(null));
    expect(cityRule.statusCode, cityRule.body).toBe(201);
    const otherId = (otherRule.json() as { id: number }).id;
    const cityId = (cityRule.json() as { id: number }).id;

    expect(
      (await districtAdmin.request('POST', '/api/admin/routing-rules', rule(other.district))).statusCode,
    ).toBe(403);
    expect((await districtAdmin.request('POST', '/api/admin/routing-rules', rule(null))).statusCode).toBe(
      403,
    );
    const own = await districtAdmin.request('POST', '/api/admin/routing-rules', rule(mine.grid));
    expect(own.statusCode, own.body).toBe(201);
    const ownId = (own.json() as { id: number }).id;

    const listed = await districtAdmin.request('GET', '/api/admin/routing-rules');
    expect(listed.statusCode).toBe(200);
    const ids = (listed.json() as { items: Array<{ id: number; areaCode: string | null }> }).items;
    expect(ids.map((r) => r.id)).toContain(ownId);
    expect(ids.map((r) => r.id)).not.toContain(otherId);
    expect(ids.map((r) => r.id)).not.toContain(cityId);
    expect(ids.every((r) => r.areaCode?.startsWith(mine.district))).toBe(true);

    // Another district's rule and the city-wide rule answer as missing and stay active.
    expect((await districtAdmin.request('DELETE', `/api/admin/routing-rules/${otherId}`)).statusCode).toBe(
      404,
    );
    expect((await districtAdmin.request('DELETE', `/api/admin/routing-rules/${cityId}`)).statusCode).toBe(
      404,
    );
    const { rows } = await t().db.query<{ id: number; active: boolean }>(
      'SELECT id, active FROM routing_rules WHERE id = ANY($1::bigint[]) ORDER BY id',
      [[otherId, cityId]],
    );
    expect(rows.map((r) => r.active)).toEqual([true, true]);
    expect((await districtAdmin.request('DELETE', `/api/admin/routing-rules/${ownId}`)).statusCode).toBe(204);

    const all = await cityAdmin.request('GET', '/api/admin/routing-rules');
    const cityIds = (all.json() as { items: Array<{ id: number }> }).items.map((r) => r.id);
    expect(cityIds).toEqual(expect.arrayContaining([otherId, cityId]));
  });

  it('holiday calendar: a district admin reads it but only a city-level admin changes it', async () => {
    expect((await districtAdmin.request('GET', '/api/calendar')).statusCode).toBe(200);
    const before = await t().db.query('SELECT * FROM calendar_exceptions ORDER BY day');
    const refused = await districtAdmin.request('PUT', '/api/admin/calendar/exceptions/2026-03-03', {
      kind: 'holiday',
      label: '区级自定',
    });
    expect(refused.statusCode, refused.body).toBe(403);
    const after = await t().db.query('SELECT * FROM calendar_exceptions ORDER BY day');
    expect(after.rows).toEqual(before.rows);
    const allowed = await cityAdmin.request('PUT', '/api/admin/calendar/exceptions/2026-03-03', {
      kind: 'holiday',
      label: '全市',
    });
    expect(allowed.statusCode, allowed.body).toBe(204);
  });

  it('indicators: a district admin reads the district only and cannot change city weights or recount', async () => {
    const period = 'from=2026-01-01&to=2026-01-31';
    expect(
      (await districtAdmin.request('GET', `/api/indicators?within=${mine.district}&${period}`)).statusCode,
    ).toBe(200);
    expect(
      (await districtAdmin.request('GET', `/api/indicators?within=${other.district}&${period}`)).statusCode,
    ).toBe(403);
    expect((await districtAdmin.request('GET', `/api/indicators?${period}`)).statusCode).toBe(403);
    expect(
      (await districtAdmin.request('GET', `/api/indicators/workers?within=${other.district}&${period}`))
        .statusCode,
    ).toBe(403);
    const weights = { on_time_dispatch_rate: 0.3, accurate_dispatch_rate: 0.7 };
    expect(
      (await districtAdmin.request('PUT', '/api/admin/indicators/weights/dispatcher', { weights }))
        .statusCode,
    ).toBe(403);
    const { rows } = await t().db.query('SELECT 1 FROM indicator_weights');
    expect(rows).toHaveLength(0);
    expect((await cityAdmin.request('GET', `/api/indicators?${period}`)).statusCode).toBe(200);
  });

  it('grid membership: a district admin neither sees nor changes another district’s grid members', async () => {
    const assigned = await cityAdmin.request('PUT', `/api/grids/${other.grid}/members`, {
      userId: workerId,
      role: 'worker',
    });
    expect(assigned.statusCode, assigned.body).toBe(200);
    // Another district's grid answers exactly like a grid that does not exist (nothing revealed).
    const missing = `${other.district}999999999`;
    const attempts: Array<[string, (grid: string) => string, unknown]> = [
      ['GET', (g) => `/api/grids/${g}/members`, undefined],
      ['DELETE', (g) => `/api/grids/${g}/members/${workerId}?role=worker`, undefined],
      ['PUT', (g) => `/api/grids/${g}/members`, { userId: workerId, role: 'leader' }],
    ];
    for (const [method, url, body] of attempts) {
      const refused = await districtAdmin.request(method, url(other.grid), body);
      const absent = await districtAdmin.request(method, url(missing), body);
      expect([404, 422], `${method} ${refused.body}`).toContain(refused.statusCode);
      expect(refused.statusCode, method).toBe(absent.statusCode);
      expect((refused.json() as { code: string }).code, method).toBe(
        (absent.json() as { code: string }).code,
      );
    }
    const { rows } = await t().db.query<{ role: string }>(
      'SELECT role FROM grid_members WHERE grid_code = $1 AND user_id = $2',
      [other.grid, workerId],
    );
    expect(rows.map((r) => r.role)).toEqual(['worker']);
    const unstaffed = await districtAdmin.request('GET', '/api/grids/unstaffed?limit=500');
    expect(unstaffed.statusCode).toBe(200);
    const codes = (unstaffed.json() as { items: Array<{ code: string }> }).items.map((g) => g.code);
    expect(codes.length).toBeGreaterThan(0);
    expect(codes.every((c) => c.startsWith(mine.district))).toBe(true);
    expect((await districtAdmin.request('GET', `/api/grids/${mine.grid}/members`)).statusCode).toBe(200);
  });

  it('grid membership: a district admin staffs their grids only with users they control', async () => {
    const { db } = t();
    const put = (userId: number) =>
      districtAdmin.request('PUT', `/api/grids/${mine.grid}/members`, { userId, role: 'worker' });
    // Another district's worker: membership would let them read this grid's data. Answered as
    // an unknown user, so the district admin learns nothing about users outside the district.
    const foreign = await put(workerId);
    expect(foreign.statusCode, foreign.body).toBe(422);
    expect((foreign.json() as { code: string }).code).toBe('GRID_MEMBER_USER_NOT_FOUND');
    expect((await put(999_999)).json()).toMatchObject({ code: 'GRID_MEMBER_USER_NOT_FOUND' });
    // Someone at the admin's rank in the same district (a peer) or above it (a city admin).
    const peer = await makeUser(db, 'Peer admin', [{ role: 'admin', areaCode: mine.district }]);
    expect((await put(peer.userId)).statusCode).toBe(403);
    const above = await makeUser(db, 'City admin two', [{ role: 'admin' }]);
    expect([403, 422]).toContain((await put(above.userId)).statusCode);
    const { rows } = await db.query(
      'SELECT 1 FROM grid_members WHERE grid_code = $1 AND user_id = ANY($2::bigint[])',
      [mine.grid, [workerId, peer.userId, above.userId]],
    );
    expect(rows).toHaveLength(0);
    // A worker of the district, and a new user with no role yet, are the admin's to staff.
    const own = await makeUser(db, 'Own worker', [{ role: 'grid_worker', areaCode: mine.grid }]);
    expect((await put(own.userId)).statusCode).toBe(200);
    const fresh = await makeUser(db, 'New hire', []);
    expect((await put(fresh.userId)).statusCode).toBe(200);
  });
});
