import type { Queryable } from '../../db/db.js';
import { type AreaScope, scopeSql } from '../identity/policy.js';

/** States of a case that is still being worked on (what the map counts as "open"). */
export const OPEN_STATES = [
  'reported',
  'filed',
  'dispatched',
  'handling',
  'reported_back',
  'suspended',
] as const;

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

/** One day of the trend. */
export interface DayCount {
  day: string;
  reported: number;
  closed: number;
}

/** SQL for the dashboard: reads the write-time rollups and the case table, always inside a scope. */
export class DashboardRepository {
  /** Open cases per area of `level` under `within` (from case_state_counts), plus overdue and due-soon. */
  async mapCounts(
    q: Queryable,
    scope: AreaScope,
    level: MapLevel,
    within: string | null,
  ): Promise<AreaCount[]> {
    const len = LEVEL_CODE_LENGTH[level];
    const params: unknown[] = [len, OPEN_STATES];
    const scopeCounts = scopeSql(scope, 'grid_code', params);
    let withinSql = 'TRUE';
    if (within) {
      params.push(`${within}%`);
      withinSql = `grid_code LIKE $${params.length}`;
    }
    const { rows } = await q.query<{
      code: string;
      open: string | number;
      overdue: string | number;
      due_soon: string | number;
    }>(
      `WITH open_counts AS (
         SELECT substr(grid_code, 1, $1) AS code, sum(n) AS open
           FROM case_state_counts
          WHERE state = ANY($2) AND ${scopeCounts} AND ${withinSql}
          GROUP BY 1
       ), late AS (
         SELECT substr(grid_code, 1, $1) AS code,
                count(*) FILTER (WHERE deadline_status = 'overdue') AS overdue,
                count(*) FILTER (WHERE deadline_status = 'due_soon') AS due_soon
           FROM cases
          WHERE state = ANY($2) AND deadline_status <> 'ok' AND ${scopeCounts} AND ${withinSql}
          GROUP BY 1
       )
       SELECT coalesce(o.code, l.code) AS code, coalesce(o.open, 0) AS open,
              coalesce(l.overdue, 0) AS overdue, coalesce(l.due_soon, 0) AS due_soon
         FROM open_counts o FULL JOIN late l ON l.code = o.code
        ORDER BY 1`,
      params,
    );
    return rows.map((r) => ({
      code: r.code,
      open: Number(r.open),
      overdue: Number(r.overdue),
      dueSoon: Number(r.due_soon),
    }));
  }

  /** Reported and closed per local day since `fromDay` (from case_rollup_daily). */
  async trend(q: Queryable, scope: AreaScope, within: string | null, fromDay: string): Promise<DayCount[]> {
    const params: unknown[] = [fromDay];
    const scopeCond = scopeSql(scope, 'grid_code', params);
    let withinSql = 'TRUE';
    if (within) {
      params.push(`${within}%`);
      withinSql = `grid_code LIKE $${params.length}`;
    }
    const { rows } = await q.query<{
      day: string | Date;
      reported: string | number;
      closed: string | number;
    }>(
      `SELECT day::text AS day,
              coalesce(sum(n) FILTER (WHERE metric = 'a.report'), 0) AS reported,
              coalesce(sum(n) FILTER (WHERE metric = 'a.verify_pass'), 0) AS closed
         FROM case_rollup_daily
        WHERE day >= $1::date AND ${scopeCond} AND ${withinSql}
        GROUP BY day ORDER BY day`,
      params,
    );
    return rows.map((r) => ({
      day: String(r.day).slice(0, 10),
      reported: Number(r.reported),
      closed: Number(r.closed),
    }));
  }

  /** Sums of rollup metrics since `fromDay` (each event counts in exactly one department row). */
  async metricTotals(
    q: Queryable,
    scope: AreaScope,
    within: string | null,
    fromDay: string,
    metrics: readonly string[],
  ): Promise<Record<string, number>> {
    const params: unknown[] = [fromDay, metrics];
    const scopeCond = scopeSql(scope, 'grid_code', params);
    let withinSql = 'TRUE';
    if (within) {
      params.push(`${within}%`);
      withinSql = `grid_code LIKE $${params.length}`;
    }
    const { rows } = await q.query<{ metric: string; n: string | number }>(
      `SELECT metric, sum(n) AS n FROM case_rollup_daily
        WHERE day >= $1::date AND metric = ANY($2) AND ${scopeCond} AND ${withinSql}
        GROUP BY metric`,
      params,
    );
    const out: Record<string, number> = {};
    for (const m of metrics) out[m] = 0;
    for (const r of rows) out[r.metric] = Number(r.n);
    return out;
  }

  /** Open cases per category, largest first. */
  async topCategories(
    q: Queryable,
    scope: AreaScope,
    within: string | null,
    limit: number,
  ): Promise<Array<{ code: string; n: number }>> {
    const params: unknown[] = [OPEN_STATES, limit];
    const scopeCond = scopeSql(scope, 'grid_code', params);
    let withinSql = 'TRUE';
    if (within) {
      params.push(`${within}%`);
      withinSql = `grid_code LIKE $${params.length}`;
    }
    const { rows } = await q.query<{ code: string; n: string | number }>(
      `SELECT coalesce(category_code, '-') AS code, count(*) AS n FROM cases
        WHERE state = ANY($1) AND ${scopeCond} AND ${withinSql}
        GROUP BY 1 ORDER BY 2 DESC, 1 LIMIT $2`,
      params,
    );
    return rows.map((r) => ({ code: r.code, n: Number(r.n) }));
  }
}
