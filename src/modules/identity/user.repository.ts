import type { Locale } from '../../config/config.js';
import type { Queryable } from '../../db/db.js';
import type { RoleGrant, RoleName } from '../../kernel/actor.js';
import { type AreaScope, scopeSql } from '../../kernel/policy.js';

/** A user as stored; phone only as ciphertext + keyed hash. */
export interface UserRecord {
  id: number;
  username: string;
  displayName: string;
  passwordHash: string | null;
  locale: Locale | null;
  phoneEnc: string | null;
  phoneHash: string | null;
  status: 'active' | 'disabled';
  failedLogins: number;
  lockedUntil: Date | null;
  lastLoginAt: Date | null;
  createdAt: Date;
  /** Bearer tokens of an older version are refused (password change, disable, role revoked). */
  tokenVersion: number;
}

/** An active or revoked grant with its provenance. */
export interface GrantRecord extends RoleGrant {
  id: number;
  userId: number;
  grantedBy: string;
  grantedAt: Date;
}

/** What creating a user needs. */
export interface NewUser {
  username: string;
  displayName: string;
  passwordHash: string | null;
  locale: Locale | null;
  phoneEnc: string | null;
  phoneHash: string | null;
  now: Date;
}

/** A grant to insert. */
export interface NewGrant extends RoleGrant {
  userId: number;
  grantedBy: string;
  now: Date;
}

/** Filters for listing users. */
export interface UserFilter {
  /** Prefix of username or display name. */
  q?: string;
  role?: RoleName;
  /** Users holding an active grant inside this area. */
  area?: string;
  status?: 'active' | 'disabled';
  limit: number;
  offset: number;
}

interface UserRow {
  id: number | string;
  username: string;
  display_name: string;
  password_hash: string | null;
  locale: Locale | null;
  phone_enc: string | null;
  phone_hash: string | null;
  status: 'active' | 'disabled';
  failed_logins: number;
  locked_until: Date | null;
  last_login_at: Date | null;
  created_at: Date;
  token_version: number;
}

interface GrantRow {
  id: number | string;
  user_id: number | string;
  role: RoleName;
  area_code: string | null;
  department_code: string | null;
  granted_by: string;
  granted_at: Date;
}

const USER_COLUMNS =
  'u.id, u.username, u.display_name, u.password_hash, u.locale, u.phone_enc, u.phone_hash, u.status, u.failed_logins, u.locked_until, u.last_login_at, u.created_at, u.token_version';

function toUser(r: UserRow): UserRecord {
  return {
    id: Number(r.id),
    username: r.username,
    displayName: r.display_name,
    passwordHash: r.password_hash,
    locale: r.locale,
    phoneEnc: r.phone_enc,
    phoneHash: r.phone_hash,
    status: r.status,
    failedLogins: r.failed_logins,
    lockedUntil: r.locked_until,
    lastLoginAt: r.last_login_at,
    createdAt: r.created_at,
    tokenVersion: Number(r.token_version),
  };
}

function toGrant(r: GrantRow): GrantRecord {
  return {
    id: Number(r.id),
    userId: Number(r.user_id),
    role: r.role,
    areaCode: r.area_code,
    departmentCode: r.department_code,
    grantedBy: r.granted_by,
    grantedAt: r.granted_at,
  };
}

/**
 * SQL condition: the user (alias `u`) holds an active grant inside the scope. Users are "in" an
 * area through their grants; users without area grants (residents, department handlers) are
 * only visible to city-wide readers.
 */
function userInScopeSql(scope: AreaScope, params: unknown[]): string {
  if (scope.all) return 'TRUE';
  return `EXISTS (SELECT 1 FROM role_grants sg WHERE sg.user_id = u.id AND sg.revoked_at IS NULL AND ${scopeSql(scope, 'sg.area_code', params)})`;
}

/** The only SQL for users and their role grants. */
export class UserRepository {
  /** Inserts a user; returns the new id. */
  async insert(q: Queryable, u: NewUser): Promise<number> {
    const { rows } = await q.query<{ id: number | string }>(
      `INSERT INTO users (username, display_name, password_hash, locale, phone_enc, phone_hash, created_at, updated_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $7) RETURNING id`,
      [u.username, u.displayName, u.passwordHash, u.locale, u.phoneEnc, u.phoneHash, u.now],
    );
    return Number(rows[0]!.id);
  }

