import { describe, expect, it } from 'vitest';
import type { Db } from '../../src/db/db.js';
import { openPostgres } from '../../src/db/postgres-driver.js';
import { systemActor } from '../../src/kernel/actor.js';
import { FixedClock } from '../../src/lib/clock.js';
import { FieldCipher } from '../../src/lib/privacy.js';
import { AuditService } from '../../src/modules/audit/audit.service.js';
import { defaultCalendarSpec } from '../../src/modules/calendar/working-calendar.js';
import { CaseRepository } from '../../src/modules/cases/case.repository.js';
import { CaseIntakeService } from '../../src/modules/cases/case-intake.service.js';
import { CaseSupport } from '../../src/modules/cases/case-support.js';
import { CaseWorkflowService } from '../../src/modules/cases/case-workflow.service.js';
import { DeadlineRepository } from '../../src/modules/cases/deadline.repository.js';
import { DeadlineScheduler, judgeClock } from '../../src/modules/cases/deadline-scheduler.js';
import { LocateService } from '../../src/modules/grid/locate.service.js';
import { NotificationRepository } from '../../src/modules/notifications/notification.repository.js';
import { makeUser, seedCity, someGrid } from '../support/city.js';
import { describeEachDriver, postgresTestDb } from '../support/db.js';

const MINUTE = 60_000;
// Wednesday 16 Sept 2026, 10:00 in Shanghai: an ordinary working morning.
const START = new Date('2026-09-16T02:00:00Z');

function services(db: Db, clock: FixedClock) {
  const support = new CaseSupport({
    db,
    clock,
    cipher: new FieldCipher('k'.repeat(32)),
    locate: new LocateService(db),
    audit: new AuditService(db, clock),
    repo: new CaseRepository(),
    notifications: new NotificationRepository(),
  });
  return {
    support,
    intake: new CaseIntakeService(support),
    workflow: new CaseWorkflowService(support),
    scheduler: new DeadlineScheduler(support),
  };
}

async function report(s: ReturnType<typeof services>, grid: { lng: number; lat: number }, key: string) {
  const { result } = await s.intake.report(systemActor('test-intake'), {
    channel: 'hotline',
    idempotencyKey: key,
    lng: grid.lng,
    lat: grid.lat,
    categoryCode: 'E0102',
    description: `暴露垃圾 ${key}`,
  });
  return result.id;
}

async function escalations(db: Db, caseId?: number): Promise<Array<{ case_id: number; level: number }>> {
  const { rows } = await db.query<{ case_id: number; data: { level: number } }>(
    `SELECT case_id, data FROM case_events WHERE action = 'escalate' ${caseId ? 'AND case_id = $1' : ''} ORDER BY id`,
    caseId ? [caseId] : [],
  );
  return rows.map((r) => ({ case_id: r.case_id, level: r.data.level }));
}

async function inbox(db: Db, userId: number, kind: string): Promise<string[]> {
  const { rows } = await db.query<{ title_en: string }>(
    'SELECT title_en FROM notifications WHERE user_id = $1 AND kind = $2 ORDER BY id',
    [userId, kind],
  );
  return rows.map((r) => r.title_en);
}

describe('judgeClock', () => {
  const spec = defaultCalendarSpec();
  const clock = { clockStartedAt: START, clockDeadline: new Date(START.getTime() + 100 * MINUTE) };
  it('is green below 80 %, yellow from 80 % to the deadline, overdue after it, level 2 at twice the time', () => {
    const at = (m: number) => judgeClock(clock, new Date(START.getTime() + m * MINUTE), spec, 'calendar');
    expect(at(79)).toEqual({ status: 'ok', level: 0 });
    expect(at(80)).toEqual({ status: 'due_soon', level: 0 });
    expect(at(100)).toEqual({ status: 'due_soon', level: 0 });
    expect(at(101)).toEqual({ status: 'overdue', level: 1 });
    expect(at(199)).toEqual({ status: 'overdue', level: 1 });
    expect(at(200)).toEqual({ status: 'overdue', level: 2 });
  });
});

