/**
 * What the case use cases share: their dependencies, who sees which cases (as SQL), and how one
 * transition is recorded — event, rollup counters, live state counts, audit record and the live
 * NOTIFY, all in the caller's transaction.
 */
import { createHash, randomInt } from 'node:crypto';
import type { Db, Queryable } from '../../db/db.js';
import { type Actor, type ActorRole, actorRoleOf, type RoleName } from '../../kernel/actor.js';
import { type AuditWriter, recordAll } from '../../kernel/audit.js';
import { canonicalJson } from '../../kernel/canonical-json.js';
import type { Audience, InboxWriter } from '../../kernel/inbox.js';
import type { MessageSender } from '../../kernel/message-sender.js';
import { areaScope, departmentScope, scopeSql } from '../../kernel/policy.js';
import type { Clock } from '../../lib/clock.js';
import type { FieldCipher } from '../../lib/privacy.js';
import type { CalendarReader, CalendarSpec } from '../calendar/index.js';
import { calendarReader, FALLBACK_CALENDAR } from '../calendar/index.js';
import type { LocateService } from '../grid/index.js';
import { type RoutingReader, type RoutingRule, routingReader } from '../routing/index.js';
import type { Category, CategoryReader, StageDeadlines } from '../taxonomy/index.js';
import { categoryReader } from '../taxonomy/index.js';
import { AREA_READER_ROLES, CHANNEL_ACTION, casePolicy } from './case.policy.js';
import type { CaseRepository } from './case.repository.js';
import type { CaseEvent, CaseRecord, Channel } from './case.types.js';
import { DEFAULT_DEADLINES, startClock } from './case-clock.js';
import { addToRollups, localDay, moveStateCounts } from './case-rollup.js';
import type { CaseVisibility } from './case-rows.repository.js';
import { newCaseSnapshot } from './case-state.js';

/** The NOTIFY channel every committed case event is announced on (SSE, dashboards, other nodes). */
export const CASE_EVENTS_CHANNEL = 'case_events';

/** Dependencies of the case services. */
export interface CaseDeps {
  db: Db;
  clock: Clock;
  cipher: FieldCipher;
  locate: LocateService;
  audit: AuditWriter;
  repo: CaseRepository;
  taxonomy?: CategoryReader;
  /** The in-app inbox (the notifications module's repository, wired by the composition root). */
  notifications: InboxWriter;
  calendar?: CalendarReader;
  /** SMS to reporters who gave a phone but have no account (hotline callers). */
  messages?: MessageSender;
  /** Draws public tracking codes (default newPublicCode; tests pass a colliding one). */
  publicCode?: (at: Date) => string;
}

/** The announcement sent on CASE_EVENTS_CHANNEL (no personal data). */
export interface CaseEventMessage {
  caseId: number;
  publicCode: string;
  eventId: number;
  action: string;
  state: string;
  gridCode: string;
  categoryCode: string | null;
  departmentCode: string | null;
  deadlineStatus: string;
  at: string;
}

/** What a transition records besides the case row itself (see CaseSupport.record). */
export interface TransitionRecord {
  actor: Actor;
  action: string;
  fromState: string | null;
  departmentCode?: string | null;
  stageDone?: string | null;
  onTime?: boolean | null;
  note?: string;
  publicNote?: boolean;
  data?: Record<string, unknown>;
  notify?: { audiences: Audience[]; titleZh: string; titleEn: string; smsReporters?: boolean };
}

/** How long intake trusts its copy of categories and routing rules (other nodes' edits). */
export const CONFIG_TTL_MS = 5_000;

/** What intake reads for every report: the active categories by code and the active routing rules. */
export interface IntakeConfig {
  categories: ReadonlyMap<string, Category>;
  rules: readonly RoutingRule[];
}

/** Shared helpers bound to one set of dependencies. */
export class CaseSupport {
  readonly taxonomy: CategoryReader;
  readonly notifications: InboxWriter;
  private readonly calendars: CalendarReader;
  private readonly routing: RoutingReader;
  private calendarCache: { spec: CalendarSpec; at: number } | undefined;
  private configCache: { config: Promise<IntakeConfig>; at: number } | undefined;

