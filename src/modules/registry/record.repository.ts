/**
 * The SQL of the base-data records besides people (standard addresses, buildings, households,
 * organisations): load by natural key, insert, fill, conflicts, reads in an area. Table and
 * column names come only from RECORD_SPECS (record-kinds.ts), never from input. Batches and
 * provenance rows are written by BatchRepository (registry-batch.repository.ts), shared with the people import.
 */
import type { Queryable } from '../../db/db.js';
import { type AreaScope, scopeSql } from '../../kernel/policy.js';
import { fieldsOf, type RecordKind, type RecordKindSpec } from './record-kinds.js';
import type { ProvenanceEntry } from './registry-batch.repository.js';

/** A stored record as the merge sees it: per field the compared value and the display form. */
export interface StoredRecord {
  id: number;
  key: string | null;
  gridCode: string | null;
  values: Map<string, { compare: string; shown: string | null }>;
}

/** A record as lists show it: masked personal values, with where each value came from. */
export interface RecordSummary {
  id: number;
  key: string | null;
  gridCode: string | null;
  values: Record<string, string | null>;
  provenance: ProvenanceEntry[];
}

/** A place another record can refer to (its grid and point are inherited). */
export interface PlaceRef {
  id: number;
  gridCode: string | null;
  lng: number | null;
  lat: number | null;
  /** Buildings: their standard address, and how lists show it. */
  addressId?: number | null;
  addressShown?: string | null;
}

/** One value disagreeing with the stored one, for registry_conflicts. */
export interface NewConflict {
  entityId: number;
  field: string;
  gridCode: string | null;
  currentMasked: string | null;
  proposedEnc: string | null;
  proposedHash: string;
  proposedMasked: string;
  rowNo: number;
}

/** SQL expressions (on alias `t`) for the compared value and the display form of each field. */
function fieldSql(spec: RecordKindSpec, field: string): { compare: string; shown: string } {
  const plain = spec.plain.find((f) => f.field === field);
  if (plain) return { compare: `t.${plain.column}::text`, shown: `t.${plain.column}::text` };
  const sealed = spec.sealed.find((f) => f.field === field);
  if (sealed) return { compare: `t.${sealed.stem}_hash`, shown: `t.${sealed.stem}_masked` };
  if (field === 'address') {
    return {
      compare: 't.address_id::text',
      shown: `(SELECT coalesce(a.code, '#' || a.id::text) FROM addresses a WHERE a.id = t.address_id)`,
    };
  }
  if (field === 'building') {
    return {
      compare: 't.building_id::text',
      shown: '(SELECT b.code FROM buildings b WHERE b.id = t.building_id)',
    };
  }
  if (field === 'location') {
    return {
      compare: `CASE WHEN t.lng IS NULL OR t.lat IS NULL THEN NULL ELSE t.lng::text || ',' || t.lat::text END`,
      shown: `CASE WHEN t.lng IS NULL OR t.lat IS NULL THEN NULL
        ELSE round(t.lng::numeric, 6)::text || ',' || round(t.lat::numeric, 6)::text END`,
    };
  }
  throw new Error(`unknown field ${field} of ${spec.kind}`);
}

function selectList(spec: RecordKindSpec): { sql: string; fields: string[] } {
  const fields = fieldsOf(spec);
  const cols = fields.flatMap((f, i) => {
    const s = fieldSql(spec, f);
    return [`${s.compare} AS c${i}`, `${s.shown} AS s${i}`];
  });
  return {
    sql: ['t.id', `t.${spec.keyColumn} AS key`, 't.grid_code', ...cols].join(', '),
    fields,
  };
}

type LoadedRow = { id: number; key: string | null; grid_code: string | null } & Record<
  string,
  string | number | null
>;

function toStored(fields: readonly string[], r: LoadedRow): StoredRecord {
  const values = new Map<string, { compare: string; shown: string | null }>();
  fields.forEach((f, i) => {
    const c = r[`c${i}`];
    if (c !== null && c !== undefined)
      values.set(f, { compare: String(c), shown: (r[`s${i}`] as string) ?? null });
  });
  return { id: Number(r.id), key: r.key, gridCode: r.grid_code, values };
}

