/**
 * Intake: one use case for every channel. A report is located to its grid, checked against its
 * category, routed to a suggested department, stored with its event, rollup, audit record and
 * idempotency key in ONE transaction — committed before the 2xx — and announced live.
 */

import { type Queryable, sqlState } from '../../db/db.js';
import type { Actor } from '../../kernel/actor.js';
import { codeWithin, refusal } from '../../kernel/policy.js';
import { uploadKeyHash } from '../../kernel/upload-key.js';
import { Batcher, type Outcome } from '../../lib/batcher.js';
import { AppError } from '../../lib/errors.js';
import { normalisePhone } from '../../lib/privacy.js';
import { bestRule } from '../routing/index.js';
import type { Category } from '../taxonomy/index.js';
import { CaseErrors } from './case.errors.js';
import { CHANNEL_ACTION, casePolicy } from './case.policy.js';
import { presentCandidate } from './case.presenter.js';
import { idempotencyMapKey, type NearbyOpenCase, type NearbyQuery, type NewCase } from './case.repository.js';
import type { CaseRecord, Channel, DuplicateCandidate, HotlineType } from './case.types.js';
import {
  type CaseSupport,
  hashRequest,
  type IntakeConfig,
  idempotencyScope,
  newPublicCode,
} from './case-support.js';

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
  /** The upload key of anonymous photos (see photos/upload-key.ts). */
  photoKey?: string;
  externalRef?: string;
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

/** A report validated, located, categorised, routed and clocked: ready to be written. */
interface PreparedReport {
  actor: Actor;
  input: IntakeInput;
  scope: string;
  requestHash: string;
  draft: Omit<NewCase, 'areaId'>;
  route: { department: string | null; reason: string };
}

/** The answer to one report. */
type ReportAnswer = { result: IntakeResult; replayed: boolean };

/**
 * Intake use cases: report, check for duplicates, join ("me too").
 *
 * A report is checked and prepared on its own (channel, location, category, routing, deadline —
 * no database round trip: categories, routing rules and the calendar are cached), then written
 * through a Batcher: reports that arrive while others are being written share one transaction
 * (group commit), with a fixed number of statements per batch. Each report still gets its own
 * answer, and a report that fails its batch is written again alone (see lib/batcher.ts).
 */
export class CaseIntakeService {
  /** Writes the reports; its `stats` show how well reports were batched. */
  readonly batcher: Batcher<PreparedReport, ReportAnswer>;

  constructor(private readonly s: CaseSupport) {
    this.batcher = new Batcher((items) => this.writeBatch(items));
  }

  /**
   * Takes a report from any channel. Returns `replayed: true` with the first answer when the
   * idempotency key was seen before with the same content. The case is committed before this
   * resolves.
   */
  async report(actor: Actor, input: IntakeInput, opts: { client?: string } = {}): Promise<ReportAnswer> {
    this.assertChannelAllowed(actor, input.channel);
    const { db, repo } = this.s.deps;
    const scope = idempotencyScope(actor, opts.client);
    const { idempotencyKey: _key, ...content } = input;
    const requestHash = hashRequest(content);
    try {
      return await this.batcher.submit(await this.prepare(actor, input, scope, requestHash));
    } catch (err) {
      // A retry of a report accepted earlier gets the first answer even if the report would not be
      // accepted now (category withdrawn, boundary redrawn), and a concurrent request with the same
      // key that won the race (23505) answers with its result.
      if (!(err instanceof AppError) && sqlState(err) !== '23505') throw err;
      const prior = await repo.findIdempotent(db, scope, input.idempotencyKey);
      if (prior) return this.replay(prior, requestHash, input.idempotencyKey);
      throw err;
    }
  }

  /** Everything about a report that needs no transaction. */
  private async prepare(
    actor: Actor,
    input: IntakeInput,
    scope: string,
    requestHash: string,
  ): Promise<PreparedReport> {
    const { clock, cipher, locate } = this.s.deps;
    const gridCode = await locate.locateCode(input.lng, input.lat);
    if (!gridCode)
      throw CaseErrors.OutsideCity({ params: { lng: input.lng, lat: input.lat }, field: 'body/lng' });
    // Patrols and bulk reports are staff acts in an area: only inside the reporter's grants.
    if (input.channel === 'patrol' || input.channel === 'bulk')
      casePolicy.assert(actor, CHANNEL_ACTION[input.channel], {
        areaCode: gridCode,
        departments: [],
        reporterUserIds: [],
      });
    // One spelling per phone: its lookup hash finds the reporter's cases when they sign in with it.
    const phone = input.reporterPhone ? normalisePhone(input.reporterPhone) : null;
    const config = await this.s.intakeConfig();
    const category = this.category(config, input);
    if (category?.photoRequired && input.channel === 'patrol' && (input.photoIds?.length ?? 0) === 0) {
      throw CaseErrors.PhotoRequired({ params: { code: category.code }, field: 'body/photoIds' });
    }
    const route = this.suggestDepartment(config, category, gridCode);
    const now = clock.now();
    const draft = {
      publicCode: this.newCode(now),
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
      departmentCode: route.department,
      tasks: [],
      // The hotline operator or bulk importer is not the reporter: the caller is (known by phone).
      reporterUserId:
        actor.kind === 'user' && (input.channel === 'resident' || input.channel === 'patrol')
          ? actor.userId
          : null,
      reporterNameEnc: input.reporterName ? cipher.encrypt(input.reporterName) : null,
      reporterPhoneEnc: phone ? cipher.encrypt(phone) : null,
      reporterPhoneHash: phone ? cipher.lookupHash(phone) : null,
      externalRef: input.externalRef ?? null,
      reportedAt: now,
      updatedAt: now,
      // The first state and the filing clock on the working calendar.
      ...(await this.s.newCaseStart(category, now)),
    } satisfies Omit<NewCase, 'areaId'>;
    return { actor, input, scope, requestHash, route, draft };
  }

