import type { Queryable } from '../../db/db.js';

/** The map key findIdempotentMany answers under. */
export function idempotencyMapKey(scope: string, key: string): string {
  return `${scope}\u0000${key}`;
}

/** The SQL of the idempotency keys: the stored answer of a request, replayed on a retry. */
export class CaseIdempotencyRepository {
  /** Stored answer for an idempotency key, if any. */
  async findIdempotent(
    q: Queryable,
    scope: string,
    key: string,
  ): Promise<{ requestHash: string; response: unknown; caseId: number | null } | undefined> {
    const { rows } = await q.query<{ request_hash: string; response: unknown; case_id: number | null }>(
      'SELECT request_hash, response, case_id FROM idempotency_keys WHERE scope = $1 AND key = $2',
      [scope, key],
    );
    const r = rows[0];
    return r ? { requestHash: r.request_hash, response: r.response, caseId: r.case_id } : undefined;
  }

  /** Records the answer for an idempotency key; a concurrent duplicate fails with 23505. */
  async saveIdempotent(
    q: Queryable,
    r: {
      scope: string;
      key: string;
      requestHash: string;
      caseId: number | null;
      response: unknown;
      at: Date;
    },
  ): Promise<void> {
    await this.saveIdempotentMany(q, [r]);
  }

  /** Stores several answers under their keys in one statement (a duplicate key fails it: 23505). */
  async saveIdempotentMany(
    q: Queryable,
    rs: ReadonlyArray<{
      scope: string;
      key: string;
      requestHash: string;
      caseId: number | null;
      response: unknown;
      at: Date;
    }>,
  ): Promise<void> {
    if (rs.length === 0) return;
    await q.query(
      `INSERT INTO idempotency_keys (scope, key, request_hash, case_id, response, created_at)
       SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::bigint[], $5::jsonb[], $6::timestamptz[])`,
      [
        rs.map((r) => r.scope),
        rs.map((r) => r.key),
        rs.map((r) => r.requestHash),
        rs.map((r) => r.caseId),
        rs.map((r) => JSON.stringify(r.response)),
        rs.map((r) => r.at.toISOString()),
      ],
    );
  }

  /** Stored answers for several keys of one or more callers (scope, key) in one statement. */
  async findIdempotentMany(
    q: Queryable,
    keys: ReadonlyArray<{ scope: string; key: string }>,
  ): Promise<Map<string, { requestHash: string; response: unknown; caseId: number | null }>> {
    if (keys.length === 0) return new Map();
    const { rows } = await q.query<{
      scope: string;
      key: string;
      request_hash: string;
      response: unknown;
      case_id: number | null;
    }>(
      `SELECT k.scope, k.key, k.request_hash, k.response, k.case_id
         FROM idempotency_keys k
         JOIN unnest($1::text[], $2::text[]) AS u(scope, key) ON k.scope = u.scope AND k.key = u.key`,
      [keys.map((k) => k.scope), keys.map((k) => k.key)],
    );
    return new Map(
      rows.map((r) => [
        idempotencyMapKey(r.scope, r.key),
        { requestHash: r.request_hash, response: r.response, caseId: r.case_id },
      ]),
    );
  }
}
