/**
 * Property test of the case loop (issue 6): random sequences of actions by random actors on a few
 * cases, through CaseWorkflowService.act on a real database (PGlite and PostgreSQL). After every
 * step the case is in a defined state and a refused action changed nothing; after every run the
 * rollups equal a recount from the event log, every rate lies in [0, 1], and the live state counts equal a count of the cases.
 */
import fc from 'fast-check';
import { expect, it } from 'vitest';
import type { Queryable } from '../../src/db/db.js';
import { type Actor, ANONYMOUS, systemActor } from '../../src/kernel/actor.js';
import { FixedClock } from '../../src/lib/clock.js';
import { AppError } from '../../src/lib/errors.js';
import { FieldCipher } from '../../src/lib/privacy.js';
import { AuditService } from '../../src/modules/audit/audit.service.js';
import { casePolicy } from '../../src/modules/cases/case.policy.js';
import { CaseRepository } from '../../src/modules/cases/case.repository.js';
import type { CaseRecord, WorkflowInput } from '../../src/modules/cases/case.types.js';
import { CaseIntakeService } from '../../src/modules/cases/case-intake.service.js';
import { localDay } from '../../src/modules/cases/case-rollup.js';
import { allowedActions, type CaseSnapshot } from '../../src/modules/cases/case-state.js';
import { CaseSupport } from '../../src/modules/cases/case-support.js';
import {
  CASE_ACTION_TYPES,
  CASE_STATES,
  type CaseActionType,
} from '../../src/modules/cases/case-transitions.table.js';
import { CaseWorkflowService } from '../../src/modules/cases/case-workflow.service.js';
import { LocateService } from '../../src/modules/grid/locate.service.js';
import { IndicatorService } from '../../src/modules/indicators/indicator.service.js';
import { NotificationRepository } from '../../src/modules/notifications/notification.repository.js';
import { makeUser, seedCity, someGrid } from '../support/city.js';
import { describeEachDriver } from '../support/db.js';

const DEPTS = ['sanitation', 'urban_enforcement', 'water', 'greening'] as const;
const RESULTS = ['satisfied', 'basically_satisfied', 'dissatisfied'] as const;
const ENDING: readonly CaseActionType[] = ['reject', 'void', 'merge_into'];
const NUM_RUNS = Number(process.env.CASE_PROPERTY_RUNS ?? 25);
const STEPS = 80;

/** One generated step; `legal` picks among the actions the state machine allows right now. */
interface Step {
  caseIdx: number;
  actorIdx: number;
  legal: boolean;
  typePick: number;
  deptPick: number;
  advanceMin: number;
  note: string | undefined;
  categoryCode: string | undefined;
  urgent: boolean | undefined;
  departments: string[] | undefined;
  useOwnDepartment: boolean;
  to: string | undefined;
  minutes: number | undefined;
  result: (typeof RESULTS)[number] | undefined;
  targetPick: number | undefined;
  badPhoto: boolean;
}

const opt = <T>(arb: fc.Arbitrary<T>) => fc.option(arb, { nil: undefined, freq: 4 });

const stepArb: fc.Arbitrary<Step> = fc.record({
  caseIdx: fc.nat({ max: 2 }),
  actorIdx: fc.nat({ max: 100 }),
  legal: fc.nat({ max: 3 }).map((n) => n > 0), // 75 %: an action (and actor) the rules allow now
  typePick: fc.nat(),
  deptPick: fc.nat(),
  advanceMin: fc.oneof(
    { weight: 3, arbitrary: fc.constant(0) },
    { weight: 6, arbitrary: fc.integer({ min: 1, max: 90 }) },
    { weight: 1, arbitrary: fc.integer({ min: 600, max: 3_000 }) },
  ),
  note: fc.option(fc.constantFrom('', '   ', '现场核实情况说明', 'reason given'), {
    nil: undefined,
    freq: 5,
  }),
  categoryCode: opt(fc.constantFrom('E0102', 'P0101', 'E9999')),
  urgent: opt(fc.boolean()),
  departments: opt(fc.subarray([...DEPTS, 'no_such_dept'], { minLength: 0, maxLength: 3 })),
  useOwnDepartment: fc.boolean(),
  to: opt(fc.constantFrom(...DEPTS, 'no_such_dept')),
  minutes: opt(fc.integer({ min: 0, max: 3000 })),
  result: fc.option(fc.constantFrom(...RESULTS), { nil: undefined, freq: 6 }),
  targetPick: opt(fc.nat({ max: 3 })),
  badPhoto: fc.nat({ max: 19 }).map((n) => n === 0), // 5 %: a photo id that does not exist
});