describeEachDriver('deadline scheduler', (t) => {
  it('marks due-soon and overdue, escalates street then district exactly once, and survives restarts', async () => {
    const { db } = t();
    await seedCity(db);
    const grid = await someGrid(db, 5);
    const clock = new FixedClock(START);
    const s = services(db, clock);
    const streetDispatcher = await makeUser(db, 'Street Dispatcher', [
      { role: 'dispatcher', areaCode: grid.street },
    ]);
    const streetSupervisor = await makeUser(db, 'Street Supervisor', [
      { role: 'supervisor', areaCode: grid.street },
    ]);
    const districtSupervisor = await makeUser(db, 'District Supervisor', [
      { role: 'supervisor', areaCode: grid.district },
    ]);
    const id = await report(s, grid, 'sched-one-0001');
    const c0 = (await new CaseRepository().findById(db, id))!;
    expect(c0.clockStage).toBe('file');
    const started = c0.clockStartedAt!.getTime();
    const deadline = c0.clockDeadline!.getTime();
    const allowed = deadline - started; // the file stage fits in one working morning
    expect(allowed).toBeGreaterThan(0);
    expect(allowed).toBeLessThanOrEqual(90 * MINUTE);

    // Green: nothing happens.
    const green = await s.scheduler.runOnce(new Date(started + allowed * 0.5));
    expect(green).toMatchObject({ marked: 0, escalated: 0 });

    // Yellow at 90 %: marked due_soon once, the dispatcher hears of it.
    clock.set(new Date(started + allowed * 0.9));
    expect(await s.scheduler.runOnce(clock.now())).toMatchObject({ marked: 1, escalated: 0 });
    expect((await new CaseRepository().findById(db, id))!.deadlineStatus).toBe('due_soon');
    expect(await s.scheduler.runOnce(clock.now())).toMatchObject({ marked: 0, escalated: 0 });
    expect(await inbox(db, streetDispatcher.userId, 'case.due_soon')).toHaveLength(1);

    // Red: overdue and escalated to the street (level 1) — supervisors and dispatchers there.
    clock.set(new Date(deadline + MINUTE));
    expect(await s.scheduler.runOnce(clock.now())).toMatchObject({ escalated: 1 });
    let c = (await new CaseRepository().findById(db, id))!;
    expect(c).toMatchObject({ deadlineStatus: 'overdue', escalationLevel: 1 });
    expect(await escalations(db, id)).toEqual([{ case_id: id, level: 1 }]);
    expect(await inbox(db, streetSupervisor.userId, 'case.escalate')).toHaveLength(1);
    expect(await inbox(db, streetDispatcher.userId, 'case.escalate')).toHaveLength(1);

    // A restart (a new scheduler instance) at the same moment changes nothing: the state is in the row.
    const restarted = services(db, clock).scheduler;
    expect(await restarted.runOnce(clock.now())).toMatchObject({ marked: 0, escalated: 0 });
    expect(await escalations(db, id)).toHaveLength(1);

    // Overrun by as much again: escalated to the district (level 2), once.
    clock.set(new Date(deadline + allowed + 2 * MINUTE));
    expect(await restarted.runOnce(clock.now())).toMatchObject({ escalated: 1 });
    expect(await s.scheduler.runOnce(clock.now())).toMatchObject({ escalated: 0 });
    c = (await new CaseRepository().findById(db, id))!;
    expect(c.escalationLevel).toBe(2);
    expect(await escalations(db, id)).toEqual([
      { case_id: id, level: 1 },
      { case_id: id, level: 2 },
    ]);
    const districtTitles = await inbox(db, districtSupervisor.userId, 'case.escalate');
    expect(districtTitles.filter((x) => x.includes('district'))).toHaveLength(1);
    expect(
      (await inbox(db, streetSupervisor.userId, 'case.escalate')).some((x) => x.includes('district')),
    ).toBe(false);

    // Audited under the scheduler's name and counted in the rollups like any event.
    const { rows: audit } = await db.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM audit_entries WHERE action = 'case.escalate' AND actor_name = 'deadline-scheduler' AND resource_id = $1`,
      [String(id)],
    );
    expect(audit[0]!.n).toBe(2);
    const { rows: rolled } = await db.query<{ n: number }>(
      `SELECT coalesce(sum(n), 0)::int AS n FROM case_rollup_daily WHERE metric = 'a.escalate' AND grid_code = $1`,
      [grid.code],
    );
    expect(rolled[0]!.n).toBe(2);
    expect(await new DeadlineRepository().overdueByGrid(db, grid.street)).toEqual([
      { gridCode: grid.code, n: 1 },
    ]);

    // Filing stops the clock: the case leaves the overdue count and the scheduler leaves it alone.
    const dispatcher = await makeUser(db, 'Dispatcher', [{ role: 'dispatcher', areaCode: grid.street }]);
    await s.workflow.act(dispatcher, id, 'file', { note: '立案' });
    c = (await new CaseRepository().findById(db, id))!;
    expect(c.deadlineStatus).toBe('ok');
    expect(await new DeadlineRepository().overdueByGrid(db, grid.street)).toEqual([]);
  });

  it('leaves suspended cases alone (their clock is paused)', async () => {
    const { db } = t();
    const grid = await someGrid(db, 6);
    const clock = new FixedClock(START);
    const s = services(db, clock);
    const dispatcher = await makeUser(db, 'Dispatcher', [{ role: 'dispatcher', areaCode: grid.street }]);
    const id = await report(s, grid, 'sched-susp-0001');
    await s.workflow.act(dispatcher, id, 'file', { note: '立案' });
    await s.workflow.act(dispatcher, id, 'suspend', { note: '等待产权单位确认' });
    const c = (await new CaseRepository().findById(db, id))!;
    expect(c.clockDeadline).toBeNull();
    await s.scheduler.runOnce(new Date(START.getTime() + 30 * 86_400_000));
    expect(await escalations(db, id)).toEqual([]);
  });
});

describe.skipIf(!process.env.TEST_DATABASE_URL)('deadline scheduler on two instances [postgres]', () => {
  it('two schedulers on two pools escalate each of 200 overdue cases exactly once per level', async () => {
    const first = await postgresTestDb();
    const second = await openPostgres({
      connectionString: process.env.TEST_DATABASE_URL!,
      schema: `${first.schema},public`,
      max: 8,
    });
    try {
      const db = first.db;
      await seedCity(db);
      const grid = await someGrid(db, 9);
      const clock = new FixedClock(START);
      const a = services(db, clock);
      const b = services(second, clock);
      const streetDispatcher = await makeUser(db, 'Street Dispatcher', [
        { role: 'dispatcher', areaCode: grid.street },
      ]);
      const districtSupervisor = await makeUser(db, 'District Supervisor', [
        { role: 'supervisor', areaCode: grid.district },
      ]);
      const ids: number[] = [];
      for (let i = 0; i < 200; i++) ids.push(await report(a, grid, `race-${String(i).padStart(4, '0')}`));

      // Ten days later every case has overrun twice over: both levels are due at once.
      const later = new Date(START.getTime() + 10 * 86_400_000);
      clock.set(later);
      const [ra, rb] = await Promise.all([a.scheduler.runOnce(later), b.scheduler.runOnce(later)]);
      expect(ra.escalated + rb.escalated).toBe(400);
      // And again, as after a restart of both: nothing more.
      const [ra2, rb2] = await Promise.all([a.scheduler.runOnce(later), b.scheduler.runOnce(later)]);
      expect(ra2.escalated + rb2.escalated + ra2.marked + rb2.marked).toBe(0);

      const all = await escalations(db);
      const perCase = new Map<number, number[]>();
      for (const e of all) perCase.set(e.case_id, [...(perCase.get(e.case_id) ?? []), e.level]);
      expect(perCase.size).toBe(200);
      for (const id of ids) expect(perCase.get(id)).toEqual([1, 2]);
      const { rows } = await db.query<{ n: number; lvl: number }>(
        `SELECT count(*)::int AS n, min(escalation_level)::int AS lvl FROM cases WHERE deadline_status = 'overdue'`,
      );
      expect(rows[0]).toEqual({ n: 200, lvl: 2 });
      expect(await inbox(db, streetDispatcher.userId, 'case.escalate')).toHaveLength(200);
      const district = await inbox(db, districtSupervisor.userId, 'case.escalate');
      expect(district.filter((x) => x.includes('district'))).toHaveLength(200);
      const { rows: rolled } = await db.query<{ n: number }>(
        `SELECT coalesce(sum(n), 0)::int AS n FROM case_rollup_daily WHERE metric = 'a.escalate'`,
      );
      expect(rolled[0]!.n).toBe(400);
      expect(await new DeadlineRepository().overdueByGrid(db, grid.street)).toEqual([
        { gridCode: grid.code, n: 200 },
      ]);
    } finally {
      await second.close();
      await first.dispose();
    }
  }, 120_000);
});
