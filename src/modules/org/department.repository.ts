import type { Queryable } from '../../db/db.js';

/** A department as stored. */
export interface DepartmentRecord {
  code: string;
  nameZh: string;
  nameEn: string;
  kind: string;
  active: boolean;
}

/** The only SQL for departments. */
export class DepartmentRepository {
  /** Inserts or updates departments by code (seed, admin import). */
  async upsertMany(
    q: Queryable,
    items: ReadonlyArray<{ code: string; nameZh: string; nameEn: string; kind: string }>,
  ): Promise<void> {
    for (const d of items) {
      await q.query(
        `INSERT INTO departments (code, name_zh, name_en, kind) VALUES ($1, $2, $3, $4)
         ON CONFLICT (code) DO UPDATE SET name_zh = EXCLUDED.name_zh, name_en = EXCLUDED.name_en, kind = EXCLUDED.kind`,
        [d.code, d.nameZh, d.nameEn, d.kind],
      );
    }
  }

  /** All active departments ordered by code. */
  async listActive(q: Queryable): Promise<DepartmentRecord[]> {
    const { rows } = await q.query<{
      code: string;
      name_zh: string;
      name_en: string;
      kind: string;
      active: boolean;
    }>('SELECT code, name_zh, name_en, kind, active FROM departments WHERE active ORDER BY code');
    return rows.map((r) => ({
      code: r.code,
      nameZh: r.name_zh,
      nameEn: r.name_en,
      kind: r.kind,
      active: r.active,
    }));
  }
}
