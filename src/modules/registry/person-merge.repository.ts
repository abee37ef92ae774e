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

/** One value of a row: column, the array type it is sent as through `unnest`, and its getter. */
type RowValue = { column: string; type: string; of: (r: StagedPerson) => CopyValue };

/**
 * The values of one person row that `people` holds, in column order: the one list the COPY and
 * INSERT paths are built from.
 */
const PERSON_VALUES: readonly RowValue[] = [
  { column: 'id_kind', type: 'text', of: (r) => r.idKind },
  { column: 'id_hash', type: 'text', of: (r) => r.idHash },
  { column: 'id_enc', type: 'text', of: (r) => r.idEnc },
  { column: 'id_masked', type: 'text', of: (r) => r.idMasked },
  { column: 'name_enc', type: 'text', of: (r) => r.nameEnc },
  { column: 'name_hash', type: 'text', of: (r) => r.nameHash },
  { column: 'name_masked', type: 'text', of: (r) => r.nameMasked },
  { column: 'phone_enc', type: 'text', of: (r) => r.phoneEnc },
  { column: 'phone_hash', type: 'text', of: (r) => r.phoneHash },
  { column: 'phone_masked', type: 'text', of: (r) => r.phoneMasked },
  { column: 'address_enc', type: 'text', of: (r) => r.addressEnc },
  { column: 'address_hash', type: 'text', of: (r) => r.addressHash },
  { column: 'address_masked', type: 'text', of: (r) => r.addressMasked },
  { column: 'gender', type: 'text', of: (r) => r.gender },
  { column: 'birth_year', type: 'int', of: (r) => r.birthYear },
  { column: 'residence_type', type: 'text', of: (r) => r.residenceType },
  { column: 'household_id', type: 'bigint', of: (r) => r.householdId },
  { column: 'grid_code', type: 'text', of: (r) => r.gridCode },
];
const PERSON_COLUMNS = PERSON_VALUES.map((v) => v.column);

/** What a source record holds beyond the person's columns. */
const RECORD_VALUES: readonly RowValue[] = [
  ...PERSON_VALUES,
  { column: 'id_valid', type: 'bool', of: (r) => r.idValid },
  { column: 'birth_date_enc', type: 'text', of: (r) => r.birthDateEnc },
  { column: 'row_no', type: 'int', of: (r) => r.rowNo },
];
const RECORD_COLUMNS = RECORD_VALUES.map((v) => v.column);

/** RowValues as `unnest` array parameters starting at $from, and the arrays themselves. */
function arraysOf(
  values: readonly RowValue[],
  rows: readonly StagedPerson[],
  from: number,
): { sql: string; params: unknown[] } {
  return {
    sql: values.map((v, i) => `$${from + i}::${v.type}[]`).join(', '),
    params: values.map((v) => rows.map(v.of)),
  };
}

/** Columns of person_stage, in table order (its COPY). */
const STAGE_COLUMNS = [...RECORD_COLUMNS, 'fields'];

/** Fields compared between sources: column stem, and whether it is personal (sealed) data. */
const SEALED_FIELDS = [
  { field: 'name', col: 'name' },
  { field: 'phone', col: 'phone' },
  { field: 'address', col: 'address' },
] as const;

/** Staging and merge of person rows into `people`, each row kept as a source record. */
export class PersonMergeRepository {
  /** Creates (or empties) the per-transaction staging table for person rows that merge into existing people. */
  async resetPersonStage(q: Queryable): Promise<void> {
    await q.exec(`CREATE TEMP TABLE IF NOT EXISTS person_stage (
      id_kind text, id_hash text NOT NULL, id_enc text, id_masked text,
      name_enc text, name_hash text, name_masked text, phone_enc text, phone_hash text, phone_masked text,
      address_enc text, address_hash text, address_masked text,
      gender text, birth_year integer, residence_type text, household_id bigint, grid_code text,
      id_valid boolean NOT NULL, birth_date_enc text, row_no integer NOT NULL,
      fields text NOT NULL, person_id bigint
    ) ON COMMIT DROP;
    TRUNCATE person_stage`);
  }

  /** The department a batch comes from (the `source` of its records). */
  async batchSource(q: Queryable, batchId: number): Promise<string> {
    const { rows } = await q.query<{ source: string }>('SELECT source FROM registry_batches WHERE id = $1', [
      batchId,
    ]);
    return rows[0]?.source ?? 'unknown';
  }

