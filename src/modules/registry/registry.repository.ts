import type { CopyValue, Queryable } from '../../db/db.js';
import { type AreaScope, scopeSql } from '../../kernel/policy.js';
import type { Rejection, ResidenceType, StagedPerson } from './person.types.js';

/** What a batch imports, and what provenance rows point at. */
export type RegistryEntityType = 'person' | 'household' | 'organisation' | 'part' | 'address' | 'building';

/** What a person looks like in lists: masked values only. */
export interface PersonSummary {
  id: number;
  nameMasked: string | null;
  idMasked: string;
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
  idEnc: string;
  nameEnc: string | null;
  phoneEnc: string | null;
}

/** Where one row of one file put values into a record. */
export interface ProvenanceEntry {
  source: string;
  fileName: string;
  rowNo: number;
  importedAt: Date;
  fields: string[];
}

/** A disagreement between sources, masked. */
export interface ConflictRecord {
  id: number;
  entityType: string;
  entityId: number;
  field: string;
  gridCode: string | null;
  currentMasked: string | null;
  proposedMasked: string | null;
  source: string;
  fileName: string;
  rowNo: number;
  status: 'open' | 'kept' | 'replaced';
  createdAt: Date;
}

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

/** What the merge step of one person batch did. */
export interface PersonMergeResult {
  created: number;
  merged: number;
  filled: number;
  conflicts: number;
}

const STAGE_BATCH = 4000;

/**
 * The values of one person row that both `people` and `person_stage` hold, in column order, with
 * the array type each is sent as through `unnest`: the one list the COPY and INSERT paths of
 * both tables are built from.
 */
const PERSON_VALUES: ReadonlyArray<{ column: string; type: string; of: (r: StagedPerson) => CopyValue }> = [
  { column: 'id_hash', type: 'text', of: (r) => r.idHash },
  { column: 'id_enc', type: 'text', of: (r) => r.idEnc },
  { column: 'id_masked', type: 'text', of: (r) => r.idMasked },
  { column: 'name_enc', type: 'text', of: (r) => r.nameEnc },
  { column: 'name_hash', type: 'text', of: (r) => r.nameHash },
  { column: 'name_masked', type: 'text', of: (r) => r.nameMasked },
  { column: 'phone_enc', type: 'text', of: (r) => r.phoneEnc },
  { column: 'phone_hash', type: 'text', of: (r) => r.phoneHash },
  { column: 'phone_masked', type: 'text', of: (r) => r.phoneMasked },
  { column: 'gender', type: 'text', of: (r) => r.gender },
  { column: 'birth_year', type: 'int', of: (r) => r.birthYear },
  { column: 'residence_type', type: 'text', of: (r) => r.residenceType },
  { column: 'household_id', type: 'bigint', of: (r) => r.householdId },
  { column: 'grid_code', type: 'text', of: (r) => r.gridCode },
];
const PERSON_COLUMNS = PERSON_VALUES.map((v) => v.column);

/** The PERSON_VALUES of one row, in order. */
function personValues(r: StagedPerson): CopyValue[] {
  return PERSON_VALUES.map((v) => v.of(r));
}

/** PERSON_VALUES as `unnest` array parameters starting at $from, and the arrays themselves. */
function personArrays(rows: readonly StagedPerson[], from: number): { sql: string; params: unknown[] } {
  return {
    sql: PERSON_VALUES.map((v, i) => `$${from + i}::${v.type}[]`).join(', '),
    params: PERSON_VALUES.map((v) => rows.map(v.of)),
  };
}

/** Columns of person_stage, in table order (its COPY). */
const STAGE_COLUMNS = ['row_no', ...PERSON_COLUMNS, 'fields'];

/** Fields compared between sources: column stem, and whether it is personal (sealed) data. */
const SEALED_FIELDS = [
  { field: 'name', col: 'name' },
  { field: 'phone', col: 'phone' },
] as const;

