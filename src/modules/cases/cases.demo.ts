import { systemActor } from '../../kernel/actor.js';
import { type CategoryRef, replyText, reportPlace, reportText } from '../../kernel/demo-data/demo-content.js';
import type { DemoStep } from '../../kernel/demo-step.js';
import type { Rng } from '../../lib/random.js';
import type { CalendarSpec } from '../calendar/index.js';
import { calendarReader, FALLBACK_CALENDAR } from '../calendar/index.js';
import { findDepartment } from '../org/index.js';
import type { Category } from '../taxonomy/index.js';
import { categoryReader } from '../taxonomy/index.js';
import { CaseRepository } from './case.repository.js';
import type { CaseEvent, CaseRecord, Channel, HotlineType, WorkflowInput } from './case.types.js';
import { HOTLINE_TYPES } from './case.types.js';
import { startClock } from './case-clock.js';
import { addToRollups, localDay, moveStateCounts } from './case-rollup.js';
import { type CaseAction, newCaseSnapshot, nextState, type Satisfaction } from './case-state.js';
import { actorColumns, newPublicCode } from './case-support.js';
import { applyTransition, departmentOf, eventData, snapshotOf } from './case-transition.js';

/** How many historical cases the demo city gets. */
export const DEMO_CASES = 3000;

interface GridRow {
  code: string;
  id: number;
  center_lng: number;
  center_lat: number;
  geometry: { type: string; coordinates: number[][][] | number[][][][] };
}

const MINUTE = 60_000;

/** A point inside a convex grid: between its label point and a random vertex. */
function pointIn(rng: Rng, g: GridRow): { lng: number; lat: number } {
  const ring =
    (g.geometry.type === 'Polygon'
      ? (g.geometry.coordinates as number[][][])[0]
      : (g.geometry.coordinates as number[][][][])[0]?.[0]) ?? [];
  const v = ring.length > 1 ? rng.pick(ring.slice(0, -1)) : [g.center_lng, g.center_lat];
  const t = rng.range(0, 0.75);
  return {
    lng: g.center_lng + t * ((v[0] ?? g.center_lng) - g.center_lng),
    lat: g.center_lat + t * ((v[1] ?? g.center_lat) - g.center_lat),
  };
}

/** Minutes until an action happens, relative to a stage deadline: mostly on time, a tail late. */
function delay(rng: Rng, c: CaseRecord, lateShare: number): number {
  const allowed =
    c.clockDeadline && c.clockStartedAt
      ? (c.clockDeadline.getTime() - c.clockStartedAt.getTime()) / MINUTE
      : 60;
  const share = rng.chance(lateShare) ? rng.range(1.05, 2.5) : rng.range(0.05, 0.9);
  return Math.max(1, allowed * share);
}

/** The category as the demo-text generators take it: names, closing criteria and its department. */
export function categoryRef(
  cat: Pick<
    Category,
    'code' | 'nameZh' | 'nameEn' | 'kind' | 'closingCriteriaZh' | 'closingCriteriaEn' | 'departmentCode'
  >,
): CategoryRef {
  const dept = findDepartment(cat.departmentCode);
  const { code, nameZh, nameEn, kind, closingCriteriaZh, closingCriteriaEn } = cat;
  return {
    ...{ code, nameZh, nameEn, kind, closingCriteriaZh, closingCriteriaEn },
    ...(dept ? { department: { nameZh: dept.nameZh, nameEn: dept.nameEn } } : {}),
  };
}

