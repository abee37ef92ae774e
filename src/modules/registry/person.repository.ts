/** The SQL of person reads: masked lists and lookups in the reader's area, and the sealed values a reveal decrypts. */
import type { Queryable } from '../../db/db.js';
import { type AreaScope, scopeSql } from '../../kernel/policy.js';
import type { ResidenceType } from './person.types.js';

/** What a person looks like in lists: masked values only. */
export interface PersonSummary {
  id: number;
  nameMasked: string | null;
  idMasked: string | null;
  phoneMasked: string | null;
  gender: string | null;
  birthYear: number | null;
  residenceType: ResidenceType | null;
  householdNo: string | null;
  gridCode: string | null;
}

/** The sealed personal values of one person (decrypted only by an audited reveal). */
export interface PersonSealed {
  id: number;
  gridCode: string | null;
  idEnc: string | null;
  nameEnc: string | null;
  phoneEnc: string | null;
}

/** People as readers see them (masked), scoped in SQL. */
export class PersonRepository {
  /** People inside the scope (and `within`), masked, ordered by id. */
  async listPeople(
    q: Queryable,
    scope: AreaScope,
    f: { within?: string; limit: number; offset: number },
  ): Promise<{ items: PersonSummary[]; total: number }> {
    const params: unknown[] = [];
    const where = ['p.merged_into IS NULL', scopeSql(scope, 'p.grid_code', params)];
    if (f.within) {
      params.push(`${f.within}%`);
      where.push(`p.grid_code LIKE $${params.length}`);
    }
    const sql = where.join(' AND ');
    const total = await q.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM people p WHERE ${sql}`,
      params,
    );
    params.push(f.limit, f.offset);
    const { rows } = await q.query<PersonRow>(
      `SELECT p.id, p.name_masked, p.id_masked, p.phone_masked, p.gender, p.birth_year, p.residence_type,
         h.household_no, p.grid_code
       FROM people p LEFT JOIN households h ON h.id = p.household_id
       WHERE ${sql} ORDER BY p.id LIMIT $${params.length - 1} OFFSET $${params.length}`,
      params,
    );
    return { items: rows.map(toPerson), total: total.rows[0]?.n ?? 0 };
  }

  /** One person inside the scope (undefined when absent or out of scope: a 404, never a 403). */
  async findPerson(q: Queryable, scope: AreaScope, id: number): Promise<PersonSummary | undefined> {
    const params: unknown[] = [id];
    const { rows } = await q.query<PersonRow>(
      `SELECT p.id, p.name_masked, p.id_masked, p.phone_masked, p.gender, p.birth_year, p.residence_type,
         h.household_no, p.grid_code
       FROM people p LEFT JOIN households h ON h.id = p.household_id
       WHERE p.id = $1 AND p.merged_into IS NULL AND ${scopeSql(scope, 'p.grid_code', params)}`,
      params,
    );
    return rows[0] ? toPerson(rows[0]) : undefined;
  }

  /** The sealed values of one person inside the scope. */
  async findSealed(q: Queryable, scope: AreaScope, id: number): Promise<PersonSealed | undefined> {
    const params: unknown[] = [id];
    const { rows } = await q.query<{
      id: number;
      grid_code: string | null;
      id_enc: string | null;
      name_enc: string | null;
      phone_enc: string | null;
    }>(
      `SELECT id, grid_code, id_enc, name_enc, phone_enc FROM people p
       WHERE p.id = $1 AND p.merged_into IS NULL AND ${scopeSql(scope, 'p.grid_code', params)}`,
      params,
    );
    const r = rows[0];
    return r
      ? { id: r.id, gridCode: r.grid_code, idEnc: r.id_enc, nameEnc: r.name_enc, phoneEnc: r.phone_enc }
      : undefined;
  }

  /** A person by identity-number hash (the survivor when that person was merged) (exact lookup without decrypting anything). */
  async findPersonIdByHash(q: Queryable, idHash: string): Promise<number | undefined> {
    const { rows } = await q.query<{ id: number }>(
      'SELECT coalesce(merged_into, id) AS id FROM people WHERE id_hash = $1',
      [idHash],
    );
    return rows[0]?.id;
  }
}

interface PersonRow {
  id: number;
  name_masked: string | null;
  id_masked: string | null;
  phone_masked: string | null;
  gender: string | null;
  birth_year: number | null;
  residence_type: ResidenceType | null;
  household_no: string | null;
  grid_code: string | null;
}

function toPerson(r: PersonRow): PersonSummary {
  return {
    id: r.id,
    nameMasked: r.name_masked,
    idMasked: r.id_masked,
    phoneMasked: r.phone_masked,
    gender: r.gender,
    birthYear: r.birth_year,
    residenceType: r.residence_type,
    householdNo: r.household_no,
    gridCode: r.grid_code,
  };
}
