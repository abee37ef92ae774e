/**
 * Department files of standard addresses, buildings, households and organisations (一标三实):
 * CSV and XLSX, merge on the natural key with provenance per source, conflicts instead of
 * overwrites, rejection report, all or nothing, the grid from the point or the referenced place,
 * personal values masked; the admin route and the reads over HTTP. Both drivers.
 */
import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Queryable } from '../../src/db/db.js';
import { type Actor, systemActor } from '../../src/kernel/actor.js';
import type { AuditEntry } from '../../src/kernel/audit.js';
import { generateCityGeometry } from '../../src/kernel/demo-data/city-geometry.js';
import { idNumber, phoneNumber } from '../../src/kernel/demo-data/demo-content.js';
import { FixedClock } from '../../src/lib/clock.js';
import { FieldCipher, maskPhone, UNMASKED_PII_PATTERNS } from '../../src/lib/privacy.js';
import { createRng } from '../../src/lib/random.js';
import { AreaRepository } from '../../src/modules/grid/area.repository.js';
import { describeGeometry } from '../../src/modules/grid/area-geometry.js';
import { LocateService } from '../../src/modules/grid/locate.service.js';
import { DepartmentRepository } from '../../src/modules/org/department.repository.js';
import { DEPARTMENTS } from '../../src/modules/org/departments.seed.js';
import { creditCodeCheckChar, creditCodeProblem } from '../../src/modules/registry/credit-code.js';
import type { RecordKind } from '../../src/modules/registry/record-kinds.js';
import { RegistryService } from '../../src/modules/registry/registry.service.js';
import { readTable, type TableRow } from '../../src/modules/registry/tabular-file.js';
import { describeEachDriver } from '../support/db.js';
import { RecordingAudit } from '../support/fake-audit.js';
import {
  buildWatchedApp,
  createTestUser,
  piiLeaks,
  sessionFor,
  type WatchedApp,
} from '../support/identity.js';

const ADMIN = systemActor('test');
const NOW = new Date('2026-03-05T02:00:00Z');
const city = generateCityGeometry(11, { targetGrids: 40, districts: 1 });
const grids = city.filter((a) => a.level === 'grid');
const P = grids.slice(0, 3).map((g) => describeGeometry(g.geometry).center);
const G = grids.slice(0, 3).map((g) => g.code);

const rng = createRng(7);
const HEAD_PHONE_A = phoneNumber(rng);
const HEAD_PHONE_B = phoneNumber(rng);
const ORG_PHONE_A = phoneNumber(rng);
const ORG_PHONE_B = phoneNumber(rng);
const MEMBER = idNumber(rng, '1985-02-03', '320502', 'female');

function creditCode(body17: string): string {
  return body17 + creditCodeCheckChar(body17);
}
const ORG_1 = creditCode('91320502MA1ABCDE0');
const ORG_2 = creditCode('92320502MA1FGH2J3');
const ORG_BAD = `${ORG_1.slice(0, 17)}${ORG_1.endsWith('0') ? '1' : '0'}`;

function csv(lines: string[]): Buffer {
  return Buffer.from(`\uFEFF${lines.join('\n')}\n`, 'utf8');
}

async function xlsx(rows: Array<Array<string | number>>): Promise<Buffer> {
  const wb = new ExcelJS.Workbook();
  const ws = wb.addWorksheet('data');
  for (const r of rows) ws.addRow(r);
  return Buffer.from(await wb.xlsx.writeBuffer());
}

function rejectionsOf(r: { rejections: Array<{ row: number; field: string }> }): Array<[number, string]> {
  return r.rejections.map((x) => [x.row, x.field]);
}

async function counts(q: Queryable): Promise<Record<string, number>> {
  const { rows } = await q.query<Record<string, number>>(
    `SELECT (SELECT count(*)::int FROM addresses) AS addresses, (SELECT count(*)::int FROM buildings) AS buildings,
       (SELECT count(*)::int FROM households) AS households, (SELECT count(*)::int FROM organisations) AS organisations,
       (SELECT count(*)::int FROM registry_batches) AS batches, (SELECT count(*)::int FROM registry_provenance) AS provenance,
       (SELECT count(*)::int FROM registry_conflicts) AS conflicts`,
  );
  return rows[0]!;
}

