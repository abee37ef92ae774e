/**
 * Unified social credit codes (统一社会信用代码, GB 32100-2015): the natural key of organisations.
 * 18 characters from 0-9 and 26 letters without I, O, S, V, Z: registration authority (1),
 * organisation category (1), division code (6), organisation code (9), check character (1),
 * the check being ISO 7064 MOD 31-3 with weights 3^i mod 31.
 */

/** The 31 characters of GB 32100, in code-value order (the value of a character is its index). */
export const CREDIT_CODE_CHARS = '0123456789ABCDEFGHJKLMNPQRTUWXY';
const WEIGHTS = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28] as const;

/** Upper-cases and strips spaces: `91320502 mA1x…` → `91320502MA1X…`. */
export function normaliseCreditCode(raw: string): string {
  return raw.replace(/\s+/g, '').toUpperCase();
}

/** The check character (18th) for the first 17 characters, or null if they use a foreign character. */
export function creditCodeCheckChar(body17: string): string | null {
  let sum = 0;
  for (let i = 0; i < 17; i++) {
    const v = CREDIT_CODE_CHARS.indexOf(body17.charAt(i));
    if (v < 0) return null;
    sum += v * (WEIGHTS[i] ?? 0);
  }
  return CREDIT_CODE_CHARS.charAt((31 - (sum % 31)) % 31);
}

/** Why `code` (normalised) is not a valid unified social credit code, or null when it is. */
export function creditCodeProblem(code: string): string | null {
  if (!/^[0-9A-HJ-NPQRTUWXY]{18}$/.test(code)) {
    return 'must be 18 characters from 0-9 and A-Z without I, O, S, V, Z';
  }
  if (!/^[0-9]{6}$/.test(code.slice(2, 8))) return 'characters 3–8 must be a 6-digit division code';
  const expected = creditCodeCheckChar(code.slice(0, 17));
  if (expected !== code.charAt(17)) {
    return `check character is ${code.charAt(17)}, GB 32100 gives ${expected}`;
  }
  return null;
}
