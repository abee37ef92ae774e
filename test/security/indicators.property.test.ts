/**
 * Issue 14, "indicators out of bounds on the demo city after one walk": on_time_dispatch_rate 2 (two
 * dispatches of one case counted twice), a dispatcher score of 125, a closed-loop score of 105 and
 * a closure rate of 0.5 for a grid whose only case is closed (a return counted as a finished
 * handling). Every rate is now a count of cases over a count of the same cases.
 *
 * 1. The walk of the finding, step by step through the real services: every figure as a person
 *    would count it by hand.
 * 2. A property test: random case histories (report, file, reject, dispatch several times, return,
 *    reassign, whistle, extensions, report back, verify pass/fail, evaluate, reopen, suspend, void,
 *    with clock jumps before and after deadlines) through CaseWorkflowService.act; then, for the
 *    whole city, an area, a department and a random sub-period, every indicator from the service
 *    equals a brute-force recount in TypeScript over the stored events and lies in [0, 1], and
 *    every composite score in [0, 100].
 */
import fc from 'fast-check';
import { beforeAll, expect, it } from 'vitest';
import type { Db } from '../../src/db/db.js';
import { systemActor } from '../../src/kernel/actor.js';
import { FixedClock } from '../../src/lib/clock.js';
import { FieldCipher } from '../../src/lib/privacy.js';
import { AuditService } from '../../src/modules/audit/audit.service.js';
import { CaseRepository } from '../../src/modules/cases/case.repository.js';
import type { CaseRecord, WorkflowInput } from '../../src/modules/cases/case.types.js';
import { CaseIntakeService } from '../../src/modules/cases/case-intake.service.js';
import { localDay } from '../../src/modules/cases/case-rollup.js';
import { allowedActions, type CaseSnapshot } from '../../src/modules/cases/case-state.js';
import { CaseSupport } from '../../src/modules/cases/case-support.js';
import type { CaseActionType } from '../../src/modules/cases/case-transitions.table.js';
import { CaseWorkflowService } from '../../src/modules/cases/case-workflow.service.js';
import { LocateService } from '../../src/modules/grid/locate.service.js';
import { type IndicatorQuery, IndicatorService } from '../../src/modules/indicators/indicator.service.js';
import {
  type CaseFact,
  INDICATORS,
  type IndicatorValue,
} from '../../src/modules/indicators/indicator-definitions.js';
import { NotificationRepository } from '../../src/modules/notifications/notification.repository.js';
import { makeUser, seedCity, someGrid } from '../support/city.js';
import { describeEachDriver } from '../support/db.js';

const DEPTS = ['sanitation', 'urban_enforcement', 'water'] as const;
const RESULTS = ['satisfied', 'basically_satisfied', 'dissatisfied'] as const;
const NUM_RUNS = Number(process.env.INDICATOR_PROPERTY_RUNS ?? (process.env.TEST_DATABASE_URL ? 20 : 25));
const SYSTEM = systemActor('indicator-test');
/** Actions that move a case along the loop, including its detours (return, rework, reopen). */
const FORWARD: readonly CaseActionType[] = [
  'file',
  'dispatch',
  'accept',
  'return',
  'report_back',
  'report_back',
  'verify_pass',
  'verify_fail',
  'evaluate',
  'reopen',
  'resume',
];

/** One stored event as the brute-force recount reads it. */
interface StoredEvent {
  id: number;
  caseId: number;
  at: Date;
  action: string;
  stageDone: string | null;
  onTime: boolean | null;
  result: string | null;
  departmentCode: string | null;
  gridCode: string;
}

async function storedEvents(db: Db): Promise<StoredEvent[]> {
  const { rows } = await db.query<{
    id: string | number;
    case_id: string | number;
    at: Date;
    action: string;
    stage_done: string | null;
    on_time: boolean | null;
    data: Record<string, unknown>;
    department_code: string | null;
    grid_code: string;
  }>(
    `SELECT e.id, e.case_id, e.at, e.action, e.stage_done, e.on_time, e.data, e.department_code, c.grid_code
     FROM case_events e JOIN cases c ON c.id = e.case_id ORDER BY e.id`,
  );
  return rows.map((r) => ({
    id: Number(r.id),
    caseId: Number(r.case_id),
    at: new Date(r.at),
    action: r.action,
    stageDone: r.stage_done,
    onTime: r.on_time,
    result: typeof r.data.result === 'string' ? r.data.result : null,
    departmentCode: r.department_code,
    gridCode: r.grid_code,
  }));
}

