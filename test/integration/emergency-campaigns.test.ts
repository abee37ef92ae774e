import fc from 'fast-check';
import { beforeAll, expect, it } from 'vitest';
import { silentProgress } from '../../src/kernel/progress.js';
import { FixedClock } from '../../src/lib/clock.js';
import { createRng } from '../../src/lib/random.js';
import { departmentsDemoStep } from '../../src/modules/org/org.demo.js';
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

const START = new Date('2026-11-02T02:00:00Z');

interface Grid {
  gridCode: string;
  total: number;
  open: number;
  done: number;
  notHome: number;
  needsHelp: number;
  rate: number | null;
}

describeEachDriver('emergency campaigns over HTTP', (t) => {
  let w: WatchedApp;
  let A: ScopeFixture;
  let B: ScopeFixture;
  let emptyGrid: string;
  const clock = new FixedClock(START);
  let commander: CookieClient;
  let outsider: CookieClient;
  let workerA1: CookieClient;
  let workerA2: CookieClient;
  let workerB: CookieClient;
  let cadre: CookieClient;
  const ids: Record<string, number> = {};
  let campaignId: number;

  async function household(no: string, grid: string, building: number | null, room: string): Promise<number> {
    const { rows } = await t().db.query<{ id: string }>(
      'INSERT INTO households (household_no, grid_code, building_id, room) VALUES ($1, $2, $3, $4) RETURNING id',
      [no, grid, building, room],
    );
    return Number(rows[0]!.id);
  }

  async function building(code: string, grid: string): Promise<number> {
    const { rows } = await t().db.query<{ id: string }>(
      `INSERT INTO buildings (code, name, grid_code, lng, lat, floors)
       SELECT $1, $1, $2, center_lng, center_lat, 18 FROM areas WHERE code = $2 AND valid_to IS NULL RETURNING id`,
      [code, grid],
    );
    return Number(rows[0]!.id);
  }

  /** The figures recounted from the tasks themselves. */
  async function recount(id: number): Promise<Record<string, Omit<Grid, 'rate'>>> {
    const { rows } = await t().db.query<Omit<Grid, 'rate'>>(
      `SELECT grid_code AS "gridCode", count(*)::int AS total,
              count(*) FILTER (WHERE status = 'open')::int AS open, count(*) FILTER (WHERE status = 'done')::int AS done,
              count(*) FILTER (WHERE status = 'not_home')::int AS "notHome",
              count(*) FILTER (WHERE status = 'needs_help')::int AS "needsHelp"
       FROM emergency_tasks WHERE campaign_id = $1 GROUP BY grid_code`,
      [id],
    );
    return Object.fromEntries(rows.map((r) => [r.gridCode, r]));
  }

  async function figures(id: number): Promise<{ grids: Grid[]; rate: number | null; tasksTotal: number }> {
    const res = await commander.request('GET', `/api/emergency/campaigns/${id}`);
    expect(res.statusCode).toBe(200);
    return res.json();
  }

  async function expectFiguresEqualRecount(id: number): Promise<void> {
    const f = await figures(id);
    const r = await recount(id);
    expect(f.grids.map(({ rate: _r, ...g }) => g)).toEqual(
      Object.values(r).sort((a, b) => a.gridCode.localeCompare(b.gridCode)),
    );
    for (const g of f.grids) {
      expect(g.rate).toBeGreaterThanOrEqual(0);
      expect(g.rate).toBeLessThanOrEqual(1);
      expect(g.rate).toBeCloseTo((g.done + g.needsHelp) / g.total, 10);
    }
  }

  async function myTasks(c: CookieClient): Promise<
    Array<{
      id: number;
      gridCode: string;
      floor: number | null;
      buildingName: string | null;
      campaignId: number;
    }>
  > {
    const res = await c.request('GET', `/api/emergency/my-tasks?campaignId=${campaignId}`);
    expect(res.statusCode).toBe(200);
    return res.json().items;
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
    ({ A, B } = scopeBranches(codes));
    emptyGrid = codes.grid!.find((g) => g.startsWith(A.street) && g !== A.grid)!;
    const mk = async (username: string, grants: Parameters<typeof createTestUser>[1]['grants']) => {
      const id = await createTestUser(w, { username, grants });
      ids[username] = id;
      return sessionFor(w, db, id);
    };
    commander = await mk('commander', [{ role: 'supervisor', areaCode: A.street, departmentCode: null }]);
    outsider = await mk('outsider', [{ role: 'supervisor', areaCode: B.street, departmentCode: null }]);
    workerA1 = await mk('worker-a1', [{ role: 'grid_worker', areaCode: A.community, departmentCode: null }]);
    workerA2 = await mk('worker-a2', [{ role: 'grid_worker', areaCode: A.community, departmentCode: null }]);
    workerB = await mk('worker-b', [{ role: 'grid_worker', areaCode: B.community, departmentCode: null }]);
    cadre = await mk('cadre', [{ role: 'dispatcher', areaCode: A.district, departmentCode: null }]);
    await db.query(
      `INSERT INTO grid_members (user_id, grid_code, role, assigned_by) VALUES ($1, $2, 'worker', 't'), ($3, $2, 'worker', 't'), ($4, $5, 'worker', 't')`,
      [ids['worker-a1'], A.grid, ids['worker-a2'], ids['worker-b'], B.grid],
    );
    const b1 = await building('EM-B1', A.grid);
    const b2 = await building('EM-B2', A.grid);
    for (let i = 0; i < 6; i++) await household(`EM-A1-${i}`, A.grid, b1, `${i + 1}0${(i % 3) + 1}`);
    for (let i = 0; i < 4; i++) await household(`EM-A2-${i}`, A.grid, b2, `${i + 10}02`);
    for (let i = 0; i < 3; i++) await household(`EM-B-${i}`, B.grid, null, '101');
  });

  it('switches a street to emergency with who, why and when; history kept when it ends', async () => {
    const bad = await commander.request('PUT', `/api/emergency/areas/${A.street}/mode`, {
      mode: 'war',
      reason: 'x',
    });
    expect(bad.statusCode).toBe(400);
    const other = await commander.request('PUT', `/api/emergency/areas/${B.street}/mode`, {
      mode: 'emergency',
      reason: 'flood',
    });
    expect(other.statusCode).toBe(404);
    const on = await commander.request('PUT', `/api/emergency/areas/${A.street}/mode`, {
      mode: 'emergency',
      reason: '台风“梅花”登陆 联系 13812345678',
    });
    expect(on.statusCode).toBe(200);
    expect(on.json()).toMatchObject({ mode: 'emergency', previous: 'normal' });
    const again = await commander.request('PUT', `/api/emergency/areas/${A.street}/mode`, {
      mode: 'emergency',
      reason: 'x',
    });
    expect(again.statusCode).toBe(409);
    const incident = await workerA1.request('GET', '/api/emergency/incident');
    expect(incident.json().modes.map((m: { areaCode: string }) => m.areaCode)).toEqual([A.street]);
    expect((await workerB.request('GET', '/api/emergency/incident')).json().modes).toEqual([]);
    const mode = await commander.request('GET', `/api/emergency/areas/${A.street}/mode`);
    const h = mode.json().history[0];
    expect(h).toMatchObject({ from: 'normal', to: 'emergency', by: `user:${ids.commander}` });
    expect(h.reason).not.toContain('13812345678');
    const audit = await t().db.query(
      "SELECT count(*)::int AS n FROM audit_log WHERE action = 'emergency.mode_set'",
    );
    expect((audit.rows[0] as { n: number }).n).toBe(1);
  });

  it('creates one task per household for the workers of its grid; a building stays with one worker', async () => {
    const res = await commander.request('POST', '/api/emergency/campaigns', {
      areaCode: A.street,
      kind: 'door_to_door',
      title: '入户排查',
      form: ['present', 'ill', 'needs'],
      target: { kind: 'all' },
    });
    expect(res.statusCode).toBe(201);
    const c = res.json();
    campaignId = c.id;
    expect(c.tasksTotal).toBe(10);
    expect(c.warnings).toEqual([]);
    expect(c.grids).toEqual([
      { gridCode: A.grid, total: 10, open: 10, done: 0, notHome: 0, needsHelp: 0, rate: 0 },
    ]);
    const t1 = await myTasks(workerA1);
    const t2 = await myTasks(workerA2);
    expect(t1.length + t2.length).toBe(10);
    expect(new Set(t1.map((x) => x.buildingName)).size).toBe(1);
    expect(new Set(t2.map((x) => x.buildingName)).size).toBe(1);
    expect(t1[0]!.buildingName).not.toBe(t2[0]!.buildingName);
    // Floors from the room numbers, list ordered by floor.
    const floors = t1.map((x) => x.floor);
    expect(floors).toEqual([...floors].sort((a, b) => a! - b!));
    expect(floors.every((f) => f !== null && f >= 1)).toBe(true);
    expect(await myTasks(workerB)).toEqual([]);
    const db = t().db;
    const households = await db.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM households WHERE grid_code LIKE $1`,
      [`${A.street}%`],
    );
    const tasks = await db.query<{ n: number; d: number }>(
      'SELECT count(*)::int AS n, count(DISTINCT household_id)::int AS d FROM emergency_tasks WHERE campaign_id = $1',
      [campaignId],
    );
    expect(tasks.rows[0]).toEqual({ n: households.rows[0]!.n, d: households.rows[0]!.n });
    const inbox = await db.query<{ n: number }>(
      "SELECT count(*)::int AS n FROM notifications WHERE kind = 'emergency.tasks' AND user_id = ANY($1::bigint[])",
      [[ids['worker-a1'], ids['worker-a2']]],
    );
    expect(inbox.rows[0]!.n).toBe(2);
  });

  it('a campaign over an area with no households is created with a warning', async () => {
    const res = await commander.request('POST', '/api/emergency/campaigns', {
      areaCode: emptyGrid,
      kind: 'supply',
      title: '物资发放',
      form: ['supplies'],
      target: { kind: 'all' },
    });
    expect(res.statusCode).toBe(201);
    expect(res.json()).toMatchObject({ tasksTotal: 0, warnings: ['NO_HOUSEHOLDS'], rate: null, grids: [] });
    const outside = await outsider.request('POST', '/api/emergency/campaigns', {
      areaCode: A.street,
      kind: 'supply',
      title: 'x',
      form: [],
      target: { kind: 'all' },
    });
    expect(outside.statusCode).toBe(404);
  });

  it('temporary members take tasks by bulk reassignment; a non-member gets none', async () => {
    const notMember = await commander.request('POST', `/api/emergency/campaigns/${campaignId}/reassign`, {
      toUserId: ids.cadre,
      gridCode: A.grid,
      fromUserId: ids['worker-a2'],
    });
    expect(notMember.statusCode).toBe(422);
    const outsideGrid = await commander.request('POST', `/api/emergency/campaigns/${campaignId}/members`, {
      gridCode: B.grid,
      userId: ids.cadre,
    });
    expect(outsideGrid.statusCode).toBe(422);
    const add = await commander.request('POST', `/api/emergency/campaigns/${campaignId}/members`, {
      gridCode: A.grid,
      userId: ids.cadre,
    });
    expect(add.json()).toEqual({ added: true });
    const before = await myTasks(workerA2);
    const moved = await commander.request('POST', `/api/emergency/campaigns/${campaignId}/reassign`, {
      toUserId: ids.cadre,
      gridCode: A.grid,
      fromUserId: ids['worker-a2'],
    });
    expect(moved.json()).toEqual({ moved: before.length, grids: [A.grid] });
    expect(await myTasks(workerA2)).toEqual([]);
    expect((await myTasks(cadre)).map((x) => x.id).sort()).toEqual(before.map((x) => x.id).sort());
  });

  it('offline replays count once; a task of another grid is 404; figures equal a recount', async () => {
    const [task] = await myTasks(workerA1);
    const body = {
      idempotencyKey: 'offline-key-0001',
      status: 'done',
      answers: { present: 3, ill: false },
      recordedAt: START.toISOString(),
    };
    const first = await workerA1.request('POST', `/api/emergency/tasks/${task!.id}/updates`, body);
    expect(first.json()).toMatchObject({ status: 'done', replayed: false });
    for (let i = 0; i < 3; i++) {
      const again = await workerA1.request('POST', `/api/emergency/tasks/${task!.id}/updates`, body);
      expect(again.json()).toMatchObject({ status: 'done', replayed: true });
    }
    // Another key with the same status moves nothing either.
    await workerA1.request('POST', `/api/emergency/tasks/${task!.id}/updates`, {
      ...body,
      idempotencyKey: 'offline-key-0002',
    });
    const clash = await workerA1.request('POST', `/api/emergency/tasks/${task!.id}/updates`, {
      ...body,
      status: 'not_home',
    });
    expect(clash.statusCode).toBe(409);
    expect((await figures(campaignId)).grids[0]).toMatchObject({ done: 1, open: 9 });
    const foreign = await workerB.request('POST', `/api/emergency/tasks/${task!.id}/updates`, {
      ...body,
      idempotencyKey: 'foreign-0001',
    });
    expect(foreign.statusCode).toBe(404);
    expect(foreign.json().code).toBe('EMERGENCY_TASK_NOT_FOUND');
    await expectFiguresEqualRecount(campaignId);
  });

  it('property: any sequence of updates leaves counters equal to a recount', async () => {
    const tasks = [...(await myTasks(workerA1)), ...(await myTasks(cadre))];
    const who = new Map<number, CookieClient>();
    for (const x of await myTasks(workerA1)) who.set(x.id, workerA1);
    for (const x of await myTasks(cadre)) who.set(x.id, cadre);
    let n = 0;
    await fc.assert(
      fc.asyncProperty(
        fc.array(
          fc.tuple(
            fc.integer({ min: 0, max: tasks.length - 1 }),
            fc.constantFrom('done', 'not_home'),
            fc.boolean(),
          ),
          {
            minLength: 1,
            maxLength: 8,
          },
        ),
        async (steps) => {
          for (const [i, status, replay] of steps) {
            const task = tasks[i]!;
            const key = replay && n > 0 ? `prop-${n - 1}` : `prop-${n++}`;
            await who
              .get(task.id)!
              .request('POST', `/api/emergency/tasks/${task.id}/updates`, { idempotencyKey: key, status });
          }
          await expectFiguresEqualRecount(campaignId);
        },
      ),
      { numRuns: 8 },
    );
  });

  it('needs help becomes one case in the loop, linked to the task', async () => {
    const [task] = await myTasks(cadre);
    const missing = await cadre.request('POST', `/api/emergency/tasks/${task!.id}/updates`, {
      idempotencyKey: 'help-000001',
      status: 'needs_help',
    });
    expect(missing.statusCode).toBe(400);
    const body = {
      idempotencyKey: 'help-000001',
      status: 'needs_help',
      needs: '老人发烧需就医 电话 13912345678',
      caseCategory: 'E0301',
    };
    const res = await cadre.request('POST', `/api/emergency/tasks/${task!.id}/updates`, body);
    expect(res.statusCode).toBe(200);
    const caseId = res.json().caseId as number;
    expect(caseId).toBeGreaterThan(0);
    const replay = await cadre.request('POST', `/api/emergency/tasks/${task!.id}/updates`, body);
    expect(replay.json()).toMatchObject({ caseId, replayed: true });
    const cases = await t().db.query<{ n: number; channel: string; grid: string }>(
      `SELECT count(*)::int AS n, min(channel) AS channel, min(grid_code) AS grid FROM cases WHERE external_ref = $1`,
      [`emergency-task:${task!.id}`],
    );
    expect(cases.rows[0]).toEqual({ n: 1, channel: 'patrol', grid: A.grid });
    expect(piiLeaks(w.responses)).toEqual([]);
    await expectFiguresEqualRecount(campaignId);
  });

  it('the second round targets only the unreached, with the same workers', async () => {
    const unreached = await commander.request('GET', `/api/emergency/campaigns/${campaignId}/unreached`);
    const items = unreached.json().items as Array<{ taskId: number; householdNo: string; status: string }>;
    const recount = await recount_(campaignId);
    expect(items.length).toBe(recount);
    expect(items.every((i) => i.status === 'open' || i.status === 'not_home')).toBe(true);
    const round = await commander.request('POST', `/api/emergency/campaigns/${campaignId}/next-round`, {});
    expect(round.statusCode).toBe(201);
    const next = round.json();
    expect(next).toMatchObject({ round: 2, parentId: campaignId, tasksTotal: items.length });
    const { rows } = await t().db.query<{ no: string }>(
      'SELECT h.household_no AS no FROM emergency_tasks t JOIN households h ON h.id = t.household_id WHERE campaign_id = $1 ORDER BY 1',
      [next.id],
    );
    expect(rows.map((r) => r.no)).toEqual(items.map((i) => i.householdNo).sort());
    const old = await commander.request('GET', `/api/emergency/campaigns/${campaignId}`);
    expect(old.json().status).toBe('closed');
    const closedUpdate = await workerA1.request('POST', `/api/emergency/tasks/${items[0]!.taskId}/updates`, {
      idempotencyKey: 'after-close-1',
      status: 'done',
    });
    expect([404, 409]).toContain(closedUpdate.statusCode);
  });

  async function recount_(id: number): Promise<number> {
    const { rows } = await t().db.query<{ n: number }>(
      "SELECT count(*)::int AS n FROM emergency_tasks WHERE campaign_id = $1 AND status IN ('open', 'not_home')",
      [id],
    );
    return rows[0]!.n;
  }
});
