import { expect, it } from 'vitest';
import type { Db } from '../../src/db/db.js';
import type { Actor } from '../../src/kernel/actor.js';
import { systemActor } from '../../src/kernel/actor.js';
import { FixedClock } from '../../src/lib/clock.js';
import { localDay } from '../../src/modules/cases/case-rollup.js';
import { OPEN_STATES } from '../../src/modules/dashboard/dashboard.repository.js';
import type { DashboardSummary } from '../../src/modules/dashboard/dashboard.service.js';
import { DashboardService } from '../../src/modules/dashboard/dashboard.service.js';
import { dayBefore } from '../../src/modules/dashboard/street-rollup.js';
import { buildTestApp } from '../support/app.js';
import { makeUser, seedCity, someGrid } from '../support/city.js';
import { describeEachDriver } from '../support/db.js';

/** The summary as the dashboard computed it before the street level: straight from case_rollup_daily and cases. */
async function recountSummary(db: Db, now: Date, prefix: string): Promise<DashboardSummary> {
  const today = localDay(now);
  const from = dayBefore(today, 29);
  const like = `${prefix}%`;
  const trend = (
    await db.query<{ day: string; reported: number; closed: number }>(
      `SELECT day::text AS day,
              coalesce(sum(n) FILTER (WHERE metric = 'a.report'), 0)::int AS reported,
              coalesce(sum(n) FILTER (WHERE metric = 'a.verify_pass'), 0)::int AS closed
         FROM case_rollup_daily WHERE day >= $1::date AND grid_code LIKE $2 GROUP BY day ORDER BY day`,
      [from, like],
    )
  ).rows;
  const totals = new Map(
    (
      await db.query<{ metric: string; n: number }>(
        `SELECT metric, sum(n)::int AS n FROM case_rollup_daily
          WHERE day >= $1::date AND grid_code LIKE $2 GROUP BY metric`,
        [from, like],
      )
    ).rows.map((r) => [r.metric, r.n]),
  );
  const counts = (
    await db.query<{ open: number; overdue: number; due_soon: number }>(
      `SELECT count(*)::int AS open, count(*) FILTER (WHERE deadline_status = 'overdue')::int AS overdue,
              count(*) FILTER (WHERE deadline_status = 'due_soon')::int AS due_soon
         FROM cases WHERE state = ANY($1) AND grid_code LIKE $2`,
      [OPEN_STATES, like],
    )
  ).rows[0]!;
  const top = (
    await db.query<{ code: string; n: number }>(
      `SELECT coalesce(category_code, '-') AS code, count(*)::int AS n FROM cases
        WHERE state = ANY($1) AND grid_code LIKE $2 GROUP BY 1 ORDER BY 2 DESC, 1 LIMIT 8`,
      [OPEN_STATES, like],
    )
  ).rows;
  const t = (m: string) => totals.get(m) ?? 0;
  const ratio = (num: number, den: number) => (den > 0 ? num / den : null);
  const evaluated = t('e.satisfied') + t('e.basically_satisfied') + t('e.dissatisfied');
  const todayRow = trend.find((d) => d.day === today);
  return {
    today,
    reportedToday: todayRow?.reported ?? 0,
    closedToday: todayRow?.closed ?? 0,
    open: counts.open,
    overdue: counts.overdue,
    dueSoon: counts.due_soon,
    rates: {
      onTimeClosure: ratio(t('s.verify.on_time'), t('s.verify')),
      satisfaction: ratio(t('e.satisfied') + 0.9 * t('e.basically_satisfied'), evaluated),
      onTimeDispatch: ratio(t('s.dispatch.on_time'), t('s.dispatch')),
    },
    trend,
    topCategories: top,
  };
}

/** Sealed days, and street rows that differ from a recount of case_rollup_daily on those days. */
async function streetLevel(db: Db): Promise<{ sealed: string[]; differences: unknown[] }> {
  const sealed = (
    await db.query<{ day: string }>('SELECT day::text AS day FROM dashboard_rollup_days ORDER BY day')
  ).rows.map((r) => r.day);
  const { rows } = await db.query(
    `WITH recount AS (
       SELECT day, substr(grid_code, 1, 9) AS street_code, metric, sum(n)::bigint AS n FROM case_rollup_daily
        WHERE day IN (SELECT day FROM dashboard_rollup_days) GROUP BY 1, 2, 3
     ), stored AS (SELECT day, street_code, metric, n FROM dashboard_rollup_street)
     (SELECT 'missing' AS kind, * FROM (SELECT * FROM recount EXCEPT ALL SELECT * FROM stored) a)
     UNION ALL
     (SELECT 'extra', * FROM (SELECT * FROM stored EXCEPT ALL SELECT * FROM recount) b)`,
  );
  return { sealed, differences: rows };
}

