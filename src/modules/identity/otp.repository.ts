import type { Queryable } from '../../db/db.js';

/** The newest unused code for a phone. */
export interface OtpRecord {
  id: number;
  codeHash: string;
  expiresAt: Date;
  attempts: number;
}

/** The only SQL for one-time sign-in codes (stored as keyed hashes, never in clear). */
export class OtpRepository {
  /** Stores a new code and retires older unused ones for the same phone. */
  async issue(
    q: Queryable,
    o: { phoneHash: string; codeHash: string; now: Date; expiresAt: Date },
  ): Promise<void> {
    await q.query('UPDATE otp_codes SET consumed_at = $2 WHERE phone_hash = $1 AND consumed_at IS NULL', [
      o.phoneHash,
      o.now,
    ]);
    await q.query(
      'INSERT INTO otp_codes (phone_hash, code_hash, created_at, expires_at) VALUES ($1, $2, $3, $4)',
      [o.phoneHash, o.codeHash, o.now, o.expiresAt],
    );
  }

  /** The current code for a phone, locked for the check (so two guesses cannot race). */
  async current(q: Queryable, phoneHash: string, now: Date): Promise<OtpRecord | null> {
    const { rows } = await q.query<{
      id: number | string;
      code_hash: string;
      expires_at: Date;
      attempts: number;
    }>(
      `SELECT id, code_hash, expires_at, attempts FROM otp_codes
       WHERE phone_hash = $1 AND consumed_at IS NULL AND expires_at > $2
       ORDER BY created_at DESC, id DESC LIMIT 1 FOR UPDATE`,
      [phoneHash, now],
    );
    const r = rows[0];
    return r
      ? { id: Number(r.id), codeHash: r.code_hash, expiresAt: r.expires_at, attempts: r.attempts }
      : null;
  }

  /** Counts a wrong guess; the code dies when the limit is reached. */
  async failedAttempt(q: Queryable, id: number, maxAttempts: number, now: Date): Promise<void> {
    await q.query(
      `UPDATE otp_codes SET attempts = attempts + 1,
         consumed_at = CASE WHEN attempts + 1 >= $2 THEN $3::timestamptz ELSE consumed_at END
       WHERE id = $1`,
      [id, maxAttempts, now],
    );
  }

  /** Uses the code up (codes are single-use). */
  async consume(q: Queryable, id: number, now: Date): Promise<void> {
    await q.query('UPDATE otp_codes SET consumed_at = $2 WHERE id = $1', [id, now]);
  }
}
