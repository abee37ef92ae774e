/**
 * City part identifiers (GB/T 30428.2): 16 digits = 6-digit county division (GB/T 2260) +
 * 2-digit major class + 2-digit minor class + 6-digit serial, e.g. 3205080101000001 = a
 * water-supply manhole cover in county 320508. The class must exist in the taxonomy.
 */
import { validateAreaCode } from '../../kernel/area-code.js';
import { type CategorySeed, findCategory } from '../taxonomy/index.js';

/** The parts of a valid identifier. */
export interface PartCode {
  county: string;
  major: string;
  minor: string;
  serial: string;
  /** Taxonomy category code, `P` + major + minor. */
  categoryCode: string;
  category: CategorySeed;
}

/** Parses an identifier, or says why it is not one (a message an operator can act on). */
export function parsePartCode(code: string): PartCode | { reason: string } {
  if (!/^[0-9]{16}$/.test(code)) return { reason: 'must be exactly 16 digits' };
  const county = code.slice(0, 6);
  const countyReason = validateAreaCode('district', county);
  if (countyReason) return { reason: `county part ${county}: ${countyReason}` };
  const major = code.slice(6, 8);
  const minor = code.slice(8, 10);
  const serial = code.slice(10);
  const categoryCode = `P${major}${minor}`;
  const category = findCategory(categoryCode);
  if (category?.kind !== 'part')
    return { reason: `class ${major}${minor} is not a part class of the taxonomy` };
  if (serial === '000000') return { reason: 'serial must be 000001..999999' };
  return { county, major, minor, serial, categoryCode, category };
}

/** Builds an identifier (demo, tests): throws when the result would not parse. */
export function partCode(county: string, categoryCode: string, serial: number): string {
  const code = `${county}${categoryCode.slice(1)}${String(serial).padStart(6, '0')}`;
  const parsed = parsePartCode(code);
  if ('reason' in parsed) throw new RangeError(`invalid part code ${code}: ${parsed.reason}`);
  return code;
}