/** The facts of one case from its events in the query (brute force: one case at a time, by hand). */
function factsOf(evs: readonly StoredEvent[], everything: readonly StoredEvent[]): Set<CaseFact> {
  const has = (p: (e: StoredEvent) => boolean) => evs.some(p);
  const allOnTime = (p: (e: StoredEvent) => boolean) => {
    const hit = evs.filter(p);
    return hit.length > 0 && hit.every((e) => e.onTime === true);
  };
  const is =
    (...actions: string[]) =>
    (e: StoredEvent) =>
      actions.includes(e.action);
  const fileDone = (e: StoredEvent) => e.stageDone === 'file';
  const dispatchDone = (e: StoredEvent) => is('dispatch', 'whistle')(e) && e.stageDone === 'dispatch';
  const handleDone = (e: StoredEvent) => e.action === 'report_back' && e.stageDone === 'handle';
  const verifyDone = (e: StoredEvent) => is('verify_pass', 'verify_fail')(e) && e.stageDone === 'verify';
  const evaluations = evs.filter(is('evaluate'));
  const last = evaluations[evaluations.length - 1]?.result ?? null;
  const caseId = evs[0]!.caseId;
  const everVoided = everything.some((e) => e.caseId === caseId && is('void', 'merge_into')(e));
  const facts: Record<CaseFact, boolean> = {
    reported: has(is('report')),
    filed: has(is('file')),
    rejected: has(is('reject')),
    filing_decided: has(fileDone),
    filing_on_time: allOnTime(fileDone),
    filed_not_voided: has(is('file')) && !everVoided,
    dispatch_due: has(is('file', 'reopen')) || has(dispatchDone),
    dispatch_done: has(dispatchDone),
    dispatch_on_time: allOnTime(dispatchDone),
    dispatched: has(is('dispatch')),
    dispatched_clean: has(is('dispatch')) && !has(is('return', 'reassign')),
    handling_due: has(is('dispatch', 'whistle', 'verify_fail')) || has(handleDone),
    handled: has(handleDone),
    handled_on_time: allOnTime(handleDone),
    closing_due: has(handleDone) || has(verifyDone),
    verification_done: has(verifyDone),
    verification_on_time: allOnTime(verifyDone),
    closed: has(is('verify_pass')),
    reworked: has(is('verify_fail')),
    follow_up_due: has(is('verify_pass', 'evaluate')),
    evaluated: evaluations.length > 0,
    resolved: last === 'satisfied' || last === 'basically_satisfied',
    satisfied: last === 'satisfied',
    basically_satisfied: last === 'basically_satisfied',
  };
  return new Set((Object.keys(facts) as CaseFact[]).filter((f) => facts[f]));
}

/** Every indicator recounted by hand from the stored events (numerator, denominator, value). */
function bruteForce(
  all: readonly StoredEvent[],
  q: IndicatorQuery,
): Map<string, Omit<IndicatorValue, 'nameZh' | 'nameEn' | 'definitionZh' | 'definitionEn' | 'kind'>> {
  const inQuery = all.filter(
    (e) =>
      localDay(e.at) >= q.from &&
      localDay(e.at) <= q.to &&
      (q.within === undefined || e.gridCode.startsWith(q.within)) &&
      (q.department === undefined || e.departmentCode === q.department),
  );
  const byCase = new Map<number, StoredEvent[]>();
  for (const e of inQuery) byCase.set(e.caseId, [...(byCase.get(e.caseId) ?? []), e]);
  const cases = [...byCase.values()].map((evs) => factsOf(evs, all));
  const out = new Map<
    string,
    Omit<IndicatorValue, 'nameZh' | 'nameEn' | 'definitionZh' | 'definitionEn' | 'kind'>
  >();
  for (const d of INDICATORS) {
    const population = cases.filter((f) => d.population.some((p) => f.has(p)));
    let numerator = 0;
    for (const f of population) {
      for (const [fact, weight] of Object.entries(d.numerator) as Array<[CaseFact, number]>) {
        if (f.has(fact)) numerator += weight;
      }
    }
    numerator = Math.round(numerator * 1e6) / 1e6;
    if (d.kind === 'count') out.set(d.code, { code: d.code, numerator, denominator: null, value: numerator });
    else
      out.set(d.code, {
        code: d.code,
        numerator,
        denominator: population.length,
        value: population.length === 0 ? null : Math.round((numerator / population.length) * 1e6) / 1e6,
      });
  }
  return out;
}

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

