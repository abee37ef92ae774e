import type { Queryable } from '../../db/db.js';
import { type AreaScope, scopeSql } from '../../kernel/policy.js';
import type { CareGrant } from './care.policy.js';
import type { Frequency } from './care-periods.js';

/** A cohort row as stored (label and rule still sealed). */
export interface CohortRow {
  id: number;
  areaCode: string | null;
  labelEnc: string;
  ruleEnc: string;
  createdAt: Date;
  updatedAt: Date;
  evaluatedAt: Date | null;
  members: number;
  frequency: Frequency | null;
}

/** A member of a cohort as lists show them (masked). */
export interface MemberRow {
  personId: number;
  nameMasked: string | null;
  idMasked: string;
  gender: string | null;
  birthYear: number | null;
  gridCode: string | null;
  householdNo: string | null;
  via: 'rule' | 'manual';
  since: Date;
}

/** One open visit task as the worker's list shows it. */
export interface TaskRow {
  id: number;
  cohortId: number;
  personId: number;
  nameMasked: string | null;
  householdNo: string | null;
  address: string | null;
  gridCode: string;
  dueDay: string;
  periodEnd: string;
  frequency: Frequency | null;
  form: string[] | null;
}

/** A stored visit (notes sealed). */
export interface VisitRow {
  id: number;
  taskId: number | null;
  cohortId: number;
  personId: number;
  gridCode: string;
  workerUserId: number;
  requestHash: string;
  visitedOn: string;
  contact: 'in_person' | 'phone' | 'not_home';
  healthEnc: string | null;
  livingEnc: string | null;
  needsEnc: string | null;
  notesEnc: string | null;
  photoId: number | null;
  memberLeft: boolean;
  caseId: number | null;
  createdAt: Date;
}

function visitOf(r: Record<string, unknown>): VisitRow {
  return {
    id: Number(r.id),
    taskId: r.task_id === null ? null : Number(r.task_id),
    cohortId: Number(r.cohort_id),
    personId: Number(r.person_id),
    gridCode: r.grid_code as string,
    workerUserId: Number(r.worker_user_id),
    requestHash: r.request_hash as string,
    visitedOn: r.visited_on as string,
    contact: r.contact as VisitRow['contact'],
    healthEnc: r.health_enc as string | null,
    livingEnc: r.living_enc as string | null,
    needsEnc: r.needs_enc as string | null,
    notesEnc: r.notes_enc as string | null,
    photoId: r.photo_id === null ? null : Number(r.photo_id),
    memberLeft: r.member_left as boolean,
    caseId: r.case_id === null ? null : Number(r.case_id),
    createdAt: r.created_at as Date,
  };
}

const VISIT_COLUMNS = `id, task_id, cohort_id, person_id, grid_code, worker_user_id, request_hash,
  to_char(visited_on, 'YYYY-MM-DD') AS visited_on, contact, health_enc, living_enc, needs_enc, notes_enc,
  photo_id, member_left, case_id, created_at`;

/** The only SQL of the care module (it reads people, households, grid_members and areas too). */
export class CareRepository {
  // ---- flags -------------------------------------------------------------------------------

  /** People by the keyed hash of their ID number. */
  async peopleByIdHash(q: Queryable, hashes: readonly string[]): Promise<Map<string, number>> {
    if (hashes.length === 0) return new Map();
    const { rows } = await q.query<{ id: string; id_hash: string }>(
      'SELECT id, id_hash FROM people WHERE id_hash = ANY($1::text[])',
      [[...new Set(hashes)]],
    );
    return new Map(rows.map((r) => [r.id_hash, Number(r.id)]));
  }

  /** Sets flags (a repeat of the same person and flag replaces its level and source). */
  async upsertFlags(
    q: Queryable,
    rows: ReadonlyArray<{ personId: number; flagKey: string; level: number | null; source: string }>,
    at: Date,
  ): Promise<void> {
    if (rows.length === 0) return;
    // One row per (person, flag): the last one of the file wins.
    const last = new Map(rows.map((r) => [`${r.personId}:${r.flagKey}`, r]));
    const rs = [...last.values()];
    await q.query(
      `INSERT INTO care_person_flags (person_id, flag_key, level, source, set_at)
       SELECT u.p, u.k, u.l, u.s, $5 FROM unnest($1::bigint[], $2::text[], $3::smallint[], $4::text[]) AS u(p, k, l, s)
       ON CONFLICT (person_id, flag_key) DO UPDATE SET level = EXCLUDED.level, source = EXCLUDED.source, set_at = EXCLUDED.set_at`,
      [
        rs.map((r) => r.personId),
        rs.map((r) => r.flagKey),
        rs.map((r) => r.level),
        rs.map((r) => r.source),
        at,
      ],
    );
  }

  /** Removes flags (a department's file says the person no longer has it). */
  async clearFlags(q: Queryable, rows: ReadonlyArray<{ personId: number; flagKey: string }>): Promise<void> {
    if (rows.length === 0) return;
    await q.query(
      `DELETE FROM care_person_flags f USING unnest($1::bigint[], $2::text[]) AS u(p, k)
        WHERE f.person_id = u.p AND f.flag_key = u.k`,
      [rows.map((r) => r.personId), rows.map((r) => r.flagKey)],
    );
  }

