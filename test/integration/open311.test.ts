/**
 * An Open311 GeoReport v2 client against the running server (app.listen on port 0): discover,
 * list services, read a service definition, post a request (form-encoded) in JSON and XML, look it
 * up by token and by id, see it close after the case workflow closes it. JSON answers are
 * validated against schemas written from the spec; XML answers are parsed and their element
 * names checked.
 */
import type { AddressInfo } from 'node:net';
import { XMLParser } from 'fast-xml-parser';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { systemActor } from '../../src/kernel/actor.js';
import type { BuiltApp } from '../../src/server/app.js';
import { buildTestApp } from '../support/app.js';
import { seedCity, someGrid } from '../support/city.js';
import { describeEachDriver } from '../support/db.js';
import {
  CreatedRequests,
  Discovery,
  Errors,
  ServiceDefinition,
  ServiceList,
  ServiceRequests,
  TokenAnswer,
  violations,
} from '../support/open311-schemas.js';

const ADMIN = systemActor('test-admin');
const xml = new XMLParser({
  ignoreDeclaration: true,
  parseTagValue: false,
  isArray: (name) =>
    ['service', 'request', 'error', 'attribute', 'value', 'endpoint', 'format'].includes(name),
});

describeEachDriver('Open311 GeoReport v2 server', (t) => {
  let built: BuiltApp;
  let base: string;
  let apiKey: string;
  let grid: Awaited<ReturnType<typeof someGrid>>;

  async function get(path: string, headers: Record<string, string> = {}) {
    const res = await fetch(`${base}${path}`, { headers: { 'accept-language': 'en', ...headers } });
    return { status: res.status, type: res.headers.get('content-type') ?? '', body: await res.text() };
  }

  async function post(path: string, fields: Record<string, string>) {
    const res = await fetch(`${base}${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', 'accept-language': 'en' },
      body: new URLSearchParams(fields).toString(),
    });
    return { status: res.status, type: res.headers.get('content-type') ?? '', body: await res.text() };
  }

  function json(r: { type: string; body: string }, schema: Parameters<typeof violations>[0]): unknown {
    expect(r.type).toContain('application/json');
    const value: unknown = JSON.parse(r.body);
    expect(violations(schema, value)).toEqual([]);
    return value;
  }

  function parsedXml(r: { type: string; body: string }): Record<string, unknown> {
    expect(r.type).toContain('text/xml');
    expect(r.body.startsWith('<?xml version="1.0" encoding="utf-8"?>')).toBe(true);
    return xml.parse(r.body) as Record<string, unknown>;
  }

  beforeAll(async () => {
    await seedCity(t().db);
    grid = await someGrid(t().db, 3);
    built = await buildTestApp(t().db, { env: { PUBLIC_URL: 'https://open311.example.org/city/' } });
    await built.app.listen({ port: 0, host: '127.0.0.1' });
    base = `http://127.0.0.1:${(built.app.server.address() as AddressInfo).port}`;
    apiKey = (await built.services.open311.keys.create(ADMIN, { name: 'city app' })).key;
  }, 120_000);

  afterAll(async () => {
    await built?.app.close();
  });

  it('discovers the endpoint and lists services in JSON and XML', async () => {
    const d = json(await get('/open311/discovery.json'), Discovery) as { endpoints: Array<{ url: string }> };
    // The configured PUBLIC_URL (trailing slash dropped), not the address the client dialled.
    expect(d.endpoints[0]!.url).toBe('https://open311.example.org/city/open311/v2');
    const dx = parsedXml(await get('/open311/discovery.xml')) as {
      discovery: { endpoints: { endpoint: Array<{ formats: { format: string[] } }> } };
    };
    expect(dx.discovery.endpoints.endpoint[0]!.formats.format).toEqual(['application/json', 'text/xml']);

    const services = json(await get('/open311/v2/services.json'), ServiceList) as Array<{
      service_code: string;
      service_name: string;
      group: string;
    }>;
    expect(services.find((s) => s.service_code === 'E0102')).toMatchObject({
      service_name: 'Exposed rubbish',
      group: expect.any(String),
    });
    expect(services.some((s) => s.service_code.startsWith('H'))).toBe(false);
    const sx = parsedXml(await get('/open311/v2/services.xml')) as {
      services: { service: Array<Record<string, string>> };
    };
    expect(sx.services.service).toHaveLength(services.length);
    expect(Object.keys(sx.services.service[0]!).sort()).toEqual(
      ['description', 'group', 'keywords', 'metadata', 'service_code', 'service_name', 'type'].sort(),
    );
    expect(sx.services.service[0]!.metadata).toBe('true');
  });

  it('describes a service: criteria from the taxonomy, part id and danger for an urgent part', async () => {
    const def = json(await get('/open311/v2/services/P0102.json'), ServiceDefinition) as {
      attributes: Array<{ code: string; variable: boolean; values?: unknown[] }>;
    };
    expect(def.attributes.map((a) => a.code)).toEqual([
      'filing_criteria',
      'closing_criteria',
      'part_id',
      'danger',
    ]);
    const dx = parsedXml(await get('/open311/v2/services/P0102.xml')) as {
      service_definition: {
        service_code: string;
        attributes: {
          attribute: Array<{ code: string; values?: { value: Array<{ key: string; name: string }> } }>;
        };
      };
    };
    expect(dx.service_definition.service_code).toBe('P0102');
    expect(dx.service_definition.attributes.attribute[3]!.values!.value.map((v) => v.key)).toEqual([
      'yes',
      'no',
    ]);
    const missing = await get('/open311/v2/services/Z9999.json');
    expect(missing.status).toBe(404);
    json(missing, Errors);
    const missingXml = await get('/open311/v2/services/Z9999.xml');
    expect(missingXml.status).toBe(404);
    expect(
      (parsedXml(missingXml) as { errors: { error: Array<{ code: string }> } }).errors.error[0]!.code,
    ).toBe('404');
  });

  it('takes a request in JSON and XML, finds it by token and id, and shows it closed once closed', async () => {
    const form = {
      api_key: apiKey,
      service_code: 'E0102',
      lat: String(grid.lat),
      long: String(grid.lng),
      address_string: 'Gate 3, Canal Road',
      description: 'Bags of rubbish by the gate; call me on 13912345678',
      first_name: 'Mei',
      last_name: 'Li',
      phone: '13912345678',
      email: 'mei@example.org',
      media_url: 'https://img.example.org/1.jpg',
    };
    const created = await post('/open311/v2/requests.json', form);
    expect(created.status).toBe(201);
    const [first] = json(created, CreatedRequests) as Array<{
      service_request_id: string;
      token: string;
      tracking_code: string;
    }>;
    // The public id is not the tracking code (that one only the poster gets, in tracking_code).
    expect(first!.service_request_id).toMatch(/^R[0-9A-F]{16}$/);
    expect(first!.service_request_id).not.toBe(first!.tracking_code);

    const createdXml = await post('/open311/v2/requests.xml', {
      ...form,
      service_code: 'P0102',
      'attribute[danger]': 'yes',
      'attribute[part_id]': '3205020010010001',
    });
    expect(createdXml.status).toBe(201);
    const x = parsedXml(createdXml) as { service_requests: { request: Array<Record<string, string>> } };
    expect(Object.keys(x.service_requests.request[0]!).sort()).toEqual([
      'account_id',
      'service_notice',
      'service_request_id',
      'token',
      'tracking_code',
    ]);
    const second = x.service_requests.request[0]!;

    const byToken = json(await get(`/open311/v2/tokens/${first!.token}.json`), TokenAnswer) as Array<{
      service_request_id: string;
    }>;
    expect(byToken[0]!.service_request_id).toBe(first!.service_request_id);
    const tokenXml = parsedXml(await get(`/open311/v2/tokens/${second.token}.xml`)) as {
      service_requests: { request: Array<Record<string, string>> };
    };
    expect(tokenXml.service_requests.request[0]!.service_request_id).toBe(second.service_request_id);

    const one = await get(`/open311/v2/requests/${first!.service_request_id}.json`);
    const [open] = json(one, ServiceRequests) as Array<Record<string, unknown>>;
    expect(open).toMatchObject({
      status: 'open',
      service_code: 'E0102',
      media_url: form.media_url,
      agency_responsible: expect.any(String),
    });
    expect(String(open!.requested_datetime)).toMatch(/\+08:00$/);
    expect(String(open!.expected_datetime)).toMatch(/\+08:00$/);
    // Personal data never leaves through GET: no name, phone or e-mail, even typed into the text.
    expect(one.body).not.toMatch(/13912345678|Mei|mei@example/);

    const caseId = (
      await built.services.cases.query.search(ADMIN, { limit: 10, offset: 0, channel: 'open311' })
    ).items.find((c) => c.publicCode === first!.tracking_code)!.id;
    const wf = built.services.cases.workflow;
    const c = await wf.act(ADMIN, caseId, 'file', {});
    await wf.act(ADMIN, caseId, 'dispatch', {});
    await wf.act(ADMIN, caseId, 'accept', { department: c.departmentCode! });
    await wf.act(ADMIN, caseId, 'report_back', { department: c.departmentCode!, note: 'cleared' });
    await wf.act(ADMIN, caseId, 'verify_pass', {});

    const [done] = json(
      await get(`/open311/v2/requests/${first!.service_request_id}.json`),
      ServiceRequests,
    ) as Array<Record<string, unknown>>;
    expect(done).toMatchObject({
      status: 'closed',
      status_notes: 'Verified on site and closed',
      expected_datetime: null,
    });
    const doneXml = parsedXml(await get(`/open311/v2/requests/${first!.service_request_id}.xml`)) as {
      service_requests: { request: Array<Record<string, string>> };
    };
    expect(doneXml.service_requests.request[0]!.status).toBe('closed');
    expect(Object.keys(doneXml.service_requests.request[0]!)).toContain('expected_datetime');

    const closedList = json(
      await get('/open311/v2/requests.json?status=closed&service_code=E0102'),
      ServiceRequests,
    ) as Array<{ service_request_id: string }>;
    expect(closedList.map((r) => r.service_request_id)).toEqual([first!.service_request_id]);
    const both = json(
      await get(
        `/open311/v2/requests.json?service_request_id=${first!.service_request_id},${second.service_request_id}`,
      ),
      ServiceRequests,
    ) as Array<{ service_request_id: string; status: string }>;
    expect(both.map((r) => r.status).sort()).toEqual(['closed', 'open']);
    const openXml = parsedXml(await get('/open311/v2/requests.xml?status=open')) as {
      service_requests: { request: Array<Record<string, string>> };
    };
    expect(openXml.service_requests.request.map((r) => r.service_request_id)).toEqual([
      second.service_request_id,
    ]);
    const tooLong = await get(
      '/open311/v2/requests.json?start_date=2025-01-01T00:00:00%2B08:00&end_date=2026-01-01T00:00:00%2B08:00',
    );
    expect(tooLong.status).toBe(400);
    json(tooLong, Errors);
  });

  it('answers errors as the spec list: bad api_key 403, missing fields 400, an address it cannot place 400', async () => {
    const bad = await post('/open311/v2/requests.json', {
      api_key: 'o311_not-a-real-key',
      service_code: 'E0102',
      lat: String(grid.lat),
      long: String(grid.lng),
    });
    expect(bad.status).toBe(403);
    const [err] = json(bad, Errors) as Array<{ code: number }>;
    expect(err!.code).toBe(403);
    const badXml = await post('/open311/v2/requests.xml', {
      api_key: 'o311_not-a-real-key',
      service_code: 'E0102',
      lat: String(grid.lat),
      long: String(grid.lng),
    });
    expect(badXml.status).toBe(403);
    const ex = parsedXml(badXml) as { errors: { error: Array<{ code: string; description: string }> } };
    expect(ex.errors.error[0]!.code).toBe('403');
    expect(ex.errors.error[0]!.description).toMatch(/api_key/);

    const noKey = await post('/open311/v2/requests.json', { service_code: 'E0102', lat: '1', long: '2' });
    expect(noKey.status).toBe(400);
    const noPlace = await post('/open311/v2/requests.json', {
      api_key: apiKey,
      service_code: 'E0102',
      address_string: 'Nowhere Lane 9',
    });
    expect(noPlace.status).toBe(400);
    expect((json(noPlace, Errors) as Array<{ description: string }>)[0]!.description).toMatch(
      /address_string/,
    );
    const badAttr = await post('/open311/v2/requests.json', {
      api_key: apiKey,
      service_code: 'P0102',
      lat: String(grid.lat),
      long: String(grid.lng),
      'attribute[danger]': 'maybe',
    });
    expect(badAttr.status).toBe(400);
    const outside = await post('/open311/v2/requests.json', {
      api_key: apiKey,
      service_code: 'E0102',
      lat: '10',
      long: '10',
    });
    expect(outside.status).toBe(400);
    const unknownRequest = await get('/open311/v2/requests/R0000000000000000.xml');
    expect(unknownRequest.status).toBe(404);
    expect(Object.keys(parsedXml(unknownRequest))).toEqual(['errors']);
    expect((await get('/open311/v2/services.html')).status).toBe(404);
    const nowhere = await get('/open311/v2/nothing/here.xml');
    expect(nowhere.status).toBe(404);
    expect(Object.keys(parsedXml(nowhere))).toEqual(['errors']);
    json(await get(`/open311/v2/tokens/${'x'.repeat(300)}.json`), Errors);
  });

  it('hostile input never gives a 500, and every error is the spec list in the asked format', async () => {
    const hostile = [
      '%',
      "' OR 1=1 --",
      '<script>alert(1)</script>',
      '../../etc/passwd',
      '🙂'.repeat(50),
      'x'.repeat(3000),
      '-1',
      'NaN',
    ];
    const routes = built.routes.filter((r) => r.url.startsWith('/open311/'));
    expect(routes).toHaveLength(8); // the seven resources + the catch-all that answers 404 in the spec's format
    const problems: string[] = [];
    for (const r of routes) {
      for (const v of hostile) {
        for (const format of ['json', 'xml', encodeURIComponent(v)]) {
          // Path segments stay within the router's parameter limit (longer ones are the router's 400).
          const inPath = encodeURIComponent(v.slice(0, 60));
          const url = `${r.url.replace(/:(service_code|service_request_id|token)/, inPath).replace(':format', format === 'json' || format === 'xml' ? format : inPath)}?service_request_id=${encodeURIComponent(v)}&start_date=${encodeURIComponent(v)}&status=${encodeURIComponent(v)}&page=${encodeURIComponent(v)}&jurisdiction_id=${encodeURIComponent(v)}`;
          const res = await built.app.inject({
            method: r.method as 'GET',
            url,
            ...(r.method === 'POST'
              ? {
                  payload: `api_key=${encodeURIComponent(v)}&lat=${encodeURIComponent(v)}&attribute[${encodeURIComponent(v)}]=1`,
                  headers: { 'content-type': 'application/x-www-form-urlencoded' },
                }
              : {}),
          });
          if (res.statusCode >= 500) problems.push(`${r.method} ${url.slice(0, 80)} → ${res.statusCode}`);
          else if (res.statusCode >= 400) {
            const isXml = String(res.headers['content-type']).includes('xml');
            const body = isXml
              ? (xml.parse(res.body) as { errors?: { error: unknown[] } }).errors?.error
              : JSON.parse(res.body);
            const normalised = isXml
              ? (body as Array<{ code: string; description: string }>).map((e) => ({
                  code: Number(e.code),
                  description: e.description,
                }))
              : body;
            if (violations(Errors, normalised).length > 0)
              problems.push(`${r.method} ${url.slice(0, 80)}: ${res.body.slice(0, 100)}`);
          }
        }
      }
    }
    for (const payload of ['{"broken": ', '[]', '"str"', 'x'.repeat(2_000_000)]) {
      const res = await built.app.inject({
        method: 'POST',
        url: '/open311/v2/requests.xml',
        payload,
        headers: { 'content-type': 'application/json' },
      });
      expect(res.statusCode, payload.slice(0, 20)).toBe(400);
      expect(Object.keys(xml.parse(res.body) as object)).toEqual(['errors']);
    }
    const wrongType = await built.app.inject({
      method: 'POST',
      url: '/open311/v2/requests.json',
      payload: '<a/>',
      headers: { 'content-type': 'application/xml' },
    });
    expect(wrongType.statusCode).toBe(400);
    expect(violations(Errors, wrongType.json())).toEqual([]);
    expect(problems).toEqual([]);

    // A control character is refused at the schema boundary (issue 14: 400, not stored stripped).
    const bell = await post('/open311/v2/requests.json', {
      api_key: apiKey,
      service_code: 'E0102',
      lat: String(grid.lat),
      long: String(grid.lng),
      description: 'Broken cover \u0007end',
    });
    expect(bell.status).toBe(400);
    json(bell, Errors);

    // Markup in a description comes back as the same text, escaped in XML.
    const text = `Broken cover <b>&</b> "quoted" 'single' ]]> end`;
    const created = await post('/open311/v2/requests.json', {
      api_key: apiKey,
      service_code: 'E0102',
      lat: String(grid.lat),
      long: String(grid.lng),
      description: text,
    });
    const [c] = JSON.parse(created.body) as Array<{ service_request_id: string }>;
    const back = parsedXml(await get(`/open311/v2/requests/${c!.service_request_id}.xml`)) as {
      service_requests: { request: Array<{ description: string }> };
    };
    expect(back.service_requests.request[0]!.description).toBe(text);
  });

  it('keys: jurisdiction scope, rate limit and revocation', async () => {
    const other = grid.district === '320502' ? '320503' : '320502';
    const scoped = (
      await built.services.open311.keys.create(ADMIN, {
        name: 'district app',
        jurisdictionId: other,
        ratePerMinute: 2,
      })
    ).key;
    const field = { api_key: scoped, service_code: 'E0102', lat: String(grid.lat), long: String(grid.lng) };
    expect((await post('/open311/v2/requests.json', field)).status).toBe(400); // outside its district
    expect(
      (await post('/open311/v2/requests.json', { ...field, jurisdiction_id: grid.district })).status,
    ).toBe(403);
    const limited = await post('/open311/v2/requests.json', field);
    expect(limited.status).toBe(429);
    json(limited, Errors);

    const listed = await built.services.open311.keys.list(ADMIN);
    const record = listed.find((k) => k.name === 'district app')!;
    expect(record.keyPrefix).toBe(scoped.slice(0, 9));
    await built.services.open311.keys.revoke(ADMIN, record.id);
    const revoked = await built.services.open311.keys.create(ADMIN, { name: 'tmp' });
    await built.services.open311.keys.revoke(
      ADMIN,
      (await built.services.open311.keys.list(ADMIN)).find((k) => k.name === 'tmp')!.id,
    );
    expect((await post('/open311/v2/requests.json', { ...field, api_key: revoked.key })).status).toBe(403);
    await built.services.audit.flush(); // chain order = order of the acts
    const { rows } = await t().db.query<{ action: string }>(
      "SELECT action FROM audit_log WHERE action LIKE 'open311_key.%' ORDER BY seq",
    );
    expect(rows.map((r) => r.action)).toEqual([
      'open311_key.create',
      'open311_key.create',
      'open311_key.revoke',
      'open311_key.create',
      'open311_key.revoke',
    ]);
  });
});
