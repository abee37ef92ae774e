/**
 * One row of a department's population file → a staged person, or the reasons it is rejected.
 * Personal values leave this function only encrypted, hashed and masked (PIPL Art. 51).
 */
import { type FieldCipher, normalisePhone } from '../../lib/privacy.js';
import { idNumberFacts, idNumberProblem, normaliseIdNumber } from './id-number.js';
import type { Rejection, ResidenceType, StagedPerson, ValidPerson } from './person.types.js';
import { sealPerson } from './person-seal.js';
import { hasColumn, personNameProblem, phoneProblem, pick } from './registry-fields.js';
import type { TableRow } from './tabular-file.js';

/** Column names departments use, per field (first match wins). */
export const PERSON_COLUMNS = {
  idNumber: ['id_number', 'idNumber', '身份证号', '身份证号码', '公民身份号码', '证件号码'],
  name: ['name', '姓名'],
  phone: ['phone', '电话', '联系电话', '手机号', '手机号码'],
  residenceType: ['residence_type', 'residenceType', '居住类型', '人口类型'],
  householdNo: ['household_no', 'householdNo', '户号'],
} as const;

const RESIDENCE: Record<string, ResidenceType> = {
  registered: 'registered',
  permanent: 'permanent',
  floating: 'floating',
  户籍: 'registered',
  户籍人口: 'registered',
  常住: 'permanent',
  常住人口: 'permanent',
  流动: 'floating',
  流动人口: 'floating',
};

/** True when the header row carries an identity-number column (without it nothing can be matched). */
export function hasIdColumn(headers: readonly string[]): boolean {
  return hasColumn(headers, PERSON_COLUMNS.idNumber);
}

/**
 * Validates one row. `households` resolves a household number to its id and grid. Returns the
 * row's clear values (to be sealed at once, see person-seal.ts) or all its problems.
 */
export function validatePersonRow(
  row: TableRow,
  deps: {
    asOf: Date;
    households: ReadonlyMap<string, { id: number; gridCode: string | null }>;
  },
): ValidPerson | Rejection[] {
  const v = row.values;
  const problems: Rejection[] = [];
  const rawId = pick(v, PERSON_COLUMNS.idNumber);
  const id = rawId === undefined ? undefined : normaliseIdNumber(rawId);
  if (id === undefined) problems.push({ row: row.rowNo, field: 'id_number', reason: 'missing' });
  else {
    const p = idNumberProblem(id, deps.asOf);
    if (p) problems.push({ row: row.rowNo, field: 'id_number', reason: p });
  }
  const name = pick(v, PERSON_COLUMNS.name);
  const nameIssue = name === undefined ? null : personNameProblem(name);
  if (nameIssue) problems.push({ row: row.rowNo, field: 'name', reason: nameIssue });
  const phoneRaw = pick(v, PERSON_COLUMNS.phone);
  const phone = phoneRaw === undefined ? undefined : normalisePhone(phoneRaw);
  const phoneIssue = phone === undefined ? null : phoneProblem(phone);
  if (phoneIssue) problems.push({ row: row.rowNo, field: 'phone', reason: phoneIssue });
  const resRaw = pick(v, PERSON_COLUMNS.residenceType);
  const residenceType =
    resRaw === undefined ? null : (RESIDENCE[resRaw.toLowerCase()] ?? RESIDENCE[resRaw] ?? null);
  if (resRaw !== undefined && residenceType === null) {
    problems.push({
      row: row.rowNo,
      field: 'residence_type',
      reason: 'must be registered/permanent/floating (户籍/常住/流动)',
    });
  }
  const householdNo = pick(v, PERSON_COLUMNS.householdNo);
  const household = householdNo === undefined ? undefined : deps.households.get(householdNo);
  if (householdNo !== undefined && !household) {
    problems.push({
      row: row.rowNo,
      field: 'household_no',
      reason: `household ${householdNo} is not registered`,
    });
  }
  if (problems.length > 0 || id === undefined) return problems;

  const fields = ['id_number'];
  if (name !== undefined) fields.push('name');
  if (phone !== undefined) fields.push('phone');
  if (residenceType !== null) fields.push('residence_type');
  if (household) fields.push('household');
  const facts = idNumberFacts(id);
  return {
    rowNo: row.rowNo,
    idNumber: id,
    name: name ?? null,
    phone: phone ?? null,
    gender: facts.gender,
    birthYear: facts.birthYear,
    residenceType,
    householdId: household?.id ?? null,
    gridCode: household?.gridCode ?? null,
    fields,
  };
}

/** Validates and seals one row (validatePersonRow + sealPerson). */
export function stagePersonRow(
  row: TableRow,
  deps: {
    cipher: FieldCipher;
    asOf: Date;
    households: ReadonlyMap<string, { id: number; gridCode: string | null }>;
  },
): StagedPerson | Rejection[] {
  const valid = validatePersonRow(row, deps);
  return Array.isArray(valid) ? valid : sealPerson(valid, deps.cipher);
}
