/**
 * The authorization matrix: every route of the real app × every role × (inside scope, outside
 * scope) + anonymous, against the expectation written in TABLE below. A route missing from
 * TABLE fails the suite (rows of routes not registered yet are ignored), so every new route states who may call it.
 *
 * Adding a route = one line: `'METHOD /url': row(ALLOWED_ROLES)`, where ALLOWED_ROLES is
 * 'public', 'user' (any signed-in role) or a list of roles. Without `req` the row checks the
 * access gate (401 anonymous / 403 other roles; allowed roles are not refused) with a dummy
 * request. Give `req(fx, side)` building a request on a real resource of branch A (inside) or
 * B (outside) to check scope as well: allowed roles then get `ok` (default 200) inside, and
 * scoped roles get 404 outside — never the record.
 */
import { beforeAll, expect, it } from 'vitest';
import { ROLES, type RoleName } from '../../src/kernel/actor.js';
import type { BuiltApp } from '../../src/server/app.js';
import { describeEachDriver } from '../support/db.js';
import {
  buildWatchedApp,
  CookieClient,
  createTestUser,
  piiLeaks,
  type ScopeFixture,
  scopeBranches,
  seedTestCity,
  sessionFor,
  type WatchedApp,
} from '../support/identity.js';

type Side = 'A' | 'B';
interface Req {
  url: string;
  body?: unknown;
}
interface Fixture {
  built: BuiltApp;
  branch: Record<Side, ScopeFixture>;
  /** A grid worker of each branch (users are placed in areas by their grants). */
  staff: Record<Side, number>;
  unique: () => number;
}
interface Row {
  allow: 'public' | 'user' | readonly RoleName[];
  req?: (fx: Fixture, side: Side) => Req | Promise<Req>;
  /** Status of an allowed call with `req` (default 200). */
  ok?: number;
  /** `req` targets a resource of the branch: scoped roles get 404 on branch B. */
  scoped: boolean;
  /** Only the refusals are sent (allowed calls would not end, e.g. an event stream). */
  denialsOnly?: boolean;
}

const PASSWORD = 'matrix-password-1';
const ADMIN_ONLY = ['admin'] as const;
const SUP_ADMIN = ['supervisor', 'admin'] as const;
const STAFF = [
  'grid_worker',
  'hotline_operator',
  'dispatcher',
  'dept_handler',
  'supervisor',
  'admin',
] as const;

/** A row whose request (if any) is the same for both branches. */
function row(allow: Row['allow'], req?: Row['req'], ok?: number): Row {
  return { allow, scoped: false, ...(req ? { req } : {}), ...(ok ? { ok } : {}) };
}

/** A streaming route: only the refused cells are requested. */
function denialsOnly(allow: Row['allow']): Row {
  return { allow, scoped: false, denialsOnly: true };
}

/** A row whose request targets a resource of the given branch (checks 404 outside scope). */
function scoped(allow: Row['allow'], req: NonNullable<Row['req']>, ok?: number): Row {
  return { allow, scoped: true, req, ...(ok ? { ok } : {}) };
}