it('validates GB 32100 unified social credit codes', () => {
  // A published code (国家市场监督管理总局 sample format) and the generated ones.
  expect(creditCodeProblem(ORG_1)).toBeNull();
  expect(creditCodeProblem(ORG_2)).toBeNull();
  expect(creditCodeProblem(ORG_BAD)).toMatch(/check character/);
  expect(creditCodeProblem('91320502MA1ABCDE')).toMatch(/18 characters/);
  expect(creditCodeProblem('91320502MA1ABCDEI')).toMatch(/18 characters/);
  expect(creditCodeProblem('91ABCDEFMA1ABCDE01')).toMatch(/division/);
});

describeEachDriver('registry files: addresses, buildings, households, organisations', (t) => {
  let svc: RegistryService;
  let audit: RecordingAudit;
  let locate: LocateService;

  beforeAll(async () => {
    audit = new RecordingAudit();
    await new DepartmentRepository().upsertMany(t().db, DEPARTMENTS);
    await new AreaRepository().insertMany(
      t().db,
      city.map((a) => ({
        ...a,
        ...describeGeometry(a.geometry),
        validFrom: new Date('2025-01-01T00:00:00Z'),
      })),
    );
    locate = new LocateService(t().db);
    svc = new RegistryService(t().db, {
      audit,
      cipher: new FieldCipher('r'.repeat(40)),
      clock: new FixedClock(NOW),
      locate,
    });
  });

  async function one(kind: RecordKind, key: string) {
    const page = await svc.listRecords(ADMIN, kind, { key, limit: 5, offset: 0 });
    expect(page.total).toBe(1);
    return page.items[0]!;
  }

  it('imports standard addresses from CSV and XLSX: merge by code, conflicts, located, rejections', async () => {
    const first = await svc.importRecords(ADMIN, {
      kind: 'address',
      source: 'civil_affairs',
      fileName: 'mz-addresses.csv',
      rows: readTable(
        csv([
          '地址编码,标准地址,经度,纬度',
          `3205020010001,南湖市滨江路1号,${P[0]!.lng},${P[0]!.lat}`,
          `3205020010002,南湖市滨江路2号,${P[1]!.lng},${P[1]!.lat}`,
          `,南湖市无编码路3号,${P[1]!.lng},${P[1]!.lat}`,
          '3205020010004,南湖市城外路4号,10,10',
          `3205020010005,南湖市半坐标路5号,${P[1]!.lng},`,
          '3205020010006,,,',
        ]),
        'csv',
      ),
    });
    expect(first).toMatchObject({ rows: 6, created: 2, merged: 0, conflicts: 0, rejected: 4 });
    expect(first.rejections).toEqual([
      { row: 4, field: 'address_code', reason: 'missing' },
      { row: 5, field: 'location', reason: 'lies outside every grid of the city' },
      { row: 6, field: 'location', reason: expect.stringMatching(/both lng and lat/) },
      { row: 7, field: 'text', reason: 'required for a new standard address' },
    ]);

    const second = await svc.importRecords(ADMIN, {
      kind: 'address',
      source: 'public_security',
      fileName: 'ga-addresses.xlsx',
      rows: readTable(
        await xlsx([
          ['address_code', 'address', 'lng', 'lat'],
          ['3205020010001', '南湖市滨江路1号', P[0]!.lng, P[0]!.lat],
          ['3205020010002', '南湖市滨江路二号', P[1]!.lng, P[1]!.lat],
          ['3205020010003', '南湖市滨江路3号', P[2]!.lng, P[2]!.lat],
          ['3205020010009', '南湖市滨江路1号', P[0]!.lng, P[0]!.lat],
        ]),
        'xlsx',
      ),
    });
    expect(second).toMatchObject({ rows: 4, created: 1, merged: 2, conflicts: 1, rejected: 1 });
    expect(second.rejections).toEqual([
      { row: 5, field: 'text', reason: 'is already the text of standard address 3205020010001' },
    ]);
    const a1 = await one('address', '3205020010001');
    expect(a1.gridCode).toBe(G[0]);
    expect(a1.provenance.map((p) => [p.source, p.fileName, p.rowNo])).toEqual([
      ['civil_affairs', 'mz-addresses.csv', 2],
      ['public_security', 'ga-addresses.xlsx', 2],
    ]);
    expect(a1.provenance[0]!.fields).toEqual(['address_code', 'text', 'location']);
    const a2 = await one('address', '3205020010002');
    expect(a2.values.text).toBe('南湖市滨江路2号'); // not overwritten
    const conflicts = await svc.listConflicts(ADMIN, {
      entityType: 'address',
      entityId: a2.id,
      limit: 10,
      offset: 0,
    });
    expect(conflicts.items).toEqual([
      expect.objectContaining({
        field: 'text',
        currentMasked: '南湖市滨江路2号',
        proposedMasked: '南湖市滨江路二号',
        source: 'public_security',
        rowNo: 3,
        gridCode: G[1],
      }),
    ]);

    // A record that predates codes (the demo's) is matched by its text and takes the code.
    await t().db.query("INSERT INTO addresses (text, grid_code) VALUES ('南湖市旧街8号', NULL)");
    const third = await svc.importRecords(ADMIN, {
      kind: 'address',
      source: 'natural_resources',
      fileName: 'zr.csv',
      rows: readTable(
        csv(['address_code,text,lng,lat', `3205020010008,南湖市旧街8号,${P[2]!.lng},${P[2]!.lat}`]),
        'csv',
      ),
    });
    expect(third).toMatchObject({ created: 0, merged: 1, filled: 1, conflicts: 0, rejected: 0 });
    expect((await one('address', '3205020010008')).gridCode).toBe(G[2]);

    // The same file again: nothing new, no repeated conflicts.
    const again = await svc.importRecords(ADMIN, {
      kind: 'address',
      source: 'public_security',
      fileName: 'ga-addresses.xlsx',
      rows: readTable(
        await xlsx([
          ['address_code', 'address', 'lng', 'lat'],
          ['3205020010002', '南湖市滨江路二号', P[1]!.lng, P[1]!.lat],
        ]),
        'xlsx',
      ),
    });
    expect(again).toMatchObject({ created: 0, merged: 1, conflicts: 0 });
  });

  it('imports buildings: grid from the point or the referenced address, conflicts, bad rows', async () => {
    const first = await svc.importRecords(ADMIN, {
      kind: 'building',
      source: 'housing',
      fileName: 'fg-buildings.csv',
      rows: readTable(
        csv([
          '建筑物编码,建筑物名称,地址编码,层数,经度,纬度',
          'B320502000101,滨江花园1栋,3205020010001,6,,',
          `B320502000102,滨江花园2栋,,18,${P[1]!.lng},${P[1]!.lat}`,
          'B320502000103,无名楼,3205029999999,6,,',
          `B320502000104,高楼,,900,${P[1]!.lng},${P[1]!.lat}`,
          'B320502000105,城外楼,,5,10,10',
          'B320502000106,无位置楼,,5,,',
          `,无编码楼,,5,${P[1]!.lng},${P[1]!.lat}`,
        ]),
        'csv',
      ),
    });
    expect(first).toMatchObject({ rows: 7, created: 2, rejected: 5 });
    expect(rejectionsOf(first)).toEqual([
      [4, 'address_code'],
      [5, 'floors'],
      [6, 'location'],
      [7, 'location'],
      [8, 'building_code'],
    ]);
    expect(first.rejections[0]!.reason).toBe('standard address 3205029999999 is not registered');
    const b1 = await one('building', 'B320502000101');
    expect(b1).toMatchObject({ gridCode: G[0], values: { address: '3205020010001', floors: '6' } });
    expect(b1.values.location).toBe(`${P[0]!.lng.toFixed(6)},${P[0]!.lat.toFixed(6)}`);

    const second = await svc.importRecords(ADMIN, {
      kind: 'building',
      source: 'natural_resources',
      fileName: 'zr-buildings.xlsx',
      rows: readTable(
        await xlsx([
          ['building_code', 'name', 'floors', 'use'],
          ['B320502000101', '滨江花园1栋', 7, 'residential'],
          ['B320502000102', '滨江花园2栋', 18, 'mixed'],
        ]),
        'xlsx',
      ),
    });
    expect(second).toMatchObject({ rows: 2, created: 0, merged: 2, filled: 2, conflicts: 1, rejected: 0 });
    expect(await one('building', 'B320502000101')).toMatchObject({
      values: { floors: '6', use: 'residential' },
      provenance: [
        expect.objectContaining({ source: 'housing', rowNo: 2 }),
        expect.objectContaining({
          source: 'natural_resources',
          rowNo: 2,
          fields: ['building_code', 'name', 'floors', 'use'],
        }),
      ],
    });
    const [floors] = (await svc.listConflicts(ADMIN, { entityType: 'building', limit: 10, offset: 0 })).items;
    expect(floors).toMatchObject({
      field: 'floors',
      currentMasked: '6',
      proposedMasked: '7',
      gridCode: G[0],
    });
    // Replacing applies the other source's value.
    await svc.resolveConflict(ADMIN, floors!.id, 'replace');
    expect((await one('building', 'B320502000101')).values.floors).toBe('7');

    // A point more than ~10 m away is a location conflict; replacing it moves the building's grid.
    const moved = await svc.importRecords(ADMIN, {
      kind: 'building',
      source: 'urban_mgmt',
      fileName: 'cg-buildings.csv',
      rows: readTable(csv(['building_code,lng,lat', `B320502000102,${P[2]!.lng},${P[2]!.lat}`]), 'csv'),
    });
    expect(moved).toMatchObject({ merged: 1, filled: 0, conflicts: 1 });
    const [where] = (
      await svc.listConflicts(ADMIN, { entityType: 'building', status: 'open', limit: 10, offset: 0 })
    ).items;
    expect(where).toMatchObject({ field: 'location', gridCode: G[1] });
    await svc.resolveConflict(ADMIN, where!.id, 'replace');
    expect(await one('building', 'B320502000102')).toMatchObject({
      gridCode: G[2],
      values: { location: `${P[2]!.lng.toFixed(6)},${P[2]!.lat.toFixed(6)}` },
    });
    await svc.resolveConflict(ADMIN, where!.id, 'keep').then(
      () => expect.unreachable('a resolved conflict cannot be resolved again'),
      (err: { code: string }) => expect(err.code).toBe('REGISTRY_CONFLICT_NOT_FOUND'),
    );
    // Move it back for the households below.
    await t().db.query(
      `UPDATE buildings SET grid_code = $1, lng = $2, lat = $3 WHERE code = 'B320502000102'`,
      [G[1], P[1]!.lng, P[1]!.lat],
    );
  });

  it('imports households: grid from building or address, head sealed and masked, people find them', async () => {
    const first = await svc.importRecords(ADMIN, {
      kind: 'household',
      source: 'public_security',
      fileName: 'ga-households.csv',
      rows: readTable(
        csv([
          '户号,建筑物编码,地址编码,房间号,户主姓名,户主电话',
          `NH320502-0001,B320502000101,,301,张伟,${HEAD_PHONE_A}`,
          'NH320502-0002,,3205020010002,,李娜,',
          'NH320502-0003,B320502999999,,101,王五,',
          'NH320502-0004,B320502000102,,101,赵六,12345',
          ',B320502000102,,102,钱七,',
          'NH320502-0006,,,102,孙八,',
        ]),
        'csv',
      ),
    });
    expect(first).toMatchObject({ rows: 6, created: 2, rejected: 4 });
    expect(rejectionsOf(first)).toEqual([
      [4, 'building_code'],
      [5, 'head_phone'],
      [6, 'household_no'],
      [7, 'address_code'],
    ]);
    const h1 = await one('household', 'NH320502-0001');
    expect(h1).toMatchObject({
      gridCode: G[0],
      values: { building: 'B320502000101', address: '3205020010001', room: '301', head_name: '张*' },
    });
    expect(h1.values.head_phone).toBe(maskPhone(HEAD_PHONE_A));
    expect((await one('household', 'NH320502-0002')).gridCode).toBe(G[1]);
    const { rows: sealed } = await t().db.query<{ head_phone_enc: string; head_name_enc: string }>(
      "SELECT head_phone_enc, head_name_enc FROM households WHERE household_no = 'NH320502-0001'",
    );
    expect(sealed[0]!.head_phone_enc).not.toContain(HEAD_PHONE_A);
    expect(new FieldCipher('r'.repeat(40)).decrypt(sealed[0]!.head_phone_enc)).toBe(HEAD_PHONE_A);

    const second = await svc.importRecords(ADMIN, {
      kind: 'household',
      source: 'civil_affairs',
      fileName: 'mz-households.xlsx',
      rows: readTable(
        await xlsx([
          ['household_no', 'room', 'head_name', 'head_phone'],
          ['NH320502-0001', '301', '张伟', HEAD_PHONE_B],
          ['NH320502-0002', '', '李娜', HEAD_PHONE_A],
        ]),
        'xlsx',
      ),
    });
    expect(second).toMatchObject({ created: 0, merged: 2, filled: 1, conflicts: 1, rejected: 0 });
    const conflicts = await svc.listConflicts(ADMIN, { entityType: 'household', limit: 10, offset: 0 });
    expect(conflicts.items).toEqual([
      expect.objectContaining({
        entityId: h1.id,
        field: 'head_phone',
        currentMasked: maskPhone(HEAD_PHONE_A),
        proposedMasked: maskPhone(HEAD_PHONE_B),
        source: 'civil_affairs',
      }),
    ]);
    // Replacing a personal value stores the other source's ciphertext; lists stay masked.
    await svc.resolveConflict(ADMIN, conflicts.items[0]!.id, 'replace');
    expect((await one('household', 'NH320502-0001')).values.head_phone).toBe(maskPhone(HEAD_PHONE_B));
    const { rows: replaced } = await t().db.query<{ head_phone_enc: string; head_phone_hash: string }>(
      "SELECT head_phone_enc, head_phone_hash FROM households WHERE household_no = 'NH320502-0001'",
    );
    const cipher = new FieldCipher('r'.repeat(40));
    expect(cipher.decrypt(replaced[0]!.head_phone_enc)).toBe(HEAD_PHONE_B);
    expect(replaced[0]!.head_phone_hash).toBe(cipher.lookupHash(HEAD_PHONE_B));
    expect(audit.entries.at(-1)).toMatchObject({
      action: 'registry.conflict_resolve',
      resourceType: 'household',
      details: { field: 'head_phone', decision: 'replace' },
    });
    // A person id filter never returns another kind's conflict with the same id.
    expect((await svc.listConflicts(ADMIN, { personId: h1.id, limit: 10, offset: 0 })).total).toBe(0);

    // People files refer to imported households by number and take their grid.
    const people = await svc.importPeople(ADMIN, {
      source: 'public_security',
      fileName: 'ga-people.csv',
      rows: readTable(csv(['姓名,身份证号,户号', `周芳,${MEMBER},NH320502-0001`]), 'csv'),
    });
    expect(people).toMatchObject({ created: 1, rejected: 0 });
    expect(await svc.findByIdNumber(ADMIN, MEMBER)).toMatchObject({
      householdNo: 'NH320502-0001',
      gridCode: G[0],
    });

    const quality = await svc.quality(ADMIN);
    const q0 = quality.find((q) => q.gridCode === G[0])!;
    expect(q0).toMatchObject({
      addresses: 1,
      buildings: 1,
      households: 1,
      householdsWithoutHead: 0,
      people: 1,
    });
    expect(quality.find((q) => q.gridCode === G[1])).toMatchObject({
      addresses: 1,
      buildings: 1,
      households: 1,
    });
    const text = JSON.stringify([
      await svc.listRecords(ADMIN, 'household', { limit: 10, offset: 0 }),
      conflicts,
    ]);
    expect(text).not.toMatch(UNMASKED_PII_PATTERNS.phone);
  });

  it('imports organisations keyed by unified social credit code (GB 32100)', async () => {
    const first = await svc.importRecords(ADMIN, {
      kind: 'organisation',
      source: 'market_reg',
      fileName: 'sj-orgs.csv',
      rows: readTable(
        csv([
          '统一社会信用代码,单位名称,单位类型,地址编码,经度,纬度,联系电话',
          `${ORG_1.toLowerCase()},滨江便利店,shop,3205020010001,,,${ORG_PHONE_A}`,
          `${ORG_2},南湖物业公司,property,,${P[2]!.lng},${P[2]!.lat},`,
          `${ORG_BAD},坏代码公司,company,3205020010001,,,`,
          ',无代码公司,company,3205020010001,,,',
          `${creditCode('91320502MA1KLMN00')},无地址公司,company,,,,`,
          `${creditCode('91320502MA1PQR001')},城外公司,company,,10,10,`,
        ]),
        'csv',
      ),
    });
    expect(first).toMatchObject({ rows: 6, created: 2, rejected: 4 });
    expect(rejectionsOf(first)).toEqual([
      [4, 'credit_code'],
      [5, 'credit_code'],
      [6, 'location'],
      [7, 'location'],
    ]);
    expect(first.rejections[0]!.reason).toMatch(/GB 32100/);
    expect(await one('organisation', ORG_1)).toMatchObject({
      gridCode: G[0],
      values: {
        name: '滨江便利店',
        kind: 'shop',
        address: '3205020010001',
        contact_phone: maskPhone(ORG_PHONE_A),
      },
    });
    expect((await one('organisation', ORG_2)).gridCode).toBe(G[2]);

    const second = await svc.importRecords(ADMIN, {
      kind: 'organisation',
      source: 'emergency',
      fileName: 'yj-orgs.xlsx',
      rows: readTable(
        await xlsx([
          ['credit_code', 'name', 'contact_phone', 'lng', 'lat'],
          [ORG_1, '滨江便利店', ORG_PHONE_B, P[0]!.lng + 0.00001, P[0]!.lat],
          [ORG_2, '南湖物业有限公司', ORG_PHONE_A, P[2]!.lng, P[2]!.lat],
        ]),
        'xlsx',
      ),
    });
    // Coordinates within ~10 m agree; the phone and the name disagree; ORG_2's phone fills.
    expect(second).toMatchObject({ created: 0, merged: 2, filled: 1, conflicts: 2, rejected: 0 });
    const cf = await svc.listConflicts(ADMIN, { entityType: 'organisation', limit: 10, offset: 0 });
    expect(cf.items.map((c) => [c.field, c.currentMasked, c.proposedMasked]).sort()).toEqual([
      ['contact_phone', maskPhone(ORG_PHONE_A), maskPhone(ORG_PHONE_B)],
      ['name', '南湖物业公司', '南湖物业有限公司'],
    ]);
    const org1 = await one('organisation', ORG_1);
    expect(org1.provenance.map((p) => p.source)).toEqual(['market_reg', 'emergency']);
    expect((await svc.quality(ADMIN)).find((q) => q.gridCode === G[0])).toMatchObject({ organisations: 1 });
    expect(audit.entries.at(-1)).toMatchObject({
      action: 'registry.import',
      details: { kind: 'organisation', source: 'emergency', merged: 2, conflicts: 2 },
    });
  });

  it('leaves no half batch: a file failing half-way, or a failure inside the transaction', async () => {
    const before = await counts(t().db);
    async function* broken(): AsyncGenerator<TableRow> {
      const headers = ['household_no', 'building_code'];
      for (let i = 0; i < 500; i++) {
        yield { rowNo: i + 2, headers, values: { household_no: `NHX-${i}`, building_code: 'B320502000102' } };
      }
      throw new Error('disk read error');
    }
    await expect(
      svc.importRecords(ADMIN, {
        kind: 'household',
        source: 'civil_affairs',
        fileName: 'broken.csv',
        rows: broken(),
      }),
    ).rejects.toThrow('disk read error');
    expect(await counts(t().db)).toEqual(before);

    // Everything written (records, fills, conflicts, provenance, batch), then the audit fails.
    const failing = new RegistryService(t().db, {
      audit: {
        async record(_tx: Queryable, _e: AuditEntry) {
          throw new Error('audit unavailable');
        },
      },
      cipher: new FieldCipher('r'.repeat(40)),
      clock: new FixedClock(NOW),
      locate,
    });
    await expect(
      failing.importRecords(ADMIN, {
        kind: 'building',
        source: 'housing',
        fileName: 'late-failure.csv',
        rows: readTable(
          csv([
            'building_code,name,floors,lng,lat',
            `B320502000201,新楼,5,${P[2]!.lng},${P[2]!.lat}`,
            'B320502000101,滨江花园1栋,9,,',
            'B320502000102,滨江花园2栋,18,,',
          ]),
          'csv',
        ),
      }),
    ).rejects.toThrow('audit unavailable');
    expect(await counts(t().db)).toEqual(before);
    expect(
      (await svc.listRecords(ADMIN, 'building', { key: 'B320502000201', limit: 1, offset: 0 })).total,
    ).toBe(0);
  });

  it('refuses files without the key column, unknown sources and non-admins', async () => {
    await expect(
      svc.importRecords(ADMIN, {
        kind: 'organisation',
        source: 'market_reg',
        fileName: 'x.csv',
        rows: readTable(csv(['name', '某公司']), 'csv'),
      }),
    ).rejects.toMatchObject({ code: 'REGISTRY_MISSING_COLUMN' });
    await expect(
      svc.importRecords(ADMIN, {
        kind: 'address',
        source: 'nobody',
        fileName: 'x.csv',
        rows: readTable(csv(['address_code']), 'csv'),
      }),
    ).rejects.toMatchObject({ code: 'REGISTRY_UNKNOWN_SOURCE' });
    const worker: Actor = {
      kind: 'user',
      userId: 1,
      displayName: 'w',
      grants: [{ role: 'grid_worker', areaCode: G[0]!, departmentCode: null }],
    };
    await expect(
      svc.importRecords(worker, {
        kind: 'address',
        source: 'civil_affairs',
        fileName: 'x.csv',
        rows: readTable(csv(['address_code']), 'csv'),
      }),
    ).rejects.toMatchObject({ code: 'FORBIDDEN' });
    // A grid worker reads the records of their grid only.
    const seen = await svc.listRecords(worker, 'household', { limit: 10, offset: 0 });
    expect(seen.items.map((h) => h.key)).toEqual(['NH320502-0001']);
  });

  describe('over HTTP', () => {
    let app: WatchedApp;
    let admin: Awaited<ReturnType<typeof sessionFor>>;
    let worker: Awaited<ReturnType<typeof sessionFor>>;

    beforeAll(async () => {
      app = await buildWatchedApp(t().db, { clock: new FixedClock(NOW) });
      const adminId = await createTestUser(app, {
        username: `filesadmin${t().db.driver}`,
        grants: [{ role: 'admin', areaCode: null, departmentCode: null }],
      });
      admin = await sessionFor(app, t().db, adminId);
      const workerId = await createTestUser(app, {
        username: `filesworker${t().db.driver}`,
        grants: [{ role: 'grid_worker', areaCode: G[0]!, departmentCode: null }],
      });
      worker = await sessionFor(app, t().db, workerId);
    });

    afterAll(async () => {
      await app?.app.close();
    });

    const upload = (client: typeof admin, query: string, body: Buffer | string, type: string, lang = 'en') =>
      client.request('POST', `/api/admin/registry/import?${query}`, body, {
        headers: { 'content-type': type, 'accept-language': lang },
      });

    it('imports a household file through the admin route and shows it masked', async () => {
      const res = await upload(
        admin,
        'kind=household&source=civil_affairs&fileName=hh.csv',
        csv([
          'household_no,building_code,room,head_name,head_phone',
          `NH320502-0101,B320502000102,1801,刘洋,${HEAD_PHONE_B}`,
          'NH320502-0102,B320502000999,1802,陈晨,',
        ]),
        'text/csv',
      );
      expect(res.statusCode).toBe(200);
      expect(res.json()).toMatchObject({
        source: 'civil_affairs',
        fileName: 'hh.csv',
        rows: 2,
        created: 1,
        rejected: 1,
        rejections: [{ row: 3, field: 'building_code', reason: 'building B320502000999 is not registered' }],
      });
      const list = await admin.request('GET', '/api/registry/records?kind=household&key=NH320502-0101');
      expect(list.statusCode).toBe(200);
      const item = (
        list.json() as {
          items: Array<{ values: Record<string, string | null>; gridCode: string; provenance: unknown[] }>;
        }
      ).items[0]!;
      expect(item).toMatchObject({
        gridCode: G[1],
        values: { head_name: '刘*', head_phone: maskPhone(HEAD_PHONE_B), building: 'B320502000102' },
        provenance: [expect.objectContaining({ source: 'civil_affairs', fileName: 'hh.csv', row: 2 })],
      });
      const orgs = await admin.request('GET', '/api/registry/records?kind=organisation');
      expect(orgs.statusCode).toBe(200);
      const conflicts = await admin.request('GET', '/api/registry/conflicts?entityType=organisation');
      expect((conflicts.json() as { total: number }).total).toBe(2);
      // The people default stays: no kind = a population file.
      const people = await upload(
        admin,
        'source=civil_affairs&fileName=p.csv',
        csv(['name', '张三']),
        'text/csv',
      );
      expect(people.statusCode).toBe(422);
      expect(people.json()).toMatchObject({ code: 'REGISTRY_MISSING_COLUMN' });
      expect(piiLeaks(app.responses)).toEqual([]);
    });

    it('answers bad uploads with 4xx {code, message} in the caller’s language', async () => {
      const json = await upload(
        admin,
        'kind=address&source=civil_affairs&fileName=a.json',
        '{"a":1}',
        'application/json',
      );
      expect(json.statusCode).toBe(415);
      expect(json.json()).toMatchObject({ code: 'REGISTRY_UNSUPPORTED_FILE', message: expect.any(String) });
      const badKind = await upload(
        admin,
        'kind=spaceship&source=civil_affairs&fileName=a.csv',
        csv(['x']),
        'text/csv',
      );
      expect(badKind.statusCode).toBe(400);
      expect(badKind.json()).toMatchObject({ code: 'VALIDATION_FAILED' });
      const noKey = await upload(
        admin,
        'kind=organisation&source=market_reg&fileName=o.csv',
        csv(['name', '某公司']),
        'text/csv',
        'zh-CN',
      );
      expect(noKey.statusCode).toBe(422);
      expect(noKey.json()).toMatchObject({
        code: 'REGISTRY_MISSING_COLUMN',
        message: expect.stringMatching(/文件缺少/),
      });
      const unknown = await upload(
        admin,
        'kind=building&source=nobody&fileName=b.csv',
        csv(['building_code']),
        'text/csv',
      );
      expect(unknown.statusCode).toBe(422);
      expect(unknown.json()).toMatchObject({
        code: 'REGISTRY_UNKNOWN_SOURCE',
        message: expect.stringMatching(/nobody/),
      });
      const garbage = await upload(
        admin,
        'kind=building&source=housing&fileName=b.xlsx',
        Buffer.from('not a zip'),
        'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
      );
      expect(garbage.statusCode).toBeGreaterThanOrEqual(400);
      expect(garbage.statusCode).toBeLessThan(500);
      expect(garbage.json()).toMatchObject({ code: expect.any(String), message: expect.any(String) });
      const forbidden = await upload(
        worker,
        'kind=address&source=civil_affairs&fileName=a.csv',
        csv(['address_code']),
        'text/csv',
      );
      expect(forbidden.statusCode).toBe(403);
      // The worker reads only their grid.
      const mine = await worker.request('GET', '/api/registry/records?kind=building');
      expect((mine.json() as { items: Array<{ key: string }> }).items.map((b) => b.key)).toEqual([
        'B320502000101',
      ]);
    });
  });
});