  // ---- cohorts -----------------------------------------------------------------------------

  async insertCohort(
    q: Queryable,
    c: { areaCode: string | null; labelEnc: string; ruleEnc: string; by: string; at: Date },
  ): Promise<number> {
    const { rows } = await q.query<{ id: string }>(
      `INSERT INTO care_cohorts (area_code, label_enc, rule_enc, created_by, created_at, updated_at)
       VALUES ($1, $2, $3, $4, $5, $5) RETURNING id`,
      [c.areaCode, c.labelEnc, c.ruleEnc, c.by, c.at],
    );
    return Number(rows[0]!.id);
  }

  async updateCohort(
    q: Queryable,
    id: number,
    c: { labelEnc?: string; ruleEnc?: string; at: Date },
  ): Promise<void> {
    await q.query(
      `UPDATE care_cohorts SET label_enc = coalesce($2, label_enc), rule_enc = coalesce($3, rule_enc), updated_at = $4
        WHERE id = $1`,
      [id, c.labelEnc ?? null, c.ruleEnc ?? null, c.at],
    );
  }

  private cohortSelect =
    `SELECT c.id, c.area_code, c.label_enc, c.rule_enc, c.created_at, c.updated_at, c.evaluated_at,
      (SELECT count(*) FROM care_members m WHERE m.cohort_id = c.id)::int AS members, pl.frequency
    FROM care_cohorts c LEFT JOIN care_plans pl ON pl.cohort_id = c.id AND pl.active`;

  private cohortOf(r: Record<string, unknown>): CohortRow {
    return {
      id: Number(r.id),
      areaCode: r.area_code as string | null,
      labelEnc: r.label_enc as string,
      ruleEnc: r.rule_enc as string,
      createdAt: r.created_at as Date,
      updatedAt: r.updated_at as Date,
      evaluatedAt: r.evaluated_at as Date | null,
      members: Number(r.members),
      frequency: (r.frequency as Frequency | null) ?? null,
    };
  }

  async getCohort(q: Queryable, id: number, lock = false): Promise<CohortRow | undefined> {
    if (lock) await q.query('SELECT id FROM care_cohorts WHERE id = $1 FOR UPDATE', [id]);
    const { rows } = await q.query(`${this.cohortSelect} WHERE c.id = $1`, [id]);
    return rows[0] ? this.cohortOf(rows[0]) : undefined;
  }

  /** Cohorts whose area lies in `scope` (an admin's), plus the ones with these ids (grants). */
  async listCohorts(q: Queryable, scope: AreaScope, ids: readonly number[]): Promise<CohortRow[]> {
    const params: unknown[] = [[...ids]];
    const inScope = scope.all ? 'TRUE' : scopeSql(scope, 'c.area_code', params);
    const { rows } = await q.query(
      `${this.cohortSelect} WHERE (${inScope}) OR c.id = ANY($1::bigint[]) ORDER BY c.id`,
      params,
    );
    return rows.map((r) => this.cohortOf(r));
  }

  async allCohorts(q: Queryable): Promise<Array<{ id: number; areaCode: string | null; ruleEnc: string }>> {
    const { rows } = await q.query<{ id: string; area_code: string | null; rule_enc: string }>(
      'SELECT id, area_code, rule_enc FROM care_cohorts ORDER BY id',
    );
    return rows.map((r) => ({ id: Number(r.id), areaCode: r.area_code, ruleEnc: r.rule_enc }));
  }

