import type { Queryable } from '../../db/db.js';
import type { ActorRole } from '../../kernel/actor.js';
import { type AreaScope, scopeSql } from '../../kernel/policy.js';
import { REDACTION_VERSION, redactFreeText } from '../../lib/privacy.js';
import type { CaseEvent, CaseRecord, StoredTask } from './case.types.js';

/** The map key findIdempotentMany answers under. */
export function idempotencyMapKey(scope: string, key: string): string {
  return `${scope}\u0000${key}`;
}

/** Open cases of a category (or any) within `meters` of a point, reported since `since`. */
export interface NearbyQuery {
  lng: number;
  lat: number;
  categoryCode: string | null;
  meters: number;
  since: Date;
  text: string;
  limit: number;
}

/** An open case near a point, for the duplicate check ("me too"). */
export interface NearbyOpenCase
  extends Pick<CaseRecord, 'id' | 'publicCode' | 'categoryCode' | 'description' | 'state' | 'reportedAt'> {
  distanceM: number;
  similarity: number;
}

/** snake_case row → CaseRecord; the column list is the table's. */
function toCase(r: Record<string, unknown>): CaseRecord {
  return {
    id: r.id as number,
    publicCode: r.public_code as string,
    state: r.state as CaseRecord['state'],
    suspendedFrom: r.suspended_from as CaseRecord['suspendedFrom'],
    reopenCount: r.reopen_count as number,
    extensionRequested: r.extension_requested as boolean,
    extensionMinutes: r.extension_minutes as number | null,
    evaluation: r.evaluation as CaseRecord['evaluation'],
    mergedInto: r.merged_into as number | null,
    channel: r.channel as CaseRecord['channel'],
    categoryVersion: r.category_version as number | null,
    categoryCode: r.category_code as string | null,
    hotlineType: r.hotline_type as CaseRecord['hotlineType'],
    urgent: r.urgent as boolean,
    description: r.description as string,
    address: r.address as string | null,
    lng: r.lng as number,
    lat: r.lat as number,
    gridCode: r.grid_code as string,
    areaId: r.area_id as number,
    departmentCode: r.department_code as string | null,
    tasks: r.tasks as StoredTask[],
    reporterUserId: r.reporter_user_id as number | null,
    reporterNameEnc: r.reporter_name_enc as string | null,
    reporterPhoneEnc: r.reporter_phone_enc as string | null,
    reporterPhoneHash: r.reporter_phone_hash as string | null,
    externalRef: r.external_ref as string | null,
    reportedAt: r.reported_at as Date,
    filedAt: r.filed_at as Date | null,
    dispatchedAt: r.dispatched_at as Date | null,
    reportedBackAt: r.reported_back_at as Date | null,
    closedAt: r.closed_at as Date | null,
    evaluatedAt: r.evaluated_at as Date | null,
    updatedAt: r.updated_at as Date,
    clockStage: r.clock_stage as string | null,
    clockStartedAt: r.clock_started_at as Date | null,
    clockDeadline: r.clock_deadline as Date | null,
    clockPausedMinutes: r.clock_paused_minutes as number | null,
    deadlineStatus: r.deadline_status as CaseRecord['deadlineStatus'],
    escalationLevel: r.escalation_level as number,
    rowVersion: r.row_version as number,
  };
}

function toEvent(r: Record<string, unknown>): CaseEvent {
  return {
    id: r.id as number,
    caseId: r.case_id as number,
    at: r.at as Date,
    actorKind: r.actor_kind as string,
    actorId: r.actor_id as string | null,
    actorName: r.actor_name as string,
    actorRole: r.actor_role as ActorRole,
    action: r.action as string,
    fromState: r.from_state as string | null,
    toState: r.to_state as string,
    departmentCode: r.department_code as string | null,
    stageDone: r.stage_done as string | null,
    onTime: r.on_time as boolean | null,
    note: r.note as string,
    publicNote: r.public_note as boolean,
    data: r.data as Record<string, unknown>,
  };
}

