import type { Queryable } from '../../db/db.js';

/** A live session joined with the state of its user. */
export interface SessionRecord {
  userId: number;
  csrfHash: string;
  expiresAt: Date;
}

/** The only SQL for server-side cookie sessions. Only hashes of secrets are stored. */
export class SessionRepository {
  /** Stores a new session. */
  async insert(
    q: Queryable,
    s: {
      idHash: string;
      userId: number;
      csrfHash: string;
      now: Date;
      expiresAt: Date;
      origin: string | null;
    },
  ): Promise<void> {
    await q.query(
      `INSERT INTO sessions (id_hash, user_id, csrf_hash, created_at, expires_at, origin)
       VALUES ($1, $2, $3, $4, $5, $6)`,
      [s.idHash, s.userId, s.csrfHash, s.now, s.expiresAt, s.origin],
    );
  }

  /** The session if it is unrevoked, unexpired and its user is active. */
  async findLive(q: Queryable, idHash: string, now: Date): Promise<SessionRecord | null> {
    const { rows } = await q.query<{ user_id: number | string; csrf_hash: string; expires_at: Date }>(
      `SELECT s.user_id, s.csrf_hash, s.expires_at FROM sessions s JOIN users u ON u.id = s.user_id
       WHERE s.id_hash = $1 AND s.revoked_at IS NULL AND s.expires_at > $2 AND u.status = 'active'`,
      [idHash, now],
    );
    const r = rows[0];
    return r ? { userId: Number(r.user_id), csrfHash: r.csrf_hash, expiresAt: r.expires_at } : null;
  }

  /** Ends one session (sign-out). */
  async revoke(q: Queryable, idHash: string, now: Date): Promise<void> {
    await q.query('UPDATE sessions SET revoked_at = $2 WHERE id_hash = $1 AND revoked_at IS NULL', [
      idHash,
      now,
    ]);
  }

  /** Ends every session of a user (disabled account, password change). */
  async revokeAllOf(q: Queryable, userId: number, now: Date): Promise<void> {
    await q.query('UPDATE sessions SET revoked_at = $2 WHERE user_id = $1 AND revoked_at IS NULL', [
      userId,
      now,
    ]);
  }
}
