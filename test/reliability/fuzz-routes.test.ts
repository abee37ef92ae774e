/**
 * Fuzzed API over the whole route table, on both drivers. For EVERY route, fast-check builds
 * requests from the route's own schema (params, query, body, headers) — valid ones, so the handler
 * runs, and ones with one value replaced by something hostile (huge strings, deep JSON, wrong
 * types, unicode, SQL/HTML fragments, path traversal) — and sends them as a signed-in admin (the
 * handlers run, not only the gate) and anonymously. Uploads (/api/photos, CSV/XLSX imports) get
 * fake-typed, oversized and path-traversing files. Every answer must be < 500; every rejection a
 * JSON `{code, message}`; after a rejection the database is unchanged (row count and newest row
 * version of every table except the bookkeeping ones, and the audit chain head).
 *
 * Then a deterministic sweep (not random): every string slot of every route's params, query and
 * JSON body (schema-slots.ts) gets a NUL byte, a backspace and a value one over its maxLength
 * (100 000 characters without one) inside an otherwise valid request from a fixed seed, as an
 * admin. Each must be a 400 naming that slot (or the union or path part around it), nothing written.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import fc from 'fast-check';
import type { InjectOptions } from 'fastify';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { Db } from '../../src/db/db.js';
import type { BuiltApp, RouteEntry } from '../../src/server/app.js';
import { buildTestApp } from '../support/app.js';
import { seedCity, someGrid } from '../support/city.js';
import { describeEachDriver } from '../support/db.js';
import { arbitraryFor, hostile, type JsonSchema, mutate } from '../support/schema-arbitrary.js';
import { exampleFor, getPath, overLong, setPath, stringSlots } from '../support/schema-slots.js';

/** Per driver: the property runs stop when this budget is spent (the suite stays bounded). */
const BUDGET_MS = Number(process.env.FUZZ_BUDGET_MS ?? 50_000);
const RUNS_PER_ROUTE = Number(process.env.FUZZ_RUNS ?? 24);
/** The sweep's valid bases come from this seed (route i uses SWEEP_SEED + i). */
const SWEEP_SEED = 14_000;
/** The sweep covers at least this many string slots over this many routes (sanity floors). */
const SWEEP_MIN_SLOTS = 150;
const SWEEP_MIN_ROUTES = 60;

/**
 * Tables a rejected request may legitimately touch: failure counters (rate limits, lock-out) and
 * the sessions the test opens for its admins.
 */
const BOOKKEEPING = new Set(['auth_throttle', 'sessions', 'schema_migrations']);

/** Routes whose refusals are audited by design (failed sign-in attempts belong in the trail). */
const AUDITED_REFUSALS = new Set([
  '/api/auth/login',
  '/api/auth/token',
  '/api/auth/otp',
  '/api/auth/otp/verify',
]);

/** Routes not fuzzed through inject, and why. */
function fuzzable(r: RouteEntry): boolean {
  if (r.url === '/*' || r.url.startsWith('/api/docs') || r.url === '/api/openapi.json') return false;
  return true;
}

/** The SSE route never ends a successful response: only requests it must refuse are sent. */
const SSE_ROUTE = '/api/events/stream';

const JPEG = Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0x00, 0x10, 0x4a, 0x46, 0x49, 0x46, 0x00, 0x01]);
const PNG = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
const ZIP = Buffer.from([0x50, 0x4b, 0x03, 0x04]);

