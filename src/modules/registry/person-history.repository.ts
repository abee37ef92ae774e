/**
 * The SQL of merging two people and undoing it exactly. A merge keeps the absorbed person (hidden
 * by `merged_into`) and writes both people before, the survivor after, and every row it moved
 * (source records, conflicts, provenance, redirects) to person_merges. An unmerge gives each
 * field back to its owner: a value unchanged since the merge goes back as it was; a value changed
 * since goes to the side whose source record holds it. Source records, conflicts and provenance
 * rows go back with the records they belong to (records added since with the absorbed person's
 * number included). Nothing else in the database points at a person today (cases, visits and
 * households do not reference people.id); a table that does should be added to `moveRefs`.
 */
import type { Queryable } from '../../db/db.js';

/** A people row as JSON (to_jsonb): sealed and masked forms only. */
export type PersonSnapshot = Record<string, unknown>;

/**
 * The fields of a person that move as one: the columns written together, and the column whose
 * equality says "same value" (a keyed hash for sealed values, which encrypt differently each time).
 */
const FIELD_GROUPS: ReadonlyArray<{ name: string; columns: readonly string[]; key: string }> = [
  { name: 'id', columns: ['id_kind', 'id_hash', 'id_enc', 'id_masked'], key: 'id_hash' },
  { name: 'name', columns: ['name_enc', 'name_hash', 'name_masked'], key: 'name_hash' },
  { name: 'phone', columns: ['phone_enc', 'phone_hash', 'phone_masked'], key: 'phone_hash' },
  { name: 'address', columns: ['address_enc', 'address_hash', 'address_masked'], key: 'address_hash' },
  { name: 'gender', columns: ['gender'], key: 'gender' },
  { name: 'birth_year', columns: ['birth_year'], key: 'birth_year' },
  { name: 'residence_type', columns: ['residence_type'], key: 'residence_type' },
  { name: 'household', columns: ['household_id', 'grid_code'], key: 'household_id' },
];

/** What a merge is about (who, why), besides the two people. */
export interface MergeMeta {
  kind: 'auto' | 'review' | 'manual';
  runId?: number | null;
  pairId?: number | null;
  recordA?: number | null;
  recordB?: number | null;
  probability?: number | null;
  by: string;
  at: Date;
}

/** One merge as the history shows it. */
export interface MergeEntry {
  id: number;
  survivorId: number;
  absorbedId: number;
  kind: 'auto' | 'review' | 'manual';
  runId: number | null;
  pairId: number | null;
  recordA: number | null;
  recordB: number | null;
  probability: number | null;
  movedRecords: number[];
  mergedBy: string;
  mergedAt: Date;
  unmergedBy: string | null;
  unmergedAt: Date | null;
}

const isNull = (v: unknown): boolean => v === null || v === undefined;
const same = (a: unknown, b: unknown): boolean => (isNull(a) && isNull(b)) || String(a) === String(b);

function pick(row: PersonSnapshot, columns: readonly string[]): PersonSnapshot {
  return Object.fromEntries(columns.map((c) => [c, row[c] ?? null]));
}

/** Merges and exact unmerges of people, with their history. */
export class PersonHistoryRepository {
  private async snapshot(q: Queryable, id: number, lock: boolean): Promise<PersonSnapshot | undefined> {
    const { rows } = await q.query<{ p: PersonSnapshot | string }>(
      `SELECT to_jsonb(p) AS p FROM people p WHERE id = $1${lock ? ' FOR UPDATE' : ''}`,
      [id],
    );
    const p = rows[0]?.p;
    return p === undefined ? undefined : typeof p === 'string' ? (JSON.parse(p) as PersonSnapshot) : p;
  }

  /** Writes the given columns of one person from a snapshot-shaped object. */
  private async writeColumns(q: Queryable, id: number, values: PersonSnapshot): Promise<void> {
    const cols = Object.keys(values);
    if (cols.length === 0) return;
    await q.query(
      `UPDATE people p SET (${cols.join(', ')}) = (SELECT ${cols.map((c) => `r.${c}`).join(', ')}
         FROM jsonb_populate_record(NULL::people, $2::jsonb) r) WHERE p.id = $1`,
      [id, JSON.stringify(values)],
    );
  }