/** The SQL of addresses, buildings, households and organisations as the registry imports them. */
export class RecordRepository {
  /**
   * Serialises imports of one kind for the rest of the transaction, so two files carrying the
   * same new key cannot both decide to insert it (the second waits and then merges).
   */
  async lockKind(q: Queryable, kind: RecordKind): Promise<void> {
    await q.query('SELECT pg_advisory_xact_lock(hashtext($1))', [`civicgrid.registry.${kind}`]);
  }

  /** Records of a kind by natural key (or by id), with their compared values. */
  async load(
    q: Queryable,
    spec: RecordKindSpec,
    by: { keys: readonly string[] } | { ids: readonly number[] },
  ): Promise<StoredRecord[]> {
    const { sql, fields } = selectList(spec);
    const [where, param] =
      'keys' in by
        ? [`t.${spec.keyColumn} = ANY($1::text[])`, by.keys]
        : ['t.id = ANY($1::bigint[])', by.ids];
    if (param.length === 0) return [];
    const { rows } = await q.query<LoadedRow>(`SELECT ${sql} FROM ${spec.table} t WHERE ${where}`, [param]);
    return rows.map((r) => toStored(fields, r));
  }

  /** Standard addresses by code: what a building, household or organisation row refers to. */
  async addressesByCode(q: Queryable, codes: readonly string[]): Promise<Map<string, PlaceRef>> {
    if (codes.length === 0) return new Map();
    const { rows } = await q.query<{
      id: number;
      code: string;
      grid_code: string | null;
      lng: number | null;
      lat: number | null;
    }>('SELECT id, code, grid_code, lng, lat FROM addresses WHERE code = ANY($1::text[])', [codes]);
    return new Map(
      rows.map((r) => [r.code, { id: Number(r.id), gridCode: r.grid_code, lng: r.lng, lat: r.lat }]),
    );
  }

  /** Standard addresses by official text (the text is unique; older rows have no code yet). */
  async addressesByText(
    q: Queryable,
    texts: readonly string[],
  ): Promise<Map<string, { id: number; code: string | null }>> {
    if (texts.length === 0) return new Map();
    const { rows } = await q.query<{ id: number; text: string; code: string | null }>(
      'SELECT id, text, code FROM addresses WHERE text = ANY($1::text[])',
      [texts],
    );
    return new Map(rows.map((r) => [r.text, { id: Number(r.id), code: r.code }]));
  }

  /** Buildings by code: what a household row refers to. */
  async buildingsByCode(q: Queryable, codes: readonly string[]): Promise<Map<string, PlaceRef>> {
    if (codes.length === 0) return new Map();
    const { rows } = await q.query<{
      id: number;
      code: string;
      grid_code: string | null;
      lng: number;
      lat: number;
      address_id: number | null;
      address_shown: string | null;
    }>(
      `SELECT b.id, b.code, b.grid_code, b.lng, b.lat, b.address_id, coalesce(a.code, '#' || a.id::text) AS address_shown
       FROM buildings b LEFT JOIN addresses a ON a.id = b.address_id WHERE b.code = ANY($1::text[])`,
      [codes],
    );
    return new Map(
      rows.map((r) => [
        r.code,
        {
          id: Number(r.id),
          gridCode: r.grid_code,
          lng: r.lng,
          lat: r.lat,
          addressId: r.address_id === null ? null : Number(r.address_id),
          addressShown: r.address_shown,
        },
      ]),
    );
  }

  /** Inserts new records (every column of the kind, absent = null); returns key → id. */
  async insert(
    q: Queryable,
    spec: RecordKindSpec,
    rows: ReadonlyArray<Record<string, string | number | null>>,
  ): Promise<Map<string, number>> {
    const out = new Map<string, number>();
    const cols = Object.keys(spec.columns);
    const BATCH = 5000;
    for (let i = 0; i < rows.length; i += BATCH) {
      const chunk = rows.slice(i, i + BATCH);
      const { rows: made } = await q.query<{ id: number; key: string }>(
        `INSERT INTO ${spec.table} (${cols.join(', ')})
         SELECT * FROM unnest(${cols.map((c, j) => `$${j + 1}::${spec.columns[c]}[]`).join(', ')})
         RETURNING id, ${spec.keyColumn} AS key`,
        cols.map((c) => chunk.map((r) => r[c] ?? null)),
      );
      for (const m of made) out.set(m.key, Number(m.id));
    }
    return out;
  }

