/** The shapes a person row takes on its way from a department's file to the staging table. */

/** residence type of the real population: 户籍 registered, 常住 permanent, 流动 floating. */
export type ResidenceType = 'registered' | 'permanent' | 'floating';

/** A row that passed validation, ready for the staging table. */
export interface StagedPerson {
  rowNo: number;
  idHash: string;
  idEnc: string;
  idMasked: string;
  nameEnc: string | null;
  nameHash: string | null;
  nameMasked: string | null;
  phoneEnc: string | null;
  phoneHash: string | null;
  phoneMasked: string | null;
  gender: 'male' | 'female';
  birthYear: number;
  residenceType: ResidenceType | null;
  householdId: number | null;
  gridCode: string | null;
  /** The fields this row supplied (its provenance). */
  fields: string[];
}

/** A row that passed validation, still in clear: lives only in memory until sealPerson. */
export interface ValidPerson {
  rowNo: number;
  idNumber: string;
  name: string | null;
  phone: string | null;
  gender: 'male' | 'female';
  birthYear: number;
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
