/**
 * Issue 14, "The edge": `trustProxy: true` let anyone set X-Forwarded-For, escape every per-IP
 * throttle and forge the origin in the audit log. Forwarded headers count only from the proxies
 * listed in TRUST_PROXY (default: none, the socket address is the client).
 */
import { beforeAll, expect, it } from 'vitest';
import type { BuiltApp } from '../../src/server/app.js';
import { buildTestApp } from '../support/app.js';
import { seedCity } from '../support/city.js';
import { describeEachDriver } from '../support/db.js';
import { createTestUser } from '../support/identity.js';

const PROXY = '10.9.0.1';
const FORGED = '203.0.113.77';

describeEachDriver('edge: forwarded client addresses only from configured proxies', (t) => {
  let plain: BuiltApp;
  let proxied: BuiltApp;

  beforeAll(async () => {
    const { db } = t();
    await seedCity(db);
    plain = await buildTestApp(db);
    proxied = await buildTestApp(db, { env: { TRUST_PROXY: `${PROXY},192.168.0.0/16` } });
    await createTestUser(plain, { username: 'edge-proxy', password: 'edge-proxy-pass-1', grants: [] });
  });

  /** Signs in through `from` claiming `forwarded`; returns every auth.login origin recorded so far. */
  async function loginOrigins(built: BuiltApp, from: string, forwarded: string): Promise<string[]> {
    const res = await built.app.inject({
      method: 'POST',
      url: '/api/auth/token',
      remoteAddress: from,
      headers: { 'x-forwarded-for': forwarded },
      payload: { username: 'edge-proxy', password: 'edge-proxy-pass-1' },
    });
    expect(res.statusCode).toBe(200);
    const { rows } = await t().db.query<{ origin: string | null }>(
      "SELECT origin FROM audit_entries WHERE action = 'auth.login'",
    );
    return rows.map((r) => r.origin ?? '');
  }

  async function otpKeys(built: BuiltApp, from: string, forwarded: string): Promise<string[]> {
    const res = await built.app.inject({
      method: 'POST',
      url: '/api/auth/otp',
      remoteAddress: from,
      headers: { 'x-forwarded-for': forwarded },
      payload: { phone: '13900139011' },
    });
    expect(res.statusCode).toBeLessThan(300);
    const { rows } = await t().db.query<{ key: string }>(
      "SELECT key FROM auth_throttle WHERE key LIKE 'otp-ip:%' ORDER BY key",
    );
    return rows.map((r) => r.key);
  }

  it('by default a forged X-Forwarded-For changes neither the audit origin nor the throttle key', async () => {
    const origins = await loginOrigins(plain, PROXY, FORGED);
    expect(origins).toContain(PROXY);
    expect(origins).not.toContain(FORGED);
    const keys = await otpKeys(plain, '10.9.0.2', '198.51.100.5');
    expect(keys).toContain('otp-ip:10.9.0.2');
    expect(keys).not.toContain('otp-ip:198.51.100.5');
  });

  it('from a configured proxy the forwarded client is the origin; from elsewhere it is not', async () => {
    expect(await loginOrigins(proxied, PROXY, '203.0.113.1')).toContain('203.0.113.1');
    expect(await loginOrigins(proxied, '192.168.4.4', '198.51.100.9')).toContain('198.51.100.9');
    const untrusted = await loginOrigins(proxied, '10.9.0.3', '203.0.113.3');
    expect(untrusted).toContain('10.9.0.3');
    expect(untrusted).not.toContain('203.0.113.3');
  });
});