  /** Sets columns of existing records; updates with the same columns go in one statement. */
  async update(
    q: Queryable,
    spec: RecordKindSpec,
    updates: ReadonlyArray<{ id: number; set: Record<string, string | number | null> }>,
  ): Promise<void> {
    const groups = new Map<string, Array<{ id: number; set: Record<string, string | number | null> }>>();
    for (const u of updates) {
      const sig = Object.keys(u.set).sort().join(',');
      const g = groups.get(sig) ?? [];
      g.push(u);
      groups.set(sig, g);
    }
    for (const [sig, group] of groups) {
      const cols = sig.split(',');
      for (const c of cols)
        if (!(c in spec.columns)) throw new Error(`${c} is not a column of ${spec.table}`);
      await q.query(
        `UPDATE ${spec.table} t SET ${cols.map((c) => `${c} = u.${c}`).join(', ')}
         FROM unnest($1::bigint[], ${cols.map((c, j) => `$${j + 2}::${spec.columns[c]}[]`).join(', ')})
           AS u(id, ${cols.join(', ')})
         WHERE t.id = u.id`,
        [group.map((u) => u.id), ...cols.map((c) => group.map((u) => u.set[c] ?? null))],
      );
    }
  }

  /** People of these households without a grid take the household's (members live where it is). */
  async householdGridToMembers(q: Queryable, householdIds: readonly number[]): Promise<void> {
    if (householdIds.length === 0) return;
    await q.query(
      `UPDATE people p SET grid_code = h.grid_code FROM households h
       WHERE p.household_id = h.id AND h.id = ANY($1::bigint[]) AND h.grid_code IS NOT NULL
         AND p.grid_code IS DISTINCT FROM h.grid_code`,
      [householdIds],
    );
  }

  /** `entityId|field|proposed` of conflicts already open or kept (a re-import does not repeat them). */
  async knownConflicts(q: Queryable, kind: RecordKind, ids: readonly number[]): Promise<Set<string>> {
    if (ids.length === 0) return new Set();
    const { rows } = await q.query<{ entity_id: number; field: string; proposed_hash: string | null }>(
      `SELECT entity_id, field, proposed_hash FROM registry_conflicts
       WHERE entity_type = $1 AND entity_id = ANY($2::bigint[]) AND status IN ('open', 'kept')`,
      [kind, ids],
    );
    return new Set(rows.map((r) => `${r.entity_id}|${r.field}|${r.proposed_hash ?? ''}`));
  }

  /** Records disagreements for a person to resolve. */
  async insertConflicts(
    q: Queryable,
    kind: RecordKind,
    batchId: number,
    at: Date,
    cs: readonly NewConflict[],
  ): Promise<void> {
    if (cs.length === 0) return;
    await q.query(
      `INSERT INTO registry_conflicts (entity_type, entity_id, field, grid_code, current_masked, proposed_enc,
         proposed_hash, proposed_masked, batch_id, row_no, created_at)
       SELECT $1, u.entity_id, u.field, u.grid_code, u.current_masked, u.proposed_enc, u.proposed_hash,
         u.proposed_masked, $2, u.row_no, $3
       FROM unnest($4::bigint[], $5::text[], $6::text[], $7::text[], $8::text[], $9::text[], $10::text[], $11::int[])
         AS u(entity_id, field, grid_code, current_masked, proposed_enc, proposed_hash, proposed_masked, row_no)`,
      [
        kind,
        batchId,
        at,
        cs.map((c) => c.entityId),
        cs.map((c) => c.field),
        cs.map((c) => c.gridCode),
        cs.map((c) => c.currentMasked),
        cs.map((c) => c.proposedEnc),
        cs.map((c) => c.proposedHash),
        cs.map((c) => c.proposedMasked),
        cs.map((c) => c.rowNo),
      ],
    );
  }

