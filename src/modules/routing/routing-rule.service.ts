/**
 * Routing-rule administration: which department gets cases of a category in an area. The intake
 * reads the rules through bestRule (routing.repository.ts) over a cached copy, which this service
 * drops after every change (other API nodes reload theirs within seconds); it only edits the rules
 * (admin; audited).
 */
import { afterCommitOf, type Db } from '../../db/db.js';
import type { Actor } from '../../kernel/actor.js';
import type { AuditWriter } from '../../kernel/audit.js';
import type { IntakeConfigCache } from '../taxonomy/index.js';
import { categoryReader } from '../taxonomy/index.js';
import { RoutingErrors } from './routing.errors.js';
import { routingPolicy } from './routing.policy.js';
import { RoutingRepository, type RoutingRule } from './routing.repository.js';

/** A new rule; null category or area = any. */
export interface NewRoutingRule {
  categoryCode: string | null;
  areaCode: string | null;
  departmentCode: string;
  note: string;
}

/** Lists, adds and removes routing rules. */
export class RoutingRuleService {
  private readonly repo = new RoutingRepository();
  private readonly taxonomy = categoryReader();

  constructor(private readonly deps: { db: Db; audit: AuditWriter; cache?: IntakeConfigCache }) {}

  /** Active rules inside the admin's areas, newest first. */
  async list(actor: Actor): Promise<RoutingRule[]> {
    routingPolicy.assertPermits(actor, 'list');
    return this.repo.list(this.deps.db, routingPolicy.scopeFor(actor, 'list'));
  }

  /** Adds a rule after checking the category (active version), area and department exist. */
  async create(actor: Actor, rule: NewRoutingRule): Promise<RoutingRule> {
    routingPolicy.assert(actor, 'create', { areaCode: rule.areaCode });
    return this.deps.db.transaction(async (tx) => {
      if (rule.categoryCode === null && rule.areaCode === null)
        throw RoutingErrors.InvalidRule({ params: { detail: 'give a category, an area or both' } });
      if (rule.categoryCode !== null && !(await this.taxonomy.activeCategory(tx, rule.categoryCode)))
        throw RoutingErrors.InvalidRule({
          params: { detail: `category ${rule.categoryCode} does not exist` },
          field: 'body/categoryCode',
        });
      if (rule.areaCode !== null) {
        const { rows } = await tx.query('SELECT 1 FROM areas WHERE code = $1 AND valid_to IS NULL', [
          rule.areaCode,
        ]);
        if (rows.length === 0)
          throw RoutingErrors.InvalidRule({
            params: { detail: `area ${rule.areaCode} does not exist` },
            field: 'body/areaCode',
          });
      }
      const { rows } = await tx.query('SELECT 1 FROM departments WHERE code = $1 AND active', [
        rule.departmentCode,
      ]);
      if (rows.length === 0)
        throw RoutingErrors.InvalidRule({
          params: { detail: `department ${rule.departmentCode} does not exist` },
          field: 'body/departmentCode',
        });
      const createdBy =
        actor.kind === 'user' ? `user:${actor.userId}` : actor.kind === 'system' ? actor.name : 'anonymous';
      const saved = await this.repo.insert(tx, { ...rule, createdBy });
      await this.deps.audit.record(tx, {
        actor,
        action: 'routing_rule.create',
        resourceType: 'routing_rule',
        resourceId: String(saved.id),
        areaCode: rule.areaCode,
        details: {
          categoryCode: rule.categoryCode,
          areaCode: rule.areaCode,
          departmentCode: rule.departmentCode,
        },
      });
      afterCommitOf(tx, () => this.deps.cache?.invalidateConfig());
      return saved;
    });
  }

  /** Deactivates a rule (kept for the record); 404 when there is no such active rule. */
  async remove(actor: Actor, id: number): Promise<void> {
    routingPolicy.assertPermits(actor, 'delete');
    await this.deps.db.transaction(async (tx) => {
      const rule = await this.repo.findActive(tx, id);
      const notFound = () => RoutingErrors.RuleNotFound({ params: { id } });
      if (!rule) throw notFound();
      // A rule outside the admin's areas answers as missing: its existence is not revealed.
      routingPolicy.assert(actor, 'delete', { areaCode: rule.areaCode }, notFound);
      if (!(await this.repo.deactivate(tx, id))) throw notFound();
      await this.deps.audit.record(tx, {
        actor,
        action: 'routing_rule.delete',
        resourceType: 'routing_rule',
        resourceId: String(id),
        areaCode: rule.areaCode,
      });
      afterCommitOf(tx, () => this.deps.cache?.invalidateConfig());
    });
  }
}
