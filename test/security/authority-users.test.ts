/**
 * Issue 14, "a district admin can reset the password of a city-wide admin": an admin changes
 * (edits, resets the password of, disables, grants to, revokes from) only users whose every
 * grant lies in the areas they administer and below their own rank there (an admin grant only
 * strictly deeper than the admin's own area); they grant only such roles in such areas.
 */
import { beforeAll, expect, it } from 'vitest';
import type { RoleGrant } from '../../src/kernel/actor.js';
import type { BuiltApp } from '../../src/server/app.js';
import { buildTestApp } from '../support/app.js';
import { makeUser, seedCity, someGrid } from '../support/city.js';
import { describeEachDriver } from '../support/db.js';
import { type CookieClient, createTestUser, sessionFor } from '../support/identity.js';

describeEachDriver('authority: admins change only users wholly inside their area', (t) => {
  let built: BuiltApp;
  let districtAdmin: CookieClient;
  let cityAdmin: CookieClient;
  let inA: { district: string; street: string; grid: string };
  let inB: { district: string; grid: string };
  const ids: Record<string, number> = {};

  const grant = (role: RoleGrant['role'], areaCode: string | null): RoleGrant => ({
    role,
    areaCode,
    departmentCode: null,
  });

  async function passwordHash(id: number): Promise<string | null> {
    const { rows } = await t().db.query<{ password_hash: string | null }>(
      'SELECT password_hash FROM users WHERE id = $1',
      [id],
    );
    return rows[0]?.password_hash ?? null;
  }

  beforeAll(async () => {
    const { db } = t();
    await seedCity(db);
    const a = await someGrid(db, 0);
    const { rows } = await db.query<{ code: string }>(
      `SELECT code FROM areas WHERE level = 'grid' AND valid_to IS NULL AND code NOT LIKE $1 ORDER BY code LIMIT 1`,
      [`${a.district}%`],
    );
    inA = { ...a, grid: a.code };
    inB = { grid: rows[0]!.code, district: rows[0]!.code.slice(0, 6) };
    built = await buildTestApp(db);
    const dAdmin = await makeUser(db, 'DistrictAdmin', [{ role: 'admin', areaCode: inA.district }]);
    const cAdmin = await makeUser(db, 'CityAdmin', [{ role: 'admin' }]);
    districtAdmin = await sessionFor(built, db, dAdmin.userId, '10.3.0.1');
    cityAdmin = await sessionFor(built, db, cAdmin.userId, '10.3.0.2');
    const mk = (username: string, grants: RoleGrant[]) =>
      createTestUser(built, { username, password: 'original-password-1', grants });
    // A city-wide admin who also works a grid in district A: visible to the district admin.
    ids.cityAdmin = await mk('authz-city-admin', [grant('admin', null), grant('grid_worker', inA.grid)]);
    // One grant inside district A, one in district B.
    ids.straddler = await mk('authz-straddler', [
      grant('grid_worker', inA.grid),
      grant('grid_worker', inB.grid),
    ]);
    // A peer: an admin of the same district.
    ids.peer = await mk('authz-peer', [grant('admin', inA.district)]);
    // Below: an admin of a street inside district A, and a grid worker inside A.
    ids.streetAdmin = await mk('authz-street-admin', [grant('admin', inA.street)]);
    ids.worker = await mk('authz-worker', [grant('grid_worker', inA.grid)]);
    // A user outside the district entirely.
    ids.outside = await mk('authz-outside', [grant('grid_worker', inB.grid)]);
  });

  it('refuses to reset the password of a city-wide admin, changing nothing', async () => {
    const before = await passwordHash(ids.cityAdmin!);
    const res = await districtAdmin.request('PATCH', `/api/admin/users/${ids.cityAdmin}`, {
      password: 'taken-over-password-1',
    });
    expect([403, 404], res.body).toContain(res.statusCode);
    expect(await passwordHash(ids.cityAdmin!)).toBe(before);
    const disable = await districtAdmin.request('PATCH', `/api/admin/users/${ids.cityAdmin}`, {
      status: 'disabled',
    });
    expect([403, 404]).toContain(disable.statusCode);
    const { rows } = await t().db.query<{ status: string }>('SELECT status FROM users WHERE id = $1', [
      ids.cityAdmin,
    ]);
    expect(rows[0]!.status).toBe('active');
  });

  it('refuses a user with one grant inside and one outside the area', async () => {
    const before = await passwordHash(ids.straddler!);
    const res = await districtAdmin.request('PATCH', `/api/admin/users/${ids.straddler}`, {
      password: 'taken-over-password-1',
    });
    expect(res.statusCode, res.body).toBe(403);
    expect(await passwordHash(ids.straddler!)).toBe(before);
    // Nor may they revoke the outside grant, nor add one inside.
    const list = (await cityAdmin.request('GET', `/api/users/${ids.straddler}`)).json() as {
      grants: Array<{ id: number; areaCode: string }>;
    };
    const outside = list.grants.find((g) => g.areaCode === inB.grid)!;
    expect(
      (await districtAdmin.request('DELETE', `/api/admin/users/${ids.straddler}/grants/${outside.id}`))
        .statusCode,
    ).toBe(403);
    expect(
      (
        await districtAdmin.request('POST', `/api/admin/users/${ids.straddler}/grants`, {
          role: 'dispatcher',
          areaCode: inA.street,
        })
      ).statusCode,
    ).toBe(403);
  });

  it('refuses an equal-scope peer admin but manages a street admin and a worker below', async () => {
    const before = await passwordHash(ids.peer!);
    const peer = await districtAdmin.request('PATCH', `/api/admin/users/${ids.peer}`, {
      password: 'taken-over-password-1',
    });
    expect(peer.statusCode).toBe(403);
    expect(await passwordHash(ids.peer!)).toBe(before);
    for (const id of [ids.streetAdmin!, ids.worker!]) {
      const res = await districtAdmin.request('PATCH', `/api/admin/users/${id}`, { displayName: 'renamed' });
      expect(res.statusCode).toBe(200);
    }
    // The city admin manages everyone, the district peer included.
    expect(
      (await cityAdmin.request('PATCH', `/api/admin/users/${ids.peer}`, { displayName: 'peer' })).statusCode,
    ).toBe(200);
  });

  it('never grants outside the area, city-wide, or an admin role at its own level', async () => {
    const bad: RoleGrant[] = [
      grant('grid_worker', inB.grid),
      grant('supervisor', null),
      grant('admin', inA.district),
      grant('admin', null),
    ];
    for (const g of bad) {
      const res = await districtAdmin.request('POST', `/api/admin/users/${ids.worker}/grants`, g);
      expect(res.statusCode, `${JSON.stringify(g)} ${res.body}`).toBe(403);
    }
    const created = await districtAdmin.request('POST', '/api/admin/users', {
      username: 'authz-made-peer',
      displayName: 'peer',
      grants: [grant('admin', inA.district)],
    });
    expect(created.statusCode).toBe(403);
    const { rows } = await t().db.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM users WHERE username = 'authz-made-peer'`,
    );
    expect(rows[0]!.n).toBe(0);
    // Inside and below: allowed.
    const ok = await districtAdmin.request(
      'POST',
      `/api/admin/users/${ids.worker}/grants`,
      grant('admin', inA.street),
    );
    expect(ok.statusCode).toBe(201);
  });

  it('does not find users wholly outside the area (404)', async () => {
    const res = await districtAdmin.request('PATCH', `/api/admin/users/${ids.outside}`, { displayName: 'x' });
    expect(res.statusCode).toBe(404);
  });
});
