import type { Db } from '../../db/db.js';
import type { DemoStep } from '../../kernel/demo-step.js';
import type { Progress } from '../../kernel/progress.js';
import type { Clock } from '../../lib/clock.js';
import { FieldCipher } from '../../lib/privacy.js';
import { createRng } from '../../lib/random.js';
import { calendarDemoStep } from '../calendar/index.js';
import { casesDemoStep } from '../cases/index.js';
import { areasDemoStep, gridMembersDemoStep } from '../grid/index.js';
import { identityDemoStep } from '../identity/index.js';
import { departmentsDemoStep } from '../org/index.js';
import { partsDemoStep } from '../parts/index.js';
import { registryDemoStep } from '../registry/index.js';
import { taxonomyDemoStep } from '../taxonomy/index.js';

/** Every module's demo step, in dependency order. A module adds its step here. */
export const DEMO_STEPS: readonly DemoStep[] = [
  departmentsDemoStep,
  areasDemoStep,
  identityDemoStep,
  gridMembersDemoStep,
  taxonomyDemoStep,
  calendarDemoStep,
  registryDemoStep,
  partsDemoStep,
  casesDemoStep,
];

/** True when the database already holds areas (the demo is only created in an empty one). */
export async function isDemoSeeded(db: Db): Promise<boolean> {
  const { rows } = await db.query<{ any: boolean }>('SELECT EXISTS (SELECT 1 FROM areas) AS any');
  return rows[0]?.any === true;
}

/**
 * Creates the deterministic demo city in one transaction: the same seed gives the same city.
 * Returns a one-line summary.
 */
export async function seedDemoCity(
  db: Db,
  opts: { seed: number; clock: Clock; progress: Progress; dataKey: string; steps?: readonly DemoStep[] },
): Promise<string> {
  const root = createRng(opts.seed);
  const cipher = new FieldCipher(opts.dataKey);
  const summaries = await db.transaction(async (tx) => {
    const out: string[] = [];
    for (const step of opts.steps ?? DEMO_STEPS) {
      out.push(
        await step.run(tx, {
          rng: root.fork(step.name),
          clock: opts.clock,
          progress: opts.progress,
          seed: opts.seed,
          cipher,
        }),
      );
    }
    await tx.query(
      `INSERT INTO app_meta (key, value) VALUES ('demo', $1)
       ON CONFLICT (key) DO UPDATE SET value = EXCLUDED.value, updated_at = now()`,
      [{ seed: opts.seed, createdAt: opts.clock.now().toISOString() }],
    );
    return out;
  });
  return summaries.join('; ');
}