/**
 * Who may see which cases, as SQL: the caller builds it from the actor (area scope, departments,
 * own reports) so that out-of-scope cases are never read.
 */
export interface CaseVisibility {
  /** SQL boolean expression over alias `c`, with its parameters already pushed. */
  sql: string;
  params: unknown[];
}

/** What a new case row needs. */
export type NewCase = Omit<
  CaseRecord,
  | 'id'
  | 'filedAt'
  | 'dispatchedAt'
  | 'reportedBackAt'
  | 'closedAt'
  | 'evaluatedAt'
  | 'deadlineStatus'
  | 'escalationLevel'
  | 'rowVersion'
  | 'mergedInto'
  | 'evaluation'
  | 'extensionRequested'
  | 'extensionMinutes'
  | 'suspendedFrom'
  | 'reopenCount'
>;

/** Filters of the staff case search. */
export interface CaseSearch {
  within?: string;
  categoryCode?: string;
  states?: string[];
  overdue?: boolean;
  deadlineStatus?: 'due_soon' | 'overdue';
  channel?: string;
  text?: string;
  departmentCode?: string;
  /** Keyed hash of a reporter's phone: a hotline operator sees the caller's earlier cases. */
  reporterPhoneHash?: string;
  /**
   * Where `text` may match the raw description and address: where the searcher may reveal a
   * case's data (casePolicy 'reveal'). Elsewhere it matches the redacted copies only, so a masked
   * number cannot be confirmed digit by digit. Default: nowhere.
   */
  rawTextScope?: AreaScope;
  from?: Date;
  to?: Date;
  limit: number;
  offset: number;
}

/** The only SQL for cases, their events, reporters and photos. */
export class CaseRepository {
  /**
   * Inserts new cases in one statement, in the order given, except that a case whose public code
   * is already taken (by an existing case or an earlier one in the list) is not inserted:
   * `undefined` in its place, so the caller can draw a new code. Codes are random (see
   * newPublicCode); at tens of thousands of reports a day two of them meet now and then.
   */
  async insertUnlessCodeTaken(q: Queryable, cs: readonly NewCase[]): Promise<Array<CaseRecord | undefined>> {
    if (cs.length === 0) return [];
    const col = <T>(f: (c: NewCase) => T) => cs.map(f);
    const iso = (d: Date | null) => d?.toISOString() ?? null;
    const { rows } = await q.query(
      `INSERT INTO cases (public_code, state, channel, category_version, category_code, hotline_type, urgent,
         description, address, lng, lat, grid_code, area_id, department_code, tasks, reporter_user_id,
         reporter_name_enc, reporter_phone_enc, reporter_phone_hash, external_ref, reported_at, updated_at,
         clock_stage, clock_started_at, clock_deadline, clock_paused_minutes,
         description_redacted, address_redacted, redaction_version)
       SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::int[], $5::text[], $6::text[], $7::boolean[],
         $8::text[], $9::text[], $10::float8[], $11::float8[], $12::text[], $13::bigint[], $14::text[],
         $15::jsonb[], $16::bigint[], $17::text[], $18::text[], $19::text[], $20::text[], $21::timestamptz[],
         $22::timestamptz[], $23::text[], $24::timestamptz[], $25::timestamptz[], $26::float8[],
         $27::text[], $28::text[], $29::int[])
       ON CONFLICT (public_code) DO NOTHING
       RETURNING *`,
      [
        col((c) => c.publicCode),
        col((c) => c.state),
        col((c) => c.channel),
        col((c) => c.categoryVersion),
        col((c) => c.categoryCode),
        col((c) => c.hotlineType),
        col((c) => c.urgent),
        col((c) => c.description),
        col((c) => c.address),
        col((c) => c.lng),
        col((c) => c.lat),
        col((c) => c.gridCode),
        col((c) => c.areaId),
        col((c) => c.departmentCode),
        col((c) => JSON.stringify(c.tasks)),
        col((c) => c.reporterUserId),
        col((c) => c.reporterNameEnc),
        col((c) => c.reporterPhoneEnc),
        col((c) => c.reporterPhoneHash),
        col((c) => c.externalRef),
        col((c) => iso(c.reportedAt)),
        col((c) => iso(c.updatedAt)),
        col((c) => c.clockStage),
        col((c) => iso(c.clockStartedAt)),
        col((c) => iso(c.clockDeadline)),
        col((c) => c.clockPausedMinutes),
        // The search copies for staff who may not see the raw text (see search).
        col((c) => redactFreeText(c.description)),
        col((c) => (c.address === null ? null : redactFreeText(c.address))),
        col(() => REDACTION_VERSION),
      ],
    );
    // INSERT … SELECT returns rows in insertion order; matched by public code to be sure.
    const byCode = new Map(rows.map((r) => [r.public_code as string, toCase(r)]));
    // A code given twice in the list: only its first case was inserted.
    const seen = new Set<string>();
    return cs.map((c) => {
      if (seen.has(c.publicCode)) return undefined;
      seen.add(c.publicCode);
      return byCode.get(c.publicCode);
    });
  }

