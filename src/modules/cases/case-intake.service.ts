/**
 * Intake: one use case for every channel. A report is located to its grid, checked against its
 * category, routed to a suggested department, stored with its event, rollup, audit record and
 * idempotency key in ONE transaction — committed before the 2xx — and announced live.
 */
import { sqlState } from '../../db/db.js';
import { CommonErrors } from '../../lib/errors.js';
import type { Actor } from '../identity/actor.js';
import { codeWithin } from '../identity/policy.js';
import type { Category } from '../taxonomy/taxonomy.types.js';
import { CaseErrors } from './case.errors.js';
import { casePolicy } from './case.policy.js';
import type { CaseRecord, Channel, HotlineType } from './case.types.js';
import { startClock } from './case-clock.js';
import { newCaseSnapshot } from './case-state.js';
import { type CaseSupport, hashRequest, idempotencyScope, newPublicCode } from './case-support.js';
import { RoutingRepository } from './routing.repository.js';

/** A report as it comes in from any channel. */
export interface IntakeInput {
  channel: Channel;
  /** Client-chosen key; a retry with the same key returns the first answer and creates nothing. */
  idempotencyKey: string;
  lng: number;
  lat: number;
  address?: string;
  categoryCode?: string;
  hotlineType?: HotlineType;
  description: string;
  reporterName?: string;
  reporterPhone?: string;
  photoIds?: number[];
  externalRef?: string;
}

/** A nearby open case the reporter may join instead of filing ("me too"). */
export interface DuplicateCandidate {
  id: number;
  publicCode: string;
  categoryCode: string | null;
  description: string;
  state: string;
  distanceM: number;
  similarity: number;
  reportedAt: string;
}

/** The answer to an intake (stored verbatim for idempotent replays). */
export interface IntakeResult {
  id: number;
  publicCode: string;
  state: string;
  gridCode: string;
  suggestedDepartment: string | null;
  routing: string;
  deadline: string | null;
  possibleDuplicates: DuplicateCandidate[];
}

/** Defaults of the duplicate check (DOMAIN §3): 250 m and 30 days. */
export const DUPLICATE_RADIUS_M = 250;
export const DUPLICATE_WINDOW_DAYS = 30;

const CHANNEL_ACTION: Record<Channel, string> = {
  resident: 'report',
  patrol: 'report_patrol',
  hotline: 'report_hotline',
  sensor: 'report_sensor',
  open311: 'report_open311',
  bulk: 'report_bulk',
};

/** Intake use cases: report, check for duplicates, join ("me too"). */
export class CaseIntakeService {
  private readonly routing = new RoutingRepository();

  constructor(private readonly s: CaseSupport) {}