  /**
   * Serialises person imports on PostgreSQL for the rest of the transaction: the chunk writer
   * below checks which numbers exist and then inserts the new ones straight into `people`, which
   * is only race-free when no other import inserts people in between (a COPY would abort the
   * whole file on the unique index).
   */
  async lockPersonImports(q: Queryable): Promise<void> {
    await q.query("SELECT pg_advisory_xact_lock(hashtext('civicgrid.registry.people'))");
  }

  /**
   * Writes one chunk (call lockPersonImports first on a pooled driver): people whose number is not
   * registered yet, and every row without a number, are created under pre-allocated ids with
   * their source record and provenance; every other row goes to the stage for the merge. Through
   * COPY where the driver has `copyFrom` (PostgreSQL), multi-row unnest inserts otherwise.
   * `firsts[i]` says whether rows[i] is the first row of its number in the chunk (always true
   * for a row without a number).
   */
  async writePersonChunk(
    q: Queryable,
    batch: { id: number; source: string },
    rows: readonly StagedPerson[],
    firsts: readonly boolean[],
    at: Date,
  ): Promise<{ created: number; staged: number }> {
    const firstRows = rows.filter((_, i) => firsts[i] === true);
    // One round trip: which numbers exist, and an id for every first row (ids of rows that turn
    // out to exist are simply never used: a sequence has gaps anyway). Text aggregates, so the
    // driver parses two values instead of ten thousand rows.
    const { rows: found } = await q.query<{ known: string | null; ids: string | null }>(
      `SELECT (SELECT string_agg(id_hash, ',') FROM people WHERE id_hash = ANY(string_to_array($1, ','))) AS known,
         (SELECT string_agg(nextval('people_id_seq')::text, ',')
          FROM generate_series(1, $2::int)) AS ids`,
      [
        firstRows
          .map((r) => r.idHash)
          .filter((h) => h !== null)
          .join(','),
        firstRows.length,
      ],
    );
    const known = found[0]?.known;
    const existing = new Set(known ? known.split(',') : []);
    const fresh =
      existing.size === 0 ? firstRows : firstRows.filter((r) => r.idHash === null || !existing.has(r.idHash));
    const freshSet = new Set(fresh);
    const rest = rows.filter((r) => !freshSet.has(r));
    if (fresh.length > 0) {
      const ids = (found[0]?.ids ?? '')
        .split(',')
        .map(Number)
        .sort((a, b) => a - b)
        .slice(0, fresh.length);
      if (q.copyFrom) {
        await q.copyFrom(
          'people',
          ['id', ...PERSON_COLUMNS, 'created_at', 'updated_at'],
          fresh.map((r, i) => [ids[i], ...PERSON_VALUES.map((v) => v.of(r)), at, at]),
        );
        await q.copyFrom(
          'person_records',
          ['person_id', 'batch_id', 'source', ...RECORD_COLUMNS, 'fields', 'created_at'],
          fresh.map((r, i) => [
            ids[i],
            batch.id,
            batch.source,
            ...RECORD_VALUES.map((v) => v.of(r)),
            r.fields,
            at,
          ]),
        );
        await q.copyFrom(
          'registry_provenance',
          ['entity_type', 'entity_id', 'batch_id', 'row_no', 'fields'],
          fresh.map((r, i) => ['person', ids[i], batch.id, r.rowNo, r.fields]),
        );
      } else {
        for (let i = 0; i < fresh.length; i += STAGE_BATCH) {
          const chunk = fresh.slice(i, i + STAGE_BATCH);
          const chunkIds = ids.slice(i, i + STAGE_BATCH);
          const people = arraysOf(PERSON_VALUES, chunk, 3);
          await q.query(
            `INSERT INTO people (id, ${PERSON_COLUMNS.join(', ')}, created_at, updated_at)
             SELECT *, $1::timestamptz, $1::timestamptz FROM unnest($2::bigint[], ${people.sql})`,
            [at, chunkIds, ...people.params],
          );
          const records = arraysOf(RECORD_VALUES, chunk, 6);
          await q.query(
            `INSERT INTO person_records (person_id, fields, batch_id, source, created_at, ${RECORD_COLUMNS.join(', ')})
             SELECT u.person_id, string_to_array(u.fields, ','), $3::bigint, $4::text, $5::timestamptz,
               ${RECORD_COLUMNS.map((c) => `u.${c}`).join(', ')}
             FROM unnest($1::bigint[], $2::text[], ${records.sql}) AS u(person_id, fields, ${RECORD_COLUMNS.join(', ')})`,
            [chunkIds, chunk.map((r) => r.fields.join(',')), batch.id, batch.source, at, ...records.params],
          );
          await q.query(
            `INSERT INTO registry_provenance (entity_type, entity_id, batch_id, row_no, fields)
             SELECT 'person', u.id, $1, u.row_no, string_to_array(u.fields, ',')
             FROM unnest($2::bigint[], $3::int[], $4::text[]) AS u(id, row_no, fields)`,
            [batch.id, chunkIds, chunk.map((r) => r.rowNo), chunk.map((r) => r.fields.join(','))],
          );
        }
      }
    }
    if (rest.length > 0) await this.stagePeople(q, rest);
    return { created: fresh.length, staged: rest.length };
  }

