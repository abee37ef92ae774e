/**
 * The string slots of a route schema and valid values to put hostile strings into: the
 * deterministic sweep of the fuzz test (issue 14) sends every string slot of every route a NUL
 * byte, another control character and an over-long value, the rest of the request valid, so a
 * slot the random run never happens to pick is still covered.
 */
import fc from 'fast-check';
import { arbitraryFor, type JsonSchema } from './schema-arbitrary.js';

/** Where a value sits inside a request part: object keys and array indexes. */
export type Path = ReadonlyArray<string | number>;

/** One string-typed place in a schema. */
export interface StringSlot {
  path: Path;
  /**
   * The largest maxLength of the string branches at this place; undefined when one of them has
   * none (so only a very long value is certain to be over the limit).
   */
  maxLength: number | undefined;
}

function types(s: JsonSchema): string[] {
  if (s.type === undefined) return [];
  return Array.isArray(s.type) ? s.type : [s.type];
}

/**
 * Every place in the schema that may hold a string: properties at any depth, array items (as
 * index 0) and the string branches of anyOf/oneOf/allOf, each place once, in schema order.
 */
export function stringSlots(schema: JsonSchema | undefined): StringSlot[] {
  const found = new Map<string, { path: Path; limits: Array<number | undefined> }>();
  const walk = (s: JsonSchema | undefined, path: Path, depth: number): void => {
    if (!s || typeof s !== 'object' || depth > 12) return;
    if (types(s).includes('string')) {
      const key = JSON.stringify(path);
      const slot = found.get(key) ?? { path, limits: [] };
      slot.limits.push(s.maxLength);
      found.set(key, slot);
    }
    for (const branch of [...(s.anyOf ?? []), ...(s.oneOf ?? []), ...(s.allOf ?? [])])
      walk(branch, path, depth + 1);
    for (const [k, v] of Object.entries(s.properties ?? {})) walk(v, [...path, k], depth + 1);
    if (s.items) walk(s.items, [...path, 0], depth + 1);
  };
  walk(schema, [], 0);
  return [...found.values()].map(({ path, limits }) => ({
    path,
    maxLength: limits.some((l) => l === undefined) ? undefined : Math.max(...(limits as number[])),
  }));
}

/**
 * A copy of v with the value at path replaced; missing objects and arrays on the way are created
 * (an index makes an array, a key an object). v itself is not changed.
 */
export function setPath(v: unknown, path: Path, replacement: unknown): unknown {
  if (path.length === 0) return replacement;
  const [head, ...rest] = path as [string | number, ...Array<string | number>];
  if (typeof head === 'number') {
    const copy = Array.isArray(v) ? [...(v as unknown[])] : [];
    while (copy.length < head) copy.push(null);
    copy[head] = setPath(copy[head], rest, replacement);
    return copy;
  }
  const copy: Record<string, unknown> =
    v !== null && typeof v === 'object' && !Array.isArray(v) ? { ...(v as Record<string, unknown>) } : {};
  copy[head] = setPath(copy[head], rest, replacement);
  return copy;
}

/** The value at path, or undefined. */
export function getPath(v: unknown, path: Path): unknown {
  let at = v;
  for (const k of path) {
    if (at === null || typeof at !== 'object') return undefined;
    at = (at as Record<string | number, unknown>)[k];
  }
  return at;
}

/**
 * The schema with every property required, every array at least one item long and null
 * branches of unions dropped, and free text limited to plain letters and digits: a value drawn
 * from it has every string slot present, inside valid surroundings.
 */
export function saturate(s: JsonSchema): JsonSchema {
  const out: JsonSchema = { ...s };
  const alternatives = (list: JsonSchema[] | undefined): JsonSchema[] | undefined => {
    if (!list) return undefined;
    const kept = list.filter((b) => !(types(b).length === 1 && types(b)[0] === 'null'));
    return (kept.length > 0 ? kept : list).map(saturate);
  };
  if (s.anyOf) out.anyOf = alternatives(s.anyOf);
  if (s.oneOf) out.oneOf = alternatives(s.oneOf);
  if (s.allOf) out.allOf = s.allOf.map(saturate);
  if (s.properties) {
    out.properties = Object.fromEntries(Object.entries(s.properties).map(([k, v]) => [k, saturate(v)]));
    out.required = Object.keys(s.properties);
  }
  if (s.items) {
    out.items = saturate(s.items);
    out.minItems = Math.max(1, s.minItems ?? 0);
  }
  const plain =
    types(s).includes('string') &&
    s.pattern === undefined &&
    s.format === undefined &&
    s.const === undefined &&
    s.enum === undefined;
  if (plain) {
    const lo = s.minLength ?? 0;
    const hi = Math.max(lo, Math.min(s.maxLength ?? 24, 24));
    out.pattern = `^[a-z0-9]{${lo},${hi}}$`;
  }
  return out;
}

/** One value valid under the schema with every string slot filled, the same for the same seed. */
export function exampleFor(schema: JsonSchema | undefined, seed: number): unknown {
  if (!schema) return undefined;
  return fc.sample(arbitraryFor(saturate(schema)), { seed, numRuns: 1 })[0];
}

/**
 * A value one character over the slot's maxLength (or 100 000 characters when it has none),
 * made by repeating the valid value it replaces, so only its length is wrong where it can be.
 */
export function overLong(slot: StringSlot, current: unknown): string {
  const length = slot.maxLength !== undefined ? slot.maxLength + 1 : 100_000;
  const fill = typeof current === 'string' && /^[ -~]+$/.test(current) ? current : 'x';
  return fill.repeat(Math.ceil(length / fill.length)).slice(0, length);
}
