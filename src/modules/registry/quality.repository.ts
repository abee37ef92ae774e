/** The SQL of the data quality view: counts and gaps per grid. */
import type { Queryable } from '../../db/db.js';
import { type AreaScope, scopeSql } from '../../kernel/policy.js';

/** Per-grid counts for the data quality view. */
export interface GridQuality {
  gridCode: string;
  addresses: number;
  buildings: number;
  organisations: number;
  households: number;
  /** Households no file has named a head for. */
  householdsWithoutHead: number;
  people: number;
  parts: number;
  missingName: number;
  missingPhone: number;
  missingResidenceType: number;
  withoutHousehold: number;
  openConflicts: number;
}

/** Per-grid counts and gaps of the base data. */
export class QualityRepository {
  /** Counts and gaps per grid inside the scope (grids with nothing registered included). */
  async perGrid(q: Queryable, scope: AreaScope, within?: string): Promise<GridQuality[]> {
    const params: unknown[] = [];
    const where = [`a.valid_to IS NULL`, `a.level = 'grid'`, scopeSql(scope, 'a.code', params)];
    if (within) {
      params.push(`${within}%`);
      where.push(`a.code LIKE $${params.length}`);
    }
    const { rows } = await q.query<{
      code: string;
      addresses: number;
      buildings: number;
      organisations: number;
      households: number;
      households_without_head: number;
      people: number;
      parts: number;
      missing_name: number;
      missing_phone: number;
      missing_residence: number;
      without_household: number;
      open_conflicts: number;
    }>(
      `WITH g AS (SELECT a.code FROM areas a WHERE ${where.join(' AND ')}),
       ad AS (SELECT grid_code, count(*)::int AS n FROM addresses WHERE grid_code IN (SELECT code FROM g) GROUP BY grid_code),
       bd AS (SELECT grid_code, count(*)::int AS n FROM buildings WHERE grid_code IN (SELECT code FROM g) GROUP BY grid_code),
       og AS (SELECT grid_code, count(*)::int AS n FROM organisations WHERE grid_code IN (SELECT code FROM g) GROUP BY grid_code),
       hh AS (SELECT grid_code, count(*)::int AS n, count(*) FILTER (WHERE head_name_hash IS NULL)::int AS headless
              FROM households WHERE grid_code IN (SELECT code FROM g) GROUP BY grid_code),
       pp AS (SELECT grid_code, count(*)::int AS n,
                count(*) FILTER (WHERE name_hash IS NULL)::int AS missing_name,
                count(*) FILTER (WHERE phone_hash IS NULL)::int AS missing_phone,
                count(*) FILTER (WHERE residence_type IS NULL)::int AS missing_residence,
                count(*) FILTER (WHERE household_id IS NULL)::int AS without_household
              FROM people WHERE merged_into IS NULL AND grid_code IN (SELECT code FROM g) GROUP BY grid_code),
       pt AS (SELECT grid_code, count(*)::int AS n FROM city_parts WHERE grid_code IN (SELECT code FROM g) GROUP BY grid_code),
       cf AS (SELECT grid_code, count(*)::int AS n FROM registry_conflicts
              WHERE status = 'open' AND grid_code IN (SELECT code FROM g) GROUP BY grid_code)
       SELECT g.code, coalesce(ad.n, 0) AS addresses, coalesce(bd.n, 0) AS buildings, coalesce(og.n, 0) AS organisations,
         coalesce(hh.n, 0) AS households, coalesce(hh.headless, 0) AS households_without_head,
         coalesce(pp.n, 0) AS people, coalesce(pt.n, 0) AS parts,
         coalesce(pp.missing_name, 0) AS missing_name, coalesce(pp.missing_phone, 0) AS missing_phone,
         coalesce(pp.missing_residence, 0) AS missing_residence, coalesce(pp.without_household, 0) AS without_household,
         coalesce(cf.n, 0) AS open_conflicts
       FROM g LEFT JOIN hh ON hh.grid_code = g.code LEFT JOIN pp ON pp.grid_code = g.code
         LEFT JOIN pt ON pt.grid_code = g.code LEFT JOIN cf ON cf.grid_code = g.code
         LEFT JOIN ad ON ad.grid_code = g.code LEFT JOIN bd ON bd.grid_code = g.code LEFT JOIN og ON og.grid_code = g.code
       ORDER BY g.code`,
      params,
    );
    return rows.map((r) => ({
      gridCode: r.code,
      addresses: r.addresses,
      buildings: r.buildings,
      organisations: r.organisations,
      households: r.households,
      householdsWithoutHead: r.households_without_head,
      people: r.people,
      parts: r.parts,
      missingName: r.missing_name,
      missingPhone: r.missing_phone,
      missingResidenceType: r.missing_residence,
      withoutHousehold: r.without_household,
      openConflicts: r.open_conflicts,
    }));
  }
}
