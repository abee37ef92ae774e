import type { Queryable } from '../../db/db.js';
import { type AreaScope, scopeSql } from '../../kernel/policy.js';

/** The three modes of an area; no row means normal. */
export const AREA_MODES = ['normal', 'standby', 'emergency'] as const;
/** One of AREA_MODES. */
export type AreaMode = (typeof AREA_MODES)[number];

/** Campaign types (专项行动): door-to-door check, supply distribution, evacuation, information collection. */
export const CAMPAIGN_KINDS = ['door_to_door', 'supply', 'evacuation', 'information'] as const;
/** One of CAMPAIGN_KINDS. */
export type CampaignKind = (typeof CAMPAIGN_KINDS)[number];

/** Where a task stands; `open` and `not_home` are "not reached". */
export const TASK_STATUSES = ['open', 'done', 'not_home', 'needs_help'] as const;
/** One of TASK_STATUSES. */
export type TaskStatus = (typeof TASK_STATUSES)[number];

/** A current area as the module needs it. */
export interface AreaRow {
  code: string;
  level: string;
  nameZh: string;
  nameEn: string;
  geometry: unknown;
  centerLng: number;
  centerLat: number;
}

/** One campaign. */
export interface CampaignRow {
  id: number;
  areaCode: string;
  kind: CampaignKind;
  title: string;
  form: string[];
  deadline: string | null;
  round: number;
  parentId: number | null;
  status: 'active' | 'closed';
  tasksTotal: number;
  createdBy: string;
  createdAt: string;
}

/** Figures of one grid in one campaign (write-time counters). */
export interface GridProgress {
  gridCode: string;
  total: number;
  open: number;
  done: number;
  notHome: number;
  needsHelp: number;
}

/** A task as its worker may change it. */
export interface TaskRow {
  id: number;
  campaignId: number;
  gridCode: string;
  status: TaskStatus;
  caseId: number | null;
  campaignStatus: 'active' | 'closed';
}

/** How a target picks households. */
export type Target =
  | { kind: 'all' }
  | { kind: 'buildings'; ids: readonly number[] }
  | { kind: 'households'; ids: readonly number[] };

const CAMPAIGN_COLS = `id::int AS "id", area_code AS "areaCode", kind, title, form, deadline, round,
  parent_id::int AS "parentId", status, tasks_total AS "tasksTotal", created_by AS "createdBy", created_at AS "createdAt"`;
const PROGRESS_COLS = `grid_code AS "gridCode", total, open, done, not_home AS "notHome", needs_help AS "needsHelp"`;
const STATUS_COLUMN: Record<TaskStatus, string> = {
  open: 'open',
  done: 'done',
  not_home: 'not_home',
  needs_help: 'needs_help',
};

function iso(v: unknown): string | null {
  return v === null || v === undefined ? null : new Date(v as string).toISOString();
}

function campaignOf(r: CampaignRow): CampaignRow {
  return { ...r, deadline: iso(r.deadline), createdAt: iso(r.createdAt)! };
}

/**
 * SQL condition: the area in `column` lies inside the scope or contains part of it (a street's
 * worker sees the district's emergency). Pushes its parameters onto `params`.
 */
export function relatedSql(scope: AreaScope, column: string, params: unknown[]): string {
  if (scope.all) return 'TRUE';
  if (scope.codes.length === 0) return 'FALSE';
  const parts = scope.codes.map((code) => {
    params.push(code);
    return `(${column} LIKE $${params.length} || '%' OR $${params.length} LIKE ${column} || '%')`;
  });
  return `(${parts.join(' OR ')})`;
}

/** The only SQL of modes, campaigns, tasks and progress. */
export class EmergencyRepository {
  /** A current area by code. */
  async area(q: Queryable, code: string): Promise<AreaRow | null> {
    const { rows } = await q.query<AreaRow>(
      `SELECT code, level, name_zh AS "nameZh", name_en AS "nameEn", geometry,
              center_lng AS "centerLng", center_lat AS "centerLat"
       FROM areas WHERE code = $1 AND valid_to IS NULL`,
      [code],
    );
    return rows[0] ?? null;
  }

  /** The current mode of an area (normal when no row), locked for a change when `lock`. */
  async mode(q: Queryable, code: string, lock = false): Promise<{ mode: AreaMode; alertId: number | null }> {
    const { rows } = await q.query<{ mode: AreaMode; alertId: number | null }>(
      `SELECT mode, alert_id::int AS "alertId" FROM emergency_area_modes WHERE area_code = $1${lock ? ' FOR UPDATE' : ''}`,
      [code],
    );
    return rows[0] ?? { mode: 'normal', alertId: null };
  }

