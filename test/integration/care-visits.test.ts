import { beforeAll, expect, it } from 'vitest';
import { systemActor } from '../../src/kernel/actor.js';
import { idNumber } from '../../src/kernel/demo-data/demo-content.js';
import { silentProgress } from '../../src/kernel/progress.js';
import { FixedClock } from '../../src/lib/clock.js';
import { createRng } from '../../src/lib/random.js';
import { FALLBACK_CALENDAR, isWorkingDay } from '../../src/modules/calendar/index.js';
import { departmentsDemoStep } from '../../src/modules/org/org.demo.js';
import { readTable } from '../../src/modules/registry/index.js';
import { taxonomyDemoStep } from '../../src/modules/taxonomy/taxonomy.demo.js';
import { describeEachDriver } from '../support/db.js';
import {
  buildWatchedApp,
  type CookieClient,
  createTestUser,
  piiLeaks,
  type ScopeFixture,
  scopeBranches,
  seedTestCity,
  sessionFor,
  type WatchedApp,
} from '../support/identity.js';

const LABEL = '高龄独居老人';
const REASON_LABEL = '严重精神障碍患者';
// Monday of the National Day week: 10-05..10-07 are holidays, Saturday 10-10 is a make-up workday.
const START = new Date('2026-10-05T01:00:00Z');
const WEEK_DAYS = ['2026-10-08', '2026-10-09', '2026-10-10'];

