import { XMLParser } from 'fast-xml-parser';
import { beforeAll, expect, it } from 'vitest';
import { FixedClock } from '../../src/lib/clock.js';
import { capPolygons, capTime, shortHeadline } from '../../src/modules/emergency/cap-format.js';
import { capSchemaErrors } from '../support/cap-schema.js';
import { describeEachDriver } from '../support/db.js';
import {
  buildWatchedApp,
  type CookieClient,
  createTestUser,
  type ScopeFixture,
  scopeBranches,
  seedTestCity,
  sessionFor,
  type WatchedApp,
} from '../support/identity.js';

const parser = new XMLParser({
  ignoreAttributes: false,
  attributeNamePrefix: '@',
  isArray: (n) => ['info', 'polygon', 'geocode', 'entry'].includes(n),
});

describeEachDriver('CAP 1.2 out', (t) => {
  let w: WatchedApp;
  let A: ScopeFixture;
  let commander: CookieClient;
  let commanderId: number;
  const clock = new FixedClock(new Date('2026-11-02T02:00:00.123Z'));

  beforeAll(async () => {
    const db = t().db;
    w = await buildWatchedApp(db, { clock });
    const { codes } = await seedTestCity(db);
    ({ A } = scopeBranches(codes));
    const id = await createTestUser(w, {
      username: 'cap-commander',
      grants: [{ role: 'supervisor', areaCode: A.street, departmentCode: null }],
    });
    commanderId = id;
    commander = await sessionFor(w, db, id);
  });

  it('formats times with an offset and no fraction, and keeps headlines under 140 characters', () => {
    expect(capTime(new Date('2026-11-02T18:30:05.999Z'))).toBe('2026-11-03T02:30:05+08:00');
    expect([...shortHeadline('台'.repeat(300))].length).toBeLessThan(140);
    expect(
      capPolygons({
        type: 'Polygon',
        coordinates: [
          [
            [120, 31],
            [121, 31],
            [121, 32],
            [120, 31],
          ],
        ],
      }),
    ).toEqual(['31.000000,120.000000 31.000000,121.000000 32.000000,121.000000 31.000000,120.000000']);
  });

  it('a declaration is a schema-valid CAP alert with zh-CN and en info, the street polygon and geocodes; ending it is a Cancel', async () => {
    const on = await commander.request('PUT', `/api/emergency/areas/${A.street}/mode`, {
      mode: 'emergency',
      reason: '暴雨红色预警 <script>&',
    });
    expect(on.statusCode).toBe(200);
    const identifier = on.json().alertIdentifier as string;
    const res = await w.app.inject({ method: 'GET', url: `/api/cap/alerts/${identifier}.xml` });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toContain('application/cap+xml');
    expect(await capSchemaErrors(res.body)).toEqual([]);
    const alert = parser.parse(res.body).alert;
    expect(alert).toMatchObject({
      identifier,
      status: 'Actual',
      msgType: 'Alert',
      scope: 'Public',
      sent: '2026-11-02T10:00:00+08:00',
    });
    expect(alert.info.map((i: { language: string }) => i.language)).toEqual(['zh-CN', 'en-US']);
    const info = alert.info[0];
    expect(info.description).toBe('暴雨红色预警 <script>&');
    expect(info.effective <= info.expires).toBe(true);
    const { rows } = await t().db.query<{ geometry: unknown }>(
      'SELECT geometry FROM areas WHERE code = $1 AND valid_to IS NULL',
      [A.street],
    );
    expect(info.area.polygon).toEqual(capPolygons(rows[0]!.geometry));
    expect(info.area.polygon.length).toBeGreaterThan(0);
    expect(info.area.geocode).toEqual([
      { valueName: 'GB/T 2260', value: Number(A.street.slice(0, 6)) },
      { valueName: 'CivicGrid-AreaCode', value: Number(A.street) },
    ]);

    clock.set(new Date('2026-11-02T05:00:00Z'));
    commander = await sessionFor(w, t().db, commanderId);
    const off = await commander.request('PUT', `/api/emergency/areas/${A.street}/mode`, {
      mode: 'normal',
      reason: '解除',
    });
    expect(off.json()).toMatchObject({ mode: 'normal' });
    const cancel = await w.app.inject({
      method: 'GET',
      url: `/api/cap/alerts/${off.json().alertIdentifier}.xml`,
    });
    expect(await capSchemaErrors(cancel.body)).toEqual([]);
    const c = parser.parse(cancel.body).alert;
    expect(c.msgType).toBe('Cancel');
    expect(c.references).toBe(`${alert.sender},${identifier},${alert.sent}`);

    const feed = await w.app.inject({ method: 'GET', url: '/api/cap/feed.atom' });
    expect(feed.headers['content-type']).toContain('application/atom+xml');
    const entries = parser.parse(feed.body).feed.entry as Array<{
      link: { '@href': string; '@type': string };
    }>;
    expect(entries.map((e) => e.link['@href'].split('/').at(-1))).toEqual([
      `${off.json().alertIdentifier}.xml`,
      `${identifier}.xml`,
    ]);
    expect(entries[0]!.link['@type']).toBe('application/cap+xml');
    expect(
      (await w.app.inject({ method: 'GET', url: '/api/cap/alerts/civicgrid-alert-999999.xml' })).statusCode,
    ).toBe(404);
  });

  it('the schema check is real: a document missing <sent> fails it', async () => {
    const on = await commander.request('PUT', `/api/emergency/areas/${A.street}/mode`, {
      mode: 'emergency',
      reason: 'x',
    });
    const res = await w.app.inject({
      method: 'GET',
      url: `/api/cap/alerts/${on.json().alertIdentifier}.xml`,
    });
    const broken = res.body.replace(/<sent>[^<]*<\/sent>/, '');
    expect((await capSchemaErrors(broken)).join('\n')).toMatch(/sent|status/);
  });
});
