/**
 * Reading cases: staff search and detail (scoped in SQL), "my reports" for residents, and the
 * public tracking view by code — stages and public replies, no personal data.
 */
import type { Actor } from '../../kernel/actor.js';
import { CaseErrors } from './case.errors.js';
import { casePolicy } from './case.policy.js';
import { presentFreeText } from './case.presenter.js';
import type { CaseDetail, CaseRecord, PublicCaseView } from './case.types.js';
import type { CaseSearch } from './case-search.repository.js';
import { allowedActions, stageOf } from './case-state.js';
import type { CaseSupport } from './case-support.js';
import { snapshotOf } from './case-transition.js';

/** The clear fields of a case a reveal may ask for (minimum necessary: only what the purpose needs). */
export const CASE_REVEAL_FIELDS = ['reporterName', 'reporterPhone', 'description', 'address'] as const;
/** One field of CASE_REVEAL_FIELDS. */
export type CaseRevealField = (typeof CASE_REVEAL_FIELDS)[number];

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
    // Raw text only where the actor could reveal it anyway; elsewhere the redacted copies.
    return this.s.deps.repo.search(this.s.deps.db, this.s.visibility(actor), {
      ...filter,
      rawTextScope: casePolicy.scopeFor(actor, 'reveal'),
    });
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
    const actorNames = casePolicy.can(actor, 'see_actor_names', resource);
    return { record, events, photos, reporters, actions, actorNames };
  }

  /**
   * The clear reporter data and unredacted texts of one case, for a stated purpose; the audit
   * record (`case.reveal`, with the purpose and the fields shown) is written in the same
   * transaction. 404 outside the actor's read scope, 403 inside it without the reveal right.
   */
  async reveal(
    actor: Actor,
    id: number,
    input: { purpose: string; fields: readonly CaseRevealField[]; origin?: string },
  ): Promise<{ id: number } & Partial<Record<CaseRevealField, string | null>>> {
    casePolicy.assertPermits(actor, 'reveal');
    const { db, repo, cipher, audit } = this.s.deps;
    return db.transaction(async (tx) => {
      const c = await repo.findVisible(tx, id, this.s.visibility(actor));
      if (!c) throw CaseErrors.CaseNotFound({ params: { id } });
      casePolicy.assert(actor, 'reveal', { areaCode: c.gridCode, departments: [], reporterUserIds: [] });
      const clear = (v: string | null) => (v ? cipher.decrypt(v) : null);
      const all: Record<CaseRevealField, () => string | null> = {
        reporterName: () => clear(c.reporterNameEnc),
        reporterPhone: () => clear(c.reporterPhoneEnc),
        description: () => c.description,
        address: () => c.address,
      };
      const out: { id: number } & Partial<Record<CaseRevealField, string | null>> = { id };
      for (const f of input.fields) out[f] = all[f]();
      await audit.record(tx, {
        actor,
        action: 'case.reveal',
        resourceType: 'case',
        resourceId: String(id),
        areaCode: c.gridCode,
        purpose: input.purpose,
        details: { fields: [...input.fields] },
        ...(input.origin ? { origin: input.origin } : {}),
      });
      return out;
    });
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
      description: presentFreeText(c.description),
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
          note: e.publicNote ? presentFreeText(e.note) : '',
          actorRole: e.actorRole,
        })),
    };
  }
}
