/**
 * Issue 14, "Reads of the outbox, of audit entries and CLI exports are audited too; config changes
 * record their origin": every audit record carries where the act came from — the client address
 * of the request (req.ip, never a forged X-Forwarded-For), `cli` for a command, `system` for
 * schedulers — without each caller passing it; reading the audit trail writes `audit.read`; the
 * CLI exports write `area.export` / `indicator.export` with origin `cli` before the data leaves.
 */
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { exportAreas } from '../../src/cli/commands/areas.command.js';
import { exportIndicators } from '../../src/cli/commands/indicators.command.js';
import { CLI_ACTOR } from '../../src/kernel/actor.js';
import { FixedClock } from '../../src/lib/clock.js';
import { SCHEDULER_ACTOR } from '../../src/modules/cases/deadline-scheduler.js';
import type { BuiltApp } from '../../src/server/app.js';
import { buildTestApp } from '../support/app.js';
import { makeUser, seedCity, someGrid } from '../support/city.js';
import { describeEachDriver } from '../support/db.js';
import { sessionFor } from '../support/identity.js';

interface Row {
  actor_kind: string;
  actor_id: string | null;
  actor_name: string | null;
  resource_id: string;
  origin: string | null;
  details: Record<string, unknown>;
}

describeEachDriver('audit: origin of every record, audited reads and CLI exports', (t) => {
  const clock = new FixedClock(new Date('2026-12-03T02:00:00Z'));
  let built: BuiltApp;
  let cityAdminId: number;
  let district: string;

  beforeAll(async () => {
    const { db } = t();
    await seedCity(db);
    district = (await someGrid(db, 0)).district;
    cityAdminId = (await makeUser(db, 'CityAdmin', [{ role: 'admin' }])).userId;
    built = await buildTestApp(db, { clock });
  });
  afterAll(async () => {
    await built.app.close();
  });

  async function last(action: string): Promise<Row | undefined> {
    await built.services.audit.flush();
    const { rows } = await t().db.query<Row>(
      `SELECT actor_kind, actor_id, actor_name, resource_id, origin, details FROM audit_log
        WHERE action = $1 ORDER BY seq DESC LIMIT 1`,
      [action],
    );
    return rows[0];
  }

  it('records the client address of a settings change over HTTP, not a forged X-Forwarded-For', async () => {
    const admin = await sessionFor(built, t().db, cityAdminId, '10.14.0.7');
    const res = await admin.request(
      'PUT',
      '/api/admin/calendar/exceptions/2027-01-01',
      { kind: 'holiday', label: 'New Year' },
      { headers: { 'x-forwarded-for': '203.0.113.99' } },
    );
    expect(res.statusCode).toBe(204);
    const row = await last('calendar.exception_set');
    expect(row).toMatchObject({ actor_kind: 'user', actor_id: String(cityAdminId), origin: '10.14.0.7' });
  });

  it('records `cli` for the same kind of change made by a CLI command', async () => {
    await built.services.calendar.importExceptions(
      CLI_ACTOR,
      [{ date: '2027-01-02', kind: 'holiday', label: 'New Year' }],
      'holidays-2027.json',
    );
    expect(await last('calendar.import')).toMatchObject({
      actor_kind: 'system',
      actor_name: 'cli',
      origin: 'cli',
    });
  });

  it('records `system` for schedulers', async () => {
    expect(SCHEDULER_ACTOR.origin).toBe('system');
    await t().db.transaction((tx) =>
      built.services.audit.record(tx, {
        actor: SCHEDULER_ACTOR,
        action: 'test.scheduler',
        resourceType: 'probe',
        resourceId: '1',
      }),
    );
    expect((await last('test.scheduler'))?.origin).toBe('system');
  });

  it('audits each read of the audit trail with who, from where, the filter and the count shown', async () => {
    const admin = await sessionFor(built, t().db, cityAdminId, '10.14.0.8');
    const res = await admin.request('GET', '/api/audit?action=calendar.import&limit=5');
    expect(res.statusCode).toBe(200);
    const shown = (res.json().items as unknown[]).length;
    expect(shown).toBeGreaterThan(0);
    const row = await last('audit.read');
    expect(row).toMatchObject({ actor_kind: 'user', actor_id: String(cityAdminId), origin: '10.14.0.8' });
    expect(row?.details).toMatchObject({ filter: { action: 'calendar.import', limit: 5 }, shown });
    // A refused read (anonymous) leaves no record and reads nothing.
    const before = await t().db.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM audit_entries WHERE action = 'audit.read'`,
    );
    expect((await built.app.inject({ method: 'GET', url: '/api/audit' })).statusCode).toBe(401);
    const after = await t().db.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM audit_entries WHERE action = 'audit.read'`,
    );
    expect(after.rows[0]?.n).toBe(before.rows[0]?.n);
  });

  it('audits the CLI areas export (origin cli) before writing the file', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'cg-export-'));
    const file = path.join(dir, 'areas.geojson');
    await exportAreas(built.services, { within: district, output: file });
    const features = (JSON.parse(readFileSync(file, 'utf8')) as { features: unknown[] }).features.length;
    expect(features).toBeGreaterThan(0);
    const row = await last('area.export');
    expect(row).toMatchObject({ actor_name: 'cli', origin: 'cli', resource_id: district });
    expect(row?.details).toEqual({ features, to: 'areas.geojson' });
  });

  it('audits the CLI indicators export (origin cli) before writing the file', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'cg-export-'));
    const file = path.join(dir, 'kpi.csv');
    await exportIndicators(built.services, {
      within: district,
      from: '2026-11-01',
      to: '2026-11-30',
      format: 'csv',
      out: file,
    });
    expect(readFileSync(file, 'utf8').length).toBeGreaterThan(0);
    const row = await last('indicator.export');
    expect(row).toMatchObject({ actor_name: 'cli', origin: 'cli', resource_id: district });
    expect(row?.details).toMatchObject({
      from: '2026-11-01',
      to: '2026-11-30',
      format: 'csv',
      file: 'kpi.csv',
    });
  });
});
