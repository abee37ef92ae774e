/**
 * Intake writes reports in batches (group commit): many concurrent reports share a transaction,
 * yet each gets its own answer, idempotency holds inside and across batches, one bad report does
 * not fail its neighbours, and the counters equal a recount. Routing in memory (bestRule over the
 * cached rules) picks what the SQL the intake used before picks.
 */
import fc from 'fast-check';
import { expect, it } from 'vitest';
import type { Db } from '../../src/db/db.js';
import { systemActor } from '../../src/kernel/actor.js';
import { systemClock } from '../../src/lib/clock.js';
import { FieldCipher } from '../../src/lib/privacy.js';
import { AuditService } from '../../src/modules/audit/audit.service.js';
import { CaseRepository } from '../../src/modules/cases/case.repository.js';
import { CaseIntakeService } from '../../src/modules/cases/case-intake.service.js';
import { CaseSupport, newPublicCode } from '../../src/modules/cases/case-support.js';
import { LocateService } from '../../src/modules/grid/locate.service.js';
import { NotificationRepository } from '../../src/modules/notifications/notification.repository.js';
import { bestRule, RoutingRepository } from '../../src/modules/routing/routing.repository.js';
import { buildTestApp } from '../support/app.js';
import { makeUser, seedCity, someGrid } from '../support/city.js';
import { describeEachDriver } from '../support/db.js';

/** Every case whole: one report event, one reporter, one key; counters equal a recount. */
async function expectConsistent(db: Db): Promise<void> {
  const { rows } = await db.query<Record<string, number>>(
    `SELECT (SELECT count(*) FROM cases)::int AS cases,
            (SELECT count(*) FROM case_events WHERE action = 'report')::int AS reports,
            (SELECT count(*) FROM case_reporters WHERE original)::int AS reporters,
            (SELECT count(*) FROM idempotency_keys)::int AS keys,
            (SELECT count(*) FROM audit_entries WHERE action = 'case.report')::int AS audited`,
  );
  const s = rows[0]!;
  expect(s.reports).toBe(s.cases);
  expect(s.reporters).toBe(s.cases);
  expect(s.keys).toBe(s.cases);
  expect(s.audited).toBe(s.cases);
  const states = await db.query<{ grid_code: string; state: string; stored: number; counted: number }>(
    `SELECT coalesce(s.grid_code, c.grid_code) AS grid_code, coalesce(s.state, c.state) AS state,
            coalesce(s.n, 0)::int AS stored, coalesce(c.n, 0)::int AS counted
       FROM case_state_counts s
       FULL JOIN (SELECT grid_code, state, count(*) AS n FROM cases GROUP BY 1, 2) c
         ON c.grid_code = s.grid_code AND c.state = s.state
      WHERE coalesce(s.n, 0) <> coalesce(c.n, 0)`,
  );
  expect(states.rows).toEqual([]);
  const rollup = await db.query<{ n: number }>(
    "SELECT coalesce(sum(n), 0)::int AS n FROM case_rollup_daily WHERE metric = 'a.report'",
  );
  expect(rollup.rows[0]!.n).toBe(s.cases);
}

