import type { Queryable } from '../../db/db.js';
import { type AreaScope, scopeSql } from '../../kernel/policy.js';

/** A city part's lifecycle state. */
export type PartState = 'normal' | 'damaged' | 'missing' | 'repairing' | 'removed';

/** A part ready to be stored. */
export interface NewPart {
  code: string;
  categoryCode: string;
  name: string | null;
  ownerDepartment: string;
  state: PartState;
  lng: number;
  lat: number;
  gridCode: string | null;
  rowNo: number;
}

/** A part as listed. */
export interface PartRecord extends Omit<NewPart, 'rowNo'> {
  id: number;
  updatedAt: Date;
}

/** The only SQL for city parts. */
export class PartsRepository {
  /** Inserts or updates parts by code in one statement per chunk; records provenance rows. */
  async upsertMany(
    q: Queryable,
    parts: readonly NewPart[],
    batchId: number,
    at: Date,
  ): Promise<{ created: number }> {
    let created = 0;
    const CHUNK = 5000;
    for (let i = 0; i < parts.length; i += CHUNK) {
      const c = parts.slice(i, i + CHUNK);
      const { rows } = await q.query<{ id: number; created: boolean; code: string }>(
        `INSERT INTO city_parts (code, category_code, name, owner_department, state, lng, lat, grid_code, batch_id,
           created_at, updated_at)
         SELECT *, $9::bigint, $10::timestamptz, $10::timestamptz FROM unnest($1::text[], $2::text[], $3::text[],
           $4::text[], $5::text[], $6::float8[], $7::float8[], $8::text[])
         ON CONFLICT (code) DO UPDATE SET category_code = EXCLUDED.category_code,
           name = coalesce(EXCLUDED.name, city_parts.name), owner_department = EXCLUDED.owner_department,
           state = EXCLUDED.state, lng = EXCLUDED.lng, lat = EXCLUDED.lat, grid_code = EXCLUDED.grid_code,
           batch_id = EXCLUDED.batch_id, updated_at = EXCLUDED.updated_at
         RETURNING id, (xmax = 0) AS created, code`,
        [
          c.map((p) => p.code),
          c.map((p) => p.categoryCode),
          c.map((p) => p.name),
          c.map((p) => p.ownerDepartment),
          c.map((p) => p.state),
          c.map((p) => p.lng),
          c.map((p) => p.lat),
          c.map((p) => p.gridCode),
          batchId,
          at,
        ],
      );
      created += rows.filter((r) => r.created).length;
      const rowOf = new Map(c.map((p) => [p.code, p.rowNo]));
      await q.query(
        `INSERT INTO registry_provenance (entity_type, entity_id, batch_id, row_no, fields)
         SELECT 'part', id, $3, row_no, ARRAY['code','category','owner_department','state','location']
         FROM unnest($1::bigint[], $2::int[]) AS u(id, row_no)`,
        [rows.map((r) => r.id), rows.map((r) => rowOf.get(r.code) ?? 0), batchId],
      );
    }
    return { created };
  }

  /** Parts inside the scope (and filters), ordered by code. */
  async list(
    q: Queryable,
    scope: AreaScope,
    f: { within?: string; categoryCode?: string; state?: PartState; limit: number; offset: number },
  ): Promise<{ items: PartRecord[]; total: number }> {
    const params: unknown[] = [];
    const where = [scopeSql(scope, 'grid_code', params)];
    if (f.within) {
      params.push(`${f.within}%`);
      where.push(`grid_code LIKE $${params.length}`);
    }
    if (f.categoryCode) {
      params.push(f.categoryCode);
      where.push(`category_code = $${params.length}`);
    }
    if (f.state) {
      params.push(f.state);
      where.push(`state = $${params.length}`);
    }
    const sql = where.join(' AND ');
    const total = await q.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM city_parts WHERE ${sql}`,
      params,
    );
    params.push(f.limit, f.offset);
    const { rows } = await q.query<{
      id: number;
      code: string;
      category_code: string;
      name: string | null;
      owner_department: string;
      state: PartState;
      lng: number;
      lat: number;
      grid_code: string | null;
      updated_at: Date;
    }>(
      `SELECT id, code, category_code, name, owner_department, state, lng, lat, grid_code, updated_at FROM city_parts
       WHERE ${sql} ORDER BY code LIMIT $${params.length - 1} OFFSET $${params.length}`,
      params,
    );
    return {
      items: rows.map((r) => ({
        id: r.id,
        code: r.code,
        categoryCode: r.category_code,
        name: r.name,
        ownerDepartment: r.owner_department,
        state: r.state,
        lng: r.lng,
        lat: r.lat,
        gridCode: r.grid_code,
        updatedAt: r.updated_at,
      })),
      total: total.rows[0]?.n ?? 0,
    };
  }

  /** Codes of the active departments (owner validation). */
  async departmentCodes(q: Queryable): Promise<Set<string>> {
    const { rows } = await q.query<{ code: string }>('SELECT code FROM departments');
    return new Set(rows.map((r) => r.code));
  }
}
