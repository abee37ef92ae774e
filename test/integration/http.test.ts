import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AreaRepository } from '../../src/modules/grid/area.repository.js';
import type { BuiltApp, RouteEntry } from '../../src/server/app.js';
import { buildTestApp } from '../support/app.js';
import { pgliteTestDb, type TestDb } from '../support/db.js';

let t: TestDb;
let built: BuiltApp;

const square = (x: number, y: number, d: number) => ({
  type: 'Polygon' as const,
  coordinates: [
    [
      [x, y],
      [x + d, y],
      [x + d, y + d],
      [x, y + d],
      [x, y],
    ],
  ],
});

beforeAll(async () => {
  t = await pgliteTestDb();
  await new AreaRepository().insertMany(t.db, [
    {
      code: '320500',
      level: 'city',
      parentCode: null,
      nameZh: '南湖市',
      nameEn: 'Nanhu City',
      geometry: square(120, 31, 1),
      bbox: [120, 31, 121, 32],
      center: { lng: 120.5, lat: 31.5 },
      areaM2: 1,
      validFrom: new Date('2025-01-01T00:00:00Z'),
    },
    {
      code: '320502',
      level: 'district',
      parentCode: '320500',
      nameZh: '东湖区',
      nameEn: 'Donghu District',
      geometry: square(120, 31, 0.5),
      bbox: [120, 31, 120.5, 31.5],
      center: { lng: 120.25, lat: 31.25 },
      areaM2: 1,
      validFrom: new Date('2025-01-01T00:00:00Z'),
    },
  ]);
  built = await buildTestApp(t.db);
});

afterAll(async () => {
  await built.app.close();
  await t.dispose();
});

function expectJsonError(
  res: { statusCode: number; headers: Record<string, unknown>; body: string },
  route: string,
) {
  expect(res.statusCode, `${route} → ${res.statusCode} ${res.body.slice(0, 200)}`).toBeGreaterThanOrEqual(
    400,
  );
  expect(res.statusCode, `${route} → ${res.body.slice(0, 200)}`).toBeLessThan(500);
  expect(String(res.headers['content-type'])).toContain('application/json');
  const body = JSON.parse(res.body) as { code?: unknown; message?: unknown };
  expect(typeof body.code).toBe('string');
  expect(typeof body.message).toBe('string');
}

function fillPath(url: string, value: string): string {
  return url.replace(/:(\w+)/g, () => encodeURIComponent(value));
}

describe('HTTP foundation', () => {
  it('answers health and readiness', async () => {
    expect((await built.app.inject('/healthz')).json()).toEqual({ status: 'ok' });
    const ready = await built.app.inject('/readyz');
    expect(ready.statusCode).toBe(200);
    expect(ready.json()).toEqual({ status: 'ready', database: 'pglite' });
  });

  it('serves a generated OpenAPI document and a docs page', async () => {
    const doc = (await built.app.inject('/api/openapi.json')).json() as {
      openapi: string;
      paths: Record<string, unknown>;
    };
    expect(doc.openapi).toMatch(/^3\./);
    expect(Object.keys(doc.paths)).toContain('/api/areas');
    const docs = await built.app.inject('/api/docs/');
    expect(docs.statusCode).toBe(200);
    expect(docs.headers['content-type']).toContain('text/html');
  });

  it('lists districts, localised by Accept-Language, with a request id', async () => {
    const zh = await built.app.inject({
      url: '/api/areas?level=district',
      headers: { 'accept-language': 'zh-CN' },
    });
    expect(zh.statusCode).toBe(200);
    expect(zh.json().items[0].name).toBe('东湖区');
    expect(zh.headers['x-request-id']).toBeTruthy();
    const en = await built.app.inject({
      url: '/api/areas?level=district',
      headers: { 'accept-language': 'en' },
    });
    expect(en.json().items[0].name).toBe('Donghu District');
  });

  it('returns JSON 404 for unknown routes and unknown areas, in the caller language', async () => {
    const r = await built.app.inject({ url: '/nope', headers: { 'accept-language': 'en' } });
    expect(r.statusCode).toBe(404);
    expect(r.json()).toMatchObject({ code: 'ROUTE_NOT_FOUND', message: 'No such endpoint: GET /nope' });
    const a = await built.app.inject({ url: '/api/areas/320599', headers: { 'accept-language': 'zh-CN' } });
    expect(a.statusCode).toBe(404);
    expect(a.json()).toEqual({ code: 'AREA_NOT_FOUND', message: '区域 320599 不存在' });
  });

  it('answers router-level rejections (bad URL, over-long parameter) in the same JSON shape', async () => {
    const long = await built.app.inject({
      url: `/api/areas/${'1'.repeat(300)}`,
      headers: { 'accept-language': 'en' },
    });
    // GET too (the web app's `GET /*` catch-all matches the URL the route refuses): 400, not 404.
    expect(long.statusCode).toBe(400);
    expect(long.json()).toMatchObject({ code: 'VALIDATION_FAILED', field: 'params' });
    const bad = await built.app.inject({ url: '/api/areas/%E0%A4%A' });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().code).toBe('VALIDATION_FAILED');
  });

  it('names the failing field on validation errors', async () => {
    const r = await built.app.inject('/api/areas?level=planet');
    expect(r.statusCode).toBe(400);
    expect(r.json()).toMatchObject({ code: 'VALIDATION_FAILED', field: 'querystring/level' });
  });

  it('sends security headers', async () => {
    const r = await built.app.inject('/healthz');
    expect(r.headers['x-content-type-options']).toBe('nosniff');
    expect(r.headers['content-security-policy']).toBeTruthy();
  });
});