  /**
   * Writes prepared reports in ONE transaction: replays of known keys are answered, the rest get
   * their case, reporter, duplicate check, idempotency key, event, counters, notifications, NOTIFY
   * and audit record — each step one statement for the whole batch.
   */
  private async writeBatch(items: readonly PreparedReport[]): Promise<Array<Outcome<ReportAnswer>>> {
    const { db, repo } = this.s.deps;
    return db.transaction(async (tx) => {
      const outcomes: Array<Outcome<ReportAnswer> | undefined> = items.map(() => undefined);
      const priors = await repo.findIdempotentMany(
        tx,
        items.map((it) => ({ scope: it.scope, key: it.input.idempotencyKey })),
      );
      const areaIds = await repo.currentAreaIds(
        tx,
        items.map((it) => it.draft.gridCode),
      );
      const fresh: Array<{ i: number; it: PreparedReport; areaId: number }> = [];
      items.forEach((it, i) => {
        const prior = priors.get(idempotencyMapKey(it.scope, it.input.idempotencyKey));
        const areaId = areaIds.get(it.draft.gridCode);
        try {
          if (prior)
            outcomes[i] = { ok: true, value: this.replay(prior, it.requestHash, it.input.idempotencyKey) };
          // The grid was redrawn since the locate index was read.
          else if (areaId === undefined)
            throw CaseErrors.OutsideCity({ params: { lng: it.input.lng, lat: it.input.lat } });
          else fresh.push({ i, it, areaId });
        } catch (error) {
          outcomes[i] = { ok: false, error };
        }
      });
      const cases = await this.insertWithFreeCodes(
        tx,
        fresh.map(({ it, areaId }) => ({ ...it.draft, areaId })),
      );
      await repo.addOriginalReporters(
        tx,
        cases.map((c) => ({
          caseId: c.id,
          userId: c.reporterUserId,
          phoneHash: c.reporterPhoneHash,
          phoneEnc: c.reporterPhoneEnc,
          nameEnc: c.reporterNameEnc,
          channel: c.channel,
          at: c.reportedAt,
        })),
      );
      const nearby = await repo.findNearbyOpenMany(
        tx,
        cases.map((c) => ({
          ...this.nearbyQuery(c.lng, c.lat, c.categoryCode, c.description),
          excludeId: c.id,
        })),
      );
      const results = cases.map(
        (c, k): IntakeResult => ({
          id: c.id,
          publicCode: c.publicCode,
          state: c.state,
          gridCode: c.gridCode,
          suggestedDepartment: fresh[k]!.it.route.department,
          routing: fresh[k]!.it.route.reason,
          deadline: c.clockDeadline?.toISOString() ?? null,
          possibleDuplicates: toCandidates(nearby[k]!, c.categoryCode),
        }),
      );
      await repo.saveIdempotentMany(
        tx,
        cases.map((c, k) => ({
          scope: fresh[k]!.it.scope,
          key: fresh[k]!.it.input.idempotencyKey,
          requestHash: fresh[k]!.it.requestHash,
          caseId: c.id,
          response: results[k],
          at: c.reportedAt,
        })),
      );
      const events = await this.s.recordMany(
        tx,
        cases.map((c, k) => ({
          c,
          e: {
            actor: fresh[k]!.it.actor,
            action: 'report',
            fromState: null,
            departmentCode: fresh[k]!.it.route.department,
            note: '',
            data: { channel: c.channel, routing: fresh[k]!.it.route.reason, hotlineType: c.hotlineType },
            notify: {
              audiences: [{ kind: 'area_roles', roles: ['dispatcher'], gridCode: c.gridCode }],
              titleZh: `新上报 ${c.publicCode}`,
              titleEn: `New report ${c.publicCode}`,
            },
          },
        })),
      );
      for (const [k, c] of cases.entries()) {
        const { actor, input } = fresh[k]!.it;
        const photos = input.photoIds ?? [];
        const linked =
          photos.length === 0 ||
          (await repo.attachPhotos(
            tx,
            c.id,
            events[k]!.id,
            photos,
            actor.kind === 'user' ? actor.userId : null,
            actor.kind === 'user' || !input.photoKey ? null : uploadKeyHash(input.photoKey),
          )) === photos.length;
        // Thrown, not answered: the batch rolls back and each report is written again alone.
        if (!linked)
          throw CaseErrors.UnknownPhoto({ params: { id: photos.join(',') }, field: 'body/photoIds' });
        outcomes[fresh[k]!.i] = { ok: true, value: { result: results[k]!, replayed: false } };
      }
      return outcomes.map((o) => o!);
    });
  }

