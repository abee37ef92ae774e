import type { Queryable } from '../../db/db.js';
import type { CaseRecord } from './case.types.js';

/** What the scheduler needs to judge a running stage clock without loading the whole case. */
export interface RunningClock {
  id: number;
  clockStage: string;
  clockStartedAt: Date;
  clockDeadline: Date;
  deadlineStatus: CaseRecord['deadlineStatus'];
  escalationLevel: number;
  categoryVersion: number | null;
  categoryCode: string | null;
}

function toClock(r: Record<string, unknown>): RunningClock {
  return {
    id: Number(r.id),
    clockStage: r.clock_stage as string,
    clockStartedAt: r.clock_started_at as Date,
    clockDeadline: r.clock_deadline as Date,
    deadlineStatus: r.deadline_status as RunningClock['deadlineStatus'],
    escalationLevel: r.escalation_level as number,
    categoryVersion: r.category_version as number | null,
    categoryCode: r.category_code as string | null,
  };
}

/**
 * Running clocks that may still need marking or escalation: the scheduler's scan. The WHERE
 * clause repeats the partial index `cases_running_clock` (migration 0005) word for word.
 */
const RUNNING = `clock_deadline IS NOT NULL AND clock_started_at IS NOT NULL AND clock_stage <> 'evaluate'
  AND NOT (deadline_status = 'overdue' AND escalation_level >= 2)`;

/** The highest escalation level: 1 = the street, 2 = the district (RUNNING and the index say 2). */
export const MAX_ESCALATION_LEVEL = 2;

/** The only SQL of the deadline scheduler; every write is a compare-and-set on the row it read. */
export class DeadlineRepository {
  /** One page of running clocks after `afterId`, by id (keyset paging, stable across passes). */
  async runningClocks(q: Queryable, opts: { afterId: number; limit: number }): Promise<RunningClock[]> {
    const { rows } = await q.query<Record<string, unknown>>(
      `SELECT id, clock_stage, clock_started_at, clock_deadline, deadline_status, escalation_level,
              category_version, category_code
         FROM cases WHERE ${RUNNING} AND id > $1 ORDER BY id LIMIT $2`,
      [opts.afterId, opts.limit],
    );
    return rows.map(toClock);
  }

  /**
   * Locks one case for a scheduler transaction, skipping it when another scheduler instance or a
   * user's transition holds it (the next pass sees the outcome and decides again).
   */
  async lockRunningClock(q: Queryable, id: number): Promise<RunningClock | undefined> {
    const { rows } = await q.query<Record<string, unknown>>(
      `SELECT id, clock_stage, clock_started_at, clock_deadline, deadline_status, escalation_level,
              category_version, category_code
         FROM cases WHERE id = $1 AND ${RUNNING} FOR UPDATE SKIP LOCKED`,
      [id],
    );
    return rows[0] ? toClock(rows[0]) : undefined;
  }

  /**
   * Raises the escalation level by one, only if it is still `fromLevel` and the deadline has
   * really passed: two instances racing on one case cannot both succeed. True when this call won.
   */
  async escalate(q: Queryable, id: number, fromLevel: number, now: Date): Promise<boolean> {
    const { rowCount } = await q.query(
      `UPDATE cases SET escalation_level = $2 + 1, deadline_status = 'overdue', updated_at = $3,
              row_version = row_version + 1
        WHERE id = $1 AND escalation_level = $2 AND clock_deadline < $3`,
      [id, fromLevel, now],
    );
    return rowCount === 1;
  }

  /** Moves the traffic light, only from the status read and for the clock that was judged. */
  async setStatus(
    q: Queryable,
    id: number,
    from: CaseRecord['deadlineStatus'],
    to: CaseRecord['deadlineStatus'],
    deadline: Date,
    now: Date,
  ): Promise<boolean> {
    const { rowCount } = await q.query(
      `UPDATE cases SET deadline_status = $3, updated_at = $5, row_version = row_version + 1
        WHERE id = $1 AND deadline_status = $2 AND clock_deadline = $4`,
      [id, from, to, deadline, now],
    );
    return rowCount === 1;
  }

  /** Overdue cases per grid inside an area (dashboard map), from the partial index. */
  async overdueByGrid(q: Queryable, within: string | null): Promise<Array<{ gridCode: string; n: number }>> {
    const { rows } = await q.query<{ grid_code: string; n: number }>(
      `SELECT grid_code, count(*)::int AS n FROM cases
        WHERE deadline_status = 'overdue' AND ($1::text IS NULL OR grid_code LIKE $1 || '%')
        GROUP BY grid_code ORDER BY grid_code`,
      [within],
    );
    return rows.map((r) => ({ gridCode: r.grid_code, n: r.n }));
  }
}
