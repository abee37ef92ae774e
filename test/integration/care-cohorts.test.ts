import fc from 'fast-check';
import { beforeAll, expect, it } from 'vitest';
import type { Db } from '../../src/db/db.js';
import { systemActor } from '../../src/kernel/actor.js';
import type { InboxWriter, NewNotification } from '../../src/kernel/inbox.js';
import { FixedClock } from '../../src/lib/clock.js';
import { FieldCipher } from '../../src/lib/privacy.js';
import { createRng } from '../../src/lib/random.js';
import { calendarReader } from '../../src/modules/calendar/index.js';
import {
  CARE_FLAGS,
  type CareServices,
  type CohortRule,
  createCareServices,
} from '../../src/modules/care/index.js';
import { describeEachDriver } from '../support/db.js';
import { RecordingAudit } from '../support/fake-audit.js';

const ADMIN = systemActor('test');
const YEAR = 2026;
const GRIDS = ['320502001001001', '320502001001002', '320502001002001', '320503001001001'];

/** A person of the generated registry, as the brute-force recount sees it. */
interface GenPerson {
  id: number;
  idNumber: string;
  birthYear: number | null;
  gender: 'male' | 'female' | null;
  residenceType: 'registered' | 'permanent' | 'floating' | null;
  householdId: number | null;
  gridCode: string;
  flags: Map<string, number | null>;
}

class CapturingInbox implements InboxWriter {
  readonly sent: NewNotification[] = [];
  async notifyMany(_q: unknown, ns: readonly NewNotification[]): Promise<number[][]> {
    this.sent.push(...ns);
    return ns.map(() => []);
  }
}

/** Inserts a random registry straight into the tables (households of 1–4, random flags). */
async function generateRegistry(db: Db, cipher: FieldCipher, seed: number, n: number): Promise<GenPerson[]> {
  const r = createRng(seed);
  const rng = () => r.next();
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rng() * xs.length)]!;
  const people: GenPerson[] = [];
  let hh = 0;
  while (people.length < n) {
    const grid = pick(GRIDS);
    const alone = rng() < 0.15;
    let householdId: number | null = null;
    let size = 1;
    if (!alone || rng() < 0.9) {
      hh++;
      const { rows } = await db.query<{ id: string }>(
        'INSERT INTO households (household_no, grid_code) VALUES ($1, $2) RETURNING id',
        [`H${seed}-${hh}`, grid],
      );
      householdId = Number(rows[0]!.id);
      size = alone ? 1 : 1 + Math.floor(rng() * 4);
    }
    for (let i = 0; i < size && people.length < n; i++) {
      const idNumber = `T${seed}-${people.length}`;
      const p: GenPerson = {
        id: 0,
        idNumber,
        birthYear: rng() < 0.05 ? null : 1920 + Math.floor(rng() * 105),
        gender: rng() < 0.05 ? null : pick(['male', 'female'] as const),
        residenceType: rng() < 0.2 ? null : pick(['registered', 'permanent', 'floating'] as const),
        householdId,
        gridCode: grid,
        flags: new Map(),
      };
      for (const f of CARE_FLAGS) {
        if (rng() < 0.2) p.flags.set(f, f === 'disability' ? 1 + Math.floor(rng() * 4) : null);
      }
      const { rows } = await db.query<{ id: string }>(
        `INSERT INTO people (id_hash, id_enc, id_masked, gender, birth_year, residence_type, household_id, grid_code, created_at, updated_at)
         VALUES ($1, 'x', 'x', $2, $3, $4, $5, $6, now(), now()) RETURNING id`,
        [cipher.lookupHash(idNumber), p.gender, p.birthYear, p.residenceType, p.householdId, p.gridCode],
      );
      p.id = Number(rows[0]!.id);
      people.push(p);
    }
  }
  return people;
}

async function* flagRows(people: readonly GenPerson[]) {
  let rowNo = 1;
  for (const p of people)
    for (const [flag, level] of p.flags) {
      rowNo++;
      yield {
        rowNo,
        values: { id_number: p.idNumber, flag, ...(level !== null ? { level: String(level) } : {}) },
      };
    }
}

