/**
 * Issue 14, "District admins are not limited to their area on … Open311 keys (city jurisdiction)":
 * a district admin lists, issues and revokes only keys whose jurisdiction lies inside the district;
 * a key of another district or of the whole city answers as missing. Failed on the old code: the
 * district admin listed every key, issued city-wide keys and revoked another district's key.
 */
import { beforeAll, expect, it } from 'vitest';
import type { BuiltApp } from '../../src/server/app.js';
import { buildTestApp } from '../support/app.js';
import { makeUser, seedCity, someGrid } from '../support/city.js';
import { describeEachDriver } from '../support/db.js';
import { type CookieClient, sessionFor } from '../support/identity.js';

interface Key {
  id: number;
  jurisdictionId: string;
}

describeEachDriver('authority: Open311 keys stay inside the admin areas', (t) => {
  let built: BuiltApp;
  let cityAdmin: CookieClient;
  let districtAdmin: CookieClient;
  let mine: string;
  let other: string;

  beforeAll(async () => {
    const { db } = t();
    await seedCity(db);
    mine = (await someGrid(db, 0)).district;
    const { rows } = await db.query<{ code: string }>(
      `SELECT code FROM areas WHERE level = 'district' AND valid_to IS NULL AND code <> $1 ORDER BY code LIMIT 1`,
      [mine],
    );
    other = rows[0]!.code;
    built = await buildTestApp(db);
    const city = await makeUser(db, 'City admin', [{ role: 'admin' }]);
    const district = await makeUser(db, 'District admin', [{ role: 'admin', areaCode: mine }]);
    cityAdmin = await sessionFor(built, db, city.userId, '10.7.0.1');
    districtAdmin = await sessionFor(built, db, district.userId, '10.7.0.2');
  });

  const create = (who: CookieClient, jurisdictionId?: string) =>
    who.request('POST', '/api/admin/open311/keys', {
      name: 'app',
      ...(jurisdictionId ? { jurisdictionId } : {}),
    });

  it('issues keys only inside the district, and for its own district by default', async () => {
    const cityKey = await create(cityAdmin);
    expect(cityKey.statusCode, cityKey.body).toBe(201);
    const otherKey = await create(cityAdmin, other);
    expect(otherKey.statusCode, otherKey.body).toBe(201);

    expect((await create(districtAdmin, other)).statusCode).toBe(403);
    const cityWide = (cityKey.json() as Key).jurisdictionId;
    expect((await create(districtAdmin, cityWide)).statusCode).toBe(403);
    const own = await create(districtAdmin);
    expect(own.statusCode, own.body).toBe(201);
    expect((own.json() as Key).jurisdictionId).toBe(mine);

    const listed = await districtAdmin.request('GET', '/api/admin/open311/keys');
    expect(listed.statusCode).toBe(200);
    const items = (listed.json() as { items: Key[] }).items;
    expect(items.map((k) => k.id)).toContain((own.json() as Key).id);
    for (const k of items) expect(k.jurisdictionId.startsWith(mine)).toBe(true);

    const all = (
      (await cityAdmin.request('GET', '/api/admin/open311/keys')).json() as { items: Key[] }
    ).items.map((k) => k.id);
    expect(all).toEqual(expect.arrayContaining([(cityKey.json() as Key).id, (otherKey.json() as Key).id]));
  });

  it('revokes only keys inside the district; others answer as missing and stay live', async () => {
    const otherKey = (await create(cityAdmin, other)).json() as Key;
    const cityKey = (await create(cityAdmin)).json() as Key;
    for (const k of [otherKey, cityKey]) {
      const res = await districtAdmin.request('DELETE', `/api/admin/open311/keys/${k.id}`);
      expect(res.statusCode).toBe(404);
    }
    const still = (
      (await cityAdmin.request('GET', '/api/admin/open311/keys')).json() as {
        items: Array<Key & { revokedAt: string | null }>;
      }
    ).items.filter((k) => k.id === otherKey.id || k.id === cityKey.id);
    expect(still.map((k) => k.revokedAt)).toEqual([null, null]);

    const own = (await create(districtAdmin)).json() as Key;
    expect((await districtAdmin.request('DELETE', `/api/admin/open311/keys/${own.id}`)).statusCode).toBe(204);
  });
});