  /** Appends staged rows: COPY where the driver has it, column arrays + unnest otherwise. */
  async stagePeople(q: Queryable, rows: readonly StagedPerson[]): Promise<void> {
    if (q.copyFrom) {
      await q.copyFrom(
        'person_stage',
        STAGE_COLUMNS,
        rows.map((r) => [...RECORD_VALUES.map((v) => v.of(r)), r.fields.join(',')]),
      );
      return;
    }
    for (let i = 0; i < rows.length; i += STAGE_BATCH) {
      const chunk = rows.slice(i, i + STAGE_BATCH);
      const values = arraysOf(RECORD_VALUES, chunk, 1);
      await q.query(
        `INSERT INTO person_stage (${STAGE_COLUMNS.join(', ')})
         SELECT * FROM unnest(${values.sql}, $${RECORD_VALUES.length + 1}::text[])`,
        [...values.params, chunk.map((r) => r.fields.join(','))],
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
    // The person each row belongs to: its number's, or the one that person was merged into.
    await q.query(
      `UPDATE person_stage s SET person_id = coalesce(p.merged_into, p.id) FROM people p WHERE p.id_hash = s.id_hash`,
    );
    let filled = 0;
    for (const { col } of SEALED_FIELDS) {
      const res = await q.query(
        `UPDATE people p SET ${col}_enc = s.${col}_enc, ${col}_hash = s.${col}_hash, ${col}_masked = s.${col}_masked,
           updated_at = $1
         FROM (SELECT DISTINCT ON (person_id) person_id, ${col}_enc, ${col}_hash, ${col}_masked FROM person_stage
               WHERE ${col}_hash IS NOT NULL ORDER BY person_id, row_no) s
         WHERE p.id = s.person_id AND p.${col}_hash IS NULL`,
        [at],
      );
      filled += res.rowCount;
    }
    for (const col of ['residence_type', 'household_id'] as const) {
      const res = await q.query(
        `UPDATE people p SET ${col} = s.${col}${col === 'household_id' ? ', grid_code = s.grid_code' : ''},
           updated_at = $1
         FROM (SELECT DISTINCT ON (person_id) person_id, ${col}, grid_code FROM person_stage
               WHERE ${col} IS NOT NULL ORDER BY person_id, row_no) s
         WHERE p.id = s.person_id AND p.${col} IS NULL`,
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
         FROM person_stage s JOIN people p ON p.id = s.person_id
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
         FROM person_stage s JOIN people p ON p.id = s.person_id
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
       SELECT 'person', s.person_id, $1, s.row_no, string_to_array(s.fields, ',')
       FROM person_stage s`,
      [batchId],
    );
    await q.query(
      `INSERT INTO person_records (person_id, batch_id, source, fields, created_at, ${RECORD_COLUMNS.join(', ')})
       SELECT s.person_id, $1, (SELECT source FROM registry_batches WHERE id = $1), string_to_array(s.fields, ','), $2,
         ${RECORD_COLUMNS.map((c) => `s.${c}`).join(', ')}
       FROM person_stage s`,
      [batchId, at],
    );
    return { filled, conflicts };
  }
}