  /** Sets the mode and appends the change to the history, in the caller's transaction. */
  async setMode(
    q: Queryable,
    m: {
      code: string;
      from: AreaMode;
      to: AreaMode;
      reason: string;
      by: string;
      at: Date;
      alertId: number | null;
    },
  ): Promise<void> {
    await q.query(
      `INSERT INTO emergency_area_modes (area_code, mode, reason, set_by, set_at, alert_id)
       VALUES ($1, $2, $3, $4, $5, $6)
       ON CONFLICT (area_code) DO UPDATE SET mode = EXCLUDED.mode, reason = EXCLUDED.reason,
         set_by = EXCLUDED.set_by, set_at = EXCLUDED.set_at, alert_id = EXCLUDED.alert_id`,
      [m.code, m.to, m.reason, m.by, m.at, m.alertId],
    );
    await q.query(
      `INSERT INTO emergency_mode_changes (area_code, from_mode, to_mode, reason, changed_by, changed_at, alert_id)
       VALUES ($1, $2, $3, $4, $5, $6, $7)`,
      [m.code, m.from, m.to, m.reason, m.by, m.at, m.alertId],
    );
  }

  /** Areas not in normal mode inside the scope (and above it: a street sees its district's emergency). */
  async activeModes(
    q: Queryable,
    scope: AreaScope,
  ): Promise<Array<{ areaCode: string; mode: AreaMode; reason: string; setBy: string; setAt: string }>> {
    const params: unknown[] = [];
    const where = relatedSql(scope, 'area_code', params);
    const { rows } = await q.query<{
      areaCode: string;
      mode: AreaMode;
      reason: string;
      setBy: string;
      setAt: string;
    }>(
      `SELECT area_code AS "areaCode", mode, reason, set_by AS "setBy", set_at AS "setAt"
       FROM emergency_area_modes WHERE mode <> 'normal' AND ${where} ORDER BY area_code`,
      params,
    );
    return rows.map((r) => ({ ...r, setAt: iso(r.setAt)! }));
  }

  /** The mode history of one area, newest first. */
  async modeHistory(
    q: Queryable,
    code: string,
  ): Promise<Array<{ from: AreaMode; to: AreaMode; reason: string; by: string; at: string }>> {
    const { rows } = await q.query<{ from: AreaMode; to: AreaMode; reason: string; by: string; at: string }>(
      `SELECT from_mode AS "from", to_mode AS "to", reason, changed_by AS "by", changed_at AS "at"
       FROM emergency_mode_changes WHERE area_code = $1 ORDER BY id DESC LIMIT 200`,
      [code],
    );
    return rows.map((r) => ({ ...r, at: iso(r.at)! }));
  }

  /** Inserts a campaign; its tasks are generated by generateTasks. */
  async insertCampaign(
    q: Queryable,
    c: Omit<CampaignRow, 'id' | 'status' | 'tasksTotal' | 'createdAt'> & { at: Date },
  ): Promise<number> {
    const { rows } = await q.query<{ id: number }>(
      `INSERT INTO emergency_campaigns (area_code, kind, title, form, deadline, round, parent_id, created_by, created_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING id::int AS id`,
      [
        c.areaCode,
        c.kind,
        c.title,
        JSON.stringify(c.form),
        c.deadline,
        c.round,
        c.parentId,
        c.createdBy,
        c.at,
      ],
    );
    return rows[0]!.id;
  }

  /**
   * One task per household of the target inside the area, in ONE statement: assigned to a worker
   * of its grid (several workers split the grid by building, a building stays with one worker);
   * the floor comes from the room number (1203 → 12). Then the per-grid counters. Returns the count.
   */
  async generateTasks(
    q: Queryable,
    campaignId: number,
    areaCode: string,
    target: Target,
    at: Date,
  ): Promise<number> {
    const params: unknown[] = [campaignId, `${areaCode}%`];
    let filter = 'TRUE';
    if (target.kind !== 'all') {
      params.push(target.ids);
      filter = target.kind === 'buildings' ? 'h.building_id = ANY($3::bigint[])' : 'h.id = ANY($3::bigint[])';
    }
    const { rowCount } = await q.query(
      `WITH h AS (
         SELECT h.id, h.building_id, h.grid_code, h.room,
                dense_rank() OVER (PARTITION BY h.grid_code ORDER BY coalesce(h.building_id, 0)) - 1 AS b
         FROM households h WHERE h.grid_code LIKE $2 AND ${filter}
       ), w AS (
         SELECT grid_code, user_id, row_number() OVER (PARTITION BY grid_code ORDER BY user_id) - 1 AS i,
                count(*) OVER (PARTITION BY grid_code) AS n
         FROM grid_members WHERE role = 'worker' AND grid_code LIKE $2
       )
       INSERT INTO emergency_tasks (campaign_id, household_id, building_id, grid_code, floor, room, worker_user_id)
       SELECT $1, h.id, h.building_id, h.grid_code,
              CASE WHEN h.room ~ '^[0-9]{3,6}$' THEN substr(h.room, 1, length(h.room) - 2)::int END,
              h.room, w.user_id
       FROM h LEFT JOIN w ON w.grid_code = h.grid_code AND w.i = h.b % w.n`,
      params,
    );
    await this.finishGeneration(q, campaignId, at);
    return rowCount;
  }

