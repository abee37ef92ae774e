/**
 * Reading cases: staff search and detail (scoped in SQL), "my reports" for residents, and the
 * public tracking view by code — stages and public replies, no personal data.
 */
import { redactFreeText } from '../../lib/privacy.js';
import type { Actor } from '../identity/actor.js';
import { CaseErrors } from './case.errors.js';
import { casePolicy } from './case.policy.js';
import type { CaseSearch } from './case.repository.js';
import type { CaseEvent, CaseRecord } from './case.types.js';
import { allowedActions, type CaseActionType, stageOf } from './case-state.js';
import type { CaseSupport } from './case-support.js';
import { snapshotOf } from './case-transition.js';

/** A case with its history, as staff see it (personal fields still encrypted; the presenter masks). */
export interface CaseDetail {
  record: CaseRecord;
  events: CaseEvent[];
  photos: Array<{
    id: number;
    purpose: string;
    mime: string;
    bytes: number;
    sha256: string;
    eventId: number | null;
  }>;
  reporters: number;
  /** Actions this actor could take now (for buttons). */
  actions: CaseActionType[];
}

/** What anyone holding the tracking code may see. */
export interface PublicCaseView {
  publicCode: string;
  state: string;
  stage: string | null;
  categoryCode: string | null;
  description: string;
  gridCode: string;
  reportedAt: Date;
  closedAt: Date | null;
  deadline: Date | null;
  evaluation: string | null;
  timeline: Array<{ at: Date; action: string; state: string; note: string }>;
}

/** Events that are internal workflow, not shown on the public tracking page. */
const INTERNAL_EVENTS = new Set([
  'join',
  'request_extension',
  'deny_extension',
  'due_soon',
  'escalate',
  'merged_from',
]);

/** Read use cases on cases. */
export class CaseQueryService {
  constructor(private readonly s: CaseSupport) {}

  /** Staff search within the actor's scope. */
  async search(actor: Actor, filter: CaseSearch): Promise<{ items: CaseRecord[]; total: number }> {
    casePolicy.assertPermits(actor, 'search');
    return this.s.deps.repo.search(this.s.deps.db, this.s.visibility(actor), filter);
  }

  /** One case with history; 404 when it is outside the actor's scope. */
  async get(actor: Actor, id: number): Promise<CaseDetail> {
    casePolicy.assertPermits(actor, 'read');
    const { db, repo } = this.s.deps;
    const record = await repo.findVisible(db, id, this.s.visibility(actor));
    if (!record) throw CaseErrors.CaseNotFound({ params: { id } });
    const [events, photos, reporters, reporterIds] = await Promise.all([
      repo.events(db, id),
      repo.photos(db, id),
      repo.reporterCount(db, id),
      repo.reporterUserIds(db, id),
    ]);
    const resource = {
      areaCode: record.gridCode,
      departments: [
        ...record.tasks.map((t) => t.department),
        ...(record.departmentCode ? [record.departmentCode] : []),
      ],
      reporterUserIds: reporterIds,
    };
    const actions = allowedActions(snapshotOf(record)).filter((a) => casePolicy.can(actor, a, resource));
    return { record, events, photos, reporters, actions };
  }

  /** Public tracking by code: no sign-in, no personal data, only public notes. */
  async track(publicCode: string): Promise<PublicCaseView> {
    const { db, repo } = this.s.deps;
    const c = await repo.findByPublicCode(db, publicCode);
    if (!c) throw CaseErrors.CaseNotFound({ params: { id: publicCode } });
    const events = await repo.events(db, c.id);
    return {
      publicCode: c.publicCode,
      state: c.state,
      stage: stageOf(snapshotOf(c)),
      categoryCode: c.categoryCode,
      description: redactFreeText(c.description),
      gridCode: c.gridCode,
      reportedAt: c.reportedAt,
      closedAt: c.closedAt,
      deadline: c.clockDeadline,
      evaluation: c.evaluation,
      timeline: events
        .filter((e) => !INTERNAL_EVENTS.has(e.action))
        .map((e) => ({
          at: e.at,
          action: e.action,
          state: e.toState,
          note: e.publicNote ? redactFreeText(e.note) : '',
        })),
    };
  }
}
