/** The SQL of person conflicts: lists in the reader's area, and their resolution (keep or replace). */
import type { Queryable } from '../../db/db.js';
import { type AreaScope, scopeSql } from '../../kernel/policy.js';

/** A disagreement between sources, masked. */
export interface ConflictRecord {
  id: number;
  entityType: string;
  entityId: number;
  field: string;
  gridCode: string | null;
  currentMasked: string | null;
  proposedMasked: string | null;
  source: string;
  fileName: string;
  rowNo: number;
  status: 'open' | 'kept' | 'replaced';
  createdAt: Date;
}

/** Disagreements between sources about a person, and their resolution. */
export class ConflictRepository {
  /** Conflicts inside the scope, newest first. */
  async listConflicts(
    q: Queryable,
    scope: AreaScope,
    f: {
      status?: 'open' | 'kept' | 'replaced';
      within?: string;
      entityType?: string;
      entityId?: number;
      limit: number;
      offset: number;
    },
  ): Promise<{ items: ConflictRecord[]; total: number }> {
    const params: unknown[] = [];
    const where = [scopeSql(scope, 'c.grid_code', params)];
    if (f.status) {
      params.push(f.status);
      where.push(`c.status = $${params.length}`);
    }
    if (f.within) {
      params.push(`${f.within}%`);
      where.push(`c.grid_code LIKE $${params.length}`);
    }
    if (f.entityType !== undefined) {
      params.push(f.entityType);
      where.push(`c.entity_type = $${params.length}`);
    }
    if (f.entityId !== undefined) {
      params.push(f.entityId);
      where.push(`c.entity_id = $${params.length}`);
    }
    const sql = where.join(' AND ');
    const total = await q.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM registry_conflicts c WHERE ${sql}`,
      params,
    );
    params.push(f.limit, f.offset);
    const { rows } = await q.query<ConflictRow>(
      `SELECT c.id, c.entity_type, c.entity_id, c.field, c.grid_code, c.current_masked, c.proposed_masked, b.source,
         b.file_name, c.row_no, c.status, c.created_at
       FROM registry_conflicts c JOIN registry_batches b ON b.id = c.batch_id
       WHERE ${sql} ORDER BY c.id DESC LIMIT $${params.length - 1} OFFSET $${params.length}`,
      params,
    );
    return { items: rows.map(toConflict), total: total.rows[0]?.n ?? 0 };
  }

  /** One open conflict inside the scope, locked for resolution. */
  async lockOpenConflict(
    q: Queryable,
    scope: AreaScope,
    id: number,
  ): Promise<(ConflictRecord & { proposedEnc: string | null; proposedHash: string | null }) | undefined> {
    const params: unknown[] = [id];
    const { rows } = await q.query<
      ConflictRow & { proposed_enc: string | null; proposed_hash: string | null }
    >(
      `SELECT c.id, c.entity_type, c.entity_id, c.field, c.grid_code, c.current_masked, c.proposed_masked, b.source,
         b.file_name, c.row_no, c.status, c.created_at, c.proposed_enc, c.proposed_hash
       FROM registry_conflicts c JOIN registry_batches b ON b.id = c.batch_id
       WHERE c.id = $1 AND c.status = 'open' AND ${scopeSql(scope, 'c.grid_code', params)} FOR UPDATE OF c`,
      params,
    );
    const r = rows[0];
    return r ? { ...toConflict(r), proposedEnc: r.proposed_enc, proposedHash: r.proposed_hash } : undefined;
  }

  /** Applies a conflict's proposed value to the person (the "replace" decision). */
  async applyConflict(
    q: Queryable,
    c: {
      entityId: number;
      field: string;
      proposedEnc: string | null;
      proposedHash: string | null;
      proposedMasked: string | null;
    },
    at: Date,
  ): Promise<void> {
    if (c.field === 'name' || c.field === 'phone') {
      await q.query(
        `UPDATE people SET ${c.field}_enc = $2, ${c.field}_hash = $3, ${c.field}_masked = $4, updated_at = $5 WHERE id = $1`,
        [c.entityId, c.proposedEnc, c.proposedHash, c.proposedMasked, at],
      );
    } else if (c.field === 'residence_type') {
      await q.query('UPDATE people SET residence_type = $2, updated_at = $3 WHERE id = $1', [
        c.entityId,
        c.proposedHash,
        at,
      ]);
    } else if (c.field === 'household') {
      await q.query(
        `UPDATE people p SET household_id = h.id, grid_code = h.grid_code, updated_at = $3
         FROM households h WHERE p.id = $1 AND h.id = $2::bigint`,
        [c.entityId, c.proposedHash, at],
      );
    }
  }

  /** Closes a conflict with the decision taken. */
  async closeConflict(
    q: Queryable,
    id: number,
    status: 'kept' | 'replaced',
    by: string,
    at: Date,
  ): Promise<void> {
    await q.query(
      'UPDATE registry_conflicts SET status = $2, resolved_by = $3, resolved_at = $4 WHERE id = $1',
      [id, status, by, at],
    );
  }
}

interface ConflictRow {
  id: number;
  entity_type: string;
  entity_id: number;
  field: string;
  grid_code: string | null;
  current_masked: string | null;
  proposed_masked: string | null;
  source: string;
  file_name: string;
  row_no: number;
  status: 'open' | 'kept' | 'replaced';
  created_at: Date;
}

function toConflict(r: ConflictRow): ConflictRecord {
  return {
    id: r.id,
    entityType: r.entity_type,
    entityId: r.entity_id,
    field: r.field,
    gridCode: r.grid_code,
    currentMasked: r.current_masked,
    proposedMasked: r.proposed_masked,
    source: r.source,
    fileName: r.file_name,
    rowNo: r.row_no,
    status: r.status,
    createdAt: r.created_at,
  };
}