/** Walks one case along a plausible path; returns its events (the record is mutated in place). */
function walk(
  rng: Rng,
  c: CaseRecord,
  cat: Category,
  spec: CalendarSpec,
  until: Date,
  departments: readonly string[],
): Array<Omit<CaseEvent, 'id' | 'caseId'>> {
  const events: Array<Omit<CaseEvent, 'id' | 'caseId'>> = [];
  const sys = actorColumns(systemActor('demo'));
  let now = c.reportedAt;
  const ref = categoryRef(cat);
  const step = (action: CaseAction, minutes: number, input: WorkflowInput = {}): boolean => {
    const at = new Date(now.getTime() + minutes * MINUTE);
    if (at > until) return false;
    const result = nextState(snapshotOf(c), action);
    if (!result.ok) return false;
    now = at;
    const fromState = c.state;
    const stage = applyTransition(c, action, result, input, now, spec, cat.deadlines);
    events.push({
      at: now,
      ...sys,
      actorName: 'demo',
      action: action.type,
      fromState,
      toState: c.state,
      departmentCode: departmentOf(action) ?? c.departmentCode,
      stageDone: stage.stageDone,
      onTime: stage.onTime,
      note: input.note ?? '',
      publicNote: ['reject', 'report_back', 'verify_pass', 'evaluate', 'void'].includes(action.type),
      data: eventData(action, input),
    });
    return true;
  };
  const late = 0.12;
  if (rng.chance(0.04)) {
    step({ type: 'reject' }, delay(rng, c, late), {
      note: '不符合立案条件 / does not meet the filing criteria',
    });
    return events;
  }
  if (rng.chance(0.03)) {
    step({ type: 'void' }, delay(rng, c, late), { note: '重复上报 / duplicate report' });
    return events;
  }
  if (!step({ type: 'file' }, delay(rng, c, late))) return events;
  const owner = cat.departmentCode;
  if (!step({ type: 'dispatch', departments: [owner] }, delay(rng, c, late))) return events;
  if (rng.chance(0.06)) {
    if (
      !step({ type: 'return', department: owner }, rng.range(10, 120), {
        note: replyText(rng, ref, 'return').zh,
      })
    )
      return events;
    if (!step({ type: 'dispatch', departments: [owner] }, rng.range(5, 60))) return events;
  }
  if (rng.chance(0.02)) {
    const extra = rng.pick(departments.filter((d) => d !== owner));
    if (!step({ type: 'whistle', departments: [extra] }, rng.range(10, 90), { note: '街道吹哨，联合处置' }))
      return events;
  }
  for (const t of c.tasks.filter((x) => x.status === 'open')) {
    if (!step({ type: 'accept', department: t.department }, rng.range(5, 90))) return events;
  }
  // Some recent cases stall with the department: they show up as overdue on the map. Older ones
  // were long since escalated and finished, as in a city that works its backlog (a year of stalled
  // cases made most of the demo's open cases overdue).
  const ageDays = (until.getTime() - c.reportedAt.getTime()) / 86_400_000;
  if (ageDays <= 10 && rng.chance(0.15)) return events;
  if (rng.chance(0.03)) {
    if (
      !step({ type: 'request_extension' }, rng.range(30, 300), { minutes: 480, note: '需协调多方，申请延期' })
    )
      return events;
    if (!step({ type: 'approve_extension' }, rng.range(10, 120))) return events;
  }
  for (let round = 0; round < 2; round++) {
    for (const t of c.tasks.filter((x) => x.status === 'accepted')) {
      if (
        !step({ type: 'report_back', department: t.department }, delay(rng, c, 0.15), {
          note: replyText(rng, ref, 'feedback').zh,
        })
      )
        return events;
    }
    if (round === 0 && rng.chance(0.05)) {
      if (
        !step({ type: 'verify_fail' }, delay(rng, c, late), { note: replyText(rng, ref, 'verify_fail').zh })
      )
        return events;
      for (const t of c.tasks.filter((x) => x.status === 'open')) {
        if (!step({ type: 'accept', department: t.department }, rng.range(5, 60))) return events;
      }
      continue;
    }
    break;
  }
  if (!step({ type: 'verify_pass' }, delay(rng, c, 0.1), { note: replyText(rng, ref, 'verify_pass').zh }))
    return events;
  if (rng.chance(0.8)) {
    const r = rng.next();
    const result: Satisfaction = r < 0.72 ? 'satisfied' : r < 0.92 ? 'basically_satisfied' : 'dissatisfied';
    step({ type: 'evaluate', result }, rng.range(60, 3 * 1440), { note: '' });
  }
  return events;
}

