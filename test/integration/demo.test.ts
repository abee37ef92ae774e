import { expect, it } from 'vitest';
import { silentProgress } from '../../src/kernel/progress.js';
import { FixedClock } from '../../src/lib/clock.js';
import { metricsOfEvent } from '../../src/modules/cases/case-rollup.js';
import { CASE_STATES } from '../../src/modules/cases/case-transitions.table.js';
import { isDemoSeeded, seedDemoCity } from '../../src/modules/demo/index.js';
import { describeEachDriver } from '../support/db.js';

describeEachDriver('demo city', (t) => {
  it('is created once, believable and internally consistent', async () => {
    const { db } = t();
    expect(await isDemoSeeded(db)).toBe(false);
    const summary = await seedDemoCity(db, {
      seed: 2026,
      clock: new FixedClock(new Date('2026-11-30T02:00:00Z')),
      progress: silentProgress,
      dataKey: 'd'.repeat(40),
    });
    expect(summary).toMatch(/grids/);
    expect(await isDemoSeeded(db)).toBe(true);

    const { rows: levels } = await db.query<{ level: string; n: number }>(
      'SELECT level, count(*)::int AS n FROM areas WHERE valid_to IS NULL GROUP BY level',
    );
    const by = Object.fromEntries(levels.map((r) => [r.level, r.n]));
    expect(by.city).toBe(1);
    expect(by.district).toBeGreaterThanOrEqual(4);
    expect(by.district).toBeLessThanOrEqual(6);
    expect(by.grid).toBeGreaterThan(1800);
    expect(by.grid).toBeLessThan(2200);

    const { rows: cases } = await db.query<{ n: number; states: string[]; first: Date; last: Date }>(
      'SELECT count(*)::int AS n, array_agg(DISTINCT state) AS states, min(reported_at) AS first, max(reported_at) AS last FROM cases',
    );
    expect(cases[0]!.n).toBeGreaterThanOrEqual(2000);
    for (const s of cases[0]!.states) expect(CASE_STATES).toContain(s);
    expect(cases[0]!.last.getTime() - cases[0]!.first.getTime()).toBeGreaterThan(300 * 86_400_000);
    // Seeded through intake's column list: every case has its redacted search copy at once.
    const { rows: unredacted } = await db.query<{ n: number }>(
      'SELECT count(*)::int AS n FROM cases WHERE redaction_version IS NULL OR description_redacted IS NULL',
    );
    expect(unredacted[0]!.n).toBe(0);
    const { rows: depts } = await db.query<{ n: number }>('SELECT count(*)::int AS n FROM departments');
    expect(depts[0]!.n).toBeGreaterThanOrEqual(8);

    // Demo grid workers staff their grids.
    const { rows: staffed } = await db.query<{ n: number }>(
      "SELECT count(DISTINCT grid_code)::int AS n FROM grid_members WHERE role = 'worker'",
    );
    expect(staffed[0]!.n).toBe(by.grid);

    // Every case lies in the grid it names.
    const { rows: outside } = await db.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM cases c JOIN areas a ON a.id = c.area_id
       WHERE c.grid_code <> a.code OR c.lng NOT BETWEEN a.min_lng AND a.max_lng OR c.lat NOT BETWEEN a.min_lat AND a.max_lat`,
    );
    expect(outside[0]!.n).toBe(0);

    // Rollups equal a recount of the event log.
    const { rows: events } = await db.query<{
      action: string;
      stage_done: string | null;
      on_time: boolean | null;
      data: Record<string, unknown>;
    }>('SELECT action, stage_done, on_time, data FROM case_events');
    const recount = new Map<string, number>();
    for (const e of events) {
      for (const m of metricsOfEvent({
        action: e.action,
        stageDone: e.stage_done,
        onTime: e.on_time,
        data: e.data,
      })) {
        recount.set(m, (recount.get(m) ?? 0) + 1);
      }
    }
    const { rows: roll } = await db.query<{ metric: string; n: number }>(
      'SELECT metric, sum(n)::int AS n FROM case_rollup_daily GROUP BY metric',
    );
    expect(Object.fromEntries(roll.map((r) => [r.metric, r.n]))).toEqual(Object.fromEntries(recount));
  });
});