  /**
   * Takes a report from any channel. Returns `replayed: true` with the first answer when the
   * idempotency key was seen before with the same content.
   */
  async report(actor: Actor, input: IntakeInput): Promise<{ result: IntakeResult; replayed: boolean }> {
    this.assertChannelAllowed(actor, input.channel);
    const { db, clock, cipher, repo, locate } = this.s.deps;
    const scope = idempotencyScope(actor);
    const { idempotencyKey: _key, ...content } = input;
    const requestHash = hashRequest(content);
    const prior = await repo.findIdempotent(db, scope, input.idempotencyKey);
    if (prior) return this.replay(prior, requestHash, input.idempotencyKey);

    const location = await locate.locate(input.lng, input.lat);
    if (!location)
      throw CaseErrors.OutsideCity({ params: { lng: input.lng, lat: input.lat }, field: 'body/lng' });
    const gridCode = location.grid.code;
    if (input.channel === 'patrol')
      casePolicy.assert(actor, 'report_patrol', { areaCode: gridCode, departments: [], reporterUserIds: [] });

    try {
      const result = await db.transaction(async (tx) => {
        const category = await this.category(tx, input);
        if (category?.photoRequired && input.channel === 'patrol' && (input.photoIds?.length ?? 0) === 0) {
          throw CaseErrors.PhotoRequired({ params: { code: category.code }, field: 'body/photoIds' });
        }
        const { rows } = await tx.query<{ id: number }>(
          'SELECT id FROM areas WHERE code = $1 AND valid_to IS NULL',
          [gridCode],
        );
        const areaId = rows[0]?.id;
        if (areaId === undefined)
          throw CaseErrors.OutsideCity({ params: { lng: input.lng, lat: input.lat } });
        const route = await this.suggestDepartment(tx, category, gridCode);
        const now = clock.now();
        const snapshot = newCaseSnapshot();
        const draft = {
          publicCode: newPublicCode(now),
          state: snapshot.state,
          channel: input.channel,
          categoryVersion: category?.version ?? null,
          categoryCode: category?.code ?? null,
          hotlineType: input.hotlineType ?? null,
          urgent: category?.urgent ?? false,
          description: input.description.trim(),
          address: input.address?.trim() || null,
          lng: input.lng,
          lat: input.lat,
          gridCode,
          areaId,
          departmentCode: route.department,
          tasks: [],
          // The hotline operator or bulk importer is not the reporter: the caller is (known by phone).
          reporterUserId:
            actor.kind === 'user' && (input.channel === 'resident' || input.channel === 'patrol')
              ? actor.userId
              : null,
          reporterNameEnc: input.reporterName ? cipher.encrypt(input.reporterName) : null,
          reporterPhoneEnc: input.reporterPhone ? cipher.encrypt(input.reporterPhone) : null,
          reporterPhoneHash: input.reporterPhone ? cipher.lookupHash(input.reporterPhone) : null,
          externalRef: input.externalRef ?? null,
          reportedAt: now,
          updatedAt: now,
          clockStage: null,
          clockStartedAt: null,
          clockDeadline: null,
          clockPausedMinutes: null,
        } satisfies Parameters<typeof repo.insert>[1];
        const clockHolder = { ...draft } as unknown as CaseRecord;
        startClock(
          clockHolder,
          'file',
          now,
          await this.s.calendar(tx),
          category?.deadlines ?? (await this.s.deadlinesOf(tx, draft)),
        );
        const c = await repo.insert(tx, {
          ...draft,
          clockStage: clockHolder.clockStage,
          clockStartedAt: clockHolder.clockStartedAt,
          clockDeadline: clockHolder.clockDeadline,
        });
        await repo.addReporter(tx, {
          caseId: c.id,
          userId: c.reporterUserId,
          phoneHash: c.reporterPhoneHash,
          phoneEnc: c.reporterPhoneEnc,
          nameEnc: c.reporterNameEnc,
          channel: c.channel,
          original: true,
          at: now,
        });
        // Everything but the audited record first: record() takes the audit chain head lock, which
        // serialises every audited write until COMMIT, so only the photo link may follow it.
        // The duplicate check (the slowest read) does not see the new case anyway (excluded).
        const possibleDuplicates = await this.candidates(tx, {
          lng: c.lng,
          lat: c.lat,
          categoryCode: c.categoryCode,
          text: c.description,
          excludeId: c.id,
        });
        const result: IntakeResult = {
          id: c.id,
          publicCode: c.publicCode,
          state: c.state,
          gridCode,
          suggestedDepartment: route.department,
          routing: route.reason,
          deadline: c.clockDeadline?.toISOString() ?? null,
          possibleDuplicates,
        };
        await repo.saveIdempotent(tx, {
          scope,
          key: input.idempotencyKey,
          requestHash,
          caseId: c.id,
          response: result,
          at: now,
        });
        const event = await this.s.record(tx, c, {
          actor,
          action: 'report',
          fromState: null,
          departmentCode: route.department,
          note: '',
          data: { channel: c.channel, routing: route.reason, hotlineType: c.hotlineType },
          notify: {
            audiences: [{ kind: 'area_roles', roles: ['dispatcher'], gridCode }],
            titleZh: `新上报 ${c.publicCode}`,
            titleEn: `New report ${c.publicCode}`,
          },
        });
        const photos = input.photoIds ?? [];
        if (
          photos.length > 0 &&
          (await repo.attachPhotos(
            tx,
            c.id,
            event.id,
            photos,
            actor.kind === 'user' ? actor.userId : null,
          )) !== photos.length
        ) {
          throw CaseErrors.UnknownPhoto({ params: { id: photos.join(',') }, field: 'body/photoIds' });
        }
        return result;
      });
      return { result, replayed: false };
    } catch (err) {
      // A concurrent request with the same key won the race: answer with its result.
      if (sqlState(err) === '23505') {
        const winner = await repo.findIdempotent(db, scope, input.idempotencyKey);
        if (winner) return this.replay(winner, requestHash, input.idempotencyKey);
      }
      throw err;
    }
  }

  /** Open cases of the same kind nearby, for the "me too" prompt while a resident types. */
  async findDuplicates(
    actor: Actor,
    p: { lng: number; lat: number; categoryCode?: string; text: string },
  ): Promise<DuplicateCandidate[]> {
    casePolicy.assertPermits(actor, 'report');
    return this.candidates(this.s.deps.db, { ...p, categoryCode: p.categoryCode ?? null, excludeId: null });
  }

