import type { Queryable } from '../../db/db.js';
import type { RoleName } from '../identity/actor.js';

/** Who should hear about a case change. */
export type Audience =
  | { kind: 'users'; userIds: readonly number[] }
  /** Handlers of these departments. */
  | { kind: 'departments'; departments: readonly string[] }
  /** Holders of these roles whose area contains the grid (e.g. the street's dispatchers). */
  | { kind: 'area_roles'; roles: readonly RoleName[]; gridCode: string };

/** One in-app notification as stored. */
export interface NotificationRecord {
  id: number;
  userId: number;
  caseId: number | null;
  kind: string;
  titleZh: string;
  titleEn: string;
  body: Record<string, unknown>;
  createdAt: Date;
  readAt: Date | null;
}

/** The only SQL for the in-app inbox. */
export class NotificationRepository {
  /**
   * Inserts one notification per distinct user in the audiences, in the caller's transaction;
   * returns the user ids reached.
   */
  async notify(
    q: Queryable,
    n: {
      audiences: readonly Audience[];
      caseId: number | null;
      kind: string;
      titleZh: string;
      titleEn: string;
      body: Record<string, unknown>;
      at: Date;
    },
  ): Promise<number[]> {
    const users = new Set<number>();
    for (const a of n.audiences) {
      if (a.kind === 'users') for (const u of a.userIds) users.add(u);
      else if (a.kind === 'departments' && a.departments.length > 0) {
        const { rows } = await q.query<{ user_id: number }>(
          `SELECT DISTINCT user_id FROM role_grants WHERE revoked_at IS NULL AND role = 'dept_handler'
             AND department_code = ANY($1)`,
          [[...a.departments]],
        );
        for (const r of rows) users.add(r.user_id);
      } else if (a.kind === 'area_roles') {
        const { rows } = await q.query<{ user_id: number }>(
          `SELECT DISTINCT user_id FROM role_grants WHERE revoked_at IS NULL AND role = ANY($1)
             AND (area_code IS NULL OR $2 LIKE area_code || '%')`,
          [[...a.roles], a.gridCode],
        );
        for (const r of rows) users.add(r.user_id);
      }
    }
    const ids = [...users].sort((x, y) => x - y);
    if (ids.length > 0) {
      await q.query(
        `INSERT INTO notifications (user_id, case_id, kind, title_zh, title_en, body, created_at)
         SELECT u, $2, $3, $4, $5, $6, $7 FROM unnest($1::bigint[]) AS u`,
        [ids, n.caseId, n.kind, n.titleZh, n.titleEn, n.body, n.at],
      );
    }
    return ids;
  }

  /** A user's notifications, newest first. */
  async list(
    q: Queryable,
    userId: number,
    opts: { unreadOnly: boolean; limit: number; beforeId?: number },
  ): Promise<NotificationRecord[]> {
    const params: unknown[] = [userId, opts.limit];
    let extra = '';
    if (opts.unreadOnly) extra += ' AND read_at IS NULL';
    if (opts.beforeId !== undefined) {
      params.push(opts.beforeId);
      extra += ` AND id < $${params.length}`;
    }
    const { rows } = await q.query<Record<string, unknown>>(
      `SELECT * FROM notifications WHERE user_id = $1${extra} ORDER BY id DESC LIMIT $2`,
      params,
    );
    return rows.map((r) => ({
      id: r.id as number,
      userId: r.user_id as number,
      caseId: r.case_id as number | null,
      kind: r.kind as string,
      titleZh: r.title_zh as string,
      titleEn: r.title_en as string,
      body: r.body as Record<string, unknown>,
      createdAt: r.created_at as Date,
      readAt: r.read_at as Date | null,
    }));
  }

  /** Unread count for the badge. */
  async unreadCount(q: Queryable, userId: number): Promise<number> {
    const { rows } = await q.query<{ n: number }>(
      'SELECT count(*)::int AS n FROM notifications WHERE user_id = $1 AND read_at IS NULL',
      [userId],
    );
    return rows[0]?.n ?? 0;
  }

  /** Marks the user's notifications read (all, or up to an id). */
  async markRead(q: Queryable, userId: number, upToId: number | undefined, at: Date): Promise<number> {
    const { rowCount } = await q.query(
      `UPDATE notifications SET read_at = $3 WHERE user_id = $1 AND read_at IS NULL AND ($2::bigint IS NULL OR id <= $2)`,
      [userId, upToId ?? null, at],
    );
    return rowCount;
  }
}