/** Upload bodies: wrong magic for the declared type, truncated images, HTML, oversized, empty. */
const uploadBody: fc.Arbitrary<{ type: string; body: Buffer }> = fc.oneof(
  fc.record({
    type: fc.constantFrom(
      'image/jpeg',
      'image/png',
      'image/webp',
      'image/gif',
      'text/html',
      'application/octet-stream',
    ),
    body: fc.constantFrom(
      Buffer.alloc(0),
      JPEG,
      Buffer.concat([JPEG, Buffer.from('<script>alert(1)</script>')]),
      Buffer.concat([PNG, Buffer.alloc(64, 0x41)]),
      Buffer.from('RIFF\u0000\u0000\u0000\u0000WEBPVP8 '),
      Buffer.from('<html><body>not an image</body></html>'),
      Buffer.from('GIF89a'),
      Buffer.concat([ZIP, Buffer.alloc(32)]),
    ),
  }),
  fc.record({
    type: fc.constantFrom('image/jpeg', 'image/png'),
    body: fc.uint8Array({ maxLength: 2048 }).map((a) => Buffer.from(a)),
  }),
  fc.constant({ type: 'image/jpeg', body: Buffer.concat([JPEG, Buffer.alloc(9 * 1_048_576, 0x20)]) }),
  fc.record({
    type: fc.constantFrom(
      'text/csv',
      'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
      'multipart/form-data; boundary=x',
    ),
    body: fc.oneof(
      fc.constantFrom(
        Buffer.from('name,id_number,phone\n"unterminated,1,2\n'),
        Buffer.from("code,name\n../../etc/passwd,'; DROP TABLE cases; --\n"),
        Buffer.concat([ZIP, Buffer.alloc(128, 0x42)]),
        Buffer.from('\ufeff' + 'a,'.repeat(10_000)),
        JPEG,
      ),
      fc.string({ maxLength: 400 }).map((x) => Buffer.from(x)),
    ),
  }),
);

interface FuzzRequest {
  admin: boolean;
  params: Record<string, unknown>;
  query: Record<string, unknown>;
  body: unknown;
  headers: Record<string, unknown>;
  upload: { type: string; body: Buffer } | undefined;
  mutation: {
    target: 'params' | 'query' | 'body' | 'headers' | 'none';
    pick: number;
    value: unknown;
    addKey?: string;
  };
}

function requestArb(r: RouteEntry): fc.Arbitrary<FuzzRequest> {
  const schema = (r.schema ?? {}) as Record<string, JsonSchema | unknown>;
  const isUpload = r.url === '/api/photos' || Array.isArray(schema.consumes);
  const sse = r.url === SSE_ROUTE;
  return fc.record({
    admin: fc.boolean(),
    params: arbitraryFor(
      (schema.params as JsonSchema | undefined) ?? { type: 'object', properties: {} },
    ) as fc.Arbitrary<Record<string, unknown>>,
    query: arbitraryFor(
      (schema.querystring as JsonSchema | undefined) ?? { type: 'object', properties: {} },
    ) as fc.Arbitrary<Record<string, unknown>>,
    body: schema.body ? arbitraryFor(schema.body as JsonSchema) : fc.constant(undefined),
    headers: (schema.headers ? arbitraryFor(schema.headers as JsonSchema) : fc.constant({})) as fc.Arbitrary<
      Record<string, unknown>
    >,
    upload: isUpload ? uploadBody : fc.constant(undefined),
    mutation: fc.record(
      {
        target: sse
          ? fc.constantFrom('query' as const, 'headers' as const)
          : fc.constantFrom(
              'none' as const,
              'params' as const,
              'query' as const,
              'body' as const,
              'body' as const,
              'headers' as const,
            ),
        pick: fc.nat(),
        value: sse
          ? fc.constantFrom('../../etc/passwd', "' OR 1=1 --", 'x'.repeat(5000), '-1', '🙂', 'NaN')
          : hostile,
        addKey: fc.option(fc.constantFrom('__proto__', 'constructor', 'admin', 'x'), { nil: undefined }),
      },
      { requiredKeys: ['target', 'pick', 'value'] },
    ),
  });
}

function queryString(q: Record<string, unknown>): string {
  const sp = new URLSearchParams();
  for (const [k, v] of Object.entries(q ?? {})) {
    if (v === undefined) continue;
    if (Array.isArray(v))
      for (const x of v) sp.append(k, typeof x === 'object' ? JSON.stringify(x) : String(x));
    else sp.append(k, typeof v === 'object' && v !== null ? JSON.stringify(v) : String(v));
  }
  const s = sp.toString();
  return s ? `?${s}` : '';
}

/** Percent-encodes; a lone surrogate becomes raw invalid UTF-8 (%ED%A0%80), itself a hostile input. */
function encodePart(s: string): string {
  try {
    return encodeURIComponent(s);
  } catch {
    return s
      .split(/([\ud800-\udfff])/)
      .map((p) => (/^[\ud800-\udfff]$/.test(p) ? '%ED%A0%80' : encodeURIComponent(p)))
      .join('');
  }
}

