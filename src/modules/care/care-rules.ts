/**
 * Cohort rules: the fields a rule may test, its TypeBox schema, the semantic check (unknown field,
 * wrong operator or value type → 400 naming the field, nothing saved) and the one compilation
 * into SQL over `people p` joined with the household sizes `hs`. Pure: no database, no clock.
 *
 * Age is counted by year: the age a person reaches in the evaluation year (evaluation year −
 * birth year, the registry's birth year comes from the ID number). Flags come from department
 * files (care_person_flags, under a keyed hash of the flag code); a leveled flag (disability)
 * carries its level.
 */
import { type Static, Type } from '@sinclair/typebox';
import { text } from '../../lib/errors.js';
import { CareErrors } from './care.errors.js';

/** Flags departments report about a person (civil affairs, disabled persons' federation, health, justice). */
export const CARE_FLAGS = [
  'disability',
  'low_income',
  'extreme_hardship',
  'severe_mental_disorder',
  'community_correction',
  'left_behind_child',
] as const;
/** One of CARE_FLAGS. */
export type CareFlag = (typeof CARE_FLAGS)[number];

type FieldType = 'number' | 'boolean' | 'enum';
interface FieldSpec {
  type: FieldType;
  /** Allowed values of an enum field. */
  values?: readonly string[];
  /** Inclusive range of a number field (integers). */
  min?: number;
  max?: number;
}

/** Every field a rule may test. */
export const RULE_FIELDS: Readonly<Record<string, FieldSpec>> = {
  age: { type: 'number', min: 0, max: 150 },
  birth_year: { type: 'number', min: 1850, max: 2200 },
  gender: { type: 'enum', values: ['male', 'female'] },
  residence_type: { type: 'enum', values: ['registered', 'permanent', 'floating'] },
  lives_alone: { type: 'boolean' },
  household_size: { type: 'number', min: 0, max: 1000 },
  disability_level: { type: 'number', min: 1, max: 4 },
  ...Object.fromEntries(CARE_FLAGS.map((f) => [f, { type: 'boolean' as const }])),
};

const NUMBER_OPS = ['eq', 'ne', 'gt', 'gte', 'lt', 'lte'] as const;
const OPS = [...NUMBER_OPS, 'in'] as const;
type Op = (typeof OPS)[number];

const Leaf = Type.Object(
  {
    field: Type.String({
      pattern: '^[a-z][a-z_]{0,39}$',
      description: `One of ${Object.keys(RULE_FIELDS).join(', ')}`,
    }),
    op: Type.Union(OPS.map((o) => Type.Literal(o))),
    // Any JSON value: its type depends on the field, so checkRule judges it (a union of types here
    // would let Ajv's type coercion turn `true` into 1 before the check sees it).
    value: Type.Unknown({
      description: 'A number, true/false, a value or a list of values, as the field needs',
    }),
  },
  { additionalProperties: false },
);
const Inner = Type.Union([
  Leaf,
  Type.Object({ all: Type.Array(Leaf, { minItems: 1, maxItems: 20 }) }, { additionalProperties: false }),
  Type.Object({ any: Type.Array(Leaf, { minItems: 1, maxItems: 20 }) }, { additionalProperties: false }),
]);

/** A rule: one test, or AND (`all`) / OR (`any`) of tests and of groups of tests (two levels). */
export const CohortRuleSchema = Type.Union([
  Leaf,
  Type.Object({ all: Type.Array(Inner, { minItems: 1, maxItems: 20 }) }, { additionalProperties: false }),
  Type.Object({ any: Type.Array(Inner, { minItems: 1, maxItems: 20 }) }, { additionalProperties: false }),
]);

/** A leaf test. */
export type RuleLeaf = Static<typeof Leaf>;
/** A whole rule (see CohortRuleSchema). */
export type CohortRule = RuleLeaf | { all: CohortRule[] } | { any: CohortRule[] };

function isLeaf(r: CohortRule): r is RuleLeaf {
  return 'field' in r;
}

/**
 * The semantic check TypeBox cannot do: known field, operator fit for the field's type, value of
 * the right type and range. Throws CARE_RULE_UNKNOWN_FIELD / CARE_RULE_BAD_VALUE with `field`
 * the JSON path of the offending test (e.g. `body/rule/all/1/field`).
 */
