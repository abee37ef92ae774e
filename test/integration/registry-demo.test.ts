import { afterAll, beforeAll, expect, it } from 'vitest';
import { isValidIdNumber } from '../../src/kernel/demo-data/demo-content.js';
import { silentProgress } from '../../src/kernel/progress.js';
import { FixedClock } from '../../src/lib/clock.js';
import { FieldCipher, maskIdNumber, maskPhone } from '../../src/lib/privacy.js';
import { createRng } from '../../src/lib/random.js';
import { areasDemoStep } from '../../src/modules/grid/grid.demo.js';
import { departmentsDemoStep } from '../../src/modules/org/org.demo.js';
import { parsePartCode } from '../../src/modules/parts/part-code.js';
import { DEMO_PARTS, partsDemoStep } from '../../src/modules/parts/parts.demo.js';
import { DEMO_REGISTRY, registryDemoStep } from '../../src/modules/registry/registry.demo.js';
import { describeEachDriver } from '../support/db.js';
import {
  buildWatchedApp,
  createTestUser,
  piiLeaks,
  sessionFor,
  type WatchedApp,
} from '../support/identity.js';

const NOW = new Date('2026-11-30T02:00:00Z');
const KEY = 'd'.repeat(40); // the DATA_KEY of testConfig(), so the app decrypts what the demo sealed

