/**
 * Visit plans, visit tasks, visits, coverage and escalation.
 *
 * Tasks: for each active plan, one task per member and period (ISO week, month or quarter), due
 * on a working day of the calendar between today and the end of the period, assigned to the
 * worker of the member's grid and spread over that worker's days (least loaded day first).
 * Visits: offline replays of one (worker, idempotency key) give the first answer; a visit for a
 * member who left the cohort is kept and flagged; "needs found" raises one case through the
 * case intake (key `care-visit:<id>`), linked to the visit.
 */

import { createHash } from 'node:crypto';
import type { Queryable } from '../../db/db.js';
import type { Actor } from '../../kernel/actor.js';
import { actorLabel } from '../../kernel/actor.js';
import { canonicalJson } from '../../kernel/canonical-json.js';
import { refusal } from '../../kernel/policy.js';
import { FALLBACK_CALENDAR, isWorkingDay } from '../calendar/index.js';
import { localDay } from '../cases/index.js';
import { CareErrors } from './care.errors.js';
import { careAdminPolicy, careCoveragePolicy, careMemberPolicy, careVisitPolicy } from './care.policy.js';
import type { TaskRow, VisitRow } from './care.repository.js';
import { addDays, balanceDays, type Frequency, periodOf, workingDaysBetween } from './care-periods.js';
import type { CareSupport } from './care-support.js';

/** Fields a visit form may carry (the plan picks which ones it asks for). */
export const FORM_FIELDS = ['contact', 'health', 'living', 'needs', 'notes', 'photo'] as const;
/** One of FORM_FIELDS. */
export type FormField = (typeof FORM_FIELDS)[number];

/** How the worker reached the member. */
export type Contact = 'in_person' | 'phone' | 'not_home';

/** A visit as the worker submits it. */
export interface VisitInput {
  idempotencyKey: string;
  cohortId: number;
  personId: number;
  taskId?: number;
  /** Local day of the visit (defaults to today); an offline visit keeps the day it happened. */
  visitedOn?: string;
  contact: Contact;
  health?: string;
  living?: string;
  needs?: string;
  notes?: string;
  photoId?: number;
  /** Raise a case for the needs found (needs and caseCategory required). */
  createCase?: boolean;
  /** The taxonomy category of that case (a worker's report always names one). */
  caseCategory?: string;
}

/** A visit as the API shows it; notes are null (masked) unless the reader holds the cohort grant. */
export interface VisitView {
  id: number;
  taskId: number | null;
  cohortId: number;
  personId: number;
  gridCode: string;
  visitedOn: string;
  contact: Contact;
  notesMasked: boolean;
  health: string | null;
  living: string | null;
  needs: string | null;
  notes: string | null;
  memberLeft: boolean;
  caseId: number | null;
  onTime: boolean | null;
}

/** One line of the worker's list. */
export interface TaskView extends Omit<TaskRow, 'frequency' | 'form'> {
  label: string | null;
  overdue: boolean;
  frequency: Frequency | null;
  form: string[];
}

/** Coverage of one area: visits done on time ÷ visits due (null when none was due). */
export interface CoverageRow {
  code: string;
  due: number;
  onTime: number;
  rate: number | null;
}

const LEVEL_LENGTH = { district: 6, street: 9, community: 12, grid: 15 } as const;
/** Area levels coverage is cut by. */
export type CoverageLevel = keyof typeof LEVEL_LENGTH;

function hashVisit(content: object): string {
  return createHash('sha256').update(canonicalJson(content)).digest('hex');
}

/** Visit use cases. */
export class CareVisitService {
  constructor(private readonly s: CareSupport) {}

  private get db() {
    return this.s.deps.db;
  }

  private today(): string {
    return localDay(this.s.deps.clock.now());
  }