  /** The current (not replaced) area id of each grid code; missing codes are absent. */
  async currentAreaIds(q: Queryable, codes: readonly string[]): Promise<Map<string, number>> {
    const { rows } = await q.query<{ code: string; id: number }>(
      'SELECT code, id FROM areas WHERE code = ANY($1::text[]) AND valid_to IS NULL',
      [[...new Set(codes)]],
    );
    return new Map(rows.map((r) => [r.code, Number(r.id)]));
  }

  /** A visible case, locked for the rest of the transaction (transitions). */
  async findVisibleForUpdate(q: Queryable, id: number, vis: CaseVisibility): Promise<CaseRecord | undefined> {
    const params = [...vis.params, id];
    const { rows } = await q.query(
      `SELECT c.* FROM cases c WHERE c.id = $${params.length} AND (${vis.sql}) FOR UPDATE`,
      params,
    );
    return rows[0] ? toCase(rows[0]) : undefined;
  }

  /** A visible case (reads). */
  async findVisible(q: Queryable, id: number, vis: CaseVisibility): Promise<CaseRecord | undefined> {
    const params = [...vis.params, id];
    const { rows } = await q.query(
      `SELECT c.* FROM cases c WHERE c.id = $${params.length} AND (${vis.sql})`,
      params,
    );
    return rows[0] ? toCase(rows[0]) : undefined;
  }

  /** A case by its public tracking code (public view is built by the service). */
  async findByPublicCode(q: Queryable, code: string): Promise<CaseRecord | undefined> {
    const { rows } = await q.query('SELECT * FROM cases WHERE public_code = $1', [code]);
    return rows[0] ? toCase(rows[0]) : undefined;
  }

  /** Any case by id, unscoped: only for system work (scheduler, merges after a scoped check). */
  async findById(q: Queryable, id: number, forUpdate = false): Promise<CaseRecord | undefined> {
    const { rows } = await q.query(`SELECT * FROM cases WHERE id = $1${forUpdate ? ' FOR UPDATE' : ''}`, [
      id,
    ]);
    return rows[0] ? toCase(rows[0]) : undefined;
  }

  /** Saves the mutable part of a case after a transition (optimistic version bump). */
  async update(q: Queryable, c: CaseRecord): Promise<CaseRecord> {
    const { rows } = await q.query(
      `UPDATE cases SET state = $2, suspended_from = $3, reopen_count = $4, extension_requested = $5,
         extension_minutes = $6, evaluation = $7, merged_into = $8, category_version = $9, category_code = $10,
         urgent = $11, department_code = $12, tasks = $13, filed_at = $14, dispatched_at = $15,
         reported_back_at = $16, closed_at = $17, evaluated_at = $18, updated_at = $19, clock_stage = $20,
         clock_started_at = $21, clock_deadline = $22, clock_paused_minutes = $23, deadline_status = $24,
         escalation_level = $25, row_version = row_version + 1
       WHERE id = $1 RETURNING *`,
      [
        c.id,
        c.state,
        c.suspendedFrom,
        c.reopenCount,
        c.extensionRequested,
        c.extensionMinutes,
        c.evaluation,
        c.mergedInto,
        c.categoryVersion,
        c.categoryCode,
        c.urgent,
        c.departmentCode,
        JSON.stringify(c.tasks),
        c.filedAt,
        c.dispatchedAt,
        c.reportedBackAt,
        c.closedAt,
        c.evaluatedAt,
        c.updatedAt,
        c.clockStage,
        c.clockStartedAt,
        c.clockDeadline,
        c.clockPausedMinutes,
        c.deadlineStatus,
        c.escalationLevel,
      ],
    );
    return toCase(rows[0]!);
  }

