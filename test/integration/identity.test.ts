import { beforeAll, expect, it } from 'vitest';
import { type InArea, inScope, Policy, scopeSql } from '../../src/kernel/policy.js';
import { FixedClock } from '../../src/lib/clock.js';
import { buildTestApp } from '../support/app.js';
import { describeEachDriver } from '../support/db.js';
import {
  buildWatchedApp,
  CookieClient,
  createTestUser,
  piiLeaks,
  type ScopeFixture,
  scopeBranches,
  seedTestCity,
  sessionFor,
  type WatchedApp,
} from '../support/identity.js';
import { CapturingSender } from '../support/messages.js';

const PASSWORD = 'correct horse battery';
const probePolicy = new Policy<InArea>('probe').allow(
  ['grid_worker', 'supervisor', 'admin'],
  ['read'],
  inScope,
);

describeEachDriver('identity: sign-in, sessions, scope and reveal', (t) => {
  let w: WatchedApp;
  let clock: FixedClock;
  let A: ScopeFixture;
  let B: ScopeFixture;
  const ids: Record<string, number> = {};
  // Sign-in codes as the resident's phone receives them (the outbox hides codes outside development).
  const sms = new CapturingSender();

  beforeAll(async () => {
    clock = new FixedClock(new Date('2026-03-02T09:00:00+08:00'));
    const { codes } = await seedTestCity(t().db);
    ({ A, B } = scopeBranches(codes));
    // A test-only area resource: the pattern every module follows (scope in the WHERE clause).
    await t().db.exec('CREATE TABLE probe_items (id serial PRIMARY KEY, area_code text NOT NULL)');
    await t().db.query('INSERT INTO probe_items (area_code) VALUES ($1), ($2)', [A.grid, B.grid]);
    w = await buildWatchedApp(t().db, {
      clock,
      sender: sms,
      beforeReady: (b) => {
        b.app.get(
          '/test/probe/:id',
          { config: { access: { policy: probePolicy, action: 'read' } } },
          async (req, reply) => {
            const params: unknown[] = [Number((req.params as { id: string }).id)];
            const where = scopeSql(probePolicy.scopeFor(req.actor, 'read'), 'area_code', params);
            const { rows } = await t().db.query(
              `SELECT id, area_code FROM probe_items WHERE id = $1 AND ${where}`,
              params,
            );
            return rows[0] ?? reply.status(404).send({ code: 'NOT_FOUND', message: 'not found' });
          },
        );
      },
    });
    ids.admin = await createTestUser(w, {
      username: 'admin',
      password: PASSWORD,
      grants: [{ role: 'admin', areaCode: null, departmentCode: null }],
    });
    ids.sup = await createTestUser(w, {
      username: 'sup-a',
      password: PASSWORD,
      grants: [{ role: 'supervisor', areaCode: A.district, departmentCode: null }],
    });
    ids.gwA = await createTestUser(w, {
      username: 'gw-a',
      password: PASSWORD,
      phone: '13812345678',
      grants: [{ role: 'grid_worker', areaCode: A.grid, departmentCode: null }],
    });
    ids.gwB = await createTestUser(w, {
      username: 'gw-b',
      password: PASSWORD,
      phone: '13987654321',
      grants: [{ role: 'grid_worker', areaCode: B.grid, departmentCode: null }],
    });
  });

  it('stores argon2id hashes and signs in with httpOnly SameSite=Lax cookies', async () => {
    const { rows } = await t().db.query<{ password_hash: string; phone_enc: string }>(
      "SELECT password_hash, phone_enc FROM users WHERE username = 'gw-a'",
    );
    expect(rows[0]?.password_hash.startsWith('$argon2id$')).toBe(true);
    expect(rows[0]?.phone_enc).not.toContain('13812345678');
    const c = new CookieClient(w.app, '10.1.0.1');
    const res = await c.request('POST', '/api/auth/login', { username: 'gw-a', password: PASSWORD });
    expect(res.statusCode).toBe(200);
    const session = res.cookies.find((k) => k.name === 'cg_session')!;
    expect(session.httpOnly).toBe(true);
    expect(session.sameSite).toBe('Lax');
    expect(res.cookies.find((k) => k.name === 'cg_csrf')?.httpOnly).toBeFalsy();
    const me = await c.request('GET', '/api/auth/me');
    expect(me.statusCode).toBe(200);
    expect(me.json()).toMatchObject({
      username: 'gw-a',
      phone: '138****5678',
      grants: [{ role: 'grid_worker', areaCode: A.grid }],
    });
    // X-Forwarded-Proto counts only from a proxy listed in TRUST_PROXY (issue 14, the edge).
    const viaHttps = (app: typeof w.app) =>
      app.inject({
        method: 'POST',
        url: '/api/auth/login',
        headers: { 'x-forwarded-proto': 'https' },
        payload: { username: 'gw-a', password: PASSWORD },
        remoteAddress: '10.1.0.1',
      });
    const untrusted = await viaHttps(w.app);
    expect(untrusted.cookies.find((k) => k.name === 'cg_session')?.secure).toBeFalsy();
    const proxied = await buildTestApp(t().db, { clock, env: { TRUST_PROXY: '10.1.0.0/16' } });
    try {
      const https = await viaHttps(proxied.app);
      expect(https.cookies.find((k) => k.name === 'cg_session')?.secure).toBe(true);
    } finally {
      await proxied.app.close();
    }
  });

  it('answers unknown users and wrong passwords the same way', async () => {
    const c = new CookieClient(w.app, '10.1.0.2');
    const wrong = await c.request('POST', '/api/auth/login', { username: 'gw-b', password: 'nope-nope' });
    const unknown = await c.request('POST', '/api/auth/login', {
      username: 'nobody-here',
      password: 'nope-nope',
    });
    expect(wrong.statusCode).toBe(401);
    expect(unknown.statusCode).toBe(401);
    expect(unknown.body).toBe(wrong.body);
    // Clear gw-b's failure so later tests start clean.
    await c.request('POST', '/api/auth/login', { username: 'gw-b', password: PASSWORD });
  });

  it('locks an account after 5 failures (429 + Retry-After, audited) and unlocks after 15 minutes', async () => {
    await createTestUser(w, { username: 'victim', password: PASSWORD, grants: [] });
    const c = new CookieClient(w.app, '10.1.0.3');
    for (let i = 0; i < 5; i++) {
      expect(
        (await c.request('POST', '/api/auth/login', { username: 'victim', password: `wrong-${i}` }))
          .statusCode,
      ).toBe(401);
    }
    const locked = await c.request('POST', '/api/auth/login', { username: 'victim', password: PASSWORD });
    expect(locked.statusCode).toBe(429);
    expect(locked.json()).toMatchObject({ code: 'AUTH_TOO_MANY_ATTEMPTS' });
    expect(Number(locked.headers['retry-after'])).toBeGreaterThan(0);
    // An unknown name gets the same 429 after as many failures.
    for (let i = 0; i < 5; i++)
      await c.request('POST', '/api/auth/login', { username: 'ghost', password: `wrong-${i}` });
    const ghost = await c.request('POST', '/api/auth/login', { username: 'ghost', password: PASSWORD });
    expect(ghost.statusCode).toBe(429);
    expect(ghost.json().code).toBe(locked.json().code);
    const { rows } = await t().db.query("SELECT 1 FROM audit_entries WHERE action = 'auth.lockout'");
    expect(rows.length).toBe(1);
    clock.advance(15 * 60_000 + 1000);
    expect(
      (await c.request('POST', '/api/auth/login', { username: 'victim', password: PASSWORD })).statusCode,
    ).toBe(200);
  });

  it('throttles failures per address across usernames (429)', async () => {
    const c = new CookieClient(w.app, '10.1.0.4');
    for (let i = 0; i < 20; i++) {
      expect(
        (await c.request('POST', '/api/auth/login', { username: `spray-${i}`, password: 'x-wrong' }))
          .statusCode,
      ).toBe(401);
    }
    const res = await c.request('POST', '/api/auth/login', { username: 'gw-a', password: PASSWORD });
    expect(res.statusCode).toBe(429);
    expect(res.headers['retry-after']).toBeDefined();
    clock.advance(15 * 60_000 + 1000);
  });

  it('refuses cookie-authenticated unsafe requests without the CSRF header', async () => {
    const c = await new CookieClient(w.app, '10.1.0.5').login('sup-a', PASSWORD);
    const noHeader = await c.request('POST', '/api/auth/logout', undefined, { csrf: false });
    expect(noHeader.statusCode).toBe(403);
    expect(noHeader.json()).toMatchObject({ code: 'AUTH_CSRF_FAILED' });
    const badHeader = await c.request('POST', '/api/auth/logout', undefined, {
      csrf: false,
      headers: { 'x-csrf-token': 'forged-token-value' },
    });
    expect(badHeader.statusCode).toBe(403);
    expect((await c.request('GET', '/api/auth/me')).statusCode).toBe(200);
    expect((await c.request('POST', '/api/auth/logout')).statusCode).toBe(204);
    expect((await c.request('GET', '/api/auth/me')).statusCode).toBe(401);
  });

  it('issues 15-minute bearer tokens that need no CSRF token', async () => {
    const res = await w.app.inject({
      method: 'POST',
      url: '/api/auth/token',
      payload: { username: 'admin', password: PASSWORD },
      remoteAddress: '10.1.0.6',
    });
    expect(res.statusCode).toBe(200);
    const { token, expiresAt } = res.json() as { token: string; expiresAt: string };
    expect(new Date(expiresAt).getTime() - clock.now().getTime()).toBeLessThanOrEqual(15 * 60_000);
    const auth = { authorization: `Bearer ${token}` };
    expect((await w.app.inject({ method: 'GET', url: '/api/auth/me', headers: auth })).json()).toMatchObject({
      username: 'admin',
    });
    const created = await w.app.inject({
      method: 'POST',
      url: '/api/admin/users',
      headers: auth,
      payload: { username: 'made-by-bearer', displayName: 'Made', password: PASSWORD },
    });
    expect(created.statusCode).toBe(201);
    const bad = await w.app.inject({
      method: 'GET',
      url: '/api/auth/me',
      headers: { authorization: `Bearer ${token}x` },
    });
    expect(bad.statusCode).toBe(401);
    clock.advance(16 * 60_000);
    const expired = await w.app.inject({ method: 'GET', url: '/api/auth/me', headers: auth });
    expect(expired.statusCode).toBe(401);
    expect(expired.json()).toMatchObject({ code: 'AUTH_TOKEN_INVALID' });
  });

  it('signs residents in with a one-time code sent to their phone', async () => {
    const phone = '13700001111';
    const resident = new CookieClient(w.app, '10.1.0.7');
    expect((await resident.request('POST', '/api/auth/otp', { phone })).statusCode).toBe(202);
    expect((await resident.request('POST', '/api/auth/otp', { phone })).statusCode).toBe(429);
    const code = sms.lastCode(phone);
    expect(sms.sent.at(-1)!.body).toContain(code);
    const wrong = code === '000000' ? '000001' : '000000';
    expect((await resident.request('POST', '/api/auth/otp/verify', { phone, code: wrong })).statusCode).toBe(
      401,
    );
    const ok = await resident.request('POST', '/api/auth/otp/verify', { phone, code });
    expect(ok.statusCode).toBe(200);
    expect(ok.json()).toMatchObject({ user: { phone: '137****1111', grants: [{ role: 'resident' }] } });
    expect((await resident.request('GET', '/api/me/grants')).json()).toMatchObject({
      items: [{ role: 'resident' }],
    });
    // Single use.
    const again = new CookieClient(w.app, '10.1.0.8');
    expect((await again.request('POST', '/api/auth/otp/verify', { phone, code })).statusCode).toBe(401);
    // Outbox is admin-only.
    expect((await resident.request('GET', '/api/admin/outbox')).statusCode).toBe(403);
  });

  it('expires codes after 5 minutes and kills them after 5 wrong guesses', async () => {
    const phone = '13700002222';
    const c = new CookieClient(w.app, '10.1.0.9');
    const readCode = async () => sms.lastCode(phone);
    await c.request('POST', '/api/auth/otp', { phone });
    const first = await readCode();
    clock.advance(5 * 60_000 + 1000);
    expect((await c.request('POST', '/api/auth/otp/verify', { phone, code: first })).statusCode).toBe(401);
    await c.request('POST', '/api/auth/otp', { phone });
    const second = await readCode();
    for (let i = 0; i < 5; i++) {
      const guess = String((Number(second) + 1 + i) % 1_000_000).padStart(6, '0');
      await c.request('POST', '/api/auth/otp/verify', { phone, code: guess });
    }
    expect((await c.request('POST', '/api/auth/otp/verify', { phone, code: second })).statusCode).toBe(401);
  });

  it('hides other areas: a grid worker of grid A gets 404 for a resource of grid B', async () => {
    const gw = await sessionFor(w, t().db, ids.gwA!);
    const { rows } = await t().db.query<{ id: number; area_code: string }>(
      'SELECT id, area_code FROM probe_items ORDER BY id',
    );
    const inA = rows.find((r) => r.area_code === A.grid)!;
    const inB = rows.find((r) => r.area_code === B.grid)!;
    expect((await gw.request('GET', `/test/probe/${inA.id}`)).statusCode).toBe(200);
    expect((await gw.request('GET', `/test/probe/${inB.id}`)).statusCode).toBe(404);
    const sup = await sessionFor(w, t().db, ids.sup!);
    expect((await sup.request('GET', `/api/users/${ids.gwA}`)).statusCode).toBe(200);
    const other = await sup.request('GET', `/api/users/${ids.gwB}`);
    expect(other.statusCode).toBe(404);
    expect(other.body).not.toContain('gw-b');
    const list = (await sup.request('GET', '/api/users')).json() as { items: Array<{ username: string }> };
    expect(list.items.map((u) => u.username)).toContain('gw-a');
    expect(list.items.map((u) => u.username)).not.toContain('gw-b');
  });

  it('reveals a phone once with a purpose, audited; 404 outside scope; 400 without purpose', async () => {
    const sup = await sessionFor(w, t().db, ids.sup!);
    const shown = await sup.request('GET', `/api/users/${ids.gwA}`);
    expect(shown.json()).toMatchObject({ phone: '138****5678' });
    expect((await sup.request('POST', `/api/users/${ids.gwA}/reveal`, { field: 'phone' })).statusCode).toBe(
      400,
    );
    const purpose = 'Call about an overdue case in grid A';
    const res = await sup.request('POST', `/api/users/${ids.gwA}/reveal`, { field: 'phone', purpose });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({ phone: '13812345678' });
    const out = await sup.request('POST', `/api/users/${ids.gwB}/reveal`, { field: 'phone', purpose });
    expect(out.statusCode).toBe(404);
    const { rows } = await t().db.query<{ actor_id: string; purpose: string; area_code: string }>(
      "SELECT actor_id, purpose, area_code FROM audit_entries WHERE action = 'user.reveal'",
    );
    expect(rows).toEqual([{ actor_id: String(ids.sup), purpose, area_code: A.grid }]);
    const gw = await sessionFor(w, t().db, ids.gwA!);
    expect(
      (await gw.request('POST', `/api/users/${ids.gwA}/reveal`, { field: 'phone', purpose })).statusCode,
    ).toBe(403);
  });

  it('applies grant changes on the next request and audits them', async () => {
    const admin = await sessionFor(w, t().db, ids.admin!);
    const created = await admin.request('POST', '/api/admin/users', {
      username: 'temp-sup',
      displayName: 'Temp',
      password: PASSWORD,
      grants: [{ role: 'supervisor', areaCode: B.district }],
    });
    expect(created.statusCode).toBe(201);
    const user = created.json() as { id: number; grants: Array<{ id: number }> };
    const temp = await sessionFor(w, t().db, user.id);
    expect((await temp.request('GET', `/api/users/${ids.gwB}`)).statusCode).toBe(200);
    const grantId = user.grants[0]!.id;
    expect((await admin.request('DELETE', `/api/admin/users/${user.id}/grants/${grantId}`)).statusCode).toBe(
      200,
    );
    // A revoked role ends the user's sessions and tokens (issue 14): they sign in again and
    // hold only what is left.
    expect((await temp.request('GET', `/api/users/${ids.gwB}`)).statusCode).toBe(401);
    const again = await sessionFor(w, t().db, user.id);
    expect((await again.request('GET', `/api/users/${ids.gwB}`)).statusCode).toBe(403);
    const added = await admin.request('POST', `/api/admin/users/${user.id}/grants`, {
      role: 'dept_handler',
      departmentCode: 'test_water',
    });
    expect(added.statusCode).toBe(201);
    const invalid = await admin.request('POST', `/api/admin/users/${user.id}/grants`, {
      role: 'dept_handler',
    });
    expect(invalid.json()).toMatchObject({ code: 'GRANT_INVALID' });
    expect((await again.request('GET', '/api/me/grants')).json()).toMatchObject({
      items: [{ role: 'dept_handler', departmentCode: 'test_water' }],
    });
    const disabled = await admin.request('PATCH', `/api/admin/users/${user.id}`, { status: 'disabled' });
    expect(disabled.statusCode).toBe(200);
    expect((await again.request('GET', '/api/auth/me')).statusCode).toBe(401);
    await w.services.audit.flush(); // chain order = order of the acts
    const { rows } = await t().db.query<{ action: string }>(
      'SELECT action FROM audit_log WHERE resource_id = $1 ORDER BY seq',
      [String(user.id)],
    );
    expect(rows.map((r) => r.action)).toEqual([
      'user.create',
      'grant.add',
      'grant.revoke',
      'grant.add',
      'user.disable',
    ]);
  });

  it('shows supervisors only the audit records of their areas', async () => {
    const sup = await sessionFor(w, t().db, ids.sup!);
    const res = await sup.request('GET', '/api/audit?limit=500');
    expect(res.statusCode).toBe(200);
    const items = (res.json() as { items: Array<{ areaCode: string | null }> }).items;
    expect(items.length).toBeGreaterThan(0);
    expect(items.every((i) => i.areaCode?.startsWith(A.district))).toBe(true);
    const admin = await sessionFor(w, t().db, ids.admin!);
    const all = (await admin.request('GET', '/api/audit?limit=500')).json() as { total: number };
    expect(all.total).toBeGreaterThan(items.length);
    const gw = await sessionFor(w, t().db, ids.gwA!);
    expect((await gw.request('GET', '/api/audit')).statusCode).toBe(403);
    expect((await w.app.inject({ method: 'GET', url: '/api/audit' })).statusCode).toBe(401);
  });

  it('sent no unmasked phone or ID number outside audited reveals', () => {
    expect(w.responses.length).toBeGreaterThan(30);
    expect(w.responses.some((r) => r.revealsPii && r.body.includes('13812345678'))).toBe(true);
    expect(piiLeaks(w.responses)).toEqual([]);
  });
});
