/**
 * One row of a department's population file → a staged person, or the reasons it is rejected.
 * Personal values leave this function only encrypted, hashed and masked (PIPL Art. 51).
 */
import { type FieldCipher, normalisePhone } from '../../lib/privacy.js';
import { idNumberFacts, idNumberProblem, normaliseIdNumber } from './id-number.js';
import type { IdKind, Rejection, ResidenceType, StagedPerson, ValidPerson } from './person.types.js';
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
  passport: ['passport', 'passport_no', '护照号', '护照号码'],
  address: ['address', '地址', '住址', '居住地址', '现住址'],
  birthDate: ['birth_date', 'birthDate', '出生日期'],
  gender: ['gender', 'sex', '性别'],
} as const;

const GENDER: Record<string, 'male' | 'female'> = {
  male: 'male',
  female: 'female',
  m: 'male',
  f: 'female',
  男: 'male',
  女: 'female',
};

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

/**
 * True when the header row carries a column that can identify a person: an identity number, a
 * passport, or (floating population) a phone or an address. Without one nothing can be matched.
 */
export function hasIdColumn(headers: readonly string[]): boolean {
  return (
    hasColumn(headers, PERSON_COLUMNS.idNumber) ||
    hasColumn(headers, PERSON_COLUMNS.passport) ||
    hasColumn(headers, PERSON_COLUMNS.phone) ||
    hasColumn(headers, PERSON_COLUMNS.address)
  );
}

/** `YYYY-MM-DD`, `YYYY/MM/DD` or `YYYYMMDD` → `YYYY-MM-DD`, or null when it is no date. */
function birthDateOf(raw: string): string | null {
  const m = /^(\d{4})[-/.]?(\d{1,2})[-/.]?(\d{1,2})$/.exec(raw.trim());
  if (!m) return null;
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  if (mo < 1 || mo > 12 || d < 1 || d > 31 || y < 1900 || y > 2100) return null;
  return `${m[1]}-${String(mo).padStart(2, '0')}-${String(d).padStart(2, '0')}`;
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
  const name = pick(v, PERSON_COLUMNS.name);
  const nameIssue = name === undefined ? null : personNameProblem(name);
  if (nameIssue) problems.push({ row: row.rowNo, field: 'name', reason: nameIssue });
  const phoneRaw = pick(v, PERSON_COLUMNS.phone);
  const phone = phoneRaw === undefined ? undefined : normalisePhone(phoneRaw);
  const phoneIssue = phone === undefined ? null : phoneProblem(phone);
  if (phoneIssue) problems.push({ row: row.rowNo, field: 'phone', reason: phoneIssue });
  const address = pick(v, PERSON_COLUMNS.address)?.trim();
  if (address !== undefined && address.length > 200) {
    problems.push({ row: row.rowNo, field: 'address', reason: 'is longer than 200 characters' });
  }
  const birthRaw = pick(v, PERSON_COLUMNS.birthDate);
  const birthDate = birthRaw === undefined ? null : birthDateOf(birthRaw);
  if (birthRaw !== undefined && birthDate === null) {
    problems.push({ row: row.rowNo, field: 'birth_date', reason: 'is not a date (YYYY-MM-DD)' });
  }
  const genderRaw = pick(v, PERSON_COLUMNS.gender);
  const genderGiven = genderRaw === undefined ? null : (GENDER[genderRaw.toLowerCase()] ?? null);
  if (genderRaw !== undefined && genderGiven === null) {
    problems.push({ row: row.rowNo, field: 'gender', reason: 'must be male/female (男/女)' });
  }
  // A row without a usable identity number still identifies a person (floating population)
  // when it has a name and a valid phone or an address; the linkage decides who it is.
  const otherwiseIdentified =
    name !== undefined && !nameIssue && ((phone !== undefined && !phoneIssue) || address !== undefined);
  const rawId = pick(v, PERSON_COLUMNS.idNumber);
  const id = rawId === undefined ? undefined : normaliseIdNumber(rawId);
  const passportRaw = pick(v, PERSON_COLUMNS.passport);
  const passport = passportRaw === undefined ? undefined : normaliseIdNumber(passportRaw);
  let idKind: IdKind | null = null;
  let idValid = false;
  let idNumber: string | null = null;
  if (id !== undefined) {
    const p = idNumberProblem(id, deps.asOf);
    if (p === null) {
      idKind = 'id_card';
      idValid = true;
      idNumber = id;
    } else if (otherwiseIdentified && /^\d{17}[\dX]$/.test(id)) {
      // A mistyped digit: kept as an unverified number for the linkage, never as a valid one.
      idKind = 'id_card';
      idNumber = id;
    } else problems.push({ row: row.rowNo, field: 'id_number', reason: p });
  } else if (passport !== undefined) {
    if (/^[A-Z0-9]{5,20}$/.test(passport)) {
      idKind = 'passport';
      idNumber = passport;
    } else problems.push({ row: row.rowNo, field: 'passport', reason: 'must be 5 to 20 letters or digits' });
  } else if (!otherwiseIdentified) problems.push({ row: row.rowNo, field: 'id_number', reason: 'missing' });
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
  if (problems.length > 0) return problems;

  const fields: string[] = [];
  if (idKind === 'id_card') fields.push('id_number');
  if (idKind === 'passport') fields.push('passport');
  if (name !== undefined) fields.push('name');
  if (phone !== undefined) fields.push('phone');
  if (address !== undefined) fields.push('address');
  if (birthDate !== null) fields.push('birth_date');
  if (residenceType !== null) fields.push('residence_type');
  if (household) fields.push('household');
  const facts = idValid && idNumber !== null ? idNumberFacts(idNumber) : undefined;
  return {
    rowNo: row.rowNo,
    idNumber,
    idKind,
    idValid,
    name: name ?? null,
    phone: phone ?? null,
    address: address ?? null,
    birthDate,
    gender: facts?.gender ?? genderGiven,
    birthYear: facts?.birthYear ?? (birthDate ? Number(birthDate.slice(0, 4)) : null),
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
