/**
 * The base-data kinds besides people (一标三实: standard addresses, buildings, households,
 * organisations) as department files describe them: which columns a department may use, the
 * natural key each kind merges on, and how one row becomes values to store and compare — or the
 * reasons it is rejected. Personal values (household head, organisation contact phone) leave
 * this file only encrypted, hashed and masked (PIPL Art. 51). Pure: no database.
 */
import { type FieldCipher, maskName, maskPhone, normalisePhone } from '../../lib/privacy.js';
import { creditCodeProblem, normaliseCreditCode } from './credit-code.js';
import type { Rejection } from './person.types.js';
import { personNameProblem, phoneProblem, pick, pointOf } from './registry-fields.js';
import type { TableRow } from './tabular-file.js';

/** Base-data kinds imported by record-import.ts (people have their own bulk pipeline). */
export type RecordKind = 'address' | 'building' | 'household' | 'organisation';

/** Every record kind, in the order a city usually loads them (addresses first: others refer to them). */
export const RECORD_KINDS: readonly RecordKind[] = ['address', 'building', 'household', 'organisation'];

/** SQL type of a stored column (for unnest casts). */
export type ColumnType = 'text' | 'int' | 'bigint' | 'float8';

/** One value a row supplies for one field, ready to store and to compare with another source's. */
export interface FieldValue {
  /** Table columns the value sets. */
  set: Record<string, string | number | null>;
  /** What sources are compared on: the keyed hash of a personal value, else the value as text. */
  compare: string;
  /** Display form (masked for personal values); a conflict shows it. */
  shown: string;
  /** Ciphertext of a personal value (kept in a conflict until someone decides). */
  enc?: string;
  /** What a conflict stores to apply the value later (default: `compare`). */
  proposed?: string;
}

/** A row that passed validation; references and the point are resolved in the transaction. */
export interface ParsedRecordRow {
  rowNo: number;
  key: string;
  /** Plain and personal fields the row supplies, by field name. */
  fields: Map<string, FieldValue>;
  addressCode?: string;
  buildingCode?: string;
  point?: { lng: number; lat: number };
}

interface PlainField {
  field: string;
  names: readonly string[];
  column: string;
  /** The value to store, or why it cannot be. */
  read: (raw: string) => string | number | { problem: string };
}

interface SealedField {
  field: string;
  names: readonly string[];
  /** Column stem: `<stem>_enc`, `<stem>_hash`, `<stem>_masked`. */
  stem: string;
  normalise: (raw: string) => string;
  problem: (v: string) => string | null;
  mask: (v: string) => string;
}

/** What one kind of record is, for import, merge and display. */
export interface RecordKindSpec {
  kind: RecordKind;
  table: 'addresses' | 'buildings' | 'households' | 'organisations';
  /** Column holding the natural key, and the field name rejections and provenance use for it. */
  keyColumn: string;
  keyField: string;
  keyNames: readonly string[];
  normaliseKey: (raw: string) => string;
  keyProblem: (key: string) => string | null;
  plain: readonly PlainField[];
  sealed: readonly SealedField[];
  /** Column names of the referenced standard address / building, if the kind refers to them. */
  addressRef?: readonly string[];
  buildingRef?: readonly string[];
  /** Whether the kind has its own point (lng/lat, located into a grid). */
  located: boolean;
  /** Every stored column and its type (new records are inserted with all of them). */
  columns: Readonly<Record<string, ColumnType>>;
}

const CODE = /^[0-9A-Z][0-9A-Z-]{3,39}$/;
const normaliseCode = (raw: string) => raw.replace(/\s+/g, '').toUpperCase();
const codeProblem = (code: string) =>
  CODE.test(code) ? null : 'must be 4–40 characters: digits, Latin letters and hyphens';

const text =
  (max: number) =>
  (raw: string): string | { problem: string } =>
    raw.length > max || /[<>]/.test(raw) ? { problem: `must be text of at most ${max} characters` } : raw;

const ADDRESS_CODE_NAMES = ['address_code', 'addressCode', '地址编码', '标准地址编码'] as const;
const BUILDING_CODE_NAMES = ['building_code', 'buildingCode', '建筑物编码', '房屋编码', '楼栋编码'] as const;

const PHONE: Omit<SealedField, 'field' | 'names' | 'stem'> = {
  normalise: normalisePhone,
  problem: phoneProblem,
  mask: maskPhone,
};