describeEachDriver('intake in batches (group commit)', (t) => {
  it('concurrent reports: batched, each answered, idempotent, isolated from a bad neighbour', async () => {
    const { db } = t();
    await seedCity(db);
    const grid = await someGrid(db, 5);
    const other = await someGrid(db, 40);
    const built = await buildTestApp(db);
    const { intake } = built.services.cases;
    const dispatcher = await makeUser(db, 'Dispatcher', [{ role: 'dispatcher', areaCode: grid.street }]);
    const resident = await makeUser(db, 'Resident', [{ role: 'resident' }]);
    const report = (i: number, extra: Record<string, unknown> = {}) =>
      intake.report(resident, {
        channel: 'resident',
        idempotencyKey: `batch-test-${i}`,
        lng: i % 2 ? grid.lng : other.lng,
        lat: i % 2 ? grid.lat : other.lat,
        categoryCode: 'E0102',
        description: `垃圾满溢 ${i}`,
        ...extra,
      });
    const before = intake.batcher.stats.largest;
    const settled = await Promise.allSettled([
      ...Array.from({ length: 40 }, (_, i) => report(i)),
      // Same key, same content: one case, the other answer is a replay of it.
      report(7),
      // Same key, other content: refused.
      report(8, { description: 'something else' }),
      // A photo that does not exist fails this report only.
      report(99, { photoIds: [987654] }),
    ]);
    expect(intake.batcher.stats.largest, 'reports were written in batches').toBeGreaterThan(
      Math.max(1, before),
    );
    const answers = settled.slice(0, 40).map((s) => {
      if (s.status === 'rejected') throw s.reason;
      return s.value;
    });
    expect(new Set(answers.map((a) => a.result.id)).size).toBe(40);
    // Two concurrent reports with one key (7 and 40): whichever was written first created the case,
    // the other is a replay of it — the same case either way.
    const again = settled[40]!;
    if (again.status === 'rejected') throw again.reason;
    expect(again.value.result.id).toBe(answers[7]!.result.id);
    expect([answers[7]!.replayed, again.value.replayed].sort()).toEqual([false, true]);
    expect(answers.flatMap((a, i) => (a.replayed && i !== 7 ? [i] : []))).toEqual([]);
    expect(settled[41]).toMatchObject({ status: 'rejected', reason: { code: 'IDEMPOTENCY_KEY_REUSED' } });
    expect(settled[42]).toMatchObject({ status: 'rejected', reason: { code: 'UNKNOWN_PHOTO' } });
    // Answers are each report's own: grid, routing and deadline.
    for (const [i, a] of answers.entries()) {
      expect(a.result.gridCode).toBe(i % 2 ? grid.code : other.code);
      expect(a.result.suggestedDepartment).toBe('sanitation');
      expect(a.result.deadline).not.toBeNull();
    }
    // A later report at the same spot is offered the earlier open cases there ("me too").
    const later = await report(1000);
    expect(later.result.possibleDuplicates.length).toBe(5);
    expect(later.result.possibleDuplicates.map((d) => d.id)).not.toContain(later.result.id);
    // The street's dispatcher heard of every report in their street, once each.
    const inbox = await db.query<{ n: number }>(
      "SELECT count(*)::int AS n FROM notifications WHERE user_id = $1 AND kind = 'case.report'",
      [dispatcher.userId],
    );
    const inStreet = answers.filter((a) => a.result.gridCode.startsWith(grid.street)).length + 1;
    expect(inbox.rows[0]!.n).toBe(inStreet);
    await built.services.audit.flush();
    expect(await built.services.audit.verify()).toMatchObject({ ok: true });
    await expectConsistent(db);
    const recount = await built.services.indicators.recount(systemActor('test'), { apply: false });
    expect(recount.differences).toEqual([]);
    await built.app.close();
  });

  it('property: any mix of concurrent reports, repeated keys and bad photos keeps idempotency and the counters', async () => {
    const { db } = t();
    if ((await db.query('SELECT 1 FROM areas LIMIT 1')).rows.length === 0) await seedCity(db);
    const grids = [await someGrid(db, 2), await someGrid(db, 77), await someGrid(db, 300)];
    const built = await buildTestApp(db);
    const { intake } = built.services.cases;
    const resident = await makeUser(db, 'Resident', [{ role: 'resident' }]);
    let run = 0;
    await fc.assert(
      fc.asyncProperty(
        fc.array(
          fc.record({
            key: fc.integer({ min: 0, max: 5 }),
            text: fc.integer({ min: 0, max: 1 }),
            grid: fc.integer({ min: 0, max: 2 }),
            badPhoto: fc.boolean(),
          }),
          { minLength: 1, maxLength: 24 },
        ),
        async (specs) => {
          run += 1;
          const casesBefore = (await db.query<{ n: number }>('SELECT count(*)::int AS n FROM cases')).rows[0]!
            .n;
          const settled = await Promise.allSettled(
            specs.map((sp) =>
              intake.report(resident, {
                channel: 'resident',
                idempotencyKey: `prop-${run}-${sp.key}`,
                lng: grids[sp.grid]!.lng,
                lat: grids[sp.grid]!.lat,
                categoryCode: 'E0102',
                description: `prop ${run} text ${sp.text}`,
                ...(sp.badPhoto ? { photoIds: [900_000 + sp.key] } : {}),
              }),
            ),
          );
          // Per key: at most one case; every success for the key is that case; the winner's twin
          // requests (same content) succeed, different content is refused, bad photos never land.
          const byKey = new Map<number, number>();
          for (const [i, r] of settled.entries()) {
            const sp = specs[i]!;
            if (r.status === 'rejected') {
              const code = (r.reason as { code?: string }).code;
              expect(['IDEMPOTENCY_KEY_REUSED', 'UNKNOWN_PHOTO'], String(r.reason)).toContain(code);
              continue;
            }
            expect(sp.badPhoto, 'a report with an unknown photo was accepted').toBe(false);
            const id = r.value.result.id;
            expect(byKey.get(sp.key) ?? id).toBe(id);
            byKey.set(sp.key, id);
          }
          for (const [key, id] of byKey) {
            const { rows } = await db.query<{ description: string; grid_code: string }>(
              'SELECT description, grid_code FROM cases WHERE id = $1',
              [id],
            );
            const winner = rows[0]!;
            for (const [i, sp] of specs.entries()) {
              if (sp.key !== key || sp.badPhoto) continue;
              const same =
                winner.description === `prop ${run} text ${sp.text}` &&
                winner.grid_code === grids[sp.grid]!.code;
              expect(settled[i]!.status, `key ${key}: same content ${same}`).toBe(
                same ? 'fulfilled' : 'rejected',
              );
            }
          }
          const casesAfter = (await db.query<{ n: number }>('SELECT count(*)::int AS n FROM cases')).rows[0]!
            .n;
          expect(casesAfter - casesBefore).toBe(byKey.size);
        },
      ),
      { numRuns: 12 },
    );
    await built.services.audit.flush();
    await expectConsistent(db);
    expect(await built.services.audit.verify()).toMatchObject({ ok: true });
    await built.app.close();
  });

  it('a report whose random public code is taken draws another, in a batch or alone', async () => {
    const { db } = t();
    if ((await db.query('SELECT 1 FROM areas LIMIT 1')).rows.length === 0) await seedCity(db);
    const grid = await someGrid(db, 9);
    // The next `sameLeft` draws all give one code (as two of ~10⁹ daily codes sometimes do).
    let sameLeft = 5;
    const support = new CaseSupport({
      db,
      clock: systemClock,
      cipher: new FieldCipher('k'.repeat(32)),
      locate: new LocateService(db),
      audit: new AuditService(db, systemClock),
      repo: new CaseRepository(),
      notifications: new NotificationRepository(),
      publicCode: (at) => (sameLeft-- > 0 ? 'NH261130-SAME00' : newPublicCode(at)),
    });
    const intake = new CaseIntakeService(support);
    const report = (i: number) =>
      intake.report(systemActor('collision-test'), {
        channel: 'bulk',
        idempotencyKey: `code-clash-${i}`,
        lng: grid.lng,
        lat: grid.lat,
        categoryCode: 'E0102',
        description: `code clash ${i}`,
      });
    const together = await Promise.all([report(1), report(2), report(3)]);
    expect(sameLeft).toBeLessThan(0); // every forced draw was used: the batch hit the clash twice
    sameLeft = 2; // alone: its first draw and its first redraw clash
    const alone = await report(4);
    expect(sameLeft).toBe(-1);
    const codes = [...together, alone].map((a) => a.result.publicCode);
    expect(new Set(codes).size).toBe(4);
    expect(codes.filter((c) => c === 'NH261130-SAME00')).toHaveLength(1);
    const { rows } = await db.query<{ public_code: string }>(
      "SELECT public_code FROM cases WHERE description LIKE 'code clash %' ORDER BY id",
    );
    expect(rows.map((r) => r.public_code).sort()).toEqual([...codes].sort());
  });

  it('routing in memory picks the rule the SQL query picks', async () => {
    const { db } = t();
    const repo = new RoutingRepository();
    if ((await db.query('SELECT 1 FROM areas LIMIT 1')).rows.length === 0) await seedCity(db);
    const grid = await someGrid(db, 12);
    const areas = [null, grid.district, grid.street, grid.community, grid.code, '999999'];
    const categories = [null, 'E0102', 'E0103', 'P0101'];
    const departments = ['sanitation', 'urban_enforcement', 'water'];
    await fc.assert(
      fc.asyncProperty(
        fc.array(
          fc.record({
            categoryCode: fc.constantFrom(...categories),
            areaCode: fc.constantFrom(...areas),
            departmentCode: fc.constantFrom(...departments),
          }),
          { maxLength: 8 },
        ),
        fc.constantFrom(...categories),
        async (rules, category) => {
          await db.query('UPDATE routing_rules SET active = false');
          for (const r of rules) {
            if (r.categoryCode === null && r.areaCode === null) continue;
            await repo.insert(db, { ...r, note: '', createdBy: 'test' });
          }
          const active = await repo.list(db);
          // The query intake ran per report before rules were cached.
          const { rows } = await db.query<{ id: number }>(
            `SELECT id FROM routing_rules
              WHERE active AND (category_code IS NULL OR category_code = $1)
                AND (area_code IS NULL OR $2 LIKE area_code || '%')
              ORDER BY length(coalesce(area_code, '')) DESC, (category_code IS NULL), id DESC LIMIT 1`,
            [category, grid.code],
          );
          expect(bestRule(active, category, grid.code)?.id).toBe(rows[0] ? Number(rows[0].id) : undefined);
        },
      ),
      { numRuns: 40 },
    );
    await db.query('UPDATE routing_rules SET active = false');
  });
});