  constructor(readonly deps: CaseDeps) {
    this.taxonomy = deps.taxonomy ?? categoryReader();
    this.notifications = deps.notifications;
    this.calendars = deps.calendar ?? calendarReader();
    this.routing = routingReader();
  }

  /** The working calendar, cached for a minute (admins rarely change it; changes call invalidate). */
  async calendar(q: Queryable): Promise<CalendarSpec> {
    const now = Date.now();
    if (this.calendarCache && now - this.calendarCache.at < 60_000) return this.calendarCache.spec;
    const spec = await this.calendars.load(q, FALLBACK_CALENDAR);
    this.calendarCache = { spec, at: now };
    return spec;
  }

  /** Forgets the cached calendar (after an admin edit). */
  invalidateCalendar(): void {
    this.calendarCache = undefined;
  }

  /**
   * The active categories and routing rules, which every report needs: cached for
   * CONFIG_TTL_MS (a few rows; admins rarely change them). A change made through this process
   * drops the cache at once (invalidateConfig); other API nodes see it within the TTL.
   */
  async intakeConfig(): Promise<IntakeConfig> {
    const now = Date.now();
    if (this.configCache && now - this.configCache.at < CONFIG_TTL_MS) return this.configCache.config;
    const { db } = this.deps;
    const config = Promise.all([this.taxonomy.listActive(db), this.routing.list(db)]).then(
      ([categories, rules]): IntakeConfig => ({
        categories: new Map(categories.map((c) => [c.code, c])),
        rules,
      }),
    );
    const entry = { config, at: now };
    this.configCache = entry;
    // A failed load is not cached: the next report tries again.
    config.catch(() => {
      if (this.configCache === entry) this.configCache = undefined;
    });
    return config;
  }

  /** Forgets cached categories, routing rules and calendar (after an admin edit). */
  invalidateConfig(): void {
    this.configCache = undefined;
    this.calendarCache = undefined;
  }

  /**
   * Where a new case starts: the state machine's first state and the filing clock, running from
   * `now` on the working calendar with the category's deadlines (or the defaults).
   */
  async newCaseStart(
    category: Category | undefined,
    now: Date,
  ): Promise<
    Pick<CaseRecord, 'state' | 'clockStage' | 'clockStartedAt' | 'clockDeadline' | 'clockPausedMinutes'>
  > {
    const { state } = newCaseSnapshot();
    const clock = { state } as CaseRecord;
    startClock(
      clock,
      'file',
      now,
      await this.calendar(this.deps.db),
      category?.deadlines ?? DEFAULT_DEADLINES,
    );
    const { clockStage, clockStartedAt, clockDeadline, clockPausedMinutes } = clock;
    return { state, clockStage, clockStartedAt, clockDeadline, clockPausedMinutes };
  }

  /** Stage deadlines of a case: its category's (in the version it was filed under) or the defaults. */
  async deadlinesOf(
    q: Queryable,
    c: Pick<CaseRecord, 'categoryVersion' | 'categoryCode'>,
  ): Promise<StageDeadlines> {
    if (c.categoryVersion === null || c.categoryCode === null) return DEFAULT_DEADLINES;
    const cat = await this.taxonomy.category(q, c.categoryVersion, c.categoryCode);
    return cat?.deadlines ?? DEFAULT_DEADLINES;
  }

  /** Which cases the actor may see, as SQL over alias `c`. */
  visibility(actor: Actor): CaseVisibility {
    if (actor.kind === 'system') return { sql: 'TRUE', params: [] };
    if (actor.kind === 'anonymous') return { sql: 'FALSE', params: [] };
    const params: unknown[] = [];
    const parts = [scopeSql(areaScope(actor, AREA_READER_ROLES), 'c.grid_code', params)];
    const depts = departmentScope(actor);
    if (depts.length > 0) {
      params.push(depts);
      const n = `$${params.length}`;
      parts.push(
        `(c.department_code = ANY(${n}) OR EXISTS (SELECT 1 FROM jsonb_array_elements(c.tasks) t WHERE t->>'department' = ANY(${n})))`,
      );
    }
    if (actor.grants.some((g) => g.role === 'resident')) {
      params.push(actor.userId);
      parts.push(
        `EXISTS (SELECT 1 FROM case_reporters r WHERE r.case_id = c.id AND r.user_id = $${params.length})`,
      );
    }
    return { sql: parts.map((p) => `(${p})`).join(' OR '), params };
  }

