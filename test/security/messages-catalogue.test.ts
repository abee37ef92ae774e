/**
 * Issue 14, "The edge": two messages showed broken templates ("上限 configured 字节",
 * "不支持的内容类型：this"). Over every error the application defines: the zh-CN and English
 * templates take the same placeholders, the zh-CN text is Chinese (no English phrase outside
 * placeholders, product, parameter and header names), and the framework's own refusals render
 * without a placeholder left or an English word. A parameter that is a phrase goes through
 * `text(zh, en)` (src/lib/errors.ts). Over HTTP with `Accept-Language: zh-CN`, the framework's
 * refusals (body too large, unsupported media type, bad JSON, malformed URL) and schema validation
 * details (Ajv's own messages are English) reach the client in Chinese.
 */
import type { InjectOptions } from 'fastify';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { toAppError } from '../../src/kernel/http-errors.js';
import { definedErrorCodes } from '../../src/lib/errors.js';
import type { BuiltApp } from '../../src/server/app.js';
import { buildTestApp } from '../support/app.js';
import { makeUser, seedCity, someGrid } from '../support/city.js';
import { describeEachDriver } from '../support/db.js';
import { sessionFor } from '../support/identity.js';

/** Names and acronyms a Chinese message may carry as they are. */
const ALLOWED_LATIN = new Set(
  'JSON CSV XLSX GeoJSON FeatureCollection API URL SMS ID IP CAP Open311 MQTT HTTP HTTPS PDF PNG JPEG WebP HEIC UTF JWT OTP CSRF SSE IoT PostgreSQL PGlite ETag Idempotency Key CRS WGS CGCS GB EPSG XML HMAC Ed25519 ISO UUID AUDIT_KEY csrf token Authorization Bearer photoKey details errors api_key json xml lat long'.split(
    ' ',
  ),
);

