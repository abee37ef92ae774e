/**
 * Issue 14, "The edge": CSV exports started cells with `=`, `+`, `-`, `@` that a spreadsheet runs
 * as formulas. Such text cells get a leading `'`; numbers, negative ones too, stay numbers.
 */
import { describe, expect, it } from 'vitest';
import { csvField, toCsv } from '../../src/lib/csv.js';

describe('edge: CSV cells are not formulas', () => {
  it('prefixes text starting with = + - @ tab or CR', () => {
    expect(csvField('=HYPERLINK("http://x","y")')).toBe(`"'=HYPERLINK(""http://x"",""y"")"`);
    expect(csvField('+1+2')).toBe("'+1+2");
    expect(csvField('-2+3')).toBe("'-2+3");
    expect(csvField('@SUM(A1)')).toBe("'@SUM(A1)");
    expect(csvField('\t=1')).toBe("'\t=1");
    expect(csvField('\r=1')).toBe(`"'\r=1"`);
  });

  it('leaves ordinary text and numbers, negative numbers included, as they are', () => {
    expect(csvField(-3.5)).toBe('-3.5');
    expect(csvField(0)).toBe('0');
    expect(csvField('东城区 = 东城')).toBe('东城区 = 东城');
    expect(csvField('a-b')).toBe('a-b');
    expect(
      toCsv([
        ['name', 'delta'],
        ['=1+1', -2],
      ]),
    ).toBe("name,delta\r\n'=1+1,-2\r\n");
  });
});