/** Demo step: historical cases with their events and rollups. */
export const casesDemoStep: DemoStep = {
  name: 'cases',
  async run(tx, env) {
    const rng = env.rng;
    const now = env.clock.now();
    const spec = await calendarReader().load(tx, FALLBACK_CALENDAR);
    const categories = (await categoryReader().listActive(tx)).filter((c) => c.kind !== 'hotline');
    const { rows: grids } = await tx.query<GridRow>(
      `SELECT code, id, center_lng, center_lat, geometry FROM areas WHERE level = 'grid' AND valid_to IS NULL ORDER BY code`,
    );
    const { rows: depts } = await tx.query<{ code: string }>(
      "SELECT code FROM departments WHERE kind IN ('bureau', 'enforcement', 'utility')",
    );
    if (grids.length === 0 || categories.length === 0) return 'no cases (areas or taxonomy missing)';
    // A few hotspot grids get many more reports, like real cities (markets, old compounds).
    const hot = Array.from({ length: 25 }, () => rng.pick(grids));
    const popular = categories.filter((c) =>
      ['E0102', 'E0104', 'E0502', 'E0503', 'E0504', 'E0505', 'E0201', 'P0101', 'P0108'].includes(c.code),
    );
    env.progress.start('Historical cases', DEMO_CASES);
    const cases: CaseRecord[] = [];
    const eventsByCase: Array<Array<Omit<CaseEvent, 'id' | 'caseId'>>> = [];
    for (let i = 0; i < DEMO_CASES; i++) {
      const g = rng.chance(0.3) ? rng.pick(hot) : rng.pick(grids);
      const channel: Channel = rng.pick([
        'resident',
        'resident',
        'patrol',
        'patrol',
        'patrol',
        'hotline',
        'hotline',
        'bulk',
      ] as const);
      const hotlineType: HotlineType | null = channel === 'hotline' ? rng.pick(HOTLINE_TYPES) : null;
      const cat = rng.chance(0.5) && popular.length > 0 ? rng.pick(popular) : rng.pick(categories);
      // Spread over the past year, more recent months slightly busier, during waking hours.
      const daysAgo = Math.floor(365 * rng.next() ** 1.3);
      const reportedAt = new Date(now.getTime() - daysAgo * 86_400_000 - rng.int(0, 14 * 60) * MINUTE);
      const place = reportPlace(rng);
      const text = reportText(rng, cat, place, {
        source: channel === 'patrol' ? 'grid_worker' : channel === 'hotline' ? 'hotline' : 'citizen',
      });
      const p = pointIn(rng, g);
      const c: CaseRecord = {
        id: 0,
        publicCode: newPublicCode(reportedAt, (m) => rng.int(0, m - 1)),
        ...newCaseSnapshot(),
        extensionMinutes: null,
        mergedInto: null,
        channel,
        categoryVersion: cat.version,
        categoryCode: cat.code,
        hotlineType,
        urgent: cat.urgent,
        description: rng.chance(0.08) ? text.en : text.zh,
        address: place.zh,
        lng: p.lng,
        lat: p.lat,
        gridCode: g.code,
        areaId: g.id,
        departmentCode: cat.departmentCode,
        tasks: [],
        reporterUserId: null,
        reporterNameEnc: null,
        reporterPhoneEnc: null,
        reporterPhoneHash: null,
        externalRef: hotlineType
          ? `12345-${localDay(reportedAt).replace(/-/g, '')}-${rng.int(1000, 9999)}`
          : null,
        reportedAt,
        filedAt: null,
        dispatchedAt: null,
        reportedBackAt: null,
        closedAt: null,
        evaluatedAt: null,
        updatedAt: reportedAt,
        clockStage: null,
        clockStartedAt: null,
        clockDeadline: null,
        clockPausedMinutes: null,
        deadlineStatus: 'ok',
        escalationLevel: 0,
        rowVersion: 1,
      } as CaseRecord;
      startClock(c, 'file', reportedAt, spec, cat.deadlines);
      const reported: Omit<CaseEvent, 'id' | 'caseId'> = {
        at: reportedAt,
        ...actorColumns(systemActor('demo')),
        action: 'report',
        fromState: null,
        toState: 'reported',
        departmentCode: cat.departmentCode,
        stageDone: null,
        onTime: null,
        note: '',
        publicNote: false,
        data: { channel, routing: 'category_owner', hotlineType },
      };
      const later = walk(
        rng,
        c,
        cat,
        spec,
        now,
        depts.map((d) => d.code),
      );
      cases.push(c);
      eventsByCase.push([reported, ...later]);
      env.progress.tick();
    }
    for (const c of cases) c.deadlineStatus = c.clockDeadline && c.clockDeadline < now ? 'overdue' : 'ok';
    const repo = new CaseRepository();
    const ids = await repo.insertHistorical(tx, cases);
    // Events, rollups and state counts through the live write path's own batch functions, so the
    // seeded counters are by definition what live transitions would have counted.
    const events = eventsByCase.flatMap((es, i) => es.map((e) => ({ ...e, caseId: ids[i]! })));
    await repo.insertEvents(tx, events);
    await addToRollups(
      tx,
      cases.flatMap((c, i) => eventsByCase[i]!.map((e) => ({ ...e, gridCode: c.gridCode }))),
    );
    await moveStateCounts(
      tx,
      cases.map((c) => ({ gridCode: c.gridCode, from: null, to: c.state })),
    );
    await tx.query(
      `INSERT INTO case_reporters (case_id, user_id, channel, original, joined_at) SELECT id, NULL, channel, true, reported_at FROM cases`,
    );
    env.progress.done();
    const open = cases.filter((c) => !['closed', 'evaluated', 'rejected', 'voided'].includes(c.state)).length;
    return `${cases.length} cases (${open} open), ${events.length} events`;
  },
};
