/**
 * Issue 14, "dispatchers can bulk-report cases anywhere in the city": a bulk report (channel
 * 'bulk', dispatchers and supervisors) is accepted only inside the reporter's areas, like every
 * other dispatcher action; outside them it is refused and nothing is written.
 */
import { beforeAll, expect, it } from 'vitest';
import type { BuiltApp } from '../../src/server/app.js';
import { buildTestApp } from '../support/app.js';
import { makeUser, seedCity, someGrid } from '../support/city.js';
import { describeEachDriver } from '../support/db.js';
import { type CookieClient, sessionFor } from '../support/identity.js';

describeEachDriver('authority: bulk reports only inside the reporter’s areas', (t) => {
  let built: BuiltApp;
  let dispatcher: CookieClient;
  let inside: { lng: number; lat: number };
  let outside: { lng: number; lat: number };

  beforeAll(async () => {
    const { db } = t();
    await seedCity(db);
    const a = await someGrid(db, 0);
    const { rows } = await db.query<{ center_lng: number; center_lat: number }>(
      `SELECT center_lng, center_lat FROM areas WHERE level = 'grid' AND valid_to IS NULL AND code NOT LIKE $1
       ORDER BY code LIMIT 1`,
      [`${a.district}%`],
    );
    inside = { lng: a.lng, lat: a.lat };
    outside = { lng: rows[0]!.center_lng, lat: rows[0]!.center_lat };
    built = await buildTestApp(db);
    const d = await makeUser(db, 'Dispatcher', [{ role: 'dispatcher', areaCode: a.district }]);
    dispatcher = await sessionFor(built, db, d.userId, '10.5.0.1');
  });

  const report = (key: string, location: { lng: number; lat: number }) =>
    dispatcher.request('POST', '/api/cases', {
      channel: 'bulk',
      idempotencyKey: key,
      location,
      categoryCode: 'E0102',
      description: '批量录入：垃圾满溢',
    });

  it('refuses a bulk report in another district and writes no case', async () => {
    const { rows: before } = await t().db.query<{ n: number }>('SELECT count(*)::int AS n FROM cases');
    const res = await report('bulk-outside-1', outside);
    expect(res.statusCode, res.body).toBe(403);
    const { rows: after } = await t().db.query<{ n: number }>('SELECT count(*)::int AS n FROM cases');
    expect(after[0]!.n).toBe(before[0]!.n);
  });

  it('accepts a bulk report inside the district', async () => {
    const res = await report('bulk-inside-1', inside);
    expect(res.statusCode, res.body).toBe(201);
  });
});
