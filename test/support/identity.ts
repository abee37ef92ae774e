import type { LightMyRequestResponse } from 'fastify';
import type { Db } from '../../src/db/db.js';
import { type RoleGrant, systemActor } from '../../src/kernel/actor.js';
import { generateCityGeometry } from '../../src/kernel/demo-data/city-geometry.js';
import type { MessageSender } from '../../src/kernel/message-sender.js';
import type { Clock } from '../../src/lib/clock.js';
import { systemClock } from '../../src/lib/clock.js';
import { UNMASKED_PII_PATTERNS } from '../../src/lib/privacy.js';
import { AreaRepository } from '../../src/modules/grid/area.repository.js';
import { describeGeometry } from '../../src/modules/grid/area-geometry.js';
import { type BuiltApp, buildApp } from '../../src/server/app.js';
import { testConfig } from './app.js';

/** One HTTP response the suite produced, for the personal-data scan. */
export interface LoggedResponse {
  method: string;
  url: string;
  status: number;
  body: string;
  revealsPii: boolean;
}

/** The app plus every response body it sent. */
export interface WatchedApp extends BuiltApp {
  responses: LoggedResponse[];
}

/** Builds the real app and records every response body (scanned for unmasked PII by the tests). */
export async function buildWatchedApp(
  db: Db,
  opts: { clock?: Clock; beforeReady?: (b: BuiltApp) => void; sender?: MessageSender } = {},
): Promise<WatchedApp> {
  const built = await buildApp({
    config: testConfig(),
    db,
    clock: opts.clock ?? systemClock,
    ...(opts.sender ? { messageSender: opts.sender } : {}),
  });
  const responses: LoggedResponse[] = [];
  built.app.addHook('onSend', async (req, reply, payload) => {
    if (typeof payload === 'string' || Buffer.isBuffer(payload)) {
      responses.push({
        method: req.method,
        url: req.url,
        status: reply.statusCode,
        body: payload.toString(),
        revealsPii: req.routeOptions.config?.revealsPii === true,
      });
    }
    return payload;
  });
  opts.beforeReady?.(built);
  await built.app.ready();
  return { ...built, responses };
}

/** Responses (outside audited reveals) that contain a full phone or ID number. */
export function piiLeaks(responses: readonly LoggedResponse[]): string[] {
  const out: string[] = [];
  for (const r of responses) {
    if (r.revealsPii) continue;
    for (const [name, pattern] of Object.entries(UNMASKED_PII_PATTERNS)) {
      const m = pattern.exec(r.body);
      if (m) out.push(`${r.method} ${r.url} → ${r.status} contains a ${name}: ${m[0]}`);
    }
  }
  return out;
}

/** A small real city (2 districts, ~60 grids) and its area codes by level. */
export async function seedTestCity(db: Db): Promise<{ codes: Record<string, string[]> }> {
  const city = generateCityGeometry(3, { targetGrids: 60, districts: 2 });
  await new AreaRepository().insertMany(
    db,
    city.map((a) => ({ ...a, ...describeGeometry(a.geometry), validFrom: new Date('2025-01-01T00:00:00Z') })),
  );
  await db.query(
    `INSERT INTO departments (code, name_zh, name_en) VALUES ('test_water', '水务', 'Water'), ('test_roads', '道路', 'Roads')
     ON CONFLICT (code) DO NOTHING`,
  );
  const codes: Record<string, string[]> = {};
  for (const a of city) {
    codes[a.level] ??= [];
    codes[a.level]!.push(a.code);
  }
  return { codes };
}

/** Two disjoint branches of the test city: A (district 1) and B (district 2), one code per level. */
export interface ScopeFixture {
  district: string;
  street: string;
  community: string;
  grid: string;
}

/** Picks a district-to-grid chain in the first and in the second district. */
export function scopeBranches(codes: Record<string, string[]>): { A: ScopeFixture; B: ScopeFixture } {
  const branch = (district: string): ScopeFixture => {
    const grid = codes.grid!.find((g) => g.startsWith(district))!;
    return { district, street: grid.slice(0, 9), community: grid.slice(0, 12), grid };
  };
  const [d1, d2] = codes.district!;
  return { A: branch(d1!), B: branch(d2!) };
}

/** Creates a user with grants directly through the service (as the CLI would). */
export async function createTestUser(
  built: BuiltApp,
  u: { username: string; password?: string; phone?: string; grants: RoleGrant[] },
): Promise<number> {
  const created = await built.services.users.create(systemActor('test'), {
    username: u.username,
    displayName: u.username,
    ...(u.password ? { password: u.password } : {}),
    ...(u.phone ? { phone: u.phone } : {}),
    grants: u.grants,
  });
  return created.user.id;
}

/** A browser-like client: keeps the session cookies and echoes the CSRF token on unsafe methods. */
export class CookieClient {
  cookies: Record<string, string> = {};
  constructor(
    readonly app: BuiltApp['app'],
    readonly ip = '10.0.0.1',
  ) {}

  /** Sends a request with the cookies (and x-csrf-token unless `csrf: false`). */
  async request(
    method: string,
    url: string,
    payload?: unknown,
    opts: { csrf?: boolean; headers?: Record<string, string> } = {},
  ): Promise<LightMyRequestResponse> {
    const cookie = Object.entries(this.cookies)
      .map(([k, v]) => `${k}=${v}`)
      .join('; ');
    const headers: Record<string, string> = { ...(cookie ? { cookie } : {}), ...opts.headers };
    if (opts.csrf !== false && !['GET', 'HEAD'].includes(method) && this.cookies.cg_csrf) {
      headers['x-csrf-token'] = this.cookies.cg_csrf;
    }
    const res = await this.app.inject({
      method: method as 'GET',
      url,
      headers,
      remoteAddress: this.ip,
      ...(payload !== undefined ? { payload: payload as object } : {}),
    });
    for (const c of res.cookies) {
      if (c.value === '' || (c.expires && c.expires.getTime() < 86_400_000)) delete this.cookies[c.name];
      else this.cookies[c.name] = c.value;
    }
    return res;
  }

  /** Signs in with a password; throws unless it worked. */
  async login(username: string, password: string): Promise<this> {
    const res = await this.request('POST', '/api/auth/login', { username, password });
    if (res.statusCode !== 200) throw new Error(`login ${username} failed: ${res.statusCode} ${res.body}`);
    return this;
  }
}

/** Opens a cookie session for a user without argon2 (fast set-up for many actors). */
export async function sessionFor(
  built: BuiltApp,
  db: Db,
  userId: number,
  ip = '10.0.0.9',
): Promise<CookieClient> {
  const session = await built.services.auth.openSession(db, userId, { ip });
  const client = new CookieClient(built.app, ip);
  client.cookies = { cg_session: session.sessionId, cg_csrf: session.csrfToken };
  return client;
}