/** The brute-force recount: does the person satisfy the rule? */
function matches(rule: CohortRule, p: GenPerson, households: Map<number, number>): boolean {
  if ('all' in rule) return rule.all.every((r) => matches(r, p, households));
  if ('any' in rule) return rule.any.some((r) => matches(r, p, households));
  const size = p.householdId === null ? null : households.get(p.householdId)!;
  const num = (x: number | null): boolean => {
    if (x === null) return false;
    const v = rule.value as number;
    switch (rule.op) {
      case 'eq':
        return x === v;
      case 'ne':
        return x !== v;
      case 'gt':
        return x > v;
      case 'gte':
        return x >= v;
      case 'lt':
        return x < v;
      case 'lte':
        return x <= v;
      default:
        throw new Error(rule.op);
    }
  };
  const enumTest = (x: string | null) =>
    x !== null && (rule.op === 'in' ? (rule.value as string[]).includes(x) : x === rule.value);
  switch (rule.field) {
    case 'age':
      return num(p.birthYear === null ? null : YEAR - p.birthYear);
    case 'birth_year':
      return num(p.birthYear);
    case 'gender':
      return enumTest(p.gender);
    case 'residence_type':
      return enumTest(p.residenceType);
    case 'household_size':
      return num(size);
    case 'lives_alone':
      return (size === 1) === rule.value;
    case 'disability_level':
      return p.flags.has('disability') && num(p.flags.get('disability') ?? null);
    default:
      return p.flags.has(rule.field) === rule.value;
  }
}

const numOp = fc.constantFrom('eq', 'ne', 'gt', 'gte', 'lt', 'lte' as const);
const leaf: fc.Arbitrary<CohortRule> = fc.oneof(
  fc.record({ field: fc.constant('age'), op: numOp, value: fc.integer({ min: 0, max: 110 }) }),
  fc.record({ field: fc.constant('birth_year'), op: numOp, value: fc.integer({ min: 1915, max: 2026 }) }),
  fc.record({ field: fc.constant('household_size'), op: numOp, value: fc.integer({ min: 0, max: 5 }) }),
  fc.record({ field: fc.constant('disability_level'), op: numOp, value: fc.integer({ min: 1, max: 4 }) }),
  fc.record({ field: fc.constant('lives_alone'), op: fc.constant('eq' as const), value: fc.boolean() }),
  fc.record({
    field: fc.constantFrom(...CARE_FLAGS),
    op: fc.constant('eq' as const),
    value: fc.boolean(),
  }),
  fc.record({
    field: fc.constant('gender'),
    op: fc.constant('eq' as const),
    value: fc.constantFrom('male', 'female'),
  }),
  fc.record({
    field: fc.constant('residence_type'),
    op: fc.constant('in' as const),
    value: fc.uniqueArray(fc.constantFrom('registered', 'permanent', 'floating'), {
      minLength: 1,
      maxLength: 3,
    }),
  }),
);
const group = (inner: fc.Arbitrary<CohortRule>) =>
  fc.oneof(
    fc.array(inner, { minLength: 1, maxLength: 3 }).map((all) => ({ all })),
    fc.array(inner, { minLength: 1, maxLength: 3 }).map((any) => ({ any })),
  );
const ruleArb: fc.Arbitrary<CohortRule> = fc.oneof(leaf, group(fc.oneof(leaf, group(leaf))));