  /**
   * Recomputes one cohort's members in one statement: the people in its area matching the rule
   * (`ruleSql` over `people p` and household sizes `hs`) plus the active manual additions. Who
   * entered and who left is logged with the trigger, the actor label and the reason.
   */
  async recompute(
    q: Queryable,
    r: {
      cohortId: number;
      areaCode: string | null;
      ruleSql: string;
      params: unknown[];
      trigger: string;
      by: string;
      at: Date;
    },
  ): Promise<{ entered: number; left: number; members: number }> {
    const params = [...r.params];
    const p = (v: unknown) => {
      params.push(v);
      return `$${params.length}`;
    };
    const cohort = p(r.cohortId);
    const at = p(r.at);
    const trigger = p(r.trigger);
    const by = p(r.by);
    const area = r.areaCode === null ? 'TRUE' : `p.grid_code LIKE ${p(`${r.areaCode}%`)}`;
    const { rows } = await q.query<{ entered: number; left: number; members: number }>(
      `WITH hs AS (
         SELECT household_id, count(*)::int AS n FROM people WHERE household_id IS NOT NULL GROUP BY household_id
       ), matched AS (
         SELECT p.id AS person_id, p.grid_code FROM people p LEFT JOIN hs ON hs.household_id = p.household_id
          WHERE ${area} AND ${r.ruleSql}
       ), desired AS (
         SELECT person_id, grid_code, 'rule'::text AS via FROM matched
         UNION ALL
         SELECT m.person_id, p.grid_code, 'manual'::text FROM care_manual_members m JOIN people p ON p.id = m.person_id
          WHERE m.cohort_id = ${cohort} AND m.removed_at IS NULL
            AND NOT EXISTS (SELECT 1 FROM matched x WHERE x.person_id = m.person_id)
       ), gone AS (
         DELETE FROM care_members c WHERE c.cohort_id = ${cohort}
            AND NOT EXISTS (SELECT 1 FROM desired d WHERE d.person_id = c.person_id)
         RETURNING c.person_id, c.via
       ), came AS (
         INSERT INTO care_members (cohort_id, person_id, grid_code, via, since)
         SELECT ${cohort}, d.person_id, d.grid_code, d.via, ${at} FROM desired d
          WHERE NOT EXISTS (SELECT 1 FROM care_members c WHERE c.cohort_id = ${cohort} AND c.person_id = d.person_id)
         RETURNING person_id, via
       ), moved AS (
         UPDATE care_members c SET grid_code = d.grid_code, via = d.via FROM desired d
          WHERE c.cohort_id = ${cohort} AND c.person_id = d.person_id
            AND (c.grid_code IS DISTINCT FROM d.grid_code OR c.via <> d.via)
         RETURNING c.person_id
       ), log_in AS (
         INSERT INTO care_membership_changes (cohort_id, person_id, change, reason, trigger, by, at)
         SELECT ${cohort}, person_id, 'entered', CASE via WHEN 'rule' THEN 'rule_matched' ELSE 'manual_addition' END,
                ${trigger}, ${by}, ${at} FROM came
         RETURNING 1
       ), log_out AS (
         INSERT INTO care_membership_changes (cohort_id, person_id, change, reason, trigger, by, at)
         SELECT ${cohort}, person_id, 'left', CASE via WHEN 'rule' THEN 'no_longer_matches' ELSE 'manual_removed' END,
                ${trigger}, ${by}, ${at} FROM gone
         RETURNING 1
       )
       SELECT (SELECT count(*) FROM came)::int AS entered, (SELECT count(*) FROM gone)::int AS left,
              (SELECT count(*) FROM desired)::int AS members,
              (SELECT count(*) FROM moved)::int + (SELECT count(*) FROM log_in)::int + (SELECT count(*) FROM log_out)::int AS touched`,
      params,
    );
    await q.query('UPDATE care_cohorts SET evaluated_at = $2 WHERE id = $1', [r.cohortId, r.at]);
    const row = rows[0]!;
    return { entered: Number(row.entered), left: Number(row.left), members: Number(row.members) };
  }

  async addManual(
    q: Queryable,
    m: { cohortId: number; personId: number; reasonEnc: string; by: string; at: Date },
  ): Promise<boolean> {
    const res = await q.query(
      `INSERT INTO care_manual_members (cohort_id, person_id, reason_enc, added_by, added_at)
       VALUES ($1, $2, $3, $4, $5) ON CONFLICT (cohort_id, person_id) WHERE removed_at IS NULL DO NOTHING`,
      [m.cohortId, m.personId, m.reasonEnc, m.by, m.at],
    );
    return res.rowCount > 0;
  }

  async removeManual(
    q: Queryable,
    cohortId: number,
    personId: number,
    by: string,
    at: Date,
  ): Promise<boolean> {
    const res = await q.query(
      `UPDATE care_manual_members SET removed_by = $3, removed_at = $4
        WHERE cohort_id = $1 AND person_id = $2 AND removed_at IS NULL`,
      [cohortId, personId, by, at],
    );
    return res.rowCount > 0;
  }

  /** A person's grid, or undefined when there is no such person. */
  async personGrid(q: Queryable, personId: number): Promise<{ gridCode: string | null } | undefined> {
    const { rows } = await q.query<{ grid_code: string | null }>(
      'SELECT grid_code FROM people WHERE id = $1',
      [personId],
    );
    return rows[0] ? { gridCode: rows[0].grid_code } : undefined;
  }

