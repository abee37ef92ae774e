/**
 * Issue 14, "the SMS outbox (live OTP codes of the whole city)": the outbox is read only by
 * city-wide admins (its messages go to phones, not areas: a district admin has no share of
 * it), it shows one-time codes to nobody outside development mode ("code sent" instead), and
 * every read is audited (who, when, which filter).
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { FixedClock } from '../../src/lib/clock.js';
import { FieldCipher } from '../../src/lib/privacy.js';
import { OutboxMessageSender } from '../../src/modules/messaging/outbox.service.js';
import type { BuiltApp } from '../../src/server/app.js';
import { buildTestApp, testConfig } from '../support/app.js';
import { makeUser, seedCity, someGrid } from '../support/city.js';
import { describeEachDriver } from '../support/db.js';
import { CookieClient, sessionFor } from '../support/identity.js';
import { CapturingSender } from '../support/messages.js';

describeEachDriver('authority: the SMS outbox', (t) => {
  const clock = new FixedClock(new Date('2026-12-01T02:00:00Z'));
  const built: Record<'test' | 'development', BuiltApp> = {} as never;
  const senders: Record<'test' | 'development', CapturingSender> = {} as never;
  let cityAdminId: number;
  let districtAdminId: number;

  beforeAll(async () => {
    const { db } = t();
    await seedCity(db);
    const grid = await someGrid(db, 0);
    cityAdminId = (await makeUser(db, 'CityAdmin', [{ role: 'admin' }])).userId;
    districtAdminId = (await makeUser(db, 'DistrictAdmin', [{ role: 'admin', areaCode: grid.district }]))
      .userId;
    for (const mode of ['test', 'development'] as const) {
      const config = testConfig({ NODE_ENV: mode });
      const inner = new OutboxMessageSender(new FieldCipher(config.dataKey), clock, {
        showSecrets: mode === 'development',
      });
      senders[mode] = new CapturingSender(inner);
      built[mode] = await buildTestApp(db, { clock, env: { NODE_ENV: mode }, sender: senders[mode] });
    }
  });
  afterAll(async () => {
    for (const b of Object.values(built)) await b.app.close();
  });

  async function requestCode(b: BuiltApp, phone: string, ip: string): Promise<void> {
    const res = await new CookieClient(b.app, ip).request('POST', '/api/auth/otp', { phone });
    expect(res.statusCode).toBe(202);
  }

  it('shows "code sent", never the code, outside development mode', async () => {
    const phone = '13700005551';
    await requestCode(built.test, phone, '10.6.0.1');
    const code = senders.test.lastCode(phone);
    const admin = await sessionFor(built.test, t().db, cityAdminId, '10.6.0.2');
    const res = await admin.request('GET', '/api/admin/outbox?recipient=137****5551');
    expect(res.statusCode).toBe(200);
    const items = res.json().items as Array<{ body: string }>;
    expect(items.length).toBe(1);
    expect(items[0]!.body).not.toContain(code);
    expect(items[0]!.body).toMatch(/code sent/i);
    // Nor is the code kept in the table for someone who reads the database.
    const { rows } = await t().db.query<{ body: string }>('SELECT body FROM dev_outbox');
    expect(rows.some((r) => r.body.includes(code))).toBe(false);
  });

  it('shows the code in development mode (the README demo)', async () => {
    const phone = '13700005552';
    clock.advance(61_000);
    await requestCode(built.development, phone, '10.6.0.3');
    const code = senders.development.lastCode(phone);
    const admin = await sessionFor(built.development, t().db, cityAdminId, '10.6.0.4');
    const items = (await admin.request('GET', '/api/admin/outbox?recipient=137****5552')).json()
      .items as Array<{
      body: string;
    }>;
    expect(items[0]!.body).toContain(code);
  });

  it('is refused to a district admin (its messages belong to no area)', async () => {
    const admin = await sessionFor(built.development, t().db, districtAdminId, '10.6.0.5');
    expect((await admin.request('GET', '/api/admin/outbox')).statusCode).toBe(403);
  });

  it('audits every read with its filter', async () => {
    const admin = await sessionFor(built.test, t().db, cityAdminId, '10.6.0.6');
    expect((await admin.request('GET', '/api/admin/outbox?recipient=137****5551&limit=7')).statusCode).toBe(
      200,
    );
    await built.test.services.audit.flush();
    const { rows } = await t().db.query<{
      actor_id: string;
      origin: string;
      details: Record<string, unknown>;
    }>(
      `SELECT actor_id, origin, details FROM audit_log WHERE action = 'outbox.read' ORDER BY seq DESC LIMIT 1`,
    );
    expect(rows[0]).toBeDefined();
    expect(rows[0]!.actor_id).toBe(String(cityAdminId));
    expect(rows[0]!.origin).toBe('10.6.0.6');
    expect(rows[0]!.details).toMatchObject({ recipient: '137****5551', limit: 7, offset: 0 });
  });
});
