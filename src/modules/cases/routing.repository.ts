import type { Queryable } from '../../db/db.js';

/** A routing rule: cases of this category (or any) in this area (or anywhere) go to this department. */
export interface RoutingRule {
  id: number;
  categoryCode: string | null;
  areaCode: string | null;
  departmentCode: string;
  note: string;
  createdBy: string;
  createdAt: Date;
}

interface RuleRow {
  id: number;
  category_code: string | null;
  area_code: string | null;
  department_code: string;
  note: string;
  created_by: string;
  created_at: Date;
}

const toRule = (r: RuleRow): RoutingRule => ({
  id: r.id,
  categoryCode: r.category_code,
  areaCode: r.area_code,
  departmentCode: r.department_code,
  note: r.note,
  createdBy: r.created_by,
  createdAt: r.created_at,
});

/** The only SQL for routing rules. */
export class RoutingRepository {
  /**
   * The best active rule for a category in a grid: the longest matching area code wins, then a
   * category-specific rule over a catch-all, then the newest.
   */
  async bestRule(
    q: Queryable,
    categoryCode: string | null,
    gridCode: string,
  ): Promise<RoutingRule | undefined> {
    const { rows } = await q.query<RuleRow>(
      `SELECT * FROM routing_rules
       WHERE active AND (category_code IS NULL OR category_code = $1)
         AND (area_code IS NULL OR $2 LIKE area_code || '%')
       ORDER BY length(coalesce(area_code, '')) DESC, (category_code IS NULL), id DESC LIMIT 1`,
      [categoryCode, gridCode],
    );
    return rows[0] ? toRule(rows[0]) : undefined;
  }

  /** Active rules, newest first. */
  async list(q: Queryable): Promise<RoutingRule[]> {
    const { rows } = await q.query<RuleRow>('SELECT * FROM routing_rules WHERE active ORDER BY id DESC');
    return rows.map(toRule);
  }

  /** Adds a rule. */
  async insert(
    q: Queryable,
    r: {
      categoryCode: string | null;
      areaCode: string | null;
      departmentCode: string;
      note: string;
      createdBy: string;
    },
  ): Promise<RoutingRule> {
    const { rows } = await q.query<RuleRow>(
      `INSERT INTO routing_rules (category_code, area_code, department_code, note, created_by)
       VALUES ($1, $2, $3, $4, $5) RETURNING *`,
      [r.categoryCode, r.areaCode, r.departmentCode, r.note, r.createdBy],
    );
    return toRule(rows[0]!);
  }

  /** Deactivates a rule (kept for the record). */
  async deactivate(q: Queryable, id: number): Promise<boolean> {
    return (
      (await q.query('UPDATE routing_rules SET active = false WHERE id = $1 AND active', [id])).rowCount > 0
    );
  }
}
