import type { Queryable } from '../../db/db.js';
import type { AreaGeometry, AreaLevelName, AreaRecord, NewArea } from './area.types.js';

interface AreaRow {
  id: number;
  code: string;
  level: AreaLevelName;
  parent_code: string | null;
  name_zh: string;
  name_en: string;
  geometry?: AreaRecord['geometry'];
  min_lng: number;
  min_lat: number;
  max_lng: number;
  max_lat: number;
  center_lng: number;
  center_lat: number;
  area_m2: number;
  valid_from: Date;
  valid_to: Date | null;
}

const COLUMNS =
  'id, code, level, parent_code, name_zh, name_en, min_lng, min_lat, max_lng, max_lat, center_lng, center_lat, area_m2, valid_from, valid_to';

function toRecord(r: AreaRow): AreaRecord {
  return {
    id: r.id,
    code: r.code,
    level: r.level,
    parentCode: r.parent_code,
    nameZh: r.name_zh,
    nameEn: r.name_en,
    bbox: [r.min_lng, r.min_lat, r.max_lng, r.max_lat],
    center: { lng: r.center_lng, lat: r.center_lat },
    areaM2: r.area_m2,
    validFrom: r.valid_from,
    validTo: r.valid_to,
    ...(r.geometry ? { geometry: r.geometry } : {}),
  };
}

/** Filters for listing current areas. */
export interface AreaFilter {
  level?: AreaLevelName;
  parentCode?: string;
  /** Only areas whose code starts with this (the subtree of an area). */
  within?: string;
  withGeometry?: boolean;
  limit: number;
  offset: number;
}

/** The only SQL for areas. Current = valid_to IS NULL; history rows stay for old cases. */
export class AreaRepository {
  /** Current areas matching the filter, ordered by code. */
  async list(q: Queryable, f: AreaFilter): Promise<{ items: AreaRecord[]; total: number }> {
    const where: string[] = ['valid_to IS NULL'];
    const params: unknown[] = [];
    if (f.level) {
      params.push(f.level);
      where.push(`level = $${params.length}`);
    }
    if (f.parentCode) {
      params.push(f.parentCode);
      where.push(`parent_code = $${params.length}`);
    }
    if (f.within) {
      params.push(`${f.within}%`);
      where.push(`code LIKE $${params.length}`);
    }
    const whereSql = where.join(' AND ');
    const total = await q.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM areas WHERE ${whereSql}`,
      params,
    );
    params.push(f.limit, f.offset);
    const { rows } = await q.query<AreaRow>(
      `SELECT ${COLUMNS}${f.withGeometry ? ', geometry' : ''} FROM areas WHERE ${whereSql}
       ORDER BY code LIMIT $${params.length - 1} OFFSET $${params.length}`,
      params,
    );
    return { items: rows.map(toRecord), total: total.rows[0]?.n ?? 0 };
  }

  /** One current area by code, with its geometry. */
  async findByCode(q: Queryable, code: string): Promise<AreaRecord | undefined> {
    const { rows } = await q.query<AreaRow>(
      `SELECT ${COLUMNS}, geometry FROM areas WHERE code = $1 AND valid_to IS NULL`,
      [code],
    );
    return rows[0] ? toRecord(rows[0]) : undefined;
  }

  /** Inserts new current areas in one statement per batch (demo, import). */
  async insertMany(q: Queryable, areas: readonly NewArea[]): Promise<void> {
    const BATCH = 200;
    for (let i = 0; i < areas.length; i += BATCH) {
      const chunk = areas.slice(i, i + BATCH);
      const params: unknown[] = [];
      const values = chunk.map((a) => {
        const base = params.length;
        params.push(
          a.code,
          a.level,
          a.parentCode,
          a.nameZh,
          a.nameEn,
          a.geometry,
          a.bbox[0],
          a.bbox[1],
          a.bbox[2],
          a.bbox[3],
          a.center.lng,
          a.center.lat,
          a.areaM2,
          a.validFrom,
        );
        return `(${Array.from({ length: 14 }, (_, k) => `$${base + k + 1}`).join(', ')})`;
      });
      await q.query(
        `INSERT INTO areas (code, level, parent_code, name_zh, name_en, geometry, min_lng, min_lat, max_lng, max_lat,
           center_lng, center_lat, area_m2, valid_from) VALUES ${values.join(', ')}`,
        params,
      );
    }
  }

  /** Current unit grids with their boundaries: what the locate index is built from. */
  async currentGridShapes(q: Queryable): Promise<Array<{ code: string; geometry: AreaGeometry }>> {
    const { rows } = await q.query<{ code: string; geometry: AreaGeometry }>(
      "SELECT code, geometry FROM areas WHERE valid_to IS NULL AND level = 'grid' ORDER BY code",
    );
    return rows;
  }

  /** Code, level, parent and names of every current area (ancestors of located grids). */
  async currentNames(
    q: Queryable,
  ): Promise<
    Array<{ code: string; level: AreaLevelName; parentCode: string | null; nameZh: string; nameEn: string }>
  > {
    const { rows } = await q.query<{
      code: string;
      level: AreaLevelName;
      parent_code: string | null;
      name_zh: string;
      name_en: string;
    }>('SELECT code, level, parent_code, name_zh, name_en FROM areas WHERE valid_to IS NULL');
    return rows.map((r) => ({
      code: r.code,
      level: r.level,
      parentCode: r.parent_code,
      nameZh: r.name_zh,
      nameEn: r.name_en,
    }));
  }

  /** Current versions of these codes, with geometry (import compares boundaries). */
  async findCurrentByCodes(q: Queryable, codes: readonly string[]): Promise<AreaRecord[]> {
    if (codes.length === 0) return [];
    const { rows } = await q.query<AreaRow>(
      `SELECT ${COLUMNS}, geometry FROM areas WHERE valid_to IS NULL AND code = ANY($1::text[])`,
      [codes],
    );
    return rows.map(toRecord);
  }

  /** Closes the current version of these codes at `at` (a boundary change keeps history). */
  async closeCurrent(q: Queryable, codes: readonly string[], at: Date): Promise<void> {
    if (codes.length === 0) return;
    await q.query('UPDATE areas SET valid_to = $2 WHERE valid_to IS NULL AND code = ANY($1::text[])', [
      codes,
      at,
    ]);
  }

  /** Updates names and parent of current versions in place (a rename is not a boundary change). */
  async rename(
    q: Queryable,
    a: { code: string; nameZh: string; nameEn: string; parentCode: string | null },
  ): Promise<void> {
    await q.query(
      'UPDATE areas SET name_zh = $2, name_en = $3, parent_code = $4 WHERE valid_to IS NULL AND code = $1',
      [a.code, a.nameZh, a.nameEn, a.parentCode],
    );
  }

  /** Number of current areas per level (demo check, data quality). */
  async countByLevel(q: Queryable): Promise<Record<string, number>> {
    const { rows } = await q.query<{ level: string; n: number }>(
      'SELECT level, count(*)::int AS n FROM areas WHERE valid_to IS NULL GROUP BY level',
    );
    return Object.fromEntries(rows.map((r) => [r.level, r.n]));
  }
}