  /**
   * Records a transition that the caller has already applied to `c` and saved: the event, the
   * rollup counters, the live state count, the audit record, notifications and the live NOTIFY.
   */
  async record(tx: Queryable, c: CaseRecord, e: TransitionRecord): Promise<CaseEvent> {
    return (await this.recordMany(tx, [{ c, e }]))[0]!;
  }

  /**
   * record() for several transitions in one transaction (a batch of reports): the same rows, in a
   * fixed number of statements whatever the batch size. Returns the events in order.
   */
  async recordMany(
    tx: Queryable,
    items: ReadonlyArray<{ c: CaseRecord; e: TransitionRecord }>,
  ): Promise<CaseEvent[]> {
    if (items.length === 0) return [];
    const at = this.deps.clock.now();
    const events = await this.deps.repo.insertEvents(
      tx,
      items.map(({ c, e }) => ({
        caseId: c.id,
        at,
        ...actorColumns(e.actor, rolesAllowingEvent(c, e)),
        action: e.action,
        fromState: e.fromState,
        toState: c.state,
        departmentCode: e.departmentCode ?? null,
        stageDone: e.stageDone ?? null,
        onTime: e.onTime ?? null,
        note: e.note ?? '',
        publicNote: e.publicNote ?? false,
        data: e.data ?? {},
      })),
    );
    await addToRollups(
      tx,
      events.map((event, i) => ({ ...event, gridCode: items[i]!.c.gridCode })),
    );
    await moveStateCounts(
      tx,
      items.map(({ c, e }) => ({ gridCode: c.gridCode, from: e.fromState, to: c.state })),
    );
    const notified = items.flatMap(({ c, e }) =>
      e.notify && e.notify.audiences.length > 0
        ? [
            {
              audiences: e.notify.audiences,
              caseId: c.id,
              kind: `case.${e.action}`,
              titleZh: e.notify.titleZh,
              titleEn: e.notify.titleEn,
              body: { publicCode: c.publicCode, state: c.state, action: e.action },
              at,
            },
          ]
        : [],
    );
    await this.notifications.notifyMany(tx, notified);
    for (const { c, e } of items) {
      if (e.notify?.smsReporters && this.deps.messages) await this.smsReporters(tx, c, e.notify.titleZh);
    }
    const messages = items.map(
      ({ c, e }, i): CaseEventMessage => ({
        caseId: c.id,
        publicCode: c.publicCode,
        eventId: events[i]!.id,
        action: e.action,
        state: c.state,
        gridCode: c.gridCode,
        categoryCode: c.categoryCode,
        departmentCode: c.departmentCode,
        deadlineStatus: c.deadlineStatus,
        at: at.toISOString(),
      }),
    );
    // Delivered to listeners on every node when (and only if) this transaction commits.
    await tx.query('SELECT pg_notify($1, m) FROM unnest($2::text[]) AS m', [
      CASE_EVENTS_CHANNEL,
      messages.map((m) => JSON.stringify(m)),
    ]);
    await recordAll(
      this.deps.audit,
      tx,
      items.map(({ c, e }, i) => ({
        actor: e.actor,
        action: `case.${e.action}`,
        resourceType: 'case',
        resourceId: String(c.id),
        areaCode: c.gridCode,
        details: {
          publicCode: c.publicCode,
          from: e.fromState,
          to: c.state,
          department: events[i]!.departmentCode,
          eventId: events[i]!.id,
        },
      })),
    );
    return events;
  }