  /** "Me too": the actor joins an open case as a reporter instead of filing a new one. */
  async join(
    actor: Actor,
    publicCode: string,
    p: { reporterPhone?: string; reporterName?: string },
  ): Promise<{ publicCode: string; reporters: number }> {
    casePolicy.assertPermits(actor, 'report');
    const { db, repo, cipher, clock } = this.s.deps;
    return db.transaction(async (tx) => {
      const found = await repo.findByPublicCode(tx, publicCode);
      if (!found) throw CaseErrors.CaseNotFound({ params: { id: publicCode } });
      const c = (await repo.findById(tx, found.id, true))!;
      if (['closed', 'evaluated', 'rejected', 'voided'].includes(c.state)) throw CaseErrors.NotJoinable();
      const userId = actor.kind === 'user' ? actor.userId : null;
      const phoneHash = p.reporterPhone ? cipher.lookupHash(p.reporterPhone) : null;
      const added = await repo.addReporter(tx, {
        caseId: c.id,
        userId,
        phoneHash,
        phoneEnc: p.reporterPhone ? cipher.encrypt(p.reporterPhone) : null,
        nameEnc: p.reporterName ? cipher.encrypt(p.reporterName) : null,
        channel: 'resident',
        original: false,
        at: clock.now(),
      });
      if (!added) throw CaseErrors.AlreadyJoined();
      await this.s.record(tx, c, { actor, action: 'join', fromState: c.state, data: {} });
      return { publicCode: c.publicCode, reporters: await repo.reporterCount(tx, c.id) };
    });
  }

  private assertChannelAllowed(actor: Actor, channel: Channel): void {
    if (channel === 'resident') {
      // Residents may report without signing in (rate-limited at the edge); staff report too.
      if (actor.kind === 'anonymous' || actor.kind === 'system') return;
      casePolicy.assertPermits(actor, 'report');
      return;
    }
    if (channel === 'sensor' || channel === 'open311') {
      if (actor.kind === 'system') return;
      throw actor.kind === 'anonymous' ? CommonErrors.Unauthenticated() : CommonErrors.Forbidden();
    }
    casePolicy.assertPermits(actor, CHANNEL_ACTION[channel]);
  }

  private async category(
    tx: Parameters<CaseSupport['calendar']>[0],
    input: IntakeInput,
  ): Promise<Category | undefined> {
    if (!input.categoryCode) {
      if (input.channel === 'patrol' || input.channel === 'sensor')
        throw CaseErrors.CategoryRequired({ field: 'body/categoryCode' });
      return undefined;
    }
    const category = await this.s.taxonomy.activeCategory(tx, input.categoryCode);
    if (!category)
      throw CaseErrors.UnknownCategory({ params: { code: input.categoryCode }, field: 'body/categoryCode' });
    return category;
  }

  /** Routing: the most specific rule for category × area, else the category's owner department. */
  private async suggestDepartment(
    tx: Parameters<CaseSupport['calendar']>[0],
    category: Category | undefined,
    gridCode: string,
  ): Promise<{ department: string | null; reason: string }> {
    const rule = await this.routing.bestRule(tx, category?.code ?? null, gridCode);
    if (rule && (rule.categoryCode !== null || category)) {
      return { department: rule.departmentCode, reason: `rule:${rule.id}` };
    }
    if (category) return { department: category.departmentCode, reason: 'category_owner' };
    return { department: null, reason: 'dispatcher_queue' };
  }

  private async candidates(
    q: Parameters<CaseSupport['calendar']>[0],
    p: { lng: number; lat: number; categoryCode: string | null; text: string; excludeId: number | null },
  ): Promise<DuplicateCandidate[]> {
    const since = new Date(this.s.deps.clock.now().getTime() - DUPLICATE_WINDOW_DAYS * 86_400_000);
    const rows = await this.s.deps.repo.findNearbyOpen(q, {
      lng: p.lng,
      lat: p.lat,
      categoryCode: p.categoryCode,
      meters: DUPLICATE_RADIUS_M,
      since,
      text: p.text,
      limit: 6,
    });
    return rows
      .filter((r) => r.id !== p.excludeId)
      .filter((r) => p.categoryCode !== null || r.similarity >= 0.2)
      .slice(0, 5)
      .map((r) => ({
        id: r.id,
        publicCode: r.publicCode,
        categoryCode: r.categoryCode,
        description: r.description,
        state: r.state,
        distanceM: Math.round(r.distanceM),
        similarity: Math.round(r.similarity * 100) / 100,
        reportedAt: r.reportedAt.toISOString(),
      }));
  }

  private replay(
    prior: { requestHash: string; response: unknown },
    requestHash: string,
    key: string,
  ): { result: IntakeResult; replayed: boolean } {
    if (prior.requestHash !== requestHash)
      throw CaseErrors.IdempotencyKeyReused({ params: { key }, field: 'body/idempotencyKey' });
    return { result: prior.response as IntakeResult, replayed: true };
  }
}

/** True when a grid lies inside an area code (exported for routes that pre-check scope). */
export const gridWithin = codeWithin;
