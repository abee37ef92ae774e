import ExcelJS from 'exceljs';
import { beforeAll, expect, it } from 'vitest';
import { type Actor, systemActor } from '../../src/kernel/actor.js';
import { idNumber, phoneNumber } from '../../src/kernel/demo-data/demo-content.js';
import { FixedClock } from '../../src/lib/clock.js';
import { FieldCipher, UNMASKED_PII_PATTERNS } from '../../src/lib/privacy.js';
import { createRng } from '../../src/lib/random.js';
import { DepartmentRepository } from '../../src/modules/org/department.repository.js';
import { RegistryService } from '../../src/modules/registry/registry.service.js';
import { readTable, type TableRow } from '../../src/modules/registry/tabular-file.js';
import { describeEachDriver } from '../support/db.js';
import { RecordingAudit } from '../support/fake-audit.js';

const rng = createRng(42);
const ZHANG = idNumber(rng, '1980-05-06', '320502', 'male');
const LI = idNumber(rng, '1992-11-30', '320503', 'female');
const PHONE_A = phoneNumber(rng);
const PHONE_B = phoneNumber(rng);
const ADMIN = systemActor('test');

function csv(lines: string[]): Buffer {
  return Buffer.from(`\uFEFF${lines.join('\n')}\n`, 'utf8');
}