export function checkRule(rule: CohortRule, path = 'body/rule'): void {
  if (!isLeaf(rule)) {
    const [key, parts] = 'all' in rule ? ['all', rule.all] : ['any', rule.any];
    for (const [i, p] of parts.entries()) checkRule(p, `${path}/${key}/${i}`);
    return;
  }
  const spec = RULE_FIELDS[rule.field];
  if (!spec) throw CareErrors.UnknownRuleField({ params: { name: rule.field }, field: `${path}/field` });
  const bad = (zh: string, en: string) =>
    CareErrors.BadRuleValue({ params: { name: rule.field, detail: text(zh, en) }, field: `${path}/value` });
  const v = rule.value;
  if (spec.type === 'boolean') {
    if (rule.op !== 'eq') throw bad('运算只能是 eq', 'op must be eq');
    if (typeof v !== 'boolean') throw bad('取值必须是 true 或 false', 'value must be true or false');
  } else if (spec.type === 'number') {
    if (!(NUMBER_OPS as readonly string[]).includes(rule.op))
      throw bad('运算只能是 eq、ne、gt、gte、lt、lte', 'op must be eq, ne, gt, gte, lt or lte');
    if (typeof v !== 'number' || !Number.isInteger(v))
      throw bad('取值必须是整数', 'value must be an integer');
    if ((spec.min !== undefined && v < spec.min) || (spec.max !== undefined && v > spec.max))
      throw bad(`取值必须在 ${spec.min}..${spec.max} 之间`, `value must lie in ${spec.min}..${spec.max}`);
  } else {
    const allowed = spec.values ?? [];
    if (rule.op === 'eq') {
      if (typeof v !== 'string' || !allowed.includes(v))
        throw bad(`取值必须是 ${allowed.join('、')} 之一`, `value must be one of ${allowed.join(', ')}`);
    } else if (rule.op === 'in') {
      if (!Array.isArray(v) || v.some((x) => !allowed.includes(x)))
        throw bad(`取值必须是 ${allowed.join('、')} 的列表`, `value must be a list of ${allowed.join(', ')}`);
    } else throw bad('运算只能是 eq 或 in', 'op must be eq or in');
  }
}

/** The flag codes a rule reads (for the flag-key parameters). */
export function flagOfField(field: string): CareFlag | null {
  if (field === 'disability_level') return 'disability';
  return (CARE_FLAGS as readonly string[]).includes(field) ? (field as CareFlag) : null;
}

const SQL_OP: Record<Exclude<Op, 'in'>, string> = {
  eq: '=',
  ne: '<>',
  gt: '>',
  gte: '>=',
  lt: '<',
  lte: '<=',
};

/** What compilation needs: the parameter list, the keyed hash of a flag, the evaluation year. */
export interface RuleSqlContext {
  params: unknown[];
  flagKey: (flag: CareFlag) => string;
  year: number;
}

/**
 * The rule as a SQL condition over `people p` LEFT JOINed with `hs` (household_id, n). A test of
 * a missing value (no birth year, no household) is false; a boolean flag is true when the person
 * has it. The rule must have passed checkRule.
 */
export function ruleSql(rule: CohortRule, ctx: RuleSqlContext): string {
  if (!isLeaf(rule)) {
    const [joiner, parts] = 'all' in rule ? [' AND ', rule.all] : [' OR ', rule.any];
    return `(${parts.map((p) => ruleSql(p, ctx)).join(joiner)})`;
  }
  const param = (v: unknown) => {
    ctx.params.push(v);
    return `$${ctx.params.length}`;
  };
  const cmp = (expr: string) => {
    if (rule.op === 'in') return `coalesce(${expr} = ANY(${param(rule.value)}::text[]), false)`;
    return `coalesce(${expr} ${SQL_OP[rule.op]} ${param(rule.value)}, false)`;
  };
  switch (rule.field) {
    case 'age':
      return cmp(`(${param(ctx.year)}::int - p.birth_year)`);
    case 'birth_year':
      return cmp('p.birth_year');
    case 'gender':
      return cmp('p.gender');
    case 'residence_type':
      return cmp('p.residence_type');
    case 'household_size':
      return cmp('hs.n');
    case 'lives_alone':
      return rule.value === true ? 'coalesce(hs.n = 1, false)' : 'NOT coalesce(hs.n = 1, false)';
    case 'disability_level':
      return `EXISTS (SELECT 1 FROM care_person_flags f WHERE f.person_id = p.id AND f.flag_key = ${param(
        ctx.flagKey('disability'),
      )} AND f.level ${SQL_OP[rule.op as Exclude<Op, 'in'>]} ${param(rule.value)})`;
    default: {
      const flag = flagOfField(rule.field);
      if (!flag) throw CareErrors.UnknownRuleField({ params: { name: rule.field } });
      const exists = `EXISTS (SELECT 1 FROM care_person_flags f WHERE f.person_id = p.id AND f.flag_key = ${param(
        ctx.flagKey(flag),
      )})`;
      return rule.value === true ? exists : `NOT ${exists}`;
    }
  }
}

/** The keyed-hash input of a flag code (care_person_flags.flag_key = lookupHash of this). */
export function flagHashInput(flag: CareFlag): string {
  return `care-flag:${flag}`;
}
