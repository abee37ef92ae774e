/**
 * Issue 14, "search confirms masked numbers": staff without the right to reveal a case's data
 * search its redacted text, so a masked phone cannot be confirmed digit by digit; staff with the
 * right (supervisors in their area, admins) search the raw text.
 */
import { beforeAll, expect, it } from 'vitest';
import type { BuiltApp } from '../../src/server/app.js';
import { buildTestApp } from '../support/app.js';
import { makeUser, seedCity, someGrid } from '../support/city.js';
import { describeEachDriver } from '../support/db.js';
import { type CookieClient, sessionFor } from '../support/identity.js';

const PHONE = '13800138000';

describeEachDriver('search does not confirm masked numbers', (t) => {
  let built: BuiltApp;
  let dispatcher: CookieClient;
  let supervisor: CookieClient;
  let farSupervisor: CookieClient;
  let caseId: number;

  beforeAll(async () => {
    const { db } = t();
    await seedCity(db);
    const grid = await someGrid(db, 6);
    const far = await someGrid(db, 60);
    built = await buildTestApp(db);
    const res = await built.app.inject({
      method: 'POST',
      url: '/api/cases',
      remoteAddress: '10.4.0.1',
      payload: {
        channel: 'resident',
        idempotencyKey: 'search-masked-1',
        location: { lng: grid.lng, lat: grid.lat },
        categoryCode: 'E0102',
        description: `井盖被偷了 请回电 ${PHONE}`,
        address: '滨江路 138 0013 8000 号',
      },
    });
    expect(res.statusCode).toBe(201);
    caseId = res.json().id;
    const d = await makeUser(db, 'Dispatcher', [{ role: 'dispatcher', areaCode: grid.street }]);
    const s = await makeUser(db, 'Supervisor', [{ role: 'supervisor', areaCode: grid.street }]);
    // Reads the whole district, reveals only in another street.
    const f = await makeUser(db, 'FarSup', [
      { role: 'dispatcher', areaCode: grid.district },
      { role: 'supervisor', areaCode: far.street === grid.street ? '999999' : far.street },
    ]);
    dispatcher = await sessionFor(built, db, d.userId, '10.4.0.2');
    supervisor = await sessionFor(built, db, s.userId, '10.4.0.3');
    farSupervisor = await sessionFor(built, db, f.userId, '10.4.0.4');
  });

  const ids = async (c: CookieClient, q: string) => {
    const res = await c.request('GET', `/api/cases?q=${encodeURIComponent(q)}`);
    expect(res.statusCode, res.body).toBe(200);
    return (res.json().items as Array<{ id: number }>).map((i) => i.id);
  };

  it('a dispatcher without reveal rights finds nothing by the number or a masked part of it', async () => {
    expect(await ids(dispatcher, '井盖被偷')).toContain(caseId);
    for (const q of [PHONE, '1380013', '0013', '00138', '13800138', '0013 8000', '138 0013']) {
      expect(await ids(dispatcher, q), q).not.toContain(caseId);
    }
    // What the mask shows anyway may be searched.
    expect(await ids(dispatcher, '138****8000')).toContain(caseId);
    // Reveal rights in another street do not open raw search here.
    expect(await ids(farSupervisor, '井盖被偷')).toContain(caseId);
    expect(await ids(farSupervisor, PHONE)).not.toContain(caseId);
  });

  it('cases stored before the redacted copies existed are searchable once backfilled', async () => {
    const { db } = t();
    await db.query(
      'UPDATE cases SET description_redacted = NULL, address_redacted = NULL, redaction_version = NULL',
    );
    expect(await ids(dispatcher, '井盖被偷')).not.toContain(caseId);
    const { CaseRepository } = await import('../../src/modules/cases/case.repository.js');
    const repo = new CaseRepository();
    expect(await repo.redactPending(db, 1000)).toBeGreaterThan(0);
    expect(await repo.redactPending(db, 1000)).toBe(0);
    expect(await ids(dispatcher, '井盖被偷')).toContain(caseId);
    expect(await ids(dispatcher, PHONE)).not.toContain(caseId);
  });

  it('a supervisor who may reveal the case finds it by the raw number', async () => {
    expect(await ids(supervisor, PHONE)).toContain(caseId);
    expect(await ids(supervisor, '0013')).toContain(caseId);
  });
});
