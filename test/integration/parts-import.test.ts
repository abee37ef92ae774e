import { beforeAll, expect, it } from 'vitest';
import { systemActor } from '../../src/kernel/actor.js';
import { generateCityGeometry } from '../../src/kernel/demo-data/city-geometry.js';
import { FixedClock } from '../../src/lib/clock.js';
import { FieldCipher } from '../../src/lib/privacy.js';
import { AreaRepository } from '../../src/modules/grid/area.repository.js';
import { describeGeometry } from '../../src/modules/grid/area-geometry.js';
import { LocateService } from '../../src/modules/grid/locate.service.js';
import { DepartmentRepository } from '../../src/modules/org/department.repository.js';
import { DEPARTMENTS } from '../../src/modules/org/departments.seed.js';
import { parsePartCode } from '../../src/modules/parts/part-code.js';
import { geojsonPartRows, PartsService } from '../../src/modules/parts/parts.service.js';
import { RegistryService } from '../../src/modules/registry/registry.service.js';
import { readTable } from '../../src/modules/registry/tabular-file.js';
import { describeEachDriver } from '../support/db.js';
import { RecordingAudit } from '../support/fake-audit.js';

const ADMIN = systemActor('test');
const city = generateCityGeometry(9, { targetGrids: 40, districts: 1 });
const grids = city.filter((a) => a.level === 'grid');

it('validates GB/T 30428.2 part identifiers', () => {
  expect(parsePartCode('3205020101000001')).toMatchObject({ categoryCode: 'P0101', serial: '000001' });
  expect(parsePartCode('320502010100001')).toEqual({ reason: 'must be exactly 16 digits' });
  expect(parsePartCode('3205020199000001')).toMatchObject({
    reason: expect.stringMatching(/not a part class/),
  });
  expect(parsePartCode('3205000101000001')).toMatchObject({ reason: expect.stringMatching(/county/) });
  expect(parsePartCode('3205020101000000')).toMatchObject({ reason: expect.stringMatching(/serial/) });
});

describeEachDriver('city parts import and data quality', (t) => {
  let parts: PartsService;
  let registry: RegistryService;

  beforeAll(async () => {
    const audit = new RecordingAudit();
    const clock = new FixedClock(new Date('2026-03-04T02:00:00Z'));
    await new DepartmentRepository().upsertMany(t().db, DEPARTMENTS);
    await new AreaRepository().insertMany(
      t().db,
      city.map((a) => ({
        ...a,
        ...describeGeometry(a.geometry),
        validFrom: new Date('2025-01-01T00:00:00Z'),
      })),
    );
    const locate = new LocateService(t().db);
    parts = new PartsService(t().db, { audit, locate, clock });
    registry = new RegistryService(t().db, { audit, cipher: new FieldCipher('q'.repeat(40)), clock });
  });

  it('imports parts from CSV and GeoJSON into their grids, rejecting bad rows', async () => {
    const c0 = describeGeometry(grids[0]!.geometry).center;
    const c1 = describeGeometry(grids[1]!.geometry).center;
    const csv = Buffer.from(
      [
        '部件编码,名称,权属部门,状态,经度,纬度',
        `3205020101000001,上水井盖,,完好,${c0.lng},${c0.lat}`,
        `3205020102000002,污水井盖,drainage,损坏,${c1.lng},${c1.lat}`,
        `3205020199000003,?,,完好,${c1.lng},${c1.lat}`,
        `3205020101000004,井盖,nobody,完好,${c1.lng},${c1.lat}`,
        `3205020101000005,井盖,,完好,10,10`,
        `3205020101000006,井盖,,飞走,${c1.lng},${c1.lat}`,
      ].join('\n'),
    );
    const report = await parts.importParts(ADMIN, {
      source: 'urban_mgmt',
      fileName: 'parts.csv',
      rows: readTable(csv, 'csv'),
    });
    expect(report).toMatchObject({ rows: 6, created: 2, rejected: 4 });
    expect(report.rejections.map((r) => [r.row, r.field])).toEqual([
      [4, 'code'],
      [5, 'owner_department'],
      [6, 'location'],
      [7, 'state'],
    ]);
    const geo = {
      type: 'FeatureCollection',
      features: [
        {
          type: 'Feature',
          properties: { code: '3205020102000002', state: 'repairing' },
          geometry: { type: 'Point', coordinates: [c0.lng, c0.lat] },
        },
      ],
    };
    const again = await parts.importParts(ADMIN, {
      source: 'drainage',
      fileName: 'p.geojson',
      rows: geojsonPartRows(geo),
    });
    expect(again).toMatchObject({ created: 0, updated: 1, rejected: 0 });
    const list = await parts.list(ADMIN, { limit: 10, offset: 0 });
    expect(list.items.map((p) => [p.code, p.gridCode, p.state, p.ownerDepartment])).toEqual([
      ['3205020101000001', grids[0]!.code, 'normal', 'water_supply'],
      ['3205020102000002', grids[0]!.code, 'repairing', 'drainage'],
    ]);
    const quality = await registry.quality(ADMIN, grids[0]!.parentCode!);
    expect(quality.find((q) => q.gridCode === grids[0]!.code)).toMatchObject({ parts: 2, people: 0 });
    expect(quality.every((q) => q.gridCode.startsWith(grids[0]!.parentCode!))).toBe(true);
  });
});
