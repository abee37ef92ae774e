/**
 * Issue 14, "the case history shows no actor role and masks names even for an admin": every
 * history entry carries the role its actor acted in; staff of the case (casePolicy
 * 'see_actor_names': area readers in the case's area, department handlers of its tasks, admins)
 * also see the staff's names; the reporter and the anonymous tracking page see roles only — no
 * name, masked or not, of staff or of other residents, and no pointer to another reporter's case.
 * Events written before the role was stored get one from migration 0018.
 */
import { readFileSync } from 'node:fs';
import { beforeAll, expect, it } from 'vitest';
import { maskName } from '../../src/lib/privacy.js';
import type { BuiltApp } from '../../src/server/app.js';
import { buildTestApp } from '../support/app.js';
import { makeUser, seedCity, someGrid } from '../support/city.js';
import { describeEachDriver } from '../support/db.js';
import { type CookieClient, sessionFor } from '../support/identity.js';

const NAMES = {
  reporter: '居民张三丰',
  neighbour: '邻居李四光',
  dispatcher: '调度员王小明',
  handler: '处置员赵大勇',
  admin: '管理员钱多多',
};

interface Entry {
  action: string;
  actor: string;
  actorRole?: string;
  actorName?: string | null;
  data?: Record<string, unknown>;
}

