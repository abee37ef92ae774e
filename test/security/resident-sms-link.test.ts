/**
 * Issue 14, "A resident who reported anonymously with a phone and then signs in by SMS code with
 * that phone does not see or own the case": on the old code the tracking page promised it, but
 * "my reports" stayed empty and evaluate/reopen answered 404/403. Sign-in by code now links every
 * report left with that phone (any spelling of it; anonymous, hotline) to the account, in the
 * sign-in transaction, audited per case as `cases.linked`; other phones' reports stay apart.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Actor } from '../../src/kernel/actor.js';
import { FixedClock } from '../../src/lib/clock.js';
import type { BuiltApp } from '../../src/server/app.js';
import { buildTestApp } from '../support/app.js';
import { makeUser, seedCity, someGrid } from '../support/city.js';
import { describeEachDriver } from '../support/db.js';
import { CookieClient } from '../support/identity.js';
import { CapturingSender } from '../support/messages.js';

const PHONE = '13800138000';
const OTHER_PHONE = '13900139000';

describeEachDriver('resident: SMS sign-in links the reports made with that phone', (t) => {
  let built: BuiltApp;
  let grid: Awaited<ReturnType<typeof someGrid>>;
  let clock: FixedClock;
  const sms = new CapturingSender();
  let staff: Record<'dispatcher' | 'worker' | 'hotline', Extract<Actor, { kind: 'user' }>>;

  beforeAll(async () => {
    const { db } = t();
    await seedCity(db);
    grid = await someGrid(db, 2);
    clock = new FixedClock(new Date('2026-03-03T10:00:00+08:00'));
    built = await buildTestApp(db, { clock, sender: sms });
    staff = {
      dispatcher: await makeUser(db, 'Dispatcher', [{ role: 'dispatcher', areaCode: grid.district }]),
      worker: await makeUser(db, 'Worker', [{ role: 'grid_worker', areaCode: grid.code }]),
      hotline: await makeUser(db, 'Hotline', [{ role: 'hotline_operator', areaCode: grid.district }]),
    };
  });
  afterAll(async () => {
    await built.app.close();
  });

  let n = 0;
  async function anonymousReport(
    phone: string,
    description: string,
  ): Promise<{ id: number; publicCode: string }> {
    n += 1;
    const res = await built.app.inject({
      method: 'POST',
      url: '/api/cases',
      remoteAddress: `198.51.100.${40 + n}`,
      payload: {
        channel: 'resident',
        idempotencyKey: `sms-link-${n}-${Date.now()}`,
        location: { lng: grid.lng, lat: grid.lat },
        description,
        categoryCode: 'E0102',
        reporter: { phone },
      },
    });
    expect(res.statusCode, res.body).toBe(201);
    return res.json();
  }

  async function signIn(phone: string, ip = '10.0.0.50'): Promise<CookieClient> {
    const client = new CookieClient(built.app, ip);
    expect((await client.request('POST', '/api/auth/otp', { phone })).statusCode).toBe(202);
    const ok = await client.request('POST', '/api/auth/otp/verify', { phone, code: sms.lastCode(phone) });
    expect(ok.statusCode, ok.body).toBe(200);
    clock.advance(61_000); // past the one-code-per-minute limit for the next sign-in
    return client;
  }

  async function myCaseIds(client: CookieClient): Promise<number[]> {
    const res = await client.request('GET', '/api/cases?limit=50');
    expect(res.statusCode, res.body).toBe(200);
    return (res.json().items as Array<{ id: number }>).map((c) => c.id).sort((a, b) => a - b);
  }

  async function linkedAudit(): Promise<Array<{ resource_id: string; area_code: string; origin: string }>> {
    await built.services.audit.flush();
    const { rows } = await t().db.query<{ resource_id: string; area_code: string; origin: string }>(
      `SELECT resource_id, area_code, origin FROM audit_log WHERE action = 'cases.linked' ORDER BY seq`,
    );
    return rows;
  }

  let anonCase: { id: number; publicCode: string };
  let spelledCase: { id: number; publicCode: string };
  let hotlineCaseId: number;
  let otherCase: { id: number; publicCode: string };
  let resident: CookieClient;

  describe('before and at the first sign-in', () => {
    it('links anonymous and hotline reports with that phone (any spelling), and nothing else', async () => {
      anonCase = await anonymousReport(PHONE, '楼道灯坏了，一直不亮');
      spelledCase = await anonymousReport('+8613800138000', '小区门口垃圾桶满了');
      otherCase = await anonymousReport(OTHER_PHONE, '路面有坑洼');
      const hotline = await built.services.cases.intake.report(staff.hotline, {
        channel: 'hotline',
        idempotencyKey: `sms-link-hotline-${Date.now()}`,
        lng: grid.lng,
        lat: grid.lat,
        description: '来电反映噪音扰民',
        reporterPhone: PHONE,
      });
      hotlineCaseId = hotline.result.id;

      resident = await signIn(PHONE);
      expect(await myCaseIds(resident)).toEqual(
        [anonCase.id, spelledCase.id, hotlineCaseId].sort((a, b) => a - b),
      );
      // The detail opens too (it answered 404 before).
      const detail = await resident.request('GET', `/api/cases/${anonCase.id}`);
      expect(detail.statusCode, detail.body).toBe(200);
      expect((await resident.request('GET', `/api/cases/${otherCase.id}`)).statusCode).toBe(404);

      const audit = await linkedAudit();
      expect(audit.map((a) => Number(a.resource_id)).sort((a, b) => a - b)).toEqual(
        [anonCase.id, spelledCase.id, hotlineCaseId].sort((a, b) => a - b),
      );
      for (const a of audit) {
        expect(a.area_code).toBe(grid.code);
        expect(a.origin).toBe('10.0.0.50');
      }
    });

    it('a wrong code links nothing', async () => {
      const stranger = new CookieClient(built.app, '10.0.0.51');
      await anonymousReport(OTHER_PHONE, '又一处路面坑洼');
      expect((await stranger.request('POST', '/api/auth/otp', { phone: OTHER_PHONE })).statusCode).toBe(202);
      const good = sms.lastCode(OTHER_PHONE);
      const wrong = good === '000000' ? '111111' : '000000';
      const res = await stranger.request('POST', '/api/auth/otp/verify', { phone: OTHER_PHONE, code: wrong });
      expect(res.statusCode).toBe(401);
      const { rows } = await t().db.query<{ n: number }>(
        `SELECT count(*)::int AS n FROM case_reporters WHERE case_id = $1 AND user_id IS NOT NULL`,
        [otherCase.id],
      );
      expect(rows[0]!.n).toBe(0);
    });
  });

  describe('after linking', () => {
    it('the resident evaluates and reopens the case they reported anonymously', async () => {
      const w = built.services.cases.workflow;
      await w.act(staff.dispatcher, anonCase.id, 'file', { note: '立案' });
      let c = await w.act(staff.dispatcher, anonCase.id, 'dispatch', {});
      const department = c.tasks[0]!.department;
      const handler = await makeUser(t().db, 'Handler', [
        { role: 'dept_handler', departmentCode: department },
      ]);
      await w.act(handler, anonCase.id, 'accept', {});
      await w.act(handler, anonCase.id, 'report_back', { note: '已更换灯泡' });
      const before = sms.sent.length;
      c = await w.act(staff.worker, anonCase.id, 'verify_pass', { note: '核查通过' });
      expect(c.state).toBe('closed');
      // Linking took nothing away: the phone still gets the SMS the case promised.
      expect(sms.sent.slice(before).some((m) => m.recipient === PHONE)).toBe(true);

      const evaluated = await resident.request('POST', `/api/cases/${anonCase.id}/evaluate`, {
        result: 'dissatisfied',
        comment: '还是不亮',
      });
      expect(evaluated.statusCode, evaluated.body).toBe(200);
      const reopened = await resident.request('POST', `/api/cases/${anonCase.id}/reopen`, {
        note: '问题又出现',
      });
      expect(reopened.statusCode, reopened.body).toBe(200);
    });

    it('a later anonymous report with the phone is linked at the next sign-in, once', async () => {
      const later = await anonymousReport(PHONE, '电梯异响，需要检修');
      expect(await myCaseIds(resident)).not.toContain(later.id);
      const again = await signIn(PHONE, '10.0.0.52');
      expect(await myCaseIds(again)).toContain(later.id);
      // One reporter row per case for the resident, and each case audited once.
      const { rows } = await t().db.query<{ case_id: number; n: number }>(
        `SELECT case_id, count(*)::int AS n FROM case_reporters r
          WHERE r.user_id = (SELECT id FROM users WHERE phone_hash = (
            SELECT phone_hash FROM case_reporters WHERE case_id = $1 AND original))
          GROUP BY case_id`,
        [later.id],
      );
      expect(rows.length).toBe(4);
      expect(rows.every((r) => r.n === 1)).toBe(true);
      const audit = await linkedAudit();
      expect(new Set(audit.map((a) => a.resource_id)).size).toBe(audit.length);
      expect(audit.at(-1)!.resource_id).toBe(String(later.id));
    });
  });
});