/** The state-machine view of a stored case (to pick actions the machine allows). */
function snapshotOf(c: CaseRecord): CaseSnapshot {
  return {
    state: c.state,
    suspendedFrom: c.suspendedFrom,
    reopenCount: c.reopenCount,
    tasks: c.tasks.map((x) => ({ department: x.department, status: x.status })),
    extensionRequested: c.extensionRequested,
    evaluation: c.evaluation,
    mergedInto: c.mergedInto === null ? null : String(c.mergedInto),
  };
}

/** Turns most "legal" steps' payloads into valid ones, so runs get past the first stages. */
function repair(input: WorkflowInput, step: Step): void {
  const dept = DEPTS[step.deptPick % DEPTS.length]!;
  if (!input.note?.trim()) input.note = 'reason given';
  if (input.categoryCode === 'E9999') delete input.categoryCode;
  const departments = (input.departments ?? []).filter((d) => d !== 'no_such_dept');
  input.departments = departments.length > 0 ? departments : [dept];
  if (input.to === undefined || input.to === 'no_such_dept') input.to = dept;
  if (!input.minutes) input.minutes = 240;
  input.result ??= RESULTS[step.typePick % RESULTS.length]!;
  delete input.photoIds;
}

/** Everything a refused action must leave untouched. */
async function observable(q: Queryable, caseIds: readonly number[]): Promise<string> {
  const cases = await q.query('SELECT * FROM cases WHERE id = ANY($1) ORDER BY id', [[...caseIds]]);
  const events = await q.query<{ n: number }>('SELECT count(*)::int AS n FROM case_events');
  const rollup = await q.query(
    'SELECT metric, sum(n)::int AS n FROM case_rollup_daily GROUP BY metric ORDER BY metric',
  );
  const counts = await q.query(
    'SELECT grid_code, state, n FROM case_state_counts WHERE n <> 0 ORDER BY grid_code, state',
  );
  return JSON.stringify({
    cases: cases.rows,
    events: events.rows[0]?.n,
    rollup: rollup.rows,
    counts: counts.rows,
  });
}

async function rollupTotals(q: Queryable): Promise<Map<string, number>> {
  const { rows } = await q.query<{ metric: string; n: number }>(
    'SELECT metric, sum(n)::int AS n FROM case_rollup_daily GROUP BY metric',
  );
  return new Map(rows.map((r) => [r.metric, Number(r.n)]));
}

const sorted = (m: ReadonlyMap<string, number>) =>
  Object.fromEntries([...m].filter(([, n]) => n !== 0).sort());

