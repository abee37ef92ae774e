/**
 * The import pipeline of standard addresses, buildings, households and organisations (files of
 * small and medium size; people keep their own bulk pipeline in person-import.ts). Two steps:
 *
 * 1. `readRecordFile` (outside any transaction): every row is validated and its personal values
 *    sealed (record-kinds.ts); bad rows go to the rejection report.
 * 2. `mergeRecordBatch` (inside the caller's transaction, after the points were located):
 *    references to standard addresses and buildings are resolved (grid and point inherited),
 *    then rows merge on the kind's natural key in file order — the first row of an unknown key
 *    creates the record, every later row (or a row of a known key) fills empty fields and turns
 *    disagreements into `registry_conflicts` instead of overwriting; every row that lands
 *    leaves a `registry_provenance` entry. Same semantics as the people merge.
 */

import type { Queryable } from '../../db/db.js';
import type { Progress } from '../../kernel/progress.js';
import type { FieldCipher } from '../../lib/privacy.js';
import type { Rejection } from './person.types.js';
import type { NewConflict, PlaceRef, RecordRepository, StoredRecord } from './record.repository.js';
import {
  type FieldValue,
  hasKeyColumn,
  locationValue,
  type ParsedRecordRow,
  parseRecordRow,
  type RecordKindSpec,
  sameValue,
} from './record-kinds.js';
import { RegistryErrors } from './registry.errors.js';
import type { BatchRepository } from './registry-batch.repository.js';
import type { TableRow } from './tabular-file.js';

/** A parsed row whose point (if any) has been located: `pointGrid` is its unit grid. */
export interface LocatedRecordRow extends ParsedRecordRow {
  pointGrid?: string;
}

/** What one batch of records did (the people import reports the same numbers). */
export interface RecordBatchOutcome {
  created: number;
  merged: number;
  filled: number;
  conflicts: number;
  rejections: Rejection[];
}

function isCsvError(err: unknown): err is Error & { code: string } {
  return err instanceof Error && 'code' in err && typeof err.code === 'string' && err.code.startsWith('CSV_');
}

/**
 * Reads and validates every row of a file of `spec` records. Throws when the file cannot be
 * read or lacks the key column; nothing has been written then.
 */
export async function readRecordFile(
  spec: RecordKindSpec,
  rows: AsyncIterable<TableRow> | Iterable<TableRow>,
  deps: { cipher: FieldCipher; progress?: Progress },
): Promise<{ rows: number; parsed: ParsedRecordRow[]; rejections: Rejection[] }> {
  const parsed: ParsedRecordRow[] = [];
  const rejections: Rejection[] = [];
  let count = 0;
  try {
    for await (const row of rows) {
      if (count === 0 && !hasKeyColumn(spec, row.headers)) {
        throw RegistryErrors.MissingColumn({ params: { column: spec.keyNames.join(' / ') } });
      }
      count++;
      const out = parseRecordRow(spec, row, deps.cipher);
      if (Array.isArray(out)) rejections.push(...out);
      else parsed.push(out);
      deps.progress?.tick(1);
    }
  } catch (err) {
    if (isCsvError(err)) throw RegistryErrors.UnreadableFile({ params: { detail: err.message } });
    throw err;
  }
  return { rows: count, parsed, rejections };
}

/** A record while the batch is merged: stored, or new (inserted at the end). */
interface Working {
  key: string;
  id: number | null;
  gridCode: string | null;
  values: Map<string, { compare: string; shown: string | null }>;
  /** New records: every column to insert. Existing ones: the columns filled from this file. */
  set: Record<string, string | number | null>;
  isNew: boolean;
  gridFilled: boolean;
  conflictKeys: Set<string>;
}

/** A row with its references resolved into values, and the grid it implies. */
interface ResolvedRow {
  row: LocatedRecordRow;
  fields: Map<string, FieldValue>;
  gridCode: string | null;
}

function ref(id: number, shown: string | null): FieldValue {
  return { set: {}, compare: String(id), shown: shown ?? `#${id}` };
}

/** Why a row cannot create a record of the kind (the fields a new record needs), or null. */
function newRecordProblem(spec: RecordKindSpec, r: ResolvedRow): Omit<Rejection, 'row'> | null {
  const need = (field: string, reason: string) => (r.fields.has(field) ? null : { field, reason });
  switch (spec.kind) {
    case 'address':
      return need('text', 'required for a new standard address');
    case 'building':
      return (
        need('name', 'required for a new building') ??
        need('location', 'required for a new building: give lng/lat or an address_code with coordinates')
      );
    case 'household':
      return r.fields.has('building') || r.fields.has('address')
        ? null
        : {
            field: 'address_code',
            reason: 'required for a new household: give building_code or address_code',
          };
    case 'organisation':
      return (
        need('name', 'required for a new organisation') ??
        need('location', 'required for a new organisation: give lng/lat or an address_code with coordinates')
      );
  }
}