  /** Sets (or replaces) a cohort's visit plan (its managers). */
  async setPlan(
    actor: Actor,
    cohortId: number,
    input: { frequency: Frequency; form: FormField[]; active: boolean },
  ): Promise<{ cohortId: number; frequency: Frequency; form: string[]; active: boolean }> {
    careAdminPolicy.assertPermits(actor, 'plan');
    const form = [...new Set<string>(['contact', ...input.form])];
    return this.db.transaction(async (tx) => {
      const c = await this.s.repo.getCohort(tx, cohortId, true);
      if (!c || !careAdminPolicy.can(actor, 'plan', { areaCode: c.areaCode }))
        throw CareErrors.CohortNotFound({ params: { id: cohortId } });
      await this.s.repo.upsertPlan(tx, {
        cohortId,
        frequency: input.frequency,
        form,
        active: input.active,
        by: actorLabel(actor),
        at: this.s.deps.clock.now(),
      });
      await this.s.deps.audit.record(tx, {
        actor,
        action: 'care.plan_set',
        resourceType: 'care_cohort',
        resourceId: String(cohortId),
        areaCode: c.areaCode,
        details: { frequency: input.frequency, form, active: input.active },
      });
      return { cohortId, frequency: input.frequency, form, active: input.active };
    });
  }

  /**
   * Generates the tasks of the current period of every active plan (or of one cohort): members
   * without a task for the period get one, due on a working day from today to the period's end
   * (the next period when no working day is left in this one).
   */
  async generate(
    actor: Actor,
    opts: { cohortId?: number } = {},
  ): Promise<Array<{ cohortId: number; periodStart: string; created: number }>> {
    careAdminPolicy.assertPermits(actor, 'generate');
    const spec = await this.s.deps.calendar.load(this.db, FALLBACK_CALENDAR);
    const today = this.today();
    const plans = (await this.s.repo.activePlans(this.db)).filter(
      (p) => opts.cohortId === undefined || p.cohortId === opts.cohortId,
    );
    if (opts.cohortId !== undefined && plans.length === 0) {
      const c = await this.s.repo.getCohort(this.db, opts.cohortId);
      if (!c || !careAdminPolicy.can(actor, 'generate', { areaCode: c.areaCode }))
        throw CareErrors.CohortNotFound({ params: { id: opts.cohortId } });
      throw CareErrors.NoPlan({ params: { id: opts.cohortId } });
    }
    const out: Array<{ cohortId: number; periodStart: string; created: number }> = [];
    for (const plan of plans) {
      const result = await this.db.transaction(async (tx) => {
        const c = await this.s.repo.getCohort(tx, plan.cohortId, true);
        if (!c || !careAdminPolicy.can(actor, 'generate', { areaCode: c.areaCode })) return null;
        let period = periodOf(plan.frequency, today);
        let days = workingDaysBetween(today, period.end, (d) => isWorkingDay(spec, d));
        if (days.length === 0) {
          period = periodOf(plan.frequency, addDays(period.end, 1));
          days = workingDaysBetween(period.start, period.end, (d) => isWorkingDay(spec, d));
        }
        if (days.length === 0) return { cohortId: plan.cohortId, periodStart: period.start, created: 0 };
        const created = await this.generateIn(tx, plan.cohortId, period, days);
        await this.s.deps.audit.record(tx, {
          actor,
          action: 'care.tasks_generate',
          resourceType: 'care_cohort',
          resourceId: String(plan.cohortId),
          areaCode: c.areaCode,
          details: { periodStart: period.start, created },
        });
        return { cohortId: plan.cohortId, periodStart: period.start, created };
      });
      if (result) out.push(result);
    }
    return out;
  }

  private async generateIn(
    tx: Queryable,
    cohortId: number,
    period: { start: string; end: string },
    days: readonly string[],
  ): Promise<number> {
    const todo = await this.s.repo.membersWithoutTask(tx, cohortId, period.start);
    if (todo.length === 0) return 0;
    const byWorker = new Map<number | null, typeof todo>();
    for (const m of todo) {
      const list = byWorker.get(m.workerUserId) ?? [];
      list.push(m);
      byWorker.set(m.workerUserId, list);
    }
    const workers = [...byWorker.keys()].filter((w): w is number => w !== null);
    const load = await this.s.repo.workerLoad(tx, workers, days[0]!, days.at(-1)!);
    const rows: Parameters<CareSupport['repo']['insertTasks']>[1][number][] = [];
    for (const [worker, members] of byWorker) {
      const l = worker === null ? new Map<string, number>() : (load.get(worker) ?? new Map<string, number>());
      const due = balanceDays(members.length, days, l);
      for (const [i, m] of members.entries())
        rows.push({
          cohortId,
          personId: m.personId,
          gridCode: m.gridCode,
          workerUserId: worker,
          periodStart: period.start,
          periodEnd: period.end,
          dueDay: due[i]!,
        });
    }
    return this.s.repo.insertTasks(tx, rows, this.s.deps.clock.now());
  }

