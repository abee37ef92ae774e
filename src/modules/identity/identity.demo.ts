import type { Queryable } from '../../db/db.js';
import type { RoleName } from '../../kernel/actor.js';
import type { DemoStep } from '../../kernel/demo-step.js';
import { PasswordHasher } from './password-hasher.js';

/** The password of every demo login (documented in README). */
export const DEMO_PASSWORD = 'demo1234';

interface DemoUser {
  username: string;
  displayName: string;
  role: RoleName;
  areaCode: string | null;
  departmentCode: string | null;
}

const BATCH = 400;

async function insertBatch(
  tx: Queryable,
  users: readonly DemoUser[],
  hash: string,
  now: Date,
): Promise<void> {
  const params: unknown[] = [hash, now];
  const values = users.map((u) => {
    params.push(u.username, u.displayName);
    return `($${params.length - 1}, $${params.length}, $1, $2, $2)`;
  });
  const { rows } = await tx.query<{ id: number | string; username: string }>(
    `INSERT INTO users (username, display_name, password_hash, created_at, updated_at) VALUES ${values.join(', ')}
     RETURNING id, username`,
    params,
  );
  const idOf = new Map(rows.map((r) => [r.username, Number(r.id)]));
  const gParams: unknown[] = [now];
  const gValues = users.map((u) => {
    gParams.push(idOf.get(u.username), u.role, u.areaCode, u.departmentCode);
    const n = gParams.length;
    return `($${n - 3}, $${n - 2}, $${n - 1}, $${n}, 'demo', $1)`;
  });
  await tx.query(
    `INSERT INTO role_grants (user_id, role, area_code, department_code, granted_by, granted_at) VALUES ${gValues.join(', ')}`,
    gParams,
  );
}

/**
 * Demo step: the city's staff — `admin`, a supervisor per district (`sup-<code>`), a dispatcher
 * per street (`disp-<code>`), a grid worker per unit grid (`gw-<code>`), two hotline operators
 * (`op-1`, `op-2`) and a handler per department (`dept-<code>`), all with password `demo1234`.
 * The password is hashed once and the hash shared, so 2,000 users take a second, not minutes.
 */
export const identityDemoStep: DemoStep = {
  name: 'users',
  async run(tx, env) {
    const now = env.clock.now();
    const hash = await new PasswordHasher().hash(DEMO_PASSWORD);
    const { rows: areas } = await tx.query<{ code: string; level: string; name_zh: string }>(
      "SELECT code, level, name_zh FROM areas WHERE valid_to IS NULL AND level IN ('district', 'street', 'grid') ORDER BY code",
    );
    const { rows: departments } = await tx.query<{ code: string; name_zh: string }>(
      'SELECT code, name_zh FROM departments WHERE active ORDER BY code',
    );
    const users: DemoUser[] = [
      { username: 'admin', displayName: '市级管理员', role: 'admin', areaCode: null, departmentCode: null },
      {
        username: 'op-1',
        displayName: '12345 话务员 1',
        role: 'hotline_operator',
        areaCode: null,
        departmentCode: null,
      },
      {
        username: 'op-2',
        displayName: '12345 话务员 2',
        role: 'hotline_operator',
        areaCode: null,
        departmentCode: null,
      },
    ];
    const byLevel = {
      district: ['sup', 'supervisor', '督查员'],
      street: ['disp', 'dispatcher', '调度员'],
      grid: ['gw', 'grid_worker', '网格员'],
    } as const;
    for (const a of areas) {
      const [prefix, role, title] = byLevel[a.level as keyof typeof byLevel];
      users.push({
        username: `${prefix}-${a.code}`,
        displayName: `${a.name_zh}${title}`,
        role,
        areaCode: a.code,
        departmentCode: null,
      });
    }
    for (const d of departments) {
      const username = `dept-${d.code.replace(/_/g, '-')}`;
      users.push({
        username,
        displayName: `${d.name_zh}承办人`,
        role: 'dept_handler',
        areaCode: null,
        departmentCode: d.code,
      });
    }
    env.progress.start('Users', users.length);
    for (let i = 0; i < users.length; i += BATCH) {
      const batch = users.slice(i, i + BATCH);
      await insertBatch(tx, batch, hash, now);
      env.progress.tick(batch.length);
    }
    env.progress.done();
    const count = (role: RoleName) => users.filter((u) => u.role === role).length;
    return `${users.length} users (${count('grid_worker')} grid workers, ${count('dispatcher')} dispatchers, ${count('supervisor')} supervisors, ${count('dept_handler')} department handlers; password ${DEMO_PASSWORD})`;
  },
};
