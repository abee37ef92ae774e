/**
 * Issue 14, "The edge": a NUL byte (`q=%00`, `"\u0000"` in JSON) gave a 500 and a database stack
 * trace in the log. Control characters are refused at the schema boundary with 400 and nothing is
 * written; a path that does not percent-decode answers 404, not 500; a phone typed into an unknown
 * URL is not echoed back in the error.
 */
import { beforeAll, expect, it } from 'vitest';
import type { BuiltApp } from '../../src/server/app.js';
import { buildTestApp } from '../support/app.js';
import { makeUser, seedCity, someGrid } from '../support/city.js';
import { describeEachDriver } from '../support/db.js';
import { type CookieClient, sessionFor } from '../support/identity.js';

describeEachDriver('edge: control characters and broken paths are client errors', (t) => {
  let built: BuiltApp;
  let admin: CookieClient;
  let grid: Awaited<ReturnType<typeof someGrid>>;

  beforeAll(async () => {
    const { db } = t();
    await seedCity(db);
    grid = await someGrid(db, 3);
    built = await buildTestApp(db);
    const a = await makeUser(db, 'CtrlAdmin', [{ role: 'admin', areaCode: grid.district }]);
    admin = await sessionFor(built, db, a.userId, '10.7.0.2');
  });

  const caseCount = async () =>
    Number((await t().db.query<{ n: string }>('SELECT count(*)::text AS n FROM cases')).rows[0]?.n);

  const report = (description: string, extra: Record<string, unknown> = {}) =>
    built.app.inject({
      method: 'POST',
      url: '/api/cases',
      remoteAddress: '10.7.0.1',
      payload: {
        channel: 'resident',
        idempotencyKey: `ctrl-${Math.random()}`,
        location: { lng: grid.lng, lat: grid.lat },
        categoryCode: 'E0102',
        description,
        ...extra,
      },
    });

  it('refuses a NUL in a JSON body with 400 and writes nothing', async () => {
    const before = await caseCount();
    for (const bad of ['井盖丢了\u0000', 'a\u0007b', '\u001b[31m红色', 'x\u0085y']) {
      const res = await report(bad);
      expect(res.statusCode, bad).toBe(400);
      expect(res.json()).toMatchObject({ code: 'VALIDATION_FAILED', field: 'body/description' });
    }
    const nulKey = await report('井盖丢了', { address: { '\u0000': 1 } });
    expect(nulKey.statusCode).toBe(400);
    expect(await caseCount()).toBe(before);
  });

  it('keeps line breaks and tabs in multi-line text', async () => {
    const res = await report('井盖丢了\n第二行\r\n\t缩进');
    expect(res.statusCode, res.body).toBe(201);
  });

  it('refuses control characters in query and path with 400', async () => {
    const q = await admin.request('GET', '/api/cases?q=%00');
    expect(q.statusCode).toBe(400);
    expect(q.json()).toMatchObject({ code: 'VALIDATION_FAILED' });
    const p = await admin.request('GET', '/api/registry/people/1%00');
    expect(p.statusCode).toBe(400);
  });

  it('answers 4xx (not 500) for paths that do not percent-decode', async () => {
    // Too long for the route's parameter, so it reaches the web app's fallback, whose decoded
    // path ("%%%…") does not decode a second time: that was the fuzz run's 500.
    const long = await admin.request('GET', `/api/registry/people/${'a'.repeat(600)}%25k`);
    expect(long.statusCode, long.body).toBe(404);
    expect(long.json()).toMatchObject({ code: 'ROUTE_NOT_FOUND' });
    const broken = await admin.request('GET', '/api/registry/people/%E0%A4%A');
    expect(broken.statusCode).toBe(400);
  });

  it('does not echo a phone number typed into an unknown URL', async () => {
    const res = await admin.request('GET', '/api/no-such-thing/13800138000');
    expect(res.statusCode).toBe(404);
    expect(res.body).not.toContain('13800138000');
  });
});