/** The only SQL of the base-data registry (一标三实). */
export class RegistryRepository {
  /** Opens a batch (one imported file); its id is the provenance of every value in it. */
  async createBatch(
    q: Queryable,
    b: {
      kind: RegistryEntityType;
      source: string;
      fileName: string;
      at: Date;
      by: string;
    },
  ): Promise<number> {
    const { rows } = await q.query<{ id: number }>(
      `INSERT INTO registry_batches (kind, source, file_name, imported_at, imported_by) VALUES ($1, $2, $3, $4, $5)
       RETURNING id`,
      [b.kind, b.source, b.fileName, b.at, b.by],
    );
    return rows[0]!.id;
  }

  /** Records the outcome of a batch (rejections capped so a garbage file cannot bloat the table). */
  async finishBatch(
    q: Queryable,
    id: number,
    r: {
      total: number;
      imported: number;
      rejected: number;
      merged: number;
      conflicts: number;
      rejections: Rejection[];
    },
  ): Promise<void> {
    await q.query(
      `UPDATE registry_batches SET rows_total = $2, rows_imported = $3, rows_rejected = $4, rows_merged = $5,
         conflicts = $6, rejections = $7 WHERE id = $1`,
      [id, r.total, r.imported, r.rejected, r.merged, r.conflicts, r.rejections.slice(0, 10_000)],
    );
  }

  /** True when a department with this code exists (the source of a file). */
  async departmentExists(q: Queryable, code: string): Promise<boolean> {
    const { rows } = await q.query<{ ok: boolean }>(
      'SELECT EXISTS (SELECT 1 FROM departments WHERE code = $1) AS ok',
      [code],
    );
    return rows[0]?.ok === true;
  }

  /** Household number → id and grid, for resolving rows of population files. */
  async householdIndex(q: Queryable): Promise<Map<string, { id: number; gridCode: string | null }>> {
    const { rows } = await q.query<{ id: number; household_no: string; grid_code: string | null }>(
      'SELECT id, household_no, grid_code FROM households',
    );
    return new Map(rows.map((r) => [r.household_no, { id: r.id, gridCode: r.grid_code }]));
  }

  /** Creates (or empties) the per-transaction staging table for person rows that merge into existing people. */
  async resetPersonStage(q: Queryable): Promise<void> {
    await q.exec(`CREATE TEMP TABLE IF NOT EXISTS person_stage (
      row_no integer NOT NULL, id_hash text NOT NULL, id_enc text NOT NULL, id_masked text NOT NULL,
      name_enc text, name_hash text, name_masked text, phone_enc text, phone_hash text, phone_masked text,
      gender text, birth_year integer, residence_type text, household_id bigint, grid_code text,
      fields text NOT NULL
    ) ON COMMIT DROP;
    TRUNCATE person_stage`);
  }

  /**
   * Serialises person imports on PostgreSQL for the rest of the transaction: the COPY path below
   * checks which numbers exist and then copies the new ones straight into `people`, which is only
   * race-free when no other import inserts people in between (an INSERT … ON CONFLICT would wait
   * and skip; a COPY would abort the whole file on the unique index).
   */
  async lockPersonImports(q: Queryable): Promise<void> {
    await q.query("SELECT pg_advisory_xact_lock(hashtext('civicgrid.registry.people'))");
  }