describeEachDriver('care visits over HTTP', (t) => {
  let w: WatchedApp;
  let A: ScopeFixture;
  let B: ScopeFixture;
  const clock = new FixedClock(START);
  let admin: CookieClient;
  let workerA: CookieClient;
  let workerB: CookieClient;
  let officer: CookieClient;
  let carer: CookieClient;
  let carerId: number;
  let workerAId: number;
  let communitySupervisorId: number;
  let cohortId: number;
  const oldA: number[] = [];
  const oldB: number[] = [];
  const rng = createRng(5);
  const sessions: Array<{ id: number; client: CookieClient }> = [];

  /** Moves the clock and opens fresh sessions (they expire like real ones). */
  async function moveTo(at: string): Promise<void> {
    clock.set(new Date(at));
    for (const s of sessions) s.client.cookies = (await sessionFor(w, t().db, s.id)).cookies;
  }

  async function addPerson(grid: string, birth: string, household: string): Promise<number> {
    const db = t().db;
    const cipher = w.services.cipher;
    const { rows: hh } = await db.query<{ id: string }>(
      `INSERT INTO households (household_no, grid_code) VALUES ($1, $2)
       ON CONFLICT (household_no) DO UPDATE SET grid_code = EXCLUDED.grid_code RETURNING id`,
      [household, grid],
    );
    const id = idNumber(rng, birth, '320502', 'female');
    const { rows } = await db.query<{ id: string }>(
      `INSERT INTO people (id_hash, id_enc, id_masked, name_enc, name_masked, gender, birth_year, household_id, grid_code, created_at, updated_at)
       VALUES ($1, $2, $3, $4, '王*', 'female', $5, $6, $7, now(), now()) RETURNING id`,
      [
        cipher.lookupHash(id),
        cipher.encrypt(id),
        `${id[0]}****************${id[17]}`,
        cipher.encrypt('王秀英'),
        Number(birth.slice(0, 4)),
        Number(hh[0]!.id),
        grid,
      ],
    );
    return Number(rows[0]!.id);
  }

  beforeAll(async () => {
    const db = t().db;
    w = await buildWatchedApp(db, { clock });
    const { codes } = await seedTestCity(db);
    await db.transaction(async (tx) => {
      for (const step of [departmentsDemoStep, taxonomyDemoStep])
        await step.run(tx, {
          rng: createRng(1).fork(step.name),
          clock,
          progress: silentProgress,
          seed: 1,
          cipher: w.services.cipher,
        });
    });
    // The city's calendar as the database holds it (the 2026 State Council holidays).
    for (const e of FALLBACK_CALENDAR.exceptions)
      await db.query('INSERT INTO calendar_exceptions (day, kind, label) VALUES ($1, $2, $3)', [
        e.date,
        e.kind,
        e.label ?? '',
      ]);
    ({ A, B } = scopeBranches(codes));
    await db.query(
      "INSERT INTO departments (code, name_zh, name_en) VALUES ('civil_affairs', '民政', 'Civil affairs') ON CONFLICT DO NOTHING",
    );
    const mk = async (username: string, grants: Parameters<typeof createTestUser>[1]['grants']) => {
      const id = await createTestUser(w, { username, grants });
      const made = { id, client: await sessionFor(w, db, id) };
      sessions.push(made);
      return made;
    };
    admin = (await mk('care-admin', [{ role: 'admin', areaCode: null, departmentCode: null }])).client;
    const wa = await mk('worker-a', [{ role: 'grid_worker', areaCode: A.community, departmentCode: null }]);
    workerA = wa.client;
    workerAId = wa.id;
    const wb = await mk('worker-b', [{ role: 'grid_worker', areaCode: B.community, departmentCode: null }]);
    workerB = wb.client;
    officer = (
      await mk('registry-officer', [{ role: 'supervisor', areaCode: A.district, departmentCode: null }])
    ).client;
    const c = await mk('carer', [{ role: 'supervisor', areaCode: A.street, departmentCode: null }]);
    carer = c.client;
    carerId = c.id;
    communitySupervisorId = (
      await mk('community-lead', [{ role: 'supervisor', areaCode: A.community, departmentCode: null }])
    ).id;
    await db.query(
      `INSERT INTO grid_members (user_id, grid_code, role, assigned_by) VALUES ($1, $2, 'worker', 'test'), ($3, $4, 'worker', 'test')`,
      [wa.id, A.grid, wb.id, B.grid],
    );
    for (let i = 0; i < 6; i++) oldA.push(await addPerson(A.grid, '1940-03-01', `HA${i}`));
    for (let i = 0; i < 2; i++) oldB.push(await addPerson(B.grid, '1942-07-01', `HB${i}`));
    await addPerson(A.grid, '1990-01-01', 'HA-young');
  });

  it('defines a cohort (bad rules: 400 naming the field, nothing saved), a plan, and tasks on working days', async () => {
    const bad = await admin.request('POST', '/api/admin/care/cohorts', {
      label: LABEL,
      rule: {
        all: [
          { field: 'age', op: 'gte', value: 80 },
          { field: 'favourite_colour', op: 'eq', value: 'red' },
        ],
      },
    });
    expect(bad.statusCode).toBe(400);
    expect(bad.json()).toMatchObject({ code: 'CARE_RULE_UNKNOWN_FIELD', field: 'body/rule/all/1/field' });
    expect(bad.json().message).toContain('favourite_colour');
    const wrong = await admin.request('POST', '/api/admin/care/cohorts', {
      label: LABEL,
      rule: { field: 'age', op: 'gte', value: true },
    });
    expect(wrong.statusCode).toBe(400);
    expect(wrong.json()).toMatchObject({ code: 'CARE_RULE_BAD_VALUE', field: 'body/rule/value' });
    expect((await t().db.query('SELECT 1 FROM care_cohorts')).rows).toHaveLength(0);

    const res = await admin.request('POST', '/api/admin/care/cohorts', {
      label: LABEL,
      rule: {
        all: [
          { field: 'age', op: 'gte', value: 80 },
          { field: 'lives_alone', op: 'eq', value: true },
        ],
      },
    });
    expect(res.statusCode).toBe(201);
    expect(res.json()).toMatchObject({ label: LABEL, members: 8, entered: 8 });
    cohortId = res.json().id;
    const plan = await admin.request('PUT', `/api/admin/care/cohorts/${cohortId}/plan`, {
      frequency: 'weekly',
      form: ['health', 'living', 'needs'],
    });
    expect(plan.statusCode).toBe(200);
    const gen = await admin.request('POST', '/api/admin/care/tasks/generate', {});
    expect(gen.json().items).toEqual([{ cohortId, periodStart: '2026-10-05', created: 8 }]);
    // Again: nothing new for the same period.
    expect((await admin.request('POST', '/api/admin/care/tasks/generate', {})).json().items[0].created).toBe(
      0,
    );

    const tasks = await w.services.care.support.repo.tasksOfCohort(t().db, cohortId);
    expect(tasks).toHaveLength(8);
    for (const task of tasks) {
      expect(WEEK_DAYS).toContain(task.dueDay);
      expect(isWorkingDay(FALLBACK_CALENDAR, task.dueDay)).toBe(true);
    }
    // Balanced over the worker's week: 6 tasks over 3 working days → 2 a day.
    const perDay = new Map<string, number>();
    for (const task of tasks.filter((x) => x.workerUserId === workerAId))
      perDay.set(task.dueDay, (perDay.get(task.dueDay) ?? 0) + 1);
    expect([...perDay.values()]).toEqual([2, 2, 2]);
  });

  it("lists the worker's own visits; another grid's worker gets 404 on the member", async () => {
    await moveTo('2026-10-09T01:00:00Z');
    const mine = await workerA.request('GET', '/api/care/visits/mine');
    expect(mine.statusCode).toBe(200);
    const items = mine.json().items as Array<{
      personId: number;
      dueDay: string;
      overdue: boolean;
      label: string | null;
    }>;
    expect(items.length).toBe(4); // due 10-08 (overdue) and 10-09
    expect(items.every((i) => oldA.includes(i.personId) && i.label === null)).toBe(true);
    expect(items.filter((i) => i.overdue).every((i) => i.dueDay === '2026-10-08')).toBe(true);
    const mineB = (await workerB.request('GET', '/api/care/visits/mine')).json().items as Array<{
      personId: number;
    }>;
    expect(mineB.map((i) => i.personId).sort()).toEqual([...oldB].sort());

    expect(
      (await workerB.request('GET', `/api/care/cohorts/${cohortId}/members/${oldA[0]}`)).statusCode,
    ).toBe(404);
    const visitB = await workerB.request('POST', '/api/care/visits', {
      idempotencyKey: 'b-visit-0001',
      cohortId,
      personId: oldA[0],
      contact: 'in_person',
    });
    expect(visitB.statusCode).toBe(404);
    const card = await workerA.request('GET', `/api/care/cohorts/${cohortId}/members/${oldA[0]}`);
    expect(card.statusCode).toBe(200);
    expect(card.json()).toMatchObject({
      label: null,
      member: true,
      card: { personId: oldA[0], nameMasked: '王*' },
    });
  });

  it('an offline visit with a need, replayed, is one visit and one case linked to it', async () => {
    const db = t().db;
    const body = {
      idempotencyKey: 'offline-a0-0001',
      cohortId,
      personId: oldA[0],
      visitedOn: '2026-10-08',
      contact: 'in_person',
      health: '血压偏高',
      needs: '家中水管漏水，需要维修',
      createCase: true,
      caseCategory: 'E0301',
    };
    const first = await workerA.request('POST', '/api/care/visits', body);
    expect(first.statusCode, first.body).toBe(201);
    const visit = first.json();
    expect(visit.caseId).toEqual(expect.any(Number));
    expect(visit).toMatchObject({ memberLeft: false, notesMasked: true, health: null, onTime: true });
    const replay = await workerA.request('POST', '/api/care/visits', body);
    expect(replay.statusCode).toBe(200);
    expect(replay.json()).toMatchObject({ id: visit.id, caseId: visit.caseId });
    const cases = await db.query('SELECT id FROM cases WHERE external_ref = $1', [`care-visit:${visit.id}`]);
    expect(cases.rows).toHaveLength(1);
    expect((await db.query('SELECT id FROM care_visits WHERE person_id = $1', [oldA[0]])).rows).toHaveLength(
      1,
    );
    const other = await workerA.request('POST', '/api/care/visits', { ...body, health: '正常' });
    expect(other.statusCode).toBe(409);
    // Notes are sealed at rest.
    const raw = JSON.stringify((await db.query('SELECT * FROM care_visits')).rows);
    expect(raw).not.toContain('血压偏高');
    expect(raw).not.toContain('漏水');
  });

  it('accepts and flags a visit for a member who left the cohort', async () => {
    const db = t().db;
    await db.query('UPDATE people SET birth_year = 1990 WHERE id = $1', [oldA[5]]);
    const r = await admin.request('POST', `/api/admin/care/cohorts/${cohortId}/recompute`);
    expect(r.json()).toMatchObject({ left: 1, members: 7 });
    const res = await workerA.request('POST', '/api/care/visits', {
      idempotencyKey: 'left-a5-0001',
      cohortId,
      personId: oldA[5],
      contact: 'phone',
    });
    expect(res.statusCode).toBe(201);
    expect(res.json().memberLeft).toBe(true);
    // Someone never in the cohort: 404.
    const young = (
      await db.query<{ id: string }>(
        "SELECT p.id FROM people p JOIN households h ON h.id = p.household_id WHERE h.household_no = 'HA-young'",
      )
    ).rows[0]!.id;
    expect(
      (
        await workerA.request('POST', '/api/care/visits', {
          idempotencyKey: 'young-0001',
          cohortId,
          personId: Number(young),
          contact: 'in_person',
        })
      ).statusCode,
    ).toBe(404);
  });

  it('coverage per grid, community and street equals a recount, and so does the indicator', async () => {
    const db = t().db;
    await workerA.request('POST', '/api/care/visits', {
      idempotencyKey: 'a1-late-0001',
      cohortId,
      personId: oldA[1],
      visitedOn: '2026-10-09',
      contact: 'in_person',
    });
    await moveTo('2026-10-11T01:00:00Z');
    const { rows } = await db.query<{
      grid_code: string;
      due_day: string;
      status: string;
      done_day: string | null;
    }>(
      `SELECT grid_code, to_char(due_day, 'YYYY-MM-DD') AS due_day, status, to_char(done_day, 'YYYY-MM-DD') AS done_day
         FROM care_visit_tasks`,
    );
    for (const [level, len] of [
      ['grid', 15],
      ['community', 12],
      ['street', 9],
    ] as const) {
      const res = await admin.request(
        'GET',
        `/api/care/coverage?level=${level}&from=2026-10-01&to=2026-10-31`,
      );
      expect(res.statusCode).toBe(200);
      const want = new Map<string, { due: number; onTime: number }>();
      for (const r of rows) {
        const k = r.grid_code.slice(0, len);
        const v = want.get(k) ?? { due: 0, onTime: 0 };
        v.due++;
        if (r.status === 'done' && r.done_day! <= r.due_day) v.onTime++;
        want.set(k, v);
      }
      const got = res.json().items as Array<{ code: string; due: number; onTime: number; rate: number }>;
      expect(got.map((g) => [g.code, g.due, g.onTime])).toEqual(
        [...want.entries()].sort(([a], [b]) => a.localeCompare(b)).map(([k, v]) => [k, v.due, v.onTime]),
      );
      for (const g of got) {
        expect(g.rate).toBeGreaterThanOrEqual(0);
        expect(g.rate).toBeLessThanOrEqual(1);
        expect(g.rate).toBeCloseTo(g.onTime / g.due, 10);
      }
    }
    const ind = await admin.request(
      'GET',
      `/api/indicators?within=${A.street}&from=2026-10-01&to=2026-10-31`,
    );
    const cov = (
      ind.json().indicators as Array<{ code: string; numerator: number; denominator: number }>
    ).find((i) => i.code === 'visit_coverage_rate')!;
    const inStreet = rows.filter((r) => r.grid_code.startsWith(A.street));
    expect(cov.denominator).toBe(inStreet.length);
    expect(cov.numerator).toBe(
      inStreet.filter((r) => r.status === 'done' && r.done_day! <= r.due_day).length,
    );
    // Another street's reader is refused (scoped like every indicator).
    expect(
      (await workerB.request('GET', '/api/care/coverage?level=grid&from=2026-10-01&to=2026-10-31'))
        .statusCode,
    ).toBe(403);
  });

  it('escalates a visit overdue by N days to the community once; M visits not in person raise an alert', async () => {
    const db = t().db;
    await moveTo('2026-10-14T01:00:00Z');
    const first = await w.services.care.scheduler.runOnce();
    expect(first.escalated).toBeGreaterThan(0);
    const again = await w.services.care.scheduler.runOnce();
    expect(again.escalated).toBe(0);
    const notes = await db.query<{ user_id: string; body: Record<string, unknown>; title_zh: string }>(
      "SELECT user_id, body, title_zh FROM notifications WHERE kind = 'care_overdue'",
    );
    expect(notes.rows.some((n) => Number(n.user_id) === communitySupervisorId)).toBe(true);
    expect(JSON.stringify(notes.rows)).not.toContain(LABEL);
    const overdue = await db.query("SELECT count(*)::int AS n FROM care_alerts WHERE kind = 'overdue'");
    expect(overdue.rows[0]).toEqual({ n: first.escalated });

    for (let i = 0; i < 3; i++) {
      const r = await workerA.request('POST', '/api/care/visits', {
        idempotencyKey: `notmet-a2-000${i}`,
        cohortId,
        personId: oldA[2],
        visitedOn: `2026-10-1${i}`,
        contact: i === 1 ? 'phone' : 'not_home',
      });
      expect(r.statusCode).toBe(201);
    }
    const alerts = await db.query("SELECT person_id FROM care_alerts WHERE kind = 'not_met'");
    expect(alerts.rows.map((r) => Number((r as { person_id: string }).person_id))).toEqual([oldA[2]]);
  });

  it('the registry import hook recomputes cohorts in the import transaction', async () => {
    const db = t().db;
    const before = (
      await db.query<{ n: number }>('SELECT count(*)::int AS n FROM care_members WHERE cohort_id = $1', [
        cohortId,
      ])
    ).rows[0]!.n;
    await db.query(`INSERT INTO households (household_no, grid_code) VALUES ('HA-new', $1)`, [A.grid]);
    const csv = Buffer.from(
      `id_number,name,household_no\n${idNumber(rng, '1938-02-02', '320502', 'male')},李大爷,HA-new\n`,
    );
    const report = await w.services.registry.importPeople(systemActor('test'), {
      source: 'civil_affairs',
      fileName: 'new.csv',
      rows: readTable(csv, 'csv'),
    });
    expect(report.created).toBe(1);
    const after = (
      await db.query<{ n: number }>('SELECT count(*)::int AS n FROM care_members WHERE cohort_id = $1', [
        cohortId,
      ])
    ).rows[0]!.n;
    expect(after).toBe(before + 1);
    const change = await db.query<{ trigger: string }>(
      'SELECT trigger FROM care_membership_changes WHERE cohort_id = $1 ORDER BY id DESC LIMIT 1',
      [cohortId],
    );
    expect(change.rows[0]!.trigger).toBe('registry_import');
  });

  it('only a cohort grant inside the area shows the label, members and notes; views are audited with a purpose', async () => {
    const db = t().db;
    // Without a grant: the carer sees no cohort, the member list is 404.
    expect((await carer.request('GET', '/api/care/cohorts')).json().items).toEqual([]);
    expect(
      (await carer.request('GET', `/api/care/cohorts/${cohortId}/members?purpose=investigation`)).statusCode,
    ).toBe(404);
    const g = await admin.request('POST', `/api/admin/care/cohorts/${cohortId}/grants`, {
      userId: carerId,
      areaCode: A.street,
    });
    expect(g.statusCode).toBe(201);
    const list = await carer.request('GET', `/api/care/cohorts/${cohortId}/members?purpose=investigation`);
    expect(list.statusCode).toBe(200);
    expect(list.json().label).toBe(LABEL);
    const items = list.json().items as Array<{ personId: number; gridCode: string }>;
    expect(items.every((m) => m.gridCode.startsWith(A.street))).toBe(true);
    expect(items.some((m) => oldB.includes(m.personId))).toBe(false);
    expect((await carer.request('GET', `/api/care/cohorts/${cohortId}/members?purpose=ok`)).statusCode).toBe(
      400,
    );
    const card = await carer.request('GET', `/api/care/cohorts/${cohortId}/members/${oldA[0]}`);
    expect(card.json().visits[0]).toMatchObject({ notesMasked: false, health: '血压偏高' });
    const csv = await carer.request(
      'GET',
      `/api/care/cohorts/${cohortId}/members/export?purpose=${encodeURIComponent('季度走访名单核对导出')}`,
    );
    expect(csv.statusCode).toBe(200);
    expect(csv.headers['content-type']).toContain('text/csv');
    const audits = await db.query<{ action: string; purpose: string | null }>(
      "SELECT action, purpose FROM audit_entries WHERE action IN ('care.members_view', 'care.members_export')",
    );
    expect(audits.rows).toEqual(
      expect.arrayContaining([
        { action: 'care.members_view', purpose: 'investigation' },
        { action: 'care.members_export', purpose: '季度走访名单核对导出' },
      ]),
    );
  });

  it('a registry officer without the grant never sees a cohort label; no response leaks personal data', async () => {
    // A second, more sensitive cohort the officer's area holds members of.
    const second = await admin.request('POST', '/api/admin/care/cohorts', {
      label: REASON_LABEL,
      areaCode: A.district,
      rule: { field: 'age', op: 'gte', value: 80 },
    });
    expect(second.statusCode).toBe(201);
    const start = w.responses.length;
    const urls = [
      '/api/registry/people',
      `/api/registry/people/${oldA[0]}`,
      `/api/registry/records?kind=household`,
      '/api/registry/quality',
      '/api/care/cohorts',
      `/api/care/cohorts/${cohortId}`,
      `/api/care/cohorts/${cohortId}/members?purpose=investigation`,
      `/api/care/cohorts/${cohortId}/members/${oldA[0]}`,
      `/api/care/cohorts/${cohortId}/changes?purpose=investigation`,
      '/api/care/alerts',
      '/api/care/coverage?level=community&from=2026-10-01&to=2026-10-31',
      '/api/me/notifications',
    ];
    for (const client of [officer, workerA, workerB])
      for (const url of urls) await client.request('GET', url);
    await workerA.request('GET', '/api/care/visits/mine');
    const seen = w.responses.slice(start);
    expect(seen.length).toBeGreaterThan(urls.length * 3);
    for (const r of seen) {
      expect(r.body, `${r.method} ${r.url}`).not.toContain(LABEL);
      expect(r.body, `${r.method} ${r.url}`).not.toContain(REASON_LABEL);
      expect(r.body).not.toContain('血压偏高');
    }
    expect(piiLeaks(w.responses)).toEqual([]);
  });
});