describe('malformed requests to every route get a 4xx JSON error, never a 500', () => {
  const hostile = [
    '',
    ' ',
    '%',
    '../../etc/passwd',
    "' OR 1=1 --",
    '<script>alert(1)</script>',
    '\u0000',
    '🙂'.repeat(50),
    'x'.repeat(5000),
    '-1',
    '1e309',
    'NaN',
    '{"a":1}',
  ];

  function routes(): RouteEntry[] {
    return built.routes.filter((r) => r.url.startsWith('/api/') && !r.url.startsWith('/api/docs'));
  }

  it('covers at least the foundation routes', () => {
    expect(routes().map((r) => `${r.method} ${r.url}`)).toEqual(
      expect.arrayContaining(['GET /api/areas', 'GET /api/areas/:code']),
    );
  });

  it('hostile path parameters and query strings', async () => {
    for (const r of routes()) {
      for (const v of hostile) {
        if (r.url.includes(':')) {
          const res = await built.app.inject({ method: r.method as 'GET', url: fillPath(r.url, v) });
          if (res.statusCode >= 400) expectJsonError(res, `${r.method} ${r.url} [${v.slice(0, 20)}]`);
          else expect(res.statusCode).toBeLessThan(500);
        }
        const q = await built.app.inject({
          method: r.method as 'GET',
          url: `${fillPath(r.url, '1')}?limit=${encodeURIComponent(v)}&offset=${encodeURIComponent(v)}&level=${encodeURIComponent(v)}`,
        });
        expect(
          q.statusCode,
          `${r.method} ${r.url} query ${v.slice(0, 20)}: ${q.body.slice(0, 200)}`,
        ).toBeLessThan(500);
        if (q.statusCode >= 400) expectJsonError(q, `${r.method} ${r.url}`);
      }
    }
  });

  it('broken JSON, wrong content types and oversized bodies', async () => {
    for (const r of routes().filter((x) => x.method !== 'GET' && x.method !== 'DELETE')) {
      const url = fillPath(r.url, '1');
      const cases = [
        { payload: '{"broken": ', headers: { 'content-type': 'application/json' } },
        { payload: '<xml/>', headers: { 'content-type': 'application/xml' } },
        { payload: 'x'.repeat(2_000_000), headers: { 'content-type': 'application/json' } },
        { payload: '[]', headers: { 'content-type': 'application/json' } },
        { payload: '"str"', headers: { 'content-type': 'application/json' } },
      ];
      for (const c of cases) {
        const res = await built.app.inject({ method: r.method as 'POST', url, ...c });
        expectJsonError(res, `${r.method} ${r.url} ${c.headers['content-type']}`);
      }
    }
  });

  it('random JSON bodies and query values (fast-check)', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...routes()),
        fc.jsonValue({ maxDepth: 4 }),
        fc.string({ maxLength: 40 }),
        async (r, body, q) => {
          const url = `${fillPath(r.url, q || 'x')}?limit=${encodeURIComponent(q)}`;
          const res =
            r.method === 'GET' || r.method === 'DELETE'
              ? await built.app.inject({ method: r.method as 'GET', url })
              : await built.app.inject({
                  method: r.method as 'POST',
                  url,
                  payload: JSON.stringify(body),
                  headers: { 'content-type': 'application/json' },
                });
          expect(res.statusCode, `${r.method} ${url}: ${res.body.slice(0, 200)}`).toBeLessThan(500);
          if (res.statusCode >= 400) expectJsonError(res, `${r.method} ${r.url}`);
        },
      ),
      { numRuns: 150 },
    );
  });
});

describe('a database that is gone', () => {
  it('readyz and data routes answer 503 with Retry-After, not 500', async () => {
    const gone = await pgliteTestDb();
    const app = await buildTestApp(gone.db);
    await gone.db.close();
    const ready = await app.app.inject('/readyz');
    expect(ready.statusCode).toBe(503);
    expect(ready.headers['retry-after']).toBeTruthy();
    expect(ready.json().code).toBe('DB_UNAVAILABLE');
    const list = await app.app.inject('/api/areas');
    expect(list.statusCode).toBe(503);
    expect(list.json().code).toBe('DB_UNAVAILABLE');
    await app.app.close();
  });
});
