import type { Queryable } from '../../db/db.js';
import type { StageDeadlines, TaxonomySeed } from './taxonomy.seed.js';
import type { Category } from './taxonomy.types.js';

interface CategoryRow {
  version: number;
  code: string;
  kind: Category['kind'];
  major_code: string;
  minor_code: string;
  name_zh: string;
  name_en: string;
  department_code: string;
  filing_criteria_zh: string;
  filing_criteria_en: string;
  closing_criteria_zh: string;
  closing_criteria_en: string;
  deadlines: StageDeadlines;
  urgent: boolean;
  photo_required: boolean;
  keywords_zh: string[];
  keywords_en: string[];
}

function toCategory(r: CategoryRow): Category {
  return {
    version: r.version,
    code: r.code,
    kind: r.kind,
    majorCode: r.major_code,
    minorCode: r.minor_code,
    nameZh: r.name_zh,
    nameEn: r.name_en,
    departmentCode: r.department_code,
    filingCriteriaZh: r.filing_criteria_zh,
    filingCriteriaEn: r.filing_criteria_en,
    closingCriteriaZh: r.closing_criteria_zh,
    closingCriteriaEn: r.closing_criteria_en,
    deadlines: r.deadlines,
    urgent: r.urgent,
    photoRequired: r.photo_required,
    keywordsZh: r.keywords_zh,
    keywordsEn: r.keywords_en,
  };
}

/** The only SQL for the versioned taxonomy. */
export class TaxonomyRepository {
  /** The active version number, or undefined before any taxonomy is loaded. */
  async activeVersion(q: Queryable): Promise<number | undefined> {
    const { rows } = await q.query<{ version: number }>('SELECT version FROM taxonomy_versions WHERE active');
    return rows[0]?.version;
  }

  /** A category of the active version (new cases are filed under it). */
  async activeCategory(q: Queryable, code: string): Promise<Category | undefined> {
    const { rows } = await q.query<CategoryRow>(
      `SELECT c.* FROM categories c JOIN taxonomy_versions v ON v.version = c.version AND v.active WHERE c.code = $1`,
      [code],
    );
    return rows[0] ? toCategory(rows[0]) : undefined;
  }

  /** A category of a given version (old cases keep the version they were filed under). */
  async category(q: Queryable, version: number, code: string): Promise<Category | undefined> {
    const { rows } = await q.query<CategoryRow>('SELECT * FROM categories WHERE version = $1 AND code = $2', [
      version,
      code,
    ]);
    return rows[0] ? toCategory(rows[0]) : undefined;
  }

  /** Every category of the active version, ordered by code. */
  async listActive(q: Queryable): Promise<Category[]> {
    const { rows } = await q.query<CategoryRow>(
      `SELECT c.* FROM categories c JOIN taxonomy_versions v ON v.version = c.version AND v.active ORDER BY c.code`,
    );
    return rows.map(toCategory);
  }

  /** Major classes of the active version. */
  async listActiveMajors(
    q: Queryable,
  ): Promise<Array<{ code: string; kind: string; majorCode: string; nameZh: string; nameEn: string }>> {
    const { rows } = await q.query<{
      code: string;
      kind: string;
      major_code: string;
      name_zh: string;
      name_en: string;
    }>(
      `SELECT m.code, m.kind, m.major_code, m.name_zh, m.name_en FROM category_majors m
       JOIN taxonomy_versions v ON v.version = m.version AND v.active ORDER BY m.code`,
    );
    return rows.map((r) => ({
      code: r.code,
      kind: r.kind,
      majorCode: r.major_code,
      nameZh: r.name_zh,
      nameEn: r.name_en,
    }));
  }

  /** Stores a whole taxonomy version and makes it the active one (older versions stay for old cases). */
  async insertVersion(q: Queryable, seed: TaxonomySeed, createdBy: string): Promise<void> {
    await q.query('UPDATE taxonomy_versions SET active = false WHERE active');
    await q.query(
      'INSERT INTO taxonomy_versions (version, name_zh, name_en, active, created_by) VALUES ($1, $2, $3, true, $4)',
      [seed.version, seed.nameZh, seed.nameEn, createdBy],
    );
    for (const m of seed.majors) {
      await q.query(
        'INSERT INTO category_majors (version, code, kind, major_code, name_zh, name_en) VALUES ($1, $2, $3, $4, $5, $6)',
        [seed.version, m.code, m.kind, m.majorCode, m.nameZh, m.nameEn],
      );
    }
    for (const c of seed.categories) {
      await q.query(
        `INSERT INTO categories (version, code, kind, major_code, minor_code, name_zh, name_en, department_code,
           filing_criteria_zh, filing_criteria_en, closing_criteria_zh, closing_criteria_en, deadlines, urgent,
           photo_required, keywords_zh, keywords_en)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17)`,
        [
          seed.version,
          c.code,
          c.kind,
          c.majorCode,
          c.minorCode,
          c.nameZh,
          c.nameEn,
          c.departmentCode,
          c.filingCriteriaZh,
          c.filingCriteriaEn,
          c.closingCriteriaZh,
          c.closingCriteriaEn,
          c.deadlines,
          c.urgent,
          c.photoRequired,
          [...c.keywordsZh],
          [...c.keywordsEn],
        ],
      );
    }
  }
}

/** What other modules read of the taxonomy: active categories and their deadlines (never writes). */
export type CategoryReader = Pick<
  TaxonomyRepository,
  'activeCategory' | 'category' | 'listActive' | 'listActiveMajors'
>;

/** The taxonomy as other modules read it. */
export function categoryReader(): CategoryReader {
  return new TaxonomyRepository();
}