  /**
   * The next round: one task per household not reached in the parent (open or not at home),
   * kept with the worker who held it; the parent's temporary members carry over.
   */
  async generateNextRound(q: Queryable, campaignId: number, parentId: number, at: Date): Promise<number> {
    const { rowCount } = await q.query(
      `INSERT INTO emergency_tasks (campaign_id, household_id, building_id, grid_code, floor, room, worker_user_id)
       SELECT $1, household_id, building_id, grid_code, floor, room, worker_user_id
       FROM emergency_tasks WHERE campaign_id = $2 AND status IN ('open', 'not_home')`,
      [campaignId, parentId],
    );
    await q.query(
      `INSERT INTO emergency_campaign_members (campaign_id, grid_code, user_id, added_by, added_at)
       SELECT $1, grid_code, user_id, added_by, $3 FROM emergency_campaign_members WHERE campaign_id = $2`,
      [campaignId, parentId, at],
    );
    await this.finishGeneration(q, campaignId, at);
    return rowCount;
  }

  private async finishGeneration(q: Queryable, campaignId: number, at: Date): Promise<void> {
    await q.query(
      `INSERT INTO emergency_grid_progress (campaign_id, grid_code, total, open, updated_at)
       SELECT $1, grid_code, count(*), count(*), $2 FROM emergency_tasks WHERE campaign_id = $1 GROUP BY grid_code`,
      [campaignId, at],
    );
    await q.query(
      `UPDATE emergency_campaigns SET tasks_total = (SELECT coalesce(sum(total), 0) FROM emergency_grid_progress WHERE campaign_id = $1)
       WHERE id = $1`,
      [campaignId],
    );
  }

  /** Task counts per assigned worker (for the "you have N tasks" notice). */
  async workerCounts(q: Queryable, campaignId: number): Promise<Array<{ userId: number; tasks: number }>> {
    const { rows } = await q.query<{ userId: number; tasks: number }>(
      `SELECT worker_user_id::int AS "userId", count(*)::int AS tasks FROM emergency_tasks
       WHERE campaign_id = $1 AND worker_user_id IS NOT NULL GROUP BY worker_user_id`,
      [campaignId],
    );
    return rows;
  }

  /** One campaign (lock: FOR UPDATE). */
  async campaign(q: Queryable, id: number, lock = false): Promise<CampaignRow | null> {
    const { rows } = await q.query<CampaignRow>(
      `SELECT ${CAMPAIGN_COLS} FROM emergency_campaigns WHERE id = $1${lock ? ' FOR UPDATE' : ''}`,
      [id],
    );
    return rows[0] ? campaignOf(rows[0]) : null;
  }

  /** Campaigns inside the scope, active first, newest first. */
  async campaigns(q: Queryable, scope: AreaScope, limit: number, related = false): Promise<CampaignRow[]> {
    const params: unknown[] = [];
    const where = (related ? relatedSql : scopeSql)(scope, 'area_code', params);
    params.push(limit);
    const { rows } = await q.query<CampaignRow>(
      `SELECT ${CAMPAIGN_COLS} FROM emergency_campaigns WHERE ${where}
       ORDER BY status = 'active' DESC, id DESC LIMIT $${params.length}`,
      params,
    );
    return rows.map(campaignOf);
  }

  /** Closes a campaign. */
  async closeCampaign(q: Queryable, id: number, at: Date): Promise<void> {
    await q.query(`UPDATE emergency_campaigns SET status = 'closed', closed_at = $2 WHERE id = $1`, [id, at]);
  }

  /** The counters of every grid of a campaign. */
  async progress(q: Queryable, campaignId: number): Promise<GridProgress[]> {
    const { rows } = await q.query<GridProgress>(
      `SELECT ${PROGRESS_COLS} FROM emergency_grid_progress WHERE campaign_id = $1 ORDER BY grid_code`,
      [campaignId],
    );
    return rows;
  }