/** The four kinds. Column aliases: English snake/camel case and the Chinese headers departments use. */
export const RECORD_SPECS: Readonly<Record<RecordKind, RecordKindSpec>> = {
  address: {
    kind: 'address',
    table: 'addresses',
    keyColumn: 'code',
    keyField: 'address_code',
    keyNames: [...ADDRESS_CODE_NAMES, 'code'],
    normaliseKey: normaliseCode,
    keyProblem: codeProblem,
    plain: [
      {
        field: 'text',
        names: ['text', 'address', '标准地址', '地址', '地址名称'],
        column: 'text',
        read: text(200),
      },
    ],
    sealed: [],
    located: true,
    columns: { code: 'text', text: 'text', lng: 'float8', lat: 'float8', grid_code: 'text' },
  },
  building: {
    kind: 'building',
    table: 'buildings',
    keyColumn: 'code',
    keyField: 'building_code',
    keyNames: [...BUILDING_CODE_NAMES, 'code'],
    normaliseKey: normaliseCode,
    keyProblem: codeProblem,
    plain: [
      {
        field: 'name',
        names: ['name', 'building_name', '建筑物名称', '楼栋名称', '名称'],
        column: 'name',
        read: text(100),
      },
      {
        field: 'floors',
        names: ['floors', '层数', '地上层数'],
        column: 'floors',
        read: (raw) => {
          const n = Number(raw);
          return Number.isInteger(n) && n >= 1 && n <= 200 ? n : { problem: 'must be a whole number 1–200' };
        },
      },
      { field: 'use', names: ['use', '用途', '房屋用途'], column: 'use', read: text(40) },
    ],
    sealed: [],
    addressRef: ADDRESS_CODE_NAMES,
    located: true,
    columns: {
      code: 'text',
      name: 'text',
      address_id: 'bigint',
      grid_code: 'text',
      lng: 'float8',
      lat: 'float8',
      floors: 'int',
      use: 'text',
    },
  },
  household: {
    kind: 'household',
    table: 'households',
    keyColumn: 'household_no',
    keyField: 'household_no',
    keyNames: ['household_no', 'householdNo', '户号'],
    normaliseKey: normaliseCode,
    keyProblem: codeProblem,
    plain: [{ field: 'room', names: ['room', '房间号', '室号'], column: 'room', read: text(20) }],
    sealed: [
      {
        field: 'head_name',
        names: ['head_name', 'headName', '户主姓名', '户主'],
        stem: 'head_name',
        normalise: (raw) => raw.trim(),
        problem: personNameProblem,
        mask: maskName,
      },
      {
        field: 'head_phone',
        names: ['head_phone', 'headPhone', '户主电话', '联系电话', '电话'],
        stem: 'head_phone',
        ...PHONE,
      },
    ],
    addressRef: ADDRESS_CODE_NAMES,
    buildingRef: BUILDING_CODE_NAMES,
    located: false,
    columns: {
      household_no: 'text',
      building_id: 'bigint',
      address_id: 'bigint',
      room: 'text',
      grid_code: 'text',
      head_name_enc: 'text',
      head_name_hash: 'text',
      head_name_masked: 'text',
      head_phone_enc: 'text',
      head_phone_hash: 'text',
      head_phone_masked: 'text',
    },
  },
  organisation: {
    kind: 'organisation',
    table: 'organisations',
    keyColumn: 'credit_code',
    keyField: 'credit_code',
    keyNames: ['credit_code', 'creditCode', '统一社会信用代码', '信用代码'],
    normaliseKey: normaliseCreditCode,
    keyProblem: creditCodeProblem,
    plain: [
      { field: 'name', names: ['name', '单位名称', '企业名称', '名称'], column: 'name', read: text(200) },
      { field: 'kind', names: ['kind', 'type', '单位类型', '类型'], column: 'kind', read: text(40) },
    ],
    sealed: [
      {
        field: 'contact_phone',
        names: ['contact_phone', 'contactPhone', 'phone', '联系电话', '电话'],
        stem: 'contact_phone',
        ...PHONE,
      },
    ],
    addressRef: ADDRESS_CODE_NAMES,
    located: true,
    columns: {
      credit_code: 'text',
      name: 'text',
      address_id: 'bigint',
      grid_code: 'text',
      lng: 'float8',
      lat: 'float8',
      kind: 'text',
      contact_phone_enc: 'text',
      contact_phone_hash: 'text',
      contact_phone_masked: 'text',
    },
  },
};

/** The kind a CLI argument or query parameter names (English or Chinese), or null. */
export function recordKindOf(name: string): RecordKind | null {
  const aliases: Record<string, RecordKind> = {
    address: 'address',
    addresses: 'address',
    地址: 'address',
    标准地址: 'address',
    building: 'building',
    buildings: 'building',
    房屋: 'building',
    建筑物: 'building',
    household: 'household',
    households: 'household',
    户: 'household',
    organisation: 'organisation',
    organisations: 'organisation',
    organization: 'organisation',
    单位: 'organisation',
  };
  return aliases[name.trim().toLowerCase()] ?? null;
}