  /**
   * Writes one chunk through `COPY` (PostgreSQL; call lockPersonImports first): people whose
   * number is not registered yet are copied straight into `people` under pre-allocated ids, with
   * their provenance into `registry_provenance`; every other row goes to the stage for the merge.
   * Same outcome as insertNewPeople + insertProvenance + stagePeople, but COPY's batched heap
   * inserts instead of a row-by-row INSERT … SELECT of 14 parsed text arrays.
   * `firsts[i]` says whether rows[i] is the first row of its number in the chunk.
   */
  async writePersonChunkByCopy(
    q: Queryable,
    batchId: number,
    rows: readonly StagedPerson[],
    firsts: readonly boolean[],
    at: Date,
  ): Promise<{ created: number; staged: number }> {
    if (!q.copyFrom) throw new Error('writePersonChunkByCopy needs a driver with copyFrom');
    const firstRows = rows.filter((_, i) => firsts[i] === true);
    // One round trip: which numbers exist, and an id for every first row (ids of rows that turn
    // out to exist are simply never used: a sequence has gaps anyway). Text aggregates, so the
    // driver parses two values instead of ten thousand rows.
    const { rows: found } = await q.query<{ known: string | null; ids: string | null }>(
      `SELECT (SELECT string_agg(id_hash, ',') FROM people WHERE id_hash = ANY(string_to_array($1, ','))) AS known,
         (SELECT string_agg(nextval('people_id_seq')::text, ',')
          FROM generate_series(1, $2::int)) AS ids`,
      [firstRows.map((r) => r.idHash).join(','), firstRows.length],
    );
    const known = found[0]?.known;
    const existing = new Set(known ? known.split(',') : []);
    const fresh = existing.size === 0 ? firstRows : firstRows.filter((r) => !existing.has(r.idHash));
    const freshSet = new Set(fresh);
    const rest = rows.filter((r) => !freshSet.has(r));
    if (fresh.length > 0) {
      const sorted = (found[0]?.ids ?? '')
        .split(',')
        .map(Number)
        .sort((a, b) => a - b);
      await q.copyFrom(
        'people',
        ['id', ...PERSON_COLUMNS, 'created_at', 'updated_at'],
        fresh.map((r, i) => [sorted[i], ...personValues(r), at, at]),
      );
      await q.copyFrom(
        'registry_provenance',
        ['entity_type', 'entity_id', 'batch_id', 'row_no', 'fields'],
        fresh.map((r, i) => ['person', sorted[i], batchId, r.rowNo, r.fields]),
      );
    }
    if (rest.length > 0) {
      await q.copyFrom(
        'person_stage',
        STAGE_COLUMNS,
        rest.map((r) => [r.rowNo, ...personValues(r), r.fields.join(',')]),
      );
    }
    return { created: fresh.length, staged: rest.length };
  }

  /**
   * Creates people for rows whose identity number is not yet registered (one row per number:
   * the caller passes the first row of each); returns id and hash of those actually created.
   * `ON CONFLICT DO NOTHING` leaves existing people (and a concurrent import's) to the merge.
   */
  async insertNewPeople(
    q: Queryable,
    rows: readonly StagedPerson[],
    at: Date,
  ): Promise<Array<{ id: number; idHash: string }>> {
    const out: Array<{ id: number; idHash: string }> = [];
    for (let i = 0; i < rows.length; i += STAGE_BATCH) {
      const chunk = rows.slice(i, i + STAGE_BATCH);
      const values = personArrays(chunk, 2);
      const { rows: made } = await q.query<{ id: number; id_hash: string }>(
        `INSERT INTO people (${PERSON_COLUMNS.join(', ')}, created_at, updated_at)
         SELECT *, $1::timestamptz, $1::timestamptz FROM unnest(${values.sql})
         ON CONFLICT (id_hash) DO NOTHING RETURNING id, id_hash`,
        [at, ...values.params],
      );
      for (const m of made) out.push({ id: m.id, idHash: m.id_hash });
    }
    return out;
  }

  /** Provenance rows in one statement per few thousand: (record, source row, fields supplied). */
  async insertProvenance(
    q: Queryable,
    entityType: RegistryEntityType,
    batchId: number,
    entries: ReadonlyArray<{ entityId: number; rowNo: number; fields: readonly string[] }>,
  ): Promise<void> {
    const BATCH = 20_000;
    for (let i = 0; i < entries.length; i += BATCH) {
      const chunk = entries.slice(i, i + BATCH);
      await q.query(
        `INSERT INTO registry_provenance (entity_type, entity_id, batch_id, row_no, fields)
         SELECT $1, u.id, $2, u.row_no, string_to_array(u.fields, ',')
         FROM unnest($3::bigint[], $4::int[], $5::text[]) AS u(id, row_no, fields)`,
        [
          entityType,
          batchId,
          chunk.map((e) => e.entityId),
          chunk.map((e) => e.rowNo),
          chunk.map((e) => e.fields.join(',')),
        ],
      );
    }
  }