describeEachDriver('dashboard street-level rollup', (t) => {
  it('equals a recount from case_rollup_daily and cases across day boundaries, scopes and a rollup recount', async () => {
    const { db } = t();
    await seedCity(db);
    const grid = await someGrid(db, 3);
    const far = await someGrid(db, 1500);
    // Monday 2 March 2026, 23:40 in Shanghai (UTC+8): twenty minutes before a local midnight.
    const clock = new FixedClock(new Date('2026-03-02T15:40:00Z'));
    const built = await buildTestApp(db, { clock });
    const { cases, indicators } = built.services;
    const dashboard = new DashboardService({ db, clock, tileUrl: '' });
    const resident = await makeUser(db, 'Resident', [{ role: 'resident' }]);
    const dispatcher = await makeUser(db, 'Dispatcher', [{ role: 'dispatcher', areaCode: grid.district }]);
    const farDispatcher = await makeUser(db, 'FarDispatcher', [
      { role: 'dispatcher', areaCode: far.district },
    ]);
    const handler = await makeUser(db, 'Handler', [{ role: 'dept_handler', departmentCode: 'sanitation' }]);
    const supervisor = await makeUser(db, 'Supervisor', [{ role: 'supervisor', areaCode: grid.street }]);
    const community = await makeUser(db, 'Community', [{ role: 'supervisor', areaCode: grid.community }]);
    const admin = systemActor('test');

    let keys = 0;
    const report = async (where: { lng: number; lat: number }, categoryCode = 'E0102') =>
      (
        await cases.intake.report(resident, {
          channel: 'resident',
          idempotencyKey: `dash-key-${String(++keys).padStart(4, '0')}`,
          lng: where.lng,
          lat: where.lat,
          categoryCode,
          description: '垃圾没人清理',
        })
      ).result.id;
    const closeLoop = async (id: number, by = dispatcher) => {
      await cases.workflow.act(by, id, 'file', {});
      await cases.workflow.act(by, id, 'dispatch', {});
      await cases.workflow.act(handler, id, 'accept', {});
      await cases.workflow.act(handler, id, 'report_back', { note: '已清理' });
      await cases.workflow.act(supervisor, id, 'verify_pass', {});
    };

    // What every view must show: the same figures as a recount, whatever is sealed.
    const views: Array<{ actor: Actor; within: string | null; prefix: string }> = [
      { actor: admin, within: null, prefix: '' },
      { actor: admin, within: grid.district, prefix: grid.district },
      { actor: dispatcher, within: null, prefix: grid.district },
      { actor: supervisor, within: null, prefix: grid.street },
      { actor: admin, within: grid.community, prefix: grid.community }, // finer than a street: grid level
      { actor: community, within: null, prefix: grid.community },
      { actor: farDispatcher, within: null, prefix: far.district },
    ];
    const expectRecount = async () => {
      for (const v of views) {
        const got = await dashboard.summary(v.actor, v.within);
        expect(got, `${v.prefix || 'city'} as ${v.actor.kind}`).toEqual(
          await recountSummary(db, clock.now(), v.prefix),
        );
      }
      const level = await streetLevel(db);
      expect(level.differences).toEqual([]);
      return level;
    };

    // Day D = 2 March: two reports here, one far away; one closed loop; one evaluation.
    const a = await report(grid);
    const b = await report(grid);
    await report(grid, 'E0101');
    const c = await report(far);
    await closeLoop(a);
    await cases.workflow.act(resident, a, 'evaluate', { result: 'basically_satisfied' });
    await cases.workflow.act(farDispatcher, c, 'file', {});
    expect((await dashboard.summary(admin, null)).trend).toEqual([
      { day: '2026-03-02', reported: 4, closed: 1 },
    ]);
    expect((await expectRecount()).sealed).toEqual([]);

    // 00:10 on D+1: the events land on the new day; D is yesterday, still read live.
    clock.advance(30 * 60_000);
    const d = await report(grid);
    await closeLoop(b);
    await cases.workflow.act(resident, b, 'evaluate', { result: 'dissatisfied' });
    const summaryD1 = await dashboard.summary(admin, null);
    expect(summaryD1.today).toBe('2026-03-03');
    expect(summaryD1.trend).toEqual([
      { day: '2026-03-02', reported: 4, closed: 1 },
      { day: '2026-03-03', reported: 1, closed: 1 },
    ]);
    expect((await expectRecount()).sealed).toEqual([]);

    // 23:59 on D+1: D ended less than a full day ago, still live.
    clock.set(new Date('2026-03-03T15:59:00Z'));
    expect((await expectRecount()).sealed).toEqual([]);

    // 00:01 on D+2: D is sealed by the first read; D+1 and D+2 are live.
    clock.set(new Date('2026-03-03T16:01:00Z'));
    await report(far);
    await closeLoop(d);
    expect((await expectRecount()).sealed).toEqual(['2026-03-02']);

    // 12:00 on D+4: D+1 and D+2 are sealed too; D+3 had no events and is not sealed (nothing to copy).
    clock.set(new Date('2026-03-06T04:00:00Z'));
    await report(grid);
    expect((await expectRecount()).sealed).toEqual(['2026-03-02', '2026-03-03', '2026-03-04']);

    // Someone deletes rollup rows of a sealed day: every sealed day is forgotten in that
    // transaction and sealed again from the rows as they are now.
    await db.query(`DELETE FROM case_rollup_daily WHERE day = '2026-03-02' AND metric = 'a.report'`);
    expect((await streetLevel(db)).sealed).toEqual([]);
    expect((await expectRecount()).sealed).toEqual(['2026-03-02', '2026-03-03', '2026-03-04']);
    expect((await dashboard.summary(admin, null)).trend[0]).toEqual({
      day: '2026-03-02',
      reported: 0,
      closed: 1,
    });

    // The indicators recount rewrites the rollups from the event log: the dashboard follows.
    const recount = await indicators.recount(admin, { apply: true });
    expect(recount.applied).toBe(true);
    expect((await expectRecount()).sealed).toEqual(['2026-03-02', '2026-03-03', '2026-03-04']);
    expect((await dashboard.summary(admin, null)).trend[0]).toEqual({
      day: '2026-03-02',
      reported: 4,
      closed: 1,
    });

    // Several nodes sealing at once (two services over one database) copy each day once.
    clock.set(new Date('2026-03-08T04:00:00Z'));
    const other = new DashboardService({ db, clock, tileUrl: '' });
    const [s1, s2] = await Promise.all([dashboard.summary(admin, null), other.summary(admin, null)]);
    expect(s1).toEqual(s2);
    // The deadline scheduler marks the cases left open days ago overdue (events on today's rows).
    const marked = await cases.deadlines.runOnce(clock.now());
    expect(marked.marked + marked.escalated).toBeGreaterThan(0);
    expect((await dashboard.summary(admin, null)).overdue).toBeGreaterThan(0);
    expect((await expectRecount()).sealed).toEqual(['2026-03-02', '2026-03-03', '2026-03-04', '2026-03-06']);

    // The map at district and grid level equals a count over cases.
    for (const level of ['district', 'grid'] as const) {
      const len = level === 'district' ? 6 : 15;
      const { rows } = await db.query<{ code: string; open: number; overdue: number; due_soon: number }>(
        `SELECT substr(grid_code, 1, $1) AS code, count(*)::int AS open,
                count(*) FILTER (WHERE deadline_status = 'overdue')::int AS overdue,
                count(*) FILTER (WHERE deadline_status = 'due_soon')::int AS due_soon
           FROM cases WHERE state = ANY($2) GROUP BY 1 ORDER BY 1`,
        [len, OPEN_STATES],
      );
      expect(await dashboard.map(admin, level, null)).toEqual(
        rows.map((r) => ({ code: r.code, open: r.open, overdue: r.overdue, dueSoon: r.due_soon })),
      );
    }
  });

  it('spells OPEN_STATES in the predicates of the partial indexes of migration 0009', async () => {
    const { db } = t();
    const { rows } = await db.query<{ indexdef: string }>(
      `SELECT indexdef FROM pg_indexes WHERE schemaname = current_schema() AND indexname IN ('cases_open_late', 'cases_open_category')`,
    );
    expect(rows).toHaveLength(2);
    // The predicate must spell OPEN_STATES, or the dashboard's queries stop matching it.
    for (const r of rows) for (const s of OPEN_STATES) expect(r.indexdef).toContain(`'${s}'`);
  });
});
