/**
 * The SQL of the people import: new people created (COPY on PostgreSQL, unnest inserts
 * otherwise), every other row staged in a per-transaction table, then merged set-based (fill empty
 * fields, record conflicts, write provenance).
 */
import type { CopyValue, Queryable } from '../../db/db.js';
import type { StagedPerson } from './person.types.js';

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

/** Staging and merge of person rows into `people`. */
export class PersonMergeRepository {
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
}
