import type { Queryable } from '../../db/db.js';
import type { CaseCount, CaseFact } from './indicator-definitions.js';

const on = (cond: string) => `COALESCE(bool_and(ev.on_time IS TRUE) FILTER (WHERE ${cond}), false)`;
const FILE_DONE = `ev.stage_done = 'file'`;
const DISPATCH_DONE = `ev.action IN ('dispatch', 'whistle') AND ev.stage_done = 'dispatch'`;
const HANDLE_DONE = `ev.action = 'report_back' AND ev.stage_done = 'handle'`;
const VERIFY_DONE = `ev.action IN ('verify_pass', 'verify_fail') AND ev.stage_done = 'verify'`;
const LAST_RESULT = `(array_agg(ev.result ORDER BY ev.id DESC) FILTER (WHERE ev.action = 'evaluate'))[1]`;
const any = (cond: string) => `bool_or(${cond})`;

/**
 * The SQL of each fact over one case's events in the period (`ev`, grouped by case): the only
 * place facts become SQL. CASE_FACT_TEXT in indicator-definitions.ts says the same in words, and
 * the property test recounts them in TypeScript.
 */
const FACT_SQL: Readonly<Record<CaseFact, string>> = {
  reported: any(`ev.action = 'report'`),
  filed: any(`ev.action = 'file'`),
  rejected: any(`ev.action = 'reject'`),
  filing_decided: any(FILE_DONE),
  filing_on_time: on(FILE_DONE),
  filed_not_voided: `(${any(`ev.action = 'file'`)} AND NOT EXISTS (SELECT 1 FROM case_events v
      WHERE v.case_id = ev.case_id AND v.action IN ('void', 'merge_into')))`,
  dispatch_due: any(`ev.action IN ('file', 'reopen') OR (${DISPATCH_DONE})`),
  dispatch_done: any(DISPATCH_DONE),
  dispatch_on_time: on(DISPATCH_DONE),
  dispatched: any(`ev.action = 'dispatch'`),
  dispatched_clean: `(${any(`ev.action = 'dispatch'`)} AND NOT ${any(`ev.action IN ('return', 'reassign')`)})`,
  handling_due: any(`ev.action IN ('dispatch', 'whistle', 'verify_fail') OR (${HANDLE_DONE})`),
  handled: any(HANDLE_DONE),
  handled_on_time: on(HANDLE_DONE),
  closing_due: any(`(${HANDLE_DONE}) OR (${VERIFY_DONE})`),
  verification_done: any(VERIFY_DONE),
  verification_on_time: on(VERIFY_DONE),
  closed: any(`ev.action = 'verify_pass'`),
  reworked: any(`ev.action = 'verify_fail'`),
  follow_up_due: any(`ev.action IN ('verify_pass', 'evaluate')`),
  evaluated: any(`ev.action = 'evaluate'`),
  resolved: `COALESCE(${LAST_RESULT} IN ('satisfied', 'basically_satisfied'), false)`,
  satisfied: `COALESCE(${LAST_RESULT} = 'satisfied', false)`,
  basically_satisfied: `COALESCE(${LAST_RESULT} = 'basically_satisfied', false)`,
};

/** The instants a range of local days covers: [start of `from`, start of the day after `to`). */
function periodBounds(f: { from: string; to: string }): [Date, Date] {
  // Local days are Asia/Shanghai (UTC+8, no DST), as in localDay().
  const start = new Date(`${f.from}T00:00:00+08:00`);
  const end = new Date(new Date(`${f.to}T00:00:00+08:00`).getTime() + 86_400_000);
  return [start, end];
}

/**
 * The WHERE condition on case events `e` joined to their case `c` for the filter's period, area and
 * department; pushes its parameters onto `params` (which must be empty: the period is $1, $2).
 */