  /** Appends events in one statement; returns them (with ids) in the order given. */
  async insertEvents(q: Queryable, es: ReadonlyArray<Omit<CaseEvent, 'id'>>): Promise<CaseEvent[]> {
    if (es.length === 0) return [];
    const col = <T>(f: (e: Omit<CaseEvent, 'id'>) => T) => es.map(f);
    const { rows } = await q.query(
      `INSERT INTO case_events (case_id, at, actor_kind, actor_id, actor_name, action, from_state, to_state,
         department_code, stage_done, on_time, note, public_note, data, actor_role)
       SELECT case_id, at, actor_kind, actor_id, actor_name, action, from_state, to_state, department_code,
              stage_done, on_time, note, public_note, data, actor_role
         FROM unnest($1::bigint[], $2::timestamptz[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[],
                     $8::text[], $9::text[], $10::text[], $11::boolean[], $12::text[], $13::boolean[], $14::jsonb[],
                     $15::text[])
              WITH ORDINALITY AS u(case_id, at, actor_kind, actor_id, actor_name, action, from_state, to_state,
                                   department_code, stage_done, on_time, note, public_note, data, actor_role, ord)
        ORDER BY ord
       RETURNING *`,
      [
        col((e) => e.caseId),
        col((e) => e.at.toISOString()),
        col((e) => e.actorKind),
        col((e) => e.actorId),
        col((e) => e.actorName),
        col((e) => e.action),
        col((e) => e.fromState),
        col((e) => e.toState),
        col((e) => e.departmentCode),
        col((e) => e.stageDone),
        col((e) => e.onTime),
        col((e) => e.note),
        col((e) => e.publicNote),
        col((e) => JSON.stringify(e.data)),
        col((e) => e.actorRole),
      ],
    );
    // Ids are assigned in insertion order (ORDER BY ord): sorting by id restores the input order.
    return rows.map(toEvent).sort((a, b) => a.id - b.id);
  }

  /** A case's events in order. */
  async events(q: Queryable, caseId: number): Promise<CaseEvent[]> {
    const { rows } = await q.query('SELECT * FROM case_events WHERE case_id = $1 ORDER BY id', [caseId]);
    return rows.map(toEvent);
  }

  /** Adds the original reporter of each new case, in one statement. */
  async addOriginalReporters(
    q: Queryable,
    rs: ReadonlyArray<{
      caseId: number;
      userId: number | null;
      phoneHash: string | null;
      phoneEnc: string | null;
      nameEnc: string | null;
      channel: string;
      at: Date;
    }>,
  ): Promise<void> {
    if (rs.length === 0) return;
    await q.query(
      `INSERT INTO case_reporters (case_id, user_id, phone_hash, phone_enc, name_enc, channel, original, joined_at)
       SELECT case_id, user_id, phone_hash, phone_enc, name_enc, channel, true, joined_at
         FROM unnest($1::bigint[], $2::bigint[], $3::text[], $4::text[], $5::text[], $6::text[], $7::timestamptz[])
              AS u(case_id, user_id, phone_hash, phone_enc, name_enc, channel, joined_at)`,
      [
        rs.map((r) => r.caseId),
        rs.map((r) => r.userId),
        rs.map((r) => r.phoneHash),
        rs.map((r) => r.phoneEnc),
        rs.map((r) => r.nameEnc),
        rs.map((r) => r.channel),
        rs.map((r) => r.at.toISOString()),
      ],
    );
  }

