import { expect, it } from 'vitest';
import { FixedClock } from '../../src/lib/clock.js';
import { FieldCipher } from '../../src/lib/privacy.js';
import { DEMO_PASSWORD, identityDemoStep } from '../../src/modules/identity/identity.demo.js';
import { describeEachDriver } from '../support/db.js';
import { buildWatchedApp, CookieClient, seedTestCity } from '../support/identity.js';

describeEachDriver('identity demo users', (t) => {
  it('creates the documented logins with one shared argon2id hash, scoped to their areas', async () => {
    const { codes } = await seedTestCity(t().db);
    const clock = new FixedClock(new Date('2026-03-02T01:00:00Z'));
    const noProgress = { start: () => undefined, tick: () => undefined, done: () => undefined };
    const summary = await t().db.transaction((tx) =>
      identityDemoStep.run(tx, {
        rng: undefined as never,
        clock,
        progress: noProgress as never,
        seed: 1,
        cipher: new FieldCipher('d'.repeat(40)),
      }),
    );
    expect(summary).toMatch(/grid workers/);
    const { rows } = await t().db.query<{ n: number; hashes: number }>(
      "SELECT count(*)::int AS n, count(DISTINCT password_hash)::int AS hashes FROM users WHERE password_hash LIKE '$argon2id$%'",
    );
    const expected = 3 + codes.district!.length + codes.street!.length + codes.grid!.length + 2;
    expect(rows[0]).toEqual({ n: expected, hashes: 1 });
    const w = await buildWatchedApp(t().db, { clock });
    const grid = codes.grid![0]!;
    const gw = await new CookieClient(w.app).login(`gw-${grid}`, DEMO_PASSWORD);
    expect((await gw.request('GET', '/api/me/grants')).json()).toMatchObject({
      items: [{ role: 'grid_worker', areaCode: grid }],
    });
    const admin = await new CookieClient(w.app, '10.0.0.2').login('admin', DEMO_PASSWORD);
    expect((await admin.request('GET', '/api/admin/users?role=dept_handler')).json()).toMatchObject({
      total: 2,
    });
    await w.app.close();
  });
});