  /** Appends staged rows (column arrays + unnest: one statement per few thousand rows). */
  async stagePeople(q: Queryable, rows: readonly StagedPerson[]): Promise<void> {
    for (let i = 0; i < rows.length; i += STAGE_BATCH) {
      const chunk = rows.slice(i, i + STAGE_BATCH);
      const values = personArrays(chunk, 2);
      await q.query(
        `INSERT INTO person_stage (${STAGE_COLUMNS.join(', ')})
         SELECT * FROM unnest($1::int[], ${values.sql}, $${PERSON_VALUES.length + 2}::text[])`,
        [chunk.map((r) => r.rowNo), ...values.params, chunk.map((r) => r.fields.join(','))],
      );
    }
  }

  /**
   * Merges the staged rows (each matching an existing person) set-based: they fill empty fields
   * (first row wins) and record a conflict where they disagree with a stored value; then their
   * provenance. Returns fills and conflicts.
   */
  async mergeStagedPeople(
    q: Queryable,
    batchId: number,
    at: Date,
  ): Promise<{ filled: number; conflicts: number }> {
    // Fresh statistics (people may have grown by a million rows in this transaction) so the
    // planner probes people by index for a small stage instead of scanning it.
    await q.exec('ANALYZE person_stage; ANALYZE people');
    let filled = 0;
    for (const { col } of SEALED_FIELDS) {
      const res = await q.query(
        `UPDATE people p SET ${col}_enc = s.${col}_enc, ${col}_hash = s.${col}_hash, ${col}_masked = s.${col}_masked,
           updated_at = $1
         FROM (SELECT DISTINCT ON (id_hash) id_hash, ${col}_enc, ${col}_hash, ${col}_masked FROM person_stage
               WHERE ${col}_hash IS NOT NULL ORDER BY id_hash, row_no) s
         WHERE p.id_hash = s.id_hash AND p.${col}_hash IS NULL`,
        [at],
      );
      filled += res.rowCount;
    }
    for (const col of ['residence_type', 'household_id'] as const) {
      const res = await q.query(
        `UPDATE people p SET ${col} = s.${col}${col === 'household_id' ? ', grid_code = s.grid_code' : ''},
           updated_at = $1
         FROM (SELECT DISTINCT ON (id_hash) id_hash, ${col}, grid_code FROM person_stage
               WHERE ${col} IS NOT NULL ORDER BY id_hash, row_no) s
         WHERE p.id_hash = s.id_hash AND p.${col} IS NULL`,
        [at],
      );
      filled += res.rowCount;
    }
    let conflicts = 0;
    for (const { field, col } of SEALED_FIELDS) {
      const res = await q.query(
        `INSERT INTO registry_conflicts (entity_type, entity_id, field, grid_code, current_masked, proposed_enc,
           proposed_hash, proposed_masked, batch_id, row_no, created_at)
         SELECT DISTINCT ON (p.id, s.${col}_hash) 'person', p.id, $3, p.grid_code, p.${col}_masked, s.${col}_enc,
           s.${col}_hash, s.${col}_masked, $1, s.row_no, $2
         FROM person_stage s JOIN people p ON p.id_hash = s.id_hash
         WHERE s.${col}_hash IS NOT NULL AND s.${col}_hash <> p.${col}_hash
           AND NOT EXISTS (SELECT 1 FROM registry_conflicts c WHERE c.entity_type = 'person' AND c.entity_id = p.id
             AND c.field = $3 AND c.proposed_hash = s.${col}_hash AND c.status IN ('open', 'kept'))
         ORDER BY p.id, s.${col}_hash, s.row_no`,
        [batchId, at, field],
      );
      conflicts += res.rowCount;
    }
    for (const [field, col, shown] of [
      ['residence_type', 'residence_type', 's.residence_type'],
      ['household', 'household_id', 'h.household_no'],
    ] as const) {
      const res = await q.query(
        `INSERT INTO registry_conflicts (entity_type, entity_id, field, grid_code, current_masked, proposed_hash,
           proposed_masked, batch_id, row_no, created_at)
         SELECT DISTINCT ON (p.id, s.${col}) 'person', p.id, $3, p.grid_code,
           ${col === 'household_id' ? '(SELECT household_no FROM households WHERE id = p.household_id)' : 'p.residence_type'},
           s.${col}::text, ${shown}, $1, s.row_no, $2
         FROM person_stage s JOIN people p ON p.id_hash = s.id_hash
           ${col === 'household_id' ? 'LEFT JOIN households h ON h.id = s.household_id' : ''}
         WHERE s.${col} IS NOT NULL AND s.${col} <> p.${col}
           AND NOT EXISTS (SELECT 1 FROM registry_conflicts c WHERE c.entity_type = 'person' AND c.entity_id = p.id
             AND c.field = $3 AND c.proposed_hash = s.${col}::text AND c.status IN ('open', 'kept'))
         ORDER BY p.id, s.${col}, s.row_no`,
        [batchId, at, field],
      );
      conflicts += res.rowCount;
    }
    await q.query(
      `INSERT INTO registry_provenance (entity_type, entity_id, batch_id, row_no, fields)
       SELECT 'person', p.id, $1, s.row_no, string_to_array(s.fields, ',')
       FROM person_stage s JOIN people p ON p.id_hash = s.id_hash`,
      [batchId],
    );
    return { filled, conflicts };
  }

