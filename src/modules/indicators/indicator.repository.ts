import type { Queryable } from '../../db/db.js';

/** Which rollup rows an indicator query sums. */
export interface RollupFilter {
  /** Area code prefix (any level); undefined = the whole city. */
  within?: string;
  /** Department code; undefined = every department (and events without one). */
  department?: string;
  /** First and last local day (YYYY-MM-DD, Asia/Shanghai), both included. */
  from: string;
  to: string;
}

/** One row of `case_rollup_daily`. */
export interface RollupRow {
  day: string;
  gridCode: string;
  departmentCode: string;
  metric: string;
  n: number;
}

/** One case event with the fields a recount needs. */
export interface RecountEvent {
  id: number;
  at: Date;
  action: string;
  stageDone: string | null;
  onTime: boolean | null;
  data: Record<string, unknown>;
  departmentCode: string | null;
  gridCode: string;
}

/** The only SQL for indicators: rollup sums, the recount and composite weights. */
export class IndicatorRepository {
  /** Metric totals over the rollup rows matching the filter. */
  async totals(q: Queryable, f: RollupFilter): Promise<Map<string, number>> {
    const params: unknown[] = [f.from, f.to];
    let where = 'day >= $1::date AND day <= $2::date';
    if (f.within !== undefined) {
      params.push(`${f.within}%`);
      where += ` AND grid_code LIKE $${params.length}`;
    }
    if (f.department !== undefined) {
      params.push(f.department);
      where += ` AND department_code = $${params.length}`;
    }
    const { rows } = await q.query<{ metric: string; n: number }>(
      `SELECT metric, sum(n)::int AS n FROM case_rollup_daily WHERE ${where} GROUP BY metric`,
      params,
    );
    return new Map(rows.map((r) => [r.metric, Number(r.n)]));
  }

  /** Per-actor action counts from the event log (worker indicators; the rollup has no actor). */
  async actorTotals(
    q: Queryable,
    f: RollupFilter,
  ): Promise<Array<{ actorId: string; actorName: string; action: string; n: number; onTime: number }>> {
    // Local days are Asia/Shanghai (UTC+8, no DST), as in localDay().
    const start = new Date(`${f.from}T00:00:00+08:00`);
    const end = new Date(new Date(`${f.to}T00:00:00+08:00`).getTime() + 86_400_000);
    const params: unknown[] = [start, end];
    let where = `e.actor_id IS NOT NULL AND e.actor_kind = 'user' AND e.at >= $1 AND e.at < $2`;
    if (f.within !== undefined) {
      params.push(`${f.within}%`);
      where += ` AND c.grid_code LIKE $${params.length}`;
    }
    if (f.department !== undefined) {
      params.push(f.department);
      where += ` AND e.department_code = $${params.length}`;
    }
    const { rows } = await q.query<{
      actor_id: string;
      actor_name: string;
      action: string;
      n: number;
      on_time: number;
    }>(
      `SELECT e.actor_id, max(e.actor_name) AS actor_name, e.action, count(*)::int AS n,
              count(*) FILTER (WHERE e.on_time)::int AS on_time
       FROM case_events e JOIN cases c ON c.id = e.case_id
       WHERE ${where} GROUP BY e.actor_id, e.action ORDER BY e.actor_id, e.action`,
      params,
    );
    return rows.map((r) => ({
      actorId: r.actor_id,
      actorName: r.actor_name,
      action: r.action,
      n: Number(r.n),
      onTime: Number(r.on_time),
    }));
  }

  /** Whether a current area has this code. */
  async areaExists(q: Queryable, code: string): Promise<boolean> {
    const { rows } = await q.query('SELECT 1 FROM areas WHERE code = $1 AND valid_to IS NULL', [code]);
    return rows.length > 0;
  }

  /** Events after `afterId`, oldest first, with their case's grid (recount pages through them). */
  async eventsAfter(q: Queryable, afterId: number, limit: number): Promise<RecountEvent[]> {
    const { rows } = await q.query<{
      id: string | number;
      at: Date;
      action: string;
      stage_done: string | null;
      on_time: boolean | null;
      data: Record<string, unknown>;
      department_code: string | null;
      grid_code: string;
    }>(
      `SELECT e.id, e.at, e.action, e.stage_done, e.on_time, e.data, e.department_code, c.grid_code
       FROM case_events e JOIN cases c ON c.id = e.case_id WHERE e.id > $1 ORDER BY e.id LIMIT $2`,
      [afterId, limit],
    );
    return rows.map((r) => ({
      id: Number(r.id),
      at: new Date(r.at),
      action: r.action,
      stageDone: r.stage_done,
      onTime: r.on_time,
      data: r.data,
      departmentCode: r.department_code,
      gridCode: r.grid_code,
    }));
  }

  /** Every stored rollup row. */
  async rollupRows(q: Queryable): Promise<RollupRow[]> {
    const { rows } = await q.query<{
      day: string;
      grid_code: string;
      department_code: string;
      metric: string;
      n: number;
    }>(
      `SELECT to_char(day, 'YYYY-MM-DD') AS day, grid_code, department_code, metric, n FROM case_rollup_daily`,
    );
    return rows.map((r) => ({
      day: r.day,
      gridCode: r.grid_code,
      departmentCode: r.department_code,
      metric: r.metric,
      n: Number(r.n),
    }));
  }

  /**
   * Blocks rollup writers until the caller's transaction ends, so events and rollups read in it
   * agree: a case transaction writes its event, then its rollup rows, then commits.
   */
  async lockRollup(q: Queryable): Promise<void> {
    await q.query('LOCK TABLE case_rollup_daily IN EXCLUSIVE MODE');
  }

  /** Replaces the whole rollup table (call lockRollup first in the same transaction). */
  async replaceRollup(q: Queryable, rows: readonly RollupRow[]): Promise<void> {
    await q.query('DELETE FROM case_rollup_daily');
    for (let i = 0; i < rows.length; i += 500) {
      const chunk = rows.slice(i, i + 500);
      const params: unknown[] = [];
      const values = chunk.map((r) => {
        params.push(r.day, r.gridCode, r.departmentCode, r.metric, r.n);
        const b = params.length - 5;
        return `($${b + 1}::date, $${b + 2}, $${b + 3}, $${b + 4}, $${b + 5})`;
      });
      await q.query(
        `INSERT INTO case_rollup_daily (day, grid_code, department_code, metric, n) VALUES ${values.join(', ')}`,
        params,
      );
    }
  }

  /** The weights a city changed, per composite. */
  async weights(q: Queryable): Promise<Map<string, Record<string, number>>> {
    const { rows } = await q.query<{ composite: string; indicator: string; weight: number }>(
      'SELECT composite, indicator, weight FROM indicator_weights ORDER BY composite, indicator',
    );
    const out = new Map<string, Record<string, number>>();
    for (const r of rows) {
      const w = out.get(r.composite) ?? {};
      w[r.indicator] = Number(r.weight);
      out.set(r.composite, w);
    }
    return out;
  }

  /** Replaces one composite's weights. */
  async saveWeights(
    q: Queryable,
    composite: string,
    weights: Readonly<Record<string, number>>,
    by: string,
    at: Date,
  ): Promise<void> {
    await q.query('DELETE FROM indicator_weights WHERE composite = $1', [composite]);
    for (const [indicator, weight] of Object.entries(weights)) {
      await q.query(
        `INSERT INTO indicator_weights (composite, indicator, weight, updated_by, updated_at)
         VALUES ($1, $2, $3, $4, $5)`,
        [composite, indicator, weight, by, at],
      );
    }
  }
}