  /** Members of a cohort inside `scope`, masked, with the total. */
  async listMembers(
    q: Queryable,
    cohortId: number,
    scope: AreaScope,
    f: { within?: string; limit: number; offset: number },
  ): Promise<{ items: MemberRow[]; total: number }> {
    const params: unknown[] = [cohortId];
    let where = `m.cohort_id = $1 AND ${scopeSql(scope, 'm.grid_code', params)}`;
    if (f.within) {
      params.push(`${f.within}%`);
      where += ` AND m.grid_code LIKE $${params.length}`;
    }
    const total = await q.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM care_members m WHERE ${where}`,
      params,
    );
    params.push(f.limit, f.offset);
    const { rows } = await q.query<Record<string, unknown>>(
      `SELECT m.person_id, p.name_masked, p.id_masked, p.gender, p.birth_year, m.grid_code, h.household_no, m.via, m.since
         FROM care_members m JOIN people p ON p.id = m.person_id LEFT JOIN households h ON h.id = p.household_id
        WHERE ${where} ORDER BY m.grid_code, m.person_id LIMIT $${params.length - 1} OFFSET $${params.length}`,
      params,
    );
    return {
      total: Number(total.rows[0]!.n),
      items: rows.map((r) => ({
        personId: Number(r.person_id),
        nameMasked: r.name_masked as string | null,
        idMasked: r.id_masked as string,
        gender: r.gender as string | null,
        birthYear: r.birth_year === null ? null : Number(r.birth_year),
        gridCode: r.grid_code as string | null,
        householdNo: r.household_no as string | null,
        via: r.via as 'rule' | 'manual',
        since: r.since as Date,
      })),
    };
  }

  /** The membership history of a cohort inside `scope` (newest first). */
  async changes(
    q: Queryable,
    cohortId: number,
    scope: AreaScope,
    f: { personId?: number; limit: number },
  ): Promise<
    Array<{ personId: number; change: string; reason: string; trigger: string; by: string; at: Date }>
  > {
    const params: unknown[] = [cohortId];
    let where = `c.cohort_id = $1 AND ${scopeSql(scope, 'p.grid_code', params)}`;
    if (f.personId !== undefined) {
      params.push(f.personId);
      where += ` AND c.person_id = $${params.length}`;
    }
    params.push(f.limit);
    const { rows } = await q.query<Record<string, unknown>>(
      `SELECT c.person_id, c.change, c.reason, c.trigger, c.by, c.at FROM care_membership_changes c
         JOIN people p ON p.id = c.person_id WHERE ${where} ORDER BY c.id DESC LIMIT $${params.length}`,
      params,
    );
    return rows.map((r) => ({
      personId: Number(r.person_id),
      change: r.change as string,
      reason: r.reason as string,
      trigger: r.trigger as string,
      by: r.by as string,
      at: r.at as Date,
    }));
  }

  /** Whether the person is a member now, and whether they ever were. */
  async membership(
    q: Queryable,
    cohortId: number,
    personId: number,
  ): Promise<{ member: boolean; everMember: boolean }> {
    const { rows } = await q.query<{ member: boolean; ever: boolean }>(
      `SELECT EXISTS (SELECT 1 FROM care_members WHERE cohort_id = $1 AND person_id = $2) AS member,
              EXISTS (SELECT 1 FROM care_membership_changes WHERE cohort_id = $1 AND person_id = $2) AS ever`,
      [cohortId, personId],
    );
    return { member: rows[0]!.member, everMember: rows[0]!.ever };
  }

  /** The cohorts a person belongs to (ids only; labels are the service's to decide on). */
  async cohortsOfPerson(q: Queryable, personId: number): Promise<number[]> {
    const { rows } = await q.query<{ cohort_id: string }>(
      'SELECT cohort_id FROM care_members WHERE person_id = $1 ORDER BY cohort_id',
      [personId],
    );
    return rows.map((r) => Number(r.cohort_id));
  }

  // ---- grants ------------------------------------------------------------------------------

  async userExists(q: Queryable, userId: number): Promise<boolean> {
    const { rows } = await q.query('SELECT 1 FROM users WHERE id = $1', [userId]);
    return rows.length > 0;
  }

  async insertGrant(
    q: Queryable,
    g: { userId: number; cohortId: number; areaCode: string | null; by: string; at: Date },
  ): Promise<number> {
    const { rows } = await q.query<{ id: string }>(
      `INSERT INTO care_grants (user_id, cohort_id, area_code, granted_by, granted_at) VALUES ($1, $2, $3, $4, $5)
       ON CONFLICT (user_id, cohort_id, coalesce(area_code, '')) WHERE revoked_at IS NULL
       DO UPDATE SET granted_by = care_grants.granted_by RETURNING id`,
      [g.userId, g.cohortId, g.areaCode, g.by, g.at],
    );
    return Number(rows[0]!.id);
  }

  async findGrant(q: Queryable, id: number): Promise<(CareGrant & { userId: number }) | undefined> {
    const { rows } = await q.query<{
      id: string;
      user_id: string;
      cohort_id: string;
      area_code: string | null;
    }>('SELECT id, user_id, cohort_id, area_code FROM care_grants WHERE id = $1 AND revoked_at IS NULL', [
      id,
    ]);
    const r = rows[0];
    return r
      ? { id: Number(r.id), userId: Number(r.user_id), cohortId: Number(r.cohort_id), areaCode: r.area_code }
      : undefined;
  }

  async revokeGrant(q: Queryable, id: number, by: string, at: Date): Promise<void> {
    await q.query(
      'UPDATE care_grants SET revoked_by = $2, revoked_at = $3 WHERE id = $1 AND revoked_at IS NULL',
      [id, by, at],
    );
  }

  /** A user's active cohort grants. */
  async grantsOf(q: Queryable, userId: number): Promise<CareGrant[]> {
    const { rows } = await q.query<{ id: string; cohort_id: string; area_code: string | null }>(
      'SELECT id, cohort_id, area_code FROM care_grants WHERE user_id = $1 AND revoked_at IS NULL ORDER BY id',
      [userId],
    );
    return rows.map((r) => ({ id: Number(r.id), cohortId: Number(r.cohort_id), areaCode: r.area_code }));
  }

  async grantsOfCohort(
    q: Queryable,
    cohortId: number,
  ): Promise<Array<CareGrant & { userId: number; grantedAt: Date }>> {
    const { rows } = await q.query<Record<string, unknown>>(
      `SELECT id, user_id, cohort_id, area_code, granted_at FROM care_grants
        WHERE cohort_id = $1 AND revoked_at IS NULL ORDER BY id`,
      [cohortId],
    );
    return rows.map((r) => ({
      id: Number(r.id),
      userId: Number(r.user_id),
      cohortId: Number(r.cohort_id),
      areaCode: r.area_code as string | null,
      grantedAt: r.granted_at as Date,
    }));
  }

  // ---- plans and tasks ---------------------------------------------------------------------

  async upsertPlan(
    q: Queryable,
    p: {
      cohortId: number;
      frequency: Frequency;
      form: readonly string[];
      active: boolean;
      by: string;
      at: Date;
    },
  ): Promise<void> {
    await q.query(
      `INSERT INTO care_plans (cohort_id, frequency, form, active, updated_by, updated_at) VALUES ($1, $2, $3, $4, $5, $6)
       ON CONFLICT (cohort_id) DO UPDATE SET frequency = EXCLUDED.frequency, form = EXCLUDED.form,
         active = EXCLUDED.active, updated_by = EXCLUDED.updated_by, updated_at = EXCLUDED.updated_at`,
      [p.cohortId, p.frequency, JSON.stringify(p.form), p.active, p.by, p.at],
    );
  }

  async getPlan(
    q: Queryable,
    cohortId: number,
  ): Promise<{ frequency: Frequency; form: string[]; active: boolean } | undefined> {
    const { rows } = await q.query<{ frequency: Frequency; form: string[]; active: boolean }>(
      'SELECT frequency, form, active FROM care_plans WHERE cohort_id = $1',
      [cohortId],
    );
    return rows[0];
  }

  async activePlans(q: Queryable): Promise<Array<{ cohortId: number; frequency: Frequency }>> {
    const { rows } = await q.query<{ cohort_id: string; frequency: Frequency }>(
      'SELECT cohort_id, frequency FROM care_plans WHERE active ORDER BY cohort_id',
    );
    return rows.map((r) => ({ cohortId: Number(r.cohort_id), frequency: r.frequency }));
  }

  /**
   * Members of a cohort with no task yet for the period starting `periodStart`, with the grid's
   * worker (the lowest user id among its workers; null when the grid has none).
   */
  async membersWithoutTask(
    q: Queryable,
    cohortId: number,
    periodStart: string,
  ): Promise<Array<{ personId: number; gridCode: string; workerUserId: number | null }>> {
    const { rows } = await q.query<{ person_id: string; grid_code: string; worker: string | null }>(
      `SELECT m.person_id, m.grid_code,
              (SELECT min(g.user_id) FROM grid_members g WHERE g.grid_code = m.grid_code AND g.role = 'worker') AS worker
         FROM care_members m
        WHERE m.cohort_id = $1 AND m.grid_code IS NOT NULL
          AND NOT EXISTS (SELECT 1 FROM care_visit_tasks t
                           WHERE t.cohort_id = $1 AND t.person_id = m.person_id AND t.period_start = $2::date)
        ORDER BY m.grid_code, m.person_id`,
      [cohortId, periodStart],
    );
    return rows.map((r) => ({
      personId: Number(r.person_id),
      gridCode: r.grid_code,
      workerUserId: r.worker === null ? null : Number(r.worker),
    }));
  }

  /** Tasks per worker and due day between two days (the load new tasks are balanced against). */
  async workerLoad(
    q: Queryable,
    workers: readonly number[],
    from: string,
    to: string,
  ): Promise<Map<number, Map<string, number>>> {
    const out = new Map<number, Map<string, number>>();
    if (workers.length === 0) return out;
    const { rows } = await q.query<{ w: string; day: string; n: number }>(
      `SELECT worker_user_id AS w, to_char(due_day, 'YYYY-MM-DD') AS day, count(*)::int AS n FROM care_visit_tasks
        WHERE worker_user_id = ANY($1::bigint[]) AND due_day BETWEEN $2::date AND $3::date GROUP BY 1, 2`,
      [[...workers], from, to],
    );
    for (const r of rows) {
      const m = out.get(Number(r.w)) ?? new Map<string, number>();
      m.set(r.day, Number(r.n));
      out.set(Number(r.w), m);
    }
    return out;
  }

  /** Inserts tasks in chunks; an existing (cohort, person, period) is left alone. Returns how many were new. */
  async insertTasks(
    q: Queryable,
    rows: ReadonlyArray<{
      cohortId: number;
      personId: number;
      gridCode: string;
      workerUserId: number | null;
      periodStart: string;
      periodEnd: string;
      dueDay: string;
    }>,
    at: Date,
  ): Promise<number> {
    let n = 0;
    for (let i = 0; i < rows.length; i += 10_000) {
      const c = rows.slice(i, i + 10_000);
      const res = await q.query(
        `INSERT INTO care_visit_tasks (cohort_id, person_id, grid_code, worker_user_id, period_start, period_end, due_day, created_at)
         SELECT u.c, u.p, u.g, u.w, u.s, u.e, u.d, $8
           FROM unnest($1::bigint[], $2::bigint[], $3::text[], $4::bigint[], $5::date[], $6::date[], $7::date[])
             AS u(c, p, g, w, s, e, d)
         ON CONFLICT (cohort_id, person_id, period_start) DO NOTHING`,
        [
          c.map((r) => r.cohortId),
          c.map((r) => r.personId),
          c.map((r) => r.gridCode),
          c.map((r) => r.workerUserId),
          c.map((r) => r.periodStart),
          c.map((r) => r.periodEnd),
          c.map((r) => r.dueDay),
          at,
        ],
      );
      n += res.rowCount;
    }
    return n;
  }

  /** Tasks of a cohort (tests, exports): id, person, grid, worker, due day, status. */
  async tasksOfCohort(
    q: Queryable,
    cohortId: number,
  ): Promise<
    Array<{
      id: number;
      personId: number;
      gridCode: string;
      workerUserId: number | null;
      dueDay: string;
      status: string;
    }>
  > {
    const { rows } = await q.query<Record<string, unknown>>(
      `SELECT id, person_id, grid_code, worker_user_id, to_char(due_day, 'YYYY-MM-DD') AS due_day, status
         FROM care_visit_tasks WHERE cohort_id = $1 ORDER BY id`,
      [cohortId],
    );
    return rows.map((r) => ({
      id: Number(r.id),
      personId: Number(r.person_id),
      gridCode: r.grid_code as string,
      workerUserId: r.worker_user_id === null ? null : Number(r.worker_user_id),
      dueDay: r.due_day as string,
      status: r.status as string,
    }));
  }

  /**
   * The worker's open tasks due on or before `today` (today's and overdue), in the grids they
   * staff now: a task of a grid they left is not theirs any more.
   */
  async workerTasks(q: Queryable, userId: number, today: string, limit: number): Promise<TaskRow[]> {
    const { rows } = await q.query<Record<string, unknown>>(
      `SELECT t.id, t.cohort_id, t.person_id, p.name_masked, h.household_no, a.text AS address, t.grid_code,
              to_char(t.due_day, 'YYYY-MM-DD') AS due_day, to_char(t.period_end, 'YYYY-MM-DD') AS period_end,
              pl.frequency, pl.form
         FROM care_visit_tasks t
         JOIN people p ON p.id = t.person_id
         LEFT JOIN households h ON h.id = p.household_id
         LEFT JOIN buildings b ON b.id = h.building_id
         LEFT JOIN addresses a ON a.id = coalesce(h.address_id, b.address_id)
         LEFT JOIN care_plans pl ON pl.cohort_id = t.cohort_id
        WHERE t.worker_user_id = $1 AND t.status = 'open' AND t.due_day <= $2::date
          AND EXISTS (SELECT 1 FROM grid_members g WHERE g.user_id = $1 AND g.grid_code = t.grid_code AND g.role = 'worker')
        ORDER BY t.due_day, t.id LIMIT $3`,
      [userId, today, limit],
    );
    return rows.map((r) => ({
      id: Number(r.id),
      cohortId: Number(r.cohort_id),
      personId: Number(r.person_id),
      nameMasked: r.name_masked as string | null,
      householdNo: r.household_no as string | null,
      address: r.address as string | null,
      gridCode: r.grid_code as string,
      dueDay: r.due_day as string,
      periodEnd: r.period_end as string,
      frequency: (r.frequency as Frequency | null) ?? null,
      form: (r.form as string[] | null) ?? null,
    }));
  }

  /** True when the user works in the grid (role worker or leader). */
  async staffsGrid(q: Queryable, userId: number, gridCode: string | null): Promise<boolean> {
    if (gridCode === null) return false;
    const { rows } = await q.query('SELECT 1 FROM grid_members WHERE user_id = $1 AND grid_code = $2', [
      userId,
      gridCode,
    ]);
    return rows.length > 0;
  }

  /** The household card of a person: masked person, household, address, the household's people (masked). */
  async householdCard(
    q: Queryable,
    personId: number,
  ): Promise<
    | {
        personId: number;
        nameMasked: string | null;
        gender: string | null;
        birthYear: number | null;
        gridCode: string | null;
        householdNo: string | null;
        address: string | null;
        household: Array<{
          personId: number;
          nameMasked: string | null;
          gender: string | null;
          birthYear: number | null;
        }>;
      }
    | undefined
  > {
    const { rows } = await q.query<Record<string, unknown>>(
      `SELECT p.id, p.name_masked, p.gender, p.birth_year, p.grid_code, p.household_id, h.household_no, a.text AS address
         FROM people p LEFT JOIN households h ON h.id = p.household_id
         LEFT JOIN buildings b ON b.id = h.building_id
         LEFT JOIN addresses a ON a.id = coalesce(h.address_id, b.address_id)
        WHERE p.id = $1`,
      [personId],
    );
    const r = rows[0];
    if (!r) return undefined;
    const hh =
      r.household_id === null
        ? []
        : (
            await q.query<Record<string, unknown>>(
              'SELECT id, name_masked, gender, birth_year FROM people WHERE household_id = $1 ORDER BY id',
              [r.household_id],
            )
          ).rows;
    return {
      personId: Number(r.id),
      nameMasked: r.name_masked as string | null,
      gender: r.gender as string | null,
      birthYear: r.birth_year === null ? null : Number(r.birth_year),
      gridCode: r.grid_code as string | null,
      householdNo: r.household_no as string | null,
      address: r.address as string | null,
      household: hh.map((x) => ({
        personId: Number(x.id),
        nameMasked: x.name_masked as string | null,
        gender: x.gender as string | null,
        birthYear: x.birth_year === null ? null : Number(x.birth_year),
      })),
    };
  }

  /** Where a person lives, for a case raised on a visit: building, else address, else grid centre. */
  async placeOf(
    q: Queryable,
    personId: number,
  ): Promise<{ lng: number; lat: number; address: string | null } | undefined> {
    const { rows } = await q.query<{ lng: number | null; lat: number | null; address: string | null }>(
      `SELECT coalesce(b.lng, a.lng, ar.center_lng) AS lng, coalesce(b.lat, a.lat, ar.center_lat) AS lat, a.text AS address
         FROM people p LEFT JOIN households h ON h.id = p.household_id
         LEFT JOIN buildings b ON b.id = h.building_id
         LEFT JOIN addresses a ON a.id = coalesce(h.address_id, b.address_id)
         LEFT JOIN areas ar ON ar.code = p.grid_code AND ar.valid_to IS NULL
        WHERE p.id = $1`,
      [personId],
    );
    const r = rows[0];
    return r && r.lng !== null && r.lat !== null
      ? { lng: Number(r.lng), lat: Number(r.lat), address: r.address }
      : undefined;
  }

  // ---- visits ------------------------------------------------------------------------------

  async findVisitByKey(q: Queryable, workerUserId: number, key: string): Promise<VisitRow | undefined> {
    const { rows } = await q.query<Record<string, unknown>>(
      `SELECT ${VISIT_COLUMNS} FROM care_visits WHERE worker_user_id = $1 AND idempotency_key = $2`,
      [workerUserId, key],
    );
    return rows[0] ? visitOf(rows[0]) : undefined;
  }

  async getVisit(q: Queryable, id: number): Promise<VisitRow | undefined> {
    const { rows } = await q.query<Record<string, unknown>>(
      `SELECT ${VISIT_COLUMNS} FROM care_visits WHERE id = $1`,
      [id],
    );
    return rows[0] ? visitOf(rows[0]) : undefined;
  }

  /** Inserts a visit; undefined when the (worker, key) exists already (a concurrent replay). */
  async insertVisit(
    q: Queryable,
    v: Omit<VisitRow, 'id' | 'caseId' | 'createdAt'> & { idempotencyKey: string; at: Date },
  ): Promise<number | undefined> {
    const { rows } = await q.query<{ id: string }>(
      `INSERT INTO care_visits (task_id, cohort_id, person_id, grid_code, worker_user_id, idempotency_key, request_hash,
         visited_on, contact, health_enc, living_enc, needs_enc, notes_enc, photo_id, member_left, created_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8::date, $9, $10, $11, $12, $13, $14, $15, $16)
       ON CONFLICT (worker_user_id, idempotency_key) DO NOTHING RETURNING id`,
      [
        v.taskId,
        v.cohortId,
        v.personId,
        v.gridCode,
        v.workerUserId,
        v.idempotencyKey,
        v.requestHash,
        v.visitedOn,
        v.contact,
        v.healthEnc,
        v.livingEnc,
        v.needsEnc,
        v.notesEnc,
        v.photoId,
        v.memberLeft,
        v.at,
      ],
    );
    return rows[0] ? Number(rows[0].id) : undefined;
  }

  async setVisitCase(q: Queryable, visitId: number, caseId: number): Promise<void> {
    await q.query('UPDATE care_visits SET case_id = $2 WHERE id = $1 AND case_id IS NULL', [visitId, caseId]);
  }

  /**
   * The member's task a visit on `day` completes: the open task whose period contains the day,
   * else the oldest open task due before it (an overdue visit done late).
   */
  async openTaskFor(
    q: Queryable,
    cohortId: number,
    personId: number,
    day: string,
  ): Promise<{ id: number; dueDay: string } | undefined> {
    const { rows } = await q.query<{ id: string; due_day: string }>(
      `SELECT id, to_char(due_day, 'YYYY-MM-DD') AS due_day FROM care_visit_tasks
        WHERE cohort_id = $1 AND person_id = $2 AND status = 'open' AND period_start <= $3::date
        ORDER BY (period_end >= $3::date) DESC, due_day LIMIT 1 FOR UPDATE`,
      [cohortId, personId, day],
    );
    return rows[0] ? { id: Number(rows[0].id), dueDay: rows[0].due_day } : undefined;
  }

  async taskById(
    q: Queryable,
    id: number,
  ): Promise<{ id: number; cohortId: number; personId: number; status: string; dueDay: string } | undefined> {
    const { rows } = await q.query<Record<string, unknown>>(
      `SELECT id, cohort_id, person_id, status, to_char(due_day, 'YYYY-MM-DD') AS due_day
         FROM care_visit_tasks WHERE id = $1 FOR UPDATE`,
      [id],
    );
    const r = rows[0];
    return r
      ? {
          id: Number(r.id),
          cohortId: Number(r.cohort_id),
          personId: Number(r.person_id),
          status: r.status as string,
          dueDay: r.due_day as string,
        }
      : undefined;
  }

  async completeTask(q: Queryable, taskId: number, visitId: number, day: string): Promise<void> {
    await q.query(
      `UPDATE care_visit_tasks SET status = 'done', visit_id = $2, done_day = $3::date WHERE id = $1 AND status = 'open'`,
      [taskId, visitId, day],
    );
  }

  /** Contacts of the member's last `n` visits, newest first. */
  async lastContacts(q: Queryable, cohortId: number, personId: number, n: number): Promise<string[]> {
    const { rows } = await q.query<{ contact: string }>(
      `SELECT contact FROM care_visits WHERE cohort_id = $1 AND person_id = $2
        ORDER BY visited_on DESC, id DESC LIMIT $3`,
      [cohortId, personId, n],
    );
    return rows.map((r) => r.contact);
  }

  /** The member's visits, newest first (notes sealed). */
  async visitsOf(q: Queryable, cohortId: number, personId: number, limit: number): Promise<VisitRow[]> {
    const { rows } = await q.query<Record<string, unknown>>(
      `SELECT ${VISIT_COLUMNS} FROM care_visits WHERE cohort_id = $1 AND person_id = $2
        ORDER BY visited_on DESC, id DESC LIMIT $3`,
      [cohortId, personId, limit],
    );
    return rows.map(visitOf);
  }

  async insertAlert(
    q: Queryable,
    a: {
      kind: 'overdue' | 'not_met';
      cohortId: number;
      personId: number;
      gridCode: string;
      taskId: number | null;
      visitId: number | null;
      at: Date;
    },
  ): Promise<boolean> {
    const res = await q.query(
      `INSERT INTO care_alerts (kind, cohort_id, person_id, grid_code, task_id, visit_id, at)
       VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT DO NOTHING`,
      [a.kind, a.cohortId, a.personId, a.gridCode, a.taskId, a.visitId, a.at],
    );
    return res.rowCount > 0;
  }

  /** Alerts in the scope (newest first). */
  async alerts(
    q: Queryable,
    scope: AreaScope,
    limit: number,
  ): Promise<
    Array<{
      id: number;
      kind: string;
      cohortId: number;
      personId: number;
      gridCode: string;
      taskId: number | null;
      at: Date;
    }>
  > {
    const params: unknown[] = [];
    const where = scopeSql(scope, 'grid_code', params);
    params.push(limit);
    const { rows } = await q.query<Record<string, unknown>>(
      `SELECT id, kind, cohort_id, person_id, grid_code, task_id, at FROM care_alerts WHERE ${where}
        ORDER BY id DESC LIMIT $${params.length}`,
      params,
    );
    return rows.map((r) => ({
      id: Number(r.id),
      kind: r.kind as string,
      cohortId: Number(r.cohort_id),
      personId: Number(r.person_id),
      gridCode: r.grid_code as string,
      taskId: r.task_id === null ? null : Number(r.task_id),
      at: r.at as Date,
    }));
  }

  // ---- escalation and coverage -------------------------------------------------------------

  /** Open tasks due before `before`, not escalated yet; locked, skipping rows another node holds. */
  async lockOverdue(
    q: Queryable,
    before: string,
    limit: number,
  ): Promise<Array<{ id: number; cohortId: number; personId: number; gridCode: string; dueDay: string }>> {
    const { rows } = await q.query<Record<string, unknown>>(
      `SELECT id, cohort_id, person_id, grid_code, to_char(due_day, 'YYYY-MM-DD') AS due_day FROM care_visit_tasks
        WHERE status = 'open' AND escalated_at IS NULL AND due_day < $1::date
        ORDER BY id LIMIT $2 FOR UPDATE SKIP LOCKED`,
      [before, limit],
    );
    return rows.map((r) => ({
      id: Number(r.id),
      cohortId: Number(r.cohort_id),
      personId: Number(r.person_id),
      gridCode: r.grid_code as string,
      dueDay: r.due_day as string,
    }));
  }

  async markEscalated(q: Queryable, ids: readonly number[], at: Date): Promise<void> {
    await q.query('UPDATE care_visit_tasks SET escalated_at = $2 WHERE id = ANY($1::bigint[])', [
      [...ids],
      at,
    ]);
  }

  /** The leaders of these grids (grid_members role leader). */
  async gridLeaders(q: Queryable, grids: readonly string[]): Promise<Map<string, number>> {
    const { rows } = await q.query<{ grid_code: string; user_id: string }>(
      `SELECT grid_code, user_id FROM grid_members WHERE role = 'leader' AND grid_code = ANY($1::text[])`,
      [[...grids]],
    );
    return new Map(rows.map((r) => [r.grid_code, Number(r.user_id)]));
  }

  /**
   * Visits due and done on time per area of one level (the first `codeLength` characters of the
   * grid code): tasks due in [from, to] inside the scope, optionally of one cohort.
   */
  async coverage(
    q: Queryable,
    f: { codeLength: number; scope: AreaScope; within?: string; from: string; to: string; cohortId?: number },
  ): Promise<Array<{ code: string; due: number; onTime: number }>> {
    const params: unknown[] = [f.from, f.to];
    let where = `t.due_day BETWEEN $1::date AND $2::date AND ${scopeSql(f.scope, 't.grid_code', params)}`;
    if (f.within) {
      params.push(`${f.within}%`);
      where += ` AND t.grid_code LIKE $${params.length}`;
    }
    if (f.cohortId !== undefined) {
      params.push(f.cohortId);
      where += ` AND t.cohort_id = $${params.length}`;
    }
    params.push(f.codeLength);
    const { rows } = await q.query<{ code: string; due: number; on_time: number }>(
      `SELECT substr(t.grid_code, 1, $${params.length}) AS code, count(*)::int AS due,
              count(*) FILTER (WHERE t.status = 'done' AND t.done_day <= t.due_day)::int AS on_time
         FROM care_visit_tasks t WHERE ${where} GROUP BY 1 ORDER BY 1`,
      params,
    );
    return rows.map((r) => ({ code: r.code, due: Number(r.due), onTime: Number(r.on_time) }));
  }
}
