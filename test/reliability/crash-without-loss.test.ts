/**
 * Crash without loss: the real server (child process, PostgreSQL) takes 1,000 reports with
 * idempotency keys from 20 concurrent clients, is killed with SIGKILL partway, restarted, and the
 * client resends every report whose answer it did not see. Exactly 1,000 cases must exist — none
 * lost, none doubled (cases, events, keys, rollups, state counts) — and the audit chain verifies.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { systemClock } from '../../src/lib/clock.js';
import { AuditService } from '../../src/modules/audit/audit.service.js';
import { seedCity } from '../support/city.js';
import { createPgSchema, type PgSchema, type ServerProcess, startServer } from '../support/server-process.js';

const PG_URL = process.env.TEST_DATABASE_URL;
// 1,000 anonymous reports come from one address (this machine): durability, not the anonymous
// intake limit, is under test here (test/security/edge-rate-limit covers the limit).
const NO_ANON_LIMIT = { ANON_REPORT_LIMIT: '0', ANON_REPORT_PHONE_LIMIT: '0' };
const REPORTS = 1_000;
const CONCURRENCY = 20;
/** The server is killed once this many answers have been seen. */
const KILL_AFTER = 300;

interface Point {
  lng: number;
  lat: number;
}

function reportBody(i: number, run: string, points: Point[]): string {
  const p = points[i % points.length]!;
  return JSON.stringify({
    channel: 'resident',
    idempotencyKey: `crash-${run}-${i}`,
    location: { lng: p.lng, lat: p.lat },
    description: `crash test report ${i}: street lamp ${i % 7} is broken`,
  });
}

type Outcome = { status: number; id: number; replayed: boolean } | { error: string };

async function send(baseUrl: string, body: string, timeoutMs = 15_000): Promise<Outcome> {
  try {
    const res = await fetch(`${baseUrl}/api/cases`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body,
      signal: AbortSignal.timeout(timeoutMs),
    });
    const json = (await res.json()) as { id?: number };
    return {
      status: res.status,
      id: typeof json.id === 'number' ? json.id : -1,
      replayed: res.headers.get('idempotent-replay') === 'true',
    };
  } catch (err) {
    return { error: (err as Error).message };
  }
}

