/**
 * Resident identity numbers (GB 11643): the check and a reason a clerk can act on. The check
 * itself is the one the demo generator is verified against (demo-content.ts), so generated and
 * imported numbers are judged the same way.
 */
import { idNumberCheckChar, isValidIdNumber } from '../../kernel/demo-data/demo-content.js';

/** Upper-cases and strips spaces: `11010519491231002x ` → `11010519491231002X`. */
export function normaliseIdNumber(raw: string): string {
  return raw.replace(/\s+/g, '').toUpperCase();
}

/** Why `id` (normalised) is not a valid identity number, or null when it is. */
export function idNumberProblem(id: string, asOf: Date): string | null {
  if (!/^\d{17}[\dX]$/.test(id)) return 'must be 18 characters: 17 digits and a check digit or X';
  const expected = idNumberCheckChar(id.slice(0, 17));
  if (expected !== id.charAt(17)) return `check character is ${id.charAt(17)}, GB 11643 gives ${expected}`;
  if (!isValidIdNumber(id, asOf)) return 'area code or birth date is not plausible';
  return null;
}

/** Sex and birth year encoded in a valid identity number. */
export function idNumberFacts(id: string): { gender: 'male' | 'female'; birthYear: number } {
  return { gender: Number(id.charAt(16)) % 2 === 1 ? 'male' : 'female', birthYear: Number(id.slice(6, 10)) };
}

/** The GB 11643 check character of the first 17 digits (ISO 7064 MOD 11-2). */
export { idNumberCheckChar };
