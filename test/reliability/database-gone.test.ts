/**
 * The database goes away and comes back (PostgreSQL). The app talks to PostgreSQL through a
 * loopback proxy the test can cut: backends are also terminated with pg_terminate_backend by
 * application_name. While the database is gone every request is 503 + Retry-After (never 500),
 * nothing is half-written (each case complete with event, audit record, key; the chain verifies),
 * and the server recovers by itself — pool and the LISTEN connection — when the database is back.
 * (PGlite closed → 503 is covered in test/integration/http.test.ts.)
 */
import { randomBytes } from 'node:crypto';
import type { LightMyRequestResponse } from 'fastify';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Db } from '../../src/db/db.js';
import { openPostgres } from '../../src/db/postgres-driver.js';
import { systemClock } from '../../src/lib/clock.js';
import { AuditService } from '../../src/modules/audit/audit.service.js';
import type { StreamSink } from '../../src/modules/notifications/case-event-hub.js';
import type { BuiltApp } from '../../src/server/app.js';
import { buildTestApp } from '../support/app.js';
import { seedCity } from '../support/city.js';
import { createPgSchema, type PgSchema } from '../support/server-process.js';
import { startTcpProxy, type TcpProxy } from '../support/tcp-proxy.js';

const PG_URL = process.env.TEST_DATABASE_URL;

/** What must not change while requests fail, and must stay consistent when they succeed. */
async function snapshot(db: Db): Promise<Record<string, unknown>> {
  // Audit records are chained after their commit (in batches): chain what is pending first.
  await new AuditService(db, systemClock).flush();
  const { rows } = await db.query<Record<string, unknown>>(
    `SELECT (SELECT count(*) FROM cases)::int AS cases,
            (SELECT count(*) FROM case_events)::int AS events,
            (SELECT count(*) FROM idempotency_keys)::int AS keys,
            (SELECT count(*) FROM case_reporters)::int AS reporters,
            (SELECT count(*) FROM audit_log)::int AS audit,
            (SELECT coalesce(sum(n), 0) FROM case_rollup_daily)::int AS rollup,
            (SELECT coalesce(sum(n), 0) FROM case_state_counts)::int AS states,
            (SELECT seq || ':' || hash FROM audit_head) AS head`,
  );
  return rows[0]!;
}

/** Every case is whole: its report event, audit record, idempotency key, reporter, counters. */
async function expectWhole(db: Db): Promise<void> {
  const s = await snapshot(db);
  expect(s.events).toBe(s.cases);
  expect(s.keys).toBe(s.cases);
  expect(s.reporters).toBe(s.cases);
  expect(s.states).toBe(s.cases);
  expect(s.rollup).toBe(s.cases);
  const { rows } = await db.query<{ n: number }>(
    `SELECT count(*)::int AS n FROM cases c
      WHERE NOT EXISTS (SELECT 1 FROM audit_log a WHERE a.resource_type = 'case' AND a.resource_id = c.id::text)`,
  );
  expect(rows[0]!.n, 'cases without an audit record').toBe(0);
  expect(await new AuditService(db, systemClock).verify()).toMatchObject({ ok: true });
}

function expectUnavailable(res: LightMyRequestResponse, what: string): void {
  expect(res.statusCode, `${what}: ${res.body.slice(0, 200)}`).toBe(503);
  expect(res.headers['retry-after'], what).toBeTruthy();
  expect(res.json()).toMatchObject({ code: 'DB_UNAVAILABLE', message: expect.any(String) });
}