describeEachDriver('care cohorts', (t) => {
  let care: CareServices;
  let people: GenPerson[];
  let households: Map<number, number>;
  const clock = new FixedClock(new Date('2026-03-04T02:00:00Z'));
  const cipher = new FieldCipher('c'.repeat(40));
  const audit = new RecordingAudit();

  beforeAll(async () => {
    const db = t().db;
    await db.query(
      "INSERT INTO departments (code, name_zh, name_en) VALUES ('civil_affairs', '民政', 'Civil affairs') ON CONFLICT DO NOTHING",
    );
    care = createCareServices({
      db,
      clock,
      audit,
      cipher,
      calendar: calendarReader(),
      inbox: new CapturingInbox(),
    });
    people = await generateRegistry(db, cipher, 7, 260);
    households = new Map();
    for (const p of people)
      if (p.householdId !== null) households.set(p.householdId, (households.get(p.householdId) ?? 0) + 1);
    const report = await care.cohorts.importFlags(ADMIN, {
      source: 'civil_affairs',
      fileName: 'flags.csv',
      rows: flagRows(people),
    });
    expect(report.rejected).toBe(0);
    expect(report.set).toBe(people.reduce((s, p) => s + p.flags.size, 0));
  });

  it('a rule picks exactly the members a brute-force recount picks (fast-check)', async () => {
    const db = t().db;
    const first = await care.cohorts.define(ADMIN, {
      label: '测试人群',
      areaCode: null,
      rule: { field: 'age', op: 'gte', value: 80 },
    });
    await fc.assert(
      fc.asyncProperty(ruleArb, fc.constantFrom(null, '320502001', '320502001001'), async (rule, area) => {
        const cohort = await care.cohorts.define(ADMIN, { label: 'p', areaCode: area, rule });
        const { rows } = await db.query<{ person_id: string }>(
          'SELECT person_id FROM care_members WHERE cohort_id = $1 ORDER BY person_id',
          [cohort.id],
        );
        const got = rows.map((r) => Number(r.person_id));
        const want = people
          .filter((p) => (area === null || p.gridCode.startsWith(area)) && matches(rule, p, households))
          .map((p) => p.id)
          .sort((a, b) => a - b);
        expect(got).toEqual(want);
        expect(cohort.members).toBe(want.length);
        expect(cohort.entered).toBe(want.length);
      }),
      { numRuns: 40, seed: 17 },
    );
    expect(first.members).toBe(people.filter((p) => p.birthYear !== null && YEAR - p.birthYear >= 80).length);
  });

  it('refuses an unknown field or a wrong type naming the field, and saves nothing', async () => {
    const db = t().db;
    const before = await db.query<{ n: number }>('SELECT count(*)::int AS n FROM care_cohorts');
    await expect(
      care.cohorts.define(ADMIN, {
        label: 'x',
        areaCode: null,
        rule: {
          all: [
            { field: 'age', op: 'gte', value: 80 },
            { field: 'shoe_size', op: 'eq', value: 42 },
          ],
        },
      }),
    ).rejects.toMatchObject({ code: 'CARE_RULE_UNKNOWN_FIELD', field: 'body/rule/all/1/field' });
    await expect(
      care.cohorts.define(ADMIN, {
        label: 'x',
        areaCode: null,
        rule: { field: 'age', op: 'gte', value: 'old' },
      }),
    ).rejects.toMatchObject({ code: 'CARE_RULE_BAD_VALUE', field: 'body/rule/value' });
    await expect(
      care.cohorts.define(ADMIN, {
        label: 'x',
        areaCode: null,
        rule: { field: 'lives_alone', op: 'gt', value: true },
      }),
    ).rejects.toMatchObject({ code: 'CARE_RULE_BAD_VALUE' });
    const after = await db.query<{ n: number }>('SELECT count(*)::int AS n FROM care_cohorts');
    expect(after.rows[0]!.n).toBe(before.rows[0]!.n);
  });

  it('keeps every entry and exit with who, when and why; manual additions stay until removed', async () => {
    const db = t().db;
    const cohort = await care.cohorts.define(ADMIN, {
      label: '独居老人',
      areaCode: null,
      rule: {
        all: [
          { field: 'age', op: 'gte', value: 80 },
          { field: 'lives_alone', op: 'eq', value: true },
        ],
      },
    });
    const outsider = people.find((p) => p.birthYear !== null && YEAR - p.birthYear < 30)!;
    await care.cohorts.addManual(ADMIN, cohort.id, { personId: outsider.id, reason: '社区走访发现' });
    // The person's household changes: an old person living alone gets a housemate → leaves.
    const alone = people.find(
      (p) =>
        p.birthYear !== null &&
        YEAR - p.birthYear >= 80 &&
        p.householdId !== null &&
        households.get(p.householdId) === 1,
    );
    if (alone) {
      await db.query(
        `INSERT INTO people (id_hash, id_enc, id_masked, household_id, grid_code, created_at, updated_at)
         VALUES ('mate', 'x', 'x', $1, $2, now(), now())`,
        [alone.householdId, alone.gridCode],
      );
    }
    clock.advance(3_600_000);
    const r = await care.cohorts.recompute(ADMIN, cohort.id);
    expect(r.left).toBe(alone ? 1 : 0);
    await care.cohorts.removeManual(ADMIN, cohort.id, outsider.id);
    const history = await care.cohorts.changes(ADMIN, cohort.id, { purpose: 'investigation', limit: 1000 });
    const of = (id: number) =>
      history.filter((h) => h.personId === id).map((h) => [h.change, h.reason, h.trigger]);
    expect(of(outsider.id)).toEqual([
      ['left', 'manual_removed', 'manual'],
      ['entered', 'manual_addition', 'manual'],
    ]);
    if (alone) {
      expect(of(alone.id)).toEqual([
        ['left', 'no_longer_matches', 'on_demand'],
        ['entered', 'rule_matched', 'defined'],
      ]);
      await db.query("DELETE FROM people WHERE id_hash = 'mate'");
    }
    expect(history.every((h) => h.by === 'system:test')).toBe(true);
    expect(audit.entries.some((e) => e.action === 'care.changes_view' && e.purpose === 'investigation')).toBe(
      true,
    );
  });

  it('stores no label, rule or reason in clear', async () => {
    const db = t().db;
    const { rows } = await db.query<Record<string, unknown>>(
      `SELECT c.label_enc, c.rule_enc, m.reason_enc FROM care_cohorts c LEFT JOIN care_manual_members m ON m.cohort_id = c.id`,
    );
    const text = JSON.stringify(rows);
    for (const clear of ['独居老人', '测试人群', '社区走访发现', 'lives_alone', '"field"'])
      expect(text).not.toContain(clear);
    const flags = JSON.stringify((await db.query('SELECT * FROM care_person_flags LIMIT 50')).rows);
    for (const f of CARE_FLAGS) expect(flags).not.toContain(f);
  });
});