describe.skipIf(!PG_URL)('crash without loss [postgres, child process]', () => {
  let pgs: PgSchema;
  let server: ServerProcess | undefined;
  let points: Point[];

  beforeAll(async () => {
    pgs = await createPgSchema(PG_URL!, 'cg_crash');
    await seedCity(pgs.db);
    const { rows } = await pgs.db.query<{ center_lng: number; center_lat: number }>(
      `SELECT center_lng, center_lat FROM areas WHERE level = 'grid' AND valid_to IS NULL ORDER BY code LIMIT 50`,
    );
    points = rows.map((r) => ({ lng: r.center_lng, lat: r.center_lat }));
  });

  afterAll(async () => {
    await server?.kill9();
    await pgs?.dispose();
  });

  it('kill -9 partway, restart, resend the unanswered: exactly 1,000 cases, chain verifies', async () => {
    const run = Date.now().toString(36);
    const answered = new Map<number, number>(); // report index → case id
    const statuses = new Map<number, number>();
    server = await startServer({ databaseUrl: pgs.url, env: NO_ANON_LIMIT });

    // Phase 1: 20 clients pull from one queue; the server dies under them.
    let next = 0;
    let killed: Promise<void> | undefined;
    const phase1Errors: string[] = [];
    const client = async (baseUrl: string) => {
      for (;;) {
        const i = next++;
        if (i >= REPORTS) return;
        // Every 20th client gives up after 5 ms: the server usually commits, the answer is never seen.
        const r = await send(baseUrl, reportBody(i, run, points), i % 20 === 7 ? 5 : 15_000);
        if ('error' in r) {
          phase1Errors.push(r.error);
          continue;
        }
        expect([201, 503], `report ${i} → ${r.status}`).toContain(r.status);
        if (r.status === 201) {
          answered.set(i, r.id);
          statuses.set(r.status, (statuses.get(r.status) ?? 0) + 1);
        }
        // The crash comes at a moment unrelated to any answer (0–30 ms later), mid-transaction for some.
        if (answered.size >= KILL_AFTER && !killed) {
          const victim = server!;
          killed = new Promise((res) => setTimeout(res, Math.random() * 30)).then(() => victim.kill9());
        }
      }
    };
    const base1 = server.baseUrl;
    await Promise.all(Array.from({ length: CONCURRENCY }, () => client(base1)));
    await killed;
    expect(killed, 'the server was killed partway').toBeDefined();
    expect(answered.size).toBeGreaterThanOrEqual(KILL_AFTER);
    expect(answered.size, 'some reports were not answered before the crash').toBeLessThan(REPORTS);
    const seenBeforeCrash = answered.size;

    // Phase 2: restart on the same database and resend every report without a seen answer.
    server = await startServer({ databaseUrl: pgs.url, env: NO_ANON_LIMIT });
    const missing = Array.from({ length: REPORTS }, (_, i) => i).filter((i) => !answered.has(i));
    let replays = 0;
    let fresh = 0;
    const deadline = Date.now() + 60_000;
    let k = 0;
    const resender = async (baseUrl: string) => {
      for (;;) {
        const idx = k++;
        if (idx >= missing.length) return;
        const i = missing[idx]!;
        for (;;) {
          const r = await send(baseUrl, reportBody(i, run, points));
          if (!('error' in r) && r.status === 201) {
            answered.set(i, r.id);
            // A replay answers 201 like the first time; the header tells it apart.
            if (r.replayed) replays++;
            else fresh++;
            break;
          }
          if (!('error' in r) && r.status !== 503) throw new Error(`report ${i} → ${r.status} after restart`);
          if (Date.now() > deadline) throw new Error(`report ${i} still failing after restart`);
          await new Promise((res) => setTimeout(res, 100));
        }
      }
    };
    const base2 = server.baseUrl;
    await Promise.all(Array.from({ length: CONCURRENCY }, () => resender(base2)));

    // Every report has exactly one case; every derived table agrees.
    expect(answered.size).toBe(REPORTS);
    expect(replays + fresh).toBe(missing.length);
    expect(new Set(answered.values()).size, 'distinct case ids in the answers').toBe(REPORTS);
    const one = async (sql: string): Promise<number> => (await pgs.db.query<{ n: number }>(sql)).rows[0]!.n;
    expect(await one('SELECT count(*)::int AS n FROM cases')).toBe(REPORTS);
    expect(await one(`SELECT count(DISTINCT description)::int AS n FROM cases`)).toBe(REPORTS);
    expect(await one(`SELECT count(*)::int AS n FROM case_events WHERE action = 'report'`)).toBe(REPORTS);
    expect(await one('SELECT count(*)::int AS n FROM idempotency_keys')).toBe(REPORTS);
    expect(await one('SELECT count(*)::int AS n FROM case_reporters')).toBe(REPORTS);
    expect(await one('SELECT coalesce(sum(n), 0)::int AS n FROM case_state_counts')).toBe(REPORTS);
    expect(
      await one(`SELECT coalesce(sum(n), 0)::int AS n FROM case_rollup_daily WHERE metric = 'a.report'`),
    ).toBe(REPORTS);
    expect(await one(`SELECT count(*)::int AS n FROM audit_entries WHERE action = 'case.report'`)).toBe(
      REPORTS,
    );
    const ids = await pgs.db.query<{ id: number }>('SELECT id FROM cases');
    expect(new Set(ids.rows.map((r) => r.id))).toEqual(new Set(answered.values()));

    const verify = await new AuditService(pgs.db, systemClock).verify();
    expect(verify).toMatchObject({ ok: true });
    console.log(
      `[crash] answered before kill -9: ${seenBeforeCrash}, connection errors: ${phase1Errors.length}, ` +
        `resent: ${missing.length} (${replays} replayed: committed before the crash or after the client gave up; ${fresh} new)`,
    );
    await server.stop();
    server = undefined;
  }, 180_000);
});