  /** The worker's visits due today and overdue, in the grids they staff; labels only where granted. */
  async myVisits(actor: Actor, opts: { limit: number }): Promise<{ today: string; items: TaskView[] }> {
    careVisitPolicy.assertPermits(actor, 'visit');
    if (actor.kind !== 'user') throw refusal(actor);
    const today = this.today();
    const [tasks, grants] = await Promise.all([
      this.s.repo.workerTasks(this.db, actor.userId, today, opts.limit),
      this.s.grantsOf(actor),
    ]);
    const cohorts = new Map<number, Awaited<ReturnType<CareSupport['repo']['getCohort']>>>();
    for (const id of new Set(tasks.map((t) => t.cohortId)))
      cohorts.set(id, await this.s.repo.getCohort(this.db, id));
    return {
      today,
      items: tasks.map((t) => {
        const c = cohorts.get(t.cohortId);
        return {
          ...t,
          label: c ? this.s.labelFor(actor, c, grants, t.gridCode) : null,
          overdue: t.dueDay < today,
          frequency: t.frequency,
          form: t.form ?? ['contact'],
        };
      }),
    };
  }

  /**
   * Resolves who may act on a member: a grid worker of the person's grid, or staff with the
   * cohort grant there. Anyone else gets 404 (the member's existence is not revealed).
   */
  private async memberAccess(
    tx: Queryable,
    actor: Actor,
    cohortId: number,
    personId: number,
    mode: 'visit' | 'read',
  ): Promise<{ gridCode: string; member: boolean; grants: Awaited<ReturnType<CareSupport['grantsOf']>> }> {
    const notFound = () => CareErrors.MemberNotFound({ params: { id: personId } });
    if (actor.kind === 'anonymous') throw refusal(actor);
    const person = await this.s.repo.personGrid(tx, personId);
    const cohort = await this.s.repo.getCohort(tx, cohortId);
    if (!person || !cohort || person.gridCode === null) throw notFound();
    const grants = await this.s.grantsOf(actor, tx);
    const staffs =
      actor.kind === 'system' ||
      (actor.kind === 'user' &&
        careVisitPolicy.can(actor, 'visit', { areaCode: person.gridCode }) &&
        (await this.s.repo.staffsGrid(tx, actor.userId, person.gridCode)));
    const granted =
      mode === 'read' &&
      careMemberPolicy.can(actor, 'read', { areaCode: person.gridCode }) &&
      this.s.seesNotes(actor, cohortId, grants, person.gridCode);
    if (!staffs && !granted) throw notFound();
    const m = await this.s.repo.membership(tx, cohortId, personId);
    if (!m.everMember) throw notFound();
    return { gridCode: person.gridCode, member: m.member, grants };
  }

  private visitView(
    actor: Actor,
    v: VisitRow,
    grants: Awaited<ReturnType<CareSupport['grantsOf']>>,
    dueDay?: string | null,
  ): VisitView {
    const sees = this.s.seesNotes(actor, v.cohortId, grants, v.gridCode);
    return {
      id: v.id,
      taskId: v.taskId,
      cohortId: v.cohortId,
      personId: v.personId,
      gridCode: v.gridCode,
      visitedOn: v.visitedOn,
      contact: v.contact,
      notesMasked: !sees,
      health: sees ? this.s.open(v.healthEnc) : null,
      living: sees ? this.s.open(v.livingEnc) : null,
      needs: sees ? this.s.open(v.needsEnc) : null,
      notes: sees ? this.s.open(v.notesEnc) : null,
      memberLeft: v.memberLeft,
      caseId: v.caseId,
      onTime: dueDay === undefined || dueDay === null ? null : v.visitedOn <= dueDay,
    };
  }

