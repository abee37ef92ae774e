/**
 * Area codes in the GB/T 30428.1 style: a unit grid code is 15 digits = 6-digit administrative
 * division (GB/T 2260) + 3-digit street + 3-digit community + 3-digit grid sequence. The code of
 * every area is a prefix of the codes of all areas inside it, so scope checks are prefix checks.
 *
 * Levels and lengths:
 *   city       6 digits, division code ending in "00"          e.g. 320500
 *   district   6 digits, division code not ending in "00"      e.g. 320502
 *   street     9 digits  = district + 001..999                 e.g. 320502001
 *   community  12 digits = street + 001..999                   e.g. 320502001003
 *   grid       15 digits = community + 001..999                e.g. 320502001003012
 */

/** The five levels of the grid-management area hierarchy, from the widest to the smallest. */
export type AreaLevel = 'city' | 'district' | 'street' | 'community' | 'grid';

/** Levels in hierarchy order, for iteration and parent/child lookups. */
export const AREA_LEVELS: readonly AreaLevel[] = ['city', 'district', 'street', 'community', 'grid'];

/** Code length per level, so callers can size inputs and columns without re-deriving it. */
export const AREA_CODE_LENGTH: Readonly<Record<AreaLevel, number>> = {
  city: 6,
  district: 6,
  street: 9,
  community: 12,
  grid: 15,
};

/** GB/T 2260 province-level prefixes (first two digits of any division code). */
const PROVINCE_PREFIXES = new Set([
  '11',
  '12',
  '13',
  '14',
  '15',
  '21',
  '22',
  '23',
  '31',
  '32',
  '33',
  '34',
  '35',
  '36',
  '37',
  '41',
  '42',
  '43',
  '44',
  '45',
  '46',
  '50',
  '51',
  '52',
  '53',
  '54',
  '61',
  '62',
  '63',
  '64',
  '65',
  '71',
  '81',
  '82',
]);

const DIGITS = /^[0-9]+$/;

function divisionReason(code: string): string | null {
  if (code.length !== 6 || !DIGITS.test(code)) return 'division code must be exactly 6 digits';
  if (!PROVINCE_PREFIXES.has(code.slice(0, 2))) return `unknown province prefix ${code.slice(0, 2)}`;
  return null;
}

function sequenceReason(part: string, what: string): string | null {
  if (part === '000') return `${what} sequence must be 001..999, got 000`;
  return null;
}

/**
 * Why `code` is not a valid code of `level`, or null when it is; used to validate imports and
 * API input with a message a person can act on.
 */
export function validateAreaCode(level: AreaLevel, code: string): string | null {
  const expected = AREA_CODE_LENGTH[level];
  if (typeof code !== 'string' || !DIGITS.test(code)) return `${level} code must contain digits only`;
  if (code.length !== expected) return `${level} code must have ${expected} digits, got ${code.length}`;
  const division = code.slice(0, 6);
  const divReason = divisionReason(division);
  if (divReason) return divReason;
  const countyPart = division.slice(4, 6);
  if (level === 'city') {
    return countyPart === '00' ? null : 'city code must end in 00 (a district code was given)';
  }
  if (countyPart === '00') return `${level} code must start with a district division code (not ending in 00)`;
  if (level === 'district') return null;
  const street = sequenceReason(code.slice(6, 9), 'street');
  if (street) return street;
  if (level === 'street') return null;
  const community = sequenceReason(code.slice(9, 12), 'community');
  if (community) return community;
  if (level === 'community') return null;
  return sequenceReason(code.slice(12, 15), 'grid');
}

/** The level a code belongs to (by length and shape), or null for something that is no area code. */
export function levelOfCode(code: string): AreaLevel | null {
  let level: AreaLevel;
  switch (code.length) {
    case 6:
      level = code.endsWith('00') ? 'city' : 'district';
      break;
    case 9:
      level = 'street';
      break;
    case 12:
      level = 'community';
      break;
    case 15:
      level = 'grid';
      break;
    default:
      return null;
  }
  return validateAreaCode(level, code) === null ? level : null;
}

/**
 * The code of the enclosing area (grid → community → street → district → city), null for a city;
 * throws on an invalid code so a broken hierarchy is noticed where it is built.
 */
export function parentCode(code: string): string | null {
  const level = levelOfCode(code);
  if (level === null) throw new RangeError(`not a valid area code: ${JSON.stringify(code)}`);
  switch (level) {
    case 'city':
      return null;
    case 'district':
      return `${code.slice(0, 4)}00`;
    case 'street':
      return code.slice(0, 6);
    case 'community':
      return code.slice(0, 9);
    case 'grid':
      return code.slice(0, 12);
  }
}

/** True when `code` is `areaCode` itself or lies inside it: the scope check for area-bound reads. */
export function isWithinArea(areaCode: string, code: string): boolean {
  const level = levelOfCode(areaCode);
  if (level === null || levelOfCode(code) === null) return false;
  const prefix = level === 'city' ? areaCode.slice(0, 4) : areaCode;
  return code.startsWith(prefix);
}

function assertValid(level: AreaLevel, code: string): string {
  const reason = validateAreaCode(level, code);
  if (reason) throw new RangeError(`invalid ${level} code ${JSON.stringify(code)}: ${reason}`);
  return code;
}

function seq3(seq: number, what: string): string {
  if (!Number.isInteger(seq) || seq < 1 || seq > 999) {
    throw new RangeError(`${what} sequence must be an integer 1..999, got ${seq}`);
  }
  return String(seq).padStart(3, '0');
}

/** A city code from its 6-digit GB/T 2260 division code (e.g. "320500"); throws if invalid. */
export function cityAreaCode(divisionCode: string): string {
  return assertValid('city', divisionCode);
}

/** A district code from its 6-digit GB/T 2260 division code (e.g. "320502"); throws if invalid. */
export function districtAreaCode(divisionCode: string): string {
  return assertValid('district', divisionCode);
}

/** A 9-digit street code: district code + street sequence 1..999. */
export function streetAreaCode(districtCode: string, seq: number): string {
  return assertValid('district', districtCode) + seq3(seq, 'street');
}

/** A 12-digit community code: street code + community sequence 1..999. */
export function communityAreaCode(streetCode: string, seq: number): string {
  return assertValid('street', streetCode) + seq3(seq, 'community');
}

/** A 15-digit unit grid code: community code + grid sequence 1..999. */
export function gridAreaCode(communityCode: string, seq: number): string {
  return assertValid('community', communityCode) + seq3(seq, 'grid');
}
