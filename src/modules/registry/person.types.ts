/** The shapes a person row takes on its way from a department's file to the staging table. */

/** residence type of the real population: 户籍 registered, 常住 permanent, 流动 floating. */
export type ResidenceType = 'registered' | 'permanent' | 'floating';

/** The document a person's number belongs to. */
export type IdKind = 'id_card' | 'passport';

/** A row that passed validation, ready for the staging table. */
export interface StagedPerson {
  rowNo: number;
  /** What the identity number is: a resident ID card, a passport, or none given. */
  idKind: IdKind | null;
  /** A resident ID number that passes GB 11643 (a mistyped digit is kept, never valid). */
  idValid: boolean;
  idHash: string | null;
  idEnc: string | null;
  idMasked: string | null;
  nameEnc: string | null;
  nameHash: string | null;
  nameMasked: string | null;
  phoneEnc: string | null;
  phoneHash: string | null;
  phoneMasked: string | null;
  addressEnc: string | null;
  addressHash: string | null;
  addressMasked: string | null;
  birthDateEnc: string | null;
  gender: 'male' | 'female' | null;
  birthYear: number | null;
  residenceType: ResidenceType | null;
  householdId: number | null;
  gridCode: string | null;
  /** The fields this row supplied (its provenance). */
  fields: string[];
}

/** A row that passed validation, still in clear: lives only in memory until sealPerson. */
export interface ValidPerson {
  rowNo: number;
  idNumber: string | null;
  idKind: IdKind | null;
  idValid: boolean;
  name: string | null;
  phone: string | null;
  address: string | null;
  /** YYYY-MM-DD as the file gave it (from a birth-date column). */
  birthDate: string | null;
  gender: 'male' | 'female' | null;
  birthYear: number | null;
  residenceType: ResidenceType | null;
  householdId: number | null;
  gridCode: string | null;
  fields: string[];
}

/** Why a row (or one of its fields) was refused; never carries the personal value itself. */
export interface Rejection {
  row: number;
  field: string;
  reason: string;
}
