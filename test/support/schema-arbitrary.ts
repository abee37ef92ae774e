/**
 * fast-check arbitraries from the routes' own JSON schemas (TypeBox emits plain JSON Schema), and
 * hostile values to mutate them with: the fuzz test sends requests that pass validation (so the
 * handlers run) and requests that almost do (one field replaced by something nasty).
 */
import fc from 'fast-check';

/** The JSON Schema subset TypeBox produces for our routes. */
export interface JsonSchema {
  type?: string | string[];
  properties?: Record<string, JsonSchema>;
  required?: string[];
  items?: JsonSchema;
  anyOf?: JsonSchema[];
  oneOf?: JsonSchema[];
  allOf?: JsonSchema[];
  const?: unknown;
  enum?: unknown[];
  minimum?: number;
  maximum?: number;
  exclusiveMinimum?: number;
  exclusiveMaximum?: number;
  minLength?: number;
  maxLength?: number;
  pattern?: string;
  format?: string;
  minItems?: number;
  maxItems?: number;
  uniqueItems?: boolean;
  default?: unknown;
}

/** Deeply nested JSON (parsers and validators must not blow the stack or hang). */
export function deepJson(depth: number): unknown {
  let v: unknown = 'bottom';
  for (let i = 0; i < depth; i++) v = i % 2 === 0 ? [v] : { a: v };
  return v;
}

/** Values that have broken web applications before. */
export const HOSTILE_VALUES: readonly unknown[] = [
  '',
  ' ',
  'x'.repeat(100_000),
  '🙂'.repeat(20_000),
  '\u0000',
  // NUL and other control characters inside ordinary text and at the end of an over-long value
  // (issue 14: a NUL reached PostgreSQL as a 500 with a stack trace).
  '13800138000\u0000',
  'a\u0000b',
  '%00',
  '\u001b[31m\u0007\u007f\u0085',
  `${'长'.repeat(70_000)}\u0000`,
  'x'.repeat(1_200_000),
  '\ud800',
  '\u202e\u200b\ufeff',
  'Ｓｅｌｅｃｔ',
  "' OR 1=1 --",
  "'; DROP TABLE cases; --",
  '$1',
  '%_%',
  '\\',
  '<script>alert(1)</script>',
  '"><img src=x onerror=alert(1)>',
  '../../etc/passwd',
  '..%2f..%2fetc%2fpasswd',
  '/etc/passwd\u0000.png',
  'C:\\Windows\\win.ini',
  '{"$gt":""}',
  'NaN',
  'Infinity',
  '1e309',
  -1,
  0,
  -0,
  1e308,
  2 ** 53,
  -(2 ** 63),
  3.5,
  true,
  null,
  [],
  [null],
  {},
  JSON.parse('{"__proto__":{"admin":true}}'),
  JSON.parse('{"constructor":{"prototype":{"admin":true}}}'),
  Array.from({ length: 5_000 }, (_, i) => i),
  deepJson(1_000),
];

/** An arbitrary hostile value. */
export const hostile: fc.Arbitrary<unknown> = fc.oneof(
  { weight: 4, arbitrary: fc.constantFrom(...HOSTILE_VALUES) },
  { weight: 1, arbitrary: fc.string({ unit: 'grapheme', maxLength: 50 }) },
  { weight: 1, arbitrary: fc.jsonValue({ maxDepth: 3 }) },
);

const isoDate = fc
  .date({ min: new Date('2000-01-01T00:00:00Z'), max: new Date('2035-12-31T00:00:00Z'), noInvalidDate: true })
  .map((d) => d.toISOString());

/** What the server's control-character check refuses in a single-line field. */
// biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what it finds
const CONTROL_CHAR = /[\u0000-\u001f\u007f-\u009f]/g;

function stringArb(s: JsonSchema): fc.Arbitrary<string> {
  if (s.pattern) {
    const re = new RegExp(s.pattern);
    const max = s.maxLength;
    // A pattern like `\S` also matches control characters, which the server refuses in every
    // single-line field (control-chars.ts): a valid example has them replaced (a filter
    // would reject most draws and stall the sweep).
    const arb = fc.stringMatching(re).map((x) => x.replace(CONTROL_CHAR, '.'));
    return max === undefined ? arb : arb.filter((x) => x.length <= max && x.length >= (s.minLength ?? 0));
  }
  switch (s.format) {
    case 'date-time':
      return isoDate;
    case 'date':
      return isoDate.map((d) => d.slice(0, 10));
    case 'email':
      return fc.emailAddress();
    case 'uri':
      return fc.webUrl();
    case 'uuid':
      return fc.uuid();
  }
  return fc.string({ minLength: s.minLength ?? 0, maxLength: Math.min(s.maxLength ?? 40, 200) });
}