  /** One user, only if inside the scope (out-of-scope ids are simply not found). */
  async findById(q: Queryable, id: number, scope: AreaScope = { all: true }): Promise<UserRecord | null> {
    const params: unknown[] = [id];
    const { rows } = await q.query<UserRow>(
      `SELECT ${USER_COLUMNS} FROM users u WHERE u.id = $1 AND ${userInScopeSql(scope, params)}`,
      params,
    );
    return rows[0] ? toUser(rows[0]) : null;
  }

  /** Looks a user up by username (sign-in). */
  async findByUsername(q: Queryable, username: string): Promise<UserRecord | null> {
    const { rows } = await q.query<UserRow>(`SELECT ${USER_COLUMNS} FROM users u WHERE u.username = $1`, [
      username,
    ]);
    return rows[0] ? toUser(rows[0]) : null;
  }

  /** Looks a user up by the keyed hash of their phone (one-time-code sign-in). */
  async findByPhoneHash(q: Queryable, phoneHash: string): Promise<UserRecord | null> {
    const { rows } = await q.query<UserRow>(`SELECT ${USER_COLUMNS} FROM users u WHERE u.phone_hash = $1`, [
      phoneHash,
    ]);
    return rows[0] ? toUser(rows[0]) : null;
  }

  /** Users inside the scope matching the filter, ordered by username. */
  async list(q: Queryable, scope: AreaScope, f: UserFilter): Promise<{ items: UserRecord[]; total: number }> {
    const params: unknown[] = [];
    const where = [userInScopeSql(scope, params)];
    if (f.q) {
      params.push(`${f.q.replace(/[\\%_]/g, (c) => `\\${c}`)}%`);
      where.push(`(u.username LIKE $${params.length} OR u.display_name LIKE $${params.length})`);
    }
    if (f.status) {
      params.push(f.status);
      where.push(`u.status = $${params.length}`);
    }
    if (f.role || f.area) {
      const cond = ['fg.user_id = u.id', 'fg.revoked_at IS NULL'];
      if (f.role) {
        params.push(f.role);
        cond.push(`fg.role = $${params.length}`);
      }
      if (f.area) {
        params.push(`${f.area}%`);
        cond.push(`fg.area_code LIKE $${params.length}`);
      }
      where.push(`EXISTS (SELECT 1 FROM role_grants fg WHERE ${cond.join(' AND ')})`);
    }
    const whereSql = where.join(' AND ');
    const total = await q.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM users u WHERE ${whereSql}`,
      params,
    );
    params.push(f.limit, f.offset);
    const { rows } = await q.query<UserRow>(
      `SELECT ${USER_COLUMNS} FROM users u WHERE ${whereSql} ORDER BY u.username
       LIMIT $${params.length - 1} OFFSET $${params.length}`,
      params,
    );
    return { items: rows.map(toUser), total: total.rows[0]?.n ?? 0 };
  }

  /** Active grants of these users, by user id. */
  async activeGrants(q: Queryable, userIds: readonly number[]): Promise<Map<number, GrantRecord[]>> {
    const out = new Map<number, GrantRecord[]>(userIds.map((id) => [id, []]));
    if (userIds.length === 0) return out;
    const { rows } = await q.query<GrantRow>(
      `SELECT id, user_id, role, area_code, department_code, granted_by, granted_at FROM role_grants
       WHERE user_id = ANY($1::bigint[]) AND revoked_at IS NULL ORDER BY id`,
      [userIds.map(String)],
    );
    for (const r of rows) out.get(Number(r.user_id))?.push(toGrant(r));
    return out;
  }

  /** Counts a failed sign-in; locks the account when the count reaches the threshold. */
  async recordFailure(
    q: Queryable,
    id: number,
    now: Date,
    threshold: number,
    lockMs: number,
  ): Promise<{ lockedUntil: Date | null }> {
    const { rows } = await q.query<{ locked_until: Date | null }>(
      `UPDATE users SET
         failed_logins = CASE WHEN failed_logins + 1 >= $2 THEN 0 ELSE failed_logins + 1 END,
         locked_until = CASE WHEN failed_logins + 1 >= $2 THEN $3::timestamptz ELSE locked_until END,
         updated_at = $4
       WHERE id = $1 RETURNING locked_until`,
      [id, threshold, new Date(now.getTime() + lockMs), now],
    );
    const lockedUntil = rows[0]?.locked_until ?? null;
    return { lockedUntil: lockedUntil && lockedUntil > now ? lockedUntil : null };
  }

  /** Clears the failure count after a successful sign-in. */
  async recordSuccess(q: Queryable, id: number, now: Date): Promise<void> {
    await q.query(
      'UPDATE users SET failed_logins = 0, locked_until = NULL, last_login_at = $2, updated_at = $2 WHERE id = $1',
      [id, now],
    );
  }

  /** Changes the given fields of a user. */
  async update(
    q: Queryable,
    id: number,
    patch: {
      displayName?: string;
      locale?: Locale | null;
      status?: 'active' | 'disabled';
      passwordHash?: string;
      phoneEnc?: string | null;
      phoneHash?: string | null;
    },
    now: Date,
  ): Promise<void> {
    const sets: string[] = [];
    const params: unknown[] = [id, now];
    const set = (column: string, value: unknown) => {
      params.push(value);
      sets.push(`${column} = $${params.length}`);
    };
    if (patch.displayName !== undefined) set('display_name', patch.displayName);
    if (patch.locale !== undefined) set('locale', patch.locale);
    if (patch.status !== undefined) set('status', patch.status);
    if (patch.passwordHash !== undefined) {
      set('password_hash', patch.passwordHash);
      sets.push('failed_logins = 0', 'locked_until = NULL');
    }
    if (patch.phoneEnc !== undefined) set('phone_enc', patch.phoneEnc);
    if (patch.phoneHash !== undefined) set('phone_hash', patch.phoneHash);
    if (sets.length === 0) return;
    await q.query(`UPDATE users SET ${sets.join(', ')}, updated_at = $2 WHERE id = $1`, params);
  }

  /**
   * Moves the user's token version on, so every bearer token issued before is refused on its
   * next request (password change, disable, revoked role).
   */
  async bumpTokenVersion(q: Queryable, id: number, now: Date): Promise<void> {
    await q.query('UPDATE users SET token_version = token_version + 1, updated_at = $2 WHERE id = $1', [
      id,
      now,
    ]);
  }

  /** Adds a grant; returns its id, or null when the same grant is already active. */
  async addGrant(q: Queryable, g: NewGrant): Promise<number | null> {
    const { rows } = await q.query<{ id: number | string }>(
      `INSERT INTO role_grants (user_id, role, area_code, department_code, granted_by, granted_at)
       VALUES ($1, $2, $3, $4, $5, $6)
       ON CONFLICT (user_id, role, coalesce(area_code, ''), coalesce(department_code, '')) WHERE revoked_at IS NULL
       DO NOTHING RETURNING id`,
      [g.userId, g.role, g.areaCode, g.departmentCode, g.grantedBy, g.now],
    );
    return rows[0] ? Number(rows[0].id) : null;
  }

  /** Revokes an active grant of this user; returns it, or null when there is none. */
  async revokeGrant(
    q: Queryable,
    userId: number,
    grantId: number,
    by: string,
    now: Date,
  ): Promise<GrantRecord | null> {
    const { rows } = await q.query<GrantRow>(
      `UPDATE role_grants SET revoked_at = $3, revoked_by = $4
       WHERE id = $1 AND user_id = $2 AND revoked_at IS NULL
       RETURNING id, user_id, role, area_code, department_code, granted_by, granted_at`,
      [grantId, userId, now, by],
    );
    return rows[0] ? toGrant(rows[0]) : null;
  }

  /** True when a current area with this code exists. */
  async areaExists(q: Queryable, code: string): Promise<boolean> {
    const { rows } = await q.query<{ ok: boolean }>(
      'SELECT EXISTS (SELECT 1 FROM areas WHERE code = $1 AND valid_to IS NULL) AS ok',
      [code],
    );
    return rows[0]?.ok === true;
  }

  /** True when an active department with this code exists. */
  async departmentExists(q: Queryable, code: string): Promise<boolean> {
    const { rows } = await q.query<{ ok: boolean }>(
      'SELECT EXISTS (SELECT 1 FROM departments WHERE code = $1 AND active) AS ok',
      [code],
    );
    return rows[0]?.ok === true;
  }
}