  /** The live person a (possibly merged) person id stands for today. */
  async liveId(q: Queryable, id: number): Promise<number | undefined> {
    const { rows } = await q.query<{ id: number }>(
      'SELECT coalesce(merged_into, id)::int AS id FROM people WHERE id = $1',
      [id],
    );
    return rows[0]?.id;
  }

  /**
   * Merges `absorbedId` into `survivorId` (both live; the caller checked they may be merged):
   * empty fields of the survivor are filled from the absorbed person (an identity number moves
   * with its unique hash), every record, conflict and provenance row of the absorbed person and
   * every person merged into it before now point at the survivor. Returns the merge's id.
   */
  async merge(q: Queryable, survivorId: number, absorbedId: number, meta: MergeMeta): Promise<number> {
    const [first, second] = survivorId < absorbedId ? [survivorId, absorbedId] : [absorbedId, survivorId];
    await this.snapshot(q, first, true);
    await this.snapshot(q, second, true);
    const s = await this.snapshot(q, survivorId, false);
    const a = await this.snapshot(q, absorbedId, false);
    if (!s || !a || !isNull(s.merged_into) || !isNull(a.merged_into) || survivorId === absorbedId) {
      throw new Error(`cannot merge person ${absorbedId} into ${survivorId}: not two live people`);
    }
    const fill: PersonSnapshot = {};
    let moveId = false;
    for (const g of FIELD_GROUPS) {
      if (isNull(s[g.key]) && !isNull(a[g.key])) {
        Object.assign(fill, pick(a, g.columns));
        if (g.name === 'id') moveId = true;
      }
    }
    if (moveId)
      await this.writeColumns(q, absorbedId, { id_kind: null, id_hash: null, id_enc: null, id_masked: null });
    await this.writeColumns(q, survivorId, { ...fill, updated_at: meta.at.toISOString() });
    const ids = async (sql: string): Promise<number[]> =>
      (await q.query<{ id: number }>(sql, [survivorId, absorbedId])).rows.map((r) => Number(r.id));
    const movedRecords = await ids(
      'UPDATE person_records SET person_id = $1 WHERE person_id = $2 RETURNING id',
    );
    const movedConflicts = await ids(
      `UPDATE registry_conflicts SET entity_id = $1 WHERE entity_type = 'person' AND entity_id = $2 RETURNING id`,
    );
    const movedProvenance = await ids(
      `UPDATE registry_provenance SET entity_id = $1 WHERE entity_type = 'person' AND entity_id = $2 RETURNING id`,
    );
    const redirected = await ids('UPDATE people SET merged_into = $1 WHERE merged_into = $2 RETURNING id');
    await q.query('UPDATE people SET merged_into = $1 WHERE id = $2', [survivorId, absorbedId]);
    const after = await this.snapshot(q, survivorId, false);
    const { rows } = await q.query<{ id: number }>(
      `INSERT INTO person_merges (survivor_id, absorbed_id, kind, run_id, pair_id, record_a, record_b, probability,
         survivor_before, absorbed_before, survivor_after, moved_records, moved_conflicts, moved_provenance,
         redirected, merged_by, merged_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9::jsonb, $10::jsonb, $11::jsonb, $12::bigint[], $13::bigint[],
         $14::bigint[], $15::bigint[], $16, $17) RETURNING id`,
      [
        survivorId,
        absorbedId,
        meta.kind,
        meta.runId ?? null,
        meta.pairId ?? null,
        meta.recordA ?? null,
        meta.recordB ?? null,
        meta.probability ?? null,
        JSON.stringify(s),
        JSON.stringify(a),
        JSON.stringify(after),
        movedRecords,
        movedConflicts,
        movedProvenance,
        redirected,
        meta.by,
        meta.at,
      ],
    );
    return Number(rows[0]?.id);
  }

