import type { Queryable } from '../../db/db.js';
import { type AreaScope, scopeSql } from '../identity/policy.js';

/** An audit row exactly as stored (and hashed). */
export interface AuditRecord {
  seq: number;
  at: Date;
  actorKind: 'anonymous' | 'user' | 'system';
  actorId: string | null;
  actorName: string | null;
  action: string;
  resourceType: string;
  resourceId: string;
  areaCode: string | null;
  purpose: string | null;
  details: Record<string, unknown>;
  origin: string | null;
  prevHash: string;
  hash: string;
}

interface AuditRow {
  seq: number | string;
  at: Date;
  actor_kind: AuditRecord['actorKind'];
  actor_id: string | null;
  actor_name: string | null;
  action: string;
  resource_type: string;
  resource_id: string;
  area_code: string | null;
  purpose: string | null;
  details: Record<string, unknown> | null;
  origin: string | null;
  prev_hash: string;
  hash: string;
}

const COLUMNS =
  'seq, at, actor_kind, actor_id, actor_name, action, resource_type, resource_id, area_code, purpose, details, origin, prev_hash, hash';

function toRecord(r: AuditRow): AuditRecord {
  return {
    seq: Number(r.seq),
    at: r.at,
    actorKind: r.actor_kind,
    actorId: r.actor_id,
    actorName: r.actor_name,
    action: r.action,
    resourceType: r.resource_type,
    resourceId: r.resource_id,
    areaCode: r.area_code,
    purpose: r.purpose,
    details: r.details ?? {},
    origin: r.origin,
    prevHash: r.prev_hash,
    hash: r.hash,
  };
}

/** Filters for reading the audit trail. */
export interface AuditFilter {
  action?: string;
  resourceType?: string;
  resourceId?: string;
  actorId?: string;
  from?: Date;
  to?: Date;
  /** Only records with seq below this (keyset paging, newest first). */
  beforeSeq?: number;
  limit: number;
}

/** The only SQL for the audit trail. Rows are only ever inserted. */
export class AuditRepository {
  /** Reads the chain head without locking (verify compares it with the last row). */
  async head(q: Queryable): Promise<{ seq: number; hash: string }> {
    const { rows } = await q.query<{ seq: number | string; hash: string }>(
      'SELECT seq, hash FROM audit_head WHERE id',
    );
    const head = rows[0];
    return head ? { seq: Number(head.seq), hash: head.hash } : { seq: 0, hash: '' };
  }

  /**
   * Locks the head, appends one record and moves the head — in ONE statement (one round trip), so
   * the head lock, which every audited write in the city waits for until COMMIT, is held for as
   * short a time as possible. The hash is computed in SQL as sha256(prev_hash ‖ body), where
   * `bodyBeforeSeq` is the record's canonical JSON up to `"seq":` (seq is its last key) and the
   * seq digits and closing brace are added from the locked head. Returns what was written; the
   * caller re-checks the hash in JS. SELECT … FOR UPDATE returns the newest committed head after a
   * wait (READ COMMITTED), so concurrent appenders chain one after another.
   */
  async appendNext(
    q: Queryable,
    r: Omit<AuditRecord, 'seq' | 'prevHash' | 'hash'>,
    bodyBeforeSeq: string,
  ): Promise<{ seq: number; prevHash: string; hash: string }> {
    const { rows } = await q.query<{ seq: number | string; prev_hash: string; hash: string }>(
      // LIMIT 1: without it the planner guesses hundreds of head rows (a fresh one-row table has
      // no statistics), the estimated cost crosses jit_above_cost and JIT compilation added
      // ~150 ms to every append — under the lock.
      `WITH old AS (SELECT seq, hash FROM audit_head WHERE id LIMIT 1 FOR UPDATE),
       ins AS (
         INSERT INTO audit_log (${COLUMNS})
         SELECT old.seq + 1, $1::timestamptz, $2::text, $3::text, $4::text, $5::text, $6::text, $7::text,
                $8::text, $9::text, $10::jsonb, $11::text, old.hash,
                encode(sha256(convert_to(old.hash || $12::text || (old.seq + 1)::text || '}', 'UTF8')), 'hex')
           FROM old
         RETURNING seq, prev_hash, hash
       ), moved AS (
         UPDATE audit_head SET seq = ins.seq, hash = ins.hash FROM ins WHERE audit_head.id RETURNING audit_head.seq
       )
       SELECT ins.seq, ins.prev_hash, ins.hash FROM ins, moved`,
      [
        r.at,
        r.actorKind,
        r.actorId,
        r.actorName,
        r.action,
        r.resourceType,
        r.resourceId,
        r.areaCode,
        r.purpose,
        r.details,
        r.origin,
        bodyBeforeSeq,
      ],
    );
    const row = rows[0];
    if (!row) throw new Error('audit_head row is missing: the audit chain cannot be extended');
    return { seq: Number(row.seq), prevHash: row.prev_hash, hash: row.hash };
  }

  /** Records in chain order after `afterSeq` (verify walks the chain in batches). */
  async batchAfter(q: Queryable, afterSeq: number, limit: number): Promise<AuditRecord[]> {
    const { rows } = await q.query<AuditRow>(
      `SELECT ${COLUMNS} FROM audit_log WHERE seq > $1 ORDER BY seq LIMIT $2`,
      [afterSeq, limit],
    );
    return rows.map(toRecord);
  }

  /** Records inside the scope, newest first; out-of-scope rows are never read. */
  async list(
    q: Queryable,
    scope: AreaScope,
    f: AuditFilter,
  ): Promise<{ items: AuditRecord[]; total: number }> {
    const params: unknown[] = [];
    const where = [scopeSql(scope, 'area_code', params)];
    const eq = (column: string, value: unknown) => {
      params.push(value);
      where.push(`${column} = $${params.length}`);
    };
    if (f.action) eq('action', f.action);
    if (f.resourceType) eq('resource_type', f.resourceType);
    if (f.resourceId) eq('resource_id', f.resourceId);
    if (f.actorId) eq('actor_id', f.actorId);
    if (f.from) {
      params.push(f.from);
      where.push(`at >= $${params.length}`);
    }
    if (f.to) {
      params.push(f.to);
      where.push(`at < $${params.length}`);
    }
    const countSql = `SELECT count(*)::int AS n FROM audit_log WHERE ${where.join(' AND ')}`;
    const total = await q.query<{ n: number }>(countSql, params);
    if (f.beforeSeq !== undefined) {
      params.push(f.beforeSeq);
      where.push(`seq < $${params.length}`);
    }
    params.push(f.limit);
    const { rows } = await q.query<AuditRow>(
      `SELECT ${COLUMNS} FROM audit_log WHERE ${where.join(' AND ')} ORDER BY seq DESC LIMIT $${params.length}`,
      params,
    );
    return { items: rows.map(toRecord), total: total.rows[0]?.n ?? 0 };
  }
}