  /** Adds a reporter (the original or a "me too"); returns false if this user/phone already is one. */
  async addReporter(
    q: Queryable,
    r: {
      caseId: number;
      userId: number | null;
      phoneHash: string | null;
      phoneEnc: string | null;
      nameEnc: string | null;
      channel: string;
      original: boolean;
      at: Date;
    },
  ): Promise<boolean> {
    if (!r.original && (r.userId !== null || r.phoneHash !== null)) {
      const { rows } = await q.query(
        `SELECT 1 FROM case_reporters WHERE case_id = $1 AND ((user_id IS NOT NULL AND user_id = $2)
           OR (phone_hash IS NOT NULL AND phone_hash = $3))`,
        [r.caseId, r.userId, r.phoneHash],
      );
      if (rows.length > 0) return false;
    }
    await q.query(
      `INSERT INTO case_reporters (case_id, user_id, phone_hash, phone_enc, name_enc, channel, original, joined_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`,
      [r.caseId, r.userId, r.phoneHash, r.phoneEnc, r.nameEnc, r.channel, r.original, r.at],
    );
    return true;
  }

  /** User ids of everyone who reported or joined the case (for notifications and evaluation rights). */
  async reporterUserIds(q: Queryable, caseId: number): Promise<number[]> {
    const { rows } = await q.query<{ user_id: number }>(
      'SELECT DISTINCT user_id FROM case_reporters WHERE case_id = $1 AND user_id IS NOT NULL',
      [caseId],
    );
    return rows.map((r) => r.user_id);
  }

  /**
   * Gives a user the reports made with their phone (anonymously, on the hotline, by Open311)
   * before they signed in with it; cases they already report on keep their own row. Returns
   * the cases that gained the user.
   */
  async linkPhoneReports(
    q: Queryable,
    userId: number,
    phoneHash: string,
  ): Promise<Array<{ id: number; publicCode: string; gridCode: string }>> {
    const { rows } = await q.query<{ id: number; public_code: string; grid_code: string }>(
      `WITH linked AS (
         UPDATE case_reporters r SET user_id = $1
          WHERE r.phone_hash = $2 AND r.user_id IS NULL
            AND NOT EXISTS (SELECT 1 FROM case_reporters x WHERE x.case_id = r.case_id AND x.user_id = $1)
         RETURNING r.case_id)
       SELECT DISTINCT c.id, c.public_code, c.grid_code FROM cases c JOIN linked l ON l.case_id = c.id ORDER BY c.id`,
      [userId, phoneHash],
    );
    return rows.map((r) => ({ id: Number(r.id), publicCode: r.public_code, gridCode: r.grid_code }));
  }

  /** Number of reporters (original + "me too"). */
  async reporterCount(q: Queryable, caseId: number): Promise<number> {
    const { rows } = await q.query<{ n: number }>(
      'SELECT count(*)::int AS n FROM case_reporters WHERE case_id = $1',
      [caseId],
    );
    return rows[0]?.n ?? 0;
  }

  /** Moves the reporters of a merged case to the surviving case. */
  async moveReporters(q: Queryable, fromCase: number, toCase: number): Promise<void> {
    await q.query(
      `INSERT INTO case_reporters (case_id, user_id, phone_hash, phone_enc, name_enc, channel, original, joined_at)
       SELECT $2, user_id, phone_hash, phone_enc, name_enc, channel, false, joined_at FROM case_reporters r
       WHERE r.case_id = $1 AND NOT EXISTS (
         SELECT 1 FROM case_reporters x WHERE x.case_id = $2
           AND ((x.user_id IS NOT NULL AND x.user_id = r.user_id) OR (x.phone_hash IS NOT NULL AND x.phone_hash = r.phone_hash)))`,
      [fromCase, toCase],
    );
  }

  /**
   * Open cases of a category within `meters` of a point reported since `since`, most similar text
   * first (pg_trgm similarity); the distance is computed in SQL with an equirectangular
   * approximation, exact enough at 250 m.
   */
  async findNearbyOpen(q: Queryable, p: NearbyQuery): Promise<NearbyOpenCase[]> {
    return (await this.findNearbyOpenMany(q, [p]))[0]!;
  }

