import type { Queryable } from '../../db/db.js';
import { REDACTION_VERSION, redactFreeText } from '../../lib/privacy.js';
import type { CaseRecord, StoredTask } from './case.types.js';

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

/** snake_case row → CaseRecord; the column list is the table's. */
export function toCase(r: Record<string, unknown>): CaseRecord {
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

/** One inserted column: its name, its SQL array type for unnest, and the value from a case. */
type Column<C> = readonly [name: string, type: string, value: (c: C) => unknown];

const iso = (d: Date | null) => d?.toISOString() ?? null;

/**
 * The columns a new case is inserted with — the one list, used by intake and (with the
 * lifecycle columns below) by the demo's history, so both write the same redacted copies.
 */
const NEW_CASE_COLUMNS: ReadonlyArray<Column<NewCase>> = [
  ['public_code', 'text', (c) => c.publicCode],
  ['state', 'text', (c) => c.state],
  ['channel', 'text', (c) => c.channel],
  ['category_version', 'int', (c) => c.categoryVersion],
  ['category_code', 'text', (c) => c.categoryCode],
  ['hotline_type', 'text', (c) => c.hotlineType],
  ['urgent', 'boolean', (c) => c.urgent],
  ['description', 'text', (c) => c.description],
  ['address', 'text', (c) => c.address],
  ['lng', 'float8', (c) => c.lng],
  ['lat', 'float8', (c) => c.lat],
  ['grid_code', 'text', (c) => c.gridCode],
  ['area_id', 'bigint', (c) => c.areaId],
  ['department_code', 'text', (c) => c.departmentCode],
  ['tasks', 'jsonb', (c) => JSON.stringify(c.tasks)],
  ['reporter_user_id', 'bigint', (c) => c.reporterUserId],
  ['reporter_name_enc', 'text', (c) => c.reporterNameEnc],
  ['reporter_phone_enc', 'text', (c) => c.reporterPhoneEnc],
  ['reporter_phone_hash', 'text', (c) => c.reporterPhoneHash],
  ['external_ref', 'text', (c) => c.externalRef],
  ['reported_at', 'timestamptz', (c) => iso(c.reportedAt)],
  ['updated_at', 'timestamptz', (c) => iso(c.updatedAt)],
  ['clock_stage', 'text', (c) => c.clockStage],
  ['clock_started_at', 'timestamptz', (c) => iso(c.clockStartedAt)],
  ['clock_deadline', 'timestamptz', (c) => iso(c.clockDeadline)],
  ['clock_paused_minutes', 'float8', (c) => c.clockPausedMinutes],
  // The search copies for staff who may not see the raw text (see search).
  ['description_redacted', 'text', (c) => redactFreeText(c.description)],
  ['address_redacted', 'text', (c) => (c.address === null ? null : redactFreeText(c.address))],
  ['redaction_version', 'int', () => REDACTION_VERSION],
];

/** A case with its history already lived (the demo city): the new-case columns and the lifecycle's. */
const HISTORICAL_CASE_COLUMNS: ReadonlyArray<Column<CaseRecord>> = [
  ...NEW_CASE_COLUMNS,
  ['suspended_from', 'text', (c) => c.suspendedFrom],
  ['reopen_count', 'int', (c) => c.reopenCount],
  ['extension_requested', 'boolean', (c) => c.extensionRequested],
  ['evaluation', 'text', (c) => c.evaluation],
  ['filed_at', 'timestamptz', (c) => iso(c.filedAt)],
  ['dispatched_at', 'timestamptz', (c) => iso(c.dispatchedAt)],
  ['reported_back_at', 'timestamptz', (c) => iso(c.reportedBackAt)],
  ['closed_at', 'timestamptz', (c) => iso(c.closedAt)],
  ['evaluated_at', 'timestamptz', (c) => iso(c.evaluatedAt)],
  ['deadline_status', 'text', (c) => c.deadlineStatus],
];

/** `INSERT INTO cases (…) SELECT * FROM unnest($1::t[], …) <tail>`: one array parameter per column. */
function insertSql<C>(columns: ReadonlyArray<Column<C>>, tail: string): string {
  const names = columns.map(([name]) => name).join(', ');
  const arrays = columns.map(([, type], i) => `$${i + 1}::${type}[]`).join(', ');
  return `INSERT INTO cases (${names}) SELECT * FROM unnest(${arrays}) ${tail}`;
}

/** The SQL of the case rows themselves and of their reporters: insert, load, save. */
export class CaseRowsRepository {
  /**
   * Inserts new cases in one statement, in the order given, except that a case whose public code
   * is already taken (by an existing case or an earlier one in the list) is not inserted:
   * `undefined` in its place, so the caller can draw a new code. Codes are random (see
   * newPublicCode); at tens of thousands of reports a day two of them meet now and then.
   */
  async insertUnlessCodeTaken(q: Queryable, cs: readonly NewCase[]): Promise<Array<CaseRecord | undefined>> {
    if (cs.length === 0) return [];
    const { rows } = await q.query(
      insertSql(NEW_CASE_COLUMNS, 'ON CONFLICT (public_code) DO NOTHING RETURNING *'),
      NEW_CASE_COLUMNS.map(([, , value]) => cs.map(value)),
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

  /**
   * Inserts cases whose history is already lived (the demo city), in one statement and in the
   * order given, with the same columns and redacted copies as intake; returns their ids.
   */
  async insertHistorical(q: Queryable, cs: readonly CaseRecord[]): Promise<number[]> {
    if (cs.length === 0) return [];
    const { rows } = await q.query<{ id: number; public_code: string }>(
      insertSql(HISTORICAL_CASE_COLUMNS, 'RETURNING id, public_code'),
      HISTORICAL_CASE_COLUMNS.map(([, , value]) => cs.map(value)),
    );
    const ids = new Map(rows.map((r) => [r.public_code, Number(r.id)]));
    return cs.map((c) => ids.get(c.publicCode)!);
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
}
