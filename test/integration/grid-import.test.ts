import booleanPointInPolygon from '@turf/boolean-point-in-polygon';
import { beforeAll, describe, expect, it } from 'vitest';
import { type Actor, systemActor } from '../../src/kernel/actor.js';
import { generateCityGeometry } from '../../src/kernel/demo-data/city-geometry.js';
import { FixedClock } from '../../src/lib/clock.js';
import { createRng } from '../../src/lib/random.js';
import { AreaRepository } from '../../src/modules/grid/area.repository.js';
import { describeGeometry } from '../../src/modules/grid/area-geometry.js';
import { GridService } from '../../src/modules/grid/grid.service.js';
import { LocateService } from '../../src/modules/grid/locate.service.js';
import { describeEachDriver } from '../support/db.js';
import { RecordingAudit } from '../support/fake-audit.js';

const ADMIN = systemActor('test');
const city = generateCityGeometry(7, { targetGrids: 120, districts: 2 });

describeEachDriver('areas import/export and locate', (t) => {
  let grid: GridService;
  let locate: LocateService;
  let audit: RecordingAudit;
  const clock = new FixedClock(new Date('2026-03-01T08:00:00Z'));

  beforeAll(async () => {
    audit = new RecordingAudit();
    locate = new LocateService(t().db);
    grid = new GridService(t().db, { audit, locate, clock });
    await new AreaRepository().insertMany(
      t().db,
      city.map((a) => ({
        ...a,
        ...describeGeometry(a.geometry),
        validFrom: new Date('2025-01-01T00:00:00Z'),
      })),
    );
    await locate.start();
  });

  it('exports the demo-like areas and re-imports them into an empty database losslessly', async () => {
    const exported = await grid.exportAreas(ADMIN);
    expect(exported.features).toHaveLength(city.length);
    const json = JSON.parse(JSON.stringify(exported)) as unknown;
    await t().db.query('DELETE FROM areas');
    const report = await grid.importAreas(ADMIN, json, { skipInvalid: false, fileName: 'city.geojson' });
    expect(report).toMatchObject({
      total: city.length,
      inserted: city.length,
      reshaped: 0,
      skipped: 0,
      errors: [],
    });
    expect(report.warnings.filter((w) => w.kind === 'overlap')).toEqual([]);
    const again = await grid.exportAreas(ADMIN);
    const strip = (fc: typeof again) =>
      fc.features.map((f) => ({ ...f, properties: { ...f.properties, validFrom: '' } }));
    expect(strip(again)).toEqual(strip(exported));
    const byCode = new Map(city.map((a) => [a.code, a]));
    for (const f of again.features) {
      const src = byCode.get(f.properties.code)!;
      expect(f.geometry).toEqual(src.geometry);
      expect([f.properties.nameZh, f.properties.nameEn]).toEqual([src.nameZh, src.nameEn]);
    }
    expect(audit.entries.at(-1)).toMatchObject({ action: 'area.import', resourceId: 'city.geojson' });
  });

  it('refuses a broken file with a report per feature and imports nothing', async () => {
    const before = await t().db.query<{ n: number }>('SELECT count(*)::int AS n FROM areas');
    const good = city.find((a) => a.level === 'grid')!;
    const square = (x: number, y: number) => [
      [x, y],
      [x + 0.001, y],
      [x + 0.001, y + 0.001],
      [x, y + 0.001],
      [x, y],
    ];
    const file = {
      type: 'FeatureCollection',
      features: [
        {
          type: 'Feature',
          properties: { code: `${good.code.slice(0, 6)}099`, nameZh: '新街道', nameEn: 'New St' },
          geometry: { type: 'Polygon', coordinates: [square(120.5, 31.2)] },
        },
        {
          type: 'Feature',
          properties: { code: `${good.code.slice(0, 6)}098001`, nameZh: '缺父', nameEn: 'x' },
          geometry: { type: 'Polygon', coordinates: [square(120.5, 31.2)] },
        },
        {
          type: 'Feature',
          properties: { code: 'ABC', nameZh: 'x' },
          geometry: { type: 'Polygon', coordinates: [square(1, 1)] },
        },
        {
          type: 'Feature',
          properties: { code: `${good.parentCode}998`, nameZh: '开口' },
          geometry: { type: 'Polygon', coordinates: [square(120.5, 31.2).slice(0, 4)] },
        },
        {
          type: 'Feature',
          properties: { code: `${good.parentCode}997`, nameZh: '自交' },
          geometry: {
            type: 'Polygon',
            coordinates: [
              [
                [120, 31],
                [120.01, 31.01],
                [120.01, 31],
                [120, 31.01],
                [120, 31],
              ],
            ],
          },
        },
        {
          type: 'Feature',
          properties: { code: `${good.parentCode}996`, nameZh: '越界' },
          geometry: {
            type: 'Polygon',
            coordinates: [
              [
                [200, 31],
                [200.01, 31],
                [200.01, 31.01],
                [200, 31],
              ],
            ],
          },
        },
        {
          type: 'Feature',
          properties: { code: `${good.parentCode}995` },
          geometry: { type: 'Polygon', coordinates: [square(120.5, 31.2)] },
        },
        {
          type: 'Feature',
          properties: { code: `${good.parentCode}994`, nameZh: '点' },
          geometry: { type: 'Point', coordinates: [120, 31] },
        },
        {
          type: 'Feature',
          properties: { code: `${good.parentCode}993`, nameZh: '好的' },
          geometry: { type: 'Polygon', coordinates: [square(120.5, 31.2)] },
        },
      ],
    };
    const err = await grid
      .importAreas(ADMIN, file, { skipInvalid: false, fileName: 'bad.geojson' })
      .catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'AREA_IMPORT_INVALID' });
    const details = (err as { details: { errors: Array<{ index: number; reason: string }> } }).details;
    expect(details.errors.map((e) => e.index)).toEqual([1, 2, 3, 4, 5, 6, 7]);
    const reasons = details.errors.map((e) => e.reason).join('\n');
    expect(reasons).toContain(`parent area ${good.code.slice(0, 6)}098 `);
    expect(reasons).toMatch(/not a valid area code/);
    expect(reasons).toMatch(/not closed|at least 4/);
    expect(reasons).toMatch(/intersects itself/);
    expect(reasons).toMatch(/out of range/);
    expect(reasons).toMatch(/nameZh/);
    expect(reasons).toMatch(/Polygon or MultiPolygon/);
    const after = await t().db.query<{ n: number }>('SELECT count(*)::int AS n FROM areas');
    expect(after.rows[0]!.n).toBe(before.rows[0]!.n);

    const skipped = await grid.importAreas(ADMIN, file, { skipInvalid: true, fileName: 'bad.geojson' });
    expect(skipped).toMatchObject({ inserted: 2, skipped: 7 });
  });

  it('keeps history when a boundary changes and locates in the new boundary', async () => {
    const g = city.find((a) => a.level === 'grid')!;
    const exported = await grid.exportAreas(ADMIN, g.code);
    const f = exported.features[0]!;
    const ring = (f.geometry.type === 'Polygon' ? f.geometry.coordinates[0] : f.geometry.coordinates[0]![0])!;
    // Move one vertex slightly inwards (towards the first vertex of the ring).
    const moved = ring.map((p) => [p[0]!, p[1]!]);
    const [ax = 0, ay = 0] = moved[0]!;
    const [bx = 0, by = 0] = moved[2]!;
    moved[1] = [(ax + bx) / 2, (ay + by) / 2];
    const file = {
      type: 'FeatureCollection',
      features: [{ ...f, geometry: { type: 'Polygon', coordinates: [moved] } }],
    };
    clock.advance(60_000);
    const report = await grid.importAreas(ADMIN, file, { skipInvalid: false, fileName: 'move.geojson' });
    expect(report).toMatchObject({ reshaped: 1, inserted: 0 });
    const { rows } = await t().db.query<{ valid_to: Date | null }>(
      'SELECT valid_to FROM areas WHERE code = $1 ORDER BY valid_from',
      [g.code],
    );
    expect(rows).toHaveLength(2);
    expect(rows[0]!.valid_to).toBeInstanceOf(Date);
    expect(rows[1]!.valid_to).toBeNull();
  });

  it('lets a district admin import only areas below their district; one outside refuses the file', async () => {
    const exported = await grid.exportAreas(ADMIN);
    const districts = exported.features.filter((f) => f.properties.level === 'district');
    const [mine, theirs] = districts.map((f) => f.properties.code) as [string, string];
    const districtAdmin: Actor = {
      kind: 'user',
      userId: 1,
      displayName: 'district admin',
      grants: [{ role: 'admin', areaCode: mine, departmentCode: null }],
    };
    const rename = (code: string, suffix: string) => {
      const f = exported.features.find((x) => x.properties.code === code)!;
      return { ...f, properties: { ...f.properties, nameZh: `${f.properties.nameZh}${suffix}` } };
    };
    const ownGrid = exported.features.find(
      (f) => f.properties.level === 'grid' && f.properties.code.startsWith(mine),
    )!;
    const otherGrid = exported.features.find(
      (f) => f.properties.level === 'grid' && f.properties.code.startsWith(theirs),
    )!;
    const names = async () =>
      (await t().db.query('SELECT code, name_zh FROM areas WHERE valid_to IS NULL ORDER BY code')).rows;
    const before = await names();
    for (const features of [
      [rename(ownGrid.properties.code, '甲'), rename(otherGrid.properties.code, '乙')],
      [rename(mine, '丙')],
    ]) {
      for (const skipInvalid of [false, true]) {
        await expect(
          grid.importAreas(
            districtAdmin,
            { type: 'FeatureCollection', features },
            { skipInvalid, fileName: 'x.geojson' },
          ),
        ).rejects.toMatchObject({ code: 'AREA_IMPORT_OUTSIDE_SCOPE' });
      }
    }
    expect(await names()).toEqual(before);
    const own = await grid.importAreas(
      districtAdmin,
      { type: 'FeatureCollection', features: [rename(ownGrid.properties.code, '甲')] },
      { skipInvalid: false, fileName: 'own.geojson' },
    );
    expect(own).toMatchObject({ renamed: 1 });
    await expect(
      grid.importAreas(
        { kind: 'anonymous' },
        { type: 'FeatureCollection', features: [] },
        { skipInvalid: false, fileName: 'a' },
      ),
    ).rejects.toMatchObject({ code: 'UNAUTHENTICATED' });
  });

  it('locates random points exactly like turf point-in-polygon with the smallest-code tie rule', async () => {
    const current = (await grid.exportAreas(ADMIN)).features.filter((f) => f.properties.level === 'grid');
    const sorted = [...current].sort((a, b) => (a.properties.code < b.properties.code ? -1 : 1));
    const rng = createRng(11);
    const cityArea = city[0]!;
    const [minX, minY, maxX, maxY] = describeGeometry(cityArea.geometry).bbox;
    const points: Array<{ lng: number; lat: number }> = [];
    for (let i = 0; i < 1500; i++)
      points.push({ lng: minX + rng.next() * (maxX - minX), lat: minY + rng.next() * (maxY - minY) });
    // Vertices of grids: shared by several grids; the tie rule picks the smallest code.
    for (const f of sorted.slice(0, 60)) {
      const ring =
        f.geometry.type === 'Polygon' ? f.geometry.coordinates[0]! : f.geometry.coordinates[0]![0]!;
      points.push({ lng: ring[0]![0]!, lat: ring[0]![1]! });
    }
    const codes = await locate.locateMany(points);
    points.forEach((p, i) => {
      const expected =
        sorted.find((f) =>
          booleanPointInPolygon([p.lng, p.lat], f.geometry as Parameters<typeof booleanPointInPolygon>[1]),
        )?.properties.code ?? null;
      expect(codes[i], `point ${i}`).toBe(expected);
    });
    expect(codes.some((c) => c === null)).toBe(true);
    const one = await locate.locate(points[0]!.lng, points[0]!.lat);
    if (one) {
      expect(one.ancestors.map((a) => a.level)).toEqual(['city', 'district', 'street', 'community']);
      expect(one.grid.code.startsWith(one.ancestors[3]!.code)).toBe(true);
    }
  });

  it('rebuilds when another instance changes areas (LISTEN areas_changed)', async () => {
    const other = new LocateService(t().db);
    await other.start();
    const before = (await other.stats()).grids;
    const g = city.find((a) => a.level === 'community')!;
    // A write that does not go through this LocateService: the trigger notifies.
    await t().db.query(
      `UPDATE areas SET valid_to = now() + interval '1 day' WHERE code = (
         SELECT code FROM areas WHERE valid_to IS NULL AND level = 'grid' AND parent_code = $1 ORDER BY code LIMIT 1)
         AND valid_to IS NULL`,
      [g.code],
    );
    let after = before;
    for (let i = 0; i < 100 && after === before; i++) {
      await new Promise((r) => setTimeout(r, 30));
      after = (await other.stats()).grids;
    }
    await other.stop();
    expect(after).toBe(before - 1);
  });
});

describe('locate service without grids', () => {
  it('answers outside for every point', async () => {
    const { pgliteTestDb } = await import('../support/db.js');
    const tdb = await pgliteTestDb();
    const locate = new LocateService(tdb.db);
    expect(await locate.locate(120, 31)).toBeNull();
    await tdb.dispose();
  });
});
