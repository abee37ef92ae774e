import type { Queryable } from '../../db/db.js';
import { type AreaScope, scopeSql } from '../../kernel/policy.js';

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
  /** 1: unkeyed SHA-256 (rows chained before migration 0015); 2: HMAC-SHA-256 with AUDIT_KEY. */
  chainVersion: number;
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
  chain_version: number | string;
}

/** A record before it is chained. */
export type PendingRecord = Omit<AuditRecord, 'seq' | 'prevHash' | 'hash' | 'chainVersion'>;

/** The record body as parallel arrays for `unnest` (at … origin, in COLUMNS order). */
function bodyColumns(rs: readonly PendingRecord[]): unknown[][] {
  return [
    rs.map((r) => r.at.toISOString()),
    rs.map((r) => r.actorKind),
    rs.map((r) => r.actorId),
    rs.map((r) => r.actorName),
    rs.map((r) => r.action),
    rs.map((r) => r.resourceType),
    rs.map((r) => r.resourceId),
    rs.map((r) => r.areaCode),
    rs.map((r) => r.purpose),
    rs.map((r) => JSON.stringify(r.details)),
    rs.map((r) => r.origin),
  ];
}

const COLUMNS =
  'seq, at, actor_kind, actor_id, actor_name, action, resource_type, resource_id, area_code, purpose, details, origin, prev_hash, hash, chain_version';

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
    chainVersion: Number(r.chain_version),
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

  /** The chain head with the time of its record (null when that row is missing): what a checkpoint signs. */
  async headWithTime(q: Queryable): Promise<{ seq: number; hash: string; at: Date | null }> {
    const { rows } = await q.query<{ seq: number | string; hash: string; at: Date | null }>(
      'SELECT h.seq, h.hash, l.at FROM audit_head h LEFT JOIN audit_log l ON l.seq = h.seq WHERE h.id LIMIT 1',
    );
    const head = rows[0];
    return head ? { seq: Number(head.seq), hash: head.hash, at: head.at } : { seq: 0, hash: '', at: null };
  }

  /** The stored hash of record `seq`, or null when there is no such row (checkpoint comparison). */
  async hashAt(q: Queryable, seq: number): Promise<string | null> {
    const { rows } = await q.query<{ hash: string }>('SELECT hash FROM audit_log WHERE seq = $1', [seq]);
    return rows[0]?.hash ?? null;
  }

  /**
   * Stores one record of an act in the caller's transaction, without touching the chain head:
   * the chainer links it into audit_log later (see chainPending). One statement, no lock.
   */
  async insertPending(q: Queryable, rs: readonly PendingRecord[]): Promise<void> {
    if (rs.length === 0) return;
    // ORDER BY ord: ids (the chaining order) follow the order given.
    await q.query(
      `INSERT INTO audit_pending (at, actor_kind, actor_id, actor_name, action, resource_type, resource_id,
                                  area_code, purpose, details, origin)
       SELECT at, actor_kind, actor_id, actor_name, action, resource_type, resource_id, area_code, purpose,
              details, origin
         FROM unnest($1::timestamptz[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[],
                     $8::text[], $9::text[], $10::jsonb[], $11::text[])
              WITH ORDINALITY AS u(at, actor_kind, actor_id, actor_name, action, resource_type, resource_id,
                                   area_code, purpose, details, origin, ord)
        ORDER BY ord`,
      bodyColumns(rs),
    );
  }

  /**
   * Locks the chain head (FOR UPDATE: chainers on every node take turns) and returns it with the
   * oldest committed pending records. Must run in the transaction that chains them.
   */
  async lockHeadAndPending(
    tx: Queryable,
    limit: number,
  ): Promise<{ head: { seq: number; hash: string }; pending: Array<{ id: number } & PendingRecord> }> {
    // LIMIT 1: a fresh one-row table has no statistics; without it the planner's row guess once
    // pushed the estimated cost over jit_above_cost and JIT-compiled the statement (~150 ms).
    const head = await tx.query<{ seq: number | string; hash: string }>(
      'SELECT seq, hash FROM audit_head WHERE id LIMIT 1 FOR UPDATE',
    );
    const h = head.rows[0];
    if (!h) throw new Error('audit_head row is missing: the audit chain cannot be extended');
    const { rows } = await tx.query<
      Omit<AuditRow, 'seq' | 'prev_hash' | 'hash' | 'chain_version'> & { id: number | string }
    >(
      `SELECT id, at, actor_kind, actor_id, actor_name, action, resource_type, resource_id, area_code,
              purpose, details, origin
         FROM audit_pending ORDER BY id LIMIT $1`,
      [limit],
    );
    return {
      head: { seq: Number(h.seq), hash: h.hash },
      pending: rows.map((r) => ({
        id: Number(r.id),
        ...toRecord({ ...r, seq: 0, prev_hash: '', hash: '', chain_version: 0 }),
      })),
    };
  }

  /**
   * Appends chained records (consecutive seqs after the locked head), deletes their pending rows
   * and moves the head to the last one — in the transaction that holds the head lock.
   */
  async appendChained(
    tx: Queryable,
    pendingIds: readonly number[],
    records: readonly AuditRecord[],
  ): Promise<void> {
    const last = records[records.length - 1];
    if (!last) return;
    await tx.query(
      `INSERT INTO audit_log (${COLUMNS})
       SELECT * FROM unnest($1::bigint[], $2::timestamptz[], $3::text[], $4::text[], $5::text[], $6::text[],
                            $7::text[], $8::text[], $9::text[], $10::text[], $11::jsonb[], $12::text[],
                            $13::text[], $14::text[], $15::smallint[])`,
      [
        records.map((r) => r.seq),
        ...bodyColumns(records),
        records.map((r) => r.prevHash),
        records.map((r) => r.hash),
        records.map((r) => r.chainVersion),
      ],
    );
    await tx.query('DELETE FROM audit_pending WHERE id = ANY($1::bigint[])', [pendingIds]);
    await tx.query('UPDATE audit_head SET seq = $1, hash = $2 WHERE id', [last.seq, last.hash]);
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