describeEachDriver('registry import (一标三实)', (t) => {
  let svc: RegistryService;
  let audit: RecordingAudit;

  beforeAll(async () => {
    audit = new RecordingAudit();
    svc = new RegistryService(t().db, {
      audit,
      cipher: new FieldCipher('k'.repeat(40)),
      clock: new FixedClock(new Date('2026-03-03T02:00:00Z')),
    });
    await new DepartmentRepository().upsertMany(t().db, [
      { code: 'public_security', nameZh: '公安局', nameEn: 'Public Security', kind: 'bureau' },
      { code: 'civil_affairs', nameZh: '民政局', nameEn: 'Civil Affairs', kind: 'bureau' },
    ]);
  });

  it('merges the same person from two departments: one person, two provenances, a phone conflict', async () => {
    const first = await svc.importPeople(ADMIN, {
      source: 'public_security',
      fileName: 'ga-2026-03.csv',
      rows: readTable(
        csv(['姓名,身份证号,联系电话,居住类型', `张伟,${ZHANG},${PHONE_A},户籍`, `李娜,${LI},,流动`]),
        'csv',
      ),
    });
    expect(first).toMatchObject({ rows: 2, created: 2, merged: 0, conflicts: 0, rejected: 0 });

    const wb = new ExcelJS.Workbook();
    const ws = wb.addWorksheet('people');
    ws.addRow(['name', 'id_number', 'phone', 'residence_type']);
    ws.addRow(['张伟', ZHANG.toLowerCase(), PHONE_B, 'registered']);
    ws.addRow(['李娜', LI, PHONE_A, '']);
    const xlsx = Buffer.from(await wb.xlsx.writeBuffer());
    const second = await svc.importPeople(ADMIN, {
      source: 'civil_affairs',
      fileName: 'mz.xlsx',
      rows: readTable(xlsx, 'xlsx'),
    });
    expect(second).toMatchObject({ rows: 2, created: 0, merged: 2, filled: 1, conflicts: 1, rejected: 0 });

    const people = await svc.listPeople(ADMIN, { limit: 10, offset: 0 });
    expect(people.total).toBe(2);
    const zhang = await svc.findByIdNumber(ADMIN, ZHANG);
    expect(zhang).toBeDefined();
    const detail = await svc.getPerson(ADMIN, zhang!.id);
    expect(detail.provenance.map((p) => [p.source, p.fileName, p.rowNo])).toEqual([
      ['public_security', 'ga-2026-03.csv', 2],
      ['civil_affairs', 'mz.xlsx', 2],
    ]);
    expect(detail.phoneMasked).toBe(`${PHONE_A.slice(0, 3)}****${PHONE_A.slice(-4)}`);
    expect(detail.gender).toBe('male');

    const conflicts = await svc.listConflicts(ADMIN, { status: 'open', limit: 10, offset: 0 });
    expect(conflicts.items).toHaveLength(1);
    expect(conflicts.items[0]).toMatchObject({
      entityId: zhang!.id,
      field: 'phone',
      source: 'civil_affairs',
      rowNo: 2,
      currentMasked: `${PHONE_A.slice(0, 3)}****${PHONE_A.slice(-4)}`,
      proposedMasked: `${PHONE_B.slice(0, 3)}****${PHONE_B.slice(-4)}`,
    });
    // Nothing in the masked views is a clear phone or ID number.
    const text = JSON.stringify([people, detail, conflicts]);
    expect(text).not.toMatch(UNMASKED_PII_PATTERNS.phone);
    expect(text).not.toMatch(UNMASKED_PII_PATTERNS.idNumber);

    // Re-importing the same file does not duplicate people or conflicts.
    const again = await svc.importPeople(ADMIN, {
      source: 'civil_affairs',
      fileName: 'mz.xlsx',
      rows: readTable(xlsx, 'xlsx'),
    });
    expect(again).toMatchObject({ created: 0, merged: 2, conflicts: 0 });

    const resolved = await svc.resolveConflict(ADMIN, conflicts.items[0]!.id, 'replace');
    expect(resolved.status).toBe('replaced');
    const revealed = await svc.revealPerson(ADMIN, zhang!.id, {
      purpose: '核实来电',
      fields: ['phone', 'idNumber'],
    });
    expect(revealed).toEqual({ id: zhang!.id, phone: PHONE_B, idNumber: ZHANG });
    expect(audit.entries.at(-1)).toMatchObject({ action: 'person.reveal', purpose: '核实来电' });
  });

  it('reports bad rows (row, field, reason) and imports the good ones', async () => {
    const bad = `${ZHANG.slice(0, 17)}${ZHANG.endsWith('0') ? '1' : '0'}`;
    const report = await svc.importPeople(ADMIN, {
      source: 'public_security',
      fileName: 'mixed.csv',
      rows: readTable(
        csv([
          'name,id_number,phone,residence_type',
          `王芳,${idNumber(rng, '2001-01-02', '320505', 'female')},${phoneNumber(rng)},permanent`,
          `赵六,${bad},,`,
          `钱七,,12345,unknown`,
          `孙八,12345,,`,
        ]),
        'csv',
      ),
    });
    expect(report).toMatchObject({ rows: 4, created: 1, rejected: 3 });
    expect(report.rejections).toEqual(
      expect.arrayContaining([
        { row: 3, field: 'id_number', reason: expect.stringMatching(/check character/) },
        { row: 4, field: 'id_number', reason: 'missing' },
        { row: 4, field: 'phone', reason: expect.any(String) },
        { row: 4, field: 'residence_type', reason: expect.any(String) },
        { row: 5, field: 'id_number', reason: expect.stringMatching(/18 characters/) },
      ]),
    );
    expect(JSON.stringify(report.rejections)).not.toContain(bad);
  });

  it('leaves no half batch when the file fails half-way', async () => {
    const before = await t().db.query<{ p: number; b: number }>(
      'SELECT (SELECT count(*)::int FROM people) AS p, (SELECT count(*)::int FROM registry_batches) AS b',
    );
    async function* broken(): AsyncGenerator<TableRow> {
      const headers = ['name', 'id_number'];
      for (let i = 0; i < 30_000; i++) {
        yield {
          rowNo: i + 2,
          headers,
          values: { name: '周九', id_number: idNumber(rng, '1970-01-01', '320502', 'male') },
        };
      }
      throw new Error('disk read error');
    }
    await expect(
      svc.importPeople(ADMIN, { source: 'public_security', fileName: 'broken.csv', rows: broken() }),
    ).rejects.toThrow('disk read error');
    const after = await t().db.query<{ p: number; b: number }>(
      'SELECT (SELECT count(*)::int FROM people) AS p, (SELECT count(*)::int FROM registry_batches) AS b',
    );
    expect(after.rows[0]).toEqual(before.rows[0]);
  });

  it('refuses unknown sources, files without an ID column, and readers outside their area', async () => {
    await expect(
      svc.importPeople(ADMIN, {
        source: 'nobody',
        fileName: 'x.csv',
        rows: readTable(csv(['name', '张三']), 'csv'),
      }),
    ).rejects.toMatchObject({ code: 'REGISTRY_UNKNOWN_SOURCE' });
    await expect(
      svc.importPeople(ADMIN, {
        source: 'public_security',
        fileName: 'x.csv',
        rows: readTable(csv(['name', '张三']), 'csv'),
      }),
    ).rejects.toMatchObject({ code: 'REGISTRY_MISSING_COLUMN' });
    const worker: Actor = {
      kind: 'user',
      userId: 1,
      displayName: 'w',
      grants: [{ role: 'grid_worker', areaCode: '320502001001001', departmentCode: null }],
    };
    // People without a grid are outside every grid worker's area.
    expect((await svc.listPeople(worker, { limit: 10, offset: 0 })).total).toBe(0);
    const zhang = await svc.findByIdNumber(ADMIN, ZHANG);
    await expect(
      svc.revealPerson(worker, zhang!.id, { purpose: 'x', fields: ['phone'] }),
    ).rejects.toMatchObject({
      code: 'PERSON_NOT_FOUND',
    });
    await expect(
      svc.importPeople(worker, {
        source: 'public_security',
        fileName: 'x.csv',
        rows: readTable(csv(['name']), 'csv'),
      }),
    ).rejects.toMatchObject({ code: 'FORBIDDEN' });
  });
});
