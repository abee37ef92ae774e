import type { Queryable } from '../../db/db.js';
import type { RoleName } from '../../kernel/actor.js';
import type { Audience, InboxWriter, NewNotification } from '../../kernel/inbox.js';

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

export type { Audience, NewNotification };

/** The only SQL for the in-app inbox. */
export class NotificationRepository implements InboxWriter {
  /**
   * Inserts one notification per distinct user in the audiences, in the caller's transaction;
   * returns the user ids reached.
   */
  async notify(q: Queryable, n: NewNotification): Promise<number[]> {
    return (await this.notifyMany(q, [n]))[0]!;
  }

  /**
   * notify() for several notifications (e.g. a batch of reports) with one query per audience kind
   * and one INSERT; returns the user ids reached by each, in order.
   */
  async notifyMany(q: Queryable, ns: readonly NewNotification[]): Promise<number[][]> {
    const reached = ns.map(() => new Set<number>());
    // Audiences resolved in one query per kind: (notification index, parameters) → user ids.
    const deptQs: Array<{ i: number; departments: readonly string[] }> = [];
    const areaQs: Array<{ i: number; roles: readonly RoleName[]; gridCode: string }> = [];
    ns.forEach((n, i) => {
      for (const a of n.audiences) {
        if (a.kind === 'users') for (const u of a.userIds) reached[i]!.add(u);
        else if (a.kind === 'departments') {
          if (a.departments.length > 0) deptQs.push({ i, departments: a.departments });
        } else areaQs.push({ i, roles: a.roles, gridCode: a.gridCode });
      }
    });
    if (deptQs.length > 0) {
      const { rows } = await q.query<{ i: number; user_id: number }>(
        `SELECT DISTINCT u.i, g.user_id FROM unnest($1::int[], $2::text[]) AS u(i, department)
           JOIN role_grants g ON g.revoked_at IS NULL AND g.role = 'dept_handler' AND g.department_code = u.department`,
        [deptQs.flatMap((d) => d.departments.map(() => d.i)), deptQs.flatMap((d) => [...d.departments])],
      );
      for (const r of rows) reached[r.i]!.add(Number(r.user_id));
    }
    if (areaQs.length > 0) {
      const { rows } = await q.query<{ i: number; user_id: number }>(
        `SELECT DISTINCT u.i, g.user_id FROM unnest($1::int[], $2::text[], $3::text[]) AS u(i, role, grid_code)
           JOIN role_grants g ON g.revoked_at IS NULL AND g.role = u.role
            AND (g.area_code IS NULL OR u.grid_code LIKE g.area_code || '%')`,
        [
          areaQs.flatMap((a) => a.roles.map(() => a.i)),
          areaQs.flatMap((a) => [...a.roles]),
          areaQs.flatMap((a) => a.roles.map(() => a.gridCode)),
        ],
      );
      for (const r of rows) reached[r.i]!.add(Number(r.user_id));
    }
    const ids = reached.map((users) => [...users].sort((x, y) => x - y));
    const rows = ns.flatMap((n, i) => ids[i]!.map((u) => ({ u, n })));
    if (rows.length > 0) {
      await q.query(
        `INSERT INTO notifications (user_id, case_id, kind, title_zh, title_en, body, created_at)
         SELECT * FROM unnest($1::bigint[], $2::bigint[], $3::text[], $4::text[], $5::text[], $6::jsonb[],
                              $7::timestamptz[])`,
        [
          rows.map((r) => r.u),
          rows.map((r) => r.n.caseId),
          rows.map((r) => r.n.kind),
          rows.map((r) => r.n.titleZh),
          rows.map((r) => r.n.titleEn),
          rows.map((r) => JSON.stringify(r.n.body)),
          rows.map((r) => r.n.at.toISOString()),
        ],
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
