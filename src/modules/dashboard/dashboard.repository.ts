import type { Queryable } from '../../db/db.js';
import { type AreaScope, scopeSql } from '../../kernel/policy.js';

/** States of a case that is still being worked on (what the map counts as "open"). */
export const OPEN_STATES = [
  'reported',
  'filed',
  'dispatched',
  'handling',
  'reported_back',
  'suspended',
] as const;

/**
 * OPEN_STATES as an SQL list, written into the queries literally so that the planner matches the
 * partial indexes of migration 0009 (`cases_open_late`, `cases_open_category`), whose predicate
 * spells the same list.
 */
const OPEN_SQL = `state IN (${OPEN_STATES.map((s) => `'${s}'`).join(', ')})`;

/** Code length of each area level (GB/T 30428.1: 6 + 3 + 3 + 3 digits). */
export const LEVEL_CODE_LENGTH = { district: 6, street: 9, community: 12, grid: 15 } as const;

/** An area level the map can be drawn at. */
export type MapLevel = keyof typeof LEVEL_CODE_LENGTH;

/** Counts of one area on the map. */
export interface AreaCount {
  code: string;
  open: number;
  overdue: number;
  dueSoon: number;
}

/** Codes of this length or shorter can be read from the street-level rollup (a street is 9 digits). */
export const STREET_CODE_LENGTH = LEVEL_CODE_LENGTH.street;

/** One rollup metric of one local day, summed over an area. */
export interface DayMetric {
  day: string;
  metric: string;
  n: number;
}

/** One day of the trend. */
export interface DayCount {
  day: string;
  reported: number;
  closed: number;
}

/** The actor's scope and `within` as one SQL condition on `column` (an area-code prefix column). */
function areaCond(scope: AreaScope, within: string | null, column: string, params: unknown[]): string {
  const scopeCond = scopeSql(scope, column, params);
  if (!within) return scopeCond;
  params.push(`${within}%`);
  return `${scopeCond} AND ${column} LIKE $${params.length}`;
}

/** Advisory lock held while days are sealed; migration 0009's forget trigger takes the same one. */
const SEAL_LOCK_KEY = 7_301_143;

/**
 * SQL for the dashboard, always inside a scope: the write-time rollups (`case_state_counts`,
 * `case_rollup_daily`), the street-level copy of sealed days (`dashboard_rollup_street`) and the
 * partial indexes over open cases.
 */
export class DashboardRepository {
  /** Open cases per area of `level` under `within` (from case_state_counts), plus overdue and due-soon. */
  async mapCounts(
    q: Queryable,
    scope: AreaScope,
    level: MapLevel,
    within: string | null,
  ): Promise<AreaCount[]> {
    const params: unknown[] = [LEVEL_CODE_LENGTH[level]];
    const area = areaCond(scope, within, 'grid_code', params);
    // Open: the write-time counters. Late: an index-only scan of cases_open_late (late open
    // cases only, a few % of cases). One aggregate over both (cheaper than joining two).
    const { rows } = await q.query<{
      code: string;
      open: string | number;
      overdue: string | number;
      due_soon: string | number;
    }>(
      `SELECT code, sum(open) AS open, sum(overdue) AS overdue, sum(due_soon) AS due_soon FROM (
         SELECT substr(grid_code, 1, $1) AS code, n AS open, 0 AS overdue, 0 AS due_soon
           FROM case_state_counts
          WHERE ${OPEN_SQL} AND ${area}
         UNION ALL
         SELECT substr(grid_code, 1, $1), 0, (deadline_status = 'overdue')::int, (deadline_status = 'due_soon')::int
           FROM cases
          WHERE ${OPEN_SQL} AND deadline_status <> 'ok' AND ${area}
       ) x
       GROUP BY code ORDER BY code`,
      params,
    );
    return rows.map((r) => ({
      code: r.code,
      open: Number(r.open),
      overdue: Number(r.overdue),
      dueSoon: Number(r.due_soon),
    }));
  }