describeEachDriver('case history: roles for everyone, names for staff', (t) => {
  let built: BuiltApp;
  let reporter: CookieClient;
  let dispatcher: CookieClient;
  let handler: CookieClient;
  let admin: CookieClient;
  let caseId: number;
  let publicCode: string;

  beforeAll(async () => {
    const { db } = t();
    await seedCity(db);
    const grid = await someGrid(db, 5);
    built = await buildTestApp(db);
    const r = await makeUser(db, NAMES.reporter, [{ role: 'resident' }]);
    const n = await makeUser(db, NAMES.neighbour, [{ role: 'resident' }]);
    const d = await makeUser(db, NAMES.dispatcher, [{ role: 'dispatcher', areaCode: grid.street }]);
    const a = await makeUser(db, NAMES.admin, [{ role: 'admin' }]);
    reporter = await sessionFor(built, db, r.userId, '10.14.0.1');
    const neighbour = await sessionFor(built, db, n.userId, '10.14.0.2');
    dispatcher = await sessionFor(built, db, d.userId, '10.14.0.3');
    admin = await sessionFor(built, db, a.userId, '10.14.0.4');

    const res = await reporter.request('POST', '/api/cases', {
      channel: 'resident',
      idempotencyKey: 'history-roles-1',
      location: { lng: grid.lng, lat: grid.lat },
      categoryCode: 'E0102',
      description: '井盖松动 一走就响',
    });
    expect(res.statusCode, res.body).toBe(201);
    caseId = res.json().id;
    publicCode = res.json().publicCode;
    const joined = await neighbour.request('POST', `/api/track/${publicCode}/join`, {});
    expect(joined.statusCode, joined.body).toBe(200);
    expect((await dispatcher.request('POST', `/api/cases/${caseId}/file`, {})).statusCode).toBe(200);
    const dispatched = await dispatcher.request('POST', `/api/cases/${caseId}/dispatch`, {});
    expect(dispatched.statusCode, dispatched.body).toBe(200);
    const dept = dispatched.json().tasks[0].department as string;
    // Also a grid worker: the accept below is recorded as the department handler who did it.
    const h = await makeUser(db, NAMES.handler, [
      { role: 'dept_handler', departmentCode: dept },
      { role: 'grid_worker', areaCode: grid.street },
    ]);
    handler = await sessionFor(built, db, h.userId, '10.14.0.5');
    const accepted = await handler.request('POST', `/api/cases/${caseId}/accept`, {});
    expect(accepted.statusCode, accepted.body).toBe(200);
  });

  const history = async (c: CookieClient) => {
    const res = await c.request('GET', `/api/cases/${caseId}`);
    expect(res.statusCode, res.body).toBe(200);
    return { body: res.body, events: res.json().events as Entry[] };
  };
  const byAction = (events: Entry[]) => Object.fromEntries(events.map((e) => [e.action, e]));
  const EXPECTED_ROLES = {
    report: 'resident',
    join: 'resident',
    file: 'dispatcher',
    dispatch: 'dispatcher',
    accept: 'dept_handler',
  };

  it('an admin sees each actor’s role and the staff’s names (residents masked)', async () => {
    const e = byAction((await history(admin)).events);
    for (const [action, role] of Object.entries(EXPECTED_ROLES))
      expect(e[action]?.actorRole, action).toBe(role);
    expect(e.file?.actorName).toBe(NAMES.dispatcher);
    expect(e.dispatch?.actorName).toBe(NAMES.dispatcher);
    expect(e.accept?.actorName).toBe(NAMES.handler);
    expect(e.join?.actorName).toBe(maskName(NAMES.neighbour));
    expect(e.report?.actorName).toBe(maskName(NAMES.reporter));
    // The old field stays a display string: the name where there is one.
    expect(e.file?.actor).toBe(NAMES.dispatcher);
  });

  it('staff of the case (its dispatcher, its department) see the same names', async () => {
    for (const c of [dispatcher, handler]) {
      const e = byAction((await history(c)).events);
      expect(e.file?.actorName).toBe(NAMES.dispatcher);
      expect(e.accept?.actorName).toBe(NAMES.handler);
      expect(e.accept?.actorRole).toBe('dept_handler');
    }
  });

  it('the reporter sees roles only: no staff name, no other resident’s name, masked or not', async () => {
    const { body, events } = await history(reporter);
    const e = byAction(events);
    for (const [action, role] of Object.entries(EXPECTED_ROLES))
      expect(e[action]?.actorRole, action).toBe(role);
    for (const ev of events) {
      expect(ev.actorName, ev.action).toBeNull();
      expect(ev.actor, ev.action).toBe(ev.actorRole);
    }
    for (const name of Object.values(NAMES)) {
      expect(body).not.toContain(name);
      expect(body).not.toContain(maskName(name));
    }
  });

  it('the anonymous tracking page shows roles only', async () => {
    const res = await built.app.inject({
      method: 'GET',
      url: `/api/track/${publicCode}`,
      remoteAddress: '10.14.0.9',
    });
    expect(res.statusCode, res.body).toBe(200);
    const timeline = res.json().timeline as Array<{ action: string; actorRole?: string }>;
    const roles = Object.fromEntries(timeline.map((s) => [s.action, s.actorRole]));
    expect(roles).toMatchObject({
      report: 'resident',
      file: 'dispatcher',
      dispatch: 'dispatcher',
      accept: 'dept_handler',
    });
    for (const name of Object.values(NAMES)) {
      expect(res.body).not.toContain(name);
      expect(res.body).not.toContain(maskName(name));
    }
    expect(res.body).not.toMatch(/actorName|actorId|"actor"/);
  });

  it('a merge does not hand the other reporter’s tracking code to this reporter', async () => {
    const { db } = t();
    await db.query(
      `INSERT INTO case_events (case_id, at, actor_kind, actor_id, actor_name, action, from_state, to_state, data, actor_role)
       SELECT id, now(), 'system', NULL, 'test', 'merged_from', state, state,
              '{"mergedCaseId": 999, "mergedPublicCode": "XX000000-SECRET"}', 'system'
         FROM cases WHERE id = $1`,
      [caseId],
    );
    const mine = await history(reporter);
    expect(mine.body).not.toContain('XX000000-SECRET');
    expect(byAction(mine.events).merged_from?.actorRole).toBe('system');
    expect(byAction((await history(admin)).events).merged_from?.data?.mergedPublicCode).toBe(
      'XX000000-SECRET',
    );
  });

  it('events stored before roles were (migration 0018) get one: machines by name, users by grant', async () => {
    const { db } = t();
    await db.query(
      `INSERT INTO case_events (case_id, at, actor_kind, actor_id, actor_name, action, from_state, to_state, actor_role)
       SELECT id, now(), 'system', NULL, n, 'due_soon', state, state, 'system'
         FROM cases, unnest(ARRAY['iot', 'open311:7', 'deadline-scheduler']) AS n WHERE id = $1`,
      [caseId],
    );
    await db.exec('ALTER TABLE case_events DROP COLUMN actor_role');
    const sql = readFileSync(
      new URL('../../src/db/migrations/0018_case_event_actor_role.sql', import.meta.url),
      'utf8',
    );
    await db.exec(sql);
    const { rows } = await db.query<{ action: string; actor_name: string; actor_role: string }>(
      'SELECT action, actor_name, actor_role FROM case_events WHERE case_id = $1 ORDER BY id',
      [caseId],
    );
    const role = (action: string, name?: string) =>
      rows.find((r) => r.action === action && (name === undefined || r.actor_name === name))?.actor_role;
    for (const [action, expected] of Object.entries(EXPECTED_ROLES))
      expect(role(action), action).toBe(expected);
    expect(role('due_soon', 'iot')).toBe('device');
    expect(role('due_soon', 'open311:7')).toBe('open311');
    expect(role('due_soon', 'deadline-scheduler')).toBe('system');
    const e = byAction((await history(admin)).events);
    expect(e.accept?.actorName).toBe(NAMES.handler);
  });
});
