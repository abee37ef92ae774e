import fc from 'fast-check';
import damerauLevenshtein from 'talisman/metrics/damerau-levenshtein.js';
import { describe, expect, it } from 'vitest';
import {
  addressTokens,
  compareLevel,
  FIELD_KINDS,
  type FieldKind,
  LEVELS,
  prepare,
  withinOneEdit,
} from '../../src/modules/registry/linkage/comparisons.js';

const level = (kind: FieldKind, a: string | undefined, b: string | undefined): number =>
  compareLevel(kind, prepare(kind, a), prepare(kind, b));

describe('comparison levels', () => {
  it('null on either side is level 0', () => {
    for (const kind of FIELD_KINDS) {
      expect(level(kind, undefined, 'x')).toBe(0);
      expect(level(kind, '  ', 'x')).toBe(0);
    }
  });

  it('names: exact, homophone (same pinyin), Jaro-Winkler bands, else', () => {
    expect(level('name', '王伟', '王伟')).toBe(1);
    expect(level('name', '王伟', '王玮')).toBe(2);
    expect(level('name', '张秀英', '张秀兰')).toBe(4);
    expect(level('name', '王伟', '李娜')).toBe(5);
    expect(level('given_name', 'Katherine', 'Katharine')).toBe(2); // same Soundex
    expect(level('surname', 'Smith', 'Smyth')).toBe(2);
    expect(level('given_name', 'Jonathan', 'Jonathon')).toBeLessThanOrEqual(3);
    expect(level('given_name', 'Ann', 'Xavier')).toBe(5);
  });

  it('dates: exact, day/month swapped, ±1 year, one digit, else', () => {
    expect(level('date', '1985-03-07', '1985/3/7')).toBe(1);
    expect(level('date', '1985-03-07', '1985-07-03')).toBe(2);
    expect(level('date', '1985-03-07', '1986-03-07')).toBe(3);
    expect(level('date', '1985-03-07', '1985-03-08')).toBe(4);
    expect(level('date', '1985-03-07', '1962-11-20')).toBe(5);
  });

  it('id numbers: exact (case and spaces ignored), one edit, else; validity recorded', () => {
    const id = '11010519491231002X';
    expect(level('id_number', id, '110105 19491231002x')).toBe(1);
    expect(level('id_number', id, '11010519491231003X')).toBe(2);
    expect(level('id_number', id, '11010591491231002X')).toBe(2); // adjacent transposition
    expect(level('id_number', id, '440305199001011234')).toBe(3);
    expect(prepare('id_number', id)?.valid).toBe(true);
    expect(prepare('id_number', '11010519491231003X')?.valid).toBe(false);
  });

  it('phones: exact, last 8 digits, one edit, else', () => {
    expect(level('phone', '+86 138-1234-5678', '13812345678')).toBe(1);
    expect(level('phone', '13812345678', '13912345678')).toBe(2);
    expect(level('phone', '13812345678', '13812345687')).toBe(3);
    expect(level('phone', '13812345678', '15900001111')).toBe(4);
  });

  it('addresses: full-width digits, 省/市/区 boilerplate and token order do not matter', () => {
    expect(addressTokens('广东省深圳市南山区科技路１２号')).toEqual(
      addressTokens('广东 深圳 南山 科技路 12号'),
    );
    expect(level('address', '深圳市南山区科技路12号', '南山区 深圳市 科技路12号')).toBe(1);
    expect(level('address', '广东省深圳市南山区科技路12号', '南山区深圳市科技路12号')).toBe(2);
    expect(level('address', '深圳市南山区科技路12号3栋501室', '深圳市南山区科技路12号3栋502室')).toBe(2);
    expect(level('address', '深圳市南山区科技路12号', '北京市朝阳区建国路8号')).toBe(4);
    expect(level('address', '12 Smith Street, Carlton', '12 smith st carlton')).toBe(1);
  });

  it('postcode, street number, suburb, state, text', () => {
    expect(level('postcode', '3053', '3053')).toBe(1);
    expect(level('postcode', '3053', '3054')).toBe(2);
    expect(level('street_number', '12', '14')).toBe(2);
    expect(level('suburb', 'Carlton', 'Carltn')).toBe(2);
    expect(level('state', 'VIC', 'vic')).toBe(1);
    expect(level('text', 'engineer', 'enginer')).toBe(2);
  });

  const valueArb = fc.oneof(
    fc.string({ maxLength: 12 }),
    fc.constantFrom('王伟', '王玮', '李娜', '1985-03-07', '1985-07-03', '13812345678', '11010519491231002X'),
    fc.stringMatching(/^[0-9]{4}-[0-9]{2}-[0-9]{2}$/),
    fc.stringMatching(/^[0-9X]{8,18}$/),
  );

  it('property: symmetric, exact ⇒ top level, level within the kind’s labels', () => {
    fc.assert(
      fc.property(fc.constantFrom(...FIELD_KINDS), valueArb, valueArb, (kind, a, b) => {
        const ab = level(kind, a, b);
        expect(ab).toBe(level(kind, b, a));
        expect(ab).toBeGreaterThanOrEqual(0);
        expect(ab).toBeLessThan(LEVELS[kind].length);
        const self = level(kind, a, a);
        expect(self).toBe(prepare(kind, a) === null ? 0 : 1);
      }),
      { numRuns: 2000 },
    );
  });
});

describe('withinOneEdit', () => {
  it('property: agrees with the Damerau–Levenshtein metric (distance ≤ 1)', () => {
    const short = fc.string({ unit: fc.constantFrom('0', '1', '2', 'a', 'b'), maxLength: 8 });
    const near = short.chain((a) =>
      fc.tuple(
        fc.constant(a),
        fc.oneof(
          short,
          fc.nat({ max: 8 }).map((i) => a.slice(0, i) + a.slice(i + 1)),
          fc.nat({ max: 8 }).map((i) => `${a.slice(0, i)}x${a.slice(i)}`),
          fc.nat({ max: 7 }).map((i) => a.slice(0, i) + a.charAt(i + 1) + a.charAt(i) + a.slice(i + 2)),
        ),
      ),
    );
    fc.assert(
      fc.property(near, ([a, b]) => {
        expect(withinOneEdit(a, b)).toBe(damerauLevenshtein(a, b) <= 1);
      }),
      { numRuns: 2000 },
    );
  });
});
