import { Type } from '@sinclair/typebox';
import { Value } from '@sinclair/typebox/value';
import { describe, expect, it } from 'vitest';
import type { JsonSchema } from '../support/schema-arbitrary.js';
import { exampleFor, getPath, overLong, setPath, stringSlots } from '../support/schema-slots.js';

const Body = Type.Object({
  note: Type.Optional(Type.String({ maxLength: 20 })),
  count: Type.Integer(),
  reporter: Type.Optional(
    Type.Object({
      name: Type.String({ minLength: 1, maxLength: 50 }),
      phone: Type.String({ pattern: '^[0-9]{5}$' }),
    }),
  ),
  tags: Type.Array(Type.String({ maxLength: 8 }), { maxItems: 3 }),
  grants: Type.Optional(
    Type.Array(Type.Object({ role: Type.Union([Type.Literal('admin'), Type.Literal('viewer')]) })),
  ),
  locale: Type.Optional(Type.Union([Type.Union([Type.Literal('zh-CN'), Type.Literal('en')]), Type.Null()])),
  mixed: Type.Union([Type.String({ maxLength: 4 }), Type.String({ pattern: '^x+$' }), Type.Integer()]),
  flags: Type.Array(Type.Boolean()),
});
const schema = Body as unknown as JsonSchema;

describe('stringSlots', () => {
  it('finds every string place once: nested, array items, union branches; not other types', () => {
    expect(stringSlots(schema)).toEqual([
      { path: ['note'], maxLength: 20 },
      { path: ['reporter', 'name'], maxLength: 50 },
      { path: ['reporter', 'phone'], maxLength: undefined },
      { path: ['tags', 0], maxLength: 8 },
      { path: ['grants', 0, 'role'], maxLength: undefined },
      { path: ['locale'], maxLength: undefined },
      { path: ['mixed'], maxLength: undefined },
    ]);
  });

  it('finds nothing in a schema without strings, or none', () => {
    expect(stringSlots(Type.Object({ id: Type.Integer() }) as unknown as JsonSchema)).toEqual([]);
    expect(stringSlots(undefined)).toEqual([]);
  });
});

describe('setPath', () => {
  it('replaces one value in a copy and leaves the original alone', () => {
    const v = { a: { b: ['x', 'y'] }, c: 1 };
    expect(setPath(v, ['a', 'b', 1], 'z')).toEqual({ a: { b: ['x', 'z'] }, c: 1 });
    expect(v).toEqual({ a: { b: ['x', 'y'] }, c: 1 });
    expect(setPath(v, [], 'whole')).toBe('whole');
  });

  it('creates missing objects and arrays on the way', () => {
    expect(setPath(undefined, ['r', 'name'], 'n')).toEqual({ r: { name: 'n' } });
    expect(setPath({}, ['g', 0, 'role'], 'admin')).toEqual({ g: [{ role: 'admin' }] });
    expect(getPath({ g: [{ role: 'admin' }] }, ['g', 0, 'role'])).toBe('admin');
    expect(getPath({ g: [] }, ['g', 0, 'role'])).toBeUndefined();
  });
});

describe('exampleFor', () => {
  it('is valid, has every string slot filled, and is the same for the same seed', () => {
    for (const seed of [1, 2, 3, 20261130]) {
      const v = exampleFor(schema, seed);
      expect(Value.Check(Body, v), JSON.stringify(v)).toBe(true);
      for (const slot of stringSlots(schema))
        expect(getPath(v, slot.path), slot.path.join('/')).toBeDefined();
      expect(exampleFor(schema, seed)).toEqual(v);
    }
  });

  it('stays valid with a slot replaced by a valid value (setPath keeps the surroundings)', () => {
    const v = exampleFor(schema, 7);
    expect(Value.Check(Body, setPath(v, ['reporter', 'name'], 'Li'))).toBe(true);
    expect(
      Value.Check(Body, setPath(v, ['reporter', 'name'], overLong({ path: [], maxLength: 50 }, 'Li'))),
    ).toBe(false);
  });
});

describe('overLong', () => {
  it('is one over maxLength, made of the valid value where it can be', () => {
    expect(overLong({ path: [], maxLength: 5 }, '12')).toBe('121212');
    expect(overLong({ path: [], maxLength: 3 }, '')).toBe('xxxx');
    expect(overLong({ path: [], maxLength: 3 }, '长')).toBe('xxxx');
    expect(overLong({ path: [], maxLength: undefined }, 'ab')).toHaveLength(100_000);
  });
});