  /** People inside the scope (and `within`), masked, ordered by id. */
  async listPeople(
    q: Queryable,
    scope: AreaScope,
    f: { within?: string; limit: number; offset: number },
  ): Promise<{ items: PersonSummary[]; total: number }> {
    const params: unknown[] = [];
    const where = [scopeSql(scope, 'p.grid_code', params)];
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
       WHERE p.id = $1 AND ${scopeSql(scope, 'p.grid_code', params)}`,
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
      id_enc: string;
      name_enc: string | null;
      phone_enc: string | null;
    }>(
      `SELECT id, grid_code, id_enc, name_enc, phone_enc FROM people p
       WHERE p.id = $1 AND ${scopeSql(scope, 'p.grid_code', params)}`,
      params,
    );
    const r = rows[0];
    return r
      ? { id: r.id, gridCode: r.grid_code, idEnc: r.id_enc, nameEnc: r.name_enc, phoneEnc: r.phone_enc }
      : undefined;
  }

  /** A person by identity-number hash (exact lookup without decrypting anything). */
  async findPersonIdByHash(q: Queryable, idHash: string): Promise<number | undefined> {
    const { rows } = await q.query<{ id: number }>('SELECT id FROM people WHERE id_hash = $1', [idHash]);
    return rows[0]?.id;
  }

  /** Where each value of a record came from, oldest first. */
  async provenance(q: Queryable, entityType: string, entityId: number): Promise<ProvenanceEntry[]> {
    const { rows } = await q.query<{
      source: string;
      file_name: string;
      row_no: number;
      imported_at: Date;
      fields: string[];
    }>(
      `SELECT b.source, b.file_name, v.row_no, b.imported_at, v.fields
       FROM registry_provenance v JOIN registry_batches b ON b.id = v.batch_id
       WHERE v.entity_type = $1 AND v.entity_id = $2 ORDER BY b.imported_at, v.id`,
      [entityType, entityId],
    );
    return rows.map((r) => ({
      source: r.source,
      fileName: r.file_name,
      rowNo: r.row_no,
      importedAt: r.imported_at,
      fields: r.fields,
    }));
  }

  /** Conflicts inside the scope, newest first. */
  async listConflicts(
    q: Queryable,
    scope: AreaScope,
    f: {
      status?: 'open' | 'kept' | 'replaced';
      within?: string;
      entityType?: string;
      entityId?: number;
      limit: number;
      offset: number;
    },
  ): Promise<{ items: ConflictRecord[]; total: number }> {
    const params: unknown[] = [];
    const where = [scopeSql(scope, 'c.grid_code', params)];
    if (f.status) {
      params.push(f.status);
      where.push(`c.status = $${params.length}`);
    }
    if (f.within) {
      params.push(`${f.within}%`);
      where.push(`c.grid_code LIKE $${params.length}`);
    }
    if (f.entityType !== undefined) {
      params.push(f.entityType);
      where.push(`c.entity_type = $${params.length}`);
    }
    if (f.entityId !== undefined) {
      params.push(f.entityId);
      where.push(`c.entity_id = $${params.length}`);
    }
    const sql = where.join(' AND ');
    const total = await q.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM registry_conflicts c WHERE ${sql}`,
      params,
    );
    params.push(f.limit, f.offset);
    const { rows } = await q.query<ConflictRow>(
      `SELECT c.id, c.entity_type, c.entity_id, c.field, c.grid_code, c.current_masked, c.proposed_masked, b.source,
         b.file_name, c.row_no, c.status, c.created_at
       FROM registry_conflicts c JOIN registry_batches b ON b.id = c.batch_id
       WHERE ${sql} ORDER BY c.id DESC LIMIT $${params.length - 1} OFFSET $${params.length}`,
      params,
    );
    return { items: rows.map(toConflict), total: total.rows[0]?.n ?? 0 };
  }

  /** One open conflict inside the scope, locked for resolution. */
  async lockOpenConflict(
    q: Queryable,
    scope: AreaScope,
    id: number,
  ): Promise<(ConflictRecord & { proposedEnc: string | null; proposedHash: string | null }) | undefined> {
    const params: unknown[] = [id];
    const { rows } = await q.query<
      ConflictRow & { proposed_enc: string | null; proposed_hash: string | null }
    >(
      `SELECT c.id, c.entity_type, c.entity_id, c.field, c.grid_code, c.current_masked, c.proposed_masked, b.source,
         b.file_name, c.row_no, c.status, c.created_at, c.proposed_enc, c.proposed_hash
       FROM registry_conflicts c JOIN registry_batches b ON b.id = c.batch_id
       WHERE c.id = $1 AND c.status = 'open' AND ${scopeSql(scope, 'c.grid_code', params)} FOR UPDATE OF c`,
      params,
    );
    const r = rows[0];
    return r ? { ...toConflict(r), proposedEnc: r.proposed_enc, proposedHash: r.proposed_hash } : undefined;
  }

  /** Applies a conflict's proposed value to the person (the "replace" decision). */
  async applyConflict(
    q: Queryable,
    c: {
      entityId: number;
      field: string;
      proposedEnc: string | null;
      proposedHash: string | null;
      proposedMasked: string | null;
    },
    at: Date,
  ): Promise<void> {
    if (c.field === 'name' || c.field === 'phone') {
      await q.query(
        `UPDATE people SET ${c.field}_enc = $2, ${c.field}_hash = $3, ${c.field}_masked = $4, updated_at = $5 WHERE id = $1`,
        [c.entityId, c.proposedEnc, c.proposedHash, c.proposedMasked, at],
      );
    } else if (c.field === 'residence_type') {
      await q.query('UPDATE people SET residence_type = $2, updated_at = $3 WHERE id = $1', [
        c.entityId,
        c.proposedHash,
        at,
      ]);
    } else if (c.field === 'household') {
      await q.query(
        `UPDATE people p SET household_id = h.id, grid_code = h.grid_code, updated_at = $3
         FROM households h WHERE p.id = $1 AND h.id = $2::bigint`,
        [c.entityId, c.proposedHash, at],
      );
    }
  }

  /** Closes a conflict with the decision taken. */
  async closeConflict(
    q: Queryable,
    id: number,
    status: 'kept' | 'replaced',
    by: string,
    at: Date,
  ): Promise<void> {
    await q.query(
      'UPDATE registry_conflicts SET status = $2, resolved_by = $3, resolved_at = $4 WHERE id = $1',
      [id, status, by, at],
    );
  }

  /** Counts and gaps per grid inside the scope (grids with nothing registered included). */
  async quality(q: Queryable, scope: AreaScope, within?: string): Promise<GridQuality[]> {
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
              FROM people WHERE grid_code IN (SELECT code FROM g) GROUP BY grid_code),
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

  /** Inserts an address if new; returns its id (demo, building imports). */
  async upsertAddress(
    q: Queryable,
    a: { text: string; gridCode: string | null; lng: number; lat: number },
  ): Promise<number> {
    const { rows } = await q.query<{ id: number }>(
      `INSERT INTO addresses (text, grid_code, lng, lat) VALUES ($1, $2, $3, $4)
       ON CONFLICT (text) DO UPDATE SET grid_code = EXCLUDED.grid_code RETURNING id`,
      [a.text, a.gridCode, a.lng, a.lat],
    );
    return rows[0]!.id;
  }

  /** Inserts a building; returns its id. */
  async insertBuilding(
    q: Queryable,
    b: {
      code: string;
      name: string;
      addressId: number;
      gridCode: string | null;
      lng: number;
      lat: number;
      floors: number;
      use: string;
    },
  ): Promise<number> {
    const { rows } = await q.query<{ id: number }>(
      `INSERT INTO buildings (code, name, address_id, grid_code, lng, lat, floors, use)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id`,
      [b.code, b.name, b.addressId, b.gridCode, b.lng, b.lat, b.floors, b.use],
    );
    return rows[0]!.id;
  }

  /** Inserts households in one statement; returns their ids in input order. */
  async insertHouseholds(
    q: Queryable,
    hs: ReadonlyArray<{
      householdNo: string;
      buildingId: number;
      addressId: number;
      room: string;
      gridCode: string | null;
    }>,
  ): Promise<number[]> {
    if (hs.length === 0) return [];
    const { rows } = await q.query<{ id: number }>(
      `INSERT INTO households (household_no, building_id, address_id, room, grid_code)
       SELECT * FROM unnest($1::text[], $2::bigint[], $3::bigint[], $4::text[], $5::text[]) RETURNING id`,
      [
        hs.map((h) => h.householdNo),
        hs.map((h) => h.buildingId),
        hs.map((h) => h.addressId),
        hs.map((h) => h.room),
        hs.map((h) => h.gridCode),
      ],
    );
    return rows.map((r) => r.id);
  }

  /** Inserts organisations in one statement (credit codes new); returns their ids in input order. */
  async insertOrganisations(
    q: Queryable,
    os: ReadonlyArray<{
      creditCode: string | null;
      name: string;
      addressId: number | null;
      gridCode: string | null;
      lng: number;
      lat: number;
      kind: string;
    }>,
  ): Promise<number[]> {
    if (os.length === 0) return [];
    const { rows } = await q.query<{ id: number }>(
      `INSERT INTO organisations (credit_code, name, address_id, grid_code, lng, lat, kind)
       SELECT credit_code, name, address_id, grid_code, lng, lat, kind
       FROM unnest($1::text[], $2::text[], $3::bigint[], $4::text[], $5::float8[], $6::float8[], $7::text[])
         WITH ORDINALITY AS u(credit_code, name, address_id, grid_code, lng, lat, kind, n)
       ORDER BY n RETURNING id`,
      [
        os.map((o) => o.creditCode),
        os.map((o) => o.name),
        os.map((o) => o.addressId),
        os.map((o) => o.gridCode),
        os.map((o) => o.lng),
        os.map((o) => o.lat),
        os.map((o) => o.kind),
      ],
    );
    return rows.map((r) => r.id);
  }

  /** Inserts an organisation (demo, imports). */
  async insertOrganisation(
    q: Queryable,
    o: {
      creditCode: string | null;
      name: string;
      addressId: number | null;
      gridCode: string | null;
      lng: number;
      lat: number;
      kind: string;
    },
  ): Promise<void> {
    await q.query(
      `INSERT INTO organisations (credit_code, name, address_id, grid_code, lng, lat, kind)
       VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (credit_code) DO NOTHING`,
      [o.creditCode, o.name, o.addressId, o.gridCode, o.lng, o.lat, o.kind],
    );
  }
}

interface PersonRow {
  id: number;
  name_masked: string | null;
  id_masked: string;
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

interface ConflictRow {
  id: number;
  entity_type: string;
  entity_id: number;
  field: string;
  grid_code: string | null;
  current_masked: string | null;
  proposed_masked: string | null;
  source: string;
  file_name: string;
  row_no: number;
  status: 'open' | 'kept' | 'replaced';
  created_at: Date;
}

function toConflict(r: ConflictRow): ConflictRecord {
  return {
    id: r.id,
    entityType: r.entity_type,
    entityId: r.entity_id,
    field: r.field,
    gridCode: r.grid_code,
    currentMasked: r.current_masked,
    proposedMasked: r.proposed_masked,
    source: r.source,
    fileName: r.file_name,
    rowNo: r.row_no,
    status: r.status,
    createdAt: r.created_at,
  };
}