/**
 * Merges the located rows of one batch inside `tx` (see the file comment). Rows referring to an
 * unknown address or building, or unable to create a record they would have to create, are
 * rejected; the rest land.
 */
export async function mergeRecordBatch(
  tx: Queryable,
  repos: { records: RecordRepository; batches: BatchRepository },
  input: { spec: RecordKindSpec; batchId: number; at: Date; rows: readonly LocatedRecordRow[] },
): Promise<RecordBatchOutcome> {
  const { spec, batchId, at } = input;
  const { records } = repos;
  await records.lockKind(tx, spec.kind);
  const rejections: Rejection[] = [];
  const unique = (xs: Array<string | undefined>) => [
    ...new Set(xs.filter((x): x is string => x !== undefined)),
  ];
  const addresses = await records.addressesByCode(tx, unique(input.rows.map((r) => r.addressCode)));
  const buildings = await records.buildingsByCode(tx, unique(input.rows.map((r) => r.buildingCode)));

  // References → values; the grid comes from the row's own point, else from what it refers to.
  const resolved: ResolvedRow[] = [];
  for (const row of input.rows) {
    const fields = new Map(row.fields);
    const problems: Rejection[] = [];
    let building: PlaceRef | undefined;
    let address: PlaceRef | undefined;
    if (row.buildingCode !== undefined) {
      building = buildings.get(row.buildingCode);
      if (!building) {
        problems.push({
          row: row.rowNo,
          field: 'building_code',
          reason: `building ${row.buildingCode} is not registered`,
        });
      } else
        fields.set('building', { ...ref(building.id, row.buildingCode), set: { building_id: building.id } });
    }
    if (row.addressCode !== undefined) {
      address = addresses.get(row.addressCode);
      if (!address) {
        problems.push({
          row: row.rowNo,
          field: 'address_code',
          reason: `standard address ${row.addressCode} is not registered`,
        });
      } else fields.set('address', { ...ref(address.id, row.addressCode), set: { address_id: address.id } });
    } else if (building?.addressId != null && spec.addressRef) {
      fields.set('address', {
        ...ref(building.addressId, building.addressShown ?? null),
        set: { address_id: building.addressId },
      });
    }
    if (problems.length > 0) {
      rejections.push(...problems);
      continue;
    }
    let gridCode: string | null = null;
    if (row.point && row.pointGrid !== undefined) {
      fields.set('location', locationValue(row.point.lng, row.point.lat, row.pointGrid));
      gridCode = row.pointGrid;
    } else if (spec.located && address && address.lng !== null && address.lat !== null) {
      fields.set('location', locationValue(address.lng, address.lat, address.gridCode));
      gridCode = address.gridCode;
    } else gridCode = building?.gridCode ?? address?.gridCode ?? null;
    resolved.push({ row, fields, gridCode });
  }

  // Stored records of the file's keys; standard addresses without a code yet are matched by text.
  const keys = unique(resolved.map((r) => r.row.key));
  const stored = new Map<string, StoredRecord>();
  for (const s of await records.load(tx, spec, { keys })) if (s.key !== null) stored.set(s.key, s);
  const textOwner = new Map<string, string>();
  const adopted = new Set<string>();
  if (spec.kind === 'address') {
    const byText = await records.addressesByText(
      tx,
      unique(resolved.map((r) => r.fields.get('text')?.compare)),
    );
    const adopt = new Map<number, string>();
    const adopting = new Set<string>();
    for (const r of resolved) {
      const t = r.fields.get('text')?.compare;
      const hit = t === undefined ? undefined : byText.get(t);
      if (!hit) continue;
      if (hit.code !== null) textOwner.set(t!, hit.code);
      else if (!stored.has(r.row.key) && !adopting.has(r.row.key) && !adopt.has(hit.id)) {
        adopt.set(hit.id, r.row.key);
        adopting.add(r.row.key);
      }
    }
    for (const s of await records.load(tx, spec, { ids: [...adopt.keys()] })) {
      const key = adopt.get(s.id)!;
      stored.set(key, { ...s, key });
      adopted.add(key);
      textOwner.set(s.values.get('text')?.compare ?? '', key);
    }
  }
  const known = await records.knownConflicts(
    tx,
    spec.kind,
    [...stored.values()].map((s) => s.id),
  );

  const working = new Map<string, Working>();
  const provenance: Array<{ w: Working; rowNo: number; fields: string[] }> = [];
  const conflicts: Array<Omit<NewConflict, 'entityId' | 'gridCode'> & { w: Working }> = [];
  let created = 0;
  let merged = 0;
  let filled = 0;
  for (const r of resolved) {
    const { key, rowNo } = r.row;
    const text = r.fields.get('text')?.compare;
    if (text !== undefined) {
      const owner = textOwner.get(text);
      if (owner !== undefined && owner !== key) {
        rejections.push({
          row: rowNo,
          field: 'text',
          reason: `is already the text of standard address ${owner}`,
        });
        continue;
      }
    }
    const supplied = [spec.keyField, ...r.fields.keys()];
    let w = working.get(key);
    if (!w) {
      const s = stored.get(key);
      if (!s) {
        const problem = newRecordProblem(spec, r);
        if (problem) {
          rejections.push({ row: rowNo, ...problem });
          continue;
        }
        const set: Record<string, string | number | null> = { [spec.keyColumn]: key, grid_code: r.gridCode };
        const values = new Map<string, { compare: string; shown: string | null }>();
        for (const [f, v] of r.fields) {
          Object.assign(set, v.set);
          values.set(f, { compare: v.compare, shown: v.shown });
        }
        w = {
          key,
          id: null,
          gridCode: r.gridCode,
          values,
          set,
          isNew: true,
          gridFilled: false,
          conflictKeys: new Set(),
        };
        working.set(key, w);
        if (text !== undefined) textOwner.set(text, key);
        created++;
        provenance.push({ w, rowNo, fields: supplied });
        continue;
      }
      w = {
        key,
        id: s.id,
        gridCode: s.gridCode,
        values: new Map(s.values),
        set: adopted.has(key) ? { [spec.keyColumn]: key } : {},
        isNew: false,
        gridFilled: false,
        conflictKeys: new Set(),
      };
      working.set(key, w);
    }
    merged++;
    for (const [field, v] of r.fields) {
      const cur = w.values.get(field);
      if (!cur) {
        w.values.set(field, { compare: v.compare, shown: v.shown });
        Object.assign(w.set, v.set);
        if (field === 'text' && text !== undefined) textOwner.set(text, key);
        if ('grid_code' in v.set) {
          w.gridCode = (v.set.grid_code as string | null) ?? w.gridCode;
          w.gridFilled = !w.isNew;
        }
        filled++;
      } else if (!sameValue(field, cur.compare, v.compare)) {
        const proposed = v.proposed ?? v.compare;
        const ck = `${field}|${proposed}`;
        if (w.conflictKeys.has(ck) || (w.id !== null && known.has(`${w.id}|${ck}`))) continue;
        w.conflictKeys.add(ck);
        conflicts.push({
          w,
          field,
          currentMasked: cur.shown,
          proposedEnc: v.enc ?? null,
          proposedHash: proposed,
          proposedMasked: v.shown,
          rowNo,
        });
      }
    }
    if (w.gridCode === null && r.gridCode !== null) {
      w.gridCode = r.gridCode;
      w.set.grid_code = r.gridCode;
      w.gridFilled = !w.isNew;
    }
    provenance.push({ w, rowNo, fields: supplied });
  }

  const all = [...working.values()];
  const fresh = all.filter((w) => w.isNew);
  const ids = await records.insert(
    tx,
    spec,
    fresh.map((w) => w.set),
  );
  for (const w of fresh) w.id = ids.get(w.key) ?? null;
  const idOf = (w: Working): number => {
    if (w.id === null) throw new Error(`${spec.kind} ${w.key} was not inserted`);
    return w.id;
  };
  await records.update(
    tx,
    spec,
    all.filter((w) => !w.isNew && Object.keys(w.set).length > 0).map((w) => ({ id: idOf(w), set: w.set })),
  );
  if (spec.kind === 'household') {
    await records.householdGridToMembers(tx, all.filter((w) => w.gridFilled).map(idOf));
  }
  await records.insertConflicts(
    tx,
    spec.kind,
    batchId,
    at,
    conflicts.map(({ w, ...c }) => ({ ...c, entityId: idOf(w), gridCode: w.gridCode })),
  );
  await repos.batches.insertProvenance(
    tx,
    spec.kind,
    batchId,
    provenance.map((p) => ({ entityId: idOf(p.w), rowNo: p.rowNo, fields: p.fields })),
  );
  rejections.sort((a, b) => a.row - b.row);
  return { created, merged, filled, conflicts: conflicts.length, rejections };
}
