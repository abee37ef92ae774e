/**
 * Issue 14, "duplicate candidates return other reporters' descriptions unredacted": the "me too"
 * candidates of POST /api/cases/duplicates and the possibleDuplicates of an intake answer show
 * other reporters' texts through the case presenter, to anonymous and signed-in callers alike.
 */
import { expect, it } from 'vitest';
import { UNMASKED_PII_PATTERNS } from '../../src/lib/privacy.js';
import { buildTestApp } from '../support/app.js';
import { makeUser, seedCity, someGrid } from '../support/city.js';
import { describeEachDriver } from '../support/db.js';
import { sessionFor } from '../support/identity.js';

const OTHER_PHONE = '13912345678';
const OTHER_ID = '320502199001011234';

describeEachDriver('duplicate candidates are redacted', (t) => {
  it('anonymous and resident callers see no phone or ID of the other reporter', async () => {
    const { db } = t();
    await seedCity(db);
    const grid = await someGrid(db, 3);
    const built = await buildTestApp(db);
    const { app } = built;
    const description = `井盖丢失很危险 请联系 ${OTHER_PHONE.slice(0, 3)} ${OTHER_PHONE.slice(3, 7)} ${OTHER_PHONE.slice(7)} 身份证 ${OTHER_ID}`;
    const first = await app.inject({
      method: 'POST',
      url: '/api/cases',
      remoteAddress: '10.1.0.1',
      payload: {
        channel: 'resident',
        idempotencyKey: 'dup-leak-first',
        location: { lng: grid.lng, lat: grid.lat },
        categoryCode: 'E0102',
        description,
      },
    });
    expect(first.statusCode).toBe(201);

    const leaks = (items: Array<{ description: string }>) => {
      expect(items.length).toBeGreaterThan(0);
      for (const it of items) {
        expect(it.description).not.toMatch(UNMASKED_PII_PATTERNS.phone);
        expect(it.description).not.toMatch(UNMASKED_PII_PATTERNS.idNumber);
        expect(it.description.replace(/\D/g, '')).not.toContain(OTHER_PHONE.slice(3, 7));
        expect(it.description).toContain('井盖丢失');
      }
    };

    // The "me too" prompt, anonymous: refused (sign-in needed), or redacted should it ever open.
    const anon = await app.inject({
      method: 'POST',
      url: '/api/cases/duplicates',
      remoteAddress: '10.1.0.2',
      payload: { location: { lng: grid.lng, lat: grid.lat }, categoryCode: 'E0102', text: '井盖丢失' },
    });
    expect([200, 401]).toContain(anon.statusCode);
    if (anon.statusCode === 200) leaks(anon.json().items);

    // The intake answer of a second anonymous report nearby.
    const second = await app.inject({
      method: 'POST',
      url: '/api/cases',
      remoteAddress: '10.1.0.3',
      payload: {
        channel: 'resident',
        idempotencyKey: 'dup-leak-second',
        location: { lng: grid.lng, lat: grid.lat },
        categoryCode: 'E0102',
        description: '井盖丢失了',
      },
    });
    expect(second.statusCode).toBe(201);
    leaks(second.json().possibleDuplicates);

    // A signed-in resident: the prompt and the intake answer.
    const resident = await makeUser(db, 'Resident', [{ role: 'resident' }]);
    const client = await sessionFor(built, db, resident.userId, '10.1.0.4');
    const prompt = await client.request('POST', '/api/cases/duplicates', {
      location: { lng: grid.lng, lat: grid.lat },
      categoryCode: 'E0102',
      text: '井盖丢失',
    });
    expect(prompt.statusCode).toBe(200);
    leaks(prompt.json().items);
    const third = await client.request('POST', '/api/cases', {
      channel: 'resident',
      idempotencyKey: 'dup-leak-third',
      location: { lng: grid.lng, lat: grid.lat },
      categoryCode: 'E0102',
      description: '这里井盖丢失',
    });
    expect(third.statusCode).toBe(201);
    leaks(third.json().possibleDuplicates);
    await built.app.close();
  });
});
