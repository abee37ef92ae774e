/**
 * Issue 14, "bearer tokens stay valid after a password change, a disable or a role change until
 * they expire": each of these ends every bearer token and every cookie session of the user at
 * once (a token version per user, carried in the JWT and checked on each request).
 */
import { beforeAll, expect, it } from 'vitest';
import type { BuiltApp } from '../../src/server/app.js';
import { buildTestApp } from '../support/app.js';
import { makeUser, seedCity, someGrid } from '../support/city.js';
import { describeEachDriver } from '../support/db.js';
import { CookieClient, createTestUser, sessionFor } from '../support/identity.js';

describeEachDriver('authority: password, disable and role changes end tokens and sessions', (t) => {
  let built: BuiltApp;
  let admin: CookieClient;
  let grid: string;
  const PASSWORD = 'first-password-123';

  beforeAll(async () => {
    const { db } = t();
    await seedCity(db);
    grid = (await someGrid(db, 1)).code;
    built = await buildTestApp(db);
    admin = await sessionFor(
      built,
      db,
      (await makeUser(db, 'Admin', [{ role: 'admin' }])).userId,
      '10.4.0.1',
    );
  });

  /** A user with a bearer token and a cookie session, both working. */
  async function signedIn(username: string, ip: string) {
    const id = await createTestUser(built, {
      username,
      password: PASSWORD,
      grants: [
        { role: 'grid_worker', areaCode: grid, departmentCode: null },
        { role: 'dispatcher', areaCode: grid, departmentCode: null },
      ],
    });
    const tokenRes = await built.app.inject({
      method: 'POST',
      url: '/api/auth/token',
      remoteAddress: ip,
      payload: { username, password: PASSWORD },
    });
    expect(tokenRes.statusCode).toBe(200);
    const bearer = { authorization: `Bearer ${tokenRes.json().token as string}` };
    const cookie = await new CookieClient(built.app, ip).login(username, PASSWORD);
    const me = () =>
      built.app.inject({ method: 'GET', url: '/api/auth/me', headers: bearer, remoteAddress: ip });
    expect((await me()).statusCode).toBe(200);
    expect((await cookie.request('GET', '/api/auth/me')).statusCode).toBe(200);
    return { id, me, cookie };
  }

  it('a password reset ends the old token and session; a new token works', async () => {
    const u = await signedIn('tok-password', '10.4.0.2');
    const res = await admin.request('PATCH', `/api/admin/users/${u.id}`, { password: 'second-password-456' });
    expect(res.statusCode).toBe(200);
    expect((await u.me()).statusCode).toBe(401);
    expect((await u.cookie.request('GET', '/api/auth/me')).statusCode).toBe(401);
    const fresh = await built.app.inject({
      method: 'POST',
      url: '/api/auth/token',
      remoteAddress: '10.4.0.2',
      payload: { username: 'tok-password', password: 'second-password-456' },
    });
    const again = await built.app.inject({
      method: 'GET',
      url: '/api/auth/me',
      headers: { authorization: `Bearer ${fresh.json().token as string}` },
    });
    expect(again.statusCode).toBe(200);
  });

  it('disabling ends the token and session', async () => {
    const u = await signedIn('tok-disable', '10.4.0.3');
    expect(
      (await admin.request('PATCH', `/api/admin/users/${u.id}`, { status: 'disabled' })).statusCode,
    ).toBe(200);
    expect((await u.me()).statusCode).toBe(401);
    expect((await u.cookie.request('GET', '/api/auth/me')).statusCode).toBe(401);
    // Enabling the account again does not bring the old token back.
    expect((await admin.request('PATCH', `/api/admin/users/${u.id}`, { status: 'active' })).statusCode).toBe(
      200,
    );
    expect((await u.me()).statusCode).toBe(401);
  });

  it('revoking a role ends the token and session', async () => {
    const u = await signedIn('tok-role', '10.4.0.4');
    const user = (await admin.request('GET', `/api/users/${u.id}`)).json() as {
      grants: Array<{ id: number; role: string }>;
    };
    const dispatcher = user.grants.find((g) => g.role === 'dispatcher')!;
    expect(
      (await admin.request('DELETE', `/api/admin/users/${u.id}/grants/${dispatcher.id}`)).statusCode,
    ).toBe(200);
    expect((await u.me()).statusCode).toBe(401);
    expect((await u.cookie.request('GET', '/api/auth/me')).statusCode).toBe(401);
  });
});