function numberArb(s: JsonSchema, integer: boolean): fc.Arbitrary<number> {
  const lo = s.minimum ?? (s.exclusiveMinimum !== undefined ? s.exclusiveMinimum + 1 : -1e6);
  const hi = s.maximum ?? (s.exclusiveMaximum !== undefined ? s.exclusiveMaximum - 1 : 1e6);
  if (integer) {
    const min = Math.max(Math.ceil(lo), Number.MIN_SAFE_INTEGER);
    const max = Math.min(Math.floor(hi), Number.MAX_SAFE_INTEGER);
    // Small ids hit existing rows; big ones test the edges.
    return fc.oneof(fc.integer({ min, max: Math.min(max, min + 50) }), fc.integer({ min, max }));
  }
  return fc.double({ min: lo, max: hi, noNaN: true, noDefaultInfinity: true });
}

/** Values valid under the schema (as far as this subset goes). */
export function arbitraryFor(s: JsonSchema | undefined, depth = 0): fc.Arbitrary<unknown> {
  if (!s || depth > 6) return fc.jsonValue({ maxDepth: 2 });
  if (s.const !== undefined) return fc.constant(s.const);
  if (s.enum) return fc.constantFrom(...s.enum);
  const alternatives = s.anyOf ?? s.oneOf;
  if (alternatives && alternatives.length > 0)
    return fc.oneof(...alternatives.map((a) => arbitraryFor(a, depth + 1)));
  if (s.allOf && s.allOf.length > 0) return arbitraryFor(s.allOf[0], depth + 1);
  const type = Array.isArray(s.type) ? s.type[0] : s.type;
  switch (type) {
    case 'string':
      return stringArb(s);
    case 'integer':
      return numberArb(s, true);
    case 'number':
      return numberArb(s, false);
    case 'boolean':
      return fc.boolean();
    case 'null':
      return fc.constant(null);
    case 'array': {
      const item = arbitraryFor(s.items, depth + 1);
      const constraints = { minLength: s.minItems ?? 0, maxLength: Math.min(s.maxItems ?? 5, 10) };
      return s.uniqueItems
        ? fc.uniqueArray(item, { ...constraints, selector: (v) => JSON.stringify(v) })
        : fc.array(item, constraints);
    }
    case 'object': {
      const props = s.properties ?? {};
      const required = new Set(s.required ?? []);
      const record: Record<string, fc.Arbitrary<unknown>> = {};
      for (const [k, v] of Object.entries(props)) record[k] = arbitraryFor(v, depth + 1);
      const requiredKeys = Object.keys(props).filter((k) => required.has(k));
      return fc.record(record, { requiredKeys });
    }
  }
  return fc.jsonValue({ maxDepth: 2 });
}

/** Every path to a value inside v (objects and arrays), the root first. */
function paths(v: unknown, prefix: Array<string | number> = [], out: Array<Array<string | number>> = []) {
  out.push(prefix);
  if (prefix.length > 4) return out;
  if (Array.isArray(v)) {
    for (const [i, x] of v.entries()) paths(x, [...prefix, i], out);
  } else if (v !== null && typeof v === 'object')
    for (const [k, x] of Object.entries(v)) paths(x, [...prefix, k], out);
  return out;
}

/** Returns a copy of v with the value at one path (chosen by `pick`) replaced, or a key added. */
export function mutate(v: unknown, pick: number, replacement: unknown, addKey: string | undefined): unknown {
  const all = paths(v);
  const path = all[pick % all.length]!;
  const copy = structuredClone(v) as unknown;
  if (path.length === 0)
    return addKey !== undefined && isObject(copy) ? { ...copy, [addKey]: replacement } : replacement;
  let parent = copy as Record<string | number, unknown>;
  for (const k of path.slice(0, -1)) parent = parent[k] as Record<string | number, unknown>;
  const last = path[path.length - 1]!;
  if (addKey !== undefined && isObject(parent[last]))
    (parent[last] as Record<string, unknown>)[addKey] = replacement;
  else parent[last] = replacement;
  return copy;
}

function isObject(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}
