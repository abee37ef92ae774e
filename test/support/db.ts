import { randomBytes } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import pg from 'pg';
import { afterAll, beforeAll, describe } from 'vitest';
import type { Db } from '../../src/db/db.js';
import { migrate } from '../../src/db/migrate.js';
import { openPglite } from '../../src/db/pglite-driver.js';
import { openPostgres } from '../../src/db/postgres-driver.js';

const PG_URL = process.env.TEST_DATABASE_URL;

if (process.env.CI === 'true' && !PG_URL) {
  throw new Error('CI=true but TEST_DATABASE_URL is not set: the PostgreSQL suite must run in CI');
}

/** A database for one test file, and how to throw it away. */
export interface TestDb {
  db: Db;
  /** PostgreSQL only: the throw-away schema. */
  schema?: string;
  dispose(): Promise<void>;
}

/** A fresh in-memory PGlite database, migrated. */
export async function pgliteTestDb(opts: { migrate?: boolean } = {}): Promise<TestDb> {
  const db = await openPglite(undefined);
  if (opts.migrate !== false) await migrate(db);
  return { db, dispose: () => db.close() };
}

/** A fresh schema in the TEST_DATABASE_URL database, migrated; dropped on dispose. */
export async function postgresTestDb(opts: { migrate?: boolean } = {}): Promise<TestDb> {
  if (!PG_URL) throw new Error('TEST_DATABASE_URL not set');
  const schema = `cg_t_${process.pid}_${randomBytes(4).toString('hex')}`;
  const admin = new pg.Client({ connectionString: PG_URL });
  await admin.connect();
  await admin.query(`CREATE SCHEMA ${schema}`);
  await admin.end();
  const db = await openPostgres({ connectionString: PG_URL, schema: `${schema},public`, max: 8 });
  if (opts.migrate !== false) await migrate(db);
  markPostgresSuiteRan();
  return {
    db,
    schema,
    async dispose() {
      await db.close();
      const c = new pg.Client({ connectionString: PG_URL });
      await c.connect();
      await c.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
      await c.end();
    },
  };
}

function markPostgresSuiteRan(): void {
  mkdirSync('test-results', { recursive: true });
  writeFileSync('test-results/postgres-suite-ran', new Date().toISOString());
}

/** The drivers to test against: PGlite always, PostgreSQL when TEST_DATABASE_URL is set. */
export const DRIVERS: ReadonlyArray<{
  name: 'pglite' | 'postgres';
  open: (o?: { migrate?: boolean }) => Promise<TestDb>;
}> = [
  { name: 'pglite', open: pgliteTestDb },
  ...(PG_URL ? [{ name: 'postgres' as const, open: postgresTestDb }] : []),
];

/**
 * Runs the same suite once per driver with a fresh migrated database:
 * `describeEachDriver('cases', (t) => { it('…', async () => { t().db … }) })`.
 */
export function describeEachDriver(
  name: string,
  body: (get: () => TestDb) => void,
  opts: { migrate?: boolean } = {},
): void {
  for (const driver of DRIVERS) {
    describe(`${name} [${driver.name}]`, () => {
      let current: TestDb | undefined;
      beforeAll(async () => {
        current = await driver.open(opts);
      });
      afterAll(async () => {
        await current?.dispose();
      });
      body(() => {
        if (!current) throw new Error('test database not open yet');
        return current;
      });
    });
  }
}