describe.skipIf(!PG_URL)('a database that goes away [postgres]', () => {
  let pgs: PgSchema;
  let proxy: TcpProxy;
  let appDb: Db;
  let built: BuiltApp;
  let appName: string;
  let point: { lng: number; lat: number };
  let n = 0;
  const frames: string[] = [];

  const report = (key = `gone-${n++}-${randomBytes(3).toString('hex')}`) =>
    built.app.inject({
      method: 'POST',
      url: '/api/cases',
      payload: {
        channel: 'resident',
        idempotencyKey: key,
        location: point,
        description: `database-gone report ${key}`,
      },
    });

  const terminateBackends = async (): Promise<number> => {
    const c = new pg.Client({ connectionString: PG_URL });
    await c.connect();
    const { rowCount } = await c.query(
      'SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = $1',
      [appName],
    );
    await c.end();
    return rowCount ?? 0;
  };

  beforeAll(async () => {
    pgs = await createPgSchema(PG_URL!, 'cg_gone');
    await seedCity(pgs.db);
    const { rows } = await pgs.db.query<{ center_lng: number; center_lat: number }>(
      `SELECT center_lng, center_lat FROM areas WHERE level = 'grid' AND valid_to IS NULL ORDER BY code LIMIT 1`,
    );
    point = { lng: rows[0]!.center_lng, lat: rows[0]!.center_lat };
    const target = new URL(PG_URL!);
    proxy = await startTcpProxy({ host: target.hostname, port: Number(target.port || 5432) });
    appName = `cg_gone_${randomBytes(4).toString('hex')}`;
    const via = new URL(PG_URL!);
    via.hostname = '127.0.0.1';
    via.port = String(proxy.port);
    via.searchParams.set('application_name', appName);
    appDb = await openPostgres({ connectionString: via.toString(), schema: `${pgs.schema},public`, max: 8 });
    // Load from one address: the anonymous intake limit is not under test here (edge-rate-limit).
    built = await buildTestApp(appDb, { env: { ANON_REPORT_LIMIT: '0', ANON_REPORT_PHONE_LIMIT: '0' } });
    // A live-stream subscriber: proves the LISTEN connection comes back after the outage.
    const sink: StreamSink = {
      filter: { all: true, areaPrefixes: [], departments: [] },
      write: (frame) => {
        frames.push(frame);
        return true;
      },
      end: () => undefined,
    };
    await built.services.events.hub.subscribe(sink);
  });

  afterAll(async () => {
    await built?.app.close();
    await appDb?.close().catch(() => undefined);
    await proxy?.close();
    await pgs?.dispose();
  });

  it('works before anything goes wrong', async () => {
    const res = await report();
    expect(res.statusCode, res.body).toBe(201);
    await expect
      .poll(() => frames.some((f) => f.includes(res.json().publicCode)), { timeout: 5_000 })
      .toBe(true);
  });

  it('terminated backends under load: 201 or 503 + Retry-After, never 500; resent 503s complete', async () => {
    const keys = Array.from({ length: 60 }, (_, i) => `term-${i}-${randomBytes(3).toString('hex')}`);
    const killer = (async () => {
      let killed = 0;
      for (let i = 0; i < 5; i++) {
        await new Promise((r) => setTimeout(r, 15));
        killed += await terminateBackends();
      }
      return killed;
    })();
    const results = await Promise.all(keys.map((k) => report(k)));
    const killed = await killer;
    expect(killed, 'backends were terminated').toBeGreaterThan(0);
    for (const r of results) {
      if (r.statusCode !== 201) expectUnavailable(r, 'report while backends are terminated');
    }
    await expectWhole(pgs.db);
    // A client resends the 503s with the same keys: each lands exactly once.
    for (const [i, r] of results.entries()) {
      if (r.statusCode === 201) continue;
      const again = await report(keys[i]);
      expect([200, 201], again.body).toContain(again.statusCode);
    }
    const { rows } = await pgs.db.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM idempotency_keys WHERE key LIKE 'term-%'`,
    );
    expect(rows[0]!.n).toBe(keys.length);
    await expectWhole(pgs.db);
  });

  it('nothing listening: 503 + Retry-After, nothing written; recovers by itself when it is back', async () => {
    const before = await snapshot(pgs.db);
    const acceptedBefore = proxy.accepted;
    await proxy.down();
    const started = Date.now();
    expectUnavailable(await built.app.inject('/readyz'), 'readyz');
    expectUnavailable(await report(), 'report');
    expectUnavailable(await built.app.inject('/api/areas?level=district'), 'areas');
    // An outage longer than one reconnect attempt of the LISTEN connection.
    await new Promise((r) => setTimeout(r, 2_500));
    expectUnavailable(await report(), 'report later in the outage');
    expect(Date.now() - started, 'failures are fast, not hanging').toBeLessThan(20_000);
    expect(await snapshot(pgs.db)).toEqual(before);

    await proxy.up();
    // No restart, no intervention: the next requests work.
    await expect
      .poll(async () => (await built.app.inject('/readyz')).statusCode, { timeout: 10_000, interval: 200 })
      .toBe(200);
    const res = await report();
    expect(res.statusCode, res.body).toBe(201);
    expect(proxy.accepted).toBeGreaterThan(acceptedBefore);
    // …and live updates flow again: the LISTEN connection re-subscribes by itself (events committed
    // before it is back are not pushed; clients resume those with Last-Event-ID).
    await expect
      .poll(
        async () => {
          const again = await report();
          expect(again.statusCode).toBe(201);
          await new Promise((r) => setTimeout(r, 300));
          return frames.some((f) => f.includes(again.json().publicCode as string));
        },
        { timeout: 15_000, interval: 100 },
      )
      .toBe(true);
    await expectWhole(pgs.db);
  }, 60_000);
});
