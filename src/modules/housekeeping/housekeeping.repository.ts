import type { Queryable } from '../../db/db.js';

/**
 * The only SQL of housekeeping. Every delete takes at most `limit` rows in one statement (its own
 * short transaction when run on the pool): the rows are picked and locked with
 * `FOR UPDATE SKIP LOCKED`, so two nodes running at once take disjoint rows instead of waiting
 * for each other, and a row someone is changing right now is left for the next pass. Rows are
 * deleted by `ctid` (a TID scan of exactly the locked rows), or by id where the caller needs
 * what was deleted.
 */
export class HousekeepingRepository {
  /** Sessions that expired, or were revoked, before `before`. */
  deleteSessions(q: Queryable, before: Date, limit: number): Promise<number> {
    return deleteChunk(q, 'sessions', 'expires_at < $1 OR revoked_at < $1', before, limit);
  }

  /** One-time codes that expired before `before` (used codes expire too, minutes after issue). */
  deleteOtpCodes(q: Queryable, before: Date, limit: number): Promise<number> {
    return deleteChunk(q, 'otp_codes', 'expires_at < $1', before, limit);
  }

  /** Throttle counters whose window started before `before`. */
  deleteThrottleWindows(q: Queryable, before: Date, limit: number): Promise<number> {
    return deleteChunk(q, 'auth_throttle', 'window_start < $1', before, limit);
  }

  /** Stored intake answers created before `before`. */
  deleteIdempotencyKeys(q: Queryable, before: Date, limit: number): Promise<number> {
    return deleteChunk(q, 'idempotency_keys', 'created_at < $1', before, limit);
  }

  /**
   * Unattached photo rows uploaded before `before`, returning the storage key of each deleted row.
   * A photo being attached right now is either attached first (the lock re-reads the row, which no
   * longer matches) or waits and then finds its row gone.
   */
  async deleteOrphanPhotos(
    q: Queryable,
    before: Date,
    limit: number,
  ): Promise<{ rows: number; storageKeys: string[] }> {
    const { rows } = await q.query<{ storage_key: string }>(
      `DELETE FROM case_photos WHERE id IN (
         SELECT id FROM case_photos WHERE case_id IS NULL AND created_at < $1
         LIMIT $2 FOR UPDATE SKIP LOCKED)
       RETURNING storage_key`,
      [before, limit],
    );
    return { rows: rows.length, storageKeys: [...new Set(rows.map((r) => r.storage_key))] };
  }

  /** Which of `keys` some photo row (attached or not) still references. */
  async referencedStorageKeys(q: Queryable, keys: readonly string[]): Promise<Set<string>> {
    if (keys.length === 0) return new Set();
    const { rows } = await q.query<{ storage_key: string }>(
      'SELECT DISTINCT storage_key FROM case_photos WHERE storage_key = ANY($1::text[])',
      [keys],
    );
    return new Set(rows.map((r) => r.storage_key));
  }
}

/** Tables and predicates are constants of this file; only the cutoff and the limit are parameters. */
async function deleteChunk(
  q: Queryable,
  table: 'sessions' | 'otp_codes' | 'auth_throttle' | 'idempotency_keys',
  predicate: string,
  before: Date,
  limit: number,
): Promise<number> {
  const { rowCount } = await q.query(
    `DELETE FROM ${table} WHERE ctid = ANY (ARRAY(
       SELECT ctid FROM ${table} WHERE ${predicate} LIMIT $2 FOR UPDATE SKIP LOCKED))`,
    [before, limit],
  );
  return rowCount;
}
