import type { Queryable } from '../../db/db.js';
import { type AreaScope, scopeSql } from '../../kernel/policy.js';

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
  id: Number(r.id),
  categoryCode: r.category_code,
  areaCode: r.area_code,
  departmentCode: r.department_code,
  note: r.note,
  createdBy: r.created_by,
  createdAt: r.created_at,
});

/**
 * The best active rule for a category in a grid: the longest matching area code wins, then a
 * category-specific rule over a catch-all, then the newest. Pure, over the active rules (which
 * intake keeps cached: see CaseSupport.intakeConfig).
 */
export function bestRule(
  rules: readonly RoutingRule[],
  categoryCode: string | null,
  gridCode: string,
): RoutingRule | undefined {
  let best: RoutingRule | undefined;
  const rank = (r: RoutingRule): [number, number, number] => [
    r.areaCode?.length ?? 0,
    r.categoryCode === null ? 0 : 1,
    r.id,
  ];
  for (const r of rules) {
    if (r.categoryCode !== null && r.categoryCode !== categoryCode) continue;
    if (r.areaCode !== null && !gridCode.startsWith(r.areaCode)) continue;
    if (!best) {
      best = r;
      continue;
    }
    const [a, b] = [rank(r), rank(best)];
    if (a[0] > b[0] || (a[0] === b[0] && (a[1] > b[1] || (a[1] === b[1] && a[2] > b[2])))) best = r;
  }
  return best;
}

/** The only SQL for routing rules. */
export class RoutingRepository {
  /**
   * Active rules, newest first; with a scope, only rules whose area lies inside it (a rule for any
   * area, area null, only in the whole-city scope). Intake reads them all (no scope).
   */
  async list(q: Queryable, scope: AreaScope = { all: true }): Promise<RoutingRule[]> {
    const params: unknown[] = [];
    const { rows } = await q.query<RuleRow>(
      `SELECT * FROM routing_rules WHERE active AND ${scopeSql(scope, 'area_code', params)} ORDER BY id DESC`,
      params,
    );
    return rows.map(toRule);
  }

  /** One active rule, or undefined. */
  async findActive(q: Queryable, id: number): Promise<RoutingRule | undefined> {
    const { rows } = await q.query<RuleRow>('SELECT * FROM routing_rules WHERE id = $1 AND active', [id]);
    return rows[0] ? toRule(rows[0]) : undefined;
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

/** What the case loop reads of the routing rules (intake routes against the active ones). */
export type RoutingReader = Pick<RoutingRepository, 'list'>;

/** The routing rules as the case loop reads them. */
export function routingReader(): RoutingReader {
  return new RoutingRepository();
}