  /** A new random public code (see newPublicCode). */
  private newCode(at: Date): string {
    return this.s.deps.publicCode ? this.s.deps.publicCode(at) : newPublicCode(at);
  }

  /**
   * Inserts the new cases; a case whose random public code is already taken draws a new one and is
   * inserted again (at 60,000 reports a day two of the ~10⁹ codes of a day meet about once a day).
   */
  private async insertWithFreeCodes(tx: Queryable, drafts: readonly NewCase[]): Promise<CaseRecord[]> {
    const out: Array<CaseRecord | undefined> = drafts.map(() => undefined);
    let pending = drafts.map((draft, i) => ({ draft, i }));
    for (let attempt = 1; pending.length > 0; attempt++) {
      if (attempt > 5) throw new Error('no free public code after 5 draws');
      const inserted = await this.s.deps.repo.insertUnlessCodeTaken(
        tx,
        pending.map((p) => p.draft),
      );
      const taken: typeof pending = [];
      inserted.forEach((c, k) => {
        const p = pending[k]!;
        if (c) out[p.i] = c;
        else taken.push({ draft: { ...p.draft, publicCode: this.newCode(p.draft.reportedAt) }, i: p.i });
      });
      pending = taken;
    }
    return out as CaseRecord[];
  }

  /** Open cases of the same kind nearby, for the "me too" prompt while a resident types. */
  async findDuplicates(
    actor: Actor,
    p: { lng: number; lat: number; categoryCode?: string; text: string },
  ): Promise<DuplicateCandidate[]> {
    casePolicy.assertPermits(actor, 'report');
    return this.candidates(this.s.deps.db, { ...p, categoryCode: p.categoryCode ?? null });
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
      throw refusal(actor);
    }
    casePolicy.assertPermits(actor, CHANNEL_ACTION[channel]);
  }

  private category(config: IntakeConfig, input: IntakeInput): Category | undefined {
    if (!input.categoryCode) {
      if (input.channel === 'patrol' || input.channel === 'sensor')
        throw CaseErrors.CategoryRequired({ field: 'body/categoryCode' });
      return undefined;
    }
    const category = config.categories.get(input.categoryCode);
    if (!category)
      throw CaseErrors.UnknownCategory({ params: { code: input.categoryCode }, field: 'body/categoryCode' });
    return category;
  }

  /** Routing: the most specific rule for category × area, else the category's owner department. */
  private suggestDepartment(
    config: IntakeConfig,
    category: Category | undefined,
    gridCode: string,
  ): { department: string | null; reason: string } {
    const rule = bestRule(config.rules, category?.code ?? null, gridCode);
    if (rule && (rule.categoryCode !== null || category)) {
      return { department: rule.departmentCode, reason: `rule:${rule.id}` };
    }
    if (category) return { department: category.departmentCode, reason: 'category_owner' };
    return { department: null, reason: 'dispatcher_queue' };
  }

  private async candidates(
    q: Queryable,
    p: { lng: number; lat: number; categoryCode: string | null; text: string },
  ): Promise<DuplicateCandidate[]> {
    const rows = await this.s.deps.repo.findNearbyOpen(
      q,
      this.nearbyQuery(p.lng, p.lat, p.categoryCode, p.text),
    );
    return toCandidates(rows, p.categoryCode);
  }

  /** The duplicate check's search (DOMAIN §3): open cases within 250 m reported in the last 30 days. */
  private nearbyQuery(lng: number, lat: number, categoryCode: string | null, text: string): NearbyQuery {
    const since = new Date(this.s.deps.clock.now().getTime() - DUPLICATE_WINDOW_DAYS * 86_400_000);
    // Five are offered; without a category only similar texts, and those sort first (by similarity).
    return { lng, lat, categoryCode, text, meters: DUPLICATE_RADIUS_M, since, limit: 5 };
  }

  private replay(
    prior: { requestHash: string; response: unknown },
    requestHash: string,
    key: string,
  ): { result: IntakeResult; replayed: boolean } {
    if (prior.requestHash !== requestHash)
      throw CaseErrors.IdempotencyKeyReused({ params: { key }, field: 'body/idempotencyKey' });
    const result = prior.response as IntakeResult;
    return {
      result: { ...result, possibleDuplicates: (result.possibleDuplicates ?? []).map(presentCandidate) },
      replayed: true,
    };
  }
}

/** Nearby open cases as offered to the reporter: without a category, only similar texts. */
function toCandidates(rows: readonly NearbyOpenCase[], categoryCode: string | null): DuplicateCandidate[] {
  return rows
    .filter((r) => categoryCode !== null || r.similarity >= 0.2)
    .slice(0, 5)
    .map(presentCandidate);
}

/** True when a grid lies inside an area code (exported for routes that pre-check scope). */
export const gridWithin = codeWithin;
