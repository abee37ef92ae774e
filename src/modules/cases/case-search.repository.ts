import type { Queryable } from '../../db/db.js';
import { type AreaScope, scopeSql } from '../../kernel/policy.js';
import { REDACTION_VERSION, redactFreeText } from '../../lib/privacy.js';
import type { CaseRecord } from './case.types.js';
import { type CaseVisibility, toCase } from './case-rows.repository.js';

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

/** The SQL that finds cases: nearby open cases (duplicates), the staff search and its redacted copies. */
export class CaseSearchRepository {
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
}