function buildInject(r: RouteEntry, f: FuzzRequest, auth: Record<string, string>): InjectOptions {
  const m = f.mutation;
  const asObject = (v: unknown): Record<string, unknown> =>
    v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : { value: v };
  const params =
    m.target === 'params'
      ? asObject(mutate(f.params ?? {}, m.pick + 1, m.value, m.addKey))
      : (f.params ?? {});
  const query =
    m.target === 'query' ? asObject(mutate(f.query ?? {}, m.pick + 1, m.value, m.addKey)) : (f.query ?? {});
  const headers =
    m.target === 'headers'
      ? asObject(mutate(f.headers ?? {}, m.pick + 1, m.value, m.addKey))
      : (f.headers ?? {});
  let url = r.url.replace(/:(\w+)/g, (_, name: string) => {
    const v = params[name];
    return encodePart(v === undefined ? '1' : typeof v === 'object' ? JSON.stringify(v) : String(v));
  });
  // The stream is only sent requests it must refuse (a valid one would never end).
  if (r.url === SSE_ROUTE) url += `?within=${encodePart(String(m.value))}`;
  else url += queryString(query);
  const h: Record<string, string> = { ...auth };
  for (const [k, v] of Object.entries(headers)) {
    // Header values must be printable ASCII; anything else is not sendable at all.
    const s = typeof v === 'string' ? v : (JSON.stringify(v) ?? '');
    if (/^[ -~]*$/.test(s)) h[k.toLowerCase()] = s;
  }
  const opts: InjectOptions = { method: r.method as 'GET', url, headers: h, remoteAddress: '10.9.9.9' };
  if (r.method === 'GET' || r.method === 'DELETE') return opts;
  if (f.upload) {
    h['content-type'] = f.upload.type;
    return { ...opts, payload: f.upload.body };
  }
  const body = m.target === 'body' ? mutate(f.body, m.pick, m.value, m.addKey) : f.body;
  if (body === undefined) return opts;
  h['content-type'] = 'application/json';
  return { ...opts, payload: JSON.stringify(body) ?? 'null' };
}

/** The request parts a string slot can be in, as the schema names them. */
type Part = 'params' | 'querystring' | 'body';
const PARTS: readonly Part[] = ['params', 'querystring', 'body'];

/** The hostile strings of the sweep; over-long is made per slot (schema-slots.ts `overLong`). */
const SWEEP_VALUES = { nul: 'a\u0000b', control: 'a\u0008b' } as const;
type SweepKind = keyof typeof SWEEP_VALUES | 'overLong';

/**
 * A request from explicit parts (the sweep's): path parameters and query percent-encoded (a NUL
 * goes as %00), the body as JSON, or a small plausible file for upload routes.
 */
function partsInject(
  r: RouteEntry,
  parts: Record<Part, unknown>,
  auth: Record<string, string>,
): InjectOptions {
  const params = (parts.params ?? {}) as Record<string, unknown>;
  const url =
    r.url.replace(/:(\w+)/g, (_, name: string) => encodePart(String(params[name] ?? '1'))) +
    queryString((parts.querystring ?? {}) as Record<string, unknown>);
  const headers: Record<string, string> = { ...auth };
  const opts: InjectOptions = { method: r.method as 'GET', url, headers, remoteAddress: '10.9.9.9' };
  if (r.method === 'GET' || r.method === 'DELETE') return opts;
  const consumes = (r.schema as { consumes?: string[] } | undefined)?.consumes;
  if (r.url === '/api/photos') {
    headers['content-type'] = 'image/jpeg';
    return { ...opts, payload: JPEG };
  }
  if (consumes) {
    headers['content-type'] = 'text/csv';
    return { ...opts, payload: Buffer.from('name,code\nx,1\n') };
  }
  if (parts.body === undefined) return opts;
  headers['content-type'] = 'application/json';
  return { ...opts, payload: JSON.stringify(parts.body) };
}

/** Row count and newest row version (xmin) of every table, plus the audit head: any write shows. */
async function fingerprint(db: Db, tables: string[], skipAudit: boolean): Promise<string> {
  const sql = tables
    .filter((t) => !skipAudit || !t.startsWith('audit_'))
    .map(
      (t) =>
        `SELECT '${t}' AS t, count(*)::text || ':' || coalesce(max(xmin::text::bigint), 0)::text AS v FROM "${t}"`,
    )
    .join(' UNION ALL ');
  const { rows } = await db.query<{ t: string; v: string }>(sql);
  const head = skipAudit ? { rows: [null] } : await db.query('SELECT seq, hash FROM audit_head');
  return JSON.stringify([rows.map((r) => `${r.t}=${r.v}`).sort(), head.rows[0]]);
}

