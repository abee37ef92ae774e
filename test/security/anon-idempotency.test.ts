/**
 * Issue 14, "The edge": every anonymous report shared one idempotency scope ('anon'), so two
 * residents who chose the same key collided (the second got the first one's case or a 409), and a
 * replay answered 200. Anonymous keys are now scoped per client (its address plus the upload key
 * of its photos when it sends one) and a replay answers 201 with the first body.
 */
import { beforeAll, expect, it } from 'vitest';
import type { BuiltApp } from '../../src/server/app.js';
import { buildTestApp } from '../support/app.js';
import { seedCity, someGrid } from '../support/city.js';
import { describeEachDriver } from '../support/db.js';

describeEachDriver('edge: anonymous idempotency per client', (t) => {
  let built: BuiltApp;
  let grid: { lng: number; lat: number };

  beforeAll(async () => {
    const { db } = t();
    await seedCity(db);
    grid = await someGrid(db, 4);
    built = await buildTestApp(db);
  });

  const report = (ip: string, key: string, description: string) =>
    built.app.inject({
      method: 'POST',
      url: '/api/cases',
      remoteAddress: ip,
      payload: {
        channel: 'resident',
        idempotencyKey: key,
        location: { lng: grid.lng, lat: grid.lat },
        description,
      },
    });

  it('two clients choosing the same key get two cases', async () => {
    const a = await report('198.51.100.21', 'same-key-0001', '路灯不亮');
    const b = await report('198.51.100.22', 'same-key-0001', '井盖丢失');
    expect(a.statusCode, a.body).toBe(201);
    expect(b.statusCode, b.body).toBe(201);
    expect(b.json().publicCode).not.toBe(a.json().publicCode);
    const { rows } = await t().db.query<{ n: number }>(
      "SELECT count(*)::int AS n FROM idempotency_keys WHERE key = 'same-key-0001'",
    );
    expect(rows[0]!.n).toBe(2);
  });

  it('the same client retrying gets one case, and the replay answers 201 with the same body', async () => {
    const first = await report('198.51.100.23', 'retry-key-0001', '垃圾满溢');
    const again = await report('198.51.100.23', 'retry-key-0001', '垃圾满溢');
    expect(first.statusCode, first.body).toBe(201);
    expect(again.statusCode, again.body).toBe(201);
    expect(again.headers['idempotent-replay']).toBe('true');
    expect(again.json()).toEqual(first.json());
  });

  it('the scope stored holds no client address', async () => {
    const { rows } = await t().db.query<{ scope: string }>(
      "SELECT scope FROM idempotency_keys WHERE key IN ('same-key-0001', 'retry-key-0001')",
    );
    expect(rows.length).toBe(3);
    for (const r of rows) expect(r.scope).not.toMatch(/198\.51/);
  });
});
