/**
 * Taxonomy use cases: read the active version (public) and create a new version from a full
 * document (admin). A new version becomes active; cases keep the (version, code) they were filed
 * under, so nothing already filed is rewritten.
 */
import { afterCommitOf, type Db, type Queryable } from '../../db/db.js';
import type { Actor } from '../../kernel/actor.js';
import type { AuditWriter } from '../../kernel/audit.js';
import { TaxonomyErrors } from './taxonomy.errors.js';
import { taxonomyPolicy } from './taxonomy.policy.js';
import { TaxonomyRepository } from './taxonomy.repository.js';
import {
  CATEGORY_CODE_PATTERN,
  type CategorySeed,
  type MajorClassSeed,
  type TaxonomySeed,
} from './taxonomy.seed.js';
import type { Category } from './taxonomy.types.js';

/** A new version as an admin sends it (the number is assigned by the service). */
export type TaxonomyDocument = Omit<TaxonomySeed, 'version'>;

/** The active taxonomy: major classes with their categories. */
export interface ActiveTaxonomy {
  version: number;
  majors: Array<{
    code: string;
    kind: string;
    majorCode: string;
    nameZh: string;
    nameEn: string;
    categories: Category[];
  }>;
}

/** Longest deadline accepted for one stage: 100 working days of 8 hours. */
const MAX_STAGE_MINUTES = 100 * 480;

/**
 * Something that caches categories or routing rules for intake and must forget them after a change
 * (CaseSupport); the taxonomy and routing-rule services call it after their commits.
 */
export interface IntakeConfigCache {
  invalidateConfig(): void;
}

/** Taxonomy reading and versioning. */
export class TaxonomyService {
  private readonly repo = new TaxonomyRepository();

  constructor(private readonly deps: { db: Db; audit: AuditWriter; cache?: IntakeConfigCache }) {}

  /** The active version's majors and categories (public). */
  async active(): Promise<ActiveTaxonomy> {
    const { db } = this.deps;
    const version = await this.repo.activeVersion(db);
    if (version === undefined) throw TaxonomyErrors.NoActiveVersion();
    const [majors, categories] = await Promise.all([
      this.repo.listActiveMajors(db),
      this.repo.listActive(db),
    ]);
    return {
      version,
      majors: majors.map((m) => ({
        ...m,
        categories: categories.filter((c) => c.kind === m.kind && c.majorCode === m.majorCode),
      })),
    };
  }

  /** Validates a full document, stores it as the next version and activates it (admin; audited). */
  async createVersion(actor: Actor, doc: TaxonomyDocument): Promise<{ version: number; categories: number }> {
    taxonomyPolicy.assert(actor, 'create_version');
    return this.deps.db.transaction(async (tx) => {
      await validateDocument(tx, doc);
      // Serialises concurrent version creation: the next number is read and used under the lock.
      await tx.query('LOCK TABLE taxonomy_versions IN SHARE ROW EXCLUSIVE MODE');
      const { rows } = await tx.query<{ v: number | null }>(
        'SELECT max(version) AS v FROM taxonomy_versions',
      );
      const version = Number(rows[0]?.v ?? 0) + 1;
      const by =
        actor.kind === 'user' ? `user:${actor.userId}` : actor.kind === 'system' ? actor.name : 'anonymous';
      await this.repo.insertVersion(tx, { ...doc, version }, by);
      await this.deps.audit.record(tx, {
        actor,
        action: 'taxonomy.create_version',
        resourceType: 'taxonomy_version',
        resourceId: String(version),
        details: { majors: doc.majors.length, categories: doc.categories.length, nameEn: doc.nameEn },
      });
      afterCommitOf(tx, () => this.deps.cache?.invalidateConfig());
      return { version, categories: doc.categories.length };
    });
  }
}

function invalid(detail: string, field?: string): never {
  throw TaxonomyErrors.Invalid({ params: { detail }, ...(field ? { field } : {}) });
}

/** Codes, majors, departments and deadlines of a document; the first problem is reported. */
async function validateDocument(q: Queryable, doc: TaxonomyDocument): Promise<void> {
  if (!doc.nameZh.trim() || !doc.nameEn.trim()) invalid('nameZh and nameEn are required', 'body/nameZh');
  if (doc.categories.length === 0) invalid('at least one category is required', 'body/categories');
  const majors = new Map<string, MajorClassSeed>();
  doc.majors.forEach((m, i) => {
    const prefix = m.kind === 'event' ? 'E' : m.kind === 'part' ? 'P' : 'H';
    if (!/^\d{2}$/.test(m.majorCode) || m.code !== `${prefix}${m.majorCode}`)
      invalid(`major ${m.code}: code must be ${prefix} + the 2-digit major code`, `body/majors/${i}/code`);
    if (majors.has(m.code)) invalid(`major ${m.code} is listed twice`, `body/majors/${i}/code`);
    majors.set(m.code, m);
  });
  const codes = new Set<string>();
  const departments = new Set<string>();
  doc.categories.forEach((c: CategorySeed, i) => {
    const f = `body/categories/${i}`;
    const prefix = c.kind === 'event' ? 'E' : c.kind === 'part' ? 'P' : 'H';
    if (!CATEGORY_CODE_PATTERN[c.kind].test(c.code))
      invalid(`category ${c.code}: bad code for kind ${c.kind}`, `${f}/code`);
    const expected = c.kind === 'hotline' ? `H${c.minorCode}` : `${prefix}${c.majorCode}${c.minorCode}`;
    if (c.code !== expected) invalid(`category ${c.code}: code must be ${expected}`, `${f}/code`);
    if (codes.has(c.code)) invalid(`category ${c.code} is listed twice`, `${f}/code`);
    codes.add(c.code);
    if (!majors.has(`${prefix}${c.majorCode}`))
      invalid(`category ${c.code}: no major class ${prefix}${c.majorCode}`, `${f}/majorCode`);
    for (const stage of ['file', 'dispatch', 'handle', 'verify'] as const) {
      const m = c.deadlines[stage];
      if (!Number.isInteger(m) || m <= 0 || m > MAX_STAGE_MINUTES)
        invalid(
          `category ${c.code}: the ${stage} deadline must be a positive whole number of minutes`,
          `${f}/deadlines/${stage}`,
        );
    }
    if (!c.nameZh.trim() || !c.nameEn.trim())
      invalid(`category ${c.code}: names are required`, `${f}/nameZh`);
    departments.add(c.departmentCode);
  });
  const { rows } = await q.query<{ code: string }>(
    'SELECT code FROM departments WHERE code = ANY($1) AND active',
    [[...departments]],
  );
  const known = new Set(rows.map((r) => r.code));
  const i = doc.categories.findIndex((c) => !known.has(c.departmentCode));
  if (i >= 0) {
    const c = doc.categories[i]!;
    invalid(
      `category ${c.code}: department ${c.departmentCode} does not exist`,
      `body/categories/${i}/departmentCode`,
    );
  }
}
