import type { Queryable } from '../../db/db.js';
import type { CaseEventMessage } from '../cases/index.js';

/** The only SQL of the live stream: the backlog a reconnecting client asks for with Last-Event-ID. */
export class EventStreamRepository {
  /**
   * Events after `afterId`, oldest first, shaped like the live NOTIFY payload. The case columns
   * (grid, department, deadline status) are the case's current ones, which is what a dashboard
   * that missed a few seconds wants to redraw.
   */
  async since(
    q: Queryable,
    afterId: number,
    opts: { limit: number; within?: string },
  ): Promise<CaseEventMessage[]> {
    const { rows } = await q.query<{
      id: number;
      case_id: number;
      public_code: string;
      action: string;
      to_state: string;
      grid_code: string;
      category_code: string | null;
      department_code: string | null;
      deadline_status: string;
      at: Date;
    }>(
      `SELECT e.id, e.case_id, c.public_code, e.action, e.to_state, c.grid_code, c.category_code,
              c.department_code, c.deadline_status, e.at
         FROM case_events e JOIN cases c ON c.id = e.case_id
        WHERE e.id > $1 AND ($3::text IS NULL OR c.grid_code LIKE $3 || '%')
        ORDER BY e.id LIMIT $2`,
      [afterId, opts.limit, opts.within ?? null],
    );
    return rows.map((r) => ({
      caseId: r.case_id,
      publicCode: r.public_code,
      eventId: r.id,
      action: r.action,
      state: r.to_state,
      gridCode: r.grid_code,
      categoryCode: r.category_code,
      departmentCode: r.department_code,
      deadlineStatus: r.deadline_status,
      at: r.at.toISOString(),
    }));
  }
}