function eventWhere(f: RollupFilter, params: unknown[]): string {
  params.push(...periodBounds(f));
  let where = 'e.at >= $1 AND e.at < $2';
  if (f.within !== undefined) {
    params.push(`${f.within}%`);
    where += ` AND c.grid_code LIKE $${params.length}`;
  }
  if (f.department !== undefined) {
    params.push(f.department);
    where += ` AND e.department_code = $${params.length}`;
  }
  return where;
}

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

  /**
   * Counts cases over the event log of the period: for each key, the cases whose facts (FACT_SQL
   * over the case's events in the period, area and department) include ANY of `any` and ALL of
   * `all`. One statement for every count, so they are read at one point in time.
   */
  async caseCounts(
    q: Queryable,
    f: RollupFilter,
    counts: ReadonlyMap<string, CaseCount>,
  ): Promise<Map<string, number>> {
    const params: unknown[] = [];
    const where = eventWhere(f, params);
    const facts = [...new Set([...counts.values()].flatMap((c) => [...c.any, ...c.all]))];
    const keys = [...counts.keys()];
    if (keys.length === 0) return new Map();
    const selects = keys.map((key, i) => {
      const c = counts.get(key)!;
      const anyOf = c.any.length === 0 ? 'TRUE' : c.any.map((x) => `pc.${x}`).join(' OR ');
      const allOf = c.all.map((x) => ` AND pc.${x}`).join('');
      return `count(*) FILTER (WHERE (${anyOf})${allOf})::int AS c${i}`;
    });
    const { rows } = await q.query<Record<string, number>>(
      `WITH ev AS (
         SELECT e.id, e.case_id, e.action, e.stage_done, e.on_time, e.data->>'result' AS result
         FROM case_events e JOIN cases c ON c.id = e.case_id WHERE ${where}
       ), pc AS (
         SELECT ev.case_id, ${facts.map((x) => `${FACT_SQL[x]} AS ${x}`).join(',\n                ')}
         FROM ev GROUP BY ev.case_id
       )
       SELECT ${selects.join(', ')} FROM pc`,
      params,
    );
    const row = rows[0] ?? {};
    return new Map(keys.map((key, i) => [key, Number(row[`c${i}`] ?? 0)]));
  }

  /**
   * Per-actor work from the event log (worker indicators; the rollup has no actor): events per
   * action, and per actor the cases where they ended a stage clock (`stageActions`) and the cases
   * where every such stage end was on time — counts of cases, so the rate stays in [0, 1].
   */
  async actorTotals(
    q: Queryable,
    f: RollupFilter,
    stageActions: readonly string[],
  ): Promise<{
    actions: Array<{ actorId: string; actorName: string; action: string; n: number }>;
    stages: Array<{ actorId: string; casesDone: number; casesOnTime: number }>;
  }> {
    const params: unknown[] = [];
    const where = `e.actor_id IS NOT NULL AND e.actor_kind = 'user' AND ${eventWhere(f, params)}`;
    const { rows } = await q.query<{ actor_id: string; actor_name: string; action: string; n: number }>(
      `SELECT e.actor_id, max(e.actor_name) AS actor_name, e.action, count(*)::int AS n
       FROM case_events e JOIN cases c ON c.id = e.case_id
       WHERE ${where} GROUP BY e.actor_id, e.action ORDER BY e.actor_id, e.action`,
      params,
    );
    params.push([...stageActions]);
    const stages = await q.query<{ actor_id: string; done: number; on_time: number }>(
      `SELECT actor_id, count(*)::int AS done, count(*) FILTER (WHERE all_on_time)::int AS on_time
       FROM (SELECT e.actor_id, e.case_id, bool_and(e.on_time IS TRUE) AS all_on_time
             FROM case_events e JOIN cases c ON c.id = e.case_id
             WHERE ${where} AND e.stage_done IS NOT NULL AND e.action = ANY($${params.length}::text[])
             GROUP BY e.actor_id, e.case_id) per_case
       GROUP BY actor_id ORDER BY actor_id`,
      params,
    );
    return {
      actions: rows.map((r) => ({
        actorId: r.actor_id,
        actorName: r.actor_name,
        action: r.action,
        n: Number(r.n),
      })),
      stages: stages.rows.map((r) => ({
        actorId: r.actor_id,
        casesDone: Number(r.done),
        casesOnTime: Number(r.on_time),
      })),
    };
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