  /**
   * Every rollup metric per local day from `fromDay` on (days without any row are absent), summed
   * over the area. Sealed days up to `sealedThrough` come from the street level when the scope and
   * `within` are streets or coarser; every other day from case_rollup_daily. One statement, so the
   * list of sealed days and their rows are read at one point.
   */
  async dayMetrics(
    q: Queryable,
    scope: AreaScope,
    within: string | null,
    fromDay: string,
    sealedThrough: string,
  ): Promise<DayMetric[]> {
    const streetLevel =
      (within === null || within.length <= STREET_CODE_LENGTH) &&
      (scope.all || scope.codes.every((c) => c.length <= STREET_CODE_LENGTH));
    const params: unknown[] = [fromDay];
    let sql: string;
    if (!streetLevel) {
      const area = areaCond(scope, within, 'grid_code', params);
      sql = `SELECT day, metric, n FROM case_rollup_daily WHERE day >= $1::date AND ${area}`;
    } else {
      params.push(sealedThrough);
      // A street code is the first 9 digits of its grids' codes, so for a prefix of ≤ 9 digits
      // `street_code LIKE p%` holds exactly when `grid_code LIKE p%` does. `day = ANY(ARRAY(…))`
      // keeps both reads on the primary keys' day ranges whatever the planner guesses.
      const streetArea = areaCond(scope, within, 'street_code', params);
      const gridArea = areaCond(scope, within, 'grid_code', params);
      sql = `WITH sealed AS (
               SELECT day FROM dashboard_rollup_days WHERE day >= $1::date AND day <= $2::date
             ), live_days AS (
               SELECT $1::date + i AS day FROM generate_series(0, $2::date - $1::date) i
               EXCEPT SELECT day FROM sealed
             )
             SELECT day, metric, n FROM dashboard_rollup_street
              WHERE day = ANY(ARRAY(SELECT day FROM sealed)) AND ${streetArea}
             UNION ALL
             SELECT day, metric, n FROM case_rollup_daily
              WHERE day = ANY(ARRAY(SELECT day FROM live_days)) AND ${gridArea}
             UNION ALL
             SELECT day, metric, n FROM case_rollup_daily
              WHERE day > $2::date AND ${gridArea}`;
    }
    const { rows } = await q.query<{ day: string | Date; metric: string; n: string | number }>(
      `SELECT day::text AS day, metric, sum(n) AS n FROM (${sql}) x GROUP BY day, metric ORDER BY day, metric`,
      params,
    );
    return rows.map((r) => ({ day: String(r.day).slice(0, 10), metric: r.metric, n: Number(r.n) }));
  }

  /** Days in [fromDay, throughDay] that have rollup rows but are not sealed yet. */
  async unsealedDays(q: Queryable, fromDay: string, throughDay: string): Promise<string[]> {
    const { rows } = await q.query<{ day: string | Date }>(
      `SELECT d::text AS day FROM (SELECT $1::date + i AS d FROM generate_series(0, $2::date - $1::date) i) s
        WHERE NOT EXISTS (SELECT 1 FROM dashboard_rollup_days k WHERE k.day = s.d)
          AND EXISTS (SELECT 1 FROM case_rollup_daily r WHERE r.day = s.d)
        ORDER BY 1`,
      [fromDay, throughDay],
    );
    return rows.map((r) => String(r.day).slice(0, 10));
  }

  /**
   * Seals `days` (call inside a transaction): copies their case_rollup_daily rows summed per street
   * into dashboard_rollup_street, with their dashboard_rollup_days row, in one statement. Returns
   * false without doing anything when another node holds the seal lock (it is sealing, or a
   * recount is rewriting the rollups); a day sealed meanwhile by someone else is skipped by the
   * primary key, so a day is never copied twice.
   */
  async sealDays(tx: Queryable, days: readonly string[], at: Date): Promise<boolean> {
    const { rows } = await tx.query<{ locked: boolean }>('SELECT pg_try_advisory_xact_lock($1) AS locked', [
      SEAL_LOCK_KEY,
    ]);
    if (!rows[0]?.locked) return false;
    await tx.query(
      `WITH marked AS (
         INSERT INTO dashboard_rollup_days (day, sealed_at) SELECT unnest($1::date[]), $2
         ON CONFLICT (day) DO NOTHING RETURNING day
       )
       INSERT INTO dashboard_rollup_street (day, street_code, metric, n)
       SELECT day, substr(grid_code, 1, ${STREET_CODE_LENGTH}), metric, sum(n) FROM case_rollup_daily
        WHERE day = ANY(ARRAY(SELECT day FROM marked))
        GROUP BY 1, 2, 3`,
      [days, at],
    );
    return true;
  }

  /** Open cases per category, largest first (an index-only scan of cases_open_category). */
  async topCategories(
    q: Queryable,
    scope: AreaScope,
    within: string | null,
    limit: number,
  ): Promise<Array<{ code: string; n: number }>> {
    const params: unknown[] = [limit];
    const area = areaCond(scope, within, 'grid_code', params);
    const { rows } = await q.query<{ code: string; n: string | number }>(
      `SELECT coalesce(category_code, '-') AS code, count(*) AS n FROM cases
        WHERE ${OPEN_SQL} AND ${area}
        GROUP BY 1 ORDER BY 2 DESC, 1 LIMIT $1`,
      params,
    );
    return rows.map((r) => ({ code: r.code, n: Number(r.n) }));
  }
}
