/**
 * Issue 14, "free-text masking misses": phone and ID numbers in every written format, embedded in
 * random Chinese/English text, never survive redactFreeText; ordinary numbers (dates, amounts,
 * house numbers, times, counts, postcodes) survive unchanged; the surrounding text is kept.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { PII_FORMATS, redactFreeText, UNMASKED_PII_PATTERNS } from '../../src/lib/privacy.js';

const FULL_WIDTH = (s: string) =>
  s.replace(/[0-9Xx+]/g, (c) => String.fromCharCode(c.charCodeAt(0) + 0xfee0));

/** Text around a number: Chinese characters, English words, punctuation — never digits. */
const words = fc.array(
  fc.oneof(
    fc.string({
      unit: fc.integer({ min: 0x4e00, max: 0x9fa5 }).map((c) => String.fromCharCode(c)),
      maxLength: 8,
    }),
    fc.constantFrom(
      'call me',
      '电话',
      '联系',
      'tel:',
      'ID ',
      '身份证号',
      '，',
      '。',
      ' ',
      '\n',
      'at',
      '（',
      '）',
    ),
  ),
  { maxLength: 6 },
);
const around = words.map((ws) => ws.join(''));

/** Separators people put between digit groups (or none). */
const separator = fc.constantFrom('', '', ' ', '-', '\n', '\r\n', ' - ', '\u3000', '－', '—');

/** Writes a digit string with separators at random group boundaries. */
function written(digits: string, seps: string[]): string {
  let out = '';
  [...digits].forEach((d, i) => {
    out += d;
    if (i < digits.length - 1) out += seps[i] ?? '';
  });
  return out;
}

const anyFormat = fc
  .record({
    format: fc.constantFrom(...PII_FORMATS),
    seed: fc.integer(),
    seps: fc.array(fc.oneof(fc.constant(''), fc.constant(''), fc.constant(''), separator), {
      minLength: 20,
      maxLength: 20,
    }),
    fullWidth: fc.boolean(),
    lowerX: fc.boolean(),
    // Dots join groups of up to 4 digits (138.0013.8000), not the digits of a decimal number.
    dotted: fc.boolean(),
  })
  .map(({ format, seed, seps, fullWidth, lowerX, dotted }) => {
    let s = seed;
    const int = (lo: number, hi: number) => {
      s = (Math.imul(s ^ (s >>> 15), 0x2c1b3c6d) + 0x6d2b79f5) | 0;
      return lo + (Math.abs(s) % (hi - lo + 1));
    };
    const sample = format.generate(int);
    const groups = dotted ? sample.digits.match(/.{1,4}/g)!.join('.') : written(sample.digits, seps);
    const prefixed = sample.prefix + (dotted && /[0-9]$/.test(sample.prefix) ? ' ' : '') + groups;
    let text = lowerX ? prefixed.replace('X', 'x') : prefixed;
    if (fullWidth) text = FULL_WIDTH(text);
    return { format: format.name, sample, text };
  });

/** Digits (ASCII or full-width), X and stars of a text: what a reader could piece together. */
const projection = (s: string) =>
  [...s]
    .map((c) => (c >= '０' && c <= '９' ? String.fromCharCode(c.charCodeAt(0) - 0xfee0) : c))
    .map((c) => (c === 'ｘ' || c === 'Ｘ' || c === 'x' ? 'X' : c))
    .filter((c) => /[0-9X*]/.test(c))
    .join('');

describe('redactFreeText: the table of formats', () => {
  it('every generated number in every format, in random text, leaves only its kept digits', () => {
    fc.assert(
      fc.property(around, anyFormat, around, (before, n, after) => {
        const input = `${before}${n.text}${after}`;
        const out = redactFreeText(input);
        // The surrounding text is kept: only digits became stars.
        expect(out.length).toBe(input.length);
        for (let i = 0; i < input.length; i++) {
          if (out[i] !== input[i]) expect(`${input[i]}→${out[i]}`).toMatch(/^[0-9０-９Xxｘ＊Ｘ]→\*$/);
        }
        // Of the number only the kept head and tail remain; the secret part is all stars.
        const { digits, keepHead, keepTail, prefix } = n.sample;
        const expected =
          projection(prefix) +
          digits.slice(0, keepHead) +
          '*'.repeat(digits.length - keepHead - keepTail) +
          digits.slice(digits.length - keepTail);
        expect(projection(out)).toBe(expected);
        expect(UNMASKED_PII_PATTERNS.phone.test(out)).toBe(false);
        expect(UNMASKED_PII_PATTERNS.idNumber.test(out)).toBe(false);
        // The pattern used by response scans sees the unmasked number.
        const kind = PII_FORMATS.find((f) => f.name === n.format)!.kind;
        expect(UNMASKED_PII_PATTERNS[kind].test(input)).toBe(true);
        expect(input).toMatch(UNMASKED_PII_PATTERNS[kind]);
        expect(out).not.toMatch(UNMASKED_PII_PATTERNS[kind]);
      }),
      { numRuns: 2000 },
    );
  });

  it('the cases the probe found', () => {
    const cases: Array<[string, string]> = [
      ['电话 +86 138 0013 8000 谢谢', '电话 +86 138 **** 8000 谢谢'],
      ['call 138-0013-8000 now', 'call 138-****-8000 now'],
      ['手机 138 0013 8000', '手机 138 **** 8000'],
      ['手机１３８００１３８０００', '手机１３８****８０００'],
      ['旧身份证 320502800101123', '旧身份证 3*************3'],
      ['身份证 32050219900101123x', '身份证 3****************x'],
      ['打 138\n0013\n8000', '打 138\n****\n8000'],
      ['(+86)13800138000', '(+86)138****8000'],
      ['0086 13800138000', '0086 138****8000'],
      ['138.0013.8000', '138.****.8000'],
      ['物业 0512-6512 3456', '物业 0512-**** **56'],
      ['a13800138000b', 'a138****8000b'],
    ];
    for (const [input, output] of cases) expect(redactFreeText(input)).toBe(output);
  });

  it('ordinary numbers survive unchanged', () => {
    const ordinary = fc.constantFrom(
      '2026-12-06',
      '2026年12月6日',
      '¥1,280.50',
      '3000元',
      '12号3幢402室',
      '13:45',
      '08:30-17:30',
      '3 个人',
      '第 2 次',
      '215000',
      '邮编 215021',
      '2026-12-06 13:45',
      '1,280',
      '99.5%',
      '120 平方米',
      '12345',
      '20261206',
    );
    fc.assert(
      fc.property(fc.array(fc.tuple(around, ordinary), { maxLength: 6 }), around, (parts, tail) => {
        // Numbers are separated by at least one word, as in a sentence.
        const input = parts.map(([w, n]) => `${w}${n}的`).join('') + tail;
        expect(redactFreeText(input)).toBe(input);
      }),
      { numRuns: 1000 },
    );
  });
});
