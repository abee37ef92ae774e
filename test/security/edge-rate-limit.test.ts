/**
 * Issue 14, "The edge": anonymous reports had no limit — one address could file thousands of
 * cases. Anonymous intake is limited per client address (ANON_REPORT_LIMIT per 10 min, default 60)
 * and per reporter phone (ANON_REPORT_PHONE_LIMIT per hour, default 10), counted in the database;
 * 429 ANON_REPORT_LIMIT with Retry-After. Signed-in traffic from the same address goes on.
 */
import { beforeAll, expect, it } from 'vitest';
import type { BuiltApp } from '../../src/server/app.js';
import { buildTestApp } from '../support/app.js';
import { makeUser, seedCity, someGrid } from '../support/city.js';
import { describeEachDriver } from '../support/db.js';
import { type CookieClient, sessionFor } from '../support/identity.js';

const ADDRESS = '198.51.100.7';
const PHONE = '13800138123';

describeEachDriver('edge: anonymous intake rate limit', (t) => {
  let built: BuiltApp;
  let grid: { lng: number; lat: number };
  let resident: CookieClient;
  let n = 0;

  beforeAll(async () => {
    const { db } = t();
    await seedCity(db);
    grid = await someGrid(db, 4);
    built = await buildTestApp(db);
    const r = await makeUser(db, 'Resident', [{ role: 'resident' }]);
    resident = await sessionFor(built, db, r.userId, ADDRESS);
  });

  const body = (phone?: string) => ({
    channel: 'resident',
    idempotencyKey: `edge-rate-${++n}`,
    location: { lng: grid.lng, lat: grid.lat },
    description: '路灯不亮',
    ...(phone ? { reporter: { phone } } : {}),
  });
  const anonReport = (ip: string, phone?: string, locale = 'en') =>
    built.app.inject({
      method: 'POST',
      url: '/api/cases',
      remoteAddress: ip,
      headers: { 'accept-language': locale },
      payload: body(phone),
    });

  it('100 anonymous reports from one address: 60 accepted, the rest 429 with Retry-After', async () => {
    const statuses: number[] = [];
    let last: Awaited<ReturnType<typeof anonReport>> | undefined;
    for (let i = 0; i < 100; i++) {
      last = await anonReport(ADDRESS);
      statuses.push(last.statusCode);
    }
    expect(statuses.filter((s) => s === 201)).toHaveLength(60);
    expect(statuses.slice(60).every((s) => s === 429)).toBe(true);
    expect(last!.json().code).toBe('ANON_REPORT_LIMIT');
    const retry = Number(last!.headers['retry-after']);
    expect(retry).toBeGreaterThan(0);
    expect(retry).toBeLessThanOrEqual(600);
    const zh = await anonReport(ADDRESS, undefined, 'zh-CN');
    expect(zh.statusCode).toBe(429);
    expect(zh.json().message).toMatch(/匿名上报过于频繁/);
    // Another address is not affected.
    expect((await anonReport('198.51.100.8')).statusCode).toBe(201);
  });

  it('signed-in traffic from the same address is not limited by it', async () => {
    for (let i = 0; i < 5; i++) {
      const res = await resident.request('POST', '/api/cases', body());
      expect(res.statusCode, res.body).toBe(201);
    }
  });

  it('one phone over many addresses: 10 per hour, and the phone is never in a throttle key', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 12; i++) statuses.push((await anonReport(`203.0.113.${i + 1}`, PHONE)).statusCode);
    expect(statuses.slice(0, 10).every((s) => s === 201)).toBe(true);
    expect(statuses.slice(10)).toEqual([429, 429]);
    const { rows } = await t().db.query<{ key: string }>('SELECT key FROM auth_throttle');
    expect(rows.some((r) => r.key.startsWith('report-phone:'))).toBe(true);
    expect(rows.filter((r) => r.key.includes(PHONE))).toEqual([]);
  });
});