const TABLE: Record<string, Row> = {
  // Platform
  'GET /api/openapi.json': row('public'),
  'GET /healthz': row('public'),
  'GET /readyz': row('public'),
  // Web app (files of web/dist and the single-page fallback) and its dashboard reads
  'GET /*': row('public'),
  'GET /api/dashboard/config': row('public', () => ({ url: '/api/dashboard/config' })),
  'GET /api/dashboard/summary': row(
    ['grid_worker', 'hotline_operator', 'dispatcher', 'supervisor', 'admin'],
    () => ({
      url: '/api/dashboard/summary',
    }),
  ),
  'GET /api/dashboard/map': row(
    ['grid_worker', 'hotline_operator', 'dispatcher', 'supervisor', 'admin'],
    () => ({
      url: '/api/dashboard/map?level=district',
    }),
  ),
  // Identity
  'POST /api/auth/login': row('public', () => ({
    url: '/api/auth/login',
    body: { username: 'matrix-login', password: PASSWORD },
  })),
  'POST /api/auth/logout': row('user', () => ({ url: '/api/auth/logout' }), 204),
  'POST /api/auth/token': row('public', () => ({
    url: '/api/auth/token',
    body: { username: 'matrix-login', password: PASSWORD },
  })),
  'POST /api/auth/otp': row(
    'public',
    (fx) => ({ url: '/api/auth/otp', body: { phone: `1370000${String(fx.unique()).padStart(4, '0')}` } }),
    202,
  ),
  'POST /api/auth/otp/verify': row(
    'public',
    () => ({ url: '/api/auth/otp/verify', body: { phone: '13600000000', code: '123456' } }),
    401,
  ),
  'GET /api/auth/me': row('user', () => ({ url: '/api/auth/me' })),
  'GET /api/me/grants': row('user', () => ({ url: '/api/me/grants' })),
  'GET /api/reveal-purposes': row('user', () => ({ url: '/api/reveal-purposes' })),
  'GET /api/users': row(SUP_ADMIN, () => ({ url: '/api/users' })),
  'GET /api/users/:id': scoped(SUP_ADMIN, (fx, s) => ({ url: `/api/users/${fx.staff[s]}` })),
  'POST /api/users/:id/reveal': scoped(SUP_ADMIN, (fx, s) => ({
    url: `/api/users/${fx.staff[s]}/reveal`,
    body: { field: 'phone', purpose: 'authorization matrix check' },
  })),
  'GET /api/admin/users': row(ADMIN_ONLY, () => ({ url: '/api/admin/users' })),
  'POST /api/admin/users': row(
    ADMIN_ONLY,
    (fx) => ({ url: '/api/admin/users', body: { username: `m-new-${fx.unique()}`, displayName: 'New' } }),
    201,
  ),
  'PATCH /api/admin/users/:id': scoped(ADMIN_ONLY, (fx, s) => ({
    url: `/api/admin/users/${fx.staff[s]}`,
    body: { displayName: `Renamed ${s}` },
  })),
  'POST /api/admin/users/:id/grants': scoped(
    ADMIN_ONLY,
    async (fx, s) => {
      const id = await createTestUser(fx.built, {
        username: `m-g-${fx.unique()}`,
        grants: [{ role: 'grid_worker', areaCode: fx.branch[s].grid, departmentCode: null }],
      });
      return {
        url: `/api/admin/users/${id}/grants`,
        body: { role: 'hotline_operator', areaCode: fx.branch[s].community },
      };
    },
    201,
  ),
  'DELETE /api/admin/users/:id/grants/:grantId': scoped(ADMIN_ONLY, async (fx, s) => {
    const id = await createTestUser(fx.built, {
      username: `m-r-${fx.unique()}`,
      grants: [{ role: 'grid_worker', areaCode: fx.branch[s].grid, departmentCode: null }],
    });
    const grant = (await fx.built.services.users.get({ kind: 'system', name: 'test' }, id)).grants[0]!;
    return { url: `/api/admin/users/${id}/grants/${grant.id}` };
  }),
  'GET /api/admin/outbox': row(ADMIN_ONLY, () => ({ url: '/api/admin/outbox' })),
  'GET /api/audit': row(SUP_ADMIN, () => ({ url: '/api/audit' })),
  // Grid and areas
  'GET /api/areas/export.geojson': row('public'),
  'POST /api/admin/areas/import': row(ADMIN_ONLY),
  'GET /api/areas': row('public'),
  'GET /api/areas/:code': row('public'),
  'GET /api/locate': row('public'),
  'POST /api/locate/batch': row('public'),
  'PUT /api/grids/:code/members': row(SUP_ADMIN),
  'DELETE /api/grids/:code/members/:userId': row(SUP_ADMIN),
  'GET /api/grids/:code/members': row(['dispatcher', 'supervisor', 'admin']),
  'GET /api/grids/unstaffed': row(['dispatcher', 'supervisor', 'admin']),
  'GET /api/me/grids': row('user'),
  // Registry (people)
  'GET /api/registry/people': row(['grid_worker', 'dispatcher', 'supervisor', 'admin']),
  'GET /api/registry/records': row(['grid_worker', 'dispatcher', 'supervisor', 'admin']),
  'GET /api/registry/people/:id': row(['grid_worker', 'dispatcher', 'supervisor', 'admin']),
  'POST /api/registry/people/:id/reveal': row(['grid_worker', 'supervisor', 'admin']),
  'GET /api/registry/conflicts': row(['grid_worker', 'dispatcher', 'supervisor', 'admin']),
  'POST /api/registry/conflicts/:id/resolve': row(SUP_ADMIN),
  'GET /api/parts': row(['grid_worker', 'dispatcher', 'supervisor', 'admin']),
  'POST /api/admin/parts/import': row(ADMIN_ONLY),
  'POST /api/admin/registry/import': row(ADMIN_ONLY),
  // Special-group care: cohorts, grants and plans are admin acts; member lists need a cohort grant
  // on top of the role (checked in SQL: 404 without one); visits are grid workers'.
  'POST /api/admin/care/cohorts': row(ADMIN_ONLY),
  'PATCH /api/admin/care/cohorts/:id': row(ADMIN_ONLY),
  'GET /api/care/rule-fields': row(ADMIN_ONLY, () => ({ url: '/api/care/rule-fields' })),
  'GET /api/care/cohorts': row('user', () => ({ url: '/api/care/cohorts' })),
  'GET /api/care/cohorts/:id': row('user'),
  'POST /api/admin/care/cohorts/:id/recompute': row(ADMIN_ONLY),
  'POST /api/admin/care/cohorts/:id/manual': row(ADMIN_ONLY),
  'DELETE /api/admin/care/cohorts/:id/manual/:personId': row(ADMIN_ONLY),
  'POST /api/admin/care/cohorts/:id/grants': row(ADMIN_ONLY),
  'GET /api/admin/care/cohorts/:id/grants': row(ADMIN_ONLY),
  'DELETE /api/admin/care/grants/:grantId': row(ADMIN_ONLY),
  'GET /api/care/cohorts/:id/members': row(['grid_worker', 'supervisor', 'admin']),
  'GET /api/care/cohorts/:id/members/export': row(['grid_worker', 'supervisor', 'admin']),
  'GET /api/care/cohorts/:id/changes': row(['grid_worker', 'supervisor', 'admin']),
  'GET /api/care/cohorts/:id/members/:personId': row('user'),
  'POST /api/admin/care/flags/import': row(ADMIN_ONLY),
  'PUT /api/admin/care/cohorts/:id/plan': row(ADMIN_ONLY),
  'POST /api/admin/care/tasks/generate': row(ADMIN_ONLY),
  'GET /api/care/visits/mine': row(['grid_worker', 'admin'], () => ({ url: '/api/care/visits/mine' })),
  'POST /api/care/visits': row(['grid_worker', 'admin']),
  'GET /api/care/coverage': row(['dispatcher', 'supervisor', 'admin'], () => ({
    url: '/api/care/coverage?level=street&from=2026-01-01&to=2026-01-31',
  })),
  'GET /api/care/alerts': row(['dispatcher', 'supervisor', 'admin'], () => ({ url: '/api/care/alerts' })),
  // Emergency mode: commanders (supervisor, admin) switch modes and run campaigns; area readers
  // watch; every staff role passes the task gate (the grid's members only, checked in SQL)
  'PUT /api/emergency/areas/:code/mode': row(SUP_ADMIN),
  'GET /api/emergency/areas/:code/mode': scoped(['dispatcher', 'supervisor', 'admin'], (fx, s) => ({
    url: `/api/emergency/areas/${fx.branch[s].grid}/mode`,
  })),
  'GET /api/emergency/incident': row('user', () => ({ url: '/api/emergency/incident' })),
  'POST /api/emergency/campaigns': row(SUP_ADMIN),
  'GET /api/emergency/campaigns': row(['dispatcher', 'supervisor', 'admin'], () => ({
    url: '/api/emergency/campaigns',
  })),
  'GET /api/emergency/campaigns/:id': row(['dispatcher', 'supervisor', 'admin']),
  'POST /api/emergency/campaigns/:id/close': row(SUP_ADMIN),
  'POST /api/emergency/campaigns/:id/next-round': row(SUP_ADMIN),
  'GET /api/emergency/campaigns/:id/unreached': row(['dispatcher', 'supervisor', 'admin']),
  'POST /api/emergency/campaigns/:id/members': row(SUP_ADMIN),
  'POST /api/emergency/campaigns/:id/reassign': row(SUP_ADMIN),
  'GET /api/emergency/campaigns/:id/stream': denialsOnly(['dispatcher', 'supervisor', 'admin']),
  'GET /api/cap/feed.atom': row('public', () => ({ url: '/api/cap/feed.atom' })),
  'GET /api/cap/alerts/:identifier.xml': row('public'),
  'GET /api/emergency/my-tasks': row(STAFF, () => ({ url: '/api/emergency/my-tasks' })),
  'POST /api/emergency/tasks/:id/updates': row(STAFF),
  'GET /api/registry/quality': row(['grid_worker', 'dispatcher', 'supervisor', 'admin']),
  // Cases
  'POST /api/cases': row('public'),
  'POST /api/cases/duplicates': row('public'),
  'POST /api/track/:code/join': row('public'),
  'GET /api/track/:code': row('public'),
  'GET /api/cases': row('user'),
  'GET /api/cases/:id': row('user'),
  'POST /api/cases/:id/reveal': row(SUP_ADMIN),
  'POST /api/cases/:id/file': row(['dispatcher', 'admin']),
  'POST /api/cases/:id/reject': row(['dispatcher', 'admin']),
  'POST /api/cases/:id/dispatch': row(['dispatcher', 'admin']),
  'POST /api/cases/:id/accept': row(['dept_handler', 'admin']),
  'POST /api/cases/:id/return': row(['dept_handler', 'admin']),
  'POST /api/cases/:id/reassign': row(['dispatcher', 'admin']),
  'POST /api/cases/:id/request-extension': row(['dept_handler', 'admin']),
  'POST /api/cases/:id/approve-extension': row(['dispatcher', 'supervisor', 'admin']),
  'POST /api/cases/:id/deny-extension': row(['dispatcher', 'supervisor', 'admin']),
  'POST /api/cases/:id/report-back': row(['dept_handler', 'admin']),
  'POST /api/cases/:id/verify-pass': row(['grid_worker', 'supervisor', 'admin']),
  'POST /api/cases/:id/verify-fail': row(['grid_worker', 'supervisor', 'admin']),
  'POST /api/cases/:id/evaluate': row(['resident', 'hotline_operator', 'admin']),
  'POST /api/cases/:id/reopen': row(['resident', 'supervisor', 'admin']),
  'POST /api/cases/:id/suspend': row(['dispatcher', 'supervisor', 'admin']),
  'POST /api/cases/:id/resume': row(['dispatcher', 'supervisor', 'admin']),
  'POST /api/cases/:id/void': row(['dispatcher', 'supervisor', 'admin']),
  'POST /api/cases/:id/merge-into': row(['dispatcher', 'admin']),
  'POST /api/cases/:id/whistle': row(['dispatcher', 'admin']),
  // Notifications, live events, photos
  'GET /api/me/notifications': row('user'),
  'GET /api/me/notifications/unread-count': row('user'),
  'POST /api/me/notifications/read': row('user'),
  'GET /api/events/stream': denialsOnly([
    'grid_worker',
    'hotline_operator',
    'dispatcher',
    'dept_handler',
    'supervisor',
    'admin',
  ]),
  'POST /api/photos': row('public'),
  'GET /api/photos/:id': row('user'),
  // Indicators
  'GET /api/indicators': row(['dispatcher', 'supervisor', 'admin']),
  'GET /api/indicators/workers': row(['dispatcher', 'supervisor', 'admin']),
  'GET /api/indicators/definitions': row('public'),
  'PUT /api/admin/indicators/weights/:composite': row(ADMIN_ONLY),
  // Taxonomy, routing, calendar, departments
  'GET /api/taxonomy': row('public'),
  'POST /api/admin/taxonomy/versions': row(ADMIN_ONLY),
  'GET /api/admin/routing-rules': row(ADMIN_ONLY),
  'POST /api/admin/routing-rules': row(ADMIN_ONLY),
  'DELETE /api/admin/routing-rules/:id': row(ADMIN_ONLY),
  'GET /api/calendar': row('public'),
  'GET /api/calendar/coverage': row('public'),
  'PUT /api/admin/calendar': row(ADMIN_ONLY),
  'PUT /api/admin/calendar/exceptions/:day': row(ADMIN_ONLY),
  'DELETE /api/admin/calendar/exceptions/:day': row(ADMIN_ONLY),
  'GET /api/departments': row('public'),
  // Open channels: Open311 authenticates by api_key (checked by the service), devices by their token
  'GET /open311/discovery.:format': row('public'),
  'GET /open311/*': row('public'),
  'GET /open311/v2/services.:format': row('public'),
  'GET /open311/v2/services/:service_code.:format': row('public'),
  'POST /open311/v2/requests.:format': row('public'),
  'GET /open311/v2/requests.:format': row('public'),
  'GET /open311/v2/requests/:service_request_id.:format': row('public'),
  'GET /open311/v2/tokens/:token.:format': row('public'),
  'POST /api/admin/open311/keys': row(ADMIN_ONLY),
  'GET /api/admin/open311/keys': row(ADMIN_ONLY),
  'DELETE /api/admin/open311/keys/:id': row(ADMIN_ONLY),
  'POST /api/admin/devices': row(ADMIN_ONLY),
  'GET /api/admin/devices': row(ADMIN_ONLY),
  'POST /api/devices/:id/readings': row('public'),
};

