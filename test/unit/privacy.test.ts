import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  FieldCipher,
  maskAddress,
  maskIdNumber,
  maskName,
  maskPhone,
  UNMASKED_PII_PATTERNS,
} from '../../src/lib/privacy.js';

describe('privacy primitives', () => {
  const cipher = new FieldCipher('k'.repeat(32));

  it('encrypts with a fresh IV and decrypts back (any unicode)', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme', maxLength: 200 }), (s) => {
        const a = cipher.encrypt(s);
        expect(a).not.toContain(s.length > 3 ? s : '\u0000never');
        expect(cipher.decrypt(a)).toBe(s);
      }),
    );
    expect(cipher.encrypt('x')).not.toBe(cipher.encrypt('x'));
  });

  it('detects tampering and a wrong key', () => {
    const sealed = cipher.encrypt('13812345678');
    const raw = Buffer.from(sealed.slice(3), 'base64url');
    raw[raw.length - 1] = raw[raw.length - 1]! ^ 0x01;
    const flipped = `v1.${raw.toString('base64url')}`;
    expect(flipped).not.toBe(sealed);
    expect(() => cipher.decrypt(flipped)).toThrow();
    expect(() => new FieldCipher('z'.repeat(32)).decrypt(sealed)).toThrow();
  });

  it('keyed hash is stable, normalised and key-dependent', () => {
    expect(cipher.lookupHash('11010519491231002x')).toBe(cipher.lookupHash(' 11010519491231002X'));
    expect(cipher.lookupHash('a')).not.toBe(new FieldCipher('z'.repeat(32)).lookupHash('a'));
  });

  it('masks as GB/T 35273 shows', () => {
    expect(maskPhone('13812345678')).toBe('138****5678');
    expect(maskIdNumber('11010519491231002X')).toBe('1****************X');
    expect(maskName('张三丰')).toBe('张**');
    expect(maskName('欧阳娜娜')).toBe('欧阳**');
    expect(maskName('李')).toBe('李*');
    expect(maskName('Li Wei')).toBe('Li *');
    expect(maskAddress('滨江路12号3幢402室')).toBe('滨江路12号****');
    expect(maskAddress('Flat 5, 12 Binjiang Road')).toBe('Flat 5, ****');
  });

  it('masked values never match the unmasked patterns', () => {
    fc.assert(
      fc.property(fc.stringMatching(/^1[3-9][0-9]{9}$/), (p) => {
        expect(UNMASKED_PII_PATTERNS.phone.test(p)).toBe(true);
        expect(UNMASKED_PII_PATTERNS.phone.test(maskPhone(p))).toBe(false);
      }),
    );
    expect(UNMASKED_PII_PATTERNS.idNumber.test('11010519491231002X')).toBe(true);
    expect(UNMASKED_PII_PATTERNS.idNumber.test(maskIdNumber('11010519491231002X'))).toBe(false);
  });
});