  /** The member's household card (masked) with their recent visits; audited as a view of a member. */
  async memberCard(actor: Actor, cohortId: number, personId: number) {
    return this.db.transaction(async (tx) => {
      const access = await this.memberAccess(tx, actor, cohortId, personId, 'read');
      const card = (await this.s.repo.householdCard(tx, personId))!;
      const cohort = (await this.s.repo.getCohort(tx, cohortId))!;
      const visits = await this.s.repo.visitsOf(tx, cohortId, personId, 10);
      await this.s.deps.audit.record(tx, {
        actor,
        action: 'care.member_view',
        resourceType: 'care_member',
        resourceId: `${cohortId}:${personId}`,
        areaCode: access.gridCode,
        purpose: 'care_visit',
      });
      return {
        cohortId,
        label: this.s.labelFor(actor, cohort, access.grants, access.gridCode),
        member: access.member,
        card,
        visits: visits.map((v) => this.visitView(actor, v, access.grants)),
      };
    });
  }

  /**
   * Records a visit. A replay of the same key and content answers with the first visit (and
   * finishes its case if the first attempt stopped before it); the same key with other content
   * is 409. A member who left the cohort: accepted, `memberLeft`.
   */
  async submit(actor: Actor, input: VisitInput): Promise<{ visit: VisitView; replayed: boolean }> {
    careVisitPolicy.assertPermits(actor, 'visit');
    if (actor.kind !== 'user') throw refusal(actor);
    if (input.createCase && !input.needs) throw CareErrors.CaseNeeds({ field: 'body/needs' });
    if (input.createCase && !input.caseCategory) throw CareErrors.CaseNeeds({ field: 'body/caseCategory' });
    const { idempotencyKey, ...content } = input;
    const requestHash = hashVisit(content);
    const day = input.visitedOn ?? this.today();
    const prior = await this.s.repo.findVisitByKey(this.db, actor.userId, idempotencyKey);
    if (prior) return this.replay(actor, prior, requestHash, idempotencyKey, input);
    const done = await this.db.transaction(async (tx) => {
      const access = await this.memberAccess(tx, actor, input.cohortId, input.personId, 'visit');
      let task: { id: number; dueDay: string } | undefined;
      if (input.taskId !== undefined) {
        const t = await this.s.repo.taskById(tx, input.taskId);
        if (!t || t.cohortId !== input.cohortId || t.personId !== input.personId)
          throw CareErrors.TaskMismatch({ params: { id: input.taskId }, field: 'body/taskId' });
        task = t.status === 'open' ? { id: t.id, dueDay: t.dueDay } : undefined;
      } else task = await this.s.repo.openTaskFor(tx, input.cohortId, input.personId, day);
      const at = this.s.deps.clock.now();
      const id = await this.s.repo.insertVisit(tx, {
        taskId: task?.id ?? null,
        cohortId: input.cohortId,
        personId: input.personId,
        gridCode: access.gridCode,
        workerUserId: actor.userId,
        idempotencyKey,
        requestHash,
        visitedOn: day,
        contact: input.contact,
        healthEnc: this.s.seal(input.health),
        livingEnc: this.s.seal(input.living),
        needsEnc: this.s.seal(input.needs),
        notesEnc: this.s.seal(input.notes),
        photoId: input.photoId ?? null,
        memberLeft: !access.member,
        at,
      });
      if (id === undefined) return undefined; // a concurrent replay won: answer with its visit
      if (task) await this.s.repo.completeTask(tx, task.id, id, day);
      await this.s.deps.audit.record(tx, {
        actor,
        action: 'care.visit',
        resourceType: 'care_visit',
        resourceId: String(id),
        areaCode: access.gridCode,
        details: {
          cohortId: input.cohortId,
          personId: input.personId,
          contact: input.contact,
          memberLeft: !access.member,
        },
      });
      await this.notMetAlert(tx, { ...input, visitId: id, gridCode: access.gridCode, at });
      return { id, dueDay: task?.dueDay ?? null };
    });
    if (done === undefined) {
      const raced = await this.s.repo.findVisitByKey(this.db, actor.userId, idempotencyKey);
      if (raced) return this.replay(actor, raced, requestHash, idempotencyKey, input);
      throw CareErrors.IdempotencyMismatch({ params: { key: idempotencyKey } });
    }
    const visit = await this.raiseCase(actor, (await this.s.repo.getVisit(this.db, done.id))!, input);
    const grants = await this.s.grantsOf(actor);
    return { visit: this.visitView(actor, visit, grants, done.dueDay), replayed: false };
  }

