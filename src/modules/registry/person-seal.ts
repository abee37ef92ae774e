/**
 * Sealing of validated person rows: encryption, keyed hashes and masks (PIPL Art. 51). Kept apart
 * from validation so the seal worker threads load only this and lib/privacy.
 */
import { type FieldCipher, maskIdNumber, maskName, maskPhone } from '../../lib/privacy.js';
import type { StagedPerson, ValidPerson } from './person.types.js';

/** Seals one valid row: after this, the clear values are no longer needed. */
export function sealPerson(p: ValidPerson, c: FieldCipher): StagedPerson {
  return {
    rowNo: p.rowNo,
    idHash: c.lookupHash(p.idNumber),
    idEnc: c.encrypt(p.idNumber),
    idMasked: maskIdNumber(p.idNumber),
    nameEnc: p.name === null ? null : c.encrypt(p.name),
    nameHash: p.name === null ? null : c.lookupHash(p.name),
    nameMasked: p.name === null ? null : maskName(p.name),
    phoneEnc: p.phone === null ? null : c.encrypt(p.phone),
    phoneHash: p.phone === null ? null : c.lookupHash(p.phone),
    phoneMasked: p.phone === null ? null : maskPhone(p.phone),
    gender: p.gender,
    birthYear: p.birthYear,
    residenceType: p.residenceType,
    householdId: p.householdId,
    gridCode: p.gridCode,
    fields: p.fields,
  };
}