  /**
   * The task, when the user may work it: its assignee, a member of its grid, or a temporary
   * member of the campaign for that grid. Anyone else gets null (404: no other grid's task is seen).
   */
  async taskForWorker(q: Queryable, taskId: number, userId: number): Promise<TaskRow | null> {
    const { rows } = await q.query<TaskRow>(
      `SELECT t.id::int AS id, t.campaign_id::int AS "campaignId", t.grid_code AS "gridCode", t.status,
              t.case_id::int AS "caseId", c.status AS "campaignStatus"
       FROM emergency_tasks t JOIN emergency_campaigns c ON c.id = t.campaign_id
       WHERE t.id = $1 AND (t.worker_user_id = $2
         OR EXISTS (SELECT 1 FROM grid_members g WHERE g.grid_code = t.grid_code AND g.user_id = $2)
         OR EXISTS (SELECT 1 FROM emergency_campaign_members m
                    WHERE m.campaign_id = t.campaign_id AND m.grid_code = t.grid_code AND m.user_id = $2))
       FOR UPDATE OF t`,
      [taskId, userId],
    );
    return rows[0] ?? null;
  }

  /** Records a task's new status; the counters move with bumpProgress in the same transaction. */
  async updateTask(
    q: Queryable,
    t: {
      id: number;
      status: TaskStatus;
      answersEnc: string | null;
      photoId: number | null;
      userId: number;
      at: Date;
    },
  ): Promise<void> {
    await q.query(
      `UPDATE emergency_tasks SET status = $2, answers_enc = coalesce($3, answers_enc), photo_id = coalesce($4, photo_id),
         updated_by = $5, updated_at = $6 WHERE id = $1`,
      [t.id, t.status, t.answersEnc, t.photoId, t.userId, t.at],
    );
  }

  /** Moves one task from one status to another in its grid's counters; returns the new figures. */
  async bumpProgress(
    q: Queryable,
    campaignId: number,
    gridCode: string,
    from: TaskStatus,
    to: TaskStatus,
    at: Date,
  ): Promise<GridProgress> {
    const sets = TASK_STATUSES.map((s) => {
      const c = STATUS_COLUMN[s];
      return `${c} = ${c} + (CASE WHEN $4::text = '${s}' THEN 1 ELSE 0 END) - (CASE WHEN $3::text = '${s}' THEN 1 ELSE 0 END)`;
    });
    const { rows } = await q.query<GridProgress>(
      `UPDATE emergency_grid_progress SET ${sets.join(', ')}, updated_at = $5
       WHERE campaign_id = $1 AND grid_code = $2 RETURNING ${PROGRESS_COLS}`,
      [campaignId, gridCode, from, to, at],
    );
    return rows[0]!;
  }

  /** A recorded update by (user, key). */
  async findUpdate(
    q: Queryable,
    userId: number,
    key: string,
  ): Promise<{ taskId: number; requestHash: string; status: TaskStatus } | null> {
    const { rows } = await q.query<{ taskId: number; requestHash: string; status: TaskStatus }>(
      `SELECT task_id::int AS "taskId", request_hash AS "requestHash", status FROM emergency_task_updates
       WHERE user_id = $1 AND idempotency_key = $2`,
      [userId, key],
    );
    return rows[0] ?? null;
  }

  /** Records the key of an update; false when a concurrent request with the same key won. */
  async insertUpdate(
    q: Queryable,
    u: { userId: number; key: string; taskId: number; requestHash: string; status: TaskStatus; at: Date },
  ): Promise<boolean> {
    const { rowCount } = await q.query(
      `INSERT INTO emergency_task_updates (user_id, idempotency_key, task_id, request_hash, status, at)
       VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT DO NOTHING`,
      [u.userId, u.key, u.taskId, u.requestHash, u.status, u.at],
    );
    return rowCount === 1;
  }

  /** Links the case raised for a "needs help" task. */
  async setTaskCase(q: Queryable, taskId: number, caseId: number): Promise<void> {
    await q.query('UPDATE emergency_tasks SET case_id = $2 WHERE id = $1 AND case_id IS NULL', [
      taskId,
      caseId,
    ]);
  }

  /** Where the task's household is (building, else address, else the grid's centre). */
  async taskPlace(q: Queryable, taskId: number): Promise<{ lng: number; lat: number } | null> {
    const { rows } = await q.query<{ lng: number; lat: number }>(
      `SELECT coalesce(b.lng, a.lng, g.center_lng) AS lng, coalesce(b.lat, a.lat, g.center_lat) AS lat
       FROM emergency_tasks t JOIN households h ON h.id = t.household_id
       LEFT JOIN buildings b ON b.id = h.building_id LEFT JOIN addresses a ON a.id = h.address_id
       LEFT JOIN areas g ON g.code = t.grid_code AND g.valid_to IS NULL
       WHERE t.id = $1`,
      [taskId],
    );
    const r = rows[0];
    return r && r.lng !== null && r.lat !== null ? r : null;
  }
}