  /**
   * Texts every reporter who left a phone on the case (hotline callers, anonymous residents, and
   * those of them who since signed in with it and were linked to their reports).
   */
  private async smsReporters(tx: Queryable, c: CaseRecord, title: string): Promise<void> {
    const { rows } = await tx.query<{ phone_enc: string }>(
      'SELECT DISTINCT phone_enc FROM case_reporters WHERE case_id = $1 AND phone_enc IS NOT NULL',
      [c.id],
    );
    for (const r of rows) {
      let phone: string;
      try {
        phone = this.deps.cipher.decrypt(r.phone_enc);
      } catch {
        continue;
      }
      await this.deps.messages?.send(tx, {
        channel: 'sms',
        recipient: phone,
        body: `【网格化管理】${title}。查询进度请访问 /track/${c.publicCode}`,
      });
    }
  }
}

/**
 * The event columns naming an actor. `allowing`: the roles whose grant allowed the act (see
 * eventActorRole); without it a user is recorded in their highest-ranked role.
 */
export function actorColumns(
  actor: Actor,
  allowing: readonly RoleName[] = [],
): { actorKind: string; actorId: string | null; actorName: string; actorRole: ActorRole } {
  const actorRole = actorRoleOf(actor, allowing);
  if (actor.kind === 'user')
    return { actorKind: 'user', actorId: String(actor.userId), actorName: actor.displayName, actorRole };
  if (actor.kind === 'system')
    return { actorKind: 'system', actorId: null, actorName: actor.name, actorRole };
  return { actorKind: 'anonymous', actorId: null, actorName: 'anonymous', actorRole };
}

/** Event actions that are not policy actions themselves, and the policy action behind each. */
const EVENT_POLICY_ACTION: Readonly<Record<string, string>> = { join: 'report', merged_from: 'merge_into' };

/**
 * The roles of the actor's grants that allowed this event on this case, for the role its history
 * shows: the act has already passed the policy, so the only question is which grant allowed it
 * (a user who is a dispatcher and a supervisor verifies as a supervisor). The actor counts as a
 * reporter here: a resident's evaluate/reopen was only allowed because they are one.
 */
function rolesAllowingEvent(c: CaseRecord, e: TransitionRecord): RoleName[] {
  if (e.actor.kind !== 'user') return [];
  const channel = e.data?.channel;
  const action =
    e.action === 'report' && typeof channel === 'string' && channel in CHANNEL_ACTION
      ? CHANNEL_ACTION[channel as Channel]
      : (EVENT_POLICY_ACTION[e.action] ?? e.action);
  return casePolicy.rolesAllowing(e.actor, action, {
    areaCode: c.gridCode,
    departments: [...c.tasks.map((t) => t.department), ...(c.departmentCode ? [c.departmentCode] : [])],
    reporterUserIds: [e.actor.userId],
  });
}

const CROCKFORD = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';

/**
 * A public tracking code such as `NH261130-7K3QZP`: the local date plus 6 random characters,
 * so codes are short enough to read out on the phone and not guessable from each other (the demo
 * passes its seeded random source to stay deterministic).
 */
export function newPublicCode(at: Date, random: (max: number) => number = randomInt): string {
  const d = localDay(at).replace(/-/g, '').slice(2);
  let r = '';
  for (let i = 0; i < 6; i++) r += CROCKFORD[random(32)];
  return `NH${d}-${r}`;
}

/**
 * Idempotency keys are per caller: two residents can't collide, nor can a guess replay someone else's.
 * Anonymous callers are told apart by `client` (address plus upload key), stored only as a hash.
 */
export function idempotencyScope(actor: Actor, client?: string): string {
  if (actor.kind === 'user') return `u:${actor.userId}`;
  if (actor.kind === 'system') return `s:${actor.name}`;
  if (client === undefined) return 'anon';
  return `a:${createHash('sha256').update(client).digest('hex').slice(0, 32)}`;
}

/** A stable hash of a request's content (keys sorted), to tell a retry from a different request. */
export function hashRequest(content: object): string {
  return createHash('sha256').update(canonicalJson(content)).digest('hex');
}