describeEachDriver('indicators: every rate counts cases and lies in [0, 1]', (t) => {
  let clock: FixedClock;
  let intake: CaseIntakeService;
  let workflow: CaseWorkflowService;
  let indicators: IndicatorService;
  let reporterId: number;
  const repo = new CaseRepository();
  let keyN = 0;

  beforeAll(async () => {
    const { db } = t();
    await seedCity(db);
    clock = new FixedClock(new Date('2026-03-02T01:00:00Z'));
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
    intake = new CaseIntakeService(support);
    workflow = new CaseWorkflowService(support);
    indicators = new IndicatorService({ db, clock, audit });
    reporterId = (await makeUser(t().db, 'Resident Reporter', [{ role: 'resident' }])).userId;
  });

  const report = async (at: { lng: number; lat: number }) => {
    keyN += 1;
    const { result } = await intake.report(
      {
        kind: 'user',
        userId: reporterId,
        displayName: 'Resident Reporter',
        grants: [{ role: 'resident', areaCode: null, departmentCode: null }],
      },
      {
        channel: 'resident',
        idempotencyKey: `ind-${keyN}-${Math.random().toString(36).slice(2, 10)}`,
        lng: at.lng,
        lat: at.lat,
        categoryCode: 'E0102',
        description: `指标测试案件 ${keyN}`,
      },
    );
    return result.id;
  };

  it('the walk of the finding: one case dispatched twice after a return, then closed, counts once everywhere', async () => {
    const grid = await someGrid(t().db, 5);
    const day = localDay(clock.now());
    const id = await report(grid);
    const act = (type: CaseActionType, input: WorkflowInput = {}) =>
      workflow.act(SYSTEM, id, type, { note: 'reason given', ...input });
    clock.advance(10 * 60_000);
    await act('file');
    clock.advance(10 * 60_000);
    await act('dispatch', { departments: ['sanitation'] });
    await act('return', { department: 'sanitation' });
    clock.advance(10 * 60_000);
    await act('dispatch', { departments: ['urban_enforcement'] });
    await act('accept', { department: 'urban_enforcement' });
    clock.advance(60 * 60_000);
    await act('report_back', { department: 'urban_enforcement' });
    clock.advance(30 * 60_000);
    await act('verify_pass');
    const r = await indicators.compute(SYSTEM, { within: grid.code, from: day, to: localDay(clock.now()) });
    const v = (code: string) => r.indicators.find((i) => i.code === code)!;
    const score = (code: string) => r.composites.find((c) => c.code === code)!.score;
    // Was 2 (two on-time dispatches over one filing): one case, dispatched on time.
    expect(v('on_time_dispatch_rate')).toMatchObject({ numerator: 1, denominator: 1, value: 1 });
    // One case dispatched, and it was returned once: not an accurate dispatch.
    expect(v('accurate_dispatch_rate')).toMatchObject({ numerator: 0, denominator: 1, value: 0 });
    // Was 0.5 (the return counted as a finished handling): the grid's only case is closed.
    expect(v('closure_rate')).toMatchObject({ numerator: 1, denominator: 1, value: 1 });
    expect(v('handling_rate')).toMatchObject({ numerator: 1, denominator: 1, value: 1 });
    expect(v('on_time_closure_rate').value).toBe(1);
    // Was 125: 100 × (0.5 × 1 + 0.5 × 0).
    expect(score('dispatcher')).toBe(50);
    // Was 105: every stage on time, one case.
    expect(score('closed_loop')).toBe(100);
    // The definition travels with every figure.
    expect(v('closure_rate').definitionEn).toMatch(/Cases verified and closed/);
  });

  it('random case histories: each indicator equals a brute-force recount of cases and lies in [0, 1]', async () => {
    const { db } = t();
    const grids = [await someGrid(db, 3), await someGrid(db, 900)];
    const step = fc.record({
      pick: fc.nat(),
      dept: fc.nat(),
      result: fc.constantFrom(...RESULTS),
      // Mostly minutes (inside deadlines), sometimes days (past them).
      advanceMin: fc.oneof(
        { weight: 5, arbitrary: fc.integer({ min: 0, max: 90 }) },
        { weight: 2, arbitrary: fc.integer({ min: 600, max: 6_000 }) },
      ),
    });
    const history = fc.record({
      grid: fc.nat({ max: 1 }),
      steps: fc.array(step, { minLength: 0, maxLength: 24 }),
    });
    let checked = 0;
    const refused = new Map<string, number>();
    await fc.assert(
      fc.asyncProperty(
        fc.array(history, { minLength: 1, maxLength: 4 }),
        fc.nat(),
        fc.nat(),
        async (histories, windowA, windowB) => {
          // Each run's period starts at its first report (the clock only moves on), so periods stay
          // within the 400-day limit; earlier runs' events on that day are counted by both sides.
          const startDay = localDay(clock.now());
          for (const h of histories) {
            const grid = grids[h.grid]!;
            const id = await report(grid);
            for (const s of h.steps) {
              clock.advance(s.advanceMin * 60_000);
              const current = (await repo.findById(db, id))!;
              const allowed = allowedActions(snapshotOf(current)).filter((a) => a !== 'merge_into');
              if (allowed.length === 0) break;
              // Four steps in five move the case along the loop (so histories reach closing,
              // evaluation and reopening); the fifth may be any allowed action (void, whistle, reassign, suspend, …).
              const forward = allowed.filter((a) => FORWARD.includes(a));
              const pool = s.pick % 5 !== 0 && forward.length > 0 ? forward : allowed;
              const type = pool[Math.floor(s.pick / 5) % pool.length]!;
              const owed = current.tasks.filter(
                (x) => x.status !== 'returned' && x.status !== 'reported_back',
              );
              const taskDept =
                type === 'report_back'
                  ? current.tasks.find((x) => x.status === 'accepted')?.department
                  : type === 'accept'
                    ? current.tasks.find((x) => x.status === 'open')?.department
                    : owed[s.dept % Math.max(owed.length, 1)]?.department;
              const onCase = new Set(
                current.tasks.filter((x) => x.status !== 'returned').map((x) => x.department),
              );
              const fresh = DEPTS.filter((d) => !onCase.has(d));
              const newDept = fresh[s.dept % Math.max(fresh.length, 1)] ?? DEPTS[0];
              const input: WorkflowInput = {
                note: 'reason given',
                departments: [newDept],
                department: taskDept ?? newDept,
                from: taskDept ?? newDept,
                to: newDept,
                minutes: 240,
                result: s.result,
              };
              try {
                await workflow.act(SYSTEM, id, type, input);
              } catch (err) {
                // A payload the machine refuses (e.g. no fresh department left) changes nothing.
                refused.set(
                  `${type}:${(err as { code?: string }).code}`,
                  (refused.get(`${type}:${(err as { code?: string }).code}`) ?? 0) + 1,
                );
              }
            }
          }
          const all = await storedEvents(db);
          const today = localDay(clock.now());
          const days: string[] = [];
          for (
            let d = startDay;
            d <= today;
            d = localDay(new Date(Date.parse(`${d}T12:00:00+08:00`) + 86_400_000))
          )
            days.push(d);
          const [a, b] = [days[windowA % days.length]!, days[windowB % days.length]!].sort();
          const queries: IndicatorQuery[] = [
            { from: startDay, to: today },
            { within: grids[0]!.district, from: startDay, to: today },
            { within: grids[1]!.code, from: startDay, to: today },
            { department: DEPTS[windowA % DEPTS.length]!, from: startDay, to: today },
            { from: a!, to: b! },
          ];
          for (const q of queries) {
            const got = await indicators.compute(SYSTEM, q);
            const want = bruteForce(all, q);
            for (const i of got.indicators) {
              expect(
                { code: i.code, numerator: i.numerator, denominator: i.denominator, value: i.value },
                JSON.stringify(q),
              ).toEqual(want.get(i.code));
              if (i.kind === 'ratio' && i.value !== null) {
                expect(i.value).toBeGreaterThanOrEqual(0);
                expect(i.value).toBeLessThanOrEqual(1);
              }
            }
            for (const c of got.composites) {
              if (c.score === null) continue;
              expect(c.score).toBeGreaterThanOrEqual(0);
              expect(c.score).toBeLessThanOrEqual(100);
            }
          }
          checked += 1;
        },
      ),
      // A fixed seed (override with INDICATOR_PROPERTY_SEED): unseeded, 20 runs now and then never
      // reached an evaluation, and the coverage check below failed without any indicator being wrong.
      {
        numRuns: NUM_RUNS,
        endOnFailure: true,
        seed: Number(process.env.INDICATOR_PROPERTY_SEED ?? 20261207),
      },
    );
    expect(checked).toBe(NUM_RUNS);
    expect([...refused.keys()].filter((k) => !k.startsWith('reassign') && !k.startsWith('whistle'))).toEqual(
      [],
    );
    // The histories reached the later stages (else the test proves little).
    const { rows } = await db.query<{ action: string }>(
      `SELECT DISTINCT action FROM case_events WHERE action IN ('verify_pass', 'evaluate', 'return', 'verify_fail')`,
    );
    expect(rows.map((r) => r.action).sort()).toEqual(['evaluate', 'return', 'verify_fail', 'verify_pass']);
  });
});
