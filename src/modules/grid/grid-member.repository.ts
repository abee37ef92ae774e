import type { Queryable } from '../../db/db.js';
import { type AreaScope, scopeSql } from '../../kernel/policy.js';

/** worker: patrols and reports; leader: answers for the grid (one per grid). */
export type GridMemberRole = 'worker' | 'leader';

/** One staffing of a grid. */
export interface GridMember {
  userId: number;
  displayName: string;
  gridCode: string;
  role: GridMemberRole;
  assignedAt: Date;
}

/** A grid without any worker (a gap in coverage). */
export interface UnstaffedGrid {
  code: string;
  nameZh: string;
  nameEn: string;
  hasLeader: boolean;
}

/** The only SQL for grid_members. */
export class GridMemberRepository {
  /** Adds a member; false when the same (grid, user, role) already exists. */
  async add(
    q: Queryable,
    m: { userId: number; gridCode: string; role: GridMemberRole; at: Date; by: string },
  ): Promise<boolean> {
    const res = await q.query(
      `INSERT INTO grid_members (user_id, grid_code, role, assigned_at, assigned_by) VALUES ($1, $2, $3, $4, $5)
       ON CONFLICT (grid_code, user_id, role) DO NOTHING`,
      [m.userId, m.gridCode, m.role, m.at, m.by],
    );
    return res.rowCount > 0;
  }

  /** Removes a member; false when there was none. */
  async remove(q: Queryable, gridCode: string, userId: number, role: GridMemberRole): Promise<boolean> {
    const res = await q.query(
      'DELETE FROM grid_members WHERE grid_code = $1 AND user_id = $2 AND role = $3',
      [gridCode, userId, role],
    );
    return res.rowCount > 0;
  }

  /** Members of one grid, leader first. */
  async listForGrid(q: Queryable, gridCode: string): Promise<GridMember[]> {
    const { rows } = await q.query<MemberRow>(
      `SELECT m.user_id, u.display_name, m.grid_code, m.role, m.assigned_at
       FROM grid_members m JOIN users u ON u.id = m.user_id
       WHERE m.grid_code = $1 ORDER BY (m.role = 'leader') DESC, u.display_name`,
      [gridCode],
    );
    return rows.map(toMember);
  }

  /** The grids a user works in (the worker's "my grids"). */
  async listForUser(
    q: Queryable,
    userId: number,
  ): Promise<Array<GridMember & { nameZh: string; nameEn: string }>> {
    const { rows } = await q.query<MemberRow & { name_zh: string; name_en: string }>(
      `SELECT m.user_id, u.display_name, m.grid_code, m.role, m.assigned_at, a.name_zh, a.name_en
       FROM grid_members m JOIN users u ON u.id = m.user_id
       JOIN areas a ON a.code = m.grid_code AND a.valid_to IS NULL
       WHERE m.user_id = $1 ORDER BY m.grid_code, m.role`,
      [userId],
    );
    return rows.map((r) => ({ ...toMember(r), nameZh: r.name_zh, nameEn: r.name_en }));
  }

  /** Current grids inside the scope (and `within`) that have no worker. */
  async listUnstaffed(
    q: Queryable,
    scope: AreaScope,
    f: { within?: string; limit: number; offset: number },
  ): Promise<{ items: UnstaffedGrid[]; total: number }> {
    const params: unknown[] = [];
    const where = [`a.valid_to IS NULL`, `a.level = 'grid'`, scopeSql(scope, 'a.code', params)];
    if (f.within) {
      params.push(`${f.within}%`);
      where.push(`a.code LIKE $${params.length}`);
    }
    where.push(`NOT EXISTS (SELECT 1 FROM grid_members w WHERE w.grid_code = a.code AND w.role = 'worker')`);
    const sql = where.join(' AND ');
    const total = await q.query<{ n: number }>(`SELECT count(*)::int AS n FROM areas a WHERE ${sql}`, params);
    params.push(f.limit, f.offset);
    const { rows } = await q.query<{ code: string; name_zh: string; name_en: string; has_leader: boolean }>(
      `SELECT a.code, a.name_zh, a.name_en,
         EXISTS (SELECT 1 FROM grid_members l WHERE l.grid_code = a.code AND l.role = 'leader') AS has_leader
       FROM areas a WHERE ${sql} ORDER BY a.code LIMIT $${params.length - 1} OFFSET $${params.length}`,
      params,
    );
    return {
      items: rows.map((r) => ({
        code: r.code,
        nameZh: r.name_zh,
        nameEn: r.name_en,
        hasLeader: r.has_leader,
      })),
      total: total.rows[0]?.n ?? 0,
    };
  }
}

interface MemberRow {
  user_id: number;
  display_name: string;
  grid_code: string;
  role: GridMemberRole;
  assigned_at: Date;
}

function toMember(r: MemberRow): GridMember {
  return {
    userId: r.user_id,
    displayName: r.display_name,
    gridCode: r.grid_code,
    role: r.role,
    assignedAt: r.assigned_at,
  };
}