  /**
   * findNearbyOpen for several points in one statement (a batch of reports); answers in order.
   * `excludeId` leaves out the report's own case.
   */
  async findNearbyOpenMany(
    q: Queryable,
    ps: ReadonlyArray<NearbyQuery & { excludeId?: number | null }>,
  ): Promise<NearbyOpenCase[][]> {
    if (ps.length === 0) return [];
    // Rounded to 1e-7° (~1 cm): a denormal coordinate such as 7e-323 is valid input but makes
    // PostgreSQL's float arithmetic raise "value out of range: underflow" (was a 500).
    const round = (v: number) => Math.round(v * 1e7) / 1e7;
    const lats = ps.map((p) => round(p.lat));
    // The box search and the state list match the partial GiST index cases_open_point, so only
    // the open cases around each point are read, however many cases the city has.
    const { rows } = await q.query<{
      i: number;
      id: number;
      public_code: string;
      category_code: string | null;
      description: string;
      state: CaseRecord['state'];
      reported_at: Date;
      distance_m: number;
      sim: number;
    }>(
      `SELECT u.i, x.* FROM unnest($1::float8[], $2::float8[], $3::text[], $4::text[], $5::timestamptz[],
                                   $6::float8[], $7::float8[], $8::float8[], $9::int[], $10::bigint[])
                       WITH ORDINALITY AS u(lng, lat, text, category, since, dlng, dlat, meters, lim, exclude_id, i)
       CROSS JOIN LATERAL (
         SELECT * FROM (
           SELECT c.id, c.public_code, c.category_code, c.description, c.state, c.reported_at,
             sqrt(power((c.lng - u.lng) * 111320 * cos(radians(u.lat)), 2) + power((c.lat - u.lat) * 111320, 2)) AS distance_m,
             public.similarity(c.description, u.text) AS sim
           FROM cases c
           WHERE c.state NOT IN ('closed', 'evaluated', 'rejected', 'voided')
             AND point(c.lng, c.lat) <@ box(point(u.lng - u.dlng, u.lat - u.dlat), point(u.lng + u.dlng, u.lat + u.dlat))
             AND (u.category IS NULL OR c.category_code = u.category)
             AND c.reported_at >= u.since
             AND c.id IS DISTINCT FROM u.exclude_id
         ) y WHERE y.distance_m <= u.meters
         ORDER BY y.sim DESC, y.distance_m ASC LIMIT u.lim
       ) x
       ORDER BY u.i, x.sim DESC, x.distance_m ASC`,
      [
        ps.map((p) => round(p.lng)),
        lats,
        ps.map((p) => p.text),
        ps.map((p) => p.categoryCode),
        ps.map((p) => p.since.toISOString()),
        ps.map((p, i) => p.meters / (111_320 * Math.cos((lats[i]! * Math.PI) / 180))),
        ps.map((p) => p.meters / 111_320),
        ps.map((p) => p.meters),
        ps.map((p) => p.limit),
        ps.map((p) => p.excludeId ?? null),
      ],
    );
    const out: NearbyOpenCase[][] = ps.map(() => []);
    for (const r of rows) {
      out[Number(r.i) - 1]!.push({
        id: Number(r.id),
        publicCode: r.public_code,
        categoryCode: r.category_code,
        description: r.description,
        state: r.state,
        reportedAt: r.reported_at,
        distanceM: r.distance_m,
        similarity: r.sim,
      });
    }
    return out;
  }

