/**
 * Sealing of validated person rows: encryption, keyed hashes and masks (PIPL Art. 51). Kept apart
 * from validation so the seal worker threads load only this and lib/privacy.
 */
import { type FieldCipher, maskAddress, maskIdNumber, maskName, maskPhone } from '../../lib/privacy.js';
import type { StagedPerson, ValidPerson } from './person.types.js';

/**
 * What the keyed hash of a number is taken over: an ID card's number itself (as before), a
 * passport's with a prefix, so the two documents' numbers never collide.
 */
export function idKey(kind: 'id_card' | 'passport' | null, n: string): string {
  return kind === 'passport' ? `passport:${n}` : n;
}

/** Seals one valid row: after this, the clear values are no longer needed. */
export function sealPerson(p: ValidPerson, c: FieldCipher): StagedPerson {
  return {
    rowNo: p.rowNo,
    idKind: p.idKind,
    idValid: p.idValid,
    idHash: p.idNumber === null ? null : c.lookupHash(idKey(p.idKind, p.idNumber)),
    idEnc: p.idNumber === null ? null : c.encrypt(p.idNumber),
    idMasked: p.idNumber === null ? null : maskIdNumber(p.idNumber),
    nameEnc: p.name === null ? null : c.encrypt(p.name),
    nameHash: p.name === null ? null : c.lookupHash(p.name),
    nameMasked: p.name === null ? null : maskName(p.name),
    phoneEnc: p.phone === null ? null : c.encrypt(p.phone),
    phoneHash: p.phone === null ? null : c.lookupHash(p.phone),
    phoneMasked: p.phone === null ? null : maskPhone(p.phone),
    addressEnc: p.address === null ? null : c.encrypt(p.address),
    addressHash: p.address === null ? null : c.lookupHash(p.address),
    addressMasked: p.address === null ? null : maskAddress(p.address),
    birthDateEnc: p.birthDate === null ? null : c.encrypt(p.birthDate),
    gender: p.gender,
    birthYear: p.birthYear,
    residenceType: p.residenceType,
    householdId: p.householdId,
    gridCode: p.gridCode,
    fields: p.fields,
  };
}