  private async replay(
    actor: Extract<Actor, { kind: 'user' }>,
    prior: VisitRow,
    requestHash: string,
    key: string,
    input: VisitInput,
  ): Promise<{ visit: VisitView; replayed: boolean }> {
    if (prior.requestHash !== requestHash) throw CareErrors.IdempotencyMismatch({ params: { key } });
    const visit = await this.raiseCase(actor, prior, input);
    return { visit: this.visitView(actor, visit, await this.s.grantsOf(actor)), replayed: true };
  }

  /**
   * "Needs found → new case": one case per visit, filed through the case intake with the key
   * `care-visit:<visit id>` (a retry, or a replay after a crash between the two transactions,
   * files nothing new), then linked to the visit. Its description is the needs text only.
   */
  private async raiseCase(actor: Actor, visit: VisitRow, input: VisitInput): Promise<VisitRow> {
    const intake = this.s.deps.intake;
    if (!input.createCase || !input.needs || visit.caseId !== null || !intake) return visit;
    const place = await this.s.repo.placeOf(this.db, visit.personId);
    if (!place) return visit;
    const { result } = await intake.report(actor, {
      channel: 'patrol',
      idempotencyKey: `care-visit:${visit.id}`,
      lng: place.lng,
      lat: place.lat,
      ...(place.address ? { address: place.address } : {}),
      description: input.needs,
      ...(input.caseCategory ? { categoryCode: input.caseCategory } : {}),
      ...(input.photoId !== undefined ? { photoIds: [input.photoId] } : {}),
      externalRef: `care-visit:${visit.id}`,
    });
    await this.db.transaction(async (tx) => {
      await this.s.repo.setVisitCase(tx, visit.id, result.id);
      await this.s.deps.audit.record(tx, {
        actor,
        action: 'care.visit_case',
        resourceType: 'care_visit',
        resourceId: String(visit.id),
        areaCode: visit.gridCode,
        details: { caseId: result.id },
      });
    });
    return { ...visit, caseId: result.id };
  }

  /** M visits in a row not in person: one alert (on the visit that completes the run), to the community. */
  private async notMetAlert(
    tx: Queryable,
    v: { cohortId: number; personId: number; contact: Contact; visitId: number; gridCode: string; at: Date },
  ): Promise<void> {
    const m = this.s.settings.notMetInARow;
    if (v.contact === 'in_person' || m < 1) return;
    const last = await this.s.repo.lastContacts(tx, v.cohortId, v.personId, m + 1);
    const run = last.indexOf('in_person');
    const length = run === -1 ? last.length : run;
    if (length !== m) return;
    if (
      !(await this.s.repo.insertAlert(tx, {
        kind: 'not_met',
        cohortId: v.cohortId,
        personId: v.personId,
        gridCode: v.gridCode,
        taskId: null,
        visitId: v.visitId,
        at: v.at,
      }))
    )
      return;
    await this.notifyCommunity(tx, [{ gridCode: v.gridCode, kind: 'care_not_met', ref: v.visitId }], v.at);
  }

  /**
   * Escalates tasks still open `escalateAfterDays` after their due day: marks them, records an
   * alert and tells the community (supervisors whose area holds the grid, and the grid leader).
   * Each task once, on any number of nodes (row locks, SKIP LOCKED, the alert's unique index).
   */
  async escalateOverdue(now: Date): Promise<number> {
    const before = addDays(localDay(now), -this.s.settings.escalateAfterDays);
    let total = 0;
    for (;;) {
      const n = await this.db.transaction(async (tx) => {
        const tasks = await this.s.repo.lockOverdue(tx, before, 500);
        if (tasks.length === 0) return 0;
        await this.s.repo.markEscalated(
          tx,
          tasks.map((t) => t.id),
          now,
        );
        const fresh: typeof tasks = [];
        for (const t of tasks)
          if (
            await this.s.repo.insertAlert(tx, {
              kind: 'overdue',
              cohortId: t.cohortId,
              personId: t.personId,
              gridCode: t.gridCode,
              taskId: t.id,
              visitId: null,
              at: now,
            })
          )
            fresh.push(t);
        await this.notifyCommunity(
          tx,
          fresh.map((t) => ({ gridCode: t.gridCode, kind: 'care_overdue', ref: t.id })),
          now,
        );
        return tasks.length;
      });
      total += n;
      if (n < 500) return total;
    }
  }

