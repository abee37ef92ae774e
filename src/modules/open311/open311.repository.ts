import type { Queryable } from '../../db/db.js';
import type { StageDeadlines } from '../taxonomy/index.js';

/**
 * A case as Open311 shows it: only fields without personal data (no reporter columns are
 * selected at all), with its category and department names.
 */
export interface Open311CaseRow {
  id: number;
  /** The case's public id (never its tracking code, which grants the reporter's rights). */
  publicId: string;
  state: string;
  categoryCode: string;
  categoryNameZh: string;
  categoryNameEn: string;
  deadlines: StageDeadlines;
  departmentCode: string | null;
  departmentNameZh: string | null;
  departmentNameEn: string | null;
  description: string;
  address: string | null;
  lng: number;
  lat: number;
  gridCode: string;
  reportedAt: Date;
  updatedAt: Date;
  clockDeadline: Date | null;
  mediaUrl: string | null;
}

/** Filters of GET requests (already validated and defaulted by the service). */
export interface Open311Filter {
  /** Grid codes of the jurisdiction start with this (see areaPrefix). */
  gridPrefix: string;
  ids?: string[];
  serviceCodes?: string[];
  states?: readonly string[];
  from?: Date;
  to?: Date;
  limit: number;
  offset: number;
}

const COLUMNS = `c.id, c.public_id, c.state, c.category_code, cat.name_zh AS category_name_zh,
  cat.name_en AS category_name_en, cat.deadlines, c.department_code, d.name_zh AS department_name_zh,
  d.name_en AS department_name_en, c.description, c.address, c.lng, c.lat, c.grid_code, c.reported_at,
  c.updated_at, c.clock_deadline, o.media_url`;

// Only event and part categories are Open311 services; 12345 hotline matters (complaints,
// consultations) and uncategorised reports are not published.
const FROM = `FROM cases c
  JOIN categories cat ON cat.version = c.category_version AND cat.code = c.category_code
    AND cat.kind IN ('event', 'part')
  LEFT JOIN departments d ON d.code = c.department_code
  LEFT JOIN open311_requests o ON o.case_id = c.id`;

function toRow(r: Record<string, unknown>): Open311CaseRow {
  return {
    id: Number(r.id),
    publicId: r.public_id as string,
    state: r.state as string,
    categoryCode: r.category_code as string,
    categoryNameZh: r.category_name_zh as string,
    categoryNameEn: r.category_name_en as string,
    deadlines: r.deadlines as StageDeadlines,
    departmentCode: r.department_code as string | null,
    departmentNameZh: r.department_name_zh as string | null,
    departmentNameEn: r.department_name_en as string | null,
    description: r.description as string,
    address: r.address as string | null,
    lng: r.lng as number,
    lat: r.lat as number,
    gridCode: r.grid_code as string,
    reportedAt: r.reported_at as Date,
    updatedAt: r.updated_at as Date,
    clockDeadline: r.clock_deadline as Date | null,
    mediaUrl: r.media_url as string | null,
  };
}

/** The only SQL of the Open311 channel (besides API keys). */
export class Open311Repository {
  /** Published cases matching the filter, newest first. */
  async search(q: Queryable, f: Open311Filter): Promise<Open311CaseRow[]> {
    const params: unknown[] = [`${f.gridPrefix}%`];
    const where = ['c.grid_code LIKE $1'];
    const add = (sql: string, value: unknown) => {
      params.push(value);
      where.push(sql.replace('?', `$${params.length}`));
    };
    if (f.ids) add('c.public_id = ANY(?)', f.ids);
    else {
      if (f.serviceCodes) add('c.category_code = ANY(?)', f.serviceCodes);
      if (f.states) add('c.state = ANY(?)', [...f.states]);
      if (f.from) add('c.reported_at >= ?', f.from);
      if (f.to) add('c.reported_at <= ?', f.to);
    }
    params.push(f.limit, f.offset);
    const { rows } = await q.query(
      `SELECT ${COLUMNS} ${FROM} WHERE ${where.join(' AND ')}
       ORDER BY c.reported_at DESC, c.id DESC LIMIT $${params.length - 1} OFFSET $${params.length}`,
      params,
    );
    return rows.map(toRow);
  }

  /** The public id of the case an Open311 token was issued for. */
  async publicIdOfToken(q: Queryable, token: string, gridPrefix: string): Promise<string | undefined> {
    const { rows } = await q.query<{ public_id: string }>(
      'SELECT public_id FROM cases WHERE external_ref = $1 AND grid_code LIKE $2',
      [`open311:${token}`, `${gridPrefix}%`],
    );
    return rows[0]?.public_id;
  }

  /** The public id of a case (drawn by the database at insert, see migration 0017). */
  async publicIdOf(q: Queryable, caseId: number): Promise<string> {
    const { rows } = await q.query<{ public_id: string }>('SELECT public_id FROM cases WHERE id = $1', [
      caseId,
    ]);
    if (!rows[0]) throw new Error(`case ${caseId} has no row`);
    return rows[0].public_id;
  }

  /** Stores what the client sent besides the report (attributes, media_url). */
  async saveExtras(
    q: Queryable,
    e: {
      caseId: number;
      token: string;
      apiKeyId: number;
      attributes: Record<string, string | string[]>;
      mediaUrl: string | null;
      at: Date;
    },
  ): Promise<void> {
    await q.query(
      `INSERT INTO open311_requests (case_id, token, api_key_id, attributes, media_url, created_at)
       VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (case_id) DO NOTHING`,
      [e.caseId, e.token, e.apiKeyId, JSON.stringify(e.attributes), e.mediaUrl, e.at],
    );
  }

  /** Geocodes an address by exact match against the base-data address register. */
  async geocode(q: Queryable, address: string): Promise<{ lng: number; lat: number } | undefined> {
    const { rows } = await q.query<{ lng: number; lat: number }>(
      'SELECT lng, lat FROM addresses WHERE text = $1 AND lng IS NOT NULL AND lat IS NOT NULL',
      [address],
    );
    return rows[0];
  }

  /** The names of a department (service notices). */
  async department(q: Queryable, code: string): Promise<{ nameZh: string; nameEn: string } | undefined> {
    const { rows } = await q.query<{ name_zh: string; name_en: string }>(
      'SELECT name_zh, name_en FROM departments WHERE code = $1',
      [code],
    );
    return rows[0] ? { nameZh: rows[0].name_zh, nameEn: rows[0].name_en } : undefined;
  }
}