function diff(a: string, b: string): string {
  const pa = JSON.parse(a) as [string[], unknown];
  const pb = JSON.parse(b) as [string[], unknown];
  const changed = pb[0].filter((x) => !pa[0].includes(x));
  return `${changed.join(', ')} ${JSON.stringify(pa[1]) === JSON.stringify(pb[1]) ? '' : 'audit head moved'}`;
}

describeEachDriver('fuzzed API: every route, from its schema, admin and anonymous', (get) => {
  let built: BuiltApp;
  let db: Db;
  let tables: string[];
  let dataDir: string;
  let adminN = 0;
  const failures: string[] = [];
  const stats = { requests: 0, ok: 0, rejected: 0, byRoute: new Map<string, number>() };

  /** A fresh admin per request: a fuzzed request may disable, un-grant or sign out its own user. */
  const adminAuth = async (): Promise<Record<string, string>> => {
    adminN++;
    const { rows } = await db.query<{ id: number }>(
      `INSERT INTO users (username, display_name, created_at, updated_at) VALUES ($1, 'Fuzz admin', now(), now()) RETURNING id`,
      [`fuzzadmin${adminN}x${Date.now()}`],
    );
    const id = rows[0]!.id;
    await db.query(
      `INSERT INTO role_grants (user_id, role, area_code, department_code, granted_by, granted_at) VALUES ($1, 'admin', NULL, NULL, 'test', now())`,
      [id],
    );
    const s = await built.services.auth.openSession(db, id, { ip: '10.9.9.9' });
    return { cookie: `cg_session=${s.sessionId}; cg_csrf=${s.csrfToken}`, 'x-csrf-token': s.csrfToken };
  };

  beforeAll(async () => {
    db = get().db;
    await seedCity(db);
    dataDir = mkdtempSync(path.join(os.tmpdir(), 'civicgrid-fuzz-'));
    built = await buildTestApp(db, { env: { DATA_DIR: dataDir } });
    // A few cases so ids 1..n exist and the workflow handlers get past "not found".
    for (let i = 0; i < 5; i++) {
      const g = await someGrid(db, i);
      const res = await built.app.inject({
        method: 'POST',
        url: '/api/cases',
        payload: {
          channel: 'resident',
          idempotencyKey: `fuzz-seed-${i}`,
          location: { lng: g.lng, lat: g.lat },
          description: `seed case ${i} for the fuzz run`,
        },
      });
      expect(res.statusCode, res.body).toBe(201);
    }
    const { rows } = await db.query<{ table_name: string }>(
      `SELECT table_name FROM information_schema.tables
        WHERE table_schema = current_schema() AND table_type = 'BASE TABLE' ORDER BY 1`,
    );
    tables = rows.map((r) => r.table_name).filter((t) => !BOOKKEEPING.has(t));
    expect(tables).toEqual(expect.arrayContaining(['cases', 'audit_log', 'users', 'areas']));
  });

  afterAll(async () => {
    await built?.app.close();
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  });

  /**
   * Sends one request and reports what is wrong with the answer whatever was sent: no answer, a
   * 5xx, a rejection that is not a JSON `{code, message}`, or a rejection that wrote something.
   */
  const exchange = async (
    r: RouteEntry,
    admin: boolean,
    build: (auth: Record<string, string>) => InjectOptions,
    tag: string,
  ): Promise<{ status: number; body: Record<string, unknown>; label: string; problems: string[] }> => {
    const auth = admin ? await adminAuth() : {};
    const skipAudit = AUDITED_REFUSALS.has(r.url);
    // Audit records of earlier accepted requests are chained in the background: finish that first.
    await built.services.audit.flush();
    const before = await fingerprint(db, tables, skipAudit);
    const opts = build(auth);
    let timer: NodeJS.Timeout | undefined;
    const res = await Promise.race([
      built.app.inject(opts),
      new Promise<undefined>((resolve) => {
        timer = setTimeout(() => resolve(undefined), 15_000);
      }),
    ]);
    clearTimeout(timer);
    const target = `${admin ? 'admin' : 'anonymous'} ${opts.method} ${String(opts.url).slice(0, 160)} [${tag}]`;
    if (!res) return { status: 0, body: {}, label: target, problems: [`${target}: no answer within 15 s`] };
    stats.requests++;
    const label = `${target} → ${res.statusCode}`;
    if (res.statusCode >= 500) {
      const sent = typeof opts.payload === 'string' ? opts.payload.slice(0, 300) : '(binary)';
      return {
        status: res.statusCode,
        body: {},
        label,
        problems: [
          `${label}: ${res.body.slice(0, 300)} — headers ${JSON.stringify(opts.headers).slice(0, 300)} body ${sent}`,
        ],
      };
    }
    if (res.statusCode < 400) {
      stats.ok++;
      return { status: res.statusCode, body: {}, label, problems: [] };
    }
    stats.rejected++;
    const problems: string[] = [];
    let body: Record<string, unknown> = {};
    try {
      body = JSON.parse(res.body) as typeof body;
    } catch {
      return {
        status: res.statusCode,
        body,
        label,
        problems: [`${label}: not JSON: ${res.body.slice(0, 120)}`],
      };
    }
    if (!String(res.headers['content-type']).includes('application/json'))
      problems.push(`${label}: content-type ${res.headers['content-type']}`);
    // Open311 answers errors in the GeoReport v2 shape ([{code, description}]) its clients expect.
    const geoReport =
      r.url.startsWith('/open311/') &&
      Array.isArray(body) &&
      body.every(
        (e: { code?: unknown; description?: unknown }) =>
          typeof e.code === 'number' && typeof e.description === 'string',
      );
    if (!geoReport && (typeof body.code !== 'string' || typeof body.message !== 'string'))
      problems.push(`${label}: not {code, message}: ${res.body.slice(0, 120)}`);
    // A refused sign-in is audited on purpose (security trail): only the audit tables may move.
    await built.services.audit.flush();
    const after = await fingerprint(db, tables, skipAudit);
    if (after !== before) problems.push(`${label} (${body.code}): database changed: ${diff(before, after)}`);
    return { status: res.statusCode, body, label, problems };
  };

  const check = async (
    r: RouteEntry,
    f: FuzzRequest,
    raw?: (auth: Record<string, string>) => InjectOptions,
  ): Promise<void> => {
    const out = await exchange(
      r,
      f.admin,
      (auth) => (raw ? raw(auth) : buildInject(r, f, auth)),
      raw ? 'raw body' : f.mutation.target,
    );
    failures.push(...out.problems);
  };

  it('zero 5xx, every rejection a JSON {code, message}, nothing written by a rejected request', async () => {
    const routes = built.routes.filter(fuzzable);
    expect(routes.length).toBeGreaterThan(50);
    const started = Date.now();
    for (const [i, r] of routes.entries()) {
      const remaining = BUDGET_MS - (Date.now() - started);
      const share = Math.max(200, remaining / (routes.length - i));
      const before = stats.requests;
      // Own time limit: fast-check's interruptAfterTimeLimit would leave a run going in the
      // background while the next starts, and rejected requests would see others' writes.
      const routeDeadline = Date.now() + share;
      await fc.assert(
        fc.asyncProperty(requestArb(r), async (f) => {
          if (stats.requests > before && Date.now() > routeDeadline) return;
          await check(r, f);
        }),
        { numRuns: RUNS_PER_ROUTE, seed: Number(process.env.FUZZ_SEED ?? 20261130) + i },
      );
      stats.byRoute.set(`${r.method} ${r.url}`, stats.requests - before);
    }
    // Deep JSON and a huge document as the whole body of every JSON route, once each.
    for (const r of routes.filter(
      (x) => x.method !== 'GET' && x.method !== 'DELETE' && x.url !== SSE_ROUTE,
    )) {
      const deep = `${'['.repeat(20_000)}1${']'.repeat(20_000)}`;
      for (const payload of [deep, JSON.stringify({ a: 'x'.repeat(900_000) })]) {
        const f: FuzzRequest = {
          admin: true,
          params: {},
          query: {},
          body: undefined,
          headers: {},
          upload: undefined,
          mutation: { target: 'none', pick: 0, value: null },
        };
        await check(r, f, (auth) => ({
          method: r.method as 'POST',
          url: r.url.replace(/:(\w+)/g, '1'),
          headers: { ...auth, 'content-type': 'application/json' },
          payload,
        }));
      }
    }
    const starved = [...stats.byRoute].filter(([, n]) => n === 0).map(([k]) => k);
    console.log(
      `[fuzz ${get().db.driver}] ${stats.requests} requests over ${routes.length} routes in ${Date.now() - started} ms: ` +
        `${stats.ok} accepted, ${stats.rejected} rejected; routes without a run: ${starved.length}`,
    );
    if (process.env.FUZZ_REPORT) writeFileSync(process.env.FUZZ_REPORT, failures.join('\n'));
    expect(failures, failures.slice(0, 25).join('\n')).toEqual([]);
    expect(starved, 'every route got at least one request').toEqual([]);
  }, 240_000);

  it('sweep: every string slot of every route refuses a NUL, a control character and an over-long value with 400', async () => {
    const routes = built.routes.filter(fuzzable);
    const sweepFailures: string[] = [];
    const slotsByRoute = new Map<string, number>();
    const sweptFields: string[] = [];
    const started = Date.now();
    for (const [i, r] of routes.entries()) {
      const schema = (r.schema ?? {}) as Partial<Record<Part, JsonSchema>>;
      // One valid base per route, every string slot filled (fixed seed: the same run every time).
      const base = Object.fromEntries(
        PARTS.map((p) => [p, exampleFor(schema[p], SWEEP_SEED + i) ?? (p === 'body' ? undefined : {})]),
      ) as Record<Part, unknown>;
      let slots = 0;
      for (const part of PARTS) {
        for (const slot of stringSlots(schema[part])) {
          slots++;
          const field = [part, ...slot.path].join('/');
          sweptFields.push(`${r.method} ${r.url} ${field}`);
          const current = getPath(base[part], slot.path);
          const values: Record<SweepKind, string> = { ...SWEEP_VALUES, overLong: overLong(slot, current) };
          for (const [kind, value] of Object.entries(values) as Array<[SweepKind, string]>) {
            const parts = { ...base, [part]: setPath(base[part], slot.path, value) };
            const out = await exchange(r, true, (auth) => partsInject(r, parts, auth), `${field} ${kind}`);
            sweepFailures.push(...out.problems);
            if (out.problems.length > 0) continue;
            // Under inject no URL or header limit applies (those are node's, 414/431 on a real
            // socket) and every value stays far below BODY_LIMIT: each must be a schema refusal.
            if (out.status !== 400) {
              sweepFailures.push(`${out.label}: expected 400 for ${kind} in ${field}`);
              continue;
            }
            // The refusal must be about this slot (or a union or path part around it), not about
            // another value of the base: that shows the rest of the request was valid.
            const named = typeof out.body.field === 'string' ? out.body.field : undefined;
            const geoReport = Array.isArray(out.body);
            if (!geoReport && !(named === field || (named !== undefined && field.startsWith(`${named}/`))))
              sweepFailures.push(
                `${out.label}: refused ${named ?? '(no field)'} instead of ${field} (${kind})`,
              );
          }
        }
      }
      slotsByRoute.set(`${r.method} ${r.url}`, slots);
    }
    const total = [...slotsByRoute.values()].reduce((a, b) => a + b, 0);
    const swept = [...slotsByRoute].filter(([, n]) => n > 0);
    console.log(
      `[fuzz sweep ${get().db.driver}] ${total} string slots × 3 values over ${swept.length} of ${routes.length} routes in ${Date.now() - started} ms\n` +
        swept.map(([k, n]) => `  ${n.toString().padStart(3)}  ${k}`).join('\n'),
    );
    if (process.env.FUZZ_REPORT) writeFileSync(`${process.env.FUZZ_REPORT}.sweep`, sweepFailures.join('\n'));
    expect(sweepFailures, sweepFailures.slice(0, 25).join('\n')).toEqual([]);
    // Floors, so a schema walk that finds nothing cannot pass by sweeping nothing.
    expect(total).toBeGreaterThanOrEqual(SWEEP_MIN_SLOTS);
    expect(swept.length).toBeGreaterThanOrEqual(SWEEP_MIN_ROUTES);
    // Nested objects, arrays of objects, array items and unions with a null branch are walked.
    expect(sweptFields).toEqual(
      expect.arrayContaining([
        'POST /api/cases body/reporter/phone',
        'POST /api/admin/taxonomy/versions body/categories/0/milestones/0/key',
        'GET /api/cases querystring/state/0',
        'PATCH /api/admin/users/:id body/locale',
        'GET /api/areas/:code params/code',
      ]),
    );
  }, 120_000);
});