  /** In-app notices that name no person and no cohort: a task or visit id and the grid. */
  private async notifyCommunity(
    tx: Queryable,
    items: ReadonlyArray<{ gridCode: string; kind: 'care_overdue' | 'care_not_met'; ref: number }>,
    at: Date,
  ): Promise<void> {
    if (items.length === 0) return;
    const leaders = await this.s.repo.gridLeaders(
      tx,
      items.map((i) => i.gridCode),
    );
    await this.s.deps.inbox.notifyMany(
      tx,
      items.map((i) => {
        const leader = leaders.get(i.gridCode);
        return {
          audiences: [
            { kind: 'area_roles' as const, roles: ['supervisor' as const], gridCode: i.gridCode },
            ...(leader !== undefined ? [{ kind: 'users' as const, userIds: [leader] }] : []),
          ],
          caseId: null,
          kind: i.kind,
          titleZh: i.kind === 'care_overdue' ? '重点人群走访逾期' : '重点人群多次未见面',
          titleEn:
            i.kind === 'care_overdue' ? 'A care visit is overdue' : 'A cohort member was not met in person',
          body:
            i.kind === 'care_overdue'
              ? { taskId: i.ref, gridCode: i.gridCode }
              : { visitId: i.ref, gridCode: i.gridCode },
          at,
        };
      }),
    );
  }

  /** Alerts in the reader's area (no labels, no names: ids to open with a grant). */
  async alerts(actor: Actor, opts: { limit: number }) {
    careCoveragePolicy.assertPermits(actor, 'read');
    const rows = await this.s.repo.alerts(this.db, careCoveragePolicy.scopeFor(actor, 'read'), opts.limit);
    return rows.map((r) => ({ ...r, at: r.at.toISOString() }));
  }

  /**
   * Coverage per area of a level (and optionally of one cohort): visits done on time ÷ visits
   * due, where a visit is due on its task's due day in [from, to] (to capped at today: a task
   * due tomorrow is not due yet), done on time when visited on or before that day.
   */
  async coverage(
    actor: Actor,
    q: { level: CoverageLevel; within?: string; from: string; to: string; cohortId?: number },
  ): Promise<{ level: CoverageLevel; from: string; to: string; items: CoverageRow[]; total: CoverageRow }> {
    careCoveragePolicy.assertPermits(actor, 'read');
    if (q.within !== undefined) careCoveragePolicy.assert(actor, 'read', { areaCode: q.within });
    for (const [key, day] of [
      ['from', q.from],
      ['to', q.to],
    ] as const)
      if (!isCalendarDay(day))
        throw CareErrors.BadPeriod({ params: { from: q.from, to: q.to }, field: `querystring/${key}` });
    const today = this.today();
    // Days are YYYY-MM-DD strings: the earlier of the two (a task due tomorrow is not due yet).
    const to = [q.to, today].sort()[0]!;
    if (q.from > to)
      throw CareErrors.BadPeriod({ params: { from: q.from, to: q.to }, field: 'querystring/from' });
    const rows = await this.s.repo.coverage(this.db, {
      codeLength: LEVEL_LENGTH[q.level],
      scope: careCoveragePolicy.scopeFor(actor, 'read'),
      ...(q.within ? { within: q.within } : {}),
      from: q.from,
      to,
      ...(q.cohortId !== undefined ? { cohortId: q.cohortId } : {}),
    });
    const rate = (due: number, onTime: number) => (due === 0 ? null : onTime / due);
    const due = rows.reduce((s, r) => s + r.due, 0);
    const onTime = rows.reduce((s, r) => s + r.onTime, 0);
    return {
      level: q.level,
      from: q.from,
      to,
      items: rows.map((r) => ({ ...r, rate: rate(r.due, r.onTime) })),
      total: { code: q.within ?? '', due, onTime, rate: rate(due, onTime) },
    };
  }
}

/** True for a YYYY-MM-DD that names a real day of the Gregorian calendar (not 2026-02-30). */
function isCalendarDay(s: string): boolean {
  const d = new Date(`${s}T00:00:00Z`);
  return !Number.isNaN(d.getTime()) && d.toISOString().slice(0, 10) === s;
}
