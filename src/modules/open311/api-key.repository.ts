import type { Queryable } from '../../db/db.js';
import { type AreaScope, scopeSql } from '../../kernel/policy.js';

/** An Open311 API key as stored (the key itself is never stored, only its SHA-256). */
export interface ApiKeyRecord {
  id: number;
  name: string;
  keyPrefix: string;
  jurisdictionId: string;
  ratePerMinute: number;
  createdBy: string;
  createdAt: Date;
  revokedAt: Date | null;
}

function toKey(r: Record<string, unknown>): ApiKeyRecord {
  return {
    id: Number(r.id),
    name: r.name as string,
    keyPrefix: r.key_prefix as string,
    jurisdictionId: r.jurisdiction_id as string,
    ratePerMinute: r.rate_per_minute as number,
    createdBy: r.created_by as string,
    createdAt: r.created_at as Date,
    revokedAt: r.revoked_at as Date | null,
  };
}

/** The only SQL for Open311 API keys. */
export class ApiKeyRepository {
  /** Stores a new key. */
  async insert(
    q: Queryable,
    k: Omit<ApiKeyRecord, 'id' | 'revokedAt'> & { keyHash: string },
  ): Promise<ApiKeyRecord> {
    const { rows } = await q.query(
      `INSERT INTO open311_api_keys (name, key_prefix, key_hash, jurisdiction_id, rate_per_minute, created_by, created_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING *`,
      [k.name, k.keyPrefix, k.keyHash, k.jurisdictionId, k.ratePerMinute, k.createdBy, k.createdAt],
    );
    return toKey(rows[0]!);
  }

  /** Every key, newest first (revoked ones too, for the record). */
  async list(q: Queryable, scope: AreaScope): Promise<ApiKeyRecord[]> {
    const params: unknown[] = [];
    const { rows } = await q.query(
      `SELECT * FROM open311_api_keys WHERE ${scopeSql(scope, 'jurisdiction_id', params)} ORDER BY id DESC`,
      params,
    );
    return rows.map(toKey);
  }

  /** One key by id (live or revoked), or undefined. */
  async findById(q: Queryable, id: number): Promise<ApiKeyRecord | undefined> {
    const { rows } = await q.query('SELECT * FROM open311_api_keys WHERE id = $1', [id]);
    return rows[0] ? toKey(rows[0]) : undefined;
  }

  /** The live key with this hash. */
  async findActiveByHash(q: Queryable, keyHash: string): Promise<ApiKeyRecord | undefined> {
    const { rows } = await q.query(
      'SELECT * FROM open311_api_keys WHERE key_hash = $1 AND revoked_at IS NULL',
      [keyHash],
    );
    return rows[0] ? toKey(rows[0]) : undefined;
  }

  /** Revokes a live key; undefined when there is none with this id. */
  async revoke(q: Queryable, id: number, at: Date): Promise<ApiKeyRecord | undefined> {
    const { rows } = await q.query(
      'UPDATE open311_api_keys SET revoked_at = $2 WHERE id = $1 AND revoked_at IS NULL RETURNING *',
      [id, at],
    );
    return rows[0] ? toKey(rows[0]) : undefined;
  }

  /** True when the code is a current area (jurisdictions are areas: the city or a district). */
  async areaExists(q: Queryable, code: string): Promise<boolean> {
    const { rows } = await q.query('SELECT 1 FROM areas WHERE code = $1 AND valid_to IS NULL', [code]);
    return rows.length > 0;
  }

  /** The top area of the city (the default jurisdiction). */
  async rootArea(q: Queryable): Promise<string | undefined> {
    const { rows } = await q.query<{ code: string }>(
      `SELECT code FROM areas WHERE valid_to IS NULL ORDER BY length(code), code LIMIT 1`,
    );
    return rows[0]?.code;
  }
}
