/**
 * Issue 14, "Anonymous Open311 GET /requests lists every request's tracking code with exact
 * coordinates and raw address" and "Open311 discovery echoes the Host header into its URLs".
 * Failed on the old code: service_request_id was the tracking code (NH…), lat/long were exact and
 * discovery answered with whatever Host the client sent.
 */
import { expect, it } from 'vitest';
import { systemActor } from '../../src/kernel/actor.js';
import { UNMASKED_PII_PATTERNS } from '../../src/lib/privacy.js';
import { buildTestApp } from '../support/app.js';
import { seedCity, someGrid } from '../support/city.js';
import { describeEachDriver } from '../support/db.js';

const ADMIN = systemActor('test-admin');
const PHONE = '13912345678';

describeEachDriver('Open311 public answers', (t) => {
  it('never show the tracking code, exact coordinates or an unredacted address', async () => {
    const { db } = t();
    await seedCity(db);
    const grid = await someGrid(db, 3);
    const built = await buildTestApp(db);
    const { app } = built;
    try {
      const apiKey = (await built.services.open311.keys.create(ADMIN, { name: 'city app' })).key;
      // A point with more precision than ~100 m, so rounding shows.
      const lat = Number((grid.lat + 0.000437).toFixed(6));
      const lng = Number((grid.lng + 0.000381).toFixed(6));
      const created = await app.inject({
        method: 'POST',
        url: '/open311/v2/requests.json',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        payload: new URLSearchParams({
          api_key: apiKey,
          service_code: 'E0102',
          lat: String(lat),
          long: String(lng),
          address_string: `运河路3号门 电话 ${PHONE}`,
          description: `门口有垃圾 请打 ${PHONE}`,
          phone: PHONE,
        }).toString(),
      });
      expect(created.statusCode).toBe(201);
      const [mine] = created.json() as Array<{ service_request_id: string; tracking_code: string }>;
      const code = mine!.tracking_code;
      const publicId = mine!.service_request_id;
      expect(code).toMatch(/^NH\d{6}-[0-9A-Z]{6}$/);
      expect(publicId).toMatch(/^R[0-9A-F]{16}$/);
      // The public id is not derived from the code: it is stored apart and random.
      const row = await db.query<{ public_code: string }>(
        'SELECT public_code FROM cases WHERE public_id = $1',
        [publicId],
      );
      expect(row.rows[0]?.public_code).toBe(code);

      // Every anonymous Open311 read: list (all, by id filter, by the code as a filter), one, token.
      const reads = [
        '/open311/v2/requests.json',
        '/open311/v2/requests.xml',
        `/open311/v2/requests.json?service_request_id=${publicId}`,
        `/open311/v2/requests.json?service_request_id=${encodeURIComponent(code)}`,
        `/open311/v2/requests/${publicId}.json`,
        `/open311/v2/requests/${publicId}.xml`,
      ];
      let sawIt = 0;
      for (const url of reads) {
        const res = await app.inject({ method: 'GET', url, remoteAddress: '198.51.100.7' });
        expect(res.statusCode, url).toBeLessThan(500);
        expect(res.body, url).not.toContain(code);
        expect(res.body, url).not.toMatch(UNMASKED_PII_PATTERNS.phone);
        expect(res.body, url).not.toContain(String(lat));
        expect(res.body, url).not.toContain(String(lng));
        if (url.endsWith('.json') && res.statusCode === 200) {
          const items = res.json() as Array<Record<string, unknown>>;
          for (const it of items) {
            expect(typeof it.service_request_id === 'string' && it.service_request_id.startsWith('R')).toBe(
              true,
            );
            for (const k of ['lat', 'long'] as const) {
              const v = it[k];
              if (typeof v === 'number') expect(Math.abs(v * 1000 - Math.round(v * 1000))).toBeLessThan(1e-6);
            }
            if (it.service_request_id === publicId) {
              sawIt++;
              expect(String(it.address ?? '')).toContain('运河路');
            }
          }
        }
      }
      // The id filter and the single read show it (the unfiltered list is a page of the newest cases).
      expect(sawIt).toBeGreaterThanOrEqual(2);
      // Filtering by the secret code finds nothing: the code is not an Open311 id.
      const byCode = await app.inject({
        method: 'GET',
        url: `/open311/v2/requests.json?service_request_id=${encodeURIComponent(code)}`,
      });
      expect(byCode.statusCode === 404 || (byCode.json() as unknown[]).length === 0).toBe(true);

      // The public id grants no reporter rights: the tracking routes refuse it.
      const track = await app.inject({ method: 'GET', url: `/api/track/${publicId}` });
      expect([400, 404]).toContain(track.statusCode);
      const join = await app.inject({ method: 'POST', url: `/api/track/${publicId}/join`, payload: {} });
      expect([400, 404]).toContain(join.statusCode);
      // The code itself still works for whoever holds it (the poster passed it to the resident).
      const own = await app.inject({ method: 'GET', url: `/api/track/${code}` });
      expect(own.statusCode).toBe(200);
    } finally {
      await app.close();
    }
  }, 120_000);

  it('builds discovery URLs from PUBLIC_URL, never from a forged Host header', async () => {
    const { db } = t();
    const built = await buildTestApp(db, { env: { PUBLIC_URL: 'https://civic.example.org' } });
    try {
      for (const url of ['/open311/discovery.json', '/open311/discovery.xml']) {
        const res = await built.app.inject({
          method: 'GET',
          url,
          headers: { host: 'evil.example.com', 'x-forwarded-host': 'evil2.example.com' },
        });
        expect(res.statusCode).toBe(200);
        expect(res.body).not.toContain('evil');
        expect(res.body).toContain('https://civic.example.org/open311/v2');
      }
    } finally {
      await built.app.close();
    }
  });

  it('answers an unknown Open311 path without echoing the personal data typed into it', async () => {
    const built = await buildTestApp(t().db);
    try {
      for (const method of ['GET', 'POST', 'DELETE'] as const) {
        for (const url of ['/open311/v2/13912345678.xml', '/open311/v2/x/110101199003074518.json']) {
          const res = await built.app.inject({ method, url });
          expect(res.statusCode, `${method} ${url}`).toBe(404);
          expect(res.body).not.toContain('13912345678');
          expect(res.body).not.toContain('110101199003074518');
          expect(res.body).toContain('/open311/v2/');
        }
      }
    } finally {
      await built.app.close();
    }
  });
});