  /**
   * Writes the redacted search copies of up to `limit` cases that have none or an older
   * detector's (rows from before migration 0013, or after REDACTION_VERSION changed); returns
   * how many it wrote. Run after migrating until it returns 0.
   */
  async redactPending(q: Queryable, limit: number): Promise<number> {
    const { rows } = await q.query<{ id: number; description: string; address: string | null }>(
      `SELECT id, description, address FROM cases
        WHERE redaction_version IS NULL OR redaction_version < $1 ORDER BY id LIMIT $2`,
      [REDACTION_VERSION, limit],
    );
    if (rows.length === 0) return 0;
    await q.query(
      `UPDATE cases c SET description_redacted = u.d, address_redacted = u.a, redaction_version = $4
         FROM unnest($1::bigint[], $2::text[], $3::text[]) AS u(id, d, a) WHERE c.id = u.id`,
      [
        rows.map((r) => r.id),
        rows.map((r) => redactFreeText(r.description)),
        rows.map((r) => (r.address === null ? null : redactFreeText(r.address))),
        REDACTION_VERSION,
      ],
    );
    return rows.length;
  }

  /** Staff search: visible cases matching the filters, newest first, with the total. */
  async search(
    q: Queryable,
    vis: CaseVisibility,
    s: CaseSearch,
  ): Promise<{ items: CaseRecord[]; total: number }> {
    const params = [...vis.params];
    const where = [`(${vis.sql})`];
    const add = (sql: (n: string) => string, v: unknown) => {
      params.push(v);
      where.push(sql(`$${params.length}`));
    };
    if (s.within) add((n) => `c.grid_code LIKE ${n}`, `${s.within}%`);
    if (s.categoryCode)
      add((n) => `(c.category_code = ${n} OR c.category_code LIKE ${n} || '%')`, s.categoryCode);
    if (s.states?.length) add((n) => `c.state = ANY(${n})`, s.states);
    if (s.deadlineStatus) add((n) => `c.deadline_status = ${n}`, s.deadlineStatus);
    if (s.overdue) where.push(`c.deadline_status = 'overdue'`);
    if (s.channel) add((n) => `c.channel = ${n}`, s.channel);
    if (s.departmentCode)
      add(
        (n) =>
          `(c.department_code = ${n} OR c.tasks @> jsonb_build_array(jsonb_build_object('department', ${n}::text)))`,
        s.departmentCode,
      );
    if (s.text) {
      const raw = scopeSql(s.rawTextScope ?? { all: false, codes: [] }, 'c.grid_code', params);
      add(
        (n) =>
          `(c.public_code ILIKE ${n} OR c.description_redacted ILIKE ${n} OR c.address_redacted ILIKE ${n}` +
          (raw === 'FALSE' ? ')' : ` OR (${raw} AND (c.description ILIKE ${n} OR c.address ILIKE ${n})))`),
        `%${s.text.replace(/[\\%_]/g, (m) => `\\${m}`)}%`,
      );
    }
    if (s.reporterPhoneHash)
      add(
        (n) => `EXISTS (SELECT 1 FROM case_reporters r WHERE r.case_id = c.id AND r.phone_hash = ${n})`,
        s.reporterPhoneHash,
      );
    if (s.from) add((n) => `c.reported_at >= ${n}`, s.from);
    if (s.to) add((n) => `c.reported_at < ${n}`, s.to);
    const whereSql = where.join(' AND ');
    const total = await q.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM cases c WHERE ${whereSql}`,
      params,
    );
    params.push(s.limit, s.offset);
    const { rows } = await q.query(
      `SELECT c.* FROM cases c WHERE ${whereSql} ORDER BY c.reported_at DESC, c.id DESC
       LIMIT $${params.length - 1} OFFSET $${params.length}`,
      params,
    );
    return { items: rows.map(toCase), total: total.rows[0]?.n ?? 0 };
  }

  /** Stored answer for an idempotency key, if any. */
  async findIdempotent(
    q: Queryable,
    scope: string,
    key: string,
  ): Promise<{ requestHash: string; response: unknown; caseId: number | null } | undefined> {
    const { rows } = await q.query<{ request_hash: string; response: unknown; case_id: number | null }>(
      'SELECT request_hash, response, case_id FROM idempotency_keys WHERE scope = $1 AND key = $2',
      [scope, key],
    );
    const r = rows[0];
    return r ? { requestHash: r.request_hash, response: r.response, caseId: r.case_id } : undefined;
  }

  /** Records the answer for an idempotency key; a concurrent duplicate fails with 23505. */
  async saveIdempotent(
    q: Queryable,
    r: {
      scope: string;
      key: string;
      requestHash: string;
      caseId: number | null;
      response: unknown;
      at: Date;
    },
  ): Promise<void> {
    await this.saveIdempotentMany(q, [r]);
  }

  /** Stores several answers under their keys in one statement (a duplicate key fails it: 23505). */
  async saveIdempotentMany(
    q: Queryable,
    rs: ReadonlyArray<{
      scope: string;
      key: string;
      requestHash: string;
      caseId: number | null;
      response: unknown;
      at: Date;
    }>,
  ): Promise<void> {
    if (rs.length === 0) return;
    await q.query(
      `INSERT INTO idempotency_keys (scope, key, request_hash, case_id, response, created_at)
       SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::bigint[], $5::jsonb[], $6::timestamptz[])`,
      [
        rs.map((r) => r.scope),
        rs.map((r) => r.key),
        rs.map((r) => r.requestHash),
        rs.map((r) => r.caseId),
        rs.map((r) => JSON.stringify(r.response)),
        rs.map((r) => r.at.toISOString()),
      ],
    );
  }

  /** Stored answers for several keys of one or more callers (scope, key) in one statement. */
  async findIdempotentMany(
    q: Queryable,
    keys: ReadonlyArray<{ scope: string; key: string }>,
  ): Promise<Map<string, { requestHash: string; response: unknown; caseId: number | null }>> {
    if (keys.length === 0) return new Map();
    const { rows } = await q.query<{
      scope: string;
      key: string;
      request_hash: string;
      response: unknown;
      case_id: number | null;
    }>(
      `SELECT k.scope, k.key, k.request_hash, k.response, k.case_id
         FROM idempotency_keys k
         JOIN unnest($1::text[], $2::text[]) AS u(scope, key) ON k.scope = u.scope AND k.key = u.key`,
      [keys.map((k) => k.scope), keys.map((k) => k.key)],
    );
    return new Map(
      rows.map((r) => [
        idempotencyMapKey(r.scope, r.key),
        { requestHash: r.request_hash, response: r.response, caseId: r.case_id },
      ]),
    );
  }

  /**
   * Links uploaded photos to a case/event. Only photos the same caller uploaded (anonymous with
   * anonymous) and not yet attached are taken, so nobody can claim someone else's upload by id.
   */
  async attachPhotos(
    q: Queryable,
    caseId: number,
    eventId: number,
    photoIds: readonly number[],
    uploadedBy: number | null,
    uploadKeyHash: string | null = null,
  ): Promise<number> {
    if (photoIds.length === 0) return 0;
    // A signed-in user's photos by account; anonymous photos only with their upload key.
    const { rowCount } = await q.query(
      `UPDATE case_photos SET case_id = $1, event_id = $2
       WHERE id = ANY($3) AND case_id IS NULL
         AND CASE WHEN $4::bigint IS NULL THEN uploaded_by IS NULL AND upload_key_hash = $5::text
                  ELSE uploaded_by = $4::bigint END`,
      [caseId, eventId, [...photoIds], uploadedBy, uploadKeyHash],
    );
    return rowCount;
  }

  /** Photos of a case (metadata). */
  async photos(
    q: Queryable,
    caseId: number,
  ): Promise<
    Array<{
      id: number;
      purpose: string;
      mime: string;
      bytes: number;
      sha256: string;
      eventId: number | null;
    }>
  > {
    const { rows } = await q.query<{
      id: number;
      purpose: string;
      mime: string;
      bytes: number;
      sha256: string;
      event_id: number | null;
    }>('SELECT id, purpose, mime, bytes, sha256, event_id FROM case_photos WHERE case_id = $1 ORDER BY id', [
      caseId,
    ]);
    return rows.map((r) => ({
      id: r.id,
      purpose: r.purpose,
      mime: r.mime,
      bytes: r.bytes,
      sha256: r.sha256,
      eventId: r.event_id,
    }));
  }
}