describeEachDriver('demo base data (一标三实)', (t) => {
  let summary = '';
  let partsSummary = '';
  let seconds = 0;
  let app: WatchedApp;

  beforeAll(async () => {
    const clock = new FixedClock(NOW);
    const cipher = new FieldCipher(KEY);
    await t().db.transaction(async (tx) => {
      for (const step of [departmentsDemoStep, areasDemoStep]) {
        await step.run(tx, {
          rng: createRng(9).fork(step.name),
          clock,
          progress: silentProgress,
          seed: 9,
          cipher,
        });
      }
      const started = performance.now();
      summary = await registryDemoStep.run(tx, {
        rng: createRng(9).fork('registry'),
        clock,
        progress: silentProgress,
        seed: 9,
        cipher,
      });
      seconds = (performance.now() - started) / 1000;
      // City parts are the parts module's own step, run right after this one in the demo.
      partsSummary = await partsDemoStep.run(tx, {
        rng: createRng(9).fork('parts'),
        clock,
        progress: silentProgress,
        seed: 9,
        cipher,
      });
    });
    app = await buildWatchedApp(t().db, { clock });
  });

  afterAll(async () => {
    await app?.app.close();
  });

  it('creates addresses, buildings, households, people, organisations and parts, all in grids', async () => {
    const { db } = t();
    console.log(`registry demo step [${db.driver}]: ${seconds.toFixed(2)} s — ${summary}; ${partsSummary}`);
    const { rows } = await db.query<Record<string, number>>(
      `SELECT (SELECT count(*)::int FROM addresses) AS addresses, (SELECT count(*)::int FROM buildings) AS buildings,
         (SELECT count(*)::int FROM households) AS households, (SELECT count(*)::int FROM people) AS people,
         (SELECT count(*)::int FROM organisations) AS organisations, (SELECT count(*)::int FROM city_parts) AS parts,
         (SELECT count(*)::int FROM people WHERE grid_code IS NULL OR household_id IS NULL) AS homeless,
         (SELECT count(*)::int FROM people WHERE phone_hash IS NULL) AS no_phone`,
    );
    const c = rows[0]!;
    expect(c).toMatchObject({
      addresses: DEMO_REGISTRY.buildings,
      buildings: DEMO_REGISTRY.buildings,
      households: DEMO_REGISTRY.households,
      organisations: DEMO_REGISTRY.organisations,
      parts: DEMO_PARTS,
      homeless: 0,
    });
    expect(c.people).toBeGreaterThanOrEqual(DEMO_REGISTRY.households * 2);
    expect(c.people).toBeLessThanOrEqual(DEMO_REGISTRY.households * 5);
    expect(c.no_phone).toBeGreaterThan(0);
    // Every located thing lies inside the bounding box of the grid it names.
    const { rows: outside } = await db.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM (
         SELECT grid_code, lng, lat FROM buildings UNION ALL SELECT grid_code, lng, lat FROM city_parts
         UNION ALL SELECT grid_code, lng, lat FROM organisations) x
       LEFT JOIN areas a ON a.code = x.grid_code AND a.valid_to IS NULL
       WHERE a.id IS NULL OR x.lng NOT BETWEEN a.min_lng AND a.max_lng OR x.lat NOT BETWEEN a.min_lat AND a.max_lat`,
    );
    expect(outside[0]!.n).toBe(0);
    // Household members live in their household's grid.
    const { rows: mismatched } = await db.query<{ n: number }>(
      'SELECT count(*)::int AS n FROM people p JOIN households h ON h.id = p.household_id WHERE p.grid_code <> h.grid_code',
    );
    expect(mismatched[0]!.n).toBe(0);
  });

  it('stores valid identity numbers sealed, hashed and masked the way the import does', async () => {
    const cipher = new FieldCipher(KEY);
    const { rows } = await t().db.query<{
      id_hash: string;
      id_enc: string;
      id_masked: string;
      phone_enc: string | null;
      phone_masked: string | null;
      gender: string;
      birth_year: number;
    }>('SELECT id_hash, id_enc, id_masked, phone_enc, phone_masked, gender, birth_year FROM people');
    for (const r of rows) {
      const id = cipher.decrypt(r.id_enc);
      expect(isValidIdNumber(id, NOW), id).toBe(true);
      expect(r.id_hash).toBe(cipher.lookupHash(id));
      expect(r.id_masked).toBe(maskIdNumber(id));
      expect(r.gender).toBe(Number(id.charAt(16)) % 2 === 1 ? 'male' : 'female');
      expect(r.birth_year).toBe(Number(id.slice(6, 10)));
      if (r.phone_enc) expect(r.phone_masked).toBe(maskPhone(cipher.decrypt(r.phone_enc)));
    }
    const { rows: parts } = await t().db.query<{ code: string; category_code: string }>(
      'SELECT code, category_code FROM city_parts',
    );
    for (const p of parts) {
      const parsed = parsePartCode(p.code);
      expect('reason' in parsed ? parsed.reason : parsed.categoryCode).toBe(p.category_code);
    }
  });

  it('keeps provenance from two departments and open conflicts to resolve', async () => {
    const { db } = t();
    const { rows: sources } = await db.query<{ source: string; kind: string; n: number }>(
      `SELECT b.source, b.kind, count(*)::int AS n FROM registry_provenance v JOIN registry_batches b ON b.id = v.batch_id
       GROUP BY b.source, b.kind ORDER BY b.source, b.kind`,
    );
    const by = Object.fromEntries(sources.map((s) => [`${s.source}/${s.kind}`, s.n]));
    expect(by['public_security/person']).toBeGreaterThan(0);
    expect(by['civil_affairs/person']).toBeGreaterThan(0);
    expect(by['civil_affairs/household']).toBe(DEMO_REGISTRY.households);
    expect(by['market_reg/organisation']).toBe(DEMO_REGISTRY.organisations);
    expect(by['urban_mgmt/part']).toBe(DEMO_PARTS);
    const { rows: twice } = await db.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM (SELECT entity_id FROM registry_provenance WHERE entity_type = 'person'
         GROUP BY entity_id HAVING count(*) = 2) x`,
    );
    expect(twice[0]!.n).toBeGreaterThan(20);
    const { rows: conflicts } = await db.query<{ field: string; n: number }>(
      "SELECT field, count(*)::int AS n FROM registry_conflicts WHERE status = 'open' GROUP BY field",
    );
    const cf = Object.fromEntries(conflicts.map((r) => [r.field, r.n]));
    expect(cf.phone).toBe(DEMO_REGISTRY.phoneConflicts);
    expect(cf.residence_type).toBe(DEMO_REGISTRY.residenceConflicts);
  });

  it('shows people, conflicts and the quality view masked through the API', async () => {
    const adminId = await createTestUser(app, {
      username: `demoadmin${t().db.driver}`,
      grants: [{ role: 'admin', areaCode: null, departmentCode: null }],
    });
    const admin = await sessionFor(app, t().db, adminId);
    const people = await admin.request('GET', '/api/registry/people?limit=100&offset=0');
    expect(people.statusCode).toBe(200);
    const list = people.json() as {
      items: Array<{ id: number; idNumber: string; phone: string | null; name: string | null }>;
      total: number;
    };
    expect(list.items).toHaveLength(100);
    for (const p of list.items) {
      expect(p.idNumber).toMatch(/^\d\*{16}[\dX]$/);
      if (p.phone !== null) expect(p.phone).toMatch(/^1\d\d\*{4}\d{4}$/);
      expect(p.name).toMatch(/^[\u3400-\u9fff]+\*+$/u);
    }
    const detail = await admin.request('GET', `/api/registry/people/${list.items[0]!.id}`);
    expect(detail.statusCode).toBe(200);
    const conflicts = await admin.request('GET', '/api/registry/conflicts?status=open&limit=50&offset=0');
    expect(conflicts.statusCode).toBe(200);
    const open = conflicts.json() as {
      total: number;
      items: Array<{ field: string; current: string | null; proposed: string | null }>;
    };
    expect(open.total).toBe(DEMO_REGISTRY.phoneConflicts + DEMO_REGISTRY.residenceConflicts);
    const phone = open.items.find((c) => c.field === 'phone')!;
    expect(phone.current).toMatch(/^1\d\d\*{4}\d{4}$/);
    expect(phone.proposed).toMatch(/^1\d\d\*{4}\d{4}$/);
    expect(phone.proposed).not.toBe(phone.current);
    const quality = await admin.request('GET', '/api/registry/quality');
    expect(quality.statusCode).toBe(200);
    const grids = (
      quality.json() as {
        items: Array<{
          households: number;
          people: number;
          parts: number;
          openConflicts: number;
          missingPhone: number;
        }>;
      }
    ).items;
    const sum = (f: (g: (typeof grids)[number]) => number) => grids.reduce((s, g) => s + f(g), 0);
    expect(sum((g) => g.households)).toBe(DEMO_REGISTRY.households);
    expect(sum((g) => g.parts)).toBe(DEMO_PARTS);
    expect(sum((g) => g.openConflicts)).toBe(open.total);
    expect(sum((g) => g.missingPhone)).toBeGreaterThan(0);
    expect(piiLeaks(app.responses)).toEqual([]);
  });
});