  /** One merge by id (locked for an unmerge when `lock`). */
  async findMerge(q: Queryable, id: number, lock = false): Promise<MergeEntry | undefined> {
    const { rows } = await q.query<MergeRow>(
      `SELECT ${MERGE_COLUMNS} FROM person_merges WHERE id = $1${lock ? ' FOR UPDATE' : ''}`,
      [id],
    );
    return rows[0] ? toMerge(rows[0]) : undefined;
  }

  /** The merges a person took part in (as survivor or absorbed), newest first. */
  async mergesOf(q: Queryable, personId: number): Promise<MergeEntry[]> {
    const { rows } = await q.query<MergeRow>(
      `SELECT ${MERGE_COLUMNS} FROM person_merges WHERE survivor_id = $1 OR absorbed_id = $1 ORDER BY id DESC`,
      [personId],
    );
    return rows.map(toMerge);
  }

  /**
   * The reason an unmerge of `m` cannot be exact, or null: it is undone already, or the survivor
   * absorbed somebody else since (undo that one first).
   */
  async unmergeBlocker(q: Queryable, m: MergeEntry): Promise<'already_unmerged' | 'later_merge' | null> {
    if (m.unmergedAt !== null) return 'already_unmerged';
    const { rows } = await q.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM person_merges WHERE survivor_id = $1 AND id > $2 AND unmerged_at IS NULL`,
      [m.survivorId, m.id],
    );
    return (rows[0]?.n ?? 0) > 0 ? 'later_merge' : null;
  }

  /**
   * Undoes merge `mergeId` (check unmergeBlocker first): both people as they were before it, each
   * value changed since with the person whose source record holds it, and every record,
   * conflict, provenance row and redirect back with its owner.
   */
  async unmerge(q: Queryable, mergeId: number, by: string, at: Date): Promise<void> {
    const { rows } = await q.query<{
      survivor_id: number;
      absorbed_id: number;
      survivor_before: PersonSnapshot | string;
      absorbed_before: PersonSnapshot | string;
      survivor_after: PersonSnapshot | string;
      moved_records: number[];
      moved_conflicts: number[];
      moved_provenance: number[];
      redirected: number[];
    }>(
      `SELECT survivor_id, absorbed_id, survivor_before, absorbed_before, survivor_after, moved_records,
         moved_conflicts, moved_provenance, redirected FROM person_merges WHERE id = $1`,
      [mergeId],
    );
    const m = rows[0];
    if (!m) throw new Error(`no merge ${mergeId}`);
    const json = (v: PersonSnapshot | string): PersonSnapshot =>
      typeof v === 'string' ? (JSON.parse(v) as PersonSnapshot) : v;
    const sBefore = json(m.survivor_before);
    const aBefore = json(m.absorbed_before);
    const sAfter = json(m.survivor_after);
    const survivorId = Number(m.survivor_id);
    const absorbedId = Number(m.absorbed_id);
    const current = await this.snapshot(q, survivorId, true);
    if (!current) throw new Error(`no person ${survivorId}`);
    // The absorbed side's records: those the merge moved, and those that arrived since under the
    // absorbed person's own number.
    const bSide = (
      await q.query<{ id: number }>(
        `SELECT id FROM person_records WHERE person_id = $1
           AND (id = ANY($2::bigint[]) OR (id > (SELECT coalesce(max(x), 0) FROM unnest($2::bigint[]) x)
             AND $3::text IS NOT NULL AND id_hash = $3))`,
        [survivorId, m.moved_records.map(Number), aBefore.id_hash ?? null],
      )
    ).rows.map((r) => Number(r.id));
    const holders = async (key: string, value: unknown): Promise<{ a: boolean; b: boolean }> => {
      if (isNull(value)) return { a: false, b: false };
      const { rows: held } = await q.query<{ b: boolean }>(
        `SELECT DISTINCT (id = ANY($3::bigint[])) AS b FROM person_records
         WHERE person_id = $1 AND ${key}::text = $2::text`,
        [survivorId, String(value), bSide],
      );
      return { a: held.some((h) => !h.b), b: held.some((h) => h.b) };
    };
    const sNew: PersonSnapshot = {};
    const aNew: PersonSnapshot = {};
    let changed = false;
    for (const g of FIELD_GROUPS) {
      if (same(current[g.key], sAfter[g.key])) {
        Object.assign(sNew, pick(sBefore, g.columns));
        Object.assign(aNew, pick(aBefore, g.columns));
        continue;
      }
      changed = true;
      const held = await holders(g.key, current[g.key]);
      if (held.b && !held.a) {
        Object.assign(aNew, pick(current, g.columns));
        Object.assign(sNew, pick(sBefore, g.columns));
      } else {
        Object.assign(sNew, pick(current, g.columns));
        Object.assign(aNew, pick(aBefore, g.columns));
      }
    }
    sNew.updated_at = changed ? at.toISOString() : sBefore.updated_at;
    aNew.updated_at = changed ? at.toISOString() : aBefore.updated_at;
    aNew.merged_into = null;
    // The survivor first: an identity number it took over goes back to the absorbed person.
    await this.writeColumns(q, survivorId, sNew);
    await this.writeColumns(q, absorbedId, aNew);
    await q.query('UPDATE person_records SET person_id = $1 WHERE id = ANY($2::bigint[])', [
      absorbedId,
      bSide,
    ]);
    const rowsOfB = `(batch_id, row_no) IN (SELECT batch_id, row_no FROM person_records WHERE id = ANY($3::bigint[]))`;
    await q.query(
      `UPDATE registry_conflicts SET entity_id = $1 WHERE entity_type = 'person' AND entity_id = $2
         AND (id = ANY($4::bigint[]) OR ${rowsOfB})`,
      [absorbedId, survivorId, bSide, m.moved_conflicts.map(Number)],
    );
    await q.query(
      `UPDATE registry_provenance SET entity_id = $1 WHERE entity_type = 'person' AND entity_id = $2
         AND (id = ANY($4::bigint[]) OR ${rowsOfB})`,
      [absorbedId, survivorId, bSide, m.moved_provenance.map(Number)],
    );
    await q.query('UPDATE people SET merged_into = $1 WHERE id = ANY($2::bigint[])', [
      absorbedId,
      m.redirected.map(Number),
    ]);
    await q.query('UPDATE person_merges SET unmerged_by = $2, unmerged_at = $3 WHERE id = $1', [
      mergeId,
      by,
      at,
    ]);
  }
}

const MERGE_COLUMNS = `id, survivor_id, absorbed_id, kind, run_id, pair_id, record_a, record_b, probability,
  moved_records, merged_by, merged_at, unmerged_by, unmerged_at`;

interface MergeRow {
  id: number;
  survivor_id: number;
  absorbed_id: number;
  kind: 'auto' | 'review' | 'manual';
  run_id: number | null;
  pair_id: number | null;
  record_a: number | null;
  record_b: number | null;
  probability: number | null;
  moved_records: number[];
  merged_by: string;
  merged_at: Date;
  unmerged_by: string | null;
  unmerged_at: Date | null;
}

const num = (v: number | null): number | null => (v === null ? null : Number(v));

function toMerge(r: MergeRow): MergeEntry {
  return {
    id: Number(r.id),
    survivorId: Number(r.survivor_id),
    absorbedId: Number(r.absorbed_id),
    kind: r.kind,
    runId: num(r.run_id),
    pairId: num(r.pair_id),
    recordA: num(r.record_a),
    recordB: num(r.record_b),
    probability: r.probability,
    movedRecords: r.moved_records.map(Number),
    mergedBy: r.merged_by,
    mergedAt: r.merged_at,
    unmergedBy: r.unmerged_by,
    unmergedAt: r.unmerged_at,
  };
}