  /**
   * Applies a conflict's proposed value (the "replace" decision). References and locations carry
   * the grid with them; a household's members follow its grid.
   */
  async applyConflict(
    q: Queryable,
    spec: RecordKindSpec,
    c: {
      entityId: number;
      field: string;
      proposedEnc: string | null;
      proposedHash: string | null;
      proposedMasked: string | null;
    },
  ): Promise<void> {
    const sealed = spec.sealed.find((f) => f.field === c.field);
    const plain = spec.plain.find((f) => f.field === c.field);
    if (sealed) {
      await q.query(
        `UPDATE ${spec.table} SET ${sealed.stem}_enc = $2, ${sealed.stem}_hash = $3, ${sealed.stem}_masked = $4 WHERE id = $1`,
        [c.entityId, c.proposedEnc, c.proposedHash, c.proposedMasked],
      );
    } else if (plain) {
      await q.query(
        `UPDATE ${spec.table} SET ${plain.column} = $2::${spec.columns[plain.column]} WHERE id = $1`,
        [c.entityId, c.proposedHash],
      );
    } else if (c.field === 'location') {
      const [lng, lat, grid] = (c.proposedHash ?? '').split(',');
      await q.query(`UPDATE ${spec.table} SET lng = $2, lat = $3, grid_code = $4 WHERE id = $1`, [
        c.entityId,
        Number(lng),
        Number(lat),
        grid ? grid : null,
      ]);
    } else if (c.field === 'address' || c.field === 'building') {
      const ref = c.field === 'address' ? 'addresses' : 'buildings';
      // A household takes its grid from its building, else from its address; others keep their point's.
      const grid =
        spec.kind === 'household'
          ? `, grid_code = coalesce((SELECT grid_code FROM buildings WHERE id = ${c.field === 'building' ? '$2::bigint' : 't.building_id'}),
               (SELECT grid_code FROM addresses WHERE id = ${c.field === 'address' ? '$2::bigint' : 't.address_id'}), t.grid_code)`
          : '';
      await q.query(
        `UPDATE ${spec.table} t SET ${c.field}_id = r.id${grid} FROM ${ref} r WHERE t.id = $1 AND r.id = $2::bigint`,
        [c.entityId, c.proposedHash],
      );
    }
    if (spec.kind === 'household') await this.householdGridToMembers(q, [c.entityId]);
  }

  /** Records of a kind inside the scope (and `within`, `key`), masked, with their provenance. */
  async list(
    q: Queryable,
    scope: AreaScope,
    spec: RecordKindSpec,
    f: { within?: string; key?: string; limit: number; offset: number },
  ): Promise<{ items: RecordSummary[]; total: number }> {
    const params: unknown[] = [];
    const where = [scopeSql(scope, 't.grid_code', params)];
    if (f.within) {
      params.push(`${f.within}%`);
      where.push(`t.grid_code LIKE $${params.length}`);
    }
    if (f.key) {
      params.push(f.key);
      where.push(`t.${spec.keyColumn} = $${params.length}`);
    }
    const cond = where.join(' AND ');
    const total = await q.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM ${spec.table} t WHERE ${cond}`,
      params,
    );
    const { sql, fields } = selectList(spec);
    params.push(f.limit, f.offset);
    const { rows } = await q.query<LoadedRow>(
      `SELECT ${sql} FROM ${spec.table} t WHERE ${cond} ORDER BY t.id
       LIMIT $${params.length - 1} OFFSET $${params.length}`,
      params,
    );
    const ids = rows.map((r) => Number(r.id));
    const prov = new Map<number, ProvenanceEntry[]>();
    if (ids.length > 0) {
      const { rows: pv } = await q.query<{
        entity_id: number;
        source: string;
        file_name: string;
        row_no: number;
        imported_at: Date;
        fields: string[];
      }>(
        `SELECT v.entity_id, b.source, b.file_name, v.row_no, b.imported_at, v.fields
         FROM registry_provenance v JOIN registry_batches b ON b.id = v.batch_id
         WHERE v.entity_type = $1 AND v.entity_id = ANY($2::bigint[]) ORDER BY b.imported_at, v.id`,
        [spec.kind, ids],
      );
      for (const p of pv) {
        const list = prov.get(Number(p.entity_id)) ?? [];
        list.push({
          source: p.source,
          fileName: p.file_name,
          rowNo: p.row_no,
          importedAt: p.imported_at,
          fields: p.fields,
        });
        prov.set(Number(p.entity_id), list);
      }
    }
    return {
      items: rows.map((r) => {
        const stored = toStored(fields, r);
        const values: Record<string, string | null> = {};
        for (const fd of fields) values[fd] = stored.values.get(fd)?.shown ?? null;
        return {
          id: stored.id,
          key: stored.key,
          gridCode: stored.gridCode,
          values,
          provenance: prov.get(stored.id) ?? [],
        };
      }),
      total: total.rows[0]?.n ?? 0,
    };
  }
}
