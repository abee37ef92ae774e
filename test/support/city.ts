import type { Db } from '../../src/db/db.js';
import type { Actor, RoleGrant } from '../../src/kernel/actor.js';
import { silentProgress } from '../../src/kernel/progress.js';
import { FixedClock } from '../../src/lib/clock.js';
import { FieldCipher } from '../../src/lib/privacy.js';
import { createRng } from '../../src/lib/random.js';
import { calendarDemoStep } from '../../src/modules/calendar/calendar.demo.js';
import { areasDemoStep } from '../../src/modules/grid/grid.demo.js';
import { departmentsDemoStep } from '../../src/modules/org/org.demo.js';
import { taxonomyDemoStep } from '../../src/modules/taxonomy/taxonomy.demo.js';

/** Seeds the parts of the demo city the case loop needs: departments, areas, taxonomy, calendar. */
export async function seedCity(db: Db, seed = 7): Promise<void> {
  const clock = new FixedClock(new Date('2026-01-01T00:00:00Z'));
  await db.transaction(async (tx) => {
    for (const step of [departmentsDemoStep, areasDemoStep, taxonomyDemoStep, calendarDemoStep]) {
      await step.run(tx, {
        rng: createRng(seed).fork(step.name),
        clock,
        progress: silentProgress,
        seed,
        cipher: new FieldCipher('d'.repeat(40)),
      });
    }
  });
}

let counter = 0;

/** Creates a user row with grants and returns the matching actor (services take actors). */
export async function makeUser(
  db: Db,
  name: string,
  grants: Array<Partial<RoleGrant> & Pick<RoleGrant, 'role'>>,
): Promise<Extract<Actor, { kind: 'user' }>> {
  counter += 1;
  const username = `${name.toLowerCase().replace(/[^a-z0-9]/g, '')}${counter}${Math.floor(Math.random() * 1e6)}`;
  const { rows } = await db.query<{ id: number }>(
    `INSERT INTO users (username, display_name, created_at, updated_at) VALUES ($1, $2, now(), now()) RETURNING id`,
    [username, name],
  );
  const userId = rows[0]!.id;
  const full: RoleGrant[] = grants.map((g) => ({
    role: g.role,
    areaCode: g.areaCode ?? null,
    departmentCode: g.departmentCode ?? null,
  }));
  for (const g of full) {
    await db.query(
      `INSERT INTO role_grants (user_id, role, area_code, department_code, granted_by, granted_at) VALUES ($1, $2, $3, $4, 'test', now())`,
      [userId, g.role, g.areaCode, g.departmentCode],
    );
  }
  return { kind: 'user', userId, displayName: name, grants: full };
}

/** A grid of the seeded city with a point inside it and its street/district codes. */
export async function someGrid(
  db: Db,
  index = 0,
): Promise<{ code: string; lng: number; lat: number; street: string; district: string; community: string }> {
  const { rows } = await db.query<{ code: string; center_lng: number; center_lat: number }>(
    `SELECT code, center_lng, center_lat FROM areas WHERE level = 'grid' AND valid_to IS NULL ORDER BY code OFFSET $1 LIMIT 1`,
    [index],
  );
  const g = rows[0]!;
  return {
    code: g.code,
    lng: g.center_lng,
    lat: g.center_lat,
    district: g.code.slice(0, 6),
    street: g.code.slice(0, 9),
    community: g.code.slice(0, 12),
  };
}