/** Error codes that mean "the access gate refused": an allowed cell must never see them. */
const GATE_CODES = new Set([
  'UNAUTHENTICATED',
  'FORBIDDEN',
  'AUTH_CSRF_FAILED',
  'AUTH_SESSION_INVALID',
  'ACCESS_UNDECLARED',
]);
/** Roles whose matrix actor is city-wide (allowed outside branch A too). */
const CITY_WIDE: readonly RoleName[] = ['admin'];

/** A dummy request for gate-only rows: params filled with plausible values, empty JSON body. */
function dummyRequest(url: string, method: string, fx: Fixture): Req {
  const filled = url.replace(':code', fx.branch.A.grid).replace(/:[A-Za-z]+/g, '999999');
  return { url: filled, ...(['POST', 'PUT', 'PATCH'].includes(method) ? { body: {} } : {}) };
}

describeEachDriver('authorization matrix', (t) => {
  let w: WatchedApp;
  let fx: Fixture;
  const actors: Partial<Record<RoleName, number>> = {};

  beforeAll(async () => {
    const { codes } = await seedTestCity(t().db);
    const branch = scopeBranches(codes);
    w = await buildWatchedApp(t().db);
    let n = 0;
    const staffA = await createTestUser(w, {
      username: 'm-staff-a',
      phone: '13811112222',
      grants: [{ role: 'grid_worker', areaCode: branch.A.grid, departmentCode: null }],
    });
    const staffB = await createTestUser(w, {
      username: 'm-staff-b',
      phone: '13833334444',
      grants: [{ role: 'grid_worker', areaCode: branch.B.grid, departmentCode: null }],
    });
    fx = { built: w, branch, staff: { A: staffA, B: staffB }, unique: () => ++n };
    await createTestUser(w, { username: 'matrix-login', password: PASSWORD, grants: [] });
    const A = branch.A;
    const grantOf: Record<RoleName, { areaCode: string | null; departmentCode: string | null }> = {
      resident: { areaCode: null, departmentCode: null },
      grid_worker: { areaCode: A.grid, departmentCode: null },
      hotline_operator: { areaCode: A.district, departmentCode: null },
      dispatcher: { areaCode: A.street, departmentCode: null },
      dept_handler: { areaCode: null, departmentCode: 'test_water' },
      supervisor: { areaCode: A.district, departmentCode: null },
      admin: { areaCode: null, departmentCode: null },
    };
    for (const role of ROLES) {
      actors[role] = await createTestUser(w, {
        username: `m-${role.replace('_', '-')}`,
        grants: [{ role, ...grantOf[role] }],
      });
    }
  });

  it('has a row for every route (a new route without a row fails here)', () => {
    const routes = new Set(w.routes.map((r) => `${r.method} ${r.url}`));
    expect(
      [...routes].filter((r) => !(r in TABLE)),
      'routes missing from TABLE',
    ).toEqual([]);
  });

  it('every cell answers as the table says (0 leaks: out-of-scope ids are 404)', async () => {
    const failures: string[] = [];
    for (const route of w.routes) {
      const key = `${route.method} ${route.url}`;
      const spec = TABLE[key];
      if (!spec) continue;
      for (const who of ['anonymous', ...ROLES] as const) {
        for (const side of ['A', 'B'] as const) {
          if (who === 'anonymous' && side === 'B') continue;
          const roleAllowed =
            spec.allow === 'public' ||
            (who !== 'anonymous' && (spec.allow === 'user' || spec.allow.includes(who)));
          if (spec.denialsOnly && roleAllowed) continue;
          const req = spec.req ? await spec.req(fx, side) : dummyRequest(route.url, route.method, fx);
          const client =
            who === 'anonymous'
              ? new CookieClient(w.app, '10.9.0.1')
              : await sessionFor(w, t().db, actors[who]!, `10.9.${ROLES.indexOf(who)}.2`);
          const res = await client.request(route.method, req.url, req.body);
          const code = String(res.headers['content-type'] ?? '').includes('json')
            ? (res.json() as { code?: string }).code
            : undefined;
          const outOfScope = spec.scoped && side === 'B' && spec.allow !== 'public' && spec.allow !== 'user';
          const allowed = roleAllowed && !(outOfScope && who !== 'anonymous' && !CITY_WIDE.includes(who));
          const cell = `${key} as ${who} ${side === 'A' ? 'inside' : 'outside'} → ${res.statusCode} ${code ?? ''}`;
          if (allowed) {
            if (code && GATE_CODES.has(code)) failures.push(`${cell}: expected allowed`);
            else if (spec.req && res.statusCode !== (spec.ok ?? 200))
              failures.push(`${cell}: expected ${spec.ok ?? 200}`);
          } else if (who === 'anonymous') {
            if (res.statusCode !== 401 || code !== 'UNAUTHENTICATED') failures.push(`${cell}: expected 401`);
          } else if (roleAllowed && outOfScope) {
            if (res.statusCode !== 404) failures.push(`${cell}: expected 404 (out of scope)`);
          } else if (res.statusCode !== 403 || code !== 'FORBIDDEN') {
            failures.push(`${cell}: expected 403`);
          }
        }
      }
    }
    expect(failures).toEqual([]);
  });

  it('leaked no unmasked phone or ID number outside audited reveals', () => {
    expect(piiLeaks(w.responses)).toEqual([]);
  });
});