const placeholders = (s: string) => [...s.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();
const latinWords = (s: string) =>
  (s.replace(/\{\w+\}/g, '').match(/[A-Za-z][A-Za-z0-9_]{2,}/g) ?? []).filter((w) => !ALLOWED_LATIN.has(w));

describeEachDriver('zh-CN message catalogue', (t) => {
  beforeAll(async () => {
    // Building the app loads every module, so every defineError has run.
    const built = await buildTestApp(t().db);
    await built.app.close();
  });

  it('every template pair has the same placeholders and the zh-CN one is Chinese', () => {
    const bad: string[] = [];
    expect(definedErrorCodes().size).toBeGreaterThan(40);
    for (const [code, { messages }] of definedErrorCodes()) {
      const zh = messages['zh-CN'];
      if (JSON.stringify(placeholders(zh)) !== JSON.stringify(placeholders(messages.en)))
        bad.push(`${code}: placeholders differ: "${zh}" / "${messages.en}"`);
      if (!/[\u4e00-\u9fff]/.test(zh)) bad.push(`${code}: zh-CN text is not Chinese: "${zh}"`);
      const words = latinWords(zh);
      if (words.length > 0) bad.push(`${code}: English in zh-CN "${zh}": ${words.join(', ')}`);
    }
    expect(bad).toEqual([]);
  });

  it("the framework's refusals render in Chinese with no placeholder left", () => {
    const codes = [
      'FST_ERR_CTP_BODY_TOO_LARGE',
      'FST_REQ_FILE_TOO_LARGE',
      'FST_FILES_LIMIT',
      'FST_PARTS_LIMIT',
      'FST_ERR_CTP_INVALID_MEDIA_TYPE',
      'FST_INVALID_MULTIPART_CONTENT_TYPE',
      'FST_ERR_CTP_EMPTY_JSON_BODY',
    ];
    const rendered = [
      ...codes.map((code) => toAppError(Object.assign(new Error('x'), { code }), 'r1')),
      ...[404, 413, 415, 429].map((statusCode) =>
        toAppError(Object.assign(new Error('x'), { statusCode }), 'r1'),
      ),
    ].map((e) => e.localized('zh-CN'));
    for (const msg of rendered) {
      expect(msg).not.toMatch(/\{\w+\}/);
      expect(latinWords(msg), msg).toEqual([]);
    }
    expect(rendered.join(' ')).not.toMatch(/configured|\bthis\b/);
  });
});

/** Ajv's English phrases, which must not reach a zh-CN client. */
const AJV_ENGLISH = /must|NOT|have|should|equal|allowed|characters|property|constant|schema/;

describeEachDriver('zh-CN refusals over HTTP', (t) => {
  let built: BuiltApp;
  let staffCookie: string;
  let grid: Awaited<ReturnType<typeof someGrid>>;

  beforeAll(async () => {
    const { db } = t();
    await seedCity(db);
    grid = await someGrid(db, 1);
    built = await buildTestApp(db);
    const admin = await makeUser(db, 'MsgAdmin', [{ role: 'admin' }]);
    const c = await sessionFor(built, db, admin.userId, '10.41.0.2');
    staffCookie = `cg_session=${c.cookies.cg_session}; cg_csrf=${c.cookies.cg_csrf}`;
  });
  afterAll(async () => {
    await built?.app.close();
  });

  const report = (over: Record<string, unknown>) => ({
    channel: 'resident',
    idempotencyKey: `msg-${Math.random().toString(36).slice(2)}`,
    location: { lng: grid.lng, lat: grid.lat },
    description: '路灯不亮了',
    ...over,
  });

  /** Each request a zh-CN client may send wrongly, and the code it must get. */
  const cases = (): Array<{ name: string; req: InjectOptions; code: string }> => {
    const post = (payload: unknown, headers: Record<string, string> = {}): InjectOptions => ({
      method: 'POST',
      url: '/api/cases',
      headers: { 'content-type': 'application/json', ...headers },
      payload: typeof payload === 'string' ? payload : JSON.stringify(payload),
    });
    const staffGet = (url: string): InjectOptions => ({
      method: 'GET',
      url,
      headers: { cookie: staffCookie },
    });
    return [
      {
        name: 'body too large',
        req: post(JSON.stringify(report({ description: 'x'.repeat(1_100_000) }))),
        code: 'PAYLOAD_TOO_LARGE',
      },
      {
        name: 'unsupported media type',
        req: post('<case/>', { 'content-type': 'application/xml' }),
        code: 'UNSUPPORTED_MEDIA_TYPE',
      },
      { name: 'bad JSON', req: post('{"channel":'), code: 'BAD_JSON' },
      { name: 'empty JSON', req: post(''), code: 'BAD_JSON' },
      { name: 'required', req: post({ channel: 'resident' }), code: 'VALIDATION_FAILED' },
      { name: 'maxLength', req: post(report({ description: '长'.repeat(2001) })), code: 'VALIDATION_FAILED' },
      { name: 'minLength', req: post(report({ description: '长' })), code: 'VALIDATION_FAILED' },
      {
        name: 'type',
        req: post(report({ location: { lng: 'east', lat: grid.lat } })),
        code: 'VALIDATION_FAILED',
      },
      {
        name: 'maximum',
        req: post(report({ location: { lng: 500, lat: grid.lat } })),
        code: 'VALIDATION_FAILED',
      },
      {
        name: 'union of literals',
        req: post(report({ channel: 'carrier-pigeon' })),
        code: 'VALIDATION_FAILED',
      },
      { name: 'pattern', req: post(report({ categoryCode: 'zz' })), code: 'VALIDATION_FAILED' },
      { name: 'additional property', req: post(report({ admin: true })), code: 'VALIDATION_FAILED' },
      { name: 'uniqueItems', req: post(report({ photoIds: [1, 1] })), code: 'VALIDATION_FAILED' },
      {
        name: 'control character',
        req: post(report({ description: '路灯\u0007不亮' })),
        code: 'VALIDATION_FAILED',
      },
      {
        name: 'non-finite number',
        req: post(
          `{"channel":"resident","idempotencyKey":"msg-infinite","location":{"lng":1e400,"lat":${grid.lat}},"description":"路灯不亮了"}`,
        ),
        code: 'VALIDATION_FAILED',
      },
      {
        name: 'query maxLength',
        req: staffGet(`/api/cases?q=${'x'.repeat(101)}`),
        code: 'VALIDATION_FAILED',
      },
      { name: 'query format', req: staffGet('/api/cases?from=yesterday'), code: 'VALIDATION_FAILED' },
      { name: 'query maximum', req: staffGet('/api/cases?limit=100000'), code: 'VALIDATION_FAILED' },
      {
        name: 'path pattern',
        req: { method: 'GET', url: '/api/track/not-a-code' },
        code: 'VALIDATION_FAILED',
      },
      {
        name: 'path parameter too long',
        req: {
          method: 'POST',
          url: `/api/track/${'N'.repeat(400)}/join`,
          headers: { 'content-type': 'application/json' },
          payload: '{}',
        },
        code: 'VALIDATION_FAILED',
      },
      {
        name: 'malformed URL',
        req: { method: 'GET', url: '/api/cases/%E0%A4%A' },
        code: 'VALIDATION_FAILED',
      },
    ];
  };

  it('every refusal is Chinese, with no placeholder and no English word left', async () => {
    const bad: string[] = [];
    for (const c of cases()) {
      const res = await built.app.inject({
        ...c.req,
        remoteAddress: '10.41.0.1',
        headers: { ...(c.req.headers ?? {}), 'accept-language': 'zh-CN,zh;q=0.9,en;q=0.5' },
      });
      const body = res.json() as { code?: string; message?: string; field?: string };
      if (res.statusCode < 400 || res.statusCode >= 500 || body.code !== c.code) {
        bad.push(`${c.name}: ${res.statusCode} ${res.body.slice(0, 200)}`);
        continue;
      }
      const message = body.message ?? '';
      // The field's own path (`/location/lng`) is the API's name for it and stays as it is.
      const path = body.field?.includes('/') ? body.field.slice(body.field.indexOf('/')) : '';
      const prose = path ? message.split(path).join('') : message;
      if (/\{\w+\}/.test(message)) bad.push(`${c.name}: placeholder left: ${message}`);
      if (!/[\u4e00-\u9fff]/.test(prose.replace('请求参数不合法', '')))
        bad.push(`${c.name}: no Chinese detail: ${message}`);
      const words = latinWords(prose);
      if (words.length > 0 || AJV_ENGLISH.test(prose))
        bad.push(`${c.name}: English in "${message}": ${words.join(', ')}`);
    }
    expect(bad).toEqual([]);
  });

  it('the same refusals stay English for an English client', async () => {
    const res = await built.app.inject({
      method: 'POST',
      url: '/api/cases',
      remoteAddress: '10.41.0.1',
      headers: { 'accept-language': 'en', 'content-type': 'application/json' },
      payload: JSON.stringify(report({ description: 'x'.repeat(2001) })),
    });
    expect(res.statusCode).toBe(400);
    expect(res.json()).toMatchObject({
      code: 'VALIDATION_FAILED',
      field: 'body/description',
      message: 'Invalid request: body/description must have at most 2000 characters',
    });
  });
});