describeEachDriver('case properties', (t) => {
  it('random actions by random actors keep the case loop consistent', async () => {
    const { db } = t();
    await seedCity(db);
    const grid = await someGrid(db, 3);
    const far = await someGrid(db, 1500);
    const clock = new FixedClock(new Date('2026-03-02T01:00:00Z'));
    const audit = new AuditService(db, clock);
    const support = new CaseSupport({
      db,
      clock,
      cipher: new FieldCipher('k'.repeat(32)),
      locate: new LocateService(db),
      audit,
      repo: new CaseRepository(),
      notifications: new NotificationRepository(),
    });
    const intake = new CaseIntakeService(support);
    const workflow = new CaseWorkflowService(support);
    const indicators = new IndicatorService({ db, clock, audit });
    const repo = new CaseRepository();

    const reporter = await makeUser(db, 'Resident Reporter', [{ role: 'resident' }]);
    const weighted: Array<[number, Actor]> = [
      [10, await makeUser(db, 'Dispatcher In', [{ role: 'dispatcher', areaCode: grid.street }])],
      [3, await makeUser(db, 'Dispatcher Out', [{ role: 'dispatcher', areaCode: far.street }])],
      [8, await makeUser(db, 'Handler San', [{ role: 'dept_handler', departmentCode: 'sanitation' }])],
      [6, await makeUser(db, 'Handler Enf', [{ role: 'dept_handler', departmentCode: 'urban_enforcement' }])],
      [4, await makeUser(db, 'Handler Water', [{ role: 'dept_handler', departmentCode: 'water' }])],
      [6, await makeUser(db, 'Worker', [{ role: 'grid_worker', areaCode: grid.code }])],
      [8, await makeUser(db, 'Supervisor', [{ role: 'supervisor', areaCode: grid.district }])],
      [5, reporter],
      [2, await makeUser(db, 'Resident Other', [{ role: 'resident' }])],
      [2, await makeUser(db, 'Hotline', [{ role: 'hotline_operator', areaCode: grid.district }])],
      [2, ANONYMOUS],
      [8, await makeUser(db, 'Admin', [{ role: 'admin' }])],
    ];
    const totalWeight = weighted.reduce((s, [w]) => s + w, 0);
    const actorOf = (pick: number): Actor => {
      let x = pick % totalWeight;
      for (const [w, a] of weighted) {
        if (x < w) return a;
        x -= w;
      }
      return weighted[0]![1];
    };

    let run = 0;
    const stats = { ok: 0, refused: 0, states: new Set<string>(), codes: new Map<string, number>() };
    const startDay = localDay(clock.now());

    await fc.assert(
      fc.asyncProperty(
        fc.array(stepArb, { minLength: 40, maxLength: STEPS }),
        fc.boolean(),
        async (steps, withCategory) => {
          run += 1;
          const caseIds: number[] = [];
          for (let i = 0; i < 3; i++) {
            const { result } = await intake.report(reporter, {
              channel: 'resident',
              idempotencyKey: `prop-${run}-${i}-${Math.random().toString(36).slice(2, 10)}`,
              lng: grid.lng,
              lat: grid.lat,
              ...(withCategory || i === 0 ? { categoryCode: i === 2 ? 'P0101' : 'E0102' } : {}),
              description: `属性测试案件 ${run}-${i}`,
            });
            caseIds.push(result.id);
          }
          for (const step of steps) {
            clock.advance(step.advanceMin * 60_000);
            const caseId = caseIds[step.caseIdx]!;
            const current = await repo.findById(db, caseId);
            if (!current) throw new Error(`case ${caseId} vanished`);
            let type: CaseActionType = CASE_ACTION_TYPES[step.typePick % CASE_ACTION_TYPES.length]!;
            let actor = actorOf(step.actorIdx);
            if (step.legal) {
              // Ending a case (reject, void, merge) is picked less often, so runs reach the later stages.
              const allowed = allowedActions(snapshotOf(current));
              const lasting = allowed.filter((a) => !ENDING.includes(a));
              const pool = lasting.length > 0 && step.deptPick % 5 !== 0 ? lasting : allowed;
              if (pool.length > 0) type = pool[step.typePick % pool.length]!;
              const resource = {
                areaCode: current.gridCode,
                departments: [
                  ...current.tasks.map((x) => x.department),
                  ...(current.departmentCode ? [current.departmentCode] : []),
                ],
                reporterUserIds: [reporter.userId],
              };
              const eligible = weighted.map(([, a]) => a).filter((a) => casePolicy.can(a, type, resource));
              if (eligible.length > 0) actor = eligible[step.actorIdx % eligible.length]!;
            }
            const taskDepts = current.tasks.map((x) => x.department);
            const ownDept = taskDepts.length > 0 ? taskDepts[step.deptPick % taskDepts.length] : undefined;
            const input: WorkflowInput = {
              ...(step.note !== undefined ? { note: step.note } : {}),
              ...(step.categoryCode !== undefined ? { categoryCode: step.categoryCode } : {}),
              ...(step.urgent !== undefined ? { urgent: step.urgent } : {}),
              ...(step.departments !== undefined ? { departments: step.departments } : {}),
              ...(step.useOwnDepartment && ownDept
                ? { department: ownDept, from: ownDept }
                : step.to !== undefined
                  ? { department: step.to }
                  : {}),
              ...(step.to !== undefined ? { to: step.to } : {}),
              ...(step.minutes !== undefined ? { minutes: step.minutes } : {}),
              ...(step.result !== undefined ? { result: step.result } : {}),
              ...(step.targetPick !== undefined
                ? { targetId: step.targetPick < 3 ? caseIds[step.targetPick]! : 2_000_000_000 }
                : {}),
              ...(step.badPhoto ? { photoIds: [2_000_000_000] } : {}),
            };
            if (step.legal && step.deptPick % 10 < 7) repair(input, step);
            const before = await observable(db, caseIds);
            try {
              const after = await workflow.act(actor, caseId, type, input);
              stats.ok += 1;
              stats.states.add(after.state);
              expect(CASE_STATES).toContain(after.state);
            } catch (err) {
              if (!(err instanceof AppError)) throw err;
              stats.refused += 1;
              stats.codes.set(err.code, (stats.codes.get(err.code) ?? 0) + 1);
              expect(await observable(db, caseIds)).toBe(before);
            }
            const row = await repo.findById(db, caseId);
            expect(CASE_STATES).toContain(row!.state);
          }

          // (c) rollups = recount from the event log; every rate in [0, 1] (the recount of the rates
          // themselves is test/security/indicators.property.test.ts).
          const recount = await indicators.recountTotals();
          expect(sorted(await rollupTotals(db))).toEqual(sorted(recount));
          const period = { from: startDay, to: localDay(clock.now()) };
          const fromService = await indicators.compute(systemActor('test'), period);
          for (const i of fromService.indicators.filter((x) => x.kind === 'ratio' && x.value !== null)) {
            expect(i.value, i.code).toBeGreaterThanOrEqual(0);
            expect(i.value, i.code).toBeLessThanOrEqual(1);
          }
          const report = await indicators.recount(systemActor('test'), { apply: false });
          expect(report.differences).toEqual([]);

          // (d) live state counts = a count of the cases.
          const live = await db.query<{ state: string; n: number }>(
            'SELECT state, sum(n)::int AS n FROM case_state_counts GROUP BY state HAVING sum(n) <> 0',
          );
          const actual = await db.query<{ state: string; n: number }>(
            'SELECT state, count(*)::int AS n FROM cases GROUP BY state',
          );
          const asMap = (rows: Array<{ state: string; n: number }>) =>
            Object.fromEntries(rows.map((r) => [r.state, Number(r.n)]).sort());
          expect(asMap(live.rows)).toEqual(asMap(actual.rows));
        },
      ),
      {
        numRuns: NUM_RUNS,
        seed: process.env.CASE_PROPERTY_SEED ? Number(process.env.CASE_PROPERTY_SEED) : undefined,
        endOnFailure: true,
      },
    );
    console.log(
      `[${db.driver}] ${stats.ok} actions applied, ${stats.refused} refused; states reached: ${[...stats.states].sort().join(', ')}; refusals: ${JSON.stringify(Object.fromEntries(stats.codes))}`,
    );
    // The generator must reach deep states, or the property proves little.
    expect(stats.ok).toBeGreaterThan(NUM_RUNS * 5);
    expect(stats.states.size).toBeGreaterThanOrEqual(6);
  }, 240_000);
});
