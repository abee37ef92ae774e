/**
 * Issue 14, "reveal accepts a purpose such as 'ok'": every reveal (user phone, case reporter,
 * registry person) requires a purpose code from the list or a reason of at least 10 characters,
 * audits it, and answers with Cache-Control: no-store.
 */
import { beforeAll, expect, it } from 'vitest';
import { systemActor } from '../../src/kernel/actor.js';
import { idNumber } from '../../src/kernel/demo-data/demo-content.js';
import { createRng } from '../../src/lib/random.js';
import { readTable } from '../../src/modules/registry/tabular-file.js';
import type { BuiltApp } from '../../src/server/app.js';
import { buildTestApp } from '../support/app.js';
import { makeUser, seedCity, someGrid } from '../support/city.js';
import { describeEachDriver } from '../support/db.js';
import { type CookieClient, createTestUser, sessionFor } from '../support/identity.js';

const BAD_PURPOSES = ['ok', '  ok  ', 'because', '          ', 'x y z', 'callbac', '好的'];
const GOOD_PURPOSES = ['callback', 'investigation', '回访报告人核实处理结果', 'Call about the overdue case'];

describeEachDriver('reveal needs a purpose and is never cached', (t) => {
  let built: BuiltApp;
  let admin: CookieClient;
  const targets: Record<string, { url: string; body: Record<string, unknown>; clear: string }> = {};

  beforeAll(async () => {
    const { db } = t();
    await seedCity(db);
    const grid = await someGrid(db, 2);
    built = await buildTestApp(db);
    const adminUser = await makeUser(db, 'Admin', [{ role: 'admin' }]);
    admin = await sessionFor(built, db, adminUser.userId, '10.2.0.1');
    // A user with a phone.
    const userId = await createTestUser(built, {
      username: 'reveal-target',
      phone: '13712340000',
      grants: [{ role: 'grid_worker', areaCode: grid.code, departmentCode: null }],
    });
    targets.user = { url: `/api/users/${userId}/reveal`, body: { field: 'phone' }, clear: '13712340000' };
    // A case with a reporter.
    const c = await built.app.inject({
      method: 'POST',
      url: '/api/cases',
      remoteAddress: '10.2.0.2',
      payload: {
        channel: 'resident',
        idempotencyKey: 'reveal-purpose-case',
        location: { lng: grid.lng, lat: grid.lat },
        categoryCode: 'E0102',
        description: '垃圾满溢 请打 13612340000',
        reporter: { name: '王小明', phone: '13612340000' },
      },
    });
    expect(c.statusCode).toBe(201);
    targets.case = {
      url: `/api/cases/${c.json().id}/reveal`,
      body: { fields: ['reporterPhone', 'description'] },
      clear: '13612340000',
    };
    // A registry person.
    const id = idNumber(createRng(3), '1985-02-03', '320502', 'female');
    await built.services.registry.importPeople(systemActor('test'), {
      source: 'public_security',
      fileName: 'p.csv',
      rows: readTable(Buffer.from(`姓名,身份证号,联系电话\n李娜,${id},13512340000\n`, 'utf8'), 'csv'),
    });
    const person = await built.services.registry.findByIdNumber(systemActor('test'), id);
    targets.person = {
      url: `/api/registry/people/${person!.id}/reveal`,
      body: { fields: ['phone'] },
      clear: '13512340000',
    };
  });

  for (const kind of ['user', 'case', 'person'] as const) {
    it(`${kind}: a purpose without meaning is refused; a listed code or a reason is shown, audited, no-store`, async () => {
      const target = targets[kind]!;
      for (const purpose of BAD_PURPOSES) {
        const res = await admin.request('POST', target.url, { ...target.body, purpose });
        expect(res.statusCode, `${kind} purpose ${JSON.stringify(purpose)}`).toBe(400);
        expect(res.body).not.toContain(target.clear);
      }
      const missing = await admin.request('POST', target.url, target.body);
      expect(missing.statusCode).toBe(400);
      for (const purpose of GOOD_PURPOSES) {
        const res = await admin.request('POST', target.url, { ...target.body, purpose });
        expect(res.statusCode, `${kind} purpose ${purpose}: ${res.body}`).toBe(200);
        expect(res.body).toContain(target.clear);
        expect(res.headers['cache-control']).toBe('no-store');
      }
      const { rows } = await t().db.query<{ purpose: string }>(
        `SELECT purpose FROM audit_entries WHERE action = $1 ORDER BY seq`,
        [`${kind}.reveal`],
      );
      expect(rows.map((r) => r.purpose)).toEqual(GOOD_PURPOSES);
    });
  }

  it('the purpose list is offered to reveal dialogs', async () => {
    const res = await admin.request('GET', '/api/reveal-purposes');
    expect(res.statusCode).toBe(200);
    expect(res.json().items.map((p: { code: string }) => p.code)).toContain('callback');
    expect(res.json().minFreeText).toBe(10);
  });
});