/** Fields stored for a kind, in a stable order: plain, personal, references, location. */
export function fieldsOf(spec: RecordKindSpec): string[] {
  return [
    ...spec.plain.map((f) => f.field),
    ...spec.sealed.map((f) => f.field),
    ...(spec.addressRef ? ['address'] : []),
    ...(spec.buildingRef ? ['building'] : []),
    ...(spec.located ? ['location'] : []),
  ];
}

/** True when the header row carries the kind's key column (without it nothing can be matched). */
export function hasKeyColumn(spec: RecordKindSpec, headers: readonly string[]): boolean {
  return headers.some((h) => spec.keyNames.includes(h));
}

/** A location value: the point and the grid it lies in (compared with a 10 m tolerance). */
export function locationValue(lng: number, lat: number, gridCode: string | null): FieldValue {
  return {
    set: { lng, lat, grid_code: gridCode },
    compare: `${lng},${lat}`,
    shown: `${lng.toFixed(6)},${lat.toFixed(6)}`,
    proposed: `${lng},${lat},${gridCode ?? ''}`,
  };
}

/** About 10 m: two departments' coordinates of one building closer than this agree. */
const SAME_PLACE_DEGREES = 1e-4;

/** Whether two compared values of a field agree (locations within ~10 m, else exactly). */
export function sameValue(field: string, a: string, b: string): boolean {
  if (field !== 'location') return a === b;
  const [alng = Number.NaN, alat = Number.NaN] = a.split(',').map(Number);
  const [blng = Number.NaN, blat = Number.NaN] = b.split(',').map(Number);
  return Math.abs(alng - blng) <= SAME_PLACE_DEGREES && Math.abs(alat - blat) <= SAME_PLACE_DEGREES;
}

/**
 * Validates and seals one row of a `spec` file. Returns the row's values (references still as
 * codes, the point not yet located) or all its problems; rejections never carry the value.
 */
export function parseRecordRow(
  spec: RecordKindSpec,
  row: TableRow,
  cipher: FieldCipher,
): ParsedRecordRow | Rejection[] {
  const v = row.values;
  const problems: Rejection[] = [];
  const reject = (field: string, reason: string) => problems.push({ row: row.rowNo, field, reason });
  const rawKey = pick(v, spec.keyNames);
  const key = rawKey === undefined ? undefined : spec.normaliseKey(rawKey);
  if (key === undefined || key === '') reject(spec.keyField, 'missing');
  else {
    const p = spec.keyProblem(key);
    if (p) reject(spec.keyField, p);
  }
  const fields = new Map<string, FieldValue>();
  for (const f of spec.plain) {
    const raw = pick(v, f.names);
    if (raw === undefined) continue;
    const value = f.read(raw);
    if (typeof value === 'object') reject(f.field, value.problem);
    else fields.set(f.field, { set: { [f.column]: value }, compare: String(value), shown: String(value) });
  }
  for (const f of spec.sealed) {
    const raw = pick(v, f.names);
    if (raw === undefined) continue;
    const value = f.normalise(raw);
    const p = f.problem(value);
    if (p) {
      reject(f.field, p);
      continue;
    }
    const enc = cipher.encrypt(value);
    const hash = cipher.lookupHash(value);
    const masked = f.mask(value);
    fields.set(f.field, {
      set: { [`${f.stem}_enc`]: enc, [`${f.stem}_hash`]: hash, [`${f.stem}_masked`]: masked },
      compare: hash,
      shown: masked,
      enc,
    });
  }
  const out: ParsedRecordRow = { rowNo: row.rowNo, key: key ?? '', fields };
  for (const [ref, names, field] of [
    ['addressCode', spec.addressRef, 'address_code'],
    ['buildingCode', spec.buildingRef, 'building_code'],
  ] as const) {
    // The key column of an address (building) file is not also a reference to one.
    if (!names || field === spec.keyField) continue;
    const raw = pick(v, names);
    if (raw === undefined) continue;
    const code = normaliseCode(raw);
    const p = codeProblem(code);
    if (p) reject(field, p);
    else out[ref] = code;
  }
  if (spec.located) {
    const point = pointOf(v);
    if (typeof point === 'string') reject('location', point);
    else if (point) out.point = point;
  }
  return problems.length > 0 ? problems : out;
}
