import type { Queryable } from '../../db/db.js';
import type { TaskStatus } from './emergency.repository.js';

/** One line of a worker's campaign list (no occupant's name: household number, building, floor, room). */
export interface WorkerTaskRow {
  id: number;
  campaignId: number;
  campaignTitle: string;
  campaignKind: string;
  round: number;
  form: string[];
  deadline: string | null;
  gridCode: string;
  buildingId: number | null;
  buildingName: string | null;
  floor: number | null;
  room: string | null;
  householdNo: string;
  status: TaskStatus;
  caseId: number | null;
}

/** One unreached household of a campaign. */
export interface UnreachedRow {
  taskId: number;
  gridCode: string;
  householdNo: string;
  buildingName: string | null;
  floor: number | null;
  room: string | null;
  status: TaskStatus;
  workerUserId: number | null;
}

/** Which tasks a bulk reassignment moves. */
export interface ReassignFilter {
  taskIds?: readonly number[];
  gridCode?: string;
  fromUserId?: number;
  buildingIds?: readonly number[];
  /** Only tasks not reached yet (default true). */
  unreachedOnly?: boolean;
}

/** The SQL of who works a campaign: worker lists, temporary members, reassignment, unreached lists. */
export class CampaignStaffRepository {
  /** The user's tasks in active campaigns, by campaign, building, floor and room. */
  async workerTasks(
    q: Queryable,
    userId: number,
    limit: number,
    campaignId?: number,
  ): Promise<WorkerTaskRow[]> {
    const params: unknown[] = [userId, limit];
    if (campaignId !== undefined) params.push(campaignId);
    const { rows } = await q.query<WorkerTaskRow & { deadline: unknown }>(
      `SELECT t.id::int AS id, t.campaign_id::int AS "campaignId", c.title AS "campaignTitle", c.kind AS "campaignKind",
              c.round, c.form, c.deadline, t.grid_code AS "gridCode", t.building_id::int AS "buildingId",
              b.name AS "buildingName", t.floor, t.room, h.household_no AS "householdNo", t.status, t.case_id::int AS "caseId"
       FROM emergency_tasks t JOIN emergency_campaigns c ON c.id = t.campaign_id AND c.status = 'active'
       JOIN households h ON h.id = t.household_id LEFT JOIN buildings b ON b.id = t.building_id
       WHERE t.worker_user_id = $1 ${campaignId !== undefined ? 'AND t.campaign_id = $3' : ''}
       ORDER BY c.id DESC, b.name NULLS LAST, t.building_id NULLS LAST, t.floor NULLS LAST, t.room, t.id
       LIMIT $2`,
      params,
    );
    return rows.map((r) => ({
      ...r,
      deadline: r.deadline ? new Date(r.deadline as string).toISOString() : null,
    }));
  }

  /** True when the user exists and is active. */
  async userActive(q: Queryable, userId: number): Promise<boolean> {
    const { rows } = await q.query("SELECT 1 FROM users WHERE id = $1 AND status = 'active'", [userId]);
    return rows.length > 0;
  }

  /** Adds a temporary member of one grid for the campaign (no-op when already one). */
  async addMember(
    q: Queryable,
    m: { campaignId: number; gridCode: string; userId: number; by: string; at: Date },
  ): Promise<boolean> {
    const { rowCount } = await q.query(
      `INSERT INTO emergency_campaign_members (campaign_id, grid_code, user_id, added_by, added_at)
       VALUES ($1, $2, $3, $4, $5) ON CONFLICT DO NOTHING`,
      [m.campaignId, m.gridCode, m.userId, m.by, m.at],
    );
    return rowCount === 1;
  }

  /** The campaign's temporary members. */
  async members(q: Queryable, campaignId: number): Promise<Array<{ gridCode: string; userId: number }>> {
    const { rows } = await q.query<{ gridCode: string; userId: number }>(
      `SELECT grid_code AS "gridCode", user_id::int AS "userId" FROM emergency_campaign_members
       WHERE campaign_id = $1 ORDER BY grid_code, user_id`,
      [campaignId],
    );
    return rows;
  }

  /** True when the user may take tasks of this grid: a grid member or the campaign's temporary member there. */
  async worksGrid(q: Queryable, campaignId: number, gridCode: string, userId: number): Promise<boolean> {
    const { rows } = await q.query(
      `SELECT 1 FROM grid_members WHERE grid_code = $2 AND user_id = $3
       UNION ALL SELECT 1 FROM emergency_campaign_members WHERE campaign_id = $1 AND grid_code = $2 AND user_id = $3`,
      [campaignId, gridCode, userId],
    );
    return rows.length > 0;
  }

  /**
   * Moves the matching tasks of the campaign to `toUserId`, only in grids that user works (grid
   * member or temporary member). Returns the number moved and the grids they were in.
   */
  async reassign(
    q: Queryable,
    campaignId: number,
    f: ReassignFilter,
    toUserId: number,
  ): Promise<{ moved: number; grids: string[] }> {
    const params: unknown[] = [campaignId, toUserId];
    const conds: string[] = [];
    if (f.taskIds) {
      params.push(f.taskIds);
      conds.push(`t.id = ANY($${params.length}::bigint[])`);
    }
    if (f.buildingIds) {
      params.push(f.buildingIds);
      conds.push(`t.building_id = ANY($${params.length}::bigint[])`);
    }
    if (f.gridCode) {
      params.push(f.gridCode);
      conds.push(`t.grid_code = $${params.length}`);
    }
    if (f.fromUserId !== undefined) {
      params.push(f.fromUserId);
      conds.push(`t.worker_user_id = $${params.length}`);
    }
    if (f.unreachedOnly !== false) conds.push(`t.status IN ('open', 'not_home')`);
    const { rows } = await q.query<{ gridCode: string }>(
      `UPDATE emergency_tasks t SET worker_user_id = $2
       WHERE t.campaign_id = $1 AND ${conds.length ? conds.join(' AND ') : 'TRUE'}
         AND (EXISTS (SELECT 1 FROM grid_members g WHERE g.grid_code = t.grid_code AND g.user_id = $2)
           OR EXISTS (SELECT 1 FROM emergency_campaign_members m
                      WHERE m.campaign_id = t.campaign_id AND m.grid_code = t.grid_code AND m.user_id = $2))
       RETURNING t.grid_code AS "gridCode"`,
      params,
    );
    return { moved: rows.length, grids: [...new Set(rows.map((r) => r.gridCode))].sort() };
  }

  /** Households not reached yet (open or not at home), by grid, building, floor. */
  async unreached(
    q: Queryable,
    campaignId: number,
    gridCode: string | undefined,
    limit: number,
  ): Promise<UnreachedRow[]> {
    const params: unknown[] = [campaignId, limit];
    if (gridCode) params.push(gridCode);
    const { rows } = await q.query<UnreachedRow>(
      `SELECT t.id::int AS "taskId", t.grid_code AS "gridCode", h.household_no AS "householdNo",
              b.name AS "buildingName", t.floor, t.room, t.status, t.worker_user_id::int AS "workerUserId"
       FROM emergency_tasks t JOIN households h ON h.id = t.household_id LEFT JOIN buildings b ON b.id = t.building_id
       WHERE t.campaign_id = $1 AND t.status IN ('open', 'not_home') ${gridCode ? 'AND t.grid_code = $3' : ''}
       ORDER BY t.grid_code, b.name NULLS LAST, t.floor NULLS LAST, t.room, t.id LIMIT $2`,
      params,
    );
    return rows;
  }
}
