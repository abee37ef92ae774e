import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { definedFields } from '../../src/lib/defined.js';

describe('definedFields', () => {
  it('keeps exactly the keys whose value is not undefined, values unchanged (null and falsy kept)', () => {
    const value = fc.oneof(
      fc.constant(undefined),
      fc.constant(null),
      fc.constant(0),
      fc.constant(''),
      fc.string(),
      fc.integer(),
    );
    fc.assert(
      fc.property(fc.dictionary(fc.string({ minLength: 1, maxLength: 8 }), value), (fields) => {
        const out = definedFields(fields);
        const expected = Object.entries(fields).filter(([, v]) => v !== undefined);
        expect(Object.entries(out)).toEqual(expected);
      }),
    );
  });

  it('a patch built from it leaves absent fields alone when spread over a record', () => {
    const row = { name: 'a', locale: 'zh-CN', status: 'active' };
    expect({ ...row, ...definedFields({ name: undefined, locale: 'en', status: undefined }) }).toEqual({
      name: 'a',
      locale: 'en',
      status: 'active',
    });
  });
});
