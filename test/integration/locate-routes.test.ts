import { afterAll, beforeAll, expect, it } from 'vitest';
import { generateCityGeometry } from '../../src/kernel/demo-data/city-geometry.js';
import { AreaRepository } from '../../src/modules/grid/area.repository.js';
import { describeGeometry } from '../../src/modules/grid/area-geometry.js';
import type { BuiltApp } from '../../src/server/app.js';
import { buildTestApp } from '../support/app.js';
import { pgliteTestDb, type TestDb } from '../support/db.js';

let t: TestDb;
let built: BuiltApp;
const city = generateCityGeometry(3, { targetGrids: 60, districts: 2 });

beforeAll(async () => {
  t = await pgliteTestDb();
  await new AreaRepository().insertMany(
    t.db,
    city.map((a) => ({ ...a, ...describeGeometry(a.geometry), validFrom: new Date('2025-01-01T00:00:00Z') })),
  );
  built = await buildTestApp(t.db);
});

afterAll(async () => {
  await built.app.close();
  await t.dispose();
});

it('GET /api/locate names the grid and its ancestors in the request language', async () => {
  const grid = city.find((a) => a.level === 'grid')!;
  const { center } = describeGeometry(grid.geometry);
  const res = await built.app.inject({
    method: 'GET',
    url: `/api/locate?lng=${center.lng}&lat=${center.lat}`,
    headers: { 'accept-language': 'en' },
  });
  expect(res.statusCode).toBe(200);
  const body = res.json() as { grid: { code: string; name: string }; ancestors: Array<{ level: string }> };
  expect(body.grid.code).toBe(grid.code);
  expect(body.grid.name).toBe(grid.nameEn);
  expect(body.ancestors.map((a) => a.level)).toEqual(['city', 'district', 'street', 'community']);
});

it('GET /api/locate outside the city is a clear 422 OUTSIDE_CITY', async () => {
  const res = await built.app.inject({ method: 'GET', url: '/api/locate?lng=10&lat=10' });
  expect(res.statusCode).toBe(422);
  expect(res.json()).toMatchObject({ code: 'OUTSIDE_CITY' });
  const bad = await built.app.inject({ method: 'GET', url: '/api/locate?lng=500&lat=10' });
  expect(bad.statusCode).toBe(400);
});

it('POST /api/locate/batch answers in input order with null outside', async () => {
  const grids = city.filter((a) => a.level === 'grid').slice(0, 3);
  const points = [...grids.map((g) => describeGeometry(g.geometry).center), { lng: 0, lat: 0 }];
  const res = await built.app.inject({ method: 'POST', url: '/api/locate/batch', payload: { points } });
  expect(res.statusCode).toBe(200);
  expect(res.json()).toEqual({ codes: [...grids.map((g) => g.code), null], outside: 1 });
  const tooMany = await built.app.inject({
    method: 'POST',
    url: '/api/locate/batch',
    payload: { points: Array.from({ length: 10_001 }, () => ({ lng: 1, lat: 1 })) },
  });
  expect(tooMany.statusCode).toBe(400);
});

it('area import needs an admin; export is public GeoJSON', async () => {
  const res = await built.app.inject({
    method: 'POST',
    url: '/api/admin/areas/import',
    payload: { type: 'FeatureCollection', features: [] },
  });
  expect(res.statusCode).toBe(401);
  const exp = await built.app.inject({
    method: 'GET',
    url: `/api/areas/export.geojson?within=${city[1]!.code}`,
  });
  expect(exp.statusCode).toBe(200);
  expect(exp.headers['content-type']).toMatch(/application\/geo\+json/);
  const fc = exp.json() as { features: Array<{ properties: { code: string } }> };
  expect(fc.features.length).toBe(city.filter((a) => a.code.startsWith(city[1]!.code)).length);
});
